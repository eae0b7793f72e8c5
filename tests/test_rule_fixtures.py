"""One fixture per rule code (ruff's layout): tests/fixtures/rules/CKnnn/ holds
short invented articles and `expected.json`, the flags the whole pipeline
(general packs only, every confidence) must raise on them: code and the two
figures. Each rule's docstring example lives here as a running test."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.claims import extract
from checker.engine import RULES, compare
from checker.rulepack import load_rulepack
from checker.sources import load_sources

FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def flags_of(folder: Path, nlp) -> list[dict]:
    sources, problems = load_sources([folder], root=folder)
    assert not problems, problems
    pack = load_rulepack()
    claims = [c for _, cl in extract(sources, pack, nlp=nlp) for c in cl]
    return [{"code": f.code, "figures": sorted(c.quantity.surface for c in f.claims)}
            for f in compare(claims, pack)]


def test_every_rule_has_a_fixture():
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted(RULES)


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_fixture(code, nlp):
    folder = FIXTURES / code
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    got = flags_of(folder, nlp)
    assert sorted(got, key=json.dumps) == sorted(expected, key=json.dumps)
    assert any(f["code"] == code for f in got)
