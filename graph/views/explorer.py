"""Interactive HTML explorer of the graph: one self-contained UTF-8 file that works offline from file://.

pyvis supplies the vis-network library it ships and the node/edge records; the page itself comes from our own
template (graph/views/static/) so that every script and style is inlined, every document string is escaped for its
context, and large graphs get precomputed positions instead of a physics run that freezes the browser.
"""
from __future__ import annotations

import base64
import difflib
import hashlib
import html
import json
import math
import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph
from rdflib.namespace import DCTERMS, RDF

from graph.output.atomic import atomic_file
from ontology import PK, TOP_CLASSES, class_label, top_class

ENTITY_CLASSES = TOP_CLASSES[:8]
STATUSES = ("completed", "ongoing", "planned")
PHYSICS_MAX_NODES = 1000  # above this the page draws precomputed positions and runs no physics at load
FONT_FACE = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif"


@dataclass(frozen=True)
class ClassStyle:
    """How one top-level class is drawn: colour, vis-network shape, and the legend's symbol."""
    color: str
    shape: str


CLASS_STYLES = {
    "Place": ClassStyle("#4e79a7", "dot"), "Agency": ClassStyle("#e15759", "diamond"),
    "Organization": ClassStyle("#f28e2b", "square"), "Project": ClassStyle("#59a14f", "triangle"),
    "Initiative": ClassStyle("#b07aa1", "star"), "Sector": ClassStyle("#76b7b2", "hexagon"),
    "Recognition": ClassStyle("#edc948", "triangleDown"), "Indicator": ClassStyle("#9c755f", "box"),
}
OTHER_STYLE = ClassStyle("#bab0ac", "dot")
CLASS_COLORS = {c: s.color for c, s in CLASS_STYLES.items()}


class VizError(ValueError):
    """A view that cannot be drawn (unknown focus label or class name); the message says what exists."""


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


# ---------------------------------------------------------------- provenance from the RDF


@dataclass(frozen=True)
class Evidence:
    """One sentence that supports a fact or mentions an entity, with its document and section context."""
    sentence: str
    document: str | None = None
    status: str | None = None
    year: str | None = None


@dataclass
class Provenance:
    """What the side panel needs beyond the NetworkX projection: documents, fact and mention sentences."""
    documents: dict[str, dict] = field(default_factory=dict)
    facts: dict[tuple[str, str, str], list[Evidence]] = field(default_factory=lambda: defaultdict(list))
    mentions: dict[str, list[Evidence]] = field(default_factory=lambda: defaultdict(list))
    indicators: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _text(value) -> str | None:
    return str(value) if value is not None else None


def read_provenance(g: Graph) -> Provenance:
    """Documents (title, date), the sentences of reified statements and of mentions, and for each co-occurrence
    (pk:relatedTo, which has no statement) the sentences that mention both ends, from a built graph."""
    from ontology import NIF

    def sentence(node, status=None, year=None, document=None) -> Evidence | None:
        text = g.value(node, NIF.anchorOf) if node is not None else None
        if text is None:
            return None
        return Evidence(str(text), _text(document if document is not None else g.value(node, PK.inDocument)),
                        _text(status), _text(year))

    prov = Provenance()
    for d in g.subjects(RDF.type, PK.Document):
        prov.documents[str(d)] = {"title": _text(g.value(d, DCTERMS.title)) or _text(g.value(d, PK.sourceFile))
                                  or str(d), "date": _text(g.value(d, DCTERMS.date)) or "",
                                  "file": _text(g.value(d, PK.sourceFile)) or ""}
    for st in g.subjects(RDF.type, RDF.Statement):
        ev = sentence(g.value(st, PK.evidence), g.value(st, PK.status), g.value(st, PK.year),
                      g.value(st, PK.inDocument))
        if ev is not None:
            key = (str(g.value(st, RDF.subject)), str(g.value(st, RDF.predicate)), str(g.value(st, RDF.object)))
            prov.facts[key].append(ev)
    sentences_of = defaultdict(set)
    for m in g.subjects(RDF.type, PK.Mention):
        entity, node = g.value(m, PK.mentionOf), g.value(m, PK.sentence)
        ev = sentence(node, g.value(m, PK.status), g.value(m, PK.year))
        if entity is not None and ev is not None:
            prov.mentions[str(entity)].append(ev)
            sentences_of[entity].add(node)
    for a, b in g.subject_objects(PK.relatedTo):
        for node in sentences_of.get(a, set()) & sentences_of.get(b, set()):
            ev = sentence(node, g.value(node, PK.status), g.value(node, PK.year))
            prov.facts[(str(a), str(PK.relatedTo), str(b))].append(ev)
    for ind, entity in g.subject_objects(PK.measures):
        prov.indicators[str(entity)].append(str(ind))
    for store in (prov.facts, prov.mentions):
        for key, items in store.items():
            store[key] = sorted(set(items), key=lambda e: (e.document or "", e.sentence))
    return prov


