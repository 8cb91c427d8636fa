"""`policykg serve`: a read-only SPARQL 1.1 Protocol endpoint over any store, with an offline query page.

GET and POST (form-encoded or a direct application/sparql-query body), content negotiation over the W3C result
formats and the format names clients send, default-graph-uri / named-graph-uri for the store's own graphs, Graph
Store Protocol reads (GET /store?graph=IRI or ?default), optional CORS for YASGUI. UPDATE, LOAD, SERVICE, Graph
Store writes and FROM / default-graph-uri of a graph the store does not hold get 403: the endpoint never changes
the graph or fetches elsewhere. Queries run in a pool of worker processes (graph.store.pool), so a deadline stops
the work, memory is bounded per query, and cheap queries keep answering while expensive ones run.
"""
from __future__ import annotations

import html
import json
import re
import signal
import sys
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from importlib import resources

from graph.store.errors import (
    FormatError,
    NoSuchGraph,
    QueryError,
    QueryTimeout,
    ReadOnlyError,
    ResourceLimit,
    StoreError,
)
from graph.store.listener import Connections, ListeningServer, StrictHandler
from graph.store.pool import WorkerPool
from graph.store.results import format_name, negotiate, serialize
from graph.store.sparql import QueryDataset, collect, list_examples, plan_query

QUERY_PATHS = ("/sparql", "/query")
PAGE_PATHS = ("/", "/index.html")
WRITE_PATHS = ("/update", "/store", "/data")
FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
READ_ONLY = ("this endpoint is read-only: no SPARQL UPDATE or Graph Store writes (use `policykg push` against a "
             "writable store)")
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\s]*")
TRUE = ("1", "true", "yes", "on")


@dataclass
class ServeConfig:
    """What `policykg serve` exposes and how far it lets a query go."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 30.0
    cors: tuple[str, ...] = ()
    max_rows: int | None = 10_000
    max_running: int = 4  # worker processes: queries running at once
    max_waiting: int = 64  # queries queued for a worker; past this the answer is 503 at once (bounded memory)
    queue_wait: float | None = None  # how long a queued query waits for a worker; None: the time limit
    max_memory: int | None = 1024  # MB a query's worker may map beyond its start (RLIMIT_AS)
    max_body: int = 1_000_000
    max_connections: int = 256  # handled at once (a thread each); more wait in the listen backlog
    read_timeout: float = 10.0  # seconds a client has to send its whole request
    stop_grace: float = 2.0  # seconds queries in flight may finish after Ctrl-C / SIGTERM
    quiet: bool = False


@dataclass
class QueryRequest:
    """One query as the front hands it to a worker: the text (or a Graph Store read), how to answer it, and the
    dataset the protocol parameters name."""

    sparql: str | None
    format: str | None = None
    accept: str | None = None
    dataset: QueryDataset = field(default_factory=QueryDataset)
    exact_csv: bool = False
    max_rows: int | None = None
    graph: str | None = None  # Graph Store read: "" for the default graph, else a graph IRI


@dataclass
class Answer:
    """A worker's serialised answer."""

    body: bytes
    media_type: str
    rows: int
    truncated: bool


@dataclass
class Reply:
    """An HTTP answer before it is written: status, headers and body."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def text_reply(status: int, message: str, **headers: str) -> Reply:
    """A one-line plain-text answer, what curl users and SPARQLWrapper's error messages show."""
    return Reply(status, (message.rstrip() + "\n").encode("utf-8"), headers=headers)


# ---------------------------------------------------------------- in a worker process


def graph_store_query(store, graph: str) -> str:
    """The CONSTRUCT a Graph Store read of one graph ("" for the default graph) stands for."""
    if not graph:
        return "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    if not IRI.fullmatch(graph) or not store.has_graph(graph):
        raise NoSuchGraph(f"no graph <{graph}> in this store; GET /store?default for the default graph")
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"


def answer(store, request: QueryRequest) -> Answer:
    """Run one request on the store and serialise it (this runs in a worker, which the front may kill)."""
    sparql = request.sparql if request.graph is None else graph_store_query(store, request.graph)
    plan = plan_query(sparql)
    fmt = request.format or negotiate(request.accept, plan.form)
    if fmt is None:
        raise FormatError("no result format fits the Accept header; offer one of: application/sparql-results+json, "
                          "application/sparql-results+xml, text/csv, text/tab-separated-values, text/turtle, "
                          "application/n-triples, application/ld+json, application/rdf+xml")
    res = collect(store, sparql, limit=request.max_rows, dataset=request.dataset)
    data, media = serialize(res, fmt, exact_csv=request.exact_csv)
    return Answer(data, media, len(res.graph) if res.is_graph else len(res.rows), res.truncated)


