"""How sure a flag is: the weight of a rule's verdict times the evidence
behind it (how sure each figure's fact is, how exact and dated the figures
are, how far apart). Its own module so a rule can rank its candidate pairs
by the confidence their flag would get."""
from __future__ import annotations

import math

from ..facts import Slot, day_number
from .relations import different_authorities, relative_gap

# How much a rule's verdict is worth when grouping, extraction and dates are sure.
RULE_WEIGHT = {"CK101": 0.95, "CK102": 0.75, "CK103": 0.8, "CK104": 0.95, "CK105": 0.45, "CK106": 0.9}  # CK107 sets its own (ck107_conversion_mismatch)

def _ratio(a: Slot, b: Slot) -> float:
    """The smaller figure over the larger (1: equal), from where each sits."""
    x, y = abs(a.value_key), abs(b.value_key)
    if not (math.isfinite(x) and math.isfinite(y)) or max(x, y) == 0:
        return 1.0
    return min(x, y) / max(x, y)


def _names_a_day(s: Slot) -> bool:
    """The figure's sentence ties it to a day ("on Saturday", "freed on 3 May")."""
    return s.claim.date_basis == "explicit" or bool(s.claim.event_date)


def _occasion_day(s: Slot) -> int | None:
    """The day of the occasion a term speaks of: the day its sentence gives
    the occasion ("in return for Saturday's release", "will continue on
    Saturday with a release of 300"), else the day the figure is dated."""
    return day_number(s.claim.event_date) if s.claim.event_date else s.day


def confidence(code: str, a: Slot, b: Slot) -> float:
    """How sure a flag is, from its evidence: how sure each figure's fact is
    (a measure word next to the figure, or a story pack's metric), how exact
    the figures are, whether both are dated, and how far apart they are
    (a small gap is more often rounding or an update than an error)."""
    conf = RULE_WEIGHT.get(code, 0.8) * a.metric.certainty
    sure = 1.0
    for s in (a, b):
        c = s.claim
        if s.metric.generic:
            sure = min(sure, 0.7)  # the generic key: counted noun and event, no measure word
        elif s.metric.name == c.fact:
            sure = min(sure, c.measure_sure if c.measure else 0.6)  # the facts stage's grouping
        # else a story pack names the fact: as sure as its author
        if c.quantity.kind == "vague":
            conf *= 0.5
        if s.metric.over_time != "fixed" and s.day is None:
            conf *= 0.7
    conf *= sure
    m = a.metric
    if m.over_time == "fixed" and m.dominant and a.claim.id not in m.dominant and b.claim.id not in m.dominant:
        conf *= 0.6  # two outliers of a fact most sources agree on: likely other facts
    at_the_moment = a.claim.id in m.at_the_moment and b.claim.id in m.at_the_moment
    if (code == "CK101" and (m.over_time == "cumulative" or (m.hourly and not at_the_moment))
            and a.day is not None and a.day == b.day and not different_authorities(a, b)):
        conf *= 0.5  # a toll rising through the day, a storm's winds: same-day figures differ by the hour
    if (m.over_time == "term" and m.per_occasion and a.form == b.form == "number"
            and a.day is not None and b.day is not None and _occasion_day(a) != _occasion_day(b)
            and (_names_a_day(a) or _names_a_day(b))):
        conf *= 0.5  # a release "on Saturday" against another day's term: more often two batches than one deal
    ratio = _ratio(a, b) if code in ("CK101", "CK104", "CK106") else 1.0
    if ratio < 0.2:
        # a figure a fifth of the other or less: more often a part or another count than an error
        conf *= 0.4 if ratio < 0.1 else 0.55
    if code in ("CK101", "CK104", "CK106") and a.metric.over_time != "fixed":
        gap = relative_gap(a, b)
        conf *= 1.0 if gap >= 0.2 else (0.85 if gap >= 0.1 else 0.7)
    return round(conf, 3)
