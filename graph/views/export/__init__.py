"""Export formats in a registry keyed by name, with suffix guessing (like rdflib's plugin registry)."""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rdflib import Dataset

from graph.output.atomic import atomic_file


@dataclass(frozen=True)
class ExportFormat:
    """One output format: its name, file suffixes, media type and a writer from Dataset to a binary stream."""

    name: str
    suffixes: tuple[str, ...]
    media_type: str
    description: str
    write: Callable[[Dataset, BinaryIO], None]
    directory: bool = False  # writes several files into a directory (csv)


REGISTRY: dict[str, ExportFormat] = {}


def register(fmt: ExportFormat) -> ExportFormat:
    REGISTRY[fmt.name] = fmt
    return fmt


def _load_plugins() -> None:
    """Import the format modules once; each registers itself."""
    from graph.views.export import csv, cytoscape, gexf, graphml, rdf_formats  # noqa: F401


def formats() -> dict[str, ExportFormat]:
    """All registered formats by name."""
    _load_plugins()
    return dict(sorted(REGISTRY.items()))


def get_format(name: str) -> ExportFormat:
    """A format by name or alias; unknown names raise a ValueError listing the known ones."""
    fmts = formats()
    key = name.lower().lstrip(".")
    if key in fmts:
        return fmts[key]
    for f in fmts.values():
        if f".{key}" in f.suffixes:
            return f
    raise ValueError(f"unknown format {name!r}; choose one of: {', '.join(fmts)}")


def guess_format(path: str | Path) -> str | None:
    """The format name for a file path from its suffix(es), or None."""
    name = str(path).lower()
    best = None
    for f in formats().values():
        for suffix in f.suffixes:
            if name.endswith(suffix) and (best is None or len(suffix) > best[0]):
                best = (len(suffix), f.name)
    return best[1] if best else None


def export(ds: Dataset, fmt: str, path: str | Path, **options) -> None:
    """Write the dataset in one format to a path atomically (or to stdout when path is '-'). `options` go to the
    format's writer (csv: exact=True)."""
    f = get_format(fmt)
    if str(path) == "-":
        if f.directory:
            raise ValueError(f"format {f.name!r} writes several files and needs a directory, not '-'")
        f.write(ds, sys.stdout.buffer, **options)
        sys.stdout.buffer.flush()
        return
    if f.directory:
        from graph.output.atomic import atomic_directory

        with atomic_directory(path) as tmp:
            f.write(ds, tmp, **options)  # type: ignore[arg-type]
        return
    with atomic_file(path) as fh:
        f.write(ds, fh, **options)
