"""Relations: status and year of facts, the sentence patterns on small hand-made texts (entities given, so the
tests do not depend on the extractor), the gazetteer hierarchy, provenance in RDF, and the seed against its gold."""
from __future__ import annotations

import json

import pytest

from graph.corpus import document_from_text, document_metadata, reported_event
from graph.relations import (entities_named, extract_relations, fact_context, home_place, pattern_relations,
                             score_relations)

from conftest import ROOT, SEED, SHARED, run_policykg

HOME = {"华容区": ("District", "420703")}


def _doc(body: str, name: str = "report-2023-12-26.txt"):
    """A report whose own district (华容区) is named twice in its opening line, then the body."""
    return document_from_text("华容区工作报告\n日期:2023-12-26\n华容区全面推进各项工作,华容区成效明显。\n" + body, name)


def _triples(body: str, names: dict, doc=None) -> set[tuple[str, str, str]]:
    doc = doc or _doc(body)
    ents = entities_named(doc, {**HOME, **names})
    labels = {e.key: e.label for e in ents}
    return {(labels[r.subject], r.predicate, labels[r.object]) for r in pattern_relations(doc, ents)}


# ---------------------------------------------------------------- status and year

SECTIONED = ("示例区工作报告\n日期:2024-01-05\n2023年工作回顾\n青石镇建成滨河大道。青石镇正在推进东环路建设。\n"
             "2024年工作安排\n青石镇建成西环路。\n")


@pytest.mark.parametrize("phrase, status, year", [
    ("建成滨河大道", "completed", 2023),
    ("正在推进东环路", "ongoing", 2023),
    ("建成西环路", "planned", 2024),
])
def test_status_and_year_come_from_section_and_verb_cues(phrase, status, year):
    doc = document_from_text(SECTIONED, "sample-2024-01-05.txt")
    i = doc.text.index(phrase)
    assert fact_context(doc, i, i + len(phrase)) == (status, year)


def test_status_from_cues_without_sections():
    doc = document_from_text("青石镇即将完成滨河大道。青石镇将建设东环路。青石镇建成西环路。", "news.txt")
    got = [fact_context(doc, doc.text.index(p), doc.text.index(p) + 2)[0] for p in ("即将", "将建", "建成西")]
    assert got == ["ongoing", "planned", "completed"]


def test_a_year_named_before_the_fact_wins_but_a_comparison_year_does_not():
    doc = document_from_text("示例报告\n2023年工作回顾\n入选2022年全省示范区。产值是2015年的2倍。\n", "r-2024-01-05.txt")
    a = doc.text.index("全省")
    b = doc.text.index("2倍")
    assert fact_context(doc, a, a + 2)[1] == 2022
    assert fact_context(doc, b, b + 2)[1] == 2023


# ---------------------------------------------------------------- patterns

T, D, C, P = "Town", "Designation", "Company", "InfrastructureProject"
PATTERN_CASES = {
    "leads": ("在市委坚强领导下,华容区委紧紧围绕中心工作。",
              {"市委": "PartyCommittee", "华容区委": "PartyCommittee"}, {("市委", "leads", "华容区委")}),
    "leads-subjectless": ("在区委的正确领导下,全面完成各项任务。", {"区委": "PartyCommittee"},
                          {("区委", "leads", "华容区")}),
    "recognized-list-and-subjectless": (
        "庙岭镇、华容镇连续三年入选“全国综合实力千强镇”。入选首批全国自然资源节约集约示范区。",
        {"庙岭镇": T, "华容镇": T, "全国综合实力千强镇": D, "全国自然资源节约集约示范区": D},
        {("庙岭镇", "recognizedAs", "全国综合实力千强镇"), ("华容镇", "recognizedAs", "全国综合实力千强镇"),
         ("华容区", "recognizedAs", "全国自然资源节约集约示范区")}),
    "recognized-topic-not-example": (
        "青岛开发区,万达光电等30个项目投产,获评国家级开发区最佳实践园区。",
        {"青岛开发区": "DevelopmentZone", "万达光电": C, "国家级开发区最佳实践园区": D},
        {("青岛开发区", "recognizedAs", "国家级开发区最佳实践园区")}),
    "cooperates": ("与武汉及光谷签订教育、文旅合作协议。联合葛店经开区成功申报示范园区。",
                   {"武汉": "City", "光谷": "DevelopmentZone", "葛店经开区": "DevelopmentZone"},
                   {("华容区", "cooperatesWith", "武汉"), ("华容区", "cooperatesWith", "光谷"),
                    ("华容区", "cooperatesWith", "葛店经开区")}),
    "connects": ("东湖高新359路公交延伸至庙岭。连通庙岭与蒲团的高新七路通车。",
                 {"东湖高新359路公交": P, "庙岭": T, "蒲团": "Township", "高新七路": P},
                 {("东湖高新359路公交", "connects", "庙岭"), ("高新七路", "connects", "庙岭"),
                  ("高新七路", "connects", "蒲团")}),
    "located": ("银商云数据中心等十余家企业落户。在青石镇建设滨河大道。武汉新城展示中心建成投用。武汉新城加速起势。",
                {"银商云数据中心": C, "青石镇": T, "滨河大道": P, "武汉新城展示中心": "PublicServiceProject",
                 "武汉新城": "DevelopmentZone"},
                {("银商云数据中心", "locatedIn", "华容区"), ("滨河大道", "locatedIn", "青石镇"),
                 ("武汉新城展示中心", "locatedIn", "武汉新城")}),
    "implements": ("扎实推进华容镇、庙岭镇村改社区工作。深化商事制度改革。",
                   {"华容镇": T, "庙岭镇": T, "村改社区工作": "Programme", "商事制度改革": "Reform"},
                   {("华容镇", "implements", "村改社区工作"), ("庙岭镇", "implements", "村改社区工作"),
                    ("华容区", "implements", "商事制度改革")}),
    "contributes": ("华容区委紧紧围绕服务融入武汉新城等战略。", {"华容区委": "PartyCommittee", "武汉新城": "DevelopmentZone"},
                    {("华容区委", "contributesTo", "武汉新城")}),
    "sectors": ("围绕现代产业体系,重点打造光电子信息、智能制造等产业集群。引入恒盛通、诺思特等上规模电子信息企业。",
                {"现代产业体系": "Programme", "光电子信息": "Industry", "智能制造": "Industry", "恒盛通": C,
                 "诺思特": C, "电子信息": "Industry"},
                {("光电子信息", "partOf", "现代产业体系"), ("智能制造", "partOf", "现代产业体系"),
                 ("恒盛通", "inSector", "电子信息"), ("诺思特", "inSector", "电子信息")}),
}


