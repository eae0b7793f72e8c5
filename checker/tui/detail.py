"""The detail pane: the highlighted flag's claims side by side, its message,
its changed-evidence warning and its decision history.

Everything a source wrote (sentences, outlets, attributions, messages, and
even reviewer names and notes) goes in through `Text.append`/`Text.assemble`,
which never parse markup, so "[bold]" in an article stays "[bold]".
"""
from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..ledger import Ledger
from ..model import Claim, Decision
from .flag_list import SEVERITY_STYLE, STATUS_STYLE
from .safe import clean
from .state import ReviewState

QUANTITY_STYLE = "bold reverse"


def claim_label(n: int) -> str:
    """A, B, C, ... for the claims of a flag (keys a/b open A and B)."""
    return chr(ord("A") + n) if n < 26 else str(n + 1)


def find_surface(sentence: str, surface: str) -> int:
    """Where the quantity's surface text sits in the sentence, or -1."""
    if not surface:
        return -1
    pos = sentence.find(surface)
    if pos < 0:
        lowered = sentence.lower()
        if len(lowered) == len(sentence):  # lower() kept offsets aligned
            pos = lowered.find(surface.lower())
    return pos


def highlight_sentence(claim: Claim) -> Text:
    """The claim's sentence, literally, with its quantity highlighted."""
    sentence = clean(claim.sentence.strip())
    surface = clean(claim.quantity.surface)
    text = Text(sentence)
    pos = find_surface(sentence, surface)
    if pos >= 0:
        text.stylize(QUANTITY_STYLE, pos, pos + len(surface))
    return text


def claim_block(claim: Claim, label: str) -> Text:
    q = claim.quantity
    when = claim.date or claim.published
    text = Text.assemble(
        (f" {label} ", "bold reverse"),
        " ",
        (clean(claim.outlet) or "unknown outlet", "bold"),
        "\n",
        ("date  ", "dim"),
        clean(when) or "undated",
        (
            f" ({clean(claim.date_basis)})"
            if when and claim.date_basis not in ("", "published")
            else "",
            "dim",
        ),
        "\n",
        ("by    ", "dim"),
        clean(claim.attribution) or "(no attribution)",
        "\n",
        ("value ", "dim"),
        (clean(q.value_text()), "bold cyan"),
        (f"  {clean(q.kind)}", "dim"),
        "\n\n",
    )
    text.append_text(highlight_sentence(claim))
    text.append("\n\n")
    text.append(f"{clean(claim.source_id)}:{claim.line}:{claim.col}", style="dim")
    return text


SIDE_BY_SIDE_MIN = 30  # cells per claim below which the claims are stacked


def claims_table(claims: list[Claim], width: int = 0) -> Table:
    """The claims side by side, or one under the other when `width` (the pane's)
    leaves fewer than SIDE_BY_SIDE_MIN cells to each."""
    table = Table(box=box.ROUNDED, expand=True, show_header=False, padding=(0, 1))
    blocks = [claim_block(c, claim_label(n)) for n, c in enumerate(claims)]
    if width and claims and width // len(claims) < SIDE_BY_SIDE_MIN:
        table.show_lines = True
        table.add_column(ratio=1, overflow="fold")
        for block in blocks:
            table.add_row(block)
        return table
    for _ in claims:
        table.add_column(ratio=1, overflow="fold")
    table.add_row(*blocks)
    return table


def status_text(status: str, changed: bool) -> Text:
    text = Text(clean(status), style=STATUS_STYLE.get(status, "") or "bold")
    if changed:
        text.append("* changed", style="bold magenta")
    return text


def head_text(state: ReviewState, i: int) -> Text:
    f = state.flags[i]
    text = Text.assemble(
        (f" {clean(f.severity).upper()} ", f"reverse {SEVERITY_STYLE.get(f.severity, '')}".strip()),
        " ",
        (clean(f.code), "bold"),
        (f" {clean(f.rule)}" if f.rule else "", "dim"),
        "  ",
        (clean(f.metric), "bold"),
        ("\nstatus ", "dim"),
    )
    text.append_text(status_text(state.status(i), state.is_changed(i)))
    d = state.decision(i)
    if d is not None and d.status != "open":
        # Who decided and when; an open flag has no decision to credit (a note or
        # an undo leaves it open), its history below says who touched it.
        text.append(" by ", style="dim")
        text.append(clean(d.reviewer) or "unknown")
        if d.time:
            text.append(f" on {clean(d.time[:10])}", style="dim")
    text.append(f"  ·  flag {state.id_of(i)}", style="dim")
    text.append("\n\n")
    text.append(clean(f.message))
    if state.is_changed(i) and d is not None:
        text.append("\n\n")
        text.append("Evidence changed ", style="bold magenta")
        text.append("since this flag was marked ")
        text.append(clean(d.status), style="bold")
        text.append(" by ")
        text.append(clean(d.reviewer) or "unknown")
        text.append(f" ({clean(d.time[:10])})" if d.time else "")
        text.append(": values, dates or attributions differ now. Re-check and decide again.")
    return text


def history_text(history: list[Decision]) -> Text:
    text = Text("History", style="bold underline")
    if not history:
        text.append("\nNo decisions yet.", style="dim")
        return text
    for d in history:
        text.append("\n")
        text.append(clean(d.time[:19].replace("T", " ")) or "(no time)", style="dim")
        text.append("  ")
        if d.kind == "note":
            text.append("note", style="italic")
        else:
            if d.kind == "undo":
                text.append("undo → ", style="dim")
            text.append(clean(d.status), style=STATUS_STYLE.get(d.status, "") or "bold")
            if d.wrong:
                text.append(" (one figure marked wrong)", style="dim")
        text.append("  ")
        text.append(clean(d.reviewer) or "unknown")
        if d.note:
            text.append("  ")
            text.append(clean(d.note), style="italic")
    return text


class FlagDetail(VerticalScroll):
    """Detail of one flag; rebuilt only for the highlighted flag."""

    can_focus = False

    def compose(self) -> ComposeResult:
        yield Static(id="flag-head", markup=False)
        yield Static(id="flag-claims", markup=False)
        yield Static(id="flag-history", markup=False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[ReviewState, int] | None = None
        self._width = 0

    def on_resize(self) -> None:
        if self._shown is not None and self.size.width != self._width:
            state, i = self._shown
            self._width = self.size.width
            self.query_one("#flag-claims", Static).update(
                claims_table(state.flags[i].claims, self.scrollable_content_region.width))

    def show(self, state: ReviewState, i: int, ledger: Ledger) -> None:
        self._shown = (state, i)
        self._width = self.size.width
        self.query_one("#flag-head", Static).update(head_text(state, i))
        self.query_one("#flag-claims", Static).update(
            claims_table(state.flags[i].claims, self.scrollable_content_region.width))
        self.query_one("#flag-history", Static).update(history_text(state.history(i, ledger)))
        self.scroll_home(animate=False)

    def show_empty(self, message: str) -> None:
        self._shown = None
        self.query_one("#flag-head", Static).update(Text(message, style="dim"))
        self.query_one("#flag-claims", Static).update(Text())
        self.query_one("#flag-history", Static).update(Text())
