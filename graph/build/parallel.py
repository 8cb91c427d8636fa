"""Extract documents in parallel: a work item per document, a worker function that returns the document's
rendered part (or why it could not be read), and the engines that run it — a local process pool, or Dask
(graph/distributed.py). Every engine yields results in input order, so the graph never depends on which worker
finished first."""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from graph.extract.pipeline import process_document
from graph.rdf.partition import DocumentPart, part_from_graph
from graph.text.model import DocumentError
from graph.text.read import read_document
from graph.text.segment import document_from_text

WARM_UP_TEXT = "湖北省鄂州市青山县人民政府工作报告\n2023年，青山县推进滨江大道建设，“三访三评”工作制度落实。\n"


@dataclass(frozen=True)
class WorkItem:
    """One document to extract: where it is, its cache key (None when its bytes could not be hashed), and the name
    its IRI is made from (unique in the build; empty: the file name)."""

    path: str
    key: str | None = None
    name: str = ""


@dataclass
class DocumentFailure:
    """A document that could not be read or extracted; the build reports it and goes on."""

    path: str
    message: str


@dataclass
class PackedPart:
    """A part pickled in the worker that made it: the cache keeps these bytes as they are instead of pickling the
    part again in the build's process (which does the serial work of the build)."""

    blob: bytes

    def unpack(self) -> DocumentPart:
        return pickle.loads(self.blob)


Outcome = DocumentPart | PackedPart | DocumentFailure
Engine = Callable[..., Iterator[Outcome]]


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def warm_up() -> None:
    """Load jieba, the lexicons and the gazetteer once per worker process instead of on its first document."""
    try:
        process_document(document_from_text(WARM_UP_TEXT, "warm-up.txt"))
    except Exception:  # a worker that cannot warm up fails on its first real document, with a message
        pass


def start_worker() -> None:
    """A pool worker's start: warm up, then freeze what is loaded. It lives as long as the process, and frozen, the
    cyclic garbage collector stops walking the gazetteer and the dictionaries on every full collection (about
    half of a worker's collection time). The collector runs here even if the parent paused it when it forked."""
    warm_up()
    gc.enable()
    gc.freeze()


def read_item(item: WorkItem, max_bytes: int, data: bytes | None = None):
    """The item's Document, named by the item: from its path, or from bytes sent by a client that does not share
    our disk."""
    if data is None:
        doc = read_document(item.path, max_bytes=max_bytes)
    else:
        with tempfile.TemporaryDirectory(prefix="policykg-") as tmp:
            local = Path(tmp) / Path(item.path).name
            local.write_bytes(data)
            try:
                doc = read_document(local, max_bytes=max_bytes)
            except DocumentError as exc:
                raise DocumentError(str(exc).replace(str(local), item.path)) from None
        doc.path = item.path
    if item.name:
        doc.name = item.name
    return doc


def extract_part(item: WorkItem, max_bytes: int, data: bytes | None = None) -> Outcome:
    """Read and extract one document into its part; any failure becomes a DocumentFailure, not a crashed build."""
    try:
        doc = read_item(item, max_bytes, data)
    except DocumentError as exc:
        return DocumentFailure(item.path, str(exc))
    try:
        return part_from_graph(process_document(doc), item.key, item.path)
    except Exception as exc:  # an extractor bug on one document must not lose the other thousand
        return DocumentFailure(item.path, f"{item.path}: extraction failed ({type(exc).__name__}: {exc})")


def extract_packed(item: WorkItem, max_bytes: int) -> PackedPart | DocumentFailure:
    """extract_part for a pool worker: the part comes back pickled once, ready for the cache."""
    outcome = extract_part(item, max_bytes)
    if isinstance(outcome, DocumentPart):
        return PackedPart(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    return outcome


class EngineError(ValueError):
    """An engine that cannot go on (a worker process died, the cluster went away); the old output stays."""


def ordered_results(submit: Callable[[WorkItem], object], items: list[WorkItem], window: int) -> Iterator[Outcome]:
    """Outcomes in input order with at most `window` documents in flight, so memory stays bounded however
    slow the first document is. `submit` returns an outcome or a future (anything with .result())."""
    pending: deque = deque()
    todo = iter(items)

    def more() -> bool:
        item = next(todo, None)
        if item is None:
            return False
        pending.append(submit(item))
        return True

    while len(pending) < window and more():
        pass
    while pending:
        outcome = pending.popleft()
        if not isinstance(outcome, (DocumentPart, PackedPart, DocumentFailure)):
            outcome = outcome.result()
        more()
        yield outcome


def _pool_context():
    """forkserver where there is one (safe when the caller has threads, e.g. a Dask client), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        ctx.set_forkserver_preload(["graph.build.parallel"])
    return ctx


def run_local(items: list[WorkItem], *, jobs: int, max_bytes: int, scheduler: str | None = None) -> Iterator[Outcome]:
    """Extract on this machine: in this process for one job or a couple of documents, else in a process pool."""
    if scheduler:
        raise ValueError("--scheduler is an address for --engine dask; the local engine uses this machine's cores")
    if jobs <= 1 or len(items) <= 2:  # a pool's start-up (jieba per process) costs more than it saves here
        yield from (extract_part(item, max_bytes) for item in items)
        return
    workers = min(jobs, len(items))
    with ProcessPoolExecutor(workers, mp_context=_pool_context(), initializer=start_worker) as pool:
        try:
            yield from ordered_results(lambda item: pool.submit(extract_packed, item, max_bytes), items, 4 * workers)
        except BrokenProcessPool:
            raise EngineError("a worker process died (out of memory? or a script calling build() without "
                              "`if __name__ == \"__main__\":`)") from None
