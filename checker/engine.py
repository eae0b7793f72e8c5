"""The rule engine: compare aligned claims and raise flags.

`compare(claims, pack)` is the whole stage: claims in, flags out, sorted by
severity (high first) and then by flag id, so the output is the same on every
run. Alignment (which claims are about the same fact, which pairs to look at)
lives in `checker.align`; this module holds the rules.

Every rule has a code, a name, a default severity and thresholds; the `rules`
packs (rules/rules.yaml) override them. Each rule's docstring says what it
detects, why it matters and gives an example; docs/rules.md has the same text
for users. Importing this module registers the `metrics` and `rules` pack
loaders in `checker.rulepack.LOADERS`.

Claims from the same source are never flagged against each other.
"""
from __future__ import annotations

import bisect
import gc
import inspect
import itertools
import math
import random
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable, Iterator

from . import rulepack
from .align import (
    INF,
    Aligner,
    SCAN_FACTOR,
    Block,
    Settings,
    Slot,
    build_blocks,
    load_metrics,
    compatible,
    nearest_by_value,
    unit_family,
    window_pairs,
)
from .model import SEVERITIES, Claim, Flag, Quantity
from .rulepack import RulePack, RulePackError
from .untrusted import PatternError, compile_pattern

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    params: dict[str, Any]
    func: Callable
    applies_to: str  # "pair": judged pair by pair; "block": scans a whole metric block

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.func) or ""

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: str, applies_to: str = "pair", **params: Any):
    """Register a rule function under a code, with its default severity and thresholds."""

    def deco(func: Callable) -> Callable:
        assert severity in SEVERITIES and code not in RULES
        RULES[code] = Rule(code, name, severity, dict(params), func, applies_to)
        return func

    return deco


@dataclass
class RuleConfig:
    code: str
    name: str
    severity: str
    enabled: bool
    params: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.params[key]


def rule_configs(pack: RulePack) -> dict[str, RuleConfig]:
    """Each rule's effective settings: its defaults overridden by the packs."""
    out = {}
    for code, r in RULES.items():
        over = pack.rules.get(code, {}) or {}
        params = dict(r.params)
        params.update({k: v for k, v in over.items() if k in r.params})
        out[code] = RuleConfig(code, r.name, over.get("severity", r.severity), over.get("enabled", True), params)
    return out


# --------------------------------------------------------------------------- relations


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


# --------------------------------------------------------------------------- wording


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
        if (family != "count" and base and base not in low) or (s.tol and not s.approx):
            text += f" ({normalized(s)})"
    return text


def who(s: Slot, dated: bool = False) -> str:
    c = s.claim
    name = c.outlet or c.source_id
    if dated:
        return f"{name} ({c.date})" if c.date else f"{name} (undated)"
    return name


def cites(s: Slot) -> str:
    return f"{who(s)}, citing {s.claim.attribution.strip()}," if s.claim.attribution else who(s)


def _the_figures(metric) -> str:
    label = metric.label()
    return f"the figures for {label}" if label else "the figures"


def _check_what(metric) -> str:
    if metric.over_time == "term":
        return "the proposal or agreement itself"
    return "the original statement"


# --------------------------------------------------------------------------- rules


@rule("CK101", "numeric-conflict", "high", min_relative_gap=0.0)
def numeric_conflict(cfg: RuleConfig, a: Slot, b: Slot, rel: str) -> str | None:
    """Two sources give figures for the same fact that cannot both be true.

    What it detects: two claims of one metric, in the same time window and
    compatible scope, whose intervals stay apart even after each is widened by
    the tolerance its wording implies ("about" = 10%, "six-week" = ± 3.5 days)
    and by the metric's own tolerance. Units are converted first. For
    cumulative metrics the window is "the same time" (window_days, default
    the same day): later figures may differ, see CK104.

    Why it matters: at least one outlet has the figure wrong, is out of date,
    or counts something else; a reader cannot tell which from the text.

    Example: Global Press Agency says “At least 1,150 people” were killed;
    Channel Nine says “900 people” on the same day.

    Thresholds: min_relative_gap (ignore gaps smaller than this fraction of
    the larger figure; 0 flags every gap).
    """
    if rel != "conflict" or different_authorities(a, b):
        return None
    if relative_gap(a, b) < cfg["min_relative_gap"]:
        return None
    when = f"both on {a.claim.date}" if a.claim.date == b.claim.date else f"{a.claim.date} and {b.claim.date}"
    return (
        f"{who(a)} says {quote(a)}; {who(b)} says {quote(b)} ({when}) — {_the_figures(a.metric)} "
        f"conflict; check which is right or whether they count different things."
    )


