"""Reading a built graph back: a build directory's graph file (or any RDF file) parsed into an rdflib Dataset or,
faster, into plain triples by pyoxigraph; and the ontology's text that every store keeps in its own named graph."""
from __future__ import annotations

from collections.abc import Container, Iterator
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


_PLAIN = ("http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")


def union_file(path: str | Path) -> Path:
    """The file that holds a build's union graph once (graph.ttl: every triple once, where graph.trig repeats
    each entity's description in every document that names it), or the graph file itself."""
    p = Path(path)
    if p.is_dir() and (p / "graph.ttl").is_file():
        return p / "graph.ttl"
    return graph_file(p)


def plain_triples(g) -> Iterator[tuple]:
    """An rdflib graph's (or dataset's union) triples as plain terms, as read_triples gives them."""
    from rdflib import BNode, Literal

    from graph.rdf.dataset import Lit

    for s, p, o in g.triples((None, None, None)):
        if isinstance(o, Literal):
            dt = str(o.datatype) if o.datatype else None
            o = Lit(str(o), None if dt in _PLAIN else dt, o.language)
        elif isinstance(o, BNode):
            o = f"_:{o}"
        else:
            o = str(o)
        yield (f"_:{s}" if isinstance(s, BNode) else str(s)), str(p), o


def read_triples(path: str | Path, predicates: Container[str] | None = None) -> Iterator[tuple]:
    """Every triple of a build directory or RDF file, parsed by pyoxigraph, as plain terms: IRIs as str, blank
    nodes as "_:id", literals as graph.rdf.dataset.Lit (datatype None for plain strings). A triple in several
    named graphs comes once per graph. `predicates` keeps only the triples with one of them (the others are
    skipped before any of their terms becomes a Python object). Formats pyoxigraph does not read go through
    rdflib."""
    import pyoxigraph as ox

    from graph.rdf.dataset import Lit

    f = union_file(path)
    fmt = ox.RdfFormat.from_extension(f.suffix.lstrip(".").lower())
    kept: dict[str, bool] = {}

    def keep(p: str) -> bool:
        wanted = kept.get(p)
        if wanted is None:
            wanted = kept[p] = predicates is None or p in predicates
        return wanted

    if fmt is None:  # .owl, .json and other suffixes rdflib guesses
        yield from (t for t in plain_triples(load_dataset(f)) if keep(t[1]))
        return
    literal, named = ox.Literal, ox.NamedNode
    try:
        for q in ox.parse(path=f, format=fmt, base_iri=f.resolve().as_uri()):
            p = q.predicate.value
            if not keep(p):
                continue
            o = q.object
            if type(o) is literal:
                dt = o.datatype.value
                term = Lit(o.value, None if dt in _PLAIN else dt, o.language)
            elif type(o) is named:
                term = o.value
            else:
                term = f"_:{o.value}"
            s = q.subject
            yield (s.value if type(s) is named else f"_:{s.value}"), p, term
    except SyntaxError as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise GraphLoadError(f"{f}: malformed {fmt.name.lower()} ({msg[:300]})") from None


def ontology_turtle() -> str:
    """policy.ttl's text: every store holds it in its own named graph so `a/rdfs:subClassOf*` works."""
    from importlib import resources

    return resources.files("ontology").joinpath("policy.ttl").read_text(encoding="utf-8")