# ---------------------------------------------------------------- in the front process

ERROR_STATUS = ((QueryTimeout, HTTPStatus.SERVICE_UNAVAILABLE), (ResourceLimit, HTTPStatus.SERVICE_UNAVAILABLE),
                (ReadOnlyError, HTTPStatus.FORBIDDEN), (FormatError, HTTPStatus.NOT_ACCEPTABLE),
                (NoSuchGraph, HTTPStatus.NOT_FOUND), (StoreError, HTTPStatus.BAD_GATEWAY),
                (QueryError, HTTPStatus.BAD_REQUEST))


class Endpoint:
    """The protocol logic, independent of the socket server: a request's parts in, a Reply out."""

    def __init__(self, pool: WorkerPool, config: ServeConfig, connections: Connections | None = None):
        self.pool = pool
        self.config = config
        self.connections = connections
        self.examples = [{"name": e.name, "title": e.title, "description": e.description, "sparql": e.sparql}
                         for e in list_examples()]

    # -- routing

    def handle(self, method: str, target: str, headers, body: bytes) -> Reply:
        """Answer one request."""
        url = urllib.parse.urlsplit(target)
        if method == "OPTIONS":
            return Reply(HTTPStatus.NO_CONTENT, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
        if url.path in WRITE_PATHS and method not in ("GET", "HEAD") or url.path in ("/update", "/data"):
            return text_reply(HTTPStatus.FORBIDDEN, READ_ONLY)
        if method not in ("GET", "HEAD", "POST"):
            return text_reply(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not allowed: this endpoint is read-only",
                              Allow="GET, HEAD, POST, OPTIONS")
        if url.path in PAGE_PATHS and method != "POST":
            return Reply(HTTPStatus.OK, self.page(), "text/html; charset=utf-8")
        if url.path == "/examples.json":
            return Reply(HTTPStatus.OK, json.dumps(self.examples, ensure_ascii=False).encode("utf-8"),
                         "application/json")
        if url.path == "/status":
            status = {**self.pool.status(), "connections": self.connections.count() if self.connections else None}
            return Reply(HTTPStatus.OK, json.dumps(status).encode("utf-8"), "application/json")
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path == "/store":
            return self.graph_store(params, headers)
        if url.path not in QUERY_PATHS:
            return text_reply(HTTPStatus.NOT_FOUND, f"no such page {url.path}; the SPARQL endpoint is at /sparql")
        if method == "POST":
            ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == FORM_TYPE:
                for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                    params.setdefault(k, []).extend(v)
            elif ctype == QUERY_TYPE:
                params.setdefault("query", []).append(body.decode("utf-8", "replace"))
            elif ctype == UPDATE_TYPE:
                return text_reply(HTTPStatus.FORBIDDEN, "SPARQL UPDATE is refused: this endpoint is read-only")
            else:
                return text_reply(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                  f"POST a query as {FORM_TYPE} (query=…) or as {QUERY_TYPE}, not {ctype or 'nothing'}")
        return self.sparql(params, headers)

    # -- the protocols

    def sparql(self, params: dict[str, list[str]], headers) -> Reply:
        """SPARQL 1.1 Protocol: run the `query` parameter on the dataset the parameters name."""
        if "update" in params:
            return text_reply(HTTPStatus.FORBIDDEN, "SPARQL UPDATE is refused: this endpoint is read-only")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            if "text/html" in (headers.get("Accept") or ""):
                return Reply(HTTPStatus.SEE_OTHER, headers={"Location": "/"})
            return text_reply(HTTPStatus.BAD_REQUEST, "give exactly one `query` parameter (SPARQL 1.1 Protocol)")
        dataset = QueryDataset(tuple(params.get("default-graph-uri", [])), tuple(params.get("named-graph-uri", [])))
        return self.run(queries[0], params, headers, dataset=dataset)

    def graph_store(self, params: dict[str, list[str]], headers) -> Reply:
        """SPARQL 1.1 Graph Store Protocol, reads only: GET /store?graph=IRI or /store?default."""
        graphs = params.get("graph", [])
        if len(graphs) + ("default" in params) != 1:
            return text_reply(HTTPStatus.BAD_REQUEST, "name one graph: /store?graph=IRI or /store?default "
                              "(Graph Store Protocol; this endpoint only reads)")
        return self.run(None, params, headers, graph=graphs[0] if graphs else "")

    def run(self, sparql: str | None, params: dict[str, list[str]], headers, **request) -> Reply:
        """Hand a request to a worker and turn its answer, or its error, into a Reply."""
        try:
            fmt = format_name(params.get("format", []))
            job = QueryRequest(sparql, fmt, headers.get("Accept"), max_rows=self.config.max_rows,
                               exact_csv=(params.get("exact-csv") or [""])[0].lower() in TRUE, **request)
            ans = self.pool.run(job, timeout=self.config.timeout, wait=self.config.queue_wait)
        except (QueryError, StoreError) as exc:
            status = next(code for cls, code in ERROR_STATUS if isinstance(exc, cls))
            extra = {"Retry-After": "5"} if status == HTTPStatus.SERVICE_UNAVAILABLE else {}
            return text_reply(status, str(exc), **extra)
        extra = {"X-Result-Rows": str(ans.rows)}
        if ans.truncated:
            extra["X-Result-Truncated"] = f"stopped at {self.config.max_rows} rows"
        return Reply(HTTPStatus.OK, ans.body, ans.media_type, extra)

    def cors_headers(self, origin: str | None) -> dict[str, str]:
        """Access-Control-* headers for an allowed origin (none unless --cors was given)."""
        allowed = self.config.cors
        if not allowed or not origin and "*" not in allowed:
            return {}
        value = "*" if "*" in allowed else (origin if origin in allowed else None)
        if value is None:
            return {}
        return {"Access-Control-Allow-Origin": value, "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "600",
                "Access-Control-Expose-Headers": "X-Result-Rows, X-Result-Truncated",
                **({"Vary": "Origin"} if value != "*" else {})}

    def page(self) -> bytes:
        """The offline query page, with the store's name filled in."""
        text = resources.files(__package__).joinpath("static/sparql.html").read_text(encoding="utf-8")
        return text.replace("__STORE__", html.escape(self.pool.description)).encode("utf-8")


def make_handler(endpoint: Endpoint) -> type[StrictHandler]:
    """A request handler class bound to one endpoint."""
    config = endpoint.config

    class Handler(StrictHandler):
        server_version = "policykg-sparql"
        timeout = config.read_timeout
        max_body = config.max_body
        write_timeout = config.timeout + 30

        def _serve(self) -> None:
            reply = endpoint.handle(self.command, self.path, self.headers, self.body)
            headers = {**reply.headers, **endpoint.cors_headers(self.headers.get("Origin"))}
            no_type = not reply.body and reply.status in (HTTPStatus.NO_CONTENT, HTTPStatus.SEE_OTHER)
            self.write_reply(reply.status, None if no_type else reply.content_type, headers, reply.body)

        do_GET = do_POST = do_HEAD = do_OPTIONS = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
            if not config.quiet:
                sys.stderr.write(f"{self.address_string()} {format % args}\n")

    return Handler


def serve(opener: Callable[[], object], config: ServeConfig, announce=print) -> None:
    """Load the store (opener() runs in the pool's template process), serve until Ctrl-C or SIGTERM, then stop
    within stop_grace + 1 s whatever clients do: no new connections, clients still sending a request are cut,
    queries in flight get stop_grace seconds, then the workers are killed (their clients get 503) and the last
    connections are closed."""
    connections = Connections(config.max_connections, config.read_timeout)
    pool = WorkerPool(opener, answer, size=config.max_running, memory_mb=config.max_memory,
                      max_waiting=config.max_waiting)
    endpoint = Endpoint(pool, config, connections)
    backlog = max(128, config.max_connections, config.max_waiting + config.max_running)
    server = ListeningServer((config.host, config.port), make_handler(endpoint), backlog=backlog,
                             connections=connections)
    try:
        pool.start(close_in_children=(server.socket,))
    except BaseException:
        server.server_close()
        raise
    connections.start()
    host, port = server.server_address[:2]
    base = f"http://{host}:{port}"
    announce(f"SPARQL endpoint: {base}/sparql   query page: {base}/")
    memory = f"up to {config.max_memory} MB each" if config.max_memory else "no memory limit"
    rows = f"at most {config.max_rows:,} rows per answer" if config.max_rows else "no row limit"
    announce(f"store: {pool.description}; read-only; time limit {config.timeout:g} s per query; "
             f"{config.max_running} query workers, {memory}; {rows}; Ctrl-C stops")

    def stop(signum, frame):
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C does not cut the stop short
        raise KeyboardInterrupt

    previous = {}
    if threading.current_thread() is threading.main_thread():  # also when started in the background (SIGINT ignored)
        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        connections.stop_reading()
        connections.wait_idle(config.stop_grace)
        pool.close()
        connections.wait_idle(1.0)
        connections.close_all()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    announce("stopped")
