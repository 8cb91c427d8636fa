"""Project the RDF graph onto NetworkX: entities as nodes, relations as edges with their evidence sentences.

The projection reads plain triples (IRIs as str, literals as graph.rdf.dataset.Lit), one pass, whatever their
order: from an rdflib graph (`to_networkx`) or straight from a build's file parsed by pyoxigraph
(`network_from_file`), which never makes rdflib's per-triple objects (a million triples in seconds, not minutes).
A typed relation's evidence is its statements' sentences; a co-occurrence (pk:relatedTo) has no statement, and
its evidence is the sentences that mention both ends, so its count is computed from the mentions."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from graph.rdf.dataset import Lit
from ontology import ID, NIF, PK, TOP_CLASSES, class_parents, top_class

PROVENANCE_PREDICATES = {"mentionOf", "inDocument", "measures"}
NODE_VALUES = ("value", "unit", "indicatorKind", "status", "year")
_PK, _ID = str(PK), str(ID)
_ENTITY_CLASSES = set(TOP_CLASSES[:8])


def _local(uri) -> str:
    return str(uri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _most_specific(classes: list[str]) -> str:
    """The deepest class of an entity, so `class` is Town rather than Place."""
    return max(classes, key=lambda c: (len(class_parents(c)), c)) if classes else "Thing"


# what each predicate tells the projection: (record kind, field); the record kind says whose value it is
_FIELDS = {str(iri): name for iri, name in (
    (RDF.type, "type"), (RDFS.label, "label"), (SKOS.altLabel, "altLabel"), (PK.divisionCode, "divisionCode"),
    (PK.value, "value"), (PK.unit, "unit"), (PK.indicatorKind, "indicatorKind"), (PK.status, "status"),
    (PK.year, "year"), (RDF.subject, "subject"), (RDF.predicate, "predicate"), (RDF.object, "object"),
    (PK.evidence, "evidence"), (PK.inDocument, "inDocument"), (PK.mentionOf, "mentionOf"),
    (PK.sentence, "sentence"), (NIF.anchorOf, "anchorOf"), (NIF.beginIndex, "beginIndex"),
    (DCTERMS.title, "title"), (DCTERMS.date, "date"), (PK.sourceFile, "sourceFile"))}
_MULTI = {"type", "label", "altLabel"}  # kept as lists; every other field keeps its first value


@dataclass
class GraphFacts:
    """What one pass over a graph's triples keeps: every subject's fields, and the links between entity IRIs; the
    network (network_from_facts) and the explorer's provenance (views.provenance) are both read from it."""

    values: dict[str, dict] = field(default_factory=dict)
    links: set[tuple[str, str, str]] = field(default_factory=set)

    def add(self, s: str, p: str, o) -> None:
        name = _FIELDS.get(p)
        if name is not None:
            v = self.values.get(s)
            if v is None:
                v = self.values[s] = {}
            if name in _MULTI:
                v.setdefault(name, set()).add(o)
            elif name not in v:
                v[name] = o
        if type(o) is str and p.startswith(_PK) and s.startswith(_ID) and o.startswith(_ID):
            self.links.add((s, p, o))


def _text(term) -> str:
    return term.lexical if type(term) is Lit else str(term)


def _node_attributes(iri: str, v: dict) -> dict | None:
    """An entity's node attributes, or None when the IRI is no entity (a mention, a sentence, a document)."""
    classes = [_local(o) for o in v.get("type", ()) if type(o) is str and o.startswith(_PK)]
    if not iri.startswith(_ID) or not any(top_class(c) in _ENTITY_CLASSES for c in classes):
        return None
    cls = _most_specific(classes)
    labels = [o for o in v.get("label", ()) if type(o) is Lit]
    zh = [o.lexical for o in labels if o.language == "zh"]
    pinyin = sorted(o.lexical for o in labels if o.language and o.language != "zh")
    attrs = {"label": min(zh) if zh else _local(iri), "class": cls, "type": top_class(cls),
             "aliases": sorted(_text(o) for o in v.get("altLabel", ())), "pinyin": pinyin[0] if pinyin else ""}
    if "divisionCode" in v:
        attrs["code"] = _text(v["divisionCode"])
    attrs.update((k, _text(v[k])) for k in NODE_VALUES if k in v)
    return attrs


@dataclass(frozen=True)
class EvidenceRecord:
    """One sentence supporting an edge: its text, document, status, year and place in the document."""

    document: str
    begin: int
    sentence: str
    status: str
    year: str

    def row(self) -> dict:
        return {"evidence": self.sentence, "status": self.status, "year": self.year, "document": self.document}


def _sentence_record(values: dict[str, dict], iri, status=None, year=None, document=None) -> EvidenceRecord | None:
    """A sentence node's record; a statement's own status, year and document come first when given."""
    v = values.get(iri) if type(iri) is str else None
    if v is None or "anchorOf" not in v:
        return None
    begin = v.get("beginIndex")
    return EvidenceRecord(_text(document or v.get("inDocument") or ""), int(_text(begin)) if begin is not None else 0,
                          _text(v["anchorOf"]), _text(status if status is not None else v.get("status") or ""),
                          _text(year if year is not None else v.get("year") or ""))


