"""CK107 conversion-mismatch: a figure whose restatement in other units, in brackets, does not convert to it."""
from __future__ import annotations

import dataclasses
import math
import re

from . import RuleConfig, rule
from ..model import Claim, Quantity
from ..units import CONVERSIONS, coarse_family, unit_family

# Kinds of unit whose conversions are exact products (a temperature's is not,
# and a duration is normalized to days before any rule sees it).
PHYSICAL = ("length", "speed", "area", "volume", "mass")
# A figure's own rounding is half a unit of its last non-zero digit, but no
# more than this share of it: "500 km" may be rounded to the hundred, "100
# mph" is not 50 to 150 mph.
ROUNDING_CAP = 0.05
# How sure a flag is: the arithmetic of units is exact, so what is unsure is
# the reading of the units; the rates of currencies are only approximate.
CONFIDENCE = {"physical": 0.9, "money": 0.7}


@rule("CK107", "conversion-mismatch", "medium", applies_to="conversion",
      margin=0.1, money_factor=5.0, usd_rates={})
def conversion_mismatch(cfg: RuleConfig, figure: Claim) -> tuple[Claim, str, float] | None:
    """A figure and its restatement in other units, in brackets, that do not convert to each other.

    What it detects: a figure followed by the same figure in other units
    ("320 miles (515 km)", "120 mph (193 km/h)", "50,000 dirhams (about
    $5,000)") where the two disagree. Lengths, speeds, areas, volumes and
    masses are converted exactly; the two must meet once each is allowed the
    rounding its digits imply ("500 km" may be rounded to the hundred, at
    most 5%) and a margin (`margin`, 10% by default): conversions are
    rounded, so "120 mph (193 km/h)" and "900 feet (275 metres)" pass.
    Money in two currencies is checked only for gross errors: the two must
    not be `money_factor` (5) times apart or more at the approximate rates
    of `usd_rates` (rules.yaml); a currency the table lacks is skipped.
    Temperatures and other units that do not convert by a factor are never
    checked. Only the figure's own source is involved: a source is never set
    against another here.

    Why it matters: a wrong conversion is a classic newsroom slip (metres
    for kilometres, miles per hour taken for kilometres per hour, a decimal
    place lost in a currency); the reader gets two figures that cannot both
    be right, in one sentence.

    Example: Harbour Times writes “about 320 miles (515 m)”: 320 miles is
    about 515 kilometres, not 515 m.

    Thresholds: margin (relative slack beyond rounding for units of measure),
    money_factor (how many times apart two amounts of money must be), and
    usd_rates (dollars per unit of each currency, a number or a [low, high]
    range).
    """
    conv = figure.restated_as
    if conv is None:
        return None
    f, c = figure.quantity, conv
    if f.kind in ("vague", "categorical") or c.kind in ("vague", "categorical"):
        return None
    if not (f.unit and c.unit) or f.unit.lower() == c.unit.lower():
        return None  # not a conversion: one unit, or none
    fam_f, fam_c = coarse_family(f.unit), coarse_family(c.unit)
    if fam_f != fam_c:
        return None
    fs, cs = _stated(f), _stated(c)
    if fs is None or cs is None:
        return None
    if fam_f in PHYSICAL:
        found = _physical(cfg, f, c, fs, cs)
        kind = "physical"
    elif fam_f == "money":
        found = _money(cfg, f, c, fs, cs)
        kind = "money"
    else:
        return None
    if found is None:
        return None
    other = dataclasses.replace(
        figure, quantity=c, restated_as=None, role="conversion", fact="",
        col=figure.col + max(0, c.start - f.start))
    message = (f"{figure.outlet or figure.source_id} writes “{f.surface.strip()} ({c.surface.strip()})”, "
               f"but {found}; the figure or its conversion is wrong, check which one the story meant.")
    return other, message, CONFIDENCE[kind]


# --------------------------------------------------------------------------- units of measure


def _physical(cfg: RuleConfig, f: Quantity, c: Quantity, fs: tuple[float, float],
              cs: tuple[float, float]) -> str | None:
    """What is wrong, in words, or None when the two convert to each other."""
    fam_f, k_f = unit_family(f.unit)
    fam_c, k_c = unit_family(c.unit)
    if fam_f != fam_c or fam_f not in PHYSICAL:
        return None  # a unit the tables cannot convert (quantulum's own names)
    if _agree(fs, k_f, cs, k_c, cfg["margin"]):
        return None
    # The unit the bracket's number is right in, if it is one slip away
    # ("515 m" where 515 km was meant); the figure's own unit is no answer
    # ("120 mph (120 km/h)": the number copied, not converted).
    meant = [u for u, (fam, k) in sorted(CONVERSIONS.items(), key=lambda kv: kv[1][1])
             if fam == fam_f and u not in (f.unit, c.unit) and _right_in(fs, k_f, cs, k)]
    unit, k = (meant[0], CONVERSIONS[meant[0]][1]) if meant else (c.unit, k_c)
    lo, hi = (x * k_f / k for x in fs)
    return f"{_as_written(f)} is about {_amount((lo, hi), unit, digits=3)}, not {c.surface.strip()}"


