"""`policykg serve` and a real Oxigraph server on 127.0.0.1 ephemeral ports, queried with SPARQLWrapper, plain
HTTP and raw sockets: protocol, formats and Graph Store reads; refusals of what would write or fetch; real deadlines,
bounded memory and misbehaving clients; `policykg push` loads the seed into Oxigraph, which must then answer every
example as the memory store."""
from __future__ import annotations

import csv
import io
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

import psutil
import pytest
from rdflib import Graph, URIRef

from graph.store.sparql import collect, list_examples
from graph.store.stores import open_store

from conftest import ROOT, run_policykg, stop
from test_store_sparql import FETCHES, REGEX, elsewhere, listener  # noqa: F401 (fixtures)

pytestmark = pytest.mark.server

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def http(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body) of one request, errors included."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def form(query: str) -> bytes:
    return urllib.parse.urlencode({"query": query}).encode("utf-8")


def start_serve(graph, *args: str, stderr=subprocess.PIPE) -> tuple[str, subprocess.Popen]:
    """`policykg serve GRAPH --port 0 --quiet ARGS` in a subprocess; its /sparql URL once it listens."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "serve", str(graph), "--port", "0", "--quiet", *args],
                            stdout=subprocess.PIPE, stderr=stderr, text=True, env=env, cwd=ROOT)
    first = proc.stdout.readline()
    assert "SPARQL endpoint: http://127.0.0.1:" in first, first + (proc.stderr.read() if proc.stderr else "")
    proc.stdout.readline()
    return first.split()[2], proc


@pytest.fixture(scope="module")
def endpoint(seed_build):
    """`policykg serve` on an ephemeral port, with CORS for one origin and a short time limit."""
    url, proc = start_serve(seed_build, "--timeout", "8", "--cors", "https://yasgui.example")
    yield url, proc
    stop(proc)


@pytest.fixture(scope="module")
def strict(seed_build, tmp_path_factory):
    """A server with tight limits: 2 workers, a queue of 8, 2 s per query, 1 s to send a request, 300 MB per
    query, 50 rows per answer; its stderr goes to a file the tests read."""
    log = tmp_path_factory.mktemp("strict") / "stderr.txt"
    with open(log, "w", encoding="utf-8") as err:
        url, proc = start_serve(seed_build, "--timeout", "2", "--workers", "2", "--queue", "8", "--read-timeout", "1",
                                "--max-memory", "300", "--max-rows", "50", stderr=err)
    yield url, proc, log
    stop(proc)


def status(url: str) -> dict:
    return json.loads(http(url.replace("/sparql", "/status"))[2])


# ---------------------------------------------------------------- policykg serve


def test_sparqlwrapper_select_and_ask(endpoint):
    from SPARQLWrapper import JSON, SPARQLWrapper

    url, _ = endpoint
    sw = SPARQLWrapper(url)
    sw.setReturnFormat(JSON)
    sw.setQuery("SELECT ?title WHERE { ?d a pk:Document ; rdfs:label ?title }")
    rows = sw.query().convert()["results"]["bindings"]
    assert rows[0]["title"]["value"] == "华容奋力打造武鄂协同发展先行区"
    sw.setQuery("ASK { ?p pk:recognizedAs ?r }")
    assert sw.query().convert()["boolean"] is True


def test_sparqlwrapper_post_and_construct(endpoint):
    from SPARQLWrapper import POST, TURTLE, SPARQLWrapper

    url, _ = endpoint
    sw = SPARQLWrapper(url)
    sw.setMethod(POST)
    sw.setReturnFormat(TURTLE)
    sw.setQuery("CONSTRUCT { ?d a pk:Document } WHERE { ?d a pk:Document }")
    assert b"pk:Document" in sw.query().convert()


@pytest.mark.parametrize("accept, media, check", [
    ("application/sparql-results+json", "application/sparql-results+json",
     lambda b: json.loads(b)["results"]["bindings"][0]["n"]["value"]),
    ("application/sparql-results+xml", "application/sparql-results+xml", lambda b: b"<sparql" in b),
    ("text/csv", "text/csv", lambda b: b.decode("utf-8").splitlines()[0] == "n"),
    ("text/tab-separated-values", "text/tab-separated-values", lambda b: b.decode("utf-8").startswith("?n")),
])
def test_content_negotiation_over_http(endpoint, accept, media, check):
    url, _ = endpoint
    status, headers, body = http(url, form("SELECT (COUNT(*) AS ?n) WHERE { ?s a pk:Document }"),
                                 {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and headers["Content-Type"].startswith(media) and check(body)


def test_get_and_direct_post_give_the_same_rows(endpoint):
    url, _ = endpoint
    q = "SELECT ?l WHERE { ?p pk:recognizedAs ?r . ?p rdfs:label ?l FILTER(lang(?l) = 'zh') } ORDER BY ?l"
    s1, _, get = http(url + "?" + urllib.parse.urlencode({"query": q}), headers={"Accept": "text/csv"})
    s2, _, post = http(url, q.encode("utf-8"), {"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert s1 == s2 == 200 and get == post
    assert list(csv.reader(io.StringIO(get.decode("utf-8"))))[1:]


@pytest.mark.parametrize("data, headers, status, message", [
    (form("LOAD <http://example.org/x.ttl>"), {"Content-Type": "application/x-www-form-urlencoded"}, 403, "read-only"),
    (b"INSERT DATA { <a:a> <a:b> <a:c> }", {"Content-Type": "application/sparql-update"}, 403, "read-only"),
    (urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(), {"Content-Type": "application/x-www-form-urlencoded"},
     403, "read-only"),
    (form("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"),
     {"Content-Type": "application/x-www-form-urlencoded"}, 403, "SERVICE"),
    (form("SELECT * WHERE { ?s ?p }"), {"Content-Type": "application/x-www-form-urlencoded"}, 400, "syntax error"),
    (b"query", {"Content-Type": "text/plain"}, 415, "application/sparql-query"),
    (form("SELECT * WHERE { ?s ?p ?o }"), {"Content-Type": "application/x-www-form-urlencoded",
                                           "Accept": "image/png"}, 406, "Accept"),
    (form("SELECT * WHERE { ?s ?p ?o }") + b"&format=pdf", {"Content-Type": "application/x-www-form-urlencoded"},
     406, "unknown format"),
    (form("SELECT * WHERE { ?s ?p ?o }") + b"&format=turtle", {"Content-Type": "application/x-www-form-urlencoded"},
     406, "CONSTRUCT/DESCRIBE"),
])
def test_refusals_are_clear_4xx(endpoint, data, headers, status, message):
    url, _ = endpoint
    code, _, body = http(url, data, headers)
    assert code == status and message in body.decode("utf-8")


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE", "PATCH"])
def test_graph_store_writes_are_refused(endpoint, method):
    url, _ = endpoint
    code, _, body = http(url.replace("/sparql", "/store?default"), b"<a:a> <a:b> <a:c> .",
                         {"Content-Type": "application/n-triples"}, method=method)
    assert code == 403 and b"read-only" in body


def test_time_limit_answers_503(endpoint):
    url, proc = endpoint
    code, headers, body = http(url, form(SLOW), {"Content-Type": "application/x-www-form-urlencoded"})
    assert code == 503 and b"time limit" in body
    # the server still answers afterwards
    assert http(url + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}))[0] == 200
    assert proc.poll() is None


def test_cors_for_the_configured_origin_only(endpoint):
    url, _ = endpoint
    code, headers, _ = http(url, method="OPTIONS", headers={"Origin": "https://yasgui.example",
                                                            "Access-Control-Request-Method": "POST"})
    assert code == 204 and headers["Access-Control-Allow-Origin"] == "https://yasgui.example"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    _, other, _ = http(url + "?query=ASK%7B%7D", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other


def test_query_page_is_offline_and_lists_examples(endpoint):
    url, _ = endpoint
    base = url.rsplit("/", 1)[0]
    code, headers, page = http(base + "/")
    text = page.decode("utf-8")
    assert code == 200 and headers["Content-Type"].startswith("text/html")
    assert "<textarea" in text and "examples.json" in text
    assert "src=\"http" not in text and "href=\"http" not in text and "@import" not in text
    code, _, body = http(base + "/examples.json")
    names = {e["name"] for e in json.loads(body)}
    assert code == 200 and names == {e.name for e in list_examples()}


def test_ctrl_c_stops_gracefully(seed_build):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "serve", str(seed_build), "--port", "0", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    url = proc.stdout.readline().split()[2]
    assert http(url + "?query=ASK%7B%7D")[0] == 200
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "stopped" in out and "Traceback" not in err


# ---------------------------------------------------------------- formats, datasets, Graph Store reads

DOCUMENTS = "SELECT ?d ?l WHERE { ?d a pk:Document ; rdfs:label ?l }"
DOCUMENT_GRAPH = "CONSTRUCT { ?d a pk:Document ; rdfs:label ?l } WHERE { ?d a pk:Document ; rdfs:label ?l }"


def check_rows(result, fmt):
    from xml.dom.minidom import Document

    if fmt == "json":
        return result["results"]["bindings"][0]["l"]["value"]
    if fmt == "xml":
        return isinstance(result, Document) and result.getElementsByTagName("binding")
    lines = result.decode("utf-8").splitlines()
    return lines[0] == ("d,l" if fmt == "csv" else "?d\t?l") and len(lines) == 2


def check_graph(result, fmt):
    if isinstance(result, bytes):  # turtle and n3 come back as text
        result = Graph().parse(data=result.decode("utf-8"), format="turtle")
    return len(result) == 2 and {str(o) for o in result.objects()} >= {"https://w3id.org/policykg/ontology#Document"}


@pytest.mark.parametrize("query, fmt", [(DOCUMENTS, f) for f in ("json", "xml", "csv", "tsv")] +
                         [(DOCUMENT_GRAPH, f) for f in ("turtle", "n3", "rdf", "rdf+xml", "xml", "json-ld", "json")])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_gets_every_return_format(endpoint, query, fmt, method):
    from SPARQLWrapper import SPARQLWrapper

    url, _ = endpoint
    sw = SPARQLWrapper(url)
    sw.setMethod(method)
    sw.setReturnFormat(fmt)
    sw.setQuery(query)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = sw.query().convert()
    mismatches = [str(w.message) for w in caught if "returned by the endpoint" in str(w.message)
                  or "unknown response content type" in str(w.message)]
    assert not mismatches
    assert (check_graph if query is DOCUMENT_GRAPH else check_rows)(result, fmt)


@pytest.mark.parametrize("name", ["rdf+xml", "application/rdf+xml", "json-ld", "jsonld", "application/ld+json",
                                  "turtle", "ttl", "text/turtle", "n-triples", "nt", "application/n-triples"])
def test_format_names_and_media_types(endpoint, name):
    url, _ = endpoint
    code, headers, body = http(url + "?" + urllib.parse.urlencode({"query": DOCUMENT_GRAPH, "format": name}))
    media = headers["Content-Type"].split(";")[0]
    parsed = Graph().parse(data=body, format={"application/rdf+xml": "xml", "application/ld+json": "json-ld",
                                              "text/turtle": "turtle", "application/n-triples": "nt"}[media])
    assert code == 200 and len(parsed) == 2


def document_graph(seed_dataset) -> str:
    return next(str(g.identifier) for g in seed_dataset.graphs() if "/doc/" in str(g.identifier))


def test_protocol_dataset_names_graphs_of_the_store(endpoint, seed_dataset):
    url, _ = endpoint
    doc = document_graph(seed_dataset)

    def ask(*params):
        code, _, body = http(url + "?" + urllib.parse.urlencode(params), headers={"Accept": "application/json"})
        assert code == 200, body
        return [b["n"]["value"] if "n" in b else b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]

    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    everything = int(ask(("query", count))[0])
    only = int(ask(("query", count), ("default-graph-uri", doc))[0])
    assert only == len(seed_dataset.graph(URIRef(doc))) < everything
    assert ask(("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"), ("named-graph-uri", doc)) == [doc]


def test_graph_store_reads_a_named_graph_or_the_default_graph(endpoint, seed_dataset):
    url, _ = endpoint
    base, doc = url.rsplit("/", 1)[0], document_graph(seed_dataset)
    code, headers, body = http(base + "/store?" + urllib.parse.urlencode({"graph": doc}))
    assert code == 200 and headers["Content-Type"].startswith("text/turtle")
    assert len(Graph().parse(data=body, format="turtle")) == len(seed_dataset.graph(URIRef(doc)))
    code, headers, body = http(base + "/store?" + urllib.parse.urlencode({"graph": doc}),
                               headers={"Accept": "application/n-triples"})
    assert code == 200 and len(Graph().parse(data=body, format="nt")) == len(seed_dataset.graph(URIRef(doc)))
    code, headers, body = http(base + "/store?default")
    assert code == 200 and len(Graph().parse(data=body, format="turtle")) > len(seed_dataset.graph(URIRef(doc)))
    code, headers, body = http(base + "/store?default", method="HEAD")
    assert code == 200 and body == b"" and int(headers["Content-Length"]) > 0
    assert http(base + "/store?graph=https://w3id.org/policykg/doc/nope")[0] == 404
    assert http(base + "/store")[0] == 400


def test_csv_from_the_endpoint_is_safe_for_spreadsheets(endpoint):
    url, _ = endpoint
    q = 'SELECT ?f ?n WHERE { BIND("=1+2" AS ?f) BIND(-7 AS ?n) }'
    for params, headers, row in [({"format": "csv"}, {}, "'=1+2,-7"), ({}, {"Accept": "text/csv"}, "'=1+2,-7"),
                                 ({"format": "csv", "exact-csv": "1"}, {}, "=1+2,-7")]:
        code, _, body = http(url + "?" + urllib.parse.urlencode({"query": q, **params}), headers=headers)
        assert code == 200 and body.decode("utf-8").splitlines()[1] == row


# ---------------------------------------------------------------- nothing is fetched from elsewhere


@pytest.mark.parametrize("where", FETCHES)
@pytest.mark.parametrize("kind", ["http", "https", "file", "relative"])
def test_endpoint_refuses_graphs_from_elsewhere(endpoint, listener, elsewhere, where, kind):  # noqa: F811
    url, _ = endpoint
    iri = elsewhere[kind]
    sparql, dataset = FETCHES[where](iri)
    params = [("query", sparql)] + [("default-graph-uri", g) for g in (dataset.default if dataset else ())] + \
        [("named-graph-uri", g) for g in (dataset.named if dataset else ())]
    before = len(listener.hits)
    code, _, body = http(url + "?" + urllib.parse.urlencode(params))
    assert code == 403 and b"not a graph of this store" in body and b"SECRET" not in body
    assert len(listener.hits) == before


def test_an_escaped_service_is_refused(endpoint, listener):  # noqa: F811
    url, _ = endpoint
    before = len(listener.hits)
    q = f"SELECT * WHERE {{ SERV\\u0049CE <{listener.base}/s> {{ ?s ?p ?o }} }}"
    code, _, body = http(url, form(q), {"Content-Type": "application/x-www-form-urlencoded"})
    assert code == 403 and b"SERVICE" in body and len(listener.hits) == before


# ---------------------------------------------------------------- deadlines that stop the work, bounded memory

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
ASK = form("ASK { ?s ?p ?o }")
COUNT3 = form("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
# past a 300 MB limit in well under a second: in rdflib a string ten times longer at each step (10 GB at the
# last one), in Oxigraph a sort of 40 million rows
SORTED_PRODUCT = form("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f")
BOMB = form("SELECT (STRLEN(?s9) AS ?n) WHERE { BIND(\"aaaaaaaaaa\" AS ?s0) " + " ".join(
    f"BIND(CONCAT({','.join([f'?s{i}'] * 10)}) AS ?s{i + 1})" for i in range(9)) + " }")


def timed(url: str, data: bytes) -> tuple[int, bytes, float]:
    started = time.monotonic()
    code, _, body = http(url, data, FORM)
    return code, body, time.monotonic() - started


def in_thread(replies: dict, key, url: str, data: bytes) -> threading.Thread:
    def send():
        replies[key] = (*timed(url, data), time.monotonic())
    thread = threading.Thread(target=send)
    thread.start()
    return thread


def wait_until(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_regex_does_not_freeze_other_clients(strict):
    url, _, _ = strict
    replies: dict = {}
    thread = in_thread(replies, "regex", url, form(REGEX))
    wait_until(lambda: status(url)["running"] >= 1)
    for _ in range(3):
        code, _, took = timed(url, ASK)
        assert code == 200 and took < 1.5, f"a cheap query waited {took:.1f} s behind a regex"
    thread.join(30)
    code, body, took, _ = replies["regex"]
    assert code == 503 and b"2 s time limit" in body and took < 4


@pytest.fixture(scope="module")
def oxigraph_endpoint(seed_build, tmp_path_factory):
    """`policykg serve --store oxigraph:PATH`: each worker opens the store read-only."""
    path = tmp_path_factory.mktemp("oxserve") / "kg.oxigraph"
    url, proc = start_serve(seed_build, "--store", f"oxigraph:{path}", "--timeout", "2", "--workers", "2",
                            "--max-memory", "300")
    yield url, proc
    stop(proc)


def test_deadlines_free_the_slots_and_the_cpu_on_oxigraph(oxigraph_endpoint):
    url, _ = oxigraph_endpoint
    first = status(url)["pids"]["workers"]
    replies: dict = {}
    threads = [in_thread(replies, k, url, COUNT3) for k in range(2)]
    for t in threads:
        t.join(30)
    assert all(r[0] == 503 and b"time limit" in r[1] for r in replies.values())
    last = max(r[3] for r in replies.values())
    code, _, _ = timed(url, ASK)
    assert code == 200 and time.monotonic() - last < 1.5, "both slots were free again within a second"
    killed = set(first) - set(status(url)["pids"]["workers"])
    alive = [p for p in killed if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
    assert len(killed) == 2 and not alive, "the workers that ran past their deadline are gone"


@pytest.mark.parametrize("server, query", [("strict", BOMB), ("oxigraph_endpoint", SORTED_PRODUCT)])
def test_a_query_over_the_memory_limit_gets_503_and_the_server_goes_on(request, server, query):
    url = request.getfixturevalue(server)[0]
    code, body, _ = timed(url, query)
    assert code == 503 and b"300 MB" in body
    assert timed(url, ASK)[0] == 200
    tree = psutil.Process(status(url)["pids"]["template"])
    assert all(w.memory_info().rss < tree.memory_info().rss + 300 * 2**20 for w in tree.children())


def test_answers_stop_at_max_rows(strict):
    url, _, _ = strict
    code, headers, body = http(url, form("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"), FORM)
    assert code == 200 and len(json.loads(body)["results"]["bindings"]) == 50
    assert headers["X-Result-Truncated"] == "stopped at 50 rows"


# ---------------------------------------------------------------- clients that misbehave


def test_a_burst_gets_answers_not_resets(strict):
    url, _, _ = strict
    start = threading.Barrier(200)
    codes, errors = [], []

    def client():
        start.wait()
        try:
            codes.append(http(url, ASK, FORM)[0])
        except OSError as exc:
            errors.append(repr(exc))
    threads = [threading.Thread(target=client) for _ in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors and len(codes) == 200 and set(codes) <= {200, 503} and 200 in codes


def raw(url: str, data: bytes, read: bool = True) -> bytes:
    """Send raw bytes; the status line of the answer."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(data)
        answer = b""
        while read and b"\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer.split(b"\r\n")[0]


