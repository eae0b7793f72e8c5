"""Years and centuries that date something ("not repaired since 1998", "the
9th-century abbey"): the forms read, what they date, and how they compare
(short invented texts, the real pipeline, the general packs only)."""
from __future__ import annotations

import math

import pytest

from checker.evaluate import newsquant_record
from tests.conftest import article_claims


@pytest.fixture(scope="module")
def run(judged):
    """run([(outlet, date, text), ...]) -> (claims, flags)."""

    def go(items):
        claims, _, flags = judged(items)
        return claims, flags

    return go


def datings(qs):
    return [q for q in qs if q.unit in ("calendar year", "century")]


@pytest.mark.parametrize("text, surface, low, high, kind", [
    ("The pier has not been repaired since 1998.", "1998", 1998, 1998, "exact"),
    ("The pier was built in 1931.", "1931", 1931, 1931, "exact"),
    ("The pier was built in the 1930s.", "1930s", 1930, 1939, "range"),
    ("The pier was built around 1931.", "1931", 1931, 1931, "approx"),
    ("The pier was built before 1931.", "1931", -math.inf, 1931, "upper"),
    ("The abbey was built in the 9th century.", "9th century", 800, 899, "range"),
    ("Monks restored the 9th-century abbey.", "9th-century", 800, 899, "range"),
    ("Monks restored the ninth century abbey.", "ninth century", 800, 899, "range"),
])
def test_dating_forms(quantities, text, surface, low, high, kind):
    q, = datings(quantities(text))
    assert (q.surface, q.low, q.high, q.kind) == (surface, low, high, kind)
    assert newsquant_record(q) is None  # NewsQuant tags no years


@pytest.mark.parametrize("text, count", [
    ("Around 1200 troops and about 1500 police were sent.", None),  # counts, not years
    ("In the 2019 vote turnout fell.", None),  # a year before a noun names an occasion
])
def test_numbers_that_are_no_dating(quantities, text, count):
    assert datings(quantities(text)) == []


@pytest.mark.parametrize("text, surface, measure", [
    ("The Old Pier has not been repaired since 1998, the council said.", "1998", "year last maintained"),
    ("The Old Pier was built in 1931.", "1931", "year built"),
    ("Monks restored the 9th-century Saint Olaf abbey.", "9th-century", "year built"),
])
def test_a_year_dates_what_its_verb_says(nlp, general, text, surface, measure):
    c, = [c for c in article_claims([("Wire", "2025-06-04", text)], general, nlp) if c.quantity.surface == surface]
    assert c.measure == measure


def test_a_year_far_from_the_verb_dates_nothing(nlp, general):
    text = "Surveys in the 1960s said a pier should be built, and 40 workers came."
    claims = article_claims([("Wire", "2025-06-04", text)], general, nlp)
    assert [c.quantity.surface for c in claims] == ["40 workers"]


def test_two_years_of_the_last_repair_conflict(run):
    _, flags = run([("Wire", "2025-06-04", "In Portwell, the pier has not been repaired since 1998."),
                    ("Post", "2025-06-06", "In Portwell, the pier had not been repaired since 2004, the mayor said.")])
    f, = [f for f in flags if f.code == "CK101"]
    assert {c.quantity.surface for c in f.claims} == {"1998", "2004"}


def test_a_year_inside_the_decade_or_century_agrees(run):
    _, flags = run([("Wire", "2025-06-04", "The Old Pier was built in the 1930s."),
                    ("Post", "2025-06-06", "The Old Pier was built in 1931.")])
    assert flags == []


def test_two_centuries_of_one_building_conflict(run):
    _, flags = run([("Wire", "2025-06-04", "The storm damaged Lindholm Abbey, which was built in the 9th century."),
                    ("Post", "2025-06-06", "The storm damaged the 10th-century Lindholm Abbey.")])
    f, = [f for f in flags if f.code == "CK101"]
    assert {c.quantity.surface for c in f.claims} == {"9th century", "10th-century"}


def test_an_unnamed_thing_built_in_another_year_is_no_conflict(run):
    _, flags = run([("Wire", "2025-06-04", "The storm damaged Lindholm Abbey, which was built in the 9th century."),
                    ("Post", "2025-06-06", "A charity founded in 2015 is helping the village beside Lindholm Abbey.")])
    assert flags == []
