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
certainty of the grouping. The second half of the module turns the claims of
each fact (or of a story pack's metric, or of the generic key where the
lexicon is silent) into slots and blocks and yields the pairs the rules
judge. Nothing here imports spaCy.
"""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Iterator

from .names import fold_name
from .model import Claim, sha1
from .rulepack import DEFAULT_WINDOW, Metric, RulePack, Settings, check_metric_scopes, norm_place
from .units import coarse_family, unit_family
from .lexicon import DATING_UNITS, STRUCTURE_NOUNS, TIME_OF_DAY

# Roles whose figures are never set against each other: increments and
# changes differ by nature ("15 more" today, "20 more" tomorrow), and an
# offset is a point in time ("four days after the quake"), not a length, and
# a limit is a specification ("rated to 3,000 metres"), not a measurement.
# an earlier report's figure of a toll or a count is no rival of the current one,
# nor of another earlier report's (of a fixed fact it is a revision: see group_key)
UNCOMPARED_ROLES = frozenset({"increment", "change", "offset", "limit", "superseded"})
# An offset whose two events its sentence names ("lost contact 90 minutes into
# the flight"): the time between them, one fixed fact per pair and day.
ELAPSED = "elapsed"
# Modalities whose figures are guesses, not statements of fact; "unfulfilled"
# is a time its event did not happen at ("failed to return by 5 p.m.").
SPECULATIVE = frozenset({"projected", "hypothetical", "unfulfilled"})
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
    hourly: bool = False  # its measure moves within a day (lexicon `moves_within_a_day`)
    per_occasion: bool = False  # its measure's figures are each one occasion's (lexicon `per_event`)
    at_the_moment: set[str] = field(default_factory=set)  # ids of hourly figures said at the event's moment
    dominant: set[str] = field(default_factory=set)  # ids of the claims of the most stated value (fixed facts)
    consensus: set[str] = field(default_factory=set)  # ids of the claims of the terms most sources give (term facts)
    apart: bool = False  # figures split off another fact for their scale (see _other_scales): a looser grouping

    @property
    def description(self) -> str:
        """"deaths in riverton", "magnitude", "hostage released (batch)"."""
        what = self.measure or "count"
        if self.role == ELAPSED:  # "time: lose contact after start of the trip"
            return f"time: {self.counted}" + (f" ({self.owner})" if self.owner else "") + (
                f" ({self.modality})" if self.modality != "reported" else "")
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
    if counted in lex.measure_words and unit_family(claim.quantity.unit)[0] == "count":
        return ""  # "64 bodies", "2,000 lives": the noun is the measure; a truce's length is the truce's
    counted = lex.counted_class.get(counted, counted)
    if claim.actors and counted in {a.lower() for a in claim.actors}:
        return "people"  # "33 Hungarians", "4,000 Chileans": a nationality counted
    return counted


def group_key(claim: Claim, pack: RulePack) -> tuple[str, str, str, str, str] | None:
    """(measure, counted, unit family, role, modality), or None when the claim
    names no fact that can be compared."""
    q = claim.quantity
    if q.trend != "level":
        return None
    measure = claim.measure
    counted = counted_class(claim, pack)
    family, _ = unit_family(q.unit)
    if claim.role == "offset" and claim.span and family == "duration":
        # the time between two events of one story ("lost contact 90 minutes into the
        # flight") is a fact of that pair of events, whoever or whatever the sentence names
        return measure or "elapsed time", claim.span, family, ELAPSED, claim.modality or "reported"
    if not measure:
        return None  # the lexicon is silent: the generic key (counted noun + event) takes it
    lex = pack.lexicon
    m = lex.behaviour(measure)
    if m is None:
        # a measurement with no word for it, named by its kind of unit: only what
        # it measures ("96 hours of oxygen") can tell it from another of its kind
        thing = (claim.counted or "").lower().strip()
        if not thing or thing in (q.unit or ""):
            return None
        return measure, lex.counted_class.get(thing, thing), family, claim.role or "total", claim.modality or "reported"
    if m.needs_owner and not claim.owner:
        return None  # "a 44-year-old": whose age is not said, nothing to compare
    if m.of_people and counted and counted != "people" and counted not in lex.person_nouns \
            and counted not in lex.measure_words:
        return None  # "two bridges" near "killed": the measure is about people, the figure is not
    if counted == "people" or counted in m.its_people or not (m.by_counted or counted in m.kept_apart):
        counted = ""  # "41 people", "41 dead" and "41 victims" state one toll; "40 hostages held" and "40 held" one count
    if family != "count" and counted in (q.unit or ""):
        counted = ""  # the unit itself, not what it measures
    modality = claim.modality or "reported"
    role = claim.role or "total"
    if role == "superseded":
        # an earlier figure of a fixed fact is a revision of it (both cannot be
        # right); of a running total, an earlier point of it (one fact, never compared)
        role = "total"
    if role == "conversion":
        role = "total"  # "140 mph (225 km/h)": the bracket restates its figure's fact (CK107 judges it)
    if m.behaviour == "term" and modality == "proposed":
        modality = "reported"  # a term is a proposal's by nature: "the six-week truce" and "would last six weeks"
    if m.per_event and modality == "projected":
        modality = "proposed"  # "will free 350", "is expected to free 430": one occasion's terms, however foretold
    # by_counted keeps what is counted or measured apart, whatever the unit:
    # hostages released are not prisoners released, a truce's length not the war's
    return measure, counted, family, role, modality


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


def consensus_of(claims: list[Claim]) -> set[str]:
    """The claims of the value more sources give than any other (at least two
    sources, twice the next value's): a deal's terms as most outlets report them."""
    clusters = value_clusters(claims)
    if not clusters:
        return set()
    sources = sorted((len({c.source_id for c in cl}), i) for i, cl in enumerate(clusters))[::-1]
    top, i = sources[0]
    if top < 2 or (len(sources) > 1 and top < 2 * sources[1][0]):
        return set()
    return {c.id for c in clusters[i]}


def behaviour_of(measure: str, role: str, modality: str, pack: RulePack) -> tuple[str, float]:
    """(behaviour, window in days) of a fact, from its measure, role and modality."""
    lex = pack.lexicon
    if modality in lex.term_modalities or modality in SPECULATIVE:
        return "term", 30.0
    if role in ("superseded", "reference", "condition", "ratio", "rate", ELAPSED):
        return "fixed", math.inf
    if role in ("batch", "remaining"):
        return "snapshot", 0.0  # a day's batch; what is left, which runs down by the day
    m = lex.behaviour(measure)
    if m is None:
        return "fixed", math.inf
    if m.behaviour == "fixed":
        return "fixed", math.inf
    if m.behaviour == "cumulative":
        return "cumulative", 0.0
    return m.behaviour, m.window_days if m.behaviour == "snapshot" else 30.0


def _occasions(claims: list[Claim]) -> dict[str, str]:
    """For a measure whose every figure is one occasion's (a day's release of
    prisoners), the occasion of each dated claim: dates a day or less apart
    are one occasion, named by its first date. Undated claims get none."""
    dated = sorted((d, c.id) for c in claims if (d := day_number(c.date)) is not None)
    out: dict[str, str] = {}
    start = last = None
    for d, cid in dated:
        if last is None or d - last > 1:
            start = d
        out[cid] = date.fromordinal(start).isoformat()
        last = d
    return out


def _clock_days(claims: list[Claim]) -> dict[str, str]:
    """The day each time of day is on: the day its sentence names ("at 6 a.m.
    Sunday"), else the day most of the others name (an article about one dive
    rarely repeats its day beside every time). Times of one event on two days
    ("set off at 6 a.m. Monday", "at 9 a.m. Tuesday") are two facts."""
    day = {c.id: c.event_date or (c.date if c.date_basis == "explicit" else "") or "" for c in claims}
    named = Counter(d for d in day.values() if d)
    main = named.most_common(1)[0][0] if named else ""
    return {cid: d or main for cid, d in day.items()}


STORY_SHARE = 0.3  # a place named beside a fact's figures by this share of its sources is the story's
OWNED_WEIGHT = 2  # a figure its sentence gives to an owner says more than a place merely named beside it


def _one_letter_apart(a: str, b: str) -> bool:
    """One substitution, insertion or deletion turns `a` into `b`."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def spelling_variant(a: str, b: str) -> bool:
    """Two spellings of one name, as transliterations differ ("Kharkiv",
    "Kharkov"; "El Obeid", "El-Obeid"): the same once spaces and hyphens
    go, or one letter apart in names of six letters or more that start alike."""
    x, y = re.sub(r"[\s'’-]", "", a), re.sub(r"[\s'’-]", "", b)
    if x == y:
        return True
    return min(len(x), len(y)) >= SPELLING_MIN_LENGTH and x[:3] == y[:3] and _one_letter_apart(x, y)


