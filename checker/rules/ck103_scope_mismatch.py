"""CK103 scope-mismatch: a number against a categorical group for one fact."""
from __future__ import annotations

from . import RuleConfig, rule
from .wording import quote, who
from ..facts import Slot


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
