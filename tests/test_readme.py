"""Every command in the README's console blocks runs, as written, in a copy of
a fresh clone's files, and exits as the README says.

The commands run in-process (the spaCy pipeline is loaded once per session);
a pipe from `echo` becomes stdin and `> FILE` a file. Two exceptions, both
for time or interaction, not for correctness: `checker review` opens the
terminal UI (tests/test_tui.py drives it) and is only parsed, and `bench`
builds 3 documents instead of 200.
"""
from __future__ import annotations

import io
import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest

from checker.cli import build_parser, main

REPO = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^\$ (?P<command>.*?)(?:\s{2,}#\s*(?P<comment>.*))?$")


def readme_commands() -> list[tuple[str, str, str]]:
    """(command, comment, the output line shown under it or "") for every
    `$ ` line of the README's console blocks, in order."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        lines = block.splitlines()
        for n, line in enumerate(lines):
            m = LINE.match(line)
            if not m:
                continue
            after = lines[n + 1] if n + 1 < len(lines) and not lines[n + 1].startswith("$ ") else ""
            found.append((m["command"].strip(), m["comment"] or "", after))
    return found


@pytest.fixture
def fresh_clone(tmp_path: Path, monkeypatch) -> Path:
    """The files a clone brings that the examples read (no cache, no ledger)."""
    root = tmp_path / "clone"
    root.mkdir()
    for folder in ("seeds", "examples"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    monkeypatch.chdir(root)
    return root


def test_readme_has_the_examples():
    commands = [c for c, _, _ in readme_commands()]
    assert len(commands) >= 10
    for name in ("scan", "claims", "quantities", "flags", "report", "review", "check", "bench", "eval"):
        assert any(c.split("|")[-1].split()[:2] == ["checker", name] for c in commands), name


def test_every_readme_example_runs(fresh_clone: Path, nlp, monkeypatch, capsys):
    ran = []
    for command, comment, shown in readme_commands():
        stdin = None
        if "|" in command:
            left, command = (part.strip() for part in command.split("|", 1))
            echo = shlex.split(left)
            assert echo[0] == "echo", left
            stdin = " ".join(echo[1:]) + "\n"
        out_file = None
        if ">" in command:
            command, out_file = (part.strip() for part in command.split(">", 1))
        argv = shlex.split(command)
        assert argv[0] == "checker", command
        args = argv[1:]
        if args[0] == "review":
            build_parser().parse_args(args)  # interactive: only check that it parses
            continue
        if args[0] == "bench":
            args = ["3" if a == "200" and args[n - 1] == "--docs" else a for n, a in enumerate(args)]
        # The "docs" path of every file argument exists in the clone.
        for a in args:
            if "/" in a and not a.startswith("reports/") and not a.endswith((".md", ".xlsx", ".csv")):
                assert (fresh_clone / a).exists(), f"README names {a}, which a clone does not have"
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
        code = main(args)
        out, err = capsys.readouterr()
        expected = 1 if "exit 1" in comment else 0
        assert code == expected, f"{command}: exit {code}, expected {expected}\n{err}"
        assert "Traceback" not in err and "internal error" not in err, f"{command}: {err}"
        if out_file:
            (fresh_clone / out_file).write_text(out, encoding="utf-8")
        if shown and not shown.startswith("$"):
            prefix = shown.split(", ...")[0]
            assert out.startswith(prefix), f"{command}: README shows {shown!r}, got {out[:200]!r}"
        ran.append(args[0])
    assert (fresh_clone / "reports" / "seeds.csv").is_file()
    assert (fresh_clone / "reports" / "seeds.md").is_file()
    assert (fresh_clone / "flags.xlsx").read_bytes()[:2] == b"PK"
    assert "check" in ran and "eval" in ran and "quantities" in ran
