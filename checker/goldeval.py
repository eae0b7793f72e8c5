"""Score flags and fact grouping against a corpus's hand-made `gold.yaml`.

The gold format and the scoring rules are the multi-source data set's
(see the README beside such a corpus): flag precision, conflict recall and
pairwise alignment precision and recall. A gold mention names a figure by its
text in one source; a claim stands for a mention when its figure's span
overlaps that text. Every false flag is listed with its cause, so the score
says what to fix, not only how much.

Nothing here imports spaCy: it scores claims, facts and flags that the
caller produced.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import UserError
from .model import Claim, Flag, Source


@dataclass(frozen=True)
class Mention:
    fact: str
    source: str
    figure: str

    @property
    def key(self) -> str:
        return f"{self.source}#{self.figure}"


@dataclass
class Gold:
    story: str
    facts: dict[str, list[Mention]]
    conflicts: list[dict[str, Any]]
    not_conflicts: list[dict[str, Any]]

    @property
    def mentions(self) -> list[Mention]:
        return [m for ms in self.facts.values() for m in ms]


def load_gold(path: Path) -> Gold:
    """Read and check a gold.yaml; a malformed file is one UserError line."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UserError(f"{path}: cannot read gold ({type(exc).__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("facts"), list):
        raise UserError(f"{path}: gold needs a 'facts' list")
    facts: dict[str, list[Mention]] = {}
    for i, f in enumerate(data["facts"]):
        if not isinstance(f, dict) or not isinstance(f.get("id"), str):
            raise UserError(f"{path}: facts[{i}] needs an 'id'")
        mentions = []
        for m in f.get("mentions") or []:
            if not isinstance(m, dict) or "source" not in m or "figure" not in m:
                raise UserError(f"{path}: facts[{i}] ({f['id']}): a mention needs 'source' and 'figure'")
            mentions.append(Mention(f["id"], str(m["source"]), str(m["figure"])))
        facts[f["id"]] = mentions
    conflicts = [c for c in data.get("conflicts") or [] if isinstance(c, dict)]
    not_conflicts = [c for c in data.get("not_conflicts") or [] if isinstance(c, dict)]
    return Gold(str(data.get("story", path.parent.name)), facts, conflicts, not_conflicts)


# --------------------------------------------------------------------------- mentions -> claims


def _spans(text: str, figure: str) -> list[tuple[int, int]]:
    """Where a figure's text occurs; spacing and case may differ from the gold's."""
    out = [(m.start(), m.end()) for m in re.finditer(re.escape(figure), text)]
    if out:
        return out
    pattern = r"\s+".join(re.escape(w) for w in figure.split())
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]


def match_mentions(gold: Gold, sources: list[Source], claims: list[Claim]) -> tuple[dict[str, Mention], list[Mention]]:
    """Claim id -> the gold mention it stands for, and the mentions no claim stands for."""
    by_source: dict[str, list[Claim]] = {}
    for c in claims:
        by_source.setdefault(c.source_id, []).append(c)
    texts = {s.id: s.text for s in sources}
    matched: dict[str, Mention] = {}
    missed: list[Mention] = []
    for m in gold.mentions:
        text = texts.get(m.source)
        best = None
        for lo, hi in _spans(text or "", m.figure) if text else []:
            for c in by_source.get(m.source, []):
                q = c.quantity
                overlap = min(hi, q.end) - max(lo, q.start)
                if overlap > 0 and (best is None or overlap > best[0]):
                    best = (overlap, c)
        if best is None:
            missed.append(m)
        else:
            matched.setdefault(best[1].id, m)
    return matched, missed


# --------------------------------------------------------------------------- scoring


@dataclass
class CorpusScore:
    name: str
    flags: int = 0
    true_flags: int = 0
    conflicts: int = 0
    found: int = 0
    gold_pairs: int = 0
    gold_pairs_grouped: int = 0
    grouped_pairs: int = 0
    grouped_pairs_right: int = 0
    mentions: int = 0
    mentions_missed: int = 0
    false_flags: list[dict[str, Any]] = field(default_factory=list)
    missed_conflicts: list[str] = field(default_factory=list)

    @staticmethod
    def ratio(a: int, b: int) -> float | None:
        return a / b if b else None

    def summary(self) -> dict[str, Any]:
        return {
            "corpus": self.name,
            "flags": self.flags, "true_flags": self.true_flags,
            "flag_precision": self.ratio(self.true_flags, self.flags),
            "conflicts": self.conflicts, "conflicts_found": self.found,
            "conflict_recall": self.ratio(self.found, self.conflicts),
            "alignment_recall": self.ratio(self.gold_pairs_grouped, self.gold_pairs),
            "alignment_precision": self.ratio(self.grouped_pairs_right, self.grouped_pairs),
            "mentions": self.mentions, "mentions_without_claim": self.mentions_missed,
        }


def _side(keys: Any) -> set[str]:
    if isinstance(keys, str):
        return {keys}
    return {str(k) for k in keys or []}


def _not_conflict_why(gold: Gold, ka: str, kb: str) -> str | None:
    for nc in gold.not_conflicts:
        a, b = _side(nc.get("a")), _side(nc.get("b"))
        if (ka in a and kb in b) or (kb in a and ka in b):
            return str(nc.get("why", ""))
    return None


