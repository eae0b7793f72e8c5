"""Facts: which claims state one quantity of one thing at one time.

A flag is only as good as the decision that two figures are about the same
fact, so this stage comes before any rule. Two claims belong to one fact
when they agree on the measure (normalized by the lexicon: killed, dead and
death toll are one measure), what is counted (people nouns are one class),
the unit family, the role (total, batch, rate, superseded...), the modality
(reported, proposed, projected...) and the owner (the place, group or thing
the figure belongs to). A claim that names no owner joins the owner most of
its group's claims name: an article about one town rarely repeats the town
beside every figure.

Each fact gets a readable description, a behaviour (fixed, cumulative,
snapshot, term) from its measure, role and modality, and for each member a
certainty of the grouping. Nothing here imports spaCy.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .model import Claim, sha1
from .rulepack import RulePack

# Roles whose figures are never set against each other: increments and
# changes differ by nature ("15 more" today, "20 more" tomorrow), and an
# offset is a point in time ("four days after the quake"), not a length.
UNCOMPARED_ROLES = frozenset({"increment", "change", "offset"})
# Modalities whose figures are guesses, not statements of fact.
SPECULATIVE = frozenset({"projected", "hypothetical"})
FALLBACK_SURE = 0.6  # grouping by counted noun alone, with no measure word


@dataclass
class Fact:
    """One quantity of one thing: its claims and how it behaves over time."""

    id: str
    measure: str
    counted: str
    family: str
    role: str
    modality: str
    owner: str
    behaviour: str
    window_days: float
    claims: list[Claim] = field(default_factory=list)
    sure: dict[str, float] = field(default_factory=dict)  # claim id -> certainty of membership
    coherence: float = 1.0  # lower when the figures scatter over many values (see value_clusters)
    dominant: set[str] = field(default_factory=set)  # ids of the claims of the most stated value (fixed facts)

    @property
    def description(self) -> str:
        """"deaths of people in derna", "magnitude", "released hostage (batch)"."""
        what = self.measure or "count"
        if self.counted and self.counted != "people":
            what = f"{self.counted} {what}" if self.measure else f"number of {self.counted}"
        elif self.counted == "people" and self.measure:
            what = f"{what} (people)"
        if self.owner:
            what += f" in {self.owner}"
        extras = [x for x in (self.role if self.role != "total" else "",
                              self.modality if self.modality != "reported" else "") if x]
        if extras:
            what += f" ({', '.join(extras)})"
        return what

    @property
    def compared(self) -> bool:
        return self.role not in UNCOMPARED_ROLES and self.modality not in SPECULATIVE


def counted_class(claim: Claim, pack: RulePack) -> str:
    """What a figure counts, with every word for people folded into "people"
    and words that are themselves a measure ("lives", "bodies") dropped."""
    lex = pack.lexicon
    counted = (claim.counted or "").lower().strip()
    if not counted:
        return ""
    if counted in lex.people_nouns or counted in ("people", "person"):
        return "people"
    if counted in lex.measure_words:
        return ""
    counted = lex.counted_class.get(counted, counted)
    if claim.actors and counted in {a.lower() for a in claim.actors}:
        return "people"  # "33 Israelis", "46,000 Palestinians": a nationality counted
    return counted


def group_key(claim: Claim, pack: RulePack) -> tuple[str, str, str, str, str] | None:
    """(measure, counted, unit family, role, modality), or None when the claim
    names no fact that can be compared."""
    from .align import unit_family

    q = claim.quantity
    if q.trend != "level":
        return None
    measure = claim.measure
    counted = counted_class(claim, pack)
    family, _ = unit_family(q.unit)
    if not measure:
        return None  # the lexicon is silent: the generic key (counted noun + event) takes it
    m = pack.lexicon.behaviour(measure)
    if m is not None and m.needs_owner and not claim.owner:
        return None  # "a 44-year-old": whose age is not said, nothing to compare
    if counted == "people" or m is None or not m.by_counted:
        counted = ""  # "41 people", "41 dead" and "41 victims" state one toll
    if family != "count" and counted in (q.unit or ""):
        counted = ""
    return measure, counted if family == "count" else "", family, claim.role or "total", claim.modality or "reported"


def thing_of(claim: Claim, pack: RulePack) -> str:
    """For a measurement (a height, a speed, a cost), the thing measured:
    the noun the figure describes ("70-metre dam", "a wave 7 metres high")."""
    from .align import unit_family

    family, _ = unit_family(claim.quantity.unit)
    if family == "count":
        return ""
    counted = (claim.counted or "").lower().strip()
    if not counted or counted in (claim.quantity.unit or "") or counted in pack.lexicon.measure_words:
        return ""
    return counted


def _point(c: Claim) -> float | None:
    """Where a figure sits on the number line: its middle, or its finite bound."""
    q = c.quantity
    if q.kind in ("vague", "categorical"):
        return None
    lo = None if q.low is None or math.isinf(q.low) else q.low
    hi = None if q.high is None or math.isinf(q.high) else q.high
    if lo is None or hi is None:
        return lo if hi is None else hi
    return (lo + hi) / 2


def value_clusters(claims: list[Claim]) -> list[list[Claim]]:
    """The figures of a fact split where their values part by more than 15%,
    largest cluster first. One fact misreported by a few sources has one
    dominant value and outliers; figures that scatter with no dominant value
    are more often several facts mixed."""
    points = sorted(((p, i, c) for i, c in enumerate(claims) if (p := _point(c)) is not None),
                    key=lambda t: (t[0], t[1]))
    clusters: list[list[Claim]] = []
    last = None
    for x, _, c in points:
        if last is None or abs(x - last) > 0.15 * max(abs(x), abs(last), 1e-9):
            clusters.append([])
        clusters[-1].append(c)
        last = x
    return sorted(clusters, key=len, reverse=True)


def behaviour_of(measure: str, role: str, modality: str, pack: RulePack) -> tuple[str, float]:
    """(behaviour, window in days) of a fact, from its measure, role and modality."""
    lex = pack.lexicon
    if modality in lex.term_modalities or modality in SPECULATIVE:
        return "term", 30.0
    if role in ("superseded", "reference", "condition", "ratio", "rate"):
        return "fixed", math.inf
    if role == "batch":
        return "snapshot", 0.0
    m = lex.behaviour(measure)
    if m is None:
        return "fixed", math.inf
    if m.behaviour == "fixed":
        return "fixed", math.inf
    if m.behaviour == "cumulative":
        return "cumulative", 0.0
    return m.behaviour, m.window_days if m.behaviour == "snapshot" else 30.0


def build_facts(claims: list[Claim], pack: RulePack) -> list[Fact]:
    """Group claims into facts and set each claim's `fact`. Claims that name
    no comparable fact keep an empty `fact`."""
    groups: dict[tuple, list[Claim]] = {}
    for c in claims:
        c.fact = ""
        key = group_key(c, pack)
        if key is not None:
            groups.setdefault(key, []).append(c)
    facts: dict[str, Fact] = {}
    for key, members in groups.items():
        measure, counted, family, role, modality = key
        owners = Counter(c.owner for c in members if c.owner)
        main = owners.most_common(1)[0][0] if owners else ""
        behaviour, window = behaviour_of(measure, role, modality, pack)
        for c in members:
            owner = c.owner or main

            fid = sha1("\x1f".join([measure, counted, family, role, modality, owner]))[:10]
            fact = facts.get(fid)
            if fact is None:
                fact = facts[fid] = Fact(fid, measure, counted, family, role, modality, owner,
                                         behaviour, window)
            fact.claims.append(c)
            sure = c.measure_sure if measure else FALLBACK_SURE
            if not c.owner and owner:
                sure *= 0.9  # the owner was inferred from the other figures
            fact.sure[c.id] = round(sure, 3)
            c.fact = fid
    for fact in facts.values():
        if fact.behaviour == "fixed":  # a toll that grows takes many values by nature
            clusters = value_clusters(fact.claims)
            sources = lambda cl: len({c.source_id for c in cl})  # noqa: E731
            if len(clusters) > 2:
                top = sources(clusters[0])
                fact.coherence = 1.0 if top >= 2 and top >= sources(clusters[1]) * 2 else 0.6
            fact.dominant = {c.id for c in clusters[0]} if clusters else set()
    return sorted(facts.values(), key=lambda f: (-len(f.claims), f.description))


def summarize(fact: Fact) -> dict:
    """A fact as a reviewer reads it: its figures by date, the spread of its
    values, and which figures stand apart from the value most sources state."""
    from .align import day_number

    points = [p for c in fact.claims if (p := _point(c)) is not None]
    clusters = value_clusters(fact.claims)
    main = {c.id for c in clusters[0]} if clusters else set()
    if fact.behaviour == "cumulative":
        # a running total stands apart where it is lower than an earlier figure
        dated = sorted(((day_number(c.date), p, c) for c in fact.claims
                        if (p := _point(c)) is not None and day_number(c.date) is not None), key=lambda t: t[:2])
        apart, highest = set(), None
        for day, p, c in dated:
            if highest is not None and p < 0.95 * highest[1] and day > highest[0]:
                apart.add(c.id)
            if highest is None or p > highest[1]:
                highest = (day, p)
    else:
        apart = {c.id for c in fact.claims if _point(c) is not None and c.id not in main} if len(clusters) > 1 else set()

    def fmt(x: float) -> str:
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.4g}"

    spread = "-" if not points else (fmt(min(points)) if min(points) == max(points)
                                     else f"{fmt(min(points))} to {fmt(max(points))}")
    ordered = sorted(fact.claims, key=lambda c: (day_number(c.date) or 0, c.source_id, c.line, c.col))
    return {
        "id": fact.id, "description": fact.description, "measure": fact.measure, "owner": fact.owner,
        "role": fact.role, "modality": fact.modality, "behaviour": fact.behaviour,
        "sources": len({c.source_id for c in fact.claims}), "spread": spread,
        "claims": [{
            "claim_id": c.id, "source_id": c.source_id, "outlet": c.outlet, "sentence": c.sentence,
            "line": c.line, "col": c.col, "surface": c.quantity.surface, "value": c.quantity.value_text(),
            "date": c.date, "sure": fact.sure.get(c.id, 0.0), "apart": c.id in apart,
        } for c in ordered],
    }
