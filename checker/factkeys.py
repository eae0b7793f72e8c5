"""Fact keys: the part of the comparison each claim can only ever be compared in.

`compare` blocks claims by metric: a story pack's metric, the fact the facts
stage groups a claim into, or the generic key (counted noun and event). Which
of these a claim falls under is decided by the claim alone, and the facts of a
group key depend only on the claims of that key. So the claims of one key,
compared by themselves, give exactly the flags they give in the whole corpus,
provided each source's main place (what a figure with no place of its own
speaks of) comes from all its claims. That lets the pre-commit check fetch
only the claims of its article's keys, and a scan re-judge only the keys
whose members changed. The key is a block or coarser (a fact key holds all
the facts of one group key, a generic key all the places of one generic
metric), never finer.
"""
from __future__ import annotations

import hashlib
from typing import Iterable

from .facts import Aligner, group_key, main_places
from .model import Claim
from .rulepack import RulePack
from .units import unit_family


class Keyer:
    """Fact keys of claims for one rule pack."""

    def __init__(self, pack: RulePack):
        self.pack = pack
        self.aligner = Aligner(pack)
        self.settings = self.aligner.settings

    def key(self, claim: Claim) -> str | None:
        """The claim's fact key, or None when it can never be compared
        (mirrors facts.Aligner.metric_for and slot). A figure that carries
        its bracketed conversion has a key whatever it states: CK107 checks
        the two, so every comparison must be given it (its source's own key
        when it has no other)."""
        found = self._key(claim)
        if found is None and claim.restated_as is not None:
            return restated_key(claim)
        return found

    def _key(self, claim: Claim) -> str | None:
        if claim.quantity.trend != "level":
            return None  # a change, never a slot
        counted = (claim.counted or "").strip().lower()
        family, _ = unit_family(claim.quantity.unit)
        if counted:
            for m in self.aligner.by_counted.get(counted, ()):
                if m.matches(claim, family):
                    return "metric\x1f" + m.name
        grouped = group_key(claim, self.pack)
        if grouped is not None:
            return "fact\x1f" + "\x1f".join(grouped)
        s = self.settings
        if not counted or not s.generic_enabled or counted in s.generic_ignore_counted:
            return None
        # The generic metric's name (never its place: the place blocks of one
        # metric share the one-flag-per-pair-of-sources choice).
        metric = self.aligner.generic_metric(counted, (claim.event or "").lower(), family, claim.scope)
        return "generic\x1f" + metric.name

    def places(self, claims: list[Claim]) -> list[str]:
        """The source's main places (see facts.main_places), from all its claims."""
        if not self.settings.inherit_place or not claims:
            return []
        found = main_places(claims, self.aligner)
        return sorted(next(iter(found.values()), frozenset()))

    def split(self, claims: list[Claim]) -> dict[str, list[tuple[int, Claim]]]:
        """key -> [(index in the source's claims, claim)] for one source's claims."""
        out: dict[str, list[tuple[int, Claim]]] = {}
        for i, c in enumerate(claims):
            k = self.key(c)
            if k is not None:
                out.setdefault(k, []).append((i, c))
        return out


def restated_key(claim: Claim) -> str:
    """The key of a figure with a bracketed conversion and no fact key: its
    source's, since CK107 compares a figure only with its own conversion."""
    return "restated\x1f" + claim.source_id


def keys_signature(extractor: str) -> str:
    """What stored fact keys depend on: the extractor (model, packs) and
    checker's code (how keys and facts are made)."""
    from .pipeline import _code_signature

    return hashlib.sha1(f"{extractor}\x1f{_code_signature()}".encode()).hexdigest()[:16]


def ordered_claims(rows: Iterable[tuple[str, int, Claim]], order: dict[str, int]) -> list[Claim]:
    """Claims in the order a whole-corpus comparison meets them: by the
    source's place in the corpus, then by their place in the source (the
    facts stage breaks ties by order, so the order must be the same)."""
    rows = list(rows)
    # The (place, index, row) triples are distinct, so sorting them alone gives the order
    ranked = sorted((order[sid], idx, k) for k, (sid, idx, _) in enumerate(rows) if sid in order)
    return [rows[k][2] for _, _, k in ranked]
