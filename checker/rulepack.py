"""Rule packs: YAML files in `rules/` that hold the domain knowledge.

Each file declares its `kind` (aliases, scopes, metrics, rules) and is loaded
with the safe loader and validated, so a bad pack fails with one line naming
the file and the key. Packs from the corpus (`[tool.checker] rules = [...]`)
are merged over the built-in ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
import importlib.util
from pathlib import Path
from typing import Any

import yaml

from .errors import UserError
from .untrusted import PatternError, compile_pattern, load_yaml, shorten

KINDS = ("aliases", "scopes", "metrics", "rules", "lexicon")


class RulePackError(UserError):
    def __init__(self, path: str, key: str, problem: str):
        # Keys and values come from the pack: a message names them, never repeats them whole.
        super().__init__(f"{path}: {shorten(key, 120)}: {shorten(problem, 300)}")


@dataclass
class RulePack:
    aliases: dict[str, str] = field(default_factory=dict)  # variant (lower) -> canonical
    scopes: dict[str, list[Any]] = field(default_factory=dict)  # name -> SafePattern (RE2)
    metrics: list[Any] = field(default_factory=list)
    rules: dict[str, Any] = field(default_factory=dict)  # rule code -> settings
    lexicon: "Lexicon" = field(default_factory=lambda: Lexicon())
    files: list[str] = field(default_factory=list)
    _alias_re: re.Pattern | None = None

    def canonical(self, name: str) -> str:
        """The canonical name for an entity mention ("IDF" -> "Israel Defense Forces")."""
        key = re.sub(r"\s+", " ", name.strip()).lower()
        key = re.sub(r"^the\s+", "", key)
        return self.aliases.get(key, re.sub(r"^[Tt]he\s+", "", name.strip()))

    def normalize_text(self, text: str) -> str:
        """Replace every alias inside a phrase, longest first ("an IDF spokesman"
        -> "an Israel Defense Forces spokesman")."""
        if not self.aliases:
            return text
        if self._alias_re is None:
            variants = sorted(self.aliases, key=len, reverse=True)
            self._alias_re = re.compile(
                r"(?<!\w)(" + "|".join(re.escape(v) for v in variants) + r")(?!\w)", re.IGNORECASE
            )
        return self._alias_re.sub(lambda m: self.aliases[m.group(1).lower()], text)


def _builtin_dir() -> Path:
    """The packaged copy of `rules/` (installed as the data-only package
    checker.builtin_rules; in a source checkout, the `rules/` folder)."""
    spec = importlib.util.find_spec("checker.builtin_rules")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if Path(location).is_dir():
                return Path(location)
    return Path(__file__).resolve().parent.parent / "rules"


def _read_yaml(path: Path) -> dict:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise RulePackError(str(path), "(file)", "not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise RulePackError(str(path), where, f"malformed YAML ({getattr(exc, 'problem', None) or shorten(exc, 100)})") from None
    except OSError as exc:
        raise RulePackError(str(path), "(file)", f"cannot read ({exc.strerror})") from None
    if not isinstance(data, dict):
        raise RulePackError(str(path), "(top level)", "must be a mapping with a 'kind' key")
    kind = data.get("kind")
    if kind not in KINDS:
        raise RulePackError(str(path), "kind", f"must be one of {', '.join(KINDS)}, not {shorten(repr(kind) if isinstance(kind, str) else kind)}")
    return data


def _add_aliases(pack: RulePack, path: str, data: dict) -> None:
    table = data.get("aliases")
    if not isinstance(table, dict):
        raise RulePackError(path, "aliases", "must map a canonical name to a list of variants")
    for canonical, variants in table.items():
        if not isinstance(canonical, str) or not isinstance(variants, list) or not all(
            isinstance(v, str) and v.strip() for v in variants
        ):
            raise RulePackError(path, f"aliases.{canonical}", "must be a list of non-empty strings")
        pack.aliases[canonical.lower()] = canonical
        for v in variants:
            pack.aliases[v.strip().lower()] = canonical


def _add_scopes(pack: RulePack, path: str, data: dict) -> None:
    table = data.get("scopes")
    if not isinstance(table, dict):
        raise RulePackError(path, "scopes", "must map a scope name to a list of regular expressions")
    for name, patterns in table.items():
        if not isinstance(patterns, list) or not patterns:
            raise RulePackError(path, f"scopes.{name}", "must be a non-empty list of patterns")
        compiled = []
        for i, p in enumerate(patterns):
            try:
                compiled.append(compile_pattern(str(p)))
            except PatternError as exc:
                raise RulePackError(path, f"scopes.{shorten(name)}[{i}]", str(exc)) from None
        pack.scopes[str(name)] = compiled


BEHAVIOURS = ("fixed", "cumulative", "snapshot", "term")


@dataclass
class Measure:
    name: str
    behaviour: str
    window_days: float = 2.0
    by_counted: bool = False  # what is counted keeps facts apart (hostages vs prisoners released)
    needs_owner: bool = False  # meaningless without whose it is (an age)
    families: frozenset[str] = frozenset()  # kinds of quantity it can be (align.coarse_family); empty: any


@dataclass
class Lexicon:
    """The general news lexicon (rules/lexicon.yaml): words that name a
    measure, cue a role or a modality. Single words are matched on lemmas,
    phrases on the lower-cased text around a figure."""

    measures: dict[str, Measure] = field(default_factory=dict)
    measure_words: dict[str, str] = field(default_factory=dict)  # lemma -> measure
    measure_phrases: dict[str, str] = field(default_factory=dict)  # "take hostage" -> measure
    measure_units: dict[str, str] = field(default_factory=dict)  # unit -> measure
    people_nouns: frozenset[str] = frozenset()
    counted_class: dict[str, str] = field(default_factory=dict)  # word -> its class's first word
    roles: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # role -> before/after -> phrases
    modality_words: dict[str, str] = field(default_factory=dict)
    modality_phrases: dict[str, str] = field(default_factory=dict)
    term_modalities: frozenset[str] = frozenset()
    modality_rank: dict[str, int] = field(default_factory=dict)  # which modality wins when several govern a figure

    def behaviour(self, measure: str) -> Measure | None:
        return self.measures.get(measure)


def _words(path: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RulePackError(path, key, "must be a list of non-empty strings")
    return [v.strip().lower() for v in value]


def _add_lexicon(pack: RulePack, path: str, data: dict) -> None:
    lex = pack.lexicon
    measures = data.get("measures", {}) or {}
    if not isinstance(measures, dict):
        raise RulePackError(path, "measures", "must map a measure name to its words and behaviour")
    for name, spec in measures.items():
        key = f"measures.{name}"
        if not isinstance(spec, dict):
            raise RulePackError(path, key, "must be a mapping with 'words' and 'behaviour'")
        behaviour = spec.get("behaviour", "fixed")
        if behaviour not in BEHAVIOURS:
            raise RulePackError(path, f"{key}.behaviour", f"must be one of {', '.join(BEHAVIOURS)}, not {str(behaviour)[:40]!r}")
        window = spec.get("window_days", 2)
        if isinstance(window, bool) or not isinstance(window, (int, float)) or window < 0:
            raise RulePackError(path, f"{key}.window_days", "must be a number of days, 0 or more")
        lex.measures[str(name)] = Measure(str(name), behaviour, float(window), bool(spec.get("by_counted", False)),
                                          bool(spec.get("needs_owner", False)),
                                          frozenset(_words(path, f"{key}.families", spec.get("families", []))))
        for w in _words(path, f"{key}.words", spec.get("words", [])):
            (lex.measure_phrases if " " in w else lex.measure_words)[w] = str(name)
        for u in _words(path, f"{key}.units", spec.get("units", [])):
            lex.measure_units[u] = str(name)
    classes = data.get("counted_classes", []) or []
    if not isinstance(classes, list):
        raise RulePackError(path, "counted_classes", "must be a list of word lists")
    for i, words in enumerate(classes):
        words = _words(path, f"counted_classes[{i}]", words)
        for w in words:
            lex.counted_class[w] = words[0]
    if "people_nouns" in data:
        lex.people_nouns = lex.people_nouns | frozenset(_words(path, "people_nouns", data["people_nouns"]))
    roles = data.get("roles", {}) or {}
    if not isinstance(roles, dict):
        raise RulePackError(path, "roles", "must map a role to 'before'/'after' phrase lists")
    for role, spec in roles.items():
        if not isinstance(spec, dict) or not set(spec) <= {"before", "after", "families"}:
            raise RulePackError(path, f"roles.{role}", "must have 'before' and/or 'after' lists (and optionally 'families')")
        lex.roles[str(role)] = {side: tuple(_words(path, f"roles.{role}.{side}", spec.get(side, [])))
                                for side in ("before", "after", "families")}
    modalities = data.get("modalities", {}) or {}
    if not isinstance(modalities, dict):
        raise RulePackError(path, "modalities", "must map a modality to its words")
    for name, words in modalities.items():
        for w in _words(path, f"modalities.{name}", words):
            (lex.modality_phrases if " " in w else lex.modality_words)[w] = str(name)
    if "modality_priority" in data:
        lex.modality_rank = {m: i for i, m in enumerate(_words(path, "modality_priority", data["modality_priority"]))}
    if "term_modalities" in data:
        lex.term_modalities = frozenset(_words(path, "term_modalities", data["term_modalities"]))


# Other kinds register their loaders here (the engine adds metrics and rules).
LOADERS = {"aliases": _add_aliases, "scopes": _add_scopes, "lexicon": _add_lexicon}


def pack_files(extra: list[str | Path] | None = None) -> list[Path]:
    files = sorted(_builtin_dir().glob("*.yaml"))
    if not files:
        # Without the built-in packs every comparison would silently find nothing.
        raise UserError(f"built-in rule packs missing from {_builtin_dir()}; reinstall checker")
    for item in extra or []:
        p = Path(item)
        if p.is_dir():
            files.extend(sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml")))
        elif p.is_file():
            files.append(p)
        else:
            raise UserError(f"{p}: rule pack not found")
    return files


def load_rulepack(extra: list[str | Path] | None = None) -> RulePack:
    """Built-in packs, then the corpus's own; later files extend or override."""
    return _load(tuple(str(p) for p in pack_files(extra)))


@lru_cache(maxsize=8)
def _load(files: tuple[str, ...]) -> RulePack:
    pack = RulePack(files=list(files))
    for f in files:
        data = _read_yaml(Path(f))
        loader = LOADERS.get(data["kind"])
        if loader is None:
            # Importing the engine registers the metric and rule loaders.
            from . import engine  # noqa: F401

            loader = LOADERS.get(data["kind"])
        if loader is None:
            raise RulePackError(f, "kind", f"no loader for {data['kind']!r}")
        loader(pack, f, data)
    return pack
