"""PolicyGraph: its SPARQL sees the ontology as `policykg query` does, and export/len never see it."""
from __future__ import annotations

from graph.kg import PolicyGraph
from graph.store.sparql import collect, get_example
from graph.store.stores import open_store
from ontology import top_class


def test_query_follows_subclass_paths_through_the_ontology(seed_dataset):
    kg = PolicyGraph(seed_dataset)
    rows = kg.query("SELECT DISTINCT ?type WHERE { ?type rdfs:subClassOf* pk:Place . ?x a ?type }")
    types = {r["type"].split(":", 1)[1] for r in rows}
    assert "Place" in types and len(types) > 3, "specific classes (District, Town …) come from the ontology"
    assert all(top_class(t) == "Place" for t in types)


def test_query_answers_like_the_command_line_store(seed_build, seed_dataset):
    kg = PolicyGraph(seed_dataset)
    sparql = get_example("entities-by-class").sparql
    expected = {r["class"]: r["entities"] for r in collect(open_store(seed_build), sparql).records()}
    got = {r["class"].replace("pk:", "https://w3id.org/policykg/ontology#"): r["entities"] for r in kg.query(sparql)}
    assert got == expected and len(got) >= 4


def test_the_ontology_stays_out_of_the_graph_itself(seed_dataset, tmp_path):
    kg = PolicyGraph(seed_dataset)
    before = len(kg)
    kg.query("ASK { pk:Town rdfs:subClassOf+ pk:Place }")
    assert kg.query("ASK { pk:Town rdfs:subClassOf+ pk:Place }") == [{"ask": "true"}]
    assert len(kg) == before
    out = kg.export(tmp_path / "kg.nt")
    assert "subClassOf" not in out.read_text(encoding="utf-8")


def test_query_sees_triples_added_after_the_first_query(seed_dataset):
    from rdflib import Dataset, Literal, URIRef
    from rdflib.namespace import RDF, RDFS

    from ontology import ID, PK

    ds = Dataset(default_union=True)
    for q in seed_dataset.quads((None, None, None, None)):
        ds.add(q)
    kg = PolicyGraph(ds)
    ask = "ASK { ?x a/rdfs:subClassOf* pk:Place ; rdfs:label '新添镇'@zh }"
    assert kg.query(ask) == [{"ask": "false"}]
    g = ds.graph(URIRef("https://w3id.org/policykg/doc/added"))
    g.add((ID["place/x"], RDF.type, PK.Town))
    g.add((ID["place/x"], RDFS.label, Literal("新添镇", lang="zh")))
    assert kg.query(ask) == [{"ask": "true"}]


def test_load_then_to_networkx_reads_the_file_with_pyoxigraph_and_equals_the_rdflib_projection(seed_build):
    """PolicyGraph.load() parses nothing until asked; to_networkx() then reads graph.ttl with pyoxigraph (no rdflib
    graph is made) and gives the same network, evidence and co-occurrence counts as the rdflib projection."""
    from graph.rdf.dataset import union_graph
    from graph.rdf.files import load_dataset
    from graph.views.network import to_networkx

    kg = PolicyGraph.load(seed_build)
    G = kg.to_networkx()
    assert kg._dataset is None, "no rdflib Dataset was parsed"
    H = to_networkx(union_graph(load_dataset(seed_build)))
    assert list(G.nodes(data=True)) == list(H.nodes(data=True)) and G.number_of_nodes() > 100
    assert sorted(G.edges(keys=True, data=True)) == sorted(H.edges(keys=True, data=True))
    related = [d for _, _, k, d in G.edges(keys=True, data=True) if k == "relatedTo"]
    assert related and all(d["count"] == len(d["evidence"]) >= 1 for d in related)
    assert any(d["count"] > 1 for d in related), "a pair named together in several sentences"
    assert len(kg) == len(load_dataset(seed_build)), "the Dataset is still there when asked for"


def test_load_of_a_missing_or_malformed_graph_fails_with_the_file_name(tmp_path):
    import pytest

    from graph.rdf.files import GraphLoadError

    with pytest.raises(GraphLoadError, match="no such file"):
        PolicyGraph.load(tmp_path / "missing.ttl")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(GraphLoadError, match="bad.ttl: malformed turtle"):
        PolicyGraph.load(bad).to_networkx()