@rule("CK102", "rounding", "low", include_approx=False)
def rounding(cfg: RuleConfig, a: Slot, b: Slot, rel: str) -> str | None:
    """Figures that agree only within the precision their wording implies.

    What it detects: two claims whose exact values differ but overlap once
    the precision of a coarse unit is allowed: "six weeks" is 42 days give or
    take half a week, so it does not contradict "45 days", but neither does
    it confirm it. With include_approx: true, hedges such as "about" and
    "some" count as such precision too (by default a hedged figure that
    overlaps simply agrees).

    Why it matters: one outlet may have rounded the other's figure, or they
    may describe different versions of a proposal; a careful reader wants
    the exact figure from the primary source. Low severity: often harmless.

    Example: Axios says a “six-week” ceasefire (42 ± 3.5 days); Bloomberg says
    a “45-day” pause.
    """
    if not (rel == "rounding" or (rel == "hedged" and cfg["include_approx"])):
        return None

    coarse = [s for s in (a, b) if s.tol] or [a]
    what = " and ".join(f"“{s.claim.quantity.surface.strip()}”" for s in coarse)
    return (
        f"{who(a)} says {quote(a)}; {who(b)} says {quote(b)} — these agree only within the "
        f"rounding that {what} implies; check which figure {_check_what(a.metric)} states."
    )


@rule("CK103", "scope-mismatch", "medium")
def scope_mismatch(cfg: RuleConfig, a: Slot, b: Slot, rel: str) -> str | None:
    """A number set against a categorical group for the same fact.

    What it detects: one source gives a figure ("35 to 40 hostages") where
    another names a group ("all the women, children and elderly hostages")
    for the same metric and time. A group that is simply the whole counted
    set ("all the hostages", "all remaining hostages") is not flagged: it
    says nothing about the size.

    Why it matters: the two may or may not describe the same people; only a
    person who knows how large the group is can judge. Not a numeric verdict.

    Example: Axios says Hamas would free “35 to 40 Israeli hostages” in the
    first stage; Bloomberg says the release of “all the women, children and
    elderly Israeli hostages”.
    """
    if rel != "scope":
        return None
    num, grp = (a, b) if a.form == "number" else (b, a)
    undated = "" if (a.claim.date and b.claim.date) else " (one of them is undated)"
    return (
        f"{who(num)} says {quote(num)}; {who(grp)} says {quote(grp)}{undated} — a number against "
        f"a group, not comparable as figures; judge whether the group is about that size."
    )


@rule("CK104", "cumulative-decrease", "high", applies_to="block", min_relative_drop=0.0)
def cumulative_decrease(cfg: RuleConfig, block: Block, ctx: "Context") -> Iterator[tuple[Slot, Slot, str]]:
    """A later, lower figure for a fact that can only grow.

    What it detects: for a cumulative metric (a death toll, hostages taken),
    a figure dated after another one (by more than the metric's window) that
    is lower even after tolerances. When both figures are attributed to a
    known kind of authority (health ministry, military, ...), only the same
    kind is compared: different authorities count differently. A later
    higher figure is the normal course of events and is never flagged.

    Why it matters: a toll that goes down is either a correction worth
    reporting, a stale figure copied forward, or a different count.

    Example: Global Press Agency on 2025-03-05 says “At least 1,150 people”
    were killed; Valley Blog on 2025-03-06 says “700 people”.

    Thresholds: min_relative_drop (ignore drops smaller than this fraction).
    """
    if block.metric.over_time != "cumulative":
        return
    dated = sorted((s for s in block.slots if s.form == "number" and s.day is not None), key=_order)
    window = block.metric.window_days
    # per (authority kind or None, scopes): the two highest earlier figures from distinct sources
    best: dict[tuple[str | None, frozenset[str]], list[Slot]] = {}
    p = 0
    for cur in dated:
        while p < len(dated) and dated[p].day < cur.day - window:
            e = dated[p]
            _push_top(best.setdefault((e.authority, e.scopes), []), e)
            p += 1
        top = None
        for (authority, scopes), tops in best.items():
            if cur.authority is not None and authority is not None and authority != cur.authority:
                continue
            if not (scopes <= cur.scopes or cur.scopes <= scopes):
                continue
            for s in tops:
                if compatible(s, cur):
                    if top is None or widened(s)[0] > widened(top)[0]:
                        top = s
                    break
        if top is None:
            continue
        if widened(cur)[1] < widened(top)[0] and relative_gap(top, cur) >= cfg["min_relative_drop"]:
            yield top, cur, (
                f"{who(cur, True)} says {quote(cur)}, lower than {quote(top)} from {who(top, True)}, "
                f"but {_the_figures(block.metric)[:-1]} can only grow; check for a stale or misreported figure "
                f"or a correction."
            )


