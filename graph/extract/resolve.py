"""Mentions → entities: group surface forms that name the same thing, pick a canonical label, give a stable key.

Within a document: a quoted short form joins the name it abbreviates (四下基层 → 四下基层工作制度), a place's bare
stem joins the place (华容 → 华容区), and 区委/区政府 join the document's own district's bodies. Across documents,
entities with the same key are one node (keys come from GB/T 2260 codes where the gazetteer knows the place)."""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate

from graph.extract.keys import slug
from graph.extract.lexicon import named_bodies
from graph.extract.mentions import PLACE_CLASSES
from graph.extract.model import Entity, Mention
from graph.extract.words import tokens
from graph.text.model import Document
from ontology import top_class

ADMIN_LEVEL_SUFFIX = {"Province": "省", "City": "市", "District": "区", "County": "县", "Town": "镇",
                      "Township": "乡", "Subdistrict": "街道"}
LEVEL_RANK = {"Province": 0, "City": 1, "District": 2, "County": 2, "Subdistrict": 3, "Town": 3, "Township": 3}
BODY_SUFFIXES = ("人大常委会", "人民政府", "人民法院", "人民检察院", "纪委监委", "政府", "人大", "政协", "纪委", "监委",
                 "法院", "检察院", "委")
CLASS_SLUG = {"Place": "place", "Agency": "agency", "Organization": "org", "Project": "project",
              "Initiative": "initiative", "Sector": "sector", "Recognition": "recognition", "Indicator": "indicator"}


def _gazetteer():
    try:
        from graph.extract import gazetteer
    except ImportError:  # the gazetteer data is optional for the pipeline to run
        return None
    try:
        gazetteer.load_divisions()
    except (OSError, FileNotFoundError, ValueError):
        return None
    return gazetteer


@lru_cache(maxsize=65536)
def normalise_label(label: str) -> str:
    """The comparison form of a label: no quotes, brackets or spaces; simplified characters."""
    from zhconv import convert

    return convert(re.sub(r"[\s“”\"'‘’「」『』《》（）()]", "", label), "zh-cn")


def entity_key(label: str, cls: str, code: str | None = None, scope: str | None = None) -> str:
    """A deterministic IRI key: class slug plus the division code when known, else a slug of the label —
    prefixed by `scope` (the report's own place) for names that mean a different thing in every report."""
    top = top_class(cls)
    base = CLASS_SLUG.get(top, top.lower())
    if code and top == "Place":
        return f"{base}/{code}"
    if code and top == "Agency":
        return f"{base}/{code}-{cls.lower()}"
    key = slug(normalise_label(label))
    return f"{base}/{scope}-{key}" if scope else f"{base}/{key}"


# Bodies every level of government has: bare 人大, 法院, 工会 or 区委 in a report mean the report's own.
NATIONAL_BODIES = {"党中央", "中共中央", "国务院", "全国人大", "全国政协", "联合国", "世界银行", "世界卫生组织",
                   "世界贸易组织", "亚洲开发银行", "亚投行", "东盟", "上合组织", "金砖国家"}
LOCAL_CLASSES = {"Village", "Community", "Venue"}


def key_scope(label: str, cls: str, code: str | None, home_scope: str) -> str | None:
    """The scope a key needs: the report's place for local bodies and villages without a code, else none."""
    if code:
        return None
    top = top_class(cls)
    if top == "Agency" and label not in NATIONAL_BODIES:
        # a ministry (外交部, named_bodies' Departments) is the State Council's everywhere
        bare = label in named_bodies() and named_bodies()[label] != "Department" or (
            label[:1] in "省市区县州镇乡" and label[1:] in BODY_SUFFIXES)
        if bare:
            return home_scope
    if cls in LOCAL_CLASSES:
        return home_scope
    return None


def stem_of(label: str, cls: str) -> str | None:
    """The bare name of an administrative place (华容区 → 华容), if it is long enough to be unambiguous."""
    sfx = ADMIN_LEVEL_SUFFIX.get(cls)
    if sfx and label.endswith(sfx) and len(label) - len(sfx) >= 2:
        return label[: -len(sfx)]
    return None


