"""The list of flags: one DataTable row per flag, keyed by the flag's index.

Every cell is a `rich.text.Text`, never a str: DataTable parses str cells as
markup, and metric names and outlets come from sources.
"""
from __future__ import annotations

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from .safe import clean
from .state import ReviewState, outlets_of

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}
STATUS_STYLE = {
    "open": "",
    "confirmed": "green",
    "dismissed": "dim",
    "follow-up": "bold yellow",
}
COLUMNS = (  # key, label, width
    ("severity", "Sev", 6),
    ("code", "Code", 6),
    ("metric", "Metric", 18),
    ("outlets", "Outlets", 18),
    ("status", "Status", 10),
)


class Cell:
    """A Text cell DataTable renders but does not measure.

    DataTable measures every cell of every new row to size auto-width columns;
    ours have fixed widths, and skipping that work (a renderable without
    `__rich_measure__` counts as width 1) is most of the cost of showing
    10,000 rows."""

    __slots__ = ("text",)

    def __init__(self, text: Text) -> None:
        text.no_wrap = True
        text.overflow = "ellipsis"
        self.text = text

    @property
    def plain(self) -> str:
        return self.text.plain

    def __rich_console__(self, console, options):
        yield self.text


def status_cell(state: ReviewState, i: int) -> Cell:
    status = state.status(i)
    text = Text(status, style=STATUS_STYLE.get(status, ""))
    if state.is_changed(i):
        text.append("*", style="bold magenta")
    return Cell(text)


class FlagList(DataTable):
    """Flags as rows; `shown` holds the flag indices in display order."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.shown: list[int] = []
        self._position: dict[int, int] = {}

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def row_cells(self, state: ReviewState, i: int) -> list[Cell]:
        f = state.flags[i]
        return [
            Cell(Text(clean(f.severity), style=SEVERITY_STYLE.get(f.severity, ""))),
            Cell(Text(clean(f.code))),
            Cell(Text(clean(f.metric))),
            Cell(Text(clean(", ".join(outlets_of(f))))),
            status_cell(state, i),
        ]

    def show(self, state: ReviewState, indices: list[int], keep: int | None = None) -> None:
        """Replace the rows with `indices`, keeping the cursor on flag `keep`
        if it is still shown (else on the row nearest its old position)."""
        old_row = self.cursor_row
        self.clear()
        self.shown = list(indices)
        self._position = {i: n for n, i in enumerate(self.shown)}
        if self.shown:
            self.add_rows(self.row_cells(state, i) for i in self.shown)
            # add_rows keys rows by order; map keys to flag indices via `shown`.
            row = self._position.get(keep, min(max(old_row, 0), len(self.shown) - 1))
            self.move_cursor(row=row, animate=False, scroll=True)

    def flag_at_cursor(self) -> int | None:
        if not self.shown or not (0 <= self.cursor_row < len(self.shown)):
            return None
        return self.shown[self.cursor_row]

    def refresh_status(self, state: ReviewState, i: int) -> None:
        """Update one row's status cell (no-op when the flag is filtered out)."""
        row = self._position.get(i)
        if row is not None:
            self.update_cell_at(Coordinate(row, len(COLUMNS) - 1), status_cell(state, i))

    def select_flag(self, i: int) -> bool:
        row = self._position.get(i)
        if row is None:
            return False
        self.move_cursor(row=row, animate=False, scroll=True)
        return True

    def step(self, delta: int) -> None:
        if self.shown:
            row = min(max(self.cursor_row + delta, 0), len(self.shown) - 1)
            self.move_cursor(row=row, animate=False, scroll=True)
