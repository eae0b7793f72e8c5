"""The quantity extractor, one short text at a time.

Each test states what a reader of the sentence would take the figure to be:
its interval, kind, normalized unit, trend and the tolerance its wording
implies; and, for the non-claims, that no figure is read at all.
"""
from __future__ import annotations

import math

import pytest

from checker.evaluate import newsquant_record
from checker.model import INF, Quantity

DAY_PER_MONTH = 30.4375  # the calendar month the extractor and the engine share


def only(qs: list[Quantity], text: str = "") -> Quantity:
    assert len(qs) == 1, f"expected one quantity in {text!r}, got {[q.surface for q in qs]}"
    return qs[0]


def one(quantities, text: str) -> Quantity:
    return only(quantities(text), text)


def covering(qs: list[Quantity], text: str, needle: str) -> Quantity:
    """The quantity whose span covers the first occurrence of `needle` in `text`."""
    pos = text.index(needle)
    hits = [q for q in qs if q.start <= pos < q.end]
    assert len(hits) == 1, f"{needle!r} in {text!r}: got {[(q.surface, q.start, q.end) for q in qs]}"
    return hits[0]


def point(q: Quantity, value: float, unit: str, kind: str = "exact", tolerance: float = 0.0) -> None:
    assert q.kind == kind, (q.surface, q.kind)
    assert q.low == pytest.approx(value) and q.high == pytest.approx(value), (q.surface, q.low, q.high)
    assert q.unit == unit, (q.surface, q.unit)
    assert q.tolerance == pytest.approx(tolerance), (q.surface, q.tolerance)


# ------------------------------------------------------------------ the component


def test_component_sets_doc_and_span_extensions(nlp):
    assert "checker_quantities" in nlp.pipe_names
    doc = nlp("Hamas freed 35 to 40 hostages. Israel agreed to a 45-day pause.")
    assert [q.surface for q in doc._.quantities] == ["35 to 40 hostages", "45-day"]
    first, second = list(doc.sents)
    assert [q.low for q in first._.quantities] == [35]
    assert [q.low for q in second._.quantities] == [45]
    for q in doc._.quantities:
        assert doc.text[q.start : q.end] == q.surface


def test_quantities_come_in_text_order(quantities):
    qs = quantities("About 1,200 people were killed and some 240 hostages were taken in 2023.")
    assert [q.low for q in qs] == [1200, 240, 2023]  # the year a date (test_datings.py), after the counts
    assert qs[0].start < qs[1].start < qs[2].start


# ------------------------------------------------------------------ digits, magnitudes, words


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("Police said 1,200 people were evacuated from the area.", 1200, "people"),
        ("The city has 2.3 million residents.", 2_300_000, "resident"),
        ("Over the weekend, 25 trucks crossed.", 25, "truck"),
        ("A sandwich costs $6 at the stand.", 6, "dollar"),
        ("The price is $1,200.", 1200, "dollar"),
        ("The deal is worth $2.3 million.", 2_300_000, "dollar"),
        ("The company earned 2.3 million dollars last year.", 2_300_000, "dollar"),
        ("Two soldiers were wounded in the clash.", 2, "soldier"),
        ("Two hostages were freed on Friday.", 2, "hostage"),
        ("The farm sold a dozen eggs.", 12, "egg"),
        ("A dozen hostages were freed.", 12, "hostage"),
    ],
)
def test_numbers_with_separators_magnitudes_currency_and_words(quantities, text, value, unit):
    q = one(quantities, text)
    point(q, value, unit)
    assert q.trend == "level"


@pytest.mark.parametrize(
    "text, value",
    [
        ("Two-thirds of voters backed the plan.", 2 / 3),
        ("Half of the budget was spent.", 0.5),
        ("Half the hostages were freed.", 0.5),
    ],
)
def test_fractions(quantities, text, value):
    q = one(quantities, text)
    assert q.kind == "exact"
    assert q.low == pytest.approx(value, abs=1e-3) and q.high == pytest.approx(value, abs=1e-3)
    assert q.unit == "fraction"


# ------------------------------------------------------------------ hyphenated measures and durations


@pytest.mark.parametrize(
    "text, needle, days, stated, tolerance",
    [
        ("The group agreed on a six-week ceasefire.", "six-week", 42, "week", 3.5),
        ("The plan calls for a 45-day pause in fighting.", "45-day", 45, "day", 0.0),
        ("Israel agreed to daily four-hour pauses.", "four-hour", 4 / 24, "hour", 0.0),
        ("The two leaders held a 45-minute call.", "45-minute", 45 / 1440, "minute", 0.0),
    ],
)
def test_hyphenated_measures_are_normalized_to_days(quantities, text, needle, days, stated, tolerance):
    q = covering(quantities(text), text, needle)
    assert q.surface == needle
    point(q, days, "day", tolerance=tolerance)
    assert q.stated_unit == stated
    # As stated, for NewsQuant: "six-week" is 6 weeks.
    record = newsquant_record(q)
    assert record["unit"] == stated
    assert record["value"] == pytest.approx(days / {"week": 7, "day": 1, "hour": 1 / 24, "minute": 1 / 1440}[stated])


