"""CK107: a figure against its own restatement in other units, in brackets.
Short invented articles through the real pipeline, the rate table in the
rules pack, and the figure carrying its conversion wherever claims travel."""
from __future__ import annotations


import pytest

from checker.engine import compare
from checker.factkeys import Keyer
from checker.facts import Aligner
from checker.model import Claim, Quantity
from checker.partitioned import claim_keys
from checker.rulepack import RulePackError, load_rulepack
from tests.conftest import article_claims


def ck107(text: str, general, nlp) -> list:
    claims = article_claims([("Harbour Times", "2025-05-02", text)], general, nlp)
    return [f for f in compare(claims, general) if f.code == "CK107"]


def figures(flags) -> list[tuple[str, str]]:
    return [tuple(c.quantity.surface for c in f.claims) for f in flags]


@pytest.mark.parametrize("text, figure, restated", [
    ("The trawler sank about 320 miles (515 m) off the coast.", "about 320 miles", "515 m"),
    ("Gusts reached 90 mph (90 km/h) on the ridge.", "90 mph", "90 km/h"),
    ("The wave was 30 feet (30 metres) high, the agency said.", "30 feet", "30 metres"),
    ("The dam wall stands 40 metres (40 feet) tall.", "40 metres", "40 feet"),
    ("The lorry weighed 8 tonnes (8,000 pounds) when loaded.", "8 tonnes", "8,000 pounds"),
])
def test_a_conversion_off_by_a_unit_slip_is_flagged(text, figure, restated, general, nlp):
    flags = ck107(text, general, nlp)
    assert figures(flags) == [(figure, restated)]
    f = flags[0]
    assert f.claims[0].source_id == f.claims[1].source_id == "0.txt"
    assert f.claims[1].role == "conversion" and f.confidence >= 0.5


@pytest.mark.parametrize("text", [
    "Winds reached 120 mph (193 km/h) as the storm made landfall.",
    "Gusts of 150 mph (240 km/h) were recorded.",
    "The wreck lies 900 feet (275 metres) down.",
    "The village is 60 miles (100 km) from the city.",
    "It is 3 miles (5 km) long.",
    "The farm covers 500 acres (200 hectares).",
    "The tanker spilled 2,000 gallons (7,570 litres) of fuel.",
    "The lake covers 30 square miles (78 square kilometres).",
    "The ship sailed at 10 knots (18 km/h).",
    "The climbers reached 8,000 metres (26,000 feet).",
    "The peak is 13,000 feet (4,000 m) high.",
    "The load was 5 tonnes (11,000 pounds).",
    "Temperatures hit 40C (150F) in the valley.",
    "It rained 10 to 15 inches (25 to 38 cm) in places.",
])
def test_rounded_and_unconvertible_restatements_are_not_flagged(text, general, nlp):
    assert ck107(text, general, nlp) == []


def test_the_message_says_what_the_figure_converts_to(general, nlp):
    [slip] = ck107("The trawler sank about 320 miles (515 m) off the coast.", general, nlp)
    assert "320 miles is about 515 kilometres, not 515 m" in slip.message
    assert "Harbour Times" in slip.message
    [copied] = ck107("Gusts reached 90 mph (90 km/h) on the ridge.", general, nlp)
    assert "90 mph is about 145 kilometres per hour, not 90 km/h" in copied.message
    [feet] = ck107("The wall was 22 feet (2 metres) high.", general, nlp)
    assert "22 feet is about 6.71 metres, not 2 metres" in feet.message


def test_money_is_checked_only_for_gross_errors(general, nlp):
    [gross] = ck107("Each family will receive 60,000 rupees ($7) in aid.", general, nlp)
    assert figures([gross]) == [("60,000 rupees", "$7")]
    assert "not $7" in gross.message and "at usual rates" in gross.message
    # a conversion a little off, or at another day's rate, is no gross error
    assert ck107("Each family will receive 60,000 rupees ($900) in aid.", general, nlp) == []
    assert ck107("The fine was €10 (US$11).", general, nlp) == []
    assert ck107("The bill came to £5 million ($6.3 million).", general, nlp) == []
    # one word for several currencies: a dirham is a tenth of a dollar or a quarter of one
    assert ck107("Families get 50,000 dirhams (about $5,000) each.", general, nlp) == []
    assert ck107("Families get 50,000 dirhams (about $13,500) each.", general, nlp) == []
    assert len(ck107("Families get 50,000 dirhams ($500) each.", general, nlp)) == 1


def test_a_currency_the_table_lacks_is_skipped(general, nlp, tmp_path):
    text = "The club paid 900,000 kuna ($9) for the striker."
    assert ck107(text, general, nlp) == []
    pack_file = tmp_path / "rates.yaml"
    pack_file.write_text("kind: rules\nrules:\n  CK107:\n    usd_rates: {croatian kuna: 0.14}\n", encoding="utf-8")
    extended = load_rulepack([pack_file])
    # a corpus pack adds to the table; the built-in rates stay
    rates = extended.rules["CK107"]["usd_rates"]
    assert rates["croatian kuna"] == (0.14, 0.14) and rates["euro"] == general.rules["CK107"]["usd_rates"]["euro"]
    assert len(ck107(text, extended, nlp)) == 1


