"""Throughput, memory and incremental rebuilds of `policykg build` on a corpus of report-like documents, in one run.

The corpus is made here: each document recombines sentences of the seed report (data/seed/, in their order, so
sections keep their year and status) and moves them to another county-level division of the gazetteer (its
name, short name, city, province and towns replace 华容区, 华容, 鄂州市, 湖北省 and 华容区's towns). No evaluation
text is used.

Printed, all measured in this run on this machine: characters/s of bare `jieba.lcut` over the corpus (one core),
of `extract` (graph.extract.pipeline.process_document, one core, on a sample), and of the whole `policykg build` (a clean
build with --jobs 1 and with all cores); their ratios to jieba; the peak memory of the build (its process and
its workers together, as PSS: pages a forked child shares with its parent are counted once); the speed-up from --jobs 1 to --jobs 2; the time of a rebuild with no change and with one
changed document, against the clean build (and whether that rebuild re-extracted only the changed document and
wrote the same bytes as the clean build); the size of graph.trig and graph.ttl and the build's triples; and the
time (wall and CPU) of reading the build back, `PolicyGraph.load(OUT).to_networkx()`, in a fresh process.
Targets (issues 8 and 17): build >= 0.3x and extract >= 0.5x jieba, no-change rebuild < 5% and one-change rebuild
<= 10% of a clean build, peak memory < 2 GB for 1,000 documents, reading back a ~1,000,000-triple build < 30 s.

usage: .venv/bin/python bench/build.py [--documents 1000] [--extract-sample 200] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.build.parallel import default_jobs  # noqa: E402
from graph.text.read import read_document  # noqa: E402

SEED = ROOT / "data" / "seed" / "huarong-2023-12-26.txt"
OUTPUTS = ("graph.ttl", "graph.trig", "graph.graphml", "graph.html", "extract.json")  # summary.json has timings
HOME = {"county": "华容区", "short": "华容", "city": "鄂州市", "city_short": "鄂州", "province": "湖北省",
        "province_short": "湖北", "code": "420703"}


# ---------------------------------------------------------------- the corpus

def seed_sentences() -> list[str]:
    """The seed's sentences after its header lines (title, source, authors)."""
    doc = read_document(SEED)
    return [s.text for s in doc.sentences[4:]]


def divisions() -> list[tuple]:
    """(county, city, province, towns) for county-level divisions that have a city, a province and towns."""
    from graph.extract.gazetteer import load_divisions

    divs = load_divisions()
    towns: dict[str, list[str]] = {}
    for d in divs.values():
        if d.level == "town" and d.parent:
            towns.setdefault(d.parent, []).append(d.name)
    out = []
    for d in divs.values():
        city = divs.get(d.parent or "")
        province = divs.get(city.parent or "") if city else None
        if d.level == "county" and city and province and city.level == "city" and len(towns.get(d.code, [])) >= 3:
            out.append((d, city, province, towns[d.code]))
    return out


def relocate(text: str, county, city, province, towns: list[str], home_towns: list[str], rng: random.Random) -> str:
    """Move a text from 华容区 to another county: names, short names, city, province and towns."""
    swaps = {HOME["county"]: county.name, HOME["city"]: city.name, HOME["province"]: province.name,
             HOME["short"]: county.short, HOME["city_short"]: city.short, HOME["province_short"]: province.short}
    swaps.update((t, rng.choice(towns)) for t in home_towns)
    names = re.compile("|".join(sorted(map(re.escape, swaps), key=len, reverse=True)))  # 华容区 before 华容
    return names.sub(lambda m: swaps[m.group(0)], text)


