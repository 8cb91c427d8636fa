"""GraphML for Gephi, Cytoscape and yEd: the NetworkX projection with flat string attributes.

Every edge has its own id, a hash of its subject, predicate and object (the same in every export and format):
networkx would write the MultiDiGraph key, the predicate, and Gephi keeps only the first edge of each id."""
from __future__ import annotations

import hashlib
from typing import BinaryIO

import networkx as nx
from rdflib import Dataset

from graph.views.export import ExportFormat, register
from graph.views.export.rdf_formats import sorted_graph
from graph.views.network import to_networkx


def edge_id(source: str, predicate: str, target: str) -> str:
    """A stable id for one relation (same triple, same id in every export)."""
    return "e" + hashlib.sha1(f"{source} {predicate} {target}".encode("utf-8")).hexdigest()[:16]


def with_edge_ids(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """G with each edge keyed by edge_id() instead of its predicate (which stays an attribute), in the same order."""
    H = nx.MultiDiGraph(**G.graph)
    H.add_nodes_from(G.nodes(data=True))
    for s, o, key, data in G.edges(keys=True, data=True):
        H.add_edge(s, o, key=edge_id(s, data.get("predicate", key), o), **data)
    return H


def flat_copy(G: nx.MultiDiGraph, *, list_sep: str = "|", text_sep: str = " || ",
              in_place: bool = False) -> nx.MultiDiGraph:
    """A copy with list attributes joined, since GraphML, GEXF and CSV hold only scalars.

    Node lists (aliases) are joined with `list_sep`, edge lists (evidence sentences) with `text_sep`;
    in_place flattens G itself (a caller that no longer needs the lists saves the copy of a large graph).
    """
    H = G if in_place else G.copy()
    items = [(d, list_sep) for _, d in H.nodes(data=True)] + [(d, text_sep) for *_, d in H.edges(keys=True, data=True)]
    for data, sep in items:
        data.update({k: sep.join(v) for k, v in data.items() if isinstance(v, list)})
    return H


def flat_graph(ds: Dataset, *, list_sep: str = "|", text_sep: str = " || ") -> nx.MultiDiGraph:
    """The NetworkX projection of a dataset, flattened for the scalar-only graph formats."""
    return flat_copy(to_networkx(sorted_graph(ds)), list_sep=list_sep, text_sep=text_sep)


def write_graphml(ds: Dataset, fh: BinaryIO) -> None:
    write_graphml_xml(with_edge_ids(flat_graph(ds)), fh)


def write_graphml_xml(G: nx.Graph, fh: BinaryIO) -> None:
    """The bytes of networkx.write_graphml_xml(G, fh, encoding="utf-8", prettyprint=True), written from strings:
    networkx builds an ElementTree of the whole graph first, which takes most of a large build's GraphML time.
    tests/test_export.py compares the two byte for byte."""
    from networkx.readwrite.graphml import GraphML

    graphml = GraphML()
    graphml.construct_types()
    xml_type = graphml.xml_type
    keys: dict[tuple[str, str, str], str] = {}
    key_lines: list[str] = []

    def data(items, scope: str, indent: str) -> str:
        out = []
        for k, v in items:
            t = type(v)
            if t not in xml_type:
                raise nx.NetworkXError(f"GraphML writer does not support {t} as data values.")
            name = str(k)
            kid = keys.get((name, xml_type[t], scope))
            if kid is None:
                kid = keys[(name, xml_type[t], scope)] = f"d{len(keys)}"
                key_lines.append(f'  <key id="{kid}" for="{scope}" attr.name="{_attr(name)}" '
                                 f'attr.type="{xml_type[t]}" />\n')
            text = _text(str(v))
            out.append(f'{indent}<data key="{kid}">{text}</data>' if text else f'{indent}<data key="{kid}" />')
        return "\n".join(out)

    def element(opening: str, items, scope: str, level: str) -> str:
        inner = data(items, scope, level + "  ")
        return f"{level}<{opening}>\n{inner}\n{level}</{opening.split(' ', 1)[0]}>" if inner else f"{level}<{opening} />"

    graph_attrs = [(k, v) for k, v in G.graph.items() if k not in ("node_default", "edge_default")]
    graph_id = G.graph.get("id")
    body = []
    head = data([(k, v) for k, v in graph_attrs if k != "id"], "graph", "    ")  # keys first, data after the edges
    for n, d in G.nodes(data=True):
        body.append(element(f'node id="{_attr(str(n))}"', d.items(), "node", "    "))
    edges = G.edges(data=True, keys=True) if G.is_multigraph() else ((u, v, None, d) for u, v, d in G.edges(data=True))
    for u, v, key, d in edges:
        ident = f' id="{_attr(str(key))}"' if G.is_multigraph() else ""
        body.append(element(f'edge source="{_attr(str(u))}" target="{_attr(str(v))}"{ident}', d.items(), "edge", "    "))
    if head:
        body.append(head)
    kind = "directed" if G.is_directed() else "undirected"
    opening = f'graph edgedefault="{kind}"' + (f' id="{_attr(str(graph_id))}"' if graph_id is not None else "")
    graph = f"  <{opening}>\n" + "\n".join(body) + "\n  </graph>\n" if body else f"  <{opening} />\n"
    fh.write("<?xml version='1.0' encoding='utf-8'?>\n".encode())
    fh.write(('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
              'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n').encode())
    fh.write("".join(reversed(key_lines)).encode("utf-8", "xmlcharrefreplace"))
    fh.write(graph.encode("utf-8", "xmlcharrefreplace"))
    fh.write(b"</graphml>\n")


def _text(s: str) -> str:
    """Character data escaped as ElementTree does."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") if any(c in s for c in "&<>") else s


_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;",
                               "\t": "&#09;"})


def _attr(s: str) -> str:
    """An attribute value escaped as ElementTree does."""
    return s.translate(_ATTR_ESCAPES)


register(ExportFormat("graphml", (".graphml",), "application/graphml+xml", "GraphML (Gephi, Cytoscape, yEd)",
                      write_graphml))