def _push_top(tops: list[Slot], s: Slot, keep: int = 2) -> None:
    """Keep the `keep` slots with the highest lower bound, from distinct sources."""
    for i, t in enumerate(tops):
        if t.source == s.source:
            if widened(s)[0] > widened(t)[0]:
                tops[i] = s
                tops.sort(key=lambda x: -widened(x)[0])
            return
    tops.append(s)
    tops.sort(key=lambda x: -widened(x)[0])
    del tops[keep:]


@rule("CK105", "undated-conflict", "medium", applies_to="block")
def undated_conflict(cfg: RuleConfig, block: Block, ctx: "Context") -> Iterator[tuple[Slot, Slot, str]]:
    """A figure from an undated source that agrees with none of the others.

    What it detects: a claim whose source has no date (so it cannot be placed
    in a time window or ordered against the others) that disagrees with every
    comparable figure of the same metric it is checked against (the nearest
    in value, up to max_pairs_per_claim). It is paired with the nearest
    disagreeing figure. If it agrees with any one of them, it could simply
    date from that time, and nothing is flagged.

    Why it matters: the figure may be stale (an early death toll) or wrong;
    which it is depends on when it was published, which is unknown.

    Example: Regional Digest (undated) says “300 people” were killed;
    Anatolian Wire (2025-03-03) says “120 people”, and later reports say more.
    """
    numbers = [s for s in block.slots if s.form == "number"]
    undated = [s for s in numbers if s.day is None]
    if not undated:
        return
    pool = sorted(numbers, key=lambda s: (s.value_key, _order(s)))
    keys = [s.value_key for s in pool]
    for u in sorted(undated, key=_order):
        nearest = None
        for other in nearest_by_value(u, pool, keys, ctx.settings.max_pairs_per_claim):
            if relate(u, other) != "conflict":
                nearest = None
                break
            if nearest is None:
                nearest = other
        if nearest is None:
            continue
        both = "" if nearest.day is not None else "; neither is dated"
        yield u, nearest, (
            f"{who(u, True)} says {quote(u)}; {who(nearest, True)} says {quote(nearest)}{both} — they "
            f"disagree and without a date it is unknown which is newer; find when "
            f"{who(u)} published before judging."
        )


@rule("CK106", "attribution-conflict", "medium", min_relative_gap=0.0)
def attribution_conflict(cfg: RuleConfig, a: Slot, b: Slot, rel: str) -> str | None:
    """Different kinds of authority give different figures for the same fact.

    What it detects: a numeric conflict (see CK101) where both figures are
    attributed ("according to ...", "... said") to authorities of different
    kinds, as classified by the `authorities` table of the rules pack (health
    ministry, military, seismological agency, ...). It replaces CK101 for
    that pair: the disagreement is between the authorities, not (only)
    between the outlets.

    Why it matters: both outlets may be reporting faithfully; the reader
    needs to be told who says what, rather than one figure picked silently.

    Example: Anatolian Wire, citing AFAD, says a “7.1-magnitude” earthquake;
    Global Press Agency, citing the United States Geological Survey, says
    “6.8-magnitude”.

    Thresholds: min_relative_gap (as CK101).
    """
    if rel != "conflict" or not different_authorities(a, b):
        return None
    if relative_gap(a, b) < cfg["min_relative_gap"]:
        return None
    return (
        f"{cites(a)} says {quote(a)}; {cites(b)} says {quote(b)} — different authorities "
        f"({a.authority}, {b.authority}) give different figures; report both with their source "
        f"rather than pick one."
    )


