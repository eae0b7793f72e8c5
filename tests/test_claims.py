"""Claims on the seed corpus: each figure normalized and put in context (what
is counted, the event, the scope, who said it, the date), pointing back at the
right line and column of its file, and none of the seeds' non-claims read as
a figure."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from checker.model import INF, Claim

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

AXIOS = "000_37dc6ced96aa91c8.txt"
JPOST = "001_4e1d5489f0b5de91.txt"
BLOOMBERG = "002_58061bc989f93f95.txt"
CNN = "003_7dd32ea0e716d55e.txt"
CNN_AGG = "004_ac21ed3f2fa6be03.txt"


@pytest.fixture(scope="module")
def claim_at(seed_claims, seed_sources):
    """`claim_at(source_id, phrase, needle=None)`: the one claim whose quantity
    covers `needle` (default: the phrase itself) where `phrase` occurs in the source."""

    def find(source_id: str, phrase: str, needle: str | None = None) -> Claim:
        text = seed_sources[source_id].text
        assert phrase in text, f"{phrase!r} is not in {source_id}"
        pos = text.index(phrase) + phrase.index(needle or phrase)
        hits = [c for c in seed_claims[source_id] if c.quantity.start <= pos < c.quantity.end]
        assert len(hits) == 1, (
            f"{source_id}: {phrase!r}: claims there: "
            f"{[(c.quantity.surface, c.quantity.start, c.quantity.end) for c in seed_claims[source_id]]}"
        )
        return hits[0]

    return find


def test_every_seed_has_its_claims(seed_claims):
    assert sorted(seed_claims) == [AXIOS, JPOST, BLOOMBERG, CNN, CNN_AGG]
    for sid, claims in seed_claims.items():
        for c in claims:
            assert c.source_id == sid
            assert c.sentence and c.quantity.surface
            assert c.quantity.kind in ("exact", "approx", "range", "lower", "upper", "vague", "categorical")


# ------------------------------------------------------------------ 000 (Axios)


def test_35_to_40_hostages_in_the_first_stage(claim_at):
    c = claim_at(AXIOS, "35 to 40 Israeli hostages", "35")
    q = c.quantity
    assert q.kind == "range" and (q.low, q.high) == (35, 40)
    assert q.surface.startswith("35 to 40")
    assert c.counted == "hostage"
    assert c.event in ("free", "release")
    assert "first phase" in c.scope
    assert "Israel" in c.actors or "Israel" in c.places
    assert c.date == "2024-02-11"


def test_six_week_ceasefire(claim_at):
    c = claim_at(AXIOS, "six-week ceasefire", "six-week")
    q = c.quantity
    assert q.surface == "six-week"
    assert q.unit == "day" and q.stated_unit == "week"
    assert q.low == q.high == pytest.approx(42)
    assert q.tolerance == pytest.approx(3.5)
    assert c.counted == "ceasefire"
    assert c.event == "pause"


def test_two_thirds_of_the_conversation(claim_at):
    q = claim_at(AXIOS, "two-thirds of the conversation", "two-thirds").quantity
    assert q.unit == "fraction" and q.low == pytest.approx(2 / 3, abs=1e-3)


# ------------------------------------------------------------------ 001 (Jerusalem Post)


def test_remaining_136_hostages(claim_at):
    c = claim_at(JPOST, "the remaining 136 hostages", "136")
    q = c.quantity
    assert q.kind == "exact" and q.low == q.high == 136
    assert c.counted == "hostage"
    assert "remaining" in c.scope
    assert "Gaza" in c.places


def test_45_minute_call(claim_at):
    c = claim_at(JPOST, "45-minute telephone call", "45-minute")
    q = c.quantity
    assert q.surface == "45-minute"
    assert q.unit == "day" and q.stated_unit == "minute"
    assert q.low == q.high == pytest.approx(45 / 1440)
    assert c.counted == "call"


def test_all_remaining_hostages_is_categorical(claim_at):
    c = claim_at(JPOST, "all remaining hostages held by Hamas", "all remaining hostages")
    assert c.quantity.kind == "categorical"
    assert c.counted == "hostage"
    assert "remaining" in c.scope


# ------------------------------------------------------------------ 002 (Bloomberg)


def test_45_day_pause(claim_at):
    c = claim_at(BLOOMBERG, "a 45-day pause", "45-day")
    q = c.quantity
    assert q.surface == "45-day"
    assert q.unit == "day" and q.stated_unit == "day"
    assert q.low == q.high == 45 and q.tolerance == 0
    assert c.counted == "pause"
    assert c.event == "pause"
    assert c.attribution == "one official briefed on the talks"


def test_women_children_and_elderly_hostages_are_categorical(claim_at):
    c = claim_at(BLOOMBERG, "all the women, children and elderly Israeli hostages", "all the women")
    q = c.quantity
    assert q.kind == "categorical"
    assert q.low is None and q.high is None
    assert "women, children and elderly" in q.group
    assert c.counted == "hostage"


def test_about_1200_people_killed(claim_at):
    c = claim_at(BLOOMBERG, "about 1,200 people", "1,200")
    q = c.quantity
    assert q.kind == "approx" and q.low == q.high == 1200
    assert q.tolerance == pytest.approx(120)
    assert q.surface.startswith("about 1,200")
    assert c.counted == "person"
    assert c.event == "kill"


def test_some_240_hostages_taken(claim_at):
    c = claim_at(BLOOMBERG, "some 240 hostages", "240")
    q = c.quantity
    assert q.kind == "approx" and q.low == q.high == 240
    assert q.tolerance == pytest.approx(24)
    assert c.counted == "hostage"
    assert c.event == "take"


def test_more_than_26000_died_per_gaza_health_ministry(claim_at):
    c = claim_at(BLOOMBERG, "more than 26,000 people", "26,000")
    q = c.quantity
    assert q.kind == "lower" and q.low == 26000 and q.high == INF
    assert c.counted == "person"
    assert c.event == "die"
    assert "Gaza" in c.places
    # "the health ministry run by Hamas" through the alias table
    assert c.attribution is not None and "Gaza health ministry" in c.attribution


def test_about_136_still_held_per_idf_spokesman(claim_at):
    c = claim_at(BLOOMBERG, "About 136 hostages are still being held", "136")
    q = c.quantity
    assert q.kind == "approx" and q.low == q.high == 136
    assert c.counted == "hostage"
    assert c.event == "hold"
    assert "remaining" in c.scope
    assert "Gaza" in c.places
    assert c.attribution is not None and "Israel Defense Forces spokesman" in c.attribution


def test_nearly_four_months_of_violence(claim_at):
    q = claim_at(BLOOMBERG, "nearly four months of violence", "four").quantity
    assert q.kind == "upper" and q.unit == "day" and q.stated_unit == "month"
    assert q.high == pytest.approx(4 * 30.4375, abs=2)


def test_bloomberg_claims_are_dated_by_its_date_line(seed_claims):
    claims = seed_claims[BLOOMBERG]
    assert claims
    for c in claims:
        assert c.published == "2024-01-31"
        assert c.outlet == "Bloomberg"
        if c.quantity.surface.startswith("thousands"):
            # "..., Netanyahu said ... on Tuesday": the statement's own day, resolved from the date line
            assert (c.date, c.date_basis) == ("2024-01-30", "explicit")
        else:
            assert c.date == "2024-01-31", (c.quantity.surface, c.date)


# ------------------------------------------------------------------ 004 (CNN, aggregator)


def test_only_a_handful_released_so_far(claim_at):
    c = claim_at(CNN_AGG, "Only a handful", "a handful")
    q = c.quantity
    assert q.kind == "vague"
    assert q.low >= 1 and q.high <= 10
    assert "so far" in c.scope
    assert c.counted == "hostage"  # the group named before it
    assert c.event == "release"


def test_two_american_citizens_among_them(claim_at):
    c = claim_at(CNN_AGG, "two American citizens", "two")
    q = c.quantity
    assert q.kind == "exact" and q.low == q.high == 2
    assert c.counted == "citizen"
    assert "so far" in c.scope


def test_daily_four_hour_pauses(claim_at):
    c = claim_at(CNN_AGG, "daily four-hour\u00a0pauses", "four-hour")  # a no-break space in the file
    q = c.quantity
    assert q.surface == "four-hour"
    assert q.unit == "day" and q.stated_unit == "hour"
    assert q.low == q.high == pytest.approx(4 / 24)
    assert "daily" in c.scope
    assert c.counted == "pause"
    assert c.attribution == "White House"


def test_more_than_11000_palestinians_killed_per_ramallah_ministry(claim_at):
    c = claim_at(CNN_AGG, "more than 11,000 Palestinians", "11,000")
    q = c.quantity
    assert q.kind == "lower" and q.low == 11000 and q.high == INF
    assert c.counted == "person" and "palestinian" in c.owner  # a nationality counted: people, and their group
    assert c.measure == "deaths"
    assert c.event == "kill"
    assert "Gaza" in c.places
    assert c.attribution is not None and "Palestinian Ministry of Health in Ramallah" in c.attribution
    assert c.date == "2023-11-10"  # "since October 7" is when counting began, not the date of the figure


# ------------------------------------------------------------------ positions


@pytest.mark.parametrize(
    "source_id, phrase, needle",
    [
        (AXIOS, "six-week ceasefire", "six-week"),
        (AXIOS, "35 to 40 Israeli hostages", "35"),
        (JPOST, "45-minute telephone call", "45-minute"),
        (JPOST, "the remaining 136 hostages", "136"),
        (BLOOMBERG, "a 45-day pause", "45-day"),
        (BLOOMBERG, "about 1,200 people", "1,200"),
        (BLOOMBERG, "About 136 hostages are still being held", "136"),
        (CNN_AGG, "more than 11,000 Palestinians", "11,000"),
        (CNN_AGG, "daily four-hour\u00a0pauses", "four-hour"),
    ],
)
def test_line_and_column_point_into_the_file(claim_at, source_id, phrase, needle):
    c = claim_at(source_id, phrase, needle)
    lines = (SEEDS / source_id).read_text(encoding="utf-8").split("\n")
    at = lines[c.line - 1][c.col - 1 :]
    assert at.startswith(c.quantity.surface), (c.line, c.col, at[:40])
    assert c.quantity.surface.split()[0] in at.split()[0]


def test_claims_on_a_date_line_are_shifted_past_the_prefix(seed_claims, seed_sources):
    # Axios's and Bloomberg's first lines start with " date YYYY-MM-DD ".
    seen = 0
    for sid in (AXIOS, BLOOMBERG):
        assert seed_sources[sid].origin_col > 1
        first = (SEEDS / sid).read_text(encoding="utf-8").split("\n")[0]
        for c in seed_claims[sid]:
            if c.line == 1:
                seen += 1
                assert c.col > seed_sources[sid].origin_col
                assert first[c.col - 1 :].startswith(c.quantity.surface)
    assert seen  # Bloomberg's "four-month conflict" is on its date line


def test_every_claim_points_at_its_surface(seed_claims):
    for sid, claims in seed_claims.items():
        lines = (SEEDS / sid).read_text(encoding="utf-8").split("\n")
        for c in claims:
            at = lines[c.line - 1][c.col - 1 :]
            assert at.startswith(c.quantity.surface), (sid, c.line, c.col, c.quantity.surface, at[:40])


# ------------------------------------------------------------------ non-claims


@pytest.mark.parametrize(
    "source_id, needle",
    [
        (AXIOS, "Dec. 15"),
        (BLOOMBERG, "Oct. 7"),
        (CNN_AGG, "October 7"),
        (CNN_AGG, "2 mins read"),
        (CNN_AGG, "25 views"),
        (BLOOMBERG, "fifth tour"),
        (BLOOMBERG, "(1)"),
        (CNN_AGG, "Q3 2023"),
        (CNN, "50/50"),
    ],
)
def test_seed_non_claims_are_not_claims(seed_claims, seed_sources, source_id, needle):
    text = seed_sources[source_id].text
    start = text.index(needle)
    while start >= 0:
        end = start + len(needle)
        hits = [c.quantity.surface for c in seed_claims[source_id]
                if c.quantity.start < end and start < c.quantity.end]
        assert not hits, (needle, hits)
        start = text.find(needle, end)


def test_claims_serialize_with_open_bounds_as_null(seed_claims):
    import json

    for claims in seed_claims.values():
        for c in claims:
            d = json.loads(json.dumps(c.to_dict()))  # no Infinity in the JSON
            back = Claim.from_dict(d)
            assert back.id == c.id
            for end in ("low", "high"):
                v = getattr(c.quantity, end)
                if v is not None and math.isinf(v):
                    assert d["quantity"][end] is None
