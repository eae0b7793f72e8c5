"""The facts stage and the per-figure reading it rests on: measure, owner,
role, modality and dates, read from short invented texts through the real
pipeline with the general packs only (no story pack), and conflicts judged by
each fact's behaviour."""
from __future__ import annotations

import json

import pytest

from checker.claims import extract, fold_name
from checker.engine import compare
from checker.model import Source


@pytest.fixture(scope="module")
def read(nlp, general):
    """read(text, published=None) -> the claims of one invented article."""

    def go(text: str, published: str | None = "2025-06-04"):
        source = Source(id="a.txt", path="a.txt", text=text, outlet="Wire", published=published)
        return [c for _, cl in extract([source], general, nlp=nlp) for c in cl]

    return go


@pytest.fixture(scope="module")
def run(judged):
    """run([(outlet, date, text), ...]) -> (facts, flags) through the real pipeline."""

    def go(items):
        _, facts, flags = judged(items)
        return facts, flags

    return go


def one(claims, surface_start: str):
    found = [c for c in claims if c.quantity.surface.startswith(surface_start)]
    assert len(found) == 1, [c.quantity.surface for c in claims]
    return found[0]


# --------------------------------------------------------------------------- measure


@pytest.mark.parametrize("text, surface", [
    ("The flood killed 120 people in the valley.", "120"),
    ("At least 64 people died when the bridge fell.", "At least 64"),
    ("The death toll rose to 18,230 on Friday.", "18,230"),
    ("Rescuers said 64 were confirmed dead.", "64"),
    ("Fatalities rose to 212 overnight.", "212"),
])
def test_every_wording_of_a_death_toll_is_one_measure(read, text, surface):
    assert one(read(text), surface).measure == "deaths"


@pytest.mark.parametrize("text, surface, measure", [
    ("Officials said 30 people were still missing.", "30", "missing"),
    ("About 400 people were injured in the blast.", "About 400", "injured"),
    ("Some 5,000 residents were evacuated from the coast.", "Some 5,000", "evacuated"),
    ("The quake had a magnitude of 6.4.", "6.4", "magnitude"),
    ("Winds reached 150 mph before landfall.", "150 mph", "speed"),
    # a gust is a gust, however the unit or a broader word hangs by it
    ("The storm brought gusts of 188 mph.", "188 mph", "gust speed"),
    ("A station recorded a 188 mph wind gust.", "188 mph", "gust speed"),
    ("The storm had sustained winds of 140 mph.", "140 mph", "speed"),
    # people sent to help are not people something befell, even beside a toll
    ("The blizzard killed 19 people, and the army has deployed 6,500 troops to clear roads.", "6,500 troops", "deployed"),
    ("Some 2,300 soldiers and police were sent to the valley.", "Some 2,300", "deployed"),
    # what befell a place's people outranks their being its people
    ("The flood also caused the deaths of four residents of the nearby village of Brava.", "four residents", "deaths"),
    ("Brava, a town of 12,000 residents, was flooded.", "12,000 residents", "population"),
    ("The quake claimed 1,317 lives and injured 2,050 residents.", "1,317 lives", "deaths"),
    # a "to" the parser left without its figure still owns it: the toll is the toll, the next clause's count injured
    ("The toll in the Varnia earthquake has risen to 2,140 and more than with 1,380 have been injured, "
     "Reuters reported on Tuesday.", "2,140", "deaths"),
    ("The toll in the Varnia earthquake has risen to 2,140 and more than with 1,380 have been injured, "
     "Reuters reported on Tuesday.", "1,380", "injured"),
    # the people a figure counts are not what befell them, whatever their noun says of them
    ("On Saturday 30 captives were freed.", "30 captives", "released"),
    ("Some 60 captives remain in the camp.", "Some 60", "held captive"),
    # those who lived are no part of the toll beside them
    ("Nine people were killed and two survived, the airline said.", "two", "survivors"),
    ("Rescuers found three survivors in the wreck.", "three survivors", "survivors"),
])
def test_measures_other_than_deaths(read, text, surface, measure):
    assert one(read(text), surface).measure == measure


def test_a_killed_and_a_missing_figure_in_one_sentence_keep_their_own_measures(read):
    claims = read("The storm killed 43 people and left 36 missing.")
    assert one(claims, "43").measure == "deaths"
    assert one(claims, "36").measure == "missing"


# --------------------------------------------------------------------------- owner


def test_two_places_in_one_sentence_each_own_their_figure(read):
    claims = read("The quake killed 300 people in Malatya and 120 people in Adana.")
    assert one(claims, "300").owner == "malatya"
    assert one(claims, "120").owner == "adana"


def test_a_clause_joined_to_another_names_its_own_place(read):
    claims = read("The council said 31 of the victims were in the port of Brava and six were in nearby Lorna de Sal.")
    assert one(claims, "six").owner == "lorna de sal"
    assert one(read("Five people died in nearby Kestrel."), "Five").owner == "kestrel"


@pytest.mark.parametrize("name", ["Kahramanmaraş", "Kahramanmaras", "Kahramanmaraş's", "the Kahramanmaras", "Kahramanmaras."])
def test_place_names_fold_accents_possessives_and_articles(name):
    assert fold_name(name) == "kahramanmaras"


# --------------------------------------------------------------------------- role


@pytest.mark.parametrize("text, surface, role", [
    ("Officials initially said 8 people had died in the fire.", "8", "superseded"),
    ("The toll was previously put at 5,500.", "5,500", "superseded"),
    ("Crews cleared 25 trucks each day at the border.", "25", "rate"),
    ("The deal frees four detainees for every captive.", "four", "ratio"),
    ("Rescuers pulled 15 more people from the rubble.", "15", "increment"),
    ("By evening they had found 12 more.", "12", "increment"),
    ("The storm killed 640 people, more than a third of them in the hills.", "640", "total"),
    ("As many as 700, or more than half of the victims, died in the south.", "As many as 700", "total"),
    ("Of the dead, 43 were in the port city.", "43", "total"),
    ("Only quakes of magnitude 5 or above are counted.", "5", "condition"),
])
def test_roles(read, text, surface, role):
    assert one(read(text), surface).role == role


# --------------------------------------------------------------------------- modality


@pytest.mark.parametrize("text, surface, modality", [
    ("The death toll could reach 20,000, officials warned.", "20,000", "projected"),
    ("The government rejected a plan for a 90-day pause.", "90-day", "rejected"),
    ("The proposal would see a 45-day pause in the fighting.", "45-day", "proposed"),
    ("At least 90 people were killed on Monday.", "At least 90", "reported"),
    # what the subject did, said in a relative clause, is no forecast of the main verb's
    ("The cyclone, which has claimed 37 lives so far, could cost insurers billions.", "37", "reported"),
    # what the object says is what is denied
    ("The ministry denied reports that said 300 people died.", "300", "rejected"),
    ("The government rejected a plan that would free 27 hostages.", "27", "rejected"),
    # what a thing did, however deep under an offer
    ("The accord offered a pause in a feud started by a raid which killed 1,460 people.", "1,460", "reported"),
    ("Officials are expected to announce that 30 people died.", "30 people", "projected"),
])
def test_modalities(read, text, surface, modality):
    assert one(read(text), surface).modality == modality


def test_a_reports_content_is_not_ruled_by_a_modal_the_parser_hangs_the_report_under(nlp, general):
    """"A study suggests Mira killed 26 people - it could cost billions", parsed
    (as the parser sometimes does after a quote) with "suggests" under "cost":
    the "could" is the next clause's, the toll is reported."""
    from spacy.tokens import Doc

    from checker.claims import _modality, _path_to_root

    words = ["A", "study", "suggests", "Mira", "killed", "26", "people", "-", "it", "could", "cost", "billions", "."]
    heads = [1, 2, 10, 4, 2, 6, 4, 10, 10, 10, 10, 10, 10]
    deps = ["det", "nsubj", "ccomp", "nsubj", "ccomp", "nummod", "dobj", "punct", "nsubj", "aux", "ROOT", "dobj",
            "punct"]
    lemmas = ["a", "study", "suggest", "Mira", "kill", "26", "people", "-", "it", "could", "cost", "billion", "."]
    pos = ["DET", "NOUN", "VERB", "PROPN", "VERB", "NUM", "NOUN", "PUNCT", "PRON", "AUX", "VERB", "NOUN", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, lemmas=lemmas, pos=pos)

    class Figure:
        start = doc[5].idx

    assert _modality(_path_to_root(doc[5]), doc.text, Figure, 0, general.lexicon) == "reported"
    # a modal over the figure's own clause still rules it: "Mira could kill 26 people."
    doc = Doc(nlp.vocab, words=["Mira", "could", "kill", "26", "people", "."], heads=[2, 2, 2, 4, 2, 2],
              deps=["nsubj", "aux", "ROOT", "nummod", "dobj", "punct"],
              lemmas=["Mira", "could", "kill", "26", "people", "."], pos=["PROPN", "AUX", "VERB", "NUM", "NOUN", "PUNCT"])

    class Figure:  # noqa: F811 - the new sentence's figure
        start = doc[3].idx

    assert _modality(_path_to_root(doc[3]), doc.text, Figure, 0, general.lexicon) == "projected"


# --------------------------------------------------------------------------- dates


def test_a_weekday_dates_the_figure_it_governs(read):
    # published on Wednesday 2025-06-04: "on Monday" is 2025-06-02
    c = one(read("On Monday, officials said 30 people were missing."), "30")
    assert (c.date, c.date_basis) == ("2025-06-02", "explicit")


def test_the_date_of_an_event_named_in_the_sentence_is_not_the_figures(read):
    c = one(read("More than 90 people abducted in the raid on March 3 are still held.", "2025-04-10"), "More than 90")
    assert c.date == "2025-04-10"
    assert c.event_date == "2025-03-03"


# --------------------------------------------------------------------------- facts and conflicts


