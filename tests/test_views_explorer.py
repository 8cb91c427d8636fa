"""The HTML explorer without a browser: self-contained page, escaping, views (focus/classes/max-nodes), what a big
graph's page draws first, layout, renderers, CLI."""
from __future__ import annotations

import html
import json
import re

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.views.explorer import (
    VIS_MAX_NODES,
    graph_payload,
    notebook_html,
    render_explorer,
    script_json,
    to_html,
    write_html,
)
from graph.views.layout import cluster_layout
from graph.views.provenance import Evidence, Provenance, read_provenance
from graph.views.selection import VizError, find_anchors, select_view, typed_neighbours

from conftest import run_policykg

EVIL = '</script><img src=x onerror="window.__pwned=1||alert(1)">'


def kg_graph(nodes: dict[str, tuple[str, str, str]], edges: list[tuple[str, str, str]]) -> nx.MultiDiGraph:
    """A graph shaped like graph.views.network.to_networkx's: {id: (label, class, top class)}, [(s, predicate, o)]."""
    G = nx.MultiDiGraph()
    for n, (label, cls, top) in nodes.items():
        G.add_node(n, label=label, **{"class": cls}, type=top, aliases=[], pinyin="")
    for s, p, o in edges:
        G.add_edge(s, o, key=p, predicate=p, count=1, status="", year="", evidence=[])
    return G


def chain() -> nx.MultiDiGraph:
    """a - b - c - d, with b a Town and a hub e linked to c."""
    G = kg_graph({"a": ("青石镇", "Town", "Place"), "b": ("滨河大道", "InfrastructureProject", "Project"),
                  "c": ("示例县政府", "Government", "Agency"), "d": ("示例公司", "Company", "Organization"),
                  "e": ("示例县", "County", "Place")},
                 [("b", "locatedIn", "a"), ("c", "leads", "b"), ("d", "cooperatesWith", "c"), ("c", "partOf", "e")])
    G.nodes["a"]["aliases"] = ["青石"]
    G.nodes["a"]["pinyin"] = "qing shi zhen"
    return G


def tags(page: str) -> list[str]:
    """Start tags as an HTML parser sees them (script contents are text, not tags)."""
    from html.parser import HTMLParser

    found = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: found.append(tag)
    parser.feed(page)
    return found


