"""The decisions ledger: the only copy of human review work.

An append-only JSONL file, one line per fact about a flag: a decision (a
verdict), a note (text that leaves the status alone) or an undo (restores the
status before the decision it names). Lines are never rewritten, so git can
merge the file with `merge=union`; after such a merge lines may be in any order.

Order therefore never comes from file position or from clocks. Each line has an
`id` and names the line of the same flag it `replaces` (the flag's latest line
when it was written, read under the writer's lock). A flag's lines are ordered
by their depth in that chain (a line is one deeper than the line it replaces),
then by time, then by file order: a line written after another always sorts
after it, whatever either clock said, and two reviewers' branches merged by
git keep both chains. Lines written before ids existed have no `id`; they are
ordered among themselves by time, as before, and sort before any line that
replaces them.

Writes are durable (exclusive lock, one `write` per line, flush, fsync); reads
are tolerant (a bad line is skipped and reported, never fatal), because losing
review work is worse than a warning.
"""
from __future__ import annotations

import dataclasses
import getpass
import json
import os
import secrets
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from filelock import FileLock, Timeout

from .errors import UserError
from .model import KINDS_OF_LINE, STATUSES, Decision, sha1

DEFAULT_PATH = Path("reports/decisions.jsonl")
LEGACY_UNDO_NOTE = "undo"  # how lines written before `kind` existed marked an undo
LOCK_TIMEOUT = 10.0  # seconds; a writer holds the lock only for one fsync'd line
MAX_LINE_BYTES = 1_000_000  # a longer line is not a decision anybody typed
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_TEXT_FIELDS = ("reviewer", "note", "time", "evidence_hash", "id", "replaces", "undoes", "wrong")
_BOM = b"\xef\xbb\xbf"


class LedgerWarning(NamedTuple):
    """A line that was skipped while reading, with its 1-based line number."""

    line: int
    reason: str


class LedgerLockError(UserError):
    """Another process held the ledger lock too long; nothing was written."""


def utc_now() -> str:
    """Current UTC time in the ledger's fixed format (sorts as text)."""
    return datetime.now(timezone.utc).strftime(_TIME_FORMAT)


def new_line_id() -> str:
    """A random id: unique without coordination between reviewers or clocks."""
    return secrets.token_hex(8)


def _time_key(value: str) -> str:
    """A sortable form of a line's time.

    Times written by this module are already canonical; anything else (a hand
    edit, another offset, no microseconds) is parsed and normalized to UTC so
    comparisons stay correct. An unparseable time sorts before all others.
    """
    if len(value) == 27 and value[10] == "T" and value[-1] == "Z":
        return value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError, OverflowError):
        return ""
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc).strftime(_TIME_FORMAT)
    except (ValueError, OverflowError):
        return ""


def _parse_line(raw: bytes) -> Decision | str:
    """A Decision, or the reason the line cannot be one.

    Anything a crafted or damaged line can do to a JSON reader (nesting a
    thousand deep, numbers of thousands of digits, a byte-order mark, values of
    the wrong type) ends here as a reason, never as an exception.
    """
    if raw.startswith(_BOM):
        raw = raw[len(_BOM):]  # an editor's byte-order mark, possibly moved mid-file by a merge
    if len(raw) > MAX_LINE_BYTES:
        return f"line too long ({len(raw):,} bytes)"
    text = raw.decode("utf-8", errors="replace").strip()
    try:
        obj = json.loads(text)
    except RecursionError:
        return "invalid JSON (nested too deeply)"
    except ValueError as exc:  # JSONDecodeError, and ints over Python's digit limit
        return f"invalid JSON ({getattr(exc, 'msg', None) or str(exc).split(';')[0][:80]})"
    if not isinstance(obj, dict):
        return "not a JSON object"
    flag_id, status = obj.get("flag_id"), obj.get("status")
    if not isinstance(flag_id, str) or not flag_id:
        return "missing flag_id"
    if not isinstance(status, str) or not status:
        return "missing status"
    if status not in STATUSES:
        return f"unknown status {status[:40]!r}"
    # Unknown keys are ignored so newer writers do not break older readers.
    values: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        value = obj.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            return f"field '{name}' is not text"
        values[name] = value
    kind = obj.get("kind")
    if kind is None:  # a line written before kinds existed
        kind = "undo" if values["note"] == LEGACY_UNDO_NOTE else "decision"
        if kind == "undo":
            values["note"] = ""
    if kind not in KINDS_OF_LINE:
        return f"unknown kind {str(kind)[:40]!r}"
    return Decision(flag_id=flag_id, status=status, kind=kind, **values)


