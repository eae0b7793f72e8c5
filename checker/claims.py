"""Turn the quantities of a parsed source into claims: a figure in context.

For each quantity this reads, from the dependency parse and entities of its
sentence: what is counted, the event, actors and places (normalized through
the alias tables), the scope, who the figure is attributed to, and the date it
speaks of. Everything here is a plain function of (Doc, Source, RulePack).
"""
from __future__ import annotations

import bisect
import re
from datetime import date
from typing import Callable, Iterable, Iterator

from . import lexicon as lx
from .clock import is_time_of_day
from .model import Claim, Quantity, Source, line_and_column
from .names import fold_name
from .quantities import TokenIndex, is_separator_noun
from .rulepack import RulePack

REPORTING_VERBS = {
    "say", "tell", "report", "add", "note", "announce", "state", "claim", "estimate",
    "acknowledge", "confirm", "write", "tweet", "insist", "warn", "explain", "reveal",
    "disclose", "indicate", "show", "count", "suggest",
}
EVENT_NOUNS = {
    "release": "release", "freeing": "free", "exchange": "exchange", "death": "die",
    "killing": "kill", "capture": "take", "return": "release", "pause": "pause",
    "ceasefire": "pause", "cease-fire": "pause", "truce": "pause", "evacuation": "evacuate",
    "deaths": "die", "toll": "die", "swap": "exchange",
}
PERSON_LEMMAS = {"people": "person", "persons": "person", "folk": "person"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
NOT_COUNTED_ENTITIES = {"DATE", "TIME", "GPE", "LOC", "PERSON", "ORG", "FAC", "EVENT"}
ACTOR_LABELS = {"ORG", "NORP", "PERSON"}
_ACCORDING_RE = re.compile(r"\baccording to\s+(?P<who>[^,.;:\"“”]+)", re.IGNORECASE)
_SINCE_RE = re.compile(r"\b(?:since|from|after|before|until)\s+$", re.IGNORECASE)


def _lemma(tok) -> str:
    lemma = tok.lemma_.lower() if tok.pos_ != "PROPN" else tok.text.lower()
    if tok.tag_ == "NNPS" and lemma.endswith("s") and len(lemma) > 3:
        lemma = lemma[:-1]  # "Palestinians" -> "palestinian"; "Hamas" stays
    return PERSON_LEMMAS.get(lemma, lemma)


class _Index:
    """Lookups built once per document: tokens by character offset, file lines
    by offset, and entities by sentence (Doc.ents is rebuilt on every access)."""

    def __init__(self, doc, source: Source):
        tokens = TokenIndex(doc)
        self.token_at = tokens.token_at
        self.tokens = tokens.tokens
        self.newlines = [i for i, ch in enumerate(source.text) if ch == "\n"]
        self.source = source
        self.ents = list(doc.ents)
        self.ent_starts = [e.start for e in self.ents]

    def ents_in(self, sent) -> list:
        first = bisect.bisect_left(self.ent_starts, sent.start)
        last = bisect.bisect_left(self.ent_starts, sent.end)
        return [e for e in self.ents[first:last] if e.end <= sent.end]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column in the file (Source.position, with the
        newlines counted once instead of per claim)."""
        return line_and_column(self.newlines, offset, self.source.origin_line, self.source.origin_col)


def _marks_currency(t) -> bool:
    """"US $2.9 billion", "A$ 40": a country's letters before a currency sign mark the currency."""
    return t.i + 1 < len(t.doc) and t.doc[t.i + 1].tag_ == "$" and t.is_upper and len(t) <= 3


def _counted_noun(doc, q: Quantity, toks: list):
    """The noun the figure counts or measures: "40 ... hostages", "six-week
    ceasefire"; through a container noun, what it holds ("hours' worth of air")."""
    noun = _counted_or_container(doc, q, toks)
    if noun is None or noun.lemma_.lower() not in lx.CONTAINER_NOUNS:
        return noun
    held = [c for c in noun.children if c.dep_ == "compound" and c.pos_ == "NOUN"
            and c.lemma_.lower() not in lx.UNIT_LIKE_WORDS and not q.start <= c.idx < q.end]
    held += [o for p in noun.children if p.dep_ == "prep" and p.lower_ == "of"
             for o in p.children if o.dep_ == "pobj" and o.pos_ == "NOUN"]
    return held[0] if held else noun


def _counted_or_container(doc, q: Quantity, toks: list):
    if not toks:
        return None
    inside = {t.i for t in toks}
    unit_words = lx.UNIT_LIKE_WORDS
    # the noun the last number token hangs on, skipping unit words
    for t in reversed(toks):
        if t.pos_ in ("NOUN", "PROPN") and t.lemma_.lower() not in unit_words and not t.like_num and q.kind != "vague":
            if _marks_currency(t):
                continue
            if t.text.lower() not in ("all", "the") and q.kind != "categorical":
                return t
        if t.like_num or t.pos_ == "NUM" or t.lemma_.lower() in unit_words:
            head = t
            for _ in range(4):
                nxt = head.head
                if nxt.i == head.i:
                    break
                head = nxt
                if head.i in inside and head.lemma_.lower() in unit_words:
                    continue
                if any(is_separator_noun(w) for w in doc[min(t.i, head.i) + 1:max(t.i, head.i)]):
                    break  # "Toll Rises To 517 | Wire": across a separator is another phrase
                if head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() not in unit_words and not _marks_currency(head):
                    return head
                if head.pos_ not in ("NOUN", "NUM", "PROPN", "ADJ"):
                    break
    # "the trip takes eight hours", "the truce lasts six weeks": what lasts is the subject
    if q.unit in lx.TIME_UNITS.values() or q.unit in lx.TIME_UNITS:
        verb = toks[-1].head if toks[-1].lemma_.lower() in unit_words else toks[-1].head.head
        if verb.lemma_.lower() in lx.LASTING_VERBS:
            # "the truce is to last", "is expected to last": the subject is the governing verb's
            holders = [verb, verb.head] if verb.dep_ == "xcomp" else [verb]
            subject = next((c for v in holders for c in v.children
                            if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "NOUN"), None)
            if subject is not None:
                return subject
    # "a handful of X", "dozens of X"
    after = doc[toks[-1].i + 1 : toks[-1].i + 5]
    for t in after:
        if t.pos_ in ("NOUN", "PROPN") and not t.like_num and t.is_alpha:
            return t
        if not (t.pos_ in ("DET", "ADJ", "NUM") or (t.pos_ == "ADP" and t.lower_ == "of")
                or (t.pos_ == "PUNCT" and t.is_quote)):
            break  # "reached 320 by noon", "climbs to 58; scores still stranded": what follows is no counted group
    return None


def _event(noun, toks: list) -> str:
    """Held, released, killed...: a verb describing the counted noun, an event
    noun it belongs to ("release of 136 hostages"), or the clause's verb."""
    anchor = noun if noun is not None else (toks or [None])[-1]
    if anchor is None:
        return ""
    if noun is not None and noun.lemma_.lower() in EVENT_NOUNS:
        return EVENT_NOUNS[noun.lemma_.lower()]
    for child in anchor.children:
        if child.dep_ in ("acl", "relcl") and child.pos_ == "VERB":
            return child.lemma_.lower()
    tok = anchor
    for _ in range(6):
        head = tok.head
        if head.i == tok.i:
            break
        if tok.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in EVENT_NOUNS:
            return EVENT_NOUNS[head.head.lemma_.lower()]
        if head.pos_ in ("VERB", "AUX") and head.lemma_.lower() not in REPORTING_VERBS | {"be", "have"}:
            return head.lemma_.lower()
        if head.pos_ == "NOUN" and head.lemma_.lower() in EVENT_NOUNS:
            return EVENT_NOUNS[head.lemma_.lower()]
        tok = head
    return ""


def _phrase(head) -> str:
    """A noun phrase's text up to its first comma or relative clause ("the health
    ministry run by Hamas, which is designated ..." -> "the health ministry run by Hamas")."""
    cut = {t.i for child in head.children if child.dep_ == "relcl" for t in child.subtree}
    words = []
    for t in head.subtree:
        if t.i > head.i and (t.is_punct and t.text not in ("-", "'", "’") or t.i in cut):
            break
        if t.i not in cut:
            words.append(t)
    return "".join(t.text_with_ws for t in words).strip()


def _attribution(sent) -> str | None:
    """Who a figure is attributed to, as written: "according to X", or the subject
    of a reporting verb ("X said", "X told CNN")."""
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
            objects = [c for c in tok.nbor().children if c.dep_ == "pobj"]
            if objects:
                return _phrase(objects[0])
            m = _ACCORDING_RE.search(sent.text[tok.idx - sent.start_char :])
            if m:
                return m.group("who").strip()
    for tok in sent:
        if tok.pos_ == "VERB" and tok.lemma_.lower() in REPORTING_VERBS:
            for child in tok.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.lower_ not in (
                    "it", "they", "we", "i", "he", "she", "this", "that", "which", "who", "you"
                ):
                    return _phrase(child)
    return None


def _scopes(sent_text: str, pack: RulePack) -> list[str]:
    return [name for name, patterns in pack.scopes.items() if any(p.search(sent_text) for p in patterns)]


_MONTH_NUM = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def _explicit_date(sent, ents: list, published: str | None) -> str | None:
    """A full date the sentence states as the time of the figure ("on Jan. 5, 2024")."""
    for ent in ents:
        if ent.label_ != "DATE":
            continue
        before = sent.text[max(0, ent.start_char - sent.start_char - 8) : ent.start_char - sent.start_char]
        if _SINCE_RE.search(before):
            continue
        m = re.match(r"(?i)^(?:on\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$", ent.text.strip())
        if not m:
            continue
        month = _MONTH_NUM.get(m.group(1).lower()[:3])
        if month is None:
            continue
        year = int(m.group(3)) if m.group(3) else (int(published[:4]) if published else None)
        if year is None:
            continue
        try:
            d = date(year, month, int(m.group(2)))
        except ValueError:
            continue
        if published and not m.group(3) and d.isoformat() > published:
            d = date(year - 1, month, int(m.group(2)))
        return d.isoformat()
    return None


def _sentence_facts(sent, ents: list, source: Source, pack: RulePack) -> dict:
    """What a sentence says about all its figures: places, actors, scope,
    attribution, its entities and its measure words (computed once per
    sentence; the date each figure speaks of is read per figure)."""
    places, actors = [], []
    for ent in ents:
        name = pack.canonical(ent.text)
        if ent.label_ in PLACE_LABELS and name not in places:
            places.append(name)
        elif ent.label_ in ACTOR_LABELS and name not in actors:
            actors.append(name)
    return {
        "places": places, "actors": actors, "scope": _scopes(sent.text, pack),
        "said_by": _attribution(sent), "text": sent.text.strip(),
        "ents": ents, "triggers": measure_triggers(sent, pack.lexicon),
    }


# --------------------------------------------------------------------------- reading a figure
# What a figure states, read per figure from its place in the parse: the
# measure (nearest lexicon trigger), its owner, role, modality and the date it
# speaks of. The words come from the lexicon pack (rules/lexicon.yaml).

OWNER_LABELS = {"GPE", "LOC", "FAC", "NORP", "PERSON", "PRODUCT"}
LOCATIVE_PREPS = {"in", "at", "across", "throughout", "near", "outside", "inside", "within", "around", "on",
                  "from", "off", "of", "into"}  # "70 were released into Freedonia": those sent there, a part of their own
MODIFIER_DEPS = {"compound", "amod", "poss", "nmod", "npadvmod", "appos", "nummod"}
FUTURE_AUXILIARIES = {"will", "shall", "'ll", "wo"}  # "wo" is spaCy's token for "won't"
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MAX_TRIGGER_DISTANCE = 5
CLOCK_PATH_DISTANCE = 6  # a time of day's event word found on its path to the root, beyond MAX_TRIGGER_DISTANCE
TIME_OF_DAY = lx.TIME_OF_DAY
# Edges that start a clause of their own: a trigger met across one names
# another clause's figure and loses to one in the figure's own clause.
CLAUSE_DEPS = {"advcl", "conj", "ccomp", "parataxis", "relcl"}
CLAUSE_PENALTY = 2
CROSSED_CLAUSE_SURE = 0.2
STAND_IN_DEPS = {"nsubj", "nsubjpass", "dobj"}
# how a value hangs from the verb of its amount noun ("rose to 90", "is 90", "stood at 90")
COMPLEMENT_DEPS = {"prep", "pobj", "attr", "acomp", "oprd", "npadvmod", "advmod", "nummod", "quantmod"}
REFERS_BACK_DETS = {"that", "this"}
# kinds of measurement whose thing measured the words around can name ("the dam was 45 metres tall")
MEASURED_FAMILIES = {"length", "area", "volume", "duration", "speed", "mass"}
MODALITY_STOP_DEPS = {"advcl"}
OBJECT_PREPOSITIONS = frozenset({"to", "at"})  # "risen to 900", "put the toll at 900": the figure is their object
ALL_OF_GROUP_SURE = 0.8  # "all seven people aboard were killed": the group's size, said in passing
REFERS_BACK_SURE = 0.7  # "later put that number at 900": the measure of the figure it points back to
MAX_OWNER_DEPTH = 4
PREDICATE_POS = {"ADJ", "VERB"}
CONTRAST_PREPS = {"against", "despite", "unlike", "beyond", "contrary"}
OWN_OBJECT_DEPS = {"dobj", "nsubj", "nsubjpass", "attr", "ccomp", "xcomp", "agent"}
AGE_BESIDE_NAME_SURE = 0.9  # "Ana Ruiz (27)": news style for an age
PEOPLE_OF_A_PLACE_SURE = 0.9  # "a town of 5,000 people": news style for a population
FALLBACK_MEASURE_SURE = 0.5  # a measurement named by its kind of unit alone
OWN_NOUN_SURE = 0.7  # ... and by the noun it directly measures


def _path_to_root(tok) -> list:
    path = [tok]
    while path[-1].head.i != path[-1].i and len(path) < 40:
        path.append(path[-1].head)
    return path


def _tree_distance(depth_of: dict[int, int], tok) -> int:
    """Edges between the figure (whose ancestors' depths are `depth_of`) and `tok`."""
    return _meeting(depth_of, tok)[0]


def _meeting(depth_of: dict[int, int], tok) -> tuple[int, int | None]:
    """(edges between the figure and `tok`, the index of the token where
    their paths meet)."""
    for steps, t in enumerate(_path_to_root(tok)):
        if t.i in depth_of:
            return steps + depth_of[t.i], t.i
    return 99, None


def _clauses_crossed(path: list) -> dict[int, int]:
    """For each token on the figure's path to the root, how many clause
    boundaries lie between it and the figure: in "18 were freed, while 82
    remain in captivity", "freed" is another clause's word than "captivity"."""
    out, crossed = {}, 0
    for t in path:
        out[t.i] = crossed
        if _starts_clause(t):
            crossed += 1
    return out


def _starts_clause(t) -> bool:
    """`t` heads a clause of its own under its head: "killing 40 and injuring
    90", not "the women, children and elderly" (nouns joined in one phrase)."""
    return t.dep_ in CLAUSE_DEPS and (t.dep_ != "conj" or t.pos_ in ("VERB", "AUX"))


def _stand_in(path: list, lex):
    """The noun that stands for the figure in its clause ("the number of
    people who died has risen to 900", "put that figure at 900"): what the
    figure measures is said around it, not around the figure."""
    if not lex.amount_nouns:
        return None
    on_path = {t.i for t in path}
    for below, t in zip(path, path[1:]):
        if below.dep_ not in COMPLEMENT_DEPS:
            return None  # the figure is an argument of its own ("a 7 quake left a toll of ..."), not a value
        # of two amount nouns ("estimates put the number of deaths at 3,200"), the nearer the figure
        for child in sorted(t.children, key=lambda c: abs(c.i - path[0].i)):
            if child.dep_ in STAND_IN_DEPS and child.i not in on_path:
                if child.lemma_.lower() in lex.amount_nouns:
                    return child
                if child.lower_ == "it":
                    return _antecedent_amount(child, lex)
        if _starts_clause(t):
            return None  # another clause's subject stands for another figure
    return None


def _antecedent_amount(pronoun, lex):
    """The amount noun an "it" stands for, earlier in its sentence ("the number
    of injured kept rising: it was already 410 by noon"); none for an "it"
    that stands for nothing ("it was 5 p.m.")."""
    for t in reversed(pronoun.doc[pronoun.sent.start:pronoun.i]):
        if t.lemma_.lower() in lex.amount_nouns and t.pos_ == "NOUN":
            return t
    return None


def measure_triggers(sent, lex) -> list:
    """The words of a sentence that name a measure, with the measure: found
    once per sentence, since a sentence may hold many figures."""
    toks = list(sent)
    out = []
    for k, t in enumerate(toks):
        # a word may name several measures; the figure's kind of unit picks one
        names = lex.word_measures.get(t.lemma_.lower()) or lex.word_measures.get(t.lower_) or ()
        if k + 1 < len(toks) and not names:
            name = (lex.measure_phrases.get(f"{t.lemma_.lower()} {toks[k + 1].lemma_.lower()}")
                    or lex.measure_phrases.get(f"{t.lower_} {toks[k + 1].lower_}"))
            if name:
                # a phrase stands where its head word stands ("life sentences": "sentences")
                out.append((toks[k + 1] if t.head.i == toks[k + 1].i else t, name))
                continue
            if k + 2 < len(toks):  # "put to sea", "raise the alarm"
                name = lex.measure_phrases.get(f"{t.lemma_.lower()} {toks[k + 1].lower_} {toks[k + 2].lemma_.lower()}")
            names = (name,) if name else ()
        out.extend((t, name) for name in names)
        if not names and t.pos_ == "VERB":
            # a verb and its object, apart: "took 40 hostages" is "take hostage"
            out.extend((t, name) for c in t.children if c.dep_ == "dobj" and c.i > t.i + 1
                       for name in [lex.measure_phrases.get(f"{t.lemma_.lower()} {c.lemma_.lower()}")] if name)
        remaining = _remaining_measure(t, lex)
        if remaining:
            out.append((t, remaining))
    return out


def _remaining_measure(t, lex) -> str:
    """The measure `t` states when it says its subject is still where it was
    ("40 hostages remain", "are still in the city"): the measure whose
    people its subject names (`its_people`); empty otherwise."""
    if not lex.remaining_nouns or t.pos_ not in ("VERB", "AUX"):
        return ""
    if t.lemma_.lower() not in lex.remaining_words \
            and not any(c.dep_ == "advmod" and c.lower_ in lex.remaining_words for c in t.children):
        return ""
    subject = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return lex.remaining_nouns.get(subject.lemma_.lower(), "") if subject is not None else ""


def _word_after(toks: list):
    """The token right after a figure, past a bracketed conversion ("210 miles
    (340 km) off the coast"), or None."""
    doc, k = toks[-1].doc, toks[-1].i + 1
    if k < len(doc) and doc[k].text in ("(", "["):
        close = next((j for j in range(k + 1, min(k + 8, len(doc))) if doc[j].text in (")", "]")), None)
        k = close + 1 if close is not None else k
    elif k < len(doc) and doc[k].text in (")", "]"):
        k += 1  # the figure is the conversion in brackets
    return doc[k] if k < len(doc) else None


def _measure(triggers: list, anchor, depth_of, q: Quantity, lex,
             crossed: dict[int, int] | None = None, after=None) -> tuple[str, float]:
    """The measure whose trigger is nearest the figure in the parse, with a
    certainty that falls with the distance; the unit alone can name it. A
    trigger counts only for measures the figure's kind of unit can state
    ("killed" does not make "$52 million" a death toll). Of two triggers, one
    in the figure's own clause wins over one in a clause above it
    (`crossed`: clause boundaries between the figure and each ancestor).
    A trigger right `after` the figure ("350 missing", "210 miles off the
    coast") is next to it whatever the parse says."""
    from .units import coarse_family

    by_unit = lex.measure_units.get(q.unit or "")
    family = coarse_family(q.unit)
    best = None
    for t, name in triggers:
        if q.start <= t.idx < q.end and t.like_num:
            continue
        fits = lex.measures[name].families
        if fits and family not in fits:
            continue
        plausible = lex.measures[name].values
        if plausible and q.point is not None and not plausible[0] <= q.point <= plausible[1]:
            continue
        d, meet = _meeting(depth_of, t)
        if after is not None and t.i == after.i and t.pos_ not in ("NOUN", "PROPN"):
            d = min(d, 1)  # a noun after it is the counted noun's phrase ("28 hostages"): the parse says more
        counted_people = t.i in (anchor.i, anchor.head.i) and (t.lemma_.lower() in lex.people_nouns
                                                                or t.lemma_.lower() in lex.person_nouns)
        if counted_people:
            d += 2  # "5,000 residents were evacuated": the counted people, not what happened to them
        if d > MAX_TRIGGER_DISTANCE:
            if not (family == TIME_OF_DAY and t.i in depth_of):
                continue
            d = CLOCK_PATH_DISTANCE  # a time names when its clause's event happened, however deep the parse hangs it
        across = (crossed or {}).get(meet, 0)
        # at equal distance, what befell the people outranks the people's being
        # a place's people ("the deaths of four residents" is no population)
        key = (d + CLAUSE_PENALTY * across, counted_people and name == lex.people_of_a_place,
               abs(t.i - anchor.i), d, across)
        if best is None or key < best[0]:
            best = (key, name, t)
    # a unit the figure hangs on ("gusts of 188 mph": 188, mph, of, gusts) is no step away from its words
    through_unit = 1 if (q.start <= anchor.head.idx < q.end and anchor.head.i != anchor.i
                         and best is not None and best[2].pos_ == "NOUN") else 0
    if by_unit and (best is None or best[0][3] > 2 + through_unit or best[1] == by_unit
                    or lex.measures[best[1]].families != lex.measures[by_unit].families):
        return by_unit, 1.0  # the unit names the measure ("150 mph"), unless a word close by says more ("gusts")
    if best is not None:
        # a modifier that names a narrower measure of the same kind refines it
        # ("insured losses" are not all the losses), on the trigger or on the
        # subject it states ("insured losses were estimated at")
        words_of_it = {t.i for t, name in triggers if name == best[1]}
        said_of = {best[2].i} | {c.i for c in best[2].children
                                 if c.dep_ in ("nsubj", "nsubjpass") and c.i in words_of_it}
        narrower = next((name for t, name in triggers if t.head.i in said_of and t.i not in said_of
                         and t.dep_ in ("amod", "compound") and name != best[1] and name != by_unit
                         and lex.measures[name].families == lex.measures[best[1]].families), None)
        if narrower is not None:
            best = (best[0], narrower, best[2])
        other = _joined_with_other_measure(best[2], best[1], triggers)
        if other is not None:
            # "75 dead or missing" counts two measures at once and is neither;
            # "damaged or destroyed" counts the damaged, which include the destroyed
            for a, b in ((best[1], other), (other, best[1])):
                if b in lex.measures[a].includes:
                    return a, 1.0
            return "", 0.0
    if best is None:
        if family not in ("count", "other", "percentage", TIME_OF_DAY, lx.CALENDAR_YEAR):  # a time with no event word times nothing
            return family, FALLBACK_MEASURE_SURE  # a measurement with no word for it: its kind, unsure
        return "", 0.0
    d, across = best[0][3], best[0][4]
    sure = 1.0 if d <= 2 else 1.0 - 0.1 * (d - 2)
    # a word only another clause holds ("their return reminds us that 79 remain") is a weaker guess
    return best[1], round(max(sure - CROSSED_CLAUSE_SURE * across, 0.1), 2)


def _joined_with_other_measure(trigger, measure: str, triggers: list) -> str | None:
    """The other measure a trigger is coordinated with ("dead or missing"),
    or None."""
    if trigger.pos_ not in PREDICATE_POS:
        return None  # "a six-week truce and the release of ...": two things named, not one figure's two states
    linked = [c for c in trigger.children if c.dep_ == "conj"] + ([trigger.head] if trigger.dep_ == "conj" else [])
    if not linked:
        return None
    others = {t.i: name for t, name in triggers if name != measure}
    mine = {w.i for w in trigger.subtree}
    for other in linked:
        if other.i not in others or other.pos_ not in PREDICATE_POS:
            continue
        # "killing 40 and injuring 90", "killed 40 and destroyed villages": the
        # other word has a figure or an object of its own
        below = other.head.i == trigger.i  # its words are inside the trigger's subtree
        own = [w for w in other.subtree if w.like_num and (below or w.i not in mine)]
        objects = [c for c in other.children if c.dep_ in OWN_OBJECT_DEPS and (below or c.i not in mine)]
        if not own and not objects:
            return others[other.i]
    return None


def _entity_of(tok, ent_by_token: dict[int, object]):
    ent = ent_by_token.get(tok.i)
    if ent is None or ent.label_ not in OWNER_LABELS or _marks_currency(ent[-1]):
        return None  # "US $4 billion": the letters name the currency, not an owner
    return ent


def _owner_name(ent, pack: RulePack) -> str:
    """The folded name of an owning entity; a people's name without its plural
    ("Thai" and "Thais", "Chilean" and "Chileans" name one group)."""
    name = fold_name(pack.canonical(ent.text))
    if ent.label_ == "NORP" and re.search(r"[a-z](?:an|i)s$", name):
        name = name[:-1]
    return name


def _owner(path: list, noun, ent_by_token: dict, pack: RulePack) -> str:
    """The place, group or thing the figure belongs to, read per figure: a name
    the figure or its noun is ("Ana Ruiz (27)"), a name modifying them
    ("Thai hostages", "Riverton's toll"), or a place a word on the figure's
    path to its clause is located in ("killed in Riverton")."""
    near = [t for t in (path[0], noun) if t is not None]
    for t in near + [c for t in near for c in t.children if c.dep_ in MODIFIER_DEPS]:
        ent = _entity_of(t, ent_by_token)
        if ent is not None and not (ent.label_ == "PERSON" and t.dep_ == "appos" and t.head.tag_ == "NNS"):
            # "two children, Tom and Ben": names beside a plural noun are its members, not their owner
            return _owner_name(ent, pack)
    for depth, t in enumerate(path[:MAX_OWNER_DEPTH + 1]):
        if depth and path[depth - 1].dep_ == "conj" and path[depth - 1].pos_ in ("VERB", "AUX"):
            break  # "31 were in X and six were in Y": the clause joined to another is not its owner's
        ent = _entity_of(t, ent_by_token) if depth and t.pos_ == "PROPN" else None
        if ent is not None and not (ent.label_ == "PERSON" and path[depth - 1].dep_ == "conj"):
            # "his wife, Dana, and his two children": a name listed beside the figure's noun is not its owner
            return _owner_name(ent, pack)
        # "in Riverton", and one step down for "300 miles east of Porto"
        heads = [t] + [c for c in t.children if c.dep_ in ("advmod", "amod", "npadvmod")]
        for prep in (p for h in heads for p in h.children):
            if prep.dep_ == "prep" and prep.lower_ in LOCATIVE_PREPS:
                # "east of X" names a place whatever the tagger calls X
                positional = prep.lower_ == "of" and prep.head.pos_ in ("ADV", "ADJ")
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        ent = _entity_of(obj, ent_by_token)
                        if ent is not None and (ent.label_ != "PERSON" or positional):
                            return _owner_name(ent, pack)
                        named = _named_place(obj, ent_by_token)
                        if not named and obj.pos_ == "PROPN" and any(
                                c.dep_ == "amod" and c.lower_ in lx.NEAR_WORDS for c in obj.children):
                            named = _proper_name(obj)  # "in nearby X": a place, whatever the tagger calls it
                        if named:
                            return fold_name(pack.canonical(named))
    return ""


def _proper_name(tok) -> str:
    """A proper noun with what is compounded onto it before it ("El-Harlow", "Port Esk")."""
    words = sorted((w for w in tok.subtree if w.i <= tok.i and w.dep_ in ("compound", "punct") or w.i == tok.i),
                   key=lambda w: w.i)
    return "".join(w.text_with_ws for w in words).strip(" -")


def _named_place(obj, ent_by_token: dict) -> str:
    """The name of a place the tagger did not tag as one: "the coastal city of
    Brava", "the central Harlow province", "Ruritania's Brava" (a proper noun
    owned by a tagged place). Empty when there is none."""
    if obj.pos_ == "PROPN" and not obj.ent_type_ == "PERSON":
        if any(c.dep_ == "poss" and ent_by_token.get(c.i) is not None
               and ent_by_token[c.i].label_ in PLACE_LABELS for c in obj.children):
            return _proper_name(obj)
        return ""
    if obj.lemma_.lower() not in lx.PLACE_NOUNS:
        return ""
    for c in obj.children:
        if c.dep_ == "compound" and c.pos_ == "PROPN":
            return _proper_name(c)  # "the Harlow province", whatever the tagger calls Harlow
        if c.dep_ == "prep" and c.lower_ == "of":
            for name in c.children:
                if name.dep_ == "pobj" and name.pos_ == "PROPN" and name.ent_type_ not in ("PERSON", "NORP"):
                    ent = ent_by_token.get(name.i)
                    return ent.text if ent is not None and ent.label_ != "PERSON" else _proper_name(name)
    return ""


_ROLE_PATTERNS: dict[int, list] = {}


def _role_patterns(lex) -> list:
    """Per role, in order: its kinds of unit and three compiled patterns (the
    words inside the figure, the words just before it, just after it)."""
    out = _ROLE_PATTERNS.get(id(lex))
    if out is None:
        out = []
        for role, sides in lex.roles.items():
            after = "|".join(re.escape(p) for p in sides.get("after", ()))
            before = "|".join(re.escape(p) for p in sides.get("before", ()))
            what = "|".join(re.escape(p) for p in sides.get("after_what", ()))
            out.append((
                role, frozenset(sides.get("families", ())),
                re.compile(rf"(?:{after})\b") if after else None,
                re.compile(rf"\b(?:{before})\b[^.;:!?]{{0,25}}$") if before else None,
                # "820 people, more than a third of them": a comparison, not "15 more"
                # and "61 a week later" is a count at a time, not a rate "a week"
                re.compile(rf"^[\s,()-]*(?:[a-z'-]+\s+){{0,1}}(?:{after})\b(?!\s+(?:than|later|earlier|ago|after|before)\b)")
                if after else None,
                # "44 hours of oxygen remaining": a cue after what the figure is of
                re.compile(rf"^[\s,]*(?:[a-z'-]+\s+){{0,1}}of\s+(?:[a-z'-]+\s+){{1,3}}(?:{what})\b") if what else None,
            ))
        _ROLE_PATTERNS[id(lex)] = out
    return out


def _role(text: str, q: Quantity, sent_start: int, lex) -> str:
    """The figure's role from the words right before and after it."""
    from .units import coarse_family

    before = text[max(sent_start, q.start - 40) : q.start].lower()
    after = text[q.end : q.end + 30].lower()
    inside = re.sub(r"^\S+\s*", "", text[q.start : q.end].lower())  # "15 more people": words after the number
    family = coarse_family(q.unit)
    for role, families, inside_re, before_re, after_re, what_re in _role_patterns(lex):
        if families and family not in families:
            continue
        # "450 trucks a week": a cue after the counted noun; in "140 miles per hour" the unit's own words
        cued = inside_re is not None and (inside_re.match(inside) or (family == "count" and after_re.match(inside)))
        if inside and cued and not (role == "rate" and family == "duration"):
            return role  # but "an hour and 20 minutes" is a length, not a rate "an hour"
        if before_re is not None and before_re.search(before):
            return role
        if after_re is not None and after_re.match(after) and not _a_position(after):
            return role
        if what_re is not None and what_re.match(text[q.end : q.end + 50].lower()):
            return role
    return "total"


def _a_position(after: str) -> bool:
    """"two dams south of the city": where the things are, not a part of a whole."""
    first = re.match(r"[\s,]*([a-z-]+)\s+of\b", after)
    return first is not None and first.group(1) in lx.DIRECTIONS


def _said_before(path: list, lex) -> bool:
    """A word of an earlier report modifies the figure's verb, however far
    from the figure ("had previously put the toll in the city at 5,500")."""
    words = {w for w in lex.roles.get("superseded", {}).get("before", ()) if " " not in w}
    return bool(words) and any(c.dep_ == "advmod" and c.lower_ in words
                               for t in _own_clauses(path, lex) for c in t.children)


def _own_clauses(path: list, lex) -> list:
    """The figure's path up to the first adverbial clause ("offered $2
    million to help after the storm that hit on Friday, killing 400"): a
    modal word above it governs another clause. A relative clause stops it
    unless it is a report's or a plan's content: in "denied reports that say
    300 died" the denial is the figure's, in "a raid which killed 1,460"
    nothing above is."""
    out = []
    for t in path:
        out.append(t)
        if t.dep_ in MODALITY_STOP_DEPS:
            break
        if t.dep_ == "relcl" and not _holds_a_claim(t.head, lex):
            break  # "the cyclone, which killed 37, could cost billions": what a thing did is no forecast
        if t.dep_ in ("ccomp", "parataxis") and t.lemma_.lower() in REPORTING_VERBS and t is not path[0]:
            break  # "a study suggests it killed 26 - it could cost billions", parsed under "cost": the report is the frame
    return out


def _holds_a_claim(noun, lex) -> bool:
    """A noun whose relative clause is its content ("denied reports that said
    300 died", "rejected a plan that would free 30"), unlike a thing's
    ("a raid which killed 1,460")."""
    lemma = noun.lemma_.lower()
    return lemma in lx.REPORT_NOUNS or lemma in lex.modality_words


def _modality(path: list, text: str, q: Quantity, sent_start: int, lex) -> str:
    """Reported, or proposed, demanded, rejected, projected, hypothetical: the
    nearest modal word on the figure's path to its clause root (the words
    themselves, their auxiliaries and markers, the objects of their prepositions)."""
    found = []
    for t in _own_clauses(path[:14], lex):
        words = [t] + [c for c in t.children if c.dep_ in ("aux", "auxpass", "neg", "mark", "advmod", "xcomp")]
        for prep in t.children:
            if prep.dep_ == "prep" and prep.lower_ not in CONTRAST_PREPS:  # "against all forecasts" is no forecast
                words.extend(c for c in prep.children if c.dep_ == "pobj")
        for w in words:
            m = lex.modality_words.get(w.lemma_.lower()) or lex.modality_words.get(w.lower_)
            if m:
                found.append(m)
    if found:
        # "rejected a plan for a 90-day pause": the rejection outranks the plan it rejects
        return min(found, key=lambda m: lex.modality_rank.get(m, len(lex.modality_rank)))
    before = text[max(sent_start, q.start - 40) : q.start].lower()
    for phrase, m in lex.modality_phrases.items():
        if phrase in before:
            return m
    return "reported"


_SCHEDULE_RE = re.compile(r"\b(?:plann?ed|scheduled|expected|due(?!\s+to\b)|supposed|set to|meant to|timetabled)\b"
                          r"[^.;:!?]{0,40}$", re.IGNORECASE)
_NOT_DONE_LEMMAS = frozenset({"fail", "never"})


def _clock_modality(path: list, text: str, q: Quantity, sent_start: int, lex) -> str:
    """A time of day's modality: "scheduled" when it is the time something was
    due ("expected to resurface at 2pm", "its planned time of 7:35 p.m.": the
    schedule, itself a fact), "unfulfilled" when its event did not happen at
    it ("failed to return around 5:40", "did not surface at noon": when it
    was missed, not when it happened), else the general reading."""
    before = text[max(sent_start, q.start - 60) : q.start]
    if _SCHEDULE_RE.search(before):
        return "scheduled"
    general = _modality(path, text, q, sent_start, lex)
    if general in ("projected", "proposed"):
        return "scheduled"
    for t in path[:8]:
        if t.lemma_.lower() in _NOT_DONE_LEMMAS or any(
                c.dep_ == "neg" or c.lower_ in ("not", "n't", "n’t", "never") for c in t.children):
            return "unfulfilled"
    return general


def _weekday_date(word: str, published: str | None, future: bool = False) -> str | None:
    """"Monday" in an article published on a date: the latest Monday on or
    before it, or with a verb in the future ("will be freed on Saturday") the
    next one on or after it. The day after the publication date's own is that
    next day ("rose on Sunday" in a piece dated Saturday): a date stamped in
    a zone behind the writer's, not six days earlier, which a writer would
    call "last Sunday"."""
    if not published:
        return None
    try:
        pub = date.fromisoformat(published[:10])
    except ValueError:
        return None
    word = word.lower()
    if word == "today":
        return pub.isoformat()
    if word == "yesterday":
        return date.fromordinal(pub.toordinal() - 1).isoformat()
    if word in _WEEKDAYS:
        if future:
            ahead = (_WEEKDAYS.index(word) - pub.weekday()) % 7
            return date.fromordinal(pub.toordinal() + ahead).isoformat()
        back = (pub.weekday() - _WEEKDAYS.index(word)) % 7
        if back == 6:
            return date.fromordinal(pub.toordinal() + 1).isoformat()
        return date.fromordinal(pub.toordinal() - back).isoformat()
    return None


def _in_adverbial_clause(tok, on_path: set[int], own: set[int] = frozenset()) -> bool:
    """`tok` sits in a clause that modifies a word of the figure's path
    ("were killed when a quake struck in 1960") or the figure's own noun
    ("45,000 homes registered in 2018"), not in a clause that describes
    another noun ("the dam, built in 1973, burst, killing 40"). `own`: the
    figure and its noun."""
    t, saw_clause = tok, False
    for _ in range(5):
        if t.head.i == t.i:
            return False
        if t.dep_ == "acl" and t.head.i in own:
            return True
        if t.dep_ not in ("pobj", "prep", "advcl", "npadvmod", "advmod"):
            return False
        if t.dep_ == "advcl":
            if any(c.dep_ == "mark" and c.lower_ == "since" for c in t.children):
                return False  # "since the war began in 2023": where a running total starts
            saw_clause = True
        t = t.head
        if t.i in on_path:
            return saw_clause
    return False


def _dates_an_event_on_path(ent, on_path: set[int]) -> bool:
    """The date `ent` is part of the name of an event the figure's path runs
    through: "killed 300 in the 2023 raid", "during the 3 March 2023 attack",
    or "the 3 March 2023 attack, which killed 300" (parsed as an apposition).
    Not "since the 2023 raid": where a running total starts."""
    for tok in ent:
        head = tok.head
        if ent.start <= head.i < ent.end:
            continue  # inside the date
        if tok.dep_ in ("nummod", "nmod", "compound", "amod", "poss", "det") and head.pos_ in ("NOUN", "PROPN"):
            if head.i in on_path:
                return True
            prep = head.head
            if head.dep_ == "pobj" and prep.dep_ == "prep" and prep.lower_ != "since" and prep.head.i in on_path:
                return True
    return any(c.dep_ == "appos" and c.i in on_path for c in ent.root.children)


def _dates(path: list, ents: list, sent, published: str | None,
           this_year: int | None = None) -> tuple[str | None, str | None]:
    """(the date the figure speaks of, the date of the event the sentence names).
    A date attached to the figure's own clause ("as of Monday", "on Sunday")
    dates the figure; a date elsewhere in the sentence ("taken in the raid on
    3 March") is the event's. `this_year`: the year the source was written."""
    on_path = {t.i for t in path[:6]}
    own = {t.i for t in path[:2]}
    as_of = event = None
    for ent in ents:
        if ent.label_ != "DATE":
            continue
        head = ent.root.head
        # "on Monday", "yesterday afternoon": through a preposition or a time noun to the figure's path
        attached = ent.root.i in on_path or head.i in on_path or (
            head.dep_ in ("prep", "npadvmod") and head.head.i in on_path)
        year = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", ent.text)
        if year and this_year and (attached or _in_adverbial_clause(ent.root, on_path, own)
                                   or _dates_an_event_on_path(ent, on_path)) \
                and int(year.group(1)) < this_year - 1 \
                and not re.search(r"\bsince\b", sent.doc.text[max(sent.start_char, ent.start_char - 8):ent.start_char]):
            return None, f"{year.group(1)}-01-01"  # "sank in 1956 with 900 aboard": another event's figure
        resolved = _explicit_date(sent, [ent], published)
        if resolved is None:
            words = [w for w in re.findall(r"[A-Za-z]+", ent.text)]
            verb = head.head if head.dep_ == "prep" else head  # the word the date modifies
            future = any(c.dep_ == "aux" and c.lower_ in FUTURE_AUXILIARIES for c in verb.children)
            resolved = next((d for d in (_weekday_date(w, published, future) for w in words) if d), None)
        if resolved is None:
            continue
        before = sent.doc.text[max(sent.start_char, ent.start_char - 8) : ent.start_char].lower()
        if "as of" in before:
            attached = True
        if attached and as_of is None:
            as_of = resolved
        elif not attached and event is None:
            event = resolved
    return as_of, event


_AGE_AFTER_NAME = re.compile(r"(?:\(\s*|,\s*)$")
_AGE_CLOSE = re.compile(r"^\s*(?:\)|,)")


def _thing_measured(triggers: list, measure: str, depth_of: dict) -> str:
    """What a measurement is of, when its measure word says it: "the height
    of the two dams was 40 metres" measures dams. Empty when it does not."""
    words = sorted((_tree_distance(depth_of, t), t.i, t) for t, name in triggers
                   if name == measure and t.pos_ == "NOUN")
    if not words:
        return ""
    for prep in words[0][2].children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.pos_ == "NOUN":
                    return _lemma(obj)
    return ""


def _subject_measured(path: list) -> str:
    """The subject a measurement is predicated of: "the dam above the town
    was 45 metres tall" measures the dam."""
    for below, t in zip(path, path[1:]):
        if below.dep_ not in COMPLEMENT_DEPS:
            return ""
        subject = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            return _lemma(subject) if subject.pos_ == "NOUN" else ""
        if _starts_clause(t):
            return ""
    return ""


def _measured_from(after) -> str:
    """The place a distance is measured from, read from the words after it
    ("58 km southwest of Esk", "400 miles (640 km) south-east of the port of
    Brava"), however the parser attaches them. Empty when there is none."""
    toks = list(after)
    k = 0
    while k < len(toks) and (toks[k].is_punct or toks[k].is_bracket or toks[k].like_num
                             or toks[k].ent_type_ == "QUANTITY" or toks[k].lower_ in lx.UNIT_LIKE_WORDS):
        k += 1  # the bracketed conversion: "(45 miles)"
    words = []
    while k < len(toks) and (toks[k].lower_ in lx.DIRECTIONS or toks[k].text == "-"):
        words.append(toks[k].lower_)
        k += 1
    coast = [t.lower_ for t in toks[k:k + 4]]
    if not words and len(coast) == 4 and coast[0] in ("off", "from") and coast[1] == "the" \
            and coast[2] in lx.COAST_WORDS and coast[3] == "of":
        k += 4  # "300 miles off the coast of X": from X's coast, whatever the direction
        name = _name_after(toks[k:k + 6])
        return f"{name}, coast" if name else ""
    if not words or k >= len(toks) or toks[k].lower_ != "of":
        return ""
    k += 1
    name = _name_after(toks[k:k + 6])
    if not name:
        return ""
    # "5 miles south of X" and "25 miles north-northwest of X" are two positions
    return f"{name}, {_compass_point(words)}"


def _name_after(toks: list) -> str:
    """The folded proper name the tokens start with, or empty."""
    name = []
    for t in toks:
        if t.pos_ == "PROPN":
            name.append(t)
        elif name or t.is_punct:
            break
    return fold_name("".join(t.text_with_ws for t in name)) if name else ""


_POINTS = {"north": "n", "south": "s", "east": "e", "west": "w", "northern": "n", "southern": "s",
           "eastern": "e", "western": "w"}


def _compass_point(words: list[str]) -> str:
    """One of eight points for a direction as news writes it ("south-west",
    "southwestern", "north-northwest" -> "sw", "sw", "nw")."""
    letters = ""
    for w in words:
        w = w.replace("-", "")
        for part in re.findall(r"north|south|east|west", w) or ([w] if len(w) <= 3 else []):
            letters += _POINTS.get(part, part)
    return letters[-2:] if len(letters) > 2 else letters


def _people_of_a_place(noun, lex) -> bool:
    """"a town of 5,000 people": the people a kind of place is of are its population."""
    return (noun is not None and noun.lemma_.lower() in (lex.people_nouns | {"people"})
            and noun.dep_ == "pobj" and noun.head.lower_ == "of"
            and noun.head.head.lemma_.lower() in lx.PLACE_NOUNS)


def _age_of(text: str, q: Quantity, toks: list, ent_by_token: dict):
    """The person whose age a bare number beside a name is, as news writes
    ages: "Ana Ruiz (27)", "Ana Ruiz, 27, was freed". None otherwise."""
    if not toks or q.kind != "exact" or q.unit or q.point is None \
            or not float(q.point).is_integer() or not 0 < q.point < 120:
        return None
    if not _AGE_AFTER_NAME.search(text[max(0, q.start - 3) : q.start]) or not _AGE_CLOSE.match(text[q.end : q.end + 3]):
        return None
    doc = toks[0].doc
    k = toks[0].i - 1
    while k >= 0 and doc[k].is_punct:
        k -= 1
    ent = ent_by_token.get(k) if k >= 0 else None
    return ent if ent is not None and ent.label_ == "PERSON" and ent.end == k + 1 else None


def _presupposed(anchor, noun) -> bool:
    """The figure sits in a definite noun phrase ("the five passengers",
    "its 21-foot hull", "all seven on board"): it describes a thing the
    sentence takes as known, whatever its verb hopes or plans."""
    head = noun if noun is not None and anchor.head.i == noun.i else anchor
    return _all_of(anchor) or any(((c.dep_ == "det" and c.lower_ == "the") or c.dep_ == "poss") and c.i < anchor.i
                                  for c in head.children)


def _all_of(anchor) -> bool:
    """"all seven passengers", "all 12 on board": the figure is a whole group."""
    before = anchor.doc[anchor.i - 1] if anchor.i else None
    return (before is not None and before.lower_ == "all") or any(
        c.lower_ == "all" and c.i < anchor.i for c in anchor.children)


def _group_measure(triggers: list, head, q: Quantity, lex) -> str:
    """The fixed measure a group's own words name ("people on board", "crew
    members"), not counting the clauses that say what befell it."""
    from .units import coarse_family

    words = {t.i for t in head.subtree}
    for t in head.subtree:
        if t.i != head.i and t.dep_ in CLAUSE_DEPS:
            words -= {u.i for u in t.subtree}
    # "killed all seven on board": the words right after the group, however the parse hangs them
    for t in head.doc[head.i + 1:head.i + 3]:
        if t.pos_ in ("VERB", "AUX", "PUNCT", "CCONJ"):
            break
        words.add(t.i)
    family = coarse_family(q.unit)
    for t, name in triggers:
        m = lex.behaviour(name)
        if (t.i in words and not t.like_num and m is not None and m.behaviour == "fixed"
                and (not m.families or family in m.families)):
            return name
    return ""


def _partitive_whole(anchor, noun) -> bool:
    """The figure counts the set a part is taken from: "two of the 14
    miners", "two of the five bridges"."""
    head = noun if noun is not None and anchor.head.i == noun.i else anchor
    prep = head.head
    return (head.dep_ == "pobj" and prep.lower_ == "of" and prep.dep_ == "prep"
            and (prep.head.like_num or prep.head.pos_ == "NUM"))


def _dates_its_measure(measure: str, anchor, depth_of: dict, triggers: list, q: Quantity, lex) -> bool:
    """Whether a year or century dates what its measure says: the verb it
    hangs on names it ("built in 1961", "not maintained since 1994"), or a
    century before a noun dates the thing ("the 14th-century chapel"). A year
    further from the word ("studies in the 1960s said dams should be built")
    dates something else."""
    if any(name == measure and _tree_distance(depth_of, t) <= 2 for t, name in triggers):
        return True
    return (lex.measure_units.get(q.unit) == measure and anchor.dep_ in ("amod", "compound", "nmod", "poss")
            and anchor.head.pos_ in ("NOUN", "PROPN"))


SPAN_SURE = 0.8  # an elapsed time whose two events the parse names
# How a figure's noun hangs from the verb it is the figure of: "2,000 people were
# dead", "pulled 300 out", "rose to 2,000"; not "the ship with 40 passengers".
FIGURE_ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "oprd", "dative", "prep", "agent", "acomp"})


