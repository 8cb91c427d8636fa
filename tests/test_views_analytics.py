"""Network analytics: counts, centralities, components and communities, finding entities by name, shortest
paths with their evidence, neighbourhoods, and the stats/path/neighbors commands."""
from __future__ import annotations

import json

import networkx as nx
import pytest
from rdflib import Graph

from graph.rdf.dataset import to_dataset, union_graph
from graph.views.analytics import (
    EntityNotFound,
    NoPath,
    entity_graph,
    find_entity,
    graph_stats,
    neighbour_rows,
    neighbours,
    pagerank,
    path_rows,
    shortest_paths,
    stats_rows,
    undirected,
)

from conftest import run_policykg


def sample_graph(entities: dict[str, tuple[str, str]], relations=(), *, name: str = "sample.txt",
                 date: str = "2024-01-05", aliases: dict[str, list[str]] | None = None) -> Graph:
    """A small hand-made report: entities key -> (label, class), relations (subject, predicate, object, sentence);
    each entity gets a mention in a sentence of its own, each relation its evidence sentence."""
    from graph.extract.model import DocumentGraph, Entity, Mention, Relation
    from graph.text.segment import document_from_text

    lines = [ev for *_, ev in relations] + [f"{label}。" for label, _ in entities.values()]
    text = f"示例报告\n日期:{date}\n" + "\n".join(lines) + "\n"
    doc = document_from_text(text, name)
    ents = []
    for key, (label, cls) in entities.items():
        i = text.index(f"\n{label}。") + 1
        s = doc.sentence_at(i)
        ents.append(Entity(key=key, label=label, cls=cls, confidence=0.9, aliases=(aliases or {}).get(key, []),
                           mentions=[Mention(label, i, i + len(label), cls, "test:own", 0.9,
                                             sentence=s.index if s else -1)]))
    rels = []
    for s_key, pred, o_key, ev in relations:
        j = text.index(ev)
        rels.append(Relation(s_key, pred, o_key, name, -1, ev, j, j + len(ev), "test:rel", 0.8))
    return union_graph(to_dataset([DocumentGraph(doc, ents, rels)]))


ENTITIES = {"place/a": ("甲镇", "Town"), "project/b": ("乙路", "InfrastructureProject"),
            "place/c": ("丙村", "Village"), "org/d": ("丁公司", "Company"), "org/e": ("戊公司", "Company"),
            "initiative/f": ("己行动", "Campaign")}
RELATIONS = [("project/b", "locatedIn", "place/a", "乙路位于甲镇。"),
             ("project/b", "connects", "place/c", "乙路连通丙村。"),
             ("place/c", "relatedTo", "project/b", "丙村和乙路同句出现。"),
             ("org/d", "cooperatesWith", "org/e", "丁公司与戊公司签约合作。")]
IRI = {k: f"https://w3id.org/policykg/id/{k}" for k in ENTITIES}


@pytest.fixture(scope="module")
def sample():
    return sample_graph(ENTITIES, RELATIONS, aliases={"project/b": ["乙大道"]})


def test_pagerank_matches_the_reference_power_iteration():
    from networkx.algorithms.link_analysis import pagerank_alg

    reference = getattr(pagerank_alg, "_pagerank_python", None)
    if reference is None:
        pytest.skip("this networkx has no pure-Python reference PageRank")
    G = nx.karate_club_graph()
    ours, theirs = pagerank(G), reference(G, weight="weight", tol=1e-12)
    assert max(abs(ours[v] - theirs[v]) for v in G) < 1e-6
    assert abs(sum(ours.values()) - 1) < 1e-9


def test_pagerank_on_simple_shapes():
    cycle = pagerank(nx.cycle_graph(5))
    assert all(abs(r - 0.2) < 1e-9 for r in cycle.values())
    star = pagerank(nx.star_graph(4))
    assert max(star, key=star.get) == 0
    lonely = pagerank(nx.empty_graph(3))  # dangling nodes share their rank
    assert all(abs(r - 1 / 3) < 1e-9 for r in lonely.values())
    assert pagerank(nx.Graph()) == {}


def test_undirected_sums_support_and_drops_loops():
    G = nx.MultiDiGraph()
    G.add_edge("a", "b", key="locatedIn", count=2)
    G.add_edge("b", "a", key="relatedTo", count=3)
    G.add_edge("a", "a", key="partOf", count=1)
    U = undirected(G)
    assert U["a"]["b"]["weight"] == 5 and not U.has_edge("a", "a")


def test_stats_counts_centralities_components(sample):
    st = graph_stats(sample, top=3)
    assert (st.nodes, st.edges, st.documents, st.mentions) == (6, 4, 1, 6)
    assert st.classes == {"Place": 2, "Organization": 2, "Project": 1, "Initiative": 1}
    assert st.subclasses["Company"] == 2
    assert st.predicates == {"connects": 1, "cooperatesWith": 1, "locatedIn": 1, "relatedTo": 1}
    assert st.degree[0].label == "乙路" and st.degree[0].score == 3  # three relations, to two neighbours
    assert st.betweenness[0].label == "乙路" and abs(st.betweenness[0].score - 0.1) < 1e-9  # 1 of 10 pairs
    assert st.pagerank[0].label == "乙路"
    assert [len(c) for c in st.components] == [3, 2] and st.isolated == 1
    assert st.components[0][0] == IRI["project/b"]  # best connected first
    assert sorted(v for c in st.communities for v in c) == sorted(v for c in st.components for v in c)


