"""Extraction quality on NewsQuant (Almasian et al., "CQE", EMNLP 2023).

The metric is the one of the paper's evaluation code, reproduced in
`score_sentence` so that figures are comparable: values are equal within a
relative tolerance of 1e-5 (a range only equals a range with both ends equal,
in text order); stricter lines also require the unit, the change, or one shared
concept word, all counted on the same walk over the predictions.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from . import lexicon as lx
from .errors import UserError
from .model import Quantity

VARIANTS = ("value", "value+unit", "value+change", "value+concept")


def newsquant_record(q: Quantity) -> dict[str, Any] | None:
    """A quantity in the `checker quantities --jsonl` shape; None for vague and
    categorical amounts, which have no number to report, and for times of day
    and years, which NewsQuant does not count as quantities."""
    if q.kind == "categorical" or q.low is None and q.high is None:
        return None
    if q.unit.startswith(lx.TIME_OF_DAY) or q.unit in lx.DATING_UNITS:
        return None  # a clock time or a year says when, not how much: NewsQuant tags none ("at 10.45pm", "in 2019")
    if q.kind == "vague":
        # Order-of-magnitude words ("dozens of", "tens of thousands of") read as a
        # range; "several" or "a handful" have no figure worth reporting.
        if not re.search(r"dozens|hundreds|thousands|millions|billions", q.surface, re.IGNORECASE):
            return None
        return {"value": [q.low, q.high], "unit": q.stated_unit or "-", "change": "=", "concept": q.owner or "-"}
    scale = getattr(q, "scale", 1.0) or 1.0

    def stated(x: float) -> float:
        v = float(f"{x / scale:.12g}")  # twelve significant digits: small values keep theirs ("1/128")
        return v if not v.is_integer() else int(v) if abs(v) < 1e15 else v

    finite = [x for x in (q.low, q.high) if x is not None and not math.isinf(x)]
    if not finite:
        return None
    if q.kind == "range" and q.low != q.high:
        value: Any = [stated(q.low), stated(q.high)]
        if q.descending:
            value.reverse()
    else:
        value = stated(finite[0] if q.kind != "upper" else finite[-1])
    unit = _cqe_name(getattr(q, "stated_unit", "") or q.unit or "-")
    return {"value": value, "unit": unit, "change": q.change_symbol(), "concept": q.concept or "-"}


def _cqe_name(unit: str) -> str:
    """The unit as CQE's unit list names it where ours differs ("tonne" is
    "metric ton" there), also inside a rate ("tonne per day")."""
    return " per ".join(lx.CQE_UNIT_NAMES.get(part, part) for part in unit.split(" per "))


_GOLD_RANGE_RE = re.compile(r"^\s*(-?[\d.]+(?:[eE][+-]?\d+)?)\s*-\s*(-?[\d.]+(?:[eE][+-]?\d+)?)\s*$")


def _gold_value(raw: Any) -> float | tuple[float, float] | None:
    """A gold value as the CQE evaluation reads it: "35-40" or "3.0 - 4.0" is a
    range in text order (a tuple); "-0.8" and "2.998E-08" are single numbers.
    Forms the CQE reader would fail on ("-5--3") are read as ranges; anything
    unreadable is None and matches nothing."""
    text = str(raw).strip()
    if "E" not in text.upper() and not text.startswith("-") and "-" in text:
        low, _, high = text.partition("-")
        try:
            return float(low), float(high)
        except ValueError:
            pass
    try:
        return float(text)
    except ValueError:
        m = _GOLD_RANGE_RE.match(text)
        return (float(m.group(1)), float(m.group(2))) if m else None


def _pred_value(value: Any) -> float | tuple[float, float] | None:
    try:
        if isinstance(value, (list, tuple)) and len(value) == 2:
            return float(value[0]), float(value[1])
        return float(value)
    except (TypeError, ValueError):
        return None


def _close(gold: float, pred: float) -> bool:
    """numpy.isclose(gold, pred, rtol=1e-5, atol=1e-8), the CQE test: the
    relative slack is taken from the predicted value."""
    return abs(gold - pred) <= 1e-8 + 1e-5 * abs(pred)


def _values_match(gold: Any, pred: Any) -> bool:
    """A range matches only a range with both ends equal, in order."""
    if isinstance(gold, tuple) != isinstance(pred, tuple):
        return False
    if isinstance(gold, tuple):
        return _close(gold[0], pred[0]) and _close(gold[1], pred[1])
    return _close(gold, pred)


def _words(text: Any) -> set[str]:
    """Concept words, lower-cased and split on commas and white space as in the
    CQE evaluation; "-" (no concept) is a word of its own, so "-" agrees with "-"."""
    if isinstance(text, (list, tuple)):
        text = " ".join(str(t) for t in text)
    return {w for w in re.split(r"[,\s]+", str(text if text is not None else "-").strip().lower()) if w}


def _unit(value: Any) -> str:
    return str(value if value is not None else "-").strip().lower()


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
    """Count one sentence the way the CQE evaluation does, so the figures are
    comparable with the published ones.

    One walk serves all four lines. Gold and predicted quantities are each
    sorted by unit name (a stable sort). For each gold quantity the predictions
    still free are visited in that order; every one whose value matches counts
    towards value (at most as many as the sentence has gold quantities), towards
    value+change when the change agrees and towards value+concept when a concept
    word is shared. The first one whose unit also agrees counts towards
    value+unit, is used up, and ends the walk for that gold quantity; a
    prediction whose unit differs stays free for the next gold quantity.
    """
    score.gold += len(gold)
    score.predicted += len(pred)
    golds = sorted(gold, key=lambda g: str(g.get("normalized_unit", "-")))
    free = sorted(pred, key=lambda p: str(p.get("unit", "-")))
    value_left = len(gold)
    for g in golds:
        gv = _gold_value(g.get("value", ""))
        if gv is None:
            continue
        # as the CQE code reads them: the gold unit lower-cased (not stripped), the gold change as written
        g_unit, g_change = str(g.get("normalized_unit", "-")).lower(), str(g.get("change", "="))
        g_words = _words(g.get("referred_concepts", "-"))
        for j, p in enumerate(free):
            pv = _pred_value(p.get("value"))
            if pv is None or not _values_match(gv, pv):
                continue
            if value_left > 0:
                score.matched["value"] += 1
                value_left -= 1
            if str(p.get("change", "=")).strip() == g_change:
                score.matched["value+change"] += 1
            if g_words & _words(p.get("concept", "-")):
                score.matched["value+concept"] += 1
            if _unit(p.get("unit", "-")) == g_unit:
                score.matched["value+unit"] += 1
                del free[j]
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
