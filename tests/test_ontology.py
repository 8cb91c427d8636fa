import pytest
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
            if not str(p).startswith(str(PK)):
                continue  # another vocabulary's term, declared only (see test_the_ontology_is_owl2_dl)
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


# ---------------------------------------------------------------- OWL 2 DL, NIF alignment, consistency with the data

def test_the_ontology_is_owl2_dl():
    from ontology.profile import owl2_dl_problems

    assert owl2_dl_problems(ontology.load_ontology()) == []


def test_the_dl_check_finds_what_reasoners_refuse():
    """The check fails on each fault HermiT reported on the earlier ontology, and on a few more."""
    from ontology.profile import owl2_dl_problems

    broken = ontology.load_ontology()
    broken.parse(data="""
        @prefix pk: <https://w3id.org/policykg/ontology#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix ex: <http://example.org/> .
        pk:Widget a owl:Class ; rdfs:subClassOf ex:Gadget .
        pk:madeIn a owl:DatatypeProperty ; rdfs:domain pk:Widget ; rdfs:range xsd:gYear .
        pk:quote a owl:DatatypeProperty ; rdfs:domain rdf:Statement ; rdfs:range rdf:langString .
        pk:twice a owl:ObjectProperty , owl:DatatypeProperty ; rdfs:domain owl:Thing ; rdfs:range owl:Thing .
        pk:within a owl:ObjectProperty , owl:FunctionalProperty ; rdfs:domain owl:Thing ; rdfs:range owl:Thing .
        pk:partOf rdfs:subPropertyOf pk:within .
        pk:Widget ex:note "an undeclared annotation" .
    """, format="turtle")
    problems = "\n".join(owl2_dl_problems(broken))
    for needle in ("http://example.org/Gadget is used as a class", "madeIn is http://www.w3.org/2001/XMLSchema#gYear",
                   "rdf-syntax-ns#langString, not an OWL 2 datatype", "rdf-syntax-ns#Statement is used as a class",
                   "twice is declared as 2 kinds", "within is a FunctionalProperty but not simple",
                   "http://example.org/note is used as a property"):
        assert needle in problems, needle


def test_every_term_the_data_uses_is_declared(seed_build):
    """A reasoner reads the ontology with the data: every class and predicate of a build is declared (reification's
    rdf:Statement, rdf:subject, rdf:predicate and rdf:object excepted: they are RDF's, outside OWL)."""
    import pyoxigraph as ox

    g = ontology.load_ontology()
    declared = {str(t) for k in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                for t in g.subjects(RDF.type, k)} | {str(RDF.type), str(RDFS.label)}
    reification = {str(RDF.Statement), str(RDF.subject), str(RDF.predicate), str(RDF.object)}
    used = set()
    for q in ox.parse(path=seed_build / "graph.ttl"):
        used.add(q.predicate.value)
        if q.predicate.value == str(RDF.type):
            used.add(q.object.value)
    assert used - reification - declared == set()
    assert {str(PK.Sentence), str(PK.surface), str(PK.mentionClass), "http://persistence.uni-leipzig.org/nlp2rdf/"
            "ontologies/nif-core#anchorOf"} <= used


def test_mentions_and_sentences_align_with_nif_and_its():
    """NIF and ITS 2.0 consumers read pk: mentions and sentences through these axioms."""
    from ontology import ITSRDF, NIF

    g = ontology.load_ontology()
    assert (PK.Sentence, RDFS.subClassOf, NIF.Sentence) in g
    assert (PK.Mention, RDFS.subClassOf, NIF.Phrase) in g
    for sub, sup in ((PK.surface, NIF.anchorOf), (PK.start, NIF.beginIndex), (PK.end, NIF.endIndex),
                     (PK.sentence, NIF.sentence), (PK.mentionOf, ITSRDF.taIdentRef),
                     (PK.mentionClass, ITSRDF.taClassRef)):
        assert (sub, RDFS.subPropertyOf, sup) in g, sub


def _clashes(*graphs) -> list[str]:
    """Inconsistencies owlrl's OWL-RL closure finds (disjoint classes sharing a member, owl:Nothing members …)."""
    import owlrl
    from rdflib import Graph, Namespace
    from rdflib.namespace import OWL as O

    g = Graph()
    for part in graphs:
        g += part
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    err = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
    found = [str(g.value(m, err.error)) for m in g.subjects(RDF.type, err.ErrorMessage)]
    return found + [f"{x} is a member of owl:Nothing" for x in g.subjects(RDF.type, O.Nothing)]


def _graph_of(build):
    from rdflib import Graph

    return Graph().parse(build / "graph.ttl", format="turtle")


@pytest.mark.slow
def test_owl_rl_closure_of_the_seed_build_has_no_clash(seed_build):
    assert _clashes(ontology.load_ontology(), _graph_of(seed_build)) == []


@pytest.mark.slow
def test_owl_rl_closure_of_the_dev_build_has_no_clash(dev_build):
    assert _clashes(ontology.load_ontology(), _graph_of(dev_build)) == []


def test_the_reasoner_finds_the_clash_the_old_division_code_domain_made():
    """An agency carrying its place's division code, against the ontology with pk:divisionCode's domain Place (as it
    was): owlrl reports the Place/Agency disjointness clash, so the tests above can fail."""
    from rdflib import Graph, Literal

    from ontology import ID

    old = ontology.load_ontology()
    old.remove((PK.divisionCode, RDFS.domain, None))
    old.add((PK.divisionCode, RDFS.domain, PK.Place))
    data = Graph()
    data.add((ID["agency/420703-partycommittee"], RDF.type, PK.PartyCommittee))
    data.add((ID["agency/420703-partycommittee"], PK.divisionCode, Literal("420703")))
    assert any("Place" in c and "Agency" in c for c in _clashes(old, data))
    assert _clashes(ontology.load_ontology(), data) == []
