"""The always-visible progress line: "12 of 40 decided", plus filters."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from .safe import clean
from .state import Filters, ReviewState


def progress_text(state: ReviewState) -> str:
    text = f"{state.decided:,} of {len(state):,} decided"
    return text + " · All decided" if state.all_decided() else text


class StatusBar(Static):
    """Progress, changed-flag count, the rows held of those shown ("flags 1–200
    of 125,000"), active filters, reviewer."""

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self._last: tuple | None = None

    def on_resize(self) -> None:
        if self._last is not None:
            self.show(*self._last)

    def show(self, state: ReviewState, filters: Filters, shown: str, reviewer: str) -> None:
        self._last = (state, filters, shown, reviewer)
        text = Text(progress_text(state), style="bold")
        if state.changed:
            text.append(f" · {state.changed} changed since decided", style="bold magenta")
        text.append(f" · {shown}")
        for name, value in (
            ("status", filters.status),
            ("severity", filters.severity),
            ("code", filters.code),
        ):
            text.append(f" · {name} ", style="dim")
            text.append(clean(value), style="" if value == "all" else "bold yellow")
        if filters.search:
            text.append(" · search ", style="dim")
            text.append(clean(filters.search), style="bold yellow")
        text.append(" · reviewer ", style="dim")
        text.append(clean(reviewer))
        width = self.size.width - 2 or self.app.size.width - 2
        if text.cell_len > width:
            text = self.compact(state, filters, shown, reviewer, label=True)
            if text.cell_len > width:
                text = self.compact(state, filters, shown, reviewer, label=False)
        self.update(text)

    @staticmethod
    def compact(state: ReviewState, filters: Filters, shown: str, reviewer: str, label: bool) -> Text:
        """The same facts for a narrow terminal: only the filters in use."""
        text = Text(progress_text(state), style="bold")
        if state.changed:
            text.append(f" · {state.changed} changed", style="bold magenta")
        text.append(f" · {shown.removeprefix('flags ')}")
        if filters.active:
            text.append(" · ", style="dim")
            text.append(clean(filters.describe()), style="bold yellow")
        text.append(" · reviewer " if label else " · ", style="dim")
        text.append(clean(reviewer))
        return text
