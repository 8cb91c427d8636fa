"""Rule families of the extractor on small invented sentences (never the seed), plus the dev-set floor."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph.extract.mentions import extract_mentions, is_generic
from graph.text.read import read_document
from graph.text.segment import document_from_text

from conftest import ROOT, SHARED, run_policykg


def spans(text: str) -> dict[str, str]:
    """{label: class} of the mentions found in a one-line text."""
    doc = document_from_text(text, "t.txt")
    return {m.canonical: m.cls for m in extract_mentions(doc)}


def test_quoted_initiative_takes_its_tail_noun_and_keeps_the_short_form():
    found = spans("示例文字标题\n全面推行“三访三评”工作机制,深化“清风行动”。")
    assert found.get("三访三评工作机制") == "Mechanism"
    assert "清风行动" in found


def test_quotation_after_a_recognition_verb_is_a_designation():
    found = spans("示例文字标题\n青石镇成功入选“全国乡村治理示范镇”。")
    assert found.get("全国乡村治理示范镇") == "Designation"


def test_problem_quotations_are_not_entities():
    found = spans("示例文字标题\n着力破解“散小弱”难题,推动产业集聚。")
    assert not any("散小弱" in k for k in found)


def test_place_prefixed_bodies_and_national_bodies():
    found = spans("示例文字标题\n在省委省政府坚强领导下,青山县委支持人大、政协和法院依法履职,发挥妇联作用。")
    assert found.get("省委") == "PartyCommittee"
    assert found.get("省政府") == "Government"
    assert found.get("青山县委") == "PartyCommittee"
    for body in ("人大", "政协", "法院", "妇联"):
        assert body in found


def test_people_are_not_bodies():
    found = spans("示例文字标题\n全体人大代表和政协委员出席会议。")
    assert "人大" not in found and "政协" not in found


def test_suffix_names_stop_at_the_verb_in_front_of_them():
    found = spans("示例文字标题\n全年签约青禾智能装备产业基地等项目,加快建设滨江大道。")
    assert "青禾智能装备产业基地" in found
    assert found.get("滨江大道") == "InfrastructureProject"
    assert "项目" not in found


def test_administrative_units_need_a_real_stem():
    found = spans("示例文字标题\n全区新建学校两所,城区面貌改善,松岭镇、石门乡入选示范。")
    assert "全区" not in found and "城区" not in found
    assert found.get("松岭镇") == "Town"
    assert found.get("石门乡") == "Township"


def test_list_pattern_types_items_by_its_head():
    found = spans("示例文字标题\n引进蓝鲸科技、和悦微电子、恒达新材等企业落户。")
    for name in ("蓝鲸科技", "和悦微电子", "恒达新材"):
        assert found.get(name) == "Company"


def test_generic_words_are_not_names():
    assert is_generic("全区") and is_generic("重点项目") and is_generic("项目")
    assert not is_generic("滨江大道")


def test_mentions_carry_offsets_rule_and_sentence():
    text = "示例文字标题\n与省农科院签订战略合作协议。"
    doc = document_from_text(text, "t.txt")
    for m in extract_mentions(doc):
        assert doc.text[m.start:m.end] == m.text
        assert m.rule and 0 < m.confidence <= 1
        assert doc.sentences[m.sentence].start <= m.start


def _score(gold_dir: Path, files: list[Path], tmp_path: Path) -> float:
    pred = tmp_path / "pred.json"
    r = run_policykg("extract", *map(str, files), "--format", "json", "--output", str(pred))
    assert r.returncode == 0, r.stderr
    out = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(gold_dir), str(pred)],
                         capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1].split()[-1])


@pytest.mark.skipif(not (SHARED / "eval" / "seed").is_dir(), reason="../shared/eval is not beside the checkout")
def test_seed_typed_f1_floor(tmp_path):
    seed = SHARED / "eval" / "seed"
    assert _score(seed, sorted(seed.glob("*.txt")), tmp_path) >= 0.92


@pytest.mark.skipif(not (SHARED / "eval" / "dev").is_dir(), reason="../shared/eval/dev is not beside the checkout")
def test_dev_typed_f1_floor(tmp_path):
    # the 19 dev texts measured 0.779 when the set grew from 7 to 19 texts, 0.847 after the rules of issue 15,
    # 0.891 after its second round (recognitions, sectors, natural features, events, figures of speech)
    dev = SHARED / "eval" / "dev"
    assert _score(dev, sorted(dev.glob("*.txt")), tmp_path) >= 0.87


@pytest.mark.skipif(not (SHARED / "eval" / "dev").is_dir(), reason="../shared/eval/dev is not beside the checkout")
def test_dev_recognition_and_sector_floors():
    # scored separately from the five types; 0.49 and 0.41 before the second round of issue 15, 0.907 and 0.889 after
    r = run_policykg("eval", str(SHARED / "eval" / "dev"), "--types", "Recognition,Sector", "--format", "json",
                     "--no-errors")
    assert r.returncode == 0, r.stderr
    f1 = {row["type"]: float(row["F1"]) for row in json.loads(r.stdout) if row["scored"] == "entity"}
    assert f1["Recognition"] >= 0.87 and f1["Sector"] >= 0.85, f1


def test_extract_json_contract(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("示例县工作报告\n2023年,青山县委带领全县建成滨江大道。\n", encoding="utf-8")
    r = run_policykg("extract", str(f), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data[0]["doc"] == "r.txt"
    ent = next(e for e in data[0]["entities"] if e["label"] == "滨江大道")
    assert ent["type"] == "Project" and ent["class"] == "InfrastructureProject"
    assert {"label", "type", "class", "aliases", "mentions", "confidence"} <= set(ent)
    assert {"text", "start", "end", "sentence"} <= set(ent["mentions"][0])
    assert isinstance(data[0]["relations"], list)
    _ = ROOT


def test_traditional_text_is_matched_and_keeps_its_characters():
    found = spans("示例文字標題\n青山縣委推進“三訪三評”工作機制,松嶺鎮建成濱江大道。")
    assert "青山縣委" in found and found.get("松嶺鎮") == "Town"
    assert found.get("三訪三評工作機制") == "Mechanism"
    assert "濱江大道" in found
    titled = spans("示例文字標題\n印發《關於加快發展數字經濟的實施意見》。")
    assert "關於加快發展數字經濟的實施意見" in titled  # a title keeps its own characters too


def test_enterprise_designation_makes_its_subject_an_organization():
    found = spans("示例文字标题\n青禾科技入选2024年省级专精特新示范企业名单。")
    assert found.get("青禾科技") == "Company"
    assert any(cls == "Designation" for cls in found.values())


def test_level_prefixed_designation_without_a_verb():
    found = spans("示例文字标题\n省级生态文明示范区创建取得阶段性成效。")
    assert found.get("省级生态文明示范区") == "Designation"


def test_versioned_programme_and_counted_quotation():
    found = spans("示例文字标题\n全力打造优化营商环境6.0版,聚焦两个“一号工程”。")
    assert found.get("优化营商环境6.0版") == "Programme"
    assert found.get("两个一号工程") == "Programme"


def test_book_title_policy_and_plan_names():
    found = spans("示例文字标题\n出台《关于加快发展数字经济的实施意见》,编制“十五五”规划。")
    assert found.get("关于加快发展数字经济的实施意见") == "Policy"
    assert found.get("十五五规划") == "Plan"


def test_counted_industry_list_names_sectors():
    found = spans("示例文字标题\n围绕装备制造、现代物流和文化旅游三大主导产业精准招商。")
    for name in ("装备制造", "现代物流", "文化旅游"):
        assert found.get(name) == "Industry", name


def test_programme_works_versus_built_works():
    found = spans("示例文字标题\n实施全民健康惠民工程,完成老旧管网改造工程。")
    assert found.get("全民健康惠民工程") == "Programme"
    assert found.get("老旧管网改造工程") == "InfrastructureProject"


def test_expo_is_an_event_project_and_counts_are_not_names():
    found = spans("示例文字标题\n成功举办第三届江海数字经济博览会,健全六项机制。")
    assert found.get("江海数字经济博览会") == "Event"
    assert "六项机制" not in found


def test_development_vision_is_not_a_place():
    found = spans("示例文字标题\n加快建设现代化滨海生态新城。")
    assert found.get("现代化滨海生态新城") == "Programme"


def test_agency_place_prefix_comes_from_the_gazetteer():
    found = spans("示例文字标题\n在长沙县委领导下,代表县人民政府作报告。")
    assert found.get("长沙县委") == "PartyCommittee"
    assert "县人民政府" in found and "代表县人民政府" not in found


def test_a_body_named_before_its_heads_title_is_split_from_it():
    found = spans("示例文字标题\n青山县商务局局长出席签约仪式。")
    assert found.get("青山县商务局") == "Department"


def test_a_phase_or_a_provincial_owner_makes_a_description_a_name():
    found = spans("示例文字标题\n新材料产业基地(二期)开工建设,与省交通投资集团签订合作协议。")
    assert found.get("新材料产业基地") == "IndustrialProject"
    assert found.get("省交通投资集团") is not None
    assert "省交通" not in found  # a level and a kind inside a company's name is not a place of its own


def test_a_section_after_a_works_name_is_part_of_it_but_a_stage_is_not():
    found = spans("示例文字标题\n青禾大道东段建成通车,滨河公园上游段开放,凤鸣路阶段性完工。")
    assert found.get("青禾大道东段") == "InfrastructureProject" and "青禾大道" not in found
    assert found.get("滨河公园上游段") is not None and "滨河公园" not in found
    assert found.get("凤鸣路") is not None  # 阶段性 is no section of the road


def test_a_platform_after_a_digital_facility_is_part_of_its_name():
    found = spans("示例文字标题\n建成区智慧文化馆平台,青山文化馆平台作用凸显。")
    assert found.get("区智慧文化馆平台") is not None and "区智慧文化馆" not in found
    assert "青山文化馆平台" not in found  # a building serving as a platform, not a system that was built


def test_a_kind_of_works_between_a_quotation_and_project_is_in_the_projects_name():
    found = spans("示例文字标题\n“青山夜话”夜游项目获奖,“百村示范”重点项目推进,“十四五”首单绿色债券项目发行。")
    assert found.get("青山夜话夜游项目") == "IndustrialProject" and "青山夜话" not in found
    assert found.get("百村示范") is not None and "百村示范重点项目" not in found  # 重点 grades, names no works
    assert not any(k.startswith("十四五") and k.endswith("项目") for k in found)  # a period, not the name


def test_sector_items_in_a_project_list_stay_sectors_and_adverbs_close_no_name():
    found = spans("示例文字标题\n招引一批高端装备制造等延链项目,主要指标保持中高速增长。")
    assert found.get("高端装备制造") == "Industry"
    assert not any(k.endswith("高速") for k in found)


def test_a_number_in_quotes_with_a_project_tail_is_a_project():
    found = spans("示例文字标题\n加快推进青禾“3060”项目建设。")
    assert found.get("青禾3060项目") == "IndustrialProject"


def test_bare_free_trade_zone_and_a_county_known_only_by_its_bare_name_are_places():
    from graph.extract.pipeline import extract_texts

    text = "示例文字标题\n自贸试验区建设全面起势,推动桐乡由工业大县向工业强县迈进,桐乡丝绸品牌更响。"
    found = {e.label: e.cls for e in extract_texts([text]).entities}
    assert found.get("自贸试验区") == "DevelopmentZone"
    assert found.get("桐乡") == "County"


def test_international_conferences_are_events_but_meetings_of_a_body_are_not():
    found = spans("示例文字标题\n成功举办2023国际湿地生态保护会议,召开县委常委会会议和全县工作会议。")
    assert found.get("国际湿地生态保护会议") == "Event"
    assert not any(k.endswith("工作会议") or k.endswith("常委会会议") for k in found)


def test_a_valley_named_after_its_city_keeps_the_city_as_a_place():
    found = spans("示例文字标题\n加快建设苏州芯谷,打造国家生物医药之都。")
    assert found.get("苏州芯谷") == "DevelopmentZone"
    assert found.get("苏州") == "City"
    assert found.get("国家生物医药之都") == "Programme"


def test_dashes_between_places_and_capacities_stay_inside_project_names():
    found = spans("示例文字标题\n建成上海—杭州数字贸易合作示范基地,东滩30万千瓦光伏项目并网。")
    assert found.get("上海—杭州数字贸易合作示范基地") == "IndustrialProject"
    assert found.get("东滩30万千瓦光伏项目") == "IndustrialProject"


def test_demonstration_construction_is_a_project():
    found = spans("示例文字标题\n启动实施5万亩水稻绿色种植示范区建设,建成氢能储运示范工程。")
    assert found.get("水稻绿色种植示范区建设") == "IndustrialProject"
    assert found.get("氢能储运示范工程") == "InfrastructureProject"


def test_items_of_attracted_project_lists_are_companies_and_pilots_granted_are_designations():
    found = spans("示例文字标题\n引进落地青禾智造、远拓微电等一批新能源关联产业项目。县医院获批国家级医疗服务标准化试点。")
    assert found.get("青禾智造") == "Company" and found.get("远拓微电") == "Company"
    assert found.get("国家级医疗服务标准化试点") == "Designation"


def test_runs_of_quoted_titles_share_their_verb_and_title_word():
    found = spans("示例文字标题\n顺利通过“中国陶瓷之都”“全国文明示范县”复评,荣获“全国绿色工厂示范基地”“省级生态农业县”称号。")
    for title in ("中国陶瓷之都", "全国文明示范县", "全国绿色工厂示范基地", "省级生态农业县"):
        assert found.get(title) == "Designation", title


def test_titles_listed_after_a_conferring_verb_are_each_a_designation():
    found = spans("示例文字标题\n青石经济开发区获评国家级绿色园区、全省先进开发区。")
    assert found.get("国家级绿色园区") == "Designation"
    assert found.get("全省先进开发区") == "Designation"


def test_numbered_engineering_bureaus_are_companies_and_split_scope_words_end_names():
    found = spans("示例文字标题\n引入中建八局、中铁十二局等央企,我区光电子器件产业加快发展。")
    assert found.get("中建八局") == "Company" and found.get("中铁十二局") == "Company"
    assert found.get("光电子器件产业") == "Industry"


def test_titles_joined_by_a_conjunction_and_measures_and_quoted_manners_are_not_names():
    found = spans("示例文字标题\n荣获全国绿色高效行动示范县和全省高标准农田改造提升示范区,形成3公里公园景观,"
                  "按照“10平方公里”的规划建设新区。")
    assert found.get("全国绿色高效行动示范县") == "Designation"
    assert found.get("全省高标准农田改造提升示范区") == "Designation"
    assert not any(k.startswith("公里") for k in found)
    assert not any(k.endswith("的规划") for k in found)


def test_word_splitter_gives_jiebas_words():
    """Words come from rjieba (jieba-rs) when it is installed; every rule's edges are jieba's, so the two must
    split the seed, the dev texts and odd characters alike."""
    import jieba

    from graph.extract.mentions import _word_splitter, tokens

    files = [ROOT / "data" / "seed" / "huarong-2023-12-26.txt", *sorted((SHARED / "eval" / "dev").glob("*.txt"))]
    texts = [s.text for p in files if p.exists() for s in read_document(p).sentences]
    texts += ["ABC公司2024年投资１２亿元，建成3.5km道路", "華容區發展", "局局长和处处长", " \t", "emoji😀与全角（）"]
    jieba.setLogLevel(60)
    split = _word_splitter()
    assert [split(t) for t in texts] == [jieba.lcut(t, HMM=False) for t in texts]
    assert tokens("局局长") == (("局", 0, 1), ("局长", 1, 3))  # a body's name ends before its head's title
    assert tokens("建设华容区") == (("建设", 0, 2), ("华容区", 2, 5))


def test_word_splitter_falls_back_to_jieba_without_rjieba(monkeypatch):
    """Where rjieba cannot be installed, jieba itself splits the words, and the rules see the same ones."""
    import graph.extract.mentions as extract

    text = "华容区委、区政府深入实施“三乡工程”，建成华容区葛店开发区产业基地"
    expected = extract._word_splitter()(text)
    extract._word_splitter.cache_clear()
    monkeypatch.setitem(sys.modules, "rjieba", None)  # import rjieba now raises ImportError
    try:
        split = extract._word_splitter()
        assert split.func.__module__.startswith("jieba")
        assert split(text) == expected
    finally:
        extract._word_splitter.cache_clear()


# ---------------------------------------------------------------- the place guard: a county's name inside another word

def _places(text: str) -> dict[str, str | None]:
    """{label: division code} of the places a text gives, after resolution."""
    from graph.extract.pipeline import extract_texts

    return {e.label: e.code for e in extract_texts({"t.txt": text}).entities if e.type == "Place" and e.mentions}


@pytest.mark.parametrize("sentence", [
    "全面落实富民政策,开创富民兴业新局面。",        # 富民县, 兴业县
    "坚持和平发展,推进长寿之乡建设。",              # 和平县, 长寿区
    "长安汽车项目投产,兴业银行设立分行。",          # 长安区, 兴业县
    "青岛啤酒扩大产能,福田汽车增资扩产。",          # 青岛, 福田区
    "全县生产总值稳定突破百亿元大关。",              # 大关县
    "坚持生态立县,增速高于自治区平均水平。",        # 立县, 自治区 are no names
    "打造一屏三区六宜城市。",                        # 宜城市
])
def test_a_place_name_inside_another_word_gives_no_place(sentence):
    assert _places("示例文字标题\n" + sentence) == {}


def test_a_new_area_is_a_zone_and_not_the_district_its_name_starts_with():
    found = _places("示例文字标题\n江北新区建设加快。")
    assert "江北新区" in found and not any(code for code in found.values())


def test_a_bare_county_name_needs_the_reports_region():
    body = "与桃江共建产业园,桃江物流园开工。"
    home = _places("政府工作报告\n——2024年1月5日在安化县第十八届人民代表大会第三次会议上\n" + body)
    assert home.get("桃江") == "430922"  # 桃江县, in the same province (湖南) as the header's county
    away = _places("政府工作报告\n——2024年1月5日在双柏县第十八届人民代表大会第三次会议上\n" + body)
    assert "430922" not in away.values()
    parent = _places("政府工作报告\n——2024年1月5日在双柏县第十八届人民代表大会第三次会议上\n与益阳桃江共建产业园。")
    assert parent.get("桃江") == "430922"  # its city named beside it


def test_a_county_name_that_spells_an_ordinary_phrase_needs_the_reports_region_or_its_parent():
    away = "政府工作报告\n——2024年1月5日在双柏县第十八届人民代表大会第三次会议上\n"
    home = "政府工作报告\n——2024年1月5日在绥中县第十八届人民代表大会第三次会议上\n"
    body = "以产业兴城市,完成老城区管网改造。"
    assert not {"兴城市", "老城区"} & set(_places(away + body))  # develop the city; the old town
    assert _places(home + body).get("兴城市") == "211481"  # 兴城市 is in 辽宁, as 绥中县 is
    assert _places(away + "与辽宁兴城市签订合作协议。").get("兴城市") == "211481"  # its province named beside it


def test_another_provinces_county_name_opening_a_park_name_is_no_place():
    from graph.extract.pipeline import extract_texts

    text = "政府工作报告\n——2024年1月5日在双柏县第十八届人民代表大会第三次会议上\n荔湾湿地公园建成开放。"
    labels = {e.label: e.code for e in extract_texts({"t.txt": text}).entities}
    assert "荔湾湿地公园" in labels  # the park stays
    assert "荔湾" not in labels and "440103" not in labels.values()  # 荔湾区 is in 广东, the report in 云南


def test_a_mine_is_no_mountain():
    found = spans("示例文字标题\n开展非煤矿山、小煤矿山专项整治,保护青龙山生态。")
    assert not any(k.endswith("矿山") for k in found)
    assert found.get("青龙山") == "Mountain"


def test_a_long_autonomous_county_name_is_found_whole():
    found = _places("示例文字标题\n道真仡佬族苗族自治县建成物流园。")
    assert found.get("道真仡佬族苗族自治县") == "520325"


def test_national_regions_and_city_clusters_are_places_but_not_inside_their_strategy():
    found = spans("示例文字标题\n链接成渝的桥头堡,主动融入粤港澳大湾区,建设南昌都市圈和北部湾城市群,融入都市圈,"
                  "入选长三角百强县,推进京津冀协同发展。")
    for region in ("成渝", "粤港澳大湾区", "南昌都市圈", "北部湾城市群", "长三角"):
        assert found.get(region) == "Region"
    assert "都市圈" not in found and "昌都市" not in found  # no name, and no 昌都市 inside 南昌都市圈
    assert found.get("京津冀协同发展") == "Strategy" and "京津冀" not in found


def test_people_after_their_title_and_places_beside_a_sea_are_not_places():
    found = spans("示例文字标题\n县长 阿卜拉江·萨迪克\n打造滨海城市带。")
    assert not any(cls in ("River", "NaturalFeature", "City") for cls in found.values())


def test_a_capacity_or_unit_numbers_make_a_project_name():
    found = spans("示例文字标题\n青禾能源50万千瓦风电项目并网,2万吨碳纤维项目投产,建成30兆瓦光伏电站,"
                  "核电5、6号机组开工,新建220千伏输变电工程。完成3万平方米改造项目,新增3万吨产能项目。")
    for name in ("青禾能源50万千瓦风电项目", "2万吨碳纤维项目", "30兆瓦光伏电站", "核电5、6号机组"):
        assert name in found and found[name].endswith("Project")
    assert found.get("220千伏输变电工程") == "InfrastructureProject"
    assert not any(k.endswith(("改造项目", "产能项目")) for k in found)  # a size of what is done, no name


def test_companies_named_by_what_is_done_with_them_and_as_owners_of_works():
    found = spans("示例文字标题\n与华为签约,引进比亚迪、京东方,携手青禾共建产业园。德迈仕生产线扩建、利欧泵业二期等6个项目投产,"
                  "青禾化工、并盛熔盐技改等一批项目建成,江南大学东校区一期封顶。")
    for company in ("华为", "比亚迪", "京东方", "德迈仕", "利欧泵业", "并盛熔盐"):
        assert found.get(company) == "Company", company
    assert found.get("江南大学") == "University"


def test_places_common_words_and_works_of_roads_are_no_companies():
    found = spans("示例文字标题\n与上海合作,与周边县市合作,引进高层次人才,引进外资,沪昆高速改扩建开工,"
                  "智慧农业产业园一期建成,区人民医院改扩建完工。")
    assert not any(cls in ("Company", "Hospital") for cls in found.values())


def test_a_quoted_slogan_of_parallel_phrases_is_one_initiative_and_takes_a_bare_tail_only():
    found = spans("示例文字标题\n坚持“护山、兴水、强村”,开展“提速度、优服务”行动,落实“思想领先、学习在前”第一议题制度,"
                  "对接“北京、上海”。")
    assert found.get("护山、兴水、强村") == "Programme"
    assert "提速度、优服务行动" in found
    assert "第一议题制度" in found and "思想领先、学习在前第一议题制度" not in found
    assert "北京、上海" not in found


def test_numbered_policy_packages_are_policies_but_counted_lines_are_not():
    found = spans("示例文字标题\n出台实施稳经济30条、助企纾困12条等措施,推动国家、省、市稳增长一揽子政策落地。"
                  "开通地铁6条,新增航线20条。")
    for name in ("稳经济30条", "助企纾困12条", "稳增长一揽子政策"):
        assert found.get(name) == "Policy", name
    assert not any(k.endswith(("6条", "20条")) for k in found)


def test_a_county_short_name_ending_like_a_suffix_and_counted_subjects_are_not_names():
    found = spans("示例文字标题\n红旗大桥通车,红旗品牌汽车销量增长。中车长客等5家企业入选国家制造业单项冠军示范企业。")
    assert "红旗" not in found  # 红旗区's bare name read through the suffix 旗
    assert "5家企业" not in found


def test_a_congress_named_in_its_session_is_no_body_and_ministries_and_prefecture_bodies_are():
    found = spans("示例文字标题\n完成了区三届人大三次会议确定的目标。在中共青山市委和地委的领导下,外交部、农业农村部支持。")
    assert "人大" not in found
    assert found.get("中共青山市委") == "PartyCommittee" and found.get("地委") == "PartyCommittee"
    assert found.get("外交部") == "Department" and found.get("农业农村部") == "Department"


def test_a_short_noun_glued_to_a_quotation_is_part_of_its_name_but_framing_words_and_predicates_are_not():
    found = spans("示例文字标题\n推行“三岗”联动、“五步”闭环管理等机制,建强“两高”桥头堡。坚持“三实”作风,“云谷”揭牌,"
                  "成功创建“八好乡村路”示范县。")
    for name in ("三岗联动", "五步闭环管理", "两高桥头堡"):
        assert name in found, name
    assert "三实作风" not in found and "云谷揭牌" not in found
    assert found.get("八好乡村路示范县") == "Designation"  # the title the verb confers, quotation and all


def test_titles_a_verb_confers_lose_their_lead_and_tail_and_win_over_the_names_inside_them():
    found = spans("示例文字标题\n白沙县入选首批全国农业社会化服务示范县、全省首批蔬菜“菜篮子”示范县和2023年度县域商业试点县,"
                  "跻身省级美丽县城建设试点县城建议名单和“六好乡村路”全国示范县创建名单,连续三年荣获国家森林城市、"
                  "全国休闲农业重点县等荣誉称号。")
    for title in ("全国农业社会化服务示范县", "蔬菜菜篮子示范县", "县域商业试点县", "省级美丽县城建设试点县城",
                  "六好乡村路全国示范县", "国家森林城市", "全国休闲农业重点县"):
        assert found.get(title) == "Designation", title
    assert "菜篮子" not in found and "六好乡村路" not in found  # quotations inside a title are no names of their own


def test_ranked_and_level_prefixed_titles_and_a_body_that_confers():
    found = spans("示例文字标题\n县域综合实力位居西部百强县第21位、全国百强县第88位,在中国县域创新百强县排名第15位。"
                  "青石镇获评全国避暑旅游目的地、国家级绿色工业园区。城管工作获得省政府真抓实干督查激励。"
                  "“青禾空间”入选“江南品牌”。")
    for title in ("西部百强县", "全国百强县", "中国县域创新百强县", "全国避暑旅游目的地", "国家级绿色工业园区",
                  "真抓实干督查激励", "江南品牌"):
        assert found.get(title) == "Designation", title
    assert found.get("省政府") == "Government"


# What a conferring verb names without a title head or level is no title; clauses, economies of ownership and ranks
# of companies are no sectors.
@pytest.mark.parametrize("text, cls", [
    *((t, "Designation") for t in (
        "获批专项债券资金3亿元。", "获得国家级资金支持。", "获批设立青石综合保税区。", "新获批复省级美丽乡村14个。",
        "群众获得感明显增强。", "经济总量位居全省第三。", "荣获国家和省市荣誉112项。", "新申报“甘味”企业商标品牌2个。",
        "综合实力稳居国家级新区前三强。")),
    *((t, "Industry") for t in (
        "调结构稳增长、抓项目育产业。", "延伸产业链,补齐短板。", "民营经济、县域经济持续壮大。",
        "引进青禾、远拓等一批重点项目。", "引进青禾、远拓等高新技术企业。")),
])
def test_lookalikes_of_titles_and_sectors_are_neither(text, cls):
    found = spans("示例文字标题\n" + text)
    assert not [k for k, v in found.items() if v == cls], found


def test_sectors_listed_before_a_shared_head_between_etc_and_its_head_and_lists_of_economies():
    found = spans("示例文字标题\n文旅康养、现代物流产业加快发展。培育纺织服装、绿色建材为主的工业体系。"
                  "引进青禾、远拓等上规模新能源装备企业。光伏、储能千亩产业园开工。积极发展首店经济、夜间经济。"
                  "引进落地青禾智造等一批绿色食品产业项目。")
    for sector in ("文旅康养", "现代物流", "纺织服装", "绿色建材", "新能源装备", "光伏", "储能", "首店经济", "夜间经济",
                   "绿色食品"):  # 绿色食品产业: the label without the word for industry
        assert found.get(sector) == "Industry", sector
    assert found.get("千亩产业园") == "IndustrialProject"
    assert "绿色食品产业项目" not in found  # the head of a list after 等, not a project's name


def test_a_quoted_common_word_is_a_figure_of_speech_but_counted_slogans_and_policy_terms_stay():
    found = spans("示例文字标题\n织密保水“防护网”,擦亮“金字招牌”,“铁腕”整治违建,争当“优等生”。"
                  "做好“三农”工作,落实“双减”政策,推行“河长制”。")
    for figure in ("防护网", "保水防护网", "金字招牌", "铁腕", "优等生"):
        assert figure not in found, figure
    assert "三农" in found and "双减政策" in found and "河长制" in found


def test_mountains_and_reservoirs_jieba_knows_are_places_but_idioms_and_cities_named_after_mountains_are_not():
    found = spans("示例文字标题\n守好密云水库,加强雾灵山、云蒙山等自然保护区建设,新建白石水库。"
                  "把绿水青山变为金山银山,靠山吃山。马鞍山加快发展。")
    assert found.get("密云水库") == "Lake" and found.get("白石水库") == "Lake"
    assert found.get("雾灵山") == "Mountain" and found.get("云蒙山") == "Mountain"
    assert "守好密云水库" not in found
    for idiom in ("金山", "银山", "金山银山", "绿水青山", "靠山"):
        assert found.get(idiom) != "Mountain", idiom
    assert found.get("马鞍山") != "Mountain"


def test_an_award_is_named_without_the_level_that_gives_it():
    found = spans("示例文字标题\n连续三个季度获全市争先创优“先锋奖”,获省投资“赛龙舟”激励。")
    assert found.get("争先创优先锋奖") == "Designation" and found.get("投资赛龙舟激励") == "Designation"


def test_the_shore_of_a_water_is_a_place_and_superlatives_are_no_part_of_a_projects_name():
    found = spans("示例文字标题\n青鳞湖北岸完成控规调整,白沙江南岸加快开发,河岸整治完成。全省史上最大单体征收项目签约。"
                  "“引水济城”青石段环境治理与生态修复项目开工,落实“以旧换新”政策和购车补贴政策。")
    assert found.get("青鳞湖北岸") == "NaturalFeature" and found.get("白沙江南岸") == "NaturalFeature"
    assert "河岸" not in found and not any("史上" in k for k in found)
    assert "以旧换新政策" in found and not any("和购车" in k for k in found)


def test_named_events_with_their_scope_and_a_year_inside_but_meetings_of_bodies_are_not_events():
    found = spans("示例文字标题\n确保青山国际论坛2024年年会圆满举办,成功承办2024世界数字文旅大会,举办亚洲乡村发展论坛。"
                  "召开全县表彰大会,出席全国人民代表大会。")
    assert found.get("青山国际论坛2024年年会") == "Event"
    assert found.get("世界数字文旅大会") == "Event" and found.get("亚洲乡村发展论坛") == "Event"
    assert not any(k.endswith("表彰大会") or k.endswith("代表大会") for k, v in found.items() if v == "Event")


def test_works_listed_before_etc_a_science_city_and_a_system_being_built():
    found = spans("示例文字标题\n有序推进青鹭湖湿地、白沙岸线等生态工程。完成青溪湾科学城空间规划。"
                  "加强护林网格化管理体系建设。守好水库“家底”。获评全国百强新城区。")
    assert found.get("青鹭湖湿地") == "InfrastructureProject" and found.get("白沙岸线") == "InfrastructureProject"
    assert "生态工程" not in found  # the head of the list
    assert found.get("青溪湾科学城") == "DevelopmentZone"
    assert "护林网格化管理体系" in found
    assert "守好水库" not in found and "好水库" not in found
    assert "新城区" not in found  # a kind of district inside a title


def test_companies_after_a_description_keep_their_ranking_as_a_title_and_the_field_they_lead_as_a_sector():
    found = spans("示例文字标题\n签约储能领军企业青禾能源、中国民营企业500强红岭集团、世界500强企业远帆控股集团等企业。")
    for company in ("青禾能源", "远帆控股集团", "红岭集团"):
        assert found.get(company) == "Company", company
    assert found.get("世界500强企业") == "Designation" and found.get("中国民营企业500强") == "Designation"
    assert found.get("储能") == "Industry"
    assert not any(k.startswith(("强", "签约")) for k in found)
    assert spans("示例文字标题\n引进光伏领军企业青禾能源等企业。").get("光伏") == "Industry"  # not a partner company


def test_companies_by_capacity_trade_word_and_leading_province_but_no_output_words():
    found = spans("示例文字标题\n青禾12万千瓦风电、远帆3万千瓦光伏顺利并网,红岭铜业完成改制,湖南青禾集团落户,"
                  "年产8万吨涂料项目开工,装机13.5万千瓦。")
    assert found.get("青禾12万千瓦风电") == "IndustrialProject" and found.get("远帆3万千瓦光伏") == "IndustrialProject"
    for company in ("青禾", "远帆", "红岭铜业", "湖南青禾集团"):
        assert found.get(company) == "Company", company
    assert found.get("湖南") == "Province"
    assert "年产" not in found and not any(k.startswith(("5万", "5万千瓦")) for k in found)


def test_named_schools_are_organizations_but_kinds_and_counts_of_schools_are_not():
    found = spans("示例文字标题\n青石小学、白沙中学建成投用,新建公办幼儿园3所、中小学5所,改造乡镇中心小学,青石小学白沙分校开学,"
                  "共建示范性学校。")
    assert found.get("青石小学") == "School" and found.get("白沙中学") == "School"
    assert found.get("青石小学白沙分校", "").endswith("Project")
    assert not {"公办幼儿园", "中小学", "乡镇中心小学", "中心小学", "示范性学校"} & set(found)


def test_national_enterprises_by_their_short_names_as_whole_words_and_as_owners():
    found = spans("示例文字标题\n与中广核签约,推进中储粮储备库扩建项目,农发行贷款2亿元,华电集团投资建设,"
                  "推进现代化中化工园区,借东风加快发展。")
    assert found.get("中广核") == "Company" and found.get("中储粮") == "Company" and found.get("华电集团") == "Company"
    assert found.get("农发行") == "Bank" and found.get("中储粮储备库", "").endswith("Project")
    assert "中化" not in found and "东风" not in found


def test_a_named_site_is_a_place_but_kinds_of_sites_and_verbs_before_them_are_not():
    found = spans("示例文字标题\n推进青石坪遗址保护提升等项目,保护白沙遗址,建设考古遗址公园,活化工业遗址。")
    assert found.get("青石坪遗址") == "Venue"
    assert not {"保护白沙遗址", "考古遗址", "工业遗址"} & set(found)


def test_a_title_after_this_years_lead_is_named_without_it():
    found = spans("示例文字标题\n本年度获评国家级电子商务示范基地,当年获评全国文明城市。")
    assert found.get("国家级电子商务示范基地") == "Designation" and found.get("全国文明城市") == "Designation"
    assert not any(k.startswith(("本年度", "当年")) for k in found)


def test_games_festivals_and_marathons_are_events_with_their_edition_but_a_congress_session_is_not():
    found = spans("示例文字标题\n承办市第九届运动会,举办第三届青山桃花节、白沙半程马拉松,庆祝中国农民丰收节,"
                  "举办第八届中国青瓷大会,区第十八届人民代表大会召开。")
    for event in ("市第九届运动会", "第三届青山桃花节", "白沙半程马拉松", "中国农民丰收节", "中国青瓷大会"):
        assert found.get(event) == "Event", event
    assert not any("人民代表大会" in k or k.startswith("庆祝") for k in found)


def test_a_listed_project_is_named_without_the_word_for_building_it():
    found = spans("示例文字标题\n推进区档案馆建设、白沙古窑修复等项目。")
    assert found.get("区档案馆", "").endswith("Project") and "区档案馆建设" not in found


def test_real_estate_between_etc_and_projects_is_a_sector():
    found = spans("示例文字标题\n青山壹号、白沙雅苑等房地产项目交付使用。")
    assert found.get("房地产") == "Industry" and found.get("青山壹号", "").endswith("Project")


def test_a_county_name_jieba_reads_as_a_verb_is_a_place_when_listed_with_a_city_of_its_region():
    home = _places("政府工作报告\n——2024年1月5日在安平县第十八届人民代表大会第三次会议上\n支援辛集、衡水两地抗洪救灾。")
    assert home.get("辛集") == "130181"
    away = _places("政府工作报告\n——2024年1月5日在安化县第十八届人民代表大会第三次会议上\n推进成都、富民合作。")
    assert "530124" not in away.values()  # 富民县 is in 云南, not in 湖南, and 成都 is no parent of it: no evidence


def test_standing_commissions_are_bodies_in_quotes_and_with_their_level():
    found = spans("示例文字标题\n发挥“社工委”“爱卫会”作用,区政法委牵头,县安委会部署。")
    assert found.get("社工委") == "PartyCommittee" and found.get("爱卫会") == "Government"
    assert found.get("区政法委") == "PartyCommittee" and found.get("县安委会") == "Government"


def test_a_quoted_streak_is_no_initiative():
    found = spans("示例文字标题\n油菜生产保持“八连增”,外贸实现“5连涨”,深入开展“清源行动”。")
    assert not any("连增" in k or "连涨" in k for k in found) and "清源行动" in found


def test_an_institution_that_owns_works_keeps_its_class():
    found = spans("示例文字标题\n县中医院改扩建完工。")
    assert found.get("县中医院") == "Hospital"


def test_the_kind_of_counted_projects_or_companies_is_a_sector_without_its_scale():
    found = spans("示例文字标题\n新建分散式12.4万千瓦光伏项目6个,规上食品加工企业增至85家,实施重点产业项目12个,"
                  "培育规上企业12家,风电总装机达到40万千瓦。")
    assert found.get("光伏") == "Industry" and found.get("食品加工") == "Industry"
    assert found.get("风电") == "Industry"
    assert not {"重点产业", "规上", "产业"} & set(found)


def test_a_work_verb_right_before_project_is_part_of_its_name_but_a_bare_counted_one_is_not():
    found = spans("示例文字标题\n白沙尾矿利用项目全面投产,推进青山矿区生态修复项目,实施改造项目12个。")
    assert found.get("白沙尾矿利用项目", "").endswith("Project") and "青山矿区生态修复项目" in found
    assert "改造项目" not in found


def test_pairing_programmes_by_two_provinces_and_designated_assistance_by_who_gives_it():
    found = spans("示例文字标题\n深化沪滇协作和中央单位定点帮扶,推动闽宁协作,推进区域协作,开展结对帮扶。")
    for name in ("沪滇协作", "中央单位定点帮扶", "闽宁协作"):
        assert found.get(name) == "Programme", name
    assert "区域协作" not in found and "结对帮扶" not in found


def test_named_battles_and_policy_packages_are_initiatives_without_the_month_before_them():
    found = spans("示例文字标题\n坚决打好防汛救灾阻击战,成功打赢3月份疫情阻击战,打好污染防治攻坚战,出台稳就业促消费政策措施。")
    assert found.get("防汛救灾阻击战") == "Campaign" and found.get("污染防治攻坚战") == "Campaign"
    assert found.get("疫情阻击战") == "Campaign" and found.get("稳就业促消费政策措施") == "Policy"
    assert not any(k.startswith("月份") for k in found)
    assert "重大政策措施" not in spans("示例文字标题\n落实重大政策措施获省政府督查激励。")


def test_a_reserve_depot_with_its_owner_and_capacity_is_a_project():
    found = spans("示例文字标题\n新建中储粮5万吨油脂储备库。")
    assert found.get("中储粮5万吨油脂储备库", "").endswith("Project") and found.get("中储粮") == "Company"


def test_acting_in_a_manner_is_no_named_campaign():
    found = spans("示例文字标题\n迅速行动,有效应对;开展清风行动。")
    assert "迅速行动" not in found and found.get("清风行动") == "Campaign"


def test_the_kind_of_power_after_a_capacity_is_the_projects_sector():
    found = spans("示例文字标题\n青禾12万千瓦风电、远帆3万千瓦光伏顺利并网。")
    assert found.get("风电") == "Industry" and found.get("光伏") == "Industry"


def test_an_internet_hospital_is_a_system_built_not_a_hospital():
    found = spans("示例文字标题\n开发“青禾医”互联网医院,建成白沙互联网医院。")
    assert found.get("青禾医互联网医院") == "InformationSystem" and found.get("白沙互联网医院") == "InformationSystem"


def test_quoted_states_figures_and_difficulties_are_no_initiatives():
    found = spans("示例文字标题\n呈现“稳中有进、进中提质”的良好态势,谱写了一曲“奋进之歌”,交出一份“满意答卷”,破解“融资难”,"
                  "开展“清源行动”。")
    assert set(found) & {"稳中有进、进中提质", "奋进之歌", "满意答卷", "融资难"} == set()
    assert found.get("清源行动") == "Campaign"
