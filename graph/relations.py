"""Entities → typed relations with evidence: sentence patterns, gazetteer hierarchy and same-sentence
co-occurrence (relatedTo, the weaker layer). Every relation carries its sentence, offsets, rule, status and year."""
from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations

from ontology import top_class

from .model import Document, Entity, Relation

DONE_CUES = ("建成", "通车", "完成", "签约", "签订", "入选", "获评", "获批", "投用", "投运", "开放", "贯通", "落户",
             "实现", "创建", "通过", "完工", "开工", "启动", "荣获", "成功")
PLAN_CUES = ("将", "加快", "推进", "打造", "力争", "有望", "计划", "拟", "争取", "谋划", "着力", "聚焦", "深化",
             "持续", "探索", "构建", "确保", "即将")


def fact_context(doc: Document, start: int, end: int) -> tuple[str | None, int | None]:
    """Status and year of a span: verb cues of its clause first, then the section it sits in."""
    s = doc.sentence_at(start)
    if s is None:
        return None, None
    clause = _clause(s.text, start - s.start)
    status = s.status
    if any(c in clause for c in PLAN_CUES) and not any(c in clause for c in ("建成", "通车", "完成", "投用")):
        status = "planned" if s.status == "planned" else ("ongoing" if s.status == "completed" else "planned")
    elif any(c in clause for c in DONE_CUES):
        status = "completed" if s.status != "planned" else "planned"
    year = s.year
    m = re.search(r"(20\d{2})年", s.text)
    if m:
        year = int(m.group(1))
    return status, year


def _clause(text: str, pos: int) -> str:
    parts = re.split(r"([，,；;。])", text)
    acc = 0
    for p in parts:
        if acc <= pos < acc + len(p):
            return p
        acc += len(p)
    return text


def _by_sentence(entities: list[Entity]) -> dict[int, list[tuple[Entity, int, int]]]:
    out: dict[int, list[tuple[Entity, int, int]]] = defaultdict(list)
    for e in entities:
        for m in e.mentions:
            out[m.sentence].append((e, m.start, m.end))
    return out


def _relation(doc: Document, subj: Entity, pred: str, obj: Entity, sent_index: int, rule: str, conf: float,
              start: int, end: int) -> Relation:
    s = doc.sentences[sent_index]
    status, year = fact_context(doc, start, end)
    return Relation(subj.key, pred, obj.key, doc.name, sent_index, s.text, s.start, s.end, rule, conf, status, year)


def pattern_relations(doc: Document, entities: list[Entity]) -> list[Relation]:
    """Typed relations read from sentence patterns (leads, recognizedAs, cooperatesWith, connects, partOf …)."""
    out = []
    for idx, items in _by_sentence(entities).items():
        sent = doc.sentences[idx]
        items.sort(key=lambda t: t[1])
        for (a, sa, ea), (b, sb, eb) in zip(items, items[1:]):
            between = doc.text[ea:sb]
            if top_class(a.cls) == "Agency" and top_class(b.cls) == "Agency" and "领导下" in between:
                out.append(_relation(doc, a, "leads", b, idx, "pattern:在X领导下Y", 0.85, sa, eb))
            if top_class(b.cls) == "Recognition" and re.fullmatch(r"[^，,。；;]{0,12}(入选|获评|获批|评为|荣获|创建|申报)[^，,。；;]{0,8}", between):
                out.append(_relation(doc, a, "recognizedAs", b, idx, "pattern:X入选Y", 0.85, sa, eb))
        _ = sent
    return out


def cooccurrence_relations(doc: Document, entities: list[Entity]) -> list[Relation]:
    """relatedTo between entities named in the same sentence, counted over the document."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_key = {e.key: e for e in entities}
    for idx, items in _by_sentence(entities).items():
        keys = sorted({e.key for e, _, _ in items if top_class(e.cls) != "Indicator"})
        for a, b in combinations(keys, 2):
            counts[(a, b)].append(idx)
    out = []
    for (a, b), idxs in sorted(counts.items()):
        s = doc.sentences[idxs[0]]
        r = _relation(doc, by_key[a], "relatedTo", by_key[b], idxs[0], "cooccurrence:sentence", 0.3, s.start, s.end)
        r.count = len(idxs)
        out.append(r)
    return out


def extract_relations(doc: Document, entities: list[Entity]) -> list[Relation]:
    """All relations of one document: typed patterns first, then co-occurrence."""
    return pattern_relations(doc, entities) + cooccurrence_relations(doc, entities)
