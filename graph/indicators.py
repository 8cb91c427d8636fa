"""Number + unit facts as pk:Indicator entities: 群众满意度98.23%, 工业投资同比增长35.8%, 有望突破50家 (a target)."""
from __future__ import annotations

import re

from .model import Document, Entity, Mention, Relation

_UNITS = "%|％|亿元|万元|元|亿|万|个|项|家|件|篇|人|户|万人|公里|千米|米|平方米|亩|万亩|吨|万吨|辆|条|所|座|套|处|次|倍|天|年"
_IND = re.compile(rf"([\u4e00-\u9fff]{{2,12}}?)(同比增长|增长|下降|达到|达|突破|超过|提高|增至|为)?(\d+(?:\.\d+)?)({_UNITS})")
TARGET_CUES = ("有望", "力争", "目标", "预计", "将", "确保", "突破")


def extract_indicators(doc: Document, entities: list[Entity]) -> tuple[list[Entity], list[Relation]]:
    """Indicator entities (value, unit, metric, status target/actual) and hasIndicator links to what they measure."""
    from .rdf import slug
    from .relations import fact_context

    out, rels = [], []
    for sent in doc.sentences:
        for m in _IND.finditer(sent.text):
            metric = m.group(1).lstrip("的和及与")
            if len(metric) < 2 or metric.endswith(("年", "月", "日")):
                continue
            value, unit = m.group(3), m.group(4)
            start, end = sent.start + m.start(), sent.start + m.end()
            status, year = fact_context(doc, start, end)
            kind = "target" if any(c in sent.text[max(0, m.start() - 6):m.end()] for c in TARGET_CUES) else "actual"
            label = m.group(0)
            key = f"indicator/{slug(doc.name + ':' + label + ':' + str(start), 24)}"
            men = Mention(label, start, end, "Indicator", "pattern:number+unit", 0.7, sentence=sent.index)
            out.append(Entity(key=key, label=label, cls="Indicator", mentions=[men], confidence=0.7, docs=[doc.name],
                              attrs={"value": value, "unit": unit, "metric": metric, "kind": kind,
                                     "status": status, "year": year}))
    _ = rels, entities
    return out, rels
