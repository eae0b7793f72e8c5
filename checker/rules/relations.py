"""How two figures of one fact stand: agree, overlap only within rounding or a
hedge, conflict, or a number against a group; and how far apart they are."""
from __future__ import annotations

import math

from ..facts import INF, Slot
from ..units import CONVERSIONS

def _overlap(alo: float, ahi: float, blo: float, bhi: float) -> bool:
    return alo <= bhi and blo <= ahi

def relate(a: Slot, b: Slot) -> str:
    """How two figures of one metric stand:

    - "scope": a number against a categorical group;
    - "groups": two groups (not compared);
    - "agree": the intervals overlap with the metric's own tolerance;
    - "rounding": they overlap only once the precision implied by a unit's
      wording is allowed ("six-week" = 42 ± 3.5 days);
    - "hedged": they overlap only once a hedge ("about", "some") is allowed;
    - "conflict": they do not overlap even then.
    """
    if a.form != b.form:
        return "scope"
    if a.form == "group":
        return "groups"
    sa, sb = a.slack, b.slack
    ua, ub = a.claim.quantity.unit, b.claim.quantity.unit
    if ua != ub and ua in CONVERSIONS and ub in CONVERSIONS:
        # "150 mph" and "241 km/h": a conversion is rounded to the last digit it states
        sa, sb = sa + _last_digit(a), sb + _last_digit(b)
    if _overlap(a.lo - sa, a.hi + sa, b.lo - sb, b.hi + sb):
        return "agree"
    ta = 0.0 if a.approx else a.tol
    tb = 0.0 if b.approx else b.tol
    if (ta or tb) and _overlap(a.lo - a.slack - ta, a.hi + a.slack + ta, b.lo - b.slack - tb, b.hi + b.slack + tb):
        return "rounding"
    if _overlap(*widened(a), *widened(b)):
        return "hedged"
    return "conflict"

def _last_digit(s: Slot) -> float:
    """Half a unit of the figure's last stated digit, in the fact's base unit."""
    q = s.claim.quantity
    point = q.point
    if point is None or not point or not math.isfinite(s.value_key):
        return 0.0
    text = f"{abs(point):.6f}".rstrip("0")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(s.value_key / point) * 0.5 * 10 ** -decimals


def widened(s: Slot) -> tuple[float, float]:
    w = s.slack + s.tol
    return s.lo - w, s.hi + w

def relative_gap(a: Slot, b: Slot) -> float:
    """The distance between the widened intervals, relative to the larger figure."""
    alo, ahi = widened(a)
    blo, bhi = widened(b)
    gap = max(blo - ahi, alo - bhi, 0.0)
    mag = max((abs(x) for x in (a.lo, a.hi, b.lo, b.hi) if math.isfinite(x)), default=0.0)
    return gap / mag if mag else (INF if gap else 0.0)

def different_authorities(a: Slot, b: Slot) -> bool:
    return a.authority is not None and b.authority is not None and a.authority != b.authority
