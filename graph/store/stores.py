"""Where a built graph lives for querying: rdflib in memory (default), Oxigraph in memory or on disk, or any
SPARQL 1.1 endpoint. Every store answers SPARQL with the same store-independent QueryResult (graph.store.results)."""
from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, URIRef

from graph.rdf.files import ONTOLOGY_GRAPH, GraphLoadError, graph_file, load_dataset, ontology_turtle
from graph.store.errors import StoreError
from graph.store.http import RemoteAnswer, http_request
from graph.store.results import rdflib_term
from graph.store.sparql import PREFIX_HEADER, RDFLIB_PARSE_LOCK, collect, query_form
from ontology import PREFIXES, bind_prefixes

OXIGRAPH_MARKER = "policykg-store.json"
STORE_LAYOUT = 2  # named graphs + their union in the default graph


# ---------------------------------------------------------------- the stores


@dataclass
class StoreSpec:
    """A parsed --store value: kind (memory, oxigraph, sparql) and its location (a path or a URL)."""

    kind: str = "memory"
    location: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.location}" if self.location else self.kind

    @property
    def needs_graph(self) -> bool:
        """Whether GRAPH must be given: memory always; oxigraph only until the store exists."""
        if self.kind == "memory":
            return True
        if self.kind == "oxigraph":
            return not self.location or not (Path(self.location) / OXIGRAPH_MARKER).is_file()
        return False


class MemoryStore:
    """rdflib's in-memory Dataset, parsed from the built files: no server, fine up to ~100k triples."""

    kind = "memory"

    def __init__(self, dataset: Dataset, description: str = "memory"):
        from rdflib.plugins.sparql import prepareQuery  # imported here, never in a query thread a deadline may stop

        self.dataset = dataset
        self.description = description
        self.prepare = prepareQuery

    def query(self, sparql: str):
        """Run a query with rdflib; the caller materialises it (graph.query.collect)."""
        with RDFLIB_PARSE_LOCK:  # rdflib's parser (pyparsing's packrat cache) is not safe in two threads at once
            prepared = self.prepare(sparql, initNs=PREFIXES)
        return self.dataset.query(prepared)

    def quads(self) -> Iterator[tuple]:
        """Every (s, p, o, graph IRI or None) of the store."""
        for s, p, o, g in self.dataset.quads((None, None, None, None)):
            gid = getattr(g, "identifier", g)
            yield s, p, o, (None if gid is None or str(gid) == "urn:x-rdflib:default" else gid)

    def __len__(self) -> int:
        """Distinct triples of the union."""
        return len(self.dataset)

    def close(self) -> None:
        """Nothing to release."""


