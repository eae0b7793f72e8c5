"""The "a"/"b" full-article view: the whole source text, the claim's sentence
highlighted and its quantity marked, scrolled into view. Escape returns.

The article is split into three Statics (before, the paragraph holding the
claim, after) so the claim's paragraph can be scrolled to as a widget whatever
the wrapping.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..model import Claim
from .detail import QUANTITY_STYLE, find_surface
from .safe import clean

SENTENCE_STYLE = "on #3a3a00"


def locate(text: str, claim: Claim) -> tuple[int, int, int, int] | None:
    """(sentence start, sentence end, quantity start, quantity end) in `text`
    (a cleaned text: `clean` keeps offsets, so the claim's are still valid)."""
    q = claim.quantity
    sentence = clean(claim.sentence.strip())
    surface = clean(q.surface)
    offsets_ok = 0 <= q.start < q.end <= len(text) and text[q.start:q.end] == surface
    if offsets_ok:
        s = text.rfind(sentence, 0, q.start + 1) if sentence else -1
        if s < 0 or s + len(sentence) < q.end:
            s = text.find(sentence) if sentence else -1
            if s < 0 or not (s <= q.start and q.end <= s + len(sentence)):
                return q.start, q.end, q.start, q.end
        return s, s + len(sentence), q.start, q.end
    s = text.find(sentence) if sentence else -1
    if s < 0:
        return None
    pos = find_surface(sentence, surface)
    if pos < 0:
        return s, s + len(sentence), s, s
    return s, s + len(sentence), s + pos, s + pos + len(surface)


class ArticleScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("q", "close", "Back", show=False),
    ]

    def __init__(self, claim: Claim, label: str, text: str | None, progress: str = "") -> None:
        super().__init__()
        self.claim = claim
        self.label = label
        self.progress = progress
        self.text = None if text is None else clean(text)

    def _title(self) -> Text:
        c = self.claim
        return Text.assemble(
            (f" {self.label} ", "bold reverse"),
            " ",
            (clean(c.outlet) or "unknown outlet", "bold"),
            "  ",
            (clean(c.published or c.date) or "undated", "dim"),
            "  ",
            (clean(c.source_id), "dim"),
            "  ",
            (self.progress, "bold"),
        )

    def _parts(self) -> tuple[Text, Text, Text]:
        text = self.text
        if text is None:
            note = Text("Full text not available for ", style="dim")
            note.append(clean(self.claim.source_id))
            note.append(". The claim's sentence:\n\n")
            focus = Text(clean(self.claim.sentence.strip()), style=SENTENCE_STYLE)
            surface = clean(self.claim.quantity.surface)
            pos = find_surface(focus.plain, surface)
            if pos >= 0:
                focus.stylize(QUANTITY_STYLE, pos, pos + len(surface))
            return note, focus, Text()
        span = locate(text, self.claim)
        if span is None:
            note = Text(
                "(The claim's sentence is not in the current text; the source may have changed.)\n\n",
                style="bold magenta",
            )
            note.append_text(Text(text))
            return note, Text(), Text()
        s, e, qs, qe = span
        # The paragraph (whole lines) around the sentence is the focus block.
        p_start = text.rfind("\n", 0, s) + 1
        p_end = text.find("\n", e)
        p_end = len(text) if p_end < 0 else p_end
        focus = Text(text[p_start:p_end])
        focus.stylize(SENTENCE_STYLE, s - p_start, e - p_start)
        if qe > qs:
            focus.stylize(QUANTITY_STYLE, qs - p_start, qe - p_start)
        before = Text(text[:p_start].rstrip("\n"))
        after = Text(text[p_end:].lstrip("\n"))
        return before, focus, after

    def compose(self) -> ComposeResult:
        before, focus, after = self._parts()
        yield Static(self._title(), id="article-title", markup=False)
        with VerticalScroll(id="article-body"):
            yield Static(before, id="article-before", markup=False)
            yield Static(focus, id="article-focus", markup=False)
            yield Static(after, id="article-after", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        body = self.query_one("#article-body", VerticalScroll)
        body.focus()
        self.call_after_refresh(
            body.scroll_to_center, self.query_one("#article-focus"), animate=False
        )

    def action_close(self) -> None:
        self.dismiss(None)
