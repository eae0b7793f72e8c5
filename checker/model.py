"""Plain data passed between the stages.

Every stage is a function over these dataclasses, so a stage can be tested
alone, cached as JSON, or run in another process. Nothing here imports spaCy.
"""
from __future__ import annotations

import bisect
import hashlib
import math
from dataclasses import asdict, dataclass, field
from typing import Any

INF = math.inf

KINDS = ("exact", "approx", "range", "lower", "upper", "vague", "categorical")
TRENDS = ("level", "up", "down")
STATUSES = ("open", "confirmed", "dismissed", "follow-up")
SEVERITIES = ("low", "medium", "high")


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def line_and_column(newlines: list[int], offset: int, origin_line: int, origin_col: int) -> tuple[int, int]:
    """1-based (line, column) of `offset`, given the sorted offsets of the text's
    newlines and where the text starts in its file (the first line may not
    start at column 1: a txt file's date prefix)."""
    n = bisect.bisect_left(newlines, offset)
    if n == 0:
        return origin_line, origin_col + offset
    return origin_line + n, offset - newlines[n - 1]


@dataclass
class Source:
    """One article. `id` is its path relative to the corpus root (plus `#N` for
    the N-th line of a JSONL file); `origin_line`/`origin_col` say where `text`
    starts in the file so claims can point back at a line and column."""

    id: str
    path: str
    text: str
    outlet: str | None = None
    published: str | None = None  # ISO date YYYY-MM-DD, or None when undated
    title: str | None = None
    url: str | None = None
    origin_line: int = 1
    origin_col: int = 1
    content_hash: str = ""

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = sha1(self.text)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Source":
        return cls(**{k: d.get(k) for k in cls.__dataclass_fields__ if k in d})

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) in the original file of a character offset in `text`."""
        newlines = [i for i, ch in enumerate(self.text[:offset]) if ch == "\n"]
        return line_and_column(newlines, offset, self.origin_line, self.origin_col)


@dataclass
class Quantity:
    """A figure as an interval. `low`/`high` may be -inf/inf for open bounds;
    `tolerance` is the absolute slack the wording implies ("about", "six weeks").
    Vague and categorical quantities keep `low`/`high` as a rough range (vague)
    or None (categorical) and say what group they name in `group`."""

    low: float | None
    high: float | None
    kind: str
    unit: str = ""  # normalized unit name: "day", "percentage", "dollar", "" for a bare count
    trend: str = "level"
    surface: str = ""
    start: int = 0  # character span in the source text
    end: int = 0
    tolerance: float = 0.0
    concept: str = ""  # the counted or measured words ("hostage", "people")
    group: str | None = None  # categorical group text, e.g. "women, children and elderly"
    stated_unit: str = ""  # the unit as written, singular ("week" in "six-week")
    scale: float = 1.0  # stated value * scale = normalized value (7 for weeks -> days)
    descending: bool = False  # a range stated high to low ("from 4.8 to 4.7 percent")
    owner: str = ""  # vague amounts: whose they are ("thousands of students at Heidelberg" -> "Heidelberg")
    hedge: str = ""  # the wording's approx/lower/upper reading where the kind differs ("about 14-18", "nearly 300")

    @property
    def point(self) -> float | None:
        if self.low is not None and self.low == self.high:
            return self.low
        return None

    def bounds(self) -> tuple[float, float]:
        """Interval widened by the tolerance; open ends are infinite."""
        lo = -INF if self.low is None else self.low
        hi = INF if self.high is None else self.high
        return lo - self.tolerance, hi + self.tolerance

    def change_symbol(self) -> str:
        """The NewsQuant `change` code for this quantity: a bound or an
        approximation beats a trend ("shed more than 20%" is ">", "up about 19%"
        is "~"); a hedged range ("about 14-18") takes its hedge's code."""
        kind = self.hedge or self.kind
        if kind in ("approx", "lower", "upper"):
            return {"approx": "~", "lower": ">", "upper": "<"}[kind]
        if self.trend in ("up", "down"):
            return self.trend
        return "="

    def value_text(self) -> str:
        """A short human rendering of the normalized value ("42 days ± 3.5")."""
        if self.kind == "categorical":
            return f"all {self.group or self.surface}"
        if self.kind == "vague":
            return f"{self.surface} (vague)"
        if self.unit in ("calendar year", "century"):  # "1994", "1300–1399 (the 14th century)"
            years = f"{self.low:.0f}" if self.low == self.high else (
                f"before {self.high:.0f}" if math.isinf(self.low) else f"after {self.low:.0f}" if math.isinf(self.high)
                else f"{self.low:.0f}–{self.high:.0f}")
            return years + (f" (the {self.surface})" if self.unit == "century" else "")
        if self.unit.startswith("time of day"):
            from .clock import clock_text  # "18:10 UTC", "about 06:00", "before 07:10 ET"

            zone = self.unit[len("time of day"):].strip()
            text = clock_text(self.low) if self.low == self.high else f"{clock_text(self.low)}–{clock_text(self.high)}"
            text = {"lower": f"after {clock_text(self.low)}", "upper": f"before {clock_text(self.high)}",
                    "approx": f"about {text}"}.get(self.kind, text)
            return f"{text} {zone}".strip()
        unit = f" {self.unit}" if self.unit else ""

        def fmt(x: float) -> str:
            return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.4g}"

        if self.kind == "lower":
            text = f"> {fmt(self.low)}"
        elif self.kind == "upper":
            text = f"< {fmt(self.high)}"
        elif self.point is not None:
            text = fmt(self.point)
        else:
            text = f"{fmt(self.low)}–{fmt(self.high)}"
        if self.tolerance:
            text += f" ± {fmt(self.tolerance)}"
        if self.trend != "level":
            text = f"{self.trend} {text}"
        text += unit
        if self.unit == "day" and self.stated_unit not in ("", "day") and self.point is not None:
            text = f"{fmt(self.point / self.scale)} {self.stated_unit} ({text})"
        return text

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("low", "high"):
            if d[k] is not None and math.isinf(d[k]):
                d[k] = None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Quantity":
        q = cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})
        return q


