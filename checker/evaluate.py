"""Extraction quality on NewsQuant (Almasian et al., "CQE", EMNLP 2023).

The metric follows the paper: per sentence, each gold quantity matches at most
one predicted quantity with an equal value (relative tolerance 1e-5; a range
only matches a range with both ends equal). Stricter variants also require the
unit, the change, or one shared concept word.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import UserError
from .model import Quantity

VARIANTS = ("value", "value+unit", "value+change", "value+concept")


def newsquant_record(q: Quantity) -> dict[str, Any] | None:
    """A quantity in the `checker quantities --jsonl` shape; None for vague and
    categorical amounts, which have no number to report."""
    if q.kind == "categorical" or q.low is None and q.high is None:
        return None
    if q.kind == "vague":
        # Order-of-magnitude words ("dozens of", "tens of thousands of") read as a
        # range; "several" or "a handful" have no figure worth reporting.
        if not re.search(r"dozens|hundreds|thousands|millions|billions", q.surface, re.IGNORECASE):
            return None
        return {"value": [q.low, q.high], "unit": q.concept or "-", "change": "=", "concept": q.concept or "-"}
    scale = getattr(q, "scale", 1.0) or 1.0

    def stated(x: float) -> float:
        v = x / scale
        return round(v, 6) if not float(v).is_integer() else int(v) if abs(v) < 1e15 else v

    finite = [x for x in (q.low, q.high) if x is not None and not math.isinf(x)]
    if not finite:
        return None
    if q.kind == "range" and q.low != q.high:
        value: Any = [stated(q.low), stated(q.high)]
        if q.descending:
            value.reverse()
    else:
        value = stated(finite[0] if q.kind != "upper" else finite[-1])
    unit = getattr(q, "stated_unit", "") or q.unit or "-"
    return {"value": value, "unit": unit, "change": q.change_symbol(), "concept": q.concept or "-"}


def _gold_value(raw: str) -> tuple[float, float] | None:
    raw = str(raw).strip()
    m = re.fullmatch(r"(-?[\d.eE+]+)-(-?[\d.eE+]+)", raw)
    try:
        if m:
            return float(m.group(1)), float(m.group(2))
        v = float(raw)
        return v, v
    except ValueError:
        return None


def _pred_value(value: Any) -> tuple[float, float] | None:
    try:
        if isinstance(value, (list, tuple)) and len(value) == 2:
            return float(value[0]), float(value[1])
        v = float(value)
        return v, v
    except (TypeError, ValueError):
        return None


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-9)


def _words(text: str) -> set[str]:
    """Concept words, split on commas and white space as in the CQE evaluation;
    "-" (no concept) is a word of its own, so "-" against "-" agrees."""
    words = {w for w in re.split(r"[,\s]+", (text or "-").strip().lower()) if w}
    return (words - {"the", "of", "a", "an"}) or {"-"}


def _unit_equal(gold: str, pred: str) -> bool:
    return (gold or "-").strip().lower() == (pred or "-").strip().lower()


@dataclass
class Score:
    matched: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VARIANTS, 0))
    predicted: int = 0
    gold: int = 0

    def table(self) -> list[dict[str, float]]:
        rows = []
        for v in VARIANTS:
            p = self.matched[v] / self.predicted if self.predicted else 0.0
            r = self.matched[v] / self.gold if self.gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            rows.append({"metric": v, "precision": round(100 * p, 1), "recall": round(100 * r, 1),
                         "f1": round(100 * f, 1)})
        return rows


def score_sentence(gold: list[dict], pred: list[dict], score: Score) -> None:
    """Greedy one-to-one matching per variant, as in the CQE evaluation."""
    score.gold += len(gold)
    score.predicted += len(pred)
    for variant in VARIANTS:
        used: set[int] = set()
        for g in gold:
            gv = _gold_value(g.get("value", ""))
            if gv is None:
                continue
            for j, p in enumerate(pred):
                if j in used:
                    continue
                pv = _pred_value(p.get("value"))
                if pv is None or (gv[0] == gv[1]) != (pv[0] == pv[1]):
                    continue
                if not (_close(gv[0], pv[0]) and _close(gv[1], pv[1])):
                    continue
                if variant == "value+unit" and not _unit_equal(g.get("normalized_unit", "-"), p.get("unit", "-")):
                    continue
                if variant == "value+change" and g.get("change", "=") != p.get("change", "="):
                    continue
                if variant == "value+concept" and not (_words(g.get("referred_concepts", "")) & _words(p.get("concept", ""))):
                    continue
                used.add(j)
                score.matched[variant] += 1
                break


def load_newsquant(path: Path) -> list[dict]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{path}: not a NewsQuant JSON file ({exc.__class__.__name__})") from None
    if not isinstance(data, list) or not all(isinstance(x, dict) and "text" in x for x in data):
        raise UserError(f"{path}: expected a JSON list of {{'text', 'quantities'}} objects")
    return data


def evaluate(data: list[dict], predict: Iterable[list[dict]]) -> tuple[Score, list[dict]]:
    """Score predictions (one list per sentence, in order); also return the
    sentences with errors, for error analysis."""
    score = Score()
    errors = []
    for item, pred in zip(data, predict):
        before = dict(score.matched)
        gold = item.get("quantities", [])
        score_sentence(gold, pred, score)
        if score.matched["value"] - before["value"] != len(gold) or len(pred) != len(gold):
            errors.append({"text": item["text"], "gold": gold, "pred": pred})
    return score, errors
