"""The HTML explorer against pyvis for the same graph, in one run, in Debian's headless Chromium (no GPU: WebGL would
be SwiftShader; our pages draw on a 2D canvas or with vis-network, which Chromium rasterises in software here).

For synthetic policy-like graphs of 2,000 and 10,000 nodes (and, with --build DIR, the graph.html of a real build):
the page's size; seconds to generate it; seconds from navigation until the graph is drawn and the page answers
(`ready`); frames per second while a script pans and zooms it the way a user does (three mouse drags across the
view and wheel zooms, through the page's own input handling), with the median, 90th-percentile and longest time
between frames (requestAnimationFrame deltas); and for the canvas renderer the time of one full repaint (it pans
and zooms a cached painting of twice the view, and paints anew when the view leaves it or a zoom settles: each
drag here leaves it). The baseline is what a pyvis user gets with physics turned off (`net.toggle_physics(False)`,
the page drawn at once; pyvis' default keeps physics running and never settles at 10,000 nodes); pyvis' default
page is measured at the smallest size only. With --build, also `policykg viz` on that build: wall time and peak
RSS of the command, and how much of it is loading the graph (rdflib parse + NetworkX projection) and how much is
the page.

usage: .venv/bin/python bench/viz.py [--sizes 2000,10000] [--build DIR] [--timeout 120] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
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
VIEWPORT = {"width": 1400, "height": 900}
# shares of the seed's classes, and label endings that look like them
CLASS_MIX = [("Place", "Town", 0.2, "镇"), ("Agency", "Department", 0.1, "局"), ("Organization", "Company", 0.05, "公司"),
             ("Project", "InfrastructureProject", 0.17, "工程"), ("Initiative", "Policy", 0.3, "行动"),
             ("Sector", "Sector", 0.05, "产业"), ("Recognition", "Recognition", 0.05, "示范区"),
             ("Indicator", "Indicator", 0.08, "指标")]
PREDICATES = ["locatedIn", "partOf", "implements", "cooperatesWith", "leads", "contributesTo"]
CHARS = "华容武汉鄂州新城光谷长江临空港葛店庙岭段店蒲团临江杨叶沙窝花湖梁子湖红莲湖数字经济智能制造生态文化旅游"

# drawn and answering: our page says so; a vis-network page (pyvis) once its network exists, physics (if any) has
# stabilised, and one more frame has been drawn
READY_JS = """() => {
  if (window.policykg) return window.policykg.ready === true;
  const net = window.network;
  if (!net || !net.body || !net.physics) return false;
  if (net.physics.physicsEnabled && net.physics.options.enabled && !net.physics.ready) return false;
  if (!window.__pkDrawn) { window.__pkDrawn = 'waiting'; net.once('afterDrawing', () => { window.__pkDrawn = true; });
                           net.redraw(); }
  return window.__pkDrawn === true;
}"""
REPAINT_JS = """() => { const g = window.policykg && window.policykg.renderer.graph; if (!g) return null;
  g.fit(); let total = 0;
  for (let i = 0; i < 5; i++) { const t = performance.now(); g.cache = null; g.render(); g.ctx.getImageData(0, 0, 1, 1);
    total += performance.now() - t; }
  return total / 5; }"""
RECORD_JS = """() => { window.__frames = []; window.__stop = false;
  const loop = (t) => { window.__frames.push(t); if (!window.__stop) requestAnimationFrame(loop); };
  requestAnimationFrame(loop); return performance.now(); }"""


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


def pyvis_html(G: nx.MultiDiGraph, physics: bool) -> str:
    """What a pyvis user gets for the same nodes and edges (vis-network inlined, so it loads offline)."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    for n, d in G.nodes(data=True):
        net.add_node(n, label=d["label"], title=d["class"])
    for s, o, k in G.edges(keys=True):
        net.add_edge(s, o, title=k)
    if not physics:
        net.toggle_physics(False)
    return net.generate_html()


@dataclass
class PageTiming:
    """One page: its size, generation time, time to ready, and frames while panning and zooming."""
    name: str
    megabytes: float
    generate: float | None
    ready: float | None  # None: not within the timeout
    fps: float | None = None
    median_ms: float | None = None
    p90_ms: float | None = None
    max_ms: float | None = None
    repaint_ms: float | None = None  # the canvas renderer: painting the whole scene anew (not a cached copy)
    nodes: int = 0