def _event_words(verb, lex) -> str:
    """The event a verb names, as the lexicon's class when it knows one: "lost
    contact", "contact was lost" and "vanished" are one event; a light verb
    ("the dive began", "started descending") stands for what it starts."""
    if verb.lemma_.lower() in lex.light_event_verbs:
        inner = [c for c in verb.children if c.dep_ in ("xcomp", "dobj", "nsubjpass", "nsubj")
                 and c.pos_ in ("NOUN", "VERB")]
        if inner:  # an event the lexicon knows first: "the quake hit the town" is the quake
            verb = min(inner, key=lambda c: (_lemma(c) not in lex.event_class,
                                             ("xcomp", "dobj", "nsubjpass", "nsubj").index(c.dep_)))
    lemma = verb.lemma_.lower()
    if verb.pos_ == "NOUN":
        return lex.event_class.get(lemma, lemma)
    words = [lemma] + [c.lower_ for c in verb.children if c.dep_ == "prt"]
    head = " ".join(words)
    # "lost contact", "contact was lost", "went missing": the verb with the word that completes it
    completing = list(verb.children) + ([verb.head] if verb.dep_ == "amod" else [])  # "lost contact" parsed as a noun
    for c in completing:
        if c.dep_ not in ("nsubj", "punct", "aux", "auxpass", "neg", "mark", "advmod", "prep"):
            for phrase in (f"{head} {_lemma(c)}", f"{head} {c.lower_}"):
                if phrase in lex.event_class:
                    return lex.event_class[phrase]
    for phrase in (head, lemma):
        if phrase in lex.event_class:
            return lex.event_class[phrase]
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass") and c.pos_ == "NOUN"), None)
    return " ".join(words + ([_lemma(obj)] if obj is not None else []))


