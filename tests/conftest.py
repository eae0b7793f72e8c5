"""Shared fixtures: the spaCy pipeline (loaded once per test session), the
built-in rule pack, a `quantities(text)` helper and the claims of the seeds.

The pipeline is loaded under the same name the CLI uses (`load_config().model`)
so in-process CLI tests reuse the cached pipeline instead of loading a second
copy.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from checker.model import Claim, Quantity, Source

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


def set_back(path: Path, seconds: int = 120) -> None:
    """A file, or a folder and all it holds, set back in time, as a corpus
    checked out a while ago (a folder changed within two seconds is never
    trusted by the corpus listing)."""
    import os

    for p in [path, *(path.rglob("*") if path.is_dir() else [])]:
        st = p.stat()
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def write(path: Path, content: str | bytes) -> Path:
    """Write a test file (text as UTF-8, or raw bytes), making its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def article_claims(items, pack, nlp) -> list[Claim]:
    """The claims of short invented articles [(outlet, date, text), ...],
    through the real pipeline (ids 0.txt, 1.txt, ...)."""
    from checker.claims import extract

    sources = [Source(id=f"{i}.txt", path=f"{i}.txt", text=text, outlet=outlet, published=date)
               for i, (outlet, date, text) in enumerate(items)]
    return [c for _, cl in extract(sources, pack, nlp=nlp) for c in cl]


def old_schema_store(tmp_path: Path, flags):
    """A Store over a cache of an older schema (its flags table has no
    review-order columns), as a read-only open leaves it: the old tables as
    they are. The caller closes it."""
    import json
    import sqlite3

    from checker.store import Store

    old = sqlite3.connect(tmp_path / "old.sqlite")
    old.execute("CREATE TABLE flags (id TEXT PRIMARY KEY, code TEXT, severity TEXT, metric TEXT,"
                " flag_json TEXT NOT NULL)")
    old.executemany("INSERT INTO flags VALUES (?,?,?,?,?)",
                    [(f.id, f.code, f.severity, f.metric, json.dumps(f.to_dict())) for f in flags])
    old.commit()
    store = Store(tmp_path / ".checker" / "cache.sqlite")
    store.db.close()
    store.db = old
    return store


@pytest.fixture(scope="session")
def nlp():
    from checker.config import load_config
    from checker.nlp import load_pipeline

    return load_pipeline(load_config(REPO).model)


@pytest.fixture(scope="session")
def pack():
    from checker.rulepack import load_rulepack

    return load_rulepack([SEEDS / "rules"])  # the seed story pack, as the project configures it


@pytest.fixture(scope="session")
def general():
    """The general packs alone (no story pack), as `checker eval flags` compares."""
    from checker.rulepack import load_rulepack

    return load_rulepack()


@pytest.fixture(scope="session")
def judged(nlp, general):
    """judged([(outlet, date, text), ...]) -> (claims, facts, flags) through the
    real pipeline with the general packs."""
    from checker.engine import compare
    from checker.facts import build_facts

    def go(items):
        claims = article_claims(items, general, nlp)
        facts = build_facts(claims, general)
        return claims, facts, compare(claims, general, facts=facts)

    return go


@pytest.fixture(scope="session")
def quantities(nlp) -> Callable[[str], list[Quantity]]:
    """`quantities(text)`: every Quantity the pipeline finds in `text`, in order."""

    def find(text: str) -> list[Quantity]:
        return list(nlp(text)._.quantities or [])

    return find


@pytest.fixture(scope="session")
def seed_sources() -> dict[str, Source]:
    """The five seed articles by id (file name: the ids are relative to seeds/)."""
    from checker.sources import load_sources

    sources, problems = load_sources([SEEDS], SEEDS)
    assert not problems, problems
    return {s.id: s for s in sources}


@pytest.fixture(scope="session")
def seed_claims(nlp, pack, seed_sources) -> dict[str, list[Claim]]:
    """{source_id: [Claim]} for the seed corpus, extracted once per session."""
    from checker.claims import extract

    return {s.id: claims for s, claims in extract(list(seed_sources.values()), pack, nlp=nlp)}


@pytest.fixture
def seeds_copy(tmp_path: Path, monkeypatch) -> Path:
    """A corpus folder holding a copy of seeds/ and the project's configuration
    (the seed story pack included); it is the working directory."""
    import shutil

    root = tmp_path / "corpus"
    root.mkdir()
    shutil.copytree(SEEDS, root / "seeds")
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    monkeypatch.chdir(root)
    return root