def test_one_toll_in_different_words_is_one_fact(run):
    facts, _ = run([
        ("Wire", "2025-06-01", "The flood killed 900 people in Riverton."),
        ("Daily", "2025-06-01", "In Riverton, 905 people died in the flood."),
        ("Herald", "2025-06-01", "The death toll in Riverton stands at 900."),
    ])
    deaths = [f for f in facts if f.measure == "deaths"]
    assert len(deaths) == 1 and len({c.source_id for c in deaths[0].claims}) == 3
    assert deaths[0].behaviour == "cumulative"
    assert "riverton" in deaths[0].description


def test_a_falling_toll_is_flagged_even_when_the_noun_is_lost(run):
    _, flags = run([
        ("Wire", "2025-06-01", "The death toll rose to 64 on Sunday, officials said."),
        ("Daily", "2025-06-03", "The death toll now stands at 51, officials said."),
    ])
    assert [f.code for f in flags] == ["CK104"]
    assert 0 < flags[0].confidence <= 1


def test_a_rising_toll_is_not_flagged(run):
    _, flags = run([
        ("Wire", "2025-06-01", "The flood killed 120 people in Riverton."),
        ("Daily", "2025-06-03", "The flood has killed 160 people in Riverton."),
    ])
    assert flags == []


def test_a_fixed_fact_revised_later_is_a_conflict_whatever_the_dates(run):
    facts, flags = run([
        ("Wire", "2025-06-01", "The dam was 45 metres tall."),
        ("Daily", "2025-06-20", "The dam, 70 metres tall, burst at night."),
    ])
    assert [f.behaviour for f in facts if f.measure == "height"] == ["fixed"]
    assert [f.code for f in flags] == ["CK101"]


def test_a_batch_is_not_the_deals_total(run):
    _, flags = run([
        ("Wire", "2025-02-01", "Under the deal, 200 detainees will be freed."),
        ("Daily", "2025-02-01", "On the second day, a batch of 42 detainees were freed."),
    ])
    assert flags == []


def test_an_earlier_superseded_figure_is_not_set_against_the_current_one(run):
    _, flags = run([
        ("Wire", "2025-06-02", "Officials initially said 8 people had died in the fire."),
        ("Daily", "2025-06-02", "The fire killed 20 people, officials said."),
    ])
    assert flags == []


def test_a_running_totals_earlier_figure_is_one_of_its_points(run):
    facts, flags = run([
        ("Wire", "2025-06-03", "The toll in Brava rose to 90, up from 40 a day earlier."),
        ("Daily", "2025-06-03", "The fire killed 95 people, officials said. The toll had previously stood at 60."),
        ("Post", "2025-06-04", "At least 97 people have died in Brava."),
    ])
    toll = [f for f in facts if f.measure == "deaths"]
    # the earlier figures are points of the toll's past: one fact with the current ones...
    assert len(toll) == 1 and {c.quantity.surface for c in toll[0].claims} >= {"40", "60", "90", "95 people"}
    # ...and none of them is set against a later figure
    assert toll[0].owner == "brava"
    assert not [f for f in flags if {c.role for c in f.claims} & {"superseded"}]


def test_a_rejected_plan_is_not_the_agreed_term(run):
    _, flags = run([
        ("Wire", "2025-02-01", "The government rejected a plan for a 90-day pause."),
        ("Daily", "2025-02-01", "The agreement would see a 42-day pause."),
    ])
    assert flags == []


def test_a_projection_is_not_a_count(run):
    _, flags = run([
        ("Wire", "2025-06-02", "The death toll could reach 20,000, officials warned."),
        ("Daily", "2025-06-02", "The flood killed 5,000 people, officials said."),
    ])
    assert flags == []


def test_neighbouring_places_are_different_facts(run):
    facts, flags = run([
        ("Wire", "2025-06-02", "The quake killed 300 people in Malatya."),
        ("Daily", "2025-06-02", "The quake killed 120 people in Adana."),
    ])
    assert flags == []
    owners = sorted(f.owner for f in facts if f.measure == "deaths")
    assert owners == ["adana", "malatya"]


def test_a_ratio_is_not_a_count(run):
    _, flags = run([
        ("Wire", "2025-02-01", "The deal frees four detainees for every captive."),
        ("Daily", "2025-02-01", "The deal frees 200 detainees."),
    ])
    assert flags == []


# --------------------------------------------------------------------------- the CLI


