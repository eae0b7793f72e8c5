"""Times of day as figures: the forms read, their zones and slack, the event
each times, and how times of one fact are compared (short invented texts,
the real pipeline, the general packs only)."""
from __future__ import annotations

import pytest

from checker.evaluate import newsquant_record
from tests.conftest import article_claims


@pytest.fixture(scope="module")
def claims_of(nlp, general):
    def go(items):
        return article_claims(items, general, nlp)

    return go


@pytest.fixture(scope="module")
def run(judged):
    """run([(outlet, date, text), ...]) -> (claims, facts, flags)."""
    return judged


def clock_times(qs):
    return [q for q in qs if q.unit.startswith("time of day")]


@pytest.mark.parametrize("text, surface, hours, unit, kind, tolerance", [
    ("The ferry left at 6am on Monday.", "6am", 6, "time of day", "exact", 0.25),
    ("The ferry left at 6 a.m. on Monday.", "6 a.m.", 6, "time of day", "exact", 0.25),
    ("The ferry left at 06:00 on Monday.", "06:00", 6, "time of day", "exact", 0.25),
    ("The ferry docked at 7:35 p.m. on Monday.", "7:35 p.m.", 19 + 35 / 60, "time of day", "exact", 0),
    ("The ferry docked at 5.40pm on Monday.", "5.40pm", 17 + 40 / 60, "time of day", "exact", 0),
    ("The ferry docked at 18:10 GMT on Monday.", "18:10 GMT", 18 + 10 / 60, "time of day UTC", "exact", 0),
    ("The ferry docked at 0740 GMT.", "0740 GMT", 7 + 40 / 60, "time of day UTC", "exact", 0),
    ("The gale came ashore at 2:40 a.m. CDT.", "2:40 a.m. CDT", 7 + 40 / 60, "time of day UTC", "exact", 0),
    ("The gale came ashore at 1:40 a.m. local time.", "1:40 a.m. local time", 1 + 40 / 60, "time of day local",
     "exact", 0),
    ("The ferry left at 8am ET on Monday.", "8am ET", 8, "time of day ET", "exact", 0.25),
    ("The ferry left at noon on Monday.", "noon", 12, "time of day", "exact", 0.25),
    ("The ferry left at half past six in the morning.", "half past six in the morning", 6.5, "time of day",
     "exact", 0),
    ("The ferry left at about 6 a.m. on Monday.", "6 a.m.", 6, "time of day", "approx", 0.5),
    ("The ferry left at roughly 6:20 a.m. on Monday.", "6:20 a.m.", 6 + 20 / 60, "time of day", "approx", 0.25),
])
def test_clock_forms(quantities, text, surface, hours, unit, kind, tolerance):
    qs = quantities(text)
    assert [q.surface for q in qs] == [surface], [(q.surface, q.unit) for q in qs]
    q = qs[0]
    assert (q.low, q.high) == (pytest.approx(hours), pytest.approx(hours))
    assert (q.unit, q.kind, q.tolerance) == (unit, kind, tolerance)


@pytest.mark.parametrize("text, low, high, kind", [
    ("Air could run out just before 7:10 a.m. on Thursday.", 6 + 40 / 60, 7 + 10 / 60, "range"),
    ("The quake struck just before midnight on Friday.", 23, 24, "range"),
    ("The ferry must leave before 9 a.m. on Monday.", 0, 9, "upper"),
    ("The ferry left shortly after midnight on Monday.", 0, 1, "range"),
    ("The ferry left after 9 a.m. on Monday.", 9, 24, "lower"),
])
def test_clock_bounds(quantities, text, low, high, kind):
    q, = clock_times(quantities(text))
    assert (q.low, q.high, q.kind) == (pytest.approx(low), pytest.approx(high), kind)


@pytest.mark.parametrize("text", [
    "The ferry left at half past six.",  # which half of the day is not said
    "The meeting starts at 3:30.",  # a twelve-hour time with no a.m. or p.m.
    "Published: May 2, 2024, 2:54pm",  # the page's own time stamp
    "The port shipped 1000 MT of wheat.",  # metric tons, not ten o'clock Mountain time
    "The talks resume at 10:30 on Monday.",  # twelve-hour or twenty-four: not said
    "The ferry left at midnight on Monday.",  # as near 11:50 p.m. as 12:10 a.m., on either day
])
def test_times_that_are_no_figure(quantities, text):
    qs = quantities(text)
    assert qs == [], [(q.surface, q.low, q.unit) for q in qs]


def test_times_are_not_newsquant_quantities(quantities):
    """NewsQuant tags no clock time ("at 10.45pm" is left out), so its
    records leave them out too; the figure beside it stays."""
    qs = quantities("Shares fell 3 percent to $12 at 10.45pm on Friday.")
    records = [r for r in (newsquant_record(q) for q in qs) if r]
    assert sorted(r["value"] for r in records) == [3, 12]
    assert len(clock_times(qs)) == 1


def test_value_text_shows_the_clock(quantities):
    q, = quantities("The gale came ashore at 2:40 a.m. CDT.")
    assert q.value_text() == "07:40 UTC"
    q, = quantities("The ferry left at about 6 a.m. on Monday.")
    assert q.value_text() == "about 06:00"


# --------------------------------------------------------------------------- the event a time times


