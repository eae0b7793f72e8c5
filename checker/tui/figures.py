"""Every figure of a flag's fact, for the review timeline.

A flag shows two claims; the timeline shows all the corpus says about the same
fact, so a reviewer sees whether one figure is an outlier or a stage of a
count that rose over time. "The same fact" is what the comparison groups
together (facts stage, then metric blocks, as `engine.compare` does): the
claims of the flag's metric that share a comparison block with the flag's
claims (a generic metric is split by place, so a death toll in one country
never joins another's).

`fact_figures(store, flag)` is the one entry point the review uses; it reads
the claims of the flag's fact keys (or, in a cache without them, every stored
claim once) and the rule packs, never spaCy.
"""
from __future__ import annotations

from typing import Callable

from ..model import Claim, Flag


class FactIndex:
    """Claims grouped by comparison block, looked up by a flag's claims."""

    def __init__(self, claims: list[Claim], pack, places: dict[str, frozenset[str]] | None = None) -> None:
        from ..facts import Aligner, build_blocks
        from ..rulepack import Settings
        from ..facts import build_facts

        # The same grouping `engine.compare` makes: facts first, then blocks
        # (`places`: each source's main places, when `claims` are only some keys').
        facts = build_facts(claims, pack)
        blocks = build_blocks(claims, pack, Aligner(pack, Settings.from_pack(pack), facts), places=places)
        self.metric: dict[str, str] = {}
        self.claims: dict[str, list[Claim]] = {}
        self.blocks_of: dict[str, list[str]] = {}
        self.blocks_by_metric: dict[str, list[str]] = {}
        for key, block in blocks.items():
            self.metric[key] = block.metric.name
            self.claims[key] = [s.claim for s in block.slots]
            self.blocks_by_metric.setdefault(block.metric.name, []).append(key)
            for s in block.slots:
                self.blocks_of.setdefault(s.claim.id, []).append(key)

    def figures(self, flag: Flag) -> list[Claim]:
        """The flag's own claims first, then every other claim of its fact, once each."""
        keys = {k for c in flag.claims for k in self.blocks_of.get(c.id, ())
                if self.metric[k] == flag.metric}
        if not keys:  # the flag's claims are no longer stored: fall back to the metric
            keys = set(self.blocks_by_metric.get(flag.metric, ()))
        seen: dict[str, Claim] = {c.id: c for c in flag.claims}
        for key in sorted(keys):
            for c in self.claims[key]:
                seen.setdefault(c.id, c)
        return list(seen.values())


def fact_figures_from(claims: list[Claim], pack) -> Callable[[Flag], list[Claim]]:
    """A `figures(flag)` function over `claims`; the index is built on first use."""
    index: FactIndex | None = None

    def figures(flag: Flag) -> list[Claim]:
        nonlocal index
        if index is None:
            index = FactIndex(claims, pack)
        return index.figures(flag)

    return figures


def fact_figures(store, flag: Flag, cfg=None) -> list[Claim]:
    """Every stored figure of `flag`'s fact (one-off; the review keeps an index)."""
    return store_figures(store, cfg)(flag)


def store_figures(store, cfg=None) -> Callable[[Flag], list[Claim]]:
    """`figures(flag)` over the claims stored by the last scan with `cfg`'s
    extractor and rule packs (default: the working directory's configuration).

    When the cache holds every stored extraction's claims by fact key
    (checker.factkeys), only the claims of the flag's keys are read, per flag:
    the same figures, without reading the corpus. Otherwise every stored claim
    is read once, on the first flag."""
    from ..config import load_config
    from ..pipeline import extractor_key, load_pack

    cfg = cfg or load_config(warn=False)
    loaded: dict[str, object] = {}

    def by_fact_key(flag: Flag) -> list[Claim] | None:
        from ..factkeys import Keyer, ordered_claims

        extractor = loaded["extractor"]
        if "keyed" not in loaded:
            current = store.source_hashes()
            known = store.keyed_sources(extractor)
            loaded["current"] = current
            loaded["keyed"] = bool(current) and all(pair in known for pair in current.items())
            # all_claims reads the sources in id order: so does this
            loaded["order"] = {sid: n for n, sid in enumerate(sorted(current))}
            loaded["keyer"] = Keyer(loaded["pack"])
        if not loaded["keyed"]:
            return None
        keys = {k for k in map(loaded["keyer"].key, flag.claims) if k is not None}
        current = loaded["current"]
        rows = store.claims_of_keys(extractor, keys, current)
        places = store.places_of(extractor, current, {sid for sid, _, _ in rows})
        return FactIndex(ordered_claims(rows, loaded["order"]), loaded["pack"], places).figures(flag)

    def figures(flag: Flag) -> list[Claim]:
        if "pack" not in loaded:
            loaded["pack"], loaded["extractor"] = load_pack(cfg), extractor_key(cfg)
        found = by_fact_key(flag)
        if found is not None:
            return found
        if "f" not in loaded:
            loaded["f"] = fact_figures_from(store.all_claims(loaded["extractor"]), loaded["pack"])
        return loaded["f"](flag)

    return figures
