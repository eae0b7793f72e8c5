"""`checker bench` runs what it says on generated corpora (no timing is asserted)."""
from __future__ import annotations

import json

import pytest

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
    assert r["review"]["csv"]["seconds"] > 0 and r["review"]["csv"]["peak_mb"] > 0
    # Each fresh process's own peak, not the benchmark's (which has built every flag and scanned).
    assert r["review"]["csv"]["peak_mb"] < r["peak_memory_mb"]
    assert "documents" not in r  # the words/s run only when --docs is given


def test_bench_rescan_times_a_cold_then_warm_scans_of_a_copy_of_the_sources(seeds_copy, nlp, capsys):
    assert main(["bench", "--rescan", "--json"]) == 0
    x = json.loads(capsys.readouterr().out)["rescan"]
    assert x["cold"]["parsed"] == 5 and [w["parsed"] for w in x["warm"]] == [0, 0, 0]
    assert {w["flags"] for w in x["warm"]} == {x["cold"]["flags"]}  # the copy has the project's rule packs too
    assert x["warm_over_cold"] == round(x["warm_median_seconds"] / x["cold"]["seconds"], 3)
    assert not (seeds_copy / "seeds" / ".checker").exists()  # the sources themselves are not touched


def test_bench_long_article_parses_it_in_pieces_and_whole_with_the_same_claims(seeds_copy, nlp, capsys):
    from checker.nlp import PIECE_CHARS

    kb = PIECE_CHARS * 2 // 1000 + 5  # three pieces at least
    assert main(["bench", "--long-article", str(kb), "--json"]) == 0
    x = json.loads(capsys.readouterr().out)["long_article"]
    assert x["kilobytes"] >= kb and x["pieces"]["claims"] > 0
    assert x["same_claims"] and x["pieces"]["digest"] == x["whole"]["digest"]
    assert x["pieces"]["peak_mb"] > 0 and x["whole"]["peak_mb"] > 0


def test_bench_rescan_of_sources_outside_the_project_is_one_line(seeds_copy, tmp_path, capsys):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "a.txt").write_text("Officials said 40 people were hurt.\n")
    assert main(["bench", "--rescan", str(outside)]) == 2
    err = capsys.readouterr().err
    assert "outside the project folder" in err and "Traceback" not in err


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


def test_bench_scan_can_start_from_a_cache_of_the_same_articles(seeds_copy, nlp, capsys, tmp_path, monkeypatch):
    from checker.bench import write_bench_corpus
    from checker.sources import load_sources

    sources, _ = load_sources([seeds_copy / "seeds"], seeds_copy / "seeds")
    made = write_bench_corpus(tmp_path / "made", 3, sources)
    monkeypatch.chdir(made)
    assert main(["scan", "--format", "json"]) == 0
    capsys.readouterr()
    monkeypatch.chdir(seeds_copy)
    assert main(["bench", "--scan", "3", "--seed-cache", str(made / ".checker" / "cache.sqlite"), "--json"]) == 0
    scan = json.loads(capsys.readouterr().out)["scan"]
    assert scan["seeded_from"].endswith("cache.sqlite")
    assert (scan["cold"]["parsed"], scan["warm"]["parsed"], scan["edited"]["parsed"]) == (0, 0, 1)
    assert scan["cold"]["flags"] == scan["warm"]["flags"]


def test_seed_cache_needs_scan_and_a_file(seeds_copy, capsys):
    assert main(["bench", "--seed-cache", "nowhere.sqlite"]) == 2
    assert "--seed-cache applies to --scan" in capsys.readouterr().err
    assert main(["bench", "--scan", "2", "--seed-cache", "nowhere.sqlite"]) == 2
    assert "nowhere.sqlite: no such cache file" in capsys.readouterr().err


def test_claims_on_a_dask_cluster_give_the_flags_of_one_process(seeds_copy, capsys, monkeypatch):
    """The workers make the synthetic corpus chunk by chunk and compare it by
    partition; the digest of the flag ids matches one process's comparison
    of the same corpus, and every process's peak memory is reported."""
    pytest.importorskip("dask.distributed")

    import checker.bench as bench
    from checker.config import load_config
    from checker.engine import compare
    from checker.partitioned import flag_digest
    from checker.pipeline import load_pack

    monkeypatch.setattr(bench, "DASK_CHUNK", 1_000)
    assert main(["bench", "--claims", "3500", "--executor", "dask", "--workers", "2", "--json"]) == 0
    [run] = json.loads(capsys.readouterr().out)["compare"]
    flags = compare(bench.synthetic_corpus(3500, 1_000), load_pack(load_config()))
    assert run["flags"] == len(flags) > 0 and run["flag_digest"] == f"{flag_digest(flags):016x}"
    assert run["compared_claims"] <= run["claims"] == 3500 and run["workers"] == 2
    assert len([k for k in run["peak_mb"] if k.startswith("worker")]) == 2 and "client" in run["peak_mb"]


def test_a_bad_memory_limit_is_one_line(seeds_copy, capsys):
    pytest.importorskip("dask.distributed")
    assert main(["bench", "--claims", "100", "--executor", "dask", "--memory-limit", "lots"]) == 2
    err = capsys.readouterr().err
    assert "--memory-limit takes a size such as 4GB" in err and "Traceback" not in err
