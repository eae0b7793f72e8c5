"""Units: which unit names measure the same kind of quantity, and how to
convert between them. Durations are normalized to days by the extractor; the
other tables let two spellings of one unit meet. Facts about units, not about
any story.
"""
from __future__ import annotations

from . import lexicon as lx

# Unit families: unit name -> (family, factor to the family's base unit).
# Durations are normalized to days by the extractor; the other entries let
# two spellings of one unit meet.
CONVERSIONS: dict[str, tuple[str, float]] = {
    "day": ("duration", 1.0), "second": ("duration", 1 / 86400), "minute": ("duration", 1 / 1440),
    "hour": ("duration", 1 / 24), "week": ("duration", 7.0), "fortnight": ("duration", 14.0),
    "month": ("duration", 30.4375), "year": ("duration", 365.25), "decade": ("duration", 3652.5),
    "dollar": ("money", 1.0), "cent": ("money", 0.01),
    "percentage": ("percentage", 1.0), "percentage point": ("percentage point", 1.0),
    "fraction": ("percentage", 100.0),  # "a fifth of the city" is 20% of it
    "basis point": ("percentage point", 0.01),
    "metre": ("length", 1.0), "kilometre": ("length", 1000.0), "centimetre": ("length", 0.01),
    "millimetre": ("length", 0.001), "mile": ("length", 1609.344), "foot": ("length", 0.3048),
    "inch": ("length", 0.0254), "yard": ("length", 0.9144),
    "gram": ("mass", 0.001), "kilogram": ("mass", 1.0), "tonne": ("mass", 1000.0),
    "pound-mass": ("mass", 0.45359237), "ton": ("mass", 907.18474),
    "litre": ("volume", 1.0), "gallon": ("volume", 3.785411784),
    "acre": ("area", 4046.8564224), "hectare": ("area", 10000.0),
    "nautical mile": ("length", 1852.0),
    "square metre": ("area", 1.0), "square kilometre": ("area", 1e6), "square mile": ("area", 2589988.110336),
    "square foot": ("area", 0.09290304),
    "cubic metre": ("volume", 1000.0), "cubic foot": ("volume", 28.316846592),
    "kilometre per hour": ("speed", 1.0), "mile per hour": ("speed", 1.609344), "knot": ("speed", 1.852),
    "metre per second": ("speed", 3.6), "kilometre per second": ("speed", 3600.0), "foot per second": ("speed", 1.09728),
    "watt": ("power", 1.0), "kilowatt": ("power", 1e3), "megawatt": ("power", 1e6),
    "gigawatt": ("power", 1e9),
}

# Units that are measures, not counted nouns: each is its own family.
MEASURE_UNITS = (
    set(lx.UNIT_WORDS.values()) | set(lx.CURRENCY_PREFIXES.values()) | {"fraction"}
) - set(CONVERSIONS)

FAMILIES = sorted({f for f, _ in CONVERSIONS.values()} | MEASURE_UNITS | {"count", lx.TIME_OF_DAY, lx.CALENDAR_YEAR})

def unit_family(unit: str) -> tuple[str, float]:
    """(family, factor): "day" -> ("duration", 1.0); "hostage" or "" -> ("count", 1.0).

    Any unit that is not a known measure is the counted noun itself, so it
    is a count."""
    u = (unit or "").strip().lower()
    if u in CONVERSIONS:
        return CONVERSIONS[u]
    if u.startswith(lx.TIME_OF_DAY):
        return u, 1.0  # each zone its own family: "6 a.m. local time" cannot be set against "6 a.m. ET"
    if u in lx.DATING_UNITS:
        return lx.CALENDAR_YEAR, 1.0  # "since 1994", "the 14th century": a date in years, not a duration
    if u in MEASURE_UNITS:
        return u, 1.0
    return "count", 1.0

_CURRENCY_WORDS = ("dollar", "euro", "pound sterling", "yen", "rupee", "franc", "won", "shekel", "yuan", "real",
                   "ringgit", "dirham", "peso", "rouble", "ruble", "lira", "naira", "rand", "krona", "krone", "penny")

# Every currency the extractor names ("croatian kuna", "hungarian forint").
_CURRENCY_NAMES = frozenset(lx.CURRENCY_WORDS.values()) | frozenset(lx.CURRENCY_PREFIXES.values()) \
    | frozenset(lx.NATIONAL_CURRENCIES.values())

def coarse_family(unit: str) -> str:
    """The kind of quantity a unit measures, coarse enough for the lexicon to
    say which measures a figure can state: count, money, length, area,
    volume, duration, speed, percentage, mass, time of day, calendar year, or other."""
    u = (unit or "").strip().lower()
    if u.startswith(lx.TIME_OF_DAY):
        return lx.TIME_OF_DAY  # in whatever zone: a time states when something happened
    if u in lx.DATING_UNITS:
        return lx.CALENDAR_YEAR
    family, _ = unit_family(u)
    if family in ("count", "money", "length", "area", "volume", "duration", "percentage", "mass"):
        if family == "count" and u and any(w in u for w in ("mile", "metre", "meter", "foot", "feet")):
            return "length"  # a unit quantulum does not know ("nautical mile")
        return family
    if " per hour" in u or u in ("knot", "metre per second"):
        return "speed"
    if u.startswith("square ") or u in ("acre", "hectare"):
        return "area"
    if u.startswith("cubic ") or u in ("barrel", "millilitre"):
        return "volume"
    if any(w in u for w in _CURRENCY_WORDS) or u in _CURRENCY_NAMES:
        return "money"
    if family == "percentage point":
        return "percentage"
    return "other"