def test_four_month_keeps_the_precision_of_a_month(quantities):
    q = one(quantities, "The war turned into a four-month conflict.")
    assert q.kind == "exact" and q.unit == "day" and q.stated_unit == "month"
    assert q.low == q.high == pytest.approx(4 * DAY_PER_MONTH, abs=2)
    # "four months" is not a count of days: about half a month either way.
    assert q.tolerance == pytest.approx(DAY_PER_MONTH / 2, abs=1)


@pytest.mark.parametrize(
    "text, days, tolerance",
    [
        ("The pause would last 10 days.", 10, 0.0),
        ("The trial lasted three weeks.", 21, 3.5),
        ("The ceasefire lasted six weeks.", 42, 3.5),
        ("The truce could last two years.", 730.5, 182.625),
    ],
)
def test_durations_are_days_with_the_precision_of_their_unit(quantities, text, days, tolerance):
    point(one(quantities, text), days, "day", tolerance=tolerance)


def test_six_week_and_45_day_overlap_only_through_the_tolerance(quantities):
    six = one(quantities, "The group agreed on a six-week ceasefire.")
    pause = one(quantities, "The plan calls for a 45-day pause in fighting.")
    lo, hi = six.bounds()
    assert (lo, hi) == (pytest.approx(38.5), pytest.approx(45.5))
    assert lo <= pause.low <= hi


# ------------------------------------------------------------------ ranges


@pytest.mark.parametrize(
    "text, low, high, unit",
    [
        ("Hamas would free 35 to 40 hostages.", 35, 40, "hostage"),
        ("The army said between 20 and 30 fighters were killed.", 20, 30, "fighter"),
        ("Between 20 and 30 fighters were killed.", 20, 30, "fighter"),
        ("Officials said 20-30 fighters were killed.", 20, 30, "fighter"),
        ("The survey found 20~100 cases in each town.", 20, 100, "case"),
    ],
)
def test_ranges(quantities, text, low, high, unit):
    q = one(quantities, text)
    assert q.kind == "range"
    assert (q.low, q.high) == (low, high)
    assert q.unit == unit
    assert q.tolerance == 0


def test_and_without_between_is_two_figures_not_a_range(quantities):
    qs = quantities("Hamas freed 20 women and 30 children.")
    assert [(q.kind, q.low, q.high) for q in qs] == [("exact", 20, 20), ("exact", 30, 30)]


# ------------------------------------------------------------------ bounds


@pytest.mark.parametrize(
    "text, kind, bound, unit",
    [
        ("More than 26,000 people have died.", "lower", 26000, "people"),
        ("Over 500 trucks entered the strip.", "lower", 500, "truck"),
        ("At least 15 people were injured.", "lower", 15, "people"),
        ("No less than 40 tanks crossed the border.", "lower", 40, "tank"),
        ("Nearly 300 homes were destroyed.", "upper", 300, "home"),
        ("Up to 50 prisoners could be released.", "upper", 50, "prisoner"),
        ("Fewer than 100 hostages remain.", "upper", 100, "hostage"),
    ],
)
def test_bounds_are_open_intervals(quantities, text, kind, bound, unit):
    q = one(quantities, text)
    assert q.kind == kind
    assert q.unit == unit
    if kind == "lower":
        assert q.low == bound and q.high == INF
    else:
        assert q.high == bound and q.low == -INF
    # The modifier belongs to the figure's surface ("more than 26,000 people").
    assert q.surface.lower().startswith(text.split()[0].lower())


MINUTE = 1 / 1440


@pytest.mark.parametrize(
    "text, minutes, kind",
    [
        ("The ferry lost power about an hour and 20 minutes into the crossing.", 80, "approx"),
        ("The ferry lost power roughly 1 hour and 20 minutes after it sailed.", 80, "approx"),
        ("The ferry lost power about 1h and 20 minutes after it sailed.", 80, "approx"),
        ("The ferry lost power 1h20 into the crossing.", 80, "exact"),
        ("The ferry lost power two hours 30 minutes into the crossing.", 150, "exact"),
    ],
)
def test_hours_and_minutes_are_one_duration(quantities, text, minutes, kind):
    """"an hour and 20 minutes" is 80 minutes, not 20 minutes and a stray hour."""
    q = one(quantities, text)
    assert q.kind == kind and q.unit == "day" and q.stated_unit == "minute", q
    assert q.low == pytest.approx(minutes * MINUTE) and q.high == pytest.approx(minutes * MINUTE)


def test_a_bounded_duration_counted_by_its_article(quantities):
    q = one(quantities, "The ferry lost power just over an hour into the crossing.")
    assert q.surface == "just over an hour" and q.kind == "lower" and q.unit == "day"
    assert q.low == pytest.approx(60 * MINUTE)


@pytest.mark.parametrize("text", ["Staff earn $12 an hour.", "The oven cooks a loaf in around a minute.",
                                  "The ferry sails once a week."])
def test_an_article_is_no_figure_without_a_bound(quantities, text):
    assert all(q.unit != "day" for q in quantities(text)), [q.surface for q in quantities(text)]


