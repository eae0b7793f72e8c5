"""The Textual review UI. `from checker.tui.app import ReviewApp`.

One screen or widget per module (app, review_screen, flag_list, detail,
timeline, status_bar, search_bar, note_modal, article_screen, help_screen),
pure review logic in `state`, and one stylesheet, `review.tcss`. Importing this
package does not import Textual; `ReviewApp` is loaded on first use.
"""
from __future__ import annotations

from typing import Any

__all__ = ["ReviewApp"]


def __getattr__(name: str) -> Any:
    if name == "ReviewApp":
        from .app import ReviewApp

        return ReviewApp
    raise AttributeError(name)
