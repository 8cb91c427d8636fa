"""SHACL validation: the seed validates clean, and broken graphs (missing label, wrong range, a Project with no
document, bad offsets, unasserted facts …) are caught with readable results; the CLI exits 1 on violations."""
from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from graph.rdf.dataset import to_dataset, union_graph
from graph.views.validate import short_iri, validate_graph
from ontology import ID, PK

from conftest import run_policykg

TOWN = ID["place/000000001"]
ROAD = ID["project/binhedadao-abc123"]


@pytest.fixture()
def small_graph(small_doc_graph) -> Graph:
    """conftest's hand-made document (a town, a road located in it) as one fresh rdflib Graph per test."""
    return union_graph(to_dataset([small_doc_graph]))


def _violations(g: Graph) -> list:
    return [r for r in validate_graph(g).results if r.severity == "Violation"]


def test_seed_graph_validates_clean(seed_dataset):
    report = validate_graph(seed_dataset)
    assert report.conforms, "\n".join(" | ".join(r.row()) for r in report.results[:20])
    assert report.violations == 0
    assert report.triples == len(union_graph(seed_dataset))


def test_small_graph_validates_clean(small_graph):
    report = validate_graph(small_graph)
    assert report.conforms and report.results == []
    assert "conforms" in report.summary() and "0 violation" in report.summary()


def test_missing_chinese_label_is_a_violation(small_graph):
    small_graph.remove((TOWN, RDFS.label, Literal("青石镇", lang="zh")))
    found = _violations(small_graph)
    assert any(r.focus == "id:place/000000001" and r.path == "rdfs:label" and "Chinese" in r.message
               for r in found)
    assert all(r.shape == "pks:EntityShape" for r in found)


def test_project_with_no_document_is_a_violation(small_graph):
    small_graph.remove((ROAD, PK.inDocument, None))
    found = _violations(small_graph)
    assert [(r.label, r.path) for r in found] == [("滨河大道", "pk:inDocument")]
    assert "document" in found[0].message.lower()


def test_wrong_range_is_a_violation(small_graph):
    small_graph.add((TOWN, PK.locatedIn, ROAD))  # a place located in a road
    small_graph.add((ROAD, PK.recognizedAs, TOWN))  # a road "recognized as" a town
    found = {(r.focus, r.path, r.value, r.shape) for r in _violations(small_graph)}
    assert ("id:place/000000001", "pk:locatedIn", "id:project/binhedadao-abc123", "pks:LocatedInShape") in found
    assert ("id:project/binhedadao-abc123", "pk:recognizedAs", "id:place/000000001",
            "pks:RecognizedAsShape") in found


def test_relation_to_a_non_entity_is_a_violation(small_graph):
    doc = next(small_graph.subjects(RDF.type, PK.Document))
    small_graph.add((ROAD, PK.relatedTo, doc))
    found = _violations(small_graph)
    assert any(r.path == "pk:relatedTo" and r.value.startswith("doc:") for r in found)


def test_domain_of_connects_is_checked(small_graph):
    small_graph.add((TOWN, PK.connects, TOWN))  # only projects connect places
    assert any(r.shape == "pks:ConnectsShape" and r.focus == "id:place/000000001" for r in _violations(small_graph))


def test_mention_offsets_and_datatypes_are_checked(small_graph):
    mention = next(small_graph.subjects(PK.mentionOf, TOWN))
    start = small_graph.value(mention, PK.start)
    small_graph.set((mention, PK.end, Literal(int(start))))  # end == start
    small_graph.set((mention, PK.confidence, Literal("high")))
    found = {(r.path, r.constraint) for r in _violations(small_graph)}
    assert ("pk:start", "LessThanConstraintComponent") in found
    assert ("pk:confidence", "DatatypeConstraintComponent") in found


def test_indicator_value_must_be_one_decimal(small_graph):
    ind = ID["indicator/x-1"]
    doc = next(small_graph.subjects(RDF.type, PK.Document))
    for t in [(ind, RDF.type, PK.Indicator), (ind, RDFS.label, Literal("建成3条", lang="zh")),
              (ind, PK.inDocument, doc), (ind, PK.value, Literal("3条")), (ind, PK.indicatorKind, Literal("guess"))]:
        small_graph.add(t)
    found = {(r.path, r.constraint) for r in _violations(small_graph)}
    assert ("pk:value", "DatatypeConstraintComponent") in found
    assert ("pk:indicatorKind", "InConstraintComponent") in found
    small_graph.set((ind, PK.value, Literal("3", datatype=XSD.decimal)))
    small_graph.set((ind, PK.indicatorKind, Literal("actual")))
    assert not any(r.focus == "id:indicator/x-1" for r in _violations(small_graph))


