"""Loading a finished build into a store that lasts (`build --store`): an Oxigraph store on disk, swapped in
whole once loaded, or a Graph Store Protocol endpoint through `push`."""
from __future__ import annotations

import json
from pathlib import Path

from graph.rdf.files import GraphLoadError
from graph.store.errors import StoreError
from graph.store.push import push
from graph.store.stores import OXIGRAPH_MARKER, StoreSpec, build_oxigraph, built_from, check_oxigraph_path, parse_store


def check_build_target(store: str | StoreSpec | None) -> StoreSpec:
    """The --store a build loads its graph into, checked before the build runs: a store that lasts (oxigraph:PATH,
    not a foreign directory; or sparql:URL) or memory, which means no store."""
    spec = store if isinstance(store, StoreSpec) else parse_store(store)
    if spec.kind == "oxigraph" and not spec.location:
        raise StoreError("--store oxigraph keeps the graph in memory only while a command runs; a build can load "
                         "into oxigraph:PATH (on disk) or sparql:URL (a Graph Store endpoint)")
    if spec.kind == "oxigraph":
        check_oxigraph_path(Path(spec.location))
    return spec


def load_build(graph: str | Path, store: str | StoreSpec | None, *, timeout: float | None = 120) -> str:
    """Load a build into the store a build names (check_build_target); one line saying what was done.

    oxigraph:PATH is rebuilt in a temporary directory that replaces the old store only once loaded (a failed
    load leaves the previous store as it was); sparql:URL gets `policykg push` (Graph Store Protocol PUTs)."""
    spec = check_build_target(store)
    if spec.kind == "memory":
        return ""
    try:
        return _load_build(graph, spec, timeout)
    except (StoreError, GraphLoadError, OSError) as exc:
        raise StoreError(f"the graph was built in {graph} but not loaded into {spec}: {exc}") from None


def _load_build(graph: str | Path, spec: StoreSpec, timeout: float | None) -> str:
    """load_build's work, its errors still raw (load_build says the build itself went fine)."""
    if spec.kind == "sparql":
        
        report = push(graph, spec.location, timeout=timeout)
        return f"pushed {len(report.graphs)} graphs, {report.triples:,} triples to {spec.location}"
    path = Path(spec.location)
    built = built_from(path, graph)
    if built is not None:
        return f"oxigraph:{path}: up to date ({built.get('triples', 0):,} triples)"
    try:
        build_oxigraph(graph, path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write the Oxigraph store ({exc}); any previous store is unchanged") from None
    triples = json.loads((path / OXIGRAPH_MARKER).read_text(encoding="utf-8")).get("triples", 0)
    return f"oxigraph:{path}: loaded {triples:,} triples"