def pan_and_zoom(page) -> tuple[float, float, float, float]:
    """Drag across the view three times, zoom in and out with the wheel; frames/s and median / p90 / max frame ms."""
    start = page.evaluate(RECORD_JS)
    cx, cy = VIEWPORT["width"] / 2, VIEWPORT["height"] / 2
    for dx, dy in ((1, 0), (-1, -1), (0, 1)):  # three drags of 1,100 / 600 px: each leaves any cached region
        page.mouse.move(cx - 550 * dx, cy - 300 * dy)
        page.mouse.down()
        for i in range(1, 41):
            page.mouse.move(cx - 550 * dx + 27.5 * dx * i, cy - 300 * dy + 15 * dy * i)
        page.mouse.up()
    for i in range(16):
        page.mouse.wheel(0, -100 if i < 8 else 100)
        page.wait_for_timeout(25)
    end = page.evaluate("() => performance.now()")
    frames = [t for t in page.evaluate("() => { window.__stop = true; return window.__frames; }") if start <= t <= end]
    deltas = sorted(b - a for a, b in zip(frames, frames[1:])) or [end - start]
    return (len(frames) / ((end - start) / 1000), statistics.median(deltas), deltas[int(0.9 * (len(deltas) - 1))],
            deltas[-1])


def measure(browser, path: Path, name: str, generate: float | None, timeout: float) -> PageTiming:
    context = browser.new_context(viewport=VIEWPORT, offline=True)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "blob:")) else r.abort())
    page = context.new_page()
    timing = PageTiming(name, path.stat().st_size / 1e6, generate, None)
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit", timeout=int(timeout * 1000))
    try:
        page.wait_for_function(READY_JS, timeout=int(timeout * 1000), polling=50)
        timing.ready = time.perf_counter() - start
    except Exception:  # not ready within the timeout: reported as such
        context.close()
        return timing
    page.wait_for_timeout(300)
    timing.fps, timing.median_ms, timing.p90_ms, timing.max_ms = pan_and_zoom(page)
    timing.nodes = page.evaluate("() => window.policykg ? window.policykg.renderer.drawn().nodes : "
                                 "window.network.body.nodeIndices.length")
    timing.repaint_ms = page.evaluate(REPAINT_JS)
    context.close()
    return timing


def viz_command(build: Path, out: Path) -> dict:
    """`policykg viz BUILD` in a fresh process (one process: no workers): seconds and peak RSS; then, in another
    fresh process, the same steps timed one by one (load, projection, provenance, page). Run before the browser
    starts, so that the children's peak RSS is the command's."""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cli", "viz", str(build), "--out", str(out)], cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL, check=True)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    steps = subprocess.run([sys.executable, "-c", STEPS, str(build)], cwd=ROOT, env=env, capture_output=True,
                           text=True, check=True)
    return {"seconds": seconds, "peak_mb": peak / 2**20, **json.loads(steps.stdout)}


STEPS = """
import json, resource, sys, time
from graph.views.network import to_networkx
from graph.rdf.dataset import union_graph
from graph.rdf.files import load_dataset
from graph.views.provenance import read_provenance
from graph.views.explorer import render_explorer
def rss(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out, t = {}, time.perf_counter()
g = union_graph(load_dataset(sys.argv[1])); out["parse_s"] = time.perf_counter() - t; t = time.perf_counter()
G = to_networkx(g); out["networkx_s"] = time.perf_counter() - t; out["loaded_mb"] = rss(); t = time.perf_counter()
prov = read_provenance(g); out["provenance_s"] = time.perf_counter() - t; t = time.perf_counter()
page = render_explorer(G, provenance=prov); out["page_s"] = time.perf_counter() - t; out["peak_mb_inproc"] = rss()
out["nodes"], out["edges"] = page.nodes, page.edges
print(json.dumps(out))
"""


