"""The HTML explorer without a browser: self-contained page, escaping, views (focus/classes/max-nodes), layout, CLI."""
from __future__ import annotations

import html
import json
import re

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.views.explorer import (
    PHYSICS_MAX_NODES,
    VizError,
    graph_payload,
    notebook_html,
    radial_layout,
    read_provenance,
    render_explorer,
    script_json,
    select_view,
    to_html,
    write_html,
)

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


# ---------------------------------------------------------------- the page


def test_page_is_one_self_contained_utf8_file(seed_dataset, tmp_path):
    path = write_html(seed_dataset, tmp_path / "kg.html")
    raw = path.read_bytes()
    page = raw.decode("utf-8")
    assert '<meta charset="utf-8">' in page
    assert "华容区".encode("utf-8") in raw  # Chinese written as UTF-8, not escaped
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.I)
    assert not re.search(r"<link\b|@import|url\(\s*['\"]?(?:https?:)?//", page, re.I)
    assert "vis.Network" in page and "vis-network" in page  # the library is inlined, not linked
    assert tags(page).count("script") == 3 and "link" not in tags(page)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in html.unescape(csp) and "unsafe-inline" not in html.unescape(csp).split("style-src")[0]


def test_same_graph_gives_the_same_bytes(seed_dataset):
    assert to_html(seed_dataset) == to_html(seed_dataset)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_script_json_is_inert_and_round_trips(text):
    out = script_json({"label": text, "aliases": [text]})
    assert not set(out) & set("<>&\u2028\u2029")
    assert json.loads(out) == {"label": text, "aliases": [text]}


def test_injected_strings_stay_inside_the_data_block(evil_dataset):
    page = to_html(evil_dataset, title=EVIL)
    assert tags(page).count("script") == 3 and "img" not in tags(page)
    assert f"<title>{html.escape(EVIL, quote=False)}</title>" in page
    data = embedded_data(page)
    labels = {n["label"] for n in data["nodes"]}
    assert EVIL + "镇" in labels
    assert data["documents"][0]["title"].startswith(EVIL)
    town = next(n for n in data["nodes"] if n["label"] == EVIL + "镇")
    assert town["pk"]["aliases"] == ["<b>别名</b>&amp;"]
    assert any(EVIL in row["s"] for row in town["pk"]["ev"])


# ---------------------------------------------------------------- what the page shows


def test_classes_colours_shapes_legend_and_degree_sizes():
    data = graph_payload(select_view(chain()))
    by_label = {n["label"]: n for n in data["nodes"]}
    assert by_label["青石镇"]["shape"] == "dot" and by_label["示例县政府"]["shape"] == "diamond"
    assert by_label["青石镇"]["color"] != by_label["滨河大道"]["color"]
    assert by_label["示例县政府"]["size"] > by_label["示例公司"]["size"]  # degree 3 vs 1
    legend = {c["name"]: c for c in data["classes"]}
    assert legend["Place"]["count"] == 2 and legend["Place"]["label"] == "地点"
    assert by_label["青石镇"]["pk"]["clsLabel"] == "镇" and by_label["青石镇"]["pk"]["typeLabel"] == "地点"


def test_edge_labels_follow_the_language():
    zh = graph_payload(select_view(chain()), lang="zh")
    en = graph_payload(select_view(chain()), lang="en")
    assert {e["label"] for e in zh["edges"]} >= {"位于", "领导"}
    assert {e["label"] for e in en["edges"]} >= {"located in", "leads"}
    assert all(e["arrows"] == "to" for e in en["edges"])


def test_cooccurrence_edges_are_hidden_until_asked_for():
    G = chain()
    G.add_edge("a", "d", key="relatedTo", predicate="relatedTo", count=3, status="", year="", evidence=[])
    hidden = graph_payload(select_view(G))
    shown = graph_payload(select_view(G), show_related=True)
    rel = [e for e in hidden["edges"] if e["pk"]["rel"]]
    assert len(rel) == 1 and rel[0]["hidden"] and rel[0]["dashes"] and rel[0]["pk"]["n"] == 3
    assert not [e for e in hidden["edges"] if not e["pk"]["rel"] and e["hidden"]]
    assert not [e for e in shown["edges"] if e["hidden"]]


def test_statuses_and_years_reach_nodes_for_filtering():
    G = chain()
    G.edges["b", "a", "locatedIn"].update(status="planned", year="2024")
    data = graph_payload(select_view(G))
    by_label = {n["label"]: n for n in data["nodes"]}
    assert by_label["滨河大道"]["pk"]["st"] == ["planned"] and by_label["青石镇"]["pk"]["yr"] == ["2024"]
    assert by_label["示例公司"]["pk"]["st"] == []
    assert data["years"] == ["2024"] and data["statuses"] == ["completed", "ongoing", "planned"]