def make_corpus(directory: Path, n: int, seed: int = 8) -> int:
    """Write n report-like documents; return their total characters as the build will see them."""
    from graph.extract.gazetteer import load_divisions

    rng = random.Random(seed)
    sentences = seed_sentences()
    places = divisions()
    home_towns = [d.name for d in load_divisions().values() if d.parent == HOME["code"]]
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        county, city, province, towns = rng.choice(places)
        year = rng.choice((2021, 2022, 2023, 2024))
        picked = sorted(rng.sample(range(len(sentences)), rng.randint(len(sentences) // 3, len(sentences) - 10)))
        body, para = [], []
        for j in picked:
            para.append(sentences[j])
            if rng.random() < 0.25:
                body.append("".join(para))
                para = []
        body.append("".join(para))
        text = (f"{city.name}{county.name}人民政府工作报告\n日期:{year + 1}-01-{rng.randint(5, 28):02d}\n"
                + re.sub(r"202[34]", lambda m, year=year: str(year + int(m.group(0)) - 2023), "\n".join(body)) + "\n")
        text = relocate(text, county, city, province, towns, home_towns, rng)
        (directory / f"{county.code}-{year}-{i:04d}.txt").write_text(text, encoding="utf-8")
    return sum(len(read_document(p).text) for p in sorted(directory.iterdir()))


# ---------------------------------------------------------------- measuring

def jieba_rate(texts: list[str]) -> float:
    """Characters per second of bare jieba.lcut on one core (dictionary already loaded)."""
    import jieba

    jieba.initialize()
    t = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    return sum(map(len, texts)) / (time.perf_counter() - t)


def extract_rate(paths: list[Path], fresh_sentences: bool = False) -> float:
    """Characters per second of reading and extracting documents on one core, as a build's worker does.
    fresh_sentences: forget the words of earlier documents' sentences before each document, as a corpus without
    repeated sentences would (this corpus recombines one report's sentences, so many recur)."""
    from graph.build.workers import warm_and_freeze
    from graph.extract.pipeline import process_document
    from graph.extract.relations import _clause_breaks, _sentence_years, _status
    from graph.extract.words import tokens

    warm_and_freeze()  # as a build's worker process starts: warmed up, what is loaded frozen for the collector
    chars = 0
    t = time.perf_counter()
    for p in paths:
        if fresh_sentences:
            for per_sentence in (tokens, _clause_breaks, _sentence_years, _status):
                per_sentence.cache_clear()
        doc = read_document(p)
        process_document(doc)
        chars += len(doc.text)
    return chars / (time.perf_counter() - t)


def tree_memory(pid: int, pss: bool = False) -> int:
    """RSS (or PSS) of a process and all its descendants, in bytes. RSS counts a page shared by two processes (a
    forked child's copy-on-write pages) twice; PSS splits it between them, so their sum is the memory in use. PSS
    costs ~20 ms per GB to read (the kernel walks the page tables): sample it less often. 0 where unavailable."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += _pss(p.pid) if pss else p.memory_info().rss
        except (psutil.NoSuchProcess, OSError, ValueError):
            pass
    return total


def _pss(pid: int) -> int:
    """Proportional set size from Linux's /proc/PID/smaps_rollup (OSError elsewhere)."""
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def run_build(corpus: Path, out: Path, *args: str) -> tuple[float, int, int]:
    """Seconds and peak memory (RSS and PSS of the process tree) of one `policykg build` in a fresh process."""
    cmd = [sys.executable, "-m", "cli", "build", str(corpus), "--out", str(out), "-q", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0, 0]

    def sample() -> None:
        ticks = 0
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_memory(proc.pid))
            if ticks % 10 == 0:  # PSS once a second: reading it takes CPU from the build being measured
                peak[1] = max(peak[1], tree_memory(proc.pid, pss=True))
            ticks += 1
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - t
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"build failed: {' '.join(cmd)}\n{err[-2000:]}")
    return seconds, peak[0], peak[1]


LOAD_BACK = """
import json, sys, time
t, c = time.perf_counter(), time.process_time()
from graph.kg import PolicyGraph
G = PolicyGraph.load(sys.argv[1]).to_networkx()
print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c, "nodes": G.number_of_nodes(),
                  "edges": G.number_of_edges()}))
"""


def load_back(out: Path) -> dict:
    """Seconds (wall and CPU) of PolicyGraph.load(out).to_networkx() in a fresh process, imports included."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", LOAD_BACK, str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                       check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--documents", type=int, default=1000)
    ap.add_argument("--extract-sample", type=int, default=200, help="documents timed for bare extraction")
    ap.add_argument("--keep", type=Path, help="keep the corpus and outputs in this directory")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="policykg-bench-build-"))
    corpus, out = work / "corpus", work / "kg"
    for d in (corpus, out, work / "kg-j1"):
        shutil.rmtree(d, ignore_errors=True)
    chars = make_corpus(corpus, args.documents)
    paths = sorted(corpus.iterdir())
    print(f"corpus: {len(paths)} documents, {chars:,} characters ({chars // len(paths):,} per document) in {corpus}")

    jieba = jieba_rate([read_document(p).text for p in paths])
    sample = random.Random(1).sample(paths, min(args.extract_sample, len(paths)))
    extract = extract_rate(sample)
    fresh = extract_rate(sample, fresh_sentences=True)
    jobs = default_jobs()
    tn, rssn, pssn = run_build(corpus, out, "--jobs", str(jobs))
    built = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    sizes = {name: (out / name).stat().st_size for name in ("graph.trig", "graph.ttl")}
    back = load_back(out)
    unchanged, *_ = run_build(corpus, out, "--jobs", str(jobs))
    first = paths[0]
    first.write_text(first.read_text(encoding="utf-8").replace("。", "。\n", 1), encoding="utf-8")
    one_changed, *_ = run_build(corpus, out, "--jobs", str(jobs))
    rebuilt = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    # the clean single-job build reads the changed corpus too: the incremental rebuild must equal it byte for byte
    t1, rss1, pss1 = run_build(corpus, work / "kg-j1", "--jobs", "1", "--no-cache")
    t2, *_ = (tn,) if jobs == 2 else run_build(corpus, work / "kg-j2", "--jobs", "2", "--no-cache")
    measure, mem1, memn = ("PSS", pss1, pssn) if pss1 and pssn else ("RSS", rss1, rssn)
    differing = [f for f in OUTPUTS if (out / f).read_bytes() != (work / "kg-j1" / f).read_bytes()]

    rows = [
        ("jieba.lcut, 1 core", f"{jieba / 1000:,.0f}k chars/s", "1.00x", ""),
        (f"extract, 1 core ({len(sample)} docs)", f"{extract / 1000:,.0f}k chars/s", f"{extract / jieba:.2f}x",
         "target >= 0.5x"),
        ("extract, sentences never seen before", f"{fresh / 1000:,.0f}k chars/s", f"{fresh / jieba:.2f}x",
         "each document's words computed anew"),
        ("build --jobs 1", f"{chars / t1 / 1000:,.0f}k chars/s", f"{chars / t1 / jieba:.2f}x", f"{t1:.1f} s"),
        (f"build --jobs {jobs} (all cores)", f"{chars / tn / 1000:,.0f}k chars/s", f"{chars / tn / jieba:.2f}x",
         f"{tn:.1f} s, target >= 0.3x"),
        ("speed-up --jobs 1 -> 2", f"{t1 / t2:.2f}x", "", ""),
        (f"peak memory, build (all processes, {measure})", f"{max(memn, mem1) / 2**20:,.0f} MB", "",
         f"jobs 1: {mem1 / 2**20:,.0f} MB, jobs {jobs}: {memn / 2**20:,.0f} MB; target < 2048 MB "
         f"(peak RSS sum, shared pages counted twice: {max(rss1, rssn) / 2**20:,.0f} MB)"),
        ("rebuild, nothing changed", f"{unchanged:.2f} s", f"{unchanged / tn:.1%} of clean", "target < 5%"),
        ("rebuild, 1 document changed", f"{one_changed:.2f} s", f"{one_changed / tn:.1%} of clean",
         f"target <= 10%; re-extracted {rebuilt.get('extracted')}, cached {rebuilt.get('cached')}; output "
         + (f"DIFFERS from a clean build: {', '.join(differing)}" if differing else "identical to a clean build")),
        ("graph.trig / graph.ttl", f"{sizes['graph.trig'] / 1e6:,.1f} MB", f"{sizes['graph.ttl'] / 1e6:,.1f} MB",
         f"{built['triples']:,} triples"),
        ("PolicyGraph.load(OUT).to_networkx()", f"{back['wall']:.1f} s", f"CPU {back['cpu']:.1f} s",
         f"{back['nodes']:,} nodes, {back['edges']:,} edges from {built['triples']:,} triples; target < 30 s "
         "for ~1,000,000 triples"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, ratio, note in rows:
        print(f"{name:<{width}}  {value:>16}  {ratio:>14}  {note}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
