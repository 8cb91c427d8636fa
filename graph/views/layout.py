"""Positions computed in Python, so a big page needs no physics at load: each report's place anchors a cluster of
its entities (a radial tree of typed relations, loose entities on the rim), clusters packed side by side."""
from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field

import networkx as nx

from graph.views.selection import RELATED, Anchors, typed_neighbours

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