SPELLING_MIN_LENGTH = 6


def _named_structure(a: str, b: str) -> bool:
    """One name with and without the kind of structure it names ("osk
    mosque", "osk")."""
    short, long = sorted((a, b), key=len)
    head, _, kind = long.rpartition(" ")
    return bool(short) and head == short and kind in STRUCTURE_NOUNS


_BEARING = {p: 45 * k for k, p in enumerate(("n", "ne", "e", "se", "s", "sw", "w", "nw"))}


def _near_points(a: str, b: str) -> bool:
    """Two positions from one place that agencies give for one point: the
    same, or neighbouring compass points ("48 km south of X", "47 km
    southwest of X"). Points further round ("north" and "east") are two positions."""
    if a == b:
        return True
    if a not in _BEARING or b not in _BEARING:
        return False
    turn = abs(_BEARING[a] - _BEARING[b]) % 360
    return min(turn, 360 - turn) <= 45


def _fold_spellings(members: list[Claim], of_people: bool = False) -> dict[str, str]:
    """Owner -> the most used spelling of the same name, for owners that are
    spellings of one name (the claims themselves keep what their text says).
    `of_people` (owners are persons): a given name alone is the one full name
    in the group that starts with it ("Idris" and "Idris Khalid")."""
    counts = Counter(c.owner for c in members if c.owner)
    if len(counts) < 2:
        return {}
    ranked = sorted(counts, key=lambda o: (-counts[o], o))
    to = {}
    for k, o in enumerate(ranked):
        base, _, point = o.partition(", ")
        for better in ranked[:k]:
            b_base, _, b_point = better.partition(", ")
            if _near_points(point, b_point) and (spelling_variant(base, b_base) or _named_structure(base, b_base)):
                to[o] = to.get(better, better)
                break
    if of_people:
        for o in (o for o in ranked if " " not in o and o not in to):
            full = [n for n in ranked if " " in n and n.split(" ", 1)[0] == o]
            if len(full) == 1:
                to[o] = to.get(full[0], full[0])
    return to


