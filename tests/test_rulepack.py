"""Rule packs: the built-in packs load, corpus packs override them, and every
mistake in a metrics or rules pack is one error naming the file and the key."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.engine import compare
from checker.errors import UserError
from checker.model import Claim, Quantity
from checker.rulepack import RulePackError, load_rulepack

SEED_PACK = Path(__file__).resolve().parents[1] / "seeds" / "rules"  # the seed story's pack

_counter = iter(range(10**6))


def pack_from(tmp_path: Path, text: str, name: str | None = None, story: bool = False):
    """Load the built-in packs (and with `story`, the seed story pack) plus one
    extra file with `text` (a fresh path each time, since loaded packs are
    cached by file list)."""
    path = tmp_path / (name or f"pack{next(_counter)}.yaml")
    path.write_text(text, encoding="utf-8")
    return load_rulepack([SEED_PACK, path] if story else [path]), path


def error(tmp_path: Path, text: str) -> tuple[str, Path]:
    path = tmp_path / f"bad{next(_counter)}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulePackError) as info:
        load_rulepack([path])
    assert isinstance(info.value, UserError)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message
    return message, path


METRIC = """kind: metrics
metrics:
  - name: widgets
    counted: [widget]
    over_time: snapshot
"""


# --------------------------------------------------------------------------- metrics


@pytest.mark.parametrize("body,key,problem", [
    ("metrics: {}", "metrics", "must be a list"),
    ("metrics:\n  - just a string", "metrics[0]", "must be a mapping"),
    ("metrics:\n  - counted: [widget]\n    over_time: snapshot", "metrics[0].name", "required"),
    ("metrics:\n  - name: w\n    over_time: snapshot", "metrics.w.counted", "required"),
    ("metrics:\n  - name: w\n    counted: widget\n    over_time: weekly", "metrics.w.over_time", "snapshot, cumulative, term"),
    ("metrics:\n  - name: w\n    counted: [widget]", "metrics.w.over_time", "must be one of"),
    ("metrics:\n  - name: w\n    counted: [1, 2]\n    over_time: term", "metrics.w.counted", "non-empty strings"),
    ("metrics:\n  - name: w\n    counted: [widget]\n    over_time: term\n    window_day: 3", "metrics.w.window_day", "unknown key"),
    ("metrics:\n  - name: w\n    counted: [widget]\n    over_time: term\n    window_days: -1", "metrics.w.window_days", "at least 0"),
    ("metrics:\n  - name: w\n    counted: [widget]\n    over_time: term\n    window_days: soon", "metrics.w.window_days", "must be a number"),
    ("metrics:\n  - name: w\n    counted: [widget]\n    over_time: term\n    unit: furlongs", "metrics.w.unit", "unit family"),
    ("metrics:\n  - name: w\n    counted: [widget]\n    over_time: term\n    cues: ['(unclosed']", "metrics.w.cues[0]", "bad regular expression"),
    ("metrics:\n  - name: w\n    counted: [widget]\n    over_time: term\n    tolerance: {relative: 5}", "metrics.w.tolerance.relative", "below 1"),
    ("metrics:\n  - name: w\n    counted: [widget]\n    over_time: term\n    tolerance: {percent: 5}", "metrics.w.tolerance.percent", "unknown key"),
    ("metrics:\n  - name: w\n    counted: [widget]\n    over_time: term\n    scopes: {needed: [daily]}", "metrics.w.scopes.needed", "unknown key"),
    ("metrics:\n  - name: w\n    counted: [widget]\n    over_time: term\n    priority: high", "metrics.w.priority", "whole number"),
    ("metrics:\n  - name: w\n    counted: [widget]\n    over_time: term\n  - name: w\n    counted: [gadget]\n    over_time: term", "metrics.w", "defined twice"),
])
def test_metric_errors_name_file_and_key(tmp_path, body, key, problem):
    message, path = error(tmp_path, "kind: metrics\n" + body + "\n")
    assert message.startswith(f"{path}: {key}: "), message
    assert problem in message


def test_unknown_scope_in_a_metric_is_reported_when_comparing(tmp_path):
    pack, path = pack_from(tmp_path, METRIC + "    scopes: {required: [frist phase]}\n")
    with pytest.raises(RulePackError) as info:
        compare([], pack)
    assert str(info.value).startswith(f"{path}: metrics.widgets.scopes.required: unknown scope 'frist phase'")


def test_metric_with_the_same_name_replaces_the_builtin(tmp_path):
    pack, _ = pack_from(tmp_path, """kind: metrics
