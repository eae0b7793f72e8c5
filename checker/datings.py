"""Years and centuries that date something: "built in 1961", "not maintained
since 1994", "in the 1930s", "a 14th-century chapel".

A year is a figure only after a word that makes it one ("since", "in",
"around"...): a bare year in a sentence ("the 2019 vote") names an occasion
and stays a date. Its unit is `calendar year`; a decade or a century is the
range of its years (the 14th century is 1300-1399, as news uses it); a
century's unit is `century`, of the calendar-year family, so a century and a
year can be set against each other. What the year dates comes
from the verb it hangs on through the general lexicon ("built", "maintained"),
or for a century before a noun from the unit alone. NewsQuant tags no years,
so `evaluate.newsquant_record` leaves them out.
"""
from __future__ import annotations

import math
import re
from typing import Callable

from . import lexicon as lx
from .model import Quantity

APPROX_YEARS = 2.0  # "around 1994"

_PREPS = "|".join(sorted(lx.YEAR_PREPOSITIONS, key=len, reverse=True))
_YEAR_RE = re.compile(
    rf"\b(?P<prep>{_PREPS})\s+(?:the\s+(?=\d{{4}}['’]?s\b))?(?P<t>(?P<y>1[0-9]\d\d|20\d\d)(?P<s>['’]?s)?)(?![\d,.]\d)(?!\s*(?:%|per\b))",
    re.IGNORECASE)
_ORDINALS = "|".join(sorted(lx.ORDINAL_WORDS, key=len, reverse=True))
_CENTURY_RE = re.compile(
    rf"\b(?P<t>(?:(?P<n>\d{{1,2}})(?:st|nd|rd|th)|(?P<w>{_ORDINALS}))[\s-]?centur(?:y|ies))\b"
    r"(?!\s+(?:ago|old|later|earlier))", re.IGNORECASE)


def is_dating(unit: str) -> bool:
    return unit in lx.DATING_UNITS


def find_datings(text: str, free: Callable[[int, int], bool],
                 counts: Callable[[int], bool] = lambda end: False) -> list[Quantity]:
    """Years after a dating word and centuries, whose spans `free` allows.
    `counts(end)` says whether a noun right after a number says what it counts
    ("around 2000 people", "in 1500 homes": counts, not years)."""
    found: list[Quantity] = []
    for m in _YEAR_RE.finditer(text):
        start, end = m.start("t"), m.end("t")
        if not free(start, end) or (not m.group("s") and counts(end)):
            continue
        year = float(m.group("y"))
        kind = lx.YEAR_PREPOSITIONS[m.group("prep").lower()]
        q = Quantity(year, year, kind, lx.CALENDAR_YEAR, "level", text[start:end], start, end)
        if m.group("s"):  # "the 1930s"
            q.kind, q.high = "range", year + 9
        elif kind == "approx":
            q.tolerance = APPROX_YEARS
        elif kind == "upper":
            q.low = -math.inf
        elif kind == "lower":
            q.high = math.inf
        q.stated_unit = "year"
        found.append(q)
    for m in _CENTURY_RE.finditer(text):
        start, end = m.start("t"), m.end("t")
        if not free(start, end):
            continue
        n = int(m.group("n")) if m.group("n") else lx.ORDINAL_WORDS[m.group("w").lower()]
        if not 1 <= n <= 21:
            continue
        q = Quantity(float((n - 1) * 100), float((n - 1) * 100 + 99), "range", lx.CENTURY, "level",
                     text[start:end], start, end)
        q.stated_unit = lx.CENTURY
        found.append(q)
    found.sort(key=lambda q: q.start)
    return found
