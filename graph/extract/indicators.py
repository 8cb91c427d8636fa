"""Number + unit facts as pk:Indicator entities: 群众满意度98.23%, 工业投资同比增长35.8%, 410项高频事项“跨域通办”,
高新技术企业有望突破50家 (a target). Each has a decimal value as written, its unit, the metric (what is counted or
measured), actual or target, status and year, and a hasIndicator link from the entity it measures: a name inside
the metric (跨域通办), the entity opening the clause (天易经开区实现…), else the report's own place."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from graph.extract.model import Entity, Mention, Relation
from graph.text.model import Document, Sentence
from ontology import top_class

RULE = "pattern:number+unit"
CONFIDENCE = 0.7

MULTIPLIERS = ("万亿", "千亿", "百亿", "千万", "百万", "十万", "亿", "万", "千")
MONEY = ("元", "美元", "欧元", "港元")
CLASSIFIERS = ("个", "项", "家", "件", "篇", "名", "所", "座", "条", "处", "户", "辆", "艘", "台", "套", "批", "栋", "间",
               "张", "位", "种", "类", "只", "头", "株", "棵", "部", "支", "场", "期")
PERCENT = ("个百分点", "百分点", "%", "％", "‰")
MEASURES = ("人次", "架次", "人", "平方公里", "平方米", "公里", "千米", "米", "公顷", "亩", "吨", "斤", "标箱", "千瓦时",
            "千瓦", "兆瓦", "立方米", "方", "倍", "天", "岁", "床")
_UNIT_ALTS = "|".join(re.escape(u) for u in sorted(MONEY + CLASSIFIERS + PERCENT + MEASURES, key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?<![\d.A-Za-z+第])(\d+(?:,\d{{3}})*(?:\.\d+)?)(?:\s*[-~～至到]\s*(\d+(?:\.\d+)?))?\s*"
    rf"(?:({'|'.join(MULTIPLIERS)})?({_UNIT_ALTS})|({'|'.join(MULTIPLIERS)}))(?![\dA-Za-z])")
_POST = re.compile(r"以上|以下|左右|多|余")
_DIGIT = re.compile(r"\d")
_NOT_AFTER = ("月", "季度", "年", "内", "次会议", "届")  # 26个月, 10天内: durations, not facts
_QUOTED = re.compile(r"[“\"「『][^“”\"「」『』]{1,40}[”\"」』]")
_PAREN = re.compile(r"[（(][^（）()]{0,20}[)）]")
CLAUSE_BREAKS = "，,；;。：:！？!?"
BREAKS = CLAUSE_BREAKS + "、"
TARGET_CUES = ("有望", "力争", "目标", "确保", "争取", "计划", "预期", "稳定在", "保持在", "控制在")
# words between a metric and its number: not part of the metric
_COMPARATORS = ("稳定在", "保持在", "控制在", "累计完成", "分别达到", "分别为", "分别", "达到", "达", "突破", "超过",
                "超", "逾", "近", "约", "为", "是", "增至", "降至", "至", "到", "总计", "合计", "共计", "共", "累计",
                "完成", "实现", "历史性", "预计", "有望", "力争", "确保", "争取", "将")
_CHANGE = re.compile(r"(?:同比|比上年|较上年|年均|平均)?(?:分别)?(?:增长|下降|增加|减少|提高|提升|降低|回落|增速为?)$")
# verbs that open a counted fact and belong to its metric: 新增家庭农场10家, 拆除违法建设382万平方米
KEEP_VERBS = ("占", "新增", "新设", "引进", "签约", "拆除", "发行", "争取", "开工", "投产", "建成", "改造", "新建",
              "储备", "开通", "招引", "培育", "认定", "办理")
_STOP_TAGS = ("p", "c", "d", "uj", "ul", "u", "m", "r", "y", "x")
_NOUN_TAGS = ("n", "b", "j", "nz", "vn", "ng", "an", "s", "f", "nt", "ns")
_STOP_WORDS = ("等", "的", "和", "与", "及", "在", "中", "其中", "全年", "今年", "去年", "一年来", "五年来", "当年",
               "全国", "全省", "全市")


@dataclass(frozen=True)
class NumberFact:
    """One number with its unit as written in a sentence (offsets relative to the sentence)."""

    start: int
    end: int
    value: str
    unit: str
    base: str
    upper: str | None = None
    qualifier: str = ""


def numbers_in(text: str, blocked: list[tuple[int, int]]) -> list[NumberFact]:
    """Numbers with units in a sentence, outside names, quotes, ordinals and durations."""
    out = []
    for m in _NUMBER.finditer(text):
        if any(a <= m.start() < b or a < m.end() <= b for a, b in blocked):
            continue
        base = m.group(4) or m.group(5)
        unit = (m.group(3) or "") + base if m.group(4) else base
        end = m.end()
        if base in CLASSIFIERS + ("天",) and text.startswith(_NOT_AFTER, end):
            continue
        post = _POST.match(text, end)
        qualifier = ""
        if post:
            qualifier, end = post.group(), post.end()
        out.append(NumberFact(m.start(), end, m.group(1).replace(",", ""), unit, base, m.group(2), qualifier))
    return out


def _nounish(word: str) -> bool:
    from graph.extract.words import word_tag

    if word.startswith(("“", '"')):
        return True
    tag = word_tag(word)
    return (tag is None and not any(c in BREAKS + "()（）" for c in word)) or (tag or "").startswith(_NOUN_TAGS)


def _words(text: str) -> list[str]:
    """Dictionary words of text, quoted names and 人均/亩均 kept whole."""
    from graph.extract.words import tokens

    out: list[str] = []
    pos = 0
    for m in _QUOTED.finditer(text):
        out.extend(w for w, _, _ in tokens(text[pos:m.start()]))
        out.append(m.group())
        pos = m.end()
    out.extend(w for w, _, _ in tokens(text[pos:]))
    merged: list[str] = []
    for w in out:
        if merged and (merged[-1] + w == "可支配" or (w == "均" and merged[-1] in "人亩户")):
            merged[-1] += w
        else:
            merged.append(w)
    return merged


@lru_cache(maxsize=65536)
def _stop_word(w: str) -> bool:
    """Words that end a metric phrase: function words, adverbs, comparators, verbs of achievement."""
    from graph.extract.relations import ADVERBS, DONE_CUES, SELF_REFERENCES
    from graph.extract.words import word_tag

    if any(w.startswith(a) and (word_tag(w[len(a):]) or "") == "v" for a in ADVERBS if 2 <= len(a) < len(w)):
        return True  # 全面实施, 加快推进: adverb + verb written as one word
    return (w in _STOP_WORDS or w in ADVERBS or w in _COMPARATORS or w in DONE_CUES or w in SELF_REFERENCES
            or (word_tag(w) or "").startswith(_STOP_TAGS) or any(c in BREAKS for c in w))


def tail_phrase(text: str, limit: int = 14) -> str:
    """The noun phrase that ends text (the metric before a number): 全年签约…等亿元以上项目 → 亿元以上项目."""
    kept: list[str] = []
    for w in reversed(_words(text)):
        if w in KEEP_VERBS:
            kept.insert(0, w)
            break
        if w.endswith("元") and kept and kept[0] == "以上":  # 亿元以上项目
            kept.insert(0, w)
            continue
        if _stop_word(w) and not w.startswith("“") or sum(map(len, kept)) + len(w) > limit:
            break
        kept.insert(0, w)
    return "".join(kept)


def head_phrase(text: str, limit: int = 16) -> str:
    """The noun phrase that opens text (what a count counts), ending on a noun: 市级重点项目全面开工 → 市级重点项目,
    长江入河(湖)排污口整治任务 stays whole."""
    kept: list[str] = []
    for w in _words(text):
        if w in KEEP_VERBS or _stop_word(w) and not w.startswith("“") or sum(map(len, kept)) + len(w) > limit:
            break
        kept.append(w)
    while kept and not _nounish(kept[-1]):
        kept.pop()
    return "".join(kept)


def strip_comparators(seg: str) -> str:
    """A metric without the comparators and target cues that lead to its number: 高新技术企业有望突破 → 高新技术企业."""
    changed = True
    while changed and seg:
        changed = False
        for w in sorted(_COMPARATORS, key=len, reverse=True):
            if seg.endswith(w):
                seg, changed = seg[: -len(w)], True
                break
    return seg


@dataclass
class Reading:
    """A metric and the sentence stretch [start, end) that states it with its number."""

    metric: str
    start: int
    end: int


def counted_after(text: str, fact: NumberFact) -> Reading | None:
    """A count whose thing follows it: 90个市级重点项目, 410项高频事项实现“跨域通办”, 3600亩空港中央公园."""
    rest = text[fact.end:]
    first = rest[:1]
    if fact.base in MONEY + PERCENT or not first or not ("\u4e00" <= first <= "\u9fff" or first in "“\"") \
            or first == "的":
        return None
    head = head_phrase(rest)
    if not head:
        return None
    named = re.match(r"(?:实现|纳入|列入|开展|推行)?([“\"][^”\"]{1,30}[”\"])(?=$|[，,；;。])", rest[len(head):])
    if named:  # 410项高频事项实现“跨域通办”: the count is about the quoted initiative
        return Reading(head + named.group(1), fact.start, fact.end + len(head) + named.end())
    return Reading(head, fact.start, fact.end + len(head))


def _size_class(text: str, fact: NumberFact) -> bool:
    """True for money that qualifies a noun (50亿元大项目, 500万元以上固定资产投资项目): a class, not a fact."""
    rest = text[fact.end:]
    return fact.base in MONEY and bool(rest[:1]) and "\u4e00" <= rest[0] <= "\u9fff" and rest[0] != "的" and \
        not re.match(r"增长|下降|增加|减少", rest)


def metrics_before(text: str, facts: list[NumberFact], clause_start: int) -> list[Reading | None]:
    """Metrics of a run of numbers joined by 、 (财政总收入、一般公共预算收入分别增长5.0%、6.4%): one metric per
    number when the clause lists as many, else the one metric for all. A metric that is only a change word
    (…、增长6%) comes back as that word, for the caller to complete."""
    first = facts[0]
    clean = _PAREN.sub("", text[clause_start:first.start])
    base = strip_comparators(clean)
    change = _CHANGE.search(base)
    change_word = re.sub(r"分别", "", change.group()) if change else ""
    if change:
        base = strip_comparators(base[: change.start()])
    parts = base.split("、")
    if len(facts) > 1 and len(parts) < len(facts):
        parts = parts[:-1] + re.split(r"[和及与]", parts[-1])
    if len(facts) > 1 and len(parts) >= len(facts):
        names = _share_head([tail_phrase(p) for p in parts[-len(facts):]])
    else:
        names = [tail_phrase(parts[-1])] * len(facts)
    out: list[Reading | None] = []
    for name in names:
        if len(name) < 2:
            out.append(Reading(change_word, first.start, first.end) if change_word else None)
            continue
        k = text.rfind(name, clause_start, first.start)
        out.append(Reading(name + change_word, k if k >= 0 else first.start, first.end))
    return out


def _share_head(names: list[str]) -> list[str]:
    """Short list members take the head of the last one: 城镇、农村居民人均可支配收入 → 城镇居民人均可支配收入."""
    last = _words(names[-1]) if names and names[-1] else []
    if len(last) < 2:
        return names
    head = "".join(last[1:])
    return [n + head if 0 < len(n) <= 3 and not n.endswith(head) else n for n in names[:-1]] + names[-1:]


def _runs(text: str, facts: list[NumberFact]) -> list[list[NumberFact]]:
    """Numbers grouped into runs joined only by 、 or 和 (5.71万元、3.27万元)."""
    runs: list[list[NumberFact]] = []
    for f in facts:
        if runs and text[runs[-1][-1].end:f.start] in ("、", "和", "及"):
            runs[-1].append(f)
        else:
            runs.append([f])
    return runs


def read_sentence(text: str, facts: list[NumberFact]) -> list[tuple[NumberFact, Reading]]:
    """Every number of a sentence with what it measures; numbers whose metric cannot be read are left out."""
    out: list[tuple[NumberFact, Reading]] = []
    previous, prev_end, previous_after = "", 0, False
    for run in _runs(text, facts):
        clause_start = max(max(text.rfind(c, 0, run[0].start) for c in CLAUSE_BREAKS) + 1, prev_end)
        if any(c in text[prev_end:run[0].start] for c in CLAUSE_BREAKS):
            previous = ""
        before = metrics_before(text, run, max(clause_start, max(text.rfind("、", 0, run[0].start) + 1, 0))
                                if len(run) == 1 else clause_start)
        for fact, reading in zip(run, before):
            if _size_class(text, fact):
                continue
            after = counted_after(text, fact)
            if after is not None:
                reading = after
            elif reading is None or _CHANGE.fullmatch(reading.metric):
                if not previous or previous_after:  # 3600亩公园和282公里绿道: a count does not lend its noun
                    continue
                own = reading.metric if reading is not None else ""
                metric = _CHANGE.sub("", previous) + own if own else previous
                reading = Reading(metric, fact.start, fact.end)
            out.append((fact, reading))
            previous, prev_end, previous_after = reading.metric, max(reading.end, fact.end), after is not None
    return out


def _numbered_mentions(entities: list[Entity]) -> dict[int, list[tuple[int, int]]]:
    """Spans of the mentions whose name holds a number, by sentence (in entity and mention order)."""
    out: dict[int, list[tuple[int, int]]] = {}
    for e in entities:
        for m in e.mentions:
            if _DIGIT.search(m.canonical):
                out.setdefault(m.sentence, []).append((m.start, m.end))
    return out


_YEAR_RANGE = re.compile(r"(?:19|20)\d{2}\s*[-—~～至到]\s*(?:19|20)\d{2}")


def _blocked_spans(sent: Sentence, entities: list[Entity],
                   numbered: dict[int, list[tuple[int, int]]] | None = None) -> list[tuple[int, int]]:
    """Where numbers are parts of names: mentions whose name holds a number (359路公交), quoted names, year spans."""
    if numbered is None:
        numbered = _numbered_mentions(entities)
    out = [(a - sent.start, b - sent.start) for a, b in numbered.get(sent.index, ())]
    out += [(m.start(), m.end()) for m in _QUOTED.finditer(sent.text)]
    out += [(m.start(), m.end()) for m in _YEAR_RANGE.finditer(sent.text)]
    return out


def _measured(view, reading: Reading, at: int) -> Entity | None:
    """The entity an indicator is about: a name inside its metric, the one place, organization or project opening
    its clause, else the report's own place."""
    from graph.extract.relations import _head_subject

    inside = [s for s in view.spans if reading.start <= s.start and s.end <= reading.end
              and s.type in ("Initiative", "Project", "Organization", "Sector")]
    if inside:
        return inside[-1].entity
    cs, _ = view.clause_bounds(at)
    kind, group = _head_subject(view, cs, min(reading.start, at))
    if kind == "entity" and len(group) == 1 and top_class(group[0].cls) in ("Place", "Organization", "Project"):
        return group[0]
    return view.home


