"""Extract documents in parallel: a work item per document, a worker function that returns the document's
rendered part (or why it could not be read), and the engines that run it — a local process pool, or Dask
(graph/distributed.py). Every engine yields results in input order, so the graph never depends on which worker
finished first.

Each document has a time budget (--doc-timeout). A pool worker still busy past it is killed and replaced (pebble's
ProcessPool), and the document becomes a warning; in this process (one job, or a couple of documents) a timer
signal ends the document instead. Any exception while reading or extracting one document, including ones that
cannot be pickled back from a worker (lxml's), becomes that document's one-line warning."""
from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from graph.build.workers import start_worker
from graph.extract.pipeline import process_document
from graph.output.messages import one_line
from graph.rdf.partition import DocumentPart, part_from_graph
from graph.text.model import DocumentError
from graph.text.read import read_document

DEFAULT_DOC_TIMEOUT = 600.0  # seconds; a 4 MB text of nothing but entity names takes about 2 minutes


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


class DocumentTimeout(BaseException):
    """A document past its time budget, raised by a timer signal in this process. A BaseException, so that no
    `except Exception` inside a library swallows it and goes on reading."""


def failure(item: WorkItem, message: str) -> DocumentFailure:
    """A DocumentFailure whose message is one line, whatever the file name or the library's exception holds."""
    return DocumentFailure(item.path, one_line(message))


def extract_part(item: WorkItem, max_bytes: int, data: bytes | None = None) -> Outcome:
    """Read and extract one document into its part; any failure becomes a DocumentFailure, not a crashed build."""
    try:
        doc = read_item(item, max_bytes, data)
    except DocumentError as exc:
        return failure(item, str(exc))
    except Exception as exc:  # a reader library's own error on a damaged file: that document's warning
        return failure(item, f"{item.path}: cannot be read ({type(exc).__name__}: {exc})")
    try:
        return part_from_graph(process_document(doc), item.key, item.path)
    except Exception as exc:  # an extractor bug on one document must not lose the other thousand
        return failure(item, f"{item.path}: extraction failed ({type(exc).__name__}: {exc})")


def too_slow(item: WorkItem, seconds: float) -> DocumentFailure:
    return failure(item, f"{item.path}: skipped: not read and extracted within its time budget of {seconds:g} s "
                         "(raise it with --doc-timeout)")


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout in this thread after `seconds` (a real-time timer signal). Only the main thread can
    take signals: elsewhere, and where there is no such timer, the block runs without a limit."""
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise DocumentTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_here(item: WorkItem, max_bytes: int, seconds: float | None = DEFAULT_DOC_TIMEOUT) -> Outcome:
    """extract_part in this process, within the document's time budget."""
    try:
        with time_limit(seconds):
            return extract_part(item, max_bytes)
    except DocumentTimeout:
        return too_slow(item, seconds or 0)


def extract_packed(item: WorkItem, max_bytes: int) -> PackedPart | DocumentFailure:
    """extract_part for a pool worker: the part comes back pickled once, ready for the cache."""
    outcome = extract_part(item, max_bytes)
    if isinstance(outcome, DocumentPart):
        try:
            return PackedPart(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception as exc:
            return failure(item, f"{item.path}: extraction failed ({type(exc).__name__}: {exc})")
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


@dataclass
class PoolTask:
    """A document in the pool: its future, turned into an outcome when it is asked for."""

    item: WorkItem
    future: object
    seconds: float | None

    def result(self) -> Outcome:
        from pebble import ProcessExpired

        try:
            return self.future.result()
        except FutureTimeout:
            return too_slow(self.item, self.seconds or 0)
        except ProcessExpired as exc:  # killed by the system (out of memory?) or crashed inside a C library
            return failure(self.item, f"{self.item.path}: the worker process reading it died (exit code "
                                      f"{exc.exitcode}; out of memory?)")
        except BrokenProcessPool:
            raise EngineError("the worker processes cannot start (a script calling build() without "
                              "`if __name__ == \"__main__\":`?)") from None
        except Exception as exc:  # the outcome could not be sent back
            return failure(self.item, f"{self.item.path}: extraction failed ({type(exc).__name__}: {exc})")


def run_local(items: list[WorkItem], *, jobs: int, max_bytes: int, scheduler: str | None = None,
              doc_timeout: float | None = DEFAULT_DOC_TIMEOUT) -> Iterator[Outcome]:
    """Extract on this machine: in this process for one job or a couple of documents, else in a process pool
    whose workers are killed and replaced when a document outlasts doc_timeout seconds (None: no limit)."""
    if scheduler:
        raise ValueError("--scheduler is an address for --engine dask; the local engine uses this machine's cores")
    if jobs <= 1 or len(items) <= 2:  # a pool's start-up (jieba per process) costs more than it saves here
        yield from (extract_here(item, max_bytes, doc_timeout) for item in items)
        return
    from pebble import ProcessPool

    workers = min(jobs, len(items))
    pool = ProcessPool(workers, initializer=start_worker, initargs=(os.getpid(),),
                       context=multiprocessing.get_context("spawn"))
    try:
        yield from ordered_results(
            lambda item: PoolTask(item, pool.schedule(extract_packed, (item, max_bytes), timeout=doc_timeout),
                                  doc_timeout), items, 4 * workers)
    finally:
        pool.stop()
        pool.join()
