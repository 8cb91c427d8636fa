"""Load on `policykg serve`: concurrent clients sending mixed read queries, then the same with a hostile mix, in one run.

    .venv/bin/python bench/load.py                          # 1,000,000 quads, 8 clients x 200 queries, twice
    .venv/bin/python bench/load.py --triples 100000 --clients 4 --queries 50

Generates the synthetic graph of bench/sparql.py, starts `policykg serve` on it (127.0.0.1, an ephemeral port,
--store oxigraph by default), and first checks that writes and federation are refused (SPARQL UPDATE by form and
by Content-Type, LOAD, SERVICE, SERV\\u0049CE, FROM of a remote graph, the /update path). Then two phases on the
same server: --clients threads each send --queries queries, cycling through the example queries and small
lookups; in the second phase --hostile of them (3 % by default) are pathological instead: a backtracking regex, an
unbounded path query, a sorted cartesian product and a CONSTRUCT of the whole graph. It prints, per phase,
throughput, latency percentiles per query kind, failed requests by status (0: no HTTP answer, a reset), and the
targets: cheap-query p99 under the hostile mix within 3x of its value without it, no reset, every worker's memory
within --max-memory of the loaded store (resident memory sampled every 0.5 s from Linux /proc), and each slot
free again within 1 s of a deadline (the server's own count, /status). Bounded: every client sends exactly
--queries requests, each with a client-side time limit; the server is stopped at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sparql import generate  # noqa: E402 (bench/sparql.py: the synthetic policykg-shaped graph)

LOOKUPS = {  # the cheap queries whose p99 is the target
    "count-documents": "SELECT (COUNT(?d) AS ?n) WHERE { ?d a pk:Document }",
    "labels-page": "SELECT ?e ?l WHERE { ?e rdfs:label ?l } LIMIT 50",
    "ask-place": "ASK { ?p a/rdfs:subClassOf* pk:Place }",
    "describe-one": "CONSTRUCT { ?e ?p ?o } WHERE { { SELECT ?e WHERE { ?e a pk:Town } LIMIT 1 } ?e ?p ?o }",
}
HOSTILE = {
    "hostile-regex": 'ASK { FILTER regex("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "^(a+)+$") }',
    "hostile-path": "SELECT (COUNT(*) AS ?n) WHERE { ?a (pk:relatedTo|^pk:relatedTo|pk:partOf|^pk:partOf)* ?b }",
    "hostile-product": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f",
    "hostile-construct": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
}
REFUSED = {  # name: (request kwargs) -> every one must be answered 403
    "update form": {"data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    "update body": {"body": b"DELETE WHERE { ?s ?p ?o }", "ctype": "application/sparql-update"},
    "LOAD as query": {"data": {"query": "LOAD <http://example.org/x.ttl>"}},
    "CLEAR as query": {"data": {"query": "CLEAR ALL"}},
    "SERVICE": {"data": {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}},
    "SERV\\u0049CE": {"data": {"query": "SELECT * WHERE { SERV\\u0049CE <http://127.0.0.1:9/s> { ?s ?p ?o } }"}},
    "FROM elsewhere": {"data": {"query": "SELECT * FROM <http://127.0.0.1:9/x.nt> WHERE { ?s ?p ?o }"}},
    "/update path": {"data": {"update": "CLEAR ALL"}, "path": "/update"},
}


def request(base: str, *, data: dict | None = None, body: bytes | None = None, ctype: str | None = None,
            path: str = "/sparql", timeout: float = 60) -> tuple[int, bytes]:
    """(status, body) of one POST; network errors (no HTTP answer) are status 0."""
    if data is not None:
        body, ctype = urllib.parse.urlencode(data).encode("utf-8"), "application/x-www-form-urlencoded"
    req = urllib.request.Request(base + path, data=body, method="POST",
                                 headers={"Content-Type": ctype, "Accept": "application/sparql-results+json, text/turtle"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError as exc:
        return 0, str(exc).encode("utf-8")


def start_server(data: Path, args) -> tuple[subprocess.Popen, str]:
    """`policykg serve` on 127.0.0.1 and an ephemeral port; returns the process and its base URL."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "serve", str(data), "--host", "127.0.0.1", "--port", "0",
                             "--store", args.store, "--timeout", str(args.timeout), "--workers", str(args.workers),
                             "--max-memory", str(args.max_memory), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    first = proc.stdout.readline()
    if "SPARQL endpoint:" not in first:
        proc.kill()
        raise SystemExit(f"serve did not start: {first}{proc.stderr.read()}")
    proc.stdout.readline()
    return proc, first.split()[2].rsplit("/", 1)[0]