def post(headers: str, body: bytes = b"ASK {}") -> bytes:
    return (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n{headers}\r\n"
            ).encode() + body


@pytest.mark.parametrize("data, status", [
    (post("Content-Length: -1\r\n"), b"400"),
    (post("Content-Length: abc\r\n"), b"400"),
    (post("Content-Length: 6\r\nContent-Length: 7\r\n"), b"400"),
    (post("Content-Length: 6, 7\r\n"), b"400"),
    (post("Content-Length: 6\r\nContent-Length: 6\r\n"), b"200"),
    (post("Transfer-Encoding: chunked\r\n", b"6\r\nASK {}\r\n0\r\n\r\n"), b"501"),
    (post("Content-Length: 2000000\r\n", b""), b"413"),
    (post("".join(f"X-{i}: {'v' * 1000}\r\n" for i in range(40)) + "Content-Length: 6\r\n"), b"431"),
    (post(f"X-Long: {'v' * 70000}\r\nContent-Length: 6\r\n"), b"431"),
    (post("".join(f"X-{i}: v\r\n" for i in range(120)) + "Content-Length: 6\r\n"), b"431"),
    (b"NONSENSE\r\n\r\n", b"400"),
])
def test_strict_request_parsing(strict, data, status):
    url, _, log = strict
    assert raw(url, data).split(b" ")[1] == status
    assert "Traceback" not in log.read_text(encoding="utf-8")


