"""Choosing what a view draws: names to nodes (label, alias, pinyin, initials), focus and hops, classes, the
report places that anchor a big graph, and the order of importance that decides what a capped view keeps."""
from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field

import networkx as nx

from graph.views.provenance import Provenance
from ontology import TOP_CLASSES, class_label

ENTITY_CLASSES = TOP_CLASSES[:8]
RELATED = "relatedTo"


class VizError(ValueError):
    """A view that cannot be drawn (unknown focus label or class name); the message says what exists."""


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text or "").lower()


def _names(d: dict) -> list[str]:
    return [d.get("label", ""), *d.get("aliases", []), d.get("pinyin", "")]


def initials(pinyin: str) -> str:
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
                  and (initials(d["pinyin"]) == q or _normal(d["pinyin"]).startswith(q)))


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


