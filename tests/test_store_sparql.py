"""SPARQL: reading a query's form, refusing what would write or fetch (UPDATE, SERVICE, FROM of a graph from
elsewhere) in every store, the time limit, the W3C result formats (and CSV for spreadsheets), the query command and
every example query on the seed with its expected answer."""
from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from graph.store.errors import QueryError, QueryTimeout, ReadOnlyError
from graph.store.results import RESULT_FORMATS, QueryResult, negotiate, serialize, spreadsheet_safe
from graph.store.sparql import (
    QueryDataset,
    check_read_only,
    collect,
    get_example,
    list_examples,
    plan_query,
    query_form,
    run_with_deadline,
)
from graph.store.stores import MemoryStore, open_store
from ontology import ID, PK, top_class

from conftest import run_policykg

SRS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def seed_store(seed_build):
    return open_store(seed_build)


@pytest.fixture()
def tiny_store():
    """Two hand-made entities, one with a label in two languages, one fact with a tab and a quote in it."""
    ds = Dataset(default_union=True)
    g = ds.graph(URIRef("https://w3id.org/policykg/doc/t"))
    town, road = ID["place/1"], ID["project/2"]
    g.add((town, RDF.type, PK.Town))
    g.add((town, RDFS.label, Literal("青石镇", lang="zh")))
    g.add((road, RDF.type, PK.InfrastructureProject))
    g.add((road, RDFS.label, Literal('滨河"大道"\t二期', lang="zh")))
    g.add((road, PK.locatedIn, town))
    g.add((road, PK.value, Literal("1.50", datatype=XSD.decimal)))
    return MemoryStore(ds, "tiny")


# ---------------------------------------------------------------- reading a query


@pytest.mark.parametrize("text, form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("PREFIX ex: <http://x/>\nBASE <http://y/>\n# INSERT in a comment\nask { ?s ex:p 1 }", "ASK"),
    ("  construct where { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://x/a>", "DESCRIBE"),
    ("PREFIX ex: <http://x/> INSERT DATA { ex:a ex:b ex:c }", "UPDATE"),
    ("LOAD <http://example.org/x.ttl>", "UPDATE"),
    ("DELETE WHERE { ?s ?p ?o }", "UPDATE"),
    ("hello", None),
])
def test_query_form(text, form):
    assert query_form(text) == form


def test_updates_are_refused_everywhere():
    with pytest.raises(ReadOnlyError, match="read-only"):
        check_read_only("CLEAR ALL")


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    r"SELECT * WHERE { SERV\u0049CE <http://127.0.0.1:9/s> { ?s ?p ?o } }",
    r"SELECT * WHERE { \U00000053ERVICE SILENT <http://127.0.0.1:9/s> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b ?c FILTER EXISTS { SERVICE ?endpoint { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { OPTIONAL { service <http://x/> { ?s ?p ?o } } } } }",
])
def test_service_is_refused_on_the_parsed_query(text):
    with pytest.raises(ReadOnlyError, match="SERVICE"):
        plan_query(text)


def test_the_word_service_elsewhere_is_no_keyword():
    harmless = 'SELECT ?service WHERE { ?s pk:SERVICE <http://x/SERVICE> ; rdfs:label "SERVICE { }" }'
    assert plan_query(harmless).form == "SELECT"


def test_a_query_rdflib_cannot_parse_may_not_mention_service_or_from():
    # Oxigraph reads syntax rdflib does not (SPARQL 1.2); such a query is left to it only without these words
    assert plan_query("SELECT * WHERE { ?s ?p ?o . <<( ?s ?p ?o )>> ?q ?r }").prepared is None
    with pytest.raises(ReadOnlyError, match="SERVICE"):
        plan_query("SELECT * WHERE { <<( ?s ?p ?o )>> ?q ?r . SERVICE <http://x/> { } }")
    with pytest.raises(ReadOnlyError, match="FROM"):
        plan_query("SELECT * FROM <http://x/> WHERE { <<( ?s ?p ?o )>> ?q ?r }")