def test_a_near_bound_is_close_to_its_figure(quantities):
    """"just over an hour" cannot be 80 minutes; "just under 2,000" cannot be 900."""
    over = one(quantities, "The ferry lost power just over an hour into the crossing.")
    assert over.low == pytest.approx(60 * MINUTE) and over.high == pytest.approx(75 * MINUTE)
    under = one(quantities, "Just under 2,000 people were moved.")
    assert under.kind == "upper" and under.low == pytest.approx(1500) and under.high == 2000
    plain = one(quantities, "More than 2,000 people were moved.")
    assert plain.high == INF


def test_bound_on_a_coarse_duration(quantities):
    q = one(quantities, "Nearly four months of fighting.")
    assert q.kind == "upper" and q.unit == "day" and q.stated_unit == "month"
    assert q.low == -INF and q.high == pytest.approx(4 * DAY_PER_MONTH, abs=2)


# ------------------------------------------------------------------ approximations


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("About 1,200 people were killed.", 1200, "people"),
        ("Some 240 hostages were taken.", 240, "hostage"),
        ("Around 300 people attended.", 300, "people"),
        ("Roughly 5,000 people fled.", 5000, "people"),
        ("An estimated 10,000 people were displaced.", 10000, "people"),
    ],
)
def test_approximations_carry_ten_percent(quantities, text, value, unit):
    q = one(quantities, text)
    point(q, value, unit, kind="approx", tolerance=0.1 * value)
    assert q.surface.lower().startswith(text.split()[0].lower())


def test_approximate_coarse_unit_keeps_its_implied_precision(quantities):
    # 10% of 14 days is 1.4, but "about two weeks" is only as precise as half a week.
    q = one(quantities, "The talks lasted about two weeks.")
    point(q, 14, "day", kind="approx", tolerance=3.5)
    assert q.stated_unit == "week"


# ------------------------------------------------------------------ vague and categorical


@pytest.mark.parametrize(
    "text, surface, concept, low_min, high_max, reported",
    [
        ("Only a handful of hostages have been released.", "a handful", "hostage", 2, 10, False),
        ("Several hostages were released.", "several", "hostage", 2, 10, False),
        ("Dozens of protesters gathered outside.", "dozens", "protester", 12, 200, True),
        ("Hundreds of people were arrested.", "hundreds", "people", 100, 2000, True),
    ],
)
def test_vague_quantifiers(quantities, text, surface, concept, low_min, high_max, reported):
    q = one(quantities, text)
    assert q.kind == "vague"
    assert q.surface.lower().startswith(surface)
    assert q.unit == ""
    assert q.concept == concept
    assert low_min <= q.low < q.high <= high_max
    record = newsquant_record(q)
    if reported:  # an order of magnitude reads as a range in the NewsQuant shape
        assert record["value"] == [q.low, q.high] and record["change"] == "="
    else:  # "a handful", "several": no figure worth reporting
        assert record is None


def test_plain_hundreds_is_not_vague_quantifier_without_of(quantities):
    assert quantities("The building has hundreds.") == []


def test_categorical_group(quantities):
    text = "Hamas would release all the women, children and elderly hostages."
    q = one(quantities, text)
    assert q.kind == "categorical"
    assert q.low is None and q.high is None
    assert "women, children and elderly" in q.group
    assert q.concept == "hostage"
    assert q.surface.startswith("all the women")
    assert q.value_text().startswith("all ")
    assert newsquant_record(q) is None


def test_categorical_group_words_are_not_read_as_numbers(quantities):
    qs = quantities("Hamas would release all the women, children and elderly Israeli hostages.")
    assert [q.kind for q in qs] == ["categorical"]


# ------------------------------------------------------------------ percentages, money, trends


@pytest.mark.parametrize(
    "text",
    ["Turnout reached 45% in the capital.", "Turnout was 45 percent.", "Turnout was 45 per cent."],
)
def test_percentages(quantities, text):
    q = one(quantities, text)
    point(q, 45, "percentage")
    assert q.trend == "level"


@pytest.mark.parametrize(
    "text, trend, value, unit",
    [
        ("Unemployment rose by 5% last year.", "up", 5, "percentage"),
        ("Unemployment rose to 5% last year.", "level", 5, "percentage"),
        ("Sales fell 3% in March.", "down", 3, "percentage"),
        ("Prices dropped by 3%.", "down", 3, "percentage"),
        ("Inflation rose by 0.5 percentage points.", "up", 0.5, "percentage point"),
    ],
)
def test_trends(quantities, text, trend, value, unit):
    q = one(quantities, text)
    assert q.trend == trend
    assert q.low == pytest.approx(value) and q.high == pytest.approx(value)
    assert q.unit == unit
    assert q.change_symbol() == (trend if trend != "level" else "=")


@pytest.mark.parametrize(
    "text, first, second",
    [
        ("Prices rose 5% to $6.", (5, "percentage", "up"), (6, "dollar", "level")),
        ("Profit rose 12% to $3.4 billion.", (12, "percentage", "up"), (3.4e9, "dollar", "level")),
    ],
)
def test_change_then_level_in_one_sentence(quantities, text, first, second):
    qs = quantities(text)
    assert [(q.low, q.unit, q.trend) for q in qs] == [first, second]


def test_concept_stays_in_its_own_clause(quantities):
    text = "About 1,200 people were killed and sales fell 3%."
    qs = quantities(text)
    pct = covering(qs, text, "3%")
    assert pct.trend == "down"
    assert "sales" in pct.concept.lower().split()
    assert "people" not in pct.concept.lower().split()


