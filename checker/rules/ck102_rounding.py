"""CK102 rounding: figures that agree only within the precision their wording implies."""
from __future__ import annotations

from . import RuleConfig, rule
from .wording import _check_what, quote, who
from ..facts import Slot


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
