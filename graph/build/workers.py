"""The life of a pool worker process: warmed up once, tied to the build's process so that it dies with it, and
kept off the caller's standard output.

Workers are started with "spawn", so they are children of the build's process itself (a forkserver would be their
parent instead, and it outlives a build killed with SIGKILL for as long as the workers do). On Linux the kernel
kills a worker as soon as its parent dies (PR_SET_PDEATHSIG), even one stuck inside a C call; elsewhere a watchdog
thread sees the parent gone within a second."""
from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys
import threading
import time

from graph.extract.pipeline import process_document
from graph.text.segment import document_from_text

WARM_UP_TEXT = "湖北省鄂州市青山县人民政府工作报告\n2023年，青山县推进滨江大道建设，“三访三评”工作制度落实。\n"
PR_SET_PDEATHSIG = 1
WATCH_INTERVAL = 1.0


def warm_up() -> None:
    """Load jieba, the lexicons and the gazetteer once per worker process instead of on its first document."""
    try:
        process_document(document_from_text(WARM_UP_TEXT, "warm-up.txt"))
    except Exception:  # a worker that cannot warm up fails on its first real document, with a message
        pass


def die_with(parent: int) -> None:
    """End this process when process `parent` ends: the kernel's parent-death signal on Linux, and a watchdog
    thread everywhere (for systems without it)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_INTERVAL)
        os._exit(1)

    threading.Thread(target=watch, name="policykg-parent-watch", daemon=True).start()


def off_stdout() -> None:
    """Point this process's standard output at /dev/null: nothing of ours prints there, and a worker that
    inherited the caller's stdout would keep the caller's pipe open (`policykg build … | tee log` would not end)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def warm_and_freeze() -> None:
    """Warm up, then freeze what is loaded: it lives as long as the process, and frozen, the cyclic garbage
    collector stops walking the gazetteer and the dictionaries on every full collection (about half of a worker's
    collection time)."""
    warm_up()
    gc.enable()
    gc.freeze()


def start_worker(parent: int) -> None:
    """A pool worker's start: tied to the build's process, off stdout, warmed up and frozen."""
    die_with(parent)
    off_stdout()
    warm_and_freeze()
