"""The pipeline on corpora: one result per document, entities resolved across documents, summaries from counts."""
from __future__ import annotations

from collections import Counter

import pytest
from rdflib import URIRef

from graph.extract.pipeline import corpus_summary, extract_texts
from graph.rdf.dataset import to_dataset, union_graph
from ontology import ID, PK

HUARONG = ("鄂州市华容区人民政府工作报告\n日期:2024-01-05\n"
           "2023年，华容区加快推进高新七路建设，区委、区政府带领全区干部群众落实“四下基层”工作制度。"
           "华容区与葛店经开区签约合作。\n")
LIANGZIHU = ("鄂州市梁子湖区人民政府工作报告\n日期:2024-01-08\n"
             "2023年，梁子湖区与华容区共同推进高新七路建设，区委、区政府坚持“四下基层”工作制度。"
             "梁子湖区政府与鄂州市政府签约。\n")


@pytest.fixture(scope="module")
def two_reports():
    return extract_texts({"huarong-2024.txt": HUARONG, "liangzihu-2024.txt": LIANGZIHU})


def _merged(corpus, label):
    found = [e for e in corpus.entities if e.label == label]
    assert len(found) == 1, f"{label}: {[(e.key, e.label) for e in corpus.entities]}"
    return found[0]


def test_one_graph_per_document_in_order(two_reports):
    assert [dg.document.name for dg in two_reports.documents] == ["huarong-2024.txt", "liangzihu-2024.txt"]


@pytest.mark.parametrize("label", ["华容区", "高新七路", "鄂州市"])
def test_same_thing_in_two_reports_is_one_node_with_both_reports(two_reports, label):
    e = _merged(two_reports, label)
    assert e.docs == ["huarong-2024.txt", "liangzihu-2024.txt"]
    per_doc = [sum(len(x.mentions) for x in dg.entities if x.key == e.key) for dg in two_reports.documents]
    assert all(n >= 1 for n in per_doc) and len(e.mentions) == sum(per_doc)


def test_place_keys_are_division_codes(two_reports):
    assert _merged(two_reports, "华容区").key == "place/420703"
    assert _merged(two_reports, "鄂州市").key == "place/420700"


def test_district_bodies_belong_to_each_reports_own_district(two_reports):
    """区委 in the 华容区 report is 华容区委; in the 梁子湖区 report it is 梁子湖区委: two nodes, not one."""
    committees = {e.label: e for e in two_reports.entities if e.cls == "PartyCommittee"}
    assert committees["华容区委"].docs == ["huarong-2024.txt"]
    assert committees["梁子湖区委"].docs == ["liangzihu-2024.txt"]
    assert "区委" in committees["华容区委"].aliases and "区委" in committees["梁子湖区委"].aliases
    assert committees["华容区委"].key != committees["梁子湖区委"].key


def test_aliases_from_both_reports_meet_on_the_merged_node(two_reports):
    assert "四下基层" in _merged(two_reports, "四下基层工作制度").aliases
    assert "梁子湖区政府" in _merged(two_reports, "梁子湖区人民政府").aliases


def test_rdf_cites_each_report_for_a_shared_place(two_reports):
    """The shared node has mention nodes in both documents' named graphs."""
    ds = to_dataset(two_reports.documents, two_reports.entities)
    place = URIRef(ID["place/420703"])
    docs = {str(ctx.identifier) for ctx in ds.graphs() if (None, PK.mentionOf, place) in ctx}
    assert len(docs) == 2
    g = union_graph(ds)
    assert {str(o) for o in g.objects(place, PK.inDocument)} == docs


def test_summary_counts_merged_entities(two_reports):
    s = two_reports.summary()
    assert s["documents"] == 2
    assert s["entities"] == len(two_reports.entities)
    assert s["entities"] < sum(len(dg.entities) for dg in two_reports.documents)  # shared nodes counted once
    assert s["relations"] == sum(len(dg.relations) for dg in two_reports.documents)


