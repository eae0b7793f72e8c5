"""`checker eval flags`: scoring flags and fact grouping against a gold.yaml,
on a small corpus written for the test, and the scorer alone on hand-built
claims and flags."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.goldeval import load_gold, match_mentions, score_corpus
from checker.model import Claim, Flag, Quantity, Source

GOLD = """\
story: a flood in an invented town
facts:
  - id: deaths
    what: people killed in Riverton by the flood
    behaviour: cumulative
    mentions:
      - {source: a.txt, figure: "killed 120 people", value: 120, as_of: 2025-06-01}
      - {source: b.txt, figure: "death toll rose to 160", value: 160, as_of: 2025-06-03}
      - {source: c.txt, figure: "death toll now stands at 90", value: 90, as_of: 2025-06-05}
  - id: dam-height
    what: height of the Riverton dam
    behaviour: fixed
    mentions:
      - {source: a.txt, figure: "45 metres", value: 45, as_of: 2025-06-01}
      - {source: c.txt, figure: "70 metres", value: 70, as_of: 2025-06-05}
conflicts:
  - id: C1
    fact: deaths
    a: ["b.txt#death toll rose to 160"]
    b: ["c.txt#death toll now stands at 90"]
    why: a later lower toll
  - id: C2
    fact: dam-height
    a: ["a.txt#45 metres"]
    b: ["c.txt#70 metres"]
    why: a fixed fact with two heights
not_conflicts:
  - {fact: deaths, a: "a.txt#killed 120 people", b: "b.txt#death toll rose to 160", why: rising toll}
