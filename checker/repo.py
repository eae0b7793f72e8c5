"""Setting up a corpus repository: `checker init`, and the same on the first scan.

Two reviewers who decide flags on two branches both append to the ledger; git
merges such files line by line only when `.gitattributes` marks the ledger
`merge=union`, otherwise every such merge is a conflict in the only copy of
human work. So `checker init` (and any scan in a git repository that lacks it)
writes that line, keeps the writers' lock file out of git, and gives a corpus
without configuration a `[tool.checker]` table naming its sources.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from .config import Config, _find_config
from .errors import UserError


def git_top(folder: Path) -> Path | None:
    """The work tree's top folder, or None outside git (or without git)."""
    try:
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True,
                              text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    out = proc.stdout.strip()
    return Path(out) if proc.returncode == 0 and out else None


def _relative(path: Path, top: Path) -> str | None:
    try:
        return path.resolve().relative_to(top.resolve()).as_posix()
    except (ValueError, OSError):
        return None


def _add_line(file: Path, line: str, present) -> bool:
    """Append `line` unless a line for which `present(line)` holds is there already."""
    try:
        text = file.read_text(encoding="utf-8") if file.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{file}: cannot read ({exc})") from None
    if any(present(x.strip()) for x in text.splitlines()):
        return False
    sep = "" if not text or text.endswith("\n") else "\n"
    try:
        with open(file, "a", encoding="utf-8") as fh:
            fh.write(f"{sep}{line}\n")
    except OSError as exc:
        raise UserError(f"{file}: cannot write ({exc.strerror or exc})") from None
    return True


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def config_table(sources: list[str], ledger: str) -> str:
    items = ", ".join(_toml_string(s) for s in sources)
    return (
        "[tool.checker]\n"
        f"sources = [{items}]  # the articles: what 'checker scan' reads and the hook checks\n"
        f"ledger = {_toml_string(ledger)}  # review decisions; merged by git with merge=union\n"
    )


def setup_repository(cfg: Config, sources: list[str] | None = None, *, write_config: bool = True) -> list[str]:
    """Make the corpus at `cfg.root` ready for shared review; returns what was
    done, one sentence each (nothing when all was in place)."""
    done: list[str] = []
    root = cfg.root
    if write_config and _find_config(root) is None:
        rel_sources = []
        for s in sources or []:
            p = Path(s)
            rel = _relative(p if p.is_absolute() else Path.cwd() / p, root)
            if rel is None:
                rel_sources = []
                break
            rel_sources.append(rel or ".")
        if not rel_sources and not sources:
            rel_sources = ["articles"] if (root / "articles").is_dir() else ["."]
        if rel_sources:
            ledger = _relative(cfg.ledger, root) or str(cfg.ledger)
            pyproject = root / "pyproject.toml"
            existing = pyproject.read_text(encoding="utf-8") if pyproject.exists() else ""
            sep = "\n" if existing and not existing.endswith("\n\n") else ""
            if existing and not existing.endswith("\n"):
                sep = "\n\n"
            try:
                with open(pyproject, "a", encoding="utf-8") as fh:
                    fh.write(sep + config_table(rel_sources, ledger))
            except OSError as exc:
                raise UserError(f"{pyproject}: cannot write ({exc.strerror or exc})") from None
            done.append(f"wrote [tool.checker] to {pyproject.name} (sources: {', '.join(rel_sources)})")
    top = git_top(root)
    if top is None:
        return done
    ledger_rel = _relative(cfg.ledger, top)
    if ledger_rel is None:
        return done
    attributes = top / ".gitattributes"
    if _add_line(attributes, f"{ledger_rel} merge=union",
                 lambda x: x.split()[:1] == [ledger_rel] and "merge=union" in x.split()[1:]):
        done.append(f"marked {ledger_rel} merge=union in .gitattributes (two reviewers' decisions merge "
                    "without conflict); commit .gitattributes")
    ignore = top / ".gitignore"
    lock = f"{ledger_rel}.lock"
    if _add_line(ignore, lock, lambda x: x in (lock, "*.lock", "/" + lock)):
        done.append(f"added {lock} to .gitignore")
    return done


def ensure_on_scan(cfg: Config, paths: list[str] | None) -> list[str]:
    """The first scan in a git repository sets it up as `checker init` would;
    outside git nothing is written (a scan of a folder is not a project)."""
    top = git_top(cfg.root)
    if top is None or top.resolve() != cfg.root.resolve():
        return []
    return setup_repository(cfg, paths)
