"""The pre-commit check compares with `focus` (the new article's sources): it
must report exactly the flags a whole comparison gives that involve them,
never one more (a pair of two other sources can outrank it) nor one fewer."""
from __future__ import annotations

import random

from checker.engine import compare
from checker.model import Claim, Quantity
from checker.rulepack import load_rulepack

# Measures of each behaviour the lexicon knows (a fixed count of people
# aboard, a magnitude, a toll that can only grow) and a made-up counted noun
# no lexicon names (the generic key, split by place).
BASE = {"aboard": 120, "magnitude": 7, "deaths": 40}
COUNTED = {"aboard": "passenger", "magnitude": "", "deaths": "people"}


def _invented(rng: random.Random, source: str, line: int) -> Claim:
    day = f"2031-07-{rng.randint(1, 9):02d}" if rng.random() < 0.85 else None
    if rng.random() < 0.5:
        measure = rng.choice(sorted(BASE))
        value = rng.choice([1, 1, 1, 0.7, 1.5, 3]) * BASE[measure]
        value = round(value, 1)
        q = Quantity(low=value, high=value, kind=rng.choice(["exact", "exact", "approx"]), surface=f"{value:g}")
        return Claim(source_id=source, quantity=q, sentence=f"Line {line} of {source}.", line=line, col=1,
                     counted=COUNTED[measure], event="kill" if measure == "deaths" else "", measure=measure,
                     measure_sure=1.0, owner=rng.choice(["", "", "brelm", "quask"]), date=day,
                     date_basis="explicit" if day and rng.random() < 0.3 else ("published" if day else "none"),
                     published=day, outlet=source, attribution=rng.choice([None, "the coast guard", "a mayor"]))
    value = rng.choice([10, 10, 12, 20, 50])
    q = Quantity(low=value, high=value, kind="exact", unit="gizmo", surface=f"{value} gizmos")
    return Claim(source_id=source, quantity=q, sentence=f"Line {line} of {source}.", line=line, col=1,
                 counted="gizmo", event=rng.choice(["hold", "hold", "ship", "kill"]),
                 places=rng.sample(["brelm", "quask", "ostrava"], rng.randint(0, 2)), date=day,
                 date_basis="published" if day else "none", published=day, outlet=source,
                 scope=rng.choice([[], [], ["daily"]]))


def _corpus(seed: int) -> tuple[list[Claim], str]:
    rng = random.Random(seed)
    sources = [f"s{i}.txt" for i in range(rng.randint(3, 9))]
    claims = [_invented(rng, s, line) for s in sources for line in range(1, rng.randint(2, 9))]
    return claims, rng.choice(sources)


def _copies(claims: list[Claim]) -> list[Claim]:
    return [Claim.from_dict(c.to_dict()) for c in claims]


def test_focused_comparison_gives_exactly_the_whole_comparisons_flags_of_the_focused_source():
    pack = load_rulepack([])
    differing = []
    for seed in range(600):
        claims, mine = _corpus(seed)
        whole = [f.to_dict() for f in compare(_copies(claims), pack)
                 if any(c.source_id == mine for c in f.claims)]
        focused = [f.to_dict() for f in compare(_copies(claims), pack, focus={mine})
                   if any(c.source_id == mine for c in f.claims)]
        if focused != whole:
            differing.append(seed)
    assert differing == []


def test_a_flag_of_the_focused_source_outranked_by_another_pair_is_not_reported():
    """A figure apart from the value most sources give keeps its surest flag
    only; here that is against another source, so the new one has none."""
    pack = load_rulepack([])

    def aboard(source: str, value: float, attribution: str | None = None) -> Claim:
        q = Quantity(low=value, high=value, kind="exact", surface=f"{value:g}")
        return Claim(source_id=source, quantity=q, sentence=f"{source} said {value:g} were aboard.", line=1, col=1,
                     counted="passenger", measure="aboard", measure_sure=1.0, owner="brelm", date="2031-07-02",
                     published="2031-07-02", outlet=source, attribution=attribution)

    claims = [aboard("a.txt", 120), aboard("b.txt", 120), aboard("c.txt", 120),
              aboard("odd.txt", 180, "the coast guard"), aboard("d.txt", 120, "the navy"),
              aboard("new.txt", 120)]
    whole = compare(_copies(claims), pack)
    involving = lambda flags: sorted(f.id for f in flags if any(c.source_id == "new.txt" for c in f.claims))  # noqa: E731
    assert involving(compare(_copies(claims), pack, focus={"new.txt"})) == involving(whole)


def _varied(claim: Claim, rng: random.Random) -> Claim:
    """The claim, sometimes a projection or a proposal, a vague amount or a whole group."""
    claim.modality = rng.choice(["reported", "reported", "reported", "projected", "proposed"])
    form = rng.random()
    if form < 0.15:
        claim.quantity = Quantity(low=claim.quantity.low, high=(claim.quantity.high or 0) * 10, kind="vague",
                                  surface="dozens of", unit=claim.quantity.unit)
    elif form < 0.25:
        claim.quantity = Quantity(low=None, high=None, kind="categorical", surface="all the passengers",
                                  group="passengers", unit=claim.quantity.unit)
    return claim


def test_a_key_where_the_focused_source_has_no_compared_figure_holds_none_of_its_flags():
    """The check reads only the keys where its article has a figure that is
    compared at all (pipeline.judged_keys, from the article's figures alone);
    every flag a whole comparison gives the article lies in one of them."""
    from checker.factkeys import Keyer
    from checker.pipeline import judged_keys

    pack = load_rulepack([])
    keyer = Keyer(pack)
    missed, skipped = [], 0
    for seed in range(400):
        claims, mine = _corpus(seed)
        rng = random.Random(-seed)
        claims = [_varied(c, rng) for c in claims]
        own = [c for c in _copies(claims) if c.source_id == mine]
        judged = judged_keys(pack, keyer, own)
        skipped += len(set(keyer.split(own)) - judged)
        for f in compare(_copies(claims), pack):
            keys = {keyer.key(c) for c in f.claims if c.source_id == mine}
            if keys and not keys & judged:
                missed.append(seed)
    assert missed == [] and skipped > 50
