"""CK105 undated-conflict: an undated figure that agrees with none of the others."""
from __future__ import annotations

from typing import Iterator

from . import RuleConfig, rule
from .relations import relate
from .wording import quote, who
from ..facts import Block, Slot, _order, nearest_by_value


@rule("CK105", "undated-conflict", "medium", applies_to="block")
def undated_conflict(cfg: RuleConfig, block: Block, ctx) -> Iterator[tuple[Slot, Slot, str]]:
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
