"""How two figures of one fact stand: agree, overlap only within rounding or a
hedge, conflict, or a number against a group; and how far apart they are."""
from __future__ import annotations

import math

from ..facts import INF, Slot

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
    if _overlap(a.lo - a.slack, a.hi + a.slack, b.lo - b.slack, b.hi + b.slack):
        return "agree"
    ta = 0.0 if a.approx else a.tol
    tb = 0.0 if b.approx else b.tol
    if (ta or tb) and _overlap(a.lo - a.slack - ta, a.hi + a.slack + ta, b.lo - b.slack - tb, b.hi + b.slack + tb):
        return "rounding"
    if _overlap(*widened(a), *widened(b)):
        return "hedged"
    return "conflict"

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
