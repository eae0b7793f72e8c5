"""Times of day as figures: "6 a.m.", "7:35 p.m.", "18:10 GMT", "at noon".

A clock time is read as hours since midnight (7:35 p.m. is 19.5833) with the
unit `time of day`, followed by its zone when the text states one. A zone
with one fixed offset (GMT, CDT, NDT...) is converted to UTC, so "2:40 a.m.
CDT" and "0625 GMT" are one value; a zone the text alone cannot fix ("local
time", "ET", CST) stays a zone of its own. Each zone is its own unit family,
so times that cannot be converted to each other are never compared.

The slack a time carries comes from its wording: "7:35 p.m." is exact, "2pm"
may be rounded to the hour (a quarter of an hour either way), "about 6 a.m."
half an hour either way, "just before 7:10" the half hour before it. Times
are not quantities in NewsQuant's sense (its annotators leave "at 10.45pm"
untagged), so `evaluate.newsquant_record` leaves them out.
"""
from __future__ import annotations

import re
from typing import Callable

from . import lexicon as lx
from .model import Quantity

ON_THE_HOUR_SLACK = 0.25  # "2pm" may be 2:10 rounded: a quarter hour either way
HEDGED_SLACK = 0.5  # "about 6 a.m."
HEDGED_MINUTES_SLACK = 0.25  # "about 7:35 a.m."
JUST_SLACK = 0.5  # "just before 7:10": within the half hour before
JUST_HOUR_SLACK = 1.0  # "just before midnight", "shortly after 6 a.m.": within the hour

_ABBREVIATIONS = sorted({k.upper() for k in lx.FIXED_ZONES} | {k.upper() for k in lx.NAMED_ZONES if " " not in k
                                                                and k != "local"}, key=len, reverse=True)
_ZONE_NAMES = sorted((k for k in lx.NAMED_ZONES if " " in k), key=len, reverse=True)
# A zone after the time: an upper-case abbreviation (case kept, so the French
# "et" is no zone) or a zone's name in words, in brackets or not.
_ZONE = (rf"(?:(?P<abbr>(?-i:{'|'.join(_ABBREVIATIONS)}))(?![A-Za-z])"
         rf"|(?P<name>{'|'.join(re.escape(n) for n in _ZONE_NAMES)})\b)")
_START = r"(?<![\w$£€¥:.,/+-])"
_AMPM_RE = re.compile(
    _START + r"(?P<t>(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<m>[0-5]\d))?\s?(?P<ap>[ap])(?:\.\s?m\.?|m(?![a-z])))"
    rf"(?:\s?(?:\(\s*)?{_ZONE}\)?)?", re.IGNORECASE)
# 24-hour clock: with a zone ("18:10 GMT"; without the colon only a zone of one
# offset, as "1000 MT" is ten hundred metric tons), or after a time word with
# an hour no twelve-hour clock has ("at 06:00", "at 18:10"; "at 10:30" could be either)
_FIXED = "|".join(sorted((k.upper() for k in lx.FIXED_ZONES), key=len, reverse=True))
_H24_ZONE_RE = re.compile(
    _START + rf"(?:(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?:\s?(?:h|hrs|hours))?\s?{_ZONE}"
    rf"|(?P<h4>[01]\d|2[0-3])(?P<m4>[0-5]\d)(?:\s?(?:h|hrs|hours))?\s?(?P<fixed>(?-i:{_FIXED}))(?![A-Za-z]))",
    re.IGNORECASE)
_H24_AT_RE = re.compile(
    r"\b(?:at|around|about|by|until|till|before|after|since|from)\s+(?:about\s+|around\s+|roughly\s+)?"
    r"(?P<t>(?P<h>0\d|1[3-9]|2[0-3]):(?P<m>[0-5]\d))(?![:\d])", re.IGNORECASE)
