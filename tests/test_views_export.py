"""Export formats: every RDF format parses back isomorphic, graph formats read back with networkx, CSV counts
match, output is byte-identical across processes and builds, raw UTF-8, atomic, and the CLI guesses formats."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys

import networkx as nx
import pytest
from rdflib import Dataset
from rdflib.compare import isomorphic

from graph.rdf.dataset import to_dataset, union_graph
from graph.views.export import REGISTRY, ExportFormat, export, formats, get_format, guess_format
from graph.views.export.graphml import flat_graph

from conftest import ROOT, SEED, run_policykg

RDF_PARSERS = {"turtle": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld",
               "rdfxml": "xml"}
QUAD_FORMATS = {"nq", "trig"}
ESCAPED_CJK = re.compile(rb"\\u[0-9a-fA-F]{4}|&#\d+;|&#x[0-9a-fA-F]+;")


def _bytes(ds: Dataset, name: str) -> bytes:
    buf = io.BytesIO()
    get_format(name).write(ds, buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def small_dataset():
    """The hand-made two-entity document of conftest as a Dataset (independent of the extractor)."""
    from graph.extract.model import DocumentGraph, Entity, Mention, Relation
    from graph.text.segment import document_from_text

    text = "示例县政府工作报告\n日期:2024-01-05\n2023年,青石镇建成滨河大道。\n"
    doc = document_from_text(text, "sample-2024.txt")
    i, j = text.index("青石镇"), text.index("滨河大道")
    s = doc.sentence_at(i)
    town = Entity(key="place/000000001", label="青石镇", cls="Town", aliases=["青石"], confidence=0.9,
                  code="000000001", mentions=[Mention("青石镇", i, i + 3, "Town", "suffix:镇", 0.9, sentence=s.index)])
    road = Entity(key="project/binhedadao-abc123", label="滨河大道", cls="InfrastructureProject", confidence=0.8,
                  mentions=[Mention("滨河大道", j, j + 4, "InfrastructureProject", "suffix:大道", 0.8,
                                    sentence=s.index)])
    rel = Relation(road.key, "locatedIn", town.key, doc.name, s.index, s.text, s.start, s.end, "test", 0.7,
                   "completed", 2023)
    return to_dataset([DocumentGraph(doc, [town, road], [rel])])


def test_registry_has_every_format_the_tools_need():
    assert {"turtle", "nt", "nq", "trig", "jsonld", "rdfxml", "graphml", "gexf", "csv", "cytoscape"} <= \
        set(formats())
    assert get_format("csv").directory and not get_format("gexf").directory


@pytest.mark.parametrize("path,name", [("kg.ttl", "turtle"), ("kg.nt", "nt"), ("kg.nq", "nq"), ("a/kg.trig", "trig"),
                                       ("kg.jsonld", "jsonld"), ("kg.rdf", "rdfxml"), ("KG.GRAPHML", "graphml"),
                                       ("kg.gexf", "gexf"), ("kg.cyjs", "cytoscape"),
                                       ("kg.cytoscape.json", "cytoscape"), ("kg.json", None), ("kg.png", None)])
def test_guess_format_from_suffix(path, name):
    assert guess_format(path) == name


def test_unknown_format_names_the_known_ones():
    with pytest.raises(ValueError, match="gexf"):
        get_format("dot")
    assert get_format(".ttl").name == "turtle"  # a suffix works as a name too


@pytest.mark.parametrize("name", sorted(RDF_PARSERS))
def test_rdf_formats_parse_back_isomorphic(seed_dataset, name):
    data = _bytes(seed_dataset, name)
    back = Dataset(default_union=True)
    back.parse(data=data, format=RDF_PARSERS[name])
    assert isomorphic(union_graph(back), union_graph(seed_dataset))
    if name in QUAD_FORMATS:  # one named graph per document survives
        def named(ds):
            return {c.identifier: c for c in ds.graphs() if len(c) and "/doc/" in str(c.identifier)}
        ours, theirs = named(seed_dataset), named(back)
        assert set(ours) == set(theirs) and len(ours) == 1
        assert all(isomorphic(ours[k], theirs[k]) for k in ours)


@pytest.mark.parametrize("name", sorted(set(formats()) - {"csv"}))
def test_chinese_is_raw_utf8(small_dataset, name):
    data = _bytes(small_dataset, name)
    assert "青石镇".encode("utf-8") in data
    assert not ESCAPED_CJK.search(data), name


def test_jsonld_uses_a_compact_context(small_dataset):
    doc = json.loads(_bytes(small_dataset, "jsonld"))
    ctx = doc["@context"]
    assert ctx["@vocab"] == "https://w3id.org/policykg/ontology#" and ctx["@language"] == "zh"
    assert ctx["locatedIn"] == {"@id": "pk:locatedIn", "@type": "@id"}
    road = next(n for n in doc["@graph"] if n["@id"].endswith("binhedadao-abc123"))
    assert road["@type"] == ["InfrastructureProject", "Project"]  # most specific class and its top class
    assert road["locatedIn"] == "https://w3id.org/policykg/id/place/000000001"
    assert "滨河大道" in road["label"]  # plain string: @zh is the default language
    ids = [n["@id"] for n in doc["@graph"]]
    assert ids == sorted(ids)


def test_graphml_reads_back_with_networkx(seed_dataset, tmp_path):
    export(seed_dataset, "graphml", tmp_path / "g.graphml")
    G = flat_graph(seed_dataset)
    H = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert set(H) == set(G)
    assert sorted((s, o, d["predicate"]) for s, o, d in H.edges(data=True)) == \
        sorted((s, o, k) for s, o, k in G.edges(keys=True))
    for n, d in G.nodes(data=True):
        assert {k: str(v) for k, v in H.nodes[n].items()} == {k: str(v) for k, v in d.items()}


def test_graphml_writer_writes_networkx_bytes(seed_dataset):
    """Our GraphML writer (strings, no ElementTree) must write exactly what networkx.write_graphml_xml writes."""
    from graph.views.export.graphml import write_graphml_xml

    odd = nx.MultiDiGraph(name="x & <y>", id="g1", size=3)
    odd.add_node('a&"b\n', label="华容 <区>", n=3, share=1.5, ok=True, empty="", blank=" ")
    odd.add_node("c")
    odd.add_edge('a&"b\n', "c", key="k\t1", year=2023, predicate="p")
    odd.add_edge("c", "c", key="k2", year="")
    simple = nx.Graph()
    simple.add_edge(1, 2, weight=0.5)
    for G in (flat_graph(seed_dataset), odd, simple, nx.MultiDiGraph()):
        ours, theirs = io.BytesIO(), io.BytesIO()
        write_graphml_xml(G, ours)
        nx.write_graphml_xml(G.copy(), theirs, encoding="utf-8", prettyprint=True)
        assert ours.getvalue() == theirs.getvalue()
    with pytest.raises(nx.NetworkXError):
        write_graphml_xml(nx.Graph([(1, 2, {"bad": None})]), io.BytesIO())


def _edge_ids(data: bytes) -> list[str]:
    return re.findall(r'<edge [^>]*\bid="([^"]*)"', data.decode("utf-8"))


GRAPHOLOGY = ROOT / "tests" / "graphology"


def test_graphml_and_gexf_edge_ids_are_unique_and_graphology_loads_every_edge(seed_dataset, tmp_path):
    """The seed has 201 edges; networkx wrote the predicate as the id (130 × "relatedTo"), which graphology refuses
    and Gephi collapses to one edge per id."""
    from graph.views.export.graphml import edge_id

    G = flat_graph(seed_dataset)
    expected = sorted(edge_id(s, k, o) for s, o, k in G.edges(keys=True))
    for name in ("graphml", "gexf"):
        ids = _edge_ids(_bytes(seed_dataset, name))
        assert len(ids) == G.number_of_edges() > 100, name
        assert sorted(ids) == expected, name  # unique, and the same ids as the Cytoscape export
    export(seed_dataset, "graphml", tmp_path / "g.graphml")
    if not (GRAPHOLOGY / "node_modules" / "graphology-graphml").is_dir():
        pytest.fail("graphology-graphml is not installed: `make test` installs it (npm ci in tests/graphology)")
    r = subprocess.run(["node", str(GRAPHOLOGY / "read_graphml.js"), str(tmp_path / "g.graphml")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads(r.stdout) == {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}


def test_the_build_graphml_has_unique_edge_ids(seed_build):
    ids = _edge_ids((seed_build / "graph.graphml").read_bytes())
    assert len(ids) == len(set(ids)) > 100


@pytest.fixture(scope="module")
def hostile_dataset():
    """A document whose sentence holds line separators and starts like a spreadsheet formula, and entities
    whose names do too (invented text)."""
    from graph.extract.model import DocumentGraph, Entity, Mention, Relation
    from graph.text.segment import document_from_text

    text = ("示例县政府工作报告\n日期:2024-01-05\n"
            "=HYPERLINK(\"http://example.org\")青石镇建成滨河大道\u2028二期\u2029三期。\n")
    doc = document_from_text(text, "hostile-2024.txt")
    i, j = doc.text.index("青石镇"), doc.text.index("滨河大道")
    s = doc.sentence_at(i)
    town = Entity(key="place/000000002", label="-2+3青石镇", cls="Town", aliases=["@SUM(1,2)"], confidence=0.9,
                  mentions=[Mention("青石镇", i, i + 3, "Town", "suffix:镇", 0.9, sentence=s.index)])
    road = Entity(key="project/binhe-2028", label="+滨河大道\u2028二期\u0085", cls="InfrastructureProject",
                  confidence=0.8, mentions=[Mention("滨河大道", j, j + 4, "InfrastructureProject", "suffix:大道",
                                                    0.8, sentence=s.index)])
    rel = Relation(road.key, "locatedIn", town.key, doc.name, s.index, s.text, s.start, s.end, "test", 0.7,
                   "completed", 2023)
    return to_dataset([DocumentGraph(doc, [town, road], [rel])])


@pytest.mark.parametrize("fmt", ["nt", "nq"])
def test_nt_and_nq_keep_line_separators_inside_literals(hostile_dataset, tmp_path, fmt):
    """U+2028, U+2029 and U+0085 are not line ends in N-Triples; str.splitlines() cut the literals there."""
    import pyoxigraph
    from rdflib import Graph, Literal

    export(hostile_dataset, fmt, tmp_path / f"kg.{fmt}")
    data = (tmp_path / f"kg.{fmt}").read_bytes()
    assert "\u2028".encode() in data and "\u2029".encode() in data
    parsed = Dataset(default_union=True) if fmt == "nq" else Graph()
    parsed.parse(tmp_path / f"kg.{fmt}", format=RDF_PARSERS[fmt])
    labels = {str(o) for o in parsed.objects() if isinstance(o, Literal)}
    assert "+滨河大道\u2028二期\u0085" in labels
    assert any("二期\u2029三期" in label for label in labels)  # the evidence sentence
    assert len(set(parsed.triples((None, None, None)))) == len(union_graph(hostile_dataset))
    store = pyoxigraph.Store()
    store.load(path=str(tmp_path / f"kg.{fmt}"), format=pyoxigraph.RdfFormat.N_QUADS if fmt == "nq" else
               pyoxigraph.RdfFormat.N_TRIPLES)
    values = {q.object.value for q in store if isinstance(q.object, pyoxigraph.Literal)}
    assert "+滨河大道\u2028二期\u0085" in values and len(values) == len(labels)


def _csv_cells(path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def test_csv_export_cells_are_spreadsheet_safe_unless_exact(hostile_dataset, tmp_path):
    """OWASP's rule for CSV meant for spreadsheets: a ' before a cell that starts with = + - @ (numbers stay)."""
    export(hostile_dataset, "csv", tmp_path / "safe")
    cells = _csv_cells(tmp_path / "safe" / "nodes.csv") + _csv_cells(tmp_path / "safe" / "edges.csv")
    assert "'-2+3青石镇" in cells and "'+滨河大道\u2028二期\u0085" in cells and "'@SUM(1,2)" in cells
    assert any(c.startswith("'=HYPERLINK") for c in cells)  # the evidence sentence
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    export(hostile_dataset, "csv", tmp_path / "exact", exact=True)
    exact = _csv_cells(tmp_path / "exact" / "nodes.csv") + _csv_cells(tmp_path / "exact" / "edges.csv")
    assert "-2+3青石镇" in exact and not [c for c in exact if c.startswith("'")]


def test_stats_and_diff_csv_are_spreadsheet_safe_and_tsv_exact(small_dataset, hostile_dataset, tmp_path):
    export(small_dataset, "trig", tmp_path / "old.trig")
    export(hostile_dataset, "trig", tmp_path / "new.trig")
    for args in (("stats", str(tmp_path / "new.trig")), ("diff", str(tmp_path / "old.trig"), str(tmp_path / "new.trig"))):
        r = run_policykg(*args, "--format", "csv")
        assert r.returncode == 0, r.stderr
        cells = [c for row in csv.reader(io.StringIO(r.stdout)) for c in row]
        assert "'-2+3青石镇" in cells, (args, cells)
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], args
        exact = run_policykg(*args, "--format", "tsv")
        assert "-2+3青石镇" in [c for row in csv.reader(io.StringIO(exact.stdout), delimiter="\t") for c in row]


def test_cli_export_exact_csv(hostile_dataset, tmp_path):
    export(hostile_dataset, "trig", tmp_path / "g.trig")
    r = run_policykg("export", str(tmp_path / "g.trig"), "-f", "csv", "--exact-csv", "-o", str(tmp_path / "neo"))
    assert r.returncode == 0, r.stderr
    assert "-2+3青石镇" in _csv_cells(tmp_path / "neo" / "nodes.csv")
    r = run_policykg("export", str(tmp_path / "g.trig"), "-f", "nt", "--exact-csv")
    assert r.returncode == 2 and "--exact-csv is for --format csv" in r.stderr


def test_spreadsheet_safe_keeps_numbers_and_plain_text():
    from graph.output.tabular import format_rows, spreadsheet_safe

    assert [spreadsheet_safe(v) for v in ("-3.5", "+2", "-1e5", "华容区", "", None, 7, "a=b")] == \
        ["-3.5", "+2", "-1e5", "华容区", "", "", "7", "a=b"]
    assert [spreadsheet_safe(v) for v in ("=1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "+cmd|' /C calc'!A0")] == \
        ["'=1+1", "'-2+3", "'@SUM(A1)", "'\t=1", "'\r=1", "'+cmd|' /C calc'!A0"]
    rows = [["=1+1", -2]]
    assert format_rows(["a", "b"], rows, "csv") == "a,b\n'=1+1,-2\n"
    assert format_rows(["a", "b"], rows, "tsv") == "a\tb\n=1+1\t-2\n"  # TSV and JSON keep values exact
    assert json.loads(format_rows(["a", "b"], rows, "json")) == [{"a": "=1+1", "b": -2}]


def test_gexf_reads_back_with_labels_classes_and_colours(seed_dataset, tmp_path):
    from graph.views.explorer import CLASS_COLORS

    export(seed_dataset, "gexf", tmp_path / "g.gexf")
    G = flat_graph(seed_dataset)
    H = nx.read_gexf(tmp_path / "g.gexf")
    assert set(H) == set(G)
    assert sorted((s, o, d["predicate"]) for s, o, d in H.edges(data=True)) == \
        sorted((s, o, k) for s, o, k in G.edges(keys=True))
    for n, d in G.nodes(data=True):
        h = H.nodes[n]
        assert h["label"] == d["label"] and h["class"] == d["class"] and h["type"] == d["type"]
        color = CLASS_COLORS[d["type"]]
        assert (h["viz"]["color"]["r"], h["viz"]["color"]["g"], h["viz"]["color"]["b"]) == \
            tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))
        assert h["viz"]["size"] >= 10
    assert b"lastmodifieddate" not in (tmp_path / "g.gexf").read_bytes()


def test_csv_has_neo4j_headers_and_matching_counts(seed_dataset, tmp_path):
    out = tmp_path / "neo4j"
    export(seed_dataset, "csv", out)
    G = flat_graph(seed_dataset)
    with open(out / "nodes.csv", encoding="utf-8", newline="") as fh:
        nodes = list(csv.DictReader(fh))
    with open(out / "edges.csv", encoding="utf-8", newline="") as fh:
        edges = list(csv.DictReader(fh))
    assert len(nodes) == G.number_of_nodes() and len(edges) == G.number_of_edges()
    header_ok = re.compile(r"^(?:[A-Za-z]\w*(?::(?:ID|int|long|float|double|boolean|string|date)(?:\[\])?)?|"
                           r":LABEL|:TYPE|:START_ID|:END_ID|\w+:ID)$")
    for header in (*nodes[0], *edges[0]):
        assert header_ok.match(header), header
    ids = {r["iri:ID"] for r in nodes}
    assert len(ids) == len(nodes)
    assert all(r[":START_ID"] in ids and r[":END_ID"] in ids and r[":TYPE"] for r in edges)
    place = next(r for r in nodes if r["label"] == "华容区")
    assert place[":LABEL"].split(";")[0] == "Place"
    for r in nodes:  # typed columns hold what their type says
        assert r["value:double"] == "" or float(r["value:double"]) is not None
        assert r["year:int"] == "" or r["year:int"].isdigit()


def test_cytoscape_reads_back_with_networkx(seed_dataset):
    from graph.views.explorer import CLASS_COLORS

    doc = json.loads(_bytes(seed_dataset, "cytoscape"))
    assert {"elements", "style"} <= set(doc)
    H = nx.cytoscape_graph(doc)
    G = flat_graph(seed_dataset)
    assert set(H) == set(G)
    assert {(s, o, k) for s, o, k in H.edges(keys=True)} == {(s, o, k) for s, o, k in G.edges(keys=True)}
    node = doc["elements"]["nodes"][0]["data"]
    assert node["color"] == CLASS_COLORS[node["type"]] and node["name"] == node["label"]
    indicator = next(n for n in G if G.nodes[n]["type"] == "Indicator")
    assert H.nodes[indicator]["indicatorValue"] == G.nodes[indicator]["value"]
    edge_ids = [e["data"]["id"] for e in doc["elements"]["edges"]]
    assert len(set(edge_ids)) == len(edge_ids)


_EXPORT_ALL = """
import sys
from pathlib import Path
from graph.views.export import export, formats
from graph.rdf.files import load_dataset
ds = load_dataset(sys.argv[1])
for name, f in formats().items():
    export(ds, name, Path(sys.argv[2]) / (name if f.directory else f"kg.{name}"))
