"""GEXF 1.2 for Gephi: labels, classes as attributes, and colours and sizes as viz attributes."""
from __future__ import annotations

from typing import BinaryIO

from networkx.readwrite.gexf import GEXFWriter
from rdflib import Dataset

from graph.views.explorer import CLASS_COLORS
from graph.views.export import ExportFormat, register
from graph.views.export.graphml import edge_id, flat_graph
from ontology import class_label

OTHER_COLOR = "#bab0ac"


def rgb(hex_color: str) -> dict[str, int | float]:
    """A #rrggbb colour as the r/g/b/a dict GEXF's viz:color takes."""
    h = hex_color.lstrip("#")
    return {"r": int(h[0:2], 16), "g": int(h[2:4], 16), "b": int(h[4:6], 16), "a": 1.0}


def write_gexf(ds: Dataset, fh: BinaryIO) -> None:
    """Nodes coloured by top-level class and sized by degree; edges labelled and weighted by support."""
    G = flat_graph(ds)
    for n, data in G.nodes(data=True):
        data["viz"] = {"color": rgb(CLASS_COLORS.get(data.get("type", ""), OTHER_COLOR)),
                       "size": float(10 + 2 * min(G.degree(n), 20))}
    for s, o, _, data in G.edges(keys=True, data=True):
        data["id"] = edge_id(s, data["predicate"], o)  # else GEXFWriter numbers them: ids that move with the graph
        data["label"] = class_label(data["predicate"], "zh")
        data["weight"] = float(data.get("count", 1))
    writer = GEXFWriter(encoding="utf-8", prettyprint=True)
    meta = writer.xml.find("meta")
    if meta is not None:  # no date stamp, so the same graph always gives the same bytes
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = "policykg"
    writer.add_graph(G)
    writer.write(fh)


register(ExportFormat("gexf", (".gexf",), "application/gexf+xml",
                      "GEXF for Gephi (colours and sizes as viz attributes)", write_gexf))
