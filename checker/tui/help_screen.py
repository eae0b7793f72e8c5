"""The "?" help: every key of the review screen and what the note key does."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

NOTES = (
    "A decision is saved to the ledger (and fsynced) the moment its key is pressed.\n"
    "n adds a note without changing the flag's status (an open flag stays open).\n"
    "u undoes this session's decisions newest first, then the highlighted flag's.\n"
    "Status marked * (\"confirmed*\"): the evidence changed after the decision; decide again.\n"
    "Filters apply when changed; a row you decide stays listed until the next filter change."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self._keys = keys

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan")
        table.add_column()
        for key, description in self._keys:
            table.add_row(Text(key), Text(description))
        with VerticalScroll(id="help-dialog"):
            yield Static(Text("Review keys", style="bold"), markup=False)
            yield Static(table, markup=False)
            yield Static(Text(NOTES, style="dim"), id="help-notes", markup=False)

    def on_mount(self) -> None:
        # Focused, the dialog scrolls with the arrows and pgup/pgdn when it is
        # taller than the terminal (80x24).
        self.query_one("#help-dialog").focus()

    def action_close(self) -> None:
        self.dismiss(None)
