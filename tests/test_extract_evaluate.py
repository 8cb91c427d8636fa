"""Scoring against gold: the matching rules of the shared scorer, per-type counts, and the eval command."""
from __future__ import annotations

import json

import pytest

from graph.extract.evaluate import (
    GoldError,
    evaluate,
    evaluate_relations,
    load_gold,
    load_relation_gold,
    relation_score_rows,
    surface_forms,
)

from conftest import SHARED, run_policykg

GOLD = {"a.txt": [
    {"label": "青山县", "type": "Place", "aliases": ["青山"]},
    {"label": "四访四评工作制度", "type": "Initiative", "aliases": ["四访四评"]},
    {"label": "滨河大桥", "type": "Project", "also": "Place"},
]}


def test_forms_ignore_quotes_brackets_and_spaces():
    assert surface_forms({"label": "“四访四评” 工作制度", "mentions": [{"text": "（青山）"}]}) == {"四访四评工作制度", "青山"}


def test_alias_match_counts_and_type_must_agree():
    pred = {"a.txt": [
        {"label": "青山", "type": "Place"},               # matches through the gold alias
        {"label": "四访四评", "type": "Project"},           # right span, wrong type
        {"label": "滨河大桥", "type": "Place"},             # the gold's `also` type counts
        {"label": "全县", "type": "Place"},                 # no gold: a false positive
    ]}
    ev = evaluate(GOLD, pred)
    assert ev.scores["Place"].pred == 3 and ev.scores["Place"].pred_hit == 2
    assert ev.overall.gold == 3 and ev.overall.gold_hit == 2
    assert ("a.txt", "Initiative", "四访四评工作制度") in ev.false_negatives
    assert ("a.txt", "Place", "全县") in ev.false_positives
    assert round(ev.overall.precision, 3) == 0.5 and round(ev.overall.recall, 3) == 0.667


def test_bad_gold_dir_is_a_clear_error(tmp_path):
    with pytest.raises(GoldError, match="no \\*.gold.json"):
        load_gold(tmp_path)
    (tmp_path / "x.gold.json").write_text("{}", encoding="utf-8")
    with pytest.raises(GoldError, match="x.gold.json"):
        load_gold(tmp_path)


@pytest.mark.skipif(not (SHARED / "eval" / "seed").is_dir(), reason="../shared/eval is not beside the checkout")
def test_eval_command_prints_the_table_and_errors():
    r = run_policykg("eval", str(SHARED / "eval" / "seed"), "--format", "json", "--no-errors")
    assert r.returncode == 0, r.stderr
    rows = {row["type"]: row for row in json.loads(r.stdout) if row["scored"] == "entity"}
    assert set(rows) == {"Place", "Agency", "Organization", "Project", "Initiative", "ALL"}
    assert float(rows["ALL"]["F1"]) >= 0.88
    r = run_policykg("eval", str(SHARED / "eval" / "seed"))
    assert r.returncode == 0 and ("FP  " in r.stdout or "FN  " in r.stdout)


# ---------------------------------------------------------------- relations

REL_GOLD_ENTITIES = {"a.txt": [
    {"label": "青山县", "type": "Place", "aliases": ["青山"]},
    {"label": "县委", "type": "Agency"},
    {"label": "白水县", "type": "Place"},
    {"label": "全国文明城市", "type": "Recognition", "aliases": ["“全国文明城市”"]},
    {"label": "乡村振兴", "type": "Initiative"},
    {"label": "绿谷产业园", "type": "Project"},
]}
REL_GOLD = {"a.txt": [
    {"subject": "县委", "predicate": "leads", "object": "青山县"},
    {"subject": "白水县", "predicate": "cooperatesWith", "object": "青山县"},
    {"subject": "青山县", "predicate": "recognizedAs", "object": "全国文明城市"},
    {"subject": "青山县", "predicate": "implements", "object": "乡村振兴"},
    {"subject": "绿谷产业园", "predicate": "locatedIn", "object": "青山县"},
]}


def _record(relations, entities=("青山", "县委", "白水县", "全国文明城市", "乡村振兴", "红星集团")):
    return {"entities": [{"label": e, "mentions": [{"text": e}]} for e in entities],
            "relations": [{"subject": s, "predicate": p, "object": o, "rule": rule} for s, p, o, rule in relations]}


