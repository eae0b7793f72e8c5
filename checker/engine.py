"""The compare stage: facts in, flags out.

`compare(claims, pack)` groups the claims into facts (checker.facts) unless
given them, builds one block of slots per fact, runs every rule of
checker.rules over each block within the fact's time window, and returns the
flags sorted by confidence, then severity, then id, so the output is the same
on every run. Each flag carries a confidence from its evidence (`confidence`).

Claims from the same source are never flagged against each other, except a
figure against its own restatement in other units in brackets (CK107).
"""
from __future__ import annotations

import bisect
import gc
import itertools
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .facts import SCAN_FACTOR, Aligner, Block, Slot, build_blocks, compatible, window_pairs
from .model import Claim, Flag
from .rulepack import RulePack, Settings
from .rules import RULES, SEVERITY_RANK, RuleConfig, rule_configs
from .rules.confidence import confidence
from .rules.relations import relate, widened

__all__ = ["RULES", "compare", "confidence", "metric_of"]


def _order(s: Slot) -> tuple:
    c = s.claim
    return (s.day if s.day is not None else 10**9, s.source, c.line, c.col, c.quantity.surface)

@dataclass
class Context:
    pack: RulePack
    settings: Settings
    configs: dict[str, RuleConfig]
    flags: dict[str, Flag] = field(default_factory=dict)
    once: set[tuple[str, str, str]] = field(default_factory=set)
    focus: set[str] | None = None  # only pairs touching these sources (pre-commit check)
    best: dict[tuple, str] = field(default_factory=dict)  # (metric, source, source) -> flag id

    def emit(self, code: str, metric: str, a: Slot, b: Slot, message: str) -> None:
        cfg = self.configs[code]
        first, second = sorted((a, b), key=_order)
        # columns A and B follow the order the message names them
        flag = Flag(code=code, severity=cfg.severity, metric=metric, claims=[a.claim, b.claim],
                    message=message, rule=cfg.name, confidence=confidence(code, a, b),
                    fact=a.metric.description or metric)
        # one flag per fact and pair of sources, the surest; in a fixed fact most
        # sources agree on, one flag per figure that stands apart from them
        key = (metric, *sorted((a.source, b.source)))
        dominant = a.metric.dominant
        if a.metric.over_time == "fixed" and (a.claim.id in dominant) != (b.claim.id in dominant):
            apart = b if a.claim.id in dominant else a
            key = (metric, "apart", apart.claim.id)
        old = self.best.get(key)
        if old is not None:
            if self.flags[old].confidence >= flag.confidence:
                return
            del self.flags[old]
        self.best[key] = flag.id
        self.flags.setdefault(flag.id, flag)

def _pair_rules(ctx: Context) -> list[tuple[str, Callable, RuleConfig]]:
    return [(code, RULES[code].func, cfg) for code, cfg in sorted(ctx.configs.items())
            if cfg.enabled and RULES[code].applies_to == "pair"]

def _judge(ctx: Context, rules, a: Slot, b: Slot, focus: set[str] | None = None) -> None:
    if focus is not None and a.claim.source_id not in focus and b.claim.source_id not in focus:
        return
    rel = relate(a, b)
    if rel in ("agree", "groups"):
        return
    for code, func, cfg in rules:
        message = func(cfg, a, b, rel)
        if message:
            ctx.emit(code, a.metric.name, a, b, message)

def _later_is_lower(a: Slot, b: Slot) -> bool:
    early, late = (a, b) if a.day <= b.day else (b, a)
    return widened(late)[1] < widened(early)[0]

