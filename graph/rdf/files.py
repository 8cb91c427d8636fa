"""Reading a built graph back: a build directory's graph file (or any RDF file) parsed into an rdflib Dataset, and
the ontology's text that every store keeps in its own named graph."""
from __future__ import annotations

from pathlib import Path

from rdflib import Dataset
from rdflib.util import guess_format

from ontology import bind_prefixes

BUILD_FILES = ("graph.trig", "graph.nq", "graph.ttl", "graph.nt")
ONTOLOGY_GRAPH = "https://w3id.org/policykg/ontology"


class GraphLoadError(ValueError):
    """A graph path that is missing or does not parse; the message names the file and the problem."""


def graph_file(path: str | Path) -> Path:
    """The RDF file behind a path: a build directory's graph.trig, or the file itself."""
    p = Path(path)
    if p.is_dir():
        for name in BUILD_FILES:
            if (p / name).is_file():
                return p / name
        raise GraphLoadError(f"{p}: no graph in this directory (expected one of {', '.join(BUILD_FILES)}; "
                             "run `policykg build` first)")
    if not p.exists():
        raise GraphLoadError(f"{p}: no such file or directory")
    return p


def rdf_format(path: Path) -> str:
    """rdflib's parser name for a file, from its suffix."""
    from rdflib.util import SUFFIX_FORMAT_MAP

    fmt = guess_format(str(path), {**SUFFIX_FORMAT_MAP, "jsonld": "json-ld", "json": "json-ld", "rq": "sparql"})
    if fmt is None or fmt == "sparql":
        raise GraphLoadError(f"{path}: unknown RDF file type {path.suffix!r} "
                             "(use .ttl, .trig, .nt, .nq, .rdf/.xml, .jsonld or a build directory)")
    return fmt


def load_dataset(path: str | Path) -> Dataset:
    """Parse a build directory or RDF file into a Dataset whose default graph is the union of its graphs."""
    f = graph_file(path)
    fmt = rdf_format(f)
    ds = Dataset(default_union=True)
    bind_prefixes(ds)
    try:
        with open(f, "rb") as fh:
            ds.parse(fh, format=fmt, publicID=f.resolve().as_uri())
    except Exception as exc:  # rdflib raises many types for malformed input; all are the user's file
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise GraphLoadError(f"{f}: malformed {fmt} ({msg[:300]})") from None
    return ds


def ontology_turtle() -> str:
    """policy.ttl's text: every store holds it in its own named graph so `a/rdfs:subClassOf*` works."""
    from importlib import resources

    return resources.files("ontology").joinpath("policy.ttl").read_text(encoding="utf-8")