class OxigraphStore:
    """A pyoxigraph store on disk (RocksDB): built once from a graph file, then reopened in milliseconds."""

    kind = "oxigraph"

    def __init__(self, store, description: str):
        self.store = store
        self.description = description

    def query(self, sparql: str):
        """Run a query natively; the default graph holds the union of all graphs, as in memory."""
        return self.store.query(sparql, prefixes={k: str(v) for k, v in PREFIXES.items()})

    def quads(self) -> Iterator[tuple]:
        """The named graphs' quads; the default graph's own only when there are none (a .ttl/.nt source)."""
        import pyoxigraph as ox

        onto = ox.NamedNode(ONTOLOGY_GRAPH)
        named = any(g != onto for g in self.store.named_graphs())
        for q in self.store:
            g = q.graph_name
            default = g.__class__.__name__ == "DefaultGraph"
            if default and (named or ox.Quad(q.subject, q.predicate, q.object, onto) in self.store):
                continue
            yield (rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object),
                   None if default else rdflib_term(g))

    def __len__(self) -> int:
        """Triples in the default graph, which holds the union."""
        return int(next(iter(self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)

    def close(self) -> None:
        """Drop the handle so RocksDB releases its files."""
        self.store = None


class SparqlStore:
    """Any SPARQL 1.1 Protocol endpoint (Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever …), read-only."""

    kind = "sparql"

    def __init__(self, url: str, timeout: float | None = None):
        self.url = url
        self.description = f"sparql:{url}"
        self.timeout = timeout

    def query(self, sparql: str):
        """POST the query (form-encoded, what every endpoint accepts) and parse the W3C result format."""
        form = query_form(sparql)
        accept = ("application/n-triples, text/turtle;q=0.9" if form in ("CONSTRUCT", "DESCRIBE")
                  else "application/sparql-results+json")
        body = urllib.parse.urlencode({"query": PREFIX_HEADER + sparql}).encode("utf-8")
        ctype, data = http_request(self.url, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                    "Accept": accept}, timeout=self.timeout)
        return RemoteAnswer(form, ctype, data)

    def quads(self) -> Iterator[tuple]:
        """The endpoint's named graphs (its default graph is taken to be their union, as `push` leaves it)."""
        res = collect(self, "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        for g, s, p, o in res.rows:
            yield rdflib_term(s), rdflib_term(p), rdflib_term(o), rdflib_term(g)

    def __len__(self) -> int:
        res = collect(self, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(res.records()[0]["n"]) if res.rows else 0

    def close(self) -> None:
        """Nothing to release: every query is its own HTTP request."""


# ---------------------------------------------------------------- opening a store


def parse_store(text: str | None) -> StoreSpec:
    """`memory`, `oxigraph` (in memory), `oxigraph:PATH` (on disk) or `sparql:URL` (http or https) as a StoreSpec."""
    if not text or text == "memory":
        return StoreSpec()
    kind, colon, location = text.partition(":")
    kind = kind.lower()
    if kind not in STORE_KINDS or not location and (colon or kind != "oxigraph"):
        raise StoreError(f"unknown --store {text!r}; use memory, oxigraph, oxigraph:PATH or sparql:URL")
    if kind == "sparql" and urllib.parse.urlparse(location).scheme not in ("http", "https"):
        raise StoreError(f"--store {text!r}: the endpoint must be an http:// or https:// URL")
    return StoreSpec(kind, location)


def open_memory(spec: StoreSpec, graph: str | Path | None, timeout: float | None = None) -> MemoryStore:
    """Parse the built files into rdflib, with the ontology in its own named graph."""
    ds = load_dataset(graph)
    ds.graph(URIRef(ONTOLOGY_GRAPH)).parse(data=ontology_turtle(), format="turtle")
    return MemoryStore(ds, f"memory ({graph_file(graph)})")


def _signature(f: Path) -> dict:
    """What identifies the built file a store was loaded from (and the store's layout): a rebuild changes it."""
    st = f.stat()
    return {"source": str(f.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "layout": STORE_LAYOUT}


def load_oxigraph(store, graph: str | Path) -> Path:
    """Load a built graph into a pyoxigraph store: its named graphs, the ontology, and their union as the default
    graph (Oxigraph's own union default graph repeats a triple once per graph that holds it, so an entity named
    in ten documents would come back ten times)."""
    import pyoxigraph as ox

    f = graph_file(graph)
    fmt = ox.RdfFormat.from_extension(f.suffix.lstrip(".")) if f.suffix else None
    if fmt is None:
        raise GraphLoadError(f"{f}: Oxigraph cannot read {f.suffix!r} files (use a build directory or .trig/.nq/.ttl/.nt)")
    base = f.resolve().as_uri()
    try:
        store.bulk_load(path=str(f), format=fmt, base_iri=base)
    except SyntaxError as exc:
        raise GraphLoadError(f"{f}: malformed {fmt.name} ({str(exc).splitlines()[0][:300]})") from None
    onto = ontology_turtle()
    store.bulk_load(input=onto, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object)
                          for q in ox.parse(path=str(f), format=fmt, base_iri=base))
    store.bulk_load(input=onto, format=ox.RdfFormat.TURTLE)
    return f


def build_oxigraph(graph: str | Path, path: str | Path) -> Path:
    """Load a built graph into a new Oxigraph store on disk at `path`, replacing it as a whole."""
    import pyoxigraph as ox

    from graph.output.atomic import atomic_directory

    with atomic_directory(path) as tmp:
        store = ox.Store(str(tmp))
        f = load_oxigraph(store, graph)
        store.optimize()  # compacts the bulk load's files: queries on the store read a third less
        store.flush()
        triples = len(OxigraphStore(store, ""))
        del store
        with open(tmp / OXIGRAPH_MARKER, "w", encoding="utf-8") as fh:
            json.dump({**_signature(f), "triples": triples}, fh, indent=1)
    return Path(path)


def built_from(path: Path, graph: str | Path) -> dict | None:
    """The store's marker when the store at `path` was loaded from GRAPH as it is now; None when it must be (re)built."""
    marker = path / OXIGRAPH_MARKER
    built = json.loads(marker.read_text(encoding="utf-8")) if marker.is_file() else None
    sig = _signature(graph_file(graph))
    return built if built is not None and {k: built.get(k) for k in sig} == sig else None


def check_oxigraph_path(path: Path) -> None:
    """Refuse a path that holds something else (a file, a folder with files): a store never overwrites it."""
    if path.exists() and not (path / OXIGRAPH_MARKER).is_file() and (not path.is_dir() or any(path.iterdir())):
        raise StoreError(f"{path}: exists and is not a policykg Oxigraph store; remove it or choose another path")


def open_oxigraph(spec: StoreSpec, graph: str | Path | None, timeout: float | None = None) -> OxigraphStore:
    """Without a path, load GRAPH into memory; with one, reopen the store on disk when it was built from this
    very file, and (re)build it when the file changed."""
    import pyoxigraph as ox

    if not spec.location:
        store = ox.Store()
        f = load_oxigraph(store, graph)
        return OxigraphStore(store, f"oxigraph in memory ({f})")
    path = Path(spec.location)
    marker = path / OXIGRAPH_MARKER
    check_oxigraph_path(path)
    if graph is not None:
        if built_from(path, graph) is None:
            build_oxigraph(graph, path)
    elif not marker.is_file():
        raise StoreError(f"{path}: no Oxigraph store here yet; give GRAPH to build it")
    try:
        store = ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the Oxigraph store ({exc})") from None
    return OxigraphStore(store, f"oxigraph:{path}")


def open_sparql(spec: StoreSpec, graph: str | Path | None, timeout: float | None = None) -> SparqlStore:
    """A remote endpoint: nothing is loaded; push a graph into it with `policykg push`."""
    return SparqlStore(spec.location, timeout=timeout)


STORE_KINDS: dict[str, Callable] = {"memory": open_memory, "oxigraph": open_oxigraph, "sparql": open_sparql}


def open_store(graph: str | Path | None, store: str | StoreSpec | None = None, *, timeout: float | None = None):
    """Open GRAPH (a build directory or RDF file) in the chosen store; None for GRAPH reopens an existing one."""
    spec = store if isinstance(store, StoreSpec) else parse_store(store)
    if graph is None and spec.needs_graph:
        raise StoreError("give GRAPH (a build directory or RDF file)" +
                         ("" if spec.kind == "memory" else f"; {spec} does not hold a graph yet"))
    return STORE_KINDS[spec.kind](spec, graph, timeout)


def store_dataset(store) -> Dataset:
    """Every quad of any store as an rdflib Dataset (for export), the ontology graph left out."""
    ds = Dataset(default_union=True)
    bind_prefixes(ds)
    for s, p, o, g in store.quads():
        if g is not None and str(g) == ONTOLOGY_GRAPH:
            continue
        ds.add((s, p, o, g))
    return ds
