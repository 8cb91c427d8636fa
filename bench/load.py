"""Load on `policykg serve`: concurrent clients sending mixed read queries, measured in one run.

    .venv/bin/python bench/load.py                          # 1,000,000 quads, 8 clients x 200 queries
    .venv/bin/python bench/load.py --triples 20000 --clients 4 --queries 50

Generates the synthetic graph of bench/sparql.py, starts `policykg serve` on it (127.0.0.1, an ephemeral port,
--store oxigraph by default), and first checks that writes and federation are refused (SPARQL UPDATE by form and
by Content-Type, LOAD, SERVICE, the /update path). Then --clients threads each send --queries queries, cycling
through the example queries and small lookups, and it prints throughput, latency percentiles per query kind,
the server's memory (resident after loading, peak during the run; Linux /proc) and the failed requests by status
(a 503 is a query over the server's --timeout, or a full queue of waiting queries). Bounded: every client sends
exactly --queries requests, each with a client-side time limit; the server is stopped at the end.
"""
from __future__ import annotations

import argparse
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

LOOKUPS = {
    "count-documents": "SELECT (COUNT(?d) AS ?n) WHERE { ?d a pk:Document }",
    "labels-page": "SELECT ?e ?l WHERE { ?e rdfs:label ?l } LIMIT 50",
    "ask-place": "ASK { ?p a/rdfs:subClassOf* pk:Place }",
    "describe-one": "CONSTRUCT { ?e ?p ?o } WHERE { { SELECT ?e WHERE { ?e a pk:Town } LIMIT 1 } ?e ?p ?o }",
}
REFUSED = {  # name: (request kwargs) -> every one must be answered 403
    "update form": {"data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    "update body": {"body": b"DELETE WHERE { ?s ?p ?o }", "ctype": "application/sparql-update"},
    "LOAD as query": {"data": {"query": "LOAD <http://example.org/x.ttl>"}},
    "CLEAR as query": {"data": {"query": "CLEAR ALL"}},
    "SERVICE": {"data": {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}},
    "/update path": {"data": {"update": "CLEAR ALL"}, "path": "/update"},
}


def request(base: str, *, data: dict | None = None, body: bytes | None = None, ctype: str | None = None,
            path: str = "/sparql", timeout: float = 60) -> tuple[int, bytes]:
    """(status, body) of one POST; network errors are status 0."""
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


def start_server(data: Path, store: str, timeout: float) -> tuple[subprocess.Popen, str]:
    """`policykg serve` on 127.0.0.1 and an ephemeral port; returns the process and its base URL."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "serve", str(data), "--host", "127.0.0.1", "--port", "0",
                             "--store", store, "--timeout", str(timeout), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    first = proc.stdout.readline()
    if "SPARQL endpoint:" not in first:
        proc.kill()
        raise SystemExit(f"serve did not start: {first}{proc.stderr.read()}")
    return proc, first.split()[2].rsplit("/", 1)[0]


def stop_server(proc: subprocess.Popen) -> None:
    """Ctrl-C the server we started; kill it only if it will not stop."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def server_memory(pid: int) -> dict[str, int]:
    """The server's resident memory now (VmRSS) and at its peak (VmHWM), in MB; empty where /proc is missing."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
            fields = dict(line.split(":", 1) for line in fh if ":" in line)
    except OSError:
        return {}
    return {key: int(fields[key].split()[0]) // 1024 for key in ("VmRSS", "VmHWM") if key in fields}


def check_refusals(base: str) -> list[str]:
    """Lines saying whether each write or federation attempt was refused with 403."""
    lines = []
    for name, kwargs in REFUSED.items():
        status, _ = request(base, **kwargs)
        lines.append(f"  {'refused' if status == 403 else 'NOT REFUSED'} ({status}): {name}")
    return lines


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of non-empty values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def run_clients(base: str, queries: dict[str, str], clients: int, per_client: int, timeout: float) -> dict:
    """Every client sends per_client queries, cycling through `queries` from its own offset."""
    names = sorted(queries)
    latencies: dict[str, list[float]] = defaultdict(list)
    failures: Counter = Counter()
    lock = threading.Lock()

    def client(k: int) -> None:
        for i in range(per_client):
            name = names[(k + i) % len(names)]
            t = time.perf_counter()
            status, _ = request(base, data={"query": queries[name]}, timeout=timeout)
            took = time.perf_counter() - t
            with lock:
                if status == 200:
                    latencies[name].append(took)
                else:
                    failures[(name, status)] += 1

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"seconds": time.perf_counter() - started, "latencies": latencies, "failures": failures}


def report(result: dict, total: int) -> None:
    """Throughput, latency percentiles per query kind and overall, and failures by status."""
    from graph.output.tabular import format_rows

    lat = result["latencies"]
    ok = sum(len(v) for v in lat.values())
    every = [x for v in lat.values() for x in v]
    print(f"{total} requests in {result['seconds']:.1f} s: {total / result['seconds']:.1f} requests/s, "
          f"{ok} answered, {total - ok} failed")
    rows = [[name, len(v), *(f"{1000 * percentile(v, q):,.1f}" for q in (50, 90, 99)), f"{1000 * max(v):,.1f}"]
            for name, v in sorted(lat.items())]
    if every:
        rows.append(["all", len(every), *(f"{1000 * percentile(every, q):,.1f}" for q in (50, 90, 99)),
                     f"{1000 * max(every):,.1f}"])
    print(format_rows(["query", "ok", "p50 ms", "p90 ms", "p99 ms", "max ms"], rows), end="")
    for (name, status), n in sorted(result["failures"].items()):
        print(f"failed: {n} x {name} (HTTP {status or 'no answer'})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=1_000_000, help="size of the synthetic graph (quads)")
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients")
    ap.add_argument("--queries", type=int, default=200, help="queries per client")
    ap.add_argument("--store", default="oxigraph", help="serve's --store (memory is rdflib: slow for big graphs)")
    ap.add_argument("--timeout", type=float, default=30, help="serve's time limit per query, in seconds")
    args = ap.parse_args()
    from graph.store.sparql import list_examples

    queries = {**{e.name: e.sparql for e in list_examples()}, **LOOKUPS}
    with tempfile.TemporaryDirectory(prefix="policykg-load-") as tmp:
        data = Path(tmp) / "synthetic.nq"
        t = time.perf_counter()
        quads = generate(data, args.triples)
        print(f"synthetic graph: {quads:,} quads, generated in {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        proc, base = start_server(data, args.store, args.timeout)
        try:
            loaded = server_memory(proc.pid)
            print(f"serve --store {args.store}: ready in {time.perf_counter() - t:.1f} s at {base}"
                  + (f", {loaded['VmRSS']:,} MB resident" if loaded else ""), flush=True)
            refusals = check_refusals(base)
            print("writes and federation:", *refusals, sep="\n")
            result = run_clients(base, queries, args.clients, args.queries, timeout=args.timeout + 30)
            after = server_memory(proc.pid)
        finally:
            stop_server(proc)
    print(f"{args.clients} clients x {args.queries} queries, {len(queries)} kinds:")
    report(result, args.clients * args.queries)
    if loaded and after:
        print(f"server memory: {loaded['VmRSS']:,} MB after loading, peak {after['VmHWM']:,} MB, "
              f"{after['VmRSS']:,} MB at the end")
    return 1 if any("NOT REFUSED" in line for line in refusals) else 0


if __name__ == "__main__":
    sys.exit(main())
