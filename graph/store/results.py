"""Query results that do not depend on the store: terms, rows, and the W3C SPARQL 1.1 result formats (JSON, XML,
CSV, TSV) plus a table for people, with content negotiation and the format names clients send to the endpoint.

CSV is meant for spreadsheets unless asked otherwise: a cell that a spreadsheet would run as a formula (it starts
with = + - @, a tab or a carriage return, and is not a number) gets a leading apostrophe (OWASP's rule);
`exact=True` writes the W3C SPARQL 1.1 CSV values as they are."""
from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.query import Result

from graph.store.errors import FormatError, QueryError
from graph.store.http import RemoteAnswer
from ontology import PREFIXES

NUMERIC_TYPES = ("integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger", "positiveInteger")


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
    if isinstance(answer, Result):
        return _from_rdflib(answer, limit)
    if isinstance(answer, RemoteAnswer):
        return _from_remote(answer, limit)
    return _from_oxigraph(answer, limit, form)


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


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs: formula-like text gets a leading apostrophe; numbers
    (-5, +3.2e4) stay as they are."""
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_csv(res: QueryResult, *, exact: bool = False) -> bytes:
    """text/csv as the W3C defines it (plain values, no types or languages, CRLF line ends), with formula-like
    cells neutralised for spreadsheets unless `exact`."""
    res = as_rows(res)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    safe = (lambda v: v) if exact else spreadsheet_safe
    w.writerow([safe(c) for c in res.columns])
    w.writerows([safe(_csv_value(v)) for v in r] for r in res.rows)
    return buf.getvalue().encode("utf-8")


def write_tsv(res: QueryResult) -> bytes:
    """text/tab-separated-values as the W3C defines it: ?vars and terms in Turtle syntax."""
    res = as_rows(res)
    lines = ["\t".join(f"?{c}" for c in res.columns)] + ["\t".join(_tsv_value(v) for v in r) for r in res.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_table(res: QueryResult) -> bytes:
    """An aligned table for people: prefixed IRIs, plain literal text."""
    from graph.output.tabular import format_rows

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
    ResultFormat("csv", "W3C SPARQL 1.1 CSV, formula-like cells neutralised for spreadsheets (graphs as "
                 "subject,predicate,object rows)", "text/csv; charset=utf-8",
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


# Names clients send as ?format= (SPARQLWrapper, YASGUI, curl users, Virtuoso habits), mapped to format names.
# For CONSTRUCT/DESCRIBE, json is JSON-LD and xml is RDF/XML, so these names fit both kinds of answer.
FORMAT_NAMES = {
    **{name: name for name in ("table", "csv", "tsv", "json", "xml", "turtle", "nt")},
    "text": "table", "ttl": "turtle", "n3": "turtle", "n-triples": "nt", "ntriples": "nt",
    "rdf": "xml", "rdf+xml": "xml", "rdfxml": "xml", "json-ld": "json", "jsonld": "json",
    "srj": "json", "srx": "xml",
}


def format_name(values: list[str]) -> str | None:
    """The result format a request's ?format= values name: the first one known, as a name or a media type (SPARQLWrapper
    sends both, `format=rdf+xml&format=application/rdf+xml`); None without any; FormatError when none is known."""
    names = [v.split(";")[0].strip().lower() for v in values if v.strip()]
    for name in names:
        known = FORMAT_NAMES.get(name) or MEDIA_TYPES.get(name)
        if known is not None:
            return known
    if names:
        raise FormatError(f"unknown format {values[0]!r}; use one of: {', '.join(sorted(FORMAT_NAMES))} "
                          "or a media type such as text/csv")
    return None


def serialize(res: QueryResult, fmt: str, *, exact_csv: bool = False) -> tuple[bytes, str]:
    """The result in a format from RESULT_FORMATS, with its media type; `exact_csv` writes W3C CSV values as they
    are, without neutralising formula-like cells."""
    f = RESULT_FORMATS.get(fmt)
    if f is None:
        raise FormatError(f"unknown format {fmt!r}; choose one of: {', '.join(RESULT_FORMATS)}")
    write = functools.partial(write_csv, exact=True) if fmt == "csv" and exact_csv else f.write
    if res.is_graph:
        if f.write_graph is not None:
            return f.write_graph(res.graph), f.graph_media_type
        return write(res), f.graph_media_type
    if write is None:
        raise FormatError(f"{fmt} is for CONSTRUCT/DESCRIBE results; for SELECT/ASK use table, csv, tsv, json or xml")
    return write(res), f.media_type


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