def main_place(mentions: list[Mention]) -> Mention | None:
    """The document's own county or district: the most mentioned one (ties: the first). A city stands in only
    when it clearly dominates (named at least twice, more than any other city), else the report has no home."""
    counts = Counter(m.canonical for m in mentions if m.cls in ("District", "County"))
    if counts:
        best = max(counts.items(), key=lambda kv: kv[1])[0]
        return next(m for m in mentions if m.canonical == best)
    counts = Counter(m.canonical for m in mentions if m.cls == "City")
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return next(m for m in mentions if m.canonical == ranked[0][0])


def _division_for(gz, label: str, context: list[str]):
    if gz is None:
        return None
    try:
        div = gz.resolve_place(label, context)
    except Exception:  # a gazetteer problem must not stop extraction
        return None
    if div is not None and div.level == "town" and context and div.code[:2] not in {c[:2] for c in context}:
        return None  # a town of the same name in another province is not the one this report means
    return div


def resolve_entities(doc: Document, mentions: list[Mention]) -> list[Entity]:
    """Group a document's mentions into entities with canonical labels, aliases, codes and stable keys."""
    from graph.extract.own_place import own_division

    gz = _gazetteer()
    home_div = own_division(doc.text)  # the header's word first: the most named place only without one
    if home_div is not None:
        home_label = home_div.name
    else:
        home = main_place(mentions)
        home_label = home.canonical if home else None
        home_div = _division_for(gz, home_label, []) if home else None
    context: list[str] = []
    if home_div is not None:
        context.append(home_div.code)
    home_scope = home_div.code if home_div is not None else "doc-" + slug(doc.name)
    # 1. group by normalised canonical label
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[normalise_label(m.canonical)].append(m)
    # 2. bodies without a place (区委, 区政府) belong to the document's own place of that level
    own_bodies = {abbr_level + body: full + body for abbr_level, full in _home_labels(gz, home_label, home_div).items()
                  for body in BODY_SUFFIXES}
    for key in [k for k in groups if k in own_bodies]:
        label = own_bodies[key]
        ms = groups.pop(key)
        groups[normalise_label(label)].extend(Mention(m.text, m.start, m.end, m.cls, m.rule, m.confidence,
                                                      label=label, sentence=m.sentence) for m in ms)
    # 3. place stems (华容 → 华容区) found as separate words
    stems: dict[str, str] = {}
    for key, ms in sorted(groups.items(), key=lambda kv: LEVEL_RANK.get(kv[1][0].cls, 9), reverse=True):
        st = stem_of(key, ms[0].cls)
        if st and st not in groups:
            stems[st] = key  # the higher level wins a shared stem: 华容 is 华容区, not 华容镇
    if stems:
        covered = _SpanCover(m for ms in groups.values() for m in ms)
        for sent in doc.sentences:
            if not any(st in sent.text for st in stems):
                continue  # most sentences name no stem: no need to walk their words
            for w, s, e in tokens(sent.text):
                key = stems.get(w)
                if key is None:
                    continue
                a, b = sent.start + s, sent.start + e
                if covered.contains(a, b):
                    continue
                place = groups[key][0]
                groups[key].append(Mention(w, a, b, place.cls, "alias:stem", 0.7, label=place.canonical,
                                           sentence=sent.index))
    # 4. build entities
    entities = []
    for ms in groups.values():
        cls = _entity_class(ms)
        label = _canonical_label(ms)
        div = None
        if top_class(cls) == "Place" and cls not in ("Lake", "River", "Port", "Airport", "DevelopmentZone"):
            div = _division_for(gz, label, context)
        code = None
        if div is not None:
            code = div.code
            cls = gz.level_class(div.level, div.name, div.code)
        elif top_class(cls) == "Agency":
            code = _agency_code(gz, label, context)
        aliases = sorted({m.text for m in ms if normalise_label(m.text) != normalise_label(label)} |
                         {m.label for m in ms if m.label and m.label != label})
        conf = min(0.99, max(m.confidence for m in ms) + 0.02 * (len(ms) - 1) + (0.05 if code else 0))
        scope = key_scope(label, cls, code, home_scope)
        entities.append(Entity(key=entity_key(label, cls, code, scope), label=label, cls=cls, aliases=aliases,
                               mentions=sorted(ms, key=lambda m: m.start), confidence=conf, code=code,
                               docs=[doc.name]))
    return _dedupe_keys(sorted(entities, key=lambda e: (e.mentions[0].start, e.key)))


