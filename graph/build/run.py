"""`policykg build`: extract a corpus in parallel (or take unchanged documents from the cache) and stream every
output into a directory that replaces the old one only when the build succeeds.

Documents are never all held: each one's rendered part is written to graph.ttl, graph.trig and extract.json as
it arrives, in document order; only the entities (to merge them across documents) and the relations' evidence
(for the NetworkX view) stay in memory. Entity descriptions, which depend on every document, come last."""
from __future__ import annotations

import errno
import gc
import json
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from rdflib.namespace import RDF, RDFS, SKOS

from graph.build.cache import CACHE_DIR, Manifest, PartCache, document_key, extractor_fingerprint, read_manifest
from graph.build.engines import get_engine
from graph.build.parallel import DEFAULT_DOC_TIMEOUT, DocumentFailure, PackedPart, WorkItem, default_jobs, extract_here
from graph.extract.model import Entity
from graph.extract.pipeline import Corpus, corpus_summary
from graph.output.atomic import atomic_directory, recover
from graph.output.messages import one_line
from graph.rdf.dataset import Lit
from graph.rdf.partition import (
    DocumentPart,
    EdgeEvidence,
    EntityDescription,
    describe_entities,
    part_from_graph,
    rdf_header,
    turtle_statements,
)
from graph.text.read import DEFAULT_MAX_BYTES, find_documents
from graph.views.explorer import write_html
from graph.views.export.graphml import flat_copy, with_edge_ids, write_graphml_xml
from graph.views.network import PROVENANCE_PREDICATES, _local, _most_specific
from graph.views.provenance import Evidence, Provenance
from ontology import ID, PK, TOP_CLASSES, top_class

BUILD_FILES = ("graph.ttl", "graph.trig", "graph.graphml", "graph.html", "extract.json", "summary.json")
NODE_VALUES = ("value", "unit", "indicatorKind", "status", "year")
# graph.html draws every entity of a corpus up to this many (13,456 entities of 500 reports: a 10.5 MB page ready in
# ~2 s, bench/viz.py); above it the most important (report places, entities with typed facts, every class), and
# the page says what it left out and that `policykg viz OUT --focus X` / `--classes C` show the rest.
HTML_MAX_NODES = 15000


class BuildError(ValueError):
    """A build that cannot produce a graph (no readable document); the previous output stays intact."""


@dataclass
class DocumentProgress:
    """What a progress bar shows after each document."""

    path: Path
    chars: int = 0
    cached: bool = False
    error: str | None = None
    total: int = 0  # documents in the build


Progress = Callable[[DocumentProgress], None]


# ---------------------------------------------------------------- the NetworkX view from parts

_PK, _ID = str(PK), str(ID)
_TYPE, _LABEL, _ALT_LABEL, _MEASURES = str(RDF.type), str(RDFS.label), str(SKOS.altLabel), str(PK.measures)


def _lexical(term) -> str:
    return term.lexical if type(term) is Lit else term


def node_attributes(iri: str, pairs: list[tuple]) -> dict | None:
    """An entity node's attributes from its description (graph.rdf.dataset.TEXT terms), as graph.views.network.to_networkx
    reads them from RDF."""
    classes = [_local(o) for p, o in pairs if p == _TYPE and type(o) is str and o.startswith(_PK)]
    if not iri.startswith(_ID) or not any(top_class(c) in TOP_CLASSES[:8] for c in classes):
        return None
    cls = _most_specific(classes)
    labels = [o.lexical for p, o in pairs if p == _LABEL and type(o) is Lit and o.language == "zh"]
    pinyin = [o.lexical for p, o in pairs if p == _LABEL and type(o) is Lit and o.language and o.language != "zh"]
    attrs = {"label": min(labels) if labels else _local(iri), "class": cls, "type": top_class(cls),
             "aliases": sorted(_lexical(o) for p, o in pairs if p == _ALT_LABEL),
             "pinyin": pinyin[0] if pinyin else ""}
    values = {_local(p): _lexical(o) for p, o in reversed(pairs) if p.startswith(_PK)}
    if "divisionCode" in values:
        attrs["code"] = values["divisionCode"]
    attrs.update((k, values[k]) for k in NODE_VALUES if k in values)
    return attrs