_WORD_RE = re.compile(
    r"\b(?:at|around|about|by|until|till|before|after|since|approaching|near)\s+(?:about\s+|around\s+)?"
    rf"(?P<t>(?:12\s+)?(?P<w>{'|'.join(lx.CLOCK_WORDS)}))\b(?:\s?(?:\(\s*)?{_ZONE}\)?)?", re.IGNORECASE)
_HOUR_WORDS = {w: v for w, v in lx.UNITS_WORDS.items() if 1 <= v <= 12} | {"ten": 10, "eleven": 11, "twelve": 12}
# "half past six", "a quarter to nine": twelve-hour wording, read only with a
# cue that says which half of the day ("in the morning", "p.m.")
_PAST_RE = re.compile(
    r"\b(?P<t>(?P<f>half|(?:a\s+)?quarter)\s+(?P<rel>past|to)\s+(?P<h>\d{1,2}|"
    + "|".join(sorted(_HOUR_WORDS, key=len, reverse=True)) + r"))\b"
    r"(?:\s+(?P<cue>(?P<am>a\.\s?m\.?|am\b|in the morning|this morning)|p\.\s?m\.?|pm\b"
    r"|in the afternoon|in the evening|this afternoon|this evening|at night|tonight))?", re.IGNORECASE)
_STAMP_RE = re.compile(r"\b(?:published|updated|posted|modified|last updated|update)\b:?[^.\n]{0,40}$", re.IGNORECASE)
_JUST_RE = re.compile(r"\b(?:just|shortly|soon|right|moments|minutes|immediately)\s+(before|after)\s*$", re.IGNORECASE)
_BOUND_RE = re.compile(rf"\b({'|'.join(lx.CLOCK_BOUNDS)})\s*$", re.IGNORECASE)
_HEDGES = tuple(sorted((p for p, kind in lx.MODIFIERS.items() if kind == "approx" and p.isalpha() or p == "close to"),
                       key=len, reverse=True))
_HEDGE_RE = re.compile(rf"\b(?:{'|'.join(re.escape(h) for h in _HEDGES)}|nearly|almost)\s*$", re.IGNORECASE)


def zone_unit(abbr: str | None, name: str | None) -> tuple[str, float | None, str]:
    """(unit, offset from UTC or None, the zone as written) of a stated zone."""
    written = abbr or name or ""
    key = written.lower()
    if not key:
        return lx.TIME_OF_DAY, None, ""
    label = lx.NAMED_ZONES.get(key)
    if label is None and key in lx.FIXED_ZONES:
        label = key.upper()
    offset = lx.FIXED_ZONES.get((label or "").lower())
    if offset is not None:
        return f"{lx.TIME_OF_DAY} UTC", offset, written
    return f"{lx.TIME_OF_DAY} {label}", None, written


def is_time_of_day(unit: str) -> bool:
    return (unit or "").startswith(lx.TIME_OF_DAY)


def clock_text(hours: float) -> str:
    """18.1667 -> "18:10"."""
    minutes = round(hours * 60) % 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _quantity(text: str, start: int, end: int, hours: float, minutes_stated: bool,
              abbr: str | None, name: str | None) -> Quantity:
    """A time of day with its zone and the slack its wording implies."""
    unit, offset, written = zone_unit(abbr, name)
    if offset is not None:
        hours = (hours - offset) % 24
    # to the second: 2:40 a.m. CDT and 0740 GMT are one instant, whatever the floats' last bits say
    hours = round(hours * 3600) / 3600
    before = text[max(0, start - 30) : start]
    q = Quantity(hours, hours, "exact", unit, "level", text[start:end], start, end)
    q.stated_unit = written or lx.TIME_OF_DAY
    just = _JUST_RE.search(before)
    bound = _BOUND_RE.search(before)
    if just:
        q.kind = "range"
        slack = JUST_SLACK if minutes_stated else JUST_HOUR_SLACK
        q.low, q.high = (hours - slack, hours) if just.group(1).lower() == "before" else (hours, hours + slack)
    elif bound:
        q.kind = lx.CLOCK_BOUNDS[bound.group(1).lower()]
        q.low, q.high = (0.0, hours) if q.kind == "upper" else (hours, 24.0)
    elif _HEDGE_RE.search(before):
        q.kind = "approx"
        q.tolerance = HEDGED_MINUTES_SLACK if minutes_stated else HEDGED_SLACK
    elif not minutes_stated:
        q.tolerance = ON_THE_HOUR_SLACK
    return q


