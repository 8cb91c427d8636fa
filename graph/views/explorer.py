"""Interactive HTML explorer of the graph: one self-contained UTF-8 file that works offline from file://.

The page is our own template (graph/views/static/): every script and style is inlined, every document string is escaped
for its context, and one data format feeds two renderers: vis-network (as shipped in pyvis) for small views and the
notebook, and the page's own canvas renderer (with graphology's ForceAtlas2 for relaxing) for large ones. Positions
come from Python: each report's place is an anchor with the entities of that report around it.
"""
from __future__ import annotations

import base64
import gc
import hashlib
import html
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph

from graph.output.atomic import atomic_file
from graph.views.layout import cluster_layout
from graph.views.provenance import Evidence, Provenance, read_provenance
from graph.views.selection import (
    ENTITY_CLASSES,
    Anchors,
    View,
    VizError,
    find_anchors,
    importance_order,
    initials,
    select_view,
    typed_neighbours,
)
from ontology import PK, class_label, top_class

STATUSES = ("completed", "ongoing", "planned")
RENDERERS = ("auto", "vis", "canvas")
VIS_MAX_NODES = 1000  # renderer="auto" draws up to this many nodes with vis-network, more with the canvas renderer


@dataclass(frozen=True)
class ClassStyle:
    """How one top-level class is drawn: colour, vis-network shape, and the legend's symbol."""
    color: str
    shape: str


CLASS_STYLES = {
    "Place": ClassStyle("#4e79a7", "dot"), "Agency": ClassStyle("#e15759", "diamond"),
    "Organization": ClassStyle("#f28e2b", "square"), "Project": ClassStyle("#59a14f", "triangle"),
    "Initiative": ClassStyle("#b07aa1", "star"), "Sector": ClassStyle("#76b7b2", "hexagon"),
    "Recognition": ClassStyle("#edc948", "triangleDown"), "Indicator": ClassStyle("#9c755f", "dot"),
}
OTHER_STYLE = ClassStyle("#bab0ac", "dot")
CLASS_COLORS = {c: s.color for c, s in CLASS_STYLES.items()}


# ---------------------------------------------------------------- escaping

_SCRIPT_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data) -> str:
    """JSON that is inert inside <script>: no '<', '>', '&' or line separators can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    text = re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_JSON_ESCAPES[m.group()], text)
    return text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates from broken documents


def inline_script(code: str) -> str:
    """Library code made safe to inline: '</script' would close the element early, '<!--' could keep it open."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.I).replace("<!--", "<\\!--")


def inline_style(css: str) -> str:
    """A stylesheet made safe to inline inside <style>."""
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.I)


# ---------------------------------------------------------------- the data the page embeds


def choose_renderer(renderer: str, n_nodes: int) -> str:
    """vis-network for small views (shapes, physics on demand), the canvas renderer for large ones."""
    if renderer not in RENDERERS:
        raise VizError(f"unknown renderer {renderer!r}; use {', '.join(RENDERERS)}")
    if renderer == "auto":
        return "vis" if n_nodes <= VIS_MAX_NODES else "canvas"
    return renderer


def _node_size(typed_degree: int, anchor: bool) -> float:
    if anchor:
        return round(min(24 + 3 * math.sqrt(typed_degree), 48), 1)
    return round(min(10 + 4 * math.sqrt(typed_degree), 36), 1) if typed_degree else 6.0


def _pinyin_name(pinyin: str) -> str:
    """A name for the English page where the graph has none: the pinyin, syllables capitalised."""
    return " ".join(w[:1].upper() + w[1:] for w in pinyin.split())


class _Table:
    """Strings stored once in the page (sentences, documents) and referred to by index."""

    def __init__(self):
        self.index: dict = {}

    def __call__(self, item) -> int:
        return self.index.setdefault(item, len(self.index))

    def items(self) -> list:
        return list(self.index)


