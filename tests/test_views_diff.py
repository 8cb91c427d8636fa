"""Diff of two graphs: entities and relations added and removed, reclassified entities, and what became of OLD's
planned items in NEW (completed, ongoing, still planned, not mentioned)."""
from __future__ import annotations

import json

from rdflib import Graph, Literal

from graph.views.diff import diff_graphs, entity_statuses
from ontology import ID, PK

from conftest import run_policykg
from test_views_analytics import sample_graph


def set_status(g: Graph, key: str, status: str, year: int) -> Graph:
    """Give every mention of one entity a status and year, as a report section would."""
    for m in g.subjects(PK.mentionOf, ID[key]):
        g.set((m, PK.status, Literal(status)))
        g.set((m, PK.year, Literal(year)))
    return g


def old_report() -> Graph:
    g = sample_graph({"place/q": ("青石镇", "Town"), "project/r2": ("滨河大道二期", "InfrastructureProject"),
                      "project/s": ("智慧城管平台", "InformationSystem"), "initiative/t": ("河湖长制", "Mechanism"),
                      "recognition/u": ("生态文明示范区", "Designation"),
                      "project/v": ("东港码头", "IndustrialProject")},
                     [("project/r2", "locatedIn", "place/q", "滨河大道二期位于青石镇。")], name="2023.txt")
    for key in ("project/r2", "project/s", "initiative/t", "recognition/u"):
        set_status(g, key, "planned", 2023)
    set_status(g, "place/q", "planned", 2023)  # places are not plans, whatever their section says
    return g


def new_report() -> Graph:
    g = sample_graph({"place/q": ("青石镇", "Town"), "project/r2": ("滨河大道二期", "InfrastructureProject"),
                      "initiative/t": ("河湖长制", "Mechanism"), "recognition/u": ("生态文明示范区", "Designation"),
                      "place/v": ("东港码头", "Port"), "project/w": ("青石小学", "PublicServiceProject")},
                     [("place/q", "recognizedAs", "recognition/u", "青石镇入选生态文明示范区。")], name="2024.txt")
    set_status(g, "project/r2", "completed", 2023)
    set_status(g, "initiative/t", "ongoing", 2024)
    set_status(g, "recognition/u", "planned", 2024)
    return g


def test_entities_added_removed_and_reclassified():
    d = diff_graphs(old_report(), new_report())
    got = {(c.change, c.item) for c in d.entities}
    assert got == {("removed", "智慧城管平台"), ("added", "青石小学"), ("reclassified", "东港码头")}
    moved = next(c for c in d.entities if c.change == "reclassified")
    assert (moved.old, moved.new) == ("IndustrialProject", "Port")  # same name, another class and IRI
    added = next(c for c in d.entities if c.change == "added")
    assert added.cls == "PublicServiceProject" and added.evidence == "青石小学。"


def test_relations_added_and_removed():
    d = diff_graphs(old_report(), new_report())
    assert {(c.change, c.cls, c.item) for c in d.relations} == {
        ("removed", "locatedIn", "滨河大道二期 —locatedIn→ 青石镇"),
        ("added", "recognizedAs", "青石镇 —recognizedAs→ 生态文明示范区")}
    assert next(c for c in d.relations if c.change == "added").evidence == "青石镇入选生态文明示范区。"


def test_planned_items_completed_ongoing_still_planned_or_not_mentioned():
    d = diff_graphs(old_report(), new_report())
    outcome = {c.item: (c.change, c.old, c.new) for c in d.plans}
    assert outcome == {"滨河大道二期": ("completed", "planned (2023)", "completed (2023)"),
                       "河湖长制": ("ongoing", "planned (2023)", "ongoing (2024)"),
                       "生态文明示范区": ("still planned", "planned (2023)", "planned (2024)"),
                       "智慧城管平台": ("not mentioned", "planned (2023)", "")}
    assert [c.change for c in d.plans] == ["completed", "ongoing", "still planned", "not mentioned"]
    assert "planned items of OLD: 4 (1 completed, 1 ongoing, 1 still planned, 1 not mentioned)" in d.summary()


def test_identical_graphs_have_no_changes_and_plans_stay_planned():
    g = old_report()
    d = diff_graphs(g, g)
    assert d.entities == [] and d.relations == []
    assert {c.change for c in d.plans} == {"still planned"}


def test_symmetric_relations_match_either_way_round():
    ents = {"org/a": ("甲公司", "Company"), "org/b": ("乙公司", "Company")}
    old = sample_graph(ents, [("org/a", "cooperatesWith", "org/b", "甲公司与乙公司合作。")])
    new = sample_graph(ents, [("org/b", "cooperatesWith", "org/a", "乙公司与甲公司合作。")])
    assert diff_graphs(old, new).relations == []


def test_without_cooccurrence_edges():
    ents = {"place/a": ("甲镇", "Town"), "place/b": ("乙镇", "Town")}
    old = sample_graph(ents)
    new = sample_graph(ents, [("place/a", "relatedTo", "place/b", "甲镇和乙镇。")])
    assert len(diff_graphs(old, new).relations) == 1
    assert diff_graphs(old, new, include_related=False).relations == []


def test_statuses_come_from_mentions():
    st = entity_statuses(new_report())
    assert {x.status for x in st[str(ID["project/r2"])]} == {"completed"}
    assert st[str(ID["project/w"])][0].sentence == "青石小学。"


def test_two_real_reports_through_the_pipeline():
    """The extractor reads plans from a report's 'next year' section and completions from the review."""
    from graph.extract.pipeline import extract_texts
    from graph.rdf.dataset import to_dataset

    old = ("示例县2023年政府工作报告\n日期:2023-01-10\n一、2022年工作回顾\n2022年,青石镇建成滨河大道。\n"
           "二、2023年工作安排\n2023年,将开工建设滨河大道二期,争创国家级生态文明示范区。\n")
    new = ("示例县2024年政府工作报告\n日期:2024-01-12\n一、2023年工作回顾\n"
           "2023年,滨河大道二期建成通车,青石镇入选国家级生态文明示范区。\n二、2024年工作安排\n2024年,将推进东湖新港建设。\n")
    c_old, c_new = extract_texts({"2023.txt": old}), extract_texts({"2024.txt": new})
    d = diff_graphs(to_dataset(c_old.documents, c_old.entities), to_dataset(c_new.documents, c_new.entities))
    assert d.plans, "the 2023 plans section yields planned items"
    assert any(c.change == "completed" and c.old.startswith("planned") for c in d.plans)
    assert any(c.change == "added" and c.kind == "entity" for c in d.entities)


def test_cli_diff(tmp_path):
    old, new = tmp_path / "old.ttl", tmp_path / "new.ttl"
    old_report().serialize(old, format="turtle")
    new_report().serialize(new, format="turtle")
    r = run_policykg("diff", str(old), str(new), "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert {"change": "not mentioned", "kind": "plan", "item": "智慧城管平台"}.items() <= \
        next(row for row in rows if row["item"] == "智慧城管平台" and row["kind"] == "plan").items()
    assert "entities: +1 -1 ~1 reclassified" in r.stderr
    r = run_policykg("diff", str(old), str(tmp_path / "missing"))
    assert r.returncode != 0 and "missing" in r.stderr and "Traceback" not in r.stderr