def network_from_parts(descriptions: dict[str, EntityDescription],
                       edges: dict[tuple[str, str, str], list[EdgeEvidence]]) -> nx.MultiDiGraph:
    """The same MultiDiGraph to_networkx makes from the union graph, built without the graph."""
    G = nx.MultiDiGraph()
    nodes = {}
    for key, d in descriptions.items():
        iri = _ID + key
        attrs = node_attributes(iri, d.pairs)
        if attrs is not None:
            nodes[iri] = attrs
    for iri in sorted(nodes):
        G.add_node(iri, **nodes[iri])
    candidates = dict(edges)
    for key, d in descriptions.items():
        for p, o in d.pairs:
            if type(o) is str and p.startswith(_PK):
                candidates.setdefault((_ID + key, _local(p), o), [])
    for s, pred, o in sorted(candidates, key=lambda k: (k[0], _PK + k[1], k[2])):
        if s not in nodes or o not in nodes or pred in PROVENANCE_PREDICATES:
            continue
        ev = candidates[(s, pred, o)]
        G.add_edge(s, o, key=pred, predicate=pred, count=sum(e.count for e in ev) or 1,
                   status=next((e.status for e in ev if e.status), ""), year=next((e.year for e in ev if e.year), ""),
                   evidence=[e.evidence for e in ev if e.evidence])
    return G


# ---------------------------------------------------------------- streaming writer

def write_graphml(G: nx.MultiDiGraph, path: Path) -> None:
    """graph.graphml: the network flattened to the scalar attributes GraphML holds (G's lists are lost)."""
    with open(path, "wb") as fh:
        write_graphml_xml(with_edge_ids(flat_copy(G, in_place=True)), fh)


