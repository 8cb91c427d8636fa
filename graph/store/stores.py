"""Where a built graph lives for querying: rdflib in memory (default), Oxigraph in memory or on disk, or any
SPARQL 1.1 endpoint. Every store answers SPARQL with the same store-independent QueryResult (graph.store.results)."""
from __future__ import annotations

import json
import os
import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, URIRef

from graph.rdf.files import ONTOLOGY_GRAPH, GraphLoadError, graph_file, load_dataset, ontology_turtle
from graph.store.errors import StoreError
from graph.store.http import RemoteAnswer, http_request
from graph.store.results import rdflib_term
from graph.store.sparql import PREFIX_HEADER, QueryDataset, QueryPlan, check_graphs, collect, engine_error, plan_query
from ontology import PREFIXES, bind_prefixes

OXIGRAPH_MARKER = "policykg-store.json"
STORE_LAYOUT = 2  # named graphs + their union in the default graph
RDFLIB_DEFAULT_GRAPH = "urn:x-rdflib:default"


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
        self.dataset = dataset
        self.description = description
        self._graphs: frozenset[str] | None = None

    def query(self, plan: QueryPlan, dataset: QueryDataset | None = None):
        """Run a planned query with rdflib (the caller materialises it: graph.store.sparql.collect); a protocol
        dataset replaces the query's FROM / FROM NAMED."""
        if plan.prepared is None:
            raise plan.parse_error
        prepared = plan.prepared
        if dataset:
            from rdflib.plugins.sparql.parserutils import CompValue
            from rdflib.plugins.sparql.sparql import Query

            clauses = ([CompValue("DatasetClause", default=URIRef(g)) for g in dataset.default] +
                       [CompValue("DatasetClause", named=URIRef(g)) for g in dataset.named])
            algebra = CompValue(prepared.algebra.name, **prepared.algebra)
            algebra["datasetClause"] = clauses
            prepared = Query(prepared.prologue, algebra)
        return self.dataset.query(prepared)

    def attach(self) -> None:
        """Nothing to open in a query worker: the dataset came with the fork."""

    def has_graph(self, iri: str) -> bool:
        """Whether the dataset holds a named graph with this IRI."""
        if self._graphs is None:
            graphs = self.dataset.graphs() if hasattr(self.dataset, "graphs") else self.dataset.contexts()
            self._graphs = frozenset(str(getattr(g, "identifier", g)) for g in graphs)
        return iri in self._graphs and iri != RDFLIB_DEFAULT_GRAPH

    def quads(self) -> Iterator[tuple]:
        """Every (s, p, o, graph IRI or None) of the store."""
        for s, p, o, g in self.dataset.quads((None, None, None, None)):
            gid = getattr(g, "identifier", g)
            yield s, p, o, (None if gid is None or str(gid) == RDFLIB_DEFAULT_GRAPH else gid)

    def __len__(self) -> int:
        """Distinct triples of the union."""
        return len(self.dataset)

    def close(self) -> None:
        """Nothing to release."""


class OxigraphStore:
    """Oxigraph in memory (loaded once, then shared with query workers by fork) or on disk (RocksDB, built once,
    then opened read-only in milliseconds by each process that queries it: RocksDB's threads never cross a fork)."""

    kind = "oxigraph"

    def __init__(self, store, description: str, path: Path | None = None):
        self._store = store
        self._opened_by = os.getpid()
        self.description = description
        self.path = path
        self._graphs: frozenset[str] | None = None

    @property
    def store(self):
        """The pyoxigraph Store; an on-disk one is opened read-only in the process that first uses it."""
        if self.path is not None and (self._store is None or self._opened_by != os.getpid()):
            import pyoxigraph as ox

            try:
                self._store = ox.Store.read_only(str(self.path))
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot open the Oxigraph store ({exc})") from None
            self._opened_by = os.getpid()
        return self._store

    def query(self, plan: QueryPlan, dataset: QueryDataset | None = None):
        """Run a query natively; the default graph holds the union of all graphs, as in memory. Oxigraph never
        fetches a FROM graph; the protocol dataset goes in as its default_graph / named_graphs."""
        kwargs = {}
        if dataset:
            import pyoxigraph as ox

            kwargs = {"default_graph": [ox.NamedNode(g) for g in dataset.default],
                      "named_graphs": [ox.NamedNode(g) for g in dataset.named]}
        return self.store.query(plan.text, prefixes={k: str(v) for k, v in PREFIXES.items()}, **kwargs)

    def attach(self) -> None:
        """Open an on-disk store in this process (a query worker), so a broken store shows at start."""
        self.store  # noqa: B018 (the property opens it)

    def has_graph(self, iri: str) -> bool:
        """Whether the store holds a named graph with this IRI."""
        if self._graphs is None:
            self._graphs = frozenset(g.value for g in self.store.named_graphs())
        return iri in self._graphs

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
        self._store = None


