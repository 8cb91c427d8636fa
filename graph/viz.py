"""Interactive HTML explorer of the graph: one self-contained UTF-8 file that works offline from file://.

The page is our own template (graph/static/): every script and style is inlined, every document string is escaped
for its context, and one data format feeds two renderers: vis-network (as shipped in pyvis) for small views and the
notebook, and the page's own canvas renderer (with graphology's ForceAtlas2 for relaxing) for large ones. Positions
come from Python: each report's place is an anchor with the entities of that report around it.
"""
from __future__ import annotations

import base64
import difflib
import gc
import hashlib
import html
import json
import math
import re
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph
from rdflib.namespace import DCTERMS, RDF

from ontology import PK, TOP_CLASSES, class_label, top_class

from .atomic import atomic_file

ENTITY_CLASSES = TOP_CLASSES[:8]
STATUSES = ("completed", "ongoing", "planned")
RELATED = "relatedTo"
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
    """Documents (title, date), reified statements' evidence and mentions' sentences from a built graph."""
    prov = Provenance()
    for d in g.subjects(RDF.type, PK.Document):
        prov.documents[str(d)] = {"title": _text(g.value(d, DCTERMS.title)) or _text(g.value(d, PK.sourceFile))
                                  or str(d), "date": _text(g.value(d, DCTERMS.date)) or "",
                                  "file": _text(g.value(d, PK.sourceFile)) or ""}
    for st in g.subjects(RDF.type, RDF.Statement):
        sentence = g.value(st, PK.evidence)
        if sentence is None:
            continue
        key = (str(g.value(st, RDF.subject)), str(g.value(st, RDF.predicate)), str(g.value(st, RDF.object)))
        prov.facts[key].append(Evidence(str(sentence), _text(g.value(st, PK.inDocument)),
                                        _text(g.value(st, PK.status)), _text(g.value(st, PK.year))))
    for m in g.subjects(RDF.type, PK.Mention):
        entity, sentence = g.value(m, PK.mentionOf), g.value(m, PK.sentence)
        if entity is not None and sentence is not None:
            prov.mentions[str(entity)].append(Evidence(str(sentence), _text(g.value(m, PK.inDocument)),
                                                       _text(g.value(m, PK.status)), _text(g.value(m, PK.year))))
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


def _initials(pinyin: str) -> str:
    return "".join(w[0] for w in pinyin.split() if w and w[0].isalpha())


def find_nodes(G: nx.MultiDiGraph, query: str) -> list[str]:
    """Nodes whose label, alias or pinyin equals `query` (ignoring case and spaces), else whose label contains it,
    else whose pinyin initials equal it or whose pinyin starts with it (as the page's search box matches)."""
    q = _normal(query)
    if not q:
        return []
    exact = [n for n, d in G.nodes(data=True) if q in {_normal(x) for x in _names(d) if x}]
    if exact:
        return sorted(exact)
    contains = [n for n, d in G.nodes(data=True) if q in _normal(d.get("label", ""))]
    if contains:
        return sorted(contains)
    return sorted(n for n, d in G.nodes(data=True) if d.get("pinyin")
                  and (_initials(d["pinyin"]) == q or _normal(d["pinyin"]).startswith(q)))


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


