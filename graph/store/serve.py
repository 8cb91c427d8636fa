"""`policykg serve`: a read-only SPARQL 1.1 Protocol endpoint over any store, with an offline query page.

GET and POST (form-encoded or a direct application/sparql-query body), content negotiation over the W3C result
formats, a time limit per query, a cap on queries running at once with a bounded queue of waiting queries (a
burst waits its turn instead of failing), optional CORS for YASGUI and other browser tools. UPDATE, LOAD and
SERVICE are refused with 403: the endpoint never changes the graph or fetches elsewhere.
"""
from __future__ import annotations

import html
import json
import signal
import sys
import threading
import urllib.parse
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

from graph.store.errors import QueryError, QueryTimeout, ReadOnlyError, StoreError
from graph.store.results import RESULT_FORMATS, negotiate, serialize
from graph.store.sparql import check_read_only, collect, list_examples, run_with_deadline

QUERY_PATHS = ("/sparql", "/query")
PAGE_PATHS = ("/", "/index.html")
FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


@dataclass
class ServeConfig:
    """What `policykg serve` exposes and how far it lets a query go."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 30.0
    cors: tuple[str, ...] = ()
    max_rows: int | None = None
    max_running: int = 4
    max_waiting: int = 64  # queries queued for a running slot; past this the answer is 503 at once (bounded memory)
    queue_wait: float | None = None  # how long a queued query waits for a slot; None: the time limit
    max_body: int = 1_000_000
    quiet: bool = False


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


class Endpoint:
    """The protocol logic, independent of the socket server: a request's parts in, a Reply out."""

    def __init__(self, store, config: ServeConfig):
        self.store = store
        self.config = config
        self.running = threading.BoundedSemaphore(config.max_running)
        self.counts = {"running": 0, "waiting": 0}
        self.counts_lock = threading.Lock()
        self.examples = [{"name": e.name, "title": e.title, "description": e.description, "sparql": e.sparql}
                         for e in list_examples()]

    # -- routing

    def handle(self, method: str, target: str, headers, body: bytes) -> Reply:
        """Answer one request."""
        url = urllib.parse.urlsplit(target)
        if method == "OPTIONS":
            return Reply(HTTPStatus.NO_CONTENT, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
        if method not in ("GET", "HEAD", "POST"):
            return text_reply(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not allowed: this endpoint is read-only",
                              Allow="GET, HEAD, POST, OPTIONS")
        if url.path in PAGE_PATHS and method != "POST":
            return Reply(HTTPStatus.OK, self.page(), "text/html; charset=utf-8")
        if url.path == "/examples.json":
            return Reply(HTTPStatus.OK, json.dumps(self.examples, ensure_ascii=False).encode("utf-8"),
                         "application/json")
        if url.path in ("/update", "/store", "/data"):
            return text_reply(HTTPStatus.FORBIDDEN, "this endpoint is read-only: no SPARQL UPDATE or Graph Store "
                              "writes (use `policykg push` against a writable store)")
        if url.path not in QUERY_PATHS:
            return text_reply(HTTPStatus.NOT_FOUND, f"no such page {url.path}; the SPARQL endpoint is at /sparql")
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
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

    # -- the protocol

    def sparql(self, params: dict[str, list[str]], headers) -> Reply:
        """Run the `query` parameter and answer in the negotiated format."""
        if "update" in params:
            return text_reply(HTTPStatus.FORBIDDEN, "SPARQL UPDATE is refused: this endpoint is read-only")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            if "text/html" in (headers.get("Accept") or ""):
                return Reply(HTTPStatus.SEE_OTHER, headers={"Location": "/"})
            return text_reply(HTTPStatus.BAD_REQUEST, "give exactly one `query` parameter (SPARQL 1.1 Protocol)")
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            return text_reply(HTTPStatus.BAD_REQUEST, "default-graph-uri/named-graph-uri are not supported: the "
                              "default graph is the union of all graphs; use GRAPH <iri> { … } in the query")
        sparql = queries[0]
        try:
            form = check_read_only(sparql, allow_service=False)
        except ReadOnlyError as exc:
            return text_reply(HTTPStatus.FORBIDDEN, str(exc))
        fmt = (params.get("format") or [None])[0]
        if fmt is not None and fmt not in RESULT_FORMATS:
            return text_reply(HTTPStatus.BAD_REQUEST, f"unknown format {fmt!r}; choose one of: {', '.join(RESULT_FORMATS)}")
        fmt = fmt or negotiate(headers.get("Accept"), form)
        if fmt is None:
            return text_reply(HTTPStatus.NOT_ACCEPTABLE, "no result format fits the Accept header; offer one of: "
                              "application/sparql-results+json, application/sparql-results+xml, text/csv, "
                              "text/tab-separated-values, text/turtle, application/n-triples, application/ld+json")
        try:
            res = self.run(sparql)
            data, media = serialize(res, fmt)
        except QueryTimeout as exc:
            return text_reply(HTTPStatus.SERVICE_UNAVAILABLE, str(exc), **{"Retry-After": "5"})
        except ReadOnlyError as exc:
            return text_reply(HTTPStatus.FORBIDDEN, str(exc))
        except (QueryError, StoreError) as exc:
            return text_reply(HTTPStatus.BAD_REQUEST, str(exc))
        extra = {"X-Result-Rows": str(len(res.rows) if not res.is_graph else len(res.graph))}
        if res.truncated:
            extra["X-Result-Truncated"] = f"stopped at {self.config.max_rows} rows"
        return Reply(HTTPStatus.OK, data, media, extra)

    def run(self, sparql: str):
        """collect() under the time limit; a slot stays taken until the query really ends, even past its limit."""
        self.take_slot()

        def job():
            try:
                return collect(self.store, sparql, limit=self.config.max_rows, allow_service=False)
            finally:
                self.count("running", -1)
                self.running.release()
        return run_with_deadline(job, self.config.timeout)

    def take_slot(self) -> None:
        """Wait in a bounded queue for a running slot, so a burst of clients is served in turn, not refused."""
        with self.counts_lock:
            if self.counts["waiting"] >= self.config.max_waiting:
                raise QueryTimeout(f"the endpoint is busy: {self.config.max_waiting} queries are already waiting; "
                                   "retry in a few seconds")
            self.counts["waiting"] += 1
        wait = self.config.queue_wait if self.config.queue_wait is not None else self.config.timeout
        try:
            if not self.running.acquire(timeout=wait):
                raise QueryTimeout(f"the endpoint is busy: no query slot came free within {wait:g} s; "
                                   "retry in a few seconds")
            self.count("running", 1)
        finally:
            self.count("waiting", -1)

    def count(self, what: str, step: int) -> None:
        """Keep load() right: request threads change the counts at once."""
        with self.counts_lock:
            self.counts[what] += step

    def load(self) -> dict[str, int]:
        """Queries running and waiting right now."""
        with self.counts_lock:
            return dict(self.counts)

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
        return text.replace("__STORE__", html.escape(self.store.description)).encode("utf-8")


def make_handler(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one endpoint."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "policykg-sparql"
        protocol_version = "HTTP/1.0"  # one request per connection: shutdown never waits on idle keep-alives

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > endpoint.config.max_body:
                reply = text_reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                   f"request body over {endpoint.config.max_body} bytes")
            else:
                body = self.rfile.read(length) if length else b""
                reply = endpoint.handle(self.command, self.path, self.headers, body)
            headers = {**reply.headers, **endpoint.cors_headers(self.headers.get("Origin"))}
            self.send_response(reply.status)
            if reply.body or reply.status not in (HTTPStatus.NO_CONTENT, HTTPStatus.SEE_OTHER):
                self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)

        do_GET = do_POST = do_HEAD = do_OPTIONS = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
            if not endpoint.config.quiet:
                sys.stderr.write(f"{self.address_string()} {format % args}\n")

    return Handler


def make_server(store, config: ServeConfig) -> ThreadingHTTPServer:
    """A bound server (port 0 picks a free one); start it with serve_forever()."""
    server = ThreadingHTTPServer((config.host, config.port), make_handler(Endpoint(store, config)))
    server.daemon_threads = False
    server.block_on_close = True  # server_close() waits for requests in flight (each bounded by the time limit)
    return server


def serve(store, config: ServeConfig, announce=print) -> None:
    """Serve until Ctrl-C or SIGTERM, then stop accepting, finish the requests in flight and return."""
    server = make_server(store, config)
    host, port = server.server_address[:2]
    base = f"http://{host}:{port}"
    announce(f"SPARQL endpoint: {base}/sparql   query page: {base}/")
    announce(f"store: {store.description}; read-only; time limit {config.timeout:g} s per query; Ctrl-C stops")

    def stop(signum, frame):
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
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    announce("stopped")
