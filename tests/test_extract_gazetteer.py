"""The offline gazetteer: data file integrity, look-ups, short names, ancestors and disambiguation."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from graph.extract import gazetteer as gz

DATA = Path(__file__).resolve().parents[1] / "data" / "gazetteer" / "divisions.tsv.gz"


def code_of(name: str, level: str | None = None) -> str:
    """The code of the single division with this full name (and level)."""
    found = [d for d in gz.by_name(name) if level is None or d.level == level]
    assert len(found) == 1, (name, found)
    return found[0].code


# --- the data file -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    return [line.split("\t") for line in gzip.decompress(DATA.read_bytes()).decode("utf-8").splitlines()]


def test_file_is_small_sorted_and_unique(rows):
    assert DATA.stat().st_size < 2 * 1024 * 1024
    codes = [r[0] for r in rows]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    assert all(len(r) == 4 for r in rows)


def test_every_parent_exists_and_is_one_level_up_or_more(rows):
    level = {r[0]: r[2] for r in rows}
    rank = {"province": 0, "city": 1, "county": 2, "town": 3}
    for code, name, lvl, parent in rows:
        assert lvl in rank, (code, lvl)
        assert name.strip() == name and name, code
        if lvl == "province":
            assert parent == "" and len(code) == 6 and code.endswith("0000")
            continue
        assert parent in level, (code, parent)
        assert rank[level[parent]] < rank[lvl], (code, parent)
        assert len(code) == (9 if lvl == "town" else 6), code
        # GB/T 2260 codes are hierarchical: a child's code starts with its parent's significant digits.
        assert code.startswith(parent.rstrip("0")[: {0: 2, 1: 4, 2: 6}[rank[level[parent]]]]), (code, parent)


def test_all_levels_are_well_populated(rows):
    counts: dict[str, int] = {}
    for r in rows:
        counts[r[2]] = counts.get(r[2], 0) + 1
    assert counts["province"] == 34          # 31 mainland + 台湾, 香港, 澳门
    assert 330 <= counts["city"] <= 340
    assert 2800 <= counts["county"] <= 3100
    assert counts["town"] > 38000


def test_load_matches_file_and_is_cached(rows):
    gz.load_divisions.cache_clear()
    divs = gz.load_divisions()
    assert len(divs) == len(rows)
    assert gz.load_divisions() is divs


# --- well-known divisions ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,code,level", [
    ("湖北省", "420000", "province"),
    ("北京市", "110000", "province"),
    ("武汉市", "420100", "city"),
    ("鄂州市", "420700", "city"),
    ("华容区", "420703", "county"),
    ("华容县", "430623", "county"),
    ("庙岭镇", "420703102", "town"),
    ("恩施土家族苗族自治州", "422800", "city"),
])
def test_known_codes(name, code, level):
    d = gz.get(code)
    assert d is not None and d.name == name and d.level == level
    assert code_of(name) == code


def test_pseudo_levels_are_skipped():
    # 北京 市辖区 and 湖北 省直辖县级行政区划 are groupings, not divisions: their counties hang on the province.
    assert gz.by_name("市辖区") == [] and gz.by_name("省直辖县级行政区划") == []
    assert gz.get("110101").parent == "110000"   # 东城区
    assert gz.get("429004").name == "仙桃市" and gz.get("429004").parent == "420000"
    # 东莞 has no county level: its towns hang on the city, and the city appears once.
    assert [d.code for d in gz.by_name("东莞市")] == ["441900"]
    assert gz.get("441900101").name == "石碣镇" and gz.get("441900101").parent == "441900"


@pytest.mark.parametrize("full,short", [
    ("湖北省", "湖北"), ("鄂州市", "鄂州"), ("华容区", "华容"), ("广西壮族自治区", "广西"),
    ("恩施土家族苗族自治州", "恩施"), ("庙岭镇", "庙岭"), ("内蒙古自治区", "内蒙古"), ("新疆维吾尔自治区", "新疆"),
    ("西藏自治区", "西藏"), ("香港特别行政区", "香港"), ("阿克苏地区", "阿克苏"), ("锡林郭勒盟", "锡林郭勒"),
    ("长阳土家族自治县", "长阳"), ("鄂伦春自治旗", "鄂伦春"), ("神农架林区", "神农架"), ("浦东新区", "浦东"),
    ("管城回族区", "管城"), ("东华门街道", "东华门"), ("于家务回族乡", "于家务"),
    # never shorter than 2 characters
    ("矿区", "矿区"), ("城区", "城区"), ("赵县", "赵县"), ("金林区", "金林"),
    # zones keep their whole name
    ("石家庄高新技术产业开发区", "石家庄高新技术产业开发区"),
])
def test_short_names(full, short):
    assert gz.short_name(full) == short
    for d in gz.by_name(full):
        assert d.short == short


def test_every_short_name_has_two_characters_or_is_the_full_name():
    for d in gz.load_divisions().values():
        assert len(d.short) >= 2 or d.short == d.name


def test_by_short_covers_only_upper_levels():
    assert {d.code for d in gz.by_short("华容")} == {"420703", "430623"}
    assert {d.code for d in gz.by_short("湖北")} == {"420000"}
    assert gz.by_short("庙岭") == []           # towns are not indexed by short name
    assert gz.by_short("不存在的地方") == []


def test_missing_names():
    assert gz.by_name("不存在市") == []
    assert gz.resolve_place("不存在市") is None
    assert gz.resolve_place("") is None
    assert gz.get("999999") is None
    assert gz.ancestors("999999") == []


def test_ancestors_of_a_town():
    chain = gz.ancestors("420703102")  # 庙岭镇
    assert [(d.code, d.name) for d in chain] == [("420703", "华容区"), ("420700", "鄂州市"), ("420000", "湖北省")]
    assert gz.ancestors("420000") == []


# --- resolving names found in documents ----------------------------------------------------------------------

def test_unique_names_resolve_without_context():
    assert gz.resolve_place("华容区").code == "420703"
    assert gz.resolve_place("庙岭镇").code == "420703102"
    assert gz.resolve_place("鄂州").code == "420700"      # short name, unique
    assert gz.resolve_place("湖北").code == "420000"
    assert gz.resolve_place("吉林").code == "220000"      # province preferred over 吉林市 for a bare name


def test_ambiguous_names_without_context_give_none():
    assert len(gz.by_name("太和镇")) > 5
    assert gz.resolve_place("太和镇") is None
    assert gz.resolve_place("华容") is None               # 华容区 (鄂州) or 华容县 (岳阳)
    assert gz.resolve_place("朝阳区") is None             # 北京 or 长春


def test_context_disambiguates():
    ezhou, huarong_qu, yueyang = "420700", "420703", "430600"
    assert gz.resolve_place("华容", [ezhou]).code == "420703"
    assert gz.resolve_place("华容", [yueyang]).code == "430623"
    assert gz.resolve_place("太和镇", [ezhou]).code == "420702100"        # 梁子湖区, 鄂州
    assert gz.resolve_place("太和镇", [huarong_qu]).code == "420702100"   # sibling county in the same city
    assert gz.resolve_place("临江乡", [huarong_qu]).code == "420703200"
    assert gz.resolve_place("庙岭镇", [ezhou]).code == "420703102"
    assert gz.resolve_place("朝阳区", ["220000"]).code == "220104"        # 长春's, given 吉林省
    # unrelated or unknown context does not invent an answer
    assert gz.resolve_place("太和镇", ["650000"]) is None
    assert gz.resolve_place("太和镇", ["nonsense"]) is None


def test_subdistrict_name_variants():
    # the data writes a few subdistricts as 街道办事处; a document's 街道 still finds them, and vice versa
    assert gz.resolve_place("保康街道").code == "150521403"              # data: 保康街道办事处
    assert gz.resolve_place("新华街道") is None                           # dozens of 新华街道
    assert gz.resolve_place("新华街道", ["152921"]).code == "152921404"   # 阿拉善左旗's 新华街道办事处
    assert gz.resolve_place("东华门街道办事处").code == "110101001"       # data: 东华门街道


@pytest.mark.parametrize("level,name,code,cls", [
    ("province", "湖北省", "", "Province"),
    ("city", "鄂州市", "", "City"),
    ("county", "华容区", "420703", "District"),
    ("county", "华容县", "430623", "County"),
    ("county", "鄂伦春自治旗", "150723", "County"),
    ("county", "仙桃市", "429004", "County"),
    ("county", "石家庄高新技术产业开发区", "130171", "DevelopmentZone"),
    ("town", "庙岭镇", "420703102", "Town"),
    ("town", "临江乡", "420703200", "Township"),
    ("town", "东华门街道", "110101001", "Subdistrict"),
    ("town", "贡宝拉格苏木", "", "Township"),
])
def test_level_class(level, name, code, cls):
    assert gz.level_class(level, name, code) == cls


def test_ontology_classes_exist():
    from rdflib import OWL, RDF, Graph, URIRef

    g = Graph().parse(Path(__file__).resolve().parents[1] / "ontology" / "policy.ttl")
    classes = {str(s).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for s in g.subjects(RDF.type, OWL.Class)
               if isinstance(s, URIRef)}
    used = {d.ontology_class for d in gz.load_divisions().values()}
    assert used <= classes, used - classes


@pytest.mark.parametrize("written, full", [("东乌旗", "东乌珠穆沁旗"), ("土左旗", "土默特左旗"), ("察右前旗", "察哈尔右翼前旗"),
                                           ("达茂旗", "达尔罕茂明安联合旗")])
def test_a_banner_is_found_by_the_abbreviation_reports_write(written, full):
    assert [d.name for d in gz.by_abbreviation(written)] == [full]


@pytest.mark.parametrize("word", ["红旗", "五星红旗", "党旗", "莫旗", "科右旗", "正蓝旗", "旗"])
def test_a_flag_a_one_character_stem_an_ambiguous_or_a_full_name_is_no_abbreviation(word):
    # 科右旗 fits four banners of 科尔沁右翼…; 正蓝旗 is a full name (by_name finds it)
    assert gz.by_abbreviation(word) == []
