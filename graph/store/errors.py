"""The errors of the store stage: a store that cannot be opened or reached, and queries that cannot run."""
from __future__ import annotations


class StoreError(ValueError):
    """A --store that cannot be opened or reached; the message says which and why."""


class QueryError(ValueError):
    """A query that does not parse or cannot run; the message says where."""


class QueryTimeout(QueryError):
    """A query that did not finish within its time limit."""


class ReadOnlyError(QueryError):
    """An UPDATE, LOAD or SERVICE sent where only reading is allowed."""