def _agree(fs: tuple[float, float], k_f: float, cs: tuple[float, float], k_c: float, margin: float) -> bool:
    """The two stated figures meet in base units, each widened by its rounding,
    with `margin` of the larger left over."""
    flo, fhi = fs[0] - _rounding(fs[0]), fs[1] + _rounding(fs[1])
    clo, chi = cs[0] - _rounding(cs[0]), cs[1] + _rounding(cs[1])
    flo, fhi, clo, chi = flo * k_f, fhi * k_f, clo * k_c, chi * k_c
    gap = max(clo - fhi, flo - chi, 0.0)
    return gap <= margin * max(abs(fhi), abs(chi))


def _right_in(fs: tuple[float, float], k_f: float, cs: tuple[float, float], k: float) -> bool:
    """The bracket's numbers, read in a unit of factor `k`, are the figure
    converted, to the bracket's own rounding (no margin: a guess at what was
    meant must be a sure one)."""
    return all(abs(f * k_f / k - c) <= _rounding(c) for f, c in zip(fs, cs))


def _rounding(x: float) -> float:
    """Half a unit of the last non-zero digit a number is stated to, at most
    ROUNDING_CAP of it: 500 ± 25, 193 ± 0.5, 2.5 ± 0.05."""
    x = abs(x)
    if x == 0:
        return 0.0
    if float(x).is_integer():
        step = 1
        while x % (step * 10) == 0:
            step *= 10
    else:
        text = f"{x:.6f}".rstrip("0")
        step = 10 ** -len(text.split(".")[1])
    return min(step / 2, ROUNDING_CAP * x)


# --------------------------------------------------------------------------- money


def _money(cfg: RuleConfig, f: Quantity, c: Quantity, fs: tuple[float, float],
           cs: tuple[float, float]) -> str | None:
    """Only a gross error: at the table's approximate rates, the two amounts
    are `money_factor` times apart or more whichever rates hold."""
    rates = cfg["usd_rates"]
    rf, rc = _rate(rates, f.unit), _rate(rates, c.unit)
    if rf is None or rc is None:
        return None  # a currency the table lacks
    f_lo, f_hi = fs[0] * rf[0], fs[1] * rf[1]  # in dollars, at the lowest and highest rate
    c_lo, c_hi = cs[0] * rc[0], cs[1] * rc[1]
    if min(f_lo, c_lo) <= 0:
        return None
    factor = cfg["money_factor"]
    if f_lo >= factor * c_hi:
        apart = f_lo / c_hi
    elif c_lo >= factor * f_hi:
        apart = c_lo / f_hi
    else:
        return None
    # the figure in the bracket's currency, at the rates of the table
    lo, hi = f_lo / rc[1], f_hi / rc[0]
    value = _amount((lo, hi), c.unit, digits=2, sep=" to ")
    return (f"{_as_written(f)} is roughly {value} at usual rates, not {c.surface.strip()} "
            f"(at least {apart:,.1f} times apart)")


def _rate(rates: dict, unit: str) -> tuple[float, float] | None:
    u = (unit or "").strip().lower()
    if u in rates:
        return rates[u]
    family, k = unit_family(u)
    if family == "money" and u != "dollar" and "dollar" in rates:  # "cent": a share of the dollar
        lo, hi = rates["dollar"]
        return lo * k, hi * k
    return None




# --------------------------------------------------------------------------- wording


def _as_written(q: Quantity) -> str:
    """The figure's own words without a leading hedge ("about 320 miles" -> "320 miles")."""
    return re.sub(r"^[A-Za-z][A-Za-z\s-]*?\s+(?=[\d$€£¥₹])", "", q.surface.strip())


def _stated(q: Quantity) -> tuple[float, float] | None:
    """The finite numbers a figure states, in its unit: a point, a range's
    two ends, or a bound's one end."""
    lo = q.low if q.low is not None and math.isfinite(q.low) else None
    hi = q.high if q.high is not None and math.isfinite(q.high) else None
    if lo is None and hi is None:
        return None
    lo = hi if lo is None else lo
    hi = lo if hi is None else hi
    return lo, hi


_PLURAL = {"foot": "feet", "inch": "inches", "square foot": "square feet", "cubic foot": "cubic feet",
           "mile per hour": "miles per hour", "kilometre per hour": "kilometres per hour",
           "metre per second": "metres per second", "kilometre per second": "kilometres per second",
           "foot per second": "feet per second", "pound-mass": "pounds", "japanese yen": "japanese yen",
           "south korean won": "south korean won", "chinese yuan": "chinese yuan", "sen": "sen",
           "thai baht": "thai baht", "indonesian rupiah": "indonesian rupiah", "nigerian naira": "nigerian naira"}


def _amount(span: tuple[float, float], unit: str, digits: int | None = None, sep: str = "–") -> str:
    """"320 miles", "6.71 metres", "$7,200 to $37,000"."""
    lo, hi = (_round(x, digits) for x in span) if digits else span
    name = unit.strip().lower()
    if name == "dollar":
        return f"${_number(lo)}" if lo == hi else f"${_number(lo)}{sep}${_number(hi)}"
    text = _number(lo) if lo == hi else f"{_number(lo)}{sep}{_number(hi)}"
    if not (lo == hi == 1):
        name = _PLURAL.get(name, name + "s")
    return f"{text} {name}"


def _round(x: float, digits: int) -> float:
    """To `digits` significant digits (never fewer than the whole part)."""
    if x == 0 or not math.isfinite(x):
        return x
    places = digits - 1 - math.floor(math.log10(abs(x)))
    return round(x, places) if places > 0 else float(round(x, places))


def _number(x: float) -> str:
    if float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.6g}" if abs(x) >= 1 else f"{x:.3g}"