# --------------------------------------------------------------------------- confidence

# How much a rule's verdict is worth when grouping, extraction and dates are sure.
RULE_WEIGHT = {"CK101": 0.95, "CK102": 0.75, "CK103": 0.8, "CK104": 0.95, "CK105": 0.45, "CK106": 0.9}


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
    if (code == "CK101" and m.over_time == "cumulative" and a.day is not None and a.day == b.day
            and not different_authorities(a, b)):
        conf *= 0.5  # a toll rising through the day: same-day figures differ by the hour
    if code in ("CK101", "CK104", "CK106") and a.metric.over_time != "fixed":
        gap = relative_gap(a, b)
        conf *= 1.0 if gap >= 0.2 else (0.85 if gap >= 0.1 else 0.7)
    return round(conf, 3)


# --------------------------------------------------------------------------- compare


def _order(s: Slot) -> tuple:
    c = s.claim
    return (s.day if s.day is not None else 10**9, s.source, c.line, c.col, c.quantity.surface)


@dataclass
class Context:
    pack: RulePack
    settings: Settings
    configs: dict[str, RuleConfig]
    flags: dict[str, Flag] = field(default_factory=dict)
    once: set[tuple[str, str, str]] = field(default_factory=set)
    focus: set[str] | None = None  # only pairs touching these sources (pre-commit check)
    best: dict[tuple, str] = field(default_factory=dict)  # (metric, source, source) -> flag id

    def emit(self, code: str, metric: str, a: Slot, b: Slot, message: str) -> None:
        cfg = self.configs[code]
        first, second = sorted((a, b), key=_order)
        # columns A and B follow the order the message names them
        flag = Flag(code=code, severity=cfg.severity, metric=metric, claims=[a.claim, b.claim],
                    message=message, rule=cfg.name, confidence=confidence(code, a, b),
                    fact=a.metric.description or metric)
        # one flag per fact and pair of sources: the surest
        key = (metric, *sorted((a.source, b.source)))
        old = self.best.get(key)
        if old is not None:
            if self.flags[old].confidence >= flag.confidence:
                return
            del self.flags[old]
        self.best[key] = flag.id
        self.flags.setdefault(flag.id, flag)


def _pair_rules(ctx: Context) -> list[tuple[str, Callable, RuleConfig]]:
    return [(code, RULES[code].func, cfg) for code, cfg in sorted(ctx.configs.items())
            if cfg.enabled and RULES[code].applies_to == "pair"]


def _judge(ctx: Context, rules, a: Slot, b: Slot) -> None:
    if ctx.focus is not None and a.claim.source_id not in ctx.focus and b.claim.source_id not in ctx.focus:
        return
    rel = relate(a, b)
    if rel in ("agree", "groups"):
        return
    for code, func, cfg in rules:
        message = func(cfg, a, b, rel)
        if message:
            ctx.emit(code, a.metric.name, a, b, message)


def compare_block(ctx: Context, block: Block) -> None:
    """All the rules over one metric's claims."""
    cap = ctx.settings.max_pairs_per_claim
    rules = _pair_rules(ctx)
    metric = block.metric
    numbers = sorted((s for s in block.slots if s.form == "number" and s.day is not None), key=_order)
    if len(block.slots) > 1:
        # dated figures within the metric's time window
        for a, b in window_pairs(numbers, metric.window_days, cap):
            _judge(ctx, rules, a, b)
        # groups against figures: same window when both are dated, otherwise any
        groups = sorted((s for s in block.slots if s.form == "group"), key=_order)
        if groups:
            undated_numbers = sorted((s for s in block.slots if s.form == "number" and s.day is None), key=_order)
            days = [s.day for s in numbers]
            for g in groups:
                if g.day is None:
                    lo, hi = 0, len(numbers)
                else:
                    lo = bisect.bisect_left(days, g.day - metric.window_days)
                    hi = bisect.bisect_right(days, g.day + metric.window_days)
                candidates: Iterable[Slot] = itertools.chain(
                    (numbers[i] for i in range(lo, hi)), undated_numbers)
                met = 0
                for looked, n in enumerate(candidates):
                    if looked >= SCAN_FACTOR * cap:
                        break
                    if compatible(g, n):
                        _judge(ctx, rules, n, g)
                        met += 1
                        if met >= cap:
                            break
        for code, cfg in sorted(ctx.configs.items()):
            r = RULES[code]
            if cfg.enabled and r.applies_to == "block":
                for a, b, message in r.func(cfg, block, ctx):
                    # a slot in several place blocks is flagged once per block rule
                    once = (code, metric.name, b.claim.id if code == "CK104" else a.claim.id)
                    if once not in ctx.once:
                        ctx.once.add(once)
                        ctx.emit(code, metric.name, a, b, message)


