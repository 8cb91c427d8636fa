"""The build cache in OUT/.cache: each document's rendered part, keyed by the document's bytes, its file name and a
fingerprint of the extractor (code, lexicons, gazetteer, library versions). A rebuild re-extracts only new or
changed documents, a changed extractor re-extracts everything, and an unchanged corpus is not rebuilt at all."""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import sys
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from graph.rdf.partition import DocumentPart
from graph.text.model import DocumentError
from graph.text.read import read_regular_file

CACHE_DIR = ".cache"
MANIFEST = "manifest.json"
FINGERPRINT_PACKAGES = ("jieba", "rjieba", "pypinyin", "zhconv", "rdflib", "networkx", "pyvis")
_ROOTS = ("graph", "ontology", "data")


@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """A hash of everything that shapes a document's part: our code and data files and the libraries' versions."""
    base = Path(__file__).resolve().parents[2]
    h = hashlib.sha256(sys.version.encode())
    for pkg in FINGERPRINT_PACKAGES:
        try:
            h.update(f"{pkg}=={metadata.version(pkg)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{pkg} missing".encode())
    for root in _ROOTS:
        for f in sorted((base / root).rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc":
                h.update(str(f.relative_to(base)).encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def document_key(path: str | Path, fingerprint: str, max_bytes: int, name: str = "") -> str | None:
    """The cache key of a document file under its name in the build (default: its file name), or None when it
    cannot be read (the build then reports why)."""
    p = Path(path)
    try:
        digest = hashlib.sha256(read_regular_file(p, max_bytes)).hexdigest()
    except DocumentError:
        return None
    return hashlib.sha256(f"{fingerprint}\0{name or p.name}\0{digest}".encode()).hexdigest()


@dataclass
class Manifest:
    """What a build was made from: if nothing in it changed, the previous output is already the answer."""

    fingerprint: str
    max_bytes: int
    documents: list[list]  # [path, key] in build order

    def write(self, directory: Path) -> None:
        with open(directory / MANIFEST, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, ensure_ascii=False, indent=1)


def read_manifest(out: str | Path) -> Manifest | None:
    """The manifest of a previous build in `out`, or None when there is none or it is unreadable."""
    try:
        with open(Path(out) / CACHE_DIR / MANIFEST, encoding="utf-8") as fh:
            return Manifest(**json.load(fh))
    except (OSError, ValueError, TypeError):
        return None


class PartCache:
    """Parts of the previous build (read) and of this one (written into the new output's .cache)."""

    def __init__(self, previous: Path | None, target: Path | None):
        self.previous = previous if previous is not None and previous.is_dir() else None
        self.target = target
        if target is not None:
            target.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def _file(directory: Path, key: str) -> Path:
        return directory / f"{key}.pickle"

    def has(self, key: str | None) -> bool:
        """Is there a previous part for this key (without reading it)?"""
        return key is not None and self.previous is not None and self._file(self.previous, key).is_file()

    def load(self, key: str | None) -> DocumentPart | None:
        """The previous build's part for this key, carried into the new cache; None on a miss."""
        if key is None or self.previous is None:
            return None
        src = self._file(self.previous, key)
        try:
            with open(src, "rb") as fh:
                part = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None
        if not isinstance(part, DocumentPart) or part.key != key:
            return None
        if self.target is not None:
            dst = self._file(self.target, key)
            if not dst.exists():
                try:
                    os.link(src, dst)  # the old output is deleted after the swap; the link keeps the data
                except OSError:
                    shutil.copyfile(src, dst)
        return part

    def store(self, part: DocumentPart, pickled: bytes | None = None) -> None:
        """Keep a freshly extracted part for the next build (pickled: the part already pickled by its worker)."""
        if self.target is None or part.key is None:
            return
        tmp = self._file(self.target, part.key).with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            if pickled is None:
                pickle.dump(part, fh, protocol=pickle.HIGHEST_PROTOCOL)
            else:
                fh.write(pickled)
        os.replace(tmp, self._file(self.target, part.key))