def typed_neighbours(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Each node's neighbours along typed relations (not same-sentence co-occurrence), sorted."""
    adj: dict[str, set[str]] = {n: set() for n in G}
    for s, o, k in G.edges(keys=True):
        if k != RELATED and s != o:
            adj[s].add(o)
            adj[o].add(s)
    return {n: sorted(ns) for n, ns in adj.items()}


@dataclass
class Anchors:
    """The place each report is about (its entities are drawn around it) and the anchor of every entity."""
    places: list[str] = field(default_factory=list)  # report places, the most reported first
    documents: dict[str, str] = field(default_factory=dict)  # document IRI -> its report place
    home: dict[str, str] = field(default_factory=dict)  # entity -> the report place it is drawn around
    mentioned_in: dict[str, int] = field(default_factory=dict)  # entity -> documents that mention it


def _title_score(d: dict, title: str, mentions: int) -> tuple:
    """A report's place is named in its title (the last name: 井陉县 in 石家庄市井陉县…), a division, mentioned most."""
    ends = [title.rfind(x) + len(x) for x in (d.get("label", ""), *d.get("aliases", [])) if x and x in title]
    return bool(ends), bool(d.get("code")), max(ends, default=-1), mentions


def find_anchors(G: nx.MultiDiGraph, prov: Provenance, typed: dict[str, list[str]]) -> Anchors:
    """Report places from the documents' titles and mentions; each entity's anchor is the report place of most of
    the documents that mention it (none when no report has a majority), else that of its typed neighbours."""
    docs_of = {n: {e.document for e in prov.mentions.get(n, ()) if e.document} for n in G}
    places_in: dict[str, Counter] = defaultdict(Counter)
    for n, d in G.nodes(data=True):
        if d.get("type") == "Place":
            for e in prov.mentions.get(n, ()):
                if e.document:
                    places_in[e.document][n] += 1
    anchors = Anchors(mentioned_in={n: len(ds) for n, ds in docs_of.items() if ds})
    for doc, counts in sorted(places_in.items()):
        title = (prov.documents.get(doc) or {}).get("title", "")
        anchors.documents[doc] = max(sorted(counts), key=lambda p: _title_score(G.nodes[p], title, counts[p]))
    reports = Counter(anchors.documents.values())
    anchors.places = sorted(reports, key=lambda p: (-reports[p], G.nodes[p].get("label", ""), p))
    home = anchors.home
    home.update((p, p) for p in anchors.places)
    for n in G:
        places = Counter(anchors.documents[d] for d in docs_of[n] if d in anchors.documents)
        if n not in home and places:
            top = max(sorted(places), key=places.get)
            if 2 * places[top] > sum(places.values()):
                home[n] = top
    queue = deque(sorted(home))  # entities no document mentions go where their typed neighbours are
    while queue:
        n = queue.popleft()
        for m in typed[n]:
            if m not in home and not docs_of[m]:
                home[m] = home[n]
                queue.append(m)
    return anchors


def importance_order(G: nx.MultiDiGraph, typed: dict[str, list[str]], anchors: Anchors) -> list[str]:
    """Nodes in the order worth drawing and labelling: report places, then entities with typed facts (every class
    in proportion to its size, the best connected first), then entities only seen co-occurring (most reported
    first)."""
    first = set(anchors.places)
    groups: dict[tuple[int, str], list[str]] = defaultdict(list)
    for n, d in G.nodes(data=True):
        if n not in first:
            groups[(1 if typed[n] else 2, d.get("type", ""))].append(n)
    keyed = []
    for (tier, _), nodes in groups.items():
        nodes.sort(key=lambda n: (-len(typed[n]), -anchors.mentioned_in.get(n, 0), -G.degree(n),
                                  G.nodes[n].get("label", ""), n))
        keyed += [((tier, i / len(nodes), -len(typed[n]), n), n) for i, n in enumerate(nodes)]
    keyed.sort()
    return anchors.places + [n for _, n in keyed]


@dataclass
class View:
    """The subgraph to draw and how it was chosen, shown in the page's header."""
    graph: nx.MultiDiGraph
    total_nodes: int
    focus: list[str] = field(default_factory=list)
    hops: int = 0
    distance: dict[str, int] = field(default_factory=dict)
    omitted: dict[str, int] = field(default_factory=dict)  # top-level class -> entities of the graph not drawn
    cut: bool = False  # max_nodes left some of the chosen entities out


def select_view(G: nx.MultiDiGraph, *, focus: str | None = None, hops: int = 1, classes: list[str] | str | None = None,
                max_nodes: int | None = None, provenance: Provenance | None = None) -> View:
    """The neighbourhood of an entity and/or the nodes of some classes, cut to max_nodes: the nearest to the focus,
    then report places, entities with typed facts (every class represented), then the rest."""
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
        typed = typed_neighbours(G)
        order = importance_order(G, typed, find_anchors(G, provenance or Provenance(), typed))
        position = {n: i for i, n in enumerate(order)}
        keep = set(sorted(keep, key=lambda n: (view.distance.get(n, 0), position[n]))[:max_nodes])
        view.cut = True
    if len(keep) != len(G):
        view.omitted = dict(sorted(Counter(d.get("type", "") for n, d in G.nodes(data=True) if n not in keep).items()))
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


# ---------------------------------------------------------------- layout: each report place with its entities

RING_GAP = 160.0  # between the rings of a radial tree
NODE_GAP = 70.0  # along a ring
LOOSE_GAP = 36.0  # between entities without typed relations, drawn small around their cluster
CLUSTER_GAP = 140.0  # between clusters
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


@dataclass
class Cluster:
    """Entities drawn together: a root (a report place, or the best connected of a component), the entities linked
    to it by typed relations (a radial tree) and the loose ones around it (only co-occurrence, or no edge)."""
    root: str | None
    members: list[str] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)
    key: tuple = ()


