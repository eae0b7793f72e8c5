"""The NewsQuant scorer counts exactly as the CQE evaluation code does, so the
figures it prints are comparable with the published ones."""
from __future__ import annotations

import pytest

from checker.evaluate import Score, _gold_value, score_sentence


def gold(value: str, unit: str = "-", change: str = "=", concepts: str = "-") -> dict:
    return {"value": value, "normalized_unit": unit, "change": change, "referred_concepts": concepts}


def pred(value, unit: str = "-", change: str = "=", concept: str = "-") -> dict:
    return {"value": value, "unit": unit, "change": change, "concept": concept}


def counts(golds: list[dict], preds: list[dict]) -> dict[str, int]:
    score = Score()
    score_sentence(golds, preds, score)
    return score.matched


@pytest.mark.parametrize(
    "raw, value",
    [
        ("35-40", (35.0, 40.0)),
        ("3.0 - 4.0", (3.0, 4.0)),
        ("4.8-4.7", (4.8, 4.7)),  # text order: "from 4.8 to 4.7"
        ("2.998E-08", 2.998e-08),
        ("-0.8", -0.8),
        ("12", 12.0),
        ("-5--3", (-5.0, -3.0)),
        ("n/a", None),
    ],
)
def test_gold_values_parse_as_the_cqe_reader_does(raw, value):
    assert _gold_value(raw) == value


def test_a_range_matches_only_the_range_in_the_same_order():
    assert counts([gold("4.8-4.7")], [pred([4.8, 4.7])])["value"] == 1
    assert counts([gold("4.8-4.7")], [pred([4.7, 4.8])])["value"] == 0
    assert counts([gold("5-5")], [pred(5)])["value"] == 0
    assert counts([gold("2.998E-08")], [pred(2.998e-08)])["value"] == 1


def test_no_unit_and_no_concept_agree_with_themselves():
    assert counts([gold("3")], [pred(3)]) == {"value": 1, "value+unit": 1, "value+change": 1, "value+concept": 1}


def test_concept_words_split_on_commas_and_spaces_and_ignore_case():
    assert counts([gold("3", concepts="new bridge,City")], [pred(3, concept="city council")])["value+concept"] == 1
    assert counts([gold("3", concepts="the bridge")], [pred(3, concept="tunnel")])["value+concept"] == 0


def test_one_walk_serves_all_four_lines():
    # The prediction with the right unit is also the one judged on change and concept.
    golds = [gold("5", "dollar", "up", "fare")]
    preds = [pred(5, "dollar", "=", "fare")]
    assert counts(golds, preds) == {"value": 1, "value+unit": 1, "value+change": 0, "value+concept": 1}


def test_a_prediction_with_another_unit_stays_free_for_the_next_gold():
    golds = [gold("5", "dollar"), gold("5", "euro")]
    preds = [pred(5, "euro")]
    # sorted by unit, "dollar" walks first: values match, units differ, the
    # prediction is not used up and then matches "euro" completely.
    assert counts(golds, preds) == {"value": 2, "value+unit": 1, "value+change": 2, "value+concept": 2}


def test_value_matches_are_capped_by_the_gold_count():
    golds = [gold("7", "day")]
    preds = [pred(7, "week"), pred(7, "hour")]
    got = counts(golds, preds)
    assert got["value"] == 1 and got["value+unit"] == 0
    # the CQE code counts change and concept for every value match it visits
    assert got["value+change"] == 2
