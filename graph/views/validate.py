"""SHACL validation of a built graph with pyshacl: ontology/shapes.ttl plus the ontology, as readable rows."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from graph.rdf.dataset import union_graph
from ontology import PREFIXES, load_ontology, load_shapes

SH = Namespace("http://www.w3.org/ns/shacl#")
INFERENCE = ("none", "rdfs")
# Longest namespace first, so id: and doc: win over nothing and pks: is found for the shapes.
PREFIXES_FOR_REPORT = sorted([*((p, str(ns)) for p, ns in PREFIXES.items()), ("sh", str(SH)),
                              ("pks", "https://w3id.org/policykg/shapes#")], key=lambda x: -len(x[1]))
REPORT_COLUMNS = ["severity", "focus", "label", "path", "value", "message", "shape"]


@dataclass(frozen=True)
class ShapeResult:
    """One sh:ValidationResult, with IRIs shortened to prefixed names and the focus node's Chinese label."""

    severity: str
    focus: str
    label: str
    path: str
    value: str
    message: str
    shape: str
    constraint: str

    def row(self) -> list[str]:
        return [self.severity, self.focus, self.label, self.path, self.value, self.message, self.shape]


@dataclass
class ValidationReport:
    """Whether a graph conforms to the shapes, every result, and what was checked."""

    conforms: bool
    results: list[ShapeResult] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0
    inference: str = "none"

    def count(self, severity: str) -> int:
        return sum(r.severity == severity for r in self.results)

    @property
    def violations(self) -> int:
        return self.count("Violation")

    @property
    def warnings(self) -> int:
        return self.count("Warning")

    def summary(self) -> str:
        """One line a person reads first."""
        verdict = "conforms to the SHACL shapes" if self.conforms else "does NOT conform to the SHACL shapes"
        return (f"graph {verdict}: {self.violations} violation(s), {self.warnings} warning(s), "
                f"{self.count('Info')} info; {self.triples} triples checked in {self.seconds:.1f} s "
                f"(inference: {self.inference})")

    def rows(self) -> tuple[list[str], list[list[str]]]:
        return REPORT_COLUMNS, [r.row() for r in self.results]


def short_iri(iri: str) -> str:
    """An IRI as a prefixed name (pk:Place, id:place/420703, sh:MinCountConstraintComponent) when a prefix fits."""
    for prefix, ns in PREFIXES_FOR_REPORT:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _short(g: Graph, node) -> str:
    """A prefixed name for IRIs, the lexical form for literals, N3 for blank nodes."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return short_iri(str(node))
    if isinstance(node, Literal):
        return str(node)
    return node.n3()


def _path_text(results: Graph, node) -> str:
    """sh:resultPath as text: a predicate, ^inverse, or a sequence (a / b)."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return _short(results, node)
    inverse = results.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(results, inverse)
    if (node, RDF.first, None) in results:
        from rdflib.collection import Collection

        return " / ".join(_path_text(results, p) for p in Collection(results, node))
    for kind, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = results.value(node, kind)
        if inner is not None:
            return _path_text(results, inner) + mark
    return node.n3()


def _zh_label(data: Graph, node) -> str:
    labels = sorted(str(o) for o in data.objects(node, RDFS.label) if getattr(o, "language", None) == "zh")
    return labels[0] if labels else ""


def _message(results: Graph, r) -> str:
    """The English sh:resultMessage when there is one, else any."""
    messages = sorted(results.objects(r, SH.resultMessage), key=lambda m: (getattr(m, "language", None) != "en",
                                                                          str(m)))
    return str(messages[0]) if messages else ""


def _shape_name(shapes: Graph | None, shape) -> str:
    """A named shape, or for an anonymous property shape the named node shape that holds it."""
    if isinstance(shape, URIRef):
        return short_iri(str(shape))
    parent = shapes.value(None, SH.property, shape) if shapes is not None and shape is not None else None
    return short_iri(str(parent)) if isinstance(parent, URIRef) else ""


def parse_results(results: Graph, data: Graph, shapes: Graph | None = None) -> list[ShapeResult]:
    """The sh:ValidationResult nodes of a pyshacl results graph, sorted by severity, focus and path."""
    out = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        severity = results.value(r, SH.resultSeverity)
        shape = results.value(r, SH.sourceShape)
        out.append(ShapeResult(
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            focus=_short(results, focus),
            label=_zh_label(data, focus) if focus is not None else "",
            path=_path_text(results, results.value(r, SH.resultPath)),
            value=_short(results, results.value(r, SH.value)),
            message=_message(results, r),
            shape=_shape_name(shapes, shape),
            constraint=_short(results, results.value(r, SH.sourceConstraintComponent)).replace("sh:", ""),
        ))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return sorted(set(out), key=lambda x: (order.get(x.severity, 3), x.focus, x.path, x.value, x.message))


def load_shapes_file(path: str | Path | None) -> Graph:
    """The project's shapes, or a user's shapes file (Turtle or any RDF syntax rdflib guesses from the suffix)."""
    if path is None:
        return load_shapes()
    from graph.rdf.files import GraphLoadError, rdf_format

    p = Path(path)
    try:
        return Graph().parse(p, format=rdf_format(p))
    except GraphLoadError:
        raise
    except Exception as exc:  # a malformed shapes file is the user's to fix
        raise GraphLoadError(f"{p}: malformed shapes ({str(exc).splitlines()[0][:300] if str(exc) else exc})") \
            from None


def validate_graph(data: Dataset | Graph, *, inference: str = "none", shapes: Graph | None = None,
                   ontology: Graph | None = None) -> ValidationReport:
    """Validate the union of a dataset's graphs against the shapes, with the ontology mixed in for subclasses."""
    from pyshacl import validate

    if inference not in INFERENCE:
        raise ValueError(f"unknown inference {inference!r}; choose one of: {', '.join(INFERENCE)}")
    g = union_graph(data) if isinstance(data, Dataset) else data
    shapes = shapes if shapes is not None else load_shapes()
    started = time.perf_counter()
    conforms, results, _ = validate(g, shacl_graph=shapes,
                                    ont_graph=ontology if ontology is not None else load_ontology(),
                                    inference=inference, advanced=True, allow_warnings=True)
    return ValidationReport(conforms=bool(conforms), results=parse_results(results, g, shapes), triples=len(g),
                            seconds=time.perf_counter() - started, inference=inference)


__all__ = ["ShapeResult", "ValidationReport", "validate_graph", "parse_results", "load_shapes_file", "INFERENCE"]
