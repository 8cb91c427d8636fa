"""Scoring against gold: the matching rules of the shared scorer, per-type counts, and the eval command."""
from __future__ import annotations

import json

import pytest

from graph.extract.evaluate import GoldError, evaluate, load_gold, surface_forms

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
    rows = {row["type"]: row for row in json.loads(r.stdout)}
    assert set(rows) == {"Place", "Agency", "Organization", "Project", "Initiative", "ALL"}
    assert float(rows["ALL"]["F1"]) >= 0.88
    r = run_policykg("eval", str(SHARED / "eval" / "seed"))
    assert r.returncode == 0 and ("FP  " in r.stdout or "FN  " in r.stdout)