def run(sizes: list[int], build: Path | None, timeout: float, keep: Path | None) -> None:
    from playwright.sync_api import sync_playwright

    out = keep or Path(tempfile.mkdtemp(prefix="policykg-bench-viz-"))
    out.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[int, int, list[PageTiming]]] = []
    command = viz_command(build, out / "viz-build.html") if build is not None else None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n in sizes:
            G = synthetic_graph(n)
            makers = [("policykg", to_html), ("pyvis physics off", lambda G: pyvis_html(G, physics=False))]
            if n == min(sizes):
                makers.append(("pyvis default", lambda G: pyvis_html(G, physics=True)))
            timings = []
            for name, make in makers:
                t = time.perf_counter()
                text = make(G)
                generate = time.perf_counter() - t
                path = out / f"{name.replace(' ', '-')}-{n}.html"
                path.write_text(text, encoding="utf-8")
                timings.append(measure(browser, path, name, generate, timeout))
                _progress(n, timings[-1], timeout)
            rows.append((n, G.number_of_edges(), timings))
        if build is not None:
            summary = json.loads((build / "summary.json").read_text(encoding="utf-8"))
            timings = [measure(browser, build / "graph.html", "build's graph.html", None, timeout),
                       measure(browser, out / "viz-build.html", "policykg viz", command["seconds"], timeout)]
            for t in timings:
                _progress(summary["nodes"], t, timeout)
            rows.append((summary["nodes"], summary["edges"], timings))
        browser.close()
    print(f"\nHTML explorer vs pyvis, headless Chromium (--disable-gpu: software rendering), pages in {out}")
    print(f"{'nodes':>6} {'edges':>6}  {'page':<20} {'MB':>6} {'generate s':>10} {'ready s':>8} {'pan fps':>8} "
          f"{'frame ms median/p90/max':>24} {'repaint ms':>10}")
    for n, m, timings in rows:
        for t in timings:
            frames = f"{t.median_ms:.0f} / {t.p90_ms:.0f} / {t.max_ms:.0f}" if t.median_ms is not None else "-"
            print(f"{n:>6} {m:>6}  {t.name:<20} {t.megabytes:>6.1f} {_s(t.generate):>10} {_s(t.ready, timeout):>8} "
                  f"{_s(t.fps):>8} {frames:>24} {_s(t.repaint_ms):>10}")
        ours = next((t for t in timings if t.name == "policykg"), None)
        base = next((t for t in timings if t.name == "pyvis physics off"), None)
        if ours and base and ours.ready:
            bound = "" if base.ready else "at least "
            print(f"{'':>15}ready {bound}{(base.ready or timeout) / ours.ready:.1f}x sooner than pyvis with physics off"
                  + (f"; pans at {ours.fps:.0f} vs {base.fps:.0f} frames/s" if base.fps else ""))
    if command:
        print(f"\npolicykg viz {build}: {command['seconds']:.1f} s, peak {command['peak_mb']:,.0f} MB RSS; "
              f"in one process: parse {command['parse_s']:.1f} s + NetworkX projection {command['networkx_s']:.1f} s "
              f"(loaded: {command['loaded_mb']:,.0f} MB), provenance {command['provenance_s']:.1f} s, page "
              f"{command['page_s']:.1f} s (peak {command['peak_mb_inproc']:,.0f} MB); {command['nodes']:,} nodes, "
              f"{command['edges']:,} edges")
    print("targets: a 13,000-entity graph ready < 5 s, >= 30 frames/s, page < 15 MB; >= 5x sooner than pyvis with "
          "physics off at 10,000 nodes; viz < 30 s and < 2 GB")


def _progress(n: int, t: PageTiming, timeout: float) -> None:
    print(f"  {n:>6} nodes {t.name:<20} {t.megabytes:5.1f} MB generate {_s(t.generate)} s ready {_s(t.ready, timeout)} s"
          f"  {_s(t.fps)} fps", file=sys.stderr, flush=True)


def _s(value: float | None, timeout: float | None = None) -> str:
    if value is None:
        return f">{timeout:.0f}" if timeout else "-"
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="2000,10000", help="Comma-separated node counts of synthetic graphs.")
    ap.add_argument("--build", type=Path, default=None,
                    help="A `policykg build` output directory: measure its graph.html and `policykg viz` on it.")
    ap.add_argument("--timeout", type=float, default=120, help="Give up on a page after this many seconds.")
    ap.add_argument("--keep", type=Path, default=None, help="Write the pages into this directory.")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium")
    run([int(s) for s in args.sizes.split(",")], args.build, args.timeout, args.keep)


if __name__ == "__main__":
    main()
