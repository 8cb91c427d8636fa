"""GraphML for Gephi, Cytoscape and yEd: the NetworkX projection with flat string attributes."""
from __future__ import annotations

from typing import BinaryIO

import networkx as nx
from rdflib import Dataset

from ..network import to_networkx
from ..rdf import union_graph
from . import ExportFormat, register


def flat_graph(ds: Dataset) -> nx.MultiDiGraph:
    """The NetworkX projection with list attributes joined, since GraphML and GEXF hold only scalars."""
    G = to_networkx(union_graph(ds))
    for _, data in G.nodes(data=True):
        for k, v in list(data.items()):
            if isinstance(v, list):
                data[k] = "|".join(v)
    for *_, data in G.edges(keys=True, data=True):
        for k, v in list(data.items()):
            if isinstance(v, list):
                data[k] = " || ".join(v)
    return G


def write_graphml(ds: Dataset, fh: BinaryIO) -> None:
    nx.write_graphml_xml(flat_graph(ds), fh, encoding="utf-8", prettyprint=True)


register(ExportFormat("graphml", (".graphml",), "application/graphml+xml", "GraphML (Gephi, Cytoscape, yEd)",
                      write_graphml))
