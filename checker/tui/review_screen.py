"""The main review screen: flag list, detail pane, timeline, progress, keys.

One key per decision, Prodigy-style. Every decision goes through
`ReviewScreen.decide`, which appends it to the ledger (locked, flushed,
fsynced) before the key handler returns, then updates only the affected row,
the progress line and (for the highlighted flag) the detail pane.
"""
from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header

from ..errors import UserError
from ..ledger import Ledger
from ..model import Decision
from .article_screen import ArticleScreen
from .detail import FlagDetail, claim_label
from .flag_list import FlagList
from .help_screen import HelpScreen
from .key_footer import KeyFooter
from .note_modal import NoteModal
from .safe import clean
from .search_bar import SearchBar
from .state import SEVERITY_FILTERS, STATUS_FILTERS, Filters, ReviewState, cycle
from .status_bar import StatusBar, progress_text
from .timeline import MetricTimeline

ArticleText = Callable[[str], "str | None"]
SEARCH_NOTICE = 20_000  # flags from which the first search says it takes a moment
TIMELINE_QUIET = 0.15  # seconds; while j is held the plot waits until the cursor rests


class ReviewScreen(Screen[None]):
    # The layout follows the terminal: the list narrows below 140 and 100
    # columns (see review.tcss and flag_list.columns_for), and below 30 rows the
    # header goes and the timeline shrinks, so 80x24 still shows everything.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (140, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("c", "decide('confirmed')", "Confirm"),
        Binding("d", "decide('dismissed')", "Dismiss"),
        Binding("f", "decide('follow-up')", "Follow-up"),
        Binding("A", "decide_wrong(0)", "A wrong", show=False),
        Binding("B", "decide_wrong(1)", "B wrong", show=False),
        Binding("n", "note", "Note"),
        Binding("u", "undo", "Undo"),
        Binding("j", "step(1)", "Next"),
        Binding("k", "step(-1)", "Prev"),
        Binding("right_square_bracket", "page(1)", "Page down", show=False),
        Binding("left_square_bracket", "page(-1)", "Page up", show=False),
        Binding("s", "cycle_status", "Status"),
        Binding("v", "cycle_severity", "Severity"),
        Binding("o", "cycle_code", "Code"),
        Binding("slash", "search", "Search"),
        Binding("escape", "reset_filters", "Reset", show=False),
        Binding("a", "article(0)", "Text A"),
        Binding("b", "article(1)", "Text B"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
        # The list has the focus; these scroll the detail pane whatever is focused.
        Binding("space,pagedown", "scroll_detail(1)", "Scroll", show=False, priority=True),
        Binding("shift+space,pageup", "scroll_detail(-1)", "Scroll up", show=False, priority=True),
    ]
    HELP_KEYS = [
        ("c", "confirm: the sources really disagree (then next flag)"),
        ("d", "dismiss: not a real disagreement (then next flag)"),
        ("f", "follow-up: needs more checking (then next flag)"),
        ("A / B", "confirm, and A's / B's figure is wrong: flags against it stop blocking commits"),
        ("n", "note: add a note, status unchanged"),
        ("u", "undo the last decision (ledger keeps both lines)"),
        ("j / down", "next flag"),
        ("k / up", "previous flag"),
        ("] / [", "a screenful of flags down / up (the list reads on as you go)"),
        ("home / end", "first / last flag the filters show"),
        ("s", "filter by status: all, open, confirmed, dismissed, follow-up, changed"),
        ("v", "filter by severity: all, high, medium, low"),
        ("o", "filter by rule code (cycles through the codes present)"),
        ("/", "search message, metric, outlets and quotes (Enter applies)"),
        ("escape", "clear all filters and the search"),
        ("space / pgdn", "scroll the detail pane down (shift+space / pgup: up)"),
        ("a / b", "full article of claim A / B (Escape returns)"),
        ("?", "this help"),
        ("q", "quit (nothing to save: every decision is already on disk)"),
    ]

    def __init__(
        self, state: ReviewState, ledger: Ledger, reviewer: str, article_text: ArticleText
    ) -> None:
        super().__init__()
        self.state = state
        self.ledger = ledger
        self.reviewer = reviewer
        self.article_text = article_text
        self.filters = Filters()
        self.session: list[int] = []  # flags decided this session, newest last (for undo)
        self._detail_pending = False
        self._timeline_timer: Timer | None = None
        self._timeline_dirty = False
        self._figures_warned = False

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield StatusBar(id="status-bar")
        with Horizontal(id="main"):
            yield FlagList(id="flag-list")
            with Vertical(id="right"):
                yield FlagDetail(id="detail")
                yield MetricTimeline(id="timeline")
        yield SearchBar(id="search")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(SearchBar).display = False
        table = self.query_one(FlagList)
        table.show(self.state, self.filters)
        table.focus()
        self.refresh_status()
        self.schedule_detail()
        if self.state.legacy_pending:
            # after the first screen is drawn: the lookup reads every flag (seconds at 100,000)
            self.call_after_refresh(self.run_worker, self._find_legacy, thread=True, exclusive=True, group="legacy",
                                    exit_on_error=False)

    def _find_legacy(self) -> None:
        """Decisions recorded under legacy ids, for every flag (not only those
        read so far): read apart from the UI, then counted and shown."""
        try:
            mapping = self.state.pages.legacy_ids(self.state.legacy_pending, apart=True)
        except Exception:  # an unreadable cache: each page still finds its own as it is read
            return
        try:
            self.app.call_from_thread(self._legacy_found, mapping)
        except RuntimeError:
            pass  # the review ended first

    def _legacy_found(self, mapping: dict[str, list[str]]) -> None:
        self.state.legacy_pending = set()
        self.state.alias_all(mapping)
        for i in self.table.shown:
            self.table.refresh_status(self.state, i)
        self.refresh_status()

    @property
    def table(self) -> FlagList:
        return self.query_one(FlagList)

    def current(self) -> int | None:
        return self.table.flag_at_cursor()

    def refresh_status(self) -> None:
        self.query_one(StatusBar).show(
            self.state, self.filters, self.table.window_text(), self.reviewer
        )

    def on_flag_list_window_moved(self, event: FlagList.WindowMoved) -> None:
        self.refresh_status()

    # -- detail (built only for the highlighted flag, once per refresh) ---------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.schedule_detail()

    def schedule_detail(self) -> None:
        """Coalesce highlight changes: holding j rebuilds the detail once per frame."""
        if not self._detail_pending:
            self._detail_pending = True
            self.call_after_refresh(self.update_detail)

    def update_detail(self) -> None:
        self._detail_pending = False
        detail = self.query_one(FlagDetail)
        i = self.current()
        timeline = self.query_one(MetricTimeline)
        if i is None:
            detail.show_empty(
                f"No flags match the filters ({self.filters.describe()}). Escape clears them."
                if len(self.state)
                else "No flags: nothing to review."
            )
            timeline.display = False  # nothing to plot: no empty frame
        else:
            timeline.display = True
            detail.show(self.state, i, self.ledger)
        self.schedule_timeline()

    def schedule_timeline(self) -> None:
        """Plot at once when the cursor was resting, else once it rests again:
        plotting costs more than a frame, so a held j must not wait for it."""
        if self._timeline_timer is None:
            self.update_timeline()
            self._timeline_timer = self.set_timer(TIMELINE_QUIET, self._timeline_rested)
        else:
            self._timeline_dirty = True
            self._timeline_timer.reset()

    def _timeline_rested(self) -> None:
        self._timeline_timer = None
        if self._timeline_dirty:
            self.update_timeline()

    def update_timeline(self) -> None:
        self._timeline_dirty = False
        timeline = self.query_one(MetricTimeline)
        i = self.current()
        if i is None:
            timeline.clear()
        else:
            timeline.show(self.state, i)
            if self.state.figures_error and not self._figures_warned:
                self._figures_warned = True
                self.notify(f"Timeline shows only the flags' figures: {clean(self.state.figures_error)}",
                            severity="warning", timeout=10, markup=False)

    # -- decisions -----------------------------------------------------------------

    def write(
        self, i: int, status: str, note: str = "", evidence_hash: str | None = None, wrong: str = ""
    ) -> Decision | None:
        """Append one decision for flag `i` durably; None (and a message) on failure.
        `evidence_hash` defaults to the evidence on screen now."""
        try:
            decision = self.ledger.decide(
                self.state.id_of(i),
                status,
                self.reviewer,
                note=note,
                evidence_hash=self.state.hash_of(i) if evidence_hash is None else evidence_hash,
                wrong=wrong,
            )
        except (UserError, OSError) as exc:
            self.notify(f"Not saved: {clean(exc)}", severity="error", timeout=10, markup=False)
            return None
        self.session.append(i)
        self.apply(decision)
        return decision

    def apply(self, decision: Decision) -> None:
        """Show a decision already on disk: its rows, the progress, the detail."""
        for row in self.state.record(decision):
            self.table.refresh_status(self.state, row)
        if self.filters.status != "all":
            # What a status filter shows has changed; the rows held stay until the filters are applied again.
            self.table.total = self.state.count(self.filters)
        self.refresh_status()
        self.schedule_detail()

    def action_decide(self, status: str) -> None:
        i = self.current()
        if i is None:
            return
        was_done = self.state.all_decided()
        if self.write(i, status) is None:
            return
        if self.state.all_decided():
            if not was_done:
                self.notify(f"All decided: {len(self.state):,} of {len(self.state):,}. "
                            "q quits; 'checker report' writes the report.",
                            title="All decided", timeout=8, markup=False)
            self.table.step(1)
        elif not self.table.step(1):
            # The last row: go on with the first open flag shown, if any.
            first_open = self.state.first(self.filters, "open")
            if first_open is not None:
                self.table.select_flag(first_open)

    def action_decide_wrong(self, side: int) -> None:
        """Confirmed, naming the side whose figure is wrong (by claim id, which
        survives renames), so the pre-commit check stops blocking on that figure."""
        i = self.current()
        if i is None:
            return
        claims = self.state.flags[i].claims
        if side < len(claims) and self.write(i, "confirmed", wrong=claims[side].id) is not None:
            self.table.step(1)

    def action_note(self) -> None:
        i = self.current()
        if i is None:
            return
        status = self.state.status(i)
        # A note is not a verdict: it is its own ledger line, so the status, and
        # on a changed flag the "changed" mark, stay until the reviewer decides again.
        title = Text.assemble(
            ("Note on ", "bold"),
            (clean(self.state.flags[i].code), "bold"),
            " ",
            clean(self.state.flags[i].metric),
            ("  (status stays ", "dim"),
            (clean(status), "bold"),
            (")", "dim"),
        )
        self.app.push_screen(NoteModal(title, lambda note: self.write_note(i, note)))

    def write_note(self, i: int, note: str) -> bool:
        """Append a note line (a separate fact: the status and its evidence stay)."""
        try:
            line = self.ledger.note(self.state.id_of(i), self.reviewer, note)
        except (UserError, OSError) as exc:
            self.notify(f"Not saved: {clean(exc)}", severity="error", timeout=10, markup=False)
            return False
        self.apply(line)
        return True

    def action_undo(self) -> None:
        i = self.session[-1] if self.session else self.current()
        if i is None:
            return
        try:
            decision = self.ledger.undo(self.state.id_of(i), self.reviewer)
        except (UserError, OSError) as exc:
            self.notify(f"Undo not saved: {clean(exc)}", severity="error", timeout=10, markup=False)
            return
        if self.session:
            self.session.pop()
        if decision is None:
            self.notify("Nothing to undo for this flag.", markup=False)
            return
        self.apply(decision)
        self.table.select_flag(i)
        self.notify(f"Undone: back to {decision.status}.", timeout=2, markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The detail-scrolling keys are priority bindings (the list has the
        focus and would take pgup/pgdn); while the search bar has the focus
        they belong to it, so space types a space."""
        if action == "scroll_detail" and isinstance(self.focused, SearchBar):
            return False
        return True

    # -- navigation and filters -----------------------------------------------------

    def action_step(self, delta: int) -> None:
        self.table.step(delta)

    def action_page(self, pages: int) -> None:
        self.table.step(pages * self.table.screenful())

    def action_scroll_detail(self, pages: int) -> None:
        detail = self.query_one(FlagDetail)
        if pages > 0:
            detail.scroll_page_down(animate=False)
        else:
            detail.scroll_page_up(animate=False)


    def apply_filters(self) -> None:
        keep = self.current()
        self.table.show(self.state, self.filters, keep=keep)
        self.refresh_status()
        self.schedule_detail()

    def action_cycle_status(self) -> None:
        self.filters.status = cycle(STATUS_FILTERS, self.filters.status)
        self.apply_filters()

    def action_cycle_severity(self) -> None:
        self.filters.severity = cycle(SEVERITY_FILTERS, self.filters.severity)
        self.apply_filters()

    def action_cycle_code(self) -> None:
        self.filters.code = cycle(["all", *self.state.codes], self.filters.code)
        self.apply_filters()

    def action_reset_filters(self) -> None:
        if self.filters.active:
            self.filters = Filters()
            self.apply_filters()

    def action_search(self) -> None:
        self.query_one(SearchBar).open(self.filters.search)

    def on_search_bar_closed(self, event: SearchBar.Closed) -> None:
        self.table.focus()
        if event.query is not None and event.query != self.filters.search:
            self.filters.search = event.query
            if event.query and not self.state.pages.searchable and len(self.state) >= SEARCH_NOTICE:
                # The search text is built once, on the first search: say so before the wait.
                self.notify(f"Searching {len(self.state):,} flags (the first search reads them all once)…",
                            timeout=4, markup=False)
                self.set_timer(0.1, self.apply_filters)
            else:
                self.apply_filters()

    # -- other screens ----------------------------------------------------------------

    def action_article(self, n: int) -> None:
        i = self.current()
        if i is None:
            return
        claims = self.state.flags[i].claims
        if n >= len(claims):
            self.notify(f"This flag has no claim {claim_label(n)}.", markup=False)
            return
        claim = claims[n]
        try:
            text = self.article_text(claim.source_id)
        except Exception as exc:  # a missing or unreadable source must not end the review
            self.notify(f"Could not read {clean(claim.source_id)}: {clean(exc)}", severity="warning", markup=False)
            text = None
        self.app.push_screen(
            ArticleScreen(claim, claim_label(n), text, progress_text(self.state))
        )

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.HELP_KEYS))

    def action_quit(self) -> None:
        self.app.exit()
