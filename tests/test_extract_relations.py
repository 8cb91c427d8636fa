"""Relations: status and year of facts, the sentence patterns on small hand-made texts (entities given, so the
tests do not depend on the extractor), the gazetteer hierarchy, provenance in RDF, and the seed against its gold."""
from __future__ import annotations

import json

import pytest

from graph.extract.relations import (
    entities_named,
    extract_relations,
    fact_context,
    home_place,
    pattern_relations,
    score_relations,
)
from graph.text.segment import document_from_text, document_metadata, reported_event

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


# ---------------------------------------------------------------- the ways reports say them (issue 15)

G, I, R, S, Z, U = "Government", "Initiative", "Designation", "Industry", "DevelopmentZone", "University"
SAYINGS = {
    "implements-by-verb": ("坚持“两山”理念,聚焦“三个强县”目标,狠抓“百日攻坚”行动。",
                           {"“两山”理念": I, "“三个强县”": I, "“百日攻坚”行动": "Campaign"},
                           {("华容区", "implements", "“两山”理念"), ("华容区", "implements", "“三个强县”"),
                            ("华容区", "implements", "“百日攻坚”行动")}),
    "implements-issuer-between": ("全面落实省委“五大行动”部署和市委“三城同创”决策。",
                                  {"五大行动": I, "三城同创": I, "省委": "PartyCommittee", "市委": "PartyCommittee"},
                                  {("华容区", "implements", "五大行动"), ("华容区", "implements", "三城同创")}),
    "implements-verb-chain": ("出台实施“稳经济十条”、“助企纾困八条”等措施。", {"稳经济十条": "Policy", "助企纾困八条": "Policy"},
                              {("华容区", "implements", "稳经济十条"), ("华容区", "implements", "助企纾困八条")}),
    "implements-as-the-thread": ("以乡村振兴为抓手,以“数字政府”改革为牵引,推动高质量发展。",
                                 {"乡村振兴": "Strategy", "“数字政府”改革": "Reform"},
                                 {("华容区", "implements", "乡村振兴"), ("华容区", "implements", "“数字政府”改革")}),
    "implements-after-adverbs-of-manner": ("常态化开展“清源行动”,率先全省完成“三网合一”工作。锚定“五个新高地”目标。",
                                           {"清源行动": "Campaign", "三网合一": I, "五个新高地": I},
                                           {("华容区", "implements", "清源行动"), ("华容区", "implements", "三网合一"),
                                            ("华容区", "implements", "五个新高地")}),
    "implements-verb-inside-the-thread": ("以深入开展“强基提质”行动为动力,推动高质量发展。", {"“强基提质”行动": "Campaign"},
                                          {("华容区", "implements", "“强基提质”行动")}),
    "implements-taken-up-as-a-task": ("把打造“生态屏障”作为头等大事,重塑“平急结合”指挥体系。",
                                      {"生态屏障": I, "“平急结合”指挥体系": "Mechanism"},
                                      {("华容区", "implements", "生态屏障"), ("华容区", "implements", "“平急结合”指挥体系")}),
    "implements-a-system-built": ("新建成高标准农田3万亩,建成社会救助保障体系。",
                                  {"高标准农田": I, "社会救助保障体系": "Programme"},
                                  {("华容区", "implements", "高标准农田"), ("华容区", "implements", "社会救助保障体系")}),
    "implements-initiative-making-progress": ("二是“放管服”改革扎实推进,营商环境持续优化。", {"“放管服”改革": "Reform"},
                                              {("华容区", "implements", "“放管服”改革")}),
    "implements-after-a-project-clause": ("加快滨河大道建设,持续开展“清河行动”。",
                                          {"滨河大道": "InfrastructureProject", "清河行动": "Campaign"},
                                          {("华容区", "implements", "清河行动")}),
    "implements-first-verb-of-the-clause": ("全面落实省委“五大行动”和市委加快建设“两区一枢纽”决策。",
                                            {"五大行动": I, "两区一枢纽": I, "省委": "PartyCommittee", "市委": "PartyCommittee"},
                                            {("华容区", "implements", "两区一枢纽")}),
    "implements-subject-named": ("区政府坚持以“三治融合”为主线,深入实施“强基工程”。",
                                 {"区政府": G, "三治融合": I, "强基工程": "Programme"},
                                 {("区政府", "implements", "三治融合"), ("区政府", "implements", "强基工程")}),
    "recognized-list": ("青石镇获批国家级生态乡镇、全省森林小镇。", {"青石镇": T, "国家级生态乡镇": R, "全省森林小镇": R},
                        {("青石镇", "recognizedAs", "国家级生态乡镇"), ("青石镇", "recognizedAs", "全省森林小镇")}),
    "recognized-other-verbs": ("青石镇通过国家卫生镇验收,被命名为省级生态镇。白沙镇成功创建全国文明村镇。",
                               {"青石镇": T, "白沙镇": T, "国家卫生镇": R, "省级生态镇": R, "全国文明村镇": R},
                               {("青石镇", "recognizedAs", "国家卫生镇"), ("青石镇", "recognizedAs", "省级生态镇"),
                                ("白沙镇", "recognizedAs", "全国文明村镇")}),
    "recognized-respectively": ("青石镇、白沙镇分别入选全国农业产业强镇、全国乡村治理示范镇。",
                                {"青石镇": T, "白沙镇": T, "全国农业产业强镇": R, "全国乡村治理示范镇": R},
                                {("青石镇", "recognizedAs", "全国农业产业强镇"),
                                 ("白沙镇", "recognizedAs", "全国乡村治理示范镇")}),
    "recognized-ranking": ("县域综合实力位居全国百强区第45位、中部百强区第12位。在全国投资潜力百强区排名第20位。",
                           {"全国百强区": R, "中部百强区": R, "全国投资潜力百强区": R},
                           {("华容区", "recognizedAs", "全国百强区"), ("华容区", "recognizedAs", "中部百强区"),
                            ("华容区", "recognizedAs", "全国投资潜力百强区")}),
    "recognized-award-counted": ("荣获省科技进步奖3项。", {"省科技进步奖": "Award"},
                                 {("华容区", "recognizedAs", "省科技进步奖")}),
    "leads-every-body-past-the-supervisors": (
        "在省委省政府、市委市政府和区委的坚强领导下,在区人大、区政协的监督支持下,区政府团结带领全区人民砥砺奋进。",
        {"省委": "PartyCommittee", "省政府": G, "市委": "PartyCommittee", "市政府": G, "区委": "PartyCommittee",
         "区人大": "PeoplesCongress", "区政协": "CPPCC", "区政府": G},
        {("省委", "leads", "区政府"), ("省政府", "leads", "区政府"), ("市委", "leads", "区政府"),
         ("市政府", "leads", "区政府"), ("区委", "leads", "区政府")}),
    "leads-we-the-place": ("我们坚持稳中求进,在市委、市政府和区委的坚强领导下,较好完成了各项任务。",
                           {"市委": "PartyCommittee", "市政府": G, "区委": "PartyCommittee"},
                           {("市委", "leads", "华容区"), ("市政府", "leads", "华容区"), ("区委", "leads", "华容区")}),
    "located-introduced": ("引进宏达新材料、华泰电子等企业。", {"宏达新材料": C, "华泰电子": C},
                           {("宏达新材料", "locatedIn", "华容区"), ("华泰电子", "locatedIn", "华容区")}),
    "located-topic-zone": ("青石工业园,宏达新材料等5个项目开工,远航光伏项目投产。",
                           {"青石工业园": Z, "宏达新材料": "IndustrialProject", "远航光伏项目": "IndustrialProject"},
                           {("宏达新材料", "locatedIn", "青石工业园"), ("远航光伏项目", "locatedIn", "青石工业园")}),
    "located-place-inside-a-name": ("青石镇推进美丽乡村建设。青石镇商会成立,华容宾馆完成改造。",
                                    {"青石镇": T, "青石镇商会": "IndustryAssociation", "华容宾馆": "PublicServiceProject"},
                                    {("青石镇商会", "locatedIn", "青石镇"), ("华容宾馆", "locatedIn", "华容区")}),
    "located-in-the-zone-named-right-before": ("青石经开区白沙半导体项目投产。",
                                               {"青石经开区": Z, "白沙半导体项目": "IndustrialProject"},
                                               {("白沙半导体项目", "locatedIn", "青石经开区")}),
    "sector-listed-before-a-project": ("集成电路、生物医药千亩产业园加快建设。",
                                       {"集成电路": S, "生物医药": S, "千亩产业园": "IndustrialProject"},
                                       {("千亩产业园", "inSector", "集成电路"), ("千亩产业园", "inSector", "生物医药")}),
    "sector-heading": ("新能源产业加快发展,引进星辰储能、晶耀光电等企业,远航光伏项目投产。",
                       {"新能源": S, "星辰储能": C, "晶耀光电": C, "远航光伏项目": "IndustrialProject"},
                       {("星辰储能", "inSector", "新能源"), ("晶耀光电", "inSector", "新能源"),
                        ("远航光伏项目", "inSector", "新能源")}),
    "sector-between-etc-and-projects": ("青山壹号、白沙雅苑等房地产项目交付使用。",
                                        {"青山壹号": "IndustrialProject", "白沙雅苑": "IndustrialProject", "房地产": S},
                                        {("青山壹号", "inSector", "房地产"), ("白沙雅苑", "inSector", "房地产")}),
    "sector-inside-a-name": ("新能源装机规模扩大。青石新能源产业园开工。", {"新能源": S, "青石新能源产业园": "IndustrialProject"},
                             {("青石新能源产业园", "inSector", "新能源")}),
    "cooperates-list-and-docking": ("与北方大学、省农科院签约共建研发中心。与青石集团深度对接。",
                                    {"北方大学": U, "省农科院": "ResearchInstitute", "青石集团": C},
                                    {("华容区", "cooperatesWith", "北方大学"), ("华容区", "cooperatesWith", "省农科院"),
                                     ("华容区", "cooperatesWith", "青石集团")}),
    "contributes": ("助力长江经济带发展。为“十五五”良好开局打牢基础。",
                    {"长江经济带发展": "Strategy", "十五五": "Plan"},
                    {("华容区", "contributesTo", "长江经济带发展"), ("华容区", "contributesTo", "十五五")}),
}


