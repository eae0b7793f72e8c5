"""`checker check`, the pre-commit contract: one `path:line:col: CODE message
(other path:line)` line per new undecided flag, a one-line summary, exit 1 at or
above --fail-on, decided flags silent unless their evidence changed, exit 2
with one line on stderr for unreadable input, and an answer on a fresh clone.

Runs in-process through `checker.cli.main` in a temporary corpus (two seed
articles under articles/), so the spaCy pipeline loads once per session.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from checker.cli import main
from checker.ledger import Ledger
from checker.store import Store

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
CORPUS = ("000_37dc6ced96aa91c8.txt", "001_4e1d5489f0b5de91.txt")
NEW = "002_58061bc989f93f95.txt"
NEW_PATH = f"articles/{NEW}"
FLAG_LINE = re.compile(
    r"^articles/002_58061bc989f93f95\.txt:(\d+):(\d+): (CK\d{3}) (.+) \((articles/00[01]_[0-9a-f]+\.txt):(\d+)\)$"
)
CHANGED = " [evidence changed since decided]"
SUMMARY = re.compile(r"^checker: 1 source\(s\) checked against 2: (\d+) undecided flag\(s\), (\d+) at or above (\w+)$")


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch, nlp) -> Path:
    """articles/ holds seeds 000 and 001 with their sources.csv rows; 002 is the
    new article being committed. The folder is the working directory."""
    root = tmp_path / "corpus"
    (root / "articles").mkdir(parents=True)
    for name in CORPUS:
        shutil.copy2(SEEDS / name, root / "articles" / name)
    shutil.copy2(SEEDS / "sources.csv", root / "articles" / "sources.csv")
    (root / "pyproject.toml").write_text('[tool.checker]\nsources = ["articles"]\n', encoding="utf-8")
    shutil.copy2(SEEDS / NEW, root / NEW_PATH)
    monkeypatch.chdir(root)
    return root


def check(capsys, *args: str) -> tuple[int, list[str], str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out.splitlines(), err


def split_output(lines: list[str]) -> tuple[list[str], re.Match, list[str]]:
    """(flag lines, the summary match, what follows the summary)."""
    at = next(i for i, line in enumerate(lines) if SUMMARY.match(line))
    return lines[:at], SUMMARY.match(lines[at]), lines[at + 1:]


def scanned_flags(capsys) -> list[dict]:
    """The flags involving the new article, as `checker flags --format json` lists them after a scan."""
    assert main(["scan", "--format", "json"]) == 0
    assert main(["flags", "--format", "json"]) == 0
    out = capsys.readouterr().out
    rows = json.loads(out[out.index("\n") + 1:])  # after the scan's one-line summary
    return [r for r in rows if NEW_PATH in (r["source_a"], r["source_b"])]


def stored_flags(root: Path) -> dict:
    store = Store(root / ".checker" / "cache.sqlite")
    try:
        return {f.id: f for f in store.get_flags()}
    finally:
        store.close()


# ------------------------------------------------------------------ output and exit codes


def test_check_prints_flag_lines_and_a_summary(corpus, capsys):
    code, lines, err = check(capsys, NEW_PATH)
    flag_lines, summary, after = split_output(lines)
    assert flag_lines, lines
    for line in flag_lines:
        assert FLAG_LINE.match(line), line
    assert int(summary.group(1)) == len(flag_lines)
    assert summary.group(3) == "medium"  # the default threshold
    # the hint says exactly what to run
    assert after == [
        "checker: to commit, decide the blocking flag(s), stage the ledger and commit again:",
        f"checker:   checker review {NEW_PATH}",
        "checker:   git add reports/decisions.jsonl",
    ]
    assert code == 1
    assert int(summary.group(2)) >= 1

    # What check printed is what a full scan stores for the new article.
    flags = scanned_flags(capsys)
    printed = sorted(FLAG_LINE.match(line).group(3) for line in flag_lines)
    assert printed == sorted(r["code"] for r in flags)
    severities = {r["code"]: r["severity"] for r in flags}
    assert severities.get("CK103") == "medium"
    assert "high" not in severities.values()
    assert int(summary.group(2)) == sum(1 for r in flags if r["severity"] in ("medium", "high"))
    # the line points into the new article and at the other source's line
    text = (corpus / NEW_PATH).read_text(encoding="utf-8").splitlines()
    for line in flag_lines:
        m = FLAG_LINE.match(line)
        row, col = int(m.group(1)), int(m.group(2))
        assert 1 <= row <= len(text) and 1 <= col <= len(text[row - 1]) + 1
        other = (corpus / m.group(5)).read_text(encoding="utf-8").splitlines()
        assert 1 <= int(m.group(6)) <= len(other)


def test_fail_on_threshold(corpus, capsys):
    code, lines, _ = check(capsys, NEW_PATH, "--fail-on", "high")
    flag_lines, summary, after = split_output(lines)
    assert code == 0
    assert flag_lines  # still reported, just not blocking
    assert (summary.group(2), summary.group(3)) == ("0", "high")
    assert after == []

    code, lines, _ = check(capsys, NEW_PATH, "--fail-on", "low")
    flag_lines, summary, _ = split_output(lines)
    assert code == 1
    assert int(summary.group(2)) == len(flag_lines)


def test_check_keeps_the_stored_flags_and_adds_its_own(corpus, capsys):
    """The blocking flags are stored (so `checker review` shows them at once);
    the rest of the stored flag set stays."""
    (corpus / NEW_PATH).unlink()
    assert main(["scan", "--format", "json"]) == 0
    capsys.readouterr()
    before = set(stored_flags(corpus))
    shutil.copy2(SEEDS / NEW, corpus / NEW_PATH)
    code, lines, _ = check(capsys, NEW_PATH)
    assert code == 1
    after = stored_flags(corpus)
    assert before < set(after)
    added = [after[i] for i in set(after) - before]
    assert len(added) == len(split_output(lines)[0])
    assert all(any(c.source_id == NEW_PATH for c in f.claims) for f in added)


# ------------------------------------------------------------------ decisions


def test_decided_flags_neither_print_nor_block(corpus, capsys):
    flags = scanned_flags(capsys)
    ledger = Ledger(corpus / "reports" / "decisions.jsonl")
    blocking = [r for r in flags if r["severity"] in ("medium", "high")]
    assert blocking
    for r in blocking:
        ledger.decide(r["flag_id"], "dismissed", "x")
    code, lines, _ = check(capsys, NEW_PATH)
    flag_lines, summary, after = split_output(lines)
    assert code == 0
    printed = [FLAG_LINE.match(line).group(3) for line in flag_lines]
    assert sorted(printed) == sorted(r["code"] for r in flags if r not in blocking)
    assert all(r["code"] not in printed for r in blocking)
    assert summary.group(2) == "0" and after == []

    for r in flags:
        ledger.decide(r["flag_id"], "confirmed", "x", note="seen")
    code, lines, _ = check(capsys, NEW_PATH, "--fail-on", "low")
    flag_lines, summary, _ = split_output(lines)
    assert code == 0 and flag_lines == []
    assert summary.group(1) == "0"


def test_a_reopened_flag_prints_again(corpus, capsys):
    flags = scanned_flags(capsys)
    ledger = Ledger(corpus / "reports" / "decisions.jsonl")
    for r in flags:
        ledger.decide(r["flag_id"], "dismissed", "x")
        ledger.decide(r["flag_id"], "open", "x", note="reopened")
    code, lines, _ = check(capsys, NEW_PATH)
    assert code == 1
    assert len(split_output(lines)[0]) == len(flags)


def test_decision_on_changed_evidence_is_reported_again(corpus, capsys):
    flags = scanned_flags(capsys)
    stored = stored_flags(corpus)
    ck103 = next(r for r in flags if r["code"] == "CK103")
    ledger = Ledger(corpus / "reports" / "decisions.jsonl")
    for r in flags:  # every flag decided on the evidence as it stands ...
        ledger.decide(r["flag_id"], "dismissed", "x", evidence_hash=stored[r["flag_id"]].evidence_hash)
    code, lines, _ = check(capsys, NEW_PATH)
    assert code == 0 and split_output(lines)[0] == []
    # ... then CK103's decision turns out to have been made on other evidence
    ledger.decide(ck103["flag_id"], "dismissed", "x", evidence_hash="stale")
    code, lines, _ = check(capsys, NEW_PATH)
    flag_lines, summary, _ = split_output(lines)
    assert len(flag_lines) == 1, lines
    line = flag_lines[0]
    assert line.endswith(CHANGED)
    m = FLAG_LINE.match(line[: -len(CHANGED)])
    assert m and m.group(3) == "CK103"
    assert code == 1  # a medium flag whose evidence changed blocks again
    assert summary.group(2) == "1"


# ------------------------------------------------------------------ unreadable input


def one_stderr_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert lines[0].startswith("checker: "), lines[0]
    return lines[0]


def test_missing_path_is_exit_2_and_one_line(corpus, capsys):
    code, lines, err = check(capsys, "articles/no-such-article.txt")
    assert code == 2
    assert "no-such-article.txt" in one_stderr_line(err)
    assert lines == []


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\x89PNG\r\n\x1a\n\x00\x00" * 64], ids=["empty", "binary"])
def test_unusable_file_is_exit_2_without_traceback(corpus, capsys, content):
    path = corpus / "articles" / "005_new.txt"
    path.write_bytes(content)
    code, lines, err = check(capsys, "articles/005_new.txt")
    assert code == 2
    assert err.strip() and all(line.startswith("checker: ") for line in err.splitlines() if line.strip())
    assert "005_new.txt" in err
    assert lines == []


def test_unreadable_file_among_good_ones_still_fails(corpus, capsys):
    (corpus / "articles" / "005_empty.txt").write_bytes(b"")
    code, lines, err = check(capsys, NEW_PATH, "articles/005_empty.txt")
    assert code == 2
    assert "005_empty.txt" in err
    assert lines == []


# ------------------------------------------------------------------ fresh clone


def test_fresh_clone_without_cache_still_answers(corpus, capsys):
    assert not (corpus / ".checker").exists()
    assert not (corpus / "reports").exists()
    code, lines, _ = check(capsys, NEW_PATH)
    flag_lines, summary, _ = split_output(lines)
    assert code == 1 and flag_lines
    assert all(FLAG_LINE.match(line) for line in flag_lines)
    assert (corpus / ".checker" / "cache.sqlite").is_file()
    assert "*" in (corpus / ".checker" / ".gitignore").read_text().splitlines()
    # the second run answers the same from the cache
    again = check(capsys, NEW_PATH)
    assert again[0] == code and again[1] == lines


# ------------------------------------------------------------------ renaming keeps decisions


def test_renaming_or_moving_an_article_keeps_its_decisions(corpus, capsys):
    """Flag ids come from the content (outlet, quote, figure), not the file
    path: a renamed and moved article's flags are the same flags, still decided."""
    flags = scanned_flags(capsys)
    ledger = Ledger(corpus / "reports" / "decisions.jsonl")
    for r in flags:
        ledger.decide(r["flag_id"], "dismissed", "x", note="checked")
    assert check(capsys, NEW_PATH)[0] == 0
    moved = corpus / "articles" / "2024" / "bloomberg-truce.txt"
    moved.parent.mkdir()
    (corpus / NEW_PATH).rename(moved)
    rows = (corpus / "articles" / "sources.csv").read_text(encoding="utf-8").splitlines()
    (moved.parent / "sources.csv").write_text(  # the metadata row moves with the file
        "\n".join([rows[0]] + [r.replace(NEW, moved.name) for r in rows if r.startswith(NEW)]) + "\n",
        encoding="utf-8")
    code, lines, _ = check(capsys, "articles/2024/bloomberg-truce.txt")
    assert code == 0, lines
    assert main(["scan", "--format", "json"]) == 0
    assert main(["flags", "--format", "json"]) == 0
    out = capsys.readouterr().out
    rows = [r for r in json.loads(out[out.index("\n") + 1:]) if "articles/2024/bloomberg-truce.txt" in (r["source_a"], r["source_b"])]
    assert sorted(r["flag_id"] for r in rows) == sorted(r["flag_id"] for r in flags)
    assert {r["status"] for r in rows} == {"dismissed"} and {r["note"] for r in rows} == {"checked"}