def main_owner(members: list[Claim], spelled: dict[str, str] | None = None, of_a_thing: bool = False) -> str:
    """The owner of a fact's figures that name none: the one with the most
    evidence, figures owned plus sources naming it beside them (a story's
    place is named in the sentences of at least STORY_SHARE of the sources,
    two at least), so one figure's province does not become the whole
    story's owner. A figure that names another owner keeps it: a
    neighbouring country's toll is not the story's. Read from the members
    alone: a fact's owner does not depend on the rest of the corpus. A
    measure `of_a_thing` (those aboard) is owned by no place."""
    by_source: dict[str, set[str]] = {}
    for c in members:
        by_source.setdefault(c.source_id, set()).update(fold_name(p) for p in c.places)
    named = Counter(p for names in by_source.values() for p in names)
    need = max(2.0, STORY_SHARE * len(by_source))
    story = {p for p, n in named.items() if n >= need} if not of_a_thing else set()
    evidence = Counter()
    spelled = spelled or {}
    for c in members:
        if own := claim_owner(c, spelled, of_a_thing):
            evidence[own] += OWNED_WEIGHT
    for p in story:
        evidence[p] += named[p]
    if not evidence:
        return ""
    return min(evidence, key=lambda o: (-evidence[o], o))


def claim_owner(c: Claim, spelled: dict[str, str], of_a_thing: bool = False) -> str:
    """The owner a claim names, in its group's usual spelling; none when a
    thing's measure names only a place ("sank in the Baltic with 40
    aboard": where, not whose)."""
    own = spelled.get(c.owner, c.owner)
    if own and of_a_thing and own in {fold_name(p) for p in c.places}:
        return ""
    return own


SAME_FIGURE = 0.02  # two figures this close (relative) are the same figure restated
COINCIDENT_SHARE = 0.4  # of an owner's figures, the share the main owner's must also state


def _owners_stating_the_main_figures(members: list[Claim], owners: dict[str, str], main: str) -> set[str]:
    """Owners whose figures other sources give as the main owner's: when
    the city's toll is given as 6,100 and 4,200 "in" the city by some
    sources and "in" its country by others, they name two places for one
    count. Two different values of the owner's, and COINCIDENT_SHARE of its
    figures, must equal main-owner figures of other sources (one shared
    small number is chance); a province's own toll (700 beside the
    country's 1,900) shares none and stays apart. Read from the group's
    members alone."""
    if not main:
        return set()
    by_owner: dict[str, list[Claim]] = {}
    for c in members:
        by_owner.setdefault(owners[c.id], []).append(c)
    if len(by_owner) < 2:
        return set()
    # the main owner's figures by value, so each figure looks only at its neighbours in value
    mains = sorted((v, c.source_id) for c in by_owner.get(main, []) if (v := _scaled(c)) is not None)
    keys = [v for v, _ in mains]

    def stated_by_another(c: Claim, x: float) -> bool:
        k = bisect.bisect_left(keys, x * (1 - SAME_FIGURE))
        while k < len(keys) and keys[k] <= x * (1 + SAME_FIGURE):
            if mains[k][1] != c.source_id:
                return True
            k += 1
        return False

    out = set()
    for owner, claims in by_owner.items():
        if owner == main or len(claims) < 2:
            continue
        values = [x for c in claims if (x := _scaled(c)) is not None and stated_by_another(c, x)]
        if len({round(x, 6) for x in values}) >= 2 and len(values) >= COINCIDENT_SHARE * len(claims):
            out.add(owner)
    return out