@pytest.mark.parametrize("case", SAYINGS, ids=list(SAYINGS))
def test_each_way_of_saying_a_relation_is_read(case):
    body, names, expected = SAYINGS[case]
    got = _triples(body, {k: (v, None) for k, v in names.items()})
    assert expected <= got, expected - got


MISREADINGS = {
    "counted-titles-are-not-the-subject's": ("创成省级绿色港口4个。", {"省级绿色港口": R},
                                             {("华容区", "recognizedAs", "省级绿色港口")}),
    "a-plan-is-not-recognised": ("“十四五”规划开局良好,荣获全国文明城区称号。", {"十四五规划": "Plan", "全国文明城区": R},
                                 {("十四五规划", "recognizedAs", "全国文明城区")}),
    "our-district's-model-is-the-subject": ("我区殡葬改革模式入选全国优秀案例。", {"全国优秀案例": R},
                                            {("华容区", "recognizedAs", "全国优秀案例")}),
    "respectively-is-not-crossed": ("青石镇、白沙镇分别入选全国农业产业强镇、全国乡村治理示范镇。",
                                    {"青石镇": T, "白沙镇": T, "全国农业产业强镇": R, "全国乡村治理示范镇": R},
                                    {("青石镇", "recognizedAs", "全国乡村治理示范镇"),
                                     ("白沙镇", "recognizedAs", "全国农业产业强镇")}),
    "a-ranking-verb-needs-a-rank": ("经济总量位居全国百强区方阵。", {"全国百强区": R},
                                    {("华容区", "recognizedAs", "全国百强区")}),
    "a-city-names-its-own-policy": ("上海市城市更新大会在此召开。", {"上海市": "City", "城市更新": "Programme"},
                                    {("上海市", "implements", "城市更新")}),
    "a-contribution-is-not-implementing": ("深入推进服务融入“一带一路”建设。", {"一带一路": "Strategy"},
                                           {("华容区", "implements", "一带一路")}),
    "a-project-clause-does-not-implement": ("加快滨河大道建设,持续开展“清河行动”。",
                                            {"滨河大道": "InfrastructureProject", "清河行动": "Campaign"},
                                            {("滨河大道", "implements", "清河行动")}),
    "a-verb-phrase-is-not-a-name": ("提升华容老街风貌。", {"提升华容老街": "PublicServiceProject"},
                                    {("提升华容老街", "locatedIn", "华容区")}),
    "a-park-hosting-companies-does-not-settle": ("青石工业园3万平方米标房入驻企业20家。", {"青石工业园": "IndustrialProject"},
                                                 {("青石工业园", "locatedIn", "华容区")}),
    "a-park-being-built-is-no-place-to-be-in": ("青石产业园白沙半导体项目投产。",
                                                {"青石产业园": "IndustrialProject", "白沙半导体项目": "IndustrialProject"},
                                                {("白沙半导体项目", "locatedIn", "青石产业园")}),
    "counted-projects-settle-not-their-centre": ("青石创新中心首批10个项目落地。", {"青石创新中心": "ResearchInstitute"},
                                                 {("青石创新中心", "locatedIn", "华容区")}),
    "a-link-between-two-places": ("武汉—鄂州合作示范基地揭牌。武汉、鄂州携手发展。",
                                  {"武汉": "City", "鄂州": "City", "武汉—鄂州合作示范基地": "IndustrialProject"},
                                  {("武汉—鄂州合作示范基地", "locatedIn", "武汉"), ("武汉—鄂州合作示范基地", "locatedIn", "鄂州")}),
    "a-zone-named-after-a-city-may-reach-beyond-it": ("武汉新城加快建设。武汉加快发展。", {"武汉新城": Z, "武汉": "City"},
                                                    {("武汉新城", "locatedIn", "武汉")}),
    "a-sector's-own-zone-is-not-in-it": ("航空经济加快发展。航空经济区扩区。", {"航空经济": S, "航空经济区": Z},
                                         {("航空经济区", "inSector", "航空经济")}),
    "an-initiative-naming-a-meeting": ("深入落实在推进中部崛起座谈会上的讲话精神。", {"中部崛起": "Strategy"},
                                       {("华容区", "implements", "中部崛起")}),
    "with-and-no-cooperation-cue": ("与青石集团相比,我区营收增长更快。", {"青石集团": C},
                                    {("华容区", "cooperatesWith", "青石集团")}),
}


