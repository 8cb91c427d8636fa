"""Relations against the seed's hand-made gold: recall (by label, with the right predicate), typed-relation
precision over everything output (judged by hand in bench/relations_judged.tsv), counts per predicate, and what
the same rules produce on the dev texts of other provinces; with --batches, entity F1 and relation P/R per batch of
dev texts (the batches of README's first-look table), scored as `policykg eval` scores them.

usage: .venv/bin/python bench/relations_eval.py [--gold-dir DIR] [--dev DIR] [--unjudged] [--indicators]
                                                [--batches DIR]
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.corpus import read_document  # noqa: E402
from graph import evaluate as scoring  # noqa: E402
from graph.pipeline import document_record, process_document  # noqa: E402
from graph.relations import score_relations  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
JUDGED = Path(__file__).with_name("relations_judged.tsv")
# the dev texts in the order they arrived (README, "First looks"); a text in no batch is reported as "other"
BATCHES = {
    "1 (2026-11)": ("changsha", "xiangtan", "shuangliu", "yanjin", "xihaian", "sanmen", "lufeng"),
    "2 (2026-12-07)": ("xuhui", "miyun", "qionghai", "shufu", "zhongning", "huangyuan"),
    "3 (2026-12-07)": ("lushunkou", "jiaocheng", "suixi", "jiangyin", "zhaoan", "dazu"),
}


def load_judged(path: Path = JUDGED) -> dict[tuple[str, str, str], bool]:
    """Hand verdicts on typed relations: (subject, predicate, object) → correct?"""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]
    return {(r[0], r[1], r[2]): r[3].strip() == "ok" for r in rows if len(r) >= 4}


def load_gold(gold_file: Path) -> tuple[list[dict], dict[str, list[str]], Path]:
    """Gold relations, the gold entities' aliases, and the document they are about."""
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    ents_file = gold_file.with_name(gold_file.name.replace(".relations.json", ".gold.json"))
    aliases: dict[str, list[str]] = {}
    if ents_file.exists():
        for e in json.loads(ents_file.read_text(encoding="utf-8"))["entities"]:
            aliases[e["label"]] = e.get("aliases") or []
    doc = gold_file.with_name(gold["doc"])
    if not doc.exists():
        doc = ROOT / "data" / "seed" / gold["doc"]
    return gold["relations"], aliases, doc


def score_file(gold_file: Path, judged: dict):
    """Build one gold document through the real pipeline and score its relations."""
    relations, aliases, path = load_gold(gold_file)
    dg = process_document(read_document(path))
    return dg, score_relations(dg.entities, dg.relations, relations, aliases, judged)


def _row(t: tuple[str, str, str]) -> str:
    return f"{t[0]} -{t[1]}-> {t[2]}"


def report_seed(gold_dir: Path, show_unjudged: bool) -> None:
    judged = load_judged()
    for gold_file in sorted(gold_dir.glob("*.relations.json")):
        dg, s = score_file(gold_file, judged)
        per = Counter(r.predicate for r in dg.relations)
        print(f"== {gold_file.name}")
        print(f"gold relations {s.gold}: found {len(s.found)}, missed {len(s.missed)}, "
              f"ends not extracted {len(s.unreachable)}")
        print(f"recall {s.recall:.3f}  (over gold with both ends extracted: {s.reachable_recall:.3f})")
        typed = len(s.correct) + len(s.wrong) + len(s.unjudged)
        print(f"typed relations output {typed}: correct {len(s.correct)}, wrong {len(s.wrong)}, "
              f"unjudged {len(s.unjudged)}; precision {s.precision:.3f} (unjudged counted wrong)")
        print("per predicate:", dict(sorted(per.items())))
        for title, rows in (("missed (both ends extracted)", s.missed), ("ends not extracted", s.unreachable),
                            ("wrong", s.wrong)):
            if rows:
                print(f"-- {title}")
                for t in rows:
                    print("  ", _row(t))
        if show_unjudged and s.unjudged:
            print("-- unjudged (add to bench/relations_judged.tsv)")
            for t in s.unjudged:
                print("\t".join(t))


def report_dev(dev_dir: Path, indicators: bool) -> None:
    for path in sorted(dev_dir.glob("*.txt")):
        dg = process_document(read_document(path))
        labels = {e.key: e.label for e in dg.entities}
        per = Counter(r.predicate for r in dg.relations)
        print(f"== {path.name}: {dict(sorted(per.items()))}")
        for r in dg.relations:
            if r.predicate in ("relatedTo", "hasIndicator"):
                continue
            print(f"   {labels[r.subject]} -{r.predicate}-> {labels[r.object]}  [{r.status} {r.year}] {r.rule}")
        if indicators:
            for e in dg.entities:
                if e.cls == "Indicator":
                    a = e.attrs
                    print(f"   # {e.label}  [{a.get('kind')} {a.get('status')} {a.get('year')}] "
                          f"measures {labels.get(a.get('measures'), '-')}")


def batch_of(doc: str) -> str:
    return next((b for b, names in BATCHES.items() if doc.split("-")[0] in names), "other")


def report_batches(dev_dir: Path) -> None:
    """Entity F1 and relation P/R per batch, then over all the texts of the directory."""
    gold, gold_relations = scoring.load_gold(dev_dir), scoring.load_relation_gold(dev_dir)
    records = {doc: document_record(process_document(read_document(dev_dir / doc)))
               for doc in sorted(gold) if (dev_dir / doc).exists()}
    groups: dict[str, list[str]] = {}
    for doc in records:
        groups.setdefault(batch_of(doc), []).append(doc)
    print("batch\ttexts\tentity F1\trelations P\tR\tgold\tpred\tunreachable")
    for name, docs in [*sorted(groups.items()), ("all", list(records))]:
        ev = scoring.evaluate({d: gold[d] for d in docs}, {d: records[d]["entities"] for d in docs})
        rev = scoring.evaluate_relations(gold, {d: gold_relations[d] for d in docs if d in gold_relations}, records)
        r = rev.overall
        print(f"{name}\t{len(docs)}\t{ev.overall.f1:.3f}\t{r.precision:.3f}\t{r.recall:.3f}\t{r.gold}\t{r.pred}\t"
              f"{rev.unreachable['ALL']}")
    print("per predicate (all): predicate, gold, pred, P, R, unreachable")
    for p, s in rev.scores.items():
        print(f"  {p}\t{s.gold}\t{s.pred}\t{s.precision:.3f}\t{s.recall:.3f}\t{rev.unreachable[p]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold-dir", type=Path, default=SHARED / "seed")
    ap.add_argument("--dev", type=Path, default=None, help="also print typed relations on these texts")
    ap.add_argument("--unjudged", action="store_true", help="list typed relations not yet judged")
    ap.add_argument("--indicators", action="store_true", help="with --dev: print the indicators too")
    ap.add_argument("--batches", type=Path, default=None, help="only score the dev batches of this gold directory")
    args = ap.parse_args()
    if args.batches:
        report_batches(args.batches)
        return
    report_seed(args.gold_dir, args.unjudged)
    if args.dev:
        report_dev(args.dev, args.indicators)


if __name__ == "__main__":
    main()
