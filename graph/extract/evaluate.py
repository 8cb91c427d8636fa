"""Entity precision/recall/F1 per type against hand-made gold files, so every rule change is measured.

Gold files are `<name>.gold.json` = {"doc": "<file name>", "entities": [{"label", "type", "aliases", "also"}]}
(the format of ../shared/eval). Matching follows the shared scorer: a predicted entity matches a gold entity when
any of its surface forms (label, aliases, mention texts) equals any gold form after removing quotes, brackets and
spaces; a typed match also needs the same top-level type (or the gold's `also` type)."""
from __future__ import annotations

import json
import re
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