metrics:
  - name: pause-length
    description: pause (corpus version)
    counted: [pause]
    unit: duration
    over_time: term
    window_days: 5
""", story=True)
    matches = [m for m in pack.metrics if m.name == "pause-length"]
    assert len(matches) == 1 and matches[0].window_days == 5
    builtin = load_rulepack([SEED_PACK])
    assert [m.name for m in pack.metrics] == [m.name for m in builtin.metrics]


def test_metric_priority_is_tried_first(tmp_path):
    pack, _ = pack_from(tmp_path, """kind: metrics
metrics:
  - name: any-killing
    counted: [person]
    events: [kill]
    over_time: cumulative
    priority: 10
""", story=True)
    c = Claim(source_id="a", quantity=Quantity(low=5, high=5, kind="exact", unit="people", surface="5 people"),
              sentence="Five people died in Gaza, the health ministry said.", line=1, col=1,
              counted="person", event="kill", places=["Gaza"])
    from checker.engine import metric_of

    assert metric_of(c, pack) == "any-killing"
    assert metric_of(c, load_rulepack([SEED_PACK])) == "killed-in-gaza"


# --------------------------------------------------------------------------- rules


@pytest.mark.parametrize("body,key,problem", [
    ("rules:\n  CK999: {severity: high}", "rules.CK999", "unknown rule code"),
    ("rules:\n  CK101: {severity: critical}", "rules.CK101.severity", "low, medium, high"),
    ("rules:\n  CK101: {enabled: maybe}", "rules.CK101.enabled", "true or false"),
    ("rules:\n  CK101: {min_gap: 0.1}", "rules.CK101.min_gap", "unknown setting for CK101"),
    ("rules:\n  CK101: {min_relative_gap: lots}", "rules.CK101.min_relative_gap", "must be a number"),
    ("rules:\n  CK101: {min_relative_gap: -1}", "rules.CK101.min_relative_gap", "at least 0"),
    ("rules:\n  CK102: {include_approx: 1}", "rules.CK102.include_approx", "true or false"),
    ("rules:\n  CK101: {name: conflict}", "rules.CK101.name", "names are fixed"),
    ("rules:\n  CK101: [high]", "rules.CK101", "must be a mapping"),
    ("rules: [CK101]", "rules", "must be a mapping"),
    ("settings: {max_pairs_per_claim: 0}", "settings.max_pairs_per_claim", "at least 1"),
    ("settings: {max_pairs: 10}", "settings.max_pairs", "unknown setting"),
    ("generic: {window_days: {weekly: 3}}", "generic.window_days.weekly", "snapshot, cumulative, term"),
    ("generic: {window_days: {snapshot: x}}", "generic.window_days.snapshot", "must be a number"),
    ("generic: {cumulative_events: kill}", "generic.cumulative_events", "list of non-empty strings"),
    ("generic: {fallback: true}", "generic.fallback", "unknown setting"),
    ("authorities: {police: '\\bpolice\\b'}", "authorities.police", "non-empty list"),
    ("authorities: {police: ['(bad']}", "authorities.police[0]", "bad regular expression"),
    ("thresholds: {}", "thresholds", "unknown key"),
])
def test_rules_errors_name_file_and_key(tmp_path, body, key, problem):
    message, path = error(tmp_path, "kind: rules\n" + body + "\n")
    assert message.startswith(f"{path}: {key}: "), message
    assert problem in message


def test_rules_override_merges_per_code(tmp_path):
    pack, _ = pack_from(tmp_path, "kind: rules\nrules:\n  CK101: {min_relative_gap: 0.1}\n")
    assert pack.rules["CK101"]["min_relative_gap"] == 0.1
    assert pack.rules["CK101"]["severity"] == "high"  # kept from the built-in pack
    assert pack.rules["settings"]["max_pairs_per_claim"] == 50


def test_authorities_can_be_added(tmp_path):
    pack, _ = pack_from(tmp_path, "kind: rules\nauthorities:\n  coast guard: ['\\bcoast ?guard\\b']\n")
    assert "coast guard" in pack.rules["authorities"]
    assert "health authority" in pack.rules["authorities"]


def test_builtin_packs_are_general_and_the_story_pack_is_valid():
    general = load_rulepack()
    assert not general.metrics and not general.aliases  # no story's facts or names in the general path
    assert general.lexicon.measures and "CK101" in general.rules
    pack = load_rulepack([SEED_PACK])
    assert pack.metrics and pack.aliases
    compare([], pack)  # metric scopes all exist


def test_packs_are_read_as_data_only(tmp_path):
    message, _ = error(tmp_path, "kind: rules\nrules: !!python/object/apply:os.system ['true']\n")
    assert "malformed YAML" in message


def test_a_lexicon_naming_an_unknown_measure_for_ages_is_one_line(tmp_path):
    message, _ = error(tmp_path, "kind: lexicon\nage_beside_name: shoe size\n")
    assert "age_beside_name" in message and "must name one of the measures" in message


def test_a_lexicon_can_add_events_and_a_malformed_one_is_one_line(tmp_path):
    pack, _ = pack_from(tmp_path, "kind: lexicon\nevents:\n  - [capsize, overturn, keel over]\n")
    assert pack.lexicon.event_class["keel over"] == "capsize"
    assert pack.lexicon.event_class["lose contact"] == "lose contact"  # the built-in classes stay
    message, _ = error(tmp_path, "kind: lexicon\nevents: capsize\n")
    assert "events" in message and "list of word lists" in message


def test_a_lexicons_kept_apart_words_are_read_and_a_malformed_list_is_one_line(tmp_path):
    pack, _ = pack_from(tmp_path, "kind: lexicon\nmeasures:\n  height:\n    words: [tall]\n"
                                  "    kept_apart: [spire]\n    owned_by_a_thing: true\n")
    assert pack.lexicon.measures["height"].kept_apart == frozenset({"spire"})
    assert pack.lexicon.measures["height"].owned_by_a_thing
    message, _ = error(tmp_path, "kind: lexicon\nmeasures:\n  height:\n    words: [tall]\n    kept_apart: 5\n")
    assert "kept_apart" in message and "list" in message


def test_a_lexicons_at_a_moment_words_are_read_and_a_malformed_list_is_one_line(tmp_path):
    pack, _ = pack_from(tmp_path, "kind: lexicon\nmeasures:\n  speed:\n    words: [wind]\n"
                                  "    moves_within_a_day: true\n    at_a_moment: [landfall, ashore]\n")
    assert pack.lexicon.measures["speed"].at_a_moment == frozenset({"landfall", "ashore"})
    message, _ = error(tmp_path, "kind: lexicon\nmeasures:\n  speed:\n    words: [wind]\n    at_a_moment: yes\n")
    assert "at_a_moment" in message and "list" in message


def test_a_lexicons_people_of_a_measure_and_remaining_words_are_read_and_malformed_ones_are_one_line(tmp_path):
    pack, _ = pack_from(tmp_path, "kind: lexicon\nmeasures:\n  held captive:\n    words: [held]\n"
                                  "    its_people: [hostage]\nremaining_words: [remain]\n")
    assert pack.lexicon.remaining_nouns["hostage"] == "held captive"
    assert "remain" in pack.lexicon.remaining_words
    message, _ = error(tmp_path, "kind: lexicon\nmeasures:\n  held captive:\n    words: [held]\n    its_people: 3\n")
    assert "its_people" in message and "list" in message
    message, _ = error(tmp_path, "kind: lexicon\nremaining_words: remain\n")
    assert "remaining_words" in message and "list" in message
