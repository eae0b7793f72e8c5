"""Find the figures in a parsed document and normalize them.

A figure becomes a `Quantity`: an interval with a kind (exact, approx, range,
lower, upper, vague, categorical), a normalized unit, a trend and its span.

The scan is a fast regular-expression pass over the document text that finds
candidate numbers, then uses the spaCy parse around each candidate (entities,
heads, lemmas) to reject non-claims (dates, clock times, ordinals, names with
digits, page furniture) and to find what is counted. quantulum3 is consulted
only for candidates whose unit the word lists do not know.
"""
from __future__ import annotations

import bisect
import functools
import math
import re
import warnings
from dataclasses import dataclass

from . import lexicon as lx
from .clock import find_clock_times
from .datings import find_datings
from .model import INF, Quantity

# ---------------------------------------------------------------- patterns

_WORD_UNITS = "|".join(sorted(lx.UNITS_WORDS, key=len, reverse=True))
_WORD_TENS = "|".join(lx.TENS_WORDS)
_WORD_GROUP = (
    rf"(?:(?:{_WORD_TENS})(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine)\b)?|(?:{_WORD_UNITS}))"
)
# "twenty-three thousand four hundred fifty-six", "three dozen", "a million"
_WORD_NUMBER = (
    rf"(?:{_WORD_GROUP}|a\s+dozen|dozen|a\s+hundred|a\s+thousand|a\s+million|a\s+billion)"
    rf"(?:[\s-](?:hundred|thousand|million|billion|trillion|dozen)\b(?:,?\s+(?:and\s+)?(?={_WORD_GROUP}\b)"
    rf"{_WORD_GROUP}(?=[\s-](?:hundred|thousand)\b|(?![\s-](?:million|billion|trillion))))?)*"
)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125, "⅜": 0.375, "⅝": 0.625, "⅞": 0.875}
_DIGITS = (
    r"(?:\d+(?:\.\d+)?\s?[×x]\s?10\s?(?:(?:\^|\*\*)\s?[-−]?|[-−])\d{1,3}(?![\d,])"  # 9.11×10−31, 6.02x10^23
    r"|\d+(?:\.\d+)?\s?[×x]\s?10[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+"  # 9.11×10⁻³¹
    r"|(?<![\d.])10(?:\s?(?:\^|\*\*)\s?[-−]?\d{1,3}|[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)(?![\d,])"  # 10^6
    r"|\d+(?:\s+|-)\d/\d{1,2}(?![\d/])"  # 2 1/2
    r"|\d+\s?[½¼¾⅓⅔⅛⅜⅝⅞]"  # 2½
    r"|(?<![\d,.])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d\w-])(?:\.\d+)?"  # 11 300
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+|[½¼¾⅓⅔⅛])"
)
_CURRENCY = (
    r"(?:US\s?\$|AU?\$|CA?\$|(?-i:NZ|C)\s?\$|HK\s?\$|S\$|R\$|\$US|\$A(?=\d)|\$C(?=\d)|\$NZ|\$|€|£|¥|₹|₪|Y=|Rs\.?\s?"
    r"|RM(?=\d)|PS(?=\d)|(?-i:USD|EUR|GBP|JPY|INR|CHF|NZD|AUD|CAD|HKD|SGD|CNY|RMB|KRW|SEK|NOK|DKK|ZAR|TRY|RUB|BRL|MXN)\s?)"
)
_MAGNITUDE = r"(?:(?:[\s-]?(?:hundred|thousand|million|billion|trillion|dozen|lakhs?|crores?)\b)+|(?:bn|mn|mln|tn|trn|[mkb])\b)"

NUMBER_RE = re.compile(
    rf"(?P<minus>\bminus[\s-])?(?P<sign>(?<![\w.,])[+\-−](?=[$€£\d]))?(?P<cur>(?<![A-Za-z]){_CURRENCY})?(?P<csign>(?<=[$€£])[\-−](?=\d))?"
    rf"(?P<num>{_DIGITS}|\b{_WORD_NUMBER}(?:\b|(?=fold\b)))(?P<mag>{_MAGNITUDE})?(?P<fold>-?fold\b)?",
    re.IGNORECASE,
)
FRACTION_RE = re.compile(
    r"\b(?P<n>a|one|two|three|four|five|six|seven|eight|nine|ten)[\s-]"
    r"(?P<d>halves|half|thirds?|quarters?|fourths?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?"
    r"|hundredths?|thousandths?)\b|\b(?P<half>half)\b(?!-)",
    re.IGNORECASE,
)
VAGUE_RE = re.compile(
    r"\b(?P<q>hundreds of thousands|tens of thousands|hundreds of millions|tens of millions|a handful|"
    r"handful|a few|a couple of|several|a number of|dozens|scores|hundreds|thousands|millions|billions)\b"
    r"(?P<of>\s+of\b)?",
    re.IGNORECASE,
)
_GROUP = "|".join(sorted(lx.GROUP_NOUNS, key=len, reverse=True))
CATEGORICAL_RE = re.compile(
    rf"\ball\s+(?:of\s+)?(?:the\s+|those\s+|its\s+|their\s+)?(?P<g>(?:[A-Za-z-]+(?:,\s*|\s+)){{0,6}}?"
    rf"(?:{_GROUP})(?:(?:,\s*|\s+)(?:[A-Za-z-]+(?:,\s*|\s+)){{0,3}}?(?:{_GROUP}))*)\b",
    re.IGNORECASE,
)
RANGE_GAP_RE = re.compile(r"^\s*(?:-|–|—|~|to|through|and)\s*(?:up to\s+)?$", re.IGNORECASE)
CLOCK_RE = re.compile(r"^\s?(?:a\.?m\.?|p\.?m\.?)(?![a-z])|^:\d\d", re.IGNORECASE)
PHONE_RE = re.compile(r"(?:\+\d{1,3}[\s.-])?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b")
ISO_DATE_RE = re.compile(r"\b\d{4}[-/]\d{1,2}[-/]\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
SCORE_RE = re.compile(r"\b(\d+)-\1\b|(?<!\d\s)(?<!\d-)\b\d+/\d+\b|\b\d{1,2}:\d{2}(?::\d{2})?\b")
# Names that end in a number: "sp 500", "FTSE 100", "Fortune 500", "Formula 1".
NUMBERED_NAME_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(n) for n in sorted(lx.NUMBERED_NAMES, key=len, reverse=True))
    + r")[\s-]?\d{1,4}\b(?!\s*(?:%|per\s*cent|percent|points?|pts)\b)",
    re.IGNORECASE,
)
# Street addresses: "9 E 71st St", "49 Zorro Ranch Road", "10 Downing Street", "16-18 Mill Lane".
ADDRESS_RE = re.compile(
    r"\b\d{1,5}(?:[-–]\d{1,5})?[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:\d{1,3}(?:st|nd|rd|th)\s+|(?:[A-Z][a-z]+\s+){1,3})"
    r"(?:St|Street|Rd|Road|Ave|Avenue|Way|Lane|Ln|Drive|Dr|Blvd|Boulevard|Place|Pl|Court|Ct|Terrace|Crescent)\b\.?"
)
MIXED_FRACTION_RE = re.compile(
    rf"\b(?P<w>\d{{1,4}}|{_WORD_GROUP})\s+and\s+(?:a|one)\s+(?P<d>half|quarter|third)\b", re.IGNORECASE
)
# "an hour and 20 minutes", "1 hour 20 minutes", "1h and 20 minutes", "1h20": hours
# and minutes of one duration, read as one figure in minutes
HOURS_MINUTES_RE = re.compile(
    rf"\b(?:(?P<h>\d{{1,3}})\s?(?:hours?|hrs?|h)|(?P<hw>an?|one|{_WORD_GROUP})\s+(?:hours?|hrs?))"
    rf"(?:\s*,?\s+(?:and\s+)?(?P<m>\d{{1,2}}|{_WORD_GROUP})\s+(?:minutes?|mins?)\b|(?<=h)(?P<mm>[0-5]\d)\b)",
    re.IGNORECASE,
)
# "just over an hour", "less than a week": a time unit counted by its article, which
# is a figure only with a bound before it ("$10 an hour" is a rate)
ARTICLE_DURATION_RE = re.compile(r"\b(?:an?)\s+(?P<u>minute|hour|day|week|fortnight|month|year|decade)\b",
                                 re.IGNORECASE)
# "one in three Germans", "two out of five voters": a proportion.
RATIO_RE = re.compile(
    r"\b(?P<n>one|two|three|four|five|six|seven|eight|nine|\d{1,3})\s+(?:out\s+of|in)\s+(?:every\s+)?"
    r"(?P<d>two|three|four|five|six|seven|eight|nine|ten|\d{1,4})\b(?!\s*(?:%|percent|per\s+cent))",
    re.IGNORECASE,
)
NUMERIC_FRACTION_RE = re.compile(
    r"(?<![\w/.])(?<!\d\s)(?P<n>\d{1,3})\s*[/⁄]\s*(?P<d>\d{1,4})(?=\s+(?P<of>of\b)?(?P<w>[A-Za-z]+)?)"
)


@dataclass
class _Number:
    start: int
    end: int
    value: float
    currency: str | None
    is_word: bool
    sign: str | None
    has_magnitude: bool


