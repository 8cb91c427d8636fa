"""Where the graph says what it says: each fact's and entity's evidence sentences and documents, read once from
the RDF for the explorer's panels (the one place that knows how provenance is written)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph
from rdflib.namespace import DCTERMS, RDF

from ontology import PK


@dataclass(frozen=True)
class Evidence:
    """One sentence that supports a fact or mentions an entity, with its document and section context."""
    sentence: str
    document: str | None = None
    status: str | None = None
    year: str | None = None


@dataclass
class Provenance:
    """What the side panel needs beyond the NetworkX projection: documents, fact and mention sentences."""
    documents: dict[str, dict] = field(default_factory=dict)
    facts: dict[tuple[str, str, str], list[Evidence]] = field(default_factory=lambda: defaultdict(list))
    mentions: dict[str, list[Evidence]] = field(default_factory=lambda: defaultdict(list))
    indicators: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _text(value) -> str | None:
    return str(value) if value is not None else None


def read_provenance(g: Graph) -> Provenance:
    """Documents (title, date), the sentences of reified statements and of mentions, and for each co-occurrence
    (pk:relatedTo, which has no statement) the sentences that mention both ends, from a built graph."""
    from ontology import NIF

    def sentence(node, status=None, year=None, document=None) -> Evidence | None:
        text = g.value(node, NIF.anchorOf) if node is not None else None
        if text is None:
            return None
        return Evidence(str(text), _text(document if document is not None else g.value(node, PK.inDocument)),
                        _text(status), _text(year))

    prov = Provenance()
    for d in g.subjects(RDF.type, PK.Document):
        prov.documents[str(d)] = {"title": _text(g.value(d, DCTERMS.title)) or _text(g.value(d, PK.sourceFile))
                                  or str(d), "date": _text(g.value(d, DCTERMS.date)) or "",
                                  "file": _text(g.value(d, PK.sourceFile)) or ""}
    for st in g.subjects(RDF.type, RDF.Statement):
        ev = sentence(g.value(st, PK.evidence), g.value(st, PK.status), g.value(st, PK.year),
                      g.value(st, PK.inDocument))
        if ev is not None:
            key = (str(g.value(st, RDF.subject)), str(g.value(st, RDF.predicate)), str(g.value(st, RDF.object)))
            prov.facts[key].append(ev)
    sentences_of = defaultdict(set)
    for m in g.subjects(RDF.type, PK.Mention):
        entity, node = g.value(m, PK.mentionOf), g.value(m, PK.sentence)
        ev = sentence(node, g.value(m, PK.status), g.value(m, PK.year))
        if entity is not None and ev is not None:
            prov.mentions[str(entity)].append(ev)
            sentences_of[entity].add(node)
    for a, b in g.subject_objects(PK.relatedTo):
        for node in sentences_of.get(a, set()) & sentences_of.get(b, set()):
            ev = sentence(node, g.value(node, PK.status), g.value(node, PK.year))
            prov.facts[(str(a), str(PK.relatedTo), str(b))].append(ev)
    for ind, entity in g.subject_objects(PK.measures):
        prov.indicators[str(entity)].append(str(ind))
    for store in (prov.facts, prov.mentions):
        for key, items in store.items():
            store[key] = sorted(set(items), key=lambda e: (e.document or "", e.sentence))
    return prov


