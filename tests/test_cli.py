"""The command line is the product's contract: exit codes, one-line errors,
output shapes, and `--help` that does not load spaCy.

Most commands run in-process through `checker.cli.main(argv)` (the spaCy
pipeline is loaded once per session); what depends on a fresh interpreter
(imports, the console script, the README's main command) runs in a subprocess.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from checker.cli import main

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
HEAVY = ("spacy", "quantulum3", "pandas", "textual", "trafilatura")


def checker_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("checker")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("checker")
    return [found] if found else [sys.executable, "-m", "checker.cli"]


def run(args: list[str], cwd: Path, stdin: str | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(checker_cmd() + args, cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=timeout)


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert "Traceback" not in err
    assert lines[0].startswith("checker: error:"), lines[0]
    return lines[0]


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(REPO)
    return REPO


# ------------------------------------------------------------------ help and imports


@pytest.mark.parametrize("argv", [["--help"], ["scan", "--help"], ["quantities", "--help"], ["--version"]])
def test_help_does_not_import_heavy_libraries(argv):
    code = textwrap.dedent(f"""
        import sys
        from checker.cli import main
        try:
            main({argv!r})
        except SystemExit as exc:
            assert exc.code in (0, None), exc.code
        else:
            raise AssertionError("argparse should exit after {argv[0]}")
        heavy = [m for m in {HEAVY!r} if m in sys.modules]
        assert not heavy, heavy
        print("ok")
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("ok")


def test_console_script_help_lists_the_commands():
    proc = run(["--help"], cwd=REPO)
    assert proc.returncode == 0
    for name in ("scan", "claims", "quantities", "flags", "report", "review", "check", "bench", "eval"):
        assert name in proc.stdout
    assert proc.stderr == ""


# ------------------------------------------------------------------ usage errors