# ------------------------------------------------------------------ "confirmed: B is wrong"


def test_flags_against_a_figure_marked_wrong_do_not_block(corpus, capsys):
    """Bloomberg's figures are confirmed wrong once; a later correct article
    that disagrees with them is reported but does not block."""
    flags = scanned_flags(capsys)
    for r in flags:
        side = "A" if r["source_a"] == NEW_PATH else "B"
        assert main(["decide", r["flag_id"][:10], "confirmed", "--wrong", side, "--reviewer", "ed"]) == 0
    out = capsys.readouterr().out
    assert out.count("is wrong) by ed") == len(flags)
    # another outlet runs the Axios story word for word: it agrees with Axios,
    # and disagrees only with the figures already marked wrong
    shutil.copy2(SEEDS / CORPUS[0], corpus / "articles" / "003_wire.txt")
    with open(corpus / "articles" / "sources.csv", "a", encoding="utf-8") as fh:
        fh.write("003_wire.txt,Wire Service,,2024-02-12,\n")
    code, lines, _ = check(capsys, "articles/003_wire.txt")
    flag_lines = [line for line in lines if line.startswith("articles/003_wire.txt:")]
    assert flag_lines and all("[not blocking: that figure is marked wrong" in line for line in flag_lines)
    assert code == 0
    assert lines[len(flag_lines)].endswith(f"0 at or above medium, {len(flag_lines)} against a figure marked wrong")
    # without the marks the same article blocks
    (corpus / "reports" / "decisions.jsonl").unlink()
    assert check(capsys, "articles/003_wire.txt")[0] == 1


