"""The ledger holds the only copy of review work: these tests check that it is
append-only, survives torn writes, union merges and concurrent writers, and
that "latest" means latest in time, not in file position."""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from checker import ledger as ledger_mod
from checker.ledger import Ledger, LedgerLockError, LedgerWarning, default_reviewer
from checker.model import Decision

REPO = Path(__file__).resolve().parents[1]


def line(flag_id: str, status: str, t: str, reviewer: str = "ann", note: str = "") -> str:
    return json.dumps(
        {"flag_id": flag_id, "status": status, "reviewer": reviewer, "note": note,
         "time": t, "evidence_hash": ""}
    ) + "\n"


def T(n: int) -> str:
    return f"2026-11-22T01:02:{n:02d}.000000Z"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "reports" / "decisions.jsonl"


def test_missing_file_is_empty_ledger(path: Path) -> None:
    led = Ledger(path)
    assert led.read() == ([], [])
    assert led.latest() == {}
    assert led.history("x") == []
    assert led.undo("x", "ann") is None
    assert not path.exists()


def test_append_latest_history(path: Path) -> None:
    led = Ledger(str(path))
    assert led.path == path
    first = led.decide("f1", "confirmed", "ann", note="checked", evidence_hash="e1")
    second = led.decide("f1", "dismissed", "bob")
    led.decide("f2", "follow-up", "ann")

    assert path.parent.is_dir()  # created on demand
    assert first.time and first.time.endswith("Z") and len(first.time) == 27
    assert first.time <= second.time

    latest = led.latest()
    assert set(latest) == {"f1", "f2"}
    assert latest["f1"].status == "dismissed" and latest["f1"].reviewer == "bob"
    assert latest["f2"].status == "follow-up"
    assert [d.status for d in led.history("f1")] == ["confirmed", "dismissed"]
    assert led.history("f1")[0] == first

    rows = [json.loads(x) for x in path.read_text().splitlines()]
    assert rows[0] == {"flag_id": "f1", "status": "confirmed", "reviewer": "ann",
                       "note": "checked", "time": first.time, "evidence_hash": "e1",
                       "id": first.id, "replaces": "", "kind": "decision"}
    # each line names the flag's line it follows
    assert rows[1]["replaces"] == first.id and rows[2]["replaces"] == ""
    assert len({r["id"] for r in rows}) == 3
    assert led.warnings == []


def test_append_keeps_given_time_and_does_not_mutate(path: Path) -> None:
    d = Decision("f1", "open", "ann")
    out = Ledger(path).append(d)
    assert d.time == "" and out.time
    fixed = Ledger(path).append(Decision("f1", "confirmed", "ann", time=T(5)))
    assert fixed.time == T(5)


@pytest.mark.parametrize(
    "decision",
    [Decision("f1", "maybe", "ann"), Decision("", "open", "ann"), Decision("f1", "", "ann")],
)
def test_append_validates(path: Path, decision: Decision) -> None:
    with pytest.raises(ValueError):
        Ledger(path).append(decision)
    assert not path.exists()


def test_latest_wins_by_time_after_union_merge(path: Path) -> None:
    # A union merge can put an older decision after a newer one.
    path.parent.mkdir(parents=True)
    path.write_text(
        line("f1", "confirmed", T(30), "bob")
        + line("f2", "open", T(1))
        + line("f1", "dismissed", T(10), "ann")
        + line("f1", "follow-up", T(20), "cy")
    )
    led = Ledger(path)
    assert led.latest()["f1"].status == "confirmed"
    assert [d.time for d in led.history("f1")] == [T(10), T(20), T(30)]
    # Undo restores the status that was current before the latest-in-time one.
    undone = led.undo("f1", "ann")
    assert undone is not None and undone.status == "follow-up"
    assert led.latest()["f1"].status == "follow-up"


