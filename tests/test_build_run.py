"""End to end: `policykg build` on the seed writes every output, with concrete facts in the RDF."""
from __future__ import annotations

import json
import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from graph.rdf.dataset import entity_nodes, union_graph
from graph.views.network import to_networkx
from ontology import PK

from conftest import SEED, run_policykg


def _typed(g, label: str, top: str) -> bool:
    """Is there an entity labelled `label` whose class is `top` or one of its subclasses?"""
    from ontology import top_class

    for s in g.subjects(RDFS.label, Literal(label, lang="zh")):
        for o in g.objects(s, RDF.type):
            if str(o).startswith(str(PK)) and top_class(str(o)[len(PK):]) == top:
                return True
    return False


def test_build_writes_every_output(seed_build):
    for name in ("graph.ttl", "graph.trig", "graph.graphml", "graph.html", "summary.json", "extract.json"):
        assert (seed_build / name).stat().st_size > 0, name
    summary = json.loads((seed_build / "summary.json").read_text(encoding="utf-8"))
    assert summary["documents"] == 1
    assert summary["entities_per_class"]["Place"] >= 10
    assert summary["relations"] > 0


def test_seed_facts_in_rdf(seed_dataset):
    g = union_graph(seed_dataset)
    assert _typed(g, "华容区", "Place")
    assert _typed(g, "高新七路", "Project")
    docs = list(g.subjects(RDF.type, PK.Document))
    assert len(docs) == 1
    assert g.value(docs[0], DCTERMS.date) == Literal("2023-12-26", datatype=XSD.date)


def test_seed_named_graph_per_document(seed_dataset):
    graphs = [c for c in seed_dataset.graphs() if len(c) and isinstance(c.identifier, URIRef)
              and "/doc/" in str(c.identifier)]
    assert len(graphs) == 1


def test_networkx_matches_rdf_entities(seed_dataset):
    g = union_graph(seed_dataset)
    G = to_networkx(g)
    assert G.number_of_nodes() == len(entity_nodes(g))
    some = next(iter(G.nodes(data=True)))[1]
    assert {"label", "class", "type"} <= set(some)
    assert all("predicate" in d for *_, d in G.edges(keys=True, data=True))


def test_html_references_no_remote_resource(seed_build):
    html = (seed_build / "graph.html").read_text(encoding="utf-8")
    assert not re.search(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.I)
    assert "华容区" in html  # written as UTF-8, not as \u escapes


def test_rebuild_replaces_output_and_bad_build_keeps_it(seed_build, tmp_path):
    before = (seed_build / "graph.ttl").read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run_policykg("build", str(empty), "--out", str(seed_build))
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "no readable documents" in r.stderr
    assert (seed_build / "graph.ttl").read_bytes() == before


def test_same_file_name_in_two_folders_is_two_documents(tmp_path):
    from graph.build.run import build, document_names
    from graph.rdf.files import load_dataset

    from test_extract_pipeline import HUARONG, LIANGZIHU

    corpus = tmp_path / "corpus"
    for folder, text in (("2023", HUARONG), ("2024", LIANGZIHU)):
        (corpus / folder).mkdir(parents=True)
        (corpus / folder / "report.txt").write_text(text, encoding="utf-8")
    (corpus / "top.txt").write_text(HUARONG, encoding="utf-8")
    names = {p.name if p.parent == corpus else f"{p.parent.name}/{p.name}": n
             for p, n in document_names([corpus])}
    assert names == {"2023/report.txt": "2023/report.txt", "2024/report.txt": "2024/report.txt",
                     "top.txt": "top.txt"}  # a file at the top keeps its bare name (and its IRI)
    summary = build([corpus], tmp_path / "kg", jobs=1, use_cache=False)
    assert summary["documents"] == 3 and not summary["warnings"]
    ds = load_dataset(tmp_path / "kg" / "graph.trig")
    files = sorted(str(f) for f in ds.objects(None, PK.sourceFile))
    assert files == ["2023/report.txt", "2024/report.txt", "top.txt"]
    assert len(set(ds.subjects(RDF.type, PK.Document))) == 3


def test_clashing_names_across_inputs_use_the_common_folder(tmp_path):
    from graph.build.run import document_names

    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text("报告", encoding="utf-8")
    single = document_names([tmp_path / "a" / "report.txt"])
    assert [n for _, n in single] == ["report.txt"]
    both = document_names([tmp_path / "a" / "report.txt", tmp_path / "b"])
    assert [n for _, n in both] == ["a/report.txt", "b/report.txt"]


def test_build_names_facts_and_relations_apart_from_each_other(tmp_path):
    """`build` said "relations 202" where `stats` said 201 for the same graph: the 202 are facts (a relation once
    per sentence it was read from), the 201 distinct links; each number now has its own name."""
    r = run_policykg("build", str(SEED), "--out", str(tmp_path / "kg"), "--no-cache")
    assert r.returncode == 0, r.stderr
    summary = json.loads((tmp_path / "kg" / "summary.json").read_text(encoding="utf-8"))
    facts = next(ln for ln in r.stdout.splitlines() if ln.startswith("total") and "facts" in ln)
    links = next(ln for ln in r.stdout.splitlines() if ln.startswith("total") and "relations" in ln)
    assert facts.split()[-1] == str(summary["relations"]) and "per sentence" in facts
    assert links.split()[-1] == str(summary["edges"]) and "distinct links" in links
    assert summary["relations"] != summary["edges"]  # the seed reads one link in two sentences
    assert not [ln for ln in r.stdout.splitlines() if ln.startswith("relations ")]  # per-predicate rows: facts
    stats = run_policykg("stats", str(tmp_path / "kg"), "--format", "json")
    [stated] = [row for row in json.loads(stats.stdout) if row["section"] == "graph" and row["item"] == "relations"]
    assert stated["value"] == summary["edges"]
