"""Queries in worker processes that can be stopped for real, with bounded memory.

Neither a Python regex (it holds the GIL) nor a running Oxigraph query can be interrupted from another thread.
So every query runs in a worker process, one per slot: at its deadline the worker is killed (SIGKILL), which
frees the slot, the CPU and the memory at once. A template process loads the store once and forks the workers,
so they share the loaded graph copy-on-write and a replacement is ready in milliseconds, not after another load
(an on-disk Oxigraph store is instead opened read-only by each worker, in about 20 ms). One spare worker waits
beyond the slots, so a slot is usable again at once after a kill, while its replacement is forked.

    front (HTTP threads) --control socket--> template (store loaded, one thread) --fork--> worker x size
          ^------------------------- one socket per worker: jobs in, answers out --------------'

A worker may map at most `memory_mb` more than at its start (RLIMIT_AS: Python raises MemoryError, Oxigraph
aborts; either way the query gets a clear error and the worker is replaced), and one that kept more than that
after a long query is replaced. The template and the workers die with their parent (PR_SET_PDEATHSIG), ignore
Ctrl-C (the front stops them in order) and never write to the terminal.
"""
from __future__ import annotations

import ctypes
import gc
import os
import pickle
import queue
import resource
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from graph.store.errors import QueryError, QueryTimeout, ResourceLimit, StoreError

_LENGTH = struct.Struct("!Q")
_PR_SET_PDEATHSIG = 1
CHECK_MEMORY_AFTER = 0.5  # seconds: a query shorter than this cannot have copied much of the shared store
CHECK_MEMORY_EVERY = 100  # … but every 100th query is measured anyway (reading smaps_rollup takes 5-60 ms)


class _Deadline(Exception):
    """The worker did not answer before the query's deadline."""


# ---------------------------------------------------------------- messages over sockets


def _send(sock: socket.socket, obj) -> None:
    """One pickled message, length first (answers can be tens of MB)."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_LENGTH.pack(len(data)))
    sock.sendall(data)


def _read_exact(sock: socket.socket, n: int, deadline: float | None) -> bytes:
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Deadline
            sock.settimeout(left)
        try:
            k = sock.recv_into(view[got:])
        except socket.timeout:
            raise _Deadline from None
        if k == 0:
            raise EOFError("the other end closed")
        got += k
    return bytes(buf)


def _recv(sock: socket.socket, deadline: float | None = None):
    """One message sent by _send; EOFError when the other process is gone, _Deadline past `deadline`."""
    (n,) = _LENGTH.unpack(_read_exact(sock, _LENGTH.size, deadline))
    return pickle.loads(_read_exact(sock, n, deadline))


def _portable(exc: BaseException) -> BaseException:
    """An exception that survives pickling to the front: ours as they are, others as a one-line QueryError."""
    if isinstance(exc, (ValueError, OSError)):  # QueryError, StoreError, GraphLoadError …: user-facing
        try:
            pickle.loads(pickle.dumps(exc))
            return exc
        except Exception:
            pass
    msg = str(exc).splitlines()[0][:300] if str(exc) else ""
    return QueryError(f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__)


# ---------------------------------------------------------------- the child processes


def _become_child(parent: int, *, quiet: bool) -> None:
    """Die with the parent, leave Ctrl-C to it, and (quiet) keep off the terminal."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the front still kills its children when it stops
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2) if quiet else (0, 1):
        os.dup2(devnull, fd)
    os.close(devnull)


def _memory_kb(field_names: tuple[str, ...], path: str = "/proc/self/status") -> int:
    """The sum of some kB fields of /proc/self/status or smaps_rollup; 0 where /proc is missing."""
    try:
        with open(path, encoding="ascii") as fh:
            return sum(int(line.split()[1]) for line in fh if line.split(":")[0] in field_names)
    except OSError:
        return 0