@pytest.mark.parametrize(
    "argv",
    [
        ["bogus"],
        ["claims", "--frobnicate", "x"],
        ["claims"],
        ["claims", "seeds", "--format", "xml"],
        ["quantities"],  # --jsonl is required
        ["eval", "notadataset", "x.json"],
        ["scan", "--jobs", "many"],
    ],
)
def test_bad_usage_is_exit_2_and_one_line(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    one_error_line(err)
    assert out == ""


def test_bad_usage_from_the_console_script():
    proc = run(["bogus"], cwd=REPO)
    assert proc.returncode == 2
    line = one_error_line(proc.stderr)
    assert "bogus" in line


def test_claims_on_a_missing_file_is_exit_2_and_one_line(in_repo, capsys):
    assert main(["claims", "seeds/no-such-article.txt"]) == 2
    out, err = capsys.readouterr()
    line = one_error_line(err)
    assert "no-such-article.txt" in line
    assert out == ""


# ------------------------------------------------------------------ claims


def test_claims_json(in_repo, nlp, capsys):
    assert main(["claims", "seeds/002_58061bc989f93f95.txt", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert isinstance(data, list) and data
    fields = {"id", "source_id", "quantity", "sentence", "line", "col", "counted", "event", "actors", "places",
              "scope", "attribution", "date", "value"}
    for item in data:
        assert fields <= set(item), fields - set(item)
        assert item["source_id"] == "seeds/002_58061bc989f93f95.txt"
        assert {"low", "high", "kind", "unit", "surface", "tolerance"} <= set(item["quantity"])
        assert isinstance(item["value"], str) and item["value"]
    by_surface = {item["quantity"]["surface"]: item for item in data}
    pause = by_surface["45-day"]
    assert pause["quantity"]["low"] == 45 and pause["quantity"]["unit"] == "day"
    assert pause["counted"] == "pause"
    lower = next(i for i in data if i["quantity"]["low"] == 26000)
    assert lower["quantity"]["kind"] == "lower" and lower["quantity"]["high"] is None  # JSON has no infinity
    assert "Gaza health ministry" in lower["attribution"]
    assert all(i["date"] == "2024-01-31" for i in data if not i["quantity"]["surface"].startswith("thousands"))
    assert any(i["fact"] for i in data)  # each claim shows its fact (empty: it names no comparable fact)
    assert all(bool(i["fact"]) == bool(i["fact_description"]) for i in data)
    assert by_surface["45-day"]["measure"] == "duration" and by_surface["45-day"]["modality"] == "proposed"


def test_claims_table(in_repo, nlp, capsys):
    assert main(["claims", "seeds/000_37dc6ced96aa91c8.txt"]) == 0
    out, _ = capsys.readouterr()
    assert "000_37dc6ced96aa91c8.txt" in out and "Axios" in out
    assert "six-week" in out and "35 to 40" in out


# ------------------------------------------------------------------ quantities --jsonl


def jsonl(monkeypatch, capsys, lines: list[str]) -> list[dict]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    assert main(["quantities", "--jsonl"]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(lines), out
    return rows


def check_shape(record: dict) -> None:
    assert set(record) == {"value", "unit", "change", "concept"}
    v = record["value"]
    if isinstance(v, list):
        assert len(v) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)
    else:
        assert isinstance(v, (int, float)) and not isinstance(v, bool)
    assert isinstance(record["unit"], str) and record["unit"]
    assert record["unit"] == "-" or record["unit"] == record["unit"].lower()
    assert record["change"] in ("=", "~", ">", "<", "up", "down")
    assert isinstance(record["concept"], str)


def test_quantities_jsonl_shape(in_repo, nlp, monkeypatch, capsys):
    lines = [
        "Hamas would free 35 to 40 hostages.",
        "",
        "More than 26,000 people have died.",
        "Prices rose 5% to $6.",
        "The group agreed on a six-week ceasefire.",
        "About 1,200 people were killed.",
        '{"text": "Nearly 300 homes were destroyed."}',
        "Sales fell 3% in March.",
        "The war began on Oct. 7.",
        "Only a handful of hostages have been released.",
        "Hamas would release all the women, children and elderly hostages.",
    ]
    rows = jsonl(monkeypatch, capsys, lines)
    for row in rows:
        assert set(row) == {"quantities"}
        for rec in row["quantities"]:
            check_shape(rec)
    q = [row["quantities"] for row in rows]
    assert [(r["value"], r["unit"], r["change"]) for r in q[0]] == [([35, 40], "hostage", "=")]
    # the counted noun is the unit; the concept is whose figure it is (NewsQuant's convention)
    assert q[0][0]["concept"] == "Hamas"
    assert q[1] == []  # an empty line still gets its line
    assert [(r["value"], r["change"]) for r in q[2]] == [(26000, ">")]
    assert [(r["value"], r["unit"], r["change"]) for r in q[3]] == [(5, "percentage", "up"), (6, "dollar", "=")]
    assert [(r["value"], r["unit"], r["change"]) for r in q[4]] == [(6, "week", "=")]
    assert "ceasefire" in q[4][0]["concept"]
    assert [(r["value"], r["change"]) for r in q[5]] == [(1200, "~")]
    assert [(r["value"], r["change"]) for r in q[6]] == [(300, "~")]  # a {"text": ...} line; "nearly" reads as ~
    assert [(r["value"], r["unit"], r["change"]) for r in q[7]] == [(3, "percentage", "down")]
    assert "sales" in q[7][0]["concept"].lower()
    assert q[8] == []  # a date is not a quantity
    assert q[9] == []  # "a handful" has no figure to report
    assert q[10] == []  # nor has a categorical group


def test_quantities_jsonl_empty_input(in_repo, nlp, monkeypatch, capsys):
    assert jsonl(monkeypatch, capsys, ["", "", ""]) == [{"quantities": []}] * 3


def test_quantities_jsonl_survives_bad_bytes_and_long_lines(in_repo, nlp, monkeypatch, capsys, tmp_path):
    """Invalid UTF-8, a lone surrogate in a JSON line and an over-long line each
    still give exactly one output line, and never a traceback."""
    (tmp_path / "checker.toml").write_text("max_bytes = 50\n")
    monkeypatch.chdir(tmp_path)
    data = (b"\xff\xfe costs 5%\n"
            b'{"text": "About 40 people \\ud800 died."}\n'
            + b"x" * 80 + b" 7 apples\n"
            b"Prices rose 5% to $6.\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    assert main(["quantities", "--jsonl"]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line)["quantities"] for line in out.splitlines()]
    assert len(rows) == 4
    assert [r["value"] for r in rows[0]] == [5]
    assert [(r["value"], r["change"]) for r in rows[1]] == [(40, "~")]
    assert rows[2] == [] and "stdin line 3" in err and "over the limit" in err
    assert [r["value"] for r in rows[3]] == [5, 6]
    assert "Traceback" not in err


def test_unexpected_error_is_one_line_exit_2(in_repo, monkeypatch, capsys):
    """A bug is reported in one line (exit 2), not as a traceback."""
    from checker import commands

    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.delenv("CHECKER_DEBUG", raising=False)
    monkeypatch.setattr(commands, "cmd_flags", broken)
    assert main(["flags"]) == 2
    _, err = capsys.readouterr()
    assert err.strip().count("\n") == 0
    assert err.startswith("checker: internal error: RuntimeError: boom")


# ------------------------------------------------------------------ eval newsquant


def gold(value: str, unit: str, change: str, concepts: str) -> dict:
    return {"value": value, "normalized_unit": unit, "change": change, "referred_concepts": concepts}


NEWSQUANT = [
    {"text": "Hamas would free 35 to 40 hostages.",
     "quantities": [gold("35-40", "hostage", "=", "Hamas")]},
    {"text": "Sales fell 3% in March.",
     "quantities": [gold("3", "percentage", "down", "sales")]},
    # the gold leaves the unit of a count empty and names "people" as the concept;
    # the extractor says unit "people", concept "-"
    {"text": "More than 26,000 people have died.",
     "quantities": [gold("26000", "-", ">", "people")]},
    # the extractor also reports "two leaders": one prediction with no gold
    {"text": "The two leaders held a 45-minute call.",
     "quantities": [gold("45", "minute", "=", "call")]},
    # the annotators labelled the year; the extractor does not read dates: one miss
    {"text": "It happened in 2023.",
     "quantities": [gold("2023", "-", "=", "-")]},
]


def test_eval_newsquant_scores(in_repo, nlp, tmp_path, capsys):
    path = tmp_path / "newsquant.json"
    path.write_text(json.dumps(NEWSQUANT), encoding="utf-8")
    assert main(["eval", "newsquant", str(path), "--json"]) == 0
    out, _ = capsys.readouterr()
    result = json.loads(out)
    assert result["sentences"] == 5
    assert result["gold"] == 5
    # 35-40, 3%, 26,000, two leaders, 45-minute
    assert result["predicted"] == 5
    scores = {row["metric"]: row for row in result["scores"]}
    # value: 4 of 5 predictions match (not "two leaders"), 4 of 5 gold found (not 2023)
    assert scores["value"] == {"metric": "value", "precision": 80.0, "recall": 80.0, "f1": 80.0}
    # value+unit: 26,000 "people" is not "-": 3 of 5 both ways
    assert scores["value+unit"] == {"metric": "value+unit", "precision": 60.0, "recall": 60.0, "f1": 60.0}
    assert scores["value+change"] == {"metric": "value+change", "precision": 80.0, "recall": 80.0, "f1": 80.0}
    # value+concept: "people" is the extractor's unit, not its concept: 3 of 5 both ways
    assert scores["value+concept"] == {"metric": "value+concept", "precision": 60.0, "recall": 60.0, "f1": 60.0}


def test_eval_newsquant_table(in_repo, nlp, tmp_path, capsys):
    path = tmp_path / "newsquant.json"
    path.write_text(json.dumps(NEWSQUANT[:2]), encoding="utf-8")
    assert main(["eval", "newsquant", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert "2 sentences, 2 gold quantities, 2 predicted" in out
    assert any(line.split()[:4] == ["value", "100.0", "100.0", "100.0"] for line in out.splitlines())


@pytest.mark.parametrize(
    "content",
    ['[{"text": "Sales fell 3%."', '{"text": "not a list"}', '[{"quantities": []}]', "\xff\xfe garbage"],
)
def test_eval_newsquant_malformed_is_exit_2_and_one_line(in_repo, tmp_path, capsys, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="latin-1")
    assert main(["eval", "newsquant", str(path)]) == 2
    out, err = capsys.readouterr()
    assert str(path) in one_error_line(err)
    assert out == ""


def test_eval_newsquant_missing_file(in_repo, tmp_path, capsys):
    assert main(["eval", "newsquant", str(tmp_path / "nope.json")]) == 2
    assert "nope.json" in one_error_line(capsys.readouterr().err)


# ------------------------------------------------------------------ the README's main command


def test_scan_seeds_writes_the_report(seeds_copy: Path):
    report = seeds_copy / "reports" / "seeds.csv"
    proc = run(["scan", "seeds/", "--report", str(report)], cwd=seeds_copy)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert report.is_file()
    text = report.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0].split(",")
    for col in ("flag_id", "code", "severity", "status", "metric", "message",
                "source_a", "quote_a", "value_a", "source_b", "quote_b", "value_b"):
        assert col in header
    # The seeds disagree (35 to 40 hostages vs all the women, children and elderly; a
    # six-week ceasefire vs a 45-day pause): the report is not empty.
    assert rows
    for r in rows:
        assert r["severity"] in ("low", "medium", "high")
        assert r["status"] == "open"
        assert r["source_a"].startswith("seeds/") and r["source_b"].startswith("seeds/")
    # The committed report is exactly what a fresh scan of the seeds produces.
    committed = REPO / "reports" / "seeds.csv"
    assert report.read_bytes() == committed.read_bytes(), "reports/seeds.csv is stale: rerun the README's main command"
    # The summary names the five sources; the cache went into the copy.
    assert "5" in proc.stdout
    assert (seeds_copy / ".checker").is_dir()

    # A second scan re-uses every cached source and finds the same flags.
    again = run(["scan", "seeds/", "--format", "json"], cwd=seeds_copy)
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["sources"] == 5
    assert summary["parsed"] == 0 and summary["cached"] == 5
    assert summary["flags"] == len(rows)


def test_bad_configuration_value_is_one_line(tmp_path, monkeypatch, capsys):
    (tmp_path / "checker.toml").write_text('max_bytes = "abc"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["scan"]) == 2
    _, err = capsys.readouterr()
    assert err.strip() == "checker: error: configuration key 'max_bytes' must be a positive whole number, not 'abc'"


# ------------------------------------------------------------------ report formats


@pytest.fixture
def stored_flags(tmp_path: Path, monkeypatch) -> Path:
    """A corpus folder whose cache holds two invented flags (no scan, no spaCy)."""
    from checker.model import Claim, Flag, Quantity
    from checker.store import Store

    def claim(source: str, n: int, outlet: str) -> Claim:
        q = Quantity(n, n, "exact", surface=str(n), start=0, end=len(str(n)))
        return Claim(source, q, f"{n} boats were seen.", 1, 1, counted="boat", outlet=outlet,
                     published="2025-03-01", date="2025-03-01")

    (tmp_path / "checker.toml").write_text('sources = ["articles"]\n')
    store = Store(tmp_path / ".checker" / "cache.sqlite")
    store.put_flags([Flag("CK101", "high", "boats-seen", [claim("a.txt", 12, "North Post"),
                                                           claim("b.txt", 20, "South Daily")],
                          "North Post says 12 boats; South Daily says 20", rule="numeric-conflict")])
    store.commit()
    store.close()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_report_out_xlsx_writes_a_workbook(stored_flags: Path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    assert main(["report", "--out", "out/flags.xlsx"]) == 0
    sheet = openpyxl.load_workbook(stored_flags / "out" / "flags.xlsx").active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["flag_id", "code", "severity"]
    assert rows[1][1:3] == ["CK101", "high"] and len(rows) == 2


@pytest.mark.parametrize("argv", [["report", "--out", "flags.xls"], ["report", "--out", "flags.pdf"],
                                  ["report", "--out", "flags.xlsx", "--format", "csv"],
                                  ["report", "--format", "xlsx"], ["scan", "--report", "seeds.ods"]])
def test_report_refuses_a_file_name_it_cannot_honour(stored_flags: Path, capsys, argv):
    assert main(argv) == 2
    one_error_line(capsys.readouterr().err)
    assert not any(p.suffix in (".xls", ".pdf", ".xlsx", ".ods") for p in stored_flags.rglob("*"))


# ------------------------------------------------------------------ scan summary


def invented_corpus(root: Path, second: str = "20") -> Path:
    """Two wire stories that disagree on a count, and one binary file to skip."""
    (root / "articles").mkdir(parents=True)
    (root / "checker.toml").write_text('sources = ["articles"]\n')
    for name, n in (("a.txt", "12"), ("b.txt", second)):
        (root / "articles" / name).write_text(
            f"date 2025-03-01\nCoast guard officials said {n} fishing boats were seized near the port on Monday.\n")
    (root / "articles" / "c.txt").write_bytes(b"\x00\x01\x02\x03binary")
    return root


def test_scan_summary_counts_skipped_files_and_says_what_next(tmp_path, nlp, monkeypatch, capsys):
    monkeypatch.chdir(invented_corpus(tmp_path))
    assert main(["scan"]) == 0
    out, err = capsys.readouterr()
    assert "binary" in err  # the skipped file's own warning line
    assert "1 file(s) skipped" in out
    assert "checker review" in out and "checker report" in out
    assert out.rstrip().splitlines()[-1].lstrip().startswith("checker report")  # ends with what to do
    assert max(len(line) for line in out.splitlines()) <= 80
    assert main(["scan", "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["skipped"] == 1 and summary["sources"] == 2 and summary["flags"] == 1


def test_scan_summary_without_flags(tmp_path, nlp, monkeypatch, capsys):
    monkeypatch.chdir(invented_corpus(tmp_path, second="12"))
    assert main(["scan"]) == 0
    out = capsys.readouterr().out
    assert "no flags" in out and "checker claims" in out and "checker review" not in out


# ------------------------------------------------------------------ claims at 80 columns, help defaults, bench stages


def test_claims_at_80_columns_is_one_block_per_claim(tmp_path, nlp, monkeypatch, capsys):
    article = tmp_path / "harbour.txt"
    article.write_text("date 2025-03-01\nCoast guard officials said 12 fishing boats were seized near "
                       "the port of Valletta on Monday, according to a ministry spokesperson.\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["claims", "harbour.txt"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    # Whole words and values, not folded into five-letter columns.
    assert "12 fishing boats" in text and "= 12" in text
    assert any(line.strip() == "counted boat" for line in lines)
    assert any(line.strip() == "by      a ministry spokesperson" for line in lines)
    monkeypatch.setenv("COLUMNS", "160")
    assert main(["claims", "harbour.txt"]) == 0
    wide = capsys.readouterr().out
    assert "attributed to" in wide  # the ten-column table where there is room


@pytest.mark.parametrize("argv,expected", [
    (["check", "--help"], "(default: medium)"), (["scan", "--help"], "(default: 1)"),
    (["bench", "--help"], "(default: 200)"), (["flags", "--help"], "(default: all)"),
])
def test_help_shows_defaults(argv, expected, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps help lines
    assert expected in out
    assert "(default: None)" not in out and "(default: False)" not in out


def test_bench_reports_stages_on_stderr_when_asked(tmp_path, nlp, monkeypatch, capsys):
    monkeypatch.chdir(invented_corpus(tmp_path))
    (tmp_path / "articles" / "c.txt").unlink()
    assert main(["bench", "--docs", "2", "--json", "--progress"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["documents"] >= 2  # stdout stays machine-readable
    stages = err.splitlines()
    assert stages and all(line.startswith("checker: bench: [") for line in stages)
    assert any("round 2 of 2: extraction" in line for line in stages)
    assert main(["bench", "--docs", "2", "--json"]) == 0  # stderr is not a terminal here: silent
    assert capsys.readouterr().err == ""