def test_seed_evidence_carries_document_title_and_date(seed_dataset):
    data = embedded_data(to_html(seed_dataset))
    assert len(data["documents"]) == 1 and data["documents"][0]["date"] == "2023-12-26"
    assert data["documents"][0]["title"]
    place = next(n for n in data["nodes"] if n["label"] == "华容区")
    assert place["pk"]["type"] == "Place"
    assert place["pk"]["ev"] and all(row["d"] == 0 and "华容" in row["s"] for row in place["pk"]["ev"])


def test_provenance_reads_statements_and_mentions(evil_dataset):
    from graph.rdf.dataset import union_graph

    prov = read_provenance(union_graph(evil_dataset))
    (fact_key, evidence), = prov.facts.items()
    assert fact_key[1].endswith("#locatedIn")
    assert evidence[0].status == "completed" and evidence[0].year == "2023" and evidence[0].document
    assert set(prov.mentions) == {fact_key[0], fact_key[2]}


# ---------------------------------------------------------------- views


def test_focus_follows_hops_both_ways():
    G = chain()
    assert set(select_view(G, focus="青石镇", hops=1).graph) == {"a", "b"}
    assert set(select_view(G, focus="青石镇", hops=2).graph) == {"a", "b", "c"}
    assert set(select_view(G, focus="青石镇", hops=0).graph) == {"a"}
    assert set(select_view(G, focus="qingshizhen", hops=1).graph) == {"a", "b"}  # pinyin, spaces ignored
    assert set(select_view(G, focus="青石", hops=1).graph) == {"a", "b"}  # alias


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


def test_max_nodes_keeps_the_best_connected_and_focus_first():
    G = chain()
    assert set(select_view(G, max_nodes=1).graph) == {"c"}
    view = select_view(G, focus="示例公司", hops=2, max_nodes=2)
    assert set(view.graph) == {"d", "c"} and view.total_nodes == 5


def test_large_graphs_get_positions_and_no_physics():
    G = kg_graph({str(i): (f"节点{i}", "Town", "Place") for i in range(PHYSICS_MAX_NODES + 1)},
                 [(str(i), "partOf", str(i // 3)) for i in range(1, PHYSICS_MAX_NODES + 1)])
    data = graph_payload(select_view(G))
    assert data["meta"]["physics"] is False and data["options"]["physics"]["enabled"] is False
    assert data["options"]["edges"]["smooth"] is False
    small = graph_payload(select_view(chain()))
    assert small["meta"]["physics"] is True


def test_radial_layout_separates_nodes_and_is_deterministic():
    G = nx.MultiDiGraph()
    G.add_edges_from((str(i), str(i // 4)) for i in range(1, 300))
    G.add_nodes_from(["lonely1", "lonely2"])
    pos = radial_layout(G)
    assert set(pos) == set(G)
    assert len(set(pos.values())) == len(pos)
    assert pos == radial_layout(G)
    root = pos["0"]
    assert all(abs(pos[c][0] - root[0]) + abs(pos[c][1] - root[1]) > 50 for c in ("1", "2", "3"))


def test_focus_view_draws_cooccurrence_by_default():
    G = chain()
    G.add_edge("a", "d", key="relatedTo", predicate="relatedTo", count=1, status="", year="", evidence=[])
    data = embedded_data(to_html(G, focus="青石镇", hops=1))
    assert data["meta"]["related"] is True and data["meta"]["focus"] == ["青石镇"]
    assert {n["label"] for n in data["nodes"]} == {"青石镇", "滨河大道", "示例公司"}


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
    assert page.nodes == len(data["nodes"]) < page.total
    assert {n["pk"]["type"] for n in data["nodes"]} == {"Place"}


def test_cli_viz_focus_and_stdout(seed_build, tmp_path):
    out = tmp_path / "focus.html"
    r = run_policykg("viz", str(seed_build), "--focus", "华容区", "--hops", "1", "--lang", "en", "--out", str(out))
    assert r.returncode == 0, r.stderr
    data = embedded_data(out.read_text(encoding="utf-8"))
    assert data["meta"]["focus"] == ["华容区"] and data["meta"]["lang"] == "en"
    assert re.match(r"\S+: \d+ of \d+ nodes, \d+ edges", r.stdout)
    r = run_policykg("viz", str(seed_build), "--classes", "Project", "--max-nodes", "5", "--out", "-")
    assert r.returncode == 0, r.stderr
    assert len(embedded_data(r.stdout)["nodes"]) == 5


def test_cli_viz_user_errors_are_one_line(seed_build, tmp_path):
    for args in (["--focus", "不存在的实体名称"], ["--classes", "Planet"]):
        r = run_policykg("viz", str(seed_build), *args, "--out", str(tmp_path / "x.html"))
        assert r.returncode != 0 and "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.html").exists()
