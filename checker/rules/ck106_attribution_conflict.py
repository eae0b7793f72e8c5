"""CK106 attribution-conflict: different kinds of authority give different figures."""
from __future__ import annotations

from . import RuleConfig, rule
from .relations import different_authorities, relative_gap
from .wording import cites, quote
from ..facts import Slot


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