"""


def _run(args: list[str], hashseed: str):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": hashseed}
    r = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    return r


def test_every_format_is_byte_identical_across_processes(seed_build, tmp_path):
    """Set iteration order changes with the hash seed; the bytes must not."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    _run(["-c", _EXPORT_ALL, str(seed_build), str(a)], "1")
    _run(["-c", _EXPORT_ALL, str(seed_build), str(b)], "2")
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert len(files) == len(formats()) + 1  # csv writes two files
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_nt_is_byte_identical_across_two_builds(tmp_path):
    """Two builds of the same input, back to back in processes with other hash seeds, give the same bytes."""
    from graph.rdf.files import load_dataset

    for name, seed in (("one", "1"), ("two", "12345")):
        _run(["-m", "cli", "build", str(SEED), "--out", str(tmp_path / name), "-q", "--no-cache"], seed)
    first, second = _bytes(load_dataset(tmp_path / "one"), "nt"), _bytes(load_dataset(tmp_path / "two"), "nt")
    assert first == second and "华容区".encode("utf-8") in first


def test_failed_export_leaves_the_old_file(small_dataset, tmp_path, monkeypatch):
    def broken(ds, fh):
        fh.write(b"partial")
        raise RuntimeError("disk full")

    monkeypatch.setitem(REGISTRY, "broken", ExportFormat("broken", (".broken",), "x/y", "fails", broken))
    target = tmp_path / "kg.broken"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        export(small_dataset, "broken", target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.broken"]


def test_directory_format_refuses_stdout(small_dataset):
    with pytest.raises(ValueError, match="directory"):
        export(small_dataset, "csv", "-")


def test_cli_export_guesses_writes_and_streams(seed_build, tmp_path):
    from click.testing import CliRunner

    from cli import cli

    runner = CliRunner()
    r = runner.invoke(cli, ["export", str(seed_build), "--out", str(tmp_path / "kg.gexf")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "kg.gexf").read_bytes().startswith(b"<?xml")
    r = runner.invoke(cli, ["export", str(seed_build), "-f", "csv", "-o", str(tmp_path / "neo")])
    assert r.exit_code == 0 and {p.name for p in (tmp_path / "neo").iterdir()} == {"nodes.csv", "edges.csv"}
    r = runner.invoke(cli, ["export", "--list-formats"])
    assert r.exit_code == 0 and "cytoscape" in r.output
    r = run_policykg("export", str(seed_build), "-f", "nt")  # real stdout, as a shell pipe sees it
    assert r.returncode == 0 and "<https://w3id.org/policykg/" in r.stdout and "华容区" in r.stdout


def test_cli_export_errors_are_one_line(seed_build, tmp_path):
    r = run_policykg("export", str(seed_build), "--out", str(tmp_path / "kg.unknown"))
    assert r.returncode != 0 and "--format" in r.stderr and "Traceback" not in r.stderr
    r = run_policykg("export", str(seed_build), "-f", "dot")
    assert r.returncode != 0 and "unknown format" in r.stderr and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_sentences_and_mentions_are_no_nodes_of_the_entity_graph_formats(seed_dataset, tmp_path):
    """GraphML, GEXF and Cytoscape hold the entity graph: the seed's entities and none of its sentence, mention,
    statement or document nodes, though the RDF has hundreds of them."""
    from rdflib.namespace import RDF

    from graph.rdf.dataset import entity_nodes
    from ontology import PK

    union = union_graph(seed_dataset)
    assert len(set(union.subjects(RDF.type, PK.Sentence))) > 50
    entities = {str(e) for e in entity_nodes(union)}
    graphs = {"graphml": nx.read_graphml(io.BytesIO(_bytes(seed_dataset, "graphml"))),
              "gexf": nx.read_gexf(io.BytesIO(_bytes(seed_dataset, "gexf"))),
              "cytoscape": nx.cytoscape_graph(json.loads(_bytes(seed_dataset, "cytoscape")))}
    for name, G in graphs.items():
        assert set(map(str, G)) == entities, name
        assert not any("/sentence/" in n or "/mention/" in n or "/fact/" in n for n in map(str, G)), name