def _context(G: nx.MultiDiGraph, n: str, anchors: Anchors, prov: Provenance) -> str:
    """What tells entities of one name apart: the place they are part of or in, else their report's place, else
    the title of the document that mentions them."""
    parents = sorted(G.nodes[m].get("label", "") for _, m, k in G.out_edges(n, keys=True)
                     if k in ("partOf", "locatedIn") and G.nodes[m].get("type") == "Place")
    if parents:
        return parents[0]
    home = anchors.home.get(n)
    if home and home != n:
        return G.nodes[home].get("label", "")
    docs = sorted({e.document for e in prov.mentions.get(n, ()) if e.document})
    if docs:
        title = (prov.documents.get(docs[0]) or {}).get("title", "")
        return title + (f" 等 {len(docs)} 份" if len(docs) > 1 else "")
    return ""


def contexts(G: nx.MultiDiGraph, anchors: Anchors, prov: Provenance) -> dict[str, str]:
    """Each entity's context (see _context); where two of one name would still read the same, the document that
    mentions each is added: its title and date, else its file name."""
    ctx = {n: _context(G, n, anchors, prov) for n in G}
    same: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n, d in G.nodes(data=True):
        same[(d.get("label", ""), ctx[n])].append(n)
    for nodes in same.values():
        if len(nodes) < 2:
            continue
        for keys in (("title", "date"), ("file",)):
            docs = {n: _first_document(prov, n, keys) for n in nodes}
            if len(set(docs.values())) == len(nodes):
                break
        for n in nodes:
            if docs[n]:
                ctx[n] = f"{ctx[n]} · {docs[n]}" if ctx[n] else docs[n]
    return ctx


def _first_document(prov: Provenance, n: str, keys: tuple[str, ...]) -> str:
    docs = sorted({e.document for e in prov.mentions.get(n, ()) if e.document})
    d = (prov.documents.get(docs[0]) or {}) if docs else {}
    return " ".join(d[k] for k in keys if d.get(k))


def graph_payload(view: View, *, lang: str = "zh", show_related: bool = False, provenance: Provenance | None = None,
                  title: str = "", renderer: str = "auto") -> dict:
    """Everything the page draws and shows, as plain JSON-able data that both renderers read."""
    H, prov = view.graph, provenance or Provenance()
    typed = typed_neighbours(H)
    anchors = find_anchors(H, prov, typed)
    rank = {n: i for i, n in enumerate(importance_order(H, typed, anchors))}
    pos = cluster_layout(H, typed, anchors)
    anchor_set = set(anchors.places)
    context = contexts(H, anchors, prov)
    index = {n: i for i, n in enumerate(sorted(H))}
    sentences, documents = _Table(), _Table()

    def rows(items: list[Evidence]) -> list[list]:
        return [[sentences(e.sentence), documents(e.document) if e.document in prov.documents else -1,
                 e.status or "", e.year or ""] for e in items]

    statuses: dict[str, set[str]] = defaultdict(set)
    years: dict[str, set[str]] = defaultdict(set)
    edges = []
    for s, o, k, d in sorted(H.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])):
        ev = prov.facts.get((s, str(PK[k]), o)) or [Evidence(x) for x in d.get("evidence") or []]
        status, year = d.get("status") or "", str(d.get("year") or "")
        for n in (s, o):
            if status:
                statuses[n].add(status)
            if year:
                years[n].add(year)
        record = {"id": len(edges), "from": index[s], "to": index[o], "p": k}
        if status:
            record["st"] = status
        if year:
            record["y"] = year
        if int(d.get("count") or 1) > 1:
            record["n"] = int(d["count"])
        if ev:
            record["ev"] = rows(ev)
        edges.append(record)
    nodes = []
    for n in sorted(H, key=index.get):
        d = H.nodes[n]
        top = d.get("type") or top_class(d.get("class", "Thing"))
        mentions = prov.mentions.get(n, [])
        for e in mentions:
            if e.status:
                statuses[n].add(e.status)
            if e.year:
                years[n].add(e.year)
        if d.get("status"):
            statuses[n].add(d["status"])
        if d.get("year"):
            years[n].add(str(d["year"]))
        x, y = pos.get(n, (0.0, 0.0))
        record = {"id": index[n], "label": d.get("label", n), "iri": n, "cls": d.get("class", top), "type": top,
                  "x": x, "y": y, "size": _node_size(len(typed[n]), n in anchor_set), "rank": rank[n]}
        optional = {"aliases": list(d.get("aliases") or []), "pinyin": d.get("pinyin", ""),
                    "initials": initials(d.get("pinyin", "")), "code": d.get("code", ""),
                    "ind": {k: str(d[k]) for k in ("value", "unit", "indicatorKind", "status", "year") if d.get(k)},
                    "st": sorted(statuses[n]), "yr": sorted(years[n]), "ev": rows(mentions),
                    "inds": sorted(index[i] for i in prov.indicators.get(n, []) if i in index),
                    "ctx": context[n], "anchor": n in anchor_set, "loose": not typed[n]}
        if lang == "en" and d.get("pinyin"):
            optional["name"] = _pinyin_name(d["pinyin"])
        if view.distance:
            record["hop"] = view.distance.get(n, -1)
        record.update((k, v) for k, v in optional.items() if v)
        nodes.append(record)
    counts = Counter(node["type"] for node in nodes)
    classes = [{"name": c, "label": class_label(c, lang), "color": CLASS_STYLES.get(c, OTHER_STYLE).color,
                "shape": CLASS_STYLES.get(c, OTHER_STYLE).shape, "count": counts[c]}
               for c in (*ENTITY_CLASSES, *sorted(set(counts) - set(ENTITY_CLASSES))) if counts[c]]
    class_names = {node["cls"] for node in nodes} | set(counts) | set(view.omitted)
    doc_iris = documents.items()
    return {
        "meta": {"lang": lang, "title": title, "nodes": len(nodes), "edges": len(edges), "total": view.total_nodes,
                 "renderer": choose_renderer(renderer, len(nodes)), "related": show_related,
                 "focus": [H.nodes[n].get("label", n) for n in view.focus], "hops": view.hops,
                 "omitted": view.omitted, "cut": view.cut, "anchors": len(anchors.places)},
        "classes": classes,
        "classLabels": {c: class_label(c, lang) for c in sorted(class_names)},
        "predicates": {k: class_label(k, lang) for k in sorted({e["p"] for e in edges})},
        "statuses": list(STATUSES),
        "years": sorted({y for ys in years.values() for y in ys}),
        "documents": [dict(prov.documents[d], place=H.nodes[anchors.documents[d]].get("label", "")
                           if anchors.documents.get(d) in H else "") for d in doc_iris],
        "sentences": sentences.items(),
        "nodes": nodes,
        "edges": edges,
    }


