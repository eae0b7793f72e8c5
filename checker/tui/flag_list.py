"""The list of flags: a window of at most PAGE rows over the flags the
filters show, one DataTable row per flag.

The window moves as the cursor (j/k, arrows, ]/[ a screenful, home/end) or
the mouse wheel reaches its edge: the rows beyond are asked of SQL after (or
before) the window's last (first) flag, so stepping on never skips or repeats a
flag even when decisions change what a status filter shows.

Every cell is a `rich.text.Text`, never a str: DataTable parses str cells as
markup, and metric names and outlets come from sources.
"""
from __future__ import annotations

from rich.text import Text
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from .safe import clean
from .state import Filters, ReviewState, outlets_of

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
PAGE = 200  # rows the list holds at most
KEEP = PAGE // 4  # rows kept from the old window when it moves on


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
    """A window of flags as rows; `shown` holds their keys in display order,
    `first` is the first one's place among all the filters show (`total`).
    The columns follow the list's width (see `columns_for`)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.shown: list[int] = []
        self.first = 0
        self.total = 0
        self._position: dict[int, int] = {}
        self.layout_columns = COLUMNS
        self._state: ReviewState | None = None
        self._filters = Filters()
        self._sliding = False

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
            self._fill(self.shown, self.first, keep)

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

    # -- the window ---------------------------------------------------------------

    def window_text(self) -> str:
        """"flags 1–200 of 125,000": the rows held, among all the filters show."""
        if not self.shown:
            return f"flags 0 of {self.total:,}"
        return f"flags {self.first + 1:,}–{self.first + len(self.shown):,} of {self.total:,}"

    def show(self, state: ReviewState, filters: Filters, keep: int | None = None) -> None:
        """Show what `filters` let through, keeping the cursor on flag `keep`
        if it is still shown (else on the flag now at its place)."""
        self._state, self._filters = state, filters
        old = self.first + max(self.cursor_row, 0)
        self.total = state.count(filters)
        if not self.total:
            self._fill([], 0, None)
            return
        if keep is not None and state.matches(keep, filters):
            before = state.before(filters, keep, KEEP)
            after = state.after(filters, keep, PAGE - len(before) - 1)
            self._fill([*before, keep, *after], state.position(filters, keep) - len(before), keep)
            return
        at = state.position(filters, keep) if keep is not None else old
        self.shown = []  # what is held was read for other filters
        self.jump(min(at, self.total - 1))

    def jump(self, at: int) -> None:
        """Put the cursor on the flag at place `at` (0-based) of the filtered set."""
        state, filters = self._state, self._filters
        if state is None or not self.total:
            return
        at = min(max(at, 0), self.total - 1)
        if self.first <= at < self.first + len(self.shown):
            self.move_cursor(row=at - self.first, animate=False, scroll=True)
            return
        start = min(max(at - KEEP, 0), max(self.total - PAGE, 0))
        keys = state.page(filters, start, PAGE)
        self._fill(keys, start, keys[min(at - start, len(keys) - 1)] if keys else None)

    def _fill(self, keys: list[int], offset: int, cursor_on: int | None, scroll_y: float | None = None) -> None:
        """Replace the rows with `keys` (the first at place `offset`)."""
        self._sliding = True
        try:
            self.clear()
            self.shown = list(keys)
            self.first = max(offset, 0)
            self._position = {i: n for n, i in enumerate(self.shown)}
            if self.shown and self._state is not None:
                self.add_rows(self.row_cells(self._state, i) for i in self.shown)
                self.move_cursor(row=self._position.get(cursor_on, 0), animate=False, scroll=scroll_y is None)
                if scroll_y is not None:
                    self.scroll_to(y=scroll_y, animate=False, immediate=True)
        finally:
            self._sliding = False
        self.post_message(self.WindowMoved())

    def _forward(self, rows: int) -> bool:
        """Hold `rows` more flags after the window, dropping as many from its
        top; False at the end of the set."""
        if self._state is None or not self.shown:
            return False
        more = self._state.after(self._filters, self.shown[-1], min(rows, PAGE - KEEP))
        if not more:
            return False
        keep = self.shown[max(len(self.shown) + len(more) - PAGE, 0):]
        dropped = len(self.shown) - len(keep)
        cursor = self.flag_at_cursor()
        if cursor not in keep:
            cursor = keep[0] if keep else more[0]
        self.total = max(self.total, self.first + dropped + len(keep) + len(more))
        self._fill([*keep, *more], self.first + dropped, cursor, scroll_y=max(self.scroll_y - dropped, 0))
        return True

    def _backward(self, rows: int) -> bool:
        if self._state is None or not self.shown or self.first == 0:
            return False
        more = self._state.before(self._filters, self.shown[0], min(rows, PAGE - KEEP))
        if not more:
            return False
        keep = self.shown[: PAGE - len(more)]
        cursor = self.flag_at_cursor()
        if cursor not in keep:
            cursor = keep[-1] if keep else more[-1]
        self._fill([*more, *keep], max(self.first - len(more), 0), cursor, scroll_y=self.scroll_y + len(more))
        return True

    def watch_scroll_y(self, old: float, new: float) -> None:
        """The wheel or the scroll bar reached an edge of the window: move it on."""
        super().watch_scroll_y(old, new)
        if not self._sliding and self._state is not None and self.shown:
            self.call_after_refresh(self._at_edge)

    def _at_edge(self) -> None:
        if self._sliding or not self.shown:
            return
        if self.scroll_y >= self.max_scroll_y and self.first + len(self.shown) < self.total:
            self._forward(PAGE // 2)
        elif self.scroll_y <= 0 and self.first > 0:
            self._backward(PAGE // 2)

    class WindowMoved(Message):
        """The rows held changed (the status bar says which)."""

    # -- the cursor -----------------------------------------------------------------

    def flag_at_cursor(self) -> int | None:
        if not self.shown or not (0 <= self.cursor_row < len(self.shown)):
            return None
        return self.shown[self.cursor_row]

    def refresh_status(self, state: ReviewState, i: int) -> None:
        """Update one row's status cell (no-op when the flag is not held)."""
        row = self._position.get(i)
        if row is not None:
            self.update_cell_at(Coordinate(row, len(self.layout_columns) - 1), status_cell(state, i))

    def select_flag(self, i: int) -> bool:
        row = self._position.get(i)
        if row is None:
            if self._state is None or not self._state.matches(i, self._filters):
                return False
            self.show(self._state, self._filters, keep=i)
            row = self._position.get(i)
            if row is None:
                return False
        self.move_cursor(row=row, animate=False, scroll=True)
        return True

    def step(self, delta: int) -> bool:
        """Move the cursor `delta` rows, reading on past the window's edge;
        False when it could not move (an end)."""
        if not self.shown:
            return False
        row = self.cursor_row + delta
        if row >= len(self.shown) and self._forward(max(row - len(self.shown) + 1, KEEP)):
            row = self.cursor_row + delta  # the cursor kept its flag; its row moved up
        elif row < 0 and self._backward(max(-row, KEEP)):
            row = self.cursor_row + delta
        row = min(max(row, 0), len(self.shown) - 1)
        old = self.cursor_row
        self.move_cursor(row=row, animate=False, scroll=True)
        return row != old

    def screenful(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    # DataTable's own keys go through the window too.
    def action_cursor_down(self) -> None:
        self.step(1)

    def action_cursor_up(self) -> None:
        self.step(-1)

    def action_page_down(self) -> None:
        self.step(self.screenful())

    def action_page_up(self) -> None:
        self.step(-self.screenful())

    def action_scroll_top(self) -> None:
        self.jump(0)

    def action_scroll_bottom(self) -> None:
        self.jump(self.total - 1)

    action_scroll_home = action_scroll_top
    action_scroll_end = action_scroll_bottom
