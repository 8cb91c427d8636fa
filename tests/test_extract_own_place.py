"""The report's own place comes from its header and signature lines first, then from the county named most often."""
from __future__ import annotations

import pytest

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
