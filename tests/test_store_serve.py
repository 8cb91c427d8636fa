"""`policykg serve` and a real Oxigraph server on 127.0.0.1 ephemeral ports, queried with SPARQLWrapper and plain
HTTP; `policykg push` loads the seed into Oxigraph, which must then answer every example as the memory store."""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from graph.store.sparql import collect, list_examples
from graph.store.stores import open_store

from conftest import ROOT, run_policykg, stop

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


@pytest.fixture(scope="module")
def endpoint(seed_build):
    """`policykg serve` on an ephemeral port, with CORS for one origin and a short time limit."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "serve", str(seed_build), "--port", "0", "--timeout", "8",
                             "--cors", "https://yasgui.example", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    first = proc.stdout.readline()
    assert "SPARQL endpoint: http://127.0.0.1:" in first, first + proc.stderr.read()
    url = first.split()[2]
    proc.stdout.readline()
    yield url, proc
    stop(proc)


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
])
def test_refusals_are_clear_4xx(endpoint, data, headers, status, message):
    url, _ = endpoint
    code, _, body = http(url, data, headers)
    assert code == status and message in body.decode("utf-8")


def test_graph_store_writes_are_refused(endpoint):
    url, _ = endpoint
    code, _, body = http(url.replace("/sparql", "/store?default"), b"<a:a> <a:b> <a:c> .",
                         {"Content-Type": "application/n-triples"}, method="PUT")
    assert code == 405 and b"read-only" in body


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


# ---------------------------------------------------------------- the queue of waiting queries

def ask_endpoint(endpoint, sparql: str, replies: dict, key) -> threading.Thread:
    """endpoint.handle() of one form POST in a thread; its Reply lands in replies[key]."""
    def send():
        replies[key] = endpoint.handle("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded",
                                                           "Accept": "application/sparql-results+json"}, form(sparql))
    thread = threading.Thread(target=send)
    thread.start()
    return thread


def wait_until(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_burst_waits_its_turn_instead_of_failing(seed_build):
    from graph.store.serve import Endpoint, ServeConfig

    endpoint = Endpoint(open_store(seed_build), ServeConfig(max_running=1, max_waiting=16, timeout=60))
    replies: dict = {}
    heavy = "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s ORDER BY DESC(?n) LIMIT 5"
    threads = [ask_endpoint(endpoint, heavy, replies, k) for k in range(10)]
    for t in threads:
        t.join(120)
    assert sorted(r.status for r in replies.values()) == [200] * 10, [r.body for r in replies.values()]
    assert endpoint.load() == {"running": 0, "waiting": 0}


def test_the_queue_is_bounded_and_slow_queries_are_still_cut(seed_build):
    from graph.store.serve import Endpoint, ServeConfig

    endpoint = Endpoint(open_store(seed_build), ServeConfig(max_running=1, max_waiting=1, timeout=2, queue_wait=60))
    replies: dict = {}
    slow = ask_endpoint(endpoint, SLOW, replies, "slow")
    wait_until(lambda: endpoint.load()["running"] == 1)
    queued = ask_endpoint(endpoint, "ASK { ?s ?p ?o }", replies, "queued")
    wait_until(lambda: endpoint.load()["waiting"] == 1)
    ask_endpoint(endpoint, "ASK { ?s ?p ?o }", replies, "refused").join(30)
    assert replies["refused"].status == 503 and b"1 queries are already waiting" in replies["refused"].body
    slow.join(60)
    queued.join(60)
    assert replies["slow"].status == 503 and b"2 s time limit" in replies["slow"].body
    assert replies["queued"].status == 200 and json.loads(replies["queued"].body)["boolean"] is True
    assert endpoint.load() == {"running": 0, "waiting": 0}