# ---------------------------------------------------------------- choosing what to draw


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text or "").lower()


def _names(d: dict) -> list[str]:
    return [d.get("label", ""), *d.get("aliases", []), d.get("pinyin", "")]


def find_nodes(G: nx.MultiDiGraph, query: str) -> list[str]:
    """Nodes whose label, alias or pinyin equals `query` (ignoring case and spaces), else whose label contains it."""
    q = _normal(query)
    exact = [n for n, d in G.nodes(data=True) if q in {_normal(x) for x in _names(d) if x}]
    if exact or not q:
        return sorted(exact)
    return sorted(n for n, d in G.nodes(data=True) if q in _normal(d.get("label", "")))


def _class_filter(names: list[str]) -> set[str]:
    """Class local names from user input: top-level or specific classes, by local name or zh/en label."""
    from ontology import known_classes

    index = {}
    for c in known_classes():
        for name in (c, class_label(c, "zh"), class_label(c, "en")):
            index[_normal(name)] = c
    wanted, unknown = set(), []
    for name in names:
        c = index.get(_normal(name))
        (wanted.add(c) if c else unknown.append(name))
    if unknown:
        raise VizError(f"unknown class {', '.join(map(repr, unknown))}; "
                       f"top-level classes are {', '.join(ENTITY_CLASSES)}")
    return wanted


def _hop_distances(G: nx.MultiDiGraph, sources: list[str], hops: int) -> dict[str, int]:
    """Breadth-first distance from any source, following edges both ways, up to `hops`."""
    dist = {s: 0 for s in sources}
    queue = deque(sources)
    while queue:
        n = queue.popleft()
        if dist[n] >= hops:
            continue
        for m in sorted(set(G.successors(n)) | set(G.predecessors(n))):
            if m not in dist:
                dist[m] = dist[n] + 1
                queue.append(m)
    return dist


@dataclass
class View:
    """The subgraph to draw and how it was chosen, shown in the page's header."""
    graph: nx.MultiDiGraph
    total_nodes: int
    focus: list[str] = field(default_factory=list)
    hops: int = 0
    distance: dict[str, int] = field(default_factory=dict)


