"""Rule packs: YAML files in `rules/` that hold the domain knowledge.

Each file declares its `kind` (aliases, scopes, metrics, rules) and is loaded
with the safe loader and validated, so a bad pack fails with one line naming
the file and the key. Packs from the corpus (`[tool.checker] rules = [...]`)
are merged over the built-in ones.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import UserError
from .model import SEVERITIES, Claim
from .units import FAMILIES
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


# Parsed pack texts by their sha1, as JSON text: kept between processes by the
# caller (pipeline.load_pack keeps them beside the cache), because parsing the
# YAML costs more than a pre-commit check's comparison. Only data that comes
# back from JSON unchanged is kept.
PARSED: dict[str, str] = {}


def _parse(text: str):
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
    kept = PARSED.get(digest)
    if kept is not None:
        try:
            return json.loads(kept)
        except ValueError:
            pass
    data = load_yaml(text)
    try:
        dumped = json.dumps(data)
        if json.loads(dumped) == data:
            PARSED[digest] = dumped
    except (TypeError, ValueError):
        pass  # dates and the like: parsed every time
    return data


def _read_yaml(path: Path) -> dict:
    try:
        data = _parse(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise RulePackError(str(path), "(file)", "not UTF-8 text") from None
    except OSError as exc:
        raise RulePackError(str(path), "(file)", f"cannot read ({exc.strerror})") from None
    except Exception as exc:
        import yaml  # only here: packs are mostly read from their parsed copy, and PyYAML takes 10 ms to import

        if not isinstance(exc, yaml.YAMLError):
            raise
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise RulePackError(str(path), where, f"malformed YAML ({getattr(exc, 'problem', None) or shorten(exc, 100)})") from None
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
    values: tuple[float, float] | None = None  # plausible values ("a magnitude of 50,000" is none)
    per_event: bool = False  # each figure is one occasion's (a day's release): facts split by date
    of_people: bool = False  # counts people: a figure counting things ("two bridges") is not it
    moves_within_a_day: bool = False  # changes by the hour (a storm's winds): same-day figures may differ
    includes: frozenset[str] = frozenset()  # measures it contains ("damaged or destroyed" counts the damaged)
    tolerance: float = 0.0  # relative slack the measurement itself carries (two agencies' distances to a city)
    of_the_event: bool = False  # a property of the event itself (a quake's magnitude): a place named beside it is no owner
    owned_by_a_thing: bool = False  # belongs to a thing (those aboard a ship): a place named beside it is no owner
    kept_apart: frozenset[str] = frozenset()  # counted words naming another thing measured alike (an aftershock)
    at_a_moment: frozenset[str] = frozenset()  # words tying an hourly figure to the event's one moment (landfall)
    its_people: frozenset[str] = frozenset()  # nouns for the people it counts ("hostages" are held captive)


@dataclass
class Lexicon:
    """The general news lexicon (rules/lexicon.yaml): words that name a
    measure, cue a role or a modality. Single words are matched on lemmas,
    phrases on the lower-cased text around a figure."""

    measures: dict[str, Measure] = field(default_factory=dict)
    measure_words: dict[str, str] = field(default_factory=dict)  # lemma -> measure
    # lemma -> every measure it names ("damage": a cost in money, buildings in a count)
    word_measures: dict[str, tuple[str, ...]] = field(default_factory=dict)
    measure_phrases: dict[str, str] = field(default_factory=dict)  # "take hostage" -> measure
    measure_units: dict[str, str] = field(default_factory=dict)  # unit -> measure
    people_nouns: frozenset[str] = frozenset()
    person_nouns: frozenset[str] = frozenset()  # counted people kept apart by name (hostages, soldiers)
    counted_class: dict[str, str] = field(default_factory=dict)  # word -> its class's first word
    roles: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # role -> before/after -> phrases
    modality_words: dict[str, str] = field(default_factory=dict)
    modality_phrases: dict[str, str] = field(default_factory=dict)
    term_modalities: frozenset[str] = frozenset()
    amount_nouns: frozenset[str] = frozenset()  # nouns that stand for a figure ("the toll stands at 90")
    age_beside_name: str = ""  # the measure of a bare number beside a person's name ("Ana Ruiz (27)")
    people_of_a_place: str = ""  # the measure of "a town of 5,000 people"
    modality_rank: dict[str, int] = field(default_factory=dict)  # which modality wins when several govern a figure
    event_class: dict[str, str] = field(default_factory=dict)  # event word or phrase -> its class's first word
    light_event_verbs: frozenset[str] = frozenset()  # "began", "started": the event is what they start
    remaining_words: frozenset[str] = frozenset()  # "remain", "still": people still where they were
    remaining_nouns: dict[str, str] = field(default_factory=dict)  # a measure's people noun -> the measure (its_people)

    def behaviour(self, measure: str) -> Measure | None:
        return self.measures.get(measure)


def _words(path: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RulePackError(path, key, "must be a list of non-empty strings")
    return [v.strip().lower() for v in value]


def _word_classes(path: str, key: str, data: dict) -> dict[str, str]:
    """A list of word lists as word -> the first word of its list."""
    classes = data.get(key, []) or []
    if not isinstance(classes, list):
        raise RulePackError(path, key, "must be a list of word lists")
    out: dict[str, str] = {}
    for i, words in enumerate(classes):
        words = _words(path, f"{key}[{i}]", words)
        out.update((w, words[0]) for w in words)
    return out


def _tolerance(path: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise RulePackError(path, key, "must be a share between 0 and 1 (0.05 is 5%)")
    return float(value)


def _value_range(path: str, key: str, value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value) or value[0] > value[1]):
        raise RulePackError(path, key, "must be [lowest, highest], two numbers")
    return float(value[0]), float(value[1])


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
                                          frozenset(_words(path, f"{key}.families", spec.get("families", []))),
                                          _value_range(path, f"{key}.values", spec.get("values")),
                                          bool(spec.get("per_event", False)), bool(spec.get("of_people", False)),
                                          bool(spec.get("moves_within_a_day", False)),
                                          frozenset(_words(path, f"{key}.includes", spec.get("includes", []))),
                                          float(_tolerance(path, f"{key}.tolerance", spec.get("tolerance", 0.0))),
                                          bool(spec.get("of_the_event", False)),
                                          bool(spec.get("owned_by_a_thing", False)),
                                          frozenset(_words(path, f"{key}.kept_apart", spec.get("kept_apart", []))),
                                          frozenset(_words(path, f"{key}.at_a_moment", spec.get("at_a_moment", []))),
                                          frozenset(_words(path, f"{key}.its_people", spec.get("its_people", []))))
        lex.remaining_nouns.update((noun, str(name)) for noun in lex.measures[str(name)].its_people)
        for w in _words(path, f"{key}.words", spec.get("words", [])):
            (lex.measure_phrases if " " in w else lex.measure_words)[w] = str(name)
            if " " not in w and str(name) not in lex.word_measures.get(w, ()):
                lex.word_measures[w] = lex.word_measures.get(w, ()) + (str(name),)
        for u in _words(path, f"{key}.units", spec.get("units", [])):
            lex.measure_units[u] = str(name)
    lex.counted_class.update(_word_classes(path, "counted_classes", data))
    for key in ("person_nouns", "people_nouns", "amount_nouns", "light_event_verbs", "remaining_words"):
        if key in data:
            setattr(lex, key, getattr(lex, key) | frozenset(_words(path, key, data[key])))
    roles = data.get("roles", {}) or {}
    if not isinstance(roles, dict):
        raise RulePackError(path, "roles", "must map a role to 'before'/'after' phrase lists")
    for role, spec in roles.items():
        if not isinstance(spec, dict) or not set(spec) <= {"before", "after", "after_what", "families"}:
            raise RulePackError(path, f"roles.{role}", "must have 'before', 'after' and/or 'after_what' lists "
                                "(and optionally 'families')")
        lex.roles[str(role)] = {side: tuple(_words(path, f"roles.{role}.{side}", spec.get(side, [])))
                                for side in ("before", "after", "after_what", "families")}
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
    lex.event_class.update(_word_classes(path, "events", data))
    for key in ("age_beside_name", "people_of_a_place"):
        if key in data:
            name = data[key]
            if not isinstance(name, str) or name not in lex.measures:
                raise RulePackError(path, key, "must name one of the measures")
            setattr(lex, key, name)


# The loader of each kind (metrics and rules are added below, with their types).
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
            raise RulePackError(f, "kind", f"no loader for {data['kind']!r}")
        loader(pack, f, data)
    return pack


# --------------------------------------------------------------------------- story packs: named facts (kind: metrics)
# A story pack can name facts and sharpen them ("hostages still held in Gaza");
# the general path (rules/lexicon.yaml and the facts stage) needs none.

OVER_TIME = ("snapshot", "cumulative", "term", "fixed")
DEFAULT_WINDOW = {"snapshot": 14, "cumulative": 0, "term": 30, "fixed": math.inf}

_PLACE_SUFFIX = re.compile(
    r"\s+(?:province|region|district|county|prefecture|governorate|state|city|town|village|municipality)$",
    re.IGNORECASE,
)

def norm_place(name: str) -> str:
    """"Malatya province" -> "malatya"; "the Gaza Strip" stays what the alias table made it."""
    p = re.sub(r"\s+", " ", name.strip()).lower()
    p = re.sub(r"^the\s+", "", p)
    return _PLACE_SUFFIX.sub("", p)

@dataclass
class Metric:
    """One fact the packs know how to recognise (see rules/README.md)."""

    name: str
    over_time: str
    counted: frozenset[str] = frozenset()
    description: str = ""
    events: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()  # normalized with norm_place
    scopes_required: frozenset[str] = frozenset()
    scopes_excluded: frozenset[str] = frozenset()
    scopes_ignored: frozenset[str] = frozenset()
    cues: tuple[re.Pattern, ...] = ()
    not_cues: tuple[re.Pattern, ...] = ()
    unit: str = "count"  # a family name, or "any"
    relative: float = 0.0
    absolute: float = 0.0
    window_days: float = 14
    priority: int = 0
    same_place: bool = False  # also require overlapping places pair by pair
    generic: bool = False
    file: str = ""
    order: int = 0
    certainty: float = 1.0  # how sure the grouping is as a whole (a fact's coherence)
    dominant: frozenset[str] = frozenset()  # claim ids of the value most sources state (fixed facts)
    consensus: frozenset[str] = frozenset()  # claim ids of the terms most sources give (term facts)
    authority_window: float = 0.0  # days over which different authorities' figures are compared (CK106)
    hourly: bool = False  # the fact moves within a day: same-day differences are doubtful
    per_occasion: bool = False  # each figure is one occasion's (a day's release)
    at_the_moment: frozenset[str] = frozenset()  # claim ids of an hourly fact tied to the event's moment (landfall)

    def label(self) -> str:
        """How messages name the fact: "the figures for {label}"."""
        return "" if self.generic else (self.description or self.name)

    def matches(self, claim: Claim, family: str) -> bool:
        if self.unit != "any" and family != self.unit:
            return False
        if self.events and claim.event not in self.events:
            return False
        scopes = set(claim.scope)
        if not self.scopes_required <= scopes or self.scopes_excluded & scopes:
            return False
        if self.places and not any(norm_place(p) in self.places for p in claim.places):
            return False
        text = claim.sentence
        if self.cues and not any(p.search(text) for p in self.cues):
            return False
        if self.not_cues and any(p.search(text) for p in self.not_cues):
            return False
        return True

METRIC_KEYS = {
    "name", "description", "counted", "events", "places", "scopes", "cues", "not_cues",
    "unit", "over_time", "tolerance", "window_days", "priority", "same_place",
}

def _str_list(path: str, key: str, value: Any, lower: bool = True) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RulePackError(path, key, "must be a list of non-empty strings")
    return [v.strip().lower() if lower else v for v in value]

def _number(path: str, key: str, value: Any, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise RulePackError(path, key, f"must be a number, not {value!r}")
    if value < minimum:
        raise RulePackError(path, key, f"must be at least {minimum:g}, not {value!r}")
    return float(value)

def _regexes(path: str, key: str, value: Any) -> tuple[re.Pattern, ...]:
    out = []
    for i, p in enumerate(_str_list(path, key, value, lower=False)):
        try:
            out.append(compile_pattern(p))  # RE2: linear time whatever the pattern
        except PatternError as exc:
            raise RulePackError(path, f"{key}[{i}]", str(exc)) from None
    return tuple(out)

def parse_metric(path: str, index: int, item: Any) -> Metric:
    """Validate one entry of a metrics pack; errors name the file and key."""
    if not isinstance(item, dict):
        raise RulePackError(path, f"metrics[{index}]", "must be a mapping with at least name, counted and over_time")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RulePackError(path, f"metrics[{index}].name", "required: a non-empty string")
    name = name.strip()
    where = f"metrics.{name}"
    unknown = sorted(set(map(str, item)) - METRIC_KEYS)
    if unknown:
        raise RulePackError(path, f"{where}.{unknown[0]}", f"unknown key (known: {', '.join(sorted(METRIC_KEYS))})")
    if "counted" not in item:
        raise RulePackError(path, f"{where}.counted", "required: the counted nouns (lemmas) that name this fact")
    counted = _str_list(path, f"{where}.counted", item["counted"])
    over_time = item.get("over_time")
    if over_time not in OVER_TIME:
        raise RulePackError(path, f"{where}.over_time", f"must be one of {', '.join(OVER_TIME)}, not {over_time!r}")
    description = item.get("description", "")
    if not isinstance(description, str):
        raise RulePackError(path, f"{where}.description", "must be a string")
    unit = item.get("unit", "count")
    if not isinstance(unit, str) or (unit != "any" and unit not in FAMILIES):
        raise RulePackError(path, f"{where}.unit", f"must be 'any' or a unit family ({', '.join(FAMILIES[:12])}, ...), not {unit!r}")
    scopes = item.get("scopes", {}) or {}
    if not isinstance(scopes, dict):
        raise RulePackError(path, f"{where}.scopes", "must be a mapping with required/excluded/ignored lists")
    bad = sorted(set(map(str, scopes)) - {"required", "excluded", "ignored"})
    if bad:
        raise RulePackError(path, f"{where}.scopes.{bad[0]}", "unknown key (known: required, excluded, ignored)")
    sc = {k: frozenset(_str_list(path, f"{where}.scopes.{k}", scopes[k], lower=False)) for k in scopes}
    tol = item.get("tolerance", {}) or {}
    if not isinstance(tol, dict):
        raise RulePackError(path, f"{where}.tolerance", "must be a mapping with relative and/or absolute")
    bad = sorted(set(map(str, tol)) - {"relative", "absolute"})
    if bad:
        raise RulePackError(path, f"{where}.tolerance.{bad[0]}", "unknown key (known: relative, absolute)")
    relative = _number(path, f"{where}.tolerance.relative", tol.get("relative", 0))
    if relative >= 1:
        raise RulePackError(path, f"{where}.tolerance.relative", "is a fraction (0.05 = 5%), must be below 1")
    absolute = _number(path, f"{where}.tolerance.absolute", tol.get("absolute", 0))
    window = _number(path, f"{where}.window_days", item.get("window_days", DEFAULT_WINDOW[over_time]))
    priority = item.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise RulePackError(path, f"{where}.priority", "must be a whole number")
    same_place = item.get("same_place", False)
    if not isinstance(same_place, bool):
        raise RulePackError(path, f"{where}.same_place", "must be true or false")
    return Metric(
        name=name,
        over_time=over_time,
        counted=frozenset(counted),
        description=description.strip(),
        events=frozenset(_str_list(path, f"{where}.events", item["events"])) if "events" in item else frozenset(),
        places=frozenset(norm_place(p) for p in _str_list(path, f"{where}.places", item["places"])) if "places" in item else frozenset(),
        scopes_required=sc.get("required", frozenset()),
        scopes_excluded=sc.get("excluded", frozenset()),
        scopes_ignored=sc.get("ignored", frozenset()),
        cues=_regexes(path, f"{where}.cues", item["cues"]) if "cues" in item else (),
        not_cues=_regexes(path, f"{where}.not_cues", item["not_cues"]) if "not_cues" in item else (),
        unit=unit,
        relative=relative,
        absolute=absolute,
        window_days=window,
        priority=priority,
        same_place=same_place,
        file=path,
    )

def load_metrics(pack: RulePack, path: str, data: dict) -> None:
    """The `metrics` pack loader (registered in rulepack.LOADERS by the engine).

    A metric whose name was defined by an earlier file replaces it in place."""
    items = data.get("metrics")
    if not isinstance(items, list):
        raise RulePackError(path, "metrics", "must be a list of metric definitions")
    seen: set[str] = set()
    for i, item in enumerate(items):
        metric = parse_metric(path, i, item)
        if metric.name in seen:
            raise RulePackError(path, f"metrics.{metric.name}", "defined twice in this file")
        seen.add(metric.name)
        for j, old in enumerate(pack.metrics):
            if old.name == metric.name:
                metric.order = old.order
                pack.metrics[j] = metric
                break
        else:
            metric.order = len(pack.metrics)
            pack.metrics.append(metric)

def check_metric_scopes(pack: RulePack) -> None:
    """Scopes named by metrics must exist (checked once all packs are loaded)."""
    known = set(pack.scopes)
    for m in pack.metrics:
        for part, names in (("required", m.scopes_required), ("excluded", m.scopes_excluded), ("ignored", m.scopes_ignored)):
            for n in sorted(names - known):
                raise RulePackError(m.file, f"metrics.{m.name}.scopes.{part}",
                                    f"unknown scope {n!r} (known: {', '.join(sorted(known)) or 'none'})")


# --------------------------------------------------------------------------- settings of the rules packs

@dataclass
class Settings:
    """Engine settings from the `rules` packs (sections settings, generic, authorities)."""

    max_pairs_per_claim: int = 50
    flag_threshold: float = 0.5  # flags below this confidence are shown only with --all
    authority_window_days: float = 2.0  # a running total's figures from different authorities, compared this far apart
    count_bound_reach: float = 0.0  # "at least N" of a running total read as N to N * (1 + this); 0: open
    compare_vague: bool = False
    whole_group_words: frozenset[str] = frozenset(
        {"all", "the", "of", "remaining", "these", "those", "their", "our", "its", "still", "other", "rest"}
    )
    generic_enabled: bool = True
    generic_cumulative_events: frozenset[str] = frozenset()
    generic_term_scopes: frozenset[str] = frozenset()
    generic_ignore_counted: frozenset[str] = frozenset()
    generic_ignored_scopes: frozenset[str] = frozenset()
    generic_window: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WINDOW, snapshot=7))
    generic_relative: float = 0.0
    generic_absolute: float = 0.0
    inherit_place: bool = True
    authorities: list[tuple[str, tuple[re.Pattern, ...]]] = field(default_factory=list)

    @classmethod
    def from_pack(cls, pack: RulePack) -> "Settings":
        s = cls()
        raw = pack.rules.get("settings", {}) or {}
        s.max_pairs_per_claim = int(raw.get("max_pairs_per_claim", s.max_pairs_per_claim))
        s.compare_vague = bool(raw.get("compare_vague", s.compare_vague))
        s.flag_threshold = float(raw.get("flag_threshold", s.flag_threshold))
        s.authority_window_days = float(raw.get("authority_window_days", s.authority_window_days))
        s.count_bound_reach = float(raw.get("count_bound_reach", s.count_bound_reach))
        if "whole_group_words" in raw:
            s.whole_group_words = frozenset(w.lower() for w in raw["whole_group_words"])
        g = pack.rules.get("generic", {}) or {}
        s.generic_enabled = bool(g.get("enabled", True))
        s.generic_cumulative_events = frozenset(g.get("cumulative_events", []))
        s.generic_term_scopes = frozenset(g.get("term_scopes", []))
        s.generic_ignore_counted = frozenset(g.get("ignore_counted", []))
        s.generic_ignored_scopes = frozenset(g.get("ignored_scopes", []))
        s.generic_window.update(g.get("window_days", {}) or {})
        tol = g.get("tolerance", {}) or {}
        s.generic_relative = float(tol.get("relative", 0.0))
        s.generic_absolute = float(tol.get("absolute", 0.0))
        s.inherit_place = bool(g.get("inherit_place", True))
        for kind, patterns in (pack.rules.get("authorities", {}) or {}).items():
            s.authorities.append((kind, tuple(compile_pattern(p) for p in patterns)))
        return s


# --------------------------------------------------------------------------- the rules pack loader (kind: rules)

SETTINGS_TYPES = {"max_pairs_per_claim": int, "flag_threshold": float, "authority_window_days": float, "count_bound_reach": float, "compare_vague": bool, "whole_group_words": list}

GENERIC_TYPES = {
    "enabled": bool, "cumulative_events": list, "term_scopes": list, "ignore_counted": list,
    "ignored_scopes": list, "window_days": dict, "tolerance": dict, "inherit_place": bool,
}

RULES_PACK_KEYS = {"kind", "description", "rules", "settings", "generic", "authorities"}

def _typed(path: str, key: str, value: Any, want: type) -> Any:
    if want is bool:
        if not isinstance(value, bool):
            raise RulePackError(path, key, f"must be true or false, not {value!r}")
        return value
    if want is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RulePackError(path, key, f"must be a whole number of at least 1, not {value!r}")
        return value
    if want is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise RulePackError(path, key, f"must be a number of at least 0, not {value!r}")
        return float(value)
    if want is list:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise RulePackError(path, key, "must be a list of non-empty strings")
        return [v.strip().lower() for v in value]
    if want is str:
        if not isinstance(value, str):
            raise RulePackError(path, key, "must be a string")
        return value
    if want is dict:  # a table of positive numbers or [low, high] ranges by name (CK107's currency rates)
        if not isinstance(value, dict):
            raise RulePackError(path, key, "must map names to a number or a [low, high] range")
        out = {}
        for name, v in value.items():
            pair = v if isinstance(v, list) else [v, v]
            if not (isinstance(name, str) and name.strip() and len(pair) == 2
                    and all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x > 0
                            for x in pair) and pair[0] <= pair[1]):
                raise RulePackError(path, f"{key}.{name}", f"must be a number above 0 or a [low, high] range, not {v!r}")
            out[name.strip().lower()] = (float(pair[0]), float(pair[1]))
        return out
    raise AssertionError(want)

def _param_type(default: Any) -> type:
    if isinstance(default, bool):
        return bool
    if isinstance(default, (int, float)):
        return float
    if isinstance(default, list):
        return list
    if isinstance(default, dict):
        return dict
    return str

def _mapping(path: str, key: str, value: Any) -> dict:
    if not isinstance(value, dict):
        raise RulePackError(path, key, "must be a mapping")
    return value

def load_rules(pack: RulePack, path: str, data: dict) -> None:
    """The `rules` pack loader: rule severities and thresholds, engine settings,
    the generic fallback and the authority table. Later files override."""
    from .rules import RULES  # the rule registry (rule modules only; never the engine)

    unknown = sorted(set(map(str, data)) - RULES_PACK_KEYS)
    if unknown:
        raise RulePackError(path, unknown[0], f"unknown key (known: {', '.join(sorted(RULES_PACK_KEYS - {'kind'}))})")
    for code, body in (_mapping(path, "rules", data.get("rules") or {})).items():
        code = str(code)
        if code not in RULES:
            raise RulePackError(path, f"rules.{code}", f"unknown rule code (known: {', '.join(sorted(RULES))})")
        r = RULES[code]
        body = _mapping(path, f"rules.{code}", body or {})
        merged = dict(pack.rules.get(code, {}))
        for k, v in body.items():
            key = f"rules.{code}.{k}"
            if k == "severity":
                if v not in SEVERITIES:
                    raise RulePackError(path, key, f"must be one of {', '.join(SEVERITIES)}, not {v!r}")
                merged[k] = v
            elif k == "enabled":
                merged[k] = _typed(path, key, v, bool)
            elif k == "name":
                if v != r.name:
                    raise RulePackError(path, key, f"is {r.name!r} for {code} (names are fixed; only severity, enabled and thresholds can change)")
            elif k in r.params and isinstance(r.params[k], dict):
                # a table: a later pack adds to it and overrides its entries
                merged[k] = {**merged.get(k, {}), **_typed(path, key, v, dict)}
            elif k in r.params:
                merged[k] = _typed(path, key, v, _param_type(r.params[k]))
            else:
                known = ", ".join(["severity", "enabled", *sorted(r.params)])
                raise RulePackError(path, key, f"unknown setting for {code} {r.name} (known: {known})")
        pack.rules[code] = merged
    settings = dict(pack.rules.get("settings", {}))
    for k, v in _mapping(path, "settings", data.get("settings") or {}).items():
        if k not in SETTINGS_TYPES:
            raise RulePackError(path, f"settings.{k}", f"unknown setting (known: {', '.join(sorted(SETTINGS_TYPES))})")
        settings[k] = _typed(path, f"settings.{k}", v, SETTINGS_TYPES[k])
    pack.rules["settings"] = settings
    generic = dict(pack.rules.get("generic", {}))
    for k, v in _mapping(path, "generic", data.get("generic") or {}).items():
        key = f"generic.{k}"
        if k not in GENERIC_TYPES:
            raise RulePackError(path, key, f"unknown setting (known: {', '.join(sorted(GENERIC_TYPES))})")
        if k == "window_days":
            v = _mapping(path, key, v)
            for kk, vv in v.items():
                if kk not in ("snapshot", "cumulative", "term"):
                    raise RulePackError(path, f"{key}.{kk}", "must be one of snapshot, cumulative, term")
                _typed(path, f"{key}.{kk}", vv, float)
            generic[k] = {**generic.get(k, {}), **{kk: float(vv) for kk, vv in v.items()}}
        elif k == "tolerance":
            v = _mapping(path, key, v)
            for kk, vv in v.items():
                if kk not in ("relative", "absolute"):
                    raise RulePackError(path, f"{key}.{kk}", "must be relative or absolute")
                _typed(path, f"{key}.{kk}", vv, float)
            generic[k] = {**generic.get(k, {}), **{kk: float(vv) for kk, vv in v.items()}}
        elif GENERIC_TYPES[k] is list and k in ("term_scopes", "ignored_scopes"):
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                raise RulePackError(path, key, "must be a list of scope names")
            generic[k] = [x.strip() for x in v]
        else:
            generic[k] = _typed(path, key, v, GENERIC_TYPES[k])
    pack.rules["generic"] = generic
    authorities = dict(pack.rules.get("authorities", {}))
    for kind, patterns in _mapping(path, "authorities", data.get("authorities") or {}).items():
        key = f"authorities.{kind}"
        if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) and p for p in patterns):
            raise RulePackError(path, key, "must be a non-empty list of regular expressions")
        for i, p in enumerate(patterns):
            try:
                compile_pattern(p)  # RE2: linear time whatever the pattern
            except PatternError as exc:
                raise RulePackError(path, f"{key}[{i}]", str(exc)) from None
        authorities[str(kind)] = list(patterns)
    pack.rules["authorities"] = authorities


LOADERS["metrics"] = load_metrics
LOADERS["rules"] = load_rules
