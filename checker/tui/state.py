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
from typing import Iterable

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


@dataclass(frozen=True)
class Point:
    """One claim on the timeline: x is a date ordinal; `low`/`high` are finite
    ends of its interval (equal for a point figure, one None for an open end)."""

    claim_id: str
    x: int
    low: float | None
    high: float | None


@dataclass
class Timeline:
    points: list[Point]
    undated: int
    skipped: int  # vague, categorical or wholly unbounded figures


class ReviewState:
    """Flags plus the current decision on each, updated as decisions are made."""

    def __init__(self, flags: Iterable[Flag], latest: dict[str, Decision]):
        self.flags: list[Flag] = list(flags)
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
        self._timelines: dict[str, Timeline] = {}

    def __len__(self) -> int:
        return len(self.flags)

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

    def timeline(self, metric: str) -> Timeline:
        cached = self._timelines.get(metric)
        if cached is not None:
            return cached
        points: list[Point] = []
        undated = skipped = 0
        for c in self.metric_claims(metric):
            q = c.quantity
            if q.kind in ("vague", "categorical"):
                skipped += 1
                continue
            low = q.low if q.low is not None and math.isfinite(q.low) else None
            high = q.high if q.high is not None and math.isfinite(q.high) else None
            if low is None and high is None:
                skipped += 1
                continue
            when = claim_date(c)
            if when is None:
                undated += 1
                continue
            points.append(Point(c.id, when.toordinal(), low, high))
        timeline = self._timelines[metric] = Timeline(points, undated, skipped)
        return timeline
