"""Review state without widgets: statuses, filters, search and timeline data.

Kept apart from the Textual code so the rules ("what counts as decided", "what
is a changed flag", "which rows does a filter show") are plain code over the
flags and the ledger's latest decisions. The flags are read a page at a time
(store.FlagPages): which rows a filter shows, and in what order, is asked of
SQL, so opening a review costs the same at 100 flags and at 100,000. Statuses
come from one ledger read and are then updated from the decisions this session
writes (in memory and in the query's status table).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from collections import OrderedDict
from typing import Callable, Iterable

from ..ledger import Ledger
from ..model import Claim, Decision, Flag
from ..store import FlagPages

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

    def query(self) -> dict:
        """These filters as `FlagPages` arguments."""
        return {"severity": None if self.severity == "all" else self.severity,
                "code": None if self.code == "all" else self.code,
                "status": None if self.status == "all" else self.status,
                "words": self.search.split()}

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
    from ..units import CONVERSIONS, unit_family

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
    """The flags under review (a `FlagPages`, or a list made into one) plus the
    decision in force on each, updated as decisions are made. A flag is named
    by its key `i` (for a list, its index)."""

    KEPT = 64  # timelines and metric fallbacks kept (the flags looked at lately)

    def __init__(self, flags: FlagPages | Iterable[Flag], latest: dict[str, Decision],
                 figures: Callable[[Flag], list[Claim]] | None = None,
                 histories: dict[str, list[Decision]] | None = None):
        self.pages = flags if isinstance(flags, FlagPages) else FlagPages.of_flags(flags)
        self.flags = self.pages  # flags[i]; len(); iterating reads page by page
        self.figures = figures  # every figure of a flag's fact; None: the flags' own claims
        self.figures_error: str | None = None
        self.latest: dict[str, Decision] = dict(latest)
        # The ledger's lines by flag id: given by the caller that read them, else read on first use.
        self._history: dict[str, list[Decision]] | None = histories
        self._legacy: dict[int, str] = {}
        self._aliased: set[int] = set()
        self.pages.set_statuses((fid, d.status, d.evidence_hash) for fid, d in self.latest.items())
        self._codes: list[str] | None = None
        self.decided, self.changed = self.pages.status_counts()
        self.legacy_pending: set[str] = set()  # ids whose legacy flags are still to be looked up
        if self.latest and self._history is not None:
            orphans = self.orphan_decisions()
            if self.pages.path is None:
                self.alias_all(self.pages.legacy_ids(orphans))  # a list: small, at once
            else:
                self.legacy_pending = orphans  # the screen looks them up in a thread
        self._claims_by_metric: OrderedDict[str, list[Claim]] = OrderedDict()
        self._timelines: OrderedDict[int, Timeline] = OrderedDict()

    def __len__(self) -> int:
        return len(self.pages)

    def all_decided(self) -> bool:
        return bool(len(self)) and self.decided == len(self)

    @property
    def codes(self) -> list[str]:
        """The rule codes present (asked of SQL when first needed)."""
        if self._codes is None:
            self._codes = self.pages.codes()
        return self._codes

    def id_of(self, i: int) -> str:
        return self.pages.id_of(i)

    def hash_of(self, i: int) -> str:
        return self.pages[i].evidence_hash

    # -- legacy ids ------------------------------------------------------------

    def alias_legacy(self, keys: Iterable[int]) -> None:
        """Decisions recorded under a flag's legacy id count as its own when
        nothing is recorded under its id: looked up as flags are read (a page
        at a time), or all at once by `alias_all`."""
        if self._history is None:
            return
        for i in keys:
            if i in self._aliased:
                continue
            self._aliased.add(i)
            fid = self.id_of(i)
            if fid in self._history:
                continue
            legacy = self.pages[i].legacy_id
            self._legacy[i] = legacy
            old = self.latest.get(legacy)
            if legacy != fid and old is not None and fid not in self.latest:
                self._take(fid, replace(old, flag_id=fid))

    def alias_all(self, mapping: dict[str, list[str]]) -> None:
        """Apply `FlagPages.legacy_ids` (legacy id -> current ids) at once."""
        if self._history is None:
            return
        taken = False
        for legacy, ids in mapping.items():
            old = self.latest.get(legacy)
            for fid in ids:
                if old is not None and fid != legacy and fid not in self._history and fid not in self.latest:
                    taken = self._take(fid, replace(old, flag_id=fid), recount=False) or taken
        if taken:
            self.decided, self.changed = self.pages.status_counts()

    def _take(self, fid: str, d: Decision, recount: bool = True) -> bool:
        """Count `d` as the decision on flag `fid`; True when it is a verdict."""
        self.latest[fid] = d
        self.pages.set_status(fid, d.status, d.evidence_hash)
        if d.status != "open" and recount:
            self.decided, self.changed = self.pages.status_counts()
        return d.status != "open"

    def orphan_decisions(self) -> set[str]:
        """Ids with a decision in the ledger but no flag of this set: maybe legacy ids."""
        return set(self.latest) - self.pages.present(self.latest)

    # -- status --------------------------------------------------------------

    def decision(self, i: int) -> Decision | None:
        return self.latest.get(self.id_of(i))

    def status(self, i: int) -> str:
        d = self.latest.get(self.id_of(i))
        return d.status if d else "open"

    def is_changed(self, i: int) -> bool:
        """Decided earlier, but the evidence the reviewer saw has changed since."""
        d = self.latest.get(self.id_of(i))
        return bool(
            d and d.status != "open" and d.evidence_hash and d.evidence_hash != self.hash_of(i)
        )

    def status_label(self, i: int) -> str:
        return self.status(i) + ("*" if self.is_changed(i) else "")

    def record(self, decision: Decision) -> list[int]:
        """Take a line just written to the ledger; return the flags it affects.
        A note only joins the history: it is not a verdict."""
        rows = self.pages.keys_of(decision.flag_id)
        if decision.kind == "note":
            if self._history is not None:
                self._history.setdefault(decision.flag_id, []).append(decision)
            return rows
        for i in rows:
            self.decided -= self.status(i) != "open"
            self.changed -= self.is_changed(i)
        self.latest[decision.flag_id] = decision
        self.pages.set_status(decision.flag_id, decision.status, decision.evidence_hash)
        for i in rows:
            self.decided += self.status(i) != "open"
            self.changed += self.is_changed(i)
        if self._history is not None:
            self._history.setdefault(decision.flag_id, []).append(decision)
        return rows

    def history(self, i: int, ledger: Ledger) -> list[Decision]:
        """Decisions on flag `i`, oldest first (those under its legacy id when
        it has none of its own). The ledger is read once, on first use, and
        the index is then kept up to date by `record`."""
        if self._history is None:
            self._history = ledger.histories()
        fid = self.id_of(i)
        found = self._history.get(fid)
        if found is None:
            legacy = self._legacy.get(i) or self.pages[i].legacy_id
            if legacy in self._history:
                found = self._history[fid] = self._history[legacy]
        return found or []

    # -- filtering (in SQL) -----------------------------------------------------

    def count(self, filters: Filters) -> int:
        if not filters.active:
            return len(self)
        return self.pages.count(**filters.query())

    def page(self, filters: Filters, offset: int, limit: int) -> list[int]:
        keys = self.pages.page(offset, limit, **filters.query())
        self.alias_legacy(keys)
        return keys

    def after(self, filters: Filters, i: int, limit: int) -> list[int]:
        keys = self.pages.after(i, limit, **filters.query())
        self.alias_legacy(keys)
        return keys

    def before(self, filters: Filters, i: int, limit: int) -> list[int]:
        keys = self.pages.before(i, limit, **filters.query())
        self.alias_legacy(keys)
        return keys

    def position(self, filters: Filters, i: int) -> int:
        """How many flags the filters show before flag `i`."""
        return self.pages.position(i, **filters.query())

    def matches(self, i: int, filters: Filters) -> bool:
        return self.pages.matches(i, **filters.query())

    def first(self, filters: Filters, status: str) -> int | None:
        """The first flag the filters show that has `status` now."""
        if filters.status not in ("all", status):
            return None
        query = dict(filters.query(), status=status)
        keys = self.pages.page(0, 1, **query)
        return keys[0] if keys else None

    # -- timeline --------------------------------------------------------------

    def metric_claims(self, metric: str) -> list[Claim]:
        """Every claim of every flag on `metric`, once each (by claim id)."""
        found = self._claims_by_metric.get(metric)
        if found is None:
            group: dict[str, Claim] = {}
            for f in self.pages.metric_flags(metric):
                for c in f.claims:
                    group.setdefault(c.id, c)
            found = self._claims_by_metric[metric] = list(group.values())
            while len(self._claims_by_metric) > self.KEPT:
                self._claims_by_metric.popitem(last=False)
        return found

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
            while len(self._timelines) > self.KEPT:
                self._timelines.popitem(last=False)
        return cached