# ---------------------------------------------------------------- nothing is fetched from elsewhere


@dataclass
class Listener:
    """A local HTTP server that records every connection made to it: a query that fetches shows up in `hits`."""

    base: str
    hits: list


@pytest.fixture(scope="module")
def listener():
    hits: list = []

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'<http://elsewhere.example/s> <http://elsewhere.example/p> "SECRET-REMOTE" .\n'
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    class Recording(ThreadingHTTPServer):
        daemon_threads = True

        def verify_request(self, request, client_address):
            hits.append(client_address)
            return True

    server = Recording(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Listener(f"http://127.0.0.1:{server.server_address[1]}", hits)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def elsewhere(listener, tmp_path_factory):
    """IRIs of data that is not in any store: http and https on the listener, a local file, a relative IRI."""
    secret = tmp_path_factory.mktemp("secret") / "secret.nt"
    secret.write_text('<http://elsewhere.example/s> <http://elsewhere.example/p> "SECRET-FILE" .\n', encoding="utf-8")
    port = listener.base.rsplit(":", 1)[1]
    return {"http": f"{listener.base}/x.nt", "https": f"https://127.0.0.1:{port}/x.nt", "file": secret.as_uri(),
            "relative": "secret.nt"}


FETCHES = {  # where a graph IRI goes: (query text, protocol dataset)
    "FROM": lambda iri: (f"SELECT ?o FROM <{iri}> WHERE {{ ?s ?p ?o }}", None),
    "FROM NAMED": lambda iri: (f"SELECT ?o FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", None),
    "default-graph-uri": lambda iri: ("SELECT ?o WHERE { ?s ?p ?o }", QueryDataset(default=(iri,))),
    "named-graph-uri": lambda iri: ("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", QueryDataset(named=(iri,))),
}


@pytest.fixture(scope="module")
def oxigraph_seed(seed_build):
    return open_store(seed_build, "oxigraph")


@pytest.fixture(params=["memory", "oxigraph", "sparql"])
def any_store(request):
    """The seed in rdflib and in Oxigraph, and a real Oxigraph server through the sparql: store."""
    if request.param == "sparql":
        return open_store(None, f"sparql:{request.getfixturevalue('oxigraph_server')}/query")
    return request.getfixturevalue("seed_store" if request.param == "memory" else "oxigraph_seed")


@pytest.mark.parametrize("where", FETCHES)
@pytest.mark.parametrize("kind", ["http", "https", "file", "relative"])
def test_graphs_from_elsewhere_are_refused_in_every_store(any_store, listener, elsewhere, where, kind):
    sparql, dataset = FETCHES[where](elsewhere[kind])
    before = len(listener.hits)
    with pytest.raises(ReadOnlyError, match="not a graph of this store"):
        collect(any_store, sparql, dataset=dataset)
    assert len(listener.hits) == before


@pytest.mark.parametrize("store", ["seed_store", "oxigraph_seed"])
def test_graphs_of_the_store_can_be_named(request, seed_dataset, store):
    st = request.getfixturevalue(store)
    doc = next(str(g.identifier) for g in seed_dataset.graphs() if "/doc/" in str(g.identifier))
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"
    expected = len(seed_dataset.graph(URIRef(doc)))
    everything = int(collect(st, count.format("")).records()[0]["n"])
    assert everything > expected, "the default graph also holds the ontology"
    assert int(collect(st, count.format(f"FROM <{doc}>")).records()[0]["n"]) == expected
    assert int(collect(st, count.format(""), dataset=QueryDataset(default=(doc,))).records()[0]["n"]) == expected
    named = collect(st, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", dataset=QueryDataset(named=(doc,)))
    assert [r["g"] for r in named.records()] == [doc]


def test_rdflib_itself_never_loads_a_from_graph_or_calls_a_service(listener, elsewhere):
    """The second guard: even a query that skips our checks cannot make rdflib fetch."""
    before = len(listener.hits)
    ds = Dataset(default_union=True)
    for kind in ("http", "file"):
        assert list(ds.query(f"SELECT ?o FROM <{elsewhere[kind]}> WHERE {{ ?s ?p ?o }}")) == []
    with pytest.raises(ReadOnlyError, match="SERVICE"):
        list(ds.query(f"SELECT * WHERE {{ SERVICE <{elsewhere['http']}> {{ ?s ?p ?o }} }}"))
    assert len(listener.hits) == before


def test_an_escaped_service_never_reaches_oxigraph(oxigraph_seed, listener):
    """pyoxigraph calls SERVICE endpoints over HTTP, and SERV\\u0049CE is SERVICE to it."""
    before = len(listener.hits)
    with pytest.raises(ReadOnlyError, match="SERVICE"):
        collect(oxigraph_seed, f"SELECT * WHERE {{ SERV\\u0049CE <{listener.base}/s> {{ ?s ?p ?o }} }}")
    assert len(listener.hits) == before


# ---------------------------------------------------------------- the time limit


def test_deadline_interrupts_a_python_worker():
    ticks = []
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            ticks.append(1)
            del ticks[:-1]

    with pytest.raises(QueryTimeout, match="time limit"):
        run_with_deadline(spin, 0.2)
    # the worker was stopped by the interrupt, not by us: it exits without the event being set
    workers = [t for t in threading.enumerate() if t.name == "policykg-query"]
    for t in workers:
        t.join(5)
    assert not any(t.is_alive() for t in workers) and not stop.is_set()


def test_deadline_passes_results_and_errors_through():
    assert run_with_deadline(lambda: 42, 5) == 42
    with pytest.raises(KeyError):
        run_with_deadline(lambda: {}["x"], 5)


def test_slow_rdflib_query_stops_at_its_time_limit(seed_store):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.raises(QueryTimeout):
        collect(seed_store, slow, timeout=0.5)


# ---------------------------------------------------------------- results and formats


def test_syntax_error_says_where(tiny_store):
    with pytest.raises(QueryError, match="syntax error at line 2"):
        collect(tiny_store, "SELECT ?s\nWHERE { ?s ?p }")


def test_limit_reads_at_most_n_rows_and_says_so(tiny_store):
    res = collect(tiny_store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", limit=2)
    assert len(res.rows) == 2 and res.truncated
    assert not collect(tiny_store, "SELECT ?s WHERE { ?s a pk:Town }", limit=2).truncated


def test_subclass_paths_see_the_ontology(seed_store):
    res = collect(seed_store, "SELECT DISTINCT ?type WHERE { ?type rdfs:subClassOf* pk:Place . ?x a ?type }")
    types = {str(r[0]).rsplit("#", 1)[1] for r in res.rows}
    assert len(types) > 3 and all(top_class(t) == "Place" for t in types)


def test_json_and_xml_follow_the_w3c_formats(tiny_store):
    res = collect(tiny_store, "SELECT ?l ?v ?none WHERE { ?r rdfs:label ?l ; pk:value ?v OPTIONAL { ?r pk:x ?none } }")
    doc = json.loads(serialize(res, "json")[0])
    assert doc["head"]["vars"] == ["l", "v", "none"]
    b = doc["results"]["bindings"][0]
    assert b["l"] == {"type": "literal", "value": '滨河"大道"\t二期', "xml:lang": "zh"}
    assert b["v"]["datatype"] == str(XSD.decimal) and "none" not in b
    root = ET.fromstring(serialize(res, "xml")[0])
    assert [v.get("name") for v in root.iter(f"{SRS}variable")] == ["l", "v", "none"]
    lit = root.find(f"{SRS}results/{SRS}result/{SRS}binding/{SRS}literal")
    assert lit.text == '滨河"大道"\t二期' and lit.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
    ask = collect(tiny_store, "ASK { ?x a pk:Town }")
    assert json.loads(serialize(ask, "json")[0]) == {"head": {}, "boolean": True}
    assert ET.fromstring(serialize(ask, "xml")[0]).find(f"{SRS}boolean").text == "true"


def test_csv_is_plain_values_and_tsv_is_turtle_terms(tiny_store):
    res = collect(tiny_store, "SELECT ?r ?l WHERE { ?r a pk:InfrastructureProject ; rdfs:label ?l }")
    data, media = serialize(res, "csv")
    assert media.startswith("text/csv") and data.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows == [["r", "l"], [str(ID["project/2"]), '滨河"大道"\t二期']]
    tsv = serialize(res, "tsv")[0].decode("utf-8").splitlines()
    assert tsv[0] == "?r\t?l"
    assert tsv[1].split("\t") == [f"<{ID['project/2']}>", '"滨河\\"大道\\"\\t二期"@zh']


@pytest.mark.parametrize("value, safe", [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"), ("+1+cmd", "'+1+cmd"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("-5", "-5"), ("+3.5e2", "+3.5e2"),
    ("华容区", "华容区"), ("a=b", "a=b"),
])
def test_spreadsheet_safe_cells(value, safe):
    assert spreadsheet_safe(value) == safe


def test_csv_neutralises_formulas_unless_exact(tiny_store):
    res = collect(tiny_store, 'SELECT ?f ?n WHERE { BIND("=1+2" AS ?f) BIND(-7 AS ?n) }')
    assert serialize(res, "csv")[0].decode("utf-8").splitlines()[1] == "'=1+2,-7"
    assert serialize(res, "csv", exact_csv=True)[0].decode("utf-8").splitlines()[1] == "=1+2,-7"


def test_table_shortens_iris(tiny_store):
    res = collect(tiny_store, "SELECT ?r ?t WHERE { ?r a ?t ; pk:locatedIn ?x }")
    text = serialize(res, "table")[0].decode("utf-8")
    assert "id:project/2" in text and "pk:InfrastructureProject" in text


def test_graph_results_as_rdf_or_rows(tiny_store):
    res = collect(tiny_store, "CONSTRUCT { ?r pk:locatedIn ?t } WHERE { ?r pk:locatedIn ?t }")
    assert res.is_graph and len(res.graph) == 1
    assert b"locatedIn" in serialize(res, "turtle")[0]
    assert serialize(res, "nt")[0].count(b"\n") == 1
    assert json.loads(serialize(res, "json")[0])  # JSON-LD
    assert serialize(res, "csv")[0].decode("utf-8").splitlines()[0] == "subject,predicate,object"
    with pytest.raises(QueryError, match="CONSTRUCT/DESCRIBE"):
        serialize(collect(tiny_store, "SELECT * WHERE { ?s ?p ?o }"), "turtle")


@pytest.mark.parametrize("accept, form, fmt", [
    (None, "SELECT", "json"),
    (None, "CONSTRUCT", "turtle"),
    ("text/csv", "SELECT", "csv"),
    ("application/sparql-results+xml;q=0.5, text/tab-separated-values", "SELECT", "tsv"),
    ("application/sparql-results+xml;q=0.9, text/csv;q=0.1", "SELECT", "xml"),
    ("application/n-triples", "CONSTRUCT", "nt"),
    ("application/ld+json", "DESCRIBE", "json"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "SELECT", "json"),
    ("image/png", "SELECT", None),
    ("text/turtle", "SELECT", None),
])
def test_content_negotiation(accept, form, fmt):
    assert negotiate(accept, form) == fmt


# ---------------------------------------------------------------- example queries


def _num(v: str) -> Decimal:
    return Decimal(v)


def _expect_entities_by_class(rows):
    counts = {r["class"].rsplit("#", 1)[1]: int(r["entities"]) for r in rows}
    assert {"Place", "Agency", "Project", "Initiative"} <= set(counts)
    assert counts["Place"] >= 10 and counts["Project"] >= 5
    assert list(counts.values()) == sorted(counts.values(), reverse=True)


def _expect_status_rows(rows):
    assert all(r["status"] in ("", "completed", "ongoing", "planned") for r in rows)


def _expect_projects(rows):
    _expect_status_rows(rows)
    assert rows and len({tuple(r.values()) for r in rows}) == len(rows), "no row twice"


def _expect_cooperation(rows):
    assert all(r["partner"] != r["other"] and r["partnerLabel"] and r["otherLabel"] for r in rows)


def _expect_initiative_indicators(rows):
    assert all(_num(r["value"]) is not None and r["initiativeLabel"] for r in rows)


def _expect_leads(rows):
    assert all(r["agency"].startswith(str(ID)) and r["ledLabel"] for r in rows)


def _expect_fact_evidence(rows):
    assert rows, "the seed states recognitions (入选 …)"
    for r in rows:
        assert r["predicate"] == str(PK.recognizedAs) and r["evidence"]
        assert int(r["start"]) < int(r["end"]) and r["method"].startswith("pattern:")
        assert 0 < float(r["confidence"]) <= 1 and r["document"].startswith("https://w3id.org/policykg/doc/")
    assert any("千强镇" in r["objectLabel"] and "千强镇" in r["evidence"] for r in rows)


def _expect_planned_vs_completed(rows, ds):
    by_year = {r["year"]: r for r in rows}
    assert int(by_year["2023"]["completed"]) > int(by_year["2023"]["planned"])
    assert int(by_year["2024"]["planned"]) > int(by_year["2024"]["completed"])
    # each mention counted once, though its entity is typed with two classes (pk:Town and pk:Place …)
    tops = set(ds.subjects(RDF.type, PK.Project)) | set(ds.subjects(RDF.type, PK.Initiative))
    mentions = {m for m, e in ds.subject_objects(PK.mentionOf)
                if e in tops and ds.value(m, PK.status) is not None and ds.value(m, PK.year) is not None}
    counted = sum(int(r[k]) for r in rows for k in ("completed", "ongoing", "planned"))
    assert counted == len(mentions) > 0


def _expect_label_search(rows):
    assert all("华容" in r["label"] for r in rows)
    assert len({(r["label"], r["entity"]) for r in rows}) == len(rows), "one row per name and entity"
    district = [r for r in rows if r["label"] == "华容区"]
    assert district and district[0]["type"] == str(PK.District), "the most specific class"


def _expect_places(rows):
    assert all(top_class(r["type"].rsplit("#", 1)[1]) == "Place" for r in rows)
    assert any(r["label"] == "华容区" and r["code"].startswith("420703") and r["type"] == str(PK.District)
               for r in rows)
    assert len({(r["place"], r["parentLabel"]) for r in rows}) == len(rows), "one row per place and parent"


def _expect_recognitions(rows):
    assert any(r["holderLabel"] in ("华容镇", "庙岭镇") and "千强镇" in r["recognitionLabel"] for r in rows)


def _expect_documents(rows, ds):
    assert len(rows) == 1 and rows[0]["date"] == "2023-12-26"
    assert int(rows[0]["mentions"]) >= int(rows[0]["entities"]) > 50
    # counted in the document's named graph: the same as the mentions whose sentence is in the document
    doc = URIRef(rows[0]["document"])
    mentions = {m for m, _ in ds.subject_objects(PK.mentionOf)
                if ds.value(ds.value(m, PK.sentence), PK.inDocument) == doc}
    assert int(rows[0]["mentions"]) == len(mentions)
    assert int(rows[0]["entities"]) == len({ds.value(m, PK.mentionOf) for m in mentions})


def _expect_most_connected(rows):
    n = [int(r["neighbours"]) for r in rows]
    assert len({r["entity"] for r in rows}) == 20 and n == sorted(n, reverse=True) and n[0] > 5


def _expect_entity_mentions(rows):
    assert rows
    for r in rows:
        assert r["text"] in r["sentence"] and int(r["start"]) + len(r["text"]) == int(r["end"])


def _expect_indicators(rows):
    assert any(_num(r["value"]) == Decimal("98.23") and r["unit"] == "%" for r in rows)
    assert all(r["kind"] in ("", "actual", "target") for r in rows)
    years = [r["year"] for r in rows if r["year"]]
    assert years and years == sorted(years, reverse=True), "latest first"
    assert len({r["indicator"] for r in rows}) <= 500


def _expect_cooccurrence_evidence(rows, ds):
    """The sentences naming 华容区 and each entity it co-occurs with: what the network's relatedTo edge counts."""
    from graph.rdf.dataset import union_graph
    from graph.views.network import to_networkx

    assert len({r["other"] for r in rows}) >= 5 and all(r["sentence"] and r["otherLabel"] for r in rows)
    found: dict[str, set[str]] = {}
    for r in rows:
        assert r["document"].startswith("https://w3id.org/policykg/doc/")
        found.setdefault(r["other"], set()).add(r["sentence"])
    G = to_networkx(union_graph(ds))
    district = str(ID["place/420703"])
    edges = {(o if s == district else s): set(d["evidence"]) for s, o, k, d in G.edges(keys=True, data=True)
             if k == "relatedTo" and district in (s, o)}
    assert found == edges
    assert any(len(sentences) > 1 for sentences in found.values()), "a pair named together in several sentences"


def _expect_connects(rows):
    _expect_status_rows(rows)
    assert all(r["projectLabel"] and r["placeLabel"] for r in rows)


def _expect_neighbourhood(res: QueryResult):
    facts = [(s, o) for s, p, o in res.graph if p != RDFS.label]
    centre = set.intersection(*({s, o} for s, o in facts))
    assert len(facts) > 3 and len(centre) == 1, "every fact touches the one entity asked about"
    labelled = set(res.graph.subjects(RDFS.label))
    assert all((s in labelled) != (o in labelled) or s in centre or o in centre for s, o in facts)


# name → (columns, check of the rows as {column: text}); a CONSTRUCT/ASK check gets the QueryResult.
EXPECTED = {
    "entities-by-class": (["class", "entities"], _expect_entities_by_class),
    "projects-by-place": (["placeLabel", "projectLabel", "status", "year", "place", "project"], _expect_projects),
    "cooperation": (["partnerLabel", "otherLabel", "evidence", "partner", "other"], _expect_cooperation),
    "initiative-indicators": (["initiativeLabel", "metric", "value", "unit", "kind", "year", "initiative",
                               "indicator"], _expect_initiative_indicators),
    "agency-leads": (["agencyLabel", "ledLabel", "ledType", "agency", "led"], _expect_leads),
    "fact-evidence": (["subjectLabel", "predicate", "objectLabel", "evidence", "document", "start", "end", "method",
                       "confidence", "status", "year"], _expect_fact_evidence),
    "planned-vs-completed": (["year", "completed", "ongoing", "planned"], _expect_planned_vs_completed),
    "label-search": (["label", "type", "entity"], _expect_label_search),
    "places": (["label", "type", "code", "parentLabel", "place"], _expect_places),
    "recognitions": (["holderLabel", "recognitionLabel", "year", "holder", "recognition"], _expect_recognitions),
    "documents": (["title", "date", "entities", "mentions", "document"], _expect_documents),
    "most-connected": (["label", "neighbours", "entity"], _expect_most_connected),
    "entity-mentions": (["start", "end", "text", "method", "sentence", "document"], _expect_entity_mentions),
    "indicators": (["label", "metric", "value", "unit", "kind", "status", "year", "sentence", "indicator"],
                   _expect_indicators),
    "project-connects": (["projectLabel", "placeLabel", "status", "year", "project", "place"], _expect_connects),
    "cooccurrence-evidence": (["otherLabel", "sentence", "document", "other"], _expect_cooccurrence_evidence),
    "entity-neighbourhood": (None, _expect_neighbourhood),
    "facts-without-evidence": (None, lambda res: res.ask is False),
}


def test_every_example_has_a_header_and_an_expected_answer():
    examples = list_examples()
    assert len(examples) >= 12
    assert {e.name for e in examples} == set(EXPECTED)
    for e in examples:
        assert e.title != e.name and len(e.description) > 20, f"{e.name}.rq lacks its # title: / # description:"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_answers_on_the_seed(seed_store, name):
    columns, check = EXPECTED[name]
    res = collect(seed_store, get_example(name).sparql, timeout=60)
    if columns is None:
        assert res.form in ("CONSTRUCT", "DESCRIBE", "ASK")
        assert check(res) is not False
        return
    assert res.form == "SELECT" and res.columns == columns
    if check.__code__.co_argcount == 2:  # checks that recount the answer from the graph itself
        check(res.records(), seed_store.dataset)
    else:
        check(res.records())


PLANNED_VS_COMPLETED_PER_MENTION = """
PREFIX pk: <https://w3id.org/policykg/ontology#>
SELECT ?year
       (SUM(IF(?status = "completed", ?n, 0)) AS ?completed)
       (SUM(IF(?status = "ongoing", ?n, 0)) AS ?ongoing)
       (SUM(IF(?status = "planned", ?n, 0)) AS ?planned)
WHERE {
  { SELECT ?year ?status (COUNT(?mention) AS ?n)
    WHERE {
      { SELECT ?entity WHERE { VALUES ?top { pk:Project pk:Initiative } ?entity a ?top } }
      ?mention pk:mentionOf ?entity ; pk:year ?year ; pk:status ?status .
    }
    GROUP BY ?year ?status }
}
GROUP BY ?year
ORDER BY ?year"""


@pytest.mark.parametrize("build", ["seed_build", "dev_build"])
def test_planned_vs_completed_reads_the_counts_the_mentions_give(build, request):
    """The example reads the build's pk:MentionCount nodes; counting every mention (the query it replaced) gives the
    same rows, in rdflib and in Oxigraph."""
    path = request.getfixturevalue(build)
    for store in (open_store(path), open_store(path, "oxigraph")):
        rows = collect(store, get_example("planned-vs-completed").sparql, timeout=60).records()
        assert rows == collect(store, PLANNED_VS_COMPLETED_PER_MENTION, timeout=60).records()
        assert len(rows) >= 2 and sum(int(r["planned"]) for r in rows) > 0


@pytest.mark.parametrize("missing", [PK.evidence, PK.inDocument, None])
def test_facts_without_evidence_finds_a_statement_lacking_either(tmp_path, missing):
    """The ASK is true when one statement lacks its sentence or its document, in rdflib and in Oxigraph."""
    ds = Dataset(default_union=True)
    doc = URIRef("https://w3id.org/policykg/doc/t")
    g = ds.graph(doc)
    for i in range(3):
        fact = URIRef(f"{doc}/fact/{i}")
        g.add((fact, RDF.type, RDF.Statement))
        for p, o in ((PK.evidence, Literal(f"句子{i}", lang="zh")), (PK.inDocument, doc)):
            if not (i == 1 and p == missing):
                g.add((fact, p, o))
    path = tmp_path / "graph.trig"
    ds.serialize(path, format="trig")
    query = get_example("facts-without-evidence").sparql
    for store in (open_store(path), open_store(path, "oxigraph")):
        assert collect(store, query).ask is (missing is not None)


def test_unknown_example_lists_the_known_ones():
    with pytest.raises(QueryError, match="projects-by-place"):
        get_example("nope")


# ---------------------------------------------------------------- the command


def test_cli_formats_are_the_registry():
    from cli import QUERY_FORMATS

    assert set(QUERY_FORMATS) == set(RESULT_FORMATS)


def test_query_command_runs_an_example_as_csv(seed_build):
    r = run_policykg("query", str(seed_build), "--example", "recognitions", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert any("千强镇" in row["recognitionLabel"] for row in rows)


def test_query_command_reads_stdin_and_files(seed_build, tmp_path):
    r = run_policykg("query", str(seed_build), "-", "--format", "json",
                     input="ASK { ?d a pk:Document ; dcterms:date ?date }")
    assert r.returncode == 0 and json.loads(r.stdout)["boolean"] is True
    q = tmp_path / "q.rq"
    q.write_text("SELECT ?d WHERE { ?d a pk:Document }", encoding="utf-8")
    r = run_policykg("query", str(seed_build), "--file", str(q), "--format", "tsv", "--limit", "1")
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "?d" and len(r.stdout.splitlines()) == 2


def test_query_command_lists_examples():
    r = run_policykg("query", "--list-examples")
    assert r.returncode == 0
    assert "projects-by-place" in r.stdout and "Projects by place and status" in r.stdout


@pytest.mark.parametrize("args, message", [
    (["SELECT * WHERE { ?s ?p ?o }", "--example", "places"], "exactly one query"),
    (["INSERT DATA { <a:a> <a:b> <a:c> }"], "read-only"),
    (["SELECT * WHERE { ?s ?p }"], "syntax error"),
    (["--example", "nope"], "no example query"),
    (["--store", "mongo:x", "--example", "places"], "unknown --store"),
])
def test_query_command_errors_are_one_line(seed_build, args, message):
    r = run_policykg("query", str(seed_build), *args)
    assert r.returncode != 0 and message in r.stderr and "Traceback" not in r.stderr


def test_query_command_time_limit(seed_build):
    r = run_policykg("query", str(seed_build), "--timeout", "0.5",
                     "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert r.returncode == 1 and "time limit" in r.stderr and "Traceback" not in r.stderr


REGEX = 'ASK { FILTER regex("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "^(a+)+$") }'  # minutes of backtracking in `re`


def test_query_command_stops_a_regex_at_its_time_limit(seed_build):
    started = time.monotonic()
    r = run_policykg("query", str(seed_build), "--timeout", "2", REGEX)
    took = time.monotonic() - started
    assert r.returncode == 1 and "2 s time limit" in r.stderr and "Traceback" not in r.stderr
    assert took < 15, f"the regex ran on for {took:.0f} s"


@pytest.mark.parametrize("where", ["FROM", "FROM NAMED"])
def test_query_command_refuses_graphs_from_elsewhere_in_one_line(seed_build, listener, elsewhere, where):
    before = len(listener.hits)
    sparql, _ = FETCHES[where](elsewhere["http" if where == "FROM" else "file"])
    r = run_policykg("query", str(seed_build), sparql)
    assert r.returncode == 1 and "SECRET" not in r.stdout + r.stderr and "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1 and "not a graph of this store" in r.stderr
    assert len(listener.hits) == before


def test_query_command_csv_is_safe_for_spreadsheets(tmp_path):
    graph = tmp_path / "g.nt"
    graph.write_text('<http://x/a> <http://www.w3.org/2000/01/rdf-schema#label> "=HYPERLINK(\\"http://x\\")" .\n',
                     encoding="utf-8")
    query = "SELECT ?l WHERE { ?s rdfs:label ?l }"
    safe = run_policykg("query", str(graph), query, "--format", "csv")
    exact = run_policykg("query", str(graph), query, "--format", "csv", "--exact-csv")
    assert safe.returncode == exact.returncode == 0, safe.stderr + exact.stderr
    assert list(csv.reader(io.StringIO(safe.stdout)))[1] == ['\'=HYPERLINK("http://x")']
    assert list(csv.reader(io.StringIO(exact.stdout)))[1] == ['=HYPERLINK("http://x")']