def embedded_data(page: str) -> dict:
    """The JSON the page embeds, parsed as the browser would."""
    m = re.search(r'<script type="application/json" id="pk-data">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def evil_graph():
    """A document whose title, entity labels, aliases and sentences are all HTML/JS injection attempts."""
    from graph.extract.model import DocumentGraph, Entity, Mention, Relation
    from graph.rdf.dataset import to_dataset
    from graph.text.segment import document_from_text

    text = f"{EVIL}县政府工作报告\n日期:2024-01-05\n2023年,{EVIL}镇建成滨河大道。\n"
    doc = document_from_text(text, "evil.txt")
    doc.title = f"{EVIL}县政府工作报告"
    i = text.index("2023年,") + 6
    j = text.index("滨河大道")
    s = doc.sentence_at(i)
    town = Entity(key="place/evil", label=EVIL + "镇", cls="Town", aliases=["<b>别名</b>&amp;"], confidence=0.9,
                  docs=[doc.name], mentions=[Mention(EVIL + "镇", i, i + len(EVIL) + 1, "Town", "test", 0.9,
                                                     sentence=s.index)])
    road = Entity(key="project/road", label="滨河大道", cls="InfrastructureProject", confidence=0.8, docs=[doc.name],
                  mentions=[Mention("滨河大道", j, j + 4, "InfrastructureProject", "test", 0.8, sentence=s.index)])
    rel = Relation(road.key, "locatedIn", town.key, doc.name, s.index, s.text, s.start, s.end, "test", 0.7,
                   "completed", 2023)
    return to_dataset([DocumentGraph(doc, [town, road], [rel])], [town, road])


@pytest.fixture(scope="module")
def evil_dataset():
    return evil_graph()


def by_label(data: dict) -> dict[str, dict]:
    return {n["label"]: n for n in data["nodes"]}


def report_graph() -> tuple[nx.MultiDiGraph, Provenance]:
    """Two county reports: each county with an agency, a project and a loose (co-occurring only) mass organisation
    of the same name (残联), and one initiative both counties implement."""
    nodes = {"x": ("甲县", "County", "Place"), "y": ("乙县", "County", "Place"), "c": ("丙市", "City", "Place"),
             "xa": ("甲县发改局", "Department", "Agency"), "ya": ("乙县发改局", "Department", "Agency"),
             "xp": ("甲县大桥", "InfrastructureProject", "Project"), "yp": ("乙县大桥", "InfrastructureProject", "Project"),
             "xm": ("残联", "MassOrganization", "Agency"), "ym": ("残联", "MassOrganization", "Agency"),
             "i": ("乡村振兴", "Programme", "Initiative")}
    G = kg_graph(nodes, [("x", "partOf", "c"), ("y", "partOf", "c"), ("xp", "locatedIn", "x"), ("yp", "locatedIn", "y"),
                         ("xa", "leads", "xp"), ("ya", "leads", "yp"), ("x", "implements", "i"), ("y", "implements", "i"),
                         ("xm", "relatedTo", "x"), ("ym", "relatedTo", "y")])
    G.nodes["x"]["code"], G.nodes["y"]["code"], G.nodes["c"]["code"] = "990101", "990102", "990100"
    prov = Provenance()
    for doc, place, county in (("doc/x", "甲县", "x"), ("doc/y", "乙县", "y")):
        prov.documents[doc] = {"title": f"丙市{place}人民政府工作报告", "date": "2024-01-05", "file": f"{county}.txt"}
        for n in ("c", county, county + "a", county + "p", county + "m", "i"):
            prov.mentions[n].append(Evidence(f"{G.nodes[n]['label']}出现在{place}的报告里。", doc, "completed", "2023"))
    return G, prov


# ---------------------------------------------------------------- the page


def test_page_is_one_self_contained_utf8_file(seed_dataset, tmp_path):
    path = write_html(seed_dataset, tmp_path / "kg.html")
    raw = path.read_bytes()
    page = raw.decode("utf-8")
    assert '<meta charset="utf-8">' in page
    assert "华容区".encode("utf-8") in raw  # Chinese written as UTF-8, not escaped
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.I)
    assert not re.search(r"<link\b|@import|url\(\s*['\"]?(?:https?:)?//", page, re.I)
    assert "https://visjs.github.io/vis-network/" in page and "@version 9.1.2" in page  # inlined, not linked
    assert tags(page).count("script") == 3 and "link" not in tags(page)
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert "connect-src 'none'" in csp and "worker-src" not in csp  # vis-network pages start no worker


def test_canvas_page_inlines_graphology_and_only_allows_blob_workers(seed_dataset):
    page = to_html(seed_dataset, renderer="canvas")
    data = embedded_data(page)
    assert data["meta"]["renderer"] == "canvas" and "https://visjs.github.io/vis-network/" not in page
    assert "graphology 0.26.0" in page and "graphology-layout-forceatlas2 0.10.1" in page and "MIT License" in page
    assert "CanvasGraph" in page and tags(page).count("script") == 3
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert "worker-src blob:" in csp and "connect-src 'none'" in csp and "script-src 'sha256-" in csp


