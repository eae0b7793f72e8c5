"""Alignment: which claims are about the same fact, and which pairs to compare.

Every claim gets a *metric*: the first metric of the rule packs whose
definition it fits (counted noun, event, place, scope, cue words, unit), or
else a generic key built from the claim itself (counted noun + event + unit
family; place and scope are checked pair by pair). A claim with no counted
noun gets no metric and is never compared.

Claims are turned into `Slot`s (the claim plus everything the rules need,
precomputed: the interval in the metric's base unit, the slack, the day
number, the comparable scopes and places, the kind of authority) and grouped
into *blocks*, one per metric. Inside a block only pairs within the metric's
time window are generated, each claim meeting at most `max_pairs_per_claim`
others, so the work grows linearly with the number of claims, never with
the number of pairs.

Nothing here imports spaCy; everything is a plain function of claims and a
RulePack.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterator

from . import lexicon as lx
from .model import Claim
from .rulepack import RulePack, RulePackError
from .untrusted import PatternError, compile_pattern

INF = math.inf
OVER_TIME = ("snapshot", "cumulative", "term", "fixed")
DEFAULT_WINDOW = {"snapshot": 14, "cumulative": 0, "term": 30, "fixed": math.inf}

# Unit families: unit name -> (family, factor to the family's base unit).
# Durations are normalized to days by the extractor; the other entries let
# two spellings of one unit meet.
CONVERSIONS: dict[str, tuple[str, float]] = {
    "day": ("duration", 1.0), "second": ("duration", 1 / 86400), "minute": ("duration", 1 / 1440),
    "hour": ("duration", 1 / 24), "week": ("duration", 7.0), "fortnight": ("duration", 14.0),
    "month": ("duration", 30.4375), "year": ("duration", 365.25), "decade": ("duration", 3652.5),
    "dollar": ("money", 1.0), "cent": ("money", 0.01),
    "percentage": ("percentage", 1.0), "percentage point": ("percentage point", 1.0),
    "basis point": ("percentage point", 0.01),
    "metre": ("length", 1.0), "kilometre": ("length", 1000.0), "centimetre": ("length", 0.01),
    "millimetre": ("length", 0.001), "mile": ("length", 1609.344), "foot": ("length", 0.3048),
    "inch": ("length", 0.0254), "yard": ("length", 0.9144),
    "gram": ("mass", 0.001), "kilogram": ("mass", 1.0), "tonne": ("mass", 1000.0),
    "pound-mass": ("mass", 0.45359237), "ton": ("mass", 907.18474),
    "litre": ("volume", 1.0), "gallon": ("volume", 3.785411784),
    "acre": ("area", 4046.8564224), "hectare": ("area", 10000.0),
    "watt": ("power", 1.0), "kilowatt": ("power", 1e3), "megawatt": ("power", 1e6),
    "gigawatt": ("power", 1e9),
}
# Units that are measures, not counted nouns: each is its own family.
MEASURE_UNITS = (
    set(lx.UNIT_WORDS.values()) | set(lx.CURRENCY_PREFIXES.values()) | {"fraction"}
) - set(CONVERSIONS)
FAMILIES = sorted({f for f, _ in CONVERSIONS.values()} | MEASURE_UNITS | {"count"})


def unit_family(unit: str) -> tuple[str, float]:
    """(family, factor): "day" -> ("duration", 1.0); "hostage" or "" -> ("count", 1.0).

    Any unit that is not a known measure is the counted noun itself, so it
    is a count."""
    u = (unit or "").strip().lower()
    if u in CONVERSIONS:
        return CONVERSIONS[u]
    if u in MEASURE_UNITS:
        return u, 1.0
    return "count", 1.0


_CURRENCY_WORDS = ("dollar", "euro", "pound sterling", "yen", "rupee", "franc", "won", "shekel", "yuan", "real",
                   "ringgit", "dirham", "peso", "rouble", "ruble", "lira", "naira", "rand", "krona", "krone", "penny")


def coarse_family(unit: str) -> str:
    """The kind of quantity a unit measures, coarse enough for the lexicon to
    say which measures a figure can state: count, money, length, area,
    volume, duration, speed, percentage, mass, or other."""
    u = (unit or "").strip().lower()
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
    if any(w in u for w in _CURRENCY_WORDS):
        return "money"
    if family == "percentage point":
        return "percentage"
    return "other"


_PLACE_SUFFIX = re.compile(
    r"\s+(?:province|region|district|county|prefecture|governorate|state|city|town|village|municipality)$",
    re.IGNORECASE,
)


def norm_place(name: str) -> str:
    """"Malatya province" -> "malatya"; "the Gaza Strip" stays what the alias table made it."""
    p = re.sub(r"\s+", " ", name.strip()).lower()
    p = re.sub(r"^the\s+", "", p)
    return _PLACE_SUFFIX.sub("", p)


# --------------------------------------------------------------------------- metrics


@dataclass
class Metric:
    """One fact the packs know how to recognise (see rules/README.md)."""

    name: str
    over_time: str
    counted: frozenset[str] = frozenset()
    description: str = ""
    events: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()  # normalized with norm_place
    scopes_required: frozenset[str] = frozenset()
    scopes_excluded: frozenset[str] = frozenset()
    scopes_ignored: frozenset[str] = frozenset()
    cues: tuple[re.Pattern, ...] = ()
    not_cues: tuple[re.Pattern, ...] = ()
    unit: str = "count"  # a family name, or "any"
    relative: float = 0.0
    absolute: float = 0.0
    window_days: float = 14
    priority: int = 0
    same_place: bool = False  # also require overlapping places pair by pair
    generic: bool = False
    file: str = ""
    order: int = 0
    certainty: float = 1.0  # how sure the grouping is as a whole (a fact's coherence)
    dominant: frozenset[str] = frozenset()  # claim ids of the value most sources state (fixed facts)

    def label(self) -> str:
        """How messages name the fact: "the figures for {label}"."""
        return "" if self.generic else (self.description or self.name)

    def matches(self, claim: Claim, family: str) -> bool:
        if self.unit != "any" and family != self.unit:
            return False
        if self.events and claim.event not in self.events:
            return False
        scopes = set(claim.scope)
        if not self.scopes_required <= scopes or self.scopes_excluded & scopes:
            return False
        if self.places and not any(norm_place(p) in self.places for p in claim.places):
            return False
        text = claim.sentence
        if self.cues and not any(p.search(text) for p in self.cues):
            return False
        if self.not_cues and any(p.search(text) for p in self.not_cues):
            return False
        return True


METRIC_KEYS = {
    "name", "description", "counted", "events", "places", "scopes", "cues", "not_cues",
    "unit", "over_time", "tolerance", "window_days", "priority", "same_place",
}


def _str_list(path: str, key: str, value: Any, lower: bool = True) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RulePackError(path, key, "must be a list of non-empty strings")
    return [v.strip().lower() if lower else v for v in value]


def _number(path: str, key: str, value: Any, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise RulePackError(path, key, f"must be a number, not {value!r}")
    if value < minimum:
        raise RulePackError(path, key, f"must be at least {minimum:g}, not {value!r}")
    return float(value)


def _regexes(path: str, key: str, value: Any) -> tuple[re.Pattern, ...]:
    out = []
    for i, p in enumerate(_str_list(path, key, value, lower=False)):
        try:
            out.append(compile_pattern(p))  # RE2: linear time whatever the pattern
        except PatternError as exc:
            raise RulePackError(path, f"{key}[{i}]", str(exc)) from None
    return tuple(out)


def parse_metric(path: str, index: int, item: Any) -> Metric:
    """Validate one entry of a metrics pack; errors name the file and key."""
    if not isinstance(item, dict):
        raise RulePackError(path, f"metrics[{index}]", "must be a mapping with at least name, counted and over_time")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RulePackError(path, f"metrics[{index}].name", "required: a non-empty string")
    name = name.strip()
    where = f"metrics.{name}"
    unknown = sorted(set(map(str, item)) - METRIC_KEYS)
    if unknown:
        raise RulePackError(path, f"{where}.{unknown[0]}", f"unknown key (known: {', '.join(sorted(METRIC_KEYS))})")
    if "counted" not in item:
        raise RulePackError(path, f"{where}.counted", "required: the counted nouns (lemmas) that name this fact")
    counted = _str_list(path, f"{where}.counted", item["counted"])
    over_time = item.get("over_time")
    if over_time not in OVER_TIME:
        raise RulePackError(path, f"{where}.over_time", f"must be one of {', '.join(OVER_TIME)}, not {over_time!r}")
    description = item.get("description", "")
    if not isinstance(description, str):
        raise RulePackError(path, f"{where}.description", "must be a string")
    unit = item.get("unit", "count")
    if not isinstance(unit, str) or (unit != "any" and unit not in FAMILIES):
        raise RulePackError(path, f"{where}.unit", f"must be 'any' or a unit family ({', '.join(FAMILIES[:12])}, ...), not {unit!r}")
    scopes = item.get("scopes", {}) or {}
    if not isinstance(scopes, dict):
        raise RulePackError(path, f"{where}.scopes", "must be a mapping with required/excluded/ignored lists")
    bad = sorted(set(map(str, scopes)) - {"required", "excluded", "ignored"})
    if bad:
        raise RulePackError(path, f"{where}.scopes.{bad[0]}", "unknown key (known: required, excluded, ignored)")
    sc = {k: frozenset(_str_list(path, f"{where}.scopes.{k}", scopes[k], lower=False)) for k in scopes}
    tol = item.get("tolerance", {}) or {}
    if not isinstance(tol, dict):
        raise RulePackError(path, f"{where}.tolerance", "must be a mapping with relative and/or absolute")
    bad = sorted(set(map(str, tol)) - {"relative", "absolute"})
    if bad:
        raise RulePackError(path, f"{where}.tolerance.{bad[0]}", "unknown key (known: relative, absolute)")
    relative = _number(path, f"{where}.tolerance.relative", tol.get("relative", 0))
    if relative >= 1:
        raise RulePackError(path, f"{where}.tolerance.relative", "is a fraction (0.05 = 5%), must be below 1")
    absolute = _number(path, f"{where}.tolerance.absolute", tol.get("absolute", 0))
    window = _number(path, f"{where}.window_days", item.get("window_days", DEFAULT_WINDOW[over_time]))
    priority = item.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise RulePackError(path, f"{where}.priority", "must be a whole number")
    same_place = item.get("same_place", False)
    if not isinstance(same_place, bool):
        raise RulePackError(path, f"{where}.same_place", "must be true or false")
    return Metric(
        name=name,
        over_time=over_time,
        counted=frozenset(counted),
        description=description.strip(),
        events=frozenset(_str_list(path, f"{where}.events", item["events"])) if "events" in item else frozenset(),
        places=frozenset(norm_place(p) for p in _str_list(path, f"{where}.places", item["places"])) if "places" in item else frozenset(),
        scopes_required=sc.get("required", frozenset()),
        scopes_excluded=sc.get("excluded", frozenset()),
        scopes_ignored=sc.get("ignored", frozenset()),
        cues=_regexes(path, f"{where}.cues", item["cues"]) if "cues" in item else (),
        not_cues=_regexes(path, f"{where}.not_cues", item["not_cues"]) if "not_cues" in item else (),
        unit=unit,
        relative=relative,
        absolute=absolute,
        window_days=window,
        priority=priority,
        same_place=same_place,
        file=path,
    )


def load_metrics(pack: RulePack, path: str, data: dict) -> None:
    """The `metrics` pack loader (registered in rulepack.LOADERS by the engine).

    A metric whose name was defined by an earlier file replaces it in place."""
    items = data.get("metrics")
    if not isinstance(items, list):
        raise RulePackError(path, "metrics", "must be a list of metric definitions")
    seen: set[str] = set()
    for i, item in enumerate(items):
        metric = parse_metric(path, i, item)
        if metric.name in seen:
            raise RulePackError(path, f"metrics.{metric.name}", "defined twice in this file")
        seen.add(metric.name)
        for j, old in enumerate(pack.metrics):
            if old.name == metric.name:
                metric.order = old.order
                pack.metrics[j] = metric
                break
        else:
            metric.order = len(pack.metrics)
            pack.metrics.append(metric)


def check_metric_scopes(pack: RulePack) -> None:
    """Scopes named by metrics must exist (checked once all packs are loaded)."""
    known = set(pack.scopes)
    for m in pack.metrics:
        for part, names in (("required", m.scopes_required), ("excluded", m.scopes_excluded), ("ignored", m.scopes_ignored)):
            for n in sorted(names - known):
                raise RulePackError(m.file, f"metrics.{m.name}.scopes.{part}",
                                    f"unknown scope {n!r} (known: {', '.join(sorted(known)) or 'none'})")


# --------------------------------------------------------------------------- settings


@dataclass
class Settings:
    """Engine settings from the `rules` packs (sections settings, generic, authorities)."""

    max_pairs_per_claim: int = 50
    flag_threshold: float = 0.5  # flags below this confidence are shown only with --all
    compare_vague: bool = False
    whole_group_words: frozenset[str] = frozenset(
        {"all", "the", "of", "remaining", "these", "those", "their", "our", "its", "still", "other", "rest"}
    )
    generic_enabled: bool = True
    generic_cumulative_events: frozenset[str] = frozenset()
    generic_term_scopes: frozenset[str] = frozenset()
    generic_ignore_counted: frozenset[str] = frozenset()
    generic_ignored_scopes: frozenset[str] = frozenset()
    generic_window: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WINDOW, snapshot=7))
    generic_relative: float = 0.0
    generic_absolute: float = 0.0
    inherit_place: bool = True
    authorities: list[tuple[str, tuple[re.Pattern, ...]]] = field(default_factory=list)

    @classmethod
    def from_pack(cls, pack: RulePack) -> "Settings":
        s = cls()
        raw = pack.rules.get("settings", {}) or {}
        s.max_pairs_per_claim = int(raw.get("max_pairs_per_claim", s.max_pairs_per_claim))
        s.compare_vague = bool(raw.get("compare_vague", s.compare_vague))
        s.flag_threshold = float(raw.get("flag_threshold", s.flag_threshold))
        if "whole_group_words" in raw:
            s.whole_group_words = frozenset(w.lower() for w in raw["whole_group_words"])
        g = pack.rules.get("generic", {}) or {}
        s.generic_enabled = bool(g.get("enabled", True))
        s.generic_cumulative_events = frozenset(g.get("cumulative_events", []))
        s.generic_term_scopes = frozenset(g.get("term_scopes", []))
        s.generic_ignore_counted = frozenset(g.get("ignore_counted", []))
        s.generic_ignored_scopes = frozenset(g.get("ignored_scopes", []))
        s.generic_window.update(g.get("window_days", {}) or {})
        tol = g.get("tolerance", {}) or {}
        s.generic_relative = float(tol.get("relative", 0.0))
        s.generic_absolute = float(tol.get("absolute", 0.0))
        s.inherit_place = bool(g.get("inherit_place", True))
        for kind, patterns in (pack.rules.get("authorities", {}) or {}).items():
            s.authorities.append((kind, tuple(compile_pattern(p) for p in patterns)))
        return s


# --------------------------------------------------------------------------- slots


@dataclass(slots=True)
class Slot:
    """A claim ready for comparison: everything the rules need, precomputed."""

    claim: Claim
    metric: Metric
    form: str  # "number" | "group" (a categorical subgroup)
    lo: float  # the stated interval in the family's base unit (open ends infinite)
    hi: float
    tol: float  # slack the wording implies ("six-week": 3.5 days), in base units
    slack: float  # slack the metric allows (tolerance relative/absolute)
    approx: bool  # the wording is a hedge ("about", "some")
    day: int | None  # date ordinal, None when undated
    source: str
    scopes: frozenset[str]
    places: frozenset[str]
    authority: str | None

    @property
    def value_key(self) -> float:
        """Where the figure sits on the number line (for nearest-value search)."""
        if self.hi == INF:
            return self.lo
        if self.lo == -INF:
            return self.hi
        return (self.lo + self.hi) / 2


@dataclass
class Block:
    """The slots of one metric (and, for generic keys, one place)."""

    metric: Metric
    place: str = ""
    slots: list[Slot] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.metric.name}@{self.place}" if self.place else self.metric.name


_DATE_CACHE: dict[str, int | None] = {}


def day_number(iso: str | None) -> int | None:
    if not iso:
        return None
    d = _DATE_CACHE.get(iso, -1)
    if d == -1:
        try:
            d = date.fromisoformat(iso[:10]).toordinal()
        except ValueError:
            d = None
        if len(_DATE_CACHE) < 100_000:
            _DATE_CACHE[iso] = d
    return d


class Aligner:
    """Assigns metrics to claims and builds slots; one per compare() call."""

    def __init__(self, pack: RulePack, settings: Settings | None = None, facts=None):
        check_metric_scopes(pack)
        self.facts = {f.id: f for f in facts} if facts is not None else None
        self._fact_metrics: dict[str, Metric] = {}
        self.pack = pack
        self.settings = settings or Settings.from_pack(pack)
        ordered = sorted(pack.metrics, key=lambda m: (-m.priority, m.order))
        self.by_counted: dict[str, list[Metric]] = {}
        for m in ordered:
            for noun in m.counted:
                self.by_counted.setdefault(noun, []).append(m)
        self._generic: dict[tuple[str, str, str], Metric] = {}
        self._authority: dict[str, str | None] = {}
        self._scopes: dict[tuple[int, tuple[str, ...]], frozenset[str]] = {}
        self._places: dict[tuple[str, ...], frozenset[str]] = {}

    # ---- metric assignment
    def metric_for(self, claim: Claim) -> tuple[Metric, str, float] | None:
        """(metric, unit family, factor) for a claim, or None when it names no fact."""
        counted = (claim.counted or "").strip().lower()
        family, factor = unit_family(claim.quantity.unit)
        if not counted:
            return self.fact_metric(claim, family, factor) if self.facts is not None and claim.fact else None
        for m in self.by_counted.get(counted, ()):
            if m.matches(claim, family):
                return m, family, factor
        if self.facts is not None and claim.fact:
            return self.fact_metric(claim, family, factor)
        # Where the lexicon is silent: the generic key (counted noun + event + unit).
        s = self.settings
        if not s.generic_enabled or counted in s.generic_ignore_counted:
            return None
        return self.generic_metric(counted, (claim.event or "").lower(), family, claim.scope), family, factor

    def fact_metric(self, claim: Claim, family: str, factor: float) -> tuple[Metric, str, float] | None:
        """The metric of the claim's fact (facts stage), for claims no story pack names."""
        fact = self.facts.get(claim.fact) if claim.fact else None
        if fact is None or not fact.compared:
            return None
        m = self._fact_metrics.get(fact.id)
        if m is None:
            s = self.settings
            m = self._fact_metrics[fact.id] = Metric(
                name=fact.id, over_time=fact.behaviour, description=fact.description,
                unit=family, relative=s.generic_relative, absolute=s.generic_absolute,
                window_days=fact.window_days, scopes_ignored=s.generic_ignored_scopes,
                same_place=False, generic=False, certainty=fact.coherence, dominant=frozenset(fact.dominant),
            )
        return m, family, factor

    def generic_metric(self, counted: str, event: str, family: str, scopes: list[str]) -> Metric:
        s = self.settings
        if event in s.generic_cumulative_events:
            over_time = "cumulative"
        elif s.generic_term_scopes & set(scopes):
            over_time = "term"
        else:
            over_time = "snapshot"
        key = (counted, event, family, over_time)
        m = self._generic.get(key)
        if m is None:
            name = f"{counted}/{event or '-'}" + ("" if family == "count" else f"/{family}")
            if over_time == "term":
                name += "/term"
            m = self._generic[key] = Metric(
                name=name, over_time=over_time, counted=frozenset({counted}),
                description=f"{counted} ({event})" if event else counted,
                events=frozenset({event}) if event else frozenset(), unit=family,
                relative=s.generic_relative, absolute=s.generic_absolute,
                window_days=s.generic_window.get(over_time, DEFAULT_WINDOW[over_time]),
                scopes_ignored=s.generic_ignored_scopes, same_place=True, generic=True,
            )
        return m

    # ---- helpers
    def authority(self, attribution: str | None) -> str | None:
        """The kind of authority a figure is attributed to ("health ministry"), or None."""
        if not attribution:
            return None
        kind = self._authority.get(attribution, "?")
        if kind == "?":
            kind = None
            for name, patterns in self.settings.authorities:
                if any(p.search(attribution) for p in patterns):
                    kind = name
                    break
            self._authority[attribution] = kind
        return kind

    def scopes(self, metric: Metric, scope: list[str]) -> frozenset[str]:
        key = (id(metric.scopes_ignored), tuple(scope))
        out = self._scopes.get(key)
        if out is None:
            out = frozenset(scope) - metric.scopes_ignored
            self._scopes[key] = out
        return out

    def places(self, names: list[str]) -> frozenset[str]:
        key = tuple(names)
        out = self._places.get(key)
        if out is None:
            out = frozenset(norm_place(p) for p in names)
            self._places[key] = out
        return out

    def is_whole_group(self, claim: Claim) -> bool:
        """"all the hostages", "all remaining hostages": the whole counted set, not a subgroup."""
        q = claim.quantity
        text = (q.group or q.surface or "").lower()
        words = re.findall(r"[a-z][a-z'-]*", text)
        counted = (claim.counted or "").lower()
        unit = (q.unit or "").lower()
        rest = [
            w for w in words
            if w not in self.settings.whole_group_words
            and w not in (counted, unit, counted + "s", counted + "es")
            and not (counted and w.startswith(counted[:-1]) and len(counted) > 3)
        ]
        return not rest

    def slot(self, claim: Claim, default_places: frozenset[str] = frozenset()) -> Slot | None:
        found = self.metric_for(claim)
        if found is None:
            return None
        metric, family, factor = found
        q = claim.quantity
        if q.trend != "level":
            return None  # a change ("rose by 5%"), not a level
        if q.kind == "categorical":
            if self.is_whole_group(claim) or re.search(r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|dozen)\b",
                                                        (q.group or q.surface or "").lower()):
                return None  # "all the hostages", or "all five passengers": a size already stated
            form, lo, hi = "group", -INF, INF
        else:
            if q.kind == "vague" and not self.settings.compare_vague:
                return None
            if q.low is None and q.high is None:
                return None
            form = "number"
            lo = -INF if q.low is None else q.low * factor
            hi = INF if q.high is None else q.high * factor
        mag = max((abs(x) for x in (lo, hi) if math.isfinite(x)), default=0.0)
        places = self.places(claim.places)
        if not places and self.settings.inherit_place:
            places = default_places
        return Slot(
            claim=claim, metric=metric, form=form, lo=lo, hi=hi,
            tol=(q.tolerance or 0.0) * factor,
            slack=max(metric.absolute, metric.relative * mag),
            approx=q.kind == "approx",
            day=0 if metric.over_time == "fixed" else day_number(claim.date), source=claim.source_id,
            scopes=self.scopes(metric, claim.scope), places=places,
            authority=self.authority(claim.attribution),
        )


