"""Discrepancy reports: one row per flag, as CSV (pandas), XLSX (pandas with
openpyxl), JSON or Markdown.

The CSV opens cleanly in a spreadsheet: UTF-8 with a byte-order mark, every
field quoted where needed, and every cell of every row through one guard
(`untrusted.spreadsheet_cell`): control characters removed, text that a
spreadsheet would run as a formula (starting with = + - @) prefixed with an
apostrophe. In XLSX every text cell is stored as a string, so nothing a source
wrote can become a formula.
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
        fid = f.id  # a hash of the claims: computed once per row
        d = decisions.get(fid)
        n = notes.get(fid) if notes is not None else d
        if d is not None and d.status == "open":
            d = None  # reopened: nobody's verdict stands
        rows.append({
            "flag_id": fid, "code": f.code, "severity": f.severity, "status": status_of(f, d),
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


def to_csv(rows: list[dict]) -> str:
    import pandas as pd

    from .untrusted import spreadsheet_cell

    # Every column, not a list of the text ones: decided_at comes from the ledger,
    # and any cell a future column adds is just as untrusted.
    frame = pd.DataFrame([{k: spreadsheet_cell(v) for k, v in r.items()} for r in rows], columns=COLUMNS)
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def to_json(rows: list[dict]) -> str:
    from .untrusted import json_printable

    return json_printable(json.dumps(rows, ensure_ascii=False, indent=2)) + "\n"


def _md_cell(value) -> str:
    from .untrusted import printable

    text = printable(" ".join(str(value).splitlines())).replace("\\", "\\\\").replace("|", "\\|")
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


def to_xlsx(rows: list[dict]) -> bytes:
    """One sheet, the CSV's columns, header frozen; text cells typed as text."""
    import pandas as pd
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value):
        # XML cannot hold most control characters; openpyxl refuses them.
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value

    frame = pd.DataFrame(rows, columns=COLUMNS).apply(lambda column: column.map(cell))
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="flags", index=False)
        sheet = writer.sheets["flags"]
        for line in sheet.iter_rows(min_row=2):
            for c in line:
                if c.data_type == "f":  # openpyxl reads "=..." as a formula: keep it text
                    c.data_type = "s"
        sheet.freeze_panes = "A2"
        for letter, name in zip((c.column_letter for c in sheet[1]), COLUMNS):
            sheet.column_dimensions[letter].width = 60 if name in ("message", "quote_a", "quote_b") else 18
    return buf.getvalue()


FORMATS = ("csv", "xlsx", "json", "md")
EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".md": "md", ".markdown": "md"}


def report_format(out: str | Path | None, fmt: str | None = None) -> str:
    """The format to write: `fmt` if given, else from `out`'s extension (csv
    without one). An extension that names another format, or none we know, is
    refused, so no file ever holds a format its name does not say."""
    ext = Path(out).suffix.lower() if out else ""
    named = EXTENSIONS.get(ext)
    if fmt is None:
        if not ext:
            return "csv"
        if named is None:
            raise UserError(f"{out}: unknown report format '{ext}' "
                            f"(use .csv, .xlsx, .json or .md, or give --format)")
        return named
    if fmt not in FORMATS:
        raise UserError(f"unknown report format '{fmt}' (known: {', '.join(FORMATS)})")
    if named is not None and named != fmt:
        raise UserError(f"{out}: the extension says {named}, --format says {fmt}; make them agree")
    return fmt


def render(rows: list[dict], fmt: str) -> str:
    if fmt == "xlsx":
        raise UserError("an XLSX report needs a file: give --out FILE.xlsx")
    return {"csv": to_csv, "json": to_json, "md": to_markdown}[fmt](rows)


def write_report(rows: list[dict], path: Path, fmt: str) -> None:
    """Write atomically, so a crash never leaves half a report behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{path}: cannot write the report ({exc.strerror})") from None
    if fmt == "xlsx":
        data = to_xlsx(rows)
    else:
        data = render(rows, fmt).encode("utf-8-sig" if fmt == "csv" else "utf-8", errors="strict")
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"{path}: cannot write the report ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