def compare(claims: list[Claim], pack: RulePack, focus: set[str] | None = None, facts=None) -> list[Flag]:
    """Flags for every disagreement among `claims`, by severity then id.

    Claims are aligned to metrics (checker.align), blocked by metric, and
    compared only within each metric's time window, so the work grows with
    the number of claims, not the number of pairs. With `focus` (source ids),
    only blocks holding a claim from those sources are compared: the
    pre-commit check needs no other flags.
    """
    settings = Settings.from_pack(pack)
    ctx = Context(pack=pack, settings=settings, configs=rule_configs(pack), focus=focus)
    if facts is None:
        from .facts import build_facts

        facts = build_facts(claims, pack)
    aligner = Aligner(pack, settings, facts)
    # Millions of short-lived slots and no reference cycles: the cyclic
    # collector would only rescan them over and over.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        blocks = build_blocks(claims, pack, aligner)
        for name in sorted(blocks):
            if focus is not None and not any(slot.claim.source_id in focus for slot in blocks[name].slots):
                continue
            compare_block(ctx, blocks[name])
        del blocks
        keyed = sorted(ctx.flags.items(), key=lambda kv: (-kv[1].confidence, SEVERITY_RANK.get(kv[1].severity, 9), kv[0]))
        return [f for _, f in keyed]
    finally:
        if gc_was_enabled:
            gc.enable()


def metric_of(claim: Claim, pack: RulePack) -> str | None:
    """The metric name a claim is aligned to (None: it names no comparable fact)."""
    found = Aligner(pack).metric_for(claim)
    return found[0].name if found else None


# --------------------------------------------------------------------------- the rules pack loader


SETTINGS_TYPES = {"max_pairs_per_claim": int, "flag_threshold": float, "compare_vague": bool, "whole_group_words": list}
GENERIC_TYPES = {
    "enabled": bool, "cumulative_events": list, "term_scopes": list, "ignore_counted": list,
    "ignored_scopes": list, "window_days": dict, "tolerance": dict, "inherit_place": bool,
}
RULES_PACK_KEYS = {"kind", "description", "rules", "settings", "generic", "authorities"}


def _typed(path: str, key: str, value: Any, want: type) -> Any:
    if want is bool:
        if not isinstance(value, bool):
            raise RulePackError(path, key, f"must be true or false, not {value!r}")
        return value
    if want is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RulePackError(path, key, f"must be a whole number of at least 1, not {value!r}")
        return value
    if want is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise RulePackError(path, key, f"must be a number of at least 0, not {value!r}")
        return float(value)
    if want is list:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise RulePackError(path, key, "must be a list of non-empty strings")
        return [v.strip().lower() for v in value]
    if want is str:
        if not isinstance(value, str):
            raise RulePackError(path, key, "must be a string")
        return value
    raise AssertionError(want)


def _param_type(default: Any) -> type:
    if isinstance(default, bool):
        return bool
    if isinstance(default, (int, float)):
        return float
    if isinstance(default, list):
        return list
    return str


def _mapping(path: str, key: str, value: Any) -> dict:
    if not isinstance(value, dict):
        raise RulePackError(path, key, "must be a mapping")
    return value