def build_facts(claims: list[Claim], pack: RulePack) -> list[Fact]:
    """Group claims into facts and set each claim's `fact`. Claims that name
    no comparable fact keep an empty `fact`."""
    groups: dict[tuple, list[Claim]] = {}
    people = []  # counts of people with no measure word: a group's size, perhaps (see _fold_fates_of_a_group)
    for c in claims:
        c.fact = ""
        key = group_key(c, pack)
        if key is not None:
            groups.setdefault(key, []).append(c)
        elif not c.measure and c.quantity.trend == "level" and counted_class(c, pack) == "people":
            people.append(c)
    facts: dict[str, Fact] = {}
    for key, members in groups.items():
        measure, counted, family, role, modality = key
        spelled = _fold_spellings(members, of_people=measure == pack.lexicon.age_beside_name)
        m = pack.lexicon.behaviour(measure)
        # the figures of now name the owner, not the earlier ones a sentence recalls
        thing = m is not None and m.owned_by_a_thing
        main = main_owner([c for c in members if c.role != "superseded"] or members, spelled, thing)
        behaviour, window = behaviour_of(measure, role, modality, pack)
        # a deal's terms are reported on many days and are one fact; a figure of one
        # occasion (reported, or a term dated "on Saturday") is that occasion's
        occasion = {}
        if m is not None and m.per_event:
            occasion = _occasions(members if modality == "reported"
                                  else [c for c in members if c.date_basis == "explicit"])
        if family.startswith(TIME_OF_DAY) or role == ELAPSED:
            occasion = _clock_days(members)  # one flight's timings are not the next flight's
        owners = {}
        for c in members:
            own = claim_owner(c, spelled, thing)
            owners[c.id] = main if not own or (m is not None and m.of_the_event) else own
        same = _owners_stating_the_main_figures(members, owners, main)
        fids: dict[tuple[str, str], str] = {}  # a group's figures fall in a few facts
        for c in members:
            owner = owners[c.id]
            if owner in same:
                owner = main
            when = occasion.get(c.id, "") if occasion else ""
            fid = fids.get((owner, when))
            if fid is None:
                fid = sha1("\x1f".join([measure, counted, family, role, modality, owner, when]))[:10]
                fids[(owner, when)] = fid
            fact = facts.get(fid)
            if fact is None:
                fact = facts[fid] = Fact(fid, measure, counted, family, role, modality, owner,
                                         behaviour, window, hourly=bool(m and m.moves_within_a_day),
                                         per_occasion=bool(m and m.per_event))
            fact.claims.append(c)
            sure = c.measure_sure if measure else FALLBACK_SURE
            if not c.owner and owner:
                sure *= 0.9  # the owner was inferred from the other figures
            fact.sure[c.id] = round(sure, 3)
            c.fact = fid
    _fold_fates_of_a_group(facts, pack, people)
    for fact in list(facts.values()):
        for band, members in _other_scales(fact).items():
            _split_off(fact, band, members, facts)
    for fact in facts.values():
        m = pack.lexicon.behaviour(fact.measure)
        if fact.hourly and m is not None and m.at_a_moment:
            fact.at_the_moment = {c.id for c in fact.claims if _names_a_moment(c.sentence, m.at_a_moment)}
        # what the sources state, each figure once: a bracketed conversion repeats its figure
        stated = [c for c in fact.claims if c.role != "conversion"]
        if fact.behaviour == "fixed":  # a toll that grows takes many values by nature
            clusters = value_clusters(stated)
            sources = lambda cl: len({c.source_id for c in cl})  # noqa: E731
            if len(clusters) > 2:
                top = sources(clusters[0])
                fact.coherence = 1.0 if top >= 2 and top >= sources(clusters[1]) * 2 else 0.6
            fact.dominant = {c.id for c in clusters[0]} if clusters else set()
        elif fact.behaviour == "term":
            fact.consensus = consensus_of(stated)
        if fact.apart:
            fact.coherence *= APART_CERTAINTY
    return sorted(facts.values(), key=lambda f: (-len(f.claims), f.description))


GROUP_FATE_SURE = 0.9  # a fate joins its group by value alone: a little less sure than a measure word


