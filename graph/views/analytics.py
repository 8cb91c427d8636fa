"""Network analytics on the entity graph: counts, centralities, components, communities, paths and neighbourhoods."""
from __future__ import annotations

import difflib
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import islice

import networkx as nx
from rdflib import Dataset, Graph
from rdflib.namespace import RDF

from graph.rdf.dataset import union_graph
from graph.views.network import to_networkx
from ontology import PK, TOP_CLASSES

STATS_COLUMNS = ["section", "item", "value", "detail"]
PATH_COLUMNS = ["path", "step", "from", "relation", "to", "evidence"]
NEIGHBOUR_COLUMNS = ["hops", "label", "class", "via", "relation", "evidence"]
EXACT_BETWEENNESS_LIMIT = 2000  # above this many nodes betweenness is estimated from a seeded sample
BETWEENNESS_SAMPLE = 500


class EntityNotFound(ValueError):
    """A label that names no entity, or several; the message lists close matches or the candidates."""


class NoPath(ValueError):
    """Two entities with no path between them in the graph."""


def entity_graph(data: Dataset | Graph, *, include_related: bool = True) -> nx.MultiDiGraph:
    """The NetworkX projection of a dataset or graph (entities and their relations), the same in every process."""
    from graph.views.export.rdf_formats import sorted_graph

    return to_networkx(sorted_graph(data), include_related=include_related)


def undirected(G: nx.MultiDiGraph) -> nx.Graph:
    """A simple undirected graph whose edge weight is the number of sentences supporting any relation."""
    U = nx.Graph()
    U.add_nodes_from(G.nodes(data=True))
    for s, o, d in G.edges(data=True):
        if s == o:
            continue
        w = int(d.get("count", 1) or 1)
        if U.has_edge(s, o):
            U[s][o]["weight"] += w
        else:
            U.add_edge(s, o, weight=w)
    return U


def pagerank(U: nx.Graph, alpha: float = 0.85, tol: float = 1.0e-10, max_iter: int = 200) -> dict[str, float]:
    """Weighted PageRank by power iteration in pure Python (networkx's own needs numpy and scipy)."""
    n = U.number_of_nodes()
    if n == 0:
        return {}
    strength = {v: sum(d.get("weight", 1) for d in U[v].values()) for v in U}
    rank = dict.fromkeys(U, 1.0 / n)
    for _ in range(max_iter):
        dangling = alpha * sum(rank[v] for v in U if strength[v] == 0) / n
        new = {v: (1.0 - alpha) / n + dangling
               + alpha * sum(rank[u] * U[u][v].get("weight", 1) / strength[u] for u in U[v]) for v in U}
        err = sum(abs(new[v] - rank[v]) for v in U)
        rank = new
        if err < n * tol:
            break
    return rank


@dataclass(frozen=True)
class Ranked:
    """An entity with a score, for top-N lists."""

    iri: str
    label: str
    cls: str
    score: float


@dataclass
class GraphStats:
    """What `policykg stats` prints: sizes, counts, centralities, components and communities."""

    nodes: int = 0
    edges: int = 0
    documents: int = 0
    mentions: int = 0
    triples: int = 0
    density: float = 0.0
    classes: dict[str, int] = field(default_factory=dict)
    subclasses: dict[str, int] = field(default_factory=dict)
    predicates: dict[str, int] = field(default_factory=dict)
    degree: list[Ranked] = field(default_factory=list)
    betweenness: list[Ranked] = field(default_factory=list)
    pagerank: list[Ranked] = field(default_factory=list)
    components: list[list[str]] = field(default_factory=list)
    isolated: int = 0
    communities: list[list[str]] = field(default_factory=list)
    modularity: float = 0.0
    graph: nx.MultiDiGraph | None = field(default=None, repr=False, compare=False)

    def label(self, iri: str) -> str:
        return self.graph.nodes[iri].get("label", iri) if self.graph is not None and iri in self.graph else iri


def _top(G: nx.MultiDiGraph, scores: dict[str, float], n: int) -> list[Ranked]:
    """The n highest scores, ties broken by label so the order is stable."""
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], G.nodes[kv[0]].get("label", kv[0]), kv[0]))
    return [Ranked(v, G.nodes[v].get("label", v), G.nodes[v].get("class", ""), float(s)) for v, s in ranked[:n]
            if s > 0]


def _by_degree(G: nx.MultiDiGraph, nodes) -> list[str]:
    """Nodes sorted by degree (highest first), then label."""
    return sorted(nodes, key=lambda v: (-G.degree(v), G.nodes[v].get("label", v), v))


