"""The HTML explorer against pyvis' default page for the same graph, in one run, in Debian's headless Chromium.

For 500 / 2,000 / 10,000 nodes: seconds to generate the HTML; seconds from navigation until the network is drawn
and interactive (layout done, the page answers), and until it is also stable (no physics still moving it); and the
time of one full redraw after that (how usable panning and zooming stay). pyvis gets its defaults (physics with 1,000 stabilisation iterations and
improvedLayout), except cdn_resources="in_line" so that its vis-network loads without a network here (its
Bootstrap links still point to a CDN; they are aborted at once).

usage: .venv/bin/python bench/viz.py [--sizes 500,2000,10000] [--timeout 300] [--keep DIR]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.views.explorer import to_html  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# shares of the seed's classes, and label endings that look like them
CLASS_MIX = [("Place", "Town", 0.2, "镇"), ("Agency", "Department", 0.1, "局"), ("Organization", "Company", 0.05, "公司"),
             ("Project", "InfrastructureProject", 0.17, "工程"), ("Initiative", "Policy", 0.3, "行动"),
             ("Sector", "Sector", 0.05, "产业"), ("Recognition", "Recognition", 0.05, "示范区"),
             ("Indicator", "Indicator", 0.08, "指标")]
PREDICATES = ["locatedIn", "partOf", "implements", "cooperatesWith", "leads", "contributesTo"]
CHARS = "华容武汉鄂州新城光谷长江临空港葛店庙岭段店蒲团临江杨叶沙窝花湖梁子湖红莲湖数字经济智能制造生态文化旅游"

# how far along a vis-network is: works for both pages (ours keeps it in window.policykg, pyvis in window.network)
STATE_JS = """() => {
  const net = (window.policykg && window.policykg.network) || window.network;
  if (!net || !net.physics) return null;
  const ph = net.physics;
  return {ready: ph.ready === true, moving: ph.physicsEnabled && ph.options.enabled && ph.stabilized === false,
          drawn: net.body.nodeIndices.length};
}"""
REDRAW_JS = """() => {
  const net = (window.policykg && window.policykg.network) || window.network;
  const t = performance.now();
  for (let i = 0; i < 3; i++) { net.moveTo({scale: net.getScale() * (i % 2 ? 1.1 : 0.9)}); net.redraw(); }
  return (performance.now() - t) / 3;
}"""


def synthetic_graph(n: int, seed: int = 7) -> nx.MultiDiGraph:
    """A policy-graph-like MultiDiGraph: hubs by preferential attachment, typed edges, co-occurrence edges."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    weights = [w for *_, w, _ in CLASS_MIX]
    for i in range(n):
        top, cls, _, suffix = rng.choices(CLASS_MIX, weights)[0]
        label = "".join(rng.choice(CHARS) for _ in range(rng.randint(2, 5))) + suffix + str(i)
        G.add_node(f"n{i}", label=label, type=top, aliases=[], pinyin="", **{"class": cls})
    ends = ["n0"]
    for i in range(1, n):
        target = rng.choice(ends)
        _edge(G, rng, f"n{i}", target, rng.choice(PREDICATES))
        ends += [f"n{i}", target]
    for _ in range(n // 2):
        _edge(G, rng, rng.choice(ends), f"n{rng.randrange(n)}", rng.choice(PREDICATES))
        _edge(G, rng, rng.choice(ends), f"n{rng.randrange(n)}", "relatedTo")
    return G


def _edge(G: nx.MultiDiGraph, rng: random.Random, s: str, o: str, p: str) -> None:
    if s != o:
        G.add_edge(s, o, key=p, predicate=p, count=1, status=rng.choice(["completed", "ongoing", "planned", ""]),
                   year=rng.choice(["2023", "2024", ""]),
                   evidence=[f"{G.nodes[s]['label']}与{G.nodes[o]['label']}签订合作协议。"])


def pyvis_default_html(G: nx.MultiDiGraph) -> str:
    """What a pyvis user gets with the defaults, for the same nodes and edges."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    for n, d in G.nodes(data=True):
        net.add_node(n, label=d["label"], title=d["class"])
    for s, o, k in G.edges(keys=True):
        net.add_edge(s, o, title=k)
    return net.generate_html()


@dataclass
class Timing:
    generate: float
    interactive: float | None  # None: not within the timeout
    stable: float | None
    redraw_ms: float | None
    drawn: int


def measure_page(browser, path: Path, timeout: float) -> tuple[float | None, float | None, float | None, int]:
    """Seconds from navigation until drawn and answering, and until not moving either; then one redraw in ms."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page = context.new_page()
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    interactive = stable = state = None
    while time.perf_counter() - start < timeout:
        try:
            state = page.evaluate(STATE_JS)
        except Exception:  # the page is still being parsed or replaced
            state = None
        if state and state["ready"]:
            interactive = interactive or time.perf_counter() - start
            if not state["moving"]:
                stable = time.perf_counter() - start
                break
        time.sleep(0.05)
    redraw = page.evaluate(REDRAW_JS) if interactive is not None else None
    context.close()
    return interactive, stable, redraw, (state or {}).get("drawn", 0)


def run(sizes: list[int], timeout: float, keep: Path | None) -> None:
    from playwright.sync_api import sync_playwright

    out = keep or Path(tempfile.mkdtemp(prefix="policykg-bench-viz-"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n in sizes:
            G = synthetic_graph(n)
            result = {}
            for name, make in (("policykg", to_html), ("pyvis default", pyvis_default_html)):
                t = time.perf_counter()
                page = make(G)
                generate = time.perf_counter() - t
                path = out / f"{name.split()[0]}-{n}.html"
                path.write_text(page, encoding="utf-8")
                interactive, stable, redraw, drawn = measure_page(browser, path, timeout)
                result[name] = Timing(generate, interactive, stable, redraw, drawn)
                print(f"  {n:>6} nodes {name:<14} generate {generate:6.2f} s  interactive "
                      f"{_fmt(interactive, timeout)}  stable {_fmt(stable, timeout)}  redraw {_ms(redraw)}  "
                      f"drawn {drawn}", file=sys.stderr, flush=True)
            rows.append((n, G.number_of_edges(), result))
        browser.close()
    print(f"\nHTML explorer vs pyvis default, headless Chromium (--disable-gpu), pages in {out}")
    print(f"{'nodes':>6} {'edges':>6}  {'page':<14} {'generate s':>10} {'interactive s':>14} {'stable s':>9} "
          f"{'redraw ms':>10}")
    for n, m, result in rows:
        for name, t in result.items():
            print(f"{n:>6} {m:>6}  {name:<14} {t.generate:>10.2f} {_fmt(t.interactive, timeout):>14} "
                  f"{_fmt(t.stable, timeout):>9} {_ms(t.redraw_ms):>10}")
        ours, theirs = result["policykg"], result["pyvis default"]
        for what in ("interactive", "stable"):
            mine, other = getattr(ours, what), getattr(theirs, what)
            if mine:
                bound = "" if other else "at least "
                print(f"{'':>15}{what}: {bound}{(other or timeout) / mine:.1f}x sooner than pyvis' default")
    print("target: at 2,000 nodes interactive >= 5x sooner than pyvis' default; 10,000 nodes stays usable")


def _fmt(seconds: float | None, timeout: float) -> str:
    return f"{seconds:.2f}" if seconds is not None else f">{timeout:.0f}"


def _ms(ms: float | None) -> str:
    return f"{ms:.0f}" if ms is not None else "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="500,2000,10000", help="Comma-separated node counts.")
    ap.add_argument("--timeout", type=float, default=300, help="Give up on a page after this many seconds.")
    ap.add_argument("--keep", type=Path, default=None, help="Write the pages into this directory.")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium")
    run([int(s) for s in args.sizes.split(",")], args.timeout, args.keep)


if __name__ == "__main__":
    main()
