"""`checker bench` runs what it says on generated corpora (no timing is asserted)."""
from __future__ import annotations

import json


from checker.bench import synthetic_flags
from checker.cli import main



def test_bench_scan_check_and_review(seeds_copy, nlp, capsys):
    assert main(["bench", "--scan", "3", "--check", "--review", "40", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    scan = r["scan"]
    assert (scan["cold"]["parsed"], scan["warm"]["parsed"], scan["edited"]["parsed"]) == (3, 0, 1)
    assert scan["cold"]["flags"] == scan["warm"]["flags"]
    assert all(scan[k]["seconds"] > 0 and scan[k]["peak_mb"] > 0 for k in ("cold", "warm", "edited"))
    assert scan["check"]["check_seconds"] > 0
    assert r["review"]["flags"] == 40
    assert r["review"]["rows_held"] == 40 and "flags 1–40 of 40" in r["review"]["status"]  # the list was drawn
    assert "documents" not in r  # the words/s run only when --docs is given


def test_synthetic_flags_are_distinct_and_round_trip():
    from checker.model import Flag

    flags = synthetic_flags(200)
    assert len({f.id for f in flags}) == 200
    assert [Flag.from_dict(f.to_dict()).id for f in flags] == [f.id for f in flags]


def test_check_without_article_needs_scan(seeds_copy, capsys):
    assert main(["bench", "--check"]) == 2
    assert "--check needs an ARTICLE" in capsys.readouterr().err


def test_executor_options_need_scan(seeds_copy, capsys):
    assert main(["bench", "--executor", "dask"]) == 2
    assert "apply to --scan" in capsys.readouterr().err