def graph_stats(data: Dataset | Graph, *, top: int = 10, include_related: bool = True) -> GraphStats:
    """Counts per class and predicate, top entities by degree/betweenness/PageRank, components, communities."""
    g = union_graph(data) if isinstance(data, Dataset) else data
    G = entity_graph(g, include_related=include_related)
    U = undirected(G)
    st = GraphStats(nodes=G.number_of_nodes(), edges=G.number_of_edges(), triples=len(g),
                    documents=len(set(g.subjects(RDF.type, PK.Document))),
                    mentions=len(set(g.subjects(RDF.type, PK.Mention))),
                    density=nx.density(U) if U.number_of_nodes() > 1 else 0.0, graph=G)
    types = Counter(d.get("type", "Thing") for _, d in G.nodes(data=True))
    st.classes = {c: types[c] for c in (*TOP_CLASSES, *sorted(set(types) - set(TOP_CLASSES))) if types.get(c)}
    st.subclasses = dict(sorted(Counter(d.get("class", "Thing") for _, d in G.nodes(data=True)).items(),
                                key=lambda kv: (-kv[1], kv[0])))
    st.predicates = dict(sorted(Counter(k for *_, k in G.edges(keys=True)).items(), key=lambda kv: (-kv[1], kv[0])))
    if st.nodes == 0:
        return st
    st.degree = _top(G, dict(G.degree()), top)
    k = None if U.number_of_nodes() <= EXACT_BETWEENNESS_LIMIT else BETWEENNESS_SAMPLE
    st.betweenness = _top(G, nx.betweenness_centrality(U, k=k, seed=0), top)
    st.pagerank = _top(G, pagerank(U), top)
    comps = sorted((_by_degree(G, c) for c in nx.connected_components(U)), key=lambda c: (-len(c), c[0]))
    st.components = [c for c in comps if len(c) > 1]
    st.isolated = sum(1 for c in comps if len(c) == 1)
    if U.number_of_edges():
        communities = nx.community.louvain_communities(U, weight="weight", seed=0)
        st.modularity = nx.community.modularity(U, communities, weight="weight")
        st.communities = sorted((_by_degree(G, c) for c in communities if len(c) > 1),
                                key=lambda c: (-len(c), c[0]))
    return st


def _members(st: GraphStats, nodes: list[str], n: int = 5) -> str:
    """The best-connected few members of a group, by label."""
    more = f" …(+{len(nodes) - n})" if len(nodes) > n else ""
    return "、".join(st.label(v) for v in nodes[:n]) + more


def stats_rows(st: GraphStats, *, top: int = 10) -> list[list]:
    """GraphStats as (section, item, value, detail) rows for the shared table/CSV/JSON printers."""
    rows: list[list] = [["graph", "documents", st.documents, ""], ["graph", "mentions", st.mentions, ""],
                        ["graph", "triples", st.triples, ""], ["graph", "entities", st.nodes, ""],
                        ["graph", "relations", st.edges, ""], ["graph", "density", round(st.density, 4), ""],
                        ["graph", "components", len(st.components) + st.isolated,
                         f"{len(st.components)} with 2+ entities, {st.isolated} isolated"],
                        ["graph", "communities", len(st.communities), f"modularity {st.modularity:.3f} (Louvain)"]]
    rows += [["class", c, n, ""] for c, n in st.classes.items()]
    rows += [["subclass", c, n, ""] for c, n in st.subclasses.items()]
    rows += [["predicate", p, n, ""] for p, n in st.predicates.items()]
    for section, ranked, digits in (("degree", st.degree, 0), ("betweenness", st.betweenness, 4),
                                    ("pagerank", st.pagerank, 4)):
        rows += [[section, r.label, int(r.score) if digits == 0 else round(r.score, digits), r.cls] for r in ranked]
    for section, groups in (("component", st.components), ("community", st.communities)):
        rows += [[section, f"#{i}", len(c), _members(st, c)]
                 for i, c in enumerate(groups[:top], 1)]
    return rows


# ---------------------------------------------------------------- finding entities by name

def find_entity(G: nx.MultiDiGraph, name: str) -> str:
    """The node an IRI, id:CURIE, label, alias or pinyin names (else the one label containing it).

    Unknown or ambiguous names raise EntityNotFound listing close matches or the candidates.
    """
    from graph.views.selection import find_nodes

    if name in G:
        return name
    if name.startswith("id:") and "https://w3id.org/policykg/id/" + name[3:] in G:
        return "https://w3id.org/policykg/id/" + name[3:]
    hits = find_nodes(G, name)
    exact_label = [v for v in hits if G.nodes[v].get("label") == name]
    if len(hits) == 1 or len(exact_label) == 1:
        return hits[0] if len(hits) == 1 else exact_label[0]
    if hits:
        listed = "; ".join(f"{G.nodes[v].get('label')} ({G.nodes[v].get('class')}) {v}" for v in hits[:10])
        raise EntityNotFound(f"{name!r} matches {len(hits)} entities: {listed}; give a full label or an IRI")
    labels = sorted({d.get("label", "") for _, d in G.nodes(data=True)})
    close = difflib.get_close_matches(name, labels, 5, 0.4)
    hint = f"; did you mean: {', '.join(close)}" if close else ""
    raise EntityNotFound(f"no entity labelled {name!r} in the graph{hint}")


