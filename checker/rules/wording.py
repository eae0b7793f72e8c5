"""The words of flag messages: who says what, the figure as written with its
normalized value, and what a reviewer should check."""
from __future__ import annotations

import math

from ..facts import INF, Slot
from ..clock import is_time_of_day
from ..units import unit_family

def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "∞" if x > 0 else "-∞"
    if float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.4g}" if abs(x) >= 1 else f"{x:.3g}"

_BASE_UNIT = {"duration": "day", "money": "dollar", "length": "metre", "mass": "kilogram",
              "volume": "litre", "area": "square metre", "power": "watt", "percentage": "%",
              "percentage point": "percentage point"}

def normalized(s: Slot) -> str:
    """The figure in the metric's base unit: "42 ± 3.5 days", "more than 26,000"."""
    q = s.claim.quantity
    family, _ = unit_family(q.unit)
    if is_time_of_day(family):  # "06:25 UTC", "04:00 ± 15 min, no zone stated"
        text = q.value_text() + (f" ± {round(s.tol * 60)} min" if s.tol and not s.approx else "")
        return text + (", no zone stated" if family == "time of day" else "")  # two outlets' zones may differ
    if s.lo == s.hi:
        text = _fmt(s.lo)
    elif s.hi == INF:
        text = f"more than {_fmt(s.lo)}"
    elif s.lo == -INF:
        text = f"less than {_fmt(s.hi)}"
    else:
        text = f"{_fmt(s.lo)}–{_fmt(s.hi)}"
    if s.tol:
        text += f" ± {_fmt(s.tol)}"
    unit = _BASE_UNIT.get(family, "" if family == "count" else family)
    if unit == "%":
        return text + "%"
    if unit:
        plural = not (s.lo == s.hi == 1) and unit not in ("percentage point",)
        text += f" {unit}{'s' if plural else ''}"
    return text

def quote(s: Slot) -> str:
    """The figure as the source wrote it, with what it counts and, where the
    wording hides it, its normalized value: “six-week” ceasefire (42 ± 3.5 days)."""
    c = s.claim
    q = c.quantity
    text = f"“{q.surface.strip()}”"
    low = q.surface.lower()
    counted = (c.counted or "").lower()
    unit = (q.unit or "").lower()
    family, _ = unit_family(q.unit)
    shown = (not counted or counted in low or (family == "count" and unit and unit in low)
             or (len(counted) > 4 and counted[:-1] in low))
    if not shown and s.form == "number":
        text += f" {counted}"
    if s.form == "number":
        base = _BASE_UNIT.get(family, "")
        if (family != "count" and base and base not in low) or (s.tol and not s.approx) or is_time_of_day(family):
            text += f" ({normalized(s)})"
    return text

def who(s: Slot, dated: bool = False) -> str:
    """The outlet, or with none known the article's file name (never the
    folder it was read from, which may be a temporary copy)."""
    c = s.claim
    name = c.outlet or c.source_id.replace("\\", "/").rsplit("/", 1)[-1]
    if dated:
        return f"{name} ({c.date})" if c.date else f"{name} (undated)"
    return name

def cites(s: Slot) -> str:
    return f"{who(s)}, citing {s.claim.attribution.strip()}," if s.claim.attribution else who(s)

def _the_figures(metric) -> str:
    label = metric.label()
    return f"the figures for {label}" if label else "the figures"


def _the_total(metric) -> str:
    """How CK104 names what can only grow: "the total for people killed in Gaza"."""
    label = metric.label()
    return f"the total for {label}" if label else "the total"

def _check_what(metric) -> str:
    if metric.over_time == "term":
        return "the proposal or agreement itself"
    return "the original statement"
