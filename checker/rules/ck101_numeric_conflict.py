"""CK101 numeric-conflict: figures for one fact that cannot both be true."""
from __future__ import annotations

from . import RuleConfig, rule
from .relations import different_authorities, relative_gap
from .wording import _the_figures, quote, who
from ..facts import Slot


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