# ------------------------------------------------------------------ not claims


@pytest.mark.parametrize(
    "text",
    [
        # calendar dates and years
        "The war began on Oct. 7.",
        "The vote is on Dec. 15.",
        "In the 2023 vote, turnout fell.",  # a year before a noun names an occasion (after "in": test_datings.py)
        "He was born on July 4, 2016.",
        "Since October 7, the talks have stalled.",
        # ordinals
        "Blinken set off on his fifth tour of the region.",
        "She finished 1st in the race.",
        # twelve-hour clock times that do not say a.m. or p.m. (those that do are
        # times of day, a figure of their own kind: test_clock.py)
        "The meeting starts at 3:30.",
        "The meeting starts at 3:30 today.",
        # page furniture
        "2 mins read",
        "25 views",
        # phone numbers
        "Call (555) 123-4567 for details.",
        "Call 555-123-4567 now.",
        # names that contain digits
        "The COVID-19 pandemic hit hard.",
        "Leaders of the G7 met in Rome.",
        "The S&P 500 fell on Monday.",
        "He drives a Ford F-150 truck.",
        "Israel Military Sees Taking Many Months to Eliminate Hamas (1)",
        "DoubleDown Interactive Co., Ltd. (DDI) Q3 2023 Earnings Call Transcript",
        # a score or odds
        "The deal was a 50/50 proposition.",
    ],
)
def test_not_claims(quantities, text):
    qs = quantities(text)
    assert qs == [], [(q.surface, q.kind, q.low, q.unit) for q in qs]


@pytest.mark.parametrize(
    "text, needle, value, unit",
    [
        ("At least 1,200 people were killed on Oct. 7.", "Oct. 7", 1200, "people"),
        ("Since October 7, more than 1,400 people have been killed.", "October 7", 1400, "people"),
        ("He was released on Dec. 15 after 50 days.", "Dec. 15", 50, "day"),
        ("In 2023 the firm hired 300 workers.", "2023", 300, "worker"),
        ("He spoke at 10 a.m. and said 40 people died.", "10 a.m.", 40, "people"),
        ("The S&P 500 rose 1.2% on Monday.", "500", 1.2, "percentage"),
        ("Ford sold 12,000 F-150 trucks.", "F-150", 12000, "truck"),
    ],
)
def test_non_claims_next_to_a_real_figure(quantities, text, needle, value, unit):
    found = quantities(text)
    # "10 a.m." is a time (test_clock.py) and "In 2023" a date (test_datings.py), not counts
    qs = [q for q in found if not q.unit.startswith("time of day") and q.unit != "calendar year"]
    assert all(q.surface == needle for q in found if q not in qs)
    pos = text.index(needle)
    assert not [q for q in qs if q.start < pos + len(needle) and pos < q.end], [q.surface for q in qs]
    q = only(qs, text)
    assert q.low == pytest.approx(value)
    assert q.unit == unit


# ------------------------------------------------------------------ serialization


def test_quantity_round_trips_through_a_dict_with_open_bounds(quantities):
    q = one(quantities, "More than 26,000 people have died.")
    d = q.to_dict()
    assert d["low"] == 26000 and d["high"] is None  # JSON has no infinity
    back = type(q).from_dict(d)
    assert back.kind == "lower" and back.low == 26000
    assert back.high is None or math.isinf(back.high)


# ------------------------------------------------------------------ NewsQuant reading: ranges, change, concept


def records(quantities, text: str) -> list[dict]:
    return [r for r in (newsquant_record(q) for q in quantities(text)) if r]


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("The coin fell from $41,200 on Monday to $39,800 on Tuesday.", [41200, 39800], "dollar"),
        ("Output fell to 1,240 tonnes in May from 1,530 tonnes.", [1530, 1240], "metric ton"),  # CQE's name
        ("The orchard grew from 2 acres up to 5 acres.", [2, 5], "acre"),
        ("Mileage rose from 31 mpg in 2015 to 36 in 2021.", [31, 36], "mile per gallon"),
    ],
)
def test_ranges_whose_ends_are_apart_read_in_the_order_of_the_change(quantities, text, value, unit):
    got = records(quantities, text)
    assert [(r["value"], r["unit"]) for r in got] == [(value, unit)]


def test_a_level_and_an_earlier_level_stay_two_figures(quantities):
    got = records(quantities, "Profit rose to $4.1 billion from $3.9 billion a year earlier.")
    assert [r["value"] for r in got] == [4_100_000_000, 3_900_000_000]


@pytest.mark.parametrize(
    "text, change",
    [
        ("The index shed more than 20% this year.", ">"),  # a bound beats a trend
        ("The fund was up about 12 per cent for the year.", "~"),
        ("Nearly 400 homes were flooded.", "~"),  # an upper bound, read as approximate
        ("Almost 70 people came.", "~"),
        ("Nearly two-thirds of voters agreed.", "~"),
        ("Patients waited an average of 40 days.", "="),  # an average is an exact figure
        ("Petrol averaged roughly $3.10 per gallon.", "~"),
        ("The car gets about 30-35 mpg.", "~"),  # a hedged range
        ("The forecast was revised upward by 4%.", "up"),
    ],
)
def test_change_codes(quantities, text, change):
    got = records(quantities, text)
    assert len(got) == 1 and got[0]["change"] == change, got