def _verb_of_figure(path: list) -> int | None:
    """The verb a figure is the subject or object of ("2,000 were dead", "pulled
    300 out"), or None for a figure that only describes a thing ("the
    five-person crew", "a 21-foot hull"): such a figure is no rival of an
    elapsed time in its sentence."""
    noun = path[1] if len(path) > 1 and path[0].dep_ in ("nummod", "quantmod") else path[0]
    while noun.dep_ == "conj" and noun.head.i != noun.i:
        noun = noun.head  # "2,000 dead and 300 hurt"
    verb = noun.head
    if noun.dep_ == "pobj" and verb.dep_ in ("prep", "agent"):
        noun, verb = verb, verb.head  # "the toll rose to 2,000"
    if noun.dep_ in FIGURE_ARGUMENTS and verb.pos_ in ("VERB", "AUX"):
        return verb.i
    return None


def _offset_span(doc, q: Quantity, toks: list, lex) -> tuple[str, int | None]:
    """("what happened after|before what it is counted from", the index of the
    verb it times) for an elapsed time between two events ("lost contact 90
    minutes into the flight"), read from the parse; ("", None) when either
    event is not said."""
    last = max(t.i for t in toks)
    cue = doc[last + 1] if last + 1 < len(doc) else None
    if cue is None or cue.lower_ not in lx.OFFSET_CUES or cue.sent.start != toks[0].sent.start:
        return "", None
    way = lx.OFFSET_CUES[cue.lower_]
    start = None
    if cue.dep_ == "prep":
        start = next((c for c in cue.children if c.dep_ in ("pobj", "pcomp")), None)
        happened = cue.head
    elif cue.dep_ == "mark" and cue.head.pos_ in ("VERB", "AUX"):
        start, happened = cue.head, cue.head.head  # "after it took off": the clause is the start
        if happened.i == start.i:
            return "", None
    else:
        return "", None
    if start is None:
        return "", None
    since = _event_words(start, lex)
    for _ in range(3):  # a verb naming the start itself ("the ship that launched it"): the parse's slip, look higher
        while happened.pos_ not in ("VERB", "AUX") and happened.head.i != happened.i:
            happened = happened.head
        participle = next((c for c in happened.children if c.dep_ == "amod" and c.pos_ == "VERB"), None)
        if happened.pos_ not in ("VERB", "AUX") and participle is not None:
            happened = participle
        if happened.pos_ not in ("VERB", "AUX"):
            return "", None
        if happened.lemma_.lower() == "be":  # "was an hour into its descent when it lost touch"
            happened = next((c for c in happened.children if c.dep_ == "advcl"
                             and any(w.lower_ in ("when", "as") for w in c.children)), None)
            if happened is None:
                return "", None
        if happened.lemma_.lower() in REPORTING_VERBS:
            return "", None  # "said two days after": the telling, not the event
        what = _event_words(happened, lex)
        if what and since and what != since:
            return f"{what} {way} {since}", happened.i
        if happened.head.i == happened.i:
            break
        happened = happened.head
    return "", None


