"""Mentions → entities: aliases, the report's own bodies, stable keys that merge across documents only when
the thing is the same."""
from __future__ import annotations

from graph.extract.pipeline import extract_texts


def _entities(texts: dict[str, str]):
    return {e.label: e for e in extract_texts(texts).entities}


def test_place_stem_is_an_alias_and_a_mention():
    ents = _entities({"a.txt": "鄂州市华容区工作报告\n华容区建成新道路。展现华容作为,贡献华容力量。"})
    e = ents["华容区"]
    assert e.code == "420703" and e.key == "place/420703"
    assert "华容" in e.aliases and sum(m.text == "华容" for m in e.mentions) == 2


def test_relative_bodies_join_the_reports_own_place():
    ents = _entities({"a.txt": "华容区工作报告\n华容区委带领全区,在市委领导下,区委落实部署。华容区发展。"})
    assert "区委" in ents["华容区委"].aliases
    assert ents["华容区委"].key == "agency/420703-partycommittee"
    assert "鄂州市委" in ents and "市委" in ents["鄂州市委"].aliases


def test_same_place_in_two_reports_is_one_node_with_both_documents():
    ents = _entities({"a.txt": "甲报告\n石门县建成大桥。", "b.txt": "乙报告\n石门县新建学校。"})
    assert ents["石门县"].docs == ["a.txt", "b.txt"]
    assert len(ents["石门县"].mentions) == 2


def test_local_bodies_of_different_reports_stay_apart():
    corpus = extract_texts({"a.txt": "石门县工作报告\n石门县发展,县人大、法院依法履职。",
                            "b.txt": "汉寿县工作报告\n汉寿县发展,县人大、法院依法履职。"})
    courts = [e for e in corpus.entities if e.label == "法院"]
    assert len(courts) == 2 and courts[0].key != courts[1].key
    national = extract_texts({"a.txt": "甲报告\n贯彻党中央部署。", "b.txt": "乙报告\n落实党中央要求。"}).entities
    assert len([e for e in national if e.label == "党中央"]) == 1


def test_a_town_is_not_coded_from_another_province():
    ents = _entities({"b.txt": "石门县工作报告\n石门县发展,松岭镇建设加快。"})
    assert ents["石门县"].code == "430726"
    assert ents["松岭镇"].code is None  # the only 松岭镇 in the gazetteer is in Hebei


def test_shared_stem_goes_to_the_higher_level():
    ents = _entities({"a.txt": "华容区工作报告\n华容区、华容镇建设加快。贡献华容力量。"})
    assert "华容" in ents["华容区"].aliases and "华容" not in ents["华容镇"].aliases


def test_a_city_named_once_is_not_the_reports_home():
    ents = _entities({"a.txt": "新区工作报告\n在省委领导下,建成西安至本地的物流通道。青岛港扩建。"})
    assert "省委" in ents and not any(label.endswith("省委") and label != "省委" for label in ents)
