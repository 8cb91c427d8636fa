"""Stores: the --store values, an Oxigraph store built once and reopened, and the same answers in every store."""
from __future__ import annotations

import json
import os

import pytest

from graph.query import collect, list_examples
from graph.store import (OXIGRAPH_MARKER, GraphLoadError, StoreError, StoreSpec, load_dataset, open_store,
                         parse_store, store_dataset)


@pytest.mark.parametrize("text, spec", [
    (None, StoreSpec("memory", "")),
    ("memory", StoreSpec("memory", "")),
    ("oxigraph", StoreSpec("oxigraph", "")),
    ("oxigraph:kg.db", StoreSpec("oxigraph", "kg.db")),
    ("sparql:http://127.0.0.1:7878/query", StoreSpec("sparql", "http://127.0.0.1:7878/query")),
])
def test_parse_store(text, spec):
    assert parse_store(text) == spec


@pytest.mark.parametrize("text", ["mongo:x", "oxigraph:", "sparql:ftp://x/y", "sparql:kg"])
def test_bad_store_values_are_user_errors(text):
    with pytest.raises(StoreError):
        parse_store(text)


def test_load_dataset_still_reports_missing_graphs(tmp_path):
    with pytest.raises(GraphLoadError, match="no graph"):
        load_dataset(tmp_path)


@pytest.fixture(scope="module")
def oxigraph_store(seed_build, tmp_path_factory):
    path = tmp_path_factory.mktemp("ox") / "kg.oxigraph"
    return open_store(seed_build, f"oxigraph:{path}"), path


def test_oxigraph_store_is_built_once_then_reopened(seed_build, oxigraph_store):
    store, path = oxigraph_store
    marker = json.loads((path / OXIGRAPH_MARKER).read_text(encoding="utf-8"))
    assert marker["triples"] == len(store) > 1000
    stamp = os.stat(path / OXIGRAPH_MARKER).st_mtime_ns
    again = open_store(seed_build, f"oxigraph:{path}")           # same source: reopened, not rebuilt
    alone = open_store(None, f"oxigraph:{path}")                 # no GRAPH: the store is enough
    assert os.stat(path / OXIGRAPH_MARKER).st_mtime_ns == stamp
    assert len(again) == len(alone) == len(store)


def test_oxigraph_store_is_rebuilt_when_the_graph_changes(tmp_path, small_doc_graph):
    from graph.rdf import to_dataset

    src = tmp_path / "g.trig"
    src.write_bytes(to_dataset([small_doc_graph]).serialize(format="trig", encoding="utf-8"))
    path = tmp_path / "ox"
    first = len(open_store(src, f"oxigraph:{path}"))
    with open(src, "ab") as fh:
        fh.write(b"\n<https://w3id.org/policykg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .\n")
    assert len(open_store(src, f"oxigraph:{path}")) == first + 1


def test_oxigraph_store_never_overwrites_a_foreign_directory(tmp_path, seed_build):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(StoreError, match="not a policykg Oxigraph store"):
        open_store(seed_build, f"oxigraph:{foreign}")
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"
    with pytest.raises(StoreError, match="give GRAPH"):
        open_store(None, f"oxigraph:{tmp_path / 'empty'}")


def test_memory_needs_a_graph():
    with pytest.raises(StoreError, match="give GRAPH"):
        open_store(None, "memory")


@pytest.fixture(scope="module")
def memory_store(seed_build):
    return open_store(seed_build)


@pytest.fixture(scope="module")
def oxigraph_in_memory(seed_build):
    return open_store(seed_build, "oxigraph")


@pytest.mark.parametrize("example", list_examples(), ids=lambda e: e.name)
def test_oxigraph_gives_the_memory_answers(memory_store, oxigraph_store, oxigraph_in_memory, example):
    expected = collect(memory_store, example.sparql).canonical()
    store, _ = oxigraph_store
    assert collect(store, example.sparql).canonical() == expected
    assert collect(oxigraph_in_memory, example.sparql).canonical() == expected


def test_oxigraph_in_memory_counts_each_triple_once(tmp_path, small_doc_graph):
    """The same entity in two documents' graphs is one entity in the default graph, as in rdflib."""
    from dataclasses import replace

    from graph.rdf import to_dataset

    other = replace(small_doc_graph, document=replace(small_doc_graph.document, name="other-2024.txt"))
    src = tmp_path / "two.trig"
    src.write_bytes(to_dataset([small_doc_graph, other]).serialize(format="trig", encoding="utf-8"))
    q = "SELECT ?l WHERE { ?town a pk:Town ; rdfs:label ?l FILTER(lang(?l) = 'zh') }"
    assert [r["l"] for r in collect(open_store(src, "oxigraph"), q).records()] == ["青石镇"]
    assert collect(open_store(src, "oxigraph"), q).canonical() == collect(open_store(src), q).canonical()


def test_store_dataset_round_trips_the_build(seed_dataset, oxigraph_store):
    store, _ = oxigraph_store
    ds = store_dataset(store)
    assert len(ds) == len(seed_dataset)
    assert {str(g.identifier) for g in ds.graphs() if len(g)} == {str(g.identifier) for g in seed_dataset.graphs() if len(g)}