"""

TEXTS = {
    "a.txt": " date 2025-06-01\nThe flood in Riverton killed 120 people. The dam above the town was 45 metres tall.\n",
    "b.txt": " date 2025-06-03\nThe death toll rose to 160 in Riverton, officials said.\n",
    "c.txt": " date 2025-06-05\nThe death toll now stands at 90 in Riverton. The dam, 70 metres tall, burst at night.\n",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "flood"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "gold.yaml").write_text(GOLD, encoding="utf-8")
    (tmp_path / "README.md").write_text("not a corpus\n", encoding="utf-8")
    return folder


def test_eval_flags_scores_a_small_corpus(corpus, monkeypatch, capsys, nlp):
    from checker.cli import main

    monkeypatch.chdir(corpus.parent)
    # a README caught by the glob beside the corpora is skipped, not an error
    assert main(["eval", "flags", str(corpus), str(corpus.parent / "README.md"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    total = out["overall"]
    assert total["conflicts"] == 2
    assert total["conflicts_found"] == 2 and total["conflict_recall"] == 1.0
    assert total["flags"] == total["true_flags"] and total["flag_precision"] == 1.0
    assert total["alignment_recall"] == 1.0 and total["alignment_precision"] == 1.0
    assert out["corpora"][0]["false_flags"] == [] and out["corpora"][0]["missed_conflicts"] == []


def test_eval_flags_table_and_bad_paths(corpus, monkeypatch, capsys, nlp, tmp_path):
    from checker.cli import main

    monkeypatch.chdir(corpus.parent)
    assert main(["eval", "flags", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["corpus", "flags", "prec"]
    assert any(line.startswith("flood") for line in out.splitlines())
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["eval", "flags", str(empty)]) == 2
    assert "no gold.yaml" in capsys.readouterr().err
    (corpus / "gold.yaml").write_text("facts: [1, 2", encoding="utf-8")
    assert main(["eval", "flags", str(corpus)]) == 2
    err = capsys.readouterr().err
    assert "cannot read gold" in err and "Traceback" not in err


# --------------------------------------------------------------------------- the scorer alone


def claim(source: str, text: str, figure: str, value: float) -> Claim:
    start = text.index(figure)
    q = Quantity(low=value, high=value, kind="exact", surface=figure, start=start, end=start + len(figure))
    return Claim(source_id=source, quantity=q, sentence=text, line=1, col=start + 1)


def test_scorer_counts_true_and_false_flags_by_cause():
    gold_text = {
        "a.txt": "Officials said 120 people died. Winds hit 150 km/h.",
        "b.txt": "Officials said 90 people died. Winds hit 180 km/h.",
    }
    sources = [Source(id=k, path=k, text=v) for k, v in gold_text.items()]
    a_deaths = claim("a.txt", gold_text["a.txt"], "120", 120)
    b_deaths = claim("b.txt", gold_text["b.txt"], "90", 90)
    a_wind = claim("a.txt", gold_text["a.txt"], "150", 150)
    stray = claim("b.txt", gold_text["b.txt"], "180", 180)
    from checker.goldeval import Gold, Mention

    gold = Gold("t", {"deaths": [Mention("deaths", "a.txt", "120 people"), Mention("deaths", "b.txt", "90 people")],
                      "wind": [Mention("wind", "a.txt", "150 km/h")]},
                [{"id": "C1", "a": ["a.txt#120 people"], "b": ["b.txt#90 people"]}], [])
    flags = [
        Flag("CK101", "high", "m", [a_deaths, b_deaths], "x"),  # the listed conflict
        Flag("CK101", "high", "m", [a_wind, b_deaths], "x"),  # two different facts
        Flag("CK101", "high", "m", [a_wind, stray], "x"),  # a figure in no fact
    ]
    fact_of = {a_deaths.id: "f1", b_deaths.id: "f1", a_wind.id: "f2", stray.id: "f2"}
    sc = score_corpus("t", gold, sources, [a_deaths, b_deaths, a_wind, stray], fact_of, flags)
    s = sc.summary()
    assert (s["flags"], s["true_flags"], s["conflicts_found"]) == (3, 1, 1)
    assert [f["cause"].split(" (")[0] for f in sc.false_flags] == ["different facts", "figure in no gold fact"]
    assert s["alignment_recall"] == 1.0  # the one gold pair from two sources is grouped
    # grouped pairs across sources that are gold mentions: (a_deaths, b_deaths) only
    assert s["alignment_precision"] == 1.0


def test_mentions_match_claims_by_overlapping_spans_despite_spacing():
    text = "An estimated 11 300 people died."
    c = claim("a.txt", text, "11 300", 11300)
    from checker.goldeval import Gold, Mention

    gold = Gold("t", {"f": [Mention("f", "a.txt", "estimated  11 300 people"), Mention("f", "a.txt", "nowhere")]}, [], [])
    matched, missed = match_mentions(gold, [Source(id="a.txt", path="a.txt", text=text)], [c])
    assert matched[c.id].figure.startswith("estimated")
    assert [m.figure for m in missed] == ["nowhere"]


def test_load_gold_rejects_malformed_files(tmp_path):
    from checker.errors import UserError

    bad = tmp_path / "gold.yaml"
    bad.write_text("facts:\n  - {what: no id}\n", encoding="utf-8")
    with pytest.raises(UserError, match="needs an 'id'"):
        load_gold(bad)


def test_a_long_article_is_read_in_pieces_as_a_scan_reads_it(tmp_path, nlp):
    from checker.goldeval import analyse_corpus
    from checker.pipeline import extract
    from checker.rulepack import load_rulepack
    from checker.sources import load_sources

    paragraph = "The flood in Riverton killed 120 people, officials said. Crews cleared 25 trucks.\n\n"
    folder = tmp_path / "long"
    folder.mkdir()
    (folder / "a.txt").write_text(" date 2025-06-01\n" + paragraph * 400, encoding="utf-8")  # over 20,000 characters
    pack = load_rulepack()
    _, claims, _, _ = analyse_corpus(folder, pack, cache_dir=tmp_path / "cache")
    sources, _ = load_sources([folder], root=folder)
    [(_, expected)] = list(extract(sources, pack, nlp=nlp))
    assert len(claims) == len(expected) > 400
    assert [(c.line, c.col, c.quantity.surface) for c in claims] == [(c.line, c.col, c.quantity.surface) for c in expected]