@pytest.mark.parametrize("case", PATTERN_CASES, ids=list(PATTERN_CASES))
def test_pattern_finds_the_stated_relations(case):
    body, names, expected = PATTERN_CASES[case]
    got = _triples(body, {k: (v, None) for k, v in names.items()})
    assert expected <= got


NEGATIVE_CASES = {
    "place-qualifying-the-subject": ("青山土布入选全国“一县一品”典型案例。", {"青山": T, "一县一品": D}),
    "example-of-a-counted-set": ("青岛开发区,万达光电等30个项目投产,获评国家级开发区最佳实践园区。",
                                 {"青岛开发区": "DevelopmentZone", "万达光电": C, "国家级开发区最佳实践园区": D}),
    "no-cue-and-united-nations": ("推动港口与城区有机衔接。联合国首批协作中心获批。", {"城区": "District", "协作中心": C}),
    "place-opening-an-initiative": ("深入贯彻实施长江经济带发展战略。", {"长江经济带发展战略": "Strategy", "长江": "River"}),
}
WRONG = {("青山", "recognizedAs", "一县一品"), ("万达光电", "recognizedAs", "国家级开发区最佳实践园区"),
         ("华容区", "cooperatesWith", "城区"), ("华容区", "cooperatesWith", "协作中心"),
         ("长江", "implements", "长江经济带发展战略")}


@pytest.mark.parametrize("case", NEGATIVE_CASES, ids=list(NEGATIVE_CASES))
def test_pattern_does_not_misread(case):
    body, names = NEGATIVE_CASES[case]
    got = _triples(body, {k: (v, None) for k, v in names.items()})
    assert not got & WRONG


def test_every_relation_cites_its_sentence_rule_status_and_year():
    doc = _doc("2023年,与省农科院签订战略合作协议。")
    ents = entities_named(doc, {**HOME, "省农科院": ("ResearchInstitute", None)})
    [r] = [r for r in pattern_relations(doc, ents) if r.predicate == "cooperatesWith"]
    assert doc.text[r.start:r.end] == r.evidence and "省农科院" in r.evidence
    assert r.rule.startswith("pattern:") and 0 < r.confidence <= 1
    assert (r.status, r.year) == ("completed", 2023)


# ---------------------------------------------------------------- the report's own place and the hierarchy

def test_home_place_is_the_most_named_county_and_none_for_a_single_mention():
    doc = _doc("庙岭镇入选示范镇。")
    ents = entities_named(doc, {**HOME, "庙岭镇": ("Town", "420703102")})
    assert home_place(ents).label == "华容区"
    once = document_from_text("华容区入选示范区。", "x.txt")
    assert home_place(entities_named(once, HOME)) is None


def test_gazetteer_partof_chain_adds_the_missing_ancestors():
    doc = _doc("庙岭镇入选示范镇。")
    ents = entities_named(doc, {**HOME, "庙岭镇": ("Town", "420703102")})
    before = {e.key for e in ents}
    rels = extract_relations(doc, ents)
    labels = {e.key: e.label for e in ents}
    chain = {(labels[r.subject], labels[r.object]) for r in rels if r.rule == "gazetteer"}
    assert {("庙岭镇", "华容区"), ("华容区", "鄂州市"), ("鄂州市", "湖北省")} <= chain
    added = [e for e in ents if e.key not in before]
    assert {e.code for e in added} == {"420700", "420000"} and all(not e.mentions for e in added)
    assert all(r.predicate == "partOf" for r in rels if r.rule == "gazetteer")