def stop_server(proc: subprocess.Popen) -> float:
    """Ctrl-C the server we started (kill it only if it will not stop); the seconds it took to exit."""
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return time.monotonic() - started


def rss_mb(pid: int, field: int = 1) -> float:
    """Resident memory of one process (Linux /proc/PID/statm; field 0: its mapped size); 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[field]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def status(base: str) -> dict:
    """The server's /status: its pool's counts and process ids."""
    with urllib.request.urlopen(base + "/status", timeout=30) as r:
        return json.loads(r.read())


def pss_mb(pid: int) -> float:
    """Proportional memory of one process (shared pages divided among their sharers; Linux smaps_rollup)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            return sum(int(line.split()[1]) for line in fh if line.startswith("Pss:")) / 1024
    except OSError:
        return 0.0


class MemorySampler:
    """Every 0.5 s: the resident memory of the front, the template and each worker (a worker's own growth is what
    --max-memory bounds: its resident memory minus the template's); every 5 s their proportional sum (PSS: what
    they take together, shared pages once)."""

    def __init__(self, front_pid: int, base: str):
        self.front_pid, self.base = front_pid, base
        self.peak_total = self.peak_worker_over_template = self.template_mapped = self.peak_pss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        pids = status(self.base)["pids"]
        tick = 0
        while not self._stop.wait(0.5):
            tick += 1
            try:
                pids = status(self.base)["pids"]
            except OSError:
                pass
            template = rss_mb(pids["template"])
            self.template_mapped = max(self.template_mapped, rss_mb(pids["template"], field=0))
            workers = [rss_mb(p) for p in pids["workers"]]
            self.peak_total = max(self.peak_total, rss_mb(self.front_pid) + template + sum(workers))
            self.peak_worker_over_template = max(self.peak_worker_over_template,
                                                 *(w - template for w in workers), 0.0)
            if tick % 10 == 1:
                self.peak_pss = max(self.peak_pss, sum(pss_mb(p) for p in
                                                       (self.front_pid, pids["template"], *pids["workers"])))


