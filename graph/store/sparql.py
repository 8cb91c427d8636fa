"""SPARQL over a built graph in any store: predeclared prefixes, read-only checks on the parsed query (no UPDATE,
no SERVICE, no FROM of a graph the store does not hold), a best-effort time limit for the library, and the example
queries of data/queries/."""
from __future__ import annotations

import ctypes
import functools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import rdflib.plugins.sparql as rdflib_sparql
from rdflib import Graph
from rdflib.plugins.sparql import evaluate as rdflib_evaluate
from rdflib.query import Result

from graph.store.errors import QueryError, QueryTimeout, ReadOnlyError, StoreError
from graph.store.results import QueryResult, Rows, as_rows, cell, materialise
from ontology import PREFIXES

# rdflib's SPARQL parser (pyparsing's packrat cache) is not safe in two threads at once
RDFLIB_PARSE_LOCK = threading.Lock()

SERVICE_REFUSED = "SERVICE (federated query) is refused: policykg never fetches data from elsewhere"


def _refuse_service(ctx, part):
    """rdflib's SERVICE evaluation, replaced: the parsed-query check refuses SERVICE first, this is the second guard."""
    raise ReadOnlyError(SERVICE_REFUSED)


# Second guards for every rdflib query in this process, whatever the checks below let through: a FROM / FROM NAMED
# graph is never loaded from its IRI (rdflib would GET http(s) IRIs and open file: and relative ones), and a
# SERVICE is never called.
rdflib_sparql.SPARQL_LOAD_GRAPHS = False
rdflib_evaluate.evalServiceQuery = _refuse_service


class _Cancelled(BaseException):
    """Raised inside a query's worker thread at its deadline; BaseException so rdflib's handlers let it through."""


PREFIX_HEADER = "".join(f"PREFIX {p}: <{ns}> " for p, ns in PREFIXES.items())
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
ALGEBRA_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
                 "DescribeQuery": "DESCRIBE"}


# ---------------------------------------------------------------- reading a query's text

