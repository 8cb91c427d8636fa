"""SPARQL over a built graph in any store: predeclared prefixes, a time limit, the W3C result formats, and the
example queries of data/queries/."""
from __future__ import annotations

import csv
import ctypes
import io
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.query import Result

from ontology import PREFIXES


class QueryError(ValueError):
    """A query that does not parse or cannot run; the message says where."""


class QueryTimeout(QueryError):
    """A query that did not finish within its time limit."""


class ReadOnlyError(QueryError):
    """An UPDATE, LOAD or SERVICE sent where only reading is allowed."""


class _Cancelled(BaseException):
    """Raised inside a query's worker thread at its deadline; BaseException so rdflib's handlers let it through."""


PREFIX_HEADER = "".join(f"PREFIX {p}: <{ns}> " for p, ns in PREFIXES.items())
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
NUMERIC_TYPES = ("integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger", "positiveInteger")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


# ---------------------------------------------------------------- reading a query's text

_LEXICAL = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|' r"'''(?:[^'\\]|\\.|'(?!''))*'''|"
                      r'"(?:[^"\\\n]|\\.)*"|' r"'(?:[^'\\\n]|\\.)*'|" r'<[^<>"{}|^`\\\s]*>|#[^\n]*', re.S)
_PROLOGUE = re.compile(r"^\s*(?:(?:BASE\s*<>|PREFIX\s+[^\s:]*:\s*<>)\s*)*", re.I)


def skeleton(sparql: str) -> str:
    """The query with strings, IRIs and comments blanked, so keywords can be found without parsing."""
    def blank(m: re.Match) -> str:
        t = m.group(0)
        return " " if t.startswith("#") else ("<>" if t.startswith("<") else '""')
    return _LEXICAL.sub(blank, sparql)


def query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE from the first keyword after the prologue; None if unknown."""
    body = _PROLOGUE.sub("", skeleton(sparql))
    m = re.match(r"([A-Za-z]+)", body)
    word = m.group(1).upper() if m else ""
    if word in QUERY_FORMS:
        return word
    return "UPDATE" if word in UPDATE_WORDS else None


def check_read_only(sparql: str, *, allow_service: bool = True) -> str | None:
    """The query form, or ReadOnlyError for updates (and for SERVICE when it is not allowed)."""
    form = query_form(sparql)
    if form == "UPDATE":
        raise ReadOnlyError("this is a SPARQL UPDATE (INSERT/DELETE/LOAD/CLEAR/DROP …); the graph is read-only")
    if not allow_service and re.search(r"(?<![\w?$:])SERVICE(?![\w:-])", skeleton(sparql), re.I):
        raise ReadOnlyError("SERVICE (federated query) is not allowed here: this endpoint never fetches other sources")
    return form


# ---------------------------------------------------------------- store-independent results


class Term(NamedTuple):
    """One RDF term's parts, whatever store it came from: kind (uri, bnode, literal), value, language, datatype."""

    kind: str
    value: str
    lang: str | None = None
    datatype: str | None = None

    def __str__(self) -> str:
        return self.value


XSD_STRING = str(XSD.string)


def _rdflib_literal(t: Literal) -> Term:
    dt = str(t.datatype) if t.datatype is not None else None
    return Term("literal", str(t), t.language, None if dt == XSD_STRING else dt)


def _ox_literal(t) -> Term:
    lang = t.language
    if lang:
        return Term("literal", t.value, lang)
    dt = t.datatype.value
    return Term("literal", t.value, None, None if dt == XSD_STRING else dt)


_PARTS: dict[type, Callable] = {
    Term: lambda t: t,
    URIRef: lambda t: Term("uri", str(t)),
    BNode: lambda t: Term("bnode", str(t)),
    Literal: _rdflib_literal,
    ox.NamedNode: lambda t: Term("uri", t.value),
    ox.BlankNode: lambda t: Term("bnode", t.value),
    ox.Literal: _ox_literal,
}


def parts(t) -> Term | None:
    """The parts of a term of rdflib, pyoxigraph or a remote endpoint (results stay in their store's own terms:
    converting every value to rdflib would cost more than many queries take)."""
    if t is None:
        return None
    f = _PARTS.get(type(t))
    if f is None:
        for cls, g in _PARTS.items():
            if isinstance(t, cls):
                return g(t)
        return Term("literal", str(t))  # RDF-star triple terms: shown as text
    return f(t)


def rdflib_term(t):
    """Any store's term as rdflib's (for building graphs from results)."""
    p = parts(t)
    if p is None:
        return None
    if p.kind == "uri":
        return URIRef(p.value)
    if p.kind == "bnode":
        return BNode(p.value)
    return Literal(p.value, lang=p.lang, datatype=URIRef(p.datatype) if p.datatype and not p.lang else None)


@dataclass
class QueryResult:
    """A materialised answer: rows of the store's own terms (read them with `parts`), a boolean (ASK) or an
    rdflib graph (CONSTRUCT/DESCRIBE)."""

    form: str
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    ask: bool | None = None
    graph: Graph | None = None
    truncated: bool = False
    seconds: float = 0.0

    @property
    def is_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")

    def canonical(self) -> list[tuple[str, ...]]:
        """The answer as sorted tuples, numbers by value: equal for two stores that give the same answer."""
        if self.form == "ASK":
            return [(str(bool(self.ask)),)]
        rows = as_rows(self).rows
        return sorted(tuple(_canonical_term(v) for v in r) for r in rows)

    def records(self) -> list[dict[str, str]]:
        """Rows as {column: plain string} dicts ('' for unbound), what notebooks and tests read."""
        return [{c: "" if v is None else parts(v).value for c, v in zip(self.columns, r)} for r in as_rows(self).rows]


def _canonical_term(t) -> str:
    """One term's comparable text: 0.300 and 0.3 as decimals are the same number."""
    p = parts(t)
    if p is None:
        return ""
    if p.datatype and p.datatype.startswith(str(XSD)) and p.datatype[len(str(XSD)):] in NUMERIC_TYPES:
        try:
            return f"{Decimal(p.value).normalize()}^^number"
        except ArithmeticError:
            pass
    return n3(p)


def _take(iterable, limit: int | None) -> tuple[list, bool]:
    """At most `limit` items and whether there were more (reading one past, never the whole rest)."""
    if limit is None:
        return list(iterable), False
    items = list(itertools.islice(iterable, limit + 1))
    return items[:limit], len(items) > limit


def _graph_of(triples) -> Graph:
    from ontology import bind_prefixes

    g = Graph()
    bind_prefixes(g)
    for t in triples:
        g.add(t)
    return g


def _from_rdflib(res: Result, limit: int | None) -> QueryResult:
    if res.type == "ASK":
        return QueryResult("ASK", ["ask"], ask=bool(res.askAnswer))
    if res.type in ("CONSTRUCT", "DESCRIBE"):
        triples, more = _take(iter(res.graph), limit)
        return QueryResult(res.type, graph=_graph_of(triples), truncated=more)
    columns = [str(v) for v in res.vars or []]
    rows, more = _take((list(r) for r in res), limit)
    return QueryResult("SELECT", columns, rows, truncated=more)


def _from_oxigraph(res, limit: int | None, form: str | None) -> QueryResult:
    kind = res.__class__.__name__
    if kind == "QueryBoolean":
        return QueryResult("ASK", ["ask"], ask=bool(res))
    if kind == "QueryTriples":
        triples, more = _take(((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object))
                               for t in res), limit)
        return QueryResult(form if form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT", graph=_graph_of(triples),
                           truncated=more)
    variables = [v.value for v in res.variables]
    rows, more = _take((tuple(s) for s in res), limit)
    return QueryResult("SELECT", variables, rows, truncated=more)


def _json_term(t: dict) -> Term:
    kind = t.get("type")
    if kind in ("uri", "bnode"):
        return Term(kind, t["value"])
    dt = t.get("datatype")
    return Term("literal", t["value"], t.get("xml:lang"), None if not dt or dt == XSD_STRING or "xml:lang" in t else dt)


def _from_remote(ans, limit: int | None) -> QueryResult:
    if ans.form in ("CONSTRUCT", "DESCRIBE"):
        fmt = "nt" if "n-triples" in ans.content_type else "turtle"
        g = Graph().parse(data=ans.body.decode("utf-8"), format=fmt)
        triples, more = _take(iter(g), limit)
        return QueryResult(ans.form, graph=_graph_of(triples), truncated=more)
    try:
        doc = json.loads(ans.body)
    except ValueError:
        raise QueryError(f"the endpoint did not answer SPARQL JSON results ({ans.content_type})") from None
    if "boolean" in doc:
        return QueryResult("ASK", ["ask"], ask=bool(doc["boolean"]))
    columns = list(doc.get("head", {}).get("vars", []))
    bindings, more = _take(doc.get("results", {}).get("bindings", []), limit)
    rows = [[_json_term(b[c]) if c in b else None for c in columns] for b in bindings]
    return QueryResult("SELECT", columns, rows, truncated=more)


def materialise(answer, limit: int | None = None, form: str | None = None) -> QueryResult:
    """Any store's raw answer as a QueryResult, reading at most `limit` rows."""
    from .store import RemoteAnswer

    if isinstance(answer, Result):
        return _from_rdflib(answer, limit)
    if isinstance(answer, RemoteAnswer):
        return _from_remote(answer, limit)
    return _from_oxigraph(answer, limit, form)


# ---------------------------------------------------------------- running with a time limit


def run_with_deadline(fn: Callable[[], object], timeout: float | None):
    """fn() in a worker thread; past `timeout` seconds raise QueryTimeout and interrupt the worker.

    The interrupt lands at the worker's next Python instruction: rdflib stops at once, Oxigraph at its next
    row (one long aggregation step runs to its end in the background, without the caller waiting for it).
    """
    if not timeout:
        return fn()
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["value"] = fn()
        except _Cancelled:
            pass
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    worker = threading.Thread(target=work, name="policykg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(_Cancelled))
        raise QueryTimeout(f"query stopped at the {timeout:g} s time limit (add a LIMIT, narrow it, "
                           "or raise --timeout)")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


def _engine_error(exc: BaseException) -> QueryError:
    """An engine's exception as one line that says where the query went wrong."""
    from pyparsing import ParseException

    if isinstance(exc, ParseException):
        return QueryError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}")
    if isinstance(exc, SyntaxError):
        return QueryError(f"SPARQL syntax error: {str(exc).splitlines()[0]}")
    msg = str(exc).splitlines()[0] if str(exc) else ""
    return QueryError(f"query failed: {type(exc).__name__}: {msg[:300]}")


def collect(store, sparql: str, *, limit: int | None = None, timeout: float | None = None,
            allow_service: bool = True) -> QueryResult:
    """Run a read-only query on any store and materialise at most `limit` rows within `timeout` seconds."""
    from .store import StoreError

    if not sparql or not sparql.strip():
        raise QueryError("empty query")
    form = check_read_only(sparql, allow_service=allow_service)

    def run() -> QueryResult:
        started = time.perf_counter()
        res = materialise(store.query(sparql), limit, form)
        res.seconds = time.perf_counter() - started
        return res

    try:
        return run_with_deadline(run, timeout)
    except (QueryError, StoreError):
        raise
    except Exception as exc:  # each engine raises its own types for syntax and evaluation errors
        raise _engine_error(exc) from None


# ---------------------------------------------------------------- rows for humans


def shorten(iri: str) -> str:
    """An IRI with the longest matching project prefix (pk:Project, id:place/420703), else unchanged."""
    best = ""
    for p, ns in PREFIXES.items():
        if iri.startswith(str(ns)) and len(str(ns)) > len(best):
            best, name = str(ns), p
    return f"{name}:{iri[len(best):]}" if best else iri


def cell(term) -> str:
    """One term as a table cell: prefixed IRIs, plain literal text, '' for unbound."""
    p = parts(term)
    if p is None:
        return ""
    return shorten(p.value) if p.kind == "uri" else p.value


def as_rows(res: QueryResult) -> QueryResult:
    """SELECT results as they are; ASK as one `ask` row; a graph as sorted subject/predicate/object rows."""
    if res.form == "ASK":
        return QueryResult("SELECT", ["ask"], [[Literal(bool(res.ask))]])
    if res.is_graph:
        rows = sorted(([s, p, o] for s, p, o in res.graph), key=lambda r: tuple(x.n3() for x in r))
        return QueryResult("SELECT", ["subject", "predicate", "object"], rows, truncated=res.truncated)
    return res


@dataclass
class Rows:
    """SELECT results as plain strings, in order: what tables, CSV and TSV print."""

    columns: list[str]
    rows: list[list[str]]


def run_query(graph: Graph, sparql: str) -> Result:
    """Run a SPARQL query on an rdflib graph with the project's prefixes predeclared (PolicyGraph.query)."""
    from rdflib.plugins.sparql import prepareQuery

    from .store import RDFLIB_PARSE_LOCK

    check_read_only(sparql)
    try:
        with RDFLIB_PARSE_LOCK:
            prepared = prepareQuery(sparql, initNs=PREFIXES)
        return graph.query(prepared)
    except Exception as exc:  # rdflib surfaces syntax and evaluation errors as assorted types
        raise _engine_error(exc) from None


def result_rows(result: Result, graph: Graph | None = None) -> Rows:
    """SELECT/ASK results of rdflib as strings, IRIs shortened with the project's prefixes."""
    if result.type not in ("SELECT", "ASK"):
        raise QueryError("CONSTRUCT/DESCRIBE results are graphs; print them with an RDF --format")
    res = as_rows(materialise(result))
    return Rows(res.columns, [[cell(v) for v in r] for r in res.rows])


# ---------------------------------------------------------------- W3C SPARQL 1.1 result formats


def _json_binding(t) -> dict:
    p = parts(t)
    out = {"type": p.kind, "value": p.value}
    if p.lang:
        out["xml:lang"] = p.lang
    elif p.datatype:
        out["datatype"] = p.datatype
    return out


def write_json(res: QueryResult) -> bytes:
    """application/sparql-results+json."""
    if res.form == "ASK":
        doc = {"head": {}, "boolean": bool(res.ask)}
    else:
        doc = {"head": {"vars": res.columns}, "results": {"bindings": [
            {c: _json_binding(v) for c, v in zip(res.columns, r) if v is not None} for r in res.rows]}}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _xml_term(t) -> str:
    p = parts(t)
    if p.kind != "literal":
        return f"<{p.kind}>{escape(p.value)}</{p.kind}>"
    attr = f" xml:lang={quoteattr(p.lang)}" if p.lang else (f" datatype={quoteattr(p.datatype)}" if p.datatype else "")
    return f"<literal{attr}>{escape(p.value)}</literal>"


def write_xml(res: QueryResult) -> bytes:
    """application/sparql-results+xml."""
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if res.form == "ASK":
        out += ["<head/>", f"<boolean>{'true' if res.ask else 'false'}</boolean>"]
    else:
        out.append("<head>" + "".join(f"<variable name={quoteattr(c)}/>" for c in res.columns) + "</head>")
        out.append("<results>")
        for r in res.rows:
            out.append("<result>" + "".join(f"<binding name={quoteattr(c)}>{_xml_term(v)}</binding>"
                                            for c, v in zip(res.columns, r) if v is not None) + "</result>")
        out.append("</results>")
    out.append("</sparql>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _csv_value(t) -> str:
    p = parts(t)
    if p is None:
        return ""
    return f"_:{p.value}" if p.kind == "bnode" else p.value


_N3_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def n3(p: Term) -> str:
    """A term in Turtle syntax, escaped so it stays on one TSV line."""
    if p.kind == "uri":
        return f"<{p.value}>"
    if p.kind == "bnode":
        return f"_:{p.value}"
    text = '"' + p.value.translate(_N3_ESCAPES) + '"'
    return text + (f"@{p.lang}" if p.lang else (f"^^<{p.datatype}>" if p.datatype else ""))


def _tsv_value(t) -> str:
    p = parts(t)
    return "" if p is None else n3(p)


def write_csv(res: QueryResult) -> bytes:
    """text/csv as the W3C defines it: plain values, no types or languages, CRLF line ends."""
    res = as_rows(res)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(res.columns)
    w.writerows([_csv_value(v) for v in r] for r in res.rows)
    return buf.getvalue().encode("utf-8")


def write_tsv(res: QueryResult) -> bytes:
    """text/tab-separated-values as the W3C defines it: ?vars and terms in Turtle syntax."""
    res = as_rows(res)
    lines = ["\t".join(f"?{c}" for c in res.columns)] + ["\t".join(_tsv_value(v) for v in r) for r in res.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_table(res: QueryResult) -> bytes:
    """An aligned table for people: prefixed IRIs, plain literal text."""
    from .tabular import format_rows

    res = as_rows(res)
    return format_rows(res.columns, [[cell(v) for v in r] for r in res.rows], "table").encode("utf-8")


def _rdf_writer(rdflib_format: str) -> Callable[[Graph], bytes]:
    def write(g: Graph) -> bytes:
        if rdflib_format == "json-ld":
            context = {k: str(v) for k, v in PREFIXES.items()}
            return g.serialize(format="json-ld", context=context, indent=1, ensure_ascii=False, encoding="utf-8")
        return g.serialize(format=rdflib_format, encoding="utf-8")
    return write


@dataclass(frozen=True)
class ResultFormat:
    """One output format: its media type for SELECT/ASK and for graphs, and the writers (None: not possible)."""

    name: str
    description: str
    media_type: str | None
    write: Callable[[QueryResult], bytes] | None
    graph_media_type: str | None
    write_graph: Callable[[Graph], bytes] | None


RESULT_FORMATS: dict[str, ResultFormat] = {f.name: f for f in (
    ResultFormat("table", "aligned text for people (graphs as Turtle)", "text/plain; charset=utf-8", write_table,
                 "text/turtle; charset=utf-8", _rdf_writer("turtle")),
    ResultFormat("csv", "W3C SPARQL 1.1 CSV (graphs as subject,predicate,object rows)", "text/csv; charset=utf-8",
                 write_csv, "text/csv; charset=utf-8", None),
    ResultFormat("tsv", "W3C SPARQL 1.1 TSV (graphs as subject/predicate/object rows)",
                 "text/tab-separated-values; charset=utf-8", write_tsv, "text/tab-separated-values; charset=utf-8",
                 None),
    ResultFormat("json", "W3C SPARQL 1.1 JSON results (graphs as JSON-LD)", "application/sparql-results+json",
                 write_json, "application/ld+json", _rdf_writer("json-ld")),
    ResultFormat("xml", "W3C SPARQL 1.1 XML results (graphs as RDF/XML)", "application/sparql-results+xml",
                 write_xml, "application/rdf+xml", _rdf_writer("xml")),
    ResultFormat("turtle", "Turtle, for CONSTRUCT/DESCRIBE", None, None, "text/turtle; charset=utf-8",
                 _rdf_writer("turtle")),
    ResultFormat("nt", "N-Triples, for CONSTRUCT/DESCRIBE", None, None, "application/n-triples", _rdf_writer("nt")),
)}

# Media types a client may ask for (Accept), mapped to format names; the first one per format is what we send.
MEDIA_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json", "application/ld+json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "application/rdf+xml": "xml", "text/csv": "csv", "text/tab-separated-values": "tsv",
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/n-triples": "nt",
    "text/plain": "table",
}


def serialize(res: QueryResult, fmt: str) -> tuple[bytes, str]:
    """The result in a format from RESULT_FORMATS, with its media type."""
    f = RESULT_FORMATS.get(fmt)
    if f is None:
        raise QueryError(f"unknown format {fmt!r}; choose one of: {', '.join(RESULT_FORMATS)}")
    if res.is_graph:
        if f.write_graph is not None:
            return f.write_graph(res.graph), f.graph_media_type
        return f.write(res), f.graph_media_type
    if f.write is None:
        raise QueryError(f"{fmt} is for CONSTRUCT/DESCRIBE results; for SELECT/ASK use table, csv, tsv, json or xml")
    return f.write(res), f.media_type


def negotiate(accept: str | None, form: str | None) -> str | None:
    """The format that best fits an HTTP Accept header for this query form; None when nothing fits."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    default = "turtle" if graph else "json"
    if not accept:
        return default
    choices = []
    for i, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        choices.append((-q, i, media.lower()))
    for negq, _, media in sorted(choices):
        if negq == 0:
            break
        if media in ("*/*", "application/*", "text/*") or media.startswith("text/html"):
            return default
        name = MEDIA_TYPES.get(media)
        f = RESULT_FORMATS.get(name or "")
        if f is not None and (f.graph_media_type if graph else f.write) is not None:
            return name
    return None


# ---------------------------------------------------------------- example queries


@dataclass(frozen=True)
class Example:
    """A named example query from data/queries/NAME.rq, with the title and question of its comment header."""

    name: str
    title: str
    description: str
    sparql: str


def _example(name: str, text: str) -> Example:
    meta = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line.lstrip("# ").partition(":")
        if sep and key.strip().lower() in ("title", "description"):
            meta[key.strip().lower()] = value.strip()
    return Example(name, meta.get("title", name), meta.get("description", ""), text)


def list_examples() -> list[Example]:
    """Every example query shipped in data/queries, sorted by name."""
    from importlib import resources

    folder = resources.files("data").joinpath("queries")
    return sorted((_example(f.name[:-3], f.read_text(encoding="utf-8")) for f in folder.iterdir()
                   if f.name.endswith(".rq")), key=lambda e: e.name)


def get_example(name: str) -> Example:
    """An example by name; an unknown name lists the known ones."""
    examples = {e.name: e for e in list_examples()}
    key = name[:-3] if name.endswith(".rq") else name
    if key not in examples:
        raise QueryError(f"no example query {name!r}; choose one of: {', '.join(examples)}")
    return examples[key]
