"""The report's own place comes from its header and signature lines first, then from the county named most often."""
from __future__ import annotations

import pytest

from graph.extract import gazetteer
from graph.extract.own_place import header_division
from graph.extract.pipeline import process_document
from graph.extract.relations import home_place
from graph.text.segment import document_from_text

BODY = "一年来,我们紧盯对接益阳中心城目标,益阳至本地快速路通车,益阳物流园建成。"


def _home(text: str):
    doc = document_from_text(text, "r.txt")
    return home_place(process_document(doc).entities, doc)


@pytest.mark.parametrize("header", [
    "政府工作报告\n——2024年1月5日在安化县第十八届人民代表大会第三次会议上\n",
    "政府工作报告\n2024年1月5日在安化县\n第十八届人民代表大会第三次会议上\n",   # broken over two lines
    "政府工作报告\n安化县人民政府县长 张某某\n各位代表:\n",
    "政府工作报告\n安化县县长王某\n",
    "各位代表:\n现在,我代表安化县人民政府向大会报告工作,请予审议。\n",
    "安化县2024年政府工作报告\n各位代表:\n",
])
def test_the_header_names_the_own_place_even_when_its_city_is_named_more(header):
    assert header_division(header + BODY).code == "430923"
    assert _home(header + BODY).label == "安化县"


def test_a_header_place_is_told_from_its_namesakes_by_its_parent():
    # two 桥东区 (张家口, 邢台): the city before it decides
    assert header_division("——2022年1月27日在张家口市桥东区第十七届人民代表大会第二次会议上\n").code == "130702"


def test_a_header_without_a_place_names_none_and_a_province_is_no_home_by_count_alone():
    text = "政府工作报告\n——在县第十八届人民代表大会第二次会议上\n各位代表:\n视察湖南重要讲话精神,湖南发展,湖南建设。\n"
    assert header_division(text) is None
    assert _home(text) is None


def test_without_a_header_the_most_named_county_is_home():
    text = "各位代表:\n安化县建成物流园,安化县入选示范县,益阳市支持。\n"
    assert header_division(text) is None
    assert _home(text).label == "安化县"


def _graph(text: str):
    doc = document_from_text(text, "r.txt")
    dg = process_document(doc)
    labels = {e.key: e.label for e in dg.entities}
    facts = {(labels[r.subject], r.predicate, labels[r.object]) for r in dg.relations
             if r.predicate not in ("relatedTo", "hasIndicator") and r.rule != "gazetteer"}
    return dg, facts


@pytest.mark.parametrize("written, full, code", [
    ("阿左旗", "阿拉善左旗", "152921"),   # banners of several words are written abbreviated
    ("东乌旗", "东乌珠穆沁旗", "152525"),
])
def test_a_banner_header_may_write_the_abbreviation(written, full, code):
    text = (f"政府工作报告\n——在{written}第十届人民代表大会第二次会议上\n各位代表:\n现在,我代表{written}人民政府向大会"
            "报告工作。\n一年来,在盟委和旗委的坚强领导下,我们深入实施乡村振兴战略。\n")
    assert header_division(text).code == code
    dg, facts = _graph(text)
    league = gazetteer.ancestors(code)[0].name  # 阿拉善盟: 盟委 is its committee
    assert {(f"{full}委", "leads", full), (f"{league}委", "leads", full)} <= facts
    assert (full, "implements", "乡村振兴战略") in facts
    government = next(e for e in dg.entities if e.label == f"{full}人民政府")
    assert f"{written}人民政府" in {m.text for m in government.mentions}


def test_a_header_that_names_only_the_level_leaves_the_body_to_name_the_place():
    text = ("政府工作报告\n——在县第十五届人民代表大会第二次会议上\n县长 某某\n各位代表:\n"
            "过去一年,是石渠发展极不平凡的一年。在州委州政府和县委的坚强领导下,我们落实乡村振兴战略,"
            "奋力建设幸福美丽新石渠。\n")
    assert header_division(text) is None
    dg, facts = _graph(text)
    assert _home(text).label == "石渠县"
    assert {("甘孜藏族自治州委", "leads", "石渠县"), ("甘孜藏族自治州政府", "leads", "石渠县"),
            ("石渠县委", "leads", "石渠县"), ("石渠县", "implements", "乡村振兴战略")} <= facts


def test_an_excerpt_without_a_header_takes_a_place_named_twice_with_a_place_above_it():
    text = "(五)兜底线、惠民生。深入推进平安石渠建设,建立石渠模式,获评甘孜先进县。深入开展扫黑除恶斗争。\n"
    assert _home(text).label == "石渠县"
    _, facts = _graph(text)
    assert ("石渠县", "implements", "扫黑除恶") in facts


@pytest.mark.parametrize("text", [
    # a province's text names counties without being one's
    "一季度,我省各地快速行动,石渠签约项目12个,石渠开工项目5个,甘孜州稳步推进。\n",
    # the header says district; a county named twice is another place
    "政府工作报告\n——在区第五届人民代表大会第二次会议上\n各位代表:\n我们与石渠合作,石渠客商来访,甘孜来函。\n",
    # named once only
    "(三)稳增长。平安石渠建设扎实推进,甘孜州考核优秀。\n",
])
def test_the_body_names_no_own_place_without_enough_evidence(text):
    assert _home(text) is None


def test_a_prefectures_bare_body_is_never_the_province_named_in_the_report():
    text = "各位代表:\n我们学习贯彻习近平总书记视察贵州重要讲话精神,贵州发展。在州委州政府的领导下,我们推进改革。\n"
    dg, _ = _graph(text)
    assert not any(e.label.startswith("贵州") and e.type == "Agency" for e in dg.entities)
