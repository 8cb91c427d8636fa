"""The policykg ontology: namespaces, the class hierarchy, and loaders for policy.ttl and shapes.ttl."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

PK = Namespace("https://w3id.org/policykg/ontology#")
ID = Namespace("https://w3id.org/policykg/id/")
DOC = Namespace("https://w3id.org/policykg/doc/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")  # NIF 2.0 core: sentences, phrases
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")  # ITS 2.0 text analysis: what a phrase refers to

TOP_CLASSES = ("Place", "Agency", "Organization", "Project", "Initiative", "Sector", "Recognition", "Indicator",
               "Document", "Mention", "Sentence")

PREFIXES = {"pk": PK, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "prov": PROV,
            "org": ORG, "schema": SCHEMA, "dcterms": DCTERMS, "nif": NIF, "itsrdf": ITSRDF, "id": ID, "doc": DOC}

__all__ = ["PK", "ID", "DOC", "ORG", "SCHEMA", "NIF", "ITSRDF", "PREFIXES", "TOP_CLASSES", "load_ontology", "load_shapes",
           "top_class", "class_parents", "class_label", "property_label", "known_classes", "bind_prefixes"]


def _text(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def load_ontology() -> Graph:
    """A fresh rdflib Graph of policy.ttl, safe for the caller to modify."""
    return Graph().parse(data=_text("policy.ttl"), format="turtle")


def load_shapes() -> Graph:
    """A fresh rdflib Graph of the SHACL shapes."""
    return Graph().parse(data=_text("shapes.ttl"), format="turtle")


def bind_prefixes(graph) -> None:
    """Bind the project's prefixes so serialisations stay readable."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)


@lru_cache(maxsize=1)
def _hierarchy() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    g = load_ontology()
    parents: dict[str, str] = {}
    for c, p in g.subject_objects(RDFS.subClassOf):
        if str(c).startswith(str(PK)) and str(p).startswith(str(PK)):
            parents[str(c)[len(PK):]] = str(p)[len(PK):]
    labels: dict[tuple[str, str], str] = {}
    for s, o in g.subject_objects(RDFS.label):
        if str(s).startswith(str(PK)):
            labels[(str(s)[len(PK):], o.language or "")] = str(o)
    return parents, labels


def known_classes() -> set[str]:
    """Every class local name the ontology defines."""
    parents, labels = _hierarchy()
    return set(parents) | {k for k, _ in labels if k[:1].isupper()}


def class_parents(local: str) -> list[str]:
    """The chain from a class up to its top-level class, itself first."""
    return list(_chain(local))


@lru_cache(maxsize=None)
def _chain(local: str) -> tuple[str, ...]:
    parents, _ = _hierarchy()
    chain = [local]
    while chain[-1] in parents and chain[-1] not in TOP_CLASSES:
        chain.append(parents[chain[-1]])
    return tuple(chain)


def top_class(local: str) -> str:
    """The top-level class (Place, Agency, …) of any class local name; unknown names map to themselves."""
    return _chain(local)[-1]


def class_label(local: str, lang: str = "zh") -> str:
    """A class or property label in one language, falling back to the local name."""
    _, labels = _hierarchy()
    return labels.get((local, lang)) or local


property_label = class_label