def _limit_memory(memory_mb: int | None) -> None:
    """RLIMIT_AS: what the worker maps now plus memory_mb; past it allocations fail in this process only."""
    if memory_mb:
        limit = (_memory_kb(("VmSize",)) + memory_mb * 1024) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker(conn: socket.socket, store, work: Callable, memory_mb: int | None, parent: int) -> None:
    """Answer jobs one at a time until the front closes the socket; never returns."""
    _become_child(parent, quiet=True)
    try:
        store.attach()
        _limit_memory(memory_mb)
        _send(conn, ("ready", None, False))
    except BaseException as exc:
        _send(conn, ("error", _portable(exc), True))
        os._exit(1)
    served = 0
    while True:
        try:
            job = _recv(conn)
        except (EOFError, OSError):
            os._exit(0)
        started, retire = time.monotonic(), False
        try:
            reply = ("ok", work(store, job))
        except MemoryError:
            reply, retire = ("error", ResourceLimit(f"the query needed more than the {memory_mb} MB of memory a "
                                                    "query may use (narrow it or add a LIMIT)")), True
        except BaseException as exc:
            reply = ("error", _portable(exc))
        served += 1
        if memory_mb and not retire and (time.monotonic() - started > CHECK_MEMORY_AFTER
                                         or served % CHECK_MEMORY_EVERY == 0):
            retire = _memory_kb(("Private_Clean", "Private_Dirty"), "/proc/self/smaps_rollup") > memory_mb * 1024
        try:
            _send(conn, (*reply, retire))
        except MemoryError:
            _send(conn, ("error", ResourceLimit(f"the answer needs more than {memory_mb} MB"), True))
            retire = True
        except OSError:
            os._exit(0)
        if retire:
            os._exit(0)


def _template(control: socket.socket, opener: Callable, work: Callable, memory_mb: int | None, parent: int) -> None:
    """Load the store, then fork a worker for every `spawn` the front sends; never returns."""
    _become_child(parent, quiet=False)
    try:
        store = opener()
    except BaseException as exc:
        control.send(pickle.dumps(("error", _portable(exc))))
        os._exit(1)
    control.send(pickle.dumps(("ready", store.description)))
    gc.collect()
    gc.freeze()  # the collector of a worker never walks (and so never copies) the loaded graph
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps dead workers
    me = os.getpid()
    while True:
        try:
            msg = control.recv(64)
        except OSError:
            msg = b""
        if msg != b"spawn":
            os._exit(0)
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            control.close()
            ours.close()
            _worker(theirs, store, work, memory_mb, me)
        theirs.close()
        fds = [ours.fileno()]
        try:
            fds.append(os.pidfd_open(pid))
        except (AttributeError, OSError):  # no pidfd (old kernel): the front kills by pid
            pass
        socket.send_fds(control, [_LENGTH.pack(pid)], fds)
        ours.close()
        if len(fds) > 1:
            os.close(fds[1])


# ---------------------------------------------------------------- the front's side


@dataclass(eq=False)
class Worker:
    """A worker process as the front sees it: its socket and a handle to kill it by (a pidfd where Linux has one)."""

    pid: int
    conn: socket.socket
    pidfd: int | None

    def kill(self) -> None:
        """SIGKILL: the query stops at once, wherever it is."""
        try:
            if self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)
        except OSError:  # already gone
            pass

    def close(self) -> None:
        self.conn.close()
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None


@dataclass
class PoolStats:
    """What the pool has done: for /status and bench/load.py."""

    running: int = 0
    waiting: int = 0
    answered: int = 0
    stopped_at_deadline: int = 0
    over_memory: int = 0
    retired: int = 0
    replace_seconds: list[float] = field(default_factory=list)
    slowest_worker_wait: float = 0.0  # longest a query with a slot waited for a worker (all were being replaced)


