"""Review state without widgets: statuses, filters, search and timeline data.

Kept apart from the Textual code so the rules ("what counts as decided", "what
is a changed flag", "which rows does a filter show") are plain functions over
the flags and the ledger's latest decisions, and cheap enough for 10,000 flags:
ids and evidence hashes are computed once, statuses come from one ledger read
and are then updated from the decisions this session writes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable

from ..ledger import Ledger
from ..model import Claim, Decision, Flag

STATUS_FILTERS = ("all", "open", "confirmed", "dismissed", "follow-up", "changed")
SEVERITY_FILTERS = ("all", "high", "medium", "low")


def cycle(options: tuple[str, ...] | list[str], current: str) -> str:
    """The option after `current` (wrapping); the first if `current` is unknown."""
    try:
        return options[(list(options).index(current) + 1) % len(options)]
    except ValueError:
        return options[0]


def outlets_of(flag: Flag) -> list[str]:
    """Distinct outlets (or source ids when the outlet is unknown), in claim order."""
    seen: dict[str, None] = {}
    for c in flag.claims:
        seen.setdefault(c.outlet or c.source_id, None)
    return list(seen)


def claim_date(claim: Claim) -> date | None:
    """The date a claim speaks of (its own, else its source's), or None."""
    for value in (claim.date, claim.published):
        if value:
            try:
                return date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    return None


@dataclass
class Filters:
    status: str = "all"
    severity: str = "all"
    code: str = "all"
    search: str = ""

    @property
    def active(self) -> bool:
        return (self.status, self.severity, self.code, self.search) != ("all", "all", "all", "")

    def describe(self) -> str:
        """The active filters in a few words: "status confirmed, search 'gaza'"."""
        parts = [f"{name} {value}" for name, value in
                 (("status", self.status), ("severity", self.severity), ("code", self.code))
                 if value != "all"]
        if self.search:
            parts.append(f"search '{self.search}'")
        return ", ".join(parts) or "none"


@dataclass(frozen=True)
class Point:
    """One claim on the timeline: x is a date ordinal; `low`/`high` are finite
    ends of its interval in the timeline's unit (equal for a point figure, one
    None for an open end)."""

    claim_id: str
    x: int
    low: float | None
    high: float | None


@dataclass
class Timeline:
    points: list[Point]
    undated: int
    skipped: int  # vague, categorical or wholly unbounded figures
    unit: str = ""  # what the y axis counts or measures ("day", "hostage")
    other_unit: int = 0  # figures in a unit that does not convert to `unit`


def _unit_of(claim: Claim) -> tuple[str, str, float]:
    """(family, axis label, factor to the label's unit) for a claim's figure."""
    from ..align import CONVERSIONS, unit_family

    unit = claim.quantity.unit or ""
    family, factor = unit_family(unit)
    if family == "count":
        return family, (unit or claim.counted or "count"), 1.0
    base = next((u for u, (f, k) in CONVERSIONS.items() if f == family and k == 1.0), family)
    return family, base, factor


def build_timeline(claims: list[Claim]) -> Timeline:
    """Plot data for `claims` (the flag's own first): dated numeric figures as
    points, in the unit of the first numeric figure; the rest counted."""
    points: list[Point] = []
    undated = skipped = other = 0
    axis: tuple[str, str] | None = None
    for c in claims:
        q = c.quantity
        if q.kind in ("vague", "categorical"):
            skipped += 1
            continue
        low = q.low if q.low is not None and math.isfinite(q.low) else None
        high = q.high if q.high is not None and math.isfinite(q.high) else None
        if low is None and high is None:
            skipped += 1
            continue
        family, label, factor = _unit_of(c)
        if axis is None:
            axis = (family, label)
        elif family != axis[0]:
            other += 1
            continue
        when = claim_date(c)
        if when is None:
            undated += 1
            continue
        points.append(Point(c.id, when.toordinal(), None if low is None else low * factor,
                            None if high is None else high * factor))
    return Timeline(points, undated, skipped, axis[1] if axis else "", other)


class ReviewState:
    """Flags plus the current decision on each, updated as decisions are made."""

    def __init__(self, flags: Iterable[Flag], latest: dict[str, Decision],
                 figures: Callable[[Flag], list[Claim]] | None = None):
        self.flags: list[Flag] = list(flags)
        self.figures = figures  # every figure of a flag's fact; None: the flags' own claims
        self.figures_error: str | None = None
        self.ids: list[str] = [f.id for f in self.flags]
        self.hashes: list[str] = [f.evidence_hash for f in self.flags]
        self.latest: dict[str, Decision] = dict(latest)
        self.by_id: dict[str, list[int]] = {}
        for i, fid in enumerate(self.ids):
            self.by_id.setdefault(fid, []).append(i)
        self.codes: list[str] = sorted({f.code for f in self.flags})
        self.decided = sum(1 for i in range(len(self.flags)) if self.status(i) != "open")
        self.changed = sum(1 for i in range(len(self.flags)) if self.is_changed(i))
        self._haystacks: dict[int, str] = {}
        self._history: dict[str, list[Decision]] | None = None
        self._claims_by_metric: dict[str, list[Claim]] | None = None
        self._timelines: dict[int, Timeline] = {}

    def __len__(self) -> int:
        return len(self.flags)

    def all_decided(self) -> bool:
        return bool(self.flags) and self.decided == len(self.flags)

    # -- status --------------------------------------------------------------

    def decision(self, i: int) -> Decision | None:
        return self.latest.get(self.ids[i])

    def status(self, i: int) -> str:
        d = self.latest.get(self.ids[i])
        return d.status if d else "open"

    def is_changed(self, i: int) -> bool:
        """Decided earlier, but the evidence the reviewer saw has changed since."""
        d = self.latest.get(self.ids[i])
        return bool(
            d and d.status != "open" and d.evidence_hash and d.evidence_hash != self.hashes[i]
        )

    def status_label(self, i: int) -> str:
        return self.status(i) + ("*" if self.is_changed(i) else "")

    def record(self, decision: Decision) -> list[int]:
        """Take a line just written to the ledger; return the rows it affects.
        A note only joins the history: it is not a verdict."""
        rows = self.by_id.get(decision.flag_id, [])
        if decision.kind == "note":
            if self._history is not None:
                self._history.setdefault(decision.flag_id, []).append(decision)
            return rows
        for i in rows:
            self.decided -= self.status(i) != "open"
            self.changed -= self.is_changed(i)
        self.latest[decision.flag_id] = decision
        for i in rows:
            self.decided += self.status(i) != "open"
            self.changed += self.is_changed(i)
        if self._history is not None:
            self._history.setdefault(decision.flag_id, []).append(decision)
        return rows

    def history(self, i: int, ledger: Ledger) -> list[Decision]:
        """Decisions on flag `i`, oldest first. The ledger is read once, on
        first use, and the index is then kept up to date by `record`."""
        if self._history is None:
            self._history = self._index_history(ledger)
        return self._history.get(self.ids[i], [])

    def _index_history(self, ledger: Ledger) -> dict[str, list[Decision]]:
        """Every flag's lines in the ledger's order (see ledger.py); decisions
        recorded under a flag's legacy id count as its own."""
        groups = ledger.histories()
        for f in self.flags:
            legacy = f.legacy_id
            if f.id not in groups and legacy in groups:
                groups[f.id] = groups[legacy]
        return groups

    # -- filtering -------------------------------------------------------------

    def haystack(self, i: int) -> str:
        text = self._haystacks.get(i)
        if text is None:
            f = self.flags[i]
            parts = [f.code, f.rule, f.severity, f.metric, f.message, self.ids[i]]
            for c in f.claims:
                parts += [c.source_id, c.outlet or "", c.attribution or "", c.sentence,
                          c.quantity.surface]
            text = self._haystacks[i] = "\n".join(parts).casefold()
        return text

    def matches(self, i: int, filters: Filters) -> bool:
        f = self.flags[i]
        if filters.severity != "all" and f.severity != filters.severity:
            return False
        if filters.code != "all" and f.code != filters.code:
            return False
        if filters.status == "changed":
            if not self.is_changed(i):
                return False
        elif filters.status != "all" and self.status(i) != filters.status:
            return False
        if filters.search:
            hay = self.haystack(i)
            return all(word in hay for word in filters.search.casefold().split())
        return True

    def visible(self, filters: Filters) -> list[int]:
        if not filters.active:
            return list(range(len(self.flags)))
        return [i for i in range(len(self.flags)) if self.matches(i, filters)]

    # -- timeline --------------------------------------------------------------

    def metric_claims(self, metric: str) -> list[Claim]:
        """Every claim of every flag on `metric`, once each (by claim id)."""
        if self._claims_by_metric is None:
            groups: dict[str, dict[str, Claim]] = {}
            for f in self.flags:
                group = groups.setdefault(f.metric, {})
                for c in f.claims:
                    group.setdefault(c.id, c)
            self._claims_by_metric = {m: list(g.values()) for m, g in groups.items()}
        return self._claims_by_metric.get(metric, [])

    def fact_claims(self, i: int) -> list[Claim]:
        """Every figure of flag `i`'s fact, its own claims first. Without a
        `figures` source (no stored corpus), the claims of all flags on its metric."""
        flag = self.flags[i]
        found = None
        if self.figures is not None:
            try:
                found = self.figures(flag)
            except Exception as exc:  # a damaged cache must not end the review: say so once
                self.figures = None
                self.figures_error = f"{exc.__class__.__name__}: {exc}"
        if found is None:
            found = self.metric_claims(flag.metric)
        seen: dict[str, Claim] = {c.id: c for c in flag.claims}
        for c in found:
            seen.setdefault(c.id, c)
        return list(seen.values())

    def timeline(self, i: int) -> Timeline:
        cached = self._timelines.get(i)
        if cached is None:
            cached = self._timelines[i] = build_timeline(self.fact_claims(i))
        return cached