def load_rules(pack: RulePack, path: str, data: dict) -> None:
    """The `rules` pack loader: rule severities and thresholds, engine settings,
    the generic fallback and the authority table. Later files override."""
    unknown = sorted(set(map(str, data)) - RULES_PACK_KEYS)
    if unknown:
        raise RulePackError(path, unknown[0], f"unknown key (known: {', '.join(sorted(RULES_PACK_KEYS - {'kind'}))})")
    for code, body in (_mapping(path, "rules", data.get("rules") or {})).items():
        code = str(code)
        if code not in RULES:
            raise RulePackError(path, f"rules.{code}", f"unknown rule code (known: {', '.join(sorted(RULES))})")
        r = RULES[code]
        body = _mapping(path, f"rules.{code}", body or {})
        merged = dict(pack.rules.get(code, {}))
        for k, v in body.items():
            key = f"rules.{code}.{k}"
            if k == "severity":
                if v not in SEVERITIES:
                    raise RulePackError(path, key, f"must be one of {', '.join(SEVERITIES)}, not {v!r}")
                merged[k] = v
            elif k == "enabled":
                merged[k] = _typed(path, key, v, bool)
            elif k == "name":
                if v != r.name:
                    raise RulePackError(path, key, f"is {r.name!r} for {code} (names are fixed; only severity, enabled and thresholds can change)")
            elif k in r.params:
                merged[k] = _typed(path, key, v, _param_type(r.params[k]))
            else:
                known = ", ".join(["severity", "enabled", *sorted(r.params)])
                raise RulePackError(path, key, f"unknown setting for {code} {r.name} (known: {known})")
        pack.rules[code] = merged
    settings = dict(pack.rules.get("settings", {}))
    for k, v in _mapping(path, "settings", data.get("settings") or {}).items():
        if k not in SETTINGS_TYPES:
            raise RulePackError(path, f"settings.{k}", f"unknown setting (known: {', '.join(sorted(SETTINGS_TYPES))})")
        settings[k] = _typed(path, f"settings.{k}", v, SETTINGS_TYPES[k])
    pack.rules["settings"] = settings
    generic = dict(pack.rules.get("generic", {}))
    for k, v in _mapping(path, "generic", data.get("generic") or {}).items():
        key = f"generic.{k}"
        if k not in GENERIC_TYPES:
            raise RulePackError(path, key, f"unknown setting (known: {', '.join(sorted(GENERIC_TYPES))})")
        if k == "window_days":
            v = _mapping(path, key, v)
            for kk, vv in v.items():
                if kk not in ("snapshot", "cumulative", "term"):
                    raise RulePackError(path, f"{key}.{kk}", "must be one of snapshot, cumulative, term")
                _typed(path, f"{key}.{kk}", vv, float)
            generic[k] = {**generic.get(k, {}), **{kk: float(vv) for kk, vv in v.items()}}
        elif k == "tolerance":
            v = _mapping(path, key, v)
            for kk, vv in v.items():
                if kk not in ("relative", "absolute"):
                    raise RulePackError(path, f"{key}.{kk}", "must be relative or absolute")
                _typed(path, f"{key}.{kk}", vv, float)
            generic[k] = {**generic.get(k, {}), **{kk: float(vv) for kk, vv in v.items()}}
        elif GENERIC_TYPES[k] is list and k in ("term_scopes", "ignored_scopes"):
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                raise RulePackError(path, key, "must be a list of scope names")
            generic[k] = [x.strip() for x in v]
        else:
            generic[k] = _typed(path, key, v, GENERIC_TYPES[k])
    pack.rules["generic"] = generic
    authorities = dict(pack.rules.get("authorities", {}))
    for kind, patterns in _mapping(path, "authorities", data.get("authorities") or {}).items():
        key = f"authorities.{kind}"
        if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) and p for p in patterns):
            raise RulePackError(path, key, "must be a non-empty list of regular expressions")
        for i, p in enumerate(patterns):
            try:
                compile_pattern(p)  # RE2: linear time whatever the pattern
            except PatternError as exc:
                raise RulePackError(path, f"{key}[{i}]", str(exc)) from None
        authorities[str(kind)] = list(patterns)
    pack.rules["authorities"] = authorities


rulepack.LOADERS["metrics"] = load_metrics
rulepack.LOADERS["rules"] = load_rules


# --------------------------------------------------------------------------- synthetic claims (benchmarks)


_GENERIC_EVENTS = [("kill", True), ("injure", True), ("displace", True), ("hold", False),
                   ("pledge", False), ("deploy", False), ("evacuate", True), ("price", False)]
_OUTLETS = ["Wire", "Herald", "Courier", "Gazette", "Tribune", "Post", "Times", "Chronicle",
            "Observer", "Journal", "Ledger", "Monitor"]
_PLACES = ["Malatya", "Lisbon", "Quito", "Hanoi", "Accra", "Tromso", "Cusco", "Perth"]


