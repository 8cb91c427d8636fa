"""Rows to text: aligned tables (CJK characters count double), CSV, TSV, JSON and JSON lines."""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata

ROW_FORMATS = ("table", "csv", "tsv", "json", "jsonl")


def display_width(text: str) -> int:
    """Terminal columns a string takes: wide East Asian characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def format_table(columns: list[str], rows: list[list]) -> str:
    """A plain aligned table with a header rule, as sqlite-utils prints."""
    cells = [[str(c) for c in columns]] + [["" if v is None else str(v).replace("\n", " ") for v in r] for r in rows]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(columns))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(cells[0], widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip() for r in cells[1:]]
    return "\n".join(lines) + "\n"


# A cell a spreadsheet would run as a formula (=HYPERLINK(…), +1+cmd|…, -2+3, @SUM(…), or one starting with a tab
# or carriage return): OWASP's rule is to put a ' before it, which spreadsheets show but do not run.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(value) -> str:
    """A CSV cell as text that a spreadsheet shows and never runs; numbers such as -3.5 stay numbers."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def format_rows(columns: list[str], rows: list[list], fmt: str = "table") -> str:
    """Rows in one of ROW_FORMATS. CSV is for spreadsheets, so its cells are spreadsheet_safe(); TSV, JSON and
    JSON lines keep every value exactly."""
    if fmt == "table":
        return format_table(columns, rows)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(columns)
        w.writerows([[spreadsheet_safe(v) for v in r] for r in rows] if fmt == "csv" else rows)
        return buf.getvalue()
    records = [dict(zip(columns, r)) for r in rows]
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    raise ValueError(f"unknown row format {fmt!r}; choose one of: {', '.join(ROW_FORMATS)}")