def select_view(G: nx.MultiDiGraph, *, focus: str | None = None, hops: int = 1, classes: list[str] | str | None = None,
                max_nodes: int | None = None) -> View:
    """The neighbourhood of an entity and/or the nodes of some classes, cut to the best-connected max_nodes."""
    if hops < 0:
        raise VizError("--hops must be 0 or more")
    if max_nodes is not None and max_nodes < 1:
        raise VizError("--max-nodes must be at least 1")
    keep = set(G)
    if classes:
        names = [c.strip() for c in (classes.split(",") if isinstance(classes, str) else classes) if c.strip()]
        wanted = _class_filter(names)
        keep = {n for n, d in G.nodes(data=True) if d.get("class") in wanted or d.get("type") in wanted}
    view = View(G, G.number_of_nodes())
    if focus:
        sources = [n for n in ([focus] if focus in G else find_nodes(G, focus)) if n in keep]
        if not sources:
            labels = sorted({d.get("label", "") for n, d in G.nodes(data=True) if n in keep})
            close = difflib.get_close_matches(focus, labels, n=5, cutoff=0.3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise VizError(f"no entity matches {focus!r}{hint}")
        sub = G.subgraph(keep)
        view.distance = _hop_distances(sub, sources, hops)
        view.focus, view.hops = sources, hops
        keep = set(view.distance)
    if max_nodes is not None and len(keep) > max_nodes:
        degree = dict((G if len(keep) == len(G) else G.subgraph(keep)).degree())  # a view of all of G is slow
        ranked = sorted(keep, key=lambda n: (view.distance.get(n, 0), -degree[n], G.nodes[n].get("label", ""), n))
        keep = set(ranked[:max_nodes])
    view.graph = _induced_copy(G, keep) if len(keep) != len(G) else G
    return view


def _induced_copy(G: nx.MultiDiGraph, keep: set) -> nx.MultiDiGraph:
    """G.subgraph(keep).copy() without networkx's filtered views, which cost ~50 µs per edge on a large graph (the
    page sorts nodes and edges itself, so the order they are added in does not matter)."""
    H = G.__class__()
    H.graph.update(G.graph)
    H.add_nodes_from((n, d.copy()) for n, d in G.nodes(data=True) if n in keep)
    H.add_edges_from((u, v, k, d.copy()) for u, v, k, d in G.edges(keys=True, data=True) if u in keep and v in keep)
    return H


# ---------------------------------------------------------------- layout for graphs too large for physics

RING_GAP = 160.0
NODE_GAP = 70.0


def _adjacency(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    adj: dict[str, set[str]] = {n: set() for n in G}
    for s, o in G.edges():
        if s != o:
            adj[s].add(o)
            adj[o].add(s)
    return {n: sorted(ns) for n, ns in adj.items()}


def _radial_component(adj: dict[str, list[str]], nodes: list[str]) -> tuple[dict[str, tuple[float, float]], float]:
    """A radial tree around the best-connected node: rings by distance, wedges by subtree size."""
    root = max(nodes, key=lambda n: (len(adj[n]), n))
    parent, order, depth = {root: None}, [root], {root: 0}
    for n in order:  # order grows while we walk it: a breadth-first traversal
        for m in adj[n]:
            if m not in parent:
                parent[m], depth[m] = n, depth[n] + 1
                order.append(m)
    children: dict[str, list[str]] = defaultdict(list)
    for n in order[1:]:
        children[parent[n]].append(n)
    weight = {}
    for n in reversed(order):
        weight[n] = max(1, sum(weight[c] for c in children[n]))
    per_ring = defaultdict(int)
    for n in order:
        per_ring[depth[n]] += 1
    radius = [0.0]
    for d in range(1, max(depth.values()) + 1):
        radius.append(max(radius[-1] + RING_GAP, per_ring[d] * NODE_GAP / (2 * math.pi)))
    span = {root: (0.0, 2 * math.pi)}
    pos = {}
    for n in order:
        a0, a1 = span[n]
        angle = (a0 + a1) / 2
        pos[n] = (radius[depth[n]] * math.cos(angle), radius[depth[n]] * math.sin(angle))
        start = a0
        for c in children[n]:
            width = (a1 - a0) * weight[c] / weight[n]
            span[c] = (start, start + width)
            start += width
    return pos, radius[-1] + NODE_GAP / 2


def radial_layout(G: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Deterministic positions for every node in O(nodes + edges): components packed in rows, largest first."""
    adj = _adjacency(G)
    comps = sorted((sorted(c) for c in nx.connected_components(nx.Graph(adj))), key=lambda c: (-len(c), c[0]))
    laid = [_radial_component(adj, c) for c in comps]
    row_width = math.sqrt(sum((2 * r) ** 2 for _, r in laid)) * 1.2
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for comp_pos, r in laid:
        if x > 0 and x + 2 * r > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for n, (px, py) in comp_pos.items():
            pos[n] = (x + r + px, y + r + py)
        x += 2 * r
        row_height = max(row_height, 2 * r)
    if pos:
        cx = (min(p[0] for p in pos.values()) + max(p[0] for p in pos.values())) / 2
        cy = (min(p[1] for p in pos.values()) + max(p[1] for p in pos.values())) / 2
        pos = {n: (round(px - cx, 1), round(py - cy, 1)) for n, (px, py) in pos.items()}
    return pos


# ---------------------------------------------------------------- the data the page embeds


def stabilization_iterations(n_nodes: int) -> int:
    """Fewer physics iterations as graphs grow (each costs more): the radial start is already untangled."""
    return max(50, min(300, 50_000 // max(n_nodes, 1)))


def vis_options(n_nodes: int, physics: bool) -> dict:
    """vis-network options: physics only for graphs it can settle quickly, cheaper drawing for large ones."""
    large = not physics
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "nodes": {"borderWidth": 1, "font": {"face": FONT_FACE, "size": 16, "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": 8 if large else 4}}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "width": 1, "selectionWidth": 2,
                  "font": {"face": FONT_FACE, "size": 11, "align": "middle", "color": "#444444", "strokeWidth": 3},
                  "smooth": False if large else {"enabled": True, "type": "continuous", "roundness": 0.3}},
        "interaction": {"hover": n_nodes <= PHYSICS_MAX_NODES, "tooltipDelay": 250, "hideEdgesOnDrag": large,
                        "hideEdgesOnZoom": large, "multiselect": False},
        "physics": {"enabled": physics, "solver": "barnesHut", "minVelocity": 1.0, "maxVelocity": 40,
                    "barnesHut": {"gravitationalConstant": -6000, "springLength": 140, "springConstant": 0.03,
                                  "centralGravity": 0.5, "damping": 0.35, "avoidOverlap": 0.2},
                    "stabilization": {"enabled": True, "iterations": stabilization_iterations(n_nodes),
                                      "updateInterval": 50, "fit": True}},
    }


def _initials(pinyin: str) -> str:
    return "".join(w[0] for w in pinyin.split() if w and w[0].isalpha())


def _evidence_rows(items: list[Evidence], doc_index: dict[str, int]) -> list[dict]:
    return [{"s": e.sentence, "d": doc_index.get(e.document or "", -1), "st": e.status or "", "y": e.year or ""}
            for e in items]


def _node_size(degree: int) -> float:
    return round(min(12 + 5 * math.sqrt(degree), 48), 1)


def graph_payload(view: View, *, lang: str = "zh", show_related: bool = False, provenance: Provenance | None = None,
                  title: str = "", physics_threshold: int = PHYSICS_MAX_NODES) -> dict:
    """Everything the page draws and shows, as plain JSON-able data (pyvis Node/Edge records for vis-network)."""
    from pyvis.edge import Edge
    from pyvis.node import Node

    H, prov = view.graph, provenance or Provenance()
    physics = 1 < H.number_of_nodes() <= physics_threshold
    docs = sorted(prov.documents)
    doc_index = {d: i for i, d in enumerate(docs)}
    index = {n: i for i, n in enumerate(sorted(H))}
    pos = radial_layout(H)
    neighbours = _adjacency(H)
    statuses: dict[str, set[str]] = defaultdict(set)
    years: dict[str, set[str]] = defaultdict(set)
    edges = []
    for s, o, k, d in sorted(H.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])):
        related = k == "relatedTo"
        ev = prov.facts.get((s, str(PK[k]), o)) or [Evidence(x) for x in d.get("evidence") or []]
        status, year = d.get("status") or "", str(d.get("year") or "")
        for n in (s, o):
            if status:
                statuses[n].add(status)
            if year:
                years[n].add(year)
        label = class_label(k, lang)
        tip = label + (f" · {status}" if status else "") + (f" · {year}" if year else "")
        if ev:
            tip += "\n" + ev[0].sentence[:160]
        edges.append(Edge(index[s], index[o], True, id=len(edges), label=label, title=tip, dashes=related,
                          hidden=related and not show_related,
                          color={"color": "#c7c7c7" if related else "#8a8a8a", "highlight": "#333333"},
                          pk={"p": k, "rel": related, "st": status, "y": year, "n": int(d.get("count") or 1),
                              "ev": _evidence_rows(ev, doc_index)}).options)
    nodes = []
    for n in sorted(H, key=index.get):
        d = H.nodes[n]
        top = d.get("type") or top_class(d.get("class", "Thing"))
        style = CLASS_STYLES.get(top, OTHER_STYLE)
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
        indicator = {k: str(d[k]) for k in ("value", "unit", "indicatorKind", "status", "year") if d.get(k)}
        cls = d.get("class", top)
        record = {"iri": n, "cls": cls, "clsLabel": class_label(cls, lang), "type": top,
                  "typeLabel": class_label(top, lang), "aliases": list(d.get("aliases") or []),
                  "pinyin": d.get("pinyin", ""), "initials": _initials(d.get("pinyin", "")),
                  "code": d.get("code", ""), "ind": indicator, "st": sorted(statuses[n]), "yr": sorted(years[n]),
                  "ev": _evidence_rows(mentions, doc_index),
                  "inds": sorted(index[i] for i in prov.indicators.get(n, []) if i in index),
                  "hop": view.distance.get(n, -1)}
        label = d.get("label", n)
        x, y = pos.get(n, (0.0, 0.0))
        nodes.append(Node(index[n], style.shape, label, False, color=style.color, size=_node_size(len(neighbours[n])),
                          x=x, y=y, title=f"{label} · {record['clsLabel']}", borderWidth=3 if n in view.focus else 1,
                          pk=record).options)
    counts = defaultdict(int)
    for node in nodes:
        counts[node["pk"]["type"]] += 1
    classes = [{"name": c, "label": class_label(c, lang), "color": CLASS_STYLES.get(c, OTHER_STYLE).color,
                "shape": CLASS_STYLES.get(c, OTHER_STYLE).shape, "count": counts[c]}
               for c in (*ENTITY_CLASSES, *sorted(set(counts) - set(ENTITY_CLASSES))) if counts[c]]
    all_years = sorted({y for ys in years.values() for y in ys})
    focus_labels = [H.nodes[n].get("label", n) for n in view.focus]
    return {
        "meta": {"lang": lang, "title": title, "nodes": len(nodes), "edges": len(edges), "total": view.total_nodes,
                 "physics": physics, "related": show_related, "focus": focus_labels, "hops": view.hops},
        "classes": classes,
        "statuses": list(STATUSES),
        "years": all_years,
        "documents": [prov.documents[d] for d in docs],
        "options": vis_options(len(nodes), physics),
        "nodes": nodes,
        "edges": edges,
    }


# ---------------------------------------------------------------- the page

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def _static(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


def _vis_library() -> tuple[str, str]:
    """vis-network's JS and CSS as shipped inside the pyvis package (no CDN, no copy in this repository)."""
    lib = resources.files("pyvis").joinpath("templates", "lib", "vis-9.1.2")
    return (lib.joinpath("vis-network.min.js").read_text(encoding="utf-8"),
            lib.joinpath("vis-network.css").read_text(encoding="utf-8"))


def _csp(scripts: list[str]) -> str:
    """A policy that forbids every fetch and runs only our inline scripts (so injected handlers never run)."""
    hashes = " ".join("'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
                      for s in scripts)
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data: blob:; "
            "font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'")


def render_page(payload: dict) -> str:
    """Fill the template: escaped title, inlined vis-network and explorer code, data as inert JSON."""
    vis_js, vis_css = _vis_library()
    scripts = [inline_script(vis_js), inline_script(_static("explorer.js"))]
    meta = payload["meta"]
    title = meta["title"] or ("政策知识图谱" if meta["lang"] == "zh" else "Policy knowledge graph")
    values = {
        "lang": html.escape("zh-Hans" if meta["lang"] == "zh" else meta["lang"], quote=True),
        "title": html.escape(title, quote=False),
        "csp": html.escape(_csp(scripts), quote=True),
        "vis_css": inline_style(vis_css),
        "css": inline_style(_static("explorer.css")),
        "data": script_json(payload),
        "vis_js": scripts[0],
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


@dataclass(frozen=True)
class ExplorerPage:
    """The page's text and what it shows (nodes and edges drawn, nodes in the whole graph)."""
    html: str
    nodes: int
    edges: int
    total: int


def render_explorer(G, *, lang: str = "zh", show_related: bool | None = None, focus: str | None = None,
                    hops: int = 1, classes: list[str] | str | None = None, max_nodes: int | None = None,
                    rdf: Graph | None = None, provenance: Provenance | None = None, title: str = "",
                    physics_threshold: int = PHYSICS_MAX_NODES) -> ExplorerPage:
    """The explorer page. G is the NetworkX projection or an rdflib Graph/Dataset (which also gives documents and
    evidence sentences); with a projection, pass rdf= or a ready-made provenance= for them. show_related=None
    draws co-occurrence edges only in a focus view; the page's toggle changes it either way."""
    if lang not in ("zh", "en"):
        raise VizError(f"unknown language {lang!r}; use zh or en")
    G, rdf = _graph_inputs(G, rdf)
    view = select_view(G, focus=focus, hops=hops, classes=classes, max_nodes=max_nodes)
    if show_related is None:
        show_related = bool(focus)
    if provenance is None and rdf is not None:
        provenance = read_provenance(rdf)
    payload = graph_payload(view, lang=lang, show_related=show_related, provenance=provenance, title=title,
                            physics_threshold=physics_threshold)
    return ExplorerPage(render_page(payload), payload["meta"]["nodes"], payload["meta"]["edges"], view.total_nodes)


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
