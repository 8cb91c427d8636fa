"""Extract on a Dask distributed cluster (`--engine dask`): each document is a task that returns its rendered
part of the graph (owned triples as Turtle, shared triples, entities) to this machine, which merges the parts
in document order exactly as a local build does — so the graph is the same, byte for byte.

Without a scheduler address a LocalCluster with one single-threaded worker process per job runs here. With one
(`tcp://host:8786`), the documents' bytes are sent to the workers, so they need policykg installed but not our
disk; workers whose policykg differs from ours (code, lexicons, library versions) are refused."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager

from graph.build.cache import extractor_fingerprint
from graph.build.parallel import EngineError, Outcome, WorkItem, extract_part, ordered_results
from graph.build.workers import warm_up
from graph.text.model import DocumentError
from graph.text.read import read_regular_file

CONNECT_TIMEOUT = "30s"


def worker_fingerprint() -> str:
    """Run on every worker: warm the extractor up and say which extractor this is."""
    warm_up()
    return extractor_fingerprint()


@contextmanager
def dask_client(scheduler: str | None, jobs: int):
    """A client of the cluster at `scheduler`, or of a LocalCluster with `jobs` worker processes (closed after)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ValueError("--engine dask needs Dask: pip install dask==2026.8.0 distributed==2026.8.0") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
        with client:
            yield client
        return
    with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def check_workers(client) -> int:
    """Warm every worker up and refuse workers running another extractor; return how many threads there are."""
    client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    ours = extractor_fingerprint()
    theirs = client.run(worker_fingerprint)
    odd = sorted(addr for addr, fp in theirs.items() if fp != ours)
    if odd:
        raise ValueError(f"Dask workers {', '.join(odd)} run a different policykg (code, lexicons or library "
                         "versions differ from this machine's); install the same version on every worker")
    return max(1, sum(client.nthreads().values()))


def run_dask(items: list[WorkItem], *, jobs: int, max_bytes: int, scheduler: str | None = None,
             doc_timeout: float | None = None) -> Iterator[Outcome]:
    """Extract every item on the cluster, a bounded window of tasks at a time, yielding parts in input order.
    doc_timeout is not enforced: a Dask task cannot be stopped from outside its worker (README says so)."""
    if not items:
        return
    with dask_client(scheduler, jobs) as client:
        from distributed import KilledWorker

        window = 2 * check_workers(client) + 2

        def submit(item: WorkItem):
            data = _read_bytes(item.path, max_bytes) if scheduler else None  # remote workers lack our disk
            if scheduler and data is None:  # unreadable or too large here: say why without bothering a worker
                return extract_part(item, max_bytes)
            return client.submit(extract_part, item, max_bytes, data, pure=False)

        try:
            yield from ordered_results(submit, items, window)
        except (OSError, TimeoutError, KilledWorker, CancelledError) as exc:  # a worker died, the cluster went away
            raise EngineError(f"Dask task failed: {type(exc).__name__}: {exc}") from None


def _read_bytes(path: str, max_bytes: int) -> bytes | None:
    """The file's bytes to send to a worker, or None to let the worker report why it cannot be read."""
    try:
        return read_regular_file(path, max_bytes)
    except DocumentError:
        return None