def test_relations_match_by_forms_either_way_for_symmetric_predicates():
    pred = {"a.txt": _record([
        ("县委", "leads", "青山", "pattern"),                    # ends through the gold alias 青山
        ("青山", "cooperatesWith", "白水县", "pattern"),          # symmetric: the gold has it the other way round
        ("青山", "recognizedAs", "全国文明城市", "pattern"),
        ("青山", "recognizedAs", "全国文明城市", "pattern"),      # stated twice: one fact
        ("乡村振兴", "implements", "青山", "pattern"),            # implements is not symmetric: wrong way round
        ("青山", "contributesTo", "红星集团", "pattern"),         # no gold: a false positive
        ("白水县", "partOf", "青山", "gazetteer"),               # administrative parents: not scored
        ("青山", "relatedTo", "县委", "cooccurrence:sentence"),   # not scored
        ("青山", "hasIndicator", "县委", "pattern"),              # not scored
    ])}
    ev = evaluate_relations(REL_GOLD_ENTITIES, REL_GOLD, pred)
    assert (ev.overall.pred, ev.overall.pred_hit, ev.overall.gold, ev.overall.gold_hit) == (5, 3, 5, 3)
    assert ev.scores["leads"].recall == 1.0 and ev.scores["implements"].precision == 0.0
    assert set(ev.false_positives) == {("a.txt", "implements", "乡村振兴", "青山"),
                                       ("a.txt", "contributesTo", "青山", "红星集团")}
    # the project was never extracted: its relation is missed because an end is missing, not by the rules
    assert set(ev.false_negatives) == {("a.txt", "implements", "青山县", "乡村振兴", True),
                                       ("a.txt", "locatedIn", "绿谷产业园", "青山县", False)}
    assert ev.unreachable["locatedIn"] == 1 and ev.unreachable["ALL"] == 1
    rows = {r[0]: r for r in relation_score_rows(ev)}
    assert rows["ALL"][1:6] == [5, 5, "0.600", "0.600", "0.600"] and rows["locatedIn"][6] == 1


def test_relation_gold_is_optional_and_a_bad_one_is_a_clear_error(tmp_path):
    (tmp_path / "a.gold.json").write_text(json.dumps({"doc": "a.txt", "entities": []}), encoding="utf-8")
    assert load_relation_gold(tmp_path) == {}
    (tmp_path / "a.relations.json").write_text(json.dumps({"doc": "a.txt"}), encoding="utf-8")
    with pytest.raises(GoldError, match="a.relations.json"):
        load_relation_gold(tmp_path)
    rel = {"doc": "a.txt", "relations": [{"subject": "x", "predicate": "leads", "object": "y", "evidence": "…"}]}
    (tmp_path / "a.relations.json").write_text(json.dumps(rel), encoding="utf-8")
    assert load_relation_gold(tmp_path / "a.gold.json") == {"a.txt": [{"subject": "x", "predicate": "leads",
                                                                         "object": "y"}]}


def test_eval_command_scores_relations_beside_the_entity_gold(tmp_path):
    (tmp_path / "qs.txt").write_text("青山县人民政府工作报告\n在市委坚强领导下，青山县全面完成各项任务。"
                                     "青山县与白水县签订战略合作协议。青山县入选全国农村改革试验区。\n", encoding="utf-8")
    ents = [{"label": "青山县", "type": "Place"}, {"label": "市委", "type": "Agency"},
            {"label": "白水县", "type": "Place"}, {"label": "全国农村改革试验区", "type": "Recognition"},
            {"label": "黑山镇", "type": "Place"}]
    (tmp_path / "qs.gold.json").write_text(json.dumps({"doc": "qs.txt", "entities": ents}), encoding="utf-8")
    rels = [{"subject": "市委", "predicate": "leads", "object": "青山县"},
            {"subject": "白水县", "predicate": "cooperatesWith", "object": "青山县"},
            {"subject": "黑山镇", "predicate": "recognizedAs", "object": "全国农村改革试验区"}]
    (tmp_path / "qs.relations.json").write_text(json.dumps({"doc": "qs.txt", "relations": rels}), encoding="utf-8")
    r = run_policykg("eval", str(tmp_path), "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = {(row["scored"], row["type"]): row for row in json.loads(r.stdout)}
    assert rows[("relation", "leads")]["R"] == "1.000" and rows[("relation", "cooperatesWith")]["R"] == "1.000"
    assert rows[("relation", "recognizedAs")]["P"] == "0.000" and rows[("relation", "recognizedAs")]["unreachable"] == 1
    assert rows[("relation", "ALL")]["gold"] == 3 and ("entity", "Place") in rows
    r = run_policykg("eval", str(tmp_path))
    assert "FP  qs.txt  recognizedAs  青山县 → 全国农村改革试验区" in r.stdout
    assert "FN  qs.txt  recognizedAs  黑山镇 → 全国农村改革试验区  (unreachable)" in r.stdout
