"""Make source text safe to put on a terminal.

Rich `Text` already keeps markup literal, but it passes escape characters
through to the terminal, so an article containing ESC sequences could restyle
the screen, set the window title or plant links. `clean` swaps every control
character for a visible stand-in of the same length (one code point for one),
so character offsets into the text (quantity spans) stay valid:

- C0 controls and DEL become their Unicode "control pictures" (ESC shows as ␛);
  tab and newline are kept, carriage return becomes a space (CRLF files);
- C1 controls and the bidirectional overrides/isolates, which can reorder what
  a reader sees, become U+FFFD.
"""
from __future__ import annotations

_TABLE: dict[int, int] = {c: 0x2400 + c for c in range(0x20)}
del _TABLE[0x09], _TABLE[0x0A]
_TABLE[0x0D] = 0x20
_TABLE[0x7F] = 0x2421
_TABLE.update({c: 0xFFFD for c in range(0x80, 0xA0)})
_TABLE.update({c: 0xFFFD for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})


def clean(text: object) -> str:
    """`text` as a string with no character a terminal would act on."""
    if text is None:
        return ""
    return str(text).translate(_TABLE)