# ---------------------------------------------------------------- the page

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
CANVAS_LIBRARIES = ("graphology.umd.min.js", "graphology-layout-forceatlas2.min.js", "canvas-graph.js")


def _static(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


def _vis_library() -> tuple[str, str]:
    """vis-network's JS and CSS as shipped inside the pyvis package (no CDN, no copy in this repository)."""
    lib = resources.files("pyvis").joinpath("templates", "lib", "vis-9.1.2")
    return (lib.joinpath("vis-network.min.js").read_text(encoding="utf-8"),
            lib.joinpath("vis-network.css").read_text(encoding="utf-8"))


def _renderer_library(renderer: str) -> tuple[str, str]:
    """The renderer's code and styles: vis-network from pyvis, or graphology, ForceAtlas2 and our canvas renderer
    (vendored in graph/views/static/, see NOTICE there)."""
    if renderer == "vis":
        return _vis_library()
    return "\n;\n".join(_static(name) for name in CANVAS_LIBRARIES), ""


def _csp(scripts: list[str], workers: bool) -> str:
    """A policy that forbids every fetch and runs only our inline scripts (so injected handlers never run); the
    canvas renderer's layout runs in a worker made from a blob of our own (hashed) script."""
    hashes = " ".join("'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
                      for s in scripts)
    return (f"default-src 'none'; script-src {hashes}; {'worker-src blob:; ' if workers else ''}"
            "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'; "
            "form-action 'none'; base-uri 'none'")


def render_page(payload: dict) -> str:
    """Fill the template: escaped title, the inlined renderer and explorer code, data as inert JSON."""
    meta = payload["meta"]
    lib_js, lib_css = _renderer_library(meta["renderer"])
    scripts = [inline_script(lib_js), inline_script(_static("explorer.js"))]
    title = meta["title"] or ("政策知识图谱" if meta["lang"] == "zh" else "Policy knowledge graph")
    values = {
        "lang": html.escape("zh-Hans" if meta["lang"] == "zh" else meta["lang"], quote=True),
        "title": html.escape(title, quote=False),
        "csp": html.escape(_csp(scripts, workers=meta["renderer"] == "canvas"), quote=True),
        "lib_css": inline_style(lib_css),
        "css": inline_style(_static("explorer.css")),
        "data": script_json(payload),
        "lib_js": scripts[0],
        "js": scripts[1],
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], _static("explorer.html"))