class _Line(NamedTuple):
    """A parsed line with what ordering needs: its position and whether it had an id."""

    decision: Decision
    number: int
    legacy: bool


def _order(lines: list[_Line]) -> list[Decision]:
    """One flag's lines, oldest first (see the module docstring)."""
    legacy = sorted((ln for ln in lines if ln.legacy), key=lambda ln: (_time_key(ln.decision.time), ln.number))
    depth: dict[str, int] = {}
    for rank, ln in enumerate(legacy, start=1):
        depth[ln.decision.id] = rank
    by_id = {ln.decision.id: ln for ln in lines if not ln.legacy}

    def depth_of(line_id: str) -> int:
        # Iterative walk back along `replaces`; a cycle or a missing line ends the chain.
        chain: list[str] = []
        seen: set[str] = set()
        base = 0
        current = line_id
        while True:
            if current in depth:
                base = depth[current]
                break
            if current in seen or current not in by_id:
                break
            seen.add(current)
            chain.append(current)
            current = by_id[current].decision.replaces
            if not current:
                break
        for n, lid in enumerate(reversed(chain), start=1):
            depth[lid] = base + n
        return depth.get(line_id, base)

    for lid in by_id:
        depth_of(lid)
    return [ln.decision for ln in sorted(
        lines, key=lambda ln: (depth[ln.decision.id], _time_key(ln.decision.time), ln.number))]


def _effective(history: list[Decision]) -> list[Decision]:
    """Decisions still in force after replaying undos over an ordered history."""
    stack: list[Decision] = []
    for d in history:
        if d.kind == "decision":
            stack.append(d)
        elif d.kind == "undo" and stack:
            target = next((i for i in range(len(stack) - 1, -1, -1) if stack[i].id == d.undoes), None)
            stack.pop(len(stack) - 1 if target is None else target)
    return stack


def current_decision(history: list[Decision]) -> Decision | None:
    """The decision in force for one flag's ordered history, or None (open, nobody's verdict)."""
    for d in reversed(history):
        if d.kind == "decision":
            return d
        if d.kind == "undo":
            stack = _effective(history[: history.index(d) + 1])
            return stack[-1] if stack else None
    return None


def current_note(history: list[Decision]) -> Decision | None:
    """The latest line carrying a note (a note line, or a decision typed with one)."""
    return next((d for d in reversed(history) if d.kind != "undo" and d.note), None)


