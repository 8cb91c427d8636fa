"""The explorer in Debian's headless Chromium, driven by Playwright, with the network blocked: it must work offline."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import run_policykg
from test_views_explorer import EVIL, evil_graph, kg_graph

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


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_offline(browser, path: Path, *, wait_ready: bool = True) -> LoadedPage:
    """Open a file with the network cut off; wait until the explorer says it is drawn and interactive."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
    loaded = LoadedPage(context.new_page())

    def route(r):
        if r.request.url.startswith("file:") or r.request.url.startswith("about:"):
            r.continue_()
        else:
            loaded.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    loaded.page.on("console", lambda m: m.type == "error" and loaded.errors.append(m.text))
    loaded.page.on("pageerror", lambda e: loaded.errors.append(str(e)))
    loaded.page.on("dialog", lambda d: (loaded.dialogs.append(d.message), d.dismiss()))
    loaded.page.goto(path.as_uri())
    if wait_ready:
        loaded.page.wait_for_function("() => window.policykg && window.policykg.ready === true", timeout=60_000)
    return loaded


@pytest.fixture(scope="module")
def seed_page(seed_build, tmp_path_factory) -> Path:
    """The seed drawn by `policykg viz` (with documents and evidence read from the RDF)."""
    out = tmp_path_factory.mktemp("viz") / "seed.html"
    r = run_policykg("viz", str(seed_build), "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


def node_id(loaded: LoadedPage, label: str) -> int:
    return loaded.js("(l) => window.policykg.data.nodes.find(n => n.label === l).id", label)


def test_build_page_loads_offline_and_draws_every_node(browser, seed_build):
    loaded = open_offline(browser, seed_build / "graph.html")
    summary = json.loads((seed_build / "summary.json").read_text(encoding="utf-8"))
    drawn = loaded.js("() => window.policykg.network.body.nodeIndices.length")
    assert drawn == summary["nodes"] > 0
    assert loaded.blocked == [] and loaded.errors == []


def test_viz_page_draws_as_many_nodes_as_the_graph(browser, seed_page, seed_dataset):
    from graph.rdf.dataset import union_graph
    from graph.views.network import to_networkx

    loaded = open_offline(browser, seed_page)
    assert loaded.js("() => window.policykg.network.body.nodeIndices.length") == \
        to_networkx(union_graph(seed_dataset)).number_of_nodes()
    assert loaded.blocked == [] and loaded.errors == []


def test_searching_selects_the_entity(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    loaded.page.fill("#search", "武汉新城")
    assert loaded.page.locator("#results li").first.inner_text().startswith("武汉新城")
    loaded.page.press("#search", "Enter")
    selected = loaded.js("() => window.policykg.network.getSelectedNodes()")
    assert selected == [node_id(loaded, "武汉新城")]
    assert loaded.page.locator("#panel h2").inner_text() == "武汉新城"


def test_search_by_pinyin(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    hits = loaded.js("() => window.policykg.search('huarongqu').map(id => window.policykg.data.nodes[id].label)")
    assert hits[0] == "华容区"


def test_clicking_a_node_shows_its_evidence(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    target = node_id(loaded, "华容区")
    x, y = loaded.js("""(id) => {
        const net = window.policykg.network;
        net.focus(id, {scale: 1.5, animation: false});
        const p = net.canvasToDOM(net.getPositions([id])[id]);
        const box = document.getElementById('network').getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""", target)
    loaded.page.mouse.click(x, y)
    panel = loaded.page.locator("#panel")
    assert panel.is_visible()
    assert panel.locator("h2").inner_text() == "华容区"
    assert panel.locator(".badge").inner_text() == "地点"
    sources = panel.locator("ul.evidence .source").all_text_contents()
    assert sources and all("2023-12-26" in s and "《" in s for s in sources)
    quotes = panel.locator("ul.mentions blockquote").all_text_contents()
    assert quotes and all("华容" in q for q in quotes)
    assert panel.locator("ul.mentions mark").first.inner_text() in ("华容区", "华容")


def test_malicious_label_is_shown_as_text_and_never_runs(browser, tmp_path):
    from graph.views.explorer import write_html

    path = write_html(evil_graph(), tmp_path / "evil.html", title=EVIL)
    loaded = open_offline(browser, path)
    loaded.page.fill("#search", "onerror")
    assert EVIL in loaded.page.locator("#results li").first.inner_text()
    loaded.page.press("#search", "Enter")
    assert loaded.page.locator("#panel h2").inner_text() == EVIL + "镇"
    assert EVIL in loaded.page.locator("#panel ul.evidence blockquote").first.inner_text()
    assert loaded.js("() => document.title") == EVIL
    assert loaded.js("() => [document.images.length, typeof window.__pwned]") == [0, "undefined"]
    assert loaded.dialogs == [] and loaded.blocked == []


def test_filters_hide_classes_and_show_cooccurrence(browser, seed_page):
    loaded = open_offline(browser, seed_page)
    data = loaded.js("() => [window.policykg.data.meta.nodes, window.policykg.data.classes]")
    total, classes = data
    places = next(c["count"] for c in classes if c["name"] == "Place")
    edges_before = loaded.js("() => window.policykg.network.body.edgeIndices.length")
    loaded.page.locator("#legend input[value=Place]").uncheck()
    assert loaded.js("() => window.policykg.network.body.nodeIndices.length") == total - places
    loaded.page.locator("#legend input[value=Place]").check()
    loaded.page.locator("#related").check()
    assert loaded.js("() => window.policykg.network.body.edgeIndices.length") > edges_before
    assert loaded.page.locator("#count").inner_text().startswith(f"显示 {total} / {total}")


def test_large_graph_is_drawn_from_precomputed_positions(browser, tmp_path):
    from graph.views.explorer import write_html

    n = 1500
    G = kg_graph({str(i): (f"节点{i}", "Town", "Place") for i in range(n)},
                 [(str(i), "partOf", str(i // 3)) for i in range(1, n)])
    loaded = open_offline(browser, write_html(G, tmp_path / "large.html"))
    assert loaded.js("() => window.policykg.network.body.nodeIndices.length") == n
    assert loaded.js("() => window.policykg.network.physics.physicsEnabled") is False
    assert loaded.errors == []


def test_notebook_iframe_runs_without_network(browser, seed_dataset, tmp_path):
    from graph.kg import PolicyGraph

    host = tmp_path / "notebook.html"
    host.write_text("<!DOCTYPE html><meta charset='utf-8'>" + PolicyGraph(seed_dataset).show(focus="华容区").data,
                    encoding="utf-8")
    loaded = open_offline(browser, host, wait_ready=False)
    frame = loaded.page.frames[1]
    frame.wait_for_function("() => window.policykg && window.policykg.ready === true", timeout=60_000)
    assert "华容区" in frame.evaluate("() => window.policykg.data.meta.focus")
    assert loaded.blocked == []


def test_screenshot_shows_cjk_glyphs_not_boxes(browser, seed_page, tmp_path):
    loaded = open_offline(browser, seed_page)
    loaded.page.fill("#search", "武汉新城")
    loaded.page.press("#search", "Enter")
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
