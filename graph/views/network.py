"""Project the RDF graph onto NetworkX: entities as nodes, typed relations as edges with their evidence."""
from __future__ import annotations

from collections import defaultdict

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from graph.rdf.dataset import entity_nodes
from ontology import PK, TOP_CLASSES, class_parents, top_class

PROVENANCE_PREDICATES = {"mentionOf", "inDocument", "measures"}


def _local(uri) -> str:
    return str(uri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _most_specific(classes: list[str]) -> str:
    """The deepest class of an entity, so `class` is Town rather than Place."""
    return max(classes, key=lambda c: (len(class_parents(c)), c)) if classes else "Thing"


def _evidence(g: Graph) -> dict[tuple, list[dict]]:
    """Reified evidence per (s, p, o): sentence, status, year, document, count."""
    out: dict[tuple, list[dict]] = defaultdict(list)
    for st in sorted(g.subjects(RDF.type, RDF.Statement)):
        s, p, o = g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object)
        rec = {k: (str(v) if v is not None else None) for k, v in (
            ("evidence", g.value(st, PK.evidence)), ("status", g.value(st, PK.status)),
            ("year", g.value(st, PK.year)), ("document", g.value(st, PK.inDocument)),
            ("method", g.value(st, PK.method)))}
        count = g.value(st, PK["count"])
        rec["count"] = int(count) if count is not None else 1
        out[(s, p, o)].append(rec)
    return out


def to_networkx(g: Graph, *, include_related: bool = True) -> nx.MultiDiGraph:
    """A MultiDiGraph keyed by entity IRI with label/class/type on nodes and predicate on edges."""
    G = nx.MultiDiGraph()
    nodes = entity_nodes(g)
    for n in sorted(nodes):
        classes = [_local(o) for o in g.objects(n, RDF.type) if str(o).startswith(str(PK))]
        cls = _most_specific(classes)
        labels = [l for l in g.objects(n, RDFS.label) if getattr(l, "language", None) == "zh"]
        label = str(min(labels)) if labels else _local(n)
        pinyin = [str(l) for l in g.objects(n, RDFS.label) if getattr(l, "language", "") and l.language != "zh"]
        code = g.value(n, PK.divisionCode)
        attrs = {"label": label, "class": cls, "type": top_class(cls),
                 "aliases": sorted(str(a) for a in g.objects(n, SKOS.altLabel)),
                 "pinyin": pinyin[0] if pinyin else ""}
        if code is not None:
            attrs["code"] = str(code)
        for key in ("value", "unit", "indicatorKind", "status", "year"):
            v = g.value(n, PK[key])
            if v is not None:
                attrs[key] = str(v)
        G.add_node(str(n), **attrs)
    evidence = _evidence(g)
    for s, p, o in sorted(g.triples((None, None, None))):
        if s not in nodes or o not in nodes or not str(p).startswith(str(PK)):
            continue
        pred = _local(p)
        if pred in PROVENANCE_PREDICATES or (pred == "relatedTo" and not include_related):
            continue
        ev = evidence.get((s, p, o), [])
        G.add_edge(str(s), str(o), key=pred, predicate=pred,
                   count=sum(e["count"] for e in ev) or 1,
                   status=next((e["status"] for e in ev if e["status"]), ""),
                   year=next((e["year"] for e in ev if e["year"]), ""),
                   evidence=[e["evidence"] for e in ev if e["evidence"]])
    return G


def class_counts(G: nx.MultiDiGraph) -> dict[str, int]:
    """Entities per top-level class, for summaries and legends."""
    counts: dict[str, int] = defaultdict(int)
    for _, data in G.nodes(data=True):
        counts[data.get("type", "Thing")] += 1
    return {c: counts[c] for c in TOP_CLASSES if counts.get(c)}


__all__ = ["to_networkx", "class_counts", "URIRef"]
