"""Names compared across spellings. Its own small module so the stages that
only compare names (the facts stage, a warm scan's fact keys) need not load
the figure reader and its patterns."""
from __future__ import annotations

import functools
import re

from . import lexicon as lx


@functools.lru_cache(maxsize=1 << 16)
def fold_name(name: str) -> str:
    """A place or group name compared across spellings: accents folded,
    possessives, a leading article and the periods of abbreviations dropped,
    lower case ("Kahramanmaraş's" -> "kahramanmaras", "St. Ives" -> "st ives")."""
    import unicodedata

    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().strip()
    text = re.sub(r"(?:'s|’s|'|’)$", "", text)
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"(?<=\w)\.", "", text)
    words = re.sub(r"\s+", " ", text).strip(" .,-").split(" ")
    while len(words) > 1 and words[-1] in lx.ADMIN_SUFFIXES:
        words.pop()  # "Harlow province" is Harlow
    while len(words) > 2 and words[0] in lx.ADMIN_SUFFIXES and words[1] == "of":
        words = words[2:]  # "the province of Harlow"
    return " ".join(words)