class _SpanCover:
    """Answers "does any of these mentions contain [a, b)?" in log time: the furthest end among the mentions that
    start at or before a (a scan of every mention per word made a long document quadratic)."""

    def __init__(self, mentions: Iterable[Mention]):
        spans = sorted((m.start, m.end) for m in mentions)
        self.starts = [s for s, _ in spans]
        self.reach = list(accumulate((e for _, e in spans), max))

    def contains(self, a: int, b: int) -> bool:
        i = bisect_right(self.starts, a)
        return i > 0 and self.reach[i - 1] >= b


def _home_labels(gz, label: str | None, home_div) -> dict[str, str]:
    """{'区': '华容区', '市': '鄂州市', '省': '湖北省'}: the document's own place at each level."""
    out: dict[str, str] = {}
    if not label:
        return out
    out[label[-1]] = label
    if gz is not None and home_div is not None:
        for anc in gz.ancestors(home_div.code):
            sfx = anc.name[-1]
            if sfx in "省市州盟" and sfx not in out:
                out[sfx] = anc.name
    return out


def _agency_code(gz, label: str, context: list[str]) -> str | None:
    label = label.removeprefix("中共")  # 中共江阴市委 is 江阴市委
    for body in BODY_SUFFIXES:
        if label.endswith(body) and len(label) > len(body) + 1:
            div = _division_for(gz, label[: -len(body)], context)
            if div is not None:
                return div.code
    return None


def _entity_class(ms: list[Mention]) -> str:
    """The class most mentions agree on, preferring the more confident rules."""
    score: Counter = Counter()
    for m in ms:
        score[m.cls] += m.confidence
    return max(score.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _canonical_label(ms: list[Mention]) -> str:
    """The label the rules agreed on: an explicit label first, else the longest surface form."""
    labelled = [m.label for m in ms if m.label]
    if labelled:
        return Counter(labelled).most_common(1)[0][0]
    return max((m.text for m in ms), key=lambda t: (len(t), t))


def _dedupe_keys(entities: list[Entity]) -> list[Entity]:
    """Two groups that resolved to one key (same code) become one entity, merged as across documents, in the order
    their keys first appear."""
    by_key: dict[str, list[Entity]] = {}
    for e in entities:
        by_key.setdefault(e.key, []).append(e)
    out = [group[0] if len(group) == 1 else merge_entities([group])[0] for group in by_key.values()]
    for e in out:
        e.mentions.sort(key=lambda m: (m.start, m.end))
    return out


def merge_entities(per_document: list[list[Entity]]) -> list[Entity]:
    """One entity per key across documents, with every document's aliases and documents (their sets grow while
    reading and are sorted once at the end: sorting them at every document was most of a large build's merge)."""
    merged: dict[str, Entity] = {}
    grown: dict[str, tuple[set, set]] = {}
    for ents in per_document:
        for e in ents:
            into = merged.get(e.key)
            if into is None:
                merged[e.key] = Entity(e.key, e.label, e.cls, list(e.aliases), list(e.mentions), e.confidence,
                                       e.code, dict(e.attrs), list(e.docs))
                continue
            if e.key not in grown:
                grown[e.key] = (set(into.aliases), set(into.docs))
            aliases, docs = grown[e.key]
            aliases.update(e.aliases)
            if e.label != into.label:
                aliases.add(e.label)
            docs.update(e.docs)
            into.mentions.extend(e.mentions)
            into.confidence = max(into.confidence, e.confidence)
    for key, (aliases, docs) in grown.items():
        merged[key].aliases, merged[key].docs = sorted(aliases), sorted(docs)
    for e in merged.values():
        e.mentions.sort(key=lambda m: (m.start, m.end))
    return sorted(merged.values(), key=lambda e: e.key)


__all__ = ["resolve_entities", "merge_entities", "entity_key", "normalise_label", "main_place", "PLACE_CLASSES"]