def _word_number_value(text: str) -> float | None:
    """Value of a spelled-out number: "twenty-five", "a dozen", "two million"."""
    words = re.split(r"[\s-]+", text.lower().strip())
    total, current = 0.0, 0.0
    seen = False
    for w in words:
        if w in ("a", "and"):
            if w == "a":
                current = max(current, 1)
            continue
        if w == "dozen":
            current = max(current, 1) * 12
            seen = True
        elif w in lx.UNITS_WORDS:
            current += lx.UNITS_WORDS[w]
            seen = True
        elif w in lx.TENS_WORDS:
            current += lx.TENS_WORDS[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif w in ("thousand", "million", "billion", "trillion"):
            total += max(current, 1) * lx.MAGNITUDES[w]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def _digits_value(raw: str) -> float:
    """Digits as written: "1,200", "11 300", "2 1/2", "2½", "9.11×10−31"."""
    sup = re.fullmatch(r"(?:([\d.]+)\s?[×x]\s?)?10([⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)", raw)
    if sup:  # 10⁶, 9.11×10⁻³¹
        return float(f"{sup.group(1) or 1}e{sup.group(2).translate(_SUPERSCRIPT)}")
    sci = (re.fullmatch(r"([\d.]+)\s?[×x]\s?10\s?(?:\^|\*\*)?\s?([-−]?\d+)", raw)
           or re.fullmatch(r"()10\s?(?:\^|\*\*)\s?([-−]?\d+)", raw) or re.fullmatch(r"()10(-\d+)", raw))
    if sci:
        return float(f"{sci.group(1) or 1}e{sci.group(2).replace('−', '-')}")
    mixed = re.fullmatch(r"(\d+)(?:\s+|-)(\d)/(\d{1,2})", raw)
    if mixed:
        return int(mixed.group(1)) + int(mixed.group(2)) / int(mixed.group(3))
    if raw[-1] in _VULGAR:
        whole = raw[:-1].strip()
        return (float(whole) if whole else 0.0) + _VULGAR[raw[-1]]
    return float(re.sub(r"[,\s\u00a0\u202f]", "", raw))


def _parse_number(m: re.Match) -> _Number | None:
    raw = m.group("num")
    is_word = not any(ch.isdigit() for ch in raw) and raw[-1] not in _VULGAR
    if is_word:
        value = _word_number_value(raw)
        if value is None:
            return None
    else:
        value = _digits_value(raw)
    mag = m.group("mag")
    cur = m.group("cur")
    end = m.end()
    if mag and mag in ("m", "b") and not cur:
        mag, end = None, m.end("num")  # "37m" is metres; "$37m" is millions
    if mag:
        for word in re.findall(r"[a-z]+", mag.lower()):
            value *= lx.MAGNITUDES.get(word, 1)
    currency = None
    if cur and cur.strip() == "PS" and re.fullmatch(r"\d", raw) and not mag:
        return None  # "PS5" is a console; "PS2.7m" is a mangled pound sign
    if cur:
        currency = lx.CURRENCY_PREFIXES.get(re.sub(r"\s+", " ", cur.strip().lower()), "dollar")
    word_magnitude = is_word and bool(re.search(r"(?:hundred|thousand|million|billion|trillion|dozen)$", raw.lower()))
    if m.group("fold"):
        end = m.end()  # "threefold": a multiplier, read as its number
    sign = m.group("sign") or m.group("csign")
    if m.group("minus") or sign in ("-", "−"):
        value = -value  # "minus 5", "-3%", "$-50.8bn"
        sign = sign and "-"
    start = m.start() if not m.group("minus") else m.start("minus")
    return _Number(start, end, value, currency, is_word, sign, bool(mag) or word_magnitude)


# ---------------------------------------------------------------- helpers


def _singular(word: str) -> str:
    w = word.lower()
    if w in lx.TIME_UNIT_FORMS:
        return lx.TIME_UNIT_FORMS[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("ses") or w.endswith("xes") or w.endswith("ches") or w.endswith("shes"):
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


@functools.lru_cache(maxsize=4096)
def quantulum_unit(span_text: str) -> tuple[str, str] | None:
    """Unit name and matched surface for the first quantity quantulum3 finds in
    a short candidate span; None when it finds no unit. Cached per span text."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser  # imported on first use: it is slow to load

        try:
            found = parser.parse(span_text)
        except Exception:  # quantulum3 raises assorted errors on odd input
            return None
    for q in found:
        name = q.unit.name
        if name and name != "dimensionless":
            return name, q.surface
    return None


def _match_modifier(before: str) -> tuple[str, int] | None:
    """Longest bound/approximation phrase ending `before`: (kind, its length)."""
    low = before.lower()
    best = None
    for phrase, kind in lx.MODIFIERS.items():
        if low.endswith(phrase) and (len(low) == len(phrase) or not low[-len(phrase) - 1].isalnum()):
            if best is None or len(phrase) > best[1]:
                best = (kind, len(phrase))
    return best


_TREND_GAP_RE = re.compile(
    r"^(?:\s+(?:by|just|about|nearly|almost|roughly|some|around|an?|additional|another|"
    r"further|estimated|more than|over|under|less than|a further|as much as|only|sharply|slightly|"
    r"marginally|strongly))*\s*$",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[A-Za-z]+")


def _trend_word(word: str) -> str | None:
    """"up"/"down" for a word of rising or falling, in any inflection."""
    w = word.lower()
    for form in (w, w[:-3] if w.endswith("ing") else w, w[:-3] + "e" if w.endswith("ing") else w,
                 w[:-1] if w.endswith("s") else w, w[:-2] if w.endswith("ed") else w):
        if form in lx.TREND_UP:
            return "up"
        if form in lx.TREND_DOWN:
            return "down"
    return None


def _trend_before(text: str, start: int) -> str:
    """"rose 5%" / "up 19 cents" is a change; "rose to 5%" is a level."""
    window = text[max(0, start - 60) : start]
    for wm in reversed(list(_WORD_RE.finditer(window))):
        gap = window[wm.end() :]
        if not _TREND_GAP_RE.match(gap):
            break
        trend = _trend_word(wm.group(0))
        if trend:
            if wm.group(0).lower() in ("up", "down"):
                before = _WORD_RE.findall(window[: wm.start()])
                if before and before[-1].lower() in lx.PARTICLE_VERBS:
                    return "level"  # "gave up 517 yards", "set up 3 teams": a particle, not a change
            return trend
    by = re.search(r"\bby(?:\s+(?:about|around|roughly|nearly|almost|some|just|a\s+further|another|more\s+than"
                   r"|less\s+than|over|up\s+to))?\s*$", window, re.IGNORECASE)
    if by:
        # "grow sales by 35 per cent", "cut its key rate by half a point": the verb, its object, then "by"
        clause = re.split(r"[,;:.()]|\b(?:and|but|which|that|while|after|before)\b", window[: by.start()])[-1]
        words = _WORD_RE.findall(clause)[-6:]
        for w in reversed(words):
            trend = _trend_word(w) or lx.TREND_BY_VERBS.get(w.lower())
            if trend and w.lower() not in ("up", "down"):
                return trend
    return "level"


_AFTER_TREND_RE = re.compile(r"^\s+(higher|lower|up|down)\b", re.IGNORECASE)


# ---------------------------------------------------------------- units

_HYPHEN_UNIT_RE = re.compile(r"^-(?P<u>[A-Za-z]+)(?P<old>-old)?")
_MULTIWORD_UNITS = (
    r"per\s+cent|percentage\s+points?|basis\s+points?|degrees?\s+(?:celsius|fahrenheit|centigrade)"
    r"|(?:square|cubic|sq\.?)\s*(?:feet|foot|ft|metres?|meters?|m|miles?|mi|kilometres?|kilometers?|km)\b"
    r"|nautical\s+miles?\b|fluid\s+ounces?|(?:pounds?|lbs?)[-\s](?:feet|foot|ft)\b|pounds?\s+sterling|metric\s+(?:tons?|tonnes?)"
    r"|barrels?\s+of\s+oil|ft-lbs?\b|foot-pounds?\b|pounds?\s+per\s+square\s+inch"
    r"|(?:kilo|mega|giga)watt[-\s]hours?"
)
_ATTACHED_RE = re.compile(
    rf"^(?P<u>%|[€£¥]|[″′](?![A-Za-z])|(?:{_MULTIWORD_UNITS})|[A-Za-zμµ°]+\d?(?:/[A-Za-z]+)?)", re.IGNORECASE
)
_SPACED_RE = re.compile(
    rf"^\s+(?:(?:US|U\.S\.|imperial)\s+(?=fluid|gallon|pint|quart|ounce|cup|ton))?"
    rf"(?P<u>{_MULTIWORD_UNITS}|[A-Za-zμµ°]+(?:-[A-Za-z]+)?(?:/[A-Za-z]+)?)",
    re.IGNORECASE,
)
_PER_RE = re.compile(rf"^(?:\s*(?:per|a|an)\s+|\s*/\s*|-a-)(?P<u>{_MULTIWORD_UNITS}|[A-Za-z]+)\b", re.IGNORECASE)


_IDENTIFIER_NOUNS = {"category", "game", "level", "phase", "stage", "section", "unit", "chapter", "page",
                     "room", "number", "no", "grade", "class", "article", "round", "week", "day", "season",
                     "episode", "version", "volume", "gate", "terminal", "platform", "route", "highway",
                     "flight", "tier", "step", "item", "part", "act", "bill", "resolution", "chapter"}
_NOT_UNITS = {"at", "a", "an", "in", "on", "of", "to", "by", "am", "pm", "last", "the", "this", "next",
              "per", "and", "or", "as", "for", "from", "with", "max", "pro", "mini", "plus", "ultra", "s"}
_UNIT_ABBREVIATIONS = {"F", "V", "W", "A", "C", "K", "J", "N", "Hz", "GB", "MB", "TB", "kW", "MW", "GW", "mAh", "Wh",
                       "kWh", "MWh", "GWh", "PSI", "ppm", "ppb", "dB", "mg", "ml", "mL", "L"}


@dataclass
class _Unit:
    name: str  # normalized name ("day", "percentage", "dollar per barrel", or a count noun)
    stated: str  # the unit as written, singular ("week")
    end: int  # where the unit text ends
    scale: float = 1.0  # stated value * scale = normalized value
    is_count: bool = False


def _lookup_unit(word: str) -> tuple[str, str, float] | None:
    """(normalized name, stated name, scale to the normalized value) of a unit
    word, or None. Case matters for a few abbreviations ("12 C", "5G")."""
    if word in lx.CASED_UNITS:
        return lx.CASED_UNITS[word], lx.CASED_UNITS[word], 1.0
    if word.isupper() and word.lower() in lx.LOWER_CASE_ONLY_UNITS:
        return None
    w = re.sub(r"\s+", " ", word.lower())
    if w not in lx.UNIT_WORDS and "-" in w and w.split("-")[0] in lx.UNIT_WORDS:
        w = w.split("-")[0]  # "5 kilometre-long"
    if w not in lx.UNIT_WORDS and w.endswith("s") and w[:-1] in lx.UNIT_WORDS and len(w) > 4:
        w = w[:-1]  # "gigapascals", "decibels"
    if w in lx.UNIT_WORDS:
        return lx.UNIT_WORDS[w], lx.UNIT_WORDS[w], 1.0
    single = lx.TIME_UNIT_FORMS.get(w, w)
    if single in lx.TIME_UNITS:
        return "day", lx.TIME_UNIT_NAMES.get(single, single), lx.TIME_UNITS[single]
    return None


_RATE_WORDS = {
    "share", "year", "month", "week", "day", "hour", "gallon", "barrel", "gram", "litre", "liter",
    "person", "head", "capita", "kilogram", "kg", "pound", "tonne", "ton", "ounce", "mile", "km",
    "kilometre", "unit", "night", "minute", "second",
}


def _per_suffix(text: str, pos: int, unit: _Unit) -> _Unit:
    """Extend a unit to a rate: "$58.24 per barrel", "52,000 barrel-a-day",
    "11 feet per century". After "a"/"an" only words that make rates count
    ("$5 a share", not "$6.78 billion a year earlier")."""
    m = _PER_RE.match(text[pos : pos + 30])
    if not m:
        return unit
    word = m.group("u")
    connector = m.group(0)[: m.start("u") - m.start()].strip().lower()
    if word.lower() == "square":
        sq = re.match(r"^\s*(?:per|a|an)\s+square\s+(\w+)|^\s*/\s*square\s+(\w+)", text[pos : pos + 40], re.IGNORECASE)
        if sq:
            area = sq.group(1) or sq.group(2)
            found = _lookup_unit(area)
            name = f"{unit.name if not unit.is_count else unit.stated} per square {found[1] if found else _singular(area)}"
            return _Unit(name, name, pos + sq.end(), 1.0, False)
    after = text[pos + m.end() : pos + m.end() + 12].lower()
    if re.match(r"^\s*(?:earlier|ago|later|before|after|on|from)\b", after) or word.lower() == "the":
        return unit  # "a year earlier" is a time, not a rate
    if connector in ("a", "an", "-a-") and word.lower() not in _RATE_WORDS:
        return unit
    found = _lookup_unit(word)
    base = found[1] if found else _singular(word)
    # a rate keeps the units as stated: "eight hours a day" is hours per day, not days
    name = f"{unit.stated if unit.is_count or unit.name == 'day' else unit.name} per {base}"
    return _Unit(name, name, pos + m.end(), 1.0, False)


_MODIFIER_WORDS = frozenset(w for phrase in lx.MODIFIERS for w in phrase.split())


def _modifiers_before(ctx: "_DocContext", num: _Number, head: tuple[int, str]) -> str:
    """A counted noun with the words that describe it before the figure: "a
    record 32 goals" counts record goals, "the top three seeds" top seeds."""
    noun = ctx.token_at(head[0] - 1)
    if noun is None:
        return head[1]
    before = [t for t in noun.lefts if t.idx < num.start and t.dep_ in ("amod", "compound")
              and t.pos_ in ("ADJ", "NOUN") and t.tag_ not in ("VBN", "VBG") and not t.like_num
              and t.ent_type_ not in ("DATE", "TIME") and t.lower_ not in _NOT_CONCEPT
              and t.lower_ not in _MODIFIER_WORDS]
    return _joined(before, head[1]) if before else head[1]


_DEICTIC = {"last", "next", "this", "that", "coming", "past", "same"}  # "2.1 last year" is a time, not a unit

_NATIONAL_CURRENCY_RE = re.compile(
    r"^\s+(?P<n>" + "|".join(sorted({re.escape(n).replace(r"\ ", r"\s+") for n, _ in lx.NATIONAL_CURRENCIES},
                                     key=len, reverse=True))
    + r")\s+(?P<c>" + "|".join(sorted({c for _, c in lx.NATIONAL_CURRENCIES}, key=len, reverse=True)) + r")s?\b",
    re.IGNORECASE,
)


def _find_unit(text: str, num: _Number, doc_ctx: "_DocContext") -> _Unit | None:
    end = num.end
    rest = text[end : end + 48]
    if num.currency:
        unit = _Unit(num.currency, num.currency, end)
        m = _SPACED_RE.match(rest)
        if m and m.group("u").lower() in ("us", "usd", "dollars"):
            unit.end = end + m.end()
        return _per_suffix(text, unit.end, unit)
    age = re.match(r"^[\s-]?(year|month|week|day)s?[\s-]old\b", rest, re.IGNORECASE)
    if age:
        name = f"{age.group(1).lower()} of age"
        return _Unit(name, name, end + age.end())
    m = _ATTACHED_RE.match(rest)
    if m:
        found = _lookup_unit(m.group("u")) or (("inch", "inch", 1.0) if m.group("u") == "in" else None)  # "5ft 10in"
        if found:
            return _per_suffix(text, end + m.end(), _Unit(found[0], found[1], end + m.end(), found[2]))
        return None  # letters glued to digits that are no unit: "5G", "3D"
    m = _HYPHEN_UNIT_RE.match(rest)
    if m:
        word = m.group("u")
        if m.group("old") and word.lower() in ("year", "month", "week", "day"):
            return _Unit("year of age", "year of age", end + m.end())
        found = _lookup_unit(word)
        if found:
            return _per_suffix(text, end + m.end(), _Unit(found[0], found[1], end + m.end(), found[2]))
        if word.lower() in lx.HYPHEN_ADJECTIVES:
            return None  # "a 2,000-strong crowd", "a 300-metre-long ship" reads its unit elsewhere
        noun = _singular(word)
        return _Unit(noun, noun, end + m.end(), is_count=True)
    m = _NATIONAL_CURRENCY_RE.match(rest)
    name = m and lx.NATIONAL_CURRENCIES.get((re.sub(r"\s+", " ", m.group("n").lower()), _singular(m.group("c")).lower()))
    if name:  # "7.5 million Danish crowns"
        return _per_suffix(text, end + m.end(), _Unit(name, name, end + m.end()))
    if re.match(r"^-\s*(?:,|or\b|and\b|to\b)", rest):
        return None  # "a 10- or 12-inch pizza": the unit comes with the next figure
    m = _SPACED_RE.match(rest)
    if m:
        raw = m.group("u")
        word = re.sub(r"\s+", " ", raw.lower())
        if "-" in word and word not in lx.UNIT_WORDS and word.split("-")[0] in lx.UNIT_WORDS:
            # "52,000 barrel-a-day": the unit is the first part; the rate follows it
            raw, word = raw.split("-")[0], word.split("-")[0]
            m = re.match(r"^\s+(?:\S+\s+)?" + re.escape(raw), rest) or m
        found = _lookup_unit(raw if raw in lx.CASED_UNITS or raw.isupper() else word)
        if found and raw in lx.CASED_UNITS and re.match(r"^[-\w]", text[end + m.end() : end + m.end() + 1]):
            found = None  # "12,000 F-150 trucks": a model name, not Fahrenheit
        if found and word in ("pound", "pounds") and num.has_magnitude:
            found = ("pound sterling", "pound sterling", 1.0)  # "2 million pounds" is money
        if found and not (word in ("m", "g") and not num.currency):
            return _per_suffix(text, end + m.end(), _Unit(found[0], found[1], end + m.end(), found[2]))
    # Unknown unit word: ask quantulum3 about this short span only.
    head = doc_ctx.count_noun_after(end)
    if head is not None and head[1] in ("plus", "odd"):
        head = None  # "50 plus", "30-odd": a bound or a rough figure, read from the wording
    if head is not None and head[0] > end:
        found = _lookup_unit(doc_ctx.last_head)
        if found and set(doc_ctx.last_modifiers) & _DEICTIC:
            return None  # "and 2.1 last year": a time phrase follows the figure
        if found and not doc_ctx.last_named:  # "517 rushing yards", "50 previous years": a unit after a modifier
            return _per_suffix(text, head[0], _Unit(found[0], found[1], head[0], found[2]))
    if head is not None and (doc_ctx.last_head in doc_ctx.plain_nouns or doc_ctx.last_tag in ("NNS", "NNPS")):
        # A plural noun is what is counted ("11,000 Palestinians"); quantulum3 is
        # kept for odd unit words ("275 pound-feet", "35 GWh"). "3,000 tests a day" is a rate.
        name = _modifiers_before(doc_ctx, num, head)
        return _per_suffix(text, head[0], _Unit(name, name, head[0], is_count=True))
    if not re.match(r"^[\s-]?[^\W\d_]", rest):
        return None  # nothing unit-like follows: no need to ask quantulum3
    window = text[num.start : min(len(text), end + 32)]
    got = quantulum_unit(window)
    if got:
        name, surface = got
        pos = window.find(surface)
        unit_text = window[end - num.start : pos + len(surface)] if pos >= 0 else ""
        words = re.findall(r"[A-Za-z]+", unit_text)
        plausible = (
            0 < len(words) <= 3
            and not re.match(r"^-?\d", window[pos + len(surface) :] if pos >= 0 else "")
            and not any(w.lower() in _NOT_UNITS for w in words)
            and not (words[0][:1].isupper() and words[0] not in _UNIT_ABBREVIATIONS)
        )
        if pos >= 0 and pos <= (end - num.start) and pos + len(surface) > end - num.start and plausible:
            stated = name
            if name in lx.TIME_UNITS:
                return _Unit("day", name, num.start + pos + len(surface), lx.TIME_UNITS[name])
            return _per_suffix(text, num.start + pos + len(surface),
                               _Unit(name, stated, num.start + pos + len(surface)))
    if head is not None:
        return _Unit(head[1], head[1], head[0], is_count=True)
    return None


# ---------------------------------------------------------------- document context


_WORD_RE = re.compile(r"[^\W\d_][^\W\d_'’-]*")
_TITLE_MAX = 300  # a headline's length at most
# Entities that make a capitalised word before or after a figure a name even
# in a title-case line ("Boeing 737 Jets Grounded"); the tagger's parts of
# speech there follow the capitals.
_NAME_ENTS = frozenset({"ORG", "PRODUCT", "FAC", "WORK_OF_ART", "EVENT", "LAW"})


class TokenIndex:
    """Character offsets to tokens by bisection over token starts; spaCy's
    char_span scans the document each time. Shared with the claims stage."""

    def __init__(self, doc):
        self.doc = doc
        self.starts = [t.idx for t in doc]

    def token_at(self, offset: int):
        """The token holding `offset`, or the next token after it (None past the end)."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.starts[i] + len(self.doc[i].text):
            return self.doc[i]
        return self.doc[i + 1] if i + 1 < len(self.starts) else None

    def tokens(self, start: int, end: int) -> list:
        """The tokens overlapping the character span [start, end)."""
        first = max(bisect.bisect_right(self.starts, start) - 1, 0)
        last = bisect.bisect_left(self.starts, end)
        return list(self.doc[first : max(last, first + 1)])


def _joined(modifiers: list, head: str) -> str:
    """A counted noun with its modifiers, lemmatized and lower-cased, hyphenated
    words kept whole: "first-team player", "european country"."""
    out = ""
    for t in modifiers:
        out += (t.lemma_.lower() if t.pos_ in ("NOUN", "ADJ") else t.lower_) + t.whitespace_  # "best" -> "good"
    out = re.sub(r"\s+", " ", out).strip(" -")
    return f"{out} {head}" if out else head


class _DocContext:
    """Per-document lookups from the spaCy parse, built once per doc."""

    plain_nouns = frozenset()  # replaced per instance
    last_tag = ""  # tag of the noun count_noun_after found last
    last_head = ""  # and its lemma
    last_modifiers: tuple = ()  # and the words before it
    last_named = False
    _chunks = None
    chunk_starts: list[int] = []

    def __init__(self, doc):
        self.doc = doc
        self.text = doc.text
        self.index = TokenIndex(doc)
        self.token_at = self.index.token_at
        self.ent_at: dict[int, object] = {}
        for e in doc.ents:
            for i in range(e.start_char, e.end_char):
                self.ent_at[i] = e
        self.plain_nouns = {
            t.lemma_.lower() for t in doc if t.pos_ in ("NOUN",) and t.lemma_.lower() not in lx.UNIT_WORDS
        }
        self._titled: dict[int, bool] = {}

    def titled(self, offset: int) -> bool:
        """The line holding `offset` is in title case ("Storm Leaves 12 Dead In
        Coastal Town"): every word of four letters or more capitalised, so a
        capital says nothing about a name there; only the tagger's entities do."""
        start = self.text.rfind("\n", 0, offset) + 1
        got = self._titled.get(start)
        if got is None:
            end = self.text.find("\n", offset)
            end = len(self.text) if end < 0 else end
            words = [w for w in _WORD_RE.findall(self.text, start, min(end, start + _TITLE_MAX))
                     if len(w) >= 4 and w.lower() not in lx.TITLE_LOWER_WORDS]
            got = self._titled[start] = (end - start <= _TITLE_MAX and len(words) >= 3
                                         and all(w[0].isupper() for w in words))
        return got

    def noun_chunks(self) -> list:
        """The doc's noun chunks, computed once (spaCy recomputes them per call)."""
        if self._chunks is None:
            self._chunks = list(self.doc.noun_chunks)
            self.chunk_starts = [c.start for c in self._chunks]
        return self._chunks

    def count_noun_after(self, end: int) -> tuple[int, str] | None:
        """What a number counts, within a few words after it: (end offset, the
        lemmatized phrase, e.g. "heart transplant", "different product").
        `last_head` and `last_tag` keep the head noun's lemma and tag."""
        tok = self.token_at(end)
        if tok is not None and tok.idx < end:  # a token the figure cuts through ("1.1m.") is no noun
            tok = self.doc[tok.i + 1] if tok.i + 1 < len(self.doc) else None
        if tok is None:
            return None
        skipped = False
        modifiers: list = []  # tokens; hyphens kept so "first-team" stays one word
        self.last_modifiers = ()
        self.last_named = False  # whether a proper name is among them ("eight World Cups" counts cups of a name)
        for t in self.doc[tok.i : min(len(self.doc), tok.i + 5)]:
            if is_separator_noun(t):
                break  # "Toll Rises To 517 | Wire": a separator the tagger took for a noun ends the phrase
            hyphened = t.i + 1 < len(self.doc) and self.doc[t.i + 1].text == "-" and not t.whitespace_
            if t.pos_ == "ADJ" and t.ent_type_ != "GPE" and (not t.like_num or hyphened):
                modifiers.append(t)  # "four different bosses", "seven European countries"
                continue
            if t.tag_ in ("VBN", "VBG") and t.dep_ in ("amod", "compound") and t.head.i > t.i:
                continue  # "300 recorded songs": a participle describes, it is not what is counted
            if t.pos_ == "PROPN" and any(ch.isdigit() for ch in t.text):
                skipped = True  # a model name between figure and noun: "12,000 F-150 trucks"
                continue
            nxt2 = self.doc[t.i + 1 : t.i + 3]
            if (t.pos_ == "PROPN" and len(nxt2) == 2 and nxt2[0].like_num and "," not in nxt2[0].text
                    and nxt2[1].pos_ == "NOUN"):
                skipped = True  # "two Boeing 747 jets": the maker and model stand between
                continue
            if t.like_num and t.pos_ == "NUM" and not skipped and t.i + 1 < len(self.doc) and self.doc[t.i + 1].pos_ != "PROPN":
                return None  # "one 52,000 barrel-a-day refinery": the noun belongs to the next figure
            if t.pos_ in ("NOUN", "PROPN") and not t.like_num:
                nxt = self.doc[t.i + 1] if t.i + 1 < len(self.doc) else None
                if t.pos_ == "PROPN" and t.ent_type_ in ("GPE", "NORP") and nxt is not None and nxt.pos_ == "NOUN":
                    continue  # "three US soldiers": the place describes the noun
                if t.pos_ == "PROPN" and nxt is not None and nxt.tag_ == "NNS" and t.ent_type_ not in ("DATE", "TIME"):
                    modifiers.append(t)  # "71 Leeds fans", "three NHL clubs"
                    continue
                run = self.doc[t.i : min(len(self.doc), t.i + 4)]
                end_plural = next((k for k, r in enumerate(run) if r.tag_ in ("NNS", "NNPS") or (
                    k > 0 and r.pos_ == "PROPN" and len(r.text) > 3 and r.text.endswith("s") and not r.text.endswith("ss"))),
                    None)  # the tagger may call "Cups" singular at a sentence end
                if (t.pos_ == "PROPN" and end_plural and all(r.pos_ == "PROPN" for r in run[:end_plural])
                        and t.ent_type_ not in ("DATE", "TIME", "GPE", "PERSON")):
                    # "four FA Cup finals", "eight straight World Cups": a name and the plural it ends in
                    modifiers.extend(run[:end_plural])
                    t = run[end_plural]
                    lemma = t.lemma_.lower() if t.pos_ == "NOUN" else _singular(t.text)
                    self.last_tag, self.last_head = t.tag_, lemma
                    self.last_modifiers = tuple(m.lower_ for m in modifiers if m.text != "-")
                    self.last_named = True
                    return t.idx + len(t.text), _joined(modifiers, _singular(t.text).lower() if t.pos_ == "PROPN" else lemma)
                if t.ent_type_ in ("GPE", "ORG", "PERSON", "DATE", "TIME") and t.pos_ == "PROPN":
                    return None
                if (t.pos_ == "NOUN" and t.dep_ == "compound" and nxt is not None and nxt.pos_ == "NOUN"
                        and t.head.i == nxt.i):
                    modifiers.append(t)  # "heart transplants", "shipping containers"
                    continue
                lemma = t.lemma_.lower() if t.pos_ == "NOUN" else _singular(t.text)
                if t.lower_ in lx.INVARIANT_NOUNS:
                    lemma = t.lower_  # "3 new species", not "specie"
                self.last_tag = t.tag_
                self.last_head = lemma
                self.last_modifiers = tuple(m.lower_ for m in modifiers if m.text != "-")
                self.last_named = any(m.pos_ == "PROPN" for m in modifiers)
                # the span ends at the figure when a name stands between it and the noun
                return (end if skipped else t.idx + len(t.text)), _joined([*modifiers], lemma)
            if t.pos_ in ("VERB", "AUX", "ADP", "PUNCT", "CCONJ", "PRON", "DET", "SCONJ", "PART"):
                if t.text in ("-",) and modifiers and not t.whitespace_ and not modifiers[-1].whitespace_:
                    modifiers.append(t)  # "first-team"
                    continue
                if t.text in ("-",):
                    continue
                return None
        return None


# ---------------------------------------------------------------- exclusions


def _is_calendar(text: str, num: _Number, ctx: _DocContext, unit: _Unit | None) -> bool:
    """Dates and years: "Oct. 7", "15 December", "2023", "July 4, 2016"."""
    before = text[max(0, num.start - 12) : num.start].lower()
    after = text[num.end : num.end + 14].lower()
    prev_word = re.findall(r"[a-z]+\.?\s*$", before)
    if prev_word and prev_word[0].strip(" .") in lx.MONTHS:
        return True
    next_word = re.match(r"^(?:st|nd|rd|th)?\s*(?:of\s+)?([a-z]+)", after)
    if next_word and next_word.group(1) in lx.MONTHS and not num.is_word and num.value <= 31:
        return True
    raw = text[num.start : num.end]
    if not num.is_word and not num.currency and re.fullmatch(r"\d{4}", raw) and 1800 <= num.value <= 2199:
        if unit is None and _reached_by_a_total(ctx, num):
            return False  # "the number injured lifted to 2059": the count it reached
        if unit is None or not unit.is_count and unit.name not in lx.NORMALIZED_UNITS:
            return True
        if unit.is_count:
            # "2000 people" counts; "2022's market rout" or "in 2019 the team" is a year.
            tok = ctx.token_at(num.start)
            nxt = tok.doc[tok.i + 1] if tok is not None and tok.i + 1 < len(tok.doc) else None
            if _counts_people(text, num, nxt):
                return False  # "rose to 2012 people": a count, whatever the tagger's DATE says
            ent = ctx.ent_at.get(num.start)
            if ent is not None and ent.label_ == "DATE":
                return True
            if nxt is None or nxt.tag_ not in ("NNS", "NNPS", "JJ", "CD") or nxt.text in ("'s", "’s", "′s"):
                return True
    if not num.is_word and "." not in raw and num.value <= 31:
        ent = ctx.ent_at.get(num.start)
        if ent is not None and ent.label_ == "DATE" and any(
            m in ent.text.lower().replace(".", "").split() for m in lx.MONTHS
        ):
            return True
    return False


def _counts_people(text: str, num: _Number, nxt) -> bool:
    """A four-digit number right before a people noun counts them ("2012
    people", "1404 residents"), unless a word of time puts a year there ("in
    2012 people fled", "since 2019 residents")."""
    if nxt is None or nxt.lower_ not in lx.GROUP_NOUNS or nxt.idx != num.end + 1:
        return False
    before = re.findall(r"[A-Za-z]+", text[max(0, num.start - 24) : num.start])
    return not before or before[-1].lower() not in lx.YEAR_PREPOSITIONS


def _reached_by_a_total(ctx: _DocContext, num: _Number) -> bool:
    """A bare four-digit number that a running count reaches: "the number
    injured lifted to 2059", "the toll stood at 2100", "the tally is 1980".
    Its verb's subject is a count noun (lexicon TOTAL_NOUNS), and the number
    is that verb's object or follows its "to" or "at"; "postponed to 2025" and
    "the toll rose in 2019" stay years."""
    tok = ctx.token_at(num.start)
    if tok is None:
        return False
    if tok.dep_ == "pobj" and tok.head.lower_ in ("to", "at"):
        verb = tok.head.head
    elif tok.dep_ in ("dobj", "attr"):
        verb = tok.head
    else:
        return False
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    return any(child.dep_ in ("nsubj", "nsubjpass") and child.lemma_.lower() in lx.TOTAL_NOUNS
               for child in verb.children)


def _is_named(text: str, num: _Number, ctx: _DocContext) -> bool:
    """Digits inside names: "G7", "COVID-19", "S&P 500", "Boeing 737", "(1)"."""
    s = num.start
    if s > 0 and (text[s - 1].isalpha() or text[s - 1] == "_"):
        return True
    if s > 1 and text[s - 1] == "-" and text[s - 2].isalpha() and not num.currency:
        return text[max(0, s - 4) : s].lower() != "sub-"
    if num.is_word or num.currency:
        return False
    after = text[num.end : num.end + 12]
    unit_after = re.match(r"^\s?(%|°?[A-Za-zµμ]+)", after)
    if unit_after and _lookup_unit(unit_after.group(1)):  # "room 72°F" is a temperature, not room number 72
        return False
    ent = ctx.ent_at.get(s)
    if ent is not None and ent.label_ in ("ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "FAC", "PERSON"):
        if ent.start_char < s:
            return True
    if text[max(0, s - 1) : s] == "(" and text[num.end : num.end + 1] == ")" and num.value < 10:
        return True
    raw = text[s : num.end]
    tok = ctx.token_at(s)
    if tok is not None:
        prev = tok.doc[tok.i - 1] if tok.i > tok.sent.start else None
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        unit_next = nxt is not None and (nxt.lower_ in lx.UNIT_WORDS or nxt.lower_ in lx.TIME_UNIT_FORMS
                                         or nxt.lower_ in lx.TIME_UNITS or nxt.text in ("%", "-"))
        titled = ctx.titled(s)
        if (prev is not None and prev.pos_ == "PROPN" and any(c.isupper() for c in prev.text)
                and prev.lower_ not in lx.MONTHS and not unit_next
                and (not titled or prev.ent_type_ in _NAME_ENTS)):
            if not (nxt is not None and nxt.pos_ == "NOUN" and nxt.tag_ == "NNS"):
                return True
            if prev.idx + len(prev.text) < s and prev.ent_type_ in ("ORG", "PRODUCT", "") and "," not in raw:
                return True  # "two Boeing 747 jets": a model number, even before a plural noun
        if prev is not None and prev.lower_ in _IDENTIFIER_NOUNS and not unit_next:
            return True  # "category 4", "Game 7", "phase 1": a label, not an amount
        after_nxt = tok.doc[nxt.i + 1] if nxt is not None and nxt.i + 1 < len(tok.doc) else None
        describes = (after_nxt is not None and after_nxt.tag_ == "NNS"  # "71 Leeds fans", "3 NHL clubs"
                     and (prev is None or prev.pos_ not in ("NUM", "ADJ")))  # not "two new 737 Max jets"
        if (nxt is not None and nxt.pos_ == "PROPN" and nxt.text[:1].isupper() and re.fullmatch(r"\d+", raw)
                and nxt.ent_type_ not in ("NORP", "GPE") and nxt.lower_ not in lx.MONTHS
                and not unit_next and not describes and (not titled or nxt.ent_type_ in _NAME_ENTS)):
            return True
    before = text[max(0, s - 12) : s]
    if re.search(r"(?:No\.|Number|#|Nos?\.)\s*$", before):
        return True
    return False


def _is_furniture(text: str, num: _Number) -> bool:
    """Counts that describe the web page ("25 views", "2 min read"): a bare
    count and its noun alone on their line or before a separator; "30 million
    shares up for sale" is a figure of the story."""
    after = text[num.end : num.end + 24].lower()
    m = re.match(r"^\s*([a-z]+(?:\s+read)?)", after)
    if not (m and m.group(1) in lx.FURNITURE_NOUNS) or num.has_magnitude or num.currency:
        return False
    return bool(re.match(r"^\s*(?:$|\n|[|·•,;/)]|\d)", after[m.end() :]))


# ---------------------------------------------------------------- main scan


def _tolerance(kind: str, low: float, unit: _Unit | None) -> float:
    """Absolute slack the wording implies: 10% for "about", half a unit for weeks and longer."""
    tol = 0.0
    if kind == "approx":
        tol = abs(low) * lx.APPROX_TOLERANCE
    if unit is not None and unit.name == "day" and unit.scale >= 7:
        # "six weeks" is 42 days give or take half a week: the wording's precision.
        tol = max(tol, unit.scale / 2)
    return tol


_UNIT_GAP_RE = re.compile(r"^\s*(?:%|[A-Za-z]+(?:\s+cent)?)?\s*(?:to|-|–|and)\s*(?:up to\s+)?$", re.IGNORECASE)
_RANGE_INTRO_RE = re.compile(r"\b(?:from|between|range of|ranging from|ranges from|range from)\s+(?:up to\s+|about\s+|around\s+|some\s+)?\S*$", re.IGNORECASE)


def _is_range(text: str, a: _Number, b: _Number) -> bool:
    """Whether two neighbouring numbers form one range: "35 to 40", "20-30",
    "between 20 and 30", "from 1 per cent to 1.5 per cent", "three or four"."""
    gap = text[a.end : b.start]
    before = text[max(0, a.start - 30) : a.start]
    intro = bool(_RANGE_INTRO_RE.search(before))
    if b.sign and gap == "":
        gap, b_value = "-", abs(b.value)
    else:
        b_value = b.value
    if a.is_word != b.is_word and gap.strip() in ("-", "–", "—"):
        return False
    if (not a.is_word and not a.currency and not a.has_magnitude and 1800 <= a.value <= 2199
            and re.fullmatch(r"\d{4}", text[a.start : a.end])
            and re.search(r"\b(?:in|during|since|by|until|of|for)\s+$", before, re.IGNORECASE)):
        return False  # "grew in 2022 to 4.2 million people": a year, then the figure
    stripped = gap.strip().lower()
    if re.search(r"\bby\s*$", before.lower()) or _trend_before(text, a.start) != "level" and not intro:
        connector = re.match(r"^\s*(?:(?:%|[A-Za-z]+(?:\s+cent)?)\s*)??(to|through)\s*$", gap, re.IGNORECASE)
        if connector and not (0 < a.value <= b_value <= 3 * a.value):
            return False  # "increased by $43.6 billion to $419.2 billion": a change and a level
    if RANGE_GAP_RE.match(gap):
        if stripped == "and":
            return bool(re.search(r"between\s+\S*\s*$", before.lower()))
        if b_value < a.value and not intro and not (a.has_magnitude and not b.has_magnitude):
            # "8 to 3" is a sequence; "won 3-1", "passed 52-48" read, as NewsQuant does, as a range in text order
            return bool(re.fullmatch(r"\d+", text[a.start : a.end]) and gap in ("-", "–")
                        and re.fullmatch(r"\d+", text[b.start : b.end]))
        return True
    if stripped == "or" and a.value < b_value <= 100 and a.value >= 1:
        return True  # "three or four years"
    if re.search(r"\band\s*$", gap) and not re.search(r"between\s+\S*\s*$", before.lower()):
        return False
    if _UNIT_GAP_RE.match(gap) and not re.match(r"^\s*(?:and|to|-)", gap):
        unit_a = re.sub(r"[\s\d.,]", "", gap.lower()).replace("to", "").replace("and", "")
        after_b = text[b.end : b.end + len(unit_a) + 12].lower().replace(" ", "")
        if intro or after_b.startswith(unit_a.replace(" ", "")):
            return True
    return False


class _Spans:
    """Character spans kept sorted, so overlap tests stay logarithmic on long texts."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def append(self, span: tuple[int, int]) -> None:
        i = bisect.bisect_left(self.starts, span[0])
        self.starts.insert(i, span[0])
        self.ends.insert(i, span[1])

    def overlaps(self, a: int, b: int) -> bool:
        """Whether [a, b) meets a stored span. Stored spans hardly overlap each
        other, so the walk back stops at the first one that starts before a."""
        j = bisect.bisect_left(self.starts, b) - 1  # the last span starting before b
        while j >= 0:
            if self.ends[j] > a:
                return True
            if self.starts[j] < a:
                return False
            j -= 1
        return False


def is_separator_noun(t) -> bool:
    """A mark the tagger took for a noun ("Toll Rises To 517 | Wire"): it ends
    a phrase, it names nothing."""
    return t.pos_ in ("NOUN", "PROPN") and not any(ch.isalnum() for ch in t.text)


def find_quantities(doc) -> list[Quantity]:
    """All quantities in a parsed spaCy Doc, in text order."""
    text = doc.text
    ctx = _DocContext(doc)
    blocked = _Spans()
    for rx in (PHONE_RE, ISO_DATE_RE, SCORE_RE, NUMBERED_NAME_RE, ADDRESS_RE):
        for m in rx.finditer(text):
            blocked.append((m.start(), m.end()))
    is_blocked = blocked.overlaps

    found: list[Quantity] = []
    taken = _Spans()
    overlaps = taken.overlaps

    # Times of day before any number: "7:35 p.m." is one figure, not a score and a count.
    clock, clock_spans = find_clock_times(text, lambda a, b: not overlaps(a, b))
    found.extend(clock)
    for span in clock_spans:
        taken.append(span)
    def counts(end: int) -> bool:
        tok = ctx.token_at(end + 1)
        return tok is not None and tok.idx > end and tok.tag_ in ("NNS", "NN", "NNPS") and tok.lower_ not in lx.TIME_WORDS

    for q in find_datings(text, lambda a, b: not overlaps(a, b) and not is_blocked(a, b), counts):
        found.append(q)  # "since 1994", "the 14th century": a year that dates something
        taken.append((q.start, q.end))

    # Categorical groups and fractions first: they contain words that look like numbers.
    for m in CATEGORICAL_RE.finditer(text):
        group = m.group("g").strip(" ,")
        found.append(Quantity(None, None, "categorical", "", "level", m.group(0), m.start(), m.end(),
                              concept=_singular(group.split()[-1]), group=group))
        taken.append((m.start(), m.end()))

    # "two and a half miles", "3 and a quarter hours": a whole number and a fraction, read as one number
    mixed: list[_Number] = []
    for m in MIXED_FRACTION_RE.finditer(text):
        whole = m.group("w")
        value = float(whole) if whole.isdigit() else _word_number_value(whole)
        if value is None or overlaps(m.start(), m.end()) or is_blocked(m.start(), m.end()):
            continue
        value += 1 / lx.FRACTION_DENOMINATORS[m.group("d").lower()]
        mixed.append(_Number(m.start(), m.end(), value, None, not whole.isdigit(), None, False))
        taken.append((m.start(), m.end()))

    for q in _durations(text):
        if not overlaps(q.start, q.end) and not is_blocked(q.start, q.end):
            found.append(q)
            taken.append((q.start, q.end))

    for m in FRACTION_RE.finditer(text):
        if overlaps(m.start(), m.end()):
            continue
        if m.group("half"):
            before = text[max(0, m.start() - 12) : m.start()].lower()
            if re.search(r"(first|second|third|fourth|latter|former|other|the|a|one|and a|this|that|each|per|every)\s*$", before):
                continue
            value = 0.5
        else:
            num = 1 if m.group("n").lower() in ("a", "one") else lx.UNITS_WORDS[m.group("n").lower()]
            if m.group("n").lower() == "a" and m.group("d").lower() not in ("half", "quarter"):
                after = text[m.end() : m.end() + 4].lower()
                before = text[max(0, m.start() - 24) : m.start()]
                if not after.startswith(" of") and not (re.search(r"\bby\s+$", before, re.IGNORECASE)
                                                         or _match_modifier(before.rstrip())):
                    continue  # "a fourth term", "a third party": ordinals; "by roughly a third" is a share
            value = num / lx.FRACTION_DENOMINATORS[m.group("d").lower()]
        window = text[max(0, m.start() - 24) : m.start()]
        mod = _match_modifier(window.rstrip())
        kind = {"lower": "lower", "upper": "upper", "approx": "approx"}.get(mod[0] if mod else "", "exact")
        mod_start = m.start() - (len(window) - len(window.rstrip())) - (mod[1] if mod else 0)
        q = Quantity(value, value, kind, "fraction", _trend_before(text, mod_start), m.group(0), m.start(), m.end())
        if mod:
            q.hedge = lx.MODIFIER_CHANGE.get(text[mod_start : mod_start + mod[1]].lower(), "")  # "nearly two-thirds"
        if kind == "lower":
            q.high = INF
        elif kind == "upper":
            q.low = -INF
        _fraction_of_unit(text, q)
        q.concept = _concept(ctx, m.start(), m.end())
        found.append(q)
        taken.append((m.start(), m.end()))

    for m in RATIO_RE.finditer(text):
        n, d = (int(x) if x.isdigit() else lx.UNITS_WORDS.get(x.lower(), 10) for x in (m.group("n"), m.group("d")))
        tok = ctx.token_at(m.end() + 1)
        before = text[max(0, m.start() - 12) : m.start()].lower()
        if (not (0 < n < d) or overlaps(m.start(), m.end()) or tok is None or tok.tag_ not in ("NNS", "NNPS", "JJ")
                or tok.lower_ in lx.UNIT_LIKE_WORDS or re.search(r"(\w+)\s+$", before)
                and re.search(r"(\w+)\s+$", before).group(1) in _IDENTIFIER_NOUNS):
            continue  # needs what is counted after it: "one in three Germans", not "category 5 in 12 hours"
        q = Quantity(n / d, n / d, "exact", "fraction", "level", m.group(0), m.start(), m.end())
        q.concept = _concept(ctx, m.start(), m.end())
        found.append(q)
        taken.append((m.start(), m.end()))

    for m in NUMERIC_FRACTION_RE.finditer(text):
        n, d = int(m.group("n")), int(m.group("d"))
        if not 0 < n < d or not (m.group("of") or m.group("w") and _lookup_unit(m.group("w"))):
            continue  # "3/4 cup", "1/16 of a pint"; not "9/11 attacks"
        q = Quantity(n / d, n / d, "exact", "fraction", "level", m.group(0), m.start(), m.end())
        _fraction_of_unit(text, q)
        q.concept = _concept(ctx, m.start(), m.end())
        found.append(q)
        taken.append((m.start(), m.end()))

    numbers = list(mixed)
    for m in NUMBER_RE.finditer(text):
        if overlaps(m.start(), m.end()) or is_blocked(m.start(), m.end()):
            continue
        n = _parse_number(m)
        if n is not None:
            _millions_not_metres(text, ctx, n, next((p for p in reversed(numbers[-3:]) if p.has_magnitude), None))
            numbers.append(n)
    numbers.sort(key=lambda n: n.start)

    i = 0
    numbered: list[Quantity] = []  # the figures read from digits or number words
    paired: set[int] = set()  # far ends already read: "from $41,200 on Monday to $39,800"
    while i < len(numbers):
        if i in paired:
            i += 1
            continue
        a = numbers[i]
        far = _far_partner(text, numbers, i)
        if far is not None:
            j, reverse = far
            q = _build(text, ctx, a, numbers[j], reverse=reverse)
            if q is not None:
                paired.add(j)
                found.append(q)
                taken.append((q.start, q.end))
                numbered.append(q)
                i += 1
                continue
        b = numbers[i + 1] if i + 1 < len(numbers) and _is_range(text, a, numbers[i + 1]) else None
        q = _build(text, ctx, a, b)
        if q is not None:
            found.append(q)
            taken.append((q.start, q.end))
            numbered.append(q)
        i += 2 if b is not None else 1
    numbered.sort(key=lambda q: q.start)
    _carry_change(text, ctx, numbered)
    _read_elided_units(text, ctx, numbered)

    for m in VAGUE_RE.finditer(text):
        if overlaps(m.start(), m.end()):
            continue
        word = m.group("q").lower()
        if word in ("hundreds", "thousands", "millions", "billions", "dozens", "scores") and not m.group("of"):
            continue
        if word == "a number of" and not m.group("of"):
            continue
        low, high = lx.VAGUE_QUANTIFIERS[word]
        end = m.end()
        head = ctx.count_noun_after(end)
        concept = head[1] if head else ""
        q = Quantity(float(low), float(high), "vague", "", "level", m.group(0).strip(), m.start(), m.end(),
                     concept=concept)
        q.stated_unit = concept  # "dozens of people": people are what is counted
        q.owner = _concept(ctx, m.start(), m.end(), head[0] if head else None)
        found.append(q)
        taken.append((m.start(), m.end()))

    for q in found:
        _near_bound(q)
        if q.unit and lx.UNITLESS_SCALE_RE.match(text, q.end):
            q.unit = ""  # "6 degrees on the Richter scale": a scale's reading has no unit
        if q.trend != "level" and q.unit == "day" and _OFFSET_AFTER_RE.match(text, q.end):
            q.trend = "level"  # "contact was lost 90 minutes after": a point in time, not a loss of 90 minutes
    found.sort(key=lambda q: q.start)
    return found


_OFFSET_AFTER_RE = re.compile(r"\s+(?:%s)\b" % "|".join(w for w in lx.OFFSET_CUES if w != "of"), re.IGNORECASE)


def _near_bound(q: Quantity) -> None:
    """"just over an hour" is a little more than an hour, not any length over
    it: a bound the lexicon calls near (lexicon.NEAR_BOUNDS) closes its other
    side, so "just over an hour" and "an hour and 20 minutes" can disagree."""
    low = q.surface.lower()
    phrase = next((p for p in lx.NEAR_BOUNDS if low.startswith(p + " ")), None)
    if phrase is None:
        return
    if q.kind == "lower" and q.low is not None and not math.isinf(q.low) and q.low > 0:
        q.high = q.low * (1 + lx.NEAR_BOUND_SPAN)
    elif q.kind == "upper" and q.high is not None and not math.isinf(q.high) and q.high > 0:
        q.low = q.high * (1 - lx.NEAR_BOUND_SPAN)


def _durations(text: str) -> list[Quantity]:
    """Durations the number pass cannot read whole: hours and minutes together
    ("about an hour and 20 minutes" is 80 minutes, not 20) and a time unit
    counted by its article after a bound ("just over an hour")."""
    out = []

    def make(start: int, end: int, minutes: float | None, unit: str) -> Quantity | None:
        window = text[max(0, start - 24) : start]
        mod = _match_modifier(window.rstrip())
        if minutes is None and (mod is None or mod[0] == "approx"):
            return None  # "cook it in around a minute": a manner of speaking, not a figure a source states
        kind = mod[0] if mod else "exact"
        mod_start = start - (len(window) - len(window.rstrip())) - mod[1] if mod else start
        name, stated, scale = _lookup_unit(unit)
        value = (minutes if minutes is not None else 1.0) * scale
        q = Quantity(value, value, kind, name, "level", text[mod_start:end], mod_start, end,
                     tolerance=_tolerance(kind, value, _Unit(name, stated, end, scale)))
        q.stated_unit, q.scale = stated, scale
        if mod:
            q.hedge = lx.MODIFIER_CHANGE.get(text[mod_start : mod_start + mod[1]].lower(), "")
        if kind == "lower":
            q.high = INF
        elif kind == "upper":
            q.low = -INF
        return q

    for m in HOURS_MINUTES_RE.finditer(text):
        hours = m.group("h") or m.group("hw")
        h = float(hours) if hours.isdigit() else 1.0 if hours.lower() in ("a", "an") else _word_number_value(hours)
        minutes = m.group("m") or m.group("mm")
        mins = float(minutes) if minutes.isdigit() else _word_number_value(minutes)
        if h is None or mins is None or mins >= 60:
            continue
        q = make(m.start(), m.end(), h * 60 + mins, "minute")
        if q is not None:
            out.append(q)
    for m in ARTICLE_DURATION_RE.finditer(text):
        q = make(m.start(), m.end(), None, m.group("u"))
        if q is not None:
            out.append(q)
    return out


_FROM_RE = re.compile(r"\bfrom\s+(?:about\s+|around\s+|roughly\s+|some\s+|just\s+)?$", re.IGNORECASE)
_TO_RE = re.compile(r"\b(?:up\s+|down\s+)?to\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|just\s+)?$",
                    re.IGNORECASE)
# a sentence end ("Friday. The"), not an abbreviation ("U.S. per barrel"); case matters for that test only
_CLAUSE_END_RE = re.compile(r"[;:!?]|(?<![A-Z])\.\s|(?i:\bfrom\b|\bto\b|\band\b|\bbut\b|\bwhile\b)")


def _far_partner(text: str, numbers: list[_Number], i: int) -> tuple[int, bool] | None:
    """A range whose ends are apart: "from $41,200 on Monday to $39,800 on
    Tuesday", "from 2 acres up to 5 acres", or in the order of the change,
    "fell to 1,240 tonnes in May from 1,530 tonnes". Returns the index of the
    other end and whether the change runs from it to this one."""
    a = numbers[i]
    before = text[max(0, a.start - 30) : a.start]
    starts_from = bool(_FROM_RE.search(before))
    starts_to = not starts_from and bool(_TO_RE.search(before)) and _trend_before(text, a.start - 3) != "level"
    if not (starts_from or starts_to):
        return None
    if i + 1 < len(numbers) and _is_range(text, a, numbers[i + 1]):
        return None  # "from about 14-18 mpg to 24": the first end is itself a range
    link = _TO_RE if starts_from else _FROM_RE
    for j in range(i + 1, min(len(numbers), i + 4)):
        b = numbers[j]
        if b.start - a.end > 90:
            return None
        gap = text[a.end : b.start]
        m = link.search(gap)
        if not m:
            continue
        if _CLAUSE_END_RE.search(gap[: m.start()]):
            return None
        if j == i + 1 and _is_range(text, a, b):
            return None  # "from 35 to 40": the ordinary range reader handles it
        if starts_to and not re.search(r"\b(?:in|on|at|by|during|since|after|before|last|this)\b", gap[: m.start()],
                                       re.IGNORECASE):
            return None  # "rose to $4.12 billion from $3.95 billion a year earlier": a level and an earlier one
        if a.currency and b.currency and a.currency != b.currency:
            return None
        return j, starts_to
    return None


_CONVERSION_GAP_RE = re.compile(r"^\s*(?:\(|\[|/|,)\s*(?:or\s+)?(?:about\s+|around\s+|some\s+)?$", re.IGNORECASE)
_OR_GAP_RE = re.compile(r"^\s*,?\s*(?:or|and)\s*$", re.IGNORECASE)


def _carry_change(text: str, ctx: _DocContext, qs: list[Quantity]) -> None:
    """A figure restating its neighbour shares its bound and trend: a
    conversion in parentheses ("more than 3,000 metres (9,800 feet)", "fell 1
    to 1.5 degrees Celsius (1.8 to 2.7 Fahrenheit)"), the same change in other
    units ("shed 300 points, or 1.2%"), and an elided verb ("Acme fell 2.1%,
    Globex by 1.4%")."""
    anchor: Quantity | None = None
    for k in range(1, len(qs)):
        p, q = qs[k - 1], qs[k]
        gap = text[p.end : q.start]
        if _CONVERSION_GAP_RE.match(gap) and ("(" in gap or "[" in gap):
            anchor = p
        elif not (anchor is not None and re.fullmatch(r"\s*/\s*", gap)):
            anchor = None  # "(224 kW / 300 PS)" stays inside the same brackets
        src = anchor
        if src is not None:
            if q.kind == "exact" and src.kind in ("lower", "upper", "approx") or (q.kind == "range" and src.hedge):
                if q.kind == "exact":
                    q.kind = src.kind
                    if src.kind == "lower":
                        q.high = INF
                    elif src.kind == "upper":
                        q.low = -INF
                    else:
                        q.tolerance = max(q.tolerance, abs(q.low) * lx.APPROX_TOLERANCE)
                q.hedge = q.hedge or src.hedge
            if q.trend == "level" and src.trend != "level":
                q.trend = src.trend
            continue
        if q.trend != "level" or p.trend == "level":
            continue
        if _OR_GAP_RE.match(gap) and q.unit != p.unit:  # "300 points, or 1.2%"
            q.trend = p.trend
        elif re.search(r"\bby\s+$", text[max(0, q.start - 8) : q.start]) and "," in gap:
            toks = ctx.index.tokens(p.end, q.start)
            if not any(t.pos_ in ("VERB", "AUX") for t in toks if p.end <= t.idx < q.start):
                q.trend = p.trend  # "Acme fell 2.1%, Globex by 1.4%"


def _millions_not_metres(text: str, ctx: _DocContext, n: _Number, prev: _Number | None = None) -> None:
    """"4.5m barrels", "12m of its cards", "2bn people": a lower-case magnitude
    before what is counted, or repeating one just read ("1.5m visitors, up
    from 1.1m"); "a 100m sprint" and "37m (121ft)" stay metres."""
    m = re.match(r"(m|b)(?![\w])", text[n.end : n.end + 2])
    if not m or n.currency or n.has_magnitude or n.is_word:
        return
    rest = text[n.end + 1 : n.end + 40]
    partitive = re.match(r"^\s+of\s+(?:the|its|their|his|her|our|these|those|them)\b", rest, re.IGNORECASE)
    tok = ctx.token_at(n.end + 1 + (len(rest) - len(rest.lstrip())))
    plural = tok is not None and tok.tag_ in ("NNS", "NNPS") and tok.idx > n.end
    repeated = (prev is not None and prev.has_magnitude and n.start - prev.end < 80
                and text[prev.end - 1 : prev.end].lower() == m.group(1) and not re.search(r"[.;!?]\s", text[prev.end : n.start]))
    if not (partitive or plural or repeated):
        return
    n.value *= lx.MAGNITUDES[m.group(1)]
    n.end += 1
    n.has_magnitude = True


_FRACTION_UNIT_RE = re.compile(
    rf"^\s+(?:of\s+)?(?:(?:a|an)\s+)?(?:(?:US|U\.S\.|imperial)\s+)?(?P<u>{_MULTIWORD_UNITS}|[A-Za-z]+)\b",
    re.IGNORECASE,
)


def _fraction_of_unit(text: str, q: Quantity) -> None:
    """"3/4 cup of milk", "1/16 of a US pint", "a quarter of a mile": the
    fraction is of that unit."""
    m = _FRACTION_UNIT_RE.match(text[q.end : q.end + 40])
    found = _lookup_unit(m.group("u")) if m else None
    if found and found[0] not in ("percentage",) and found[2] == 1.0:
        q.unit = q.stated_unit = found[0]
        q.end += m.end()
        q.surface = text[q.start : q.end]


_AGE_BEFORE_RE = re.compile(r"(?:\baged|\bage of|\bages of)\s+(?:between\s+|from\s+)?$", re.IGNORECASE)
_AGE_BE_RE = re.compile(r"\b(?:who|he|she|[A-Z][a-z]+)\s+(?:is|was|will be|turned|turns|would be)\s+$")
_BARE_END_RE = re.compile(
    r"^\s*(?:[,.;:)]|$|(?:for|in|to|at|on|and|or|by|from|when|while|after|before|versus|vs|last|this|next"
    r"|who|which|whom|whose|that)\b)"
)
_INDEX_LEVEL_RE = re.compile(r"\b(?:to|at|of)\s+$", re.IGNORECASE)


_MEASURE_NAMES = lx.NORMALIZED_UNITS | frozenset(lx.CURRENCY_PREFIXES.values()) | {"fraction", "point", "count"}


def _is_count_unit(unit: str) -> bool:
    """Whether a unit is a counted noun ("hostage") rather than a measure."""
    return bool(unit) and unit not in _MEASURE_NAMES and " per " not in unit and not unit.endswith(" of age")


def _sent_start(ctx: _DocContext, offset: int) -> int:
    tok = ctx.token_at(offset)
    return tok.sent.start_char if tok is not None else 0


def _set_unit(q: Quantity, unit: str, stated: str, scale: float = 1.0) -> None:
    """Give a bare figure a unit read elsewhere in its sentence."""
    q.unit, q.stated_unit, q.scale = unit, stated, scale
    if scale != 1.0:
        q.low = q.low * scale if q.low is not None else None
        q.high = q.high * scale if q.high is not None else None
        q.tolerance *= scale


def _read_elided_units(text: str, ctx: _DocContext, qs: list[Quantity]) -> None:
    """Units a figure shares with a neighbour instead of repeating them:
    "40 euros for adults and 25 for children", "rose 2 percent but fell by 1",
    "280 million of the 1.5 billion shekels", "a 10- or 12-inch pizza"; and
    bare figures whose unit the grammar implies: an age ("Maddon, 66,",
    "who was 9", "aged 40") or an index level ("the index gained 1.1% to 33,410.50")."""
    last_unit = -1  # index of the latest figure with a unit: one pass, however many figures a text has
    for k, q in enumerate(qs):
        if k > 0 and qs[k - 1].unit and qs[k - 1].end <= q.start:
            last_unit = k - 1
        if q.unit or q.kind in ("vague", "categorical") or q.low is None:
            continue
        sent = _sent_start(ctx, q.start)
        before = text[max(sent, q.start - 40) : q.start]
        after = text[q.end : q.end + 24]
        nxt = qs[k + 1] if k + 1 < len(qs) else None
        # suspended hyphen: "a 10- or 12-inch pizza", "four-, five- and six-cylinder engines"
        if re.match(r"^-\s*(?:,|or\b|and\b|to\b)", after):
            for later in qs[k + 1 : k + 4]:
                if later.unit and re.match(r"^[\w.]+-\w", text[later.start : later.end + 1]):
                    _set_unit(q, later.unit, later.stated_unit, later.scale)
                    q.concept = later.concept
                    break
            if q.unit:
                continue
        # "280 million of the 1.5 billion shekels": the whole names the part's unit
        if nxt is not None and nxt.unit and not nxt.unit.endswith("of age") and re.fullmatch(
                r"\s+of\s+(?:the|a|an|its|their)\s+(?:\w+\s+)?", text[q.end : nxt.start]):
            _set_unit(q, nxt.unit, nxt.stated_unit, nxt.scale)
            continue
        point = q.low if q.low == q.high else None
        integer_age = point is not None and point.is_integer() and 0 < point < 120
        if q.kind == "range" and 0 < q.low < q.high < 120 and _AGE_BEFORE_RE.search(before):
            _set_unit(q, "year of age", "year of age")  # "aged between 18 and 60"
            continue
        if integer_age and (_AGE_BEFORE_RE.search(before) or (
                _AGE_BE_RE.search(before) and _BARE_END_RE.match(after))):
            _set_unit(q, "year of age", "year of age")
            continue
        if integer_age and re.search(r"[A-Za-z][\w.'-]*,\s*$", before) and re.match(r"^\s*,\s*[a-z]", after):
            tok = ctx.token_at(q.start)
            prev = tok.nbor(-2) if tok is not None and tok.i >= 2 else None
            if prev is not None and (prev.ent_type_ == "PERSON" or prev.pos_ in ("PROPN", "NOUN")):
                _set_unit(q, "year of age", "year of age")  # "Maddon, 66, has...", "The patient, 72, died"
                continue
        if not _BARE_END_RE.match(after):
            continue
        # a unit written once for several figures of the same sentence
        prev = qs[last_unit] if last_unit >= 0 else None
        level_after_change = prev is not None and _INDEX_LEVEL_RE.search(before) and (
            prev.trend != "level" or prev.unit in ("percentage", "percentage point", "basis point"))
        adjectival = prev is not None and re.search(r"\d-[A-Za-z]", text[prev.start : prev.end])  # "the 20-day average"
        if (prev is not None and prev.start >= sent and q.start - prev.end <= 90 and not prev.unit.endswith("of age")
                and not level_after_change and not adjectival):  # "rose 1.1% to 33,410.50": a change, then a level in other units
            gap_text = text[prev.end : q.start]
            between = last_unit < k - 1  # another figure stands in between (a year may: it is no figure)
            # a counted noun carries only to a coordinate, a comparison or a relative clause: "136 hostages,
            # including 20 who ...", "5 dogs and 3 cats", "up from 1.1m"; not to "estimates of 64,900"
            count_ok = not _is_count_unit(prev.unit) or bool(
                re.match(r"^\s*(?:who|which|whom|that)\b", after) or re.search(r"(?:\band|\bor|\bbut|\bfrom|\bthan|\bversus|\bvs\.?|\bagainst|,)\s*$", before))
            if not between and count_ok and not re.search(r"[;:]|\.\s", gap_text):
                _set_unit(q, prev.unit, prev.stated_unit, prev.scale)
                continue
        if _INDEX_LEVEL_RE.search(before) and any(w in text[sent : q.start].lower() for w in lx.INDEX_WORDS):
            _set_unit(q, "point", "point")  # an index level: "the Nikkei rose 1.1% to 33,410.50"


def _build(text: str, ctx: _DocContext, a: _Number, b: _Number | None, reverse: bool = False) -> Quantity | None:
    """One number (or the range a..b) as a Quantity, or None for a non-claim.
    `reverse`: the change runs from b to a ("to 1,240 from 1,530")."""
    last = b or a
    if _is_named(text, a, ctx) or (b is not None and _is_named(text, b, ctx)) or _is_furniture(text, last):
        return None
    if a.sign and b is None and not a.currency:
        prev = text[max(0, a.start - 12) : a.start].rstrip().split(" ")[-1]
        if prev.isupper() and len(prev) > 1 and not text[a.end : a.end + 2].lstrip().startswith("%"):
            return None  # "COVID -19": a name with a stray space
    after = text[last.end : last.end + 8]
    if CLOCK_RE.match(after) or re.match(r"^(?:st|nd|rd|th)\b", after, re.IGNORECASE):
        return None
    if re.match(r"^'?s\b", after) and not last.is_word:  # "the 1990s"
        return None
    if a.is_word and b is None and a.value == 1:
        # "one" is often a pronoun: "no one", "the one", "one another"; but
        # "one of the best speakers" does count one item of a set.
        prev = text[max(0, a.start - 6) : a.start].lower()
        after = text[a.end : a.end + 40]
        partitive = re.match(r"^\s+of\s+(?:the|its|his|her|their|our|my|your)\s+", after, re.IGNORECASE)
        if partitive:
            head = ctx.count_noun_after(a.end + partitive.end())
            noun = head[1] if head else "-"
            q = Quantity(1.0, 1.0, "exact", noun, "level", text[a.start : a.end], a.start, a.end)
            q.stated_unit = noun
            # "one of the best speakers": the set is the unit; the concept is whose it is
            q.concept = _concept(ctx, a.start, a.end, head[0] if head else None)
            return q
        if (re.search(r"(no|the|any|every|each|this|that|which|same)\s+$", prev) or re.match(r"^\s+(of|another|day|by)\b", after.lower())
                or re.match(r"^\s+[$€£]?\d", after)):  # "just one 52,000-tonne ship": the figure is the next one
            return None
        tok = ctx.token_at(a.start)
        if tok is not None and tok.pos_ in ("PRON", "NOUN") and tok.dep_ != "nummod":
            return None
    unit = _find_unit(text, last, ctx)
    if b is not None and unit is None and a.currency:
        unit = _Unit(a.currency, a.currency, last.end)
    if b is not None and unit is None and b.start - a.end > 6:
        first_unit = _find_unit(text, a, ctx)  # "from 21 mpg combined to 23"
        if first_unit is not None and not first_unit.is_count:
            unit = _Unit(first_unit.name, first_unit.stated, last.end, first_unit.scale)
    if b is not None and b.currency is None and a.currency and unit is not None and unit.is_count:
        unit = _Unit(a.currency, a.currency, last.end)
    nxt_tok = ctx.token_at(last.end + 1) if b is not None else None
    counted_range = (unit is not None and unit.is_count and nxt_tok is not None and nxt_tok.tag_ == "NNS"
                     and re.fullmatch(r"\s", text[last.end : nxt_tok.idx]))  # "1900 - 2100 people"
    if not counted_range and (_is_calendar(text, a, ctx, unit) or (b is not None and _is_calendar(text, b, ctx, unit))):
        return None
    if (unit is not None and unit.is_count and unit.stated in lx.CLASSIFIER_NOUNS
            and text[last.end : last.end + 1] == "-"):
        return None  # "a nine-speed gearbox", "a four-door saloon": a kind of thing, not an amount
    hyphen_name = re.match(r"^-([A-Z][a-z]+)\b", text[last.end : last.end + 20])
    if hyphen_name and not last.is_word and not _lookup_unit(hyphen_name.group(1)):
        return None  # "7-Eleven", "3-Series": a name
    if b is None and unit is None and re.search(r"\b(?:top|bottom)\s+$", text[max(0, a.start - 8) : a.start], re.IGNORECASE):
        return None  # "slipped to the bottom three": a rank
    tight = b is not None and text[a.end : b.start] in ("-", "–") and unit is None  # "ISO 1234-5", "2-0"
    if ((b is None or tight) and unit is None and not a.is_word and not a.currency and not a.sign
            and re.fullmatch(r"\d{1,4}", text[a.start : a.end])):
        tok = ctx.token_at(a.start)
        prev = tok.doc[tok.i - 1] if tok is not None and tok.i > 0 else None
        if (prev is not None and prev.idx + len(prev.text) == a.start - 1 and prev.text[:1].isupper()
                and prev.pos_ in ("PROPN", "NOUN") and prev.lower_ not in lx.MONTHS
                and prev.ent_type_ not in ("DATE", "TIME")
                and (not ctx.titled(a.start) or prev.ent_type_ in _NAME_ENTS)):
            return None  # "Area 51", "Apollo 11", "Proposition 22", "ISO 1234-5": a name ending in a number
    suspended = re.match(r"^-\s*(?:,|or\b|and\b|to\b)", text[a.end : a.end + 8])  # "five- and six-cylinder"
    if (a.is_word and b is None and unit is None and not text[a.start : a.end].lower().endswith("fold")
            and not suspended):
        tok = ctx.token_at(a.start)
        if tok is None or tok.pos_ not in ("NUM",):
            return None
    if a.is_word and b is None and unit is not None and unit.is_count and a.value == 1:
        tok = ctx.token_at(a.start)
        if tok is not None and tok.dep_ not in ("nummod", "quantmod", "compound", "amod"):
            return None

    start = a.start
    end = last.end
    scale = unit.scale if unit else 1.0
    low, high = a.value * scale, last.value * scale
    # "a $3 billion to $4 billion" keeps magnitudes per end; "3 to 4 billion" shares one.
    if b is not None and b.has_magnitude and not a.has_magnitude:
        mag = re.search(_MAGNITUDE + "$", text[b.start : b.end], re.IGNORECASE)
        if mag:
            factor = 1.0
            for word in re.findall(r"[a-z]+", mag.group(0).lower()):
                factor *= lx.MAGNITUDES.get(word, 1)
            if a.value <= b.value / factor:
                low *= factor
    descending = False
    if b is not None and low > high:
        low, high, descending = high, low, True
    if reverse:
        descending = not descending and low != high
    kind = "range" if b is not None else "exact"
    trend = "level"

    mod = _match_modifier(text[max(0, start - 24) : start].rstrip())
    mod_start = start
    if mod:
        stripped = text[max(0, start - 24) : start].rstrip()
        mod_start = start - (len(text[max(0, start - 24) : start]) - len(stripped)) - mod[1]
        if kind == "exact":
            kind = mod[0]
    hedge = ""
    if mod:
        phrase = text[mod_start : mod_start + mod[1]].lower()
        # a range keeps only an approximation ("about 14-18"); "from up to 252 to 287" is no bound
        hedge = lx.MODIFIER_CHANGE.get(phrase, mod[0] if kind == "range" and mod[0] == "approx" else "")
    tail = text[(unit.end if unit else end) : (unit.end if unit else end) + 12].lower()
    if kind == "exact":
        # "50 plus", "50+", "50-plus" are at least 50; "£45m plus add-ons" is a sum
        if re.match(r"^\s*(?:or more|or above|or higher|or over|plus(?=\s*(?:[,.;:)]|$))|\+)", tail) or text[end : end + 5] == "-plus":
            kind = "lower"
        elif re.match(r"^\s*(?:or (?:less|fewer|under|below))", tail):
            kind = "upper"
        elif re.match(r"^\s*or so\b", tail):
            kind = "approx"

    if a.sign and b is None:
        trend = "up" if a.sign == "+" else "down"
    else:
        trend = _trend_before(text, mod_start)
        if (trend != "level" and unit is not None and unit.is_count
                and not re.search(r"\bby\s+(?:\S+\s+)?$", text[max(0, mod_start - 20) : mod_start], re.IGNORECASE)):
            trend = "level"  # "cut 2,400 jobs", "add ten users": things counted, not a change by that much
        if trend == "level":
            m = _AFTER_TREND_RE.match(text[(unit.end if unit else end) :][:12])
            if m and unit is not None and unit.name in ("percentage", "percentage point", "point", "basis point"):
                trend = "up" if m.group(1).lower() in ("higher", "up") else "down"

    if kind == "lower":
        high = INF
    elif kind == "upper":
        low = -INF
    tolerance = _tolerance(kind, a.value * scale, unit)
    if kind == "approx" and b is None:
        tolerance = max(tolerance, abs(low) * lx.APPROX_TOLERANCE)

    unit_name = "" if unit is None else unit.name
    surface_start = mod_start if mod else a.start
    surface_end = max(end, unit.end if unit and unit.end - end < 40 else end)
    q = Quantity(
        low=low,
        high=high,
        kind=kind,
        unit=unit_name,
        trend=trend,
        surface=text[surface_start:surface_end].strip(),
        start=surface_start,
        end=surface_end,
        tolerance=tolerance,
    )
    q.descending = descending
    q.hedge = hedge
    q.stated_unit = unit.stated if unit else ""
    q.scale = scale
    # a range hangs on the parse through its first figure ("climbed from 21 mpg to 23")
    q.concept = _concept(ctx, a.start, last.end, unit.end if unit is not None else None,
                         anchor=a.end if b is not None else None)
    return q


# Unit words that never name what is measured ("5 percent of sales"); other unit
# words can ("the pound fell", "horsepower jumped").
_CONCEPT_STOP = frozenset(lx.TIME_UNITS) | frozenset(lx.TIME_UNIT_FORMS) | {
    "%", "percent", "per", "cent", "pct", "pc", "percentage", "point", "points", "basis"}
_NOT_CONCEPT = {"more", "most", "less", "least", "total", "much", "many", "other", "such", "same", "own"}


def _phrase_words(tok, skip: set[int]) -> list:
    """Content tokens of a noun phrase, left to right, without the figure itself."""
    return [
        t for t in tok.subtree
        if t.i not in skip and t.pos_ in ("NOUN", "PROPN", "ADJ") and not t.like_num
        and t.lower_ not in _CONCEPT_STOP and t.lower_ not in _NOT_CONCEPT
        and t.dep_ not in ("relcl", "acl") and abs(t.i - tok.i) <= 6
    ]


_PURPOSE_PREPS = {"on", "for", "towards", "toward"}
_OWNER_GAP = {",", "by", "up", "down", "higher", "lower", "was", "were", "is", "at"}


def _list_owner(doc, first) -> list:
    """The name right before a figure in a list of items: "Nikkei +0.8%",
    "JD Sports, down 1.95p", "Burlington by 2.6%"; each item has its own owner."""
    i = first.i - 1
    gap = 0
    while i >= 0 and doc[i].lower_ in _OWNER_GAP and gap < 3:
        i -= 1
        gap += 1
    names = []
    while i >= 0 and (doc[i].pos_ == "PROPN" or doc[i].text in ("&", "-") or (names and doc[i].like_num is False
                                                                              and doc[i].text[:1].isupper() and doc[i].pos_ == "NOUN")):
        names.insert(0, doc[i])
        i -= 1
    if names and names[0].text in ("&", "-"):
        names = names[1:]
    if not names or (i >= 0 and doc[i].pos_ in ("ADP", "DET") and doc[i].lower_ not in ("of",)):
        return []  # "in Paris 5 ...", "the Dow's": a place or an attribute, not an item
    return names


def _render(tokens: list) -> str:
    """Words of a concept; hyphen-joined tokens stay one word ("Al-Rashid")."""
    doc_words: list[str] = []
    seen: set[int] = set()
    for t in tokens:
        if t.i in seen or not any(ch.isalnum() for ch in t.text):
            continue
        doc = t.doc
        a = b = t.i
        while a >= 2 and doc[a - 1].text == "-" and not doc[a - 1].whitespace_ and not doc[a - 2].whitespace_:
            a -= 2
        while b + 2 < len(doc) and doc[b + 1].text == "-" and not doc[b].whitespace_ and not doc[b + 1].whitespace_:
            b += 2
        seen.update(range(a, b + 1))
        doc_words.append(doc[a : b + 1].text if b > a else t.text)
    out, lower = [], set()
    for w in doc_words:
        if w.lower() not in lower:
            lower.add(w.lower())
            out.append(w)
    return " ".join(out)


def _concept(ctx: _DocContext, start: int, end: int, unit_end: int | None = None, anchor: int | None = None) -> str:
    """Words naming what a figure measures and whose figure it is: the noun it
    modifies, the subject (or object) of its clause, and an "of" phrase after
    it ("1% of their earnings"). The unit's own words are left out: when the
    figure counts a noun ("13,000 workers") that noun is its unit, so the
    concept is the owner ("Ford"). `unit_end` is where the unit ends."""
    tok = ctx.token_at(max(start, (anchor or end) - 1))
    if tok is None:
        return ""
    doc = ctx.doc
    first = ctx.token_at(start) or tok
    if anchor is not None:
        end_tok = ctx.token_at(end - 1)
        if end_tok is not None and (unit_end is None or unit_end <= end):
            unit_end = end  # the whole range is skipped
    last = tok
    if unit_end is not None and unit_end > end:
        last = ctx.token_at(unit_end - 1) or tok
    skip = set(range(first.i, max(tok.i, last.i) + 1))
    owner = _list_owner(doc, first)
    if owner:
        return _render(owner)
    words: list = []
    head = tok
    for _ in range(4):
        if head.head.i == head.i or head.pos_ in ("VERB", "AUX"):
            break
        if head.pos_ in ("NOUN", "PROPN") and not head.like_num and head.lower_ not in lx.UNIT_LIKE_WORDS and head.i not in skip:
            break
        head = head.head
    if head.pos_ in ("NOUN", "PROPN") and not head.like_num and head.i not in skip:
        words += [t for t in head.lefts if t.dep_ in ("compound", "amod") and t.i not in skip and not t.like_num
                  and t.lower_ not in _NOT_CONCEPT]
        if head.lower_ not in lx.UNIT_LIKE_WORDS:
            words.append(head)
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ == "of":
                words += [w for t in child.children if t.pos_ in ("NOUN", "PROPN") for w in _phrase_words(t, skip)]
    after = max(tok.i, last.i) + 1
    if after < len(doc) and doc[after].lower_ == "of":  # "50 mL of sulfuric acid", "8 miles of new tunnels"
        words += [w for t in doc[after].children if t.pos_ in ("NOUN", "PROPN") for w in _phrase_words(t, skip)]
    for child in tok.head.rights if tok.head.i != tok.i else []:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i > tok.i and child.i != after:
            words += [w for t in child.children if t.pos_ in ("NOUN", "PROPN") for w in _phrase_words(t, skip)]
    verb = head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    as_object = any(t.dep_ == "dobj" and t.head.i == verb.i for t in doc[first.i : max(tok.i, last.i) + 1])
    if verb.pos_ in ("VERB", "AUX") and as_object:
        # "spent $8 million on the new bridge": the figure is about what it went on
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ in _PURPOSE_PREPS and child.i > max(tok.i, last.i):
                words += [w for t in child.children if t.dep_ == "pobj" and t.pos_ in ("NOUN", "PROPN")
                          and t.ent_type_ not in ("DATE", "TIME") for w in _phrase_words(t, skip)]
    subject_found = False
    for level in range(3):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.i not in skip:
                if child.pos_ not in ("PRON", "DET", "NUM"):  # the parser may tag "OHSU" as ADJ
                    words += _phrase_words(child, skip) or [child]
                    subject_found = True
            elif (level == 0 and child.dep_ == "dobj" and child.i not in skip
                  and child.pos_ in ("NOUN", "PROPN") and head.i != child.i):
                words += _phrase_words(child, skip)
        if verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
            words += _phrase_words(verb.head, skip)  # "the small country that is about 90 miles wide"
            subject_found = True
        if subject_found or verb.dep_ not in ("xcomp", "ccomp", "conj", "advcl", "relcl") or verb.head.i == verb.i:
            break
        verb = verb.head  # "is expected to rise": the subject belongs to the governing verb
    if not subject_found:
        sent_start = tok.sent.start
        chunks = ctx.noun_chunks()
        for k in range(bisect.bisect_left(ctx.chunk_starts, sent_start), len(chunks)):
            chunk = chunks[k]
            if chunk.end > tok.i:
                break
            if chunk.root.pos_ in ("NOUN", "PROPN"):
                words += [t for t in chunk if t.pos_ in ("NOUN", "PROPN") and t.i not in skip
                          and t.lower_ not in _CONCEPT_STOP]
                break
    return _render(words)