def test_decide_names_one_stored_flag(corpus, capsys):
    scanned_flags(capsys)
    assert main(["decide", "zzzz", "confirmed"]) == 2
    assert "no stored flag" in capsys.readouterr().err
    assert main(["decide", "", "confirmed"]) == 2  # a prefix of every id
    assert "give more of the id" in capsys.readouterr().err
    flags = scanned_flags(capsys)
    assert main(["decide", flags[0]["flag_id"], "dismissed", "--wrong", "A"]) == 2
    assert main(["decide", flags[0]["flag_id"]]) == 2
    assert main(["decide", flags[0]["flag_id"], "--note", "ask the desk"]) == 0
    led = Ledger(corpus / "reports" / "decisions.jsonl")
    assert flags[0]["flag_id"] not in led.latest()
    assert led.latest_notes()[flags[0]["flag_id"]].note == "ask the desk"


# ------------------------------------------------------------------ reviewing what blocked


def test_review_of_the_checked_file_shows_the_blocking_flags(corpus, capsys, monkeypatch):
    from checker.tui import app as app_mod

    shown = {}
    monkeypatch.setattr(app_mod.ReviewApp, "run", lambda self: shown.setdefault("ids", sorted(f.id for f in self.flags)))
    code, lines, _ = check(capsys, NEW_PATH)
    assert code == 1
    printed = len(split_output(lines)[0])
    assert main(["review", NEW_PATH, "--reviewer", "ed"]) == 0  # no scan in between
    assert len(shown["ids"]) == printed
    assert shown["ids"] == sorted(stored_flags(corpus))