class WorkerPool:
    """`size` slots and `size + spares` workers forked from one template that holds the store; run() gives a job to
    a free worker once it has a slot, waiting in a bounded queue, and kills the worker at the deadline."""

    def __init__(self, opener: Callable[[], object], work: Callable[[object, object], object], *, size: int = 4,
                 spares: int = 1, memory_mb: int | None = None, max_waiting: int = 64, start_timeout: float = 600):
        self.opener, self.work, self.size, self.spares = opener, work, size, spares
        self.memory_mb, self.max_waiting, self.start_timeout = memory_mb, max_waiting, start_timeout
        self.stats = PoolStats()
        self.description = ""
        self._slots = threading.Semaphore(size)
        self._idle: queue.Queue[Worker | None] = queue.Queue()  # None wakes a waiting query when the pool closes
        self._pending: queue.Queue[tuple[float, Worker] | None] = queue.Queue()
        self._workers: set[Worker] = set()
        self._lock = threading.Lock()
        self._control: socket.socket | None = None
        self._template_pid: int | None = None
        self._keeper: threading.Thread | None = None
        self._closing = False

    # -- starting and stopping

    def start(self, close_in_children: tuple[socket.socket, ...] = ()) -> str:
        """Fork the template, wait until it has loaded the store, start the workers; the store's description.
        Call before starting any thread: the template is forked from this one."""
        front, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:
            front.close()
            for s in close_in_children:
                s.close()
            _template(theirs, self.opener, self.work, self.memory_mb, os.getppid())
        theirs.close()
        self._control, self._template_pid = front, pid
        try:
            msg = front.recv(1 << 20)
            kind, value = pickle.loads(msg) if msg else ("error", StoreError("the store's process stopped"))
            if kind == "error":
                raise value
            self.description = value
            for _ in range(self.size + self.spares):
                self._add(self._spawn())
        except BaseException:
            self.close()
            raise
        self._keeper = threading.Thread(target=self._keep, name="policykg-pool-keeper", daemon=True)
        self._keeper.start()
        return self.description

    def close(self) -> None:
        """Kill every worker and the template; a query still running gets QueryTimeout('stopping')."""
        self._closing = True
        self._pending.put(None)
        with self._lock:
            workers = list(self._workers)
            for _ in range(self.stats.waiting + self.size):
                self._slots.release()
                self._idle.put(None)
        for w in workers:
            w.kill()
        if self._control is not None:
            self._control.close()
        if self._template_pid is not None:
            _stop_child(self._template_pid)
            self._template_pid = None

    # -- workers

    def _spawn(self) -> Worker:
        """A new worker from the template, once it says it is ready (an on-disk store is opened by then)."""
        if self._control is None:
            raise StoreError("the pool is not started")
        self._control.send(b"spawn")
        data, fds, _, _ = socket.recv_fds(self._control, 64, 2)
        if not data or not fds:
            raise StoreError("the store's process stopped; restart `policykg serve`")
        worker = Worker(_LENGTH.unpack(data)[0], socket.socket(fileno=fds[0]), fds[1] if len(fds) > 1 else None)
        try:
            kind, value, _ = _recv(worker.conn, time.monotonic() + self.start_timeout)
        except (EOFError, OSError, _Deadline):
            kind, value = "error", StoreError("a query worker did not start")
        if kind == "error":
            worker.kill()
            worker.close()
            raise value
        return worker

    def _add(self, worker: Worker) -> None:
        with self._lock:
            self._workers.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: Worker) -> None:
        """Kill a worker and have the keeper thread fork its replacement."""
        with self._lock:
            self._workers.discard(worker)
        worker.kill()
        self._pending.put((time.monotonic(), worker))

    def _keep(self) -> None:
        """Fork a replacement for every worker that was killed or retired (one at a time: one control socket)."""
        while True:
            item = self._pending.get()
            if item is None or self._closing:
                return
            since, dead = item
            dead.close()  # killed already; the kernel frees its memory while the replacement forks
            try:
                self._add(self._spawn())
            except (StoreError, QueryError, OSError):
                if not self._closing:
                    time.sleep(1)  # the template is gone: slots stay empty, queries get 503 busy
                continue
            with self._lock:
                self.stats.replace_seconds.append(time.monotonic() - since)

    # -- running a job

    def run(self, job, *, timeout: float, wait: float | None = None):
        """work(store, job) in a free worker within `timeout` seconds, after waiting at most `wait` (default:
        timeout) for a free worker; QueryTimeout past either, ResourceLimit when the worker ran out of memory."""
        worker = self._take(timeout if wait is None else wait)
        deadline = time.monotonic() + timeout
        try:
            _send(worker.conn, job)
            kind, value, retire = _recv(worker.conn, deadline)
        except _Deadline:
            self._replace(worker)
            self._count("stopped_at_deadline")
            raise QueryTimeout(f"query stopped at the {timeout:g} s time limit (add a LIMIT, narrow it, "
                               "or raise --timeout)") from None
        except (EOFError, OSError):
            self._replace(worker)
            if self._closing:
                raise QueryTimeout("the endpoint is stopping; the query was not finished") from None
            self._count("over_memory")
            raise ResourceLimit(f"the query needed more than the {self.memory_mb} MB of memory a query may use "
                                "(narrow it or add a LIMIT)" if self.memory_mb else
                                "the query's worker process stopped") from None
        else:
            if retire:
                self._replace(worker)
                self._count("retired")
            else:
                self._idle.put(worker)  # before the slot is released: the next query finds a worker
        finally:
            self._count("running", -1)
            self._slots.release()
        self._count("answered")
        if kind == "error":
            raise value
        return value

    def _take(self, wait: float) -> Worker:
        """A slot and a free worker, waiting in a bounded queue so a burst is served in turn, not refused."""
        with self._lock:
            if self._closing:
                raise QueryTimeout("the endpoint is stopping")
            if self.stats.waiting >= self.max_waiting:
                raise QueryTimeout(f"the endpoint is busy: {self.max_waiting} queries are already waiting; "
                                   "retry in a few seconds")
            self.stats.waiting += 1
        until = time.monotonic() + wait
        try:
            if not self._slots.acquire(timeout=wait):
                raise QueryTimeout(f"the endpoint is busy: no query slot came free within {wait:g} s; "
                                   "retry in a few seconds")
            started = time.monotonic()
            try:
                worker = self._idle.get(timeout=max(0.0, until - started))
            except queue.Empty:
                self._slots.release()
                raise QueryTimeout("the endpoint is busy: its workers are being replaced; retry in a few "
                                   "seconds") from None
        finally:
            self._count("waiting", -1)
        if worker is None:
            self._idle.put(None)  # for the next waiting query
            raise QueryTimeout("the endpoint is stopping; the query was not run")
        with self._lock:
            self.stats.running += 1
            self.stats.slowest_worker_wait = max(self.stats.slowest_worker_wait, time.monotonic() - started)
        return worker

    def _count(self, what: str, step: int = 1) -> None:
        with self._lock:
            setattr(self.stats, what, getattr(self.stats, what) + step)

    def status(self) -> dict:
        """The pool's counts now: slots, queries running and waiting, and what stopped or replaced workers."""
        with self._lock:
            s = self.stats
            times = s.replace_seconds
            return {"slots": self.size, "workers": len(self._workers), "idle": self._idle.qsize(),
                    "running": s.running, "waiting": s.waiting, "answered": s.answered,
                    "stopped_at_deadline": s.stopped_at_deadline, "over_memory": s.over_memory,
                    "retired": s.retired, "replaced": len(times),
                    "slowest_replacement_ms": round(1000 * max(times), 1) if times else None,
                    "slowest_worker_wait_ms": round(1000 * s.slowest_worker_wait, 1),
                    "memory_limit_mb": self.memory_mb,
                    "pids": {"template": self._template_pid, "workers": sorted(w.pid for w in self._workers)}}


def _stop_child(pid: int, grace: float = 2.0) -> None:
    """Wait up to `grace` seconds for a child of ours to exit (it was asked to), then kill it."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:
            return
        time.sleep(0.02)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
