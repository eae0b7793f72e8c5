"""ReviewApp: the Textual review UI for flags (`checker review`).

    from checker.tui.app import ReviewApp
    ReviewApp(flags, ledger, reviewer, article_text=lambda source_id: text_or_None,
              figures=lambda flag: every_claim_of_its_fact).run()

`flags` is a list, or a `store.FlagPages` over the cache: either way the app
reads the flags a page at a time (the list is put in an in-memory table), so
it opens as fast on 100,000 flags as on 100. Statuses come from one read of
the ledger at start; after that the app only appends (each decision fsynced
before its key handler returns).
"""
from __future__ import annotations

from typing import Callable

from textual.app import App
from textual.screen import Screen

from ..ledger import Ledger, current_decision
from ..model import Claim, Flag
from ..store import FlagPages
from .review_screen import ReviewScreen
from .safe import clean
from .state import ReviewState


class ReviewApp(App[None]):
    """Triage flags one key press at a time; every answer is saved at once."""

    CSS_PATH = "review.tcss"
    TITLE = "checker review"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        flags: list[Flag] | FlagPages,
        ledger: Ledger,
        reviewer: str,
        article_text: Callable[[str], str | None] = lambda source_id: None,
        figures: Callable[[Flag], list[Claim]] | None = None,
    ) -> None:
        super().__init__()
        self.ledger = ledger
        self.reviewer = reviewer
        self.article_text = article_text
        histories = ledger.histories()
        self.ledger_warnings = ledger.warnings
        latest = {fid: d for fid, d in ((fid, current_decision(h)) for fid, h in histories.items()) if d is not None}
        self.state = ReviewState(flags, latest, figures, histories)
        self.flags = self.state.flags

    def get_default_screen(self) -> Screen:
        return ReviewScreen(self.state, self.ledger, self.reviewer, self.article_text)

    def on_mount(self) -> None:
        if self.ledger_warnings:
            first = self.ledger_warnings[0]
            self.notify(
                clean(f"{self.ledger.path}: skipped {len(self.ledger_warnings)} unreadable line(s); "
                f"first at line {first.line}: {first.reason}"),
                severity="warning",
                timeout=10,
                markup=False,
            )
