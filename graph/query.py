"""SPARQL over a built graph: predeclared prefixes, results as rows or W3C result formats."""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph
from rdflib.query import Result

from ontology import PREFIXES


class QueryError(ValueError):
    """A query that does not parse or cannot run; the message says where."""


PREFIX_HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


@dataclass
class Rows:
    """SELECT results as plain strings, in order: what tables, CSV and TSV print."""

    columns: list[str]
    rows: list[list[str]]


def run_query(graph: Graph, sparql: str) -> Result:
    """Run a SPARQL query with the project's prefixes predeclared."""
    from pyparsing import ParseException

    try:
        return graph.query(sparql, initNs=PREFIXES)
    except ParseException as exc:
        raise QueryError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}") from None
    except Exception as exc:  # rdflib surfaces evaluation errors as assorted types
        raise QueryError(f"query failed: {type(exc).__name__}: {exc}") from None


def result_rows(result: Result, graph: Graph | None = None) -> Rows:
    """SELECT/ASK results as strings, IRIs shortened with the project's prefixes."""
    if result.type == "ASK":
        return Rows(["ask"], [["true" if result.askAnswer else "false"]])
    if result.type != "SELECT":
        raise QueryError("CONSTRUCT/DESCRIBE results are graphs; print them with an RDF --format")
    nm = graph.namespace_manager if graph is not None else None
    columns = [str(v) for v in result.vars]
    rows = []
    for row in result:
        out = []
        for v in row:
            if v is None:
                out.append("")
            elif nm is not None and hasattr(v, "n3") and v.__class__.__name__ == "URIRef":
                try:
                    out.append(v.n3(nm).strip("<>"))
                except Exception:
                    out.append(str(v))
            else:
                out.append(str(v))
        rows.append(out)
    return Rows(columns, rows)
