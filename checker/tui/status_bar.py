"""The always-visible progress line: "12 of 40 decided", plus filters."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from .safe import clean
from .state import Filters, ReviewState


def progress_text(state: ReviewState) -> str:
    return f"{state.decided} of {len(state)} decided"


class StatusBar(Static):
    """Progress, changed-flag count, rows shown, active filters, reviewer."""

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)

    def show(self, state: ReviewState, filters: Filters, shown: int, reviewer: str) -> None:
        text = Text(progress_text(state), style="bold")
        if state.changed:
            text.append(f" · {state.changed} changed since decided", style="bold magenta")
        text.append(f" · showing {shown}")
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
        self.update(text)