@pytest.mark.parametrize(
    "text, value",
    [
        ("The fund posted a return of -3% last year.", -3),
        ("The Nikkei closed -0.8% on Friday.", -0.8),
        ("The trade balance fell to $-12.5bn.", -12_500_000_000),
    ],
)
def test_a_minus_sign_makes_the_value_negative_and_the_change_down(quantities, text, value):
    got = records(quantities, text)
    assert len(got) == 1 and got[0]["value"] == pytest.approx(value), got
    if "fell to" not in text:
        assert got[0]["change"] == "down"


def test_nearly_keeps_its_upper_bound_for_comparison(quantities):
    q = one(quantities, "Nearly 400 homes were flooded.")
    assert q.kind == "upper" and q.high == 400


@pytest.mark.parametrize(
    "text, unit, concept",
    [
        ("Acme cut 13,000 workers last year.", "worker", "Acme"),
        ("The club lost 14 senior players.", "senior player", "club"),
        ("Two sides met on Friday.", "side", "-"),
    ],
)
def test_a_counted_noun_is_the_unit_and_the_concept_is_its_owner(quantities, text, unit, concept):
    got = records(quantities, text)
    assert [(r["unit"], r["concept"]) for r in got] == [(unit, concept)]


def test_each_item_of_a_list_has_its_own_owner(quantities):
    got = records(quantities, "Markets: Nikkei +0.8% Hang Seng +1.2% Kospi -0.4%")
    assert [(r["value"], r["change"], r["concept"]) for r in got] == [
        (0.8, "up", "Nikkei"), (1.2, "up", "Hang Seng"), (-0.4, "down", "Kospi")]


def test_hyphenated_names_stay_whole_in_the_concept(quantities):
    got = records(quantities, "Al-Rashid raised 40 million dollars.")
    assert got[0]["concept"] == "Al-Rashid"


def test_the_thing_a_measure_is_of(quantities):
    got = records(quantities, "The lab used 20 mL of nitric acid.")
    assert got[0]["unit"] == "millilitre" and "nitric" in got[0]["concept"].split()


def test_vague_amounts_name_the_counted_noun_as_unit(quantities):
    got = records(quantities, "Dozens of fans waited outside.")
    assert [(r["unit"], r["concept"]) for r in got] == [("fan", "-")]


# ------------------------------------------------------------------ NewsQuant reading: units


@pytest.mark.parametrize(
    "text, unit",
    [
        ("Tyres run at 35 psi.", "pound per square inch"),
        ("The link carries 3 Gbps.", "gigabit per second"),
        ("The engine makes 90 lb-ft of torque.", "foot pound-force"),  # CQE's symbol list puts lb-ft here
        ("It has 275 pound-feet of torque.", "pound-foot"),
        ("The flat is 850sq m.", "square metre"),
        ("The office leased at $80 per sq m.", "dollar per square metre"),
        ("The hatch makes 300 PS.", "horsepower"),
        ("The motor gives 450 Nm.", "newton metre"),
        ("Water froze at 0 C overnight.", "celsius"),
        ("She paid NZ $45 for it.", "new zealand dollar"),
        ("He paid C $30 for it.", "canadian dollar"),
        ("The deal is worth NZD2.4m.", "new zealand dollar"),
        ("The bank holds 7.5 million Danish crowns.", "danish krone"),
        ("The prize was 40,000 Swedish crowns.", "swedish krone"),
        ("The phone supports 5G.", "generation wireless"),
        ("He was worth 0.5 WAR last season.", "win above replacement"),
        ("One US fluid ounce is tiny.", "ounce"),
        ("A 52,000 barrel-a-day refinery.", "barrel per day"),
        ("The lab ran 3,000 tests a day.", "test per day"),
        ("The field produced 1 million barrels of oil.", "barrel of oil"),
        ("It is one of the best wireless speakers.", "good wireless speaker"),
        ("Each tablet has 50 µg of iodine.", "microgram"),
        ("The star is 4.2 light-years away.", "light-year"),
        ("The wind blew at 25 m/s.", "metre per second"),
        ("The room was 72°F by noon.", "fahrenheit"),
        ("The ticket cost 150 kn.", "croatian kuna"),
        ("The shares fell 68p.", "point"),
        ("He dropped to 193 pounds.", "pound-mass"),
        ("The club paid 2 million pounds.", "pound sterling"),
        ("The defense allowed 143 rushing yards.", "yard"),
        ("The archive adds 50 previous years of shows.", "year"),
        ("She works eight hours a day.", "hour per day"),
        ("Staff work 40 hours a week.", "hour per week"),
        ("A survey of seven European countries.", "european country"),
        ("Lampard won four FA Cup finals with Chelsea.", "fa cup final"),
        ("He has appeared in eight straight World Cups.", "straight world cup"),
        ("As many as 14 first-team players left.", "first-team player"),
        ("Among his 300 recorded songs were hits.", "song"),
    ],
)
def test_unit_names_follow_the_cqe_list(quantities, text, unit):
    got = records(quantities, text)
    assert len(got) == 1 and got[0]["unit"] == unit, got


