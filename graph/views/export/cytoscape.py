"""Cytoscape.js JSON (elements + style), which Cytoscape desktop also imports as .cyjs."""
from __future__ import annotations

import json
from typing import BinaryIO

from rdflib import Dataset

from graph.views.explorer import CLASS_COLORS
from graph.views.export import ExportFormat, register
from graph.views.export.gexf import OTHER_COLOR
from graph.views.export.graphml import edge_id
from graph.views.export.rdf_formats import sorted_graph
from graph.views.network import to_networkx

STYLE = [
    {"selector": "node", "style": {"label": "data(name)", "background-color": "data(color)", "font-size": 10}},
    {"selector": "edge", "style": {"label": "data(predicate)", "curve-style": "bezier",
                                   "target-arrow-shape": "triangle", "font-size": 8, "width": 1}},
    {"selector": "edge[predicate = 'relatedTo']", "style": {"line-style": "dashed", "line-color": "#cccccc"}},
]


def _renamed(attrs: dict) -> dict:
    """Node attributes with an indicator's number as `indicatorValue`: `value` is the node id in this format."""
    return {("indicatorValue" if k == "value" else k): v for k, v in attrs.items()}


def cytoscape_json(ds: Dataset) -> dict:
    """The graph as Cytoscape.js elements, in the layout networkx.cytoscape_data writes, so
    networkx.cytoscape_graph reads it back (`value` is the node id there, `key` the edge's predicate)."""
    G = to_networkx(sorted_graph(ds))
    nodes = [{"data": {**_renamed(d), "id": n, "value": n, "name": d.get("label", n),
                       "color": CLASS_COLORS.get(d.get("type", ""), OTHER_COLOR)}}
             for n, d in G.nodes(data=True)]
    edges = [{"data": {"id": edge_id(s, k, o), "source": s, "target": o, "key": k, "interaction": k, **d}}
             for s, o, k, d in G.edges(keys=True, data=True)]
    return {"format_version": "1.0", "generated_by": "policykg", "target_cytoscapejs_version": "~3.0",
            "data": {"name": "policykg"}, "directed": True, "multigraph": True,
            "elements": {"nodes": nodes, "edges": edges}, "style": STYLE}


def write_cytoscape(ds: Dataset, fh: BinaryIO) -> None:
    text = json.dumps(cytoscape_json(ds), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    fh.write(text.encode("utf-8"))


register(ExportFormat("cytoscape", (".cyjs", ".cytoscape.json"), "application/json",
                      "Cytoscape.js JSON (elements + style; Cytoscape desktop imports it)", write_cytoscape))