def _group_size(fact: Fact) -> float | None:
    """The size most sources give a group of people (its largest cluster of
    figures, from two sources at least), or None when the sources scatter."""
    clusters = value_clusters([c for c in fact.claims if c.role != "conversion"])
    if not clusters or len({c.source_id for c in clusters[0]}) < 2:
        return None
    return sorted(p for c in clusters[0] if (p := _point(c)) is not None)[len(clusters[0]) // 2]


def _fold_fates_of_a_group(facts: dict[str, Fact], pack: RulePack, people: list[Claim]) -> None:
    """Those a thing carried are one group of people; a count of the dead or
    the missing that always states exactly the group's size ("all 40 aboard
    died", "the 40 missing passengers") is the same people's fate, one fact
    with the group. A toll that differs from the group's size anywhere (38 of
    the 40 dead) stays a fact of its own. So is a count of people with no
    measure word that states the group's size ("the search for 40 people"):
    `people` are those counts."""
    lex = pack.lexicon
    for group in list(facts.values()):
        m = lex.behaviour(group.measure)
        if m is None or not (m.owned_by_a_thing and m.of_people) or group.id not in facts:
            continue
        size = _group_size(group)
        if size is None:
            continue
        for fact in list(facts.values()):
            other = lex.behaviour(fact.measure)
            if (fact is group or other is None or not other.of_people or other.owned_by_a_thing
                    or (fact.role, fact.modality, fact.family) != (group.role, group.modality, group.family)):
                continue
            points = [_point(c) for c in fact.claims]
            if not points or any(p is None or abs(p - size) > SAME_FIGURE * size for p in points):
                continue
            for c in fact.claims:
                group.claims.append(c)
                group.sure[c.id] = round(fact.sure[c.id] * GROUP_FATE_SURE, 3)
                c.fact = group.id
            del facts[fact.id]
        for c in people:
            p = _point(c)
            if (not c.fact and p is not None and abs(p - size) <= SAME_FIGURE * size
                    and (c.role or "total", c.modality or "reported") == (group.role, group.modality)):
                group.claims.append(c)
                group.sure[c.id] = round(FALLBACK_SURE * GROUP_FATE_SURE, 3)
                c.fact = group.id


def _names_a_moment(sentence: str, words: frozenset[str]) -> bool:
    """The sentence ties its figure to the event's one moment ("came ashore
    with 150 mph winds", "at landfall"): a value of that moment, not of an hour."""
    lowered = sentence.lower()
    return any(re.search(rf"\b{re.escape(w)}\b", lowered) for w in words)


SCALE_GAP = 2.5  # figures of one fact further apart than this factor, with none between, are two scales
RATIO_FAMILIES = frozenset({"count", "money", "length", "area", "volume", "duration", "mass", "speed", "percentage"})
APART_CERTAINTY = 0.5  # figures left over from another fact's scale may be several facts: said less surely


def _scaled(c: Claim) -> float | None:
    """A figure's value in its unit family's base unit, or None."""
    p = _point(c)
    if p is None or p <= 0:
        return None
    return p * unit_family(c.quantity.unit)[1]


def _other_scales(fact: Fact) -> dict[int, list[Claim]]:
    """Figures of a fixed or cumulative fact that stand on another scale
    than most sources' ("killed 900" in the raid that started a war,
    beside the war's toll of 31,000; "60 elsewhere" beside the city's
    7,000), by band (a band: values with no gap of SCALE_GAP between
    them). A running total's later, higher figures are its growth, not
    another fact; its early figures far below what most sources give are
    kept apart too (more often a first partial count, or another place's,
    than the same count; and an earlier lower figure is never a conflict).
    A fixed fact does not grow, so any band fewer sources give leaves it;
    of a running total, a figure of an undated source follows its band's
    dated figures, and a band of undated figures alone is kept. Read from
    the fact's members alone."""
    if fact.behaviour not in ("fixed", "cumulative") or fact.per_occasion or not fact.claims \
            or coarse_family(fact.claims[0].quantity.unit) not in RATIO_FAMILIES:
        return {}  # a time of day or a year has no scale: 1 a.m. is not a third of 3 a.m.
    points = sorted(((v, c.id, c) for c in fact.claims if (v := _scaled(c)) is not None), key=lambda t: t[:2])
    if len(points) < 2:
        return {}
    bands: list[list[tuple[float, Claim]]] = [[]]
    for i, (v, _, c) in enumerate(points):
        if i and v > points[i - 1][0] * SCALE_GAP:
            bands.append([])
        bands[-1].append((v, c))
    if len(bands) == 1:
        return {}
    sources = [len({c.source_id for _, c in b}) for b in bands]
    main = max(range(len(bands)), key=lambda i: (sources[i], len(bands[i]), i))
    if sources[main] < 2:
        return {}  # no scale most sources give: two figures alone may be a revision
    days = [d for _, c in bands[main] if (d := day_number(c.date)) is not None]
    last = max(days) if days else None
    out: dict[int, list[Claim]] = {}
    for i, band in enumerate(bands):
        if i == main or sources[i] >= sources[main]:
            continue
        if fact.behaviour == "cumulative":
            dated = [d for _, c in band if (d := day_number(c.date)) is not None]
            grows = sum(1 for d in dated if i > main and last is not None and d > last)
            if len(dated) - grows <= grows:
                continue  # a running total's later, higher figures (or undated ones alone)
        out[i] = [c for _, c in band]
    return out


def _split_off(fact: Fact, band: int, members: list[Claim], facts: dict[str, Fact]) -> None:
    """Move `members` out of `fact` into a fact of their own scale."""
    ids = {c.id for c in members}
    fid = sha1("\x1f".join([fact.id, "scale", str(band)]))[:10]
    new = facts.get(fid)
    if new is None:
        new = facts[fid] = Fact(fid, fact.measure, fact.counted, fact.family, fact.role, fact.modality,
                                fact.owner, fact.behaviour, fact.window_days, hourly=fact.hourly,
                                per_occasion=fact.per_occasion, apart=True)
    for c in members:  # a figure stated twice alike has one id: its certainty is moved once
        new.claims.append(c)
        new.sure[c.id] = fact.sure[c.id]
        c.fact = fid
    fact.claims = [c for c in fact.claims if c.id not in ids]
    for cid in ids:
        del fact.sure[cid]


def summarize(fact: Fact) -> dict:
    """A fact as a reviewer reads it: its figures by date, the spread of its
    values, and which figures stand apart from the value most sources state."""
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


# --------------------------------------------------------------------------- slots and blocks
# Each claim of a comparable fact becomes a `Slot` (the claim plus everything
# the rules need, precomputed: the interval in the fact's base unit, the
# slack, the day number, the scopes and places, the kind of authority), and
# slots are grouped into *blocks*, one per fact (or story-pack metric). Inside
# a block only pairs within the fact's time window are generated, each claim
# meeting at most `max_pairs_per_claim` others, so the work grows with the
# number of claims, never with the number of pairs.

INF = math.inf

@dataclass(slots=True)
class Slot:
    """A claim ready for comparison: everything the rules need, precomputed."""

    claim: Claim
    metric: Metric
    form: str  # "number" | "group" (a categorical subgroup)
    lo: float  # the stated interval in the family's base unit (open ends infinite)
    hi: float
    tol: float  # slack the wording implies ("six-week": 3.5 days), in base units
    slack: float  # slack the metric allows (tolerance relative/absolute)
    approx: bool  # the wording is a hedge ("about", "some")
    day: int | None  # date ordinal, None when undated
    source: str
    scopes: frozenset[str]
    places: frozenset[str]
    authority: str | None

    @property
    def value_key(self) -> float:
        """Where the figure sits on the number line (for nearest-value search)."""
        if self.hi == INF:
            return self.lo
        if self.lo == -INF:
            return self.hi
        return (self.lo + self.hi) / 2

@dataclass
class Block:
    """The slots of one metric (and, for generic keys, one place)."""

    metric: Metric
    place: str = ""
    slots: list[Slot] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.metric.name}@{self.place}" if self.place else self.metric.name