def test_corpus_summary_from_counts(small_doc_graph):
    s = corpus_summary(3, small_doc_graph.entities, Counter({"locatedIn": 2, "relatedTo": 1}), ["bad.txt: empty"])
    assert s["documents"] == 3 and s["entities"] == 2
    assert s["entities_per_class"] == {"Place": 1, "Project": 1}
    assert s["relations"] == 3 and s["relations_per_predicate"] == {"locatedIn": 2, "relatedTo": 1}
    assert s["warnings"] == ["bad.txt: empty"]


def test_every_mention_knows_its_document():
    from graph.extract.pipeline import extract_texts

    corpus = extract_texts({"one.txt": HUARONG, "two.txt": LIANGZIHU})
    for dg in corpus.documents:
        mentions = [m for e in dg.entities for m in e.mentions]
        assert mentions and {m.doc for m in mentions} == {dg.document.name}


def _typed(text: str) -> set[tuple[str, str, str]]:
    dg = extract_texts({"r.txt": text}).documents[0]
    labels = {e.key: e.label for e in dg.entities}
    return {(labels[r.subject], r.predicate, labels[r.object]) for r in dg.relations
            if r.predicate not in ("relatedTo", "hasIndicator") and r.rule != "gazetteer"}


def test_each_title_of_a_list_a_verb_confers_is_recognised_and_unnamed_subjects_are_the_reports_place():
    got = _typed("鄂州市华容区人民政府工作报告\n——在华容区第三届人民代表大会第三次会议上\n"
                 "我区入选首批全国农业社会化服务示范县、全省首批蔬菜“菜篮子”示范县,县域综合实力位居中部百强区第21位。"
                 "庙岭镇获评全国避暑旅游目的地。\n")
    assert {("华容区", "recognizedAs", "全国农业社会化服务示范县"), ("华容区", "recognizedAs", "蔬菜菜篮子示范县"),
            ("华容区", "recognizedAs", "中部百强区"), ("庙岭镇", "recognizedAs", "全国避暑旅游目的地")} <= got


def test_companies_and_parks_are_in_the_sectors_their_list_names():
    got = _typed("鄂州市华容区人民政府工作报告\n——在华容区第三届人民代表大会第三次会议上\n"
                 "引进青禾、远拓等上规模新能源装备企业。光伏、储能千亩产业园开工。\n")
    assert {("青禾", "inSector", "新能源装备"), ("远拓", "inSector", "新能源装备"), ("千亩产业园", "inSector", "光伏"),
            ("千亩产业园", "inSector", "储能")} <= got


def test_a_sentence_with_no_subject_goes_on_about_the_zone_the_sentence_before_opened_with():
    got = _typed("鄂州市华容区人民政府工作报告\n——在华容区第三届人民代表大会第三次会议上\n"
                 "青石经开区实现工业总产值120亿元;引进项目9个。成功入选全省绿色园区。\n"
                 "全区生产总值增长6%。成功入选全省营商环境示范县。\n"
                 "白沙园区等三大园区提速建设。获评全省开发区先进单位。\n")
    assert ("青石经开区", "recognizedAs", "全省绿色园区") in got
    assert ("华容区", "recognizedAs", "全省营商环境示范县") in got
    assert ("白沙园区", "recognizedAs", "全省开发区先进单位") not in got  # an example of a counted set


def test_companies_brought_into_a_shore_area_are_located_there_not_in_the_reports_place():
    got = _typed("鄂州市华容区人民政府工作报告\n——在华容区第三届人民代表大会第三次会议上\n"
                 "青鳞湖北岸2000亩用地完成控规调整,引进落地青禾智造、远拓微电等一批项目。\n")
    assert {("青禾智造", "locatedIn", "青鳞湖北岸"), ("远拓微电", "locatedIn", "青鳞湖北岸")} <= got
    assert ("青禾智造", "locatedIn", "华容区") not in got