def test_facts_command_lists_each_facts_claims(tmp_path, monkeypatch, nlp, capsys):
    from checker.cli import main

    (tmp_path / "a.txt").write_text(" date 2025-06-01\nThe flood killed 900 people in Riverton.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(" date 2025-06-02\nIn Riverton, 700 people died in the flood.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["facts", ".", "--format", "json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    deaths = [f for f in facts if f["measure"] == "deaths"]
    assert len(deaths) == 1
    assert {c["source_id"] for c in deaths[0]["claims"]} == {"a.txt", "b.txt"}
    assert {"source_id", "sentence", "surface", "value", "date"} <= set(deaths[0]["claims"][0])
    assert deaths[0]["spread"] == "700 to 900"


def test_different_authorities_disagreeing_on_a_toll_a_day_apart(run):
    # a day later, another authority's toll is lower: they count differently
    _, flags = run([
        ("Wire", "2025-06-01", "The flood has killed 3,900 people in Riverton, according to the United Nations."),
        ("Daily", "2025-06-02", "The flood has killed 3,100 people in Riverton, according to the interior ministry."),
    ])
    assert [f.code for f in flags] == ["CK106"]
    assert "interior ministry" in flags[0].message and "United Nations" in flags[0].message


def test_a_toll_that_grows_over_a_day_is_not_flagged_whoever_gives_it(run):
    _, flags = run([
        ("Wire", "2025-06-01", "The flood has killed 3,100 people in Riverton, according to the interior ministry."),
        ("Daily", "2025-06-02", "The flood has killed 3,900 people in Riverton, according to the United Nations."),
    ])
    assert flags == []


def test_a_figure_apart_from_a_fixed_fact_most_sources_agree_on_is_one_flag(run):
    agree = [(f"Outlet{i}", f"2025-06-0{i}", "The dam was 45 metres tall.") for i in range(1, 5)]
    _, flags = run(agree + [("Odd", "2025-06-05", "The dam was 70 metres tall.")])
    assert [f.code for f in flags] == ["CK101"]
    assert "Odd" in flags[0].message


def test_a_later_figure_a_tenth_of_the_toll_is_doubtful(run):
    # more often the toll of one strike or one day than a revision of the whole
    _, flags = run([
        ("Wire", "2025-06-01", "The war has killed 4,000 people in Riverton, officials said."),
        ("Daily", "2025-06-03", "The strike killed 13 people in Riverton, officials said."),
    ])
    assert [f.code for f in flags] == ["CK104"] and flags[0].confidence < 0.5


def test_each_days_release_is_its_own_fact(run):
    facts, flags = run([
        ("Wire", "2025-01-19", "The authorities released 45 prisoners on Sunday."),
        ("Daily", "2025-01-25", "The authorities released 160 prisoners on Saturday."),
        ("Post", "2025-01-25", "The authorities freed 160 prisoners, officials said."),
    ])
    released = sorted(len(f.claims) for f in facts if f.measure == "released")
    assert released == [1, 2] and flags == []


def test_the_seeds_two_real_flags_come_from_the_general_path_alone(nlp, general):
    """No story pack: the lexicon alone pairs six weeks with 45 days (one
    proposal's term) and 35 to 40 hostages with all the women, children and
    elderly (reported on different days, still one proposal's term)."""
    from checker.sources import load_sources
    from tests.conftest import SEEDS

    sources, _ = load_sources([SEEDS], SEEDS)
    claims = [c for _, cl in extract(sources, general, nlp=nlp) for c in cl]
    shown = [f for f in compare(claims, general) if f.confidence >= 0.5]
    pairs = {(f.code, frozenset(c.quantity.surface for c in f.claims)) for f in shown}
    assert pairs == {
        ("CK102", frozenset({"six-week", "45-day"})),
        ("CK103", frozenset({"35 to 40 Israeli hostages", "all the women, children and elderly Israeli hostages"})),
    }


@pytest.mark.parametrize("text, surface", [
    ("The probe was designed to dive to 2,500 metres below the ice.", "2,500 metres"),
    ("The dam was built to hold 22 million cubic metres.", "22 million cubic metres"),
    ("The hull is rated to 3,000 metres.", "3,000 metres"),
])
def test_a_specification_is_a_limit_not_a_measurement(read, text, surface):
    assert one(read(text), surface).role == "limit"


def test_same_day_winds_differ_by_the_hour(run):
    _, flags = run([
        ("Wire", "2025-10-25", "Winds reached 80 mph as the storm formed."),
        ("Daily", "2025-10-25", "Winds reached 150 mph at landfall."),
    ])
    assert all(f.confidence < 0.5 for f in flags)


def test_at_least_a_count_is_the_count_not_an_open_bound(run):
    _, flags = run([
        ("Wire", "2025-03-01", "The war has killed at least 48,000 people in Riverton, according to the health ministry."),
        ("Daily", "2025-03-01", "The war has killed more than 61,500 people in Riverton, according to the government."),
    ])
    assert [f.code for f in flags] == ["CK106"]


def test_a_falling_toll_names_its_fact_whole_and_an_unknown_outlet_by_file_name(nlp, general):
    from checker.claims import extract as extract_claims

    sources = [
        Source(id="tmp/x/a.txt", path="/tmp/x/a.txt", text="The flood has killed 120 people in Porto.",
               outlet="Wire", published="2025-06-01"),
        Source(id="tmp/x/b.txt", path="/tmp/x/b.txt", text="The flood has killed 90 people in Porto.",
               outlet=None, published="2025-06-03"),
    ]
    claims = [c for _, cl in extract_claims(sources, general, nlp=nlp) for c in cl]
    [flag] = compare(claims, general)
    assert "the total for deaths in porto can only grow" in flag.message
    assert "b.txt (2025-06-03)" in flag.message and "tmp/x" not in flag.message


# --------------------------------------------------------------------------- readings fixed against real coverage


@pytest.mark.parametrize("text, surface", [
    ("The reservoir lies about 18 kilometres (11 miles) below the ridge.", "11 miles"),
    ("Gusts reached 150 mph (241 km/h) at the coast.", "241 km/h"),
    ("The wall stands 30 metres [98 feet] high.", "98 feet"),
])
def test_a_conversion_in_brackets_restates_its_figure_and_is_not_compared(read, text, surface):
    claims = read(text)
    assert one(claims, surface).role == "conversion"
    assert all(c.role != "conversion" for c in claims if not c.quantity.surface.startswith(surface))


def test_two_figures_in_brackets_that_are_not_a_conversion_stay_figures(read):
    claims = read("The clinic treated 40 people (12 children) overnight.")
    assert one(claims, "12").role != "conversion"


@pytest.mark.parametrize("text", [
    "More than 9,000 people were killed when a storm struck the coast in 1971.",
    "About 9,000 people died after a cyclone hit the delta in 1971.",
])
def test_a_year_in_a_clause_about_the_figures_verb_makes_it_another_events(read, text):
    c = [c for c in read(text, "2025-06-04") if "9,000" in c.quantity.surface][0]
    assert c.role == "reference" and c.event_date == "1971-01-01"


@pytest.mark.parametrize("text", [
    "Gunmen killed 9,000 people during the March 3, 2019 raid on the valley.",
    "Gunmen killed 9,000 people in the 2019 raid on the valley.",
    "The talks offered a pause in a war sparked by the rebels' March 3, 2019, raid on Esk, which killed 9,000 people.",
    "The truce took effect on 19 May 2025, a pause in a war set off by the March 3, 2019, raid on Esk, which killed 9,000 people.",
    # the parser hangs "which killed" on the place, whose raid is in apposition to the date
    "The pact, backed by four states, began on May 19, 2025, giving a break in a war triggered by the rebels’s "
    "March 3, 2019, attack on Riverton, which killed 9,000 people and wounded 2,000 more.",
])
def test_a_dated_event_the_figures_verb_is_tied_to_makes_it_that_events(read, text):
    """The event's name carries its date ("the 2019 raid"), whether the
    figure's verb takes it as an object or the parser hangs the verb's
    clause on it; a nearer date of the report's own time does not hide it."""
    c = one(read(text, "2025-06-04"), "9,000")
    assert c.role == "reference"


@pytest.mark.parametrize("text", [
    "Since the 2019 raid on the valley, gunmen have killed 9,000 people.",
    "Gunmen killed 9,000 people in the 2025 raid on the valley.",
])
def test_a_running_total_since_an_event_or_this_years_event_is_not_another_events(read, text):
    c = one(read(text, "2025-06-04"), "9,000")
    assert c.role == "total"


def test_a_past_events_toll_against_another_reports_is_a_conflict_whenever_each_was_written(run):
    """A toll of a raid two years back is a fixed fact: 2,395 and "more than
    2,400" cannot both be right, though the reports are weeks apart."""
    _, flags = run([
        ("Wire", "2025-02-08", "Militants killed more than 2,400 people during the March 3, 2023 raid on Esk."),
        ("Daily", "2025-03-18", "The truce ended a war sparked by the March 3, 2023, raid on Esk, which killed 2,395 people."),
    ])
    assert [(f.code, sorted(c.quantity.surface for c in f.claims)) for f in flags] == [
        ("CK101", ["2,395 people", "more than 2,400 people"])]


@pytest.mark.parametrize("text", [
    "Since the fighting began in 2019, at least 9,000 people have been killed in the province.",
    "The levee, built in 1971, failed, and 9,000 people were killed.",
])
def test_a_year_that_starts_a_running_total_or_describes_a_noun_is_not_the_figures(read, text):
    c = [c for c in read(text, "2025-06-04") if "9,000" in c.quantity.surface][0]
    assert c.role == "total"


def test_a_place_after_a_direction_owns_the_distance_whatever_the_tagger_says(read):
    # the small model tags two-word capes and points as people; "east of X" is still a place
    claims = read("The ship sank about 640 miles east of Cape Morgan and 210 miles south of Port Elwin.")
    assert "morgan" in one(claims, "about 640").owner
    assert "elwin" in one(claims, "210").owner


def test_a_measurement_of_the_noun_it_modifies_is_surer_than_a_bare_unit(read):
    claims = read("The 34-foot hull was found. The crew had 52 hours of air. The gap was 300 feet, they said.")
    assert one(claims, "34-foot").measure_sure > one(claims, "300 feet").measure_sure
    assert one(claims, "52 hours").measure_sure > one(claims, "300 feet").measure_sure


def test_a_weekday_in_the_future_tense_is_the_coming_one(read):
    # published on Wednesday 2025-06-04
    c = one(read("Officials said 40 detainees will be freed on Saturday.", "2025-06-04"), "40")
    assert c.date == "2025-06-07"
    c = one(read("Officials said 40 detainees were freed on Saturday.", "2025-06-04"), "40")
    assert c.date == "2025-05-31"


def test_two_accounts_of_one_named_occasion_written_on_different_days_are_rival_terms(run):
    from checker.rulepack import Settings

    _, flags = run([
        ("Wire", "2025-02-20", "The fragile truce will continue on Saturday with a new release of four captives "
                               "in exchange for 300 detainees."),
        ("Post", "2025-02-23", "In return for Saturday’s release, the government was expected to free 360 detainees."),
    ])
    # both speak of the release of Saturday 22 February, though one was written before it and one after
    assert [f.code for f in flags if f.confidence >= Settings().flag_threshold] == ["CK101"]


def test_a_peoples_name_owns_its_figures_in_singular_and_plural(read):
    claims = read("The army freed 30 Moldovan captives. Later 12 Moldovans were freed.")
    assert one(claims, "30").owner == one(claims, "12").owner == "moldovan"


def test_a_release_on_another_named_day_is_not_the_phases_term(run):
    from checker.rulepack import Settings

    _, flags = run([
        ("Wire", "2025-02-01", "Under the plan, 300 detainees would be released."),
        ("Daily", "2025-02-08", "Under the plan, 90 detainees will be released on Saturday."),
    ])
    # a figure tied to another day is more often the next batch than a rival term
    assert all(f.confidence < Settings().flag_threshold for f in flags)
    _, flags = run([
        ("Wire", "2025-02-01", "In the first phase, 300 detainees would be released."),
        ("Daily", "2025-02-08", "In the first phase, 90 detainees would be released."),
    ])
    # neither names an occasion: two accounts of one phase's term
    assert [f.code for f in flags if f.confidence >= Settings().flag_threshold] == ["CK101"]


@pytest.mark.parametrize("text, surface", [
    ("The freed soldiers were Dana Orlev (23) and Mira Kass (27).", "23"),
    ("Tomas Reyes, 54, was pulled from the rubble on Friday.", "54"),
])
def test_a_bare_number_beside_a_name_is_that_persons_age(read, text, surface):
    c = one(read(text), surface)
    assert c.measure == "age" and c.owner in ("dana orlev", "tomas reyes")


def test_one_persons_age_given_two_ways_is_a_conflict(run):
    _, flags = run([
        ("Wire", "2025-02-01", "Among those freed was Dana Orlev (23), a lookout."),
        ("Daily", "2025-02-01", "Among those freed was Dana Orlev (24), a lookout."),
    ])
    assert [(f.code, sorted(c.quantity.surface for c in f.claims)) for f in flags] == [("CK101", ["23", "24"])]


@pytest.mark.parametrize("text", [
    "Three hostages, Dana, Tom and Ben, were freed on Saturday.",
    "The farmer’s wife, Dana, and his three small sons, Noam, 6, and Tom, 3, were still held.",
])
def test_names_listed_beside_a_count_of_people_are_not_its_owner(read, text):
    """The names are the people counted (or listed beside them), not a place
    or group the count belongs to."""
    c = [c for c in read(text) if c.quantity.surface.lower().startswith(("three", "two"))][0]
    assert c.owner == ""


def test_a_sons_age_is_the_sons_and_his_given_name_alone_is_the_same_person(run):
    facts, flags = run([
        ("Wire", "2025-02-01", "The search covered the crew, including the businessman Omar Khalid "
                               "and his 17-year-old son Idris Khalid."),
        ("Daily", "2025-02-01", "Those lost: Omar Khalid, a businessman, and his 16-year-old son, Idris."),
    ])
    ages = [f for f in facts if f.measure == "age"]
    assert [(f.owner, len(f.claims)) for f in ages] == [("idris khalid", 2)]
    assert [(f.code, sorted(c.quantity.surface for c in f.claims)) for f in flags] == [
        ("CK101", ["16-year-old", "17-year-old"])]


def test_a_year_in_an_undated_article_is_read_against_the_latest_year_it_names(read):
    text = ("The 2024 floods forced 3,000 people from their homes. "
            "In 1971, a cyclone in the same delta was estimated to have left at least 9,000 people dead.")
    c = [c for c in read(text, None) if "9,000" in c.quantity.surface][0]
    assert c.role == "reference"


def test_a_count_of_two_measures_at_once_is_neither(read):
    claims = read("Rescuers said about 75 were dead or missing after the landslide. The storm killed 40 and injured 90.")
    assert one(claims, "about 75").measure == ""
    assert (one(claims, "40").measure, one(claims, "90").measure) == ("deaths", "injured")


def test_the_set_a_part_is_taken_from_is_not_the_parts_measure(read):
    claims = read("Two of the 14 miners are dead, officials said.")
    assert one(claims, "14").measure == ""


def test_a_later_toll_is_set_against_earlier_tolls_of_its_own_scale(run):
    _, flags = run([
        ("Wire", "2025-06-01", "The storm killed 62 people, officials said. The army sent 8,000 troops to recover the dead."),
        ("Daily", "2025-06-04", "The storm has killed 57 people, officials said."),
    ])
    surfaces = [sorted(c.quantity.surface for c in f.claims) for f in flags if f.code == "CK104"]
    assert ["57 people", "62 people"] in surfaces


def test_a_previous_reports_figure_is_superseded(read):
    c = one(read("In its previous report, the agency said 40 people had died in the floods."), "40")
    assert c.role == "superseded"


@pytest.mark.parametrize("a, b", [
    ("mile per hour", "kilometre per hour"), ("knot", "mile per hour"), ("square mile", "square kilometre"),
    ("nautical mile", "mile"), ("cubic metre", "litre"), ("fraction", "percentage"),
])
def test_units_of_one_kind_meet_in_one_family(a, b):
    from checker.units import unit_family

    assert unit_family(a)[0] == unit_family(b)[0]


def test_a_speed_in_miles_and_one_in_kilometres_are_one_fact(run):
    facts, flags = run([
        ("Wire", "2025-06-01", "The storm came ashore with winds of 150 mph."),
        ("Daily", "2025-06-01", "The storm came ashore with winds of 241 km/h."),
    ])
    speeds = [f for f in facts if f.measure == "speed"]
    assert len(speeds) == 1 and len(speeds[0].claims) == 2
    assert flags == []  # 150 mph is 241 km/h


def test_a_round_figures_own_rounding_is_measured_in_its_own_unit(run):
    # "9,500 feet" is good to 50 feet (15 m), not to 50 metres
    _, flags = run([
        ("Wire", "2025-06-01", "The wreck lies at a depth of 9,500 feet."),
        ("Daily", "2025-06-02", "The wreck lies at a depth of 2,930 metres."),
    ])
    assert [f.code for f in flags] == ["CK101"]
    _, flags = run([
        ("Wire", "2025-06-01", "The wreck lies at a depth of 9,500 feet."),
        ("Daily", "2025-06-02", "The wreck lies at a depth of 2,895 metres."),
    ])
    assert flags == []


def test_one_word_names_a_measure_by_the_figures_unit(read):
    claims = read("The storm damaged 2,000 homes. The storm caused $3 billion in damage.")
    assert one(claims, "2,000").measure == "buildings damaged"
    assert one(claims, "$3 billion").measure == "cost"


def test_destroyed_is_not_damaged_but_damaged_or_destroyed_counts_the_damaged(read):
    claims = read("The quake destroyed 900 homes. Another 4,000 homes were damaged or destroyed.")
    assert one(claims, "900").measure == "buildings destroyed"
    assert one(claims, "4,000").measure == "buildings damaged"


def test_a_year_on_the_figures_own_noun_makes_it_another_times(read):
    c = one(read("The storm damaged 41,000 homes, close to the 45,000 homes registered in 2018.", "2025-06-04"),
            "45,000")
    assert c.role == "reference"


def test_lives_lost_are_deaths_but_life_sentences_are_not(read):
    claims = read("The flood claimed 300 lives. Of the prisoners freed, 58 were serving life sentences.")
    assert one(claims, "300").measure == "deaths"
    assert one(claims, "58").measure != "deaths"


def test_gusts_are_not_the_sustained_wind(read):
    claims = read("The storm made landfall with winds of 150 mph, gusting up to 190 mph.")
    assert one(claims, "150").measure == "speed"
    assert one(claims, "up to 190").measure == "gust speed"


def test_a_unit_that_names_a_measure_is_not_overridden_by_another_kind(read):
    claims = read("The remains of Dana Orlev, 41, were returned on Sunday.")
    assert one(claims, "41").measure == "age"


def test_a_modal_word_in_a_contrast_is_not_the_figures_modality(read):
    c = one(read("Within about nine hours, against all forecasts, the river rose above the levee."), "about nine hours")
    assert c.modality == "reported"


def test_a_terms_length_reported_or_proposed_is_one_fact(run):
    facts, flags = run([
        ("Wire", "2025-02-01", "The six-week truce began on Sunday."),
        ("Daily", "2025-02-02", "Under the deal, the truce would last 30 days."),
    ])
    truce = [f for f in facts if f.measure == "duration"]
    assert len(truce) == 1 and len(truce[0].claims) == 2
    assert flags and flags[0].code in ("CK101", "CK102")


@pytest.mark.parametrize("text", [
    "The truce is to last six weeks.",
    "The truce is expected to last six weeks.",
    "The truce was set to last six weeks.",
])
def test_what_is_to_last_is_the_governing_verbs_subject(read, text):
    assert one(read(text), "six weeks").counted == "truce"


def test_what_lasts_is_what_a_duration_measures(read, general):
    from checker.facts import group_key

    claims = read("A typical voyage takes six hours. It was meant to be a five-hour trip.")
    six, five = one(claims, "six hours"), one(claims, "five-hour")
    assert six.counted == "voyage"
    assert group_key(six, general) == group_key(five, general)  # a voyage and a trip are one kind of outing


@pytest.mark.parametrize("text, surface", [
    ("Rescuers say the number of people who died in the valley has risen to 940.", "940"),
    ("The tally of those killed by the storm stood at 312 on Friday.", "312"),
    ("Officials put the count of people who drowned at 75.", "75"),
])
def test_an_amount_noun_lends_the_figure_what_it_is_of(read, text, surface):
    assert one(read(text), surface).measure == "deaths"


def test_a_figure_that_is_its_own_nouns_argument_takes_no_amount_nouns_words(read):
    claims = read("The magnitude 6 earthquake that struck on Friday has left a toll of 310 dead.")
    assert one(claims, "6").measure == "magnitude"
    assert one(claims, "310").measure == "deaths"


@pytest.mark.parametrize("text", [
    "A minister said 400 people had died. A hospital director later put that number at 650.",
    "A minister said 400 people had died. A day later this figure was raised to 650.",
])
def test_that_number_points_back_to_the_figure_before(read, text):
    later = one(read(text), "650")
    assert later.measure == "deaths" and later.measure_sure < 1.0


@pytest.mark.parametrize("text, surface, measure", [
    ("The ministry lists 300 dead; the number of injured, though, keeps climbing: it was 410 by Friday.",
     "410", "injured"),
    ("The death toll kept climbing; it reached 320 by noon.", "320", "deaths"),
    ("The tally of missing was revised, and it now stands at 75.", "75", "missing"),
])
def test_it_stands_for_the_amount_noun_before_it(read, text, surface, measure):
    figure = one(read(text), surface)
    assert figure.measure == measure
    assert figure.counted == ""  # "by noon" is when, not what is counted


def test_an_it_with_no_amount_noun_before_it_stands_for_nothing(read):
    claims = read("It was 5 p.m. on Friday when rescuers reached 40 people.")
    assert one(claims, "40").measure != "deaths"
    assert one(read("It reached 320 by noon."), "320").measure == ""


def test_of_two_amount_nouns_the_one_nearer_the_figure_stands_for_it(read):
    claims = read("Estimates by relief groups put the number of deaths at more than 3,200, with 7,500 still missing.")
    assert one(claims, "more than 3,200").measure == "deaths"


def test_the_number_alone_does_not_point_back(read):
    claims = read("A minister said 400 people had died. The number of tents stands at 650.")
    assert one(claims, "650").measure == ""


@pytest.mark.parametrize("text, surface, measure", [
    ("Since the pause began, 12 captives have been freed, while an estimated 55 remain in captivity.", "an estimated 55",
     "held captive"),
    ("Rescuers pulled 40 people from the rubble, and 25 others were injured.", "25", "injured"),
])
def test_a_word_in_the_figures_own_clause_wins_over_the_clause_above(read, text, surface, measure):
    assert one(read(text), surface).measure == measure


def test_a_falling_toll_is_set_against_the_surest_earlier_figure(run):
    _, flags = run([
        ("Wire", "2025-06-01", "The storm killed 1,000 people, officials said."),
        ("Daily", "2025-06-01", "By Sunday 1,050 people were listed by the county as having died."),
        ("Post", "2025-06-05", "The storm has killed 400 people, officials said."),
    ])
    # 1,050 is higher, but its measure word is far from it: 1,000 is the surer evidence of the fall
    falls = [(sorted(c.quantity.surface for c in f.claims), f.confidence) for f in flags if f.code == "CK104"]
    assert len(falls) == 1 and falls[0][0] == ["1,000 people", "400 people"] and falls[0][1] >= 0.9


@pytest.mark.parametrize("text, surface, measure", [
    ("Their release today is welcome, but 40 hostages remain in the city.", "40 hostages", "held captive"),
    ("Twelve hostages were freed on Saturday; 40 hostages are still in the city.", "40 hostages", "held captive"),
    ("Twelve hostages were freed on Saturday; 40 hostages are still in the city.", "Twelve hostages", "released"),
    ("About 30 captives stay in the camp after the swap.", "About 30 captives", "held captive"),
    ("The gunmen took 40 hostages and released 12 of them.", "40 hostages", "taken captive"),
    ("The gunmen took 40 hostages and released 12 of them.", "12", "released"),
])
def test_hostages_who_remain_are_held_and_hostages_taken_are_taken(read, text, surface, measure):
    """A verb saying people are still where they were states the measure their
    noun is the people of, whatever was freed elsewhere in the sentence; "take
    hostage" is read with its figure between the verb and the noun."""
    assert one(read(text), surface).measure == measure


def test_hostages_held_and_a_number_held_are_one_count(run):
    facts, flags = run([
        ("Wire", "2025-03-01", "Militants still hold 40 hostages in the tunnels, officials said."),
        ("Daily", "2025-03-01", "Officials said 46 remain in captivity."),
    ])
    held = [f for f in facts if any(c.measure == "held captive" for c in f.claims)]
    assert len(held) == 1 and len(held[0].claims) == 2
    assert [sorted(c.quantity.surface for c in f.claims) for f in flags] == [["40 hostages", "46"]]


def test_a_falling_toll_is_also_set_against_where_the_count_stood(run):
    """The highest earlier toll came with a revision the same day; a later,
    lower toll is set against both: against the revised figure it is a
    second, smaller fall, which the highest figure alone would hide."""
    _, flags = run([
        ("Wire", "2025-06-01", "The floods have killed 9,000 people, officials said."),
        ("Post", "2025-06-03", "The floods killed 12,000 people, local authorities said."),
        ("Daily", "2025-06-03", "The death toll from the floods has been revised to 4,100."),
        ("Herald", "2025-06-05", "The floods killed 3,600 people, according to the latest official count."),
    ])
    falls = sorted(sorted(c.quantity.surface for c in f.claims) for f in flags if f.code == "CK104")
    assert ["3,600 people", "4,100"] in falls
    assert ["12,000 people", "3,600 people"] in falls


def test_a_falling_toll_is_not_set_again_against_a_figure_older_than_the_highest(run):
    _, flags = run([
        ("Wire", "2025-06-01", "The floods have killed 1,000 people, officials said."),
        ("Post", "2025-06-02", "The floods have killed 2,000 people, officials said."),
        ("Herald", "2025-06-04", "The floods have killed 900 people, officials said."),
    ])
    falls = [sorted(c.quantity.surface for c in f.claims) for f in flags if f.code == "CK104"]
    assert falls == [["2,000 people", "900 people"]]


@pytest.mark.parametrize("a, b", [("St. Ives", "St Ives"), ("St. Ives's", "St Ives"), ("U.S.", "US")])
def test_abbreviations_fold_with_or_without_their_periods(a, b):
    assert fold_name(a) == fold_name(b)


@pytest.mark.parametrize("text, surface, modality", [
    ("On Monday the bank offered the city $2 million to rebuild after the storm that hit on Friday, "
     "killing nearly 400 people.", "nearly 400", "reported"),
    ("The mayor proposed a plan that would free 40 prisoners.", "40", "proposed"),
    ("The army denied reports that said 300 people died in the raid.", "300", "rejected"),
])
def test_a_modal_word_above_an_adverbial_clause_is_not_the_figures(read, text, surface, modality):
    assert one(read(text), surface).modality == modality


def test_an_earlier_report_of_a_fixed_fact_is_a_revision_of_it(run):
    _, flags = run([
        ("Wire", "2025-06-02", "The magnitude was initially given as 6 by the institute."),
        ("Daily", "2025-06-03", "The quake had a magnitude of 5.4, the survey said."),
    ])
    assert [sorted(c.quantity.surface for c in f.claims) for f in flags] == [["5.4", "6"]]


def test_two_earlier_reports_of_a_toll_are_not_set_against_each_other(run):
    _, flags = run([
        ("Wire", "2025-06-02", "Health officials had previously put the toll in the port at 2,500."),
        ("Daily", "2025-06-03", "The agency initially said 6,000 people had died."),
        ("Post", "2025-06-03", "The storm has killed 1,900 people, the agency said."),
    ])
    assert flags == []


@pytest.mark.parametrize("text, surface, owner", [
    ("Floods killed more than 300 people in the coastal city of Brava alone.", "more than 300", "brava"),
    ("The quake killed 420 people in Taranto province and 80 in the town of Esk.", "80", "esk"),
    ("As many as 900, or more than half of the dead, were in the central El-Harlow province.",
     "As many as 900", "el-harlow"),
])
def test_a_place_noun_names_its_place_whatever_the_tagger_says(read, text, surface, owner):
    assert one(read(text), surface).owner == owner


@pytest.mark.parametrize("a, b", [("Taranto province", "Taranto"), ("the province of Taranto", "Taranto")])
def test_an_administrative_level_folds_into_its_place(a, b):
    assert fold_name(a) == fold_name(b)


def test_one_province_named_once_does_not_become_the_owner_of_a_storys_toll(run):
    facts, _ = run([
        ("Wire", "2025-06-02", "The quake in Ruritania killed 1,000 people. Of them, 600 people died in Brava province."),
        ("Daily", "2025-06-02", "In Ruritania, the quake has killed 1,050 people."),
        ("Post", "2025-06-03", "Ruritania says the quake killed 1,100 people."),
    ])
    by_owner = {f.owner: sorted(c.quantity.surface for c in f.claims) for f in facts
                if f.measure == "deaths" and f.role == "total"}
    assert by_owner["brava"] == ["600 people"]
    assert by_owner["ruritania"] == ["1,000 people", "1,050 people", "1,100 people"]


def test_a_place_beside_a_quakes_magnitude_is_no_owner(run):
    facts, flags = run([
        ("Wire", "2025-06-02", "The 5.9 magnitude quake was felt in Lisbon."),
        ("Daily", "2025-06-02", "A 6.3 magnitude quake struck near Porto on Friday."),
    ])
    assert len([f for f in facts if f.measure == "magnitude"]) == 1
    assert [f.code for f in flags] == ["CK101"]


@pytest.mark.parametrize("text, surface, owner", [
    ("Whole districts of Esk, a city of around 60,000 people, were flooded.", "around 60,000", "esk"),
    ("Esk, a community of some 9,000 residents, lost power.", "some 9,000", "esk"),
    ("A town of 5,000 inhabitants was cut off.", "5,000", ""),
])
def test_the_people_a_place_is_of_are_its_population(read, text, surface, owner):
    claim = one(read(text), surface)
    assert (claim.measure, claim.owner) == ("population", owner)


def test_a_population_given_two_ways_is_a_conflict(run):
    _, flags = run([
        ("Wire", "2025-06-02", "Esk, a town of around 60,000 people, was flooded."),
        ("Daily", "2025-06-03", "Esk, a city of about 60,000 people, lies on the coast."),
        ("Post", "2025-06-03", "The city of Esk, home to a population of about 41,000, was hit hard."),
    ])
    assert {tuple(sorted(c.quantity.surface for c in f.claims)) for f in flags} <= {
        ("about 60,000 people", "about 41,000"), ("about 41,000", "around 60,000 people")}
    assert flags and all(f.code == "CK101" for f in flags)


@pytest.mark.parametrize("text, surface", [
    ("The epicentre was 58 km southwest of Esk, the survey said.", "58 km"),
    ("The epicentre was in the hills, 58 km south-west of Esk, at a shallow depth.", "58 km"),
    ("The quake struck 58 kilometres (36 miles) southwest of the market town Esk.", "58 kilometres"),
    ("The epicentre lay 58 kilometres south-western of the city of Esk.", "58 kilometres"),
])
def test_a_distance_is_owned_by_the_place_and_direction_it_is_measured_from(read, text, surface):
    claim = one(read(text), surface)
    assert (claim.measure, claim.owner, claim.role) == ("distance", "esk, sw", "total")


def test_distances_in_two_directions_are_two_positions(run):
    _, flags = run([
        ("Wire", "2025-06-02", "The storm made landfall some 8 miles south of Esk on Tuesday."),
        ("Daily", "2025-06-02", "The storm was about 30 miles north-northwest of Esk on Tuesday."),
    ])
    assert flags == []


def test_distances_a_few_percent_apart_agree_but_not_ten(run):
    _, flags = run([
        ("Wire", "2025-06-02", "The epicentre was 81 km southwest of Esk."),
        ("Daily", "2025-06-02", "The epicentre was 84 km southwest of Esk."),
        ("Post", "2025-06-02", "The epicentre was 70 km southwest of Esk."),
    ])
    pairs = sorted(tuple(sorted(c.quantity.surface for c in f.claims)) for f in flags)
    assert pairs == [("70 km", "81 km"), ("70 km", "84 km")]


def test_prisoners_serving_life_terms_are_counted_per_release(run):
    facts, flags = run([
        ("Wire", "2025-03-02", "The service freed 150 prisoners. Among the freed men, 61 were serving life sentences."),
        ("Daily", "2025-03-02", "The service said 62 of those it freed were serving life sentences."),
        ("Post", "2025-03-09", "A week later the list named 40 men serving life sentences."),
    ])
    assert {c.measure for f in facts for c in f.claims if c.quantity.surface.startswith(("61", "62", "40"))} == {
        "serving life sentences"}
    assert [tuple(sorted(c.quantity.surface for c in f.claims)) for f in flags if f.code == "CK101"] == [("61", "62")]


def test_the_length_of_an_extension_or_a_sentence_is_not_the_truces(run):
    facts, flags = run([
        ("Wire", "2025-03-02", "The group rejected a proposed ten-day truce extension on Sunday."),
        ("Daily", "2025-03-18", "Shelling put an end to the three-month truce."),
        ("Post", "2025-03-18", "The court handed him a 10-year sentence."),
    ])
    durations = [f for f in facts if f.measure == "duration"]
    assert len(durations) == 3 and flags == []


def test_those_sent_into_a_country_are_a_part_of_their_own(run):
    _, flags = run([
        ("Wire", "2025-01-25", "The service said it had freed 200 prisoners in Freedonia on Saturday."),
        ("Daily", "2025-01-25", "Some 45 prisoners were released into Ruritania on Saturday, a radio station reported."),
    ])
    assert flags == []


def test_a_measure_word_only_another_clause_holds_is_a_weaker_guess(read):
    claims = read("Their release brings hope, yet it reminds us that 47 hostages wait in the tunnels.")
    claim = one(claims, "47")
    assert claim.measure == "released" and claim.measure_sure <= 0.6
    # hostages who remain are held, whatever another clause says
    assert one(read("Their release brings hope, yet 47 hostages remain in the tunnels."), "47").measure == "held captive"
    assert one(read("The 47 hostages were released at dawn."), "47").measure_sure == 1.0


def test_nouns_joined_in_one_phrase_are_not_clauses(read):
    claims = read("The deal would free 50 prisoners in exchange for 20 women, 10 children and 5 elderly hostages.")
    assert one(claims, "5 elderly").measure_sure >= 0.7  # four steps from "exchange", no clause between


def test_a_waves_height_is_not_a_dams(run):
    _, flags = run([
        ("Wire", "2025-06-02", "The town was hit by waves four metres high."),
        ("Daily", "2025-06-02", "Engineers inspected a 55-metre-tall dam that stands above the town."),
        ("Post", "2025-06-03", "The height of the three dams was only about 30 metres."),
    ])
    assert [tuple(sorted(c.quantity.surface for c in f.claims)) for f in flags] == [("55-metre", "about 30 metres")]


def test_the_subject_a_measurement_is_predicated_of_is_what_it_measures(read):
    assert one(read("The dam above the town was 45 metres tall."), "45 metres").counted == "dam"
    assert one(read("By then the waves were four metres high."), "four metres").counted == "wave"


def test_a_fraction_and_a_percentage_of_one_thing_are_one_fact(run):
    facts, flags = run([
        ("Wire", "2025-06-02", "The storm destroyed a quarter of the homes in the valley."),
        ("Daily", "2025-06-02", "The storm destroyed 60% of the homes in the valley, officials said."),
    ])
    assert len({c.fact for f in facts for c in f.claims if c.measure == "buildings destroyed"}) == 1
    assert [f.code for f in flags] == ["CK101"]


@pytest.mark.parametrize("a, b, same", [
    ("kharkiv", "kharkov", True), ("el obeid", "el-obeid", True), ("st ives", "st ivess", True),
    ("gambia", "zambia", False), ("austria", "australia", False), ("iran", "iraq", False),
])
def test_spellings_of_one_name(a, b, same):
    from checker.facts import spelling_variant

    assert spelling_variant(a, b) is same


def test_two_spellings_of_a_place_own_one_fact(run):
    facts, flags = run([
        ("Wire", "2025-06-02", "The epicentre was 55 km southwest of Kharkiv."),
        ("Daily", "2025-06-02", "The epicentre was 40 km southwest of Kharkov."),
    ])
    assert len({f.id for f in facts if f.measure == "distance"}) == 1
    assert [f.code for f in flags] == ["CK101"]


def test_a_headline_line_is_a_sentence_of_its_own(nlp):
    doc = nlp("Quake toll rises to 1,480\nThe northern range was the centre of the quake.\n"
              "It struck at night, killing\nmany people.")
    assert [s.text.strip() for s in doc.sents] == [
        "Quake toll rises to 1,480", "The northern range was the centre of the quake.",
        "It struck at night, killing\nmany people."]


@pytest.mark.parametrize("furniture", ["4 min", "4 min read", "3 min read ·"])
def test_a_figure_alone_on_its_line_is_page_furniture_not_a_statement(read, furniture):
    """A reading time under a byline states nothing, and must not lend a
    person named in the caption above it to the story's figures."""
    text = ("Rebels hand over two brothers, Tom and Ben, to the Red Cross\n20/02/2025\n"
            f"{furniture}\n\nThe truce will last six weeks.")
    claims = read(text)
    assert [c.quantity.surface for c in claims if "min" in c.quantity.surface] == []
    assert one(claims, "six weeks").measure == "duration"


def test_a_short_line_with_words_is_still_read(read):
    assert one(read("Quake toll rises to 1,480\nRescuers dug through the night."), "1,480").measure == "deaths"


def test_a_headline_toll_keeps_its_measure(read):
    claims = read("Quake toll rises to 1,480\nThe Dark Range was the centre of the quake.")
    assert one(claims, "1,480").measure == "deaths"


@pytest.mark.parametrize("text, surface, measure", [
    ("Insured losses from the storm are put at $3 billion.", "$3 billion", "insured loss"),
    ("Insured losses from the storm were estimated at up to $3 billion.", "up to $3 billion", "insured loss"),
    ("Insured Losses Estimated at $3 Billion After Coastal Storm", "$3 Billion", "insured loss"),
    ("Losses from the storm were estimated at $3 billion.", "$3 billion", "cost"),
    ("The overall losses are expected to exceed $4 billion.", "exceed $4 billion", "cost"),
])
def test_a_modifier_that_names_a_narrower_measure_refines_it(read, text, surface, measure):
    """On the measure word or on the subject a measure verb states it of
    ("insured losses were estimated at")."""
    assert one(read(text), surface).measure == measure


def test_insurable_damage_is_the_damage_not_what_insurers_pay(read):
    """Insurable losses are those to property that could be insured, insured
    or not: a modeller's ground-up figure, not the insured loss."""
    assert one(read("Insurable damage from the floods is put at $7 billion."), "$7 billion").measure == "cost"


def test_to_exceed_a_figure_is_a_lower_bound(read):
    q = one(read("The overall losses are expected to exceed $4 billion."), "exceed").quantity
    assert (q.kind, q.low, q.high) == ("lower", 4e9, float("inf"))


# --------------------------------------------------------------------------- elapsed times


@pytest.mark.parametrize("text, surface", [
    ("The ferry lost contact with the port about an hour and 40 minutes into the crossing.", "about an hour"),
    ("Radio contact was lost roughly 100 minutes after the ferry sailed.", "roughly 100"),
    ("The ferry vanished just over an hour into its crossing.", "just over"),
    ("The ferry went missing about 1h and 40 minutes after the crossing began.", "about 1h"),
])
def test_an_elapsed_time_is_a_fact_of_the_two_events_it_spans(read, text, surface):
    """Losing contact, vanishing and going missing are one event; sailing, a
    crossing and its start are the one it is counted from."""
    c = one(read(text), surface)
    assert c.role == "offset"
    assert c.span == "lose contact after start of the trip"


@pytest.mark.parametrize("text", [
    "Two days after the quake struck, rescuers had pulled 300 people from the rubble.",
    "Two days after the quake struck, the death toll rose to 2,000.",
    "Two days after the quake struck, 2,000 people were dead.",
])
def test_an_elapsed_time_that_dates_another_figure_is_no_fact_of_its_own(read, text):
    assert one(read(text), "Two days").span == ""


@pytest.mark.parametrize("text, surface", [
    ("The ship with 40 passengers lost contact two hours into its voyage.", "two hours"),
    ("The 12-metre boat vanished about 90 minutes after it sailed.", "about 90"),
])
def test_a_figure_that_only_describes_a_thing_leaves_the_elapsed_time_a_fact(read, text, surface):
    assert one(read(text), surface).span == "lose contact after start of the trip"


def test_an_event_that_strikes_is_counted_from_itself(read):
    c = one(read("The storm made landfall 12 hours after the quake hit the coast."), "12 hours")
    assert c.span == "landfall after quake"


def test_one_pair_of_events_timed_differently_is_a_conflict(run):
    facts, flags = run([
        ("Wire", "2025-06-02", "The ferry lost contact with the port about an hour and 40 minutes into the crossing."),
        ("Daily", "2025-06-03", "Radio contact was lost roughly 100 minutes after the ferry sailed."),
        ("Post", "2025-06-04", "The ferry vanished just over an hour into its crossing."),
    ])
    elapsed = [f for f in facts if f.role == "elapsed"]
    assert len(elapsed) == 1 and elapsed[0].behaviour == "fixed" and len(elapsed[0].claims) == 3
    assert elapsed[0].description == "time: lose contact after start of the trip"
    assert flags and all(f.code == "CK101" for f in flags)
    # the 100 minutes of two sources agree; only "just over an hour" stands apart
    assert all(any(c.quantity.surface == "just over an hour" for c in f.claims) for f in flags)


def test_elapsed_times_of_different_pairs_are_not_compared(run):
    facts, flags = run([
        ("Wire", "2025-06-02", "The storm made landfall 12 hours after it formed."),
        ("Daily", "2025-06-03", "The storm weakened 30 hours after landfall."),
    ])
    assert len({f.id for f in facts if f.role == "elapsed"}) == 2
    assert flags == []


def test_offsets_that_date_figures_are_not_set_against_each_other(run):
    _, flags = run([
        ("Wire", "2025-06-02", "Two days after the quake struck, rescuers had pulled 300 people from the rubble."),
        ("Daily", "2025-06-03", "Three days after the quake struck, rescuers had pulled 300 people from the rubble."),
    ])
    assert flags == []


def test_a_neighbours_toll_stays_its_own_when_both_places_are_the_storys(run):
    facts, flags = run([
        ("Wire", "2025-02-07", "The quake killed 9,000 people in Ruritania and 3,000 people in Freedonia."),
        ("Daily", "2025-02-07", "In Freedonia the quake has killed 3,100 people; in Ruritania, 9,200 people."),
        ("Post", "2025-02-08", "The toll in Freedonia rose to 3,300 people, and Ruritania counted 9,500 people dead."),
    ])
    owners = {f.owner for f in facts if f.measure == "deaths"}
    assert {"ruritania", "freedonia"} <= owners
    assert not [f for f in flags if f.code in ("CK101", "CK104", "CK106")]


def test_an_undated_term_apart_from_what_most_sources_give_is_flagged_against_them(run):
    from checker.rulepack import Settings

    sure = Settings().flag_threshold
    facts, flags = run([
        ("Wire", "2025-02-01", "The six-week truce began on Sunday."),
        ("Daily", "2025-02-02", "The truce is to last six weeks."),
        ("Gazette", None, "Talks on a four-month truce went on."),
        ("Herald", None, "The two-month truce was agreed last year."),
    ])
    shown = [f for f in flags if f.confidence >= sure]
    # the undated four-month term against the six weeks two sources give, not
    # against the other undated figure that merely sits nearer in value
    assert shown and all({c.outlet for c in f.claims} & {"Wire", "Daily"} for f in shown)
    assert any("four-month" in c.quantity.surface for f in shown for c in f.claims)


def test_undated_terms_with_no_value_most_sources_give_are_not_set_against_each_other(run):
    from checker.rulepack import Settings

    _, flags = run([
        ("Wire", None, "Under the plan, 70 detainees would be released."),
        ("Daily", None, "Under the plan, 130 detainees would be released."),
        ("Gazette", None, "Under the plan, 450 detainees would be released."),
    ])
    # three batches or three plans: nothing says which is the deal's term
    assert not [f for f in flags if f.confidence >= Settings().flag_threshold]


@pytest.mark.parametrize("text, surface", [
    ("The explosion killed all seven people on board.", "all seven people"),
    ("The blast killed all seven on board.", "seven"),
    ("All 12 crew members died when the trawler sank.", "12 crew"),
])
def test_all_of_a_group_states_the_groups_size(read, text, surface):
    assert one(read(text), surface).measure == "aboard"


@pytest.mark.parametrize("text, surface, measure", [
    ("The crash killed all 62 people, officials said.", "62", "deaths"),
    ("All 300 homes were destroyed.", "300", "buildings destroyed"),
])
def test_a_group_with_no_measure_of_its_own_or_no_all_keeps_what_befell_it(read, text, surface, measure):
    assert one(read(text), surface).measure == measure


@pytest.mark.parametrize("text, surface", [
    ("Officials put the damage at US $6 billion.", "US $6 billion"),
    ("The plan is worth 52 billion pesos (US $2.9 billion).", "US $2.9 billion"),
])
def test_a_countrys_letters_before_a_currency_sign_name_no_owner_and_count_nothing(read, text, surface):
    figure = one(read(text), surface)
    assert figure.owner == "" and figure.counted != "us"


@pytest.mark.parametrize("text, surface", [
    ("Blizzard toll climbs to 58; scores of drivers still stranded", "58"),
    ("Quake Toll Rises To 517 | Wire\n", "517"),
    ("Flood toll reaches 80: hundreds still unaccounted for", "80"),
])
def test_a_headlines_separator_ends_what_a_figure_counts(read, general, text, surface):
    from checker.facts import group_key

    figure = one(read(text), surface)
    assert figure.quantity.unit == "" and figure.counted == ""
    assert figure.measure == "deaths" and group_key(figure, general) is not None


@pytest.mark.parametrize("text, surface, counted", [
    ("The rig carried 60 hours’ worth of oxygen.", "60 hours", "oxygen"),
    ("It had a 60-hour oxygen supply.", "60-hour", "oxygen"),
    ("The town has a two-week stock of food.", "two-week", "food"),
])
def test_a_container_noun_counts_what_it_holds(read, text, surface, counted):
    assert one(read(text), surface).counted == counted


def test_what_is_left_of_a_supply_runs_down_and_is_not_the_supply(run):
    from checker.rulepack import Settings

    facts, flags = run([
        ("Wire", "2025-03-02", "The rig carried 60 hours of oxygen when it set off."),
        ("Daily", "2025-03-04", "The rig had about 25 hours of oxygen left."),
        ("Post", "2025-03-03", "Officials said the rig had 44 hours of oxygen remaining."),
    ])
    left = [f for f in facts if f.role == "remaining"]
    assert len(left) == 1 and left[0].behaviour == "snapshot" and len(left[0].claims) == 2
    # a day apart, what is left runs down: no flag, and none against the full supply
    assert not [f for f in flags if f.confidence >= Settings().flag_threshold]


@pytest.mark.parametrize("text, day", [
    ("Yesterday afternoon, the harbour office said the ferry had 40 hours of fuel remaining.", "2025-03-03"),
    ("Monday morning, officials said 40 people had died.", "2025-03-03"),
])
def test_a_day_with_its_time_of_day_dates_the_figure(read, text, day):
    assert one(read(text, published="2025-03-04"), "40").date == day


@pytest.mark.parametrize("text, surface", [
    ("Three levees above the village burst on Tuesday.", "Three levees"),
    ("The river breached three levees near the farms.", "three levees"),
])
def test_burst_and_breached_structures_are_destroyed(read, text, surface):
    assert one(read(text), surface).measure == "buildings destroyed"


@pytest.mark.parametrize("text, surface, role", [
    ("Four bridges north of the harbour collapsed on Monday.", "Four bridges", "total"),
    ("Three villages east of the river were destroyed.", "Three villages", "total"),
    ("Two of the five bridges collapsed.", "Two", "part"),
])
def test_things_a_direction_away_from_a_place_are_no_part(read, text, surface, role):
    assert one(read(text), surface).role == role


@pytest.mark.parametrize("text, surface, modality", [
    ("Officials fear the seven passengers aboard may have died.", "seven passengers", "reported"),
    ("Crews could reach all seven on board by noon.", "seven", "reported"),
    ("The ship will carry 300 passengers.", "300 passengers", "proposed"),  # no known group: a plan
    ("The deal would free the 27 hostages.", "27 hostages", "proposed"),  # a running count's term stays one
])
def test_a_fixed_figure_in_a_definite_phrase_is_taken_as_known(read, text, surface, modality):
    assert one(read(text), surface).modality == modality


def test_an_occasions_terms_foretold_or_promised_are_one_fact(run):
    facts, _ = run([
        ("Wire", "2025-02-20", "The army will free 350 detainees in the next exchange."),
        ("Daily", "2025-02-20", "The army is expected to free 430 detainees in the next exchange."),
    ])
    freed = [f for f in facts if f.measure == "released"]
    assert len(freed) == 1 and len(freed[0].claims) == 2


def test_a_distance_off_a_coast_is_measured_from_that_coast(run):
    facts, flags = run([
        ("Wire", "2025-06-20", "The wreck lies 300 nautical miles off the coast of Kestrel Island."),
        ("Daily", "2025-06-20", "The wreck lies 290 miles from the coast of Kestrel Island."),
        ("Post", "2025-06-20", "The wreck lies 285 miles south of Kestrel Island."),
    ])
    coast = [f for f in facts if f.owner == "kestrel island, coast"]
    assert len(coast) == 1 and len(coast[0].claims) == 2
    # 300 nautical miles is about 345 miles: the two accounts of the coast cannot both be right
    assert [f.code for f in flags if f.fact == coast[0].description] == ["CK101"]


def test_a_bracketed_conversion_belongs_to_its_figures_fact_and_is_not_counted_twice(run):
    facts, flags = run([
        ("Wire", "2025-06-20", "The quake struck at a depth of 24 km (15 miles), the survey said."),
        ("Daily", "2025-06-20", "The quake struck at a depth of 12 km, the institute said."),
        ("Post", "2025-06-20", "The quake struck at a depth of 12 km."),
    ])
    depth = [f for f in facts if f.measure == "depth"]
    assert len(depth) == 1 and len(depth[0].claims) == 4  # the bracket restates its figure's fact
    # the restatement is no second source for 18 km, and is never compared itself
    assert all(c.role != "conversion" for f in flags for c in f.claims)
    assert {c.quantity.surface for c in depth[0].claims if c.id in depth[0].dominant} == {"12 km"}


def test_figures_on_another_scale_than_most_sources_are_another_fact(run):
    from checker.rulepack import Settings

    facts, flags = run([
        ("Wire", "2025-04-01", "The war has killed 31,200 people. The raid that began it killed 900 people."),
        ("Daily", "2025-04-02", "The war has killed 31,500 people, officials said."),
        ("Post", "2025-04-03", "The raid that started the war killed more than 1,000 people."),
        ("Herald", "2025-04-03", "So far the war has killed 31,900 people."),
    ])
    deaths = [f for f in facts if f.measure == "deaths"]
    war = next(f for f in deaths if any("31,200" in c.quantity.surface for c in f.claims))
    assert {c.quantity.surface for c in war.claims} >= {"31,200 people", "31,500 people", "31,900 people"}
    assert not any(c.quantity.point and c.quantity.point < 2000 for c in war.claims)
    # the raid's toll, a thirtieth of the war's and stated on the same days, is not a fall of it
    assert not [f for f in flags if f.code == "CK104" and f.confidence >= Settings().flag_threshold]


def test_a_running_totals_figures_in_steps_are_one_fact_and_a_later_higher_scale_is_its_growth(run):
    from checker.rulepack import Settings

    facts, flags = run([
        ("Wire", "2025-04-01", "The quake killed at least 90 people, officials said."),
        ("Daily", "2025-04-01", "The quake has killed 160 people."),
        ("Post", "2025-04-02", "The death toll from the quake rose to 310."),
        ("Herald", "2025-04-02", "The quake has killed 350 people."),
        ("Gazette", "2025-04-05", "The death toll from the quake stood at 1,700."),
    ])
    deaths = [f for f in facts if f.measure == "deaths" and f.claims]
    assert len(deaths) == 1 and len(deaths[0].claims) == 5
    assert not [f for f in flags if f.confidence >= Settings().flag_threshold]


def test_a_few_sources_early_figures_far_below_the_toll_most_give_are_kept_apart(run):
    from checker.rulepack import Settings

    facts, flags = run([
        ("Wire", "2025-04-01", "The storm killed at least 40 people across the region, officials said."),
        ("Daily", "2025-04-02", "The storm has killed 2,100 people in the port city."),
        ("Post", "2025-04-03", "The death toll from the storm rose to 2,600."),
        ("Herald", "2025-04-03", "The storm has killed 2,650 people."),
    ])
    toll = next(f for f in facts if f.measure == "deaths" and any("2,600" in c.quantity.surface for c in f.claims))
    assert not any("40" in c.quantity.surface for c in toll.claims)
    assert not [f for f in flags if f.confidence >= Settings().flag_threshold]


def test_times_of_day_have_no_scale_to_split_on(run):
    facts, _ = run([
        ("Wire", "2025-04-01", "The storm made landfall at 1:10 a.m. local time."),
        ("Daily", "2025-04-01", "The storm made landfall at 4:10 a.m. local time."),
        ("Post", "2025-04-01", "The storm made landfall at 4:10 a.m. local time on Tuesday."),
    ])
    times = [f for f in facts if f.family.startswith("time of day") or "local time" in f.family]
    assert len(times) == 1 and len(times[0].claims) == 3


def test_those_aboard_belong_to_the_vessel_not_to_the_sea_it_sank_in(run):
    facts, _ = run([
        ("Wire", "2025-05-02", "The Nordstar ferry sank in the Baltic with 212 people aboard."),
        ("Daily", "2025-05-02", "There were 212 people aboard the Nordstar."),
        ("Post", "2025-05-03", "The Nordstar had 212 passengers on board."),
    ])
    aboard = [f for f in facts if f.measure == "aboard"]
    assert len(aboard) == 1 and len(aboard[0].claims) == 3
    assert aboard[0].owner != "baltic"  # the sea is where the ferry sank, not whose passengers they are


def test_the_dead_or_missing_who_are_exactly_those_aboard_are_one_group(run):
    facts, _ = run([
        ("Wire", "2025-05-02", "The small plane went down with seven people aboard."),
        ("Daily", "2025-05-02", "There were seven passengers on board the aircraft."),
        ("Post", "2025-05-03", "Rescuers are searching for the seven missing passengers."),
        ("Star", "2025-05-04", "Seven people were killed, the airline said."),
    ])
    group = [f for f in facts if f.measure == "aboard"]
    assert len(group) == 1 and len(group[0].claims) == 4
    assert not [f for f in facts if f.measure in ("deaths", "missing")]


def test_a_count_of_people_with_no_measure_word_that_is_the_groups_size_joins_the_group(run):
    facts, _ = run([
        ("Wire", "2025-05-02", "The small plane went down with seven people aboard."),
        ("Daily", "2025-05-02", "There were seven passengers on board the aircraft."),
        ("Post", "2025-05-03", "The coast guard is searching for seven persons after the plane lost contact with the tower."),
        ("Star", "2025-05-03", "The coast guard is searching for twelve persons after the boat lost contact with the shore."),
    ])
    group = [f for f in facts if f.measure == "aboard"]
    assert len(group) == 1
    assert sorted(c.outlet for c in group[0].claims) == ["Daily", "Post", "Wire"]


def test_a_toll_that_differs_from_the_number_aboard_stays_its_own_fact(run):
    facts, _ = run([
        ("Wire", "2025-05-02", "The small plane went down with seven people aboard."),
        ("Daily", "2025-05-02", "There were seven passengers on board the aircraft."),
        ("Post", "2025-05-03", "Five people were killed, the airline said."),
        ("Star", "2025-05-04", "Seven people were killed, the airline said."),
    ])
    group = [f for f in facts if f.measure == "aboard"]
    deaths = [f for f in facts if f.measure == "deaths"]
    assert len(group) == 1 and len(group[0].claims) == 2
    assert deaths and sum(len(f.claims) for f in deaths) == 2


def test_winds_a_storm_came_ashore_with_are_one_moments_and_differ_surely(run):
    from checker.rulepack import Settings

    threshold = Settings().flag_threshold
    moment = [
        ("Post", "2025-09-09", "The storm made landfall with sustained winds of 160 mph."),
        ("Sun", "2025-09-09", "The storm made landfall with sustained winds of 160 mph."),
    ]
    _, flags = run([("Wire", "2025-09-09", "The storm came ashore with 240 km/h winds.")] + moment)
    assert {f.code for f in flags if f.confidence >= threshold} == {"CK101"}
    # a reading at another hour of the same day may differ by the hour: below the threshold
    _, flags = run([("Wire", "2025-09-09", "By evening the storm had sustained winds of 120 mph.")] + moment)
    assert flags and all(f.confidence < threshold for f in flags)


def test_breathable_air_and_oxygen_are_one_supply(run):
    facts, _ = run([
        ("Wire", "2025-05-02", "The trapped miners had about 30 hours of breathable air left."),
        ("Daily", "2025-05-02", "The trapped miners had 28 hours of oxygen left, officials said."),
    ])
    left = [f for f in facts if f.role == "remaining"]
    assert len(left) == 1 and len(left[0].claims) == 2


@pytest.mark.parametrize("text, surface", [
    ("Flood death toll climbs to 61 days after the storm hit the coast", "61"),
    ("The number of dead rose to 1,350 days after the quake.", "1,350"),
    ("The toll stood at 75 weeks after the blast, officials said.", "75"),
])
def test_a_toll_reached_just_before_a_time_phrase_is_a_count(read, text, surface):
    c = one(read(text), surface)
    assert c.quantity.surface == surface and c.quantity.unit == "" and c.measure == "deaths" and c.role == "total"


@pytest.mark.parametrize("text, surface", [
    ("The talks stalled 61 days after the storm hit the coast.", "61 days"),
    ("The truce was extended to 61 days after talks in the capital.", "61 days"),
])
def test_a_length_of_time_before_a_time_phrase_stays_a_length(read, text, surface):
    assert one(read(text), surface).quantity.unit == "day"


@pytest.mark.parametrize("text, surface, role", [
    ("The toll stood at 61 a week later.", "61", "total"),
    ("The camp receives 450 trucks a week.", "450 trucks", "rate"),
    ("Rescuers found 15 more people.", "15 more", "increment"),
    ("The storm brought winds of 140 miles per hour.", "140 miles per hour", "total"),
])
def test_a_rate_word_inside_a_figure_or_before_a_time_word(read, text, surface, role):
    assert one(read(text), surface).role == role


def test_an_aftershocks_magnitude_is_not_the_quakes(run):
    facts, flags = run([
        ("Wire", "2025-05-02", "The 6.4 quake was followed by a magnitude 5.1 aftershock two hours later."),
        ("Daily", "2025-05-02", "The magnitude 6.4 earthquake struck at night."),
    ])
    quake = [f for f in facts if f.measure == "magnitude" and any("6.4" in c.quantity.surface for c in f.claims)]
    assert len(quake) == 1 and len(quake[0].claims) == 2
    assert not flags


def test_a_city_and_its_country_given_the_same_figures_own_one_toll(run):
    facts, _ = run([
        ("Wire", "2025-04-02", "The flood killed 4,200 people in Velmar, officials said."),
        ("Daily", "2025-04-02", "The flood has killed 4,200 people in Ruritania."),
        ("Post", "2025-04-04", "The flood has now killed 6,100 people in Velmar."),
        ("Herald", "2025-04-04", "The flood has killed 6,100 people in Ruritania."),
        ("Gazette", "2025-04-04", "The death toll in Ruritania stood at 6,100."),
    ])
    tolls = [f for f in facts if f.measure == "deaths" and f.claims]
    assert len(tolls) == 1 and len(tolls[0].claims) == 5


def test_a_provinces_own_toll_beside_its_countrys_stays_apart(run):
    facts, _ = run([
        ("Wire", "2025-04-02", "The quake killed 700 people in Velmar province, officials said."),
        ("Daily", "2025-04-02", "The quake has killed 1,900 people in Ruritania."),
        ("Post", "2025-04-03", "In Velmar province the toll rose to 760."),
        ("Herald", "2025-04-03", "The quake has killed 2,050 people in Ruritania."),
        ("Gazette", "2025-04-03", "The death toll in Ruritania stood at 2,050."),
    ])
    owners = {f.owner for f in facts if f.measure == "deaths" and f.claims}
    assert len(owners) == 2


def test_neighbouring_compass_points_from_one_place_are_one_position(run):
    facts, _ = run([
        ("Wire", "2025-04-02", "The epicentre was 47 km southwest of Velmar, the survey said."),
        ("Daily", "2025-04-02", "The epicentre lay 48 km south of Velmar."),
        ("Post", "2025-04-02", "The village of Osk lies 30 km east of Velmar."),
        ("Herald", "2025-04-02", "The village of Osk is 31 km north of Velmar."),
    ])
    groups = sorted(sorted(c.quantity.surface for c in f.claims) for f in facts if f.measure == "distance")
    assert groups == [["30 km"], ["31 km"], ["47 km", "48 km"]]


@pytest.mark.parametrize("text, surface, measure", [
    ("The toll is grim: 1,400 dead and 1,000 missing according to local authorities.", "1,000", "missing"),
    ("The trip to view the wreck 11,200 feet (3,400 meters) below the ocean, about 520 miles "
     "(840 kilometers) off the coast of Velmar.", "about 520 miles", "distance"),
    ("The rebels agreed to free 28 hostages held in the mountains.", "28 hostages", "released"),
])
def test_a_measure_word_right_after_a_bare_figure_is_its_own(read, text, surface, measure):
    assert one(read(text), surface).measure == measure


def test_a_name_with_and_without_the_kind_of_structure_it_names_is_one_owner(general):
    from checker.facts import build_facts
    from checker.model import Claim, Quantity

    def built(source: str, century: float, owner: str) -> Claim:
        q = Quantity(low=century, high=century, kind="exact", unit="century", surface=f"{century:g}th century")
        return Claim(source_id=source, quantity=q, sentence=f"It dates from the {century:g}th century.", line=1,
                     col=1, measure="year built", measure_sure=1.0, owner=owner, outlet=source)

    facts = build_facts([built("a.txt", 15, "selvan mosque"), built("b.txt", 14, "selvan"),
                         built("c.txt", 15, "selvan bridge"), built("d.txt", 17, "selvan grand")], general)
    owners = sorted(sorted(c.owner for c in f.claims) for f in facts)
    assert owners == [["selvan", "selvan bridge", "selvan mosque"], ["selvan grand"]]


@pytest.mark.parametrize("text, surface, counted", [
    ("An official estimated that 30% of the town was completely destroyed.", "30%", ""),
    ("The floods destroyed a fifth of the homes.", "a fifth", "home"),
])
def test_a_share_of_a_place_counts_the_place_itself(read, text, surface, counted):
    assert one(read(text), surface).counted == counted


def test_a_storms_sustained_winds_are_the_storms_wherever_they_struck(run):
    facts, _ = run([
        ("Wire", "2025-09-02", "In Velmar, the hurricane brought winds of 150 mph."),
        ("Daily", "2025-09-02", "In Ruritania, the hurricane brought 150 mph winds."),
        ("Post", "2025-09-02", "In Ruritania, winds reached 150 mph."),
    ])
    speeds = [f for f in facts if f.measure == "speed"]
    assert len(speeds) == 1 and len(speeds[0].claims) == 3


def test_a_figure_stated_twice_alike_on_another_scale_moves_once(general):
    from checker.facts import build_facts
    from checker.model import Claim, Quantity

    def toll(source: str, value: float) -> Claim:
        q = Quantity(low=value, high=value, kind="exact", surface=f"{value:g}")
        return Claim(source_id=source, quantity=q, sentence=f"The flood killed {value:g}.", line=1, col=1,
                     measure="deaths", measure_sure=1.0, owner="velmar", outlet=source, date="2025-04-02",
                     published="2025-04-02")

    claims = [toll("a.txt", 5000), toll("b.txt", 5100), toll("c.txt", 5050), toll("d.txt", 40), toll("d.txt", 40)]
    assert claims[3].id == claims[4].id
    facts = build_facts(claims, general)
    apart = [f for f in facts if any(c.quantity.point == 40 for c in f.claims)]
    assert len(apart) == 1 and apart[0].apart and len(apart[0].claims) == 2