def _statement_evidence(values: dict[str, dict]) -> dict[tuple[str, str, str], list[EvidenceRecord]]:
    """The evidence of each typed relation from its reified statements, in the order of the statements' IRIs."""
    out: dict[tuple[str, str, str], list[EvidenceRecord]] = defaultdict(list)
    for iri in sorted(s for s, v in values.items() if "subject" in v and "predicate" in v and "object" in v):
        v = values[iri]
        key = (_text(v["subject"]), _text(v["predicate"]), _text(v["object"]))
        record = _sentence_record(values, v.get("evidence"), v.get("status", ""), v.get("year", ""),
                                  v.get("inDocument"))
        out[key].append(record or EvidenceRecord(_text(v.get("inDocument") or ""), 0, "",
                                                 _text(v.get("status") or ""), _text(v.get("year") or "")))
    return out


def _sentences_by_entity(values: dict[str, dict]) -> dict[str, set[str]]:
    """The sentence nodes each entity is mentioned in."""
    out: dict[str, set[str]] = defaultdict(set)
    for v in values.values():
        entity, sentence = v.get("mentionOf"), v.get("sentence")
        if type(entity) is str and type(sentence) is str:
            out[entity].add(sentence)
    return out


def comention_evidence(values: dict[str, dict], by_entity: dict[str, set[str]], a: str, b: str
                       ) -> list[EvidenceRecord]:
    """The sentences that mention both a and b (where a co-occurrence is read), in document order."""
    records = (_sentence_record(values, s) for s in by_entity.get(a, set()) & by_entity.get(b, set()))
    return sorted((r for r in records if r is not None), key=lambda r: (r.document, r.begin, r.sentence))


def read_facts(triples: Iterable[tuple]) -> GraphFacts:
    """One pass over plain triples (IRIs as str, literals as Lit), in any order."""
    facts = GraphFacts()
    add = facts.add
    for s, p, o in triples:
        add(s, p, o)
    return facts


def project(triples: Iterable[tuple], *, include_related: bool = True) -> nx.MultiDiGraph:
    """A MultiDiGraph keyed by entity IRI with label/class/type on nodes and predicate, count, status, year and
    evidence sentences on edges, from plain triples (IRIs as str, literals as Lit) in any order."""
    return network_from_facts(read_facts(triples), include_related=include_related)


def network_from_facts(facts: GraphFacts, *, include_related: bool = True) -> nx.MultiDiGraph:
    """The projection of what read_facts kept."""
    values = facts.values
    nodes = {}
    for iri in sorted(s for s in values if s.startswith(_ID)):
        attrs = _node_attributes(iri, values[iri])
        if attrs is not None:
            nodes[iri] = attrs
    G = nx.MultiDiGraph()
    for iri, attrs in nodes.items():
        G.add_node(iri, **attrs)
    statements = _statement_evidence(values)
    by_entity = _sentences_by_entity(values) if include_related else {}
    related = _PK + "relatedTo"
    for s, p, o in sorted(facts.links):
        pred = _local(p)
        if s not in nodes or o not in nodes or pred in PROVENANCE_PREDICATES:
            continue
        if p == related:
            if not include_related:
                continue
            ev = comention_evidence(values, by_entity, s, o)
        else:
            ev = statements.get((s, p, o), [])
        G.add_edge(s, o, key=pred, predicate=pred, count=len(ev) or 1,
                   status=next((e.status for e in ev if e.status), ""), year=next((e.year for e in ev if e.year), ""),
                   evidence=[e.sentence for e in ev if e.sentence])
    return G


def to_networkx(g: Graph, *, include_related: bool = True) -> nx.MultiDiGraph:
    """The projection of an rdflib graph (the union of a dataset's graphs)."""
    from graph.rdf.files import plain_triples

    return project(plain_triples(g), include_related=include_related)


def network_from_file(path: str | Path, *, include_related: bool = True) -> nx.MultiDiGraph:
    """The projection of a build directory or RDF file, parsed by pyoxigraph without an rdflib graph."""
    from graph.rdf.files import read_triples

    return project(read_triples(path, predicates=read_predicates()), include_related=include_related)


@lru_cache(maxsize=1)
def read_predicates() -> frozenset[str]:
    """What the projection reads: its fields, and the ontology's object properties (relations between entities);
    the rest (offsets, rules, confidences, surface texts: half of a build's triples) is skipped unread."""
    from rdflib.namespace import OWL

    from ontology import load_ontology

    relations = {str(p) for p in load_ontology().subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(_PK)}
    return frozenset(_FIELDS) | frozenset(relations)


def class_counts(G: nx.MultiDiGraph) -> dict[str, int]:
    """Entities per top-level class, for summaries and legends."""
    counts: dict[str, int] = defaultdict(int)
    for _, data in G.nodes(data=True):
        counts[data.get("type", "Thing")] += 1
    return {c: counts[c] for c in TOP_CLASSES if counts.get(c)}


__all__ = ["to_networkx", "network_from_file", "project", "read_facts", "network_from_facts", "class_counts",
           "comention_evidence", "URIRef"]
