"""policykg's library: one module per pipeline stage (corpus → extract → resolve → relations → rdf → …).

Start with `PolicyGraph` (graph.kg) in a notebook, or the stage functions for finer control.
"""
from __future__ import annotations

__all__ = ["PolicyGraph", "build", "extract_texts", "to_networkx"]


def __getattr__(name: str):
    """Import lazily so `policykg --help` stays fast."""
    if name == "PolicyGraph":
        from .kg import PolicyGraph
        return PolicyGraph
    if name == "build":
        from .build import build
        return build
    if name == "extract_texts":
        from .pipeline import extract_texts
        return extract_texts
    if name == "to_networkx":
        from .network import to_networkx
        return to_networkx
    raise AttributeError(name)
