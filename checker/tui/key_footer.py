"""A footer that keeps the keys that matter on one line at any width.

Textual's Footer lays every key out in a row and cuts off what does not fit,
so at 80 columns "? Help" and "q Quit" fell off the screen. This footer
shows the keys in their usual order but, when they do not all fit, drops the
least needed first (navigation and filters before decisions, help and quit);
"?" lists every key.
"""
from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Footer

# Keys in the order they are dropped last: the first ones always stay.
PRIORITY = ("c", "d", "f", "question_mark", "q", "n", "u", "j", "k", "slash", "s", "v", "o",
            "a", "b", "escape")


def key_width(key: Any) -> int:
    """Cells a compact footer key takes: "c Confirm" and its right margin."""
    return len(key.key_display) + (1 + len(key.description) if key.description else 0) + 1


def fit(keys: list[Any], width: int) -> list[Any]:
    """The keys to show in `width` cells, in their original order. `keys` are
    the footer's key widgets (anything with `key`, `key_display`, `description`)."""
    rank = {k: n for n, k in enumerate(PRIORITY)}
    by_need = sorted(keys, key=lambda k: rank.get(k.key, len(PRIORITY)))
    chosen: set[int] = set()
    used = 0
    for k in by_need:
        w = key_width(k)
        if used + w <= width:
            chosen.add(id(k))
            used += w
    return [k for k in keys if id(k) in chosen]


class KeyFooter(Footer):
    """Footer whose keys always fit its width (see `fit`)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(compact=True, show_command_palette=False, **kwargs)
        self._fitted_width = 0

    def compose(self):
        keys = list(super().compose())
        width = self.size.width or self.app.size.width
        self._fitted_width = width
        yield from fit(keys, width)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._fitted_width:
            self.call_after_refresh(self.recompose)
