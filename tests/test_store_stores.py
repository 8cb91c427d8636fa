"""Stores: the --store values, an Oxigraph store built once and reopened, and the same answers in every store."""
from __future__ import annotations

import json
import os

import pytest

from graph.rdf.files import GraphLoadError, load_dataset
from graph.store.errors import StoreError
from graph.store.sparql import collect, list_examples
from graph.store.stores import OXIGRAPH_MARKER, StoreSpec, open_store, parse_store, store_dataset


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
    from graph.rdf.dataset import to_dataset

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

    from graph.rdf.dataset import to_dataset

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


# ---------------------------------------------------------------- build --store and export --store


@pytest.fixture(scope="module")
def built_into_oxigraph(tmp_path_factory):
    """`policykg build SEED --out OUT --store oxigraph:P`: the graph files and a store on disk, in one run."""
    from conftest import SEED, run_policykg

    tmp = tmp_path_factory.mktemp("buildstore")
    out, path = tmp / "kg", tmp / "kg.oxigraph"
    r = run_policykg("build", str(SEED), "--out", str(out), "--store", f"oxigraph:{path}")
    assert r.returncode == 0, r.stderr
    assert f"store: oxigraph:{path}: loaded" in r.stdout
    return out, path


def test_build_store_answers_every_example_like_the_built_files(built_into_oxigraph, memory_store):
    from conftest import run_policykg

    out, path = built_into_oxigraph
    marker = json.loads((path / OXIGRAPH_MARKER).read_text(encoding="utf-8"))
    assert marker["source"] == str((out / "graph.trig").resolve())
    store = open_store(None, f"oxigraph:{path}")  # no GRAPH: the build filled the store
    for example in list_examples():
        assert collect(store, example.sparql).canonical() == collect(memory_store, example.sparql).canonical(), \
            example.name
    r = run_policykg("query", "--store", f"oxigraph:{path}", "--example", "recognitions", "--format", "csv")
    assert r.returncode == 0 and "千强镇" in r.stdout, r.stderr


def test_build_store_is_refreshed_only_when_the_graph_changed(built_into_oxigraph, tmp_path):
    from conftest import SEED, run_policykg

    out, path = built_into_oxigraph
    stamp = os.stat(path / OXIGRAPH_MARKER).st_mtime_ns
    r = run_policykg("build", str(SEED), "--out", str(out), "--store", f"oxigraph:{path}")
    assert r.returncode == 0 and "up to date" in r.stdout, r.stderr
    assert os.stat(path / OXIGRAPH_MARKER).st_mtime_ns == stamp
    # a build of other documents replaces the store's content as a whole (in a copy: other tests read the store)
    import shutil

    copy = tmp_path / "copy.oxigraph"
    shutil.copytree(path, copy)
    other = tmp_path / "other.txt"
    other.write_text("示例县2024年工作报告\n2024年,青石镇建成滨河大道。\n", encoding="utf-8")
    r = run_policykg("build", str(other), "--out", str(tmp_path / "kg2"), "--store", f"oxigraph:{copy}", "-q")
    assert r.returncode == 0, r.stderr
    store = open_store(None, f"oxigraph:{copy}")
    docs = collect(store, "SELECT ?d WHERE { ?d a pk:Document }").records()
    assert len(docs) == 1 and docs[0]["d"].startswith("https://w3id.org/policykg/doc/other"), docs


def test_a_failed_store_load_leaves_the_previous_store(built_into_oxigraph, tmp_path):
    from graph.store.load import load_build

    out, path = built_into_oxigraph
    before = len(open_store(None, f"oxigraph:{path}"))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "graph.trig").write_text("<https://w3id.org/policykg/id/x> <broken", encoding="utf-8")
    with pytest.raises(StoreError, match="not loaded into oxigraph:.*malformed"):
        load_build(bad, f"oxigraph:{path}")
    assert len(open_store(None, f"oxigraph:{path}")) == before
    assert not [p for p in path.parent.iterdir() if p.name.startswith(f".{path.name}.")], "no temporary left"


