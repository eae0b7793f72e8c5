"""Hostile input (issue 11): each case is a small file or line built here, and
each must cost one clear line naming the file while the rest still runs."""
from __future__ import annotations

import json
import os
import pathlib
import sys
from pathlib import Path

import pytest

from checker.errors import SourceError, UserError
from checker.sources import iter_source_files, load_sources, read_source_file
from checker.untrusted import (
    PatternError,
    compile_pattern,
    load_yaml,
    printable,
    shorten,
    spreadsheet_cell,
)
from tests.conftest import write

GOOD = "The council said 12 bridges were closed on Monday.\n"


def alias_bomb(levels: int = 8, field: str = "title") -> str:
    """About 400 bytes that expand to 9**levels strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for i in range(1, levels):
        prev, cur = names[i - 1], names[i]
        lines.append(f"{cur}: &{cur} [" + ",".join(["*" + prev] * 9) + "]")
    lines.append(f"{field}: [" + ",".join(["*" + names[levels - 1]] * 9) + "]")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ 2: YAML alias bombs


def test_yaml_alias_bomb_is_refused_quickly():
    text = alias_bomb(10)
    assert len(text) < 600
    with pytest.raises(Exception) as info:
        load_yaml(text)
    import yaml

    assert isinstance(info.value, yaml.YAMLError)
    assert "aliases are expanded" in info.value.problem


def test_yaml_small_aliases_still_load():
    data = load_yaml("base: &b {outlet: Herald}\nother: *b\nlist: [*b, *b]\n")
    assert data["other"] == {"outlet": "Herald"} and len(data["list"]) == 2


def test_alias_bomb_in_front_matter_is_one_short_line(tmp_path):
    write(tmp_path / "bomb.md", "---\n" + alias_bomb(8) + "---\nThe mayor said 40 homes flooded.\n")
    write(tmp_path / "good.txt", GOOD)
    sources, problems = load_sources([tmp_path], tmp_path)
    assert [s.id for s in sources] == ["good.txt"]
    (problem,) = problems
    assert problem.path == "bomb.md"
    assert "aliases are expanded" in str(problem) and len(str(problem)) < 200


def test_alias_bomb_in_a_rule_pack_is_one_line(tmp_path):
    from checker.rulepack import RulePackError, load_rulepack

    pack = write(tmp_path / "bomb.yaml", alias_bomb(8, field="kind"))
    with pytest.raises(RulePackError) as info:
        load_rulepack([pack])
    assert "aliases are expanded" in str(info.value) and len(str(info.value)) < 300


def test_a_huge_value_in_a_message_is_cut():
    # A wrong value that is big (but under the alias budget) is named, not printed whole.
    assert len(shorten(list(range(100_000)))) <= 60
    assert len(shorten("x" * 1_000_000)) <= 60
    assert shorten({"k": "v"}) == "{'k': 'v'}"


def test_wrong_kind_in_a_pack_is_a_short_line(tmp_path):
    from checker.rulepack import RulePackError, load_rulepack

    pack = write(tmp_path / "big.yaml", "kind: [" + ", ".join(["word"] * 5000) + "]\n")
    with pytest.raises(RulePackError) as info:
        load_rulepack([pack])
    assert "kind" in str(info.value) and len(str(info.value)) < 300


def test_wrong_date_type_in_front_matter_is_a_short_line(tmp_path):
    write(tmp_path / "a.md", "---\ndate: [" + ", ".join(["2024"] * 3000) + "]\n---\nText with 3 cats.\n")
    _, problems = load_sources([tmp_path], tmp_path)
    (problem,) = problems
    assert problem.path == "a.md" and "malformed date" in problem.reason and len(str(problem)) < 200


# ------------------------------------------------------------------ 3: one bad file, one line


@pytest.mark.parametrize("name, content, expected", [
    ("feb30.md", "---\ndate: 2024-02-30\n---\nThe board counted 7 votes.\n", "malformed date '2024-02-30'"),
    ("month13.md", "---\ndate: 2024-13-01\n---\nThe board counted 7 votes.\n", "malformed date '2024-13-01'"),
    ("deep.md", "---\ntitle: " + "[" * 3000 + "]" * 3000 + "\n---\nThe board counted 7 votes.\n",
     "nested more than"),
    ("deepmap.md", "---\n" + "".join("  " * i + f"k{i}:\n" for i in range(200)) + "---\nSeven votes.\n",
     "nested more than"),
    ("longint.md", "---\ntitle: " + "9" * 5000 + "\n---\nThe board counted 7 votes.\n", None),
])
def test_malformed_front_matter_costs_one_file(tmp_path, name, content, expected):
    write(tmp_path / name, content)
    write(tmp_path / "good.txt", GOOD)
    sources, problems = load_sources([tmp_path], tmp_path)
    assert "good.txt" in [s.id for s in sources]
    if expected is None:  # a 5,000-digit title is text, not a crash
        assert problems == [] and len([s for s in sources if s.id == name][0].title) == 5000
        return
    (problem,) = problems
    assert problem.path == name and expected in problem.reason
    assert "\n" not in str(problem)


def test_jsonl_huge_number_and_deep_nesting_cost_one_line_each(tmp_path):
    lines = [
        json.dumps({"text": "The port moved 30 ships.", "outlet": "A"}),
        '{"text": "The port moved 31 ships.", "views": ' + "7" * 5000 + "}",
        '{"text": "The port moved 32 ships.", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}",
        json.dumps({"text": "The port moved 33 ships.", "outlet": "B"}),
    ]
    write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    sources, problems = load_sources([tmp_path], tmp_path)
    assert [s.id for s in sources] == ["feed.jsonl#1", "feed.jsonl#4"]
    assert sorted(str(p) for p in problems) == ["feed.jsonl#2: malformed JSON: a number too long to read",
                                                "feed.jsonl#3: malformed JSON: nested too deeply"]
    assert all(str(p).count("\n") == 0 and len(str(p)) < 200 for p in problems)


def test_an_unforeseen_reader_error_costs_only_that_file(tmp_path, monkeypatch):
    import checker.sources as sources_mod

    real = sources_mod._parse_txt

    def explode(text, rel):
        if rel == "bad.txt":
            raise LookupError("a reader bug")
        return real(text, rel)

    monkeypatch.setattr(sources_mod, "_parse_txt", explode)
    write(tmp_path / "bad.txt", GOOD)
    write(tmp_path / "good.txt", GOOD)
    sources, problems = load_sources([tmp_path], tmp_path)
    assert [s.id for s in sources] == ["good.txt"]
    assert [str(p) for p in problems] == ["bad.txt: cannot read (LookupError: a reader bug); file skipped"]


def test_an_extraction_error_costs_only_that_source(tmp_path, monkeypatch, nlp):
    import checker.claims as claims_mod
    from checker.config import load_config
    from checker.pipeline import scan

    real = claims_mod.claims_from_doc

    def explode(doc, source, pack):
        if source.id == "bad.txt":
            raise ValueError("extractor bug")
        return real(doc, source, pack)

    monkeypatch.setattr(claims_mod, "claims_from_doc", explode)
    write(tmp_path / "a.txt", " date 2024-03-01\nThe council said 12 bridges were closed.\n")
    write(tmp_path / "bad.txt", " date 2024-03-02\nThe council said 14 bridges were closed.\n")
    write(tmp_path / "c.txt", " date 2024-03-03\nThe council said 15 bridges were closed.\n")
    cfg = load_config(tmp_path)
    result = scan(cfg, [str(tmp_path)])
    assert [str(p) for p in result.problems] == [
        "bad.txt: cannot extract claims (ValueError: extractor bug); source skipped"]
    assert {c.source_id for c in result.claims} == {"a.txt", "c.txt"}


# ------------------------------------------------------------------ 7: link loops


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_recursive_glob_reads_each_file_once_through_link_loops(tmp_path, monkeypatch):
    write(tmp_path / "a" / "one.txt", GOOD)
    write(tmp_path / "a" / "b" / "two.txt", GOOD)
    os.symlink(".", tmp_path / "a" / "self")
    os.symlink("..", tmp_path / "a" / "b" / "up")
    os.symlink(".", tmp_path / "loop")
    os.symlink("one.txt", tmp_path / "a" / "alias.txt")
    monkeypatch.chdir(tmp_path)
    errors: list = []
    found = iter_source_files(["**/*.txt", "a", "a/one.txt"], tmp_path, errors=errors)
    assert errors == []
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a/b/two.txt", "a/one.txt"]
    sources, problems = load_sources(["**/*.txt"], tmp_path)
    assert sorted(s.id for s in sources) == ["a/b/two.txt", "a/one.txt"] and problems == []


def test_recursive_glob_keeps_glob_semantics(tmp_path, monkeypatch):
    write(tmp_path / "x" / "y" / "deep.md", "Text with 4 dogs.\n")
    write(tmp_path / "x" / "top.txt", GOOD)
    write(tmp_path / "x" / ".hidden" / "h.txt", GOOD)
    write(tmp_path / "z.txt", GOOD)
    monkeypatch.chdir(tmp_path)
    rel = lambda ps: [p.relative_to(tmp_path).as_posix() for p in ps]  # noqa: E731
    assert rel(iter_source_files(["x/**/*.txt"], tmp_path)) == ["x/top.txt"]
    assert rel(iter_source_files(["**/*.md"], tmp_path)) == ["x/y/deep.md"]
    assert rel(iter_source_files(["x/**"], tmp_path)) == ["x/top.txt", "x/y/deep.md"]
    assert rel(iter_source_files([str(tmp_path / "**" / "[tz]*.txt")], tmp_path)) == ["x/top.txt", "z.txt"]


# ------------------------------------------------------------------ a small corpus with one conflict

A_TEXT = " date 2024-03-01\nIn the first phase, the group would release 35 hostages, officials said.\n"
B_TEXT = " date 2024-03-02\nIn the first phase, the group would release 20 hostages, the mediators said.\n"
ESC = "\x1b]0;pwned\x07\x1b[2J\u202e"


def conflict_corpus(root: Path, outlet_a: str = "Herald", sentence_tail: str = "") -> Path:
    write(root / "a.txt", A_TEXT.replace("officials said", "officials said" + sentence_tail))
    write(root / "b.txt", B_TEXT)
    write(root / "sources.csv", f'file,outlet\na.txt,"{outlet_a}"\nb.txt,Courier\n')
    return root


def assert_inert(text: str) -> None:
    for ch in ("\x1b", "\x07", "\r", "\u202e", "\x9b"):
        assert ch not in text, (ch, text[:300])


# ------------------------------------------------------------------ 4: CSV cells


def test_csv_every_cell_is_guarded_and_rows_do_not_split():
    import csv
    import io

    from checker.model import Claim, Decision, Flag, Quantity
    from checker.report import COLUMNS, flag_rows, to_csv

    def claim(source_id, outlet, sentence):
        q = Quantity(low=35.0, high=35.0, kind="exact", unit="hostage", surface="35", start=0, end=2)
        return Claim(source_id=source_id, quantity=q, sentence=sentence, line=2, col=1, counted="hostage",
                     event="release", outlet=outlet, published="2024-03-01", date="2024-03-01")

    payload = "=cmd|' /C calc'!A0"
    a = claim("a\r" + payload + ".txt", "Herald\r" + payload, "Fine text\x1b[2J with\r" + payload)
    b = claim("b.txt", "Courier\x85" + payload, "-2+3")
    flag = Flag(code="CK101", severity="high", metric="m", claims=[a, b], message="m", rule="numeric")
    decision = Decision(flag.id, "dismissed", "@reviewer", note="+note", time=payload)
    text = to_csv(flag_rows([flag], {flag.id: decision}))
    assert "\r" not in text and "\x1b" not in text and "\x85" not in text
    # Read the way a spreadsheet that takes a bare CR for a line break would.
    rows = list(csv.reader(io.StringIO(text, newline=None)))
    assert len(rows) == 2 and rows[0] == COLUMNS
    for cell in rows[1]:
        assert cell.lstrip()[:1] not in ("=", "+", "-", "@"), cell
    row = dict(zip(COLUMNS, rows[1]))
    assert row["decided_at"] == "'" + payload
    assert row["outlet_a"] == "Herald " + payload and row["quote_b"] == "'-2+3"


# ------------------------------------------------------------------ 8: terminal output


def test_escape_codes_never_reach_the_terminal(tmp_path, monkeypatch, capsys, nlp):
    from checker.cli import main

    conflict_corpus(tmp_path, outlet_a="Herald" + ESC, sentence_tail=" " + ESC)
    write(tmp_path / "evil\nchecker: error: forged.txt", "")  # an empty file with a newline in its name
    monkeypatch.chdir(tmp_path)

    assert main(["scan", "."]) == 0
    out, err = capsys.readouterr()
    assert_inert(out + err)
    warnings = [line for line in err.splitlines() if line.strip()]
    assert len(warnings) == 1 and "evil\\x0achecker: error: forged.txt: empty file" in warnings[0]

    for argv in (["claims", "a.txt"], ["claims", "a.txt", "--format", "json"], ["flags"],
                 ["flags", "--format", "json"], ["flags", "--format", "csv"], ["report", "--format", "md"],
                 ["report", "--format", "json"]):
        assert main(argv) == 0, argv
        out, err = capsys.readouterr()
        assert_inert(out + err)
        assert "pwned" in out, argv  # shown, as text
    assert main(["claims", "--format", "json", "a.txt"]) == 0
    claims = json.loads(capsys.readouterr().out)
    assert ESC in claims[0]["sentence"]  # JSON keeps the exact text, escaped

    assert main(["check", "a.txt"]) == 1
    out, err = capsys.readouterr()
    assert_inert(out + err)
    lines = out.splitlines()
    # one flag line, then only checker's own lines (summary and the hint)
    assert lines[0].startswith("a.txt:2:") and all(line.startswith("checker:") for line in lines[1:])


def test_printable_shows_controls_as_escapes():
    assert printable("a\x1b[31mb\rc\nd\te\u202ef") == "a\\x1b[31mb\\x0dc\\x0ad e\\u202ef"
    assert printable("line one\nline two", keep_newlines=True) == "line one\nline two"
    assert printable("plain é 人") == "plain é 人"


# ------------------------------------------------------------------ 9-11: the cache


def a_source(text: str = "The port moved 30 ships."):
    from checker.model import Source

    return Source(id="a.txt", path="a.txt", text=text, content_hash=str(hash(text)))


def test_a_locked_cache_is_waited_for_not_moved_aside(tmp_path, monkeypatch, capsys):
    import sqlite3
    import threading

    import checker.store as store_mod
    from checker.store import Store

    path = tmp_path / ".checker" / "cache.sqlite"
    first = Store(path)
    first.put_source(a_source())
    first.commit()
    first.close()
    # Another process holds an exclusive lock (rollback journal, so readers wait too).
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT", 0.05)
    seen: list = []

    def open_and_read():  # SQLite connections stay in the thread that made them
        store = Store(path)
        seen.append((store.get_source("a.txt") is not None, store.rebuilt))
        store.close()

    worker = threading.Thread(target=open_and_read)
    worker.start()
    worker.join(0.6)
    assert worker.is_alive(), "the second opener should be waiting"
    holder.execute("COMMIT")
    holder.close()
    worker.join(30)
    assert seen == [(True, None)]
    err = capsys.readouterr().err
    assert "waiting for another checker process" in err and "rebuilding" not in err
    assert not list(path.parent.glob("*.damaged"))


def test_a_second_writer_waits_for_the_first(tmp_path, capsys):
    import threading

    from checker.store import Store

    path = tmp_path / ".checker" / "cache.sqlite"
    first = Store(path)
    first.put_source(a_source("one"))  # a scan in progress: writing, not yet committed
    done: list = []

    def write_second():
        second = Store(path)
        second.put_source(a_source("two"))
        second.commit()
        second.close()
        done.append(True)

    worker = threading.Thread(target=write_second)
    worker.start()
    worker.join(0.5)
    assert not done, "the second writer must wait for the first to finish"
    first.commit()
    first.close()
    worker.join(30)
    assert done
    assert "waiting for another checker process to finish writing" in capsys.readouterr().err
    third = Store(path)
    assert third.get_source("a.txt").text == "two"
    third.close()


def test_parallel_scans_all_succeed(tmp_path):
    import subprocess

    conflict_corpus(tmp_path)
    exe = [sys.executable, "-m", "checker.cli"]
    procs = [subprocess.Popen(exe + ["scan", ".", "--format", "json"], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(p.wait(300), *p.communicate()) for p in procs]
    for code, out, err in results:
        assert code == 0, err
        assert "Traceback" not in err and "rebuilding" not in err
        assert json.loads(out)["flags"] == 1
    # Queued scans read the cache after the first one stored it: the articles are parsed once.
    assert sum(json.loads(out)["parsed"] for _, out, _ in results) == 2
    assert not list((tmp_path / ".checker").glob("*.damaged"))


def test_read_only_cache_serves_reads_and_refuses_writes_in_one_line(tmp_path, monkeypatch, capsys, nlp):
    from checker.cli import main

    conflict_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "."]) == 0
    capsys.readouterr()
    cache = (tmp_path / ".checker").resolve()
    real_access = os.access
    # As root every file is writable, so the read-only cache is the permission answer, not chmod.
    monkeypatch.setattr(os, "access", lambda p, mode, **k: False if (
        mode & os.W_OK and Path(p).resolve().is_relative_to(cache)) else real_access(p, mode, **k))
    assert main(["flags", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)) == 1 and err == ""
    write(tmp_path / "c.txt", "In the first phase, the group would release 30 hostages.\n")
    assert main(["scan", "."]) == 2
    out, err = capsys.readouterr()
    (line,) = err.strip().splitlines()
    assert line.startswith("checker: error:") and "read-only" in line and "rebuilding" not in line


def test_disk_full_is_one_line(tmp_path):
    from checker.store import Store

    store = Store(tmp_path / "cache.sqlite")
    try:
        store.db.execute("PRAGMA max_page_count = %d" % store.db.execute("PRAGMA page_count").fetchone()[0])
        with pytest.raises(UserError, match="disk full while writing the cache"):
            store.put_source(a_source("x" * 200_000))
    finally:
        store.close()


def test_flags_after_cache_damage_say_a_scan_is_needed(tmp_path, monkeypatch, capsys, nlp):
    from checker.cli import main

    conflict_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "."]) == 0
    cache = tmp_path / ".checker" / "cache.sqlite"
    for extra in ("-wal", "-shm"):
        Path(str(cache) + extra).unlink(missing_ok=True)
    cache.write_bytes(b"SQLite format 3\x00" + b"\xab" * 8192)
    capsys.readouterr()
    for argv in (["flags"], ["report"], ["flags"]):  # the second read still says so
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "rebuilt" in err and "run 'checker scan'" in err
    assert main(["scan", "."]) == 0
    capsys.readouterr()
    assert main(["flags", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1


# ------------------------------------------------------------------ 12-14


@pytest.mark.parametrize("toml, expected", [
    ("rules = 5\n", "configuration key 'rules' must be a list of paths (text), not a whole number"),
    ("rules = ['a', 2]\n", "configuration key 'rules' must be a list of paths (text); one item is a whole number"),
    ("sources = {a = 1}\n", "configuration key 'sources' must be a list of paths (text), not a table"),
    ("model = 5\n", "configuration key 'model' must be a string, not a whole number"),
    ("cache = []\n", "configuration key 'cache' must be a string, not a list"),
    ("tool = 5\n", "configuration key 'tool' must be a table, not a whole number"),
])
def test_wrong_configuration_types_name_the_key_and_type(tmp_path, monkeypatch, capsys, toml, expected):
    from checker.cli import main

    (tmp_path / "checker.toml").write_text(toml)
    monkeypatch.chdir(tmp_path)
    assert main(["flags"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("checker: error:") and line.endswith(expected), line


def test_unreadable_sub_folder_is_a_warning(tmp_path, monkeypatch):
    write(tmp_path / "open" / "a.txt", GOOD)
    locked = tmp_path / "locked"
    write(locked / "b.txt", GOOD)
    real_scandir = os.scandir

    def deny(path="."):
        if Path(path) == locked:  # as root, chmod would not stop the walk
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", deny)
    for paths in ([tmp_path], [str(tmp_path / "**" / "*.txt")]):
        sources, problems = load_sources(paths, tmp_path)
        assert [s.id for s in sources] == ["open/a.txt"]
        assert [str(p) for p in problems] == ["locked: cannot read folder (Permission denied); files in it are skipped"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every folder")
def test_unreadable_sub_folder_by_permission(tmp_path):
    write(tmp_path / "open" / "a.txt", GOOD)
    write(tmp_path / "locked" / "b.txt", GOOD)
    (tmp_path / "locked").chmod(0)
    try:
        sources, problems = load_sources([tmp_path], tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert [s.id for s in sources] == ["open/a.txt"]
    assert [p.path for p in problems] == ["locked"]


def test_report_never_overwrites_the_ledger_or_a_source(tmp_path, monkeypatch, capsys, nlp):
    from checker.cli import main

    conflict_corpus(tmp_path)
    ledger = write(tmp_path / "reports" / "decisions.jsonl", '{"flag_id": "x", "status": "dismissed"}\n')
    before = ledger.read_bytes()
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "."]) == 0
    capsys.readouterr()
    os.symlink("decisions.jsonl", tmp_path / "reports" / "link.jsonl")
    for argv in (["report", "--out", "reports/decisions.jsonl"], ["report", "--out", "reports/link.jsonl"],
                 ["report", "--out", ".checker/cache.sqlite"], ["report", "--out", "a.txt"],
                 ["scan", ".", "--report", "b.txt"], ["scan", ".", "--report", "reports/decisions.jsonl"]):
        assert main(argv) == 2, argv
        (line,) = capsys.readouterr().err.strip().splitlines()
        assert "refusing to write a report over" in line, line
    assert ledger.read_bytes() == before
    assert (tmp_path / "a.txt").read_text().startswith(" date 2024-03-01")
    assert (tmp_path / "b.txt").read_text() == B_TEXT
    assert main(["report", "--out", "reports/flags.csv"]) == 0
    assert (tmp_path / "reports" / "flags.csv").is_file()


# ------------------------------------------------------------------ 15: catastrophic patterns


CATASTROPHIC = "(a+)+$"  # exponential in Python's re on "aaaa…!"


def test_a_catastrophic_pattern_runs_in_linear_time():
    pattern = compile_pattern(CATASTROPHIC)
    # 100,000 characters: Python's re would need about 2**100000 steps here.
    assert pattern.search("a" * 100_000 + "!") is None
    assert pattern.search("x aaa") is not None


@pytest.mark.parametrize("kind, body", [
    ("scopes", "scopes:\n  evil: ['{p}']\n"),
    ("metrics", "metrics:\n  - name: evil\n    counted: [hostage]\n    over_time: snapshot\n    unit: count\n"
                "    cues: ['{p}']\n"),
    ("rules", "authorities:\n  official: ['{p}']\n"),
])
def test_catastrophic_patterns_in_every_pack_kind_cannot_hang_a_scan(tmp_path, monkeypatch, kind, body, nlp):
    from checker.config import load_config
    from checker.pipeline import scan

    pack = write(tmp_path / "rules" / "evil.yaml", f"kind: {kind}\n" + body.format(p=CATASTROPHIC))
    (tmp_path / "checker.toml").write_text(f"rules = ['{pack.parent.name}']\n")
    # The sentence, and the attribution in it, feed the pattern many a's and then no end of string.
    write(tmp_path / "a.txt", "According to " + "a" * 3000 + "!, 12 hostages were freed in the first phase.\n")
    result = scan(load_config(tmp_path), [str(tmp_path / "a.txt")])
    assert result.problems == [] and result.claims


@pytest.mark.parametrize("pattern, reason", [
    (r"(?<=first )phase", "lookaround"),
    (r"(\w+) \1", "backreferences"),
    (r"(unclosed", "bad regular expression"),
])
def test_patterns_that_need_backtracking_are_refused_on_load(tmp_path, pattern, reason):
    from checker.rulepack import RulePackError, load_rulepack

    pack = write(tmp_path / "p.yaml", "kind: scopes\nscopes:\n  bad: ['" + pattern + "']\n")
    with pytest.raises(RulePackError) as info:
        load_rulepack([pack])
    assert "scopes.bad[0]" in str(info.value) and reason in str(info.value)


def test_built_in_patterns_mean_what_they_meant_under_re(pack):
    import re

    import checker.engine  # noqa: F401 - registers the metrics and rules loaders

    patterns = [p.pattern for ps in pack.scopes.values() for p in ps]
    patterns += [p.pattern for m in pack.metrics for p in (*m.cues, *m.not_cues)]
    patterns += [p for ps in pack.rules.get("authorities", {}).values() for p in ps]
    assert len(patterns) > 40
    texts = ["In the first phase, 33 hostages would be freed.", "the Phase One deal", "killed in the Gaza Strip",
             "so far\u00a0this year", "a daily four-hour pause", "Oct. 7 attack", "7 October", "according to Hamas",
             "the first-phase talks", "Médecins said 4 died in Gaza.", "remaining captives still held"]
    for p in patterns:
        ours, theirs = compile_pattern(p), re.compile(p, re.IGNORECASE)
        for t in texts:
            assert bool(ours.search(t)) == bool(theirs.search(t)), (p, t)


def test_unicode_classes_follow_python():
    assert compile_pattern(r"first\sphase").search("first\u00a0phase")  # no-break space
    assert compile_pattern(r"\d+ killed").search("٣ killed")  # Arabic-Indic digit
    assert compile_pattern(r"^\w+$").search("Zoë")
    assert not compile_pattern(r"\bwar\b").search("warfare")


# ------------------------------------------------------------------ all of it at once


def test_a_folder_of_hostile_files_costs_one_line_each_and_leaves_the_good_flags_alone(
        tmp_path, monkeypatch, capsys, nlp):
    from checker.cli import main

    def flags_of(root: Path) -> tuple[list[str], list[dict]]:
        monkeypatch.chdir(root)
        assert main(["scan", "."]) == 0
        err = capsys.readouterr().err
        assert main(["flags", "--format", "json"]) == 0
        return [line for line in err.splitlines() if line.strip()], json.loads(capsys.readouterr().out)

    clean_lines, clean_flags = flags_of(conflict_corpus(tmp_path / "clean"))
    assert clean_lines == [] and len(clean_flags) == 1

    root = conflict_corpus(tmp_path / "hostile")
    bad = {
        "bomb.md": "---\n" + alias_bomb(8) + "---\nThe mayor said 40 homes flooded.\n",
        "feb30.md": "---\ndate: 2024-02-30\n---\nThe board counted 7 votes.\n",
        "month13.md": "---\ndate: 2024-13-01\n---\nThe board counted 7 votes.\n",
        "deep.md": "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\nThe board counted 7 votes.\n",
        "digits.jsonl": '{"text": "The port moved 31 ships.", "views": ' + "7" * 5000 + "}\n",
        "nested.jsonl": '{"text": "The port moved 32 ships.", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
        "evil\x1b]0;pwned\x07\nchecker: error: forged.txt": "",
        "locked/inside.txt": GOOD,
    }
    for name, content in bad.items():
        write(root / name, content)
    if os.name == "posix":
        os.symlink(".", root / "self")
        os.symlink("a.txt", root / "copy-of-a.txt")
    real_scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path=".": (_ for _ in ()).throw(
        PermissionError(13, "Permission denied", str(path))) if Path(path).name == "locked" else real_scandir(path))

    lines, hostile_flags = flags_of(root)
    assert_inert("\n".join(lines))
    assert len(lines) == len(bad), "\n".join(lines)
    expected = {"bomb.md", "feb30.md", "month13.md", "deep.md", "digits.jsonl#1", "nested.jsonl#1",
                "evil\\x1b]0;pwned\\x07\\x0achecker: error: forged.txt", "locked"}
    for name in expected:
        assert sum(line.startswith(f"checker: warning: {name}: ") for line in lines) == 1, (name, lines)
    assert [f["flag_id"] for f in hostile_flags] == [f["flag_id"] for f in clean_flags]
    assert hostile_flags == clean_flags


def test_a_big_wrong_value_in_a_pack_is_named_not_repeated(tmp_path):
    from checker.rulepack import RulePackError, load_rulepack

    pack = write(tmp_path / "m.yaml", "kind: metrics\nmetrics:\n  - name: m\n    counted: [x]\n    over_time: ["
                 + ", ".join(["term"] * 10_000) + "]\n")
    with pytest.raises(RulePackError) as info:
        load_rulepack([pack])
    assert "metrics.m.over_time" in str(info.value) and len(str(info.value)) < 600