@pytest.mark.parametrize("case", MISREADINGS, ids=list(MISREADINGS))
def test_lookalikes_give_no_relation(case):
    body, names, wrong = MISREADINGS[case]
    got = _triples(body, {k: (v, None) for k, v in names.items()})
    assert not got & wrong, got & wrong


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
    # raised with the rules of issue 15 to what they measure less a margin: reachable recall 0.864, recall 0.752,
    # judged precision 1.000 (were 0.523, 0.455, 0.85)
    assert s.reachable_recall >= 0.84, (s.missed, s.unreachable)
    assert s.recall >= 0.73, s.unreachable
    judged = len(s.correct) + len(s.wrong)
    assert len(s.correct) / judged >= 0.95, s.wrong
    # new relations (after extractor changes) need judging in bench/relations_judged.tsv
    assert judged / (judged + len(s.unjudged)) >= 0.7, s.unjudged


@pytest.mark.skipif(not (SHARED / "eval" / "dev").is_dir(), reason="../shared/eval/dev is not beside the checkout")
def test_dev_relations_meet_the_precision_and_recall_floors():
    # typed relations over every dev text with relation gold, scored as `policykg eval` scores them; floors at
    # what the rules of issue 15 measure (first round P 0.794, R 0.427 on 288 gold relations, 120 of them with an
    # end the extractor does not find; second round P 0.883, R 0.632, 57 unreachable) less a margin
    r = run_policykg("eval", str(SHARED / "eval" / "dev"), "--format", "json", "--no-errors")
    assert r.returncode == 0, r.stderr
    total = next(row for row in json.loads(r.stdout) if row["scored"] == "relation" and row["type"] == "ALL")
    assert float(total["P"]) >= 0.85 and float(total["R"]) >= 0.60, total


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