def _radial_tree(adj: dict[str, list[str]], root: str, members: list[str]) -> tuple[dict[str, tuple], float]:
    """A radial tree around root: rings by distance, wedges by subtree size; members typed relations do not reach
    from root hang under it (their own best-connected first)."""
    inside = set(members) | {root}
    parent, depth, order = {root: None}, {root: 0}, [root]
    pending = iter(sorted(members, key=lambda n: (-len(adj[n]), n)))
    i = 0
    while True:
        while i < len(order):  # order grows while we walk it: a breadth-first traversal
            n = order[i]
            i += 1
            for m in adj[n]:
                if m in inside and m not in parent:
                    parent[m], depth[m] = n, depth[n] + 1
                    order.append(m)
        start = next((n for n in pending if n not in parent), None)
        if start is None:
            break
        parent[start], depth[start] = root, 1
        order.append(start)
    children: dict[str, list[str]] = defaultdict(list)
    for n in order[1:]:
        children[parent[n]].append(n)
    weight = {}
    for n in reversed(order):
        weight[n] = max(1, sum(weight[c] for c in children[n]))
    per_ring = Counter(depth.values())
    radius = [0.0]
    for d in range(1, max(depth.values()) + 1):
        radius.append(max(radius[-1] + RING_GAP, per_ring[d] * NODE_GAP / (2 * math.pi)))
    span = {root: (0.0, 2 * math.pi)}
    pos = {}
    for n in order:
        a0, a1 = span[n]
        angle = (a0 + a1) / 2
        pos[n] = (radius[depth[n]] * math.cos(angle), radius[depth[n]] * math.sin(angle))
        start_angle = a0
        for c in children[n]:
            width = (a1 - a0) * weight[c] / weight[n]
            span[c] = (start_angle, start_angle + width)
            start_angle += width
    return pos, radius[-1]


def _annulus(nodes: list[str], inner: float, gap: float) -> tuple[dict[str, tuple], float]:
    """Nodes spread evenly over a ring outside `inner` (a sunflower pattern): as dense as `gap` allows."""
    pos = {}
    r = inner
    for i, n in enumerate(nodes):
        r = math.sqrt(inner * inner + (i + 0.5) * gap * gap / math.pi)
        pos[n] = (r * math.cos(i * GOLDEN_ANGLE), r * math.sin(i * GOLDEN_ANGLE))
    return pos, r


def _clusters(G: nx.MultiDiGraph, typed: dict[str, list[str]], anchors: Anchors) -> list[Cluster]:
    """Report places with their entities; entities without one grouped by typed components; loose entities with the
    cluster of the entity they co-occur with most; what is left in one group of its own."""
    by_root: dict[str, Cluster] = {}
    where: dict[str, Cluster] = {}
    for p in anchors.places:
        code = G.nodes[p].get("code") or "~"
        by_root[p] = where[p] = Cluster(p, key=(1, code, G.nodes[p].get("label", ""), p))
    homeless = sorted(n for n in G if n not in anchors.home and typed[n])
    seen: set[str] = set()
    for n in sorted(homeless, key=lambda n: (-len(typed[n]), n)):
        if n in seen:
            continue
        component, queue = [n], deque([n])
        seen.add(n)
        while queue:
            for m in typed[queue.popleft()]:
                if m not in seen and m not in anchors.home:
                    seen.add(m)
                    component.append(m)
                    queue.append(m)
        c = Cluster(n, key=(0 if len(component) > 1 else 2, -len(component), n))
        by_root[n] = where[n] = c
        c.members = [m for m in component if m != n]
        where.update((m, c) for m in c.members)
    for n, p in anchors.home.items():
        if n != p and typed[n]:
            by_root[p].members.append(n)
            where[n] = by_root[p]
    rest = Cluster(None, key=(3,))
    strength: dict[str, Counter] = defaultdict(Counter)
    for s, o, k, d in G.edges(keys=True, data=True):
        if k == RELATED and s != o:
            strength[s][o] += int(d.get("count") or 1)
            strength[o][s] += int(d.get("count") or 1)
    for n in sorted(G):
        if typed[n]:
            continue
        if n in where:  # a report place with no typed relation: its own root
            continue
        home = anchors.home.get(n)
        if home is None:
            partners = [m for m in sorted(strength[n], key=lambda m: (-strength[n][m], m)) if m in where]
            home = partners[0] if partners else None
        (where[home] if home is not None else rest).loose.append(n)
    clusters = sorted(by_root.values(), key=lambda c: c.key)
    return clusters + ([rest] if rest.loose else [])


