"""Figures the extractor used to drop: numbers in title-case headlines (where
capitals say nothing about names) and four-digit counts read as years; and
the neighbouring forms that must stay as they were (model numbers, years)."""
from __future__ import annotations

import pytest

from checker.evaluate import newsquant_record
from tests.conftest import article_claims


def records(quantities, text: str) -> list[tuple]:
    return [(r["value"], r["unit"]) for r in (newsquant_record(q) for q in quantities(text)) if r]


# --------------------------------------------------------------------------- title-case lines


@pytest.mark.parametrize("text, values", [
    ("Tremor Of Magnitude 5.9 Shakes Coastal Towns", [5.9]),
    ("Flood In Valdera Leaves 48 Dead, 120 Injured", [48, 120]),
    ("Powerful Landslide Kills 73 People", [73]),  # the tagger took "Kills" for a name
])
def test_a_figure_in_a_title_case_headline_is_read(quantities, text, values):
    assert [v for v, _ in records(quantities, text)] == values


def test_a_title_case_count_keeps_its_noun(quantities):
    assert records(quantities, "Powerful Landslide Kills 73 People") == [(73, "people")]


@pytest.mark.parametrize("text", [
    "Boeing 737 Jets Grounded After Crash",  # the tagger's entities still name a model
    "Apollo 11 Crew Returns Home",
    "Boeing 737 jets were grounded.",
    "Windows 11 was released.",
    "Area 51 and Apollo 11 drew crowds.",
])
def test_names_ending_in_a_number_stay_names_in_headlines_and_sentences(quantities, text):
    assert records(quantities, text) == []


# --------------------------------------------------------------------------- four-digit counts


@pytest.mark.parametrize("text, value, unit", [
    ("The death toll climbed to 1987 people on Tuesday.", 1987, "people"),  # the tagger calls 1987 a DATE
    ("A crowd of 2000 residents gathered.", 2000, "resident"),
    ("The number injured also lifted to 2047.", 2047, "-"),  # no noun: the count it reached
    ("The toll stood at 1975 by nightfall.", 1975, "-"),
])
def test_a_four_digit_count_is_no_year(quantities, text, value, unit):
    assert records(quantities, text) == [(value, unit)]


@pytest.mark.parametrize("text", [
    "In 2012 people fled the city.",
    "Since 2019 residents have complained.",
    "The 2019 vote was close.",
    "In 2023 the team won the cup.",
    "The meeting was postponed to 2025.",
    "The toll rose in 2019 after the floods.",
    "Sales returned to 2019 levels.",
])
def test_years_stay_years(quantities, text):
    assert records(quantities, text) == []


def test_a_count_that_looks_like_a_year_dates_no_event(pack, nlp):
    """Before, "1987 people" also made the sentence speak of the year 1987:
    the figure became a reference to an earlier event, never compared."""
    claims = article_claims([("Wire", "2025-03-04", "The death toll climbed to 1987 people on Tuesday.")], pack, nlp)
    [c] = [c for c in claims if c.quantity.surface == "1987 people"]
    assert c.event_date is None and c.role == "total" and c.measure == "deaths"


# --------------------------------------------------------------------------- the day a weekday names


@pytest.mark.parametrize("published, text, day", [
    # Saturday's paper: "on Sunday" is the next day in the writer's zone, not six days before
    ("2025-03-08", "The death toll rose to 40 on Sunday, officials said.", "2025-03-09"),
    ("2025-03-08", "The death toll rose to 40 on Thursday, officials said.", "2025-03-06"),
    ("2025-03-08", "The death toll rose to 40 on Saturday, officials said.", "2025-03-08"),
])
def test_a_weekday_dates_the_figure(published, text, day, pack, nlp):
    [c] = article_claims([("Wire", published, text)], pack, nlp)
    assert c.date == day
