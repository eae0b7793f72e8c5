"""Discrepancy reports: one row per flag, as CSV (pandas), JSON or Markdown.

The CSV opens cleanly in a spreadsheet: UTF-8 with a byte-order mark, every
field quoted where needed, and text that a spreadsheet would run as a formula
(starting with = + - @) prefixed with an apostrophe.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

from .errors import UserError
from .model import Decision, Flag

COLUMNS = [
    "flag_id", "code", "severity", "status", "metric", "message",
    "source_a", "outlet_a", "published_a", "line_a", "quote_a", "value_a",
    "source_b", "outlet_b", "published_b", "line_b", "quote_b", "value_b",
    "reviewer", "decided_at", "note",
    "confidence", "fact", "figure_a", "col_a", "figure_b", "col_b",
]
_TEXT_COLUMNS = ("message", "source_a", "outlet_a", "quote_a", "source_b", "outlet_b", "quote_b", "note",
                 "reviewer", "metric", "fact", "figure_a", "figure_b")


def status_of(flag: Flag, decision: Decision | None) -> str:
    """The flag's status; a decided flag whose evidence changed is marked."""
    if decision is None:
        return "open"
    if decision.evidence_hash and decision.evidence_hash != flag.evidence_hash and decision.status != "open":
        return f"{decision.status} (evidence changed)"
    return decision.status


def flag_rows(flags: list[Flag], decisions: dict[str, Decision],
              notes: dict[str, Decision] | None = None) -> list[dict]:
    """One row per flag. Status, reviewer and time come from the decision in
    force (an open flag has none); the note is the latest note on the flag,
    typed with a decision or on its own (`notes`, from `Ledger.latest_notes`)."""
    rows = []
    for f in flags:
        a, b = f.claims[0], f.claims[1]
        d = decisions.get(f.id)
        n = notes.get(f.id) if notes is not None else d
        if d is not None and d.status == "open":
            d = None  # reopened: nobody's verdict stands
        rows.append({
            "flag_id": f.id, "code": f.code, "severity": f.severity, "status": status_of(f, d),
            "metric": f.metric, "message": f.message,
            "source_a": a.source_id, "outlet_a": a.outlet or "", "published_a": a.published or "",
            "line_a": a.line, "quote_a": a.sentence, "value_a": a.quantity.value_text(),
            "source_b": b.source_id, "outlet_b": b.outlet or "", "published_b": b.published or "",
            "line_b": b.line, "quote_b": b.sentence, "value_b": b.quantity.value_text(),
            "reviewer": d.reviewer if d else "", "decided_at": d.time if d else "", "note": n.note if n else "",
            "confidence": f.confidence, "fact": f.fact,
            "figure_a": a.quantity.surface, "col_a": a.col, "figure_b": b.quantity.surface, "col_b": b.col,
        })
    return rows


def _spreadsheet_safe(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(rows: list[dict]) -> str:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=COLUMNS)
    for col in _TEXT_COLUMNS:
        frame[col] = frame[col].map(_spreadsheet_safe)
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def to_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _md_cell(value) -> str:
    text = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    for ch in "<>[]`*_":
        text = text.replace(ch, "\\" + ch)
    return text


def to_markdown(rows: list[dict]) -> str:
    cols = ["flag_id", "severity", "code", "status", "metric", "message"]
    lines = [f"# Discrepancy report ({len(rows)} flags)", "", "| " + " | ".join(cols) + " |",
             "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join(_md_cell(r[c]) for c in cols) + " |")
    for r in rows:
        lines += ["", f"## {_md_cell(r['flag_id'])} {_md_cell(r['code'])} ({_md_cell(r['severity'])})", "",
                  _md_cell(r["message"]), ""]
        for side in ("a", "b"):
            lines.append(f"- **{_md_cell(r['outlet_' + side] or r['source_' + side])}** "
                         f"({_md_cell(r['published_' + side] or 'undated')}, {_md_cell(r['source_' + side])}:"
                         f"{r['line_' + side]}): {_md_cell(r['value_' + side])} — “{_md_cell(r['quote_' + side])}”")
    return "\n".join(lines) + "\n"


def render(rows: list[dict], fmt: str) -> str:
    return {"csv": to_csv, "json": to_json, "md": to_markdown}[fmt](rows)


def write_report(rows: list[dict], path: Path, fmt: str) -> None:
    """Write atomically, so a crash never leaves half a report behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{path}: cannot write the report ({exc.strerror})") from None
    data = render(rows, fmt)
    tmp = path.with_name(path.name + ".tmp")
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    try:
        with open(tmp, "w", encoding=encoding, errors="strict", newline="") as fh:
            fh.write(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"{path}: cannot write the report ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