def score_corpus(name: str, gold: Gold, sources: list[Source], claims: list[Claim],
                 fact_of: dict[str, str], flags: list[Flag]) -> CorpusScore:
    """Score one corpus. `fact_of` maps claim id -> checker's fact id."""
    matched, missed = match_mentions(gold, sources, claims)
    sc = CorpusScore(name, mentions=len(gold.mentions), mentions_missed=len(missed))
    sides = [(c.get("id", f"C{i + 1}"), _side(c.get("a")), _side(c.get("b"))) for i, c in enumerate(gold.conflicts)]
    sc.conflicts = len(sides)
    found: set[str] = set()
    sc.flags = len(flags)
    for flag in flags:
        hits = set()
        pairs = list(itertools.combinations(flag.claims, 2))
        for x, y in pairs:
            mx, my = matched.get(x.id), matched.get(y.id)
            if not mx or not my:
                continue
            for cid, a, b in sides:
                if (mx.key in a and my.key in b) or (my.key in a and mx.key in b):
                    hits.add(cid)
        if hits:
            sc.true_flags += 1
            found |= hits
            continue
        x, y = flag.claims[0], flag.claims[1]
        mx, my = matched.get(x.id), matched.get(y.id)
        if not mx or not my:
            cause = "figure in no gold fact"
        elif mx.fact != my.fact:
            cause = f"different facts ({mx.fact} / {my.fact})"
        else:
            cause = f"same fact, not a listed conflict ({mx.fact})"
        why = _not_conflict_why(gold, mx.key, my.key) if mx and my else None
        sc.false_flags.append({
            "code": flag.code, "cause": cause, "gold_says": why,
            "a": f"{x.source_id}: {x.quantity.surface}", "b": f"{y.source_id}: {y.quantity.surface}",
            "metric": flag.metric,
        })
    sc.found = len(found)
    sc.missed_conflicts = [cid for cid, _, _ in sides if cid not in found]
    # alignment, pairwise over mentions of one fact in different sources
    claim_of = {}
    for cid, m in matched.items():
        claim_of.setdefault(m, cid)
    for mentions in gold.facts.values():
        for m1, m2 in itertools.combinations(mentions, 2):
            if m1.source == m2.source:
                continue
            sc.gold_pairs += 1
            c1, c2 = claim_of.get(m1), claim_of.get(m2)
            if c1 and c2 and fact_of.get(c1) is not None and fact_of.get(c1) == fact_of.get(c2):
                sc.gold_pairs_grouped += 1
    groups: dict[str, list[tuple[str, Mention]]] = {}
    by_id = {c.id: c for c in claims}
    for cid, m in matched.items():
        f = fact_of.get(cid)
        if f is not None:
            groups.setdefault(f, []).append((by_id[cid].source_id, m))
    for members in groups.values():
        for (s1, m1), (s2, m2) in itertools.combinations(members, 2):
            if s1 == s2:
                continue
            sc.grouped_pairs += 1
            sc.grouped_pairs_right += m1.fact == m2.fact
    return sc


def overall(scores: list[CorpusScore]) -> CorpusScore:
    total = CorpusScore("overall")
    for s in scores:
        for k in ("flags", "true_flags", "conflicts", "found", "gold_pairs", "gold_pairs_grouped",
                  "grouped_pairs", "grouped_pairs_right", "mentions", "mentions_missed"):
            setattr(total, k, getattr(total, k) + getattr(s, k))
    return total


# --------------------------------------------------------------------------- running a corpus


def _parsed(nlp, sources: list[Source], cache_dir: Path | None):
    """Docs for `sources`, parsed once and kept as DocBin files keyed by model
    and text: scoring is re-run often while the comparison changes, and the
    parse is the slow part. checker's own component always runs afresh."""
    from spacy.tokens import DocBin

    from .model import sha1
    from .nlp import COMPONENT

    component = nlp.get_pipe(COMPONENT)
    model = f"{nlp.meta.get('name')}-{nlp.meta.get('version')}-{'+'.join(nlp.pipe_names)}"
    todo, docs = [], {}
    for s in sources:
        path = cache_dir / f"{sha1(model + s.text)[:20]}.spacy" if cache_dir else None
        if path is not None and path.is_file():
            try:
                docs[s.id] = component(next(iter(DocBin().from_bytes(path.read_bytes()).get_docs(nlp.vocab))))
                continue
            except Exception:  # noqa: BLE001 - a bad cache entry is parsed again
                pass
        todo.append((s, path))
    with nlp.select_pipes(disable=[COMPONENT]):
        for doc, (s, path) in zip(nlp.pipe(s.text for s, _ in todo), todo):
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(DocBin(docs=[doc]).to_bytes())
            docs[s.id] = component(doc)
    return docs


def analyse_corpus(folder: Path, pack, model: str | None = None, cache_dir: Path | None = None):
    """(sources, claims, facts, flags) for one corpus folder, as a scan would make them."""
    from .claims import claims_from_doc
    from .engine import compare
    from .facts import build_facts
    from .nlp import PIECE_CHARS, load_pipeline
    from .pipeline import extract
    from .sources import load_sources

    sources, _problems = load_sources([folder], root=folder)
    nlp = load_pipeline(model)
    # A long article goes the way a scan takes it (in pieces); the rest are
    # parsed once and kept, since scoring is re-run often.
    long = {s.id for s in sources if len(s.text) > PIECE_CHARS}
    docs = _parsed(nlp, [s for s in sources if s.id not in long], cache_dir)
    pieced = dict((src.id, cl) for src, cl in extract([s for s in sources if s.id in long], pack, nlp=nlp))
    claims = [c for s in sources
              for c in (pieced[s.id] if s.id in long else claims_from_doc(docs[s.id], s, pack))]
    facts = build_facts(claims, pack)
    flags = compare(claims, pack, facts=facts)
    return sources, claims, facts, flags
