"""Writes that never leave a partial file or directory behind: write to a temporary sibling, then rename.

Temporary siblings are named `.NAME.PID.XXXX.tmp` (PID: the writing process), and a directory being replaced
is briefly `.NAME.PID.old`. A process killed mid-write (SIGKILL, power loss) leaves them behind; the next write of
NAME removes the ones whose process has ended, and puts a `.NAME.PID.old` back when NAME itself is missing.
"""
from __future__ import annotations

import ctypes
import errno
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


def make_parent(path: Path) -> None:
    """Create the folder `path` goes in, or fail with one line naming the path and why (not "[Errno 17] File exists")."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OSError(f"{path}: cannot write there: a part of the path is a file, not a folder") from None
    except OSError as exc:
        raise OSError(f"{path}: cannot create its folder {path.parent} ({exc.strerror})") from None


# ---------------------------------------------------------------- leftovers of killed writers

def temp_prefix(path: Path) -> str:
    """The name start of this process's temporary siblings of `path`; the PID says whose they are."""
    return f".{path.name}.{os.getpid()}."


def backup_path(path: Path, pid: int | None = None) -> Path:
    """Where a directory being replaced waits, for the instant between the two renames."""
    return path.parent / f".{path.name}.{os.getpid() if pid is None else pid}.old"


def leftover_pid(name: str, target: str) -> tuple[int, str] | None:
    """(pid, "tmp" or "old") when `name` is a temporary sibling of `target` made by this module, else None."""
    m = re.fullmatch(rf"\.{re.escape(target)}\.(\d+)\.(?:[a-z0-9_]+\.(tmp)|(old))", name)
    if m is None:
        return None
    return int(m.group(1)), m.group(2) or m.group(3)


def process_alive(pid: int) -> bool:
    """Whether process `pid` still runs (on other systems than POSIX: assume it does, and touch nothing)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, another user's
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def recover(path: str | Path) -> list[str]:
    """Undo what killed writers left next to `path`: restore a lost directory, drop stale temporaries; say what."""
    p = Path(path)
    try:
        names = [e.name for e in os.scandir(p.parent) if e.name.startswith(f".{p.name}.")]
    except OSError:
        return []
    stale = []
    for name in names:
        owner = leftover_pid(name, p.name)
        if owner is not None and not process_alive(owner[0]):
            stale.append((owner, p.parent / name))
    notes = []
    backups = sorted((_mtime(leftover), leftover) for (_, kind), leftover in stale if kind == "old")
    if backups and not os.path.lexists(p):
        restored = backups.pop()[1]
        try:
            os.replace(restored, p)
            notes.append(f"{p}: restored the previous output from {restored.name} (a replacing process was killed)")
        except FileNotFoundError:  # another process restored it first
            pass
    for (pid, _kind), leftover in stale:
        if os.path.lexists(leftover):
            _remove(leftover)
            notes.append(f"{p}: removed {leftover.name}, left by process {pid}, which was killed mid-write")
    for note in notes:
        log.warning(note)
    return notes


# ---------------------------------------------------------------- atomic writes

@contextmanager
def atomic_file(path: str | Path, mode: str = "wb") -> Iterator:
    """Open a temporary file next to `path`; it replaces `path` only if the block finishes."""
    p = Path(path)
    make_parent(p)
    recover(p)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(p), suffix=".tmp", dir=p.parent)
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
    recover(p)
    tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(p), suffix=".tmp", dir=p.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        replace_directory(tmp, p)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def replace_directory(new: Path, path: Path) -> None:
    """Put directory `new` at `path` and delete the old `path`, never leaving `path` missing for good.

    Where the system swaps two names in one step (Linux renameat2) `path` is never missing at all; elsewhere the
    old directory is renamed to backup_path() first, and recover() restores it if the process dies before the
    second rename."""
    if not os.path.lexists(path):
        os.replace(new, path)
        return
    if exchange(new, path):  # `new` now holds the old directory
        _remove(new)
        return
    replace_via_backup(new, path)


def replace_via_backup(new: Path, path: Path) -> None:
    """Two renames: `path` to backup_path(), `new` to `path`; a Ctrl-C between them puts the old one back."""
    old = backup_path(path)
    _remove(old)
    try:
        os.replace(path, old)
        os.replace(new, path)
    except BaseException:  # also Ctrl-C between the two: put the old directory back
        if os.path.lexists(old) and not os.path.lexists(path):
            os.replace(old, path)
        raise
    shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swap the names `a` and `b` atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:  # glibc before 2.28, musl
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):  # a file system without it
        return False
    raise OSError(err, f"cannot move {a} to {b}: {os.strerror(err)}")


__all__ = ["atomic_file", "atomic_directory", "make_parent", "recover", "replace_directory", "replace_via_backup",
           "exchange"]
