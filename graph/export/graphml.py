"""GraphML for Gephi, Cytoscape and yEd: the NetworkX projection with flat string attributes."""
from __future__ import annotations

from typing import BinaryIO

import networkx as nx
from rdflib import Dataset

from ..network import to_networkx
from . import ExportFormat, register
from .rdf_formats import sorted_graph


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
    nx.write_graphml_xml(flat_graph(ds), fh, encoding="utf-8", prettyprint=True)


register(ExportFormat("graphml", (".graphml",), "application/graphml+xml", "GraphML (Gephi, Cytoscape, yEd)",
                      write_graphml))
