"""The administrative hierarchy of a document's coded places: 庙岭镇 partOf 华容区 partOf 鄂州市 partOf 湖北省,
read from the GB/T 2260 gazetteer, so that a query for a province finds the towns its reports name."""
from __future__ import annotations

from graph.extract.model import Entity, Relation
from graph.text.model import Document
from ontology import top_class

GAZETTEER_RULE = "gazetteer"
GAZETTEER_CONFIDENCE = 0.95


def _gazetteer():
    try:
        from graph.extract import gazetteer

        gazetteer.load_divisions()
    except (ImportError, OSError, ValueError):  # the gazetteer data is optional for the pipeline to run
        return None
    return gazetteer


def ancestor_entity(doc: Document, division) -> Entity:
    """A Place entity for a division the document does not name (no mentions; attrs say where it came from)."""
    from graph.extract.resolve import entity_key

    cls = division.ontology_class
    aliases = [division.short] if division.short != division.name else []
    return Entity(key=entity_key(division.name, cls, division.code), label=division.name, cls=cls, aliases=aliases,
                  confidence=GAZETTEER_CONFIDENCE, code=division.code, docs=[doc.name],
                  attrs={"source": GAZETTEER_RULE})


def place_hierarchy(doc: Document, entities: list[Entity]) -> tuple[list[Entity], list[Relation]]:
    """partOf links from each coded place up to its province, and the ancestor places the document lacks.

    Each link cites the sentence of the first mention of the place it starts from."""
    gz = _gazetteer()
    if gz is None:
        return [], []
    by_code = {e.code: e for e in entities if e.code and top_class(e.cls) == "Place"}
    added: dict[str, Entity] = {}
    links: dict[tuple[str, str], Relation] = {}
    for e in sorted(by_code.values(), key=lambda x: x.key):
        if not e.mentions:
            continue
        first = min(e.mentions, key=lambda m: m.start)
        sent = doc.sentences[first.sentence] if 0 <= first.sentence < len(doc.sentences) else None
        child = e
        for div in gz.ancestors(e.code):
            parent = by_code.get(div.code) or added.get(div.code)
            if parent is None:
                parent = added[div.code] = ancestor_entity(doc, div)
            key = (child.key, parent.key)
            if key not in links:
                links[key] = Relation(child.key, "partOf", parent.key, doc.name,
                                      sent.index if sent else -1, sent.text if sent else "",
                                      sent.start if sent else -1, sent.end if sent else -1,
                                      GAZETTEER_RULE, GAZETTEER_CONFIDENCE)
            child = parent
    return sorted(added.values(), key=lambda x: x.key), sorted(links.values(), key=lambda r: (r.subject, r.object))