@pytest.mark.parametrize("value", ["cheap", -1, [2, 1], [1, 2, 3], True])
def test_a_bad_rate_is_one_clear_error(value, tmp_path):
    pack_file = tmp_path / "rates.yaml"
    pack_file.write_text(f"kind: rules\nrules:\n  CK107:\n    usd_rates: {{euro: {value!r}}}\n".replace("'", ""),
                         encoding="utf-8")
    with pytest.raises(RulePackError, match=r"rules\.CK107\.usd_rates"):
        load_rulepack([pack_file])


def test_disabled_it_raises_nothing(tmp_path, nlp):
    pack_file = tmp_path / "off.yaml"
    pack_file.write_text("kind: rules\nrules:\n  CK107: {enabled: false}\n", encoding="utf-8")
    pack = load_rulepack([pack_file])
    assert ck107("The trawler sank about 320 miles (515 m) off the coast.", pack, nlp) == []


def test_flag_points_at_both_figures_and_the_pre_commit_focus_is_kept(general, nlp):
    text = "Rescuers said the trawler sank about 320 miles (515 m) off the coast."
    claims = article_claims([("Harbour Times", "2025-05-02", text)], general, nlp)
    [flag] = [f for f in compare(claims, general) if f.code == "CK107"]
    figure, restated = flag.claims
    assert text[figure.col - 1:].startswith("about 320 miles")
    assert text[restated.col - 1:].startswith("515 m")
    # the restatement stands for the claim the extractor made of it (same id)
    assert restated.id in {c.id for c in claims if c.role == "conversion"}
    assert [f.code for f in compare(claims, general, focus={"other.txt"}) if f.code == "CK107"] == []


# --------------------------------------------------------------------------- the figure carries its conversion


def _figure_with_conversion(source: str = "a.txt", counted: str = "") -> Claim:
    q = Quantity(low=320, high=320, kind="exact", unit="mile", surface="320 miles", start=10, end=19)
    c = Quantity(low=515, high=515, kind="exact", unit="metre", surface="515 m", start=21, end=26)
    return Claim(source_id=source, quantity=q, sentence="It sank 320 miles (515 m) out.", line=1, col=11,
                 counted=counted, outlet="Harbour Times", date="2025-05-02", published="2025-05-02", restated_as=c)


def test_the_conversion_survives_the_claims_round_trip():
    claim = _figure_with_conversion()
    back = Claim.from_dict(claim.to_dict())
    assert back == claim and isinstance(back.restated_as, Quantity)
    from checker.store import _key_row, _read_key_rows

    [(_, _, keyed)] = _read_key_rows([(claim.source_id, _key_row([(0, claim)]))])
    assert keyed.to_dict() == claim.to_dict() and isinstance(keyed.restated_as, Quantity)
    assert "restated_as" not in _key_row([(0, Claim.from_dict({**claim.to_dict(), "restated_as": None}))])


def test_a_figure_with_a_conversion_always_has_a_fact_key(general):
    """A figure no fact takes still reaches every comparison (scan, check,
    partition): its source's key."""
    claim = _figure_with_conversion()
    assert Keyer(general)._key(claim) is None
    assert Keyer(general).key(claim) == "restated\x1fa.txt"
    assert claim_keys(claim, general, Aligner(general))[0] == "restated\x1fa.txt"
    bare = Claim.from_dict({**claim.to_dict(), "restated_as": None})
    assert Keyer(general).key(bare) is None and claim_keys(bare, general, Aligner(general))[0] is None
    # alone, as a partition or a check would be given it, it raises its flag
    assert [f.code for f in compare([claim], general)] == ["CK107"]


def test_extraction_puts_the_conversion_on_the_figure_before_it(general, nlp):
    claims = article_claims([("Harbour Times", "2025-05-02",
                              "Winds of 120 mph (193 km/h) hit the coast, and 40 people (including 12 children) fled.")],
                            general, nlp)
    by_surface = {c.quantity.surface: c for c in claims}
    assert by_surface["120 mph"].restated_as.surface == "193 km/h"
    assert by_surface["193 km/h"].restated_as is None
    # a bracket that counts a part is no conversion
    assert all(c.restated_as is None for c in claims if c.quantity.unit not in ("mile per hour",))


def test_nautical_miles_are_their_own_unit(quantities, general, nlp):
    """Read as statute miles before (15% shorter): a right conversion looked
    off and a wrong one was reported in the wrong unit."""
    [q, _] = quantities("The ship sank 250 nautical miles (463 km) off the coast.")
    assert (q.low, q.unit) == (250, "nautical mile")
    assert ck107("The ship sank 250 nautical miles (463 km) off the coast.", general, nlp) == []
    [slip] = ck107("The ship sank 250 nautical miles (250 km) off the coast.", general, nlp)
    assert "250 nautical miles is about 463 kilometres, not 250 km" in slip.message


def test_a_bracket_that_goes_on_after_its_figure_is_no_conversion(general, nlp):
    """"(3 miles of it under the sea)" is a remark that starts with a figure,
    not the figure before it restated: CK107 must not read it as one."""
    text = "The new tunnel runs 12 km (3 miles of it under the sea) between the towns."
    claims = article_claims([("Harbour Times", "2025-05-02", text)], general, nlp)
    assert all(c.restated_as is None for c in claims)
    assert ck107(text, general, nlp) == []
