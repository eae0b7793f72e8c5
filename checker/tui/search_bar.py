"""The "/" search input: Enter applies the search, Escape closes it unchanged."""
from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """Hidden until "/"; searches message, metric, code, outlets and quotes."""

    BINDINGS = [Binding("escape", "cancel", "Cancel search")]

    class Closed(Message):
        """Posted when the search bar closes; `query` is None when cancelled."""

        def __init__(self, query: str | None) -> None:
            super().__init__()
            self.query = query

    def __init__(self, **kwargs) -> None:
        super().__init__(placeholder="search message, metric, outlets, quotes (Enter applies, Esc cancels)", **kwargs)

    def open(self, current: str) -> None:
        self.value = current
        self.display = True
        self.focus()
        self.cursor_position = len(self.value)

    def _close(self, query: str | None) -> None:
        self.display = False
        self.post_message(self.Closed(query))

    def action_cancel(self) -> None:
        self._close(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close(event.value.strip())
