"""The pre-commit hook, end to end, as a corpus owner uses it: a real git
repository whose `.pre-commit-config.yaml` names this project by path and
commit (`repo: /path/to/checker`, `rev: <sha>`), and the real `pre-commit`
framework, which clones that commit and builds the hook's Python environment
itself (offline: pip resolves through the configured package index, exactly as
for any install here). The environment is built once per test session.
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

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
AXIOS, JPOST, BLOOMBERG = "000_37dc6ced96aa91c8.txt", "001_4e1d5489f0b5de91.txt", "002_58061bc989f93f95.txt"


def _run(args, cwd, env, check=False):
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=1800)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def _base_env(home: Path) -> dict:
    env = dict(os.environ, GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="t@example.org", HOME=str(home),
               GIT_CONFIG_NOSYSTEM="1")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "VIRTUAL_ENV", "PRE_COMMIT"):
        env.pop(var, None)
    # pip keeps using the machine's wheel cache although HOME moved.
    env.setdefault("PIP_CACHE_DIR", str(Path(os.path.expanduser("~")) / ".cache" / "pip"))
    return env


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory):
    """This project as a git repository at one commit: what `repo:`/`rev:` name.
    Built from the files of the working copy (which need not be a git checkout:
    CI runs the suite in a plain copy), leaving out environments and caches."""
    base = tmp_path_factory.mktemp("hook")
    src = base / "checker-src"
    env = _base_env(base)
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "venv", ".ci-venv", ".checker", "__pycache__", "*.egg-info", "build", "dist",
        ".pytest_cache", "*.lock", "*.pyc"))
    _run(["git", "init", "-q", "-b", "main"], src, env, check=True)
    _run(["git", "add", "-A"], src, env, check=True)
    _run(["git", "commit", "-q", "-m", "checker under test"], src, env, check=True)
    sha = _run(["git", "rev-parse", "HEAD"], src, env, check=True).stdout.strip()
    return src, sha, base / "pre-commit-home"


@pytest.fixture()
def corpus(tmp_path, hook_repo):
    """A corpus repository: articles/ with the Jerusalem Post seed, a committed
    ledger holding one earlier decision, `checker init`'s setup, and the hook."""
    src, sha, pc_home = hook_repo
    root = tmp_path / "corpus"
    (root / "articles").mkdir(parents=True)
    shutil.copy(SEEDS / JPOST, root / "articles" / JPOST)
    shutil.copy(SEEDS / "sources.csv", root / "articles" / "sources.csv")
    (root / "reports").mkdir()
    (root / "reports" / "decisions.jsonl").write_text(json.dumps(
        {"id": "0" * 16, "flag_id": "earlier", "status": "dismissed", "reviewer": "ann", "kind": "decision"}) + "\n")
    config = {"repos": [{"repo": str(src), "rev": sha,
                         "hooks": [{"id": "checker-check", "args": ["--fail-on", "medium"]}]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    env = _base_env(tmp_path)
    env["PRE_COMMIT_HOME"] = str(pc_home)
    _run(["git", "init", "-q", "-b", "main"], root, env, check=True)
    _run([sys.executable, "-m", "checker", "init", "articles"], root, env, check=True)
    _run([sys.executable, "-m", "pre_commit", "install"], root, env, check=True)
    _run(["git", "add", "-A"], root, env, check=True)
    first = _run(["git", "commit", "-q", "-m", "corpus"], root, env)
    assert first.returncode == 0, first.stdout + first.stderr
    return root, env


def commit(root, env, message="change"):
    proc = _run(["git", "commit", "-q", "-m", message], root, env)
    return proc.returncode, proc.stdout + proc.stderr


def checker(root, env, *args):
    return _run([sys.executable, "-m", "checker", *args], root, env)


def test_conflict_blocks_until_decided_and_the_ledger_staged(corpus):
    root, env = corpus
    # Axios joins the corpus without conflict (it agrees with the Jerusalem Post)
    shutil.copy(SEEDS / AXIOS, root / "articles" / AXIOS)
    _run(["git", "add", "-A"], root, env, check=True)
    code, output = commit(root, env, "add Axios")
    assert code == 0, output
    # Bloomberg disagrees with Axios
    shutil.copy(SEEDS / BLOOMBERG, root / "articles" / BLOOMBERG)
    _run(["git", "add", f"articles/{BLOOMBERG}"], root, env, check=True)
    code, output = commit(root, env, "add Bloomberg")
    assert code != 0, output
    assert f"articles/{BLOOMBERG}:" in output and "CK103" in output
    # the hint names exactly what to run ...
    assert f"checker:   checker review articles/{BLOOMBERG}" in output
    assert "checker:   git add reports/decisions.jsonl" in output
    # ... and the blocking flags are there at once, without a scan
    listed = checker(root, env, "flags", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    flags = [f for f in json.loads(listed.stdout) if f"articles/{BLOOMBERG}" in (f["source_a"], f["source_b"])]
    assert flags and {f["status"] for f in flags} == {"open"}

    # A reviewer decides them; the ledger is tracked but the change is not staged.
    for f in flags:
        done = checker(root, env, "decide", f["flag_id"], "dismissed", "--note", "two wordings, one figure")
        assert done.returncode == 0, done.stderr
    code, output = commit(root, env, "add Bloomberg")
    assert code != 0
    assert "decided only in the unstaged ledger" in output and "git add reports/decisions.jsonl" in output
    assert (root / "reports" / "decisions.jsonl").read_text().count("two wordings") == len(flags)  # restored

    _run(["git", "add", "reports/decisions.jsonl"], root, env, check=True)
    code, output = commit(root, env, "add Bloomberg")
    assert code == 0, output


def test_files_outside_the_sources_and_untracked_drafts_do_not_count(corpus):
    root, env = corpus
    # An untracked draft that disagrees with what is being committed ...
    shutil.copy(SEEDS / BLOOMBERG, root / "articles" / BLOOMBERG)
    # ... and notes outside the configured sources that quote conflicting figures.
    (root / "docs").mkdir()
    shutil.copy(SEEDS / BLOOMBERG, root / "docs" / "notes.txt")
    (root / "docs" / "todo.md").write_text("# To do\n\nBloomberg says a 45-day pause; Axios six weeks.\n")
    shutil.copy(SEEDS / AXIOS, root / "articles" / AXIOS)
    _run(["git", "add", f"articles/{AXIOS}", "docs"], root, env, check=True)
    code, output = commit(root, env, "add Axios and notes")
    assert code == 0, output
    assert not any(line.startswith("docs/") for line in output.splitlines())  # notes are not articles
    # the draft is still there, uncommitted
    assert (root / "articles" / BLOOMBERG).exists()
    status = _run(["git", "status", "--porcelain"], root, env, check=True).stdout
    assert f"?? articles/{BLOOMBERG}" in status
