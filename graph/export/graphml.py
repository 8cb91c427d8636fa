"""GraphML for Gephi, Cytoscape and yEd: the NetworkX projection with flat string attributes."""
from __future__ import annotations

from typing import BinaryIO

import networkx as nx
from rdflib import Dataset

from ..network import to_networkx
from . import ExportFormat, register
from .rdf_formats import sorted_graph


def flat_graph(ds: Dataset, *, list_sep: str = "|", text_sep: str = " || ") -> nx.MultiDiGraph:
    """The NetworkX projection with list attributes joined, since GraphML, GEXF and CSV hold only scalars.

    Node lists (aliases) are joined with `list_sep`, edge lists (evidence sentences) with `text_sep`.
    """
    G = to_networkx(sorted_graph(ds))
    for _, data in G.nodes(data=True):
        for k, v in list(data.items()):
            if isinstance(v, list):
                data[k] = list_sep.join(v)
    for *_, data in G.edges(keys=True, data=True):
        for k, v in list(data.items()):
            if isinstance(v, list):
                data[k] = text_sep.join(v)
    return G


def write_graphml(ds: Dataset, fh: BinaryIO) -> None:
    nx.write_graphml_xml(flat_graph(ds), fh, encoding="utf-8", prettyprint=True)


register(ExportFormat("graphml", (".graphml",), "application/graphml+xml", "GraphML (Gephi, Cytoscape, yEd)",
                      write_graphml))
