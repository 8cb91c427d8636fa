"""policykg's library, one package per stage of the data flow; a stage imports only from the stages below it
(import-linter checks it, see pyproject.toml):

    text → extract → rdf → (store | views) → build

`graph.output` (atomic writes, rows as text, warnings as lines) sits below them all. Start with `PolicyGraph`
(graph.kg) in a notebook, or call the stages' functions for finer control.
"""
from __future__ import annotations

__all__ = ["PolicyGraph", "extract_texts", "to_networkx"]


def __getattr__(name: str):
    """Import lazily so `policykg --help` stays fast."""
    if name == "PolicyGraph":
        from graph.kg import PolicyGraph
        return PolicyGraph
    if name == "extract_texts":
        from graph.extract.pipeline import extract_texts
        return extract_texts
    if name == "to_networkx":
        from graph.views.network import to_networkx
        return to_networkx
    raise AttributeError(name)