@pytest.mark.parametrize("store, message", [
    ("oxigraph", "oxigraph:PATH"),
    ("mongo:x", "unknown --store"),
    ("sparql:ftp://x/y", "http:// or https://"),
])
def test_build_with_a_bad_store_fails_before_building(tmp_path, store, message):
    from conftest import SEED, run_policykg

    r = run_policykg("build", str(SEED), "--out", str(tmp_path / "kg"), "--store", store, "-q")
    assert r.returncode == 1 and message in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "kg").exists(), "the build did not run"


def test_build_never_loads_into_a_foreign_directory(tmp_path):
    from conftest import SEED, run_policykg

    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    r = run_policykg("build", str(SEED), "--out", str(tmp_path / "kg"), "--store", f"oxigraph:{foreign}", "-q")
    assert r.returncode == 1 and "not a policykg Oxigraph store" in r.stderr
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_build_into_an_unreachable_endpoint_says_the_graph_was_built(tmp_path):
    from conftest import SEED, run_policykg

    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    r = run_policykg("build", str(SEED), "--out", str(tmp_path / "kg"), "--store",
                     f"sparql:http://127.0.0.1:{port}/store", "-q")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "was built in" in r.stderr and "cannot reach" in r.stderr
    assert (tmp_path / "kg" / "graph.trig").is_file()


def _quads(nquads: str) -> set[tuple[str, ...]]:
    """N-Quads as comparable quads, numbers by value: Oxigraph keeps 0.300 as 0.3 (the same xsd:decimal)."""
    from decimal import Decimal

    from rdflib import Dataset, Literal

    def canon(t) -> str:
        if isinstance(t, Literal) and t.datatype is not None and str(t.datatype).endswith(("#decimal", "#integer")):
            return f"{Decimal(str(t)).normalize()}^^{t.datatype}"
        return t.n3()

    ds = Dataset()
    ds.parse(data=nquads, format="nquads")
    return {tuple(canon(getattr(x, "identifier", x)) for x in q) for q in ds.quads((None, None, None, None))}


def test_export_from_a_store_gives_the_same_triples(built_into_oxigraph, seed_build, tmp_path):
    from conftest import run_policykg

    out, path = built_into_oxigraph
    files = run_policykg("export", str(seed_build), "--format", "nq")
    stored = run_policykg("export", "--store", f"oxigraph:{path}", "--format", "nq")
    assert files.returncode == stored.returncode == 0, files.stderr + stored.stderr
    doc = "<https://w3id.org/policykg/doc/"
    assert stored.stdout.count(doc) > 1000 and "subClassOf" not in stored.stdout, "no ontology in the export"
    assert len(stored.stdout.splitlines()) == len(files.stdout.splitlines())
    assert _quads(stored.stdout) == _quads(files.stdout)
    r = run_policykg("export", "--store", f"oxigraph:{path}", "--out", str(tmp_path / "kg.graphml"))
    assert r.returncode == 0 and (tmp_path / "kg.graphml").stat().st_size > 1000, r.stderr


@pytest.mark.parametrize("args, message", [
    (["--store", "mongo:x", "--format", "nt"], "unknown --store"),
    (["--store", "oxigraph:NOWHERE", "--format", "nt"], "does not hold a graph yet"),
    (["--store", "memory", "--format", "nt"], "give the GRAPH"),
])
def test_export_store_errors_are_one_line(tmp_path, args, message):
    from conftest import run_policykg

    args = [a.replace("NOWHERE", str(tmp_path / "none")) for a in args]
    r = run_policykg("export", *args)
    assert r.returncode != 0 and message in r.stderr and "Traceback" not in r.stderr


def test_build_pushes_to_a_graph_store_endpoint(tmp_path, memory_store, oxigraph_server):
    """build --store sparql:URL loads the build into a real `oxigraph serve`, which then answers like the files."""
    from conftest import SEED, run_policykg

    r = run_policykg("build", str(SEED), "--out", str(tmp_path / "kg"), "--store", f"sparql:{oxigraph_server}/store")
    assert r.returncode == 0 and "store: pushed 3 graphs" in r.stdout, r.stderr
    remote = open_store(None, f"sparql:{oxigraph_server}/query")
    for name in ("entities-by-class", "recognitions", "places"):
        sparql = next(e.sparql for e in list_examples() if e.name == name)
        assert collect(remote, sparql).canonical() == collect(memory_store, sparql).canonical(), name