def closed_within(sock: socket.socket, seconds: float, drip: bytes = b"") -> float:
    """Seconds until the server closes `sock` (sending `drip` every 0.2 s meanwhile); `seconds` if it never does."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if drip:
                sock.sendall(drip)
            if select.select([sock], [], [], 0.2)[0] and not sock.recv(4096):
                break
        except OSError:
            break
    return time.monotonic() - started


def test_silent_and_slow_clients_are_cut_at_the_read_deadline(strict):
    url, proc, _ = strict
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    with socket.create_connection((host, int(port))) as silent, socket.create_connection((host, int(port))) as slow:
        slow.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
        assert closed_within(slow, 6, drip=b"X-Drip: 1\r\n") < 3
        assert closed_within(silent, 6) < 3


def test_threads_stay_bounded_with_many_idle_connections(seed_build):
    url, proc = start_serve(seed_build, "--max-connections", "8", "--read-timeout", "2")
    try:
        host, port = urllib.parse.urlsplit(url).netloc.split(":")
        front = psutil.Process(proc.pid)
        baseline = front.num_threads()
        idle = [socket.create_connection((host, int(port))) for _ in range(40)]
        time.sleep(0.5)
        assert front.num_threads() <= baseline + 8
        code, _, took = timed(url, ASK)  # waits in the backlog until the idle ones are cut
        assert code == 200 and took < 15
        for s in idle:
            s.close()
    finally:
        stop(proc)


def test_sigterm_stops_within_seconds_whatever_clients_do(seed_build):
    url, proc = start_serve(seed_build, "--workers", "1", "--queue", "1", "--timeout", "60", "--read-timeout", "30")
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    children = [p for p in psutil.Process(proc.pid).children(recursive=True)]
    replies: dict = {}
    running = in_thread(replies, "running", url, COUNT3)
    wait_until(lambda: status(url)["running"] == 1)
    queued = in_thread(replies, "queued", url, ASK)
    wait_until(lambda: status(url)["waiting"] == 1)
    code, body, took = timed(url, ASK)
    assert code == 503 and b"1 queries are already waiting" in body and took < 2
    half_open = [socket.create_connection((host, int(port))) for _ in range(3)]
    for s in half_open:
        s.sendall(b"POST /sparql HTTP/1.1\r\nContent-Len")
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    took = time.monotonic() - started
    assert took < 6 and proc.returncode == 0 and "stopped" in out and "Traceback" not in err
    for t in (running, queued):
        t.join(10)
    assert replies["running"][0] == 503 and replies["queued"][0] == 503
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in children)
    for s in half_open:
        s.close()


def test_a_graph_that_cannot_load_is_one_line_and_leaves_no_process(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    r = run_policykg("serve", str(bad), "--port", "0", timeout=60)
    assert r.returncode == 1 and "malformed" in r.stderr and "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1 and "SPARQL endpoint" not in r.stdout


def test_a_burst_waits_its_turn_instead_of_failing(strict):
    url, _, _ = strict
    replies: dict = {}
    threads = [in_thread(replies, k, url, ASK) for k in range(10)]
    for t in threads:
        t.join(60)
    assert sorted(r[0] for r in replies.values()) == [200] * 10
    wait_until(lambda: status(url)["running"] == status(url)["waiting"] == 0)


# ---------------------------------------------------------------- a real Oxigraph server


@pytest.fixture(scope="module")
def pushed(oxigraph_server, seed_build):
    r = run_policykg("push", str(seed_build), oxigraph_server + "/store")
    assert r.returncode == 0, r.stderr
    return oxigraph_server, r.stdout


def test_push_reports_named_graphs(pushed):
    _, out = pushed
    assert "https://w3id.org/policykg/doc/" in out and "https://w3id.org/policykg/ontology" in out
    assert "default" in out and out.strip().splitlines()[-1].startswith("pushed 3 graphs")


def test_push_twice_replaces(pushed, seed_build, seed_dataset):
    base, _ = pushed
    r = run_policykg("push", str(seed_build), base + "/store")
    assert r.returncode == 0
    remote = open_store(None, f"sparql:{base}/query")
    n = collect(remote, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != <https://w3id.org/policykg/ontology>) }")
    assert int(n.records()[0]["n"]) == len(seed_dataset)


def test_sparqlwrapper_on_oxigraph(pushed):
    from SPARQLWrapper import JSON, SPARQLWrapper

    base, _ = pushed
    sw = SPARQLWrapper(base + "/query")
    sw.setReturnFormat(JSON)
    sw.setQuery("PREFIX pk: <https://w3id.org/policykg/ontology#> ASK { ?d a pk:Document }")
    assert sw.query().convert()["boolean"] is True


@pytest.fixture(scope="module")
def memory_store(seed_build):
    return open_store(seed_build)


@pytest.mark.parametrize("example", list_examples(), ids=lambda e: e.name)
def test_every_example_same_on_oxigraph_server(pushed, memory_store, example):
    base, _ = pushed
    remote = open_store(None, f"sparql:{base}/query")
    assert collect(remote, example.sparql).canonical() == collect(memory_store, example.sparql).canonical()


def test_query_command_on_a_remote_endpoint(pushed):
    base, _ = pushed
    r = run_policykg("query", "--store", f"sparql:{base}/query", "--example", "documents", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert "2023-12-26" in r.stdout


def test_policykg_serve_can_front_a_remote_store(pushed, endpoint):
    """SPARQLWrapper against both servers gives the same recognitions."""
    from SPARQLWrapper import JSON, SPARQLWrapper

    base, _ = pushed
    url, _ = endpoint
    q = ("PREFIX pk: <https://w3id.org/policykg/ontology#> "
         "SELECT ?p ?r WHERE { ?p pk:recognizedAs ?r } ORDER BY ?p ?r")
    answers = []
    for target in (url, base + "/query"):
        sw = SPARQLWrapper(target)
        sw.setReturnFormat(JSON)
        sw.setQuery(q)
        answers.append([(b["p"]["value"], b["r"]["value"]) for b in sw.query().convert()["results"]["bindings"]])
    assert answers[0] == answers[1] and answers[0]


def test_unreachable_endpoint_is_one_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = run_policykg("query", "--store", f"sparql:http://127.0.0.1:{port}/query", "ASK { ?s ?p ?o }")
    assert r.returncode == 1 and "cannot reach" in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------- the query page in a browser

CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (make system-deps installs it)")
def test_query_page_runs_an_example_in_chromium(endpoint):
    from playwright.sync_api import sync_playwright

    url, _ = endpoint
    base = url.rsplit("/", 1)[0]
    blocked, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                    "--disable-dev-shm-usage"])
        try:
            page = browser.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base)
                       else (blocked.append(r.request.url), r.abort()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(base + "/")
            page.wait_for_function("document.querySelectorAll('#examples option').length > 12")
            page.select_option("#examples", "recognitions")
            assert "PREFIX pk:" in page.input_value("#query")
            page.click("#run")
            page.wait_for_function("document.querySelector('#results table tbody tr') || "
                                   "document.querySelector('#status.error')", timeout=60000)
            assert "error" not in page.get_attribute("#status", "class"), page.inner_text("#status")
            cells = page.locator("#results td").all_inner_texts()
            assert any("千强镇" in c for c in cells)
            assert "rows in" in page.inner_text("#status")
            assert page.locator("#downloads a").count() == 5
            page.fill("#query", "SELECT * WHERE { ?s ?p }")
            page.focus("#query")
            page.keyboard.press("Control+Enter")
            page.wait_for_selector("#status.error")
            assert "400" in page.inner_text("#status") and "syntax error" in page.inner_text("#status")
        finally:
            browser.close()
    assert not blocked and not errors


