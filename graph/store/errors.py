"""The errors of the store stage: a store that cannot be opened or reached, and queries that cannot run."""
from __future__ import annotations


class StoreError(ValueError):
    """A --store that cannot be opened or reached; the message says which and why."""


class QueryError(ValueError):
    """A query that does not parse or cannot run; the message says where."""


class QueryTimeout(QueryError):
    """A query that did not finish within its time limit, or found no free slot in time."""


class ResourceLimit(QueryError):
    """A query stopped because it needed more memory than its worker may use."""


class FormatError(QueryError):
    """A result format that is unknown or cannot hold this query's answer (HTTP 406)."""


class ReadOnlyError(QueryError):
    """Anything that would write or fetch: UPDATE, LOAD, SERVICE, or FROM / FROM NAMED / default-graph-uri /
    named-graph-uri naming a graph the store does not hold."""


class NoSuchGraph(QueryError):
    """A Graph Store read of a graph the store does not hold (HTTP 404)."""