_LEXICAL = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|' r"'''(?:[^'\\]|\\.|'(?!''))*'''|"
                      r'"(?:[^"\\\n]|\\.)*"|' r"'(?:[^'\\\n]|\\.)*'|" r'<[^<>"{}|^`\\\s]*>|#[^\n]*', re.S)
_PROLOGUE = re.compile(r"^\s*(?:(?:BASE\s*<>|PREFIX\s+[^\s:]*:\s*<>)\s*)*", re.I)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape(sparql: str) -> str:
    """The query with its \\uXXXX and \\UXXXXXXXX escapes expanded, as SPARQL parsers do before reading it."""
    def char(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)
    return _CODEPOINT.sub(char, sparql)


def skeleton(sparql: str) -> str:
    """The query with strings, IRIs and comments blanked, so keywords can be found without parsing."""
    def blank(m: re.Match) -> str:
        t = m.group(0)
        return " " if t.startswith("#") else ("<>" if t.startswith("<") else '""')
    return _LEXICAL.sub(blank, unescape(sparql))


def query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE from the first keyword after the prologue; None if unknown."""
    body = _PROLOGUE.sub("", skeleton(sparql))
    m = re.match(r"([A-Za-z]+)", body)
    word = m.group(1).upper() if m else ""
    if word in QUERY_FORMS:
        return word
    return "UPDATE" if word in UPDATE_WORDS else None


def check_read_only(sparql: str) -> str | None:
    """The query form, or ReadOnlyError for updates (INSERT, DELETE, LOAD, CLEAR …)."""
    form = query_form(sparql)
    if form == "UPDATE":
        raise ReadOnlyError("this is a SPARQL UPDATE (INSERT/DELETE/LOAD/CLEAR/DROP …); the graph is read-only")
    return form


# ---------------------------------------------------------------- the parsed query


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset a request names with the protocol's default-graph-uri / named-graph-uri: when given, it
    replaces the query's own FROM / FROM NAMED (SPARQL 1.1 Protocol, section 2.1.4)."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        """Whether the request names a dataset at all (else the store's whole dataset is queried)."""
        return bool(self.default or self.named)


@dataclass(frozen=True)
class QueryPlan:
    """A query read once: its form, rdflib's parse of it (None when rdflib cannot read it: then only a store with
    its own parser can try) and the graphs its FROM / FROM NAMED name."""

    text: str
    form: str | None
    prepared: object | None = None
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    parse_error: Exception | None = None


def _calls_service(algebra) -> bool:
    """Whether a SERVICE pattern occurs anywhere in rdflib's algebra (subqueries, EXISTS, OPTIONAL, UNION …)."""
    stack, seen = [algebra], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if getattr(node, "name", None) == "ServiceGraphPattern":
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return False


def _unparsed_plan(sparql: str, form: str | None, error: Exception) -> QueryPlan:
    """A query rdflib cannot read, kept for stores with their own parser (Oxigraph reads SPARQL 1.2), but only
    without the words SERVICE and FROM anywhere: what cannot be parsed cannot be checked, so it is refused."""
    text = unescape(sparql)
    if re.search(r"service", text, re.I):
        raise ReadOnlyError(SERVICE_REFUSED + " (a query policykg cannot parse may not even mention it)")
    if re.search(r"(?<![\w:?$])from(?![\w:-])", text, re.I):
        raise ReadOnlyError("FROM in a query policykg cannot parse is refused: its graphs cannot be checked")
    return QueryPlan(sparql, form, parse_error=error)


@functools.lru_cache(maxsize=256)
def plan_query(sparql: str) -> QueryPlan:
    """Parse a query with rdflib and check what it would do: UPDATE, and SERVICE anywhere in it, raise
    ReadOnlyError. The check reads the parsed algebra, so escapes like SERV\\u0049CE are read as engines read them.
    Cached: rdflib's parser takes 10-100 ms, more than many queries take on Oxigraph."""
    if not sparql or not sparql.strip():
        raise QueryError("empty query")
    form = check_read_only(sparql)
    from rdflib.plugins.sparql import prepareQuery

    try:
        with RDFLIB_PARSE_LOCK:
            prepared = prepareQuery(sparql, initNs=PREFIXES)
    except Exception as exc:  # pyparsing's ParseException and whatever rdflib's translation raises
        return _unparsed_plan(sparql, form, exc)
    algebra = prepared.algebra
    if _calls_service(algebra):
        raise ReadOnlyError(SERVICE_REFUSED)
    clauses = (algebra["datasetClause"] if "datasetClause" in algebra else None) or []  # CompValue.get: the key
    return QueryPlan(sparql, ALGEBRA_FORMS.get(algebra.name, form), prepared,
                     tuple(str(c["default"]) for c in clauses if "default" in c),
                     tuple(str(c["named"]) for c in clauses if "named" in c))


def check_graphs(store, plan: QueryPlan, dataset: QueryDataset | None = None) -> None:
    """Refuse (ReadOnlyError) any FROM / FROM NAMED / default-graph-uri / named-graph-uri IRI that is not a graph
    the store holds: rdflib would fetch it (http, https, file: and relative IRIs alike)."""
    iris = plan.from_graphs + plan.from_named + ((dataset.default + dataset.named) if dataset else ())
    for iri in dict.fromkeys(iris):
        if not store.has_graph(iri):
            raise ReadOnlyError(f"<{iri}> is not a graph of this store: FROM, FROM NAMED, default-graph-uri and "
                                "named-graph-uri may only name the store's own graphs (policykg never fetches data "
                                "from elsewhere)")


# ---------------------------------------------------------------- running with a time limit


def run_with_deadline(fn: Callable[[], object], timeout: float | None):
    """fn() in a worker thread; past `timeout` seconds raise QueryTimeout and interrupt the worker.

    Best effort, for the library (PolicyGraph, bench): the interrupt lands at the worker's next Python
    instruction, so rdflib stops at its next step, but not inside one long regex match or one long Oxigraph step.
    `serve` and `query --timeout` run queries in worker processes killed at the deadline (graph.store.pool).
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


def engine_error(exc: BaseException) -> QueryError | StoreError:
    """An engine's exception as one line that says where the query went wrong."""
    from pyparsing import ParseException

    if isinstance(exc, (QueryError, StoreError)):
        return exc
    if isinstance(exc, ParseException):
        return QueryError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}")
    if isinstance(exc, SyntaxError):
        return QueryError(f"SPARQL syntax error: {str(exc).splitlines()[0]}")
    msg = str(exc).splitlines()[0] if str(exc) else ""
    return QueryError(f"query failed: {type(exc).__name__}: {msg[:300]}")


def collect(store, sparql: str, *, limit: int | None = None, timeout: float | None = None,
            dataset: QueryDataset | None = None) -> QueryResult:
    """Run a read-only query on any store and materialise at most `limit` rows within `timeout` seconds;
    `dataset` is the protocol's default-graph-uri / named-graph-uri."""
    plan = plan_query(sparql)
    check_graphs(store, plan, dataset)

    def run() -> QueryResult:
        started = time.perf_counter()
        res = materialise(store.query(plan, dataset), limit, plan.form)
        res.seconds = time.perf_counter() - started
        return res

    try:
        return run_with_deadline(run, timeout)
    except MemoryError:
        raise
    except Exception as exc:  # each engine raises its own types for syntax and evaluation errors
        raise engine_error(exc) from None


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