def compare_block(ctx: Context, block: Block) -> None:
    """All the rules over one metric's claims."""
    cap = ctx.settings.max_pairs_per_claim
    rules = _pair_rules(ctx)
    metric = block.metric
    focus = ctx.focus
    if focus is not None and metric.over_time == "fixed" and metric.dominant:
        # A figure apart from the value most sources state keeps only its
        # surest flag, whoever the other source is: a pair without the focused
        # sources can outrank one with them, so every pair is judged here.
        focus = None
    numbers = sorted((s for s in block.slots if s.form == "number" and s.day is not None), key=_order)
    if len(block.slots) > 1:
        # dated figures within the metric's time window
        # authorities are compared over a wider window than figures from the same kind of source
        wide = max(metric.window_days, metric.authority_window)
        only_authorities = [r for r in rules if r[0] == "CK106"]
        touching = None if focus is None else {i for i, s in enumerate(numbers) if s.claim.source_id in focus}
        for a, b in window_pairs(numbers, wide, cap, touching):
            if abs(a.day - b.day) <= metric.window_days:
                _judge(ctx, rules, a, b, focus)
            elif _later_is_lower(a, b):
                # a total that can only grow: a later, higher figure from another authority is growth
                _judge(ctx, only_authorities, a, b, focus)
        if metric.over_time == "term" and metric.consensus:
            # a deal's terms do not move with the day a report is read: an undated
            # term apart from the value most sources give is set against that value
            agreeing = sorted((s for s in block.slots if s.claim.id in metric.consensus), key=_order)
            for u in sorted((s for s in block.slots if s.form == "number" and s.day is None
                             and s.claim.id not in metric.consensus), key=_order):
                met = 0
                for n in agreeing[:SCAN_FACTOR * cap]:  # each undated term meets at most cap of them
                    if compatible(u, n):
                        _judge(ctx, rules, u, n, focus)
                        met += 1
                        if met >= cap:
                            break
        # groups against figures: same window when both are dated, otherwise any
        groups = sorted((s for s in block.slots if s.form == "group"), key=_order)
        if groups:
            undated_numbers = sorted((s for s in block.slots if s.form == "number" and s.day is None), key=_order)
            days = [s.day for s in numbers]
            for g in groups:
                if g.day is None:
                    lo, hi = 0, len(numbers)
                else:
                    lo = bisect.bisect_left(days, g.day - metric.window_days)
                    hi = bisect.bisect_right(days, g.day + metric.window_days)
                candidates: Iterable[Slot] = itertools.chain(
                    (numbers[i] for i in range(lo, hi)), undated_numbers)
                met = 0
                for looked, n in enumerate(candidates):
                    if looked >= SCAN_FACTOR * cap:
                        break
                    if compatible(g, n):
                        _judge(ctx, rules, n, g, focus)
                        met += 1
                        if met >= cap:
                            break
        for code, cfg in sorted(ctx.configs.items()):
            r = RULES[code]
            if cfg.enabled and r.applies_to == "block":
                for a, b, message in r.func(cfg, block, ctx):
                    # a slot in several place blocks is flagged once per block rule (CK104:
                    # once per pair, a later figure being set against up to two earlier ones)
                    once = (code, metric.name, *((b.claim.id, a.claim.id) if code == "CK104" else (a.claim.id,)))
                    if once not in ctx.once:
                        ctx.once.add(once)
                        ctx.emit(code, metric.name, a, b, message)

def compare_conversions(ctx: Context, claims: list[Claim]) -> None:
    """The conversion rules over every figure that carries its bracketed
    restatement: within one source, whatever the figure's fact (a partition
    or a check is given every such figure of its keys: checker.factkeys)."""
    rules = [(code, RULES[code].func, cfg) for code, cfg in sorted(ctx.configs.items())
             if cfg.enabled and RULES[code].applies_to == "conversion"]
    if not rules:
        return
    for c in claims:
        if c.restated_as is None or (ctx.focus is not None and c.source_id not in ctx.focus):
            continue
        for code, func, cfg in rules:
            found = func(cfg, c)
            if found:
                other, message, conf = found
                flag = Flag(code=code, severity=cfg.severity, metric=f"conversion/{c.quantity.unit}",
                            claims=[c, other], message=message, rule=cfg.name, confidence=conf,
                            fact="a figure and its conversion in brackets")
                ctx.flags.setdefault(flag.id, flag)

@contextmanager
def collector_off():
    """No cyclic garbage collection inside. The compare stage makes millions
    of short-lived facts and slots with no reference cycles, and a check
    holds its corpus records and its keys' claims until it ends: the
    collector would only walk them (and the parser's objects) again and
    again. Extraction, whose size the corpus decides, keeps it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def compare(claims: list[Claim], pack: RulePack, focus: set[str] | None = None, facts=None,
            places: dict[str, frozenset[str]] | None = None) -> list[Flag]:
    """Flags for every disagreement among `claims`, by severity then id.

    Claims are aligned to metrics (checker.align), blocked by metric, and
    compared only within each metric's time window, so the work grows with
    the number of claims, not the number of pairs. With `focus` (source ids),
    only the metrics holding a claim from those sources are compared, and
    only what can decide their flags: the flags that involve those sources
    are exactly those of the whole comparison (the pre-commit check needs no
    others; flags among the other sources may be missing). `places` (source id -> main
    places) is given when `claims` are only the claims of some fact keys
    (checker.factkeys).
    """
    settings = Settings.from_pack(pack)
    ctx = Context(pack=pack, settings=settings, configs=rule_configs(pack), focus=focus)
    with collector_off():
        if facts is None:
            from .facts import build_facts

            facts = build_facts(claims, pack)
        aligner = Aligner(pack, settings, facts)
        blocks = build_blocks(claims, pack, aligner, places)
        wanted = None
        if focus is not None:
            # Every block of a metric that has a focused claim: the place blocks
            # of one metric share which figure a block rule has flagged already
            # (Context.once), so one without the focused sources can still
            # decide what a block with them reports.
            wanted = {b.metric.name for b in blocks.values() if any(s.claim.source_id in focus for s in b.slots)}
        for name in sorted(blocks):
            if wanted is not None and blocks[name].metric.name not in wanted:
                continue
            compare_block(ctx, blocks[name])
        del blocks
        compare_conversions(ctx, claims)
        keyed = sorted(ctx.flags.items(), key=lambda kv: (-kv[1].confidence, SEVERITY_RANK.get(kv[1].severity, 9), kv[0]))
        return [f for _, f in keyed]

def metric_of(claim: Claim, pack: RulePack) -> str | None:
    """The metric name a claim is aligned to (None: it names no comparable fact)."""
    found = Aligner(pack).metric_for(claim)
    return found[0].name if found else None