_DATE_CACHE: dict[str, int | None] = {}

def day_number(iso: str | None) -> int | None:
    if not iso:
        return None
    d = _DATE_CACHE.get(iso, -1)
    if d == -1:
        try:
            d = date.fromisoformat(iso[:10]).toordinal()
        except ValueError:
            d = None
        if len(_DATE_CACHE) < 100_000:
            _DATE_CACHE[iso] = d
    return d

class Aligner:
    """Assigns metrics to claims and builds slots; one per compare() call."""

    def __init__(self, pack: RulePack, settings: Settings | None = None, facts=None):
        check_metric_scopes(pack)
        self.facts = {f.id: f for f in facts} if facts is not None else None
        self._fact_metrics: dict[str, Metric] = {}
        self.pack = pack
        self.settings = settings or Settings.from_pack(pack)
        ordered = sorted(pack.metrics, key=lambda m: (-m.priority, m.order))
        self.by_counted: dict[str, list[Metric]] = {}
        for m in ordered:
            for noun in m.counted:
                self.by_counted.setdefault(noun, []).append(m)
        self._generic: dict[tuple[str, str, str], Metric] = {}
        self._authority: dict[str, str | None] = {}
        self._scopes: dict[tuple[int, tuple[str, ...]], frozenset[str]] = {}
        self._places: dict[tuple[str, ...], frozenset[str]] = {}

    # ---- metric assignment
    def metric_for(self, claim: Claim) -> tuple[Metric, str, float] | None:
        """(metric, unit family, factor) for a claim, or None when it names no fact."""
        counted = (claim.counted or "").strip().lower()
        family, factor = unit_family(claim.quantity.unit)
        if not counted:
            return self.fact_metric(claim, family, factor) if self.facts is not None and claim.fact else None
        for m in self.by_counted.get(counted, ()):
            if m.matches(claim, family):
                return m, family, factor
        if self.facts is not None and claim.fact:
            return self.fact_metric(claim, family, factor)
        # Where the lexicon is silent: the generic key (counted noun + event + unit).
        s = self.settings
        if not s.generic_enabled or counted in s.generic_ignore_counted:
            return None
        return self.generic_metric(counted, (claim.event or "").lower(), family, claim.scope), family, factor

    def fact_metric(self, claim: Claim, family: str, factor: float) -> tuple[Metric, str, float] | None:
        """The metric of the claim's fact (facts stage), for claims no story pack names."""
        fact = self.facts.get(claim.fact) if claim.fact else None
        if fact is None or not fact.compared:
            return None
        m = self._fact_metrics.get(fact.id)
        if m is None:
            s = self.settings
            measure = self.pack.lexicon.behaviour(fact.measure)
            m = self._fact_metrics[fact.id] = Metric(
                name=fact.id, over_time=fact.behaviour, description=fact.description,
                unit=family, relative=max(s.generic_relative, measure.tolerance if measure else 0.0),
                absolute=s.generic_absolute,
                window_days=fact.window_days, scopes_ignored=s.generic_ignored_scopes,
                same_place=False, generic=False, certainty=fact.coherence, dominant=frozenset(fact.dominant),
                consensus=frozenset(fact.consensus),
                hourly=fact.hourly, per_occasion=fact.per_occasion, at_the_moment=frozenset(fact.at_the_moment),
                authority_window=s.authority_window_days if fact.behaviour == "cumulative" else 0.0,
            )
        return m, family, factor

    def generic_metric(self, counted: str, event: str, family: str, scopes: list[str]) -> Metric:
        s = self.settings
        if event in s.generic_cumulative_events:
            over_time = "cumulative"
        elif s.generic_term_scopes & set(scopes):
            over_time = "term"
        else:
            over_time = "snapshot"
        key = (counted, event, family, over_time)
        m = self._generic.get(key)
        if m is None:
            name = f"{counted}/{event or '-'}" + ("" if family == "count" else f"/{family}")
            if over_time == "term":
                name += "/term"
            m = self._generic[key] = Metric(
                name=name, over_time=over_time, counted=frozenset({counted}),
                description=f"{counted} ({event})" if event else counted,
                events=frozenset({event}) if event else frozenset(), unit=family,
                relative=s.generic_relative, absolute=s.generic_absolute,
                window_days=s.generic_window.get(over_time, DEFAULT_WINDOW[over_time]),
                scopes_ignored=s.generic_ignored_scopes, same_place=True, generic=True,
            )
        return m

    # ---- helpers
    def authority(self, attribution: str | None) -> str | None:
        """The kind of authority a figure is attributed to ("health ministry"), or None."""
        if not attribution:
            return None
        kind = self._authority.get(attribution, "?")
        if kind == "?":
            kind = None
            for name, patterns in self.settings.authorities:
                if any(p.search(attribution) for p in patterns):
                    kind = name
                    break
            self._authority[attribution] = kind
        return kind

    def scopes(self, metric: Metric, scope: list[str]) -> frozenset[str]:
        key = (id(metric.scopes_ignored), tuple(scope))
        out = self._scopes.get(key)
        if out is None:
            out = frozenset(scope) - metric.scopes_ignored
            self._scopes[key] = out
        return out

    def places(self, names: list[str]) -> frozenset[str]:
        key = tuple(names)
        out = self._places.get(key)
        if out is None:
            out = frozenset(norm_place(p) for p in names)
            self._places[key] = out
        return out

    def is_whole_group(self, claim: Claim) -> bool:
        """"all the hostages", "all remaining hostages": the whole counted set, not a subgroup."""
        q = claim.quantity
        text = (q.group or q.surface or "").lower()
        words = re.findall(r"[a-z][a-z'-]*", text)
        counted = (claim.counted or "").lower()
        unit = (q.unit or "").lower()
        rest = [
            w for w in words
            if w not in self.settings.whole_group_words
            and w not in (counted, unit, counted + "s", counted + "es")
            and not (counted and w.startswith(counted[:-1]) and len(counted) > 3)
        ]
        return not rest

    def slot(self, claim: Claim, default_places: frozenset[str] = frozenset()) -> Slot | None:
        found = self.metric_for(claim)
        if found is None:
            return None
        metric, family, factor = found
        q = claim.quantity
        if q.trend != "level":
            return None  # a change ("rose by 5%"), not a level
        if claim.role == "superseded" and metric.over_time != "fixed":
            return None  # "up from 30 a day earlier": the running total's past, not a rival figure
        if claim.role == "conversion":
            return None  # the figure it restates stands for it
        if q.kind == "categorical":
            if self.is_whole_group(claim) or re.search(r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|dozen)\b",
                                                        (q.group or q.surface or "").lower()):
                return None  # "all the hostages", or "all five passengers": a size already stated
            form, lo, hi = "group", -INF, INF
        else:
            if q.kind == "vague" and not self.settings.compare_vague:
                return None
            if q.low is None and q.high is None:
                return None
            form = "number"
            lo = -INF if q.low is None else q.low * factor
            hi = INF if q.high is None else q.high * factor
            if q.kind == "lower" and hi == INF and lo > 0 and metric.over_time == "cumulative" \
                    and metric.name == claim.fact and self.settings.count_bound_reach:
                # "at least 7,420 killed" reports a count, not an open bound: it reaches a little above
                hi = lo * (1 + self.settings.count_bound_reach)
        mag = max((abs(x) for x in (lo, hi) if math.isfinite(x)), default=0.0)
        places = self.places(claim.places)
        if not places and self.settings.inherit_place:
            places = default_places
        return Slot(
            claim=claim, metric=metric, form=form, lo=lo, hi=hi,
            tol=(q.tolerance or 0.0) * factor,
            slack=max(metric.absolute, metric.relative * mag, implied_precision(q) * factor),
            approx=q.kind == "approx",
            day=0 if metric.over_time == "fixed" else day_number(claim.date), source=claim.source_id,
            scopes=self.scopes(metric, claim.scope), places=places,
            authority=self.authority(claim.attribution),
        )