@pytest.mark.parametrize(
    "text",
    ["The plan gives 54GB of 5G data.", "Ford sold 12,000 F-150 trucks."],
)
def test_letters_after_digits_that_are_no_unit(quantities, text):
    units = [r["unit"] for r in records(quantities, text)]
    assert "gram" not in units and "fahrenheit" not in units


@pytest.mark.parametrize(
    "text, units",
    [
        ("Tickets cost 40 euros for adults and 25 for children.", ["euro", "euro"]),
        ("She ordered a 10- or 12-inch pizza.", ["inch", "inch"]),
        ("It has four-, five- and six-cylinder engines.", ["cylinder", "cylinder", "cylinder"]),
        ("The firm raised 280 million of the 1.5 billion shekels it needs.", ["shekel", "shekel"]),
        ("The DAX rose 2 percent but the CAC fell by 1.", ["percentage", "percentage"]),
        ("Hardness reached 113 gigapascals, while steel scores between 50 and 70.", ["gigapascal", "gigapascal"]),
        ("Mileage rose from about 14-18 mpg to 24 for vans.", ["mile per gallon", "mile per gallon"]),
    ],
)
def test_a_unit_written_once_for_several_figures(quantities, text, units):
    assert [r["unit"] for r in records(quantities, text)] == units


@pytest.mark.parametrize(
    "text",
    ["Maddon, 66, has lost weight.", "The boy, who was 9, survived.", "A woman aged 40 was hurt.",
     "She will be 35 by the end of the year."],
)
def test_ages_without_year_old(quantities, text):
    assert [r["unit"] for r in records(quantities, text)] == ["year of age"]


def test_an_index_level_is_in_points(quantities):
    got = records(quantities, "The Nikkei gained 1.1% to 33,410.50.")
    assert [(r["value"], r["unit"], r["change"]) for r in got] == [(1.1, "percentage", "up"), (33410.5, "point", "=")]


def test_small_values_keep_their_digits(quantities):
    got = records(quantities, "An ounce is 1/128 of a gallon.")
    assert any(r["value"] == 0.0078125 for r in got), got


@pytest.mark.parametrize(
    "text, changes",
    [
        ("The Dow shed 300 points, or 1.2%, on Friday.", ["down", "down"]),
        ("Acme shares were down 2.1%, Globex by 1.4%.", ["down", "down"]),
        ("The summit rises more than 3,000 metres (9,800 feet).", [">", ">"]),
        ("Night temperatures fell by 2 to 2.5 degrees Celsius (3.6 to 4.5 Fahrenheit).", ["down", "down"]),
        ("It makes just under 296 hp (224 kW / 300 PS).", ["<", "<", "<"]),
        ("Acme rose 3% and Globex fell 2%.", ["up", "down"]),
    ],
)
def test_a_restated_figure_shares_its_bound_and_trend(quantities, text, changes):
    assert [r["change"] for r in records(quantities, text)] == changes


# ------------------------------------------------------------------ NewsQuant reading: numbers


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("The cartel will raise output to 4.5m barrels a day.", 4_500_000, "barrel per day"),
        ("The bank cancelled 12m of its cards.", 12_000_000, None),
        ("The sprinter won the 100m race.", 100, "metre"),
        ("The crowd was twenty-three thousand four hundred fifty-six.", 23456, None),
        ("The electron mass is 9.11×10−31 kg.", 9.11e-31, "kilogram"),
        ("A grain weighs about 6.5×10⁻⁵ kg.", 6.5e-05, "kilogram"),
        ("Add 3/4 cup of milk.", 0.75, "cup"),
        ("An ounce is 1/16 of a US pint.", 0.0625, "pint"),
        ("He served over 2 1/2 years.", 2.5, "year"),
        ("The village has 11 300 residents.", 11300, "resident"),
        ("About three dozen people came.", 36, "people"),
        ("There were 71 Leeds fans.", 71, "leeds fan"),
        ("Three NHL clubs made offers.", 3, "nhl club"),
        ("The engine offers 180 hp.", 180, "horsepower"),
        ("The town grew in 2022 to 4.2 million people.", 4_200_000, "people"),
        ("The firm put 30 million shares up for sale.", 30_000_000, "share"),
    ],
)
def test_numbers_as_written(quantities, text, value, unit):
    got = records(quantities, text)
    assert len(got) == 1, got
    assert got[0]["value"] == pytest.approx(value, rel=1e-9)
    if unit is not None:
        assert got[0]["unit"] == unit


@pytest.mark.parametrize(
    "text, values",
    [
        ("They expect six to seven thousand fans.", [[6000, 7000]]),
        ("About two to three thousand people marched.", [[2000, 3000]]),
        ("Between 1900 - 2100 people came.", [[1900, 2100]]),
        ("One fourth of the class failed and one eighth left.", [0.25, 0.125]),
        ("Profits rose threefold and costs sixfold.", [3, 6]),
    ],
)
def test_shared_magnitudes_fractions_and_multipliers(quantities, text, values):
    got = [r["value"] for r in records(quantities, text)]
    assert got == values


