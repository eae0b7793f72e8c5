"""`checker check`: compare new or changed sources with the corpus, for pre-commit.

Prints one `path:line:col: CODE message (other path:line)` per new, undecided
flag that involves a given file, then a summary, and exits 1 when any of them is
at or above the threshold. The corpus is read through the cache, so only new or
changed files are parsed; a fresh clone with no cache builds it and still answers.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .config import Config
from .errors import UserError
from .untrusted import printable

SEVERITY_LEVEL = {"low": 1, "medium": 2, "high": 3}


def _display_path(source_id: str, cfg: Config, given: dict[str, str]) -> str:
    """The path as the user typed it, or the corpus path relative to the cwd."""
    if source_id in given:
        return given[source_id]
    base = source_id.split("#", 1)[0]
    path = Path(base) if Path(base).is_absolute() else cfg.root / base
    try:
        rel = os.path.relpath(path, Path.cwd())
    except ValueError:
        rel = str(path)
    return rel + (source_id[len(base):] if "#" in source_id else "")


def run_check(cfg: Config, paths: list[str], fail_on: str = "medium", out=None) -> int:
    from .ledger import Ledger
    from .pipeline import scan
    from .report import status_of
    from .sources import SourceNote, load_sources

    out = out or sys.stdout
    threshold = SEVERITY_LEVEL[fail_on]
    new_sources, problems = load_sources(paths, root=cfg.root, max_bytes=cfg.max_bytes)
    fatal = [p for p in problems if not isinstance(p, SourceNote)]
    if len(fatal) == 1:
        raise UserError(str(fatal[0]))
    for p in problems:
        print(f"checker: {'note' if isinstance(p, SourceNote) else 'error'}: {printable(p)}", file=sys.stderr)
    if fatal:
        raise UserError(f"cannot check {len(fatal)} unreadable sources (listed above)")
    if not new_sources:
        raise UserError("no sources to check")
    given: dict[str, str] = {}
    for s in new_sources:
        given[s.id] = os.path.relpath(s.path, Path.cwd()) + (s.id[s.id.index("#"):] if "#" in s.id else "")
    result = scan(cfg, None, extra_sources=new_sources, store_flags=False)
    for p in result.problems:
        if not isinstance(p, SourceNote):
            print(f"checker: warning: {printable(p)}", file=sys.stderr)
    decisions = Ledger(cfg.ledger).latest()
    ids = set(given)
    reported = blocking = 0
    for flag in result.flags:
        mine = [c for c in flag.claims if c.source_id in ids]
        if not mine:
            continue
        status = status_of(flag, decisions.get(flag.id))
        if status in ("confirmed", "dismissed", "follow-up"):
            continue  # decided by a person; changed evidence shows as "... (evidence changed)"
        here = mine[0]
        other = next((c for c in flag.claims if c is not here), None)
        where = f" ({_display_path(other.source_id, cfg, given)}:{other.line})" if other else ""
        note = " [evidence changed since decided]" if "changed" in status else ""
        # One line per flag whatever the article, outlet or file name holds.
        print(printable(f"{given[here.source_id]}:{here.line}:{here.col}: {flag.code} {flag.message}{where}{note}"),
              file=out)
        reported += 1
        if SEVERITY_LEVEL.get(flag.severity, 0) >= threshold:
            blocking += 1
    summary = (f"checker: {len(new_sources)} source(s) checked against {len(result.sources) - len(new_sources)}: "
               f"{reported} undecided flag(s), {blocking} at or above {fail_on}")
    print(summary, file=out)
    if blocking:
        print("checker: review them with 'checker review', or record a decision, then commit again", file=out)
    return 1 if blocking else 0
