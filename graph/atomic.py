"""Writes that never leave a partial file or directory behind: write to a temporary sibling, then rename."""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def make_parent(path: Path) -> None:
    """Create the folder `path` goes in, or fail with one line naming the path and why (not "[Errno 17] File exists")."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OSError(f"{path}: cannot write there: a part of the path is a file, not a folder") from None
    except OSError as exc:
        raise OSError(f"{path}: cannot create its folder {path.parent} ({exc.strerror})") from None


@contextmanager
def atomic_file(path: str | Path, mode: str = "wb") -> Iterator:
    """Open a temporary file next to `path`; it replaces `path` only if the block finishes."""
    p = Path(path)
    make_parent(p)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_directory(path: str | Path) -> Iterator[Path]:
    """Yield a fresh temporary directory that replaces `path` as a whole only if the block finishes."""
    p = Path(path)
    make_parent(p)
    tmp = Path(tempfile.mkdtemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        old = None
        if p.exists():
            old = p.parent / f".{p.name}.old-{os.getpid()}"
            if old.exists():
                shutil.rmtree(old)
            os.replace(p, old)
        os.replace(tmp, p)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