@dataclass
class Claim:
    """A quantity in context: what it counts, the event, who and where, the
    scope, who said it, and the date it speaks of."""

    source_id: str
    quantity: Quantity
    sentence: str
    line: int
    col: int
    counted: str = ""  # lemma of the counted noun: hostage, person, pause
    event: str = ""  # lemma of the governing verb or event noun: hold, release, kill
    actors: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)  # first phase, daily, so far, remaining
    attribution: str | None = None
    date: str | None = None  # ISO date the claim speaks of (publication date by default)
    date_basis: str = "published"  # published | explicit | none
    outlet: str | None = None
    published: str | None = None
    # What the figure states, read per figure (see claims.read_figure):
    measure: str = ""  # normalized measure from the lexicon: deaths, missing, magnitude...
    measure_sure: float = 0.0  # how sure the measure is (1: a trigger word right next to the figure)
    owner: str = ""  # the place, group or thing the figure belongs to, folded ("riverton", "moldovan")
    role: str = "total"  # total, part, batch, rate, ratio, increment, running, condition, superseded, reference
    modality: str = "reported"  # reported, proposed, demanded, rejected, projected, hypothetical
    event_date: str | None = None  # the date of the event the sentence describes, when it names one
    # an elapsed time between two events ("lost contact 90 minutes into the flight"):
    # "what happened after|before what it is counted from", in the lexicon's event words
    span: str = ""
    fact: str = ""  # the fact this claim was grouped into (set by the facts stage)
    # The same figure restated in other units in brackets right after it ("435
    # miles (700 km)"): kept on the figure, so whatever compares the figure can
    # check its conversion (CK107) without the rest of its source.
    restated_as: Quantity | None = None

    @property
    def id(self) -> str:
        """Stable id from the content: outlet, quote and figure. Never the file path
        (renaming or moving an article keeps its decisions) nor character offsets."""
        return sha1(self.content_key())[:12]

    def content_key(self) -> str:
        return f"{(self.outlet or '').strip().casefold()}\x1f{self.sentence.strip()}\x1f{self.quantity.surface}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["quantity"] = self.quantity.to_dict()
        if self.restated_as is not None:
            d["restated_as"] = self.restated_as.to_dict()
        d["id"] = self.id
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Claim":
        kw = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        kw["quantity"] = Quantity.from_dict(d["quantity"])
        if kw.get("restated_as") is not None:
            kw["restated_as"] = Quantity.from_dict(kw["restated_as"])
        return cls(**kw)


