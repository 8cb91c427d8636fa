from rdflib import Literal
from rdflib.namespace import OWL, RDF, RDFS

import ontology
from ontology import PK

TOP = ["Place", "Agency", "Organization", "Project", "Initiative", "Sector", "Recognition", "Indicator",
       "Document", "Mention"]


def test_top_level_classes_have_the_fixed_local_names():
    g = ontology.load_ontology()
    for name in TOP:
        assert (PK[name], RDF.type, OWL.Class) in g, name


def test_every_term_has_zh_and_en_labels_and_a_comment():
    g = ontology.load_ontology()
    terms = set(g.subjects(RDF.type, OWL.Class)) | set(g.subjects(RDF.type, OWL.ObjectProperty)) | \
        set(g.subjects(RDF.type, OWL.DatatypeProperty))
    terms = {t for t in terms if str(t).startswith(str(PK))}
    assert len(terms) > 60
    for t in terms:
        langs = {l.language for l in g.objects(t, RDFS.label) if isinstance(l, Literal)}
        assert {"zh", "en"} <= langs, t
        assert g.value(t, RDFS.comment) is not None, t


def test_properties_declare_domain_and_range():
    g = ontology.load_ontology()
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for p in g.subjects(RDF.type, kind):
            assert g.value(p, RDFS.domain) is not None, p
            assert g.value(p, RDFS.range) is not None, p
    for name in ["locatedIn", "partOf", "connects", "cooperatesWith", "leads", "implements", "contributesTo",
                 "recognizedAs", "inSector", "hasIndicator", "relatedTo"]:
        assert (PK[name], RDF.type, OWL.ObjectProperty) in g, name


def test_subclasses_resolve_to_their_top_class():
    assert ontology.top_class("Town") == "Place"
    assert ontology.top_class("Lake") == "Place"
    assert ontology.top_class("PartyCommittee") == "Agency"
    assert ontology.top_class("InfrastructureProject") == "Project"
    assert ontology.top_class("Mechanism") == "Initiative"
    assert ontology.class_parents("Lake") == ["Lake", "NaturalFeature", "Place"]
    assert ontology.class_label("leads", "en") == "leads"


def test_shapes_parse_and_target_main_classes():
    from rdflib import Namespace

    SH = Namespace("http://www.w3.org/ns/shacl#")
    shapes = ontology.load_shapes()
    targets = set(shapes.objects(None, SH.targetClass))
    for name in ["Place", "Project", "Document", "Mention", "Indicator"]:
        assert PK[name] in targets
