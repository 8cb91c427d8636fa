"""The explorer in Debian's headless Chromium, driven by Playwright, with the network blocked: it must work offline.

One browser for the module; small graphs (the seed, hand-made reports); each test opens its own page."""
from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import run_policykg
from test_views_explorer import EVIL, evil_graph, kg_graph, report_graph

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason=f"{CHROMIUM} is missing (make system-deps installs Debian's chromium)")]


@dataclass
class LoadedPage:
    """A page opened from file:// with every other request aborted and recorded."""
    page: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def node(self, label: str) -> int:
        return self.js("(l) => window.policykg.data.nodes.find(n => n.label === l).id", label)

    def visible(self) -> int:
        return self.js("() => window.policykg.visibleNodeCount()")

    def drawn(self) -> dict:
        return self.js("() => window.policykg.renderer.drawn()")

    def view(self) -> dict:
        return self.js("() => window.policykg.renderer.view()")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_offline(browser, path: Path, *, wait_ready: bool = True, hash: str = "", viewport=(1400, 900),
                 color_scheme: str = "light") -> LoadedPage:
    """Open a file with the network cut off; wait until the explorer says it is drawn and interactive."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, offline=True,
                                  color_scheme=color_scheme, accept_downloads=True)
    loaded = LoadedPage(context.new_page())

    def route(r):
        if r.request.url.startswith(("file:", "about:", "blob:", "data:")):
            r.continue_()
        else:
            loaded.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    loaded.page.on("console", lambda m: m.type == "error" and loaded.errors.append(m.text))
    loaded.page.on("pageerror", lambda e: loaded.errors.append(str(e)))
    loaded.page.on("dialog", lambda d: (loaded.dialogs.append(d.message), d.dismiss()))
    loaded.page.goto(path.as_uri() + hash)
    if wait_ready:
        loaded.page.wait_for_function("() => window.policykg && window.policykg.ready === true", timeout=60_000)
    return loaded


@pytest.fixture(scope="module")
def seed_page(seed_build, tmp_path_factory) -> Path:
    """The seed drawn by `policykg viz` (with documents and evidence read from the RDF): vis-network."""
    out = tmp_path_factory.mktemp("viz") / "seed.html"
    r = run_policykg("viz", str(seed_build), "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def seed_canvas(seed_dataset, tmp_path_factory) -> Path:
    """The seed drawn by the canvas renderer (the one large graphs get)."""
    from graph.views.explorer import write_html

    return write_html(seed_dataset, tmp_path_factory.mktemp("viz") / "seed-canvas.html", renderer="canvas")


@pytest.fixture(scope="module")
def seed_en(seed_dataset, tmp_path_factory) -> Path:
    from graph.views.explorer import write_html

    return write_html(seed_dataset, tmp_path_factory.mktemp("viz") / "seed-en.html", lang="en")


@pytest.fixture(scope="module")
def reports_page(tmp_path_factory) -> Path:
    """Two county reports, each with a 残联 of its own (see test_viz.report_graph)."""
    from graph.views.explorer import write_html

    G, prov = report_graph()
    return write_html(G, tmp_path_factory.mktemp("viz") / "reports.html", provenance=prov)


def open_panel(loaded: LoadedPage, label: str) -> None:
    loaded.page.fill("#search", label)
    loaded.page.press("#search", "Enter")
    loaded.page.wait_for_selector("#panel:not([hidden])")


# ---------------------------------------------------------------- it loads and draws


def test_build_page_loads_offline_and_draws_every_node(browser, seed_build):
    loaded = open_offline(browser, seed_build / "graph.html")
    summary = json.loads((seed_build / "summary.json").read_text(encoding="utf-8"))
    assert loaded.drawn()["nodes"] == summary["nodes"] > 0
    assert loaded.blocked == [] and loaded.errors == []


def test_viz_page_draws_as_many_nodes_as_the_graph(browser, seed_page, seed_dataset):
    from graph.rdf.dataset import union_graph
    from graph.views.network import to_networkx

    loaded = open_offline(browser, seed_page)
    assert loaded.js("() => window.policykg.renderer.kind") == "vis"
    assert loaded.drawn()["nodes"] == to_networkx(union_graph(seed_dataset)).number_of_nodes()
    assert loaded.blocked == [] and loaded.errors == []


def test_large_graph_is_drawn_by_the_canvas_renderer(browser, tmp_path):
    from graph.views.explorer import write_html

    n = 1500
    G = kg_graph({str(i): (f"节点{i}", "Town", "Place") for i in range(n)},
                 [(str(i), "partOf", str(i // 3)) for i in range(1, n)])
    loaded = open_offline(browser, write_html(G, tmp_path / "large.html"))
    assert loaded.js("() => window.policykg.renderer.kind") == "canvas"
    assert loaded.drawn() == {"nodes": n, "edges": n - 1}
    assert loaded.js("() => window.policykg.renderer.graph.frame") >= 1 and loaded.errors == []


def test_notebook_iframe_runs_without_network(browser, seed_dataset, tmp_path):
    from graph.kg import PolicyGraph

    host = tmp_path / "notebook.html"
    host.write_text("<!DOCTYPE html><meta charset='utf-8'>" + PolicyGraph(seed_dataset).show(focus="华容区").data,
                    encoding="utf-8")
    loaded = open_offline(browser, host, wait_ready=False)
    frame = loaded.page.frames[1]
    frame.wait_for_function("() => window.policykg && window.policykg.ready === true", timeout=60_000)
    assert "华容区" in frame.evaluate("() => window.policykg.data.meta.focus")
    assert loaded.blocked == [] and loaded.errors == []


def test_screenshot_shows_cjk_glyphs_not_boxes(browser, seed_page, tmp_path):
    loaded = open_offline(browser, seed_page)
    open_panel(loaded, "武汉新城")
    shot = tmp_path / "seed.png"
    loaded.page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    title = loaded.page.locator("#panel h2")
    pixels = {}
    for text in ("武汉", "新城", "\u0378\u0379"):  # the last two are unassigned: the font's missing-glyph box
        loaded.js("(t) => { document.querySelector('#panel h2').textContent = t; }", text)
        pixels[text] = title.screenshot()
    # with no CJK font every character is drawn as the same box, so these three regions would be identical
    assert pixels["武汉"] != pixels["新城"]
    assert pixels["武汉"] != pixels["\u0378\u0379"] and pixels["新城"] != pixels["\u0378\u0379"]


# ---------------------------------------------------------------- first sight


def test_seed_opens_with_readable_labels(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    top = loaded.node("华容区")
    assert loaded.js("(id) => window.policykg.renderer.labelPx(id)", top) >= 10  # was 4.5 px at zoom 0.28
    labelled = loaded.js("() => window.policykg.renderer.labels()")
    assert 10 <= len(labelled) < loaded.drawn()["nodes"]  # the important ones now, the rest as you zoom
    # entities with no typed relation (half the seed) lie small and faded on the rim, none labelled at first
    rim = loaded.js("""(top) => { const p = window.policykg, at = p.renderer.position(top);
        const far = (n) => Math.hypot(p.renderer.position(n.id)[0] - at[0], p.renderer.position(n.id)[1] - at[1]);
        const loose = p.data.nodes.filter(n => n.loose), typed = p.data.nodes.filter(n => !n.loose);
        return [loose.length, Math.min(...loose.map(far)) > Math.max(...typed.map(far)),
                Math.max(...loose.map(n => n.size)) < Math.min(...typed.map(n => n.size))]; }""", top)
    assert rim[0] > 50 and rim[1] and rim[2]
    assert not loaded.js("(ids) => ids.some(i => window.policykg.data.nodes[i].loose)", labelled)


def test_canvas_labels_the_important_first_and_more_on_zoom(browser, seed_canvas):
    loaded = open_offline(browser, seed_canvas)
    labels = loaded.js("() => window.policykg.renderer.labels()")
    ranks = loaded.js("(ids) => ids.map(i => window.policykg.data.nodes[i].rank)", labels)
    assert loaded.node("华容区") in labels and 0 < len(labels) < loaded.drawn()["nodes"]
    least = loaded.js("() => window.policykg.data.nodes.reduce((a, b) => b.rank > a.rank ? b : a).id")
    assert least not in labels and min(ranks) == 0
    loaded.js("(id) => window.policykg.renderer.focus(id, 4)", least)
    loaded.page.wait_for_timeout(100)
    assert least in loaded.js("() => window.policykg.renderer.labels()")


# ---------------------------------------------------------------- finding things


def test_searching_selects_the_entity(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    loaded.page.fill("#search", "武汉新城")
    assert loaded.page.locator("#results li").first.inner_text().startswith("武汉新城")
    loaded.page.press("#search", "Enter")
    assert loaded.js("() => window.policykg.state.selected") == loaded.node("武汉新城")
    assert loaded.js("() => window.policykg.renderer.network.getSelectedNodes()") == [loaded.node("武汉新城")]
    assert loaded.page.locator("#panel h2").inner_text() == "武汉新城"


def test_search_by_pinyin_and_initials(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    for query in ("huarongqu", "hrq"):
        hits = loaded.js("(q) => window.policykg.search(q).map(id => window.policykg.data.nodes[id].label)", query)
        assert hits[0] == "华容区"


def test_enter_on_a_hit_the_filters_hide_keeps_the_filters(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    loaded.page.locator("#legend input[value=Place]").uncheck()
    loaded.page.locator("#status-filter input[value=planned]").uncheck()
    hidden = loaded.visible()
    loaded.page.fill("#search", "华容区")
    assert "被筛选隐藏" in loaded.page.locator("#results li").first.inner_text()
    loaded.page.press("#search", "Enter")
    assert loaded.page.locator("#panel h2").inner_text() == "华容区"
    assert not loaded.page.locator("#legend input[value=Place]").is_checked()
    assert not loaded.page.locator("#status-filter input[value=planned]").is_checked()
    assert loaded.visible() == hidden + 1  # only the hit is added to what the filters show
    assert "已单独显示" in loaded.page.locator("#notices").inner_text()


def test_entities_of_one_name_are_told_apart(browser, reports_page):
    loaded = open_offline(browser, reports_page)
    loaded.page.fill("#search", "残联")
    rows = loaded.page.locator("#results li").all_inner_texts()
    assert len(rows) == 2 and len(set(rows)) == 2
    assert any("甲县" in r for r in rows) and any("乙县" in r for r in rows)


def test_view_state_lives_in_the_url_hash(browser, seed_page):
    loaded = open_offline(browser, seed_page, hash="#focus=华容区&classes=Place,Project&year=2023")
    assert loaded.page.locator("#panel h2").inner_text() == "华容区"
    assert loaded.page.locator("#legend input[value=Place]").is_checked()
    assert not loaded.page.locator("#legend input[value=Agency]").is_checked()
    assert loaded.js("() => [window.policykg.state.yearFrom, window.policykg.state.yearTo]") == [0, 0]
    assert loaded.page.locator("#year-text").inner_text() == "2023–2023"
    loaded.page.locator("#legend input[value=Project]").uncheck()
    hash = loaded.js("() => decodeURIComponent(location.hash)")
    assert "classes=Place" in hash and "Project" not in hash and "focus=华容区" in hash and "year=2023" in hash


# ---------------------------------------------------------------- the panel


def test_clicking_a_node_shows_its_evidence(browser, seed_page, seed_canvas):
    for path in (seed_page, seed_canvas):
        loaded = open_offline(browser, path)
        target = loaded.node("华容区")
        loaded.js("(id) => window.policykg.renderer.focus(id, 1.5)", target)
        x, y = loaded.js("(id) => window.policykg.renderer.toScreen(id)", target)
        loaded.page.mouse.click(x, y)
        panel = loaded.page.locator("#panel")
        assert panel.is_visible()
        assert panel.locator("h2").inner_text() == "华容区"
        assert panel.locator(".badge").inner_text() == "地点"
        panel.locator("details.group", has_text="出处句子").first.locator("summary").click()
        panel.locator("ul.mentions .source").first.wait_for()  # the list is built on the toggle event, after the click
        sources = panel.locator("ul.mentions .source").all_text_contents()
        assert sources and all("2023-12-26" in s and "《" in s for s in sources)
        quotes = panel.locator("ul.mentions blockquote").all_text_contents()
        assert quotes and all("华容" in q for q in quotes)
        assert panel.locator("ul.mentions mark").first.inner_text() in ("华容区", "华容")


def test_facts_are_grouped_by_relation_with_counts_and_indicators_listed_once(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    open_panel(loaded, "华容区")
    panel = loaded.page.locator("#panel")
    summaries = panel.locator("details.group > summary").all_inner_texts()
    implements = next(s for s in summaries if s.startswith("实施"))
    n_implements = loaded.js("""() => { const p = window.policykg, id = p.state.selected;
        return new Set(p.data.edges.filter(e => e.from === id && e.p === 'implements').map(e => e.to)).size; }""")
    assert n_implements > 10 and implements.endswith(f"({n_implements})")  # one group for all, with its count
    assert not panel.locator("details.group", has_text="实施").first.evaluate("d => d.open")  # collapsed
    assert panel.evaluate("p => p.scrollHeight") < 1800
    indicators = loaded.js("""() => { const p = window.policykg, id = p.state.selected;
        return p.data.edges.filter(e => e.from === id && e.p === 'hasIndicator').map(e => p.data.nodes[e.to].label); }""")
    assert len(indicators) >= 10
    panel.locator("details.group", has_text="指标").first.evaluate("d => { d.open = true; }")
    text = panel.inner_text()
    assert all(text.count(label) == 1 for label in indicators)  # not in the facts and the indicator list both


def click_edge(loaded: LoadedPage, edge: int) -> None:
    """Fit an edge's two ends in the view and click half-way between them (40% along: off any edge label)."""
    ends = loaded.js("(j) => { const e = window.policykg.data.edges[j]; return [e.from, e.to]; }", edge)
    loaded.js("(ends) => window.policykg.renderer.fit(ends)", ends)
    loaded.page.wait_for_timeout(50)
    (x1, y1), (x2, y2) = [loaded.js("(id) => window.policykg.renderer.toScreen(id)", n) for n in ends]
    loaded.page.mouse.click(x1 + (x2 - x1) * 0.4, y1 + (y2 - y1) * 0.4)


