"""The "n" note dialog: one Input; Enter saves, Escape cancels.

The note is written to the ledger by `save` inside the Enter handler, before
the dialog closes, so nothing typed is lost if the app dies right after.
"""
from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class NoteModal(ModalScreen[bool]):
    """Ask for a note; dismisses with True when a note was saved."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: Text, save: Callable[[str], bool]) -> None:
        super().__init__()
        self._title = title
        self._save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            yield Static(self._title, id="note-title", markup=False)
            yield Input(placeholder="note (Enter saves, Esc cancels)", id="note-input")

    def on_mount(self) -> None:
        self.query_one("#note-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        note = event.value.strip()
        if not note:
            self.dismiss(False)
            return
        if self._save(note):
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