def main_places(claims: list[Claim], aligner: Aligner) -> dict[str, frozenset[str]]:
    """Per source, the place its claims name most often: a figure with no
    place of its own speaks of the story's main place."""
    counts: dict[str, dict[str, int]] = {}
    for c in claims:
        if c.places:
            per = counts.setdefault(c.source_id, {})
            for p in aligner.places(c.places):
                per[p] = per.get(p, 0) + 1
    out = {}
    for sid, per in counts.items():
        best = max(per.values())
        out[sid] = frozenset(p for p, n in per.items() if n == best)
    return out


def build_blocks(claims: list[Claim], pack: RulePack, aligner: Aligner | None = None) -> dict[str, Block]:
    """Group the comparable claims by metric. Claims naming no fact are left out.

    Metrics with `same_place` (every generic key) are split further by place:
    a slot goes to the block of each place it names, or to the block of no
    place when it names none (and its source names none either). So "people
    killed" in Malatya and in Syria never share a block, however large the
    corpus."""
    aligner = aligner or Aligner(pack)
    defaults = main_places(claims, aligner) if aligner.settings.inherit_place else {}
    empty: frozenset[str] = frozenset()
    blocks: dict[str, Block] = {}
    for c in claims:
        s = aligner.slot(c, defaults.get(c.source_id, empty))
        if s is None:
            continue
        m = s.metric
        for place in (sorted(s.places) or [""]) if m.same_place else [""]:
            key = f"{m.name}@{place}" if place else m.name
            b = blocks.get(key)
            if b is None:
                b = blocks[key] = Block(m, place)
            b.slots.append(s)
    return blocks