@pytest.mark.parametrize(
    "text",
    [
        "Flags flew at half-mast before half-time.",
        "The sp 500 fell and the FTSE 100 rose.",
        "It has a nine-speed gearbox and a four-door body.",
        "The team slipped to the bottom three.",
        "No one came; the one on the left won.",
        "2 mins read",
    ],
)
def test_numbers_that_are_not_quantities(quantities, text):
    assert records(quantities, text) == []


def test_approaching_a_level_is_approximate(quantities):
    got = records(quantities, "The index nears 45,000 and approaches 12,000.")
    assert [(r["value"], r["change"]) for r in got] == [(45000, "~"), (12000, "~")]


@pytest.mark.parametrize(
    "text, value",
    [
        ("One in three Germans rent their home.", 1 / 3),
        ("Two out of five voters stayed home.", 2 / 5),
        ("One in 10 children go hungry.", 0.1),
    ],
)
def test_proportions(quantities, text, value):
    got = records(quantities, text)
    assert len(got) == 1 and got[0]["value"] == pytest.approx(value, rel=1e-6), got


@pytest.mark.parametrize(
    "text, values",
    [
        ("She lives at 9 E 71st St with 3 cats.", [3]),
        ("The office at 10 Downing Street employs 40 staff.", [40]),
        ("The shop at 16-18 Mill Lane sold 40 bikes.", [40]),
        ("The port has just one 52,000 barrel-a-day refinery.", [52000]),
        ("The airline grounded two new 737 Max jets.", [2]),
    ],
)
def test_addresses_and_model_numbers_are_not_amounts(quantities, text, values):
    assert [r["value"] for r in records(quantities, text)] == values


def test_money_spent_on_something_is_about_that_thing(quantities):
    got = records(quantities, "The city spent $8 million on the new bridge.")
    assert "bridge" in got[0]["concept"].split()


@pytest.mark.parametrize(
    "text, value",
    [
        ("The bill passed 52-48 in the Senate.", [52, 48]),  # NewsQuant reads a tally as a range in text order
        ("Prices have risen by roughly a third since 2020.", 1 / 3),
    ],
)
def test_tallies_and_shares(quantities, text, value):
    got = records(quantities, text)
    assert len(got) == 1 and got[0]["value"] == pytest.approx(value, rel=1e-6), got


def test_an_index_level_after_a_change_in_points_and_percent(quantities):
    got = records(quantities, "The FTSE 100 closed down 45.3 points, or 0.6%, at 7,512.8.")
    assert [(r["value"], r["unit"], r["change"]) for r in got] == [
        (45.3, "point", "down"), (0.6, "percentage", "down"), (7512.8, "point", "=")]


@pytest.mark.parametrize(
    "text, change",
    [
        ("The retailer will cut 2,400 jobs.", "="),  # things counted, not a change by that much
        ("The club added ten players in the summer.", "="),
        ("The death toll rose by 50 people.", "up"),
        ("Profits rose 5%.", "up"),
    ],
)
def test_a_trend_verb_with_a_counted_object(quantities, text, change):
    got = records(quantities, text)
    assert got[0]["change"] == change, got


def test_an_age_after_a_common_noun(quantities):
    assert [r["unit"] for r in records(quantities, "The patient, 72, died on Tuesday.")] == ["year of age"]


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("The project will cost Rs 5,000 crore.", 50_000_000_000, "indian rupee"),
        ("It will create 1.2 lakh jobs.", 120_000, "job"),
        ("The museum had 1.5m visitors in 2023, up from 1.1m.", 1_100_000, "visitor"),
        ("Scientists found 3 new species.", 3, "new species"),
        ("The top three seeds advanced.", 3, "top seed"),
    ],
)
def test_indian_magnitudes_repeated_magnitudes_and_noun_phrases(quantities, text, value, unit):
    got = records(quantities, text)
    assert (got[-1]["value"], got[-1]["unit"]) == (value, unit), got


def test_a_hyphenated_size_adjective_is_no_unit(quantities):
    got = records(quantities, "The 2,000-strong crowd cheered.")
    assert [(r["value"], r["unit"]) for r in got] == [(2000, "-")]


def test_a_share_keeps_its_trend(quantities):
    assert records(quantities, "Over the decade, emissions fell by a fifth.")[0]["change"] == "down"


@pytest.mark.parametrize(
    "text, value",
    [
        ("A culture holds 10^6 cells.", 1e6),
        ("A culture holds about 10⁶ cells.", 1e6),
        ("Avogadro's number is 6.02x10^23.", 6.02e23),
        ("The crowd reached 100 people.", 100),  # no exponent without its mark
        ("The 4x100m relay team won.", 4),  # "x100" is no power of ten
    ],
)
def test_powers_of_ten_need_their_mark(quantities, text, value):
    got = records(quantities, text)
    assert got and got[0]["value"] == pytest.approx(value), got


def test_a_maker_and_model_between_a_count_and_its_noun(quantities):
    got = records(quantities, "Two Boeing 747 jets landed.")
    assert [(r["value"], r["unit"]) for r in got] == [(2, "jet")]


def test_an_age_range_and_a_count_carried_to_a_relative_clause(quantities):
    got = records(quantities, "The hostages, aged between 18 and 60, were freed.")
    assert [(r["value"], r["unit"]) for r in got] == [([18, 60], "year of age")]
    got = records(quantities, "Rebels hold 136 hostages, including 20 who are believed dead.")
    assert [(r["value"], r["unit"]) for r in got] == [(136, "hostage"), (20, "hostage")]