def latest_year(text: str) -> int | None:
    """The latest year an undated article names: close enough to when it was
    written to tell an earlier event's figure ("in 1960, a quake killed...")."""
    years = [int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", text)]
    return max(years) if years else None


def _objectless_preposition(doc, toks: list, sent):
    """A "to" or "at" right before the figure that the parser left without an
    object, its figure hung on the next clause instead ("the toll has risen to
    2,140 and more than 1,380 have been injured"): the figure is its object."""
    k = toks[0].i - 1
    if k < sent.start:
        return None
    lead = doc[k]
    if (lead.lower_ not in OBJECT_PREPOSITIONS or lead.dep_ != "prep" or lead.head.pos_ not in ("VERB", "AUX")
            or any(c.dep_ == "pobj" for c in lead.children)):
        return None
    return lead


def read_figure(doc, q: Quantity, toks: list, noun, sent, ents: list, ent_by_token: dict,
                source: Source, pack: RulePack, triggers: list | None = None,
                this_year: int | None = None) -> dict:
    """Measure, owner, role, modality and dates of one figure (`triggers`:
    the sentence's `measure_triggers`, when the caller keeps them;
    `this_year`: the year an undated source was written, if known)."""
    from .units import coarse_family

    lex = pack.lexicon
    numbers = [t for t in toks if t.like_num or t.pos_ == "NUM"] or toks
    anchor = numbers[-1]
    clock = is_time_of_day(q.unit)
    if clock:  # "7:35 p.m.": the time's head word ("p.m."), where it hangs in the clause
        anchor = next((t for t in toks if not (toks[0].i <= t.head.i <= toks[-1].i) or t.head.i == t.i), anchor)
    path = _path_to_root(anchor)
    lead = _objectless_preposition(doc, toks, sent)
    if lead is not None and lead not in path:
        path = [anchor] + _path_to_root(lead)  # "has risen to 2,140 and 1,380 were hurt": the figure is "to"'s
    depth_of = {t.i: k for k, t in enumerate(path)}
    crossed = _clauses_crossed(path)
    stand_in = _stand_in(path, lex)
    if stand_in is not None:
        depth_of[stand_in.i] = 1  # "the toll of the flood stands at 900": the subject's words are the figure's
        crossed[stand_in.i] = crossed.get(stand_in.head.i, 0)
        after = stand_in.doc[stand_in.i + 1:stand_in.i + 3]
        if len(after) == 2 and after[0].lower_ == "of":
            # "the number of injured": the word after "of" is the stand-in's, however it is parsed
            depth_of.setdefault(after[1].i, 2)
            crossed.setdefault(after[1].i, crossed[stand_in.i])
    if triggers is None:
        triggers = measure_triggers(sent, lex)
    # a word right after a bare figure ("350 missing") is its; after a counted
    # noun ("28 hostages held in ..."), the noun's
    bare = noun is None or noun.i < toks[0].i
    measure, sure = _measure(triggers, anchor, depth_of, q, lex, crossed, _word_after(toks) if bare else None)
    thing = ""
    family = coarse_family(q.unit)
    if measure and family in MEASURED_FAMILIES:
        thing = _thing_measured(triggers, measure, depth_of) or _subject_measured(path)
    refers_back = (not measure and stand_in is not None
                   and any(c.dep_ == "det" and c.lower_ in REFERS_BACK_DETS for c in stand_in.children)
                   and not any(c.dep_ == "prep" for c in stand_in.children))
    if _partitive_whole(anchor, noun):
        measure, sure = "", 0.0  # "two of the 14 miners are dead": 14 is the set, not the dead
    elif measure and _all_of(anchor):
        # "killing all seven people on board": the figure is the whole group, so
        # what the group's own words measure (those aboard) is what it states
        own = _group_measure(triggers, noun or anchor, q, lex)
        if own and own != measure:
            measure, sure = own, min(sure, ALL_OF_GROUP_SURE)
    if measure and q.unit in lx.DATING_UNITS and not _dates_its_measure(measure, anchor, depth_of, triggers, q, lex):
        measure, sure = "", 0.0
    if sure == FALLBACK_MEASURE_SURE and noun is not None and _tree_distance(depth_of, noun) <= 3:
        sure = OWN_NOUN_SURE  # "a 34-foot hull", "52 hours of air": the noun says what is measured
    named_owner = ""  # an owner the words around the figure name outright
    if measure in ("", lex.people_of_a_place) and lex.people_of_a_place and _people_of_a_place(noun, lex):
        measure, sure = lex.people_of_a_place, max(sure, PEOPLE_OF_A_PLACE_SURE)
        kind = noun.head.head
        if kind.dep_ == "appos" and kind.head.pos_ == "PROPN":
            named_owner = _proper_name(kind.head)  # "Esk, a town of 5,000 people"
    person = _age_of(source.text, q, toks, ent_by_token) if lex.age_beside_name else None
    if person is not None:
        measure, sure = lex.age_beside_name, AGE_BESIDE_NAME_SURE
    if source.published:
        this_year = int(source.published[:4])
    as_of, event = _dates(path, ents, sent, source.published, this_year)
    role = _role(source.text, q, sent.start_char, lex)
    if role == "total" and _said_before(path, lex):
        role = "superseded"
    if event and this_year and int(event[:4]) < this_year - 1 and role == "total" and q.unit not in lx.DATING_UNITS:
        role = "reference"  # a figure of an earlier event (the 1999 quake, the 1956 sinking)
    if not named_owner and family == "length":
        last = max(t.i for t in toks)
        named_owner = _measured_from(doc[last + 1 : last + 13])
    owner = (_owner_name(person, pack) if person is not None
             else fold_name(pack.canonical(named_owner)) if named_owner
             else _owner(path, noun, ent_by_token, pack))
    if clock and owner and owner in fold_name(q.surface):
        owner = ""  # "2:40 a.m. CDT": the zone is the time's own words, no owner
    span, timed = _offset_span(doc, q, toks, lex) if role == "offset" else ("", None)
    modality = (_clock_modality(path, source.text, q, sent.start_char, lex) if clock
                else _modality(path, source.text, q, sent.start_char, lex))
    known = lex.behaviour(measure) if measure else None
    if (modality in ("projected", "proposed") and known is not None and known.behaviour == "fixed"
            and _presupposed(anchor, noun)):
        # "hoped to find the five passengers aboard alive": the hope is the verb's;
        # the five aboard is taken as known
        modality = "reported"
    return {
        "measure": measure, "measure_sure": sure,
        "owner": owner,
        "role": role,
        "modality": modality,
        "as_of": as_of, "event_date": event, "refers_back": refers_back, "thing": thing,
        "span": span, "timed": timed, "verb": _verb_of_figure(path),
    }


_CONVERSION_GAP = re.compile(r"\s*[(\[]\s*(?:or\s+|about\s+|around\s+|some\s+|roughly\s+)?")
# A bracket that holds only the restatement ("(515 km)"), not a remark that
# starts with a figure ("(3 feet of it underground)"): what CK107 checks.
_CONVERSION_END = re.compile(r"\s*[)\]]")


def _dates_only(ents: list, counts: list[tuple[int, int]]) -> list:
    """The sentence's entities without the DATE ones inside a figure that
    counts ("rose to 2012 people": the tagger's year is the count, and dates
    no event)."""
    out = []
    for ent in ents:
        if ent.label_ == "DATE":
            k = bisect.bisect_right(counts, (ent.start_char, float("inf"))) - 1
            if k >= 0 and counts[k][0] <= ent.start_char and ent.end_char <= counts[k][1]:
                continue
        out.append(ent)
    return out


def _restates(text: str, previous: Quantity | None, q: Quantity) -> bool:
    """`q` is the figure before it in other units, in brackets ("18 kilometres
    (11 miles)", "165 mph (266 km/h)", "€10 (US$11)"): one statement, not two."""
    from .units import coarse_family

    if previous is None or not _CONVERSION_GAP.fullmatch(text[previous.end : q.start]):
        return False
    family = coarse_family(q.unit)
    return family not in ("count", "other", "percentage") and family == coarse_family(previous.unit)


_TIME_PHRASE_AFTER = re.compile(r"\s+(?:after|later|since|into)\b", re.I)


def _count_before_a_time_phrase(text: str, q: Quantity, toks: list, lex) -> Quantity | None:
    """"Death toll climbs to 61 days after the storm": a headline's toll is
    61, and "days after the storm" says when. A length of time reached "to"
    or "at" by a verb whose subject is an amount noun (toll, number), with
    "after" or "later" next: the bare count, without the unit."""
    from .units import unit_family

    if unit_family(q.unit)[0] != "duration" or not _TIME_PHRASE_AFTER.match(text, q.end):
        return None
    numbers = [t for t in toks if t.like_num]
    if not numbers or numbers[0].i == 0 or numbers[0].nbor(-1).lower_ not in OBJECT_PREPOSITIONS:
        return None
    verb = numbers[0].nbor(-1).head
    if not any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in lex.amount_nouns for c in verb.children):
        return None
    end = numbers[-1].idx + len(numbers[-1].text)
    scale = q.scale or 1.0
    low = None if q.low is None else q.low / scale
    high = None if q.high is None else q.high / scale
    return Quantity(low, high, q.kind, unit="", trend=q.trend, surface=text[q.start:end], start=q.start, end=end,
                    hedge=q.hedge)


