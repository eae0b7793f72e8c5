"""The decisions ledger: the only copy of human review work.

An append-only JSONL file, one decision per line. Lines are never rewritten, so
git can merge the file with `merge=union`; after such a merge lines may be in
any order, which is why "latest" is decided by each line's `time` (ties broken
by file order), not by position. Writes are durable (exclusive lock, one
`write` per line, flush, fsync); reads are tolerant (a bad line is skipped and
reported, never fatal), because losing review work is worse than a warning.
"""
from __future__ import annotations

import dataclasses
import getpass
import json
import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

from filelock import FileLock, Timeout

from .errors import UserError
from .model import STATUSES, Decision

DEFAULT_PATH = Path("reports/decisions.jsonl")
UNDO_NOTE = "undo"
LOCK_TIMEOUT = 10.0  # seconds; a writer holds the lock only for one fsync'd line
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_FIELDS = tuple(f.name for f in dataclasses.fields(Decision))


class LedgerWarning(NamedTuple):
    """A line that was skipped while reading, with its 1-based line number."""

    line: int
    reason: str


class LedgerLockError(UserError):
    """Another process held the ledger lock too long; nothing was written."""


def utc_now() -> str:
    """Current UTC time in the ledger's fixed format (sorts as text)."""
    return datetime.now(timezone.utc).strftime(_TIME_FORMAT)


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
    except (ValueError, AttributeError):
        return ""
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).strftime(_TIME_FORMAT)


def _parse_line(text: str) -> Decision | str:
    """A Decision, or the reason the line cannot be one."""
    try:
        obj = json.loads(text)
    except ValueError as exc:
        return f"invalid JSON ({exc.msg})"
    if not isinstance(obj, dict):
        return "not a JSON object"
    flag_id, status = obj.get("flag_id"), obj.get("status")
    if not isinstance(flag_id, str) or not flag_id:
        return "missing flag_id"
    if not isinstance(status, str) or not status:
        return "missing status"
    if status not in STATUSES:
        return f"unknown status {status!r}"
    # Unknown keys are ignored so newer writers do not break older readers.
    values: dict[str, Any] = {}
    for name in _FIELDS[2:]:
        value = obj.get(name)
        values[name] = "" if value is None else str(value)
    return Decision(flag_id=flag_id, status=status, **values)


class Ledger:
    """Append-only store of reviewer decisions at `path`."""

    def __init__(self, path: Path | str = DEFAULT_PATH, *, lock_timeout: float = LOCK_TIMEOUT):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._lock = FileLock(str(self.path) + ".lock")
        self._warnings: list[LedgerWarning] = []

    # -- writing -----------------------------------------------------------

    def append(self, decision: Decision) -> Decision:
        """Durably add one decision and return it (with `time` filled in).

        The lock serializes writers across processes; the single `write` of a
        whole line plus fsync means a crash leaves at most one torn last line,
        which the next append fences off with a newline.
        """
        if not isinstance(decision.flag_id, str) or not decision.flag_id:
            raise ValueError("decision needs a non-empty flag_id")
        if decision.status not in STATUSES:
            raise ValueError(
                f"unknown status {decision.status!r}; expected one of {', '.join(STATUSES)}"
            )
        if not decision.time:
            decision = dataclasses.replace(decision, time=utc_now())
        line = (json.dumps(decision.to_dict()) + "\n").encode("utf-8")

        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._lock.acquire(timeout=self.lock_timeout, poll_interval=0.01):
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
        self, flag_id: str, status: str, reviewer: str, note: str = "", evidence_hash: str = ""
    ) -> Decision:
        """Record a verdict now."""
        return self.append(
            Decision(flag_id, status, reviewer, note=note, evidence_hash=evidence_hash)
        )

    def undo(self, flag_id: str, reviewer: str) -> Decision | None:
        """Append a line restoring the flag's status before its latest decision.

        History is never rewritten: the undo is itself a decision (note
        "undo"). Undo lines cancel the decision they undid, so repeated undos
        step further back instead of toggling; the state before the first
        decision is "open". Returns None when there is nothing left to undo.
        """
        stack = self._effective(self.history(flag_id))
        if not stack:
            return None
        previous = stack[-2] if len(stack) > 1 else None
        return self.append(
            Decision(
                flag_id,
                previous.status if previous else "open",
                reviewer,
                note=UNDO_NOTE,
                evidence_hash=previous.evidence_hash if previous else "",
            )
        )

    @staticmethod
    def _effective(history: list[Decision]) -> list[Decision]:
        """Decisions still in force after replaying undos over `history`."""
        stack: list[Decision] = []
        for d in history:
            if d.note == UNDO_NOTE and stack:
                stack.pop()
            elif d.note != UNDO_NOTE:
                stack.append(d)
        return stack

    # -- reading -----------------------------------------------------------

    def read(self) -> tuple[list[Decision], list[LedgerWarning]]:
        """All valid decisions in file order, and a warning per skipped line.

        Never raises for bad content: a missing file is an empty ledger, and a
        torn or garbled line costs only itself.
        """
        decisions: list[Decision] = []
        warnings: list[LedgerWarning] = []
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            data = b""
        # Split on b"\n" only: other Unicode line breaks may sit inside values.
        lines = data.split(b"\n")
        for number, raw in enumerate(lines, start=1):
            text = raw.decode("utf-8", errors="replace").strip()
            if not text:
                continue
            parsed = _parse_line(text)
            if isinstance(parsed, Decision):
                decisions.append(parsed)
            else:
                torn = number == len(lines)  # the last line, with no newline after it
                warnings.append(
                    LedgerWarning(number, f"{parsed}; torn last line?" if torn else parsed)
                )
        self._warnings = warnings
        return decisions, warnings

    @property
    def warnings(self) -> list[LedgerWarning]:
        """Lines skipped by the most recent read."""
        return list(self._warnings)

    def _ordered(self) -> list[Decision]:
        """Valid decisions by time; equal times keep file order (sort is stable)."""
        decisions, _ = self.read()
        return sorted(decisions, key=lambda d: _time_key(d.time))

    def latest(self) -> dict[str, Decision]:
        """flag_id -> current decision (greatest time, later line on ties)."""
        return {d.flag_id: d for d in self._ordered()}

    def history(self, flag_id: str) -> list[Decision]:
        """Every decision on one flag, oldest first."""
        return [d for d in self._ordered() if d.flag_id == flag_id]


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
