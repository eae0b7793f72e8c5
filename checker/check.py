"""`checker check`: compare new or changed sources with the corpus, for pre-commit.

Prints one `path:line:col: CODE message (other path:line)` per new, undecided
flag that involves a given file, then a summary, and exits 1 when any of them is
at or above the threshold. The corpus is read through the cache, so only new or
changed files are parsed; a fresh clone with no cache builds it and still answers.

With `--staged` (what the pre-commit hook runs) the check sees what the commit
will hold: given files outside the configured sources (notes, docs) are not
articles and are not checked; in a git repository the corpus is the files git
tracks (committed or staged; an untracked draft is not corpus) and the
decisions are the ledger as staged. Decisions that exist only in the working
tree (an unstaged or untracked ledger) do not unblock a commit, but the check
says so and what to run. Either way the flags it finds are stored, so
`checker review PATH` shows them at once.
"""
from __future__ import annotations

import glob
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .config import Config
from .errors import UserError
from .untrusted import printable

SEVERITY_LEVEL = {"low": 1, "medium": 2, "high": 3}
DECIDED = ("confirmed", "dismissed", "follow-up")


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


def _cwd_relative(path: Path) -> str:
    try:
        return os.path.relpath(path, Path.cwd())
    except ValueError:
        return str(path)


# ------------------------------------------------------------------ git


def _git(root: Path, *args: str) -> bytes | None:
    """git's stdout, or None when git is missing, fails, or this is no repository."""
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _git_top(root: Path) -> Path | None:
    out = _git(root, "rev-parse", "--show-toplevel")
    return Path(out.decode("utf-8", "surrogateescape").strip()) if out else None


def _tracked_files(root: Path) -> set[str] | None:
    """Absolute paths of the files in git's index under `root` (committed or staged)."""
    out = _git(root, "ls-files", "-z", "--cached")
    if out is None:
        return None
    return {os.path.normpath(os.path.join(root, p.decode("utf-8", "surrogateescape")))
            for p in out.split(b"\0") if p}


# ------------------------------------------------------------------ the ledger as committed


class _Decisions:
    """The decisions a commit carries (the staged ledger) and those only in the
    working tree, for a repository; the ledger file as it is, otherwise."""

    def __init__(self, cfg: Config, top: Path | None):
        from .ledger import Ledger

        self.path = cfg.ledger
        self.rel = _cwd_relative(cfg.ledger)
        self.unstaged_lines: list[bytes] = []
        self._tmp = tempfile.TemporaryDirectory(prefix="checker-ledger-")
        if top is None:
            self.staged = Ledger(cfg.ledger)
            return
        try:
            rel = cfg.ledger.resolve().relative_to(top.resolve()).as_posix()
        except (ValueError, OSError):
            self.staged = Ledger(cfg.ledger)
            return
        index = _git(top, "show", f":{rel}") or b""
        staged_path = Path(self._tmp.name) / "staged.jsonl"
        staged_path.write_bytes(index)
        self.staged = Ledger(staged_path)
        known = set(index.split(b"\n"))
        try:
            working = cfg.ledger.read_bytes()
        except OSError:
            working = b""
        extra = [ln for ln in working.split(b"\n") if ln.strip() and ln not in known]
        extra += [ln for ln in _stashed_lines(rel) if ln not in known]
        self.unstaged_lines = extra

    def with_unstaged(self):
        from .ledger import Ledger

        path = Path(self._tmp.name) / "all.jsonl"
        data = self.staged.path.read_bytes()
        if data and not data.endswith(b"\n"):
            data += b"\n"
        path.write_bytes(data + b"".join(ln + b"\n" for ln in self.unstaged_lines))
        return Ledger(path)

    def close(self) -> None:
        self._tmp.cleanup()