_FURNITURE_LEFT = re.compile(r"[\W\d_]*(?:read)?[\W\d_]*", re.IGNORECASE)  # what else a furniture line may hold
_FURNITURE_REACH = 40  # characters either side of the figure looked at for its line's ends


def _alone_on_its_line(text: str, q: Quantity) -> bool:
    """The figure is all its line says ("4 min", "3 min read" under a
    byline): page furniture with no words to state anything. Looks only a
    few characters either side, so a long line costs no more than a short one."""
    newline_before = text.rfind("\n", max(0, q.start - _FURNITURE_REACH), q.start)
    newline_after = text.find("\n", q.end, q.end + _FURNITURE_REACH)
    if newline_before < 0 and newline_after < 0:
        return False  # no line break near: a sentence, or a one-line text
    start = newline_before + 1 if newline_before >= 0 else (0 if q.start <= _FURNITURE_REACH else -1)
    end = newline_after if newline_after >= 0 else (len(text) if len(text) - q.end <= _FURNITURE_REACH else -1)
    if start < 0 or end < 0:
        return False  # the line runs on past what was looked at: it has words
    return bool(_FURNITURE_LEFT.fullmatch(text[start : q.start] + " " + text[q.end : end]))


def _is_a_when(unit: str | None) -> bool:
    """A time of day or a year: a figure that says when, and counts nothing."""
    return is_time_of_day(unit) or unit in lx.DATING_UNITS