class SparqlStore:
    """Any SPARQL 1.1 Protocol endpoint (Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever …), read-only."""

    kind = "sparql"

    def __init__(self, url: str, timeout: float | None = None):
        self.url = url
        self.description = f"sparql:{url}"
        self.timeout = timeout
        self._graphs: dict[str, bool] = {}

    def query(self, plan: QueryPlan, dataset: QueryDataset | None = None):
        """POST the query (form-encoded, what every endpoint accepts) and parse the W3C result format."""
        accept = ("application/n-triples, text/turtle;q=0.9" if plan.form in ("CONSTRUCT", "DESCRIBE")
                  else "application/sparql-results+json")
        fields = [("query", PREFIX_HEADER + plan.text)]
        if dataset:
            fields += [("default-graph-uri", g) for g in dataset.default]
            fields += [("named-graph-uri", g) for g in dataset.named]
        body = urllib.parse.urlencode(fields).encode("utf-8")
        ctype, data = http_request(self.url, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                    "Accept": accept}, timeout=self.timeout)
        return RemoteAnswer(plan.form, ctype, data)

    def attach(self) -> None:
        """Nothing to open: every query is its own HTTP request."""

    def has_graph(self, iri: str) -> bool:
        """Whether the endpoint holds a non-empty named graph with this IRI (asked once per IRI)."""
        if iri not in self._graphs:
            if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\s]*$", iri):
                return False
            self._graphs[iri] = collect(self, f"ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}").ask is True
        return self._graphs[iri]

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


def build_in_fresh_process(graph: str | Path, path: Path) -> None:
    """build_oxigraph in a new interpreter: RocksDB starts background threads that would stay in this process, and
    a process with them must not fork query workers (graph.store.pool). Its errors come back as they are."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        pool.apply(build_oxigraph, (str(graph), str(path)))


def open_oxigraph(spec: StoreSpec, graph: str | Path | None, timeout: float | None = None) -> OxigraphStore:
    """Without a path, load GRAPH into memory; with one, use the store on disk when it was built from this very
    file, and (re)build it when the file changed. The disk store is opened (read-only) on its first query."""
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
            build_in_fresh_process(graph, path)
    elif not marker.is_file():
        raise StoreError(f"{path}: no Oxigraph store here yet; give GRAPH to build it")
    return OxigraphStore(None, f"oxigraph:{path}", path=path)


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


def run_query(dataset: Dataset, sparql: str):
    """Run a SPARQL query on an rdflib dataset with the project's prefixes predeclared (PolicyGraph.query), with
    the checks of every store: no UPDATE, no SERVICE, no FROM of a graph the dataset does not hold."""
    store = MemoryStore(dataset)
    plan = plan_query(sparql)
    check_graphs(store, plan)
    try:
        return store.query(plan)
    except Exception as exc:  # rdflib surfaces syntax and evaluation errors as assorted types
        raise engine_error(exc) from None


def store_dataset(store) -> Dataset:
    """Every quad of any store as an rdflib Dataset (for export), the ontology graph left out."""
    ds = Dataset(default_union=True)
    bind_prefixes(ds)
    for s, p, o, g in store.quads():
        if g is not None and str(g) == ONTOLOGY_GRAPH:
            continue
        ds.add((s, p, o, g))
    return ds