def test_a_range_in_a_second_clause_belongs_to_that_clause(quantities):
    got = records(quantities, "Power jumped from 240 to 273, and the fuel economy climbed from 21 mpg to 23.")
    assert "economy" in got[1]["concept"].split() and "Power" not in got[1]["concept"].split()


@pytest.mark.parametrize(
    "text",
    [
        "Area 51 and Apollo 11 drew crowds.",
        "Proposition 22 passed.",
        "The Xbox 360 and PS5 sold well.",
    ],
)
def test_names_ending_in_a_number(quantities, text):
    assert records(quantities, text) == []


def test_a_mangled_pound_sign_is_still_money(quantities):
    got = records(quantities, "The package was worth up to PS2.7m.")
    assert [(r["value"], r["unit"]) for r in got] == [(2_700_000, "pound sterling")]


def test_a_counted_noun_does_not_carry_to_an_unrelated_figure(quantities):
    got = records(quantities, "Acme delivered 6,300 trucks, short of estimates of 6,490.")
    assert [(r["value"], r["unit"]) for r in got] == [(6300, "truck"), (6490, "-")]


def test_a_magnitude_or_above_is_a_bound(quantities):
    got = records(quantities, "A quake of magnitude 5 or above struck.")
    assert [(r["value"], r["change"]) for r in got] == [(5, ">")]


def test_a_range_never_crosses_a_sentence(quantities):
    got = records(quantities, "The toll rose from 10 on Friday. Officials raised it to 39 on Saturday.")
    assert [r["value"] for r in got] == [10, 39]


def test_a_label_and_a_duration_are_no_proportion(quantities):
    got = records(quantities, "The storm grew to category 5 in 12 hours.")
    assert [(r["value"], r["unit"]) for r in got] == [(12, "hour")]


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("The wreck lies two and a half miles down.", 2.5, "mile"),
        ("The hull faced about 4,930 pounds per square inch.", 4930, "pound per square inch"),
    ],
)
def test_mixed_word_fractions_and_pressure(quantities, text, value, unit):
    got = records(quantities, text)
    assert [(r["value"], r["unit"]) for r in got] == [(value, unit)]


@pytest.mark.parametrize(
    "text, change",
    [
        ("The brand expects to grow sales by 35 per cent.", "up"),
        ("The Fed raised rates by 25 basis points.", "up"),
        ("The central bank cut its key rate by half a percentage point.", "down"),
        ("The startup raised $5 million.", "="),  # an amount raised, not a rise
        ("He won by 5 points.", "="),
    ],
)
def test_a_verb_its_object_and_by(quantities, text, change):
    got = records(quantities, text)
    assert got[0]["change"] == change, got


def test_inches_glued_to_the_figure_and_hyphenated_names(quantities):
    got = records(quantities, "He is 5ft 10in tall.")
    assert [(r["value"], r["unit"]) for r in got] == [(5, "foot"), (10, "inch")]
    assert records(quantities, "She works at 7-Eleven.") == []


@pytest.mark.parametrize(
    "text, change",
    [("The club paid £45m plus add-ons.", "="), ("The event drew 50 plus.", ">"), ("The 65-plus group grew.", ">")],
)
def test_plus_as_a_bound_or_a_sum(quantities, text, change):
    assert [r["change"] for r in records(quantities, text)] == [change]


def test_tonnes_are_metric_tons_in_the_newsquant_record_and_tonnes_for_comparison(quantities):
    q = one(quantities, "The mill makes 300 tonnes a week.")
    assert newsquant_record(q)["unit"] == "metric ton per week"
    q = one(quantities, "The ship carries 300 tonnes.")
    assert q.unit == "tonne" and newsquant_record(q)["unit"] == "metric ton"


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("The grant is worth AUD1.5m.", 1_500_000, "australian dollar"),
        ("They pay a $3,500 a month mortgage.", 3500, "dollar per month"),
    ],
)
def test_more_currency_and_rate_shapes(quantities, text, value, unit):
    got = records(quantities, text)
    assert [(r["value"], r["unit"]) for r in got][:1] == [(value, unit)]


@pytest.mark.parametrize("text", ["Route 66 reopened on Friday.", "The part meets ISO 1234-5."])
def test_more_names_with_numbers(quantities, text):
    assert records(quantities, text) == []


def test_a_time_after_a_loss_is_a_point_in_time_not_a_change(quantities):
    """"contact was lost 90 minutes after take-off" loses no 90 minutes."""
    q = one(quantities, "Radio contact was lost roughly 90 minutes after the glider took off.")
    assert q.trend == "level" and q.unit == "day"
    assert one(quantities, "The firm lost 90 minutes of output.").trend == "down"


@pytest.mark.parametrize("text, surface, unit", [
    ("The earthquake measured 6 degrees on the Richter scale.", "6 degrees", ""),
    ("Winds reached force 9 on the Beaufort scale.", "9", ""),
    ("It was 30 degrees on Monday.", "30 degrees", "degree"),
])
def test_a_reading_on_a_named_scale_has_no_unit(quantities, text, surface, unit):
    q = next(q for q in quantities(text) if q.surface == surface)
    assert q.unit == unit