def claims_from_doc(doc, source: Source, pack: RulePack) -> list[Claim]:
    """Every quantity in `doc` (parsed from `source.text`) as a Claim."""
    claims: list[Claim] = []
    index = _Index(doc, source)
    group_nouns = [(t.idx, _lemma(t)) for t in doc if t.pos_ == "NOUN" and t.lower_ in lx.GROUP_NOUNS]
    group_offsets = [i for i, _ in group_nouns]
    ent_by_token = {t: ent for ent in index.ents for t in range(ent.start, ent.end)}
    sentences: dict[int, dict] = {}
    counts: list[tuple[int, int]] | None = None  # spans of the figures that are no dates
    previous: Quantity | None = None
    this_year = None if source.published else latest_year(source.text)
    offsets: list[tuple[int, int | None]] = []  # (claim, the verb it times) of elapsed times between two events
    governed: set[int] = set()  # the verbs that govern a figure other than a time
    for q in doc._.quantities or []:
        previous_figure = previous
        restated, previous = _restates(source.text, previous, q), q
        tok = index.token_at(q.start)
        if tok is None:
            continue
        if q.point == 1 and q.surface.lower() == "one" and source.text[q.end : q.end + 4].lower() == " of ":
            continue  # "one of its own": a member of a set, not a figure a source reports
        if _alone_on_its_line(source.text, q):
            continue  # "4 min" under a byline: the page's reading time, not a statement
        sent = tok.sent
        facts = sentences.get(sent.start)
        if facts is None:
            if counts is None:
                counts = sorted((x.start, x.end) for x in doc._.quantities or []
                                if not _is_a_when(x.unit))
            facts = sentences[sent.start] = _sentence_facts(sent, _dates_only(index.ents_in(sent), counts),
                                                            source, pack)
        said_by = facts["said_by"]
        if said_by and q.kind == "exact" and q.point == 1 and q.surface.lower() in said_by.lower():
            continue  # "one official said": the figure describes the speaker, not the story
        toks = index.tokens(q.start, q.end)
        noun = _counted_noun(doc, q, toks)
        count = _count_before_a_time_phrase(source.text, q, toks, pack.lexicon)
        if count is not None:
            q, toks = count, index.tokens(count.start, count.end)
            noun = _counted_noun(doc, q, toks)
        counted = _lemma(noun) if noun is not None else ""
        if noun is not None and noun.ent_type_ == "NORP" and noun.tag_ in ("NNPS", "NNS"):
            counted = "person"  # "4,000 Hungarians": people, whose group is the figure's owner
        elif noun is not None and (noun.ent_type_ in NOT_COUNTED_ENTITIES or noun.lemma_.lower() in lx.TIME_WORDS
                                   or (noun.dep_ == "nsubj" and noun.head.lemma_.lower() in REPORTING_VERBS
                                       and noun.i not in {t.i for t in toks})):
            # "rose to 8,200 on Saturday", "Ruiz, 65", "stands at 51, officials said":
            # a date, a name or the speaker, not what is counted
            counted = ""
        if noun is not None and q.unit == "fraction" and noun.lower_ in lx.FRACTION_DENOMINATORS:
            # "a quarter of the homes": the homes are counted, the quarter is the figure
            whole = next((o for p in noun.children if p.dep_ == "prep" and p.lower_ == "of"
                          for o in p.children if o.dep_ == "pobj"), None)
            counted = _lemma(whole) if whole is not None else ""
        if q.unit in ("fraction", "percentage") and counted in lx.PLACE_NOUNS:
            counted = ""  # "30% of the town was destroyed": a share of the place itself, whose owner it is
        if q.kind == "categorical" and q.concept:
            counted = PERSON_LEMMAS.get(q.concept, q.concept)
        if _is_a_when(q.unit):
            counted = ""  # "at 9 a.m. the rescuers", "in 2019 the firm": a time counts nothing
        if not counted and q.kind == "vague":
            # "Only a handful have been released": the group last named before it.
            k = bisect.bisect_left(group_offsets, q.start)
            counted = group_nouns[k - 1][1] if k else ""
        line, col = index.position(q.start)
        reading = read_figure(doc, q, toks or [tok], noun, sent, facts["ents"], ent_by_token, source, pack,
                              facts["triggers"], this_year)
        if restated:
            reading["role"] = "conversion"
        thing = reading.pop("thing")
        span, timed, verb = reading.pop("span"), reading.pop("timed"), reading.pop("verb")
        if span:
            offsets.append((len(claims), timed))
        elif verb is not None and not _is_a_when(q.unit):
            governed.add(verb)
        if not counted and thing:
            counted = thing  # "the height of the two dams was 40 metres"
        if reading.pop("refers_back") and claims and claims[-1].measure:
            # "later put that number at 900": the measure of the figure just before,
            # in this sentence or the one before it
            before = claims[-1]
            if before.quantity.start >= (doc[sent.start - 1].sent.start if sent.start else 0):
                reading["measure"], reading["measure_sure"] = before.measure, min(before.measure_sure, REFERS_BACK_SURE)
        if _is_a_when(q.unit) and not reading["measure"]:
            continue  # "Update 2 p.m.", "in 2019 the firm": a time or a year that dates no event the lexicon knows
        if restated and claims and claims[-1].quantity is previous_figure and _CONVERSION_END.match(source.text, q.end):
            claims[-1].restated_as = q  # the figure carries its conversion, so CK107 needs nothing else
        explicit = reading["as_of"]
        claims.append(
            Claim(
                source_id=source.id,
                quantity=q,
                sentence=facts["text"],
                line=line,
                col=col,
                counted=counted,
                event=_event(noun, toks),
                actors=list(facts["actors"]),
                places=list(facts["places"]),
                scope=list(facts["scope"]),
                attribution=pack.normalize_text(said_by) if said_by else None,
                date=explicit or source.published,
                date_basis="explicit" if explicit else ("published" if source.published else "none"),
                outlet=source.outlet,
                published=source.published,
                measure=reading["measure"],
                measure_sure=reading["measure_sure"],
                owner=reading["owner"],
                role=reading["role"],
                modality=reading["modality"],
                event_date=reading["event_date"],
                span=span,
            )
        )
    for k, timed in offsets:
        if timed in governed:
            claims[k].span = ""  # "two days after the quake, 2,000 were dead": the time dates the figure
        else:  # both events named: what the time measures is as sure as a measure word beside it
            claims[k].measure_sure = max(claims[k].measure_sure, SPAN_SURE)
    return claims


def extract(
    sources: Iterable[Source],
    pack: RulePack,
    nlp=None,
    model: str | None = None,
    batch_size: int = 32,
    progress: Callable[[Source], None] | None = None,
) -> Iterator[tuple[Source, list[Claim]]]:
    """Parse sources through `nlp.pipe` in batches and yield their claims."""
    if nlp is None:
        from .nlp import load_pipeline

        nlp = load_pipeline(model)
    sources = list(sources)
    longest = max((len(s.text) for s in sources), default=0)
    if longest >= nlp.max_length:
        nlp.max_length = longest + 1
    pairs = ((s.text, s) for s in sources)
    for doc, source in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        claims = claims_from_doc(doc, source, pack)
        if progress:
            progress(source)
        yield source, claims
