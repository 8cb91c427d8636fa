"""RDF serialisations through rdflib: deterministic (line formats sorted), raw UTF-8 for Chinese."""
from __future__ import annotations

from typing import BinaryIO

from rdflib import Dataset

from ..rdf import union_graph
from . import ExportFormat, register


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted(set(ln for ln in data.decode("utf-8").splitlines() if ln.strip()))
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


def _jsonld(ds: Dataset, fh: BinaryIO) -> None:
    from ontology import PREFIXES

    context = {k: str(v) for k, v in PREFIXES.items()}
    context["@language"] = "zh"
    fh.write(union_graph(ds).serialize(format="json-ld", context=context, indent=1, ensure_ascii=False,
                                       sort_keys=True, encoding="utf-8"))


register(ExportFormat("turtle", (".ttl", ".turtle"), "text/turtle", "Turtle: the union of all documents",
                      _triples("turtle")))
register(ExportFormat("nt", (".nt",), "application/n-triples", "N-Triples, sorted (byte-identical rebuilds)",
                      _triples("nt", sort=True)))
register(ExportFormat("nq", (".nq",), "application/n-quads", "N-Quads, one named graph per document, sorted",
                      _quads("nquads", sort=True)))
register(ExportFormat("trig", (".trig",), "application/trig", "TriG, one named graph per document",
                      _quads("trig")))
register(ExportFormat("jsonld", (".jsonld", ".json-ld"), "application/ld+json",
                      "JSON-LD with a compact @context", _jsonld))
register(ExportFormat("rdfxml", (".rdf", ".owl", ".xml"), "application/rdf+xml", "RDF/XML (Protégé)",
                      _triples("pretty-xml")))
