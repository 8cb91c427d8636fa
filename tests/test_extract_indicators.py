"""Indicators: number + unit facts with their metric, value, unit, actual/target, status, year and the entity they
measure, on a small hand-made report (entities given, so the extractor does not matter) and in the seed's RDF."""
from __future__ import annotations

from decimal import Decimal

import pytest

from graph.extract.indicators import extract_indicators, numbers_in
from graph.extract.relations import entities_named
from graph.text.segment import document_from_text

REPORT = ("华容区工作报告\n日期:2023-12-26\n2023年工作回顾\n华容区全面推进各项工作,华容区成效明显。\n"
          "群众满意度98.23%。工业投资同比增长35.8%。410项高频事项实现“跨域通办”。高新技术企业有望突破50家。"
          "财政总收入、一般公共预算收入分别增长5.0%、6.4%。城乡居民人均可支配收入分别达到5.71万元、3.27万元。"
          "地区生产总值193.3亿元、增长6%。其中过50亿元大项目15个。"
          "12月21日召开会议,连续26个月居全市第一,东湖高新359路公交延伸。\n"
          "2024年工作安排\n新增家庭农场10家以上。引进推广农作物新品种2-3个。天易经开区实现技工贸总收入1200亿元。\n")
NAMES = {"华容区": ("District", "420703"), "跨域通办": ("Programme", None),
         "东湖高新359路公交": ("InfrastructureProject", None), "天易经开区": ("DevelopmentZone", None)}


@pytest.fixture(scope="module")
def indicators():
    doc = document_from_text(REPORT, "report-2023-12-26.txt")
    ents = entities_named(doc, NAMES)
    inds, rels = extract_indicators(doc, ents)
    labels = {e.key: e.label for e in ents}
    return doc, {e.label: e for e in inds}, rels, labels


def test_labels_are_metric_and_value(indicators):
    _, by_label, _, _ = indicators
    assert {"群众满意度 98.23%", "工业投资同比增长 35.8%", "高频事项“跨域通办” 410项", "高新技术企业 50家",
            "地区生产总值 193.3亿元"} <= set(by_label)


def test_value_unit_and_metric(indicators):
    _, by_label, _, _ = indicators
    a = by_label["群众满意度 98.23%"].attrs
    assert (Decimal(a["value"]), a["unit"], a["metric"]) == (Decimal("98.23"), "%", "群众满意度")
    assert by_label["城乡居民人均可支配收入 5.71万元"].attrs["unit"] == "万元"


def test_lists_pair_each_metric_with_its_value(indicators):
    _, by_label, _, _ = indicators
    assert {"财政总收入增长 5.0%", "一般公共预算收入增长 6.4%", "城乡居民人均可支配收入 3.27万元",
            "地区生产总值增长 6%"} <= set(by_label)


def test_targets_and_actuals_with_status_and_year(indicators):
    _, by_label, _, _ = indicators
    assert by_label["高新技术企业 50家"].attrs["kind"] == "target"
    assert by_label["群众满意度 98.23%"].attrs["kind"] == "actual"
    assert (by_label["群众满意度 98.23%"].attrs["status"], by_label["群众满意度 98.23%"].attrs["year"]) == (
        "completed", 2023)
    farm = by_label["新增家庭农场 10家以上"].attrs
    assert (farm["kind"], farm["status"], farm["year"], farm["qualifier"]) == ("target", "planned", 2024, "以上")
    assert by_label["引进推广农作物新品种 2-3个"].attrs["upper"] == "3"


def test_what_an_indicator_measures(indicators):
    _, by_label, rels, labels = indicators
    measured = {labels[r.subject] for r in rels if r.object == by_label["高频事项“跨域通办” 410项"].key}
    assert measured == {"跨域通办"}
    assert labels[by_label["高新技术企业 50家"].attrs["measures"]] == "华容区"
    assert labels[by_label["技工贸总收入 1200亿元"].attrs["measures"]] == "天易经开区"
    assert all(r.predicate == "hasIndicator" and r.evidence for r in rels)


def test_no_indicators_from_dates_durations_names_or_size_classes(indicators):
    _, by_label, _, _ = indicators
    texts = [e.mentions[0].text for e in by_label.values()]
    assert not [t for t in texts if "月" in t or "359" in t or "50亿元" in t]
    assert numbers_in("2023年12月21日,第3位,连续26个月,10天内", []) == []
    assert [f.value for f in numbers_in("东湖高新359路公交有12个站", [(0, 9)])] == ["12"]


def test_mention_offsets_cover_the_fact(indicators):
    doc, by_label, _, _ = indicators
    m = by_label["工业投资同比增长 35.8%"].mentions[0]
    assert doc.text[m.start:m.end] == "工业投资同比增长35.8%"


def test_seed_indicators_in_rdf(seed_dataset):
    rows = list(seed_dataset.query("""SELECT ?i ?v ?unit ?kind ?what WHERE { ?i a pk:Indicator ; pk:value ?v ;
        pk:unit ?unit ; pk:indicatorKind ?kind ; pk:measures ?m . ?m rdfs:label ?what .
        ?m pk:hasIndicator ?i . FILTER(lang(?what) = "zh") }"""))
    by_value = {(str(r[1]), str(r[2])): (str(r[3]), str(r[4])) for r in rows}
    assert by_value[("98.23", "%")][0] == "actual"
    assert by_value[("50", "家")] == ("target", "华容区")
    assert all(r[1].datatype.endswith("#decimal") for r in rows)