def synthetic_claims(n: int, seed: int = 0) -> list[Claim]:
    """`n` made-up claims shaped like a large news corpus, for timing compare().

    Stories (about one per 60 claims) spread over ten years; each has a few
    facts reported by several sources over two weeks: most figures agree,
    cumulative ones rise, and a few conflict, are hedged, bounded, rounded,
    categorical or undated. About a tenth of the facts are the built-in
    pack's metrics (hostages held, deaths in Gaza, pause length), one
    long-running series each, so those blocks grow with the corpus as they
    would in a real one. Deterministic for a given seed.
    """
    rng = random.Random(seed)
    start = date(2015, 1, 1).toordinal()
    n_stories = max(1, n // 60)
    iso: dict[int, str] = {}

    def day_iso(d: int) -> str:
        s = iso.get(d)
        if s is None:
            s = iso[d] = date.fromordinal(d).isoformat()
        return s

    # (counted, event, phrase, unit, cumulative, scope, places, value(day, base))
    series = [
        ("hostage", "hold", "hostages remain held in Gaza", "", False, ["remaining"], ["Gaza"],
         lambda d, b: float(max(1, 240 - (d - start) // 30))),
        ("person", "die", "people have died in Gaza", "", True, [], ["Gaza"],
         lambda d, b: float(1000 + 10 * (d - start))),
        ("pause", "pause", "pause proposed in the deal", "day", False, ["proposed"], [],
         lambda d, b: float(42 + 3 * (((d - start) // 365) % 2))),
    ]
    stories = []
    for k in range(n_stories):
        facts = []
        for f in range(rng.randint(2, 6)):
            r = rng.random()
            if r < 0.10:
                facts.append(series[rng.randrange(len(series))])
            else:
                event, cumulative = _GENERIC_EVENTS[rng.randrange(len(_GENERIC_EVENTS))]
                base = float(rng.choice([12, 45, 136, 240, 1200, 26000, 7, 42]) * rng.randint(1, 9))
                facts.append((f"item{k}x{f}", event, f"item {k}/{f} {event}", "", cumulative, [],
                              [rng.choice(_PLACES)],
                              (lambda d, b, day0=None: b)))
        sources = [f"s{k}-{j}.txt" for j in range(rng.randint(3, 8))]
        stories.append({
            "day": start + rng.randrange(3650),
            "facts": facts,
            "bases": [float(rng.choice([12, 45, 136, 240, 1200, 26000, 7, 42]) * rng.randint(1, 9)) for _ in facts],
            "sources": sources,
            "outlets": {s: f"{rng.choice(_OUTLETS)} {s[:-4]}" for s in sources},
        })
    claims: list[Claim] = []
    for i in range(n):
        st = stories[rng.randrange(n_stories)]
        fi = rng.randrange(len(st["facts"]))
        counted, event, phrase, unit, cumulative, scope, places, value_at = st["facts"][fi]
        offset = rng.randint(0, 14)
        day = st["day"] + offset
        value = value_at(day, st["bases"][fi])
        if cumulative and counted.startswith("item"):
            value = float(round(value * (1 + 0.05 * offset)))
        kind, low, high, tol, group = "exact", value, value, 0.0, None
        r = rng.random()
        if r < 0.03:
            low = high = float(round(value * 1.6))  # a conflicting figure
        elif r < 0.06:
            kind, tol = "approx", round(value * 0.1, 2)
        elif r < 0.08:
            kind, high = "lower", INF
        elif r < 0.09:
            kind, low, high, group = "categorical", None, None, f"women and children {counted}s"
        elif r < 0.11 and unit == "day":
            tol = 3.5
        source = rng.choice(st["sources"])
        undated = rng.random() < 0.04
        d = None if undated else day_iso(day)
        surface = f"{_fmt(value)} {counted}s" if kind != "categorical" else f"all the {group}"
        q = Quantity(low=low, high=high, kind=kind, unit=unit or counted, surface=surface,
                     tolerance=tol, concept=counted, group=group)
        claims.append(Claim(
            source_id=source, quantity=q, sentence=f"{surface} {phrase}, officials said ({i}).",
            line=1 + i % 40, col=1, counted=counted, event=event, places=places, scope=scope,
            attribution=None, date=d, date_basis="none" if undated else "published",
            outlet=st["outlets"][source], published=d,
        ))
    return claims
