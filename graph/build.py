"""`policykg build`: extract a corpus and write every output into a directory, all or nothing."""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from .atomic import atomic_directory
from .corpus import Document
from .export import get_format
from .network import to_networkx
from .pipeline import Corpus, document_record, extract_corpus
from .rdf import to_dataset, union_graph
from .viz import write_html

BUILD_OUTPUTS = {"graph.ttl": "turtle", "graph.trig": "trig", "graph.graphml": "graphml"}


class BuildError(ValueError):
    """A build that cannot produce a graph (no readable document); the previous output stays intact."""


def write_build(corpus: Corpus, out: str | Path, *, started: float | None = None) -> dict:
    """Write graph.ttl, graph.trig, graph.graphml, graph.html, extract.json and summary.json into `out`."""
    entities = corpus.entities
    ds = to_dataset(corpus.documents, entities)
    summary = corpus.summary()
    out = Path(out)
    with atomic_directory(out) as tmp:
        for name, fmt in BUILD_OUTPUTS.items():
            with open(tmp / name, "wb") as fh:
                get_format(fmt).write(ds, fh)
        G = to_networkx(union_graph(ds))
        write_html(G, tmp / "graph.html")
        with open(tmp / "extract.json", "w", encoding="utf-8") as fh:
            json.dump([document_record(dg) for dg in corpus.documents], fh, ensure_ascii=False, indent=1)
        summary.update({
            "triples": len(ds),
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "files": sorted([*BUILD_OUTPUTS, "graph.html", "extract.json", "summary.json"]),
            "out": str(out),
            "seconds": round(time.perf_counter() - started, 2) if started else None,
        })
        with open(tmp / "summary.json", "w", encoding="utf-8") as fh:
            json.dump(summary, fh, ensure_ascii=False, indent=2, sort_keys=True)
    return summary


def build(inputs: Iterable[str | Path], out: str | Path, *, max_bytes: int | None = None,
          progress: Callable[[Path, Document | None], None] | None = None) -> dict:
    """Extract every readable document of `inputs` and write the outputs; bad documents become warnings."""
    started = time.perf_counter()
    corpus = extract_corpus(inputs, max_bytes=max_bytes, progress=progress)
    if not corpus.documents:
        detail = "; ".join(corpus.errors) if corpus.errors else "no .txt/.md/.html/.pdf/.docx files found"
        raise BuildError(f"no readable documents ({detail})")
    return write_build(corpus, out, started=started)