def _graphml_child(G: nx.MultiDiGraph, path: Path, said) -> None:
    """The child's whole life: write the file; on failure tell the parent why in one line and exit 1 (a traceback
    on the terminal from a child process is not an error message)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops this process
    try:
        write_graphml(G, path)
    except BaseException as exc:  # noqa: B036 -- the parent reports it
        said.send((exc.errno, exc.strerror) if isinstance(exc, OSError) else (None, f"{type(exc).__name__}: {exc}"))
        said.close()
        os._exit(1)


class GraphmlWriter:
    """Writes graph.graphml in a forked child while the build writes the rest on the other core (the two largest
    serial steps of a build overlap); where fork is unsafe (threads running) or missing, it writes on exit, and
    G's list attributes are then flattened. G must not change inside the block: the child works on the graph as
    it was when the block began."""

    def __init__(self, G: nx.MultiDiGraph, path: Path):
        self.G, self.path = G, path
        self._child = None

    def __enter__(self) -> "GraphmlWriter":
        if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
            ctx = multiprocessing.get_context("fork")
            self._said, said = ctx.Pipe(duplex=False)
            self._child = ctx.Process(target=_graphml_child, args=(self.G, self.path, said))
            self._child.start()
            said.close()
        return self

    def __exit__(self, exc_type, *exc) -> None:
        child = self._child
        if child is None:
            if exc_type is None:
                write_graphml(self.G, self.path)
            return
        if exc_type is not None:
            child.terminate()
        child.join()
        with closing(self._said):
            if exc_type is not None or child.exitcode == 0:
                return
            try:
                number, why = self._said.recv()
            except EOFError:  # killed, or died without a word
                number, why = None, f"exit code {child.exitcode}"
        if number is not None:  # the build names OUT and the reason (a full disk)
            raise OSError(number, why)
        raise BuildError(f"writing {self.path.name} failed ({why})")


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a build keeps millions of objects without reference cycles (extracting
    and writing 200 documents leaves no cyclic garbage), and each full collection walks all of them (about 1.5 s of
    the last 8 s of a 1,000-document build, and as much again while the parts arrive). Not around a Dask client,
    whose event loop does make cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class BuildWriter:
    """Streams parts into an output directory in document order; finish() merges entities and writes the rest."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.documents = 0
        self.characters = 0
        self.warnings: list[str] = []
        self._ttl = open(directory / "graph.ttl", "wb")
        self._trig = open(directory / "graph.trig", "wb")
        self._json = open(directory / "extract.json", "w", encoding="utf-8")
        for fh in (self._ttl, self._trig):
            fh.write(rdf_header())
        self._json.write("[")
        self._entities: list[list[Entity]] = []
        self._graph_keys: list[tuple[bytes, list[str]]] = []
        self._relations: Counter = Counter()
        self._edges: dict[tuple[str, str, str], list[EdgeEvidence]] = defaultdict(list)
        self._shared: set[tuple[str, str, str]] = set()
        self._graphs: dict[str, str] = {}
        self._triples = 0
        self.provenance = Provenance()

    def __enter__(self) -> "BuildWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for fh in (self._ttl, self._trig, self._json):
            fh.close()

    def release(self) -> None:
        """Drop what finish() needed (the files are written), before the garbage collector runs again."""
        self._entities, self._graph_keys, self._shared, self._graphs = [], [], set(), {}
        self._edges = defaultdict(list)
        self.provenance = Provenance()

    def add(self, part: DocumentPart) -> None:
        """Write one document's owned and shared triples and its extract.json record; keep what merging needs."""
        if part.graph in self._graphs:
            self.warnings.append(f"{part.path}: same file name as {self._graphs[part.graph]}; "
                                 "both documents share one named graph")
        self._graphs.setdefault(part.graph, part.path)
        self._trig.write(part.trig)
        self._ttl.write(part.owned)
        new = [t for t in dict.fromkeys(part.shared) if t not in self._shared]
        self._shared.update(new)
        self._ttl.write(turtle_statements(new))
        self._json.write(",\n" if self.documents else "\n")
        self._json.write(part.record)
        self._entities.append(part.entities)
        self._graph_keys.append((part.graph_opening, list(dict.fromkeys(e.key for e in part.entities))))
        self._relations.update(part.relations)
        for ev in part.edges:
            self._edges[(ev.subject, ev.predicate, ev.object)].append(ev)
        self._triples += part.owned_triples
        self._add_provenance(part)
        self.documents += 1
        self.characters += part.chars

    def _add_provenance(self, part: DocumentPart) -> None:
        self.provenance.documents.update(part.provenance.documents)
        for key, ev in part.provenance.facts:
            self.provenance.facts[key].append(Evidence(*ev))
        for entity, ev in part.provenance.mentions:
            self.provenance.mentions[entity].append(Evidence(*ev))

    def _finish_provenance(self, descriptions: dict[str, EntityDescription]) -> None:
        """Indicators of each entity, and every list in a stable order, as graph.views.provenance.read_provenance gives them."""
        for key, d in descriptions.items():
            for p, o in d.pairs:
                if p == _MEASURES:
                    self.provenance.indicators[_lexical(o)].append(_ID + key)
        for store in (self.provenance.facts, self.provenance.mentions):
            for key, items in store.items():
                # the whole record as the sort key: a set's order differs between processes, so ties would too
                store[key] = sorted(set(items), key=lambda e: (e.document or "", e.sentence, e.status or "",
                                                               e.year or ""))

    def finish(self, errors: Iterable[str] = ()) -> dict:
        """Merge entities across documents, write their descriptions, the network files and summary.json."""
        with cyclic_gc_paused():
            return self._finish(errors)

    def _finish(self, errors: Iterable[str]) -> dict:
        from graph.extract.resolve import merge_entities

        merged = merge_entities(self._entities)
        self._entities = []
        descriptions = describe_entities(merged)
        G = network_from_parts(descriptions, self._edges)
        self._finish_provenance(descriptions)
        with GraphmlWriter(G, self.directory / "graph.graphml"):  # in a child process while this one goes on
            for opening, keys in self._graph_keys:
                if keys:  # the document's named graph again, with its entities' merged descriptions
                    self._trig.write(opening + b"".join(descriptions[k].turtle for k in keys) + b"}\n")
            for d in descriptions.values():
                self._ttl.write(d.turtle)
                self._triples += d.triples - sum(link in self._shared for link in d.links)
            self._triples += len(self._shared)
            self._json.write("\n]" if self.documents else "]")
            self.close()
            del descriptions
            write_html(G, self.directory / "graph.html", provenance=self.provenance, max_nodes=HTML_MAX_NODES)
        summary = corpus_summary(self.documents, merged, self._relations, [*errors, *self.warnings])
        summary.update({"triples": self._triples, "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
                        "characters": self.characters, "files": sorted(BUILD_FILES)})
        return summary