def test_equal_times_break_ties_by_file_order(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(line("f1", "dismissed", T(5)) + line("f1", "confirmed", T(5)))
    assert Ledger(path).latest()["f1"].status == "confirmed"


def test_non_canonical_times_are_compared_as_times(path: Path) -> None:
    path.parent.mkdir(parents=True)
    # As text "03:00+02:00" > "01:30Z", and file order favours the last line;
    # only comparing the instants (01:00Z < 01:30Z) gives "dismissed".
    path.write_text(
        line("f1", "dismissed", "2026-11-22T01:30:00.000000Z")
        + line("f1", "confirmed", "2026-11-22T03:00:00+02:00")
    )
    assert Ledger(path).latest()["f1"].status == "dismissed"


def test_undo(path: Path) -> None:
    led = Ledger(path)
    led.append(Decision("f1", "confirmed", "ann", time=T(1), evidence_hash="e1"))
    led.append(Decision("f1", "dismissed", "ann", time=T(2), evidence_hash="e2"))

    u1 = led.undo("f1", "bob")
    assert (u1.status, u1.kind, u1.note, u1.reviewer, u1.evidence_hash) == ("confirmed", "undo", "", "bob", "e1")
    assert u1.undoes == led.history("f1")[1].id
    assert led.latest()["f1"].status == "confirmed"
    # A second undo steps further back (to before the first decision), not a redo.
    u2 = led.undo("f1", "bob")
    assert u2.status == "open"
    assert "f1" not in led.latest()  # open again, and nobody's verdict stands
    assert led.undo("f1", "bob") is None
    # History is never rewritten: all four lines are still there.
    assert [d.status for d in led.history("f1")] == ["confirmed", "dismissed", "confirmed", "open"]
    assert len(path.read_text().splitlines()) == 4


def test_undo_single_decision_restores_open(path: Path) -> None:
    led = Ledger(path)
    led.decide("f1", "dismissed", "ann")
    assert led.undo("f1", "ann").status == "open"
    assert led.undo("other", "ann") is None


def test_torn_last_line_is_reported_and_fenced_off(path: Path) -> None:
    led = Ledger(path)
    led.append(Decision("f1", "confirmed", "ann", time=T(1)))
    led.append(Decision("f2", "dismissed", "ann", time=T(2)))
    with open(path, "ab") as f:  # a crash mid-write: no closing brace, no newline
        f.write(b'{"flag_id": "f3", "status": "conf')

    decisions, warnings = led.read()
    assert [d.flag_id for d in decisions] == ["f1", "f2"]
    assert len(warnings) == 1 and isinstance(warnings[0], LedgerWarning)
    assert warnings[0].line == 3 and "JSON" in warnings[0].reason
    assert led.warnings == warnings

    led.append(Decision("f3", "follow-up", "ann", time=T(3)))
    lines = path.read_bytes().split(b"\n")
    assert lines[2] == b'{"flag_id": "f3", "status": "conf'  # kept, untouched
    assert json.loads(lines[3])["status"] == "follow-up"
    assert lines[4] == b""  # file ends with a newline
    latest = led.latest()
    assert {k: v.status for k, v in latest.items()} == {
        "f1": "confirmed", "f2": "dismissed", "f3": "follow-up"}
    assert led.warnings == [LedgerWarning(3, led.warnings[0].reason)]


def test_garbage_in_the_middle_is_skipped(path: Path) -> None:
    path.parent.mkdir(parents=True)
    content = (
        line("f1", "confirmed", T(1)).encode()
        + b"<<<<<<< HEAD\n"
        + b"[1, 2]\n"
        + b'{"status": "open"}\n'
        + b'{"flag_id": "f9", "status": "approved"}\n'
        + b'{"flag_id": "\xff\xfe broken"\n'
        + b"\n"
        + line("f2", "dismissed", T(2)).encode()
        + json.dumps({"flag_id": "f3", "status": "open", "from_the_future": 1}).encode() + b"\n"
    )
    path.write_bytes(content)
    decisions, warnings = Ledger(path).read()
    assert [d.flag_id for d in decisions] == ["f1", "f2", "f3"]
    assert dataclasses.replace(decisions[2], id="") == Decision("f3", "open", "")  # extra key ignored, defaults filled
    assert decisions[2].id  # lines without an id get one from their content
    assert [w.line for w in warnings] == [2, 3, 4, 5, 6]  # the blank line 7 is not an error
    reasons = [w.reason for w in warnings]
    assert "JSON" in reasons[0] and "object" in reasons[1]
    assert "flag_id" in reasons[2] and "approved" in reasons[3]


def test_only_ever_appends(path: Path) -> None:
    led = Ledger(path)
    led.decide("f1", "confirmed", "ann")
    before = path.read_bytes()
    led.decide("f1", "dismissed", "ann")
    led.undo("f1", "ann")
    led.decide("f2", "open", "ann")
    after = path.read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    assert len(after.splitlines()) == 4


def test_lock_timeout_is_a_clear_error(path: Path) -> None:
    from filelock import FileLock

    path.parent.mkdir(parents=True)
    with FileLock(str(path) + ".lock"):
        with pytest.raises(LedgerLockError, match="could not lock"):
            # A separate instance, so the held lock is not re-entered.
            Ledger(path, lock_timeout=0.1).decide("f1", "open", "ann")
    assert not path.exists()


WRITER = textwrap.dedent(
    """
    import os, sys, time
    from checker.ledger import Ledger
    name, path, go = sys.argv[1:4]
    while not os.path.exists(go):
        time.sleep(0.001)
    led = Ledger(path, lock_timeout=60)
    for i in range(1000):
        led.decide(f"{name}-{i}", "confirmed", name, note="x" * (i % 300))
    """
)


def test_two_processes_append_concurrently(path: Path, tmp_path: Path) -> None:
    go = tmp_path / "go"
    pythonpath = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": pythonpath}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, name, str(path), str(go)], env=env)
        for name in ("alpha", "beta")
    ]
    time.sleep(0.5)  # let both start, then release them together
    go.touch()
    for p in procs:
        assert p.wait(timeout=120) == 0

    raw = path.read_bytes()
    assert raw.endswith(b"\n")
    lines = raw.split(b"\n")[:-1]
    assert len(lines) == 2000
    rows = [json.loads(x) for x in lines]  # every line is whole, valid JSON
    by_writer = {"alpha": [], "beta": []}
    for r in rows:
        by_writer[r["reviewer"]].append(int(r["flag_id"].split("-")[1]))
    # Each writer's lines are all there, in its own order.
    assert by_writer["alpha"] == list(range(1000))
    assert by_writer["beta"] == list(range(1000))
    decisions, warnings = Ledger(path).read()
    assert len(decisions) == 2000 and warnings == []


