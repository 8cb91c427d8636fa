"""`policykg push`: load a built graph into any triple store through the SPARQL 1.1 Graph Store Protocol.

Each document's named graph goes to `URL?graph=<iri>`, the ontology to its own graph, and (copy_to_default, on
by default) their union, each triple once, to the default graph: then any store answers the same queries as
`policykg query`, without relying on a union setting (Oxigraph's `--union-default-graph` repeats a triple once
per graph that holds it).
"""
from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from graph.rdf.files import ONTOLOGY_GRAPH, load_dataset, ontology_turtle
from graph.store.http import http_request

NT_TYPE = "application/n-triples"


@dataclass
class PushReport:
    """What was sent where: one (graph IRI or 'default', triples) pair per request."""

    url: str
    graphs: list[tuple[str, int]] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.graphs)


def graph_target(url: str, graph: str | None) -> str:
    """The Graph Store Protocol address of one graph: ?graph=IRI, or ?default for the default graph."""
    sep = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{sep}default" if graph is None else f"{url}{sep}" + urllib.parse.urlencode({"graph": graph})


def put_graph(url: str, graph: str | None, g: Graph, *, replace: bool = True, timeout: float | None = 120) -> int:
    """PUT (replace) or POST (add to) one graph as N-Triples; returns its triple count."""
    body = g.serialize(format="nt", encoding="utf-8")
    http_request(graph_target(url, graph), body, {"Content-Type": NT_TYPE}, method="PUT" if replace else "POST",
                 timeout=timeout)
    return len(g)


def push(graph_path: str | Path, url: str, *, replace: bool = True, copy_to_default: bool = True,
         timeout: float | None = 120) -> PushReport:
    """Send every named graph of a built graph, and the ontology, to a Graph Store Protocol endpoint."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"{url}: the Graph Store endpoint must be an http:// or https:// URL")
    ds = load_dataset(graph_path)
    report = PushReport(url)
    union = Graph()
    for ctx in sorted(ds.contexts(), key=lambda c: str(c.identifier)):
        if len(ctx) == 0:
            continue
        gid = ctx.identifier
        name = None if str(gid) == "urn:x-rdflib:default" else str(gid)
        if copy_to_default:
            union += ctx
            if name is None:
                continue  # sent below, with the union
        report.graphs.append((name or "default", put_graph(url, name, ctx, replace=replace, timeout=timeout)))
    onto = Graph().parse(data=ontology_turtle(), format="turtle")
    report.graphs.append((ONTOLOGY_GRAPH, put_graph(url, ONTOLOGY_GRAPH, onto, replace=replace, timeout=timeout)))
    if copy_to_default:
        union += onto
        report.graphs.append(("default", put_graph(url, None, union, replace=replace, timeout=timeout)))
    return report


__all__ = ["push", "PushReport", "graph_target"]