def _graph_inputs(G, rdf: Graph | None) -> tuple[nx.MultiDiGraph, Graph | None]:
    """Accept the NetworkX projection or the rdflib graph itself (which also gives documents and evidence)."""
    if isinstance(G, Graph):
        from graph.rdf.dataset import union_graph
        from graph.views.network import to_networkx

        g = union_graph(G) if isinstance(G, Dataset) else G
        return to_networkx(g), rdf if rdf is not None else g
    return G, rdf


def read_explorer_inputs(path: str | Path) -> tuple[nx.MultiDiGraph, Provenance]:
    """A built graph's network and provenance from one pyoxigraph pass over its file (a 13,000-entity build in
    seconds and a few hundred MB, where an rdflib Dataset took minutes and gigabytes)."""
    from graph.rdf.files import read_triples
    from graph.views.network import network_from_facts, read_facts, read_predicates
    from graph.views.provenance import provenance_from_facts

    facts = read_facts(read_triples(path, predicates=read_predicates()))
    return network_from_facts(facts), provenance_from_facts(facts)


@dataclass(frozen=True)
class ExplorerPage:
    """The page's text and what it shows (nodes and edges drawn, nodes in the whole graph, the renderer)."""
    html: str
    nodes: int
    edges: int
    total: int
    renderer: str = "vis"


@contextmanager
def _collector_spared() -> Iterator[None]:
    """Keep what exists now (a loaded RDF graph is millions of objects) out of the cyclic collector's walks while the
    page's few million short-lived objects come and go; the collector gets them back afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def render_explorer(G, *, lang: str = "zh", show_related: bool | None = None, focus: str | None = None,
                    hops: int = 1, classes: list[str] | str | None = None, max_nodes: int | None = None,
                    rdf: Graph | None = None, provenance: Provenance | None = None, title: str = "",
                    renderer: str = "auto") -> ExplorerPage:
    """The explorer page. G is the NetworkX projection or an rdflib Graph/Dataset (which also gives documents and
    evidence sentences); with a projection, pass rdf= or a ready-made provenance= for them. show_related=None
    draws co-occurrence edges only in a focus view; the page's toggle changes it either way. renderer: auto
    (vis-network up to VIS_MAX_NODES nodes, the canvas renderer above), vis or canvas."""
    if lang not in ("zh", "en"):
        raise VizError(f"unknown language {lang!r}; use zh or en")
    choose_renderer(renderer, 0)
    G, rdf = _graph_inputs(G, rdf)
    with _collector_spared():
        if provenance is None and rdf is not None:
            provenance = read_provenance(rdf)
        view = select_view(G, focus=focus, hops=hops, classes=classes, max_nodes=max_nodes, provenance=provenance)
        if show_related is None:
            show_related = bool(focus)
        payload = graph_payload(view, lang=lang, show_related=show_related, provenance=provenance, title=title,
                                renderer=renderer)
        meta = payload["meta"]
        page = render_page(payload)
    return ExplorerPage(page, meta["nodes"], meta["edges"], view.total_nodes, meta["renderer"])


def to_html(G, **kwargs) -> str:
    """The explorer page as text (keyword arguments as for render_explorer)."""
    return render_explorer(G, **kwargs).html


def write_html(G, path: str | Path, **kwargs) -> Path:
    """Write the explorer as UTF-8, atomically (keyword arguments as for render_explorer)."""
    text = to_html(G, **kwargs)
    with atomic_file(path, "w") as fh:
        fh.write(text)
    return Path(path)


def notebook_html(page: str, height: int = 640) -> str:
    """An <iframe srcdoc> for Jupyter: the page runs isolated (scripts only, no access to the notebook)."""
    return (f'<div class="policykg-explorer"><iframe sandbox="allow-scripts" srcdoc="{html.escape(page, quote=True)}" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #ddd"></iframe></div>')
