"""Relations against the seed's hand-made gold: recall (by label, with the right predicate), typed-relation
precision over everything output (judged by hand in bench/relations_judged.tsv), counts per predicate, and what
the same rules produce on the dev texts of other provinces; with --batches, entity F1 and relation P/R per batch of
dev texts (the batches of README's first-look table), scored as `policykg eval` scores them, and with
--gold-entities what the relation rules read when they are given the gold entities (no entity missing or wrong).

usage: .venv/bin/python bench/relations_eval.py [--gold-dir DIR] [--dev DIR] [--unjudged] [--indicators]
                                                [--batches DIR [--gold-entities]]
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.extract import evaluate as scoring  # noqa: E402
from graph.extract.model import Entity, Mention  # noqa: E402
from graph.extract.pipeline import document_record, process_document  # noqa: E402
from graph.extract.relations import pattern_relations, score_relations  # noqa: E402
from graph.extract.resolve import entity_key  # noqa: E402
from graph.text.read import read_document  # noqa: E402

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


def report_batches(dev_dir: Path, on_gold_entities: bool = False) -> None:
    """Entity F1 and relation P/R per batch, then over all the texts of the directory; with on_gold_entities, the
    relation rules run on the gold entities instead of the extractor's (what the rules do when no entity is missing)."""
    gold, gold_relations = scoring.load_gold(dev_dir), scoring.load_relation_gold(dev_dir)
    records = {}
    for doc in sorted(gold):
        if (dev_dir / doc).exists():
            document = read_document(dev_dir / doc)
            dg = process_document(document)
            records[doc] = gold_entity_record(document, gold[doc], dg.entities) if on_gold_entities \
                else document_record(dg)
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


# the class a gold entity gets when the extractor has no entity of the same form (a place by its suffix)
GOLD_CLASS = {"Place": "Place", "Agency": "Agency", "Organization": "Company", "Project": "Project",
              "Initiative": "Initiative", "Recognition": "Designation", "Sector": "Industry"}
PLACE_SUFFIX = (("街道", "Subdistrict"), ("县", "County"), ("区", "District"), ("市", "City"), ("镇", "Town"),
                ("乡", "Township"), ("村", "Village"), ("省", "Province"))
_QUOTES = re.compile(r"[“”\"'‘’「」『』《》〈〉]")


def gold_entity_record(doc, gold_entities: list[dict], extracted: list[Entity]) -> dict:
    """The relations the rules read from the gold entities of a document, as an extract record: each occurrence
    of a gold label or alias (quotes ignored, longest first) is a mention; class and division code come from
    the extracted entity written the same way, else from the gold type."""
    by_form: dict[str, Entity] = {}
    for e in extracted:
        for form in {e.label, *e.aliases, *(m.text for m in e.mentions)}:
            by_form.setdefault(form, e)
    keep = [k for k, ch in enumerate(doc.text) if not _QUOTES.match(ch)]
    bare = "".join(doc.text[k] for k in keep)
    taken: list[tuple[int, int]] = []
    entities = []
    forms = sorted(((f, g) for g in gold_entities for f in {g["label"], *(g.get("aliases") or [])}),
                   key=lambda fg: -len(fg[0]))
    mentions: dict[int, list[Mention]] = {}
    classes: dict[int, tuple[str, str | None]] = {}
    for g in gold_entities:
        same = next((by_form[f] for f in (g["label"], *(g.get("aliases") or []))
                     if f in by_form and by_form[f].type == g["type"]), None)
        cls = same.cls if same else next((c for suffix, c in PLACE_SUFFIX if g["label"].endswith(suffix)),
                                         GOLD_CLASS[g["type"]]) if g["type"] == "Place" else GOLD_CLASS[g["type"]]
        classes[id(g)] = (cls, same.code if same else None)
    for form, g in forms:
        form = _QUOTES.sub("", form)
        for m in re.finditer(re.escape(form), bare) if form else ():
            a, b = keep[m.start()], keep[m.end() - 1] + 1
            if a > 0 and doc.text[a - 1] in "“《「『\"":  # a quoted name is written with its quotes, as extracted
                a -= 1
                b += doc.text[b:b + 1] in "”》」』\""
            sent = doc.sentence_at(a)
            if sent is None or b > sent.end or any(x < b and a < y for x, y in taken):
                continue
            taken.append((a, b))
            mentions.setdefault(id(g), []).append(Mention(doc.text[a:b], a, b, classes[id(g)][0], "gold", 0.9,
                                                          label=g["label"], sentence=sent.index))
    for g in gold_entities:
        if id(g) in mentions:
            cls, code = classes[id(g)]
            entities.append(Entity(entity_key(g["label"], cls, code), g["label"], cls,
                                   aliases=[a for a in g.get("aliases") or [] if a != g["label"]],
                                   mentions=sorted(mentions[id(g)], key=lambda m: m.start), confidence=0.9,
                                   code=code, docs=[doc.name]))
    entities.sort(key=lambda e: e.mentions[0].start)
    labels = {e.key: e.label for e in entities}
    return {"entities": [{"label": e.label, "aliases": e.aliases, "type": e.type} for e in entities],
            "relations": [{"subject": labels[r.subject], "predicate": r.predicate, "object": labels[r.object],
                           "rule": r.rule} for r in pattern_relations(doc, entities)]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold-dir", type=Path, default=SHARED / "seed")
    ap.add_argument("--dev", type=Path, default=None, help="also print typed relations on these texts")
    ap.add_argument("--unjudged", action="store_true", help="list typed relations not yet judged")
    ap.add_argument("--indicators", action="store_true", help="with --dev: print the indicators too")
    ap.add_argument("--batches", type=Path, default=None, help="only score the dev batches of this gold directory")
    ap.add_argument("--gold-entities", action="store_true",
                    help="with --batches: run the relation rules on the gold entities instead of the extractor's")
    args = ap.parse_args()
    if args.batches:
        report_batches(args.batches, args.gold_entities)
        return
    report_seed(args.gold_dir, args.unjudged)
    if args.dev:
        report_dev(args.dev, args.indicators)


if __name__ == "__main__":
    main()