def implied_precision(q) -> float:
    """The slack a large exact figure's own rounding implies: half a unit of
    its last non-zero digit, at most 3% ("US$52 million" agrees with "$52.3
    million", "10,000" with "10,100"). Small figures are taken as exact: a
    magnitude of 7 is not 6.8."""
    if q.kind != "exact" or q.point is None or abs(q.point) < 1000 or not float(q.point).is_integer():
        return 0.0
    if q.unit in DATING_UNITS:
        return 0.0  # "since 2000" is that year, not a figure rounded to the thousand
    value = int(abs(q.point))
    unit = 1
    while value % (unit * 10) == 0:
        unit *= 10
    return min(unit / 2, 0.03 * abs(q.point))

def main_places(claims: list[Claim], aligner: Aligner) -> dict[str, frozenset[str]]:
    """Per source, the place its claims name most often: a figure with no
    place of its own speaks of the story's main place."""
    counts: dict[str, dict[str, int]] = {}
    for c in claims:
        if c.places:
            per = counts.setdefault(c.source_id, {})
            for p in aligner.places(c.places):
                per[p] = per.get(p, 0) + 1
    out = {}
    for sid, per in counts.items():
        best = max(per.values())
        out[sid] = frozenset(p for p, n in per.items() if n == best)
    return out