def test_companies_settle_in_the_park_named_before_and_a_zone_opening_with_its_province_is_in_both():
    from graph.extract.pipeline import document_record, process_document

    text = ("华容区人民政府工作报告\n华容区全面推进各项工作,华容区成效明显。湖北华容临港产业园区加快建设,"
            "引进世界500强企业远帆控股集团、光伏领军企业华泰驱动等企业入驻园区。青石小学白沙分校建成投用。"
            "推进区档案馆建设、青石坪遗址修缮等项目。青禾12万千瓦风电顺利并网。"
            "白沙岛生态修复工程项目完工,青山港自动化码头三期开工。")
    rec = document_record(process_document(document_from_text(text, "r.txt")))
    got = {(r["subject"], r["predicate"], r["object"]) for r in rec["relations"]}
    zone = "湖北华容临港产业园区"
    want = {("远帆控股集团", "locatedIn", zone), ("华泰驱动", "locatedIn", zone), (zone, "locatedIn", "华容区"),
            (zone, "locatedIn", "湖北"), ("远帆控股集团", "recognizedAs", "世界500强企业"),
            ("华泰驱动", "inSector", "光伏"), ("青石小学白沙分校", "partOf", "青石小学"),
            ("青石坪遗址修缮", "locatedIn", "青石坪遗址"), ("青禾12万千瓦风电", "inSector", "风电"),
            ("白沙岛生态修复工程项目", "locatedIn", "白沙岛"), ("青山港自动化码头三期", "locatedIn", "青山港")}
    assert want <= got, want - got