@dataclass
class Flag:
    """A disagreement between two or more claims, for a person to judge."""

    code: str
    severity: str
    metric: str
    claims: list[Claim]
    message: str
    rule: str = ""  # the rule's name, e.g. numeric-conflict
    confidence: float = 1.0  # how sure the flag is, from its evidence (engine.confidence)
    fact: str = ""  # the readable description of the fact both figures state

    @property
    def id(self) -> str:
        """Hash of code, metric and each claim's outlet, quote and surface: stable
        across re-scans, edits elsewhere in a source, and renaming or moving its file."""
        parts = sorted(c.content_key() for c in self.claims)
        return sha1("\x1e".join([self.code, self.metric, *parts]))[:16]

    @property
    def legacy_id(self) -> str:
        """The id ledgers written before ids left out the file path used (the
        claims' source ids instead of outlets); read so those decisions still apply."""
        parts = sorted(
            f"{c.source_id}\x1f{c.sentence.strip()}\x1f{c.quantity.surface}" for c in self.claims
        )
        return sha1("\x1e".join([self.code, self.metric, *parts]))[:16]

    @property
    def evidence_hash(self) -> str:
        """Changes when what the reviewer saw changes (values, dates, attributions)."""
        parts = sorted(
            f"{c.source_id}|{c.quantity.value_text()}|{c.date}|{c.attribution}|{c.outlet}"
            for c in self.claims
        )
        return sha1("\x1e".join([self.message, *parts]))[:16]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "metric": self.metric,
            "message": self.message,
            "confidence": self.confidence,
            "fact": self.fact,
            "evidence_hash": self.evidence_hash,
            "claims": [c.to_dict() for c in self.claims],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Flag":
        return cls(
            code=d["code"],
            severity=d["severity"],
            metric=d["metric"],
            message=d["message"],
            rule=d.get("rule", ""),
            confidence=float(d.get("confidence", 1.0)),
            fact=str(d.get("fact", "")),
            claims=[Claim.from_dict(c) for c in d["claims"]],
        )


KINDS_OF_LINE = ("decision", "note", "undo")


@dataclass
class Decision:
    """One ledger line about a flag. `kind` says which fact it records: a
    verdict ("decision"), a note that leaves the status alone ("note"), or an
    undo that restores the status before the decision it names ("undo"; its
    `status` and `evidence_hash` are the restored ones). `id` names the line and
    `replaces` the flag's line it follows, so order survives merges and clocks."""

    flag_id: str
    status: str
    reviewer: str
    note: str = ""
    time: str = ""  # ISO 8601 UTC; shown to people, never used to order lines that name what they replace
    evidence_hash: str = ""
    id: str = ""
    replaces: str = ""
    kind: str = "decision"
    undoes: str = ""  # for kind "undo": the id of the decision undone
    wrong: str = ""  # for a confirmed conflict: the id of the claim a reviewer marked wrong

    def to_dict(self) -> dict[str, Any]:
        """The ledger line; optional fields only when set, to keep lines short."""
        d = asdict(self)
        for key in ("undoes", "wrong"):
            if not d[key]:
                del d[key]
        return d