class Ledger:
    """Append-only store of reviewer decisions and notes at `path`."""

    def __init__(self, path: Path | str = DEFAULT_PATH, *, lock_timeout: float = LOCK_TIMEOUT):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._lock = FileLock(str(self.path) + ".lock")
        self._warnings: list[LedgerWarning] = []
        # Parsed lines of the file's complete part, kept so that each append
        # (which must know the flag's latest line) reads only what was added.
        self._cache_key: tuple | None = None
        self._cache_offset = 0
        self._cache_lines: list[_Line] = []
        self._cache_warnings: list[LedgerWarning] = []
        self._cache_count = 0
        self._cache_tail = b""

    # -- writing -----------------------------------------------------------

    def append(self, decision: Decision) -> Decision:
        """Durably add one line and return it (with `time`, `id` and `replaces` filled in).

        The lock serializes writers across processes; under it the flag's latest
        line is read so the new line can name it (`replaces`). The single
        `write` of a whole line plus fsync means a crash leaves at most one torn
        last line, which the next append fences off with a newline.
        """
        if not isinstance(decision.flag_id, str) or not decision.flag_id:
            raise ValueError("decision needs a non-empty flag_id")
        if decision.status not in STATUSES:
            raise ValueError(
                f"unknown status {decision.status!r}; expected one of {', '.join(STATUSES)}"
            )
        if decision.kind not in KINDS_OF_LINE:
            raise ValueError(f"unknown kind {decision.kind!r}; expected one of {', '.join(KINDS_OF_LINE)}")
        if not decision.time:
            decision = dataclasses.replace(decision, time=utc_now())
        if not decision.id:
            decision = dataclasses.replace(decision, id=new_line_id())

        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._lock.acquire(timeout=self.lock_timeout, poll_interval=0.01):
                if not decision.replaces:
                    history = self._history_of(decision.flag_id)
                    if history:
                        decision = dataclasses.replace(decision, replaces=history[-1].id)
                line = (json.dumps(decision.to_dict()) + "\n").encode("utf-8")  # ASCII: lone surrogates cannot break a write
                created = not self.path.exists()
                with open(self.path, "a+b") as f:
                    if f.seek(0, os.SEEK_END) > 0:
                        f.seek(-1, os.SEEK_END)
                        if f.read(1) != b"\n":
                            line = b"\n" + line  # keep a torn previous line separate
                    f.write(line)
                    f.flush()
                    os.fsync(f.fileno())
                if created:
                    _fsync_dir(self.path.parent)
        except Timeout:
            raise LedgerLockError(
                f"{self.path}: could not lock {self._lock.lock_file} within "
                f"{self.lock_timeout:g}s; another checker may be writing (remove the "
                "lock file only if no other process is running)"
            ) from None
        return decision

    def decide(
        self, flag_id: str, status: str, reviewer: str, note: str = "", evidence_hash: str = "",
        wrong: str = "",
    ) -> Decision:
        """Record a verdict now. `wrong` names the claim a confirmed conflict's reviewer found wrong."""
        return self.append(
            Decision(flag_id, status, reviewer, note=note, evidence_hash=evidence_hash, wrong=wrong)
        )

    def note(self, flag_id: str, reviewer: str, text: str) -> Decision:
        """Record a note; the flag's status stays what it is (the line repeats it
        only so that older readers, which know no `kind`, keep the status too)."""
        current = current_decision(self.history(flag_id))
        return self.append(Decision(
            flag_id, current.status if current else "open", reviewer, note=text, kind="note",
            evidence_hash=current.evidence_hash if current else "",
        ))

    def undo(self, flag_id: str, reviewer: str) -> Decision | None:
        """Append a line restoring the flag's status before its latest decision.

        History is never rewritten: the undo is itself a line (kind "undo",
        naming the decision it undoes), so repeated undos step further back
        instead of toggling; the state before the first decision is "open".
        Notes are separate facts and are not undone. Returns None when there
        is nothing left to undo.
        """
        stack = _effective(self.history(flag_id))
        if not stack:
            return None
        previous = stack[-2] if len(stack) > 1 else None
        return self.append(
            Decision(
                flag_id,
                previous.status if previous else "open",
                reviewer,
                kind="undo",
                undoes=stack[-1].id,
                evidence_hash=previous.evidence_hash if previous else "",
                wrong=previous.wrong if previous else "",
            )
        )

    # -- reading -----------------------------------------------------------

    def _load(self) -> tuple[list[_Line], list[LedgerWarning]]:
        """Every parsed line and a warning per skipped one, reading only what
        was appended since the last call when the file merely grew."""
        try:
            f = open(self.path, "rb")
        except FileNotFoundError:
            self._cache_key = None
            return [], []
        with f:
            st = os.fstat(f.fileno())
            key = (st.st_dev, st.st_ino)
            fresh = self._cache_key != key or st.st_size < self._cache_offset
            if not fresh and self._cache_offset:
                # The part read before must be unchanged (an in-place rewrite is re-read whole).
                f.seek(self._cache_offset - len(self._cache_tail))
                fresh = f.read(len(self._cache_tail)) != self._cache_tail
            if fresh:
                self._cache_key, self._cache_offset = key, 0
                self._cache_lines, self._cache_warnings = [], []
                self._cache_count, self._cache_tail = 0, b""
            f.seek(self._cache_offset)
            data = f.read()
        complete_end = data.rfind(b"\n") + 1
        number = self._cache_count
        for raw in data[:complete_end].split(b"\n")[:-1]:
            number += 1
            self._add(raw, number, self._cache_lines, self._cache_warnings, torn=False)
        if complete_end:
            self._cache_offset += complete_end
            self._cache_count = number
            self._cache_tail = data[max(0, complete_end - 64):complete_end]
        lines, warnings = list(self._cache_lines), list(self._cache_warnings)
        rest = data[complete_end:]
        if rest.strip():  # no newline after it yet: a torn last line (or one being written)
            self._add(rest, number + 1, lines, warnings, torn=True)
        return lines, warnings

    @staticmethod
    def _add(raw: bytes, number: int, lines: list[_Line], warnings: list[LedgerWarning], torn: bool) -> None:
        if not raw.strip() or raw.strip() == _BOM:
            return
        parsed = _parse_line(raw.strip())
        if isinstance(parsed, Decision):
            legacy = not parsed.id
            if legacy:  # a stable name from the content, so later lines can replace it
                parsed = dataclasses.replace(parsed, id="L" + sha1(raw.strip().decode("utf-8", "replace"))[:15])
            lines.append(_Line(parsed, number, legacy))
        else:
            warnings.append(LedgerWarning(number, f"{parsed}; torn last line?" if torn else parsed))

    def read(self) -> tuple[list[Decision], list[LedgerWarning]]:
        """All valid lines in file order, and a warning per skipped line.

        Never raises for bad content: a missing file is an empty ledger, and a
        torn, garbled or crafted line costs only itself.
        """
        lines, warnings = self._load()
        self._warnings = warnings
        return [ln.decision for ln in lines], warnings

    @property
    def warnings(self) -> list[LedgerWarning]:
        """Lines skipped by the most recent read."""
        return list(self._warnings)

    def histories(self) -> dict[str, list[Decision]]:
        """flag_id -> every line about it, oldest first."""
        lines, self._warnings = self._load()
        groups: dict[str, list[_Line]] = {}
        for ln in lines:
            groups.setdefault(ln.decision.flag_id, []).append(ln)
        return {fid: _order(group) for fid, group in groups.items()}

    def _history_of(self, flag_id: str) -> list[Decision]:
        lines, _ = self._load()
        return _order([ln for ln in lines if ln.decision.flag_id == flag_id])

    def history(self, flag_id: str, legacy_id: str = "") -> list[Decision]:
        """Every line about one flag, oldest first; lines under the flag's
        `legacy_id` (written before ids left out the path) come first."""
        lines, self._warnings = self._load()
        own = _order([ln for ln in lines if ln.decision.flag_id == flag_id])
        if legacy_id and legacy_id != flag_id:
            old = _order([ln for ln in lines if ln.decision.flag_id == legacy_id])
            return [dataclasses.replace(d, flag_id=flag_id) for d in old] + own
        return own

    def latest(self, flags: Iterable[Any] | None = None) -> dict[str, Decision]:
        """flag_id -> the decision in force (flags whose status is plainly open are absent).

        With `flags`, a flag that has no line under its id gets the decision
        recorded under its `legacy_id`, keyed by its current id."""
        out: dict[str, Decision] = {}
        histories = self.histories()
        for fid, history in histories.items():
            d = current_decision(history)
            if d is not None:
                out[fid] = d
        return self._alias(out, flags, histories)

    def latest_notes(self, flags: Iterable[Any] | None = None) -> dict[str, Decision]:
        """flag_id -> the latest line with a note (a note outlives decisions and undos)."""
        out: dict[str, Decision] = {}
        histories = self.histories()
        for fid, history in histories.items():
            d = current_note(history)
            if d is not None:
                out[fid] = d
        return self._alias(out, flags, histories)

    @staticmethod
    def _alias(out: dict[str, Decision], flags, histories) -> dict[str, Decision]:
        if not out:
            return out  # nothing decided: no ids to compute (a CSV of 100,000 flags computed 400,000)
        for flag in flags or ():
            legacy = getattr(flag, "legacy_id", "")
            if legacy and legacy != flag.id and legacy in out and flag.id not in histories:
                out[flag.id] = dataclasses.replace(out[legacy], flag_id=flag.id)
        return out


def _fsync_dir(directory: Path) -> None:
    """Make a new file's directory entry durable too (best effort, POSIX)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def default_reviewer(explicit: str | None = None) -> str:
    """Who is reviewing: the option, else git's user.name, else the login name.

    Decisions must always carry a name, so every lookup failure falls through
    to the next and the last resort is "unknown".
    """
    if explicit and explicit.strip():
        return explicit.strip()
    try:
        result = subprocess.run(
            ["git", "config", "user.name"],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
        name = result.stdout.strip() if result.returncode == 0 else ""
        if name:
            return name
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    try:
        name = getpass.getuser()
        if name:
            return name
    except Exception:  # getpass raises OSError/KeyError when no name is known
        pass
    return "unknown"
