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
from .model import Claim, Quantity, Source, line_and_column
from .quantities import TokenIndex
from .rulepack import RulePack

REPORTING_VERBS = {
    "say", "tell", "report", "add", "note", "announce", "state", "claim", "estimate",
    "acknowledge", "confirm", "write", "tweet", "insist", "warn", "explain", "reveal",
    "disclose", "indicate", "show", "count",
}
EVENT_NOUNS = {
    "release": "release", "freeing": "free", "exchange": "exchange", "death": "die",
    "killing": "kill", "capture": "take", "return": "release", "pause": "pause",
    "ceasefire": "pause", "cease-fire": "pause", "truce": "pause", "evacuation": "evacuate",
    "deaths": "die", "toll": "die", "swap": "exchange",
}
PERSON_LEMMAS = {"people": "person", "persons": "person", "folk": "person"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
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


def _counted_noun(doc, q: Quantity, toks: list):
    """The noun the figure counts or measures: "40 ... hostages", "six-week ceasefire"."""
    if not toks:
        return None
    inside = {t.i for t in toks}
    unit_words = lx.UNIT_LIKE_WORDS
    # the noun the last number token hangs on, skipping unit words
    for t in reversed(toks):
        if t.pos_ in ("NOUN", "PROPN") and t.lemma_.lower() not in unit_words and not t.like_num and q.kind != "vague":
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
                if head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() not in unit_words:
                    return head
                if head.pos_ not in ("NOUN", "NUM", "PROPN", "ADJ"):
                    break
    # "a handful of X", "dozens of X"
    after = doc[toks[-1].i + 1 : toks[-1].i + 5]
    for t in after:
        if t.pos_ in ("NOUN", "PROPN") and not t.like_num:
            return t
        if t.pos_ not in ("ADP", "DET", "ADJ", "PUNCT", "NUM"):
            break
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
    attribution and explicit date (computed once per sentence)."""
    places, actors = [], []
    for ent in ents:
        name = pack.canonical(ent.text)
        if ent.label_ in PLACE_LABELS and name not in places:
            places.append(name)
        elif ent.label_ in ACTOR_LABELS and name not in actors:
            actors.append(name)
    return {
        "places": places, "actors": actors, "scope": _scopes(sent.text, pack),
        "said_by": _attribution(sent), "explicit": _explicit_date(sent, ents, source.published),
        "text": sent.text.strip(),
    }


def claims_from_doc(doc, source: Source, pack: RulePack) -> list[Claim]:
    """Every quantity in `doc` (parsed from `source.text`) as a Claim."""
    claims: list[Claim] = []
    index = _Index(doc, source)
    group_nouns = [(t.idx, _lemma(t)) for t in doc if t.pos_ == "NOUN" and t.lower_ in lx.GROUP_NOUNS]
    group_offsets = [i for i, _ in group_nouns]
    sentences: dict[int, dict] = {}
    for q in doc._.quantities or []:
        tok = index.token_at(q.start)
        if tok is None:
            continue
        if q.point == 1 and q.surface.lower() == "one" and source.text[q.end : q.end + 4].lower() == " of ":
            continue  # "one of its own": a member of a set, not a figure a source reports
        sent = tok.sent
        facts = sentences.get(sent.start)
        if facts is None:
            facts = sentences[sent.start] = _sentence_facts(sent, index.ents_in(sent), source, pack)
        said_by = facts["said_by"]
        if said_by and q.kind == "exact" and q.point == 1 and q.surface.lower() in said_by.lower():
            continue  # "one official said": the figure describes the speaker, not the story
        toks = index.tokens(q.start, q.end)
        noun = _counted_noun(doc, q, toks)
        counted = _lemma(noun) if noun is not None else ""
        if q.kind == "categorical" and q.concept:
            counted = PERSON_LEMMAS.get(q.concept, q.concept)
        if not counted and q.kind == "vague":
            # "Only a handful have been released": the group last named before it.
            k = bisect.bisect_left(group_offsets, q.start)
            counted = group_nouns[k - 1][1] if k else ""
        line, col = index.position(q.start)
        explicit = facts["explicit"]
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
            )
        )
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
