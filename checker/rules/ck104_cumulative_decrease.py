"""CK104 cumulative-decrease: a later, lower figure for a total that can only grow."""
from __future__ import annotations

import math
from typing import Iterator

from . import RuleConfig, rule
from .relations import relative_gap, widened
from .wording import _the_total, quote, who
from ..facts import Block, Slot, _order, compatible
from .confidence import confidence


@rule("CK104", "cumulative-decrease", "high", applies_to="block", min_relative_drop=0.0)
def cumulative_decrease(cfg: RuleConfig, block: Block, ctx) -> Iterator[tuple[Slot, Slot, str]]:
    """A later, lower figure for a fact that can only grow.

    What it detects: for a cumulative metric (a death toll, hostages taken),
    a figure dated after another one (by more than the metric's window) that
    is lower even after tolerances. When both figures are attributed to a
    known kind of authority (health ministry, military, ...), only the same
    kind is compared: different authorities count differently. The later
    figure is set against the earlier one that makes the surest evidence of
    the fall and, when the count had moved on from that one (a figure of the
    same kind of authority, no older, nearer the later figure), against that
    figure too. A later higher figure is the normal course of events and is
    never flagged.

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
    # per (authority kind or None, scopes): the highest earlier figures from distinct sources
    best: dict[tuple[str | None, frozenset[str]], list[Slot]] = {}
    # and the latest earlier figures, which the highest may have crowded out
    recent: dict[tuple[str | None, frozenset[str]], list[Slot]] = {}
    p = 0
    for cur in dated:
        while p < len(dated) and dated[p].day < cur.day - window:
            e = dated[p]
            _push_top(best.setdefault((e.authority, e.scopes), []), e)
            last = recent.setdefault((e.authority, e.scopes), [])
            last.append(e)
            del last[:-RECENT]
            p += 1
        earlier = [s for group in (best, recent) for (authority, scopes), slots in group.items()
                   if (cur.authority is None or authority is None or authority == cur.authority)
                   and (scopes <= cur.scopes or cur.scopes <= scopes)
                   for s in slots if compatible(s, cur)]
        # a figure of another scale (8,000 troops among tolls of 60) is more
        # often another count than the toll: set the later figure against the
        # earlier ones of its own scale when there are some
        earlier = [s for s in earlier if _same_scale(s, cur)] or earlier
        higher = [s for s in earlier
                  if widened(cur)[1] < widened(s)[0] and relative_gap(s, cur) >= cfg["min_relative_drop"]]
        if higher:
            # of the earlier figures it falls below, the one that makes the surest evidence
            top = max(higher, key=lambda s: (confidence("CK104", s, cur), widened(s)[0]))
            partners = [top]
            # and the latest of them from the same kind of authority (or none, as
            # the later figure), no older than that one and nearer the later
            # figure than it: the count had moved on from the highest figure, and
            # the drop from where it stood is another question for a reviewer
            others = [s for s in higher if s.source != top.source and s.authority == cur.authority
                      and s.day >= top.day and _nearer(s, cur, top)]
            if others:
                partners.append(max(others, key=lambda s: (s.day, confidence("CK104", s, cur))))
            for earlier_slot in partners:
                yield earlier_slot, cur, (
                    f"{who(cur, True)} says {quote(cur)}, lower than {quote(earlier_slot)} from "
                    f"{who(earlier_slot, True)}, but {_the_total(block.metric)} can only grow; check for a stale "
                    f"or misreported figure or a correction."
                )


def _nearer(s: Slot, later: Slot, top: Slot) -> bool:
    """`s` is nearer `later` than `top`, as ratios of their middle values."""
    def mid(x: Slot) -> float:
        lo, hi = widened(x)
        return lo if hi == math.inf else hi if lo == -math.inf else (lo + hi) / 2
    a, b, c = mid(later), mid(s), mid(top)
    if min(a, b, c) <= 0:
        return False
    return abs(math.log(b / a)) < abs(math.log(c / b))

SAME_SCALE = 0.2  # the smaller figure at least this share of the larger
RECENT = 4  # latest earlier figures kept per authority and scope, beside the highest

def _same_scale(earlier: Slot, later: Slot) -> bool:
    hi, lo = widened(earlier)[0], widened(later)[1]
    return hi > 0 and lo >= SAME_SCALE * hi


def _push_top(tops: list[Slot], s: Slot, keep: int = 4) -> None:
    """Keep the `keep` slots with the highest lower bound, one per source and
    scale: a source's toll of 60 is kept beside its 8,000 troops, so a later
    toll of its own scale still has it to be set against."""
    for i, t in enumerate(tops):
        if t.source == s.source and _same_scale(t, s) and _same_scale(s, t):
            if widened(s)[0] > widened(t)[0]:
                tops[i] = s
                tops.sort(key=lambda x: -widened(x)[0])
            return
    tops.append(s)
    tops.sort(key=lambda x: -widened(x)[0])
    del tops[keep:]