def test_renderer_follows_the_size_unless_asked():
    small = graph_payload(select_view(chain()))
    G = kg_graph({str(i): (f"节点{i}", "Town", "Place") for i in range(VIS_MAX_NODES + 1)},
                 [(str(i), "partOf", str(i // 3)) for i in range(1, VIS_MAX_NODES + 1)])
    assert small["meta"]["renderer"] == "vis"
    assert graph_payload(select_view(G))["meta"]["renderer"] == "canvas"
    assert graph_payload(select_view(G), renderer="vis")["meta"]["renderer"] == "vis"
    with pytest.raises(VizError, match="auto, vis, canvas"):
        to_html(chain(), renderer="webgl")


def test_same_graph_gives_the_same_bytes(seed_dataset):
    assert to_html(seed_dataset) == to_html(seed_dataset)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_script_json_is_inert_and_round_trips(text):
    out = script_json({"label": text, "aliases": [text]})
    assert not set(out) & set("<>&\u2028\u2029")
    assert json.loads(out) == {"label": text, "aliases": [text]}


def test_injected_strings_stay_inside_the_data_block(evil_dataset):
    for renderer in ("vis", "canvas"):
        page = to_html(evil_dataset, title=EVIL, renderer=renderer)
        assert tags(page).count("script") == 3 and "img" not in tags(page)
        assert f"<title>{html.escape(EVIL, quote=False)}</title>" in page
        data = embedded_data(page)
        assert EVIL + "镇" in by_label(data)
        assert data["documents"][0]["title"].startswith(EVIL)
        town = by_label(data)[EVIL + "镇"]
        assert town["aliases"] == ["<b>别名</b>&amp;"]
        assert any(EVIL in data["sentences"][row[0]] for row in town["ev"])


# ---------------------------------------------------------------- what the page shows


def test_classes_colours_shapes_legend_and_typed_degree_sizes():
    G = chain()
    G.add_node("m", label="示例协会", type="Organization", aliases=[], pinyin="", **{"class": "Association"})
    G.add_edge("m", "c", key="relatedTo", predicate="relatedTo", count=2, status="", year="", evidence=[])
    data = graph_payload(select_view(G))
    nodes = by_label(data)
    legend = {c["name"]: c for c in data["classes"]}
    assert legend["Place"]["shape"] == "dot" and legend["Agency"]["shape"] == "diamond"
    assert legend["Place"]["color"] != legend["Project"]["color"]
    assert legend["Place"]["count"] == 2 and legend["Place"]["label"] == "地点"
    assert nodes["示例县政府"]["size"] > nodes["示例公司"]["size"]  # typed degree 3 vs 1
    assert nodes["示例协会"]["loose"] is True and nodes["示例协会"]["size"] < nodes["示例公司"]["size"]
    assert "loose" not in nodes["示例公司"]  # co-occurrence does not count as a fact
    assert data["classLabels"]["Town"] == "镇" and nodes["青石镇"]["cls"] == "Town" and nodes["青石镇"]["type"] == "Place"


def test_predicate_labels_follow_the_language():
    zh = graph_payload(select_view(chain()), lang="zh")
    en = graph_payload(select_view(chain()), lang="en")
    assert zh["predicates"]["locatedIn"] == "位于" and zh["predicates"]["leads"] == "领导"
    assert en["predicates"]["locatedIn"] == "located in" and en["predicates"]["leads"] == "leads"


def test_english_page_names_entities_in_pinyin():
    en = by_label(graph_payload(select_view(chain()), lang="en"))
    zh = by_label(graph_payload(select_view(chain()), lang="zh"))
    assert en["青石镇"]["name"] == "Qing Shi Zhen" and "name" not in zh["青石镇"]
    assert "name" not in en["示例公司"]  # no pinyin: the page falls back to the label


def test_cooccurrence_edges_are_off_until_asked_for():
    G = chain()
    G.add_edge("a", "d", key="relatedTo", predicate="relatedTo", count=3, status="", year="", evidence=[])
    hidden = graph_payload(select_view(G))
    shown = graph_payload(select_view(G), show_related=True)
    rel = [e for e in hidden["edges"] if e["p"] == "relatedTo"]
    assert len(rel) == 1 and rel[0]["n"] == 3
    assert hidden["meta"]["related"] is False and shown["meta"]["related"] is True


def test_statuses_and_years_reach_nodes_for_filtering():
    G = chain()
    G.edges["b", "a", "locatedIn"].update(status="planned", year="2024")
    data = graph_payload(select_view(G))
    nodes = by_label(data)
    assert nodes["滨河大道"]["st"] == ["planned"] and nodes["青石镇"]["yr"] == ["2024"]
    assert "st" not in nodes["示例公司"]
    assert data["years"] == ["2024"] and data["statuses"] == ["completed", "ongoing", "planned"]


def test_seed_evidence_carries_document_title_date_and_report_place(seed_dataset):
    data = embedded_data(to_html(seed_dataset))
    assert len(data["documents"]) == 1 and data["documents"][0]["date"] == "2023-12-26"
    assert data["documents"][0]["title"] and data["documents"][0]["place"] == "华容区"
    place = by_label(data)["华容区"]
    assert place["type"] == "Place" and place["anchor"] is True and place["rank"] == 0
    assert place["ev"] and all(row[1] == 0 and "华容" in data["sentences"][row[0]] for row in place["ev"])


def test_sentences_are_stored_once():
    G, prov = report_graph()
    data = graph_payload(select_view(G), provenance=prov)
    assert len(data["sentences"]) == len(set(data["sentences"]))
    assert len(data["sentences"]) == sum(len(v) for v in prov.mentions.values())


def test_provenance_reads_statements_and_mentions(evil_dataset):
    from graph.rdf.dataset import union_graph

    prov = read_provenance(union_graph(evil_dataset))
    (fact_key, evidence), = prov.facts.items()
    assert fact_key[1].endswith("#locatedIn")
    assert evidence[0].status == "completed" and evidence[0].year == "2023" and evidence[0].document
    assert set(prov.mentions) == {fact_key[0], fact_key[2]}


# ---------------------------------------------------------------- reports as anchors, what a big page draws first


def test_report_places_come_from_titles_and_entities_gather_around_them():
    G, prov = report_graph()
    anchors = find_anchors(G, prov, typed_neighbours(G))
    assert anchors.documents == {"doc/x": "x", "doc/y": "y"}  # 乙县 in 丙市乙县…: the last place of the title
    assert sorted(anchors.places) == ["x", "y"]
    assert anchors.home["xa"] == "x" and anchors.home["ym"] == "y"
    assert "i" not in anchors.home and "c" not in anchors.home  # in both reports: nobody's in particular


def test_disambiguating_context_for_entities_of_one_name():
    G, prov = report_graph()
    nodes = graph_payload(select_view(G), provenance=prov)["nodes"]
    canlian = sorted(n["ctx"] for n in nodes if n["label"] == "残联")
    assert canlian == ["乙县", "甲县"]
    assert by_label({"nodes": nodes})["甲县大桥"]["ctx"] == "甲县"  # the place it is located in
    # a later report of 甲县 with a 残联 of its own: the same place, so the document tells them apart
    prov.documents["doc/x2"] = {"title": "丙市甲县人民政府工作报告", "date": "2025-01-08", "file": "x2.txt"}
    G.add_node("zm", label="残联", type="Agency", aliases=[], pinyin="", **{"class": "MassOrganization"})
    for n in ("x", "zm"):
        prov.mentions[n].append(Evidence(f"{G.nodes[n]['label']}在甲县的第二份报告里。", "doc/x2", "", "2024"))
    nodes = graph_payload(select_view(G), provenance=prov)["nodes"]
    canlian = sorted(n["ctx"] for n in nodes if n["label"] == "残联")
    assert canlian == ["乙县", "甲县 · 丙市甲县人民政府工作报告 2024-01-05", "甲县 · 丙市甲县人民政府工作报告 2025-01-08"]


def test_max_nodes_draws_report_places_then_typed_facts_of_every_class():
    G, prov = report_graph()
    for i in range(30):  # agencies only seen co-occurring: many, well connected by co-occurrence
        G.add_node(f"m{i}", label=f"协会{i}", type="Agency", aliases=[], pinyin="", **{"class": "MassOrganization"})
        for j in range(5):
            G.add_edge(f"m{i}", "x", key="relatedTo", predicate="relatedTo", count=1, status="", year="",
                       evidence=[], dup=j)
    view = select_view(G, max_nodes=6, provenance=prov)
    kept = {G.nodes[n]["label"] for n in view.graph}
    assert {"甲县", "乙县"} <= kept  # report places first
    assert {G.nodes[n]["type"] for n in view.graph} >= {"Place", "Agency", "Project", "Initiative"}
    assert not any(label.startswith("协会") for label in kept)  # co-occurrence alone comes last
    assert view.cut and sum(view.omitted.values()) == G.number_of_nodes() - 6 and view.omitted["Agency"] >= 30
    data = graph_payload(view, provenance=prov)
    assert data["meta"]["cut"] is True and data["meta"]["omitted"]["Agency"] == view.omitted["Agency"]


def test_max_nodes_keeps_the_focus_neighbourhood_first():
    view = select_view(chain(), focus="示例公司", hops=2, max_nodes=2)
    assert set(view.graph) == {"d", "c"} and view.total_nodes == 5 and view.cut


def test_layout_puts_loose_entities_outside_their_cluster_and_is_deterministic():
    G, prov = report_graph()
    typed = typed_neighbours(G)
    anchors = find_anchors(G, prov, typed)
    pos = cluster_layout(G, typed, anchors)
    assert set(pos) == set(G) and len(set(pos.values())) == len(pos)
    assert pos == cluster_layout(G, typed, anchors)

    def dist(a, b):
        return ((pos[a][0] - pos[b][0]) ** 2 + (pos[a][1] - pos[b][1]) ** 2) ** 0.5

    for county in ("x", "y"):
        tree = max(dist(county, n) for n in (county + "a", county + "p"))
        assert dist(county, county + "m") > tree  # the loose 残联 on the rim of its county's cluster
        other = "y" if county == "x" else "x"
        assert dist(county, county + "p") < dist(county, other + "p")  # a county's project sits with it


def test_layout_without_documents_groups_typed_components():
    G = nx.MultiDiGraph()
    G.add_edges_from((str(i), str(i // 4), "partOf") for i in range(1, 300))
    G.add_nodes_from(["lonely1", "lonely2"])
    pos = cluster_layout(G)
    assert set(pos) == set(G) and len(set(pos.values())) == len(pos)
    root = pos["0"]
    assert all(abs(pos[c][0] - root[0]) + abs(pos[c][1] - root[1]) > 50 for c in ("1", "2", "3"))


# ---------------------------------------------------------------- views


def test_focus_follows_hops_both_ways():
    G = chain()
    assert set(select_view(G, focus="青石镇", hops=1).graph) == {"a", "b"}
    assert set(select_view(G, focus="青石镇", hops=2).graph) == {"a", "b", "c"}
    assert set(select_view(G, focus="青石镇", hops=0).graph) == {"a"}
    assert set(select_view(G, focus="qingshizhen", hops=1).graph) == {"a", "b"}  # pinyin, spaces ignored
    assert set(select_view(G, focus="青石", hops=1).graph) == {"a", "b"}  # alias
    assert set(select_view(G, focus="qsz", hops=1).graph) == {"a", "b"}  # initials, as the search box takes them
    assert set(select_view(G, focus="QingShi", hops=0).graph) == {"a"}  # the start of the pinyin


def test_unknown_focus_suggests_close_labels():
    with pytest.raises(VizError, match="示例县政府"):
        select_view(chain(), focus="示例县正府")


def test_class_filter_by_top_class_subclass_or_label():
    G = chain()
    assert set(select_view(G, classes="Place").graph) == {"a", "e"}
    assert set(select_view(G, classes=["Town", "Agency"]).graph) == {"a", "c"}
    assert set(select_view(G, classes="项目").graph) == {"b"}
    with pytest.raises(VizError, match="top-level classes are Place"):
        select_view(G, classes="Planet")


def test_focus_view_draws_cooccurrence_by_default():
    G = chain()
    G.add_edge("a", "d", key="relatedTo", predicate="relatedTo", count=1, status="", year="", evidence=[])
    data = embedded_data(to_html(G, focus="青石镇", hops=1))
    assert data["meta"]["related"] is True and data["meta"]["focus"] == ["青石镇"]
    assert {n["label"] for n in data["nodes"]} == {"青石镇", "滨河大道", "示例公司"}
    assert by_label(data)["青石镇"]["hop"] == 0 and by_label(data)["示例公司"]["hop"] == 1


def test_unknown_language_is_an_error():
    with pytest.raises(VizError, match="zh or en"):
        to_html(chain(), lang="fr")


# ---------------------------------------------------------------- notebook and command line


def test_notebook_html_embeds_the_whole_page_sandboxed(seed_dataset):
    from graph.kg import PolicyGraph

    kg = PolicyGraph(seed_dataset)
    shown = kg.show(focus="华容区", hops=1)
    m = re.search(r'<iframe sandbox="allow-scripts" srcdoc="([^"]*)"', shown.data)
    assert m
    page = html.unescape(m.group(1))
    assert page == kg.to_html(focus="华容区", hops=1)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert notebook_html("<p>x</p>", height=300).count('height:300px') == 1


def test_render_explorer_counts(seed_dataset):
    page = render_explorer(seed_dataset, classes="Place")
    data = embedded_data(page.html)
    assert page.nodes == len(data["nodes"]) < page.total and page.renderer == "vis"
    assert {n["type"] for n in data["nodes"]} == {"Place"}
    assert data["meta"]["omitted"]["Agency"] > 0 and data["meta"]["cut"] is False


def test_cli_viz_focus_and_stdout(seed_build, tmp_path):
    out = tmp_path / "focus.html"
    r = run_policykg("viz", str(seed_build), "--focus", "华容区", "--hops", "1", "--lang", "en", "--out", str(out))
    assert r.returncode == 0, r.stderr
    data = embedded_data(out.read_text(encoding="utf-8"))
    assert data["meta"]["focus"] == ["华容区"] and data["meta"]["lang"] == "en"
    assert by_label(data)["华容区"]["name"] == "Hua Rong Qu"
    assert re.match(r"\S+: \d+ of \d+ nodes, \d+ edges", r.stdout)
    r = run_policykg("viz", str(seed_build), "--classes", "Project", "--max-nodes", "5", "--renderer", "canvas",
                     "--out", "-")
    assert r.returncode == 0, r.stderr
    data = embedded_data(r.stdout)
    assert len(data["nodes"]) == 5 and data["meta"]["renderer"] == "canvas"


def test_cli_viz_focus_takes_pinyin_initials(seed_build, tmp_path):
    out = tmp_path / "initials.html"
    r = run_policykg("viz", str(seed_build), "--focus", "whxc", "--hops", "0", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert embedded_data(out.read_text(encoding="utf-8"))["meta"]["focus"] == ["武汉新城"]


def test_cli_viz_user_errors_are_one_line(seed_build, tmp_path):
    for args in (["--focus", "不存在的实体名称"], ["--classes", "Planet"]):
        r = run_policykg("viz", str(seed_build), *args, "--out", str(tmp_path / "x.html"))
        assert r.returncode != 0 and "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    r = run_policykg("viz", str(seed_build), "--renderer", "webgl", "--out", str(tmp_path / "x.html"))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "'webgl' is not one of 'auto', 'vis', 'canvas'" in r.stderr
    assert not (tmp_path / "x.html").exists()


def test_a_built_graph_read_in_one_pyoxigraph_pass_gives_the_page_rdflib_gives(seed_build, seed_dataset):
    """viz and PolicyGraph.load().to_html() read the file once with pyoxigraph; the network, the provenance and so
    the page are those of the rdflib path."""
    from graph.rdf.dataset import union_graph
    from graph.views.explorer import read_explorer_inputs

    G, prov = read_explorer_inputs(seed_build)
    g = union_graph(seed_dataset)
    slow = read_provenance(g)
    assert prov.documents == slow.documents and prov.indicators == slow.indicators
    assert dict(prov.facts) == dict(slow.facts) and dict(prov.mentions) == dict(slow.mentions)
    assert prov.facts and prov.mentions and any(k[1].endswith("relatedTo") for k in prov.facts)
    assert to_html(G, provenance=prov) == to_html(g)