def test_reading_100k_lines_keeps_the_latest_of_each_flag(path: Path) -> None:
    """Large ledgers read whole (speed is measured by `checker bench`, not here)."""
    path.parent.mkdir(parents=True)
    path.write_text("".join(line(f"f{i % 5000}", "confirmed", T(i % 60)) for i in range(100_000)))
    latest = Ledger(path).latest()
    assert len(latest) == 5000


# -- default_reviewer ----------------------------------------------------------


def _git_returns(monkeypatch: pytest.MonkeyPatch, stdout: str, returncode: int = 0) -> list:
    calls = []

    def fake_run(cmd, **kwargs):
        calls.append((cmd, kwargs))
        return subprocess.CompletedProcess(cmd, returncode, stdout=stdout, stderr="")

    monkeypatch.setattr(ledger_mod.subprocess, "run", fake_run)
    return calls


def _git_fails(monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    def fake_run(cmd, **kwargs):
        raise exc

    monkeypatch.setattr(ledger_mod.subprocess, "run", fake_run)


def _login(monkeypatch: pytest.MonkeyPatch, name: str | None) -> None:
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(var, raising=False)
    if name is not None:
        monkeypatch.setenv("LOGNAME", name)


def test_default_reviewer_explicit_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _git_returns(monkeypatch, "Git Name\n")
    _login(monkeypatch, "login")
    assert default_reviewer("Explicit Name") == "Explicit Name"
    assert calls == []  # no need to ask git


def test_default_reviewer_uses_git_user_name(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _git_returns(monkeypatch, "Git Name\n")
    _login(monkeypatch, "login")
    assert default_reviewer() == "Git Name"
    assert default_reviewer("  ") == "Git Name"  # a blank option is no option
    cmd, kwargs = calls[0]
    assert cmd == ["git", "config", "user.name"] and kwargs.get("timeout")


@pytest.mark.parametrize(
    "setup",
    [
        lambda mp: _git_returns(mp, "", returncode=1),  # user.name not set
        lambda mp: _git_returns(mp, "  \n"),
        lambda mp: _git_fails(mp, FileNotFoundError("git")),  # git not installed
        lambda mp: _git_fails(mp, subprocess.TimeoutExpired(["git"], 2)),
    ],
)
def test_default_reviewer_falls_back_to_login(monkeypatch: pytest.MonkeyPatch, setup) -> None:
    setup(monkeypatch)
    _login(monkeypatch, "login")
    assert default_reviewer() == "login"


def test_default_reviewer_last_resort_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    _git_fails(monkeypatch, OSError("no git"))

    def no_user() -> str:
        raise OSError("No username set in the environment")

    monkeypatch.setattr(ledger_mod.getpass, "getuser", no_user)
    assert default_reviewer(None) == "unknown"


# -- order that survives clocks and merges (issue 11.6) --------------------------


def test_a_future_dated_line_does_not_pin_the_status(path: Path) -> None:
    """A clock that is wrong, or a line written to be, must not outrank later
    decisions, in this session or after a restart."""
    led = Ledger(path)
    led.append(Decision("f1", "confirmed", "mallory", time="2999-01-01T00:00:00.000000Z"))
    led.decide("f1", "dismissed", "ann")
    assert led.latest()["f1"].status == "dismissed"
    assert Ledger(path).latest()["f1"].status == "dismissed"  # a new process reads the same
    assert [d.reviewer for d in Ledger(path).history("f1")] == ["mallory", "ann"]
    # the same with a hand-written line from before ids existed
    path.write_text(line("f2", "confirmed", "2999-01-01T00:00:00Z", "mallory"))
    Ledger(path).decide("f2", "follow-up", "ann")
    assert Ledger(path).latest()["f2"].status == "follow-up"
    assert Ledger(path).undo("f2", "ann").status == "confirmed"


def _branch(base: bytes, tmp: Path, name: str, steps) -> bytes:
    """The ledger as one reviewer's branch leaves it: the base plus their lines."""
    p = tmp / name / "decisions.jsonl"
    p.parent.mkdir(parents=True)
    p.write_bytes(base)
    led = Ledger(p)
    for flag, status, when in steps:
        led.append(Decision(flag, status, name, time=when))
    return p.read_bytes()


@pytest.mark.parametrize("theirs_first", [False, True])
def test_union_merge_with_a_skewed_clock_keeps_each_chain_in_order(path: Path, tmp_path: Path, theirs_first) -> None:
    """Two branches from one base; Bob's clock runs a day behind. A union merge
    concatenates both sides' new lines in either order; each flag's lines stay
    in the order they were written, whatever the clocks said."""
    base_path = tmp_path / "base" / "decisions.jsonl"
    Ledger(base_path).append(Decision("f1", "follow-up", "ann", time="2026-11-20T10:00:00.000000Z"))
    base = base_path.read_bytes()
    ann = _branch(base, tmp_path, "ann", [("f2", "confirmed", "2026-11-21T09:00:00.000000Z")])
    bob = _branch(base, tmp_path, "bob", [  # his clock says these came before the base's line
        ("f1", "confirmed", "2026-11-19T09:00:00.000000Z"),
        ("f1", "dismissed", "2026-11-19T09:05:00.000000Z"),
    ])
    mine, theirs = ann[len(base):], bob[len(base):]
    path.parent.mkdir(parents=True)
    path.write_bytes(base + (theirs + mine if theirs_first else mine + theirs))
    led = Ledger(path)
    assert {k: v.status for k, v in led.latest().items()} == {"f1": "dismissed", "f2": "confirmed"}
    assert [d.status for d in led.history("f1")] == ["follow-up", "confirmed", "dismissed"]
    assert led.undo("f1", "ann").status == "confirmed"
    assert Ledger(path).latest()["f1"].status == "confirmed"


def test_concurrent_decisions_on_one_flag_both_stay_in_history(path: Path, tmp_path: Path) -> None:
    base_path = tmp_path / "base" / "decisions.jsonl"
    Ledger(base_path).decide("f1", "follow-up", "ann")
    base = base_path.read_bytes()
    ann = _branch(base, tmp_path, "ann", [("f1", "confirmed", "2026-11-21T09:00:00.000000Z")])
    bob = _branch(base, tmp_path, "bob", [("f1", "dismissed", "2026-11-21T10:00:00.000000Z")])
    path.parent.mkdir(parents=True)
    path.write_bytes(base + bob[len(base):] + ann[len(base):])
    led = Ledger(path)
    # the same depth: the later time decides, and both verdicts are kept
    assert led.latest()["f1"].status == "dismissed"
    assert sorted(d.status for d in led.history("f1")) == ["confirmed", "dismissed", "follow-up"]
    led.decide("f1", "confirmed", "cy", note="talked to both")  # the next decision settles it
    assert Ledger(path).latest()["f1"].reviewer == "cy"


def test_a_cycle_of_replaces_does_not_hang(path: Path) -> None:
    path.parent.mkdir(parents=True)
    rows = [
        {"id": "a", "replaces": "b", "flag_id": "f1", "status": "confirmed", "kind": "decision"},
        {"id": "b", "replaces": "a", "flag_id": "f1", "status": "dismissed", "kind": "decision"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    led = Ledger(path)
    assert led.latest()["f1"].status in ("confirmed", "dismissed")
    led.decide("f1", "follow-up", "ann")
    assert led.latest()["f1"].status == "follow-up"


# -- crafted and damaged lines (issue 11.5 and 11.16) ----------------------------

DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "9" * 5000


@pytest.mark.parametrize("bad", [
    '{"flag_id": "fx", "status": "confirmed", "note": ' + DEEP + "}",
    DEEP,
    '{"flag_id": "fx", "status": "confirmed", "note": ' + HUGE + "}",
    '{"flag_id": "fx", "status": "confirmed", "time": ' + HUGE + "}",
    '{"flag_id": ' + HUGE + ', "status": "confirmed"}',
    '{"flag_id": "fx", "status": "confirmed", "reviewer": 1e999}',
    '{"flag_id": "fx", "status": "confirmed", "kind": ["decision"]}',
], ids=["deep-note", "deep", "huge-note", "huge-time", "huge-id", "inf", "kind-list"])
def test_a_crafted_line_is_skipped_with_one_warning(path: Path, bad: str) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(line("f1", "confirmed", T(1)) + bad + "\n" + line("f2", "dismissed", T(2)))
    led = Ledger(path)
    decisions, warnings = led.read()
    assert [d.flag_id for d in decisions] == ["f1", "f2"]
    assert len(warnings) == 1 and warnings[0].line == 2 and len(warnings[0].reason) < 200
    assert {k: v.status for k, v in led.latest().items()} == {"f1": "confirmed", "f2": "dismissed"}
    led.decide("f2", "follow-up", "ann")  # appending still works
    assert led.latest()["f2"].status == "follow-up"


def test_a_byte_order_mark_does_not_cost_the_first_decision(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbf" + line("f1", "confirmed", T(1)).encode() + line("f2", "dismissed", T(2)).encode())
    decisions, warnings = Ledger(path).read()
    assert [d.flag_id for d in decisions] == ["f1", "f2"] and warnings == []
    # a merge can move the marked line into the middle of the file
    path.write_bytes(line("f2", "dismissed", T(2)).encode() + b"\xef\xbb\xbf" + line("f1", "confirmed", T(1)).encode())
    decisions, warnings = Ledger(path).read()
    assert sorted(d.flag_id for d in decisions) == ["f1", "f2"] and warnings == []


def test_appends_see_lines_written_by_others_and_rewrites(path: Path) -> None:
    """The writer reads only what was added since its last read, but a file
    replaced underneath it (a git checkout or merge) is read again whole."""
    mine, other = Ledger(path), Ledger(path)
    first = mine.decide("f1", "confirmed", "ann")
    second = other.decide("f1", "dismissed", "bob")
    assert second.replaces == first.id
    third = mine.decide("f1", "follow-up", "ann")
    assert third.replaces == second.id
    kept = path.read_bytes().split(b"\n")[0] + b"\n"
    tmp = path.with_name("new")
    tmp.write_bytes(kept + line("f9", "open", T(1)).encode())
    tmp.replace(path)  # a new file, as git writes it
    fourth = mine.decide("f1", "dismissed", "ann")
    assert fourth.replaces == first.id
    assert set(mine.latest()) == {"f1", "f9"}


# -- notes and undo are separate facts (issue 10, Review UI) -----------------------


def test_a_note_before_a_decision_is_kept_and_undo_writes_no_note(path: Path) -> None:
    from checker.ledger import current_note

    led = Ledger(path)
    noted = led.note("f1", "ann", "ask the desk about the 45 days")
    assert noted.kind == "note" and noted.status == "open"
    assert "f1" not in led.latest()  # a note is not a verdict
    led.decide("f1", "confirmed", "bob", evidence_hash="e1")
    assert led.latest()["f1"].status == "confirmed"
    assert led.latest_notes()["f1"].note == "ask the desk about the 45 days"
    led.note("f1", "cy", "desk says 45")
    assert led.latest()["f1"].reviewer == "bob" and led.latest()["f1"].evidence_hash == "e1"
    undone = led.undo("f1", "cy")
    assert undone.kind == "undo" and undone.note == ""
    assert "f1" not in led.latest()
    assert current_note(led.history("f1")).note == "desk says 45"
    assert all(json.loads(x).get("note") != "undo" for x in path.read_text().splitlines())


def test_old_undo_lines_are_still_undos(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(line("f1", "confirmed", T(1), note="looked") + line("f1", "dismissed", T(2))
                    + line("f1", "confirmed", T(3), note="undo"))
    led = Ledger(path)
    assert led.latest()["f1"].status == "confirmed" and led.latest()["f1"].note == "looked"
    assert led.latest_notes()["f1"].note == "looked"
    assert led.history("f1")[-1].kind == "undo"


def test_decisions_under_a_legacy_flag_id_still_apply(path: Path) -> None:
    class F:
        id, legacy_id = "new-id", "old-id"

    led = Ledger(path)
    led.decide("old-id", "dismissed", "ann", note="same figure, two wordings")
    assert led.latest([F()])["new-id"].status == "dismissed"
    assert led.latest_notes([F()])["new-id"].note == "same figure, two wordings"
    assert [d.status for d in led.history("new-id", legacy_id="old-id")] == ["dismissed"]
    led.decide("new-id", "confirmed", "bob")
    assert led.latest([F()])["new-id"].status == "confirmed"


def test_any_note_text_is_written_and_read_back(path: Path) -> None:
    led = Ledger(path)
    text = "Überprüft \u2028 line sep, \ud800 lone surrogate, \n newline, \"quotes\""
    led.note("f1", "Zoë", text)
    assert path.read_bytes().count(b"\n") == 1
    assert Ledger(path).latest_notes()["f1"].note == text
    assert Ledger(path).latest_notes()["f1"].reviewer == "Zoë"
