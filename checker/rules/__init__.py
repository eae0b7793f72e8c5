"""The rules: one module per rule code, each a function with a docstring that
says what it detects, why it matters and an example (docs/rules.md carries
the same text for users), registered here under its code.

A pair rule `f(cfg, a, b, rel)` judges two slots of one fact and returns a
message or None; a block rule `f(cfg, block, ctx)` scans a whole fact and
yields (slot, slot, message). A conversion rule `f(cfg, claim)` judges one
figure against its bracketed restatement in other units (Claim.restated_as)
and returns (the restatement's claim, message, confidence) or None: it needs
nothing but the figure, so every comparison that is given the figure (a
scan, a check, one partition) raises the same flags. The `rules` packs
(rules/rules.yaml) set each rule's severity and thresholds.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable

from ..model import SEVERITIES
from ..rulepack import RulePack

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}

@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    params: dict[str, Any]
    func: Callable
    applies_to: str  # "pair": judged pair by pair; "block": scans a whole metric block; "conversion": one figure

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.func) or ""

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]

RULES: dict[str, Rule] = {}

def rule(code: str, name: str, severity: str, applies_to: str = "pair", **params: Any):
    """Register a rule function under a code, with its default severity and thresholds."""

    def deco(func: Callable) -> Callable:
        assert severity in SEVERITIES and code not in RULES
        RULES[code] = Rule(code, name, severity, dict(params), func, applies_to)
        return func

    return deco

@dataclass
class RuleConfig:
    code: str
    name: str
    severity: str
    enabled: bool
    params: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

def rule_configs(pack: RulePack) -> dict[str, RuleConfig]:
    """Each rule's effective settings: its defaults overridden by the packs."""
    out = {}
    for code, r in RULES.items():
        over = pack.rules.get(code, {}) or {}
        params = dict(r.params)
        params.update({k: v for k, v in over.items() if k in r.params})
        out[code] = RuleConfig(code, r.name, over.get("severity", r.severity), over.get("enabled", True), params)
    return out


# Importing the rule modules registers them (in code order).
from . import (  # noqa: E402,F401
    ck101_numeric_conflict,
    ck102_rounding,
    ck103_scope_mismatch,
    ck104_cumulative_decrease,
    ck105_undated_conflict,
    ck106_attribution_conflict,
    ck107_conversion_mismatch,
)
