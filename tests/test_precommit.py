"""The pre-commit hook, end to end: a real git repository, the real
`pre-commit` framework running the hook defined in `.pre-commit-hooks.yaml`.

The hook is run as a `repo: local` copy of our hook definition (same id, entry,
files and exclude patterns) with `language: system`, so the test uses the
checker already installed here instead of letting pre-commit build a fresh
environment from PyPI for every run.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from checker.ledger import Ledger

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"

AGREEING = (
    " date 2024-02-12 About 136 hostages remain held in Gaza, an Israeli official said on Monday.\n"
)


def _run(args, cwd, env, check=False):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=check, timeout=600)


@pytest.fixture()
def corpus(tmp_path):
    """A git repository holding two seed articles and a hook config."""
    root = tmp_path / "corpus"
    (root / "articles").mkdir(parents=True)
    for name in ("000_37dc6ced96aa91c8.txt", "001_4e1d5489f0b5de91.txt"):
        shutil.copy(SEEDS / name, root / "articles" / name)
    rows = [line for line in (SEEDS / "sources.csv").read_text().splitlines()]
    (root / "articles" / "sources.csv").write_text("\n".join(rows) + "\n")
    (root / "pyproject.toml").write_text('[tool.checker]\nsources = ["articles"]\n')
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())[0]
    local = dict(hook, language="system", entry=f"{sys.executable} -m checker check")
    local.pop("minimum_pre_commit_version", None)
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    env = dict(os.environ, GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="t@example.org",
               PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), HOME=str(tmp_path))
    env.pop("GIT_DIR", None)
    _run(["git", "init", "-q", "-b", "main"], root, env, check=True)
    _run([sys.executable, "-m", "pre_commit", "install"], root, env, check=True)
    _run(["git", "add", "-A"], root, env, check=True)
    first = _run(["git", "commit", "-q", "-m", "corpus"], root, env)
    assert first.returncode == 0, first.stdout + first.stderr
    return root, env


def test_conflicting_source_blocks_until_decided(corpus):
    root, env = corpus
    new = root / "articles" / "002_58061bc989f93f95.txt"
    shutil.copy(SEEDS / new.name, new)
    _run(["git", "add", "-A"], root, env, check=True)
    blocked = _run(["git", "commit", "-q", "-m", "add Bloomberg"], root, env)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "articles/002_58061bc989f93f95.txt:" in output
    assert "CK1" in output  # a flag code names the disagreement

    # A reviewer looks at the flags and decides each one involving the new file.
    scan = _run([sys.executable, "-m", "checker", "scan"], root, env)
    assert scan.returncode == 0, scan.stderr
    listed = _run([sys.executable, "-m", "checker", "flags", "--format", "json"], root, env, check=True)
    flags = [f for f in json.loads(listed.stdout) if "articles/002_58061bc989f93f95.txt" in (f["source_a"], f["source_b"])]
    assert flags
    ledger = Ledger(root / "reports" / "decisions.jsonl")
    for f in flags:
        ledger.decide(f["flag_id"], "confirmed", "tester", note="real disagreement")
    _run(["git", "add", "-A"], root, env, check=True)
    passed = _run(["git", "commit", "-q", "-m", "add Bloomberg"], root, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_consistent_source_passes(corpus):
    root, env = corpus
    (root / "articles" / "005_agreeing.txt").write_text(AGREEING)
    _run(["git", "add", "-A"], root, env, check=True)
    done = _run(["git", "commit", "-q", "-m", "add agreeing article"], root, env)
    assert done.returncode == 0, done.stdout + done.stderr
