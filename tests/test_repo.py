"""Setting a corpus repository up for shared review (`checker init`, the first
scan), and two reviewers' branches merging their ledgers with real git."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli import main
from checker.config import load_config
from checker.ledger import Ledger


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="T",
               GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_NOSYSTEM="1", HOME=str(root.parent))
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(var, None)
    proc = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "corpus"
    (root / "articles").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    monkeypatch.chdir(root)
    return root


def test_init_writes_configuration_gitattributes_and_gitignore(repo, capsys):
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    assert "merge=union" in out
    assert (repo / ".gitattributes").read_text().splitlines() == ["reports/decisions.jsonl merge=union"]
    assert "reports/decisions.jsonl.lock" in (repo / ".gitignore").read_text().splitlines()
    cfg = load_config(repo)
    assert cfg.sources == ["articles"] and cfg.ledger == repo / "reports" / "decisions.jsonl"
    attr = git(repo, "check-attr", "merge", "reports/decisions.jsonl").stdout
    assert attr.strip().endswith("merge: union")
    # a second run changes nothing
    before = {p: (repo / p).read_text() for p in ("pyproject.toml", ".gitattributes", ".gitignore")}
    assert main(["init"]) == 0
    assert "already set up" in capsys.readouterr().out
    assert before == {p: (repo / p).read_text() for p in before}


def test_init_keeps_an_existing_configuration_and_files(repo, capsys):
    (repo / "pyproject.toml").write_text('[project]\nname = "news"\n\n[tool.checker]\nsources = ["feeds"]\n'
                                         'ledger = "review/log.jsonl"\n')
    (repo / ".gitattributes").write_text("*.txt text")  # no newline at the end
    assert main(["init"]) == 0
    assert (repo / ".gitattributes").read_text().splitlines() == ["*.txt text", "review/log.jsonl merge=union"]
    assert load_config(repo).sources == ["feeds"]


def test_init_adds_the_table_to_a_pyproject_without_one(repo, capsys):
    (repo / "pyproject.toml").write_text('[project]\nname = "news"\n')
    assert main(["init", "articles"]) == 0
    cfg = load_config(repo)
    assert cfg.sources == ["articles"]
    assert (repo / "pyproject.toml").read_text().startswith('[project]\nname = "news"\n')


def test_the_first_scan_in_a_git_repository_sets_it_up(repo, capsys, nlp):
    (repo / "articles" / "a.txt").write_text(" date 2024-01-02 Nine boats were counted in the harbour.\n")
    assert main(["scan", "articles", "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert "merge=union" in err
    assert "reports/decisions.jsonl merge=union" in (repo / ".gitattributes").read_text()
    assert load_config(repo).sources == ["articles"]
    assert main(["scan", "--format", "json"]) == 0  # the written table is used
    assert "merge=union" not in capsys.readouterr().err  # and nothing is written twice


def test_a_scan_outside_git_writes_nothing(tmp_path, monkeypatch, capsys, nlp):
    (tmp_path / "a.txt").write_text(" date 2024-01-02 Nine boats were counted in the harbour.\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "a.txt", "--format", "json"]) == 0
    assert not (tmp_path / ".gitattributes").exists() and not (tmp_path / "pyproject.toml").exists()


def _two_reviewers(repo: Path) -> None:
    ledger = repo / "reports" / "decisions.jsonl"
    Ledger(ledger).decide("f1", "follow-up", "ann")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "ann")
    Ledger(ledger).decide("f1", "confirmed", "ann")
    Ledger(ledger).decide("f2", "dismissed", "ann")
    git(repo, "commit", "-q", "-am", "ann decides")
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "-b", "bob")
    Ledger(ledger).decide("f3", "confirmed", "bob")
    Ledger(ledger).note("f1", "bob", "called the ministry")
    git(repo, "commit", "-q", "-am", "bob decides")
    git(repo, "checkout", "-q", "ann")


def test_two_reviewers_branches_merge_without_conflict(repo, capsys):
    assert main(["init"]) == 0
    _two_reviewers(repo)
    merged = git(repo, "merge", "-q", "--no-edit", "bob", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    led = Ledger(repo / "reports" / "decisions.jsonl")
    decisions, warnings = led.read()
    assert warnings == [] and len(decisions) == 5
    assert {k: v.status for k, v in led.latest().items()} == {"f1": "confirmed", "f2": "dismissed", "f3": "confirmed"}
    assert led.latest_notes()["f1"].note == "called the ministry"
    # after the merge, the next decision on f1 follows both branches' lines
    Ledger(repo / "reports" / "decisions.jsonl").decide("f1", "dismissed", "cy")
    assert Ledger(repo / "reports" / "decisions.jsonl").latest()["f1"].reviewer == "cy"


def test_without_the_attribute_the_same_merge_conflicts(repo):
    """What `checker init` prevents: both branches append, git sees a conflict."""
    _two_reviewers(repo)
    merged = git(repo, "merge", "-q", "--no-edit", "bob", check=False)
    assert merged.returncode != 0 and "CONFLICT" in merged.stdout + merged.stderr