def check_refusals(base: str) -> list[str]:
    """Lines saying whether each write or federation attempt was refused with 403."""
    lines = []
    for name, kwargs in REFUSED.items():
        code, _ = request(base, **kwargs)
        lines.append(f"  {'refused' if code == 403 else 'NOT REFUSED'} ({code}): {name}")
    return lines


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of non-empty values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def run_clients(base: str, queries: dict[str, str], clients: int, per_client: int, timeout: float,
                hostile_every: int = 0) -> dict:
    """Every client sends per_client queries, cycling through `queries` from its own offset; with hostile_every,
    every hostile_every-th request overall is one of HOSTILE instead."""
    names, bad = sorted(queries), sorted(HOSTILE)
    latencies: dict[str, list[float]] = defaultdict(list)
    failures: Counter = Counter()
    lock = threading.Lock()

    def client(k: int) -> None:
        for i in range(per_client):
            n = k * per_client + i
            if hostile_every and n % hostile_every == hostile_every // 2:
                name = bad[(n // hostile_every) % len(bad)]
                text = HOSTILE[name]
            else:
                name = names[(k + i) % len(names)]
                text = queries[name]
            t = time.perf_counter()
            code, _ = request(base, data={"query": text}, timeout=timeout)
            took = time.perf_counter() - t
            with lock:
                if code == 200:
                    latencies[name].append(took)
                else:
                    failures[(name, code)] += 1

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"seconds": time.perf_counter() - started, "latencies": latencies, "failures": failures}


def cheap_p99(result: dict) -> float | None:
    cheap = [x for name in LOOKUPS for x in result["latencies"].get(name, [])]
    return percentile(cheap, 99) if cheap else None


def report(result: dict, total: int) -> None:
    """Throughput, latency percentiles per query kind and overall, and failures by status."""
    from graph.output.tabular import format_rows

    lat = result["latencies"]
    ok = sum(len(v) for v in lat.values())
    every = [x for name, v in lat.items() if name not in HOSTILE for x in v]
    print(f"{total} requests in {result['seconds']:.1f} s: {total / result['seconds']:.1f} requests/s, "
          f"{ok} answered, {total - ok} failed")
    rows = [[name, len(v), *(f"{1000 * percentile(v, q):,.1f}" for q in (50, 90, 99)), f"{1000 * max(v):,.1f}"]
            for name, v in sorted(lat.items())]
    if every:
        rows.append(["all but hostile", len(every), *(f"{1000 * percentile(every, q):,.1f}" for q in (50, 90, 99)),
                     f"{1000 * max(every):,.1f}"])
    print(format_rows(["query", "ok", "p50 ms", "p90 ms", "p99 ms", "max ms"], rows), end="")
    for (name, code), n in sorted(result["failures"].items()):
        print(f"failed: {n} x {name} (HTTP {code or 'no answer'})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=1_000_000, help="size of the synthetic graph (quads)")
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients")
    ap.add_argument("--queries", type=int, default=200, help="queries per client")
    ap.add_argument("--store", default="oxigraph", help="serve's --store (memory is rdflib: slow for big graphs)")
    ap.add_argument("--timeout", type=float, default=10, help="serve's time limit per query, in seconds")
    ap.add_argument("--workers", type=int, default=4, help="serve's --workers")
    ap.add_argument("--max-memory", type=int, default=1024, help="serve's --max-memory, MB per query")
    ap.add_argument("--hostile", type=float, default=0.03, help="share of pathological queries in the second phase")
    args = ap.parse_args()
    from graph.store.sparql import list_examples

    queries = {**{e.name: e.sparql for e in list_examples()}, **LOOKUPS}
    hostile_every = round(1 / args.hostile) if args.hostile else 0
    total = args.clients * args.queries
    with tempfile.TemporaryDirectory(prefix="policykg-load-") as tmp:
        data = Path(tmp) / "synthetic.nq"
        t = time.perf_counter()
        quads = generate(data, args.triples)
        print(f"synthetic graph: {quads:,} quads, generated in {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        proc, base = start_server(data, args)
        try:
            pids = status(base)["pids"]
            loaded = rss_mb(pids["template"])
            print(f"serve --store {args.store}: ready in {time.perf_counter() - t:.1f} s at {base}; store process "
                  f"{loaded:,.0f} MB resident, front {rss_mb(proc.pid):,.0f} MB, {args.workers} workers, "
                  f"--timeout {args.timeout:g} --max-memory {args.max_memory}", flush=True)
            refusals = check_refusals(base)
            print("writes and federation:", *refusals, sep="\n", flush=True)
            t = time.perf_counter()
            run_clients(base, queries, args.workers, 2 * len(queries), args.timeout + 30)
            print(f"warm-up: every query {2 * args.workers} times in {time.perf_counter() - t:.1f} s (each worker "
                  "parses a query once, then keeps its plan)", flush=True)
            phases = {}
            for name, every in (("without hostile queries", 0), (f"with {args.hostile:.0%} hostile queries", hostile_every)):
                with MemorySampler(proc.pid, base) as memory:
                    result = run_clients(base, queries, args.clients, args.queries, args.timeout + 30, every)
                phases[name] = (result, memory)
                print(f"\n{args.clients} clients x {args.queries} queries, {name}:", flush=True)
                report(result, total)
            final = status(base)
        finally:
            stopped = stop_server(proc)
    (calm, _), (rough, memory) = phases.values()
    p99_calm, p99_rough = cheap_p99(calm), cheap_p99(rough)
    resets = sum(n for (_, code), n in calm["failures"].items() if code == 0) + \
        sum(n for (_, code), n in rough["failures"].items() if code == 0)
    slowest = final.get("slowest_replacement_ms")
    worker_peak = max(m.peak_worker_over_template for _, m in phases.values())
    mapped = max(m.template_mapped for _, m in phases.values())
    print("\ntargets:")
    if p99_calm and p99_rough:
        print(f"  cheap-query p99: {1000 * p99_calm:,.1f} ms without, {1000 * p99_rough:,.1f} ms with the hostile "
              f"mix: {p99_rough / p99_calm:.2f}x (target <= 3x)")
    print(f"  requests without an HTTP answer (resets): {resets} (target 0)")
    print(f"  memory: store process {loaded:,.0f} MB resident ({mapped:,.0f} MB mapped); a worker's peak "
          f"{worker_peak:,.0f} MB above the store's resident memory (a worker may map {args.max_memory} MB beyond the "
          f"{mapped:,.0f} MB it starts with); peak of front + store + workers "
          f"{max(m.peak_total for _, m in phases.values()):,.0f} MB resident (shared pages counted in every process), "
          f"{max(m.peak_pss for _, m in phases.values()):,.0f} MB proportional (shared pages once)")
    print(f"  workers killed at a deadline: {final.get('stopped_at_deadline')}, over memory: "
          f"{final.get('over_memory')}, retired after a query: {final.get('retired')}; a slot is free at its kill; "
          f"the longest a query holding a slot waited for a worker: {final.get('slowest_worker_wait_ms')} ms "
          f"(target < 1000 ms); slowest fork of a replacement {slowest} ms after its kill")
    print(f"  stop: {stopped:.1f} s from Ctrl-C to exit")
    return 1 if any("NOT REFUSED" in line for line in refusals) else 0


if __name__ == "__main__":
    sys.exit(main())