# ---------------------------------------------------------------- paths and neighbourhoods

@dataclass(frozen=True)
class Step:
    """One hop of a path: which relation joins two entities, in which direction, and the sentence saying so."""

    source: str
    target: str
    predicate: str
    forward: bool
    evidence: str
    status: str = ""
    year: str = ""

    def relation(self) -> str:
        """The predicate with an arrow pointing from subject to object, as read along the path."""
        return f"—{self.predicate}→" if self.forward else f"←{self.predicate}—"


def _best_edge(G: nx.MultiDiGraph, a: str, b: str) -> Step:
    """The relation to show between neighbours: typed before co-occurrence, then best supported."""
    options = [(k, d, True) for k, d in (G.get_edge_data(a, b) or {}).items()]
    options += [(k, d, False) for k, d in (G.get_edge_data(b, a) or {}).items()]
    k, d, forward = min(options, key=lambda o: (o[0] == "relatedTo", -int(o[1].get("count", 1) or 1), o[0],
                                                not o[2]))
    evidence = d.get("evidence") or []
    return Step(a, b, k, forward, evidence[0] if isinstance(evidence, list) and evidence else str(evidence or ""),
                d.get("status", "") or "", d.get("year", "") or "")


def shortest_paths(G: nx.MultiDiGraph, a: str, b: str, *, limit: int = 5) -> list[list[Step]]:
    """Up to `limit` shortest paths between two entities, ignoring edge direction, each as its steps."""
    src, dst = find_entity(G, a), find_entity(G, b)
    if src == dst:
        raise ValueError(f"{a!r} and {b!r} are the same entity")
    U = undirected(G)
    try:
        paths = list(islice(nx.all_shortest_paths(U, src, dst), max(limit, 1) * 20))
    except nx.NetworkXNoPath:
        raise NoPath(f"no path between {G.nodes[src].get('label')} and {G.nodes[dst].get('label')} "
                     "(they are in different components)") from None
    paths.sort(key=lambda p: [G.nodes[v].get("label", v) for v in p])
    return [[_best_edge(G, x, y) for x, y in zip(p, p[1:])] for p in paths[:limit]]


def path_rows(G: nx.MultiDiGraph, paths: list[list[Step]]) -> list[list]:
    """Paths as rows: path number, step, from, relation, to, evidence."""
    label = lambda v: G.nodes[v].get("label", v)  # noqa: E731
    return [[i, j, label(s.source), s.relation(), label(s.target), s.evidence]
            for i, p in enumerate(paths, 1) for j, s in enumerate(p, 1)]


@dataclass(frozen=True)
class Neighbour:
    """An entity within N hops, how far it is, and the relation that reached it."""

    node: str
    hops: int
    via: str
    step: Step


def neighbours(G: nx.MultiDiGraph, name: str, *, hops: int = 1) -> list[Neighbour]:
    """Entities within `hops` relations of one entity (either direction), nearest first."""
    if hops < 1:
        raise ValueError("--hops must be 1 or more")
    start = find_entity(G, name)
    U = undirected(G)
    seen = {start: 0}
    found: list[Neighbour] = []
    queue = deque([start])
    while queue:
        v = queue.popleft()
        if seen[v] >= hops:
            continue
        for w in sorted(U[v], key=lambda x: (G.nodes[x].get("label", x), x)):
            if w not in seen:
                seen[w] = seen[v] + 1
                found.append(Neighbour(w, seen[w], v, _best_edge(G, v, w)))
                queue.append(w)
    return sorted(found, key=lambda n: (n.hops, G.nodes[n.node].get("label", n.node), n.node))


def neighbour_rows(G: nx.MultiDiGraph, found: list[Neighbour]) -> list[list]:
    """Neighbours as rows: hops, label, class, via (the entity it was reached from), relation, evidence."""
    return [[n.hops, G.nodes[n.node].get("label", n.node), G.nodes[n.node].get("class", ""),
             G.nodes[n.via].get("label", n.via), n.step.relation(), n.step.evidence] for n in found]


__all__ = ["entity_graph", "undirected", "pagerank", "graph_stats", "stats_rows", "find_entity", "shortest_paths",
           "path_rows", "neighbours", "neighbour_rows", "GraphStats", "Ranked", "Step", "Neighbour",
           "EntityNotFound", "NoPath", "STATS_COLUMNS", "PATH_COLUMNS", "NEIGHBOUR_COLUMNS"]