def _stashed_lines(rel: str) -> list[bytes]:
    """Ledger lines pre-commit set aside before running the hook.

    pre-commit stashes unstaged changes to tracked files as a patch named after
    its own process (our parent) before it runs hooks, so decisions appended but
    not staged are not on disk while we run; the patch still has them."""
    if os.environ.get("PRE_COMMIT") != "1":
        return []
    home = os.environ.get("PRE_COMMIT_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "pre-commit")
    patches = sorted(glob.glob(os.path.join(glob.escape(home), f"patch*-{os.getppid()}")), key=os.path.getmtime)
    if not patches:
        return []
    try:
        data = Path(patches[-1]).read_bytes()
    except OSError:
        return []
    lines: list[bytes] = []
    inside = False
    header = f"diff --git a/{rel} b/{rel}".encode()
    for line in data.split(b"\n"):
        if line.startswith(b"diff --git "):
            inside = line == header
        elif inside and line.startswith(b"+") and not line.startswith(b"+++"):
            lines.append(line[1:])
    return lines


# ------------------------------------------------------------------ the check


def run_check(cfg: Config, paths: list[str], fail_on: str = "medium", out=None, staged: bool = False) -> int:
    from .pipeline import check_sources, list_corpus
    from .report import status_of
    from .sources import SourceNote, load_sources

    out = out or sys.stdout
    threshold = SEVERITY_LEVEL[fail_on]

    # Only files inside the configured sources are articles; the rest of what
    # pre-commit hands over (docs, notes, the reports folder) is not checked.
    listed = list_corpus(cfg, errors=[])
    normal = [os.path.normpath(p) for p in listed]
    corpus_files = set(normal)
    inside, outside = [], []
    for p in paths:
        absolute = os.path.normpath(os.path.abspath(p))
        keep = not staged or absolute in corpus_files or not os.path.exists(absolute)
        (inside if keep else outside).append(p)
    if paths and not inside:
        print(f"checker: no given file is inside the configured sources ({', '.join(cfg.sources)}); "
              "nothing to check", file=out)
        return 0

    new_sources, problems = load_sources(inside, root=cfg.root, max_bytes=cfg.max_bytes)
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

    # The corpus a commit holds: tracked files only (committed or staged).
    top = _git_top(cfg.root) if staged else None
    tracked = _tracked_files(cfg.root) if top else None
    new_paths = {os.path.normpath(s.path) for s in new_sources}
    keep = (corpus_files if tracked is None else corpus_files & tracked) - new_paths
    # Listed once: the files as iter_source_files named them, in its order.
    corpus = [p for p, n in zip(listed, normal) if n in keep]
    ids = set(given)
    from .commands import flag_threshold

    # Only flags worth a reviewer's time block (the same threshold every output applies).
    min_confidence = flag_threshold(cfg)

    def mine(flags: list) -> list:
        return [f for f in flags if any(c.source_id in ids for c in f.claims) and f.confidence >= min_confidence]

    # Stored as the check ends, so `checker review PATH` shows exactly what blocked.
    result = check_sources(cfg, corpus, new_sources, keep=mine)
    mine_flags = result.kept
    for p in result.problems:
        if not isinstance(p, SourceNote):
            print(f"checker: warning: {printable(p)}", file=sys.stderr)

    ledger = _Decisions(cfg, top)
    try:
        decisions = ledger.staged.latest(mine_flags)
        for w in ledger.staged.warnings:
            print(f"checker: warning: {ledger.rel}:{w.line}: {w.reason} (line skipped)", file=sys.stderr)
        wrong = {d.wrong: fid for fid, d in decisions.items() if d.status == "confirmed" and d.wrong}
        reported = blocking = excused = 0
        blocked: list = []
        for flag in mine_flags:
            mine = [c for c in flag.claims if c.source_id in ids]
            status = status_of(flag, decisions.get(flag.id))
            if status in DECIDED:
                continue  # decided by a person; changed evidence shows as "... (evidence changed)"
            here = mine[0]
            other = next((c for c in flag.claims if c is not here), None)
            where = f" ({_display_path(other.source_id, cfg, given)}:{other.line})" if other else ""
            note = " [evidence changed since decided]" if "changed" in status else ""
            marked = next((c for c in flag.claims if c.source_id not in ids and c.id in wrong), None)
            if marked is not None:
                note += f" [not blocking: that figure is marked wrong (flag {wrong[marked.id]})]"
            # One line per flag whatever the article, outlet or file name holds.
            print(printable(f"{given[here.source_id]}:{here.line}:{here.col}: {flag.code} {flag.message}{where}{note}"),
                  file=out)
            reported += 1
            if marked is not None:
                excused += 1
            elif SEVERITY_LEVEL.get(flag.severity, 0) >= threshold:
                blocking += 1
                blocked.append(flag)
        summary = (f"checker: {len(new_sources)} source(s) checked against {result.corpus}: "
                   f"{reported} undecided flag(s), {blocking} at or above {fail_on}")
        if excused:
            summary += f", {excused} against a figure marked wrong"
        if outside:
            summary += f"; {len(outside)} file(s) outside the configured sources not checked"
        print(summary, file=out)
        if blocking:
            _hint(out, cfg, ledger, blocked, sorted(set(given.values())))
    finally:
        ledger.close()
    return 1 if blocking else 0


def _hint(out, cfg: Config, ledger: _Decisions, blocked: list, paths: list[str]) -> None:
    """Exactly what to run to let the commit through."""
    from .report import status_of

    if ledger.unstaged_lines:
        everything = ledger.with_unstaged().latest(blocked)
        decided = sum(1 for f in blocked if status_of(f, everything.get(f.id)) in DECIDED)
        if decided:
            print(f"checker: {decided} of the {len(blocked)} blocking flag(s) are decided only in the unstaged "
                  f"ledger; stage it and commit again: git add {ledger.rel}", file=out)
            if decided == len(blocked):
                return
    print("checker: to commit, decide the blocking flag(s), stage the ledger and commit again:", file=out)
    print(f"checker:   checker review {' '.join(paths)}", file=out)
    print(f"checker:   git add {ledger.rel}", file=out)
