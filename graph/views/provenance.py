"""Where the graph says what it says: each fact's and entity's evidence sentences and documents, read once from
the RDF for the explorer's panels (the one place that knows how provenance is written)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph

from graph.rdf.dataset import Lit
from graph.views.network import GraphFacts, read_facts
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
    if value is None:
        return None
    return value.lexical if type(value) is Lit else str(value)


def read_provenance(g: Graph) -> Provenance:
    """The provenance of an rdflib graph (the union of a dataset's graphs)."""
    from graph.rdf.files import plain_triples

    return provenance_from_facts(read_facts(plain_triples(g)))


def provenance_from_facts(facts: GraphFacts) -> Provenance:
    """Documents (title, date), the sentences of reified statements and of mentions, and for each co-occurrence
    (pk:relatedTo, which has no statement) the sentences that mention both ends, from one pass over a built graph
    (the same pass the network projection reads)."""
    values = facts.values
    document_type = str(PK.Document)

    def sentence(node, status=None, year=None, document=None) -> Evidence | None:
        v = values.get(node) if type(node) is str else None
        if v is None or "anchorOf" not in v:
            return None
        return Evidence(_text(v["anchorOf"]), _text(document if document is not None else v.get("inDocument")),
                        _text(status), _text(year))

    prov = Provenance()
    sentences_of = defaultdict(set)
    for iri in sorted(values):
        v = values[iri]
        if document_type in v.get("type", ()):
            prov.documents[iri] = {"title": _text(v.get("title")) or _text(v.get("sourceFile")) or iri,
                                   "date": _text(v.get("date")) or "", "file": _text(v.get("sourceFile")) or ""}
        if "subject" in v and "predicate" in v and "object" in v:
            ev = sentence(v.get("evidence"), v.get("status"), v.get("year"), v.get("inDocument"))
            if ev is not None:
                prov.facts[(_text(v["subject"]), _text(v["predicate"]), _text(v["object"]))].append(ev)
        entity = v.get("mentionOf")
        if type(entity) is str:
            ev = sentence(v.get("sentence"), v.get("status"), v.get("year"))
            if ev is not None:
                prov.mentions[entity].append(ev)
                sentences_of[entity].add(v["sentence"])
    related, measures = str(PK.relatedTo), str(PK.measures)
    for s, p, o in sorted(facts.links):
        if p == related:
            for node in sentences_of.get(s, set()) & sentences_of.get(o, set()):
                v = values[node]
                prov.facts[(s, related, o)].append(sentence(node, v.get("status"), v.get("year")))
        elif p == measures:
            prov.indicators[o].append(s)
    for store in (prov.facts, prov.mentions):
        for key, items in store.items():
            store[key] = sorted(set(items), key=lambda e: (e.document or "", e.sentence, e.status or "",
                                                           e.year or ""))
    return prov
