"""Interactive HTML of the graph with pyvis: one self-contained file that works from file:// offline."""
from __future__ import annotations

import re
from pathlib import Path

import networkx as nx

from ontology import class_label

from .atomic import atomic_file

CLASS_COLORS = {
    "Place": "#4e79a7", "Agency": "#e15759", "Organization": "#f28e2b", "Project": "#59a14f",
    "Initiative": "#b07aa1", "Sector": "#76b7b2", "Recognition": "#edc948", "Indicator": "#9c755f",
}
CLASS_SHAPES = {
    "Place": "dot", "Agency": "diamond", "Organization": "square", "Project": "triangle",
    "Initiative": "star", "Sector": "hexagon", "Recognition": "triangleDown", "Indicator": "box",
}
_REMOTE = re.compile(r"<(?:link|script)[^>]+(?:href|src)=[\"']https?://[^>]*>(?:\s*</script>)?", re.I)


def to_pyvis(G: nx.MultiDiGraph, *, lang: str = "zh", show_related: bool = False):
    """A pyvis Network: colour and shape by class, size by degree, edge labels from predicate labels."""
    from pyvis.network import Network

    net = Network(height="100vh", width="100%", directed=True, cdn_resources="in_line")
    for n, d in G.nodes(data=True):
        t = d.get("type", "Thing")
        net.add_node(n, label=d.get("label", n), title=f"{d.get('label', n)} · {class_label(d.get('class', t), lang)}",
                     color=CLASS_COLORS.get(t, "#bab0ac"), shape=CLASS_SHAPES.get(t, "dot"),
                     size=10 + 3 * min(G.degree(n), 15), group=t)
    for s, o, k, d in G.edges(keys=True, data=True):
        related = k == "relatedTo"
        if related and not show_related:
            continue
        net.add_edge(s, o, label=class_label(k, lang), title=" / ".join(d.get("evidence") or [])[:500],
                     dashes=related, color="#cccccc" if related else "#888888")
    net.toggle_physics(G.number_of_nodes() <= 1000)
    return net


def to_html(G: nx.MultiDiGraph, **kwargs) -> str:
    """The HTML text with every script inlined and no remote stylesheet or script."""
    html = to_pyvis(G, **kwargs).generate_html()
    return _REMOTE.sub("", html)


def write_html(G: nx.MultiDiGraph, path: str | Path, **kwargs) -> Path:
    """Write the HTML as UTF-8, atomically."""
    with atomic_file(path, "w") as fh:
        fh.write(to_html(G, **kwargs))
    return Path(path)