def test_status_outside_the_vocabulary_is_a_violation(small_graph):
    fact = next(small_graph.subjects(RDF.type, RDF.Statement))
    small_graph.set((fact, PK.status, Literal("done")))
    assert any(r.path == "pk:status" and r.value == "done" for r in _violations(small_graph))


def test_fact_whose_triple_is_not_asserted_is_a_violation(small_graph):
    small_graph.remove((ROAD, PK.locatedIn, TOWN))
    found = _violations(small_graph)
    assert [r.shape for r in found] == ["pks:AssertedFactShape"]
    assert found[0].focus.startswith("doc:") and "/fact/" in found[0].focus


def _project_count(g: Graph):
    (count,) = g.subjects(PK.countedClass, PK.Project)
    return count


def test_a_wrong_mention_count_is_a_violation(small_graph):
    count = _project_count(small_graph)
    assert small_graph.value(count, PK.mentionCount).toPython() == 1  # the road, mentioned once in 2023
    small_graph.set((count, PK.mentionCount, Literal(2)))
    found = _violations(small_graph)
    assert [(r.shape, r.focus) for r in found] == [("pks:MentionCountMatchesShape", short_iri(str(count)))]


def test_a_count_without_its_mentions_and_mentions_without_their_count_are_violations(small_graph):
    count = _project_count(small_graph)
    mention = next(small_graph.subjects(PK.mentionOf, ROAD))
    small_graph.set((mention, PK.year, Literal(2031)))  # the count of 2023 now counts nothing, 2031 has no count
    doc = next(small_graph.subjects(RDF.type, PK.Document))
    found = {(r.shape, r.focus) for r in _violations(small_graph)}
    assert found == {("pks:MentionCountMatchesShape", short_iri(str(count))),
                     ("pks:MentionCountMatchesShape", short_iri(str(doc)))}
    small_graph.set((count, PK.year, Literal(2031)))
    assert _violations(small_graph) == []


def test_a_count_names_one_top_level_class(small_graph):
    small_graph.set((_project_count(small_graph), PK.countedClass, PK.InfrastructureProject))
    found = {(r.path, r.constraint) for r in _violations(small_graph)}
    assert ("pk:countedClass", "InConstraintComponent") in found


def test_relation_without_evidence_is_only_a_warning(small_graph):
    small_graph.add((TOWN, PK.cooperatesWith, ROAD))
    report = validate_graph(small_graph)
    assert report.conforms and report.violations == 0 and report.warnings == 1
    assert report.results[0].label == "青石镇" and report.results[0].shape == "pks:RelationEvidenceShape"


def test_rdfs_inference_gives_the_same_verdict(small_graph):
    small_graph.remove((ROAD, PK.inDocument, None))
    assert not validate_graph(small_graph, inference="rdfs").conforms
    with pytest.raises(ValueError, match="inference"):
        validate_graph(small_graph, inference="owl-everything")


def test_shapes_parse_with_their_prefix_declarations():
    from ontology import load_shapes

    SH = "http://www.w3.org/ns/shacl#"
    shapes = load_shapes()
    declared = {str(p) for p in shapes.objects(None, URIRef(SH + "prefix"))}
    assert {"pk", "rdf", "rdfs"} <= declared


def test_cli_validate_exit_codes_and_report(small_graph, tmp_path):
    clean = tmp_path / "clean.ttl"
    small_graph.serialize(clean, format="turtle")
    r = run_policykg("validate", str(clean))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "conforms" in r.stderr and r.stdout == ""
    small_graph.remove((ROAD, PK.inDocument, None))
    broken = tmp_path / "broken.ttl"
    small_graph.serialize(broken, format="turtle")
    r = run_policykg("validate", str(broken))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "滨河大道" in r.stdout and "pk:inDocument" in r.stdout and "NOT conform" in r.stderr
    r = run_policykg("validate", str(broken), "--format", "json")
    rows = json.loads(r.stdout)
    assert r.returncode == 1 and rows[0]["severity"] == "Violation" and rows[0]["label"] == "滨河大道"


def test_cli_validate_with_user_shapes(small_graph, tmp_path):
    shapes = tmp_path / "mine.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix pk: <https://w3id.org/policykg/ontology#> .
<urn:s> a sh:NodeShape ; sh:targetClass pk:Place ; sh:property [ sh:path pk:divisionCode ; sh:maxCount 0 ;
    sh:message "no codes here"@en ] .""", encoding="utf-8")
    data = tmp_path / "g.nt"
    small_graph.serialize(data, format="nt", encoding="utf-8")
    r = run_policykg("validate", str(data), "--shapes", str(shapes), "-f", "csv")
    assert r.returncode == 1 and "no codes here" in r.stdout and "青石镇" in r.stdout
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    r = run_policykg("validate", str(data), "--shapes", str(bad))
    assert r.returncode != 0 and "bad.ttl" in r.stderr and "Traceback" not in r.stderr