# ------------------------------------------------------------------ a crafted ledger line (issue 11.5)


def test_a_crafted_ledger_line_costs_a_warning_not_the_command(corpus, capsys):
    flags = scanned_flags(capsys)
    ledger = corpus / "reports" / "decisions.jsonl"
    ledger.parent.mkdir(exist_ok=True)
    with open(ledger, "w", encoding="utf-8") as fh:
        fh.write("\ufeff" + json.dumps({"flag_id": flags[0]["flag_id"], "status": "dismissed", "reviewer": "x"}) + "\n")
        fh.write('{"flag_id": "x", "status": "open", "note": ' + "[" * 5000 + "]" * 5000 + "}\n")
        fh.write('{"flag_id": "y", "status": "open", "note": ' + "7" * 5000 + "}\n")
    code, lines, err = check(capsys, NEW_PATH)
    assert code in (0, 1) and split_output(lines)[1]
    assert err.count("(line skipped)") == 2
    assert main(["flags", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    rows = {r["flag_id"]: r for r in json.loads(out)}
    assert rows[flags[0]["flag_id"]]["status"] == "dismissed"  # the first line survives its byte-order mark
    assert err.count("(line skipped)") == 2


# ------------------------------------------------------------------ --staged: what the commit holds


def _git(root: Path, *args: str) -> str:
    import os
    import subprocess

    env = dict(os.environ, GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="T",
               GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_NOSYSTEM="1", HOME=str(root.parent))
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "PRE_COMMIT"):
        env.pop(var, None)
    proc = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_staged_check_counts_only_staged_decisions_and_says_so(corpus, capsys, monkeypatch):
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    (corpus / NEW_PATH).rename(corpus / "new.txt")
    _git(corpus, "init", "-q", "-b", "main")
    _git(corpus, "add", "-A")
    _git(corpus, "commit", "-q", "-m", "corpus")
    (corpus / "new.txt").rename(corpus / NEW_PATH)
    _git(corpus, "add", NEW_PATH)
    flags = scanned_flags(capsys)
    ledger = Ledger(corpus / "reports" / "decisions.jsonl")
    for r in flags:
        ledger.decide(r["flag_id"], "dismissed", "x")
    # without --staged the working tree's ledger counts
    assert check(capsys, NEW_PATH)[0] == 0
    # a commit would not carry the (untracked) ledger: still blocked, and told why
    code, lines, _ = check(capsys, "--staged", NEW_PATH)
    assert code == 1
    assert any("decided only in the unstaged ledger" in line and "git add reports/decisions.jsonl" in line
               for line in lines), lines
    _git(corpus, "add", "reports/decisions.jsonl")
    assert check(capsys, "--staged", NEW_PATH)[0] == 0
    # a later, unstaged change to the tracked ledger does not count either
    for r in flags:
        ledger.decide(r["flag_id"], "open", "x", note="reopened")
    assert check(capsys, "--staged", NEW_PATH)[0] == 0
    assert check(capsys, NEW_PATH)[0] == 1


def test_staged_check_skips_files_outside_the_sources(corpus, capsys):
    (corpus / "notes.md").write_text("# Notes\n\nA 45-day pause, says one outlet; six weeks, says another.\n")
    code, lines, _ = check(capsys, "--staged", "notes.md")
    assert code == 0
    assert lines == ["checker: no given file is inside the configured sources (articles); nothing to check"]
    code, lines, _ = check(capsys, "--staged", "notes.md", NEW_PATH)
    assert code == 1
    summary = next(line for line in lines if line.startswith("checker: 1 source(s) checked"))
    assert summary.endswith(" at or above medium; 1 file(s) outside the configured sources not checked")
