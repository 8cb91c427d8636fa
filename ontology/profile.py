"""A structural check of the OWL 2 DL conditions a reasoner (HermiT, Protégé's) refuses an ontology for, with rdflib
alone (no Java): it does not replace the OWL API's profile checker, it catches what broke this ontology before.

Checked, each with the offending IRI in the message:
- every IRI used as a class (subClassOf, domain, range, unionOf, disjointness, an individual's rdf:type) is declared
  owl:Class, and every IRI used as a property (subPropertyOf, domain, range, characteristics, or as the predicate
  of a triple) is declared once as an object, datatype or annotation property, or is built in;
- no IRI is declared as two kinds of property;
- a datatype property's range is an OWL 2 datatype (xsd:gYear, xsd:date and rdf:langString are not), an object
  property's range a class;
- sub-properties link properties of one kind;
- no reserved IRI (rdf:Statement, rdf:langString …) stands for a class or property of the ontology;
- functional, inverse-functional, irreflexive and asymmetric properties are simple (not transitive, no transitive
  sub-property), as OWL 2 DL requires.
Not checked: anonymous class expressions beyond unionOf lists, property chains, keys, and global restrictions on
cardinality over non-simple properties inside restrictions (the ontology has none of these)."""
from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

# the OWL 2 datatype map (OWL 2 Structural Specification, section 4)
OWL2_DATATYPES = {OWL.real, OWL.rational, RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, *(XSD[n] for n in (
    "decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger", "negativeInteger", "long",
    "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "double", "float",
    "string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN", "boolean", "hexBinary",
    "base64Binary", "anyURI", "dateTime", "dateTimeStamp"))}
BUILT_IN_CLASSES = {OWL.Thing, OWL.Nothing}
BUILT_IN_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo,
                        OWL.deprecated, OWL.priorVersion, OWL.backwardCompatibleWith, OWL.incompatibleWith}
# predicates of the RDF mapping of OWL 2 axioms: they are syntax, not properties of the ontology
AXIOM_PREDICATES = {RDF.type, RDF.first, RDF.rest, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
                    OWL.unionOf, OWL.intersectionOf, OWL.members, OWL.disjointWith, OWL.equivalentClass,
                    OWL.equivalentProperty, OWL.inverseOf, OWL.imports, OWL.versionIRI}
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
CHARACTERISTICS = (OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
                   OWL.InverseFunctionalProperty, OWL.IrreflexiveProperty, OWL.AsymmetricProperty,
                   OWL.ReflexiveProperty)
NEEDS_SIMPLE = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.IrreflexiveProperty,
                OWL.AsymmetricProperty)
RESERVED = (str(RDF), str(RDFS), str(OWL), str(XSD))
DECLARATION_TYPES = {OWL.Class, OWL.Ontology, OWL.AllDisjointClasses, *PROPERTY_KINDS, *CHARACTERISTICS}


def _reserved(iri) -> bool:
    return isinstance(iri, URIRef) and str(iri).startswith(RESERVED)


def _class_members(g: Graph, node) -> list:
    """The classes a class expression names: itself, or the members of its owl:unionOf list."""
    if isinstance(node, BNode):
        union = g.value(node, OWL.unionOf)
        return list(Collection(g, union)) if union is not None else [node]
    return [node]


def owl2_dl_problems(g: Graph) -> list[str]:
    """Why an ontology graph is not OWL 2 DL, as far as the checks in the module docstring see; [] when none."""
    problems: list[str] = []
    classes = set(g.subjects(RDF.type, OWL.Class)) | BUILT_IN_CLASSES
    kinds = {k: set(g.subjects(RDF.type, k)) for k in PROPERTY_KINDS}
    kinds[OWL.AnnotationProperty] |= BUILT_IN_ANNOTATIONS
    properties = set().union(*kinds.values())

    def kind_of(p) -> URIRef | None:
        return next((k for k in PROPERTY_KINDS if p in kinds[k]), None)

    for p in sorted(properties):
        declared = [k for k in PROPERTY_KINDS if p in kinds[k]]
        if len(declared) > 1:
            problems.append(f"{p} is declared as {len(declared)} kinds of property")
    used_as_class: set = set()
    for c, parent in g.subject_objects(RDFS.subClassOf):
        used_as_class.update(_class_members(g, c) + _class_members(g, parent))
    for _, members in g.subject_objects(OWL.members):
        used_as_class.update(Collection(g, members))
    for a, b in g.subject_objects(OWL.disjointWith):
        used_as_class.update((a, b))
    for s, o in g.subject_objects(RDF.type):
        if o not in DECLARATION_TYPES and not isinstance(s, BNode):
            used_as_class.add(o)  # an individual's class
    for d in g.objects(None, RDFS.domain):
        used_as_class.update(_class_members(g, d))
    for p, r in g.subject_objects(RDFS.range):
        kind = kind_of(p)
        if kind == OWL.DatatypeProperty:
            if r not in OWL2_DATATYPES:
                problems.append(f"the range of datatype property {p} is {r}, not an OWL 2 datatype")
        elif kind == OWL.ObjectProperty:
            used_as_class.update(_class_members(g, r))
    for c in sorted(x for x in used_as_class if isinstance(x, URIRef)):
        if c not in classes:
            problems.append(f"{c} is used as a class but not declared owl:Class"
                            + (" (a reserved IRI cannot be a class)" if _reserved(c) else ""))
    used_as_property = set(g.subjects(RDFS.domain)) | set(g.subjects(RDFS.range))
    for a, b in g.subject_objects(RDFS.subPropertyOf):
        used_as_property.update((a, b))
        if kind_of(a) and kind_of(b) and kind_of(a) != kind_of(b):
            problems.append(f"{a} is a sub-property of {b}, a property of another kind")
    for k in CHARACTERISTICS:
        used_as_property.update(g.subjects(RDF.type, k))
    used_as_property.update(p for p in g.predicates() if p not in AXIOM_PREDICATES)
    for p in sorted(used_as_property):
        if p not in properties:
            problems.append(f"{p} is used as a property but not declared"
                            + (" (a reserved IRI cannot be a property)" if _reserved(p) else ""))
    transitive = set(g.subjects(RDF.type, OWL.TransitiveProperty))
    for k in NEEDS_SIMPLE:
        for p in sorted(g.subjects(RDF.type, k)):
            below = set(g.transitive_subjects(RDFS.subPropertyOf, p))
            if below & transitive:
                problems.append(f"{p} is a {k.split('#')[-1]} but not simple (it has a transitive sub-property)")
    return problems


__all__ = ["owl2_dl_problems", "OWL2_DATATYPES"]