def test_clicking_an_edge_shows_its_evidence(browser, seed_page, seed_canvas):
    for path in (seed_page, seed_canvas):
        loaded = open_offline(browser, path)
        edge = loaded.js("""() => window.policykg.data.edges.find(e => e.p === 'locatedIn' && e.ev.length).id""")
        click_edge(loaded, edge)
        panel = loaded.page.locator("#panel")
        assert panel.get_attribute("data-edge") == str(edge)
        assert "位于" in panel.locator("p.edge-line").inner_text()
        assert panel.locator("ul.evidence blockquote").count() >= 1
        assert "《" in panel.locator(".source").first.inner_text()


def test_escape_closes_the_panel(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    open_panel(loaded, "武汉新城")
    loaded.page.locator("#panel .close").focus()
    loaded.page.keyboard.press("Escape")
    assert loaded.page.locator("#panel").is_hidden()
    assert loaded.js("() => window.policykg.state.selected") == -1


def test_keyboard_navigation(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    loaded.page.locator("#network").focus()
    before = loaded.view()
    loaded.page.keyboard.press("+")
    assert loaded.view()["scale"] > before["scale"]
    loaded.page.keyboard.press("ArrowLeft")
    assert loaded.view()["x"] < before["x"]
    loaded.page.keyboard.press("/")
    assert loaded.js("() => document.activeElement.id") == "search"
    loaded.page.keyboard.type("武汉新城")
    loaded.page.keyboard.press("Enter")
    loaded.page.keyboard.press("Tab")  # into the page: the panel's buttons are reachable
    loaded.page.locator("#panel .link").first.focus()
    name = loaded.js("() => document.activeElement.textContent")
    loaded.page.keyboard.press("Enter")
    assert loaded.page.locator("#panel h2").inner_text() == name


def test_neighbourhood_says_what_it_shows_and_follows_hops(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    open_panel(loaded, "武汉新城")
    loaded.page.locator("#panel button.hood").click()  # one hop, as the hops menu starts
    one = loaded.visible()
    open_panel(loaded, "武汉新城")
    loaded.page.locator("#panel select").select_option("2")
    loaded.page.locator("#panel button.hood").click()
    two = loaded.visible()
    expected = loaded.js("""(id) => { const p = window.policykg.data, seen = new Set([id]); let front = [id];
        for (let h = 0; h < 2; h++) { const next = [];
          p.edges.forEach(e => { if (e.p === 'relatedTo') return;
            if (front.includes(e.from) && !seen.has(e.to)) { seen.add(e.to); next.push(e.to); }
            if (front.includes(e.to) && !seen.has(e.from)) { seen.add(e.from); next.push(e.from); } });
          front = next; }
        return seen.size; }""", loaded.node("武汉新城"))
    assert two == expected > one
    assert not loaded.page.locator("#related").is_checked()  # co-occurrence is not switched on behind the user
    notice = loaded.page.locator("#notices").inner_text()
    assert "2 跳" in notice and "不含共现" in notice and str(two) in notice
    loaded.page.locator("#notices button", has_text="退出").click()
    assert loaded.visible() == loaded.js("() => window.policykg.data.nodes.length")


def test_expand_neighbours_in_place(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    loaded.page.locator("#legend input[value=Initiative]").uncheck()
    before = loaded.visible()
    open_panel(loaded, "华容区")
    initiatives = loaded.js("""(id) => { const p = window.policykg.data, near = new Set();
        p.edges.forEach(e => { if (e.p === 'relatedTo') return;
          const m = e.from === id ? e.to : e.to === id ? e.from : -1;
          if (m >= 0 && p.nodes[m].type === 'Initiative') near.add(m); });
        return near.size; }""", loaded.node("华容区"))
    loaded.page.locator("#panel select").select_option("1")
    loaded.page.locator("#panel button.expand").click()
    assert initiatives >= 21 and loaded.visible() == before + initiatives  # the Initiative filter still off
    assert not loaded.page.locator("#legend input[value=Initiative]").is_checked()
    assert f"新显示 {initiatives} 个" in loaded.page.locator("#notices").inner_text()


def test_shortest_path_with_evidence(browser, reports_page):
    loaded = open_offline(browser, reports_page)
    open_panel(loaded, "甲县大桥")
    loaded.page.locator("#panel button.path-from").click()
    open_panel(loaded, "乙县大桥")
    loaded.page.locator("#panel button.path-to").click()
    panel = loaded.page.locator("#panel")
    path = [int(i) for i in panel.get_attribute("data-path").split(",")]
    labels = loaded.js("(ids) => ids.map(i => window.policykg.data.nodes[i].label)", path)
    assert labels[0] == "甲县大桥" and labels[-1] == "乙县大桥" and len(labels) == 5
    assert labels[1] == "甲县" and labels[3] == "乙县"
    assert panel.locator("ol.path > li").count() == 4
    assert "4 步" in loaded.page.locator("#notices").inner_text()


def test_english_page_shows_pinyin_where_there_is_no_english_name(browser, seed_en):
    loaded = open_offline(browser, seed_en)
    open_panel(loaded, "huarongqu")
    assert loaded.page.locator("#panel h2").inner_text() == "Hua Rong Qu"
    assert loaded.page.locator("#panel p.sub").inner_text() == "华容区"
    assert loaded.page.locator("#panel .badge").inner_text() == "Place"


# ---------------------------------------------------------------- filters and layout


def test_filters_hide_classes_and_show_cooccurrence(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    total, classes = loaded.js("() => [window.policykg.data.meta.nodes, window.policykg.data.classes]")
    places = next(c["count"] for c in classes if c["name"] == "Place")
    edges_before = loaded.drawn()["edges"]
    loaded.page.locator("#legend input[value=Place]").uncheck()
    assert loaded.drawn()["nodes"] == total - places
    loaded.page.locator("#legend input[value=Place]").check()
    loaded.page.locator("#related").check()
    assert loaded.drawn()["edges"] > edges_before
    assert loaded.page.locator("#count").inner_text().startswith(f"显示 {total} / {total}")


def test_cooccurrence_has_no_arrowheads_and_tooltips_speak_chinese(browser, seed_page, seed_canvas):
    for path in (seed_page, seed_canvas):
        loaded = open_offline(browser, path)
        arrows = loaded.js("""() => { const p = window.policykg; const out = {rel: new Set(), typed: new Set()};
            p.data.edges.forEach(e => out[e.p === 'relatedTo' ? 'rel' : 'typed'].add(p.renderer.edgeArrow(e.id)));
            return [Array.from(out.rel), Array.from(out.typed)]; }""")
        assert arrows == [[False], [True]]
        done = loaded.js("() => window.policykg.data.edges.find(e => e.st === 'completed').id")
        title = loaded.js("(j) => window.policykg.renderer.edgeTitle(j)", done)
        assert "已完成" in title and "completed" not in title


def test_time_slider_filters_years_and_plays(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    everything = loaded.visible()
    loaded.page.locator("#year-to").fill("0")
    assert loaded.page.locator("#year-text").inner_text() == "2023–2023"
    only_2023 = loaded.visible()
    assert 0 < only_2023 < everything
    loaded.page.locator("#play").click()
    loaded.page.wait_for_function("() => window.policykg.state.yearTo === 1", timeout=10_000)
    assert loaded.visible() == everything  # 2023–2024 is every year again
    assert loaded.page.locator("#play").inner_text().startswith("▶")


def test_relaxing_moves_only_what_is_shown_and_stops(browser, seed_page, seed_canvas):
    for path in (seed_page, seed_canvas):
        loaded = open_offline(browser, path)
        loaded.page.locator("#legend input[value=Place]").uncheck()
        places = loaded.js("() => window.policykg.data.nodes.filter(n => n.type === 'Place').map(n => n.id)")
        others = loaded.js("() => window.policykg.data.nodes.filter(n => n.type !== 'Place').map(n => n.id)")
        where = "(ids) => ids.map(i => window.policykg.renderer.position(i))"
        hidden_before, shown_before = loaded.js(where, places), loaded.js(where, others)
        loaded.page.locator("#relax").click()
        assert loaded.page.locator("#relax").inner_text() == "停止布局"
        loaded.page.wait_for_timeout(1500)
        loaded.page.locator("#relax").click()  # stop
        assert loaded.page.locator("#relax").inner_text() == "重新布局"
        stopped = loaded.js(where, others)
        loaded.page.wait_for_timeout(500)
        assert loaded.js(where, places) == hidden_before  # hidden nodes are not in the layout
        assert stopped != shown_before and loaded.js(where, others) == stopped  # it moved, then it stopped
        assert loaded.errors == []


def test_cut_page_says_what_it_left_out(browser, tmp_path):
    from graph.views.explorer import write_html

    G, prov = report_graph()
    loaded = open_offline(browser, write_html(G, tmp_path / "cut.html", provenance=prov, max_nodes=4))
    notice = loaded.page.locator("#notices").inner_text()
    assert "4 个" in notice and "10 个" in notice and "--focus" in notice and "--classes" in notice
    assert "机构" in notice


# ---------------------------------------------------------------- tools


def test_zoom_buttons(browser, seed_canvas):
    loaded = open_offline(browser, seed_canvas)
    start = loaded.view()["scale"]
    loaded.page.locator("#zoom-in").click()
    assert loaded.view()["scale"] == pytest.approx(start * 1.4)
    loaded.page.locator("#zoom-out").click()
    loaded.page.locator("#zoom-out").click()
    assert loaded.view()["scale"] < start
    loaded.page.locator("#zoom-fit").click()
    assert loaded.view()["scale"] == pytest.approx(start, rel=0.1)


def test_exports_of_the_visible_subgraph(browser, seed_canvas, tmp_path):
    loaded = open_offline(browser, seed_canvas)
    loaded.page.locator("#legend input[value=Agency]").uncheck()
    visible, edges = loaded.visible(), loaded.drawn()["edges"]
    files = {}
    for button in ("export-png", "export-nodes", "export-edges", "export-graphml"):
        loaded.page.locator("#export summary").click()
        with loaded.page.expect_download() as info:
            loaded.page.locator(f"#{button}").click()
        files[button] = tmp_path / info.value.suggested_filename
        info.value.save_as(files[button])
    assert files["export-png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    nodes_csv = files["export-nodes"].read_text(encoding="utf-8-sig").splitlines()
    assert len(nodes_csv) == visible + 1 and nodes_csv[0].startswith("id,label,name,class")
    assert not any(",Agency," in row for row in nodes_csv) and any("华容区" in row for row in nodes_csv)
    assert len(files["export-edges"].read_text(encoding="utf-8-sig").splitlines()) == edges + 1
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(files["export-graphml"]).getroot()
    assert len(root.findall(".//g:node", ns)) == visible and len(root.findall(".//g:edge", ns)) == edges


def test_legend_folds_away_at_phone_width(browser, seed_page):
    loaded = open_offline(browser, seed_page, viewport=(390, 844))
    legend = loaded.page.locator("#legend")
    assert not legend.evaluate("d => d.open") and legend.bounding_box()["height"] < 40
    legend.locator("summary").click()
    assert legend.evaluate("d => d.open") and legend.bounding_box()["height"] > 100


def test_dark_mode_follows_the_system(browser, seed_canvas, seed_page):
    for path in (seed_canvas, seed_page):
        light = open_offline(browser, path)
        dark = open_offline(browser, path, color_scheme="dark")

        def brightness(loaded):
            png = loaded.page.screenshot(clip={"x": 700, "y": 880, "width": 4, "height": 4})
            return loaded.js("""(b64) => new Promise(ok => { const img = new Image(); img.onload = () => {
                const c = document.createElement('canvas'); c.width = 4; c.height = 4; const x = c.getContext('2d');
                x.drawImage(img, 0, 0); const d = x.getImageData(0, 0, 1, 1).data; ok(d[0] + d[1] + d[2]); };
                img.src = 'data:image/png;base64,' + b64; })""", base64.b64encode(png).decode())

        assert brightness(light) > 600 and brightness(dark) < 150
        assert dark.js("() => getComputedStyle(document.body).backgroundColor") != \
            light.js("() => getComputedStyle(document.body).backgroundColor")


# ---------------------------------------------------------------- safety


def test_malicious_label_is_shown_as_text_and_never_runs(browser, tmp_path):
    from graph.views.explorer import write_html

    for renderer in ("vis", "canvas"):
        path = write_html(evil_graph(), tmp_path / f"evil-{renderer}.html", title=EVIL, renderer=renderer)
        loaded = open_offline(browser, path)
        loaded.page.fill("#search", "onerror")
        assert EVIL in loaded.page.locator("#results li").first.inner_text()
        loaded.page.press("#search", "Enter")
        assert loaded.page.locator("#panel h2").inner_text() == EVIL + "镇"
        loaded.js("() => window.policykg.showEdge(0)")
        assert EVIL in loaded.page.locator("#panel").inner_text()
        assert EVIL in loaded.page.locator("#panel ul.evidence blockquote").first.inner_text()
        loaded.js("() => window.policykg.applyHash('#focus=' + encodeURIComponent('<img src=x onerror=alert(1)>'))")
        assert loaded.js("() => document.title") == EVIL
        assert loaded.js("() => [document.images.length, typeof window.__pwned]") == [0, "undefined"]
        assert loaded.dialogs == [] and loaded.blocked == [] and loaded.errors == []
