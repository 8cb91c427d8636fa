"""nodes.csv + edges.csv with the typed headers `neo4j-admin database import` reads (also fine for pandas).

Cells that a spreadsheet would run as a formula (a label or a sentence starting with = + - @) get a ' in front
(graph.output.tabular.spreadsheet_safe); `exact=True` (`export --exact-csv`) writes every value as it is."""
from __future__ import annotations

import csv
from pathlib import Path

from rdflib import Dataset

from graph.output.tabular import spreadsheet_safe
from graph.views.export import ExportFormat, register
from graph.views.export.graphml import flat_graph

ARRAY_SEP = ";"  # neo4j-admin's default --array-delimiter
# (header, node attribute): header is `property:type` as neo4j-admin expects; untyped means string.
NODE_COLUMNS = [("iri:ID", None), ("label", "label"), (":LABEL", None), ("class", "class"), ("type", "type"),
                ("pinyin", "pinyin"), ("aliases:string[]", "aliases"), ("code", "code"), ("value:double", "value"),
                ("unit", "unit"), ("indicatorKind", "indicatorKind"), ("status", "status"), ("year:int", "year")]
EDGE_COLUMNS = [(":START_ID", None), (":END_ID", None), (":TYPE", "predicate"), ("count:int", "count"),
                ("status", "status"), ("year:int", "year"), ("evidence", "evidence")]


def _extra(columns: list[tuple[str, str | None]], records) -> list[tuple[str, str]]:
    """Attributes the fixed columns do not name yet, as plain string columns, so nothing is dropped."""
    known = {attr for _, attr in columns if attr}
    return [(k, k) for k in sorted({k for data in records for k in data} - known)]


def _exact(value) -> str:
    return "" if value is None else str(value)


def write_csv(ds: Dataset, directory: Path, *, exact: bool = False) -> None:
    """Write nodes.csv (one row per entity) and edges.csv (one row per relation) into `directory`."""
    _cell = _exact if exact else spreadsheet_safe
    G = flat_graph(ds, list_sep=ARRAY_SEP)
    directory = Path(directory)
    node_cols = NODE_COLUMNS + _extra(NODE_COLUMNS, (d for _, d in G.nodes(data=True)))
    with open(directory / "nodes.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([h for h, _ in node_cols])
        for n, d in G.nodes(data=True):
            labels = ARRAY_SEP.join(dict.fromkeys(x for x in (d.get("type"), d.get("class")) if x))
            w.writerow([n if h == "iri:ID" else labels if h == ":LABEL" else _cell(d.get(a))
                        for h, a in node_cols])
    edge_cols = EDGE_COLUMNS + _extra(EDGE_COLUMNS, (d for *_, d in G.edges(keys=True, data=True)))
    with open(directory / "edges.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([h for h, _ in edge_cols])
        for s, o, _, d in G.edges(keys=True, data=True):
            w.writerow([s if h == ":START_ID" else o if h == ":END_ID" else _cell(d.get(a)) for h, a in edge_cols])


register(ExportFormat("csv", (), "text/csv",
                      "nodes.csv + edges.csv in a directory (neo4j-admin database import, pandas)",
                      write_csv, directory=True))  # type: ignore[arg-type]
