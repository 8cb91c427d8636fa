"""Library warnings on the command line as one `warning:` line each: ours (logger "graph") and rdflib's
ill-typed literals, which rdflib logs with a whole traceback."""
from __future__ import annotations

import logging
import re
import sys

XSD = "http://www.w3.org/2001/XMLSchema#"
MAX_LINES = 20  # a graph full of bad literals must not flood the terminal


def _frame_local(tb, name: str):
    """The innermost value of local variable `name` along a traceback, or None."""
    found = None
    while tb is not None:
        found = tb.tb_frame.f_locals.get(name, found)
        tb = tb.tb_next
    return found


def _parsed_file() -> str | None:
    """The file rdflib is parsing right now (Graph.parse's publicID, a file: URI), from the calling frames."""
    import urllib.parse
    import urllib.request

    frame = sys._getframe()
    while frame is not None:
        public_id = frame.f_locals.get("publicID") if frame.f_code.co_name == "parse" else None
        if isinstance(public_id, str) and public_id.startswith("file:"):
            return urllib.request.url2pathname(urllib.parse.urlsplit(public_id).path)
        frame = frame.f_back
    return None


def ill_typed_line(record: logging.LogRecord) -> str | None:
    """rdflib's "Failed to convert Literal lexical form" record as one line naming the literal and the problem."""
    message = record.getMessage()
    if not message.startswith("Failed to convert Literal lexical form"):
        return None
    m = re.search(r"Datatype=(\S+?),", message)
    datatype = m.group(1) if m else "?"
    datatype = "xsd:" + datatype[len(XSD):] if datatype.startswith(XSD) else f"<{datatype}>"
    exc_type, exc, tb = record.exc_info or (None, None, None)
    lexical = _frame_local(tb, "lexical")
    problem = (str(exc).splitlines() or [""])[0] if exc is not None else ""
    where = _parsed_file()
    return (f"{where + ': ' if where else ''}ill-typed literal \"{lexical}\"^^{datatype}: "
            f"{problem or 'not a valid value'} (kept as written)")


_LINE_BREAKS = {c: f"\\x{c:02x}" for c in range(0x20)} | {0x7f: "\\x7f", 0x85: "\\x85", 0x2028: "\\u2028",
                                                              0x2029: "\\u2029"}
_LINE_BREAKS.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})


def one_line(text: str) -> str:
    """A message as exactly one line: control characters and line separators written as escapes, so a file
    name with a newline in it cannot forge a line of its own (an `Error:` or `warning:` that was never said)."""
    return str(text).translate(_LINE_BREAKS)


class WarningLines(logging.Handler):
    """Writes each distinct warning once as `warning: …` on stderr, at most MAX_LINES, never a traceback."""

    def __init__(self, limit: int = MAX_LINES):
        super().__init__(logging.WARNING)
        self.limit = limit
        self.seen: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = one_line(ill_typed_line(record) or (record.getMessage().splitlines() or [""])[0])
            if line in self.seen or len(self.seen) > self.limit:
                return
            self.seen.add(line)
            if len(self.seen) > self.limit:
                line = f"more warnings like these are not shown (the first {self.limit} are above)"
            sys.stderr.write(f"warning: {line}\n")
            sys.stderr.flush()
        except Exception:  # a warning must never stop a command
            self.handleError(record)


def warn_in_one_line() -> None:
    """Route the "graph" and "rdflib.term" loggers to WarningLines (the command line calls this once)."""
    handler = WarningLines()
    for name in ("graph", "rdflib.term"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.propagate = False


__all__ = ["WarningLines", "ill_typed_line", "one_line", "warn_in_one_line"]