@pytest.mark.parametrize("text, surface, measure, modality", [
    ("The hurricane made landfall at 2:40 a.m. on Tuesday.", "2:40", "strike time", "reported"),
    ("The quake struck at 11:05 p.m. on Friday.", "11:05", "strike time", "reported"),
    ("The ferry set off at 6 a.m. on Monday.", "6 a.m.", "departure time", "reported"),
    ("The crew lost contact with the ferry at 7:45 a.m. on Monday.", "7:45", "contact lost time", "reported"),
    ("The ferry was expected to return at 2pm on Monday.", "2pm", "return time", "scheduled"),
    ("The ferry did not return at its planned time of 7:35 p.m. on Monday.", "7:35", "return time", "scheduled"),
    ("The ferry failed to return around 5 p.m. on Monday.", "5 p.m.", "return time", "unfulfilled"),
    ("Due to fog, the ferry set off at 9 a.m. on Monday.", "9 a.m.", "departure time", "reported"),
])
def test_a_time_takes_the_event_of_its_verb(claims_of, text, surface, measure, modality):
    c, = [c for c in claims_of([("Wire", "2025-06-04", text)]) if c.quantity.surface.startswith(surface)]
    assert (c.measure, c.modality) == (measure, modality)


@pytest.mark.parametrize("text", [
    "The talks ended at 6 a.m. on Monday, with 40 delegates present.",
    "The vote began at 6 a.m. on Monday, with 40 delegates present.",  # "begin" times any event: no departure
])
def test_a_time_that_times_no_known_event_is_no_claim(claims_of, quantities, text):
    assert len(clock_times(quantities(text))) == 1
    assert [c.quantity.surface for c in claims_of([("Wire", "2025-06-04", text)])] == ["40 delegates"]


def test_a_restated_zone_is_one_statement(claims_of):
    cs = claims_of([("Wire", "2025-06-04", "The quake struck at 10:47 pm (2147 GMT) on Friday.")])
    assert [(c.quantity.surface, c.role) for c in cs] == [("10:47 pm", "total"), ("2147 GMT", "conversion")]


# --------------------------------------------------------------------------- comparison


def ck101(flags):
    return [f for f in flags if f.code == "CK101"]


def test_two_start_times_of_one_departure_conflict(run):
    _, _, flags = run([("Wire", "2025-06-04", "The ferry set off at 5am on Sunday."),
                       ("Post", "2025-06-05", "The ferry set off at 9 a.m. on Sunday.")])
    f, = ck101(flags)
    assert {c.quantity.surface for c in f.claims} == {"5am", "9 a.m."}
    # the reviewer sees the clock and that neither outlet named a zone
    assert "“5am” (05:00 ± 15 min, no zone stated)" in f.message


def test_a_schedule_conflicts_with_another_schedule_not_with_what_happened(run):
    _, _, flags = run([("Wire", "2025-06-04", "The ferry was expected to return at 2pm on Sunday."),
                       ("Post", "2025-06-05", "The ferry did not return at its planned time of 7:35 p.m. on Sunday."),
                       ("Star", "2025-06-05", "The ferry returned at 8:30 p.m. on Sunday.")])
    f, = ck101(flags)
    assert {c.quantity.surface for c in f.claims} == {"2pm", "7:35 p.m."}


@pytest.mark.parametrize("a, b", [
    ("The gale made landfall at 2:40 a.m. CDT on Tuesday.", "The gale made landfall at 1:40 a.m. local time on Tuesday."),
    ("The ferry set off at 8am ET on Sunday.", "The ferry set off at 6 a.m. on Sunday."),
])
def test_times_in_zones_that_cannot_be_converted_are_not_compared(run, a, b):
    claims, _, flags = run([("Wire", "2025-06-04", a), ("Post", "2025-06-05", b)])
    assert len(clock_times([c.quantity for c in claims])) == 2
    assert flags == []


def test_one_instant_in_two_fixed_zones_is_one_fact_and_agrees(run):
    claims, _, flags = run([("Wire", "2025-06-04", "The gale made landfall at 2:40 a.m. CDT on Tuesday."),
                            ("Post", "2025-06-05", "The gale made landfall at 0740 GMT on Tuesday.")])
    a, b = claims
    assert a.fact and a.fact == b.fact
    assert flags == []


def test_local_times_of_one_landfall_an_hour_apart_conflict(run):
    _, _, flags = run([("Wire", "2025-06-04", "The gale made landfall at 2:40 a.m. local time on Tuesday."),
                       ("Post", "2025-06-05", "The gale made landfall at 1:40 a.m. local time on Tuesday.")])
    assert len(ck101(flags)) == 1


def test_a_hedged_time_agrees_with_one_close_to_it(run):
    _, _, flags = run([("Wire", "2025-06-04", "The ferry set off at about 6 a.m. on Sunday."),
                       ("Post", "2025-06-05", "The ferry set off at 6:20 a.m. on Sunday.")])
    assert ck101(flags) == []
    _, _, flags = run([("Wire", "2025-06-04", "The ferry set off at about 6 a.m. on Sunday."),
                       ("Post", "2025-06-05", "The ferry set off at 8 a.m. on Sunday.")])
    assert len(ck101(flags)) == 1


def test_two_times_of_one_article_are_two_events(run):
    claims, facts, flags = run([
        ("Wire", "2025-06-04", "The ferry set off at 6 a.m. on Sunday and lost contact at 7:45 a.m."),
        ("Post", "2025-06-05", "The ferry set off at 6 a.m. on Sunday."),
    ])
    left, lost = claims[0], claims[1]
    assert left.fact and lost.fact and left.fact != lost.fact
    assert flags == []


def test_times_of_one_event_on_two_days_are_two_facts(run):
    claims, _, flags = run([("Wire", "2025-06-04", "The ferry set off at 6 a.m. on Monday."),
                            ("Post", "2025-06-05", "The ferry set off at 9 a.m. on Tuesday.")])
    a, b = claims
    assert a.fact and b.fact and a.fact != b.fact
    assert flags == []