def write_summary(summary: dict, directory: Path) -> None:
    with open(directory / "summary.json", "w", encoding="utf-8") as fh:
        json.dump(summary, fh, ensure_ascii=False, indent=2, sort_keys=True)


def write_build(corpus: Corpus, out: str | Path, *, started: float | None = None) -> dict:
    """Write graph.ttl, graph.trig, graph.graphml, graph.html, extract.json and summary.json into `out`."""
    out = Path(out)
    with atomic_directory(out) as tmp:
        with BuildWriter(tmp) as writer:
            for dg in corpus.documents:
                writer.add(part_from_graph(dg))
            summary = writer.finish(corpus.errors)
        summary.update({"out": str(out), "seconds": round(time.perf_counter() - started, 2) if started else None})
        write_summary(summary, tmp)
    return summary


# ---------------------------------------------------------------- the build

def document_names(inputs: Iterable[str | Path], skipped: list[str] | None = None) -> list[tuple[Path, str]]:
    """Each document with the name its IRI is made from: the file name for a file given on its own or at the top
    of a folder (stable across builds), its path inside the folder below that (a/report.txt and b/report.txt are
    two documents), and the path from the common folder for names that still clash. Inputs that are not documents
    (FIFOs, devices, broken links …) are noted in `skipped`."""
    named: dict[Path, str] = {}
    for item in inputs:
        root = Path(item)
        for p in find_documents([item], skipped):
            named.setdefault(p, p.relative_to(root).as_posix() if root.is_dir() else p.name)
    clashes: dict[str, list[Path]] = defaultdict(list)
    for p, name in named.items():
        clashes[name].append(p)
    for name, paths in clashes.items():
        if len(paths) > 1:
            resolved = [p.resolve() for p in paths]
            common = Path(os.path.commonpath(resolved))
            for p, r in zip(paths, resolved):
                named[p] = r.relative_to(common).as_posix() if r != common else name
    return list(named.items())


def _up_to_date(out: Path, manifest: Manifest) -> dict | None:
    """The previous build's summary when it was made from exactly these documents by this extractor."""
    if read_manifest(out) != manifest:
        return None
    try:
        with open(out / "summary.json", encoding="utf-8") as fh:
            summary = json.load(fh)
    except (OSError, ValueError):
        return None
    if not all((out / name).is_file() for name in summary.get("files", BUILD_FILES)):
        return None
    return summary


def _outcomes(items: list[WorkItem], cache: PartCache, run: Iterator, max_bytes: int,
              doc_timeout: float | None) -> Iterator[tuple[object, bool]]:
    """(part or failure, from cache?) per item in input order: cache hits read here, the rest from the engine."""
    for item in items:
        part = cache.load(item.key) if cache.has(item.key) else None
        if part is not None:
            yield part, True
        elif cache.has(item.key):  # a damaged cache entry: extract it here
            yield extract_here(item, max_bytes, doc_timeout), False
        else:
            yield next(run), False