def test_stats_without_cooccurrence(sample):
    st = graph_stats(sample, include_related=False)
    assert "relatedTo" not in st.predicates and st.edges == 3


def test_stats_rows_are_stable_and_labelled(sample):
    rows = stats_rows(graph_stats(sample, top=3), top=3)
    assert rows == stats_rows(graph_stats(sample, top=3), top=3)
    sections = [r[0] for r in rows]
    for s in ("graph", "class", "subclass", "predicate", "degree", "betweenness", "pagerank", "component",
              "community"):
        assert s in sections
    comp = next(r for r in rows if r[0] == "component")
    assert comp[1:3] == ["#1", 3] and comp[3].startswith("乙路")


def test_find_entity_by_label_alias_pinyin_and_iri(sample):
    G = entity_graph(sample)
    assert find_entity(G, "乙路") == IRI["project/b"]
    assert find_entity(G, "乙大道") == IRI["project/b"]
    assert find_entity(G, "yi lu") == IRI["project/b"]
    assert find_entity(G, "YiLu") == IRI["project/b"]  # case and spaces ignored
    assert find_entity(G, IRI["place/a"]) == IRI["place/a"]
    assert find_entity(G, "id:place/a") == IRI["place/a"]
    assert find_entity(G, "己行") == IRI["initiative/f"]  # the only label containing it
    with pytest.raises(EntityNotFound, match="丁公司.*戊公司"):
        find_entity(G, "公司")
    with pytest.raises(EntityNotFound, match="did you mean: 甲镇"):
        find_entity(G, "甲镇镇")


def test_same_label_in_two_classes_is_ambiguous():
    g = sample_graph({"place/x": ("青山", "Mountain"), "org/x": ("青山", "Company")})
    with pytest.raises(EntityNotFound, match="Mountain.*Company|Company.*Mountain"):
        find_entity(entity_graph(g), "青山")


def test_shortest_path_reads_each_relation_the_right_way(sample):
    G = entity_graph(sample)
    paths = shortest_paths(G, "甲镇", "丙村")
    assert len(paths) == 1
    (first, second) = paths[0]
    assert (first.predicate, first.forward, first.evidence) == ("locatedIn", False, "乙路位于甲镇。")
    assert (second.predicate, second.forward) == ("connects", True)  # typed beats the co-occurrence
    assert path_rows(G, paths) == [[1, 1, "甲镇", "←locatedIn—", "乙路", "乙路位于甲镇。"],
                                   [1, 2, "乙路", "—connects→", "丙村", "乙路连通丙村。"]]


def test_no_path_and_same_entity(sample):
    G = entity_graph(sample)
    with pytest.raises(NoPath, match="different components"):
        shortest_paths(G, "甲镇", "丁公司")
    with pytest.raises(ValueError, match="same entity"):
        shortest_paths(G, "乙路", "乙大道")


def test_neighbours_by_hops(sample):
    G = entity_graph(sample)
    one = neighbours(G, "乙路", hops=1)
    assert [(G.nodes[n.node]["label"], n.hops) for n in one] == [("丙村", 1), ("甲镇", 1)]
    two = neighbours(G, "甲镇", hops=2)
    assert [(G.nodes[n.node]["label"], n.hops) for n in two] == [("乙路", 1), ("丙村", 2)]
    rows = neighbour_rows(G, two)
    assert rows[1] == [2, "丙村", "Village", "乙路", "—connects→", "乙路连通丙村。"]
    assert neighbours(G, "己行动", hops=3) == []
    with pytest.raises(ValueError, match="hops"):
        neighbours(G, "甲镇", hops=0)


def test_cli_path_neighbors_stats_on_a_file(sample, tmp_path):
    f = tmp_path / "kg.ttl"
    sample.serialize(f, format="turtle")
    r = run_policykg("path", str(f), "甲镇", "丙村", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert [row["relation"] for row in json.loads(r.stdout)] == ["←locatedIn—", "—connects→"]
    r = run_policykg("neighbors", str(f), "甲镇", "--hops", "2", "-f", "csv")
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "hops,label,class,via,relation,evidence"
    assert "丙村" in r.stdout
    r = run_policykg("path", str(f), "甲镇", "丁公司")
    assert r.returncode == 1 and "no path" in r.stderr and "Traceback" not in r.stderr
    r = run_policykg("neighbors", str(f), "不存在")
    assert r.returncode != 0 and "no entity" in r.stderr and "Traceback" not in r.stderr


def test_cli_stats_on_the_seed(seed_build):
    r = run_policykg("stats", str(seed_build), "--format", "json", "--top", "5")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    places = next(row for row in rows if row["section"] == "class" and row["item"] == "Place")
    assert places["value"] >= 10
    assert len([row for row in rows if row["section"] == "pagerank"]) == 5
    assert {"degree", "betweenness", "component", "community"} <= {row["section"] for row in rows}
