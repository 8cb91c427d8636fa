"""RDF serialisations through rdflib: deterministic byte for byte, raw UTF-8 for Chinese, round-trip safe."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import BinaryIO

from rdflib import Dataset, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import TurtleSerializer

from graph.rdf.dataset import union_graph
from graph.views.export import ExportFormat, register


class SortedGraph(Graph):
    """A Graph whose every triple lookup comes back sorted, so serialisers that walk it are deterministic."""

    def triples(self, triple):  # type: ignore[override]
        yield from sorted(super().triples(triple))


def sorted_graph(data: Dataset | Graph) -> SortedGraph:
    """A SortedGraph copy of a graph, or of the union of a dataset's graphs, with the same prefixes.

    graph.views.network.to_networkx walks rdf:Statement nodes in store order, which follows the process's hash seed;
    giving it a SortedGraph makes the evidence order (and the status it picks) the same in every process.
    """
    union = union_graph(data) if isinstance(data, Dataset) else data
    g = SortedGraph()
    for prefix, ns in union.namespaces():
        g.bind(prefix, ns, override=True)
    for t in union:
        g.add(t)
    return g


class _ExactLiterals:
    """Turtle's short numeric forms only when they keep the literal's lexical form ("31"^^xsd:decimal is not 31.0).

    rdflib writes every decimal as `31.0`, which parses back as another RDF term; a graph that went through
    another writer (or a user's file) must round-trip unchanged, so such literals keep the quoted form.
    """

    def label(self, node, position):  # type: ignore[no-untyped-def]
        text = super().label(node, position)  # type: ignore[misc]
        if isinstance(node, Literal) and node.datatype is not None and not text.startswith('"') \
                and text != str(node):
            return node._literal_n3(use_plain=False, qname_callback=lambda dt: self.get_pname(dt, False))
        return text


class ExactTurtleSerializer(_ExactLiterals, TurtleSerializer):
    """Turtle that preserves every literal's lexical form."""


class ExactTrigSerializer(_ExactLiterals, TrigSerializer):
    """TriG that preserves every literal's lexical form."""


def _turtle(ds: Dataset, fh: BinaryIO) -> None:
    ExactTurtleSerializer(union_graph(ds)).serialize(fh, encoding="utf-8")


def _trig(ds: Dataset, fh: BinaryIO) -> None:
    ExactTrigSerializer(ds).serialize(fh, encoding="utf-8")


def _sorted_lines(data: bytes) -> bytes:
    """N-Triples/N-Quads lines sorted and deduplicated. Lines end at "\n" only: str.splitlines() would also break
    at U+2028, U+2029, U+0085 … inside a literal, which N-Triples writes as they are."""
    lines = sorted(set(ln for ln in data.decode("utf-8").split("\n") if ln.strip()))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _triples(fmt: str, sort: bool = False):
    def write(ds: Dataset, fh: BinaryIO) -> None:
        data = union_graph(ds).serialize(format=fmt, encoding="utf-8")
        fh.write(_sorted_lines(data) if sort else data)
    return write


def _quads(fmt: str, sort: bool = False):
    def write(ds: Dataset, fh: BinaryIO) -> None:
        data = ds.serialize(format=fmt, encoding="utf-8")
        fh.write(_sorted_lines(data) if sort else data)
    return write


_XMLNS_BLOCK = re.compile(rb"(<rdf:RDF\n)((?:\s*xmlns(?::\w+)?=\"[^\"]*\"\n)+)")


def _rdfxml(ds: Dataset, fh: BinaryIO) -> None:
    """RDF/XML for Protégé: typed elements, subjects sorted, namespace declarations sorted."""
    data = sorted_graph(ds).serialize(format="pretty-xml", encoding="utf-8")

    def sort_block(m: re.Match) -> bytes:
        lines = [ln for ln in m.group(2).split(b"\n") if ln.strip()]
        return m.group(1) + b"\n".join(sorted(lines)) + b"\n"

    fh.write(_XMLNS_BLOCK.sub(sort_block, data, count=1))


_TYPED_RANGES = {XSD.decimal: "xsd:decimal", XSD.integer: "xsd:integer", XSD.date: "xsd:date"}


@lru_cache(maxsize=1)
def jsonld_context() -> dict:
    """A compact @context: pk: as @vocab, object properties as @id, decimals/integers/dates typed, zh by default."""
    from ontology import PK, PREFIXES, load_ontology

    onto = load_ontology()
    ctx: dict = {"@vocab": str(PK), "@language": "zh", **{k: str(v) for k, v in PREFIXES.items()}}
    for p in sorted(onto.subjects(RDF.type, OWL.ObjectProperty)):
        if str(p).startswith(str(PK)):
            ctx[str(p)[len(PK):]] = {"@id": f"pk:{str(p)[len(PK):]}", "@type": "@id"}
    for p in sorted(onto.subjects(RDF.type, OWL.DatatypeProperty)):
        rng = onto.value(p, RDFS.range)
        if str(p).startswith(str(PK)) and rng in _TYPED_RANGES:
            ctx[str(p)[len(PK):]] = {"@id": f"pk:{str(p)[len(PK):]}", "@type": _TYPED_RANGES[rng]}
    ctx.update({
        "label": {"@id": "rdfs:label"},
        "altLabel": {"@id": "skos:altLabel"},
        "title": {"@id": "dcterms:title"},
        "date": {"@id": "dcterms:date", "@type": "xsd:date"},
        "creator": {"@id": "dcterms:creator"},
        "source": {"@id": "dcterms:source"},
        "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
        "about": {"@id": "schema:about", "@type": "@id"},
        "name": {"@id": "schema:name"},
        "subject": {"@id": "rdf:subject", "@type": "@id"},
        "predicate": {"@id": "rdf:predicate", "@type": "@id"},
        "object": {"@id": "rdf:object", "@type": "@id"},
    })
    return ctx


def _canonical_order(node):
    """Sort @graph by @id and every unordered array by its JSON text (@list arrays keep their order)."""
    if isinstance(node, dict):
        return {k: (v if k == "@list" else _canonical_order(v)) for k, v in node.items()}
    if isinstance(node, list):
        items = [_canonical_order(v) for v in node]
        return sorted(items, key=lambda v: (v.get("@id", "") if isinstance(v, dict) else "",
                                            json.dumps(v, ensure_ascii=False, sort_keys=True)))
    return node


def _jsonld(ds: Dataset, fh: BinaryIO) -> None:
    data = union_graph(ds).serialize(format="json-ld", context=jsonld_context(), ensure_ascii=False)
    doc = _canonical_order(json.loads(data))
    fh.write((json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))


register(ExportFormat("turtle", (".ttl", ".turtle"), "text/turtle", "Turtle: the union of all documents",
                      _turtle))
register(ExportFormat("nt", (".nt",), "application/n-triples", "N-Triples, sorted (byte-identical rebuilds)",
                      _triples("nt", sort=True)))
register(ExportFormat("nq", (".nq",), "application/n-quads", "N-Quads, one named graph per document, sorted",
                      _quads("nquads", sort=True)))
register(ExportFormat("trig", (".trig",), "application/trig", "TriG, one named graph per document", _trig))
register(ExportFormat("jsonld", (".jsonld", ".json-ld"), "application/ld+json",
                      "JSON-LD with a compact @context (pk: as @vocab)", _jsonld))
register(ExportFormat("rdfxml", (".rdf", ".owl", ".xml"), "application/rdf+xml", "RDF/XML (Protégé)", _rdfxml))