# --------------------------------------------------------------------------- pairs


def compatible(a: Slot, b: Slot) -> bool:
    """Comparable: other sources, nested scopes, and (where the metric asks) a shared place."""
    if a.source == b.source:
        return False
    if not (a.scopes <= b.scopes or b.scopes <= a.scopes):
        return False
    if a.metric.same_place and a.places != b.places and not (a.places & b.places):
        return False
    return True


def _order(s: Slot) -> tuple:
    return (s.day if s.day is not None else -1, s.source, s.claim.line, s.claim.col, s.claim.quantity.surface)


SCAN_FACTOR = 4  # a slot looks at most SCAN_FACTOR * cap others to find its cap partners


def window_pairs(slots: list[Slot], window: float, cap: int) -> Iterator[tuple[Slot, Slot]]:
    """Dated pairs at most `window` days apart, each slot meeting at most `cap`
    compatible slots after it (the nearest in time) among at most
    SCAN_FACTOR * cap looked at. `slots` must be dated and sorted by day."""
    n = len(slots)
    scan = SCAN_FACTOR * cap
    for i in range(n):
        a = slots[i]
        met = 0
        limit = a.day + window
        for j in range(i + 1, min(n, i + 1 + scan)):
            b = slots[j]
            if b.day > limit:
                break
            if compatible(a, b):
                yield a, b
                met += 1
                if met >= cap:
                    break


def nearest_by_value(a: Slot, pool: list[Slot], keys: list[float], cap: int) -> Iterator[Slot]:
    """Compatible slots of `pool` (sorted by value_key, keys alongside) nearest
    in value to `a`, at most `cap` of them, nearest first."""
    k = a.value_key
    right = bisect.bisect_left(keys, k)
    left = right - 1
    met = looked = 0
    n = len(pool)
    while met < cap and looked < SCAN_FACTOR * cap and (left >= 0 or right < n):
        looked += 1
        if right >= n or (left >= 0 and abs(k - keys[left]) <= abs(keys[right] - k)):
            b = pool[left]
            left -= 1
        else:
            b = pool[right]
            right += 1
        if b is a or not compatible(a, b):
            continue
        met += 1
        yield b
