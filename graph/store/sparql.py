"""SPARQL over a built graph in any store: predeclared prefixes, read-only checks, a time limit, and the example
queries of data/queries/."""
from __future__ import annotations

import ctypes
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph
from rdflib.query import Result

from graph.store.errors import QueryError, QueryTimeout, ReadOnlyError, StoreError
from graph.store.results import QueryResult, Rows, as_rows, cell, materialise
from ontology import PREFIXES

# rdflib's SPARQL parser (pyparsing's packrat cache) is not safe in two threads at once
RDFLIB_PARSE_LOCK = threading.Lock()


class _Cancelled(BaseException):
    """Raised inside a query's worker thread at its deadline; BaseException so rdflib's handlers let it through."""


PREFIX_HEADER = "".join(f"PREFIX {p}: <{ns}> " for p, ns in PREFIXES.items())
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
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


def run_query(graph: Graph, sparql: str) -> Result:
    """Run a SPARQL query on an rdflib graph with the project's prefixes predeclared (PolicyGraph.query)."""
    from rdflib.plugins.sparql import prepareQuery

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