def _end(m: re.Match) -> int:
    """Where a time ends: after its zone when it states one, not after a bracket."""
    for g in ("abbr", "name"):
        if m.group(g):
            return m.end(g)
    return m.end("t")


def find_clock_times(text: str, free: Callable[[int, int], bool]) -> tuple[list[Quantity], list[tuple[int, int]]]:
    """Every time of day in `text` whose span `free(start, end)` allows, in
    text order, and the spans that no other figure may take (with the times,
    twelve-hour wording that does not say which half of the day). A
    restatement in another zone ("10:47 pm (2147 GMT)") is a figure of its
    own; claims.py marks it as the first one's conversion."""
    found: list[Quantity] = []
    spans: list[tuple[int, int]] = []

    def take(start: int, end: int) -> bool:
        """Claim a span; a page's own time stamp ("Published: May 2, 2:54pm") is
        claimed but read as no figure."""
        if not free(start, end) or any(s < end and start < e for s, e in spans):
            return False
        spans.append((start, end))
        return not _STAMP_RE.search(text[max(0, start - 60) : start])

    for m in _AMPM_RE.finditer(text):
        h = int(m.group("h")) % 12 + (12 if m.group("ap").lower() == "p" else 0)
        minutes = int(m.group("m") or 0)
        end = _end(m)
        if take(m.start(), end):
            found.append(_quantity(text, m.start(), end, h + minutes / 60, bool(m.group("m")) and minutes != 0,
                                   m.group("abbr"), m.group("name")))
    for m in _H24_ZONE_RE.finditer(text):
        h, minutes = int(m.group("h") or m.group("h4")), int(m.group("m") or m.group("m4"))
        if take(m.start(), m.end()):
            found.append(_quantity(text, m.start(), m.end(), h + minutes / 60, minutes != 0,
                                   m.group("abbr") or m.group("fixed"), m.group("name")))
    for m in _H24_AT_RE.finditer(text):
        h, minutes = int(m.group("h")), int(m.group("m"))
        if take(m.start("t"), m.end("t")):
            found.append(_quantity(text, m.start("t"), m.end("t"), h + minutes / 60, minutes != 0, None, None))
    for m in _WORD_RE.finditer(text):
        end = _end(m)
        if take(m.start("t"), end):
            hours = lx.CLOCK_WORDS[m.group("w").lower()]
            before = text[max(0, m.start("t") - 30) : m.start("t")]
            if hours == 0 and not (_JUST_RE.search(before) or _BOUND_RE.search(before)):
                continue  # "at midnight", "around midnight": as near 11:50 p.m. as 12:10 a.m., and on either day
            if hours == 0 and not re.match(r"(?i)after|since", m.group(0)):
                hours = 24.0  # "just before midnight": the end of the evening, beside "11:50 p.m."
            found.append(_quantity(text, m.start("t"), end, hours, False,
                                   m.group("abbr"), m.group("name")))
    for m in _PAST_RE.finditer(text):
        h = int(m.group("h")) if m.group("h").isdigit() else _HOUR_WORDS[m.group("h").lower()]
        if not 1 <= h <= 12:
            continue
        part = 0.5 if m.group("f").lower() == "half" else 0.25
        hours = h % 12 + (part if m.group("rel").lower() == "past" else -part)
        end = m.end() if m.group("cue") else m.end("t")
        if take(m.start("t"), end) and m.group("cue"):
            # without a cue the span is still taken: "half past six" is no 0.5 and no 6
            hours = (hours + (0 if m.group("am") else 12)) % 24
            found.append(_quantity(text, m.start("t"), end, hours, True, None, None))
    found.sort(key=lambda q: q.start)
    return found, spans
