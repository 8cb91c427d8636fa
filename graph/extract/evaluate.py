"""Entity and relation precision/recall/F1 against hand-made gold files, so every rule change is measured.

Gold files are `<name>.gold.json` = {"doc": "<file name>", "entities": [{"label", "type", "aliases", "also"}]}
(the format of ../shared/eval). Matching follows the shared scorer: a predicted entity matches a gold entity when
any of its surface forms (label, aliases, mention texts) equals any gold form after removing quotes, brackets and
spaces; a typed match also needs the same top-level type (or the gold's `also` type).

Relation gold sits beside it as `<name>.relations.json` = {"doc", "relations": [{"subject", "predicate", "object",
"evidence"}]}, ends named by gold labels. A predicted fact (subject, predicate, object) matches a gold relation with
the same predicate (cooperatesWith and connects either way round) when a form of each extracted end equals a form
(label or alias) of the gold end. relatedTo, hasIndicator and the gazetteer's administrative parents are not
scored. A gold relation is unreachable when no extracted entity has a form of one of its ends: the extractor's
miss, not the relation rules'."""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SCORED_TYPES = ("Place", "Agency", "Organization", "Project", "Initiative")
_STRIP = re.compile(r"[\s“”\"'‘’「」『』《》〈〉（）()\[\]【】]")


class GoldError(ValueError):
    """A gold directory or file that cannot be read; the message names it."""


def surface_forms(entity: dict) -> set[str]:
    """Every normalised way an entity record is written: label, aliases and mention texts."""
    forms = {entity.get("label", "")} | set(entity.get("aliases") or [])
    forms |= {m.get("text", "") for m in entity.get("mentions") or [] if isinstance(m, dict)}
    return {_STRIP.sub("", f) for f in forms} - {""}


@dataclass
class TypeScore:
    """Counts for one type: predictions, gold entities and the typed hits among each."""

    pred: int = 0
    gold: int = 0
    pred_hit: int = 0
    gold_hit: int = 0

    @property
    def precision(self) -> float:
        return self.pred_hit / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.gold_hit / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    """Per-type scores plus the false positives and negatives, per document."""

    scores: dict[str, TypeScore] = field(default_factory=dict)
    false_positives: list[tuple[str, str, str]] = field(default_factory=list)
    false_negatives: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def overall(self) -> TypeScore:
        return self.scores["ALL"]


def load_gold(gold_dir: str | Path) -> dict[str, list[dict]]:
    """Gold entities by document file name."""
    d = Path(gold_dir)
    files = sorted(d.glob("*.gold.json")) if d.is_dir() else [d]
    if not files or not files[0].exists():
        raise GoldError(f"{gold_dir}: no *.gold.json files")
    out = {}
    for f in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
            out[data["doc"]] = data["entities"]
        except (ValueError, KeyError, TypeError) as exc:
            raise GoldError(f"{f}: not a gold file ({exc})") from None
    return out


def evaluate(gold: dict[str, list[dict]], predicted: dict[str, list[dict]],
             types: tuple[str, ...] = SCORED_TYPES) -> Evaluation:
    """Score predicted entity records (extract JSON) against gold, document by document."""
    ev = Evaluation(scores={t: TypeScore() for t in (*types, "ALL")})
    for doc, gents in sorted(gold.items()):
        gents = [g for g in gents if g["type"] in types]
        pents = [p for p in predicted.get(doc, []) if p.get("type") in types]
        gforms = [surface_forms(g) for g in gents]
        for p in pents:
            pf = surface_forms(p)
            typed = any(pf & gf and p["type"] in (g["type"], g.get("also")) for g, gf in zip(gents, gforms))
            for key in (p["type"], "ALL"):
                ev.scores[key].pred += 1
                ev.scores[key].pred_hit += typed
            if not typed:
                ev.false_positives.append((doc, p["type"], p["label"]))
        for g, gf in zip(gents, gforms):
            typed = any(surface_forms(p) & gf and p["type"] in (g["type"], g.get("also")) for p in pents)
            for key in (g["type"], "ALL"):
                ev.scores[key].gold += 1
                ev.scores[key].gold_hit += typed
            if not typed:
                ev.false_negatives.append((doc, g["type"], g["label"]))
    return ev


def score_rows(ev: Evaluation) -> list[list]:
    """The per-type table: type, gold, predicted, P, R, F1."""
    return [[t, s.gold, s.pred, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}"]
            for t, s in ev.scores.items()]


# ---------------------------------------------------------------- relations

UNSCORED_PREDICATES = ("relatedTo", "hasIndicator")
SYMMETRIC_PREDICATES = ("cooperatesWith", "connects")
Triple = tuple[str, str, str]