def build(inputs: Iterable[str | Path], out: str | Path, *, max_bytes: int | None = None, jobs: int | None = None,
          engine: str = "local", scheduler: str | None = None, use_cache: bool = True,
          progress: Progress | None = None, doc_timeout: float | None = DEFAULT_DOC_TIMEOUT) -> dict:
    """Extract every readable document of `inputs` and write the outputs; bad documents become warnings.

    jobs: worker processes (default: all cores); engine: "local" or "dask" (scheduler: a Dask address, else a
    LocalCluster); use_cache: reuse OUT/.cache for unchanged documents and skip the build when nothing changed;
    doc_timeout: seconds a document may take before it is skipped with a warning (None: no limit; the Dask
    engine has none). A write that fails (a full disk) raises BuildError naming OUT, and the old OUT stays."""
    try:
        return _build(inputs, Path(out), max_bytes=max_bytes, jobs=jobs, engine=engine, scheduler=scheduler,
                      use_cache=use_cache, progress=progress, doc_timeout=doc_timeout)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO):
            raise BuildError(f"{out}: cannot write the build there ({exc.strerror}); the previous output is "
                             "unchanged") from None
        raise


def _build(inputs: Iterable[str | Path], out: Path, *, max_bytes: int | None, jobs: int | None, engine: str,
           scheduler: str | None, use_cache: bool, progress: Progress | None, doc_timeout: float | None) -> dict:
    started = time.perf_counter()
    max_bytes = max_bytes or DEFAULT_MAX_BYTES
    jobs = jobs or default_jobs()
    if jobs < 1:
        raise BuildError(f"--jobs must be at least 1, not {jobs}")
    run = get_engine(engine)
    fingerprint = extractor_fingerprint()
    skipped: list[str] = []
    items = [WorkItem(str(p), document_key(p, fingerprint, max_bytes, name), name)
             for p, name in document_names(inputs, skipped)]
    manifest = Manifest(fingerprint, max_bytes, [[it.path, it.key] for it in items])
    recover(out)  # a build killed while swapping OUT in left it aside: put it back before asking what changed
    previous = _up_to_date(out, manifest) if use_cache and items else None
    if previous is not None:
        if progress:
            for it in items:
                progress(DocumentProgress(Path(it.path), cached=True, total=len(items)))
        previous.update({"out": str(out), "up_to_date": True, "seconds": round(time.perf_counter() - started, 2)})
        return previous
    with atomic_directory(out) as tmp:
        cache = PartCache(out / CACHE_DIR if use_cache else None, tmp / CACHE_DIR if use_cache else None)
        todo = [it for it in items if not cache.has(it.key)]
        errors: list[str] = [one_line(note) for note in skipped]
        cached = 0
        with closing(run(todo, jobs=jobs, max_bytes=max_bytes, scheduler=scheduler, doc_timeout=doc_timeout)) \
                as results, BuildWriter(tmp) as writer, (cyclic_gc_paused() if engine == "local" else nullcontext()):
            for outcome, hit in _outcomes(items, cache, results, max_bytes, doc_timeout):
                blob = None
                if isinstance(outcome, PackedPart):
                    blob, outcome = outcome.blob, outcome.unpack()
                if isinstance(outcome, DocumentFailure):
                    errors.append(outcome.message)
                    report = DocumentProgress(Path(outcome.path), error=outcome.message, total=len(items))
                else:
                    writer.add(outcome)
                    cached += hit
                    if not hit:
                        cache.store(outcome, blob)
                    report = DocumentProgress(Path(outcome.path), outcome.chars, hit, total=len(items))
                if progress:
                    progress(report)
            if not writer.documents:
                detail = "; ".join(errors) if errors else "no .txt/.md/.html/.pdf/.docx files found"
                raise BuildError(f"no readable documents ({detail})")
            results.close()  # stops the worker processes: their memory is free before merging starts
            summary = writer.finish(errors)
            writer.release()  # freed now, the objects are not walked when the collector resumes
        if use_cache:
            manifest.write(tmp / CACHE_DIR)
        seconds = time.perf_counter() - started
        summary.update({"out": str(out), "seconds": round(seconds, 2), "extracted": summary["documents"] - cached,
                        "cached": cached, "engine": engine, "jobs": jobs})
        write_summary(summary, tmp)
    return summary