def build_blocks(claims: list[Claim], pack: RulePack, aligner: Aligner | None = None,
                 places: dict[str, frozenset[str]] | None = None) -> dict[str, Block]:
    """Group the comparable claims by metric. Claims naming no fact are left out.

    Metrics with `same_place` (every generic key) are split further by place:
    a slot goes to the block of each place it names, or to the block of no
    place when it names none (and its source names none either). So "people
    killed" in Malatya and in Syria never share a block, however large the
    corpus. `places` (source id -> main places) stands in for main_places when
    `claims` are only some of each source's (checker.factkeys)."""
    aligner = aligner or Aligner(pack)
    if places is not None:
        defaults = places if aligner.settings.inherit_place else {}
    else:
        defaults = main_places(claims, aligner) if aligner.settings.inherit_place else {}
    empty: frozenset[str] = frozenset()
    blocks: dict[str, Block] = {}
    for c in claims:
        s = aligner.slot(c, defaults.get(c.source_id, empty))
        if s is None:
            continue
        m = s.metric
        for place in (sorted(s.places) or [""]) if m.same_place else [""]:
            key = f"{m.name}@{place}" if place else m.name
            b = blocks.get(key)
            if b is None:
                b = blocks[key] = Block(m, place)
            b.slots.append(s)
    return blocks


# --------------------------------------------------------------------------- pairs

def compatible(a: Slot, b: Slot) -> bool:
    """Comparable: other sources, nested scopes, and (where the metric asks) a shared place."""
    if a.source == b.source:
        return False
    if not (a.scopes <= b.scopes or b.scopes <= a.scopes):
        return False
    if a.metric.same_place and a.places != b.places and not (a.places & b.places):
        return False
    return True

def _order(s: Slot) -> tuple:
    return (s.day if s.day is not None else -1, s.source, s.claim.line, s.claim.col, s.claim.quantity.surface)

SCAN_FACTOR = 4  # a slot looks at most SCAN_FACTOR * cap others to find its cap partners

def window_pairs(slots: list[Slot], window: float, cap: int,
                 touching: set[int] | None = None) -> Iterator[tuple[Slot, Slot]]:
    """Dated pairs at most `window` days apart, each slot meeting at most `cap`
    compatible slots after it (the nearest in time) among at most
    SCAN_FACTOR * cap looked at. `slots` must be dated and sorted by day.
    With `touching` (indices), only the pairs with one of them are yielded,
    each as it is without it (the pre-commit check needs no others): only the
    slots whose look-ahead can reach one of them are looked from, and the
    others they meet still count towards their `cap`."""
    n = len(slots)
    scan = SCAN_FACTOR * cap
    starts: Iterable[int] = range(n)
    if touching is not None:
        starts = sorted({i for t in touching for i in range(max(0, t - scan), t + 1)})
    for i in starts:
        a = slots[i]
        met = 0
        limit = a.day + window
        mine = touching is None or i in touching
        for j in range(i + 1, min(n, i + 1 + scan)):
            b = slots[j]
            if b.day > limit:
                break
            if compatible(a, b):
                if mine or j in touching:
                    yield a, b
                met += 1
                if met >= cap:
                    break

def nearest_by_value(a: Slot, pool: list[Slot], keys: list[float], cap: int) -> Iterator[Slot]:
    """Compatible slots of `pool` (sorted by value_key, keys alongside) nearest
    in value to `a`, at most `cap` of them, nearest first."""
    k = a.value_key
    right = bisect.bisect_left(keys, k)
    left = right - 1
    met = looked = 0
    n = len(pool)
    while met < cap and looked < SCAN_FACTOR * cap and (left >= 0 or right < n):
        looked += 1
        if right >= n or (left >= 0 and abs(k - keys[left]) <= abs(keys[right] - k)):
            b = pool[left]
            left -= 1
        else:
            b = pool[right]
            right += 1
        if b is a or not compatible(a, b):
            continue
        met += 1
        yield b