@dataclass
class RelationEvaluation:
    """Per-predicate scores, the unreachable gold relations per predicate, and every FP and FN per document."""

    scores: dict[str, TypeScore] = field(default_factory=dict)
    unreachable: Counter = field(default_factory=Counter)
    false_positives: list[tuple[str, str, str, str]] = field(default_factory=list)  # doc, predicate, subject, object
    false_negatives: list[tuple[str, str, str, str, bool]] = field(default_factory=list)  # … and reachable?

    @property
    def overall(self) -> TypeScore:
        return self.scores["ALL"]


def load_relation_gold(gold_dir: str | Path) -> dict[str, list[dict]]:
    """Gold relations by document file name, from the *.relations.json files beside the entity gold (may be none)."""
    d = Path(gold_dir)
    files = sorted(d.glob("*.relations.json")) if d.is_dir() else \
        [f for f in [d.with_name(d.name.replace(".gold.json", ".relations.json"))] if f.exists() and f != d]
    out = {}
    for f in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
            out[data["doc"]] = [{k: r[k] for k in ("subject", "predicate", "object")} for r in data["relations"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise GoldError(f"{f}: not a relation gold file ({exc})") from None
    return out


def _gold_forms(entities: list[dict]) -> dict[str, set[str]]:
    """Each normalised gold form → every form of the gold entities written that way (label and aliases)."""
    out: dict[str, set[str]] = {}
    for e in entities:
        forms = surface_forms({"label": e.get("label", ""), "aliases": e.get("aliases")})
        for f in forms:
            out.setdefault(f, set()).update(forms)
    return out


def scored_triples(record: dict) -> set[Triple]:
    """The distinct facts of an extract record that relation scoring counts (one per triple, however many
    sentences state it; symmetric ones in one order)."""
    out = set()
    for r in record.get("relations") or []:
        if r["predicate"] in UNSCORED_PREDICATES or r.get("rule") == "gazetteer":
            continue
        s, o = r["subject"], r["object"]
        if r["predicate"] in SYMMETRIC_PREDICATES and o < s:
            s, o = o, s
        out.add((s, r["predicate"], o))
    return out


def evaluate_relations(gold_entities: dict[str, list[dict]], gold_relations: dict[str, list[dict]],
                       predicted: dict[str, dict]) -> RelationEvaluation:
    """Score the typed relations of extract records ({doc: {"entities", "relations"}}) against relation gold."""
    ev = RelationEvaluation(scores={"ALL": TypeScore()})

    def count(pred: str, *, output: bool, hit: bool) -> None:
        for key in (pred, "ALL"):
            s = ev.scores.setdefault(key, TypeScore())
            if output:
                s.pred, s.pred_hit = s.pred + 1, s.pred_hit + hit
            else:
                s.gold, s.gold_hit = s.gold + 1, s.gold_hit + hit

    for doc, golds in sorted(gold_relations.items()):
        record = predicted.get(doc) or {}
        matches, gold_end, every_form = _relation_matcher(gold_entities.get(doc, []), record)
        triples = sorted(scored_triples(record))
        for t in triples:
            hit = any(matches(t, g) for g in golds)
            count(t[1], output=True, hit=hit)
            if not hit:
                ev.false_positives.append((doc, t[1], t[0], t[2]))
        for g in golds:
            hit = any(matches(t, g) for t in triples)
            count(g["predicate"], output=False, hit=hit)
            if not hit:
                reachable = bool(gold_end(g["subject"]) & every_form and gold_end(g["object"]) & every_form)
                ev.unreachable[g["predicate"]] += not reachable
                ev.unreachable["ALL"] += not reachable
                ev.false_negatives.append((doc, g["predicate"], g["subject"], g["object"], reachable))
    total = ev.scores.pop("ALL")
    ev.scores = {**dict(sorted(ev.scores.items())), "ALL": total}
    return ev


def _relation_matcher(gold_entities: list[dict], record: dict):
    """For one document: whether an extracted triple matches a gold relation, the gold forms of a gold end, and
    every surface form the extractor found (a gold relation whose ends are not among them is unreachable)."""
    gforms = _gold_forms(gold_entities)
    extracted: dict[str, set[str]] = {}
    for e in record.get("entities") or []:
        extracted.setdefault(e["label"], set()).update(surface_forms(e))

    def gold_end(label: str) -> set[str]:
        n = _STRIP.sub("", label)
        return gforms.get(n, {n})

    def names(label: str, gold_label: str) -> bool:
        return bool(extracted.get(label, surface_forms({"label": label})) & gold_end(gold_label))

    def matches(t: Triple, g: dict) -> bool:
        s, p, o = t
        if p != g["predicate"]:
            return False
        return (names(s, g["subject"]) and names(o, g["object"])) or \
            (p in SYMMETRIC_PREDICATES and names(o, g["subject"]) and names(s, g["object"]))

    return matches, gold_end, set().union(*extracted.values()) if extracted else set()


def relation_score_rows(ev: RelationEvaluation) -> list[list]:
    """The per-predicate table: predicate, gold, predicted, P, R, F1, gold relations with an end not extracted."""
    return [[p, s.gold, s.pred, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", ev.unreachable[p]]
            for p, s in ev.scores.items()]