# ---------------------------------------------------------------- the document and the event it reports

def test_reported_event_name_date_and_venue():
    text = "标题\n日期:2023-12-26\n12月21日上午,中国共产党华容区第九次代表大会第三次全体会议在区图书馆报告厅举行。\n"
    ev = reported_event(text, "2023-12-26")
    assert (ev.name, ev.date, ev.venue) == ("中国共产党华容区第九次代表大会第三次全体会议", "2023-12-21", "区图书馆报告厅")
    assert document_metadata(text)["event"] == ev.name


def test_reported_event_of_a_government_work_report_header_over_two_lines():
    ev = reported_event("政府工作报告\n2023年2月10日在三门县\n第十七届人民代表大会第二次会议上\n")
    assert (ev.name, ev.date, ev.venue) == ("三门县第十七届人民代表大会第二次会议", "2023-02-10", "")


def test_seed_event_in_rdf_has_date_and_venue(seed_dataset):
    rows = list(seed_dataset.query("""SELECT ?name ?date ?venue WHERE { ?d a pk:Document ; schema:about ?e .
        ?e a schema:Event ; schema:name ?name ; schema:startDate ?date ; schema:location ?venue }"""))
    assert [(str(n), str(d), str(v)) for n, d, v in rows] == [
        ("中国共产党华容区第九次代表大会第三次全体会议", "2023-12-21", "区图书馆报告厅")]


# ---------------------------------------------------------------- provenance in RDF

def test_seed_relations_are_asserted_plainly_and_with_evidence(seed_dataset):
    rows = list(seed_dataset.query("""SELECT ?s ?o ?ev ?start ?end ?rule ?conf WHERE {
        ?s pk:recognizedAs ?o .
        ?f rdf:subject ?s ; rdf:predicate pk:recognizedAs ; rdf:object ?o ; pk:evidence ?ev ;
           pk:start ?start ; pk:end ?end ; pk:method ?rule ; pk:confidence ?conf ; pk:inDocument ?d . }"""))
    assert len(rows) >= 3
    assert all(int(r[4]) > int(r[3]) and str(r[5]).startswith("pattern:") and 0 < float(r[6]) <= 1 for r in rows)


def test_seed_gazetteer_chain_reaches_the_province(seed_dataset):
    rows = list(seed_dataset.query("""SELECT ?code WHERE { ?t pk:divisionCode "420703102" ; pk:partOf+ ?p .
        ?p pk:divisionCode ?code }"""))
    assert {"420703", "420700", "420000"} <= {str(r[0]) for r in rows}


# ---------------------------------------------------------------- the seed against its gold

GOLD = SHARED / "eval" / "seed" / "huarong-2023-12-26.relations.json"


@pytest.mark.skipif(not GOLD.exists(), reason="needs the shared relation gold")
def test_seed_relations_meet_the_recall_and_precision_floors():
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from relations_eval import load_judged, score_file

    _, s = score_file(GOLD, load_judged())
    # recall over the gold relations whose two ends the extractor found (missing entities are the extractor's)
    # reset to what the completed gold (101 relations) measures: reachable recall 0.523, recall 0.455; issue 15's
    # entity rules made 3 more gold relations reachable (quoted slogans) and found one more: 0.516 and 0.465
    assert s.reachable_recall >= 0.51, (s.missed, s.unreachable)
    assert s.recall >= 0.45, s.unreachable
    judged = len(s.correct) + len(s.wrong)
    assert len(s.correct) / judged >= 0.85, s.wrong
    # new relations (after extractor changes) need judging in bench/relations_judged.tsv
    assert judged / (judged + len(s.unjudged)) >= 0.7, s.unjudged


def test_score_relations_matches_by_label_alias_and_symmetry():
    doc = _doc("与省农科院签订战略合作协议。")
    ents = entities_named(doc, {**HOME, "省农科院": ("ResearchInstitute", None)})
    rels = pattern_relations(doc, ents)
    gold = [{"subject": "省农科院", "predicate": "cooperatesWith", "object": "华容"},
            {"subject": "华容区", "predicate": "leads", "object": "省农科院"}]
    s = score_relations(ents, rels, gold, {"华容": ["华容区"]}, {})
    assert s.found == [("省农科院", "cooperatesWith", "华容")] and s.missed == [("华容区", "leads", "省农科院")]
    assert s.recall == 0.5 and s.unjudged == [] and s.precision == 1.0


def test_relations_in_extract_json_have_status_and_rule():
    r = run_policykg("extract", str(SEED), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    typed = [x for x in data[0]["relations"] if x["predicate"] != "relatedTo"]
    assert {"recognizedAs", "partOf", "locatedIn", "cooperatesWith", "leads"} <= {x["predicate"] for x in typed}
    assert all(x["rule"] and x["evidence"] for x in typed if x["rule"] != "gazetteer")
    assert {"completed", "planned"} <= {x["status"] for x in typed}
