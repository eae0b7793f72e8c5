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
COLUMNS = (  # key, label, width: the layout of a wide list
    ("severity", "Sev", 6),
    ("code", "Code", 6),
    ("metric", "Metric", 18),
    ("outlets", "Outlets", 18),
    ("status", "Status", 10),
)
SHORT_SEVERITY = {"medium": "med"}
MIN_METRIC = 6


def columns_for(width: int) -> tuple[tuple[str, str, int], ...]:
    """The columns that fit a list `width` cells wide (its border and scroll bar
    included): outlets go first, then the code; the metric takes what is left.
    Status is always last."""
    room = width - 3  # border and scroll bar
    wide = sum(w + 2 for _, _, w in COLUMNS)  # each cell has one space each side
    if room >= wide:
        return COLUMNS
    if room >= 44:
        metric = room - (6 + 6 + 10) - 8
        return (("severity", "Sev", 6), ("code", "Code", 6), ("metric", "Metric", metric),
                ("status", "Status", 10))
    metric = max(room - (4 + 10) - 6, MIN_METRIC)
    return (("severity", "Sev", 4), ("metric", "Metric", metric), ("status", "Status", 10))


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
    """Flags as rows; `shown` holds the flag indices in display order. The
    columns follow the list's width (see `columns_for`)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.shown: list[int] = []
        self._position: dict[int, int] = {}
        self.layout_columns = COLUMNS
        self._state: ReviewState | None = None

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        for key, label, width in self.layout_columns:
            self.add_column(label, key=key, width=width)

    def on_resize(self) -> None:
        layout = columns_for(self.outer_size.width)
        if layout == self.layout_columns:
            return
        self.layout_columns = layout
        keep = self.flag_at_cursor()
        self.clear(columns=True)
        self._add_columns()
        if self._state is not None:
            self.show(self._state, self.shown, keep=keep)

    def row_cells(self, state: ReviewState, i: int) -> list[Cell]:
        f = state.flags[i]
        cells = {
            "code": lambda: Cell(Text(clean(f.code))),
            "metric": lambda: Cell(Text(clean(f.metric))),
            "outlets": lambda: Cell(Text(clean(", ".join(outlets_of(f))))),
            "status": lambda: status_cell(state, i),
        }
        narrow = self.layout_columns[0][2] < len("medium")
        severity = SHORT_SEVERITY.get(f.severity, f.severity) if narrow else f.severity
        cells["severity"] = lambda: Cell(Text(clean(severity), style=SEVERITY_STYLE.get(f.severity, "")))
        return [cells[key]() for key, _, _ in self.layout_columns]

    def show(self, state: ReviewState, indices: list[int], keep: int | None = None) -> None:
        """Replace the rows with `indices`, keeping the cursor on flag `keep`
        if it is still shown (else on the row nearest its old position)."""
        old_row = self.cursor_row
        self._state = state
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
            self.update_cell_at(Coordinate(row, len(self.layout_columns) - 1), status_cell(state, i))

    def select_flag(self, i: int) -> bool:
        row = self._position.get(i)
        if row is None:
            return False
        self.move_cursor(row=row, animate=False, scroll=True)
        return True

    def step(self, delta: int) -> bool:
        """Move the cursor `delta` rows; False when it could not move (an end)."""
        if not self.shown:
            return False
        old = self.cursor_row
        row = min(max(old + delta, 0), len(self.shown) - 1)
        self.move_cursor(row=row, animate=False, scroll=True)
        return row != old