def indicator_label(metric: str, fact: NumberFact) -> str:
    """A short readable label: 群众满意度 98.23%, 家庭农场总数 900家以上."""
    value = fact.value + (f"-{fact.upper}" if fact.upper else "")
    return f"{metric} {value}{fact.unit}{fact.qualifier}"


def _is_target(text: str, fact: NumberFact, status: str | None) -> bool:
    before = _PAREN.sub("", text[:fact.start])
    return status == "planned" or any(c in before for c in TARGET_CUES) or bool(re.search(r"将(?![来军])", before))


def extract_indicators(doc: Document, entities: list[Entity], views: list | None = None
                       ) -> tuple[list[Entity], list[Relation]]:
    """Indicator entities (value, unit, metric, actual/target, status, year) and hasIndicator links to what they
    measure. `views`: the document's sentence views, when the caller already made them for the relations."""
    from graph.extract.keys import slug
    from graph.extract.relations import SentenceView, fact_context, home_place, sentence_views

    if views is None:
        views = sentence_views(doc, entities)
    home = views[0].home if views else home_place(entities, doc)
    views = {v.sentence.index: v for v in views}
    out: list[Entity] = []
    rels: list[Relation] = []
    spans = {(m.start, m.end) for e in entities for m in e.mentions}
    numbered = _numbered_mentions(entities)
    for sent in doc.sentences:
        if not _DIGIT.search(sent.text):
            continue  # every fact has a number in digits
        facts = numbers_in(sent.text, _blocked_spans(sent, entities, numbered))
        if not facts:
            continue
        view = views.get(sent.index) or SentenceView(doc, sent, [], [], home)
        for fact, reading in read_sentence(sent.text, facts):
            start, end = sent.start + reading.start, sent.start + max(reading.end, fact.end)
            if (start, end) in spans:  # the stretch is already another entity's mention: cite the number alone
                start, end = sent.start + fact.start, sent.start + fact.end
            status, year = fact_context(doc, sent.start + fact.start, sent.start + fact.end)
            label = indicator_label(reading.metric, fact)
            key = f"indicator/{slug(f'{doc.name}:{start}:{label}', 24)}"
            mention = Mention(doc.text[start:end], start, end, "Indicator", RULE, CONFIDENCE, label=label,
                              sentence=sent.index)
            attrs = {"value": fact.value, "unit": fact.unit, "metric": reading.metric,
                     "kind": "target" if _is_target(sent.text, fact, status) else "actual", "status": status,
                     "year": year}
            if fact.upper:
                attrs["upper"] = fact.upper
            if fact.qualifier:
                attrs["qualifier"] = fact.qualifier
            measured = _measured(view, reading, fact.start)
            if measured is not None:
                attrs["measures"] = measured.key
                rels.append(Relation(measured.key, "hasIndicator", key, doc.name, sent.index, sent.text, sent.start,
                                     sent.end, RULE, CONFIDENCE, status, year))
            out.append(Entity(key=key, label=label, cls="Indicator", mentions=[mention], confidence=CONFIDENCE,
                              docs=[doc.name], attrs=attrs))
    return out, rels