def _place_cluster(G: nx.MultiDiGraph, adj: dict[str, list[str]], c: Cluster) -> tuple[dict[str, tuple], float]:
    """Local positions of one cluster around (0, 0) and its radius."""
    pos, radius = ({}, 0.0) if c.root is None else _radial_tree(adj, c.root, c.members)
    loose = sorted(c.loose, key=lambda n: (G.nodes[n].get("type", ""), G.nodes[n].get("label", ""), n))
    ring, outer = _annulus(loose, radius + (LOOSE_GAP * 2 if pos else 0.0), LOOSE_GAP)
    pos.update(ring)
    return pos, max(radius, outer) + LOOSE_GAP


def _pack_rings(radii: list[float]) -> list[tuple[float, float]]:
    """Centres for circles of these radii: the first in the middle, the others in order on rings around it."""
    if not radii:
        return []
    centres = [(0.0, 0.0)]
    outer, i = radii[0], 1
    while i < len(radii):
        j, widest, used = i, 0.0, 0.0
        while j < len(radii):
            w = max(widest, radii[j])
            if j > i and used + 2 * radii[j] + CLUSTER_GAP > 2 * math.pi * (outer + CLUSTER_GAP + w):
                break
            widest, used, j = w, used + 2 * radii[j] + CLUSTER_GAP, j + 1
        ring = outer + CLUSTER_GAP + widest
        circumference = max(2 * math.pi * ring, used)
        arc = 0.0
        for k in range(i, j):
            share = (2 * radii[k] + CLUSTER_GAP) * circumference / used
            angle = (arc + share / 2) / ring
            centres.append((ring * math.cos(angle), ring * math.sin(angle)))
            arc += share
        outer, i = ring + widest, j
    return centres


def cluster_layout(G: nx.MultiDiGraph, typed: dict[str, list[str]] | None = None,
                   anchors: Anchors | None = None) -> dict[str, tuple[float, float]]:
    """Deterministic positions in O(nodes + edges): each cluster a radial tree with its loose entities around it,
    the largest cluster of shared entities (or the first report place) in the middle, the others on rings around
    it in division-code order (so neighbouring counties sit together)."""
    typed = typed if typed is not None else typed_neighbours(G)
    anchors = anchors or Anchors()
    clusters = _clusters(G, typed, anchors)
    laid = [_place_cluster(G, typed, c) for c in clusters]
    if laid:
        centre = max(range(len(laid)), key=lambda i: (clusters[i].key[0] == 0, laid[i][1], -i))
        order = [centre] + [i for i in range(len(laid)) if i != centre]
    else:
        order = []
    pos = {}
    for i, (cx, cy) in zip(order, _pack_rings([laid[i][1] for i in order])):
        for n, (x, y) in laid[i][0].items():
            pos[n] = (round(cx + x, 1), round(cy + y, 1))
    return pos


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
                    "initials": _initials(d.get("pinyin", "")), "code": d.get("code", ""),
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
    (vendored in graph/static/, see NOTICE there)."""
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
        from .network import to_networkx
        from .rdf import union_graph

        g = union_graph(G) if isinstance(G, Dataset) else G
        return to_networkx(g), rdf if rdf is not None else g
    return G, rdf


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
