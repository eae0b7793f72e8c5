"""Reading sources: each format, sidecar metadata, the seed corpus, and bad
input that must be reported without stopping the rest of the corpus."""
from __future__ import annotations

import json
import os
import pathlib
from pathlib import Path

import pytest

from checker.errors import SourceError
from checker.sources import (
    SourceNote,
    SourceWarning,
    iter_source_files,
    load_sources,
    parse_date,
    read_sidecar,
    read_source_file,
)
from tests.conftest import write

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def by_id(sources):
    return {s.id: s for s in sources}


def reasons(problems):
    return {p.path: p.reason for p in problems}


# ---------------------------------------------------------------- seeds


def test_seed_corpus_loads_five_sources_with_sidecar_metadata():
    sources, problems = load_sources([SEEDS], SEEDS)
    assert problems == []
    ids = [s.id for s in sources]
    assert ids == [
        "000_37dc6ced96aa91c8.txt",
        "001_4e1d5489f0b5de91.txt",
        "002_58061bc989f93f95.txt",
        "003_7dd32ea0e716d55e.txt",
        "004_ac21ed3f2fa6be03.txt",
    ]  # README.md and sources.csv are not articles
    got = by_id(sources)
    assert got["000_37dc6ced96aa91c8.txt"].published == "2024-02-11"
    assert got["002_58061bc989f93f95.txt"].published == "2024-01-31"
    assert got["000_37dc6ced96aa91c8.txt"].outlet == "Axios"
    assert got["002_58061bc989f93f95.txt"].outlet == "Bloomberg"
    assert got["004_ac21ed3f2fa6be03.txt"].outlet == "CNN (republished by an aggregator)"
    assert all(s.outlet for s in sources)
    # The date line prefix is cut; the article goes on on the same line.
    assert got["000_37dc6ced96aa91c8.txt"].text.startswith("Families and supporters")
    assert got["002_58061bc989f93f95.txt"].text.startswith("(Bloomberg) -- Negotiations")
    assert got["001_4e1d5489f0b5de91.txt"].text.startswith("Negotiators working")


def test_seed_positions_map_back_to_file_lines_and_columns():
    path = SEEDS / "000_37dc6ced96aa91c8.txt"
    (src,) = read_source_file(path, SEEDS, sidecar={})
    lines = path.read_text(encoding="utf-8").split("\n")
    assert (src.origin_line, src.origin_col) == (1, 18)
    assert src.position(0) == (1, 18)
    assert lines[0][18 - 1:].startswith("Families")

    for word in ("Photo:", "President Biden", "Netanyahu"):
        offset = src.text.index(word)
        line, col = src.position(offset)
        assert lines[line - 1][col - 1:].startswith(word), word
    assert src.position(src.text.index("President Biden"))[0] == 3


def test_seed_ids_are_relative_to_the_given_root():
    sources, problems = load_sources([SEEDS / "001_4e1d5489f0b5de91.txt"], SEEDS.parent)
    assert problems == []
    assert [s.id for s in sources] == ["seeds/001_4e1d5489f0b5de91.txt"]
    assert sources[0].outlet == "The Jerusalem Post"
    assert sources[0].published == "2024-02-11"  # inferred date from sources.csv


# ---------------------------------------------------------------- formats


def test_txt_date_line_alone_text_starts_on_line_two(tmp_path):
    path = write(tmp_path / "a.txt", "Date: 2024/03/05\nFirst line.\nSecond 12 line.\n")
    (src,) = read_source_file(path, tmp_path, sidecar={})
    assert src.published == "2024-03-05"
    assert src.text == "First line.\nSecond 12 line.\n"
    assert (src.origin_line, src.origin_col) == (2, 1)
    assert src.position(src.text.index("12")) == (3, 8)


def test_txt_without_date_line_is_undated(tmp_path):
    path = write(tmp_path / "b.txt", "Up to date figures: 40 hostages.\n")
    (src,) = read_source_file(path, tmp_path, sidecar={})
    assert src.published is None
    assert src.text == "Up to date figures: 40 hostages.\n"
    assert (src.origin_line, src.origin_col) == (1, 1)


def test_txt_crlf_line_endings_are_normalized(tmp_path):
    path = write(tmp_path / "c.txt", b"date 2024-01-02 One.\r\nTwo 7.\r\n")
    (src,) = read_source_file(path, tmp_path, sidecar={})
    assert src.text == "One.\nTwo 7.\n"
    assert src.position(src.text.index("7")) == (2, 5)


def test_txt_impossible_date_is_an_error(tmp_path):
    path = write(tmp_path / "d.txt", " date 2024-02-30 Text.\n")
    with pytest.raises(SourceError) as exc:
        read_source_file(path, tmp_path, sidecar={})
    assert exc.value.path == "d.txt"
    assert "malformed date '2024-02-30'" in exc.value.reason


def test_markdown_front_matter(tmp_path):
    path = write(
        tmp_path / "news" / "m.md",
        "---\ntitle: Talks resume\npublisher: Example Times\ndate: 2024-02-12\n"
        "url: https://example.com/a\n---\nAbout 1,200 people were killed.\n",
    )
    (src,) = read_source_file(path, tmp_path, sidecar={})
    assert src.id == "news/m.md"
    assert (src.title, src.outlet, src.published, src.url) == (
        "Talks resume",
        "Example Times",
        "2024-02-12",
        "https://example.com/a",
    )
    assert src.text == "About 1,200 people were killed.\n"
    assert (src.origin_line, src.origin_col) == (7, 1)
    assert src.position(src.text.index("1,200")) == (7, 7)


def test_markdown_without_front_matter_takes_title_from_heading(tmp_path):
    path = write(tmp_path / "h.markdown", "# Pause agreed\n\nA six-week pause.\n")
    (src,) = read_source_file(path, tmp_path, sidecar={})
    assert src.title == "Pause agreed"
    assert src.published is None
    assert src.text.startswith("# Pause agreed")


def test_markdown_datetime_in_front_matter_keeps_its_calendar_date(tmp_path):
    path = write(tmp_path / "t.md", "---\npublished: '2024-02-12T23:30:00-05:00'\n---\nBody.\n")
    (src,) = read_source_file(path, tmp_path, sidecar={})
    assert src.published == "2024-02-12"


HTML = """<!doctype html><html><head><title>Truce talks advance | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="Truce talks advance">
<link rel="canonical" href="https://example.com/news/truce">
<meta property="article:published_time" content="2024-02-12T08:30:00Z">
<script src="https://tracker.example.com/x.js"></script>
</head><body><nav>Home | World | Sport</nav><article><h1>Truce talks advance</h1>
<p>Negotiators said on Monday that 136 hostages remain in Gaza, according to Israeli officials.</p>
<p>The proposal includes a six-week pause in fighting and the release of prisoners.</p></article>
<footer>Copyright 2024</footer></body></html>"""


def test_html_text_and_metadata(tmp_path):
    path = write(tmp_path / "p.html", HTML)
    (src,) = read_source_file(path, tmp_path, sidecar={})
    assert "136 hostages remain in Gaza" in src.text
    assert "six-week pause" in src.text
    assert "Home | World" not in src.text
    assert src.title == "Truce talks advance"
    assert src.outlet == "Example News"
    assert src.url == "https://example.com/news/truce"
    assert src.published == "2024-02-12"


def test_html_without_date_metadata_stays_undated(tmp_path):
    body = "<p>Twelve hostages were freed on Dec. 15, 2023, officials said.</p>" * 3
    path = write(tmp_path / "u.html", f"<html><head><title>Hi</title></head><body><article>{body}</article></body></html>")
    (src,) = read_source_file(path, tmp_path, sidecar={})
    assert src.published is None  # a date in the prose is not a publication date
    assert (src.title, src.outlet, src.url) == ("Hi", None, None)
    assert src.text.startswith("Twelve hostages")


def test_html_without_article_text_is_an_error(tmp_path):
    path = write(tmp_path / "empty.htm", "<html><head><title>x</title></head><body></body></html>")
    with pytest.raises(SourceError) as exc:
        read_source_file(path, tmp_path, sidecar={})
    assert exc.value.reason == "no article text found"


def test_jsonl_one_source_per_line_bad_lines_reported(tmp_path):
    lines = [
        json.dumps({"text": "Twelve hostages were freed.", "outlet": "Wire", "published": "2024/02/01", "title": "T1"}),
        "",
        "{not json",
        json.dumps({"title": "no text here"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": "Forty days.", "source": "Agency", "date": "2024-02-03T10:00:00Z", "url": "u"}),
    ]
    write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    sources, problems = load_sources([tmp_path], tmp_path)
    got = by_id(sources)
    assert sorted(got) == ["feed.jsonl#1", "feed.jsonl#6"]
    assert (got["feed.jsonl#1"].outlet, got["feed.jsonl#1"].published, got["feed.jsonl#1"].title) == (
        "Wire",
        "2024-02-01",
        "T1",
    )
    assert (got["feed.jsonl#6"].outlet, got["feed.jsonl#6"].published) == ("Agency", "2024-02-03")
    assert got["feed.jsonl#6"].origin_line == 6
    assert got["feed.jsonl#6"].position(0) == (6, 1)
    assert got["feed.jsonl#1"].path == str(tmp_path / "feed.jsonl")
    r = reasons(problems)
    assert set(r) == {"feed.jsonl#3", "feed.jsonl#4", "feed.jsonl#5"}
    assert r["feed.jsonl#3"].startswith("malformed JSON")
    assert r["feed.jsonl#4"] == "no text"
    assert "expected a JSON object" in r["feed.jsonl#5"]
    assert not any(isinstance(p, SourceNote) for p in problems)


def test_jsonl_unrecognized_date_loads_undated_with_note(tmp_path):
    write(tmp_path / "f.jsonl", json.dumps({"text": "Five.", "date": "Feb 2024"}) + "\n")
    sources, problems = load_sources([tmp_path / "f.jsonl"], tmp_path)
    assert [s.published for s in sources] == [None]
    assert len(problems) == 1 and isinstance(problems[0], SourceNote)
    assert problems[0].path == "f.jsonl#1"


def test_read_source_file_without_problems_list_warns_for_bad_jsonl_lines(tmp_path):
    path = write(tmp_path / "g.jsonl", '{"text": "ok"}\n{broken\n')
    with pytest.warns(SourceWarning, match=r"g\.jsonl#2: malformed JSON"):
        sources = read_source_file(path, tmp_path, sidecar={})
    assert [s.id for s in sources] == ["g.jsonl#1"]


# ---------------------------------------------------------------- sidecar


def test_sidecar_fills_gaps_and_file_metadata_wins(tmp_path):
    write(tmp_path / "a.txt", " date 2024-02-11 Text of a.\n")
    write(tmp_path / "b.txt", "Text of b.\n")
    write(tmp_path / "c.txt", "Text of c.\n")
    write(
        tmp_path / "sources.csv",
        "file,outlet,outlet_basis,published,title,url\n"
        "a.txt,Axios,guess,2023-01-01,Title A,https://a\n"
        "b.txt,Bloomberg,stated,2024/01/31,,\n",
    )
    sources, problems = load_sources([tmp_path], tmp_path)
    assert problems == []
    got = by_id(sources)
    assert got["a.txt"].published == "2024-02-11"  # the file's own date line wins
    assert (got["a.txt"].outlet, got["a.txt"].title, got["a.txt"].url) == ("Axios", "Title A", "https://a")
    assert (got["b.txt"].outlet, got["b.txt"].published, got["b.txt"].title) == ("Bloomberg", "2024-01-31", None)
    assert (got["c.txt"].outlet, got["c.txt"].published) == (None, None)  # undated stays undated


def test_front_matter_outlet_wins_over_sidecar(tmp_path):
    write(tmp_path / "m.md", "---\noutlet: Own Outlet\n---\nBody.\n")
    write(tmp_path / "sources.csv", "file,outlet,date\nm.md,Csv Outlet,2024-05-06\n")
    (src,) = load_sources([tmp_path], tmp_path)[0]
    assert (src.outlet, src.published) == ("Own Outlet", "2024-05-06")


def test_read_source_file_reads_sidecar_beside_the_file_by_default(tmp_path):
    write(tmp_path / "a.txt", "Text.\n")
    write(tmp_path / "sources.csv", "file,outlet\na.txt,Reuters\n")
    (src,) = read_source_file(tmp_path / "a.txt", tmp_path)
    assert src.outlet == "Reuters"
    (bare,) = read_source_file(tmp_path / "a.txt", tmp_path, sidecar={})
    assert bare.outlet is None


def test_sidecar_bad_date_is_left_undated_not_an_error(tmp_path):
    write(tmp_path / "sources.csv", "file,outlet,published\na.txt,X,sometime in March\n")
    with pytest.warns(SourceWarning, match="unrecognized date"):
        entries = read_sidecar(tmp_path)
    assert entries == {"a.txt": {"outlet": "X", "published": None, "title": None, "url": None}}


@pytest.mark.parametrize(
    "content, reason",
    [
        ("name,outlet\na.txt,X\n", "no 'file' column"),
        ('file,outlet\na.txt,"unclosed\n', "malformed CSV"),
        ("file,outlet\na.txt,X\na.txt,Y\n", "listed twice"),
        ("file,outlet\na.txt,X,extra\n", "has 3 fields"),
    ],
)
def test_malformed_sidecar_is_an_error_but_files_still_load(tmp_path, content, reason):
    write(tmp_path / "a.txt", "Text.\n")
    write(tmp_path / "sources.csv", content)
    with pytest.raises(SourceError) as exc:
        read_sidecar(tmp_path, root=tmp_path)
    assert exc.value.path == "sources.csv"
    assert reason in exc.value.reason
    sources, problems = load_sources([tmp_path], tmp_path)
    assert [s.id for s in sources] == ["a.txt"]
    assert sources[0].outlet is None
    assert [p.path for p in problems] == ["sources.csv"]


def test_metadata_change_changes_content_hash(tmp_path):
    write(tmp_path / "a.txt", "Same text.\n")
    (before,) = read_source_file(tmp_path / "a.txt", tmp_path, sidecar={"outlet": "A"})
    (after,) = read_source_file(tmp_path / "a.txt", tmp_path, sidecar={"outlet": "B"})
    (again,) = read_source_file(tmp_path / "a.txt", tmp_path, sidecar={"outlet": "A"})
    assert before.content_hash != after.content_hash
    assert before.content_hash == again.content_hash


# ---------------------------------------------------------------- discovery


def test_iter_source_files_walks_folders_globs_and_dedupes(tmp_path, monkeypatch):
    for rel in ("a.txt", "sub/b.md", "sub/deep/c.html", "d.jsonl", "e.pdf", "sources.csv", "README.md",
                ".git/x.txt", ".checker/y.md", "sub/.hidden.txt", "reports/r.md"):
        write(tmp_path / rel, "x")
    monkeypatch.chdir(tmp_path)
    files = iter_source_files([".", "a.txt", "sub/*.md"], tmp_path, exclude=["reports"])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "a.txt",
        "d.jsonl",
        "sub/b.md",
        "sub/deep/c.html",
    ]
    assert all(f.is_absolute() for f in files)
    # An explicitly named README or hidden file is loaded: the user asked for it.
    explicit = iter_source_files(["README.md", "sub/.hidden.txt"], tmp_path)
    assert [f.name for f in explicit] == ["README.md", ".hidden.txt"]


def test_missing_path_unsupported_type_and_empty_glob(tmp_path, monkeypatch):
    write(tmp_path / "ok.txt", "Fine.\n")
    write(tmp_path / "paper.pdf", b"%PDF-1.4")
    monkeypatch.chdir(tmp_path)
    sources, problems = load_sources(["nope.txt", "paper.pdf", "*.nothing", "ok.txt"], tmp_path)
    assert [s.id for s in sources] == ["ok.txt"]
    assert reasons(problems) == {
        "nope.txt": "no such file",
        "paper.pdf": "unsupported file type .pdf (expected .txt, .md, .html, .jsonl)",
        "*.nothing": "no files match",
    }
    with pytest.raises(SourceError, match="no such file"):
        iter_source_files(["nope.txt"], tmp_path)


# ---------------------------------------------------------------- bad input


def test_bad_files_are_reported_and_good_ones_still_load(tmp_path):
    write(tmp_path / "good.txt", "136 hostages remain.\n")
    write(tmp_path / "empty.txt", b"")
    write(tmp_path / "blank.md", "  \n\t\n")
    write(tmp_path / "nul.txt", b"PK\x03\x04\x00\x00binary")
    write(tmp_path / "ctrl.txt", bytes(range(1, 9)) * 5 + b"abc")
    write(tmp_path / "big.txt", "x" * 500)
    write(tmp_path / "fm.md", "---\ntitle: [unclosed\n---\nBody.\n")
    write(tmp_path / "list.md", "---\n- a\n- b\n---\nBody.\n")
    write(tmp_path / "nofm.md", "---\ntitle: x\nBody without closing line.\n")
    write(tmp_path / "baddate.md", "---\ndate: next Tuesday\n---\nBody.\n")
    write(tmp_path / "zz_good.md", "---\ntitle: fine\n---\nSix weeks.\n")
    sources, problems = load_sources([tmp_path], tmp_path, max_bytes=100)
    assert [s.id for s in sources] == ["good.txt", "zz_good.md"]
    r = reasons(problems)
    assert r["empty.txt"] == "empty file"
    assert r["blank.md"] == "empty file"
    assert r["nul.txt"] == "binary file, not text"
    assert r["ctrl.txt"] == "binary file, not text"
    assert r["big.txt"] == "file too large (500 bytes > limit 100)"
    assert r["fm.md"].startswith("malformed front matter: ")
    assert "line 2" in r["fm.md"]
    assert r["list.md"] == "malformed front matter: expected key: value pairs, got list"
    assert r["nofm.md"] == "malformed front matter: no closing '---' line"
    assert r["baddate.md"] == "malformed date 'next Tuesday' in front matter"
    assert len(problems) == 9
    assert not any(isinstance(p, SourceNote) for p in problems)
    assert str(problems[0]).startswith(problems[0].path + ": ")


def test_oversized_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    path = write(tmp_path / "big.txt", "y" * 1000)

    def no_open(self, *a, **k):
        raise AssertionError("oversized file was opened")

    monkeypatch.setattr(pathlib.Path, "open", no_open)
    with pytest.raises(SourceError, match=r"file too large \(1000 bytes > limit 10\)"):
        read_source_file(path, tmp_path, sidecar={}, max_bytes=10)


def test_cp1252_file_loads_with_a_note(tmp_path):
    write(tmp_path / "cafe.txt", b"caf\xe9 costs 5 euros \x80")
    write(tmp_path / "ok.txt", "caf\u00e9 costs 5 euros\n")
    sources, problems = load_sources([tmp_path], tmp_path)
    got = by_id(sources)
    assert got["cafe.txt"].text == "caf\u00e9 costs 5 euros \u20ac"
    assert got["ok.txt"].text == "caf\u00e9 costs 5 euros\n"
    assert len(problems) == 1
    assert isinstance(problems[0], SourceNote)
    assert (problems[0].path, problems[0].reason) == ("cafe.txt", "not UTF-8; decoded as cp1252")


def test_latin1_fallback_and_utf8_bom(tmp_path):
    write(tmp_path / "l.txt", b"\x81 odd byte \xe9")  # 0x81 is undefined in cp1252
    write(tmp_path / "bom.txt", b"\xef\xbb\xbf date 2024-01-01 Hello.")
    sources, problems = load_sources([tmp_path], tmp_path)
    got = by_id(sources)
    assert got["l.txt"].text == "\x81 odd byte \u00e9"
    assert reasons(problems) == {"l.txt": "not UTF-8; decoded as latin-1"}
    assert (got["bom.txt"].published, got["bom.txt"].text, got["bom.txt"].origin_col) == (
        "2024-01-01",
        "Hello.",
        18,
    )


def test_read_source_file_warns_about_fallback_without_problems_list(tmp_path):
    path = write(tmp_path / "w.txt", b"na\xefve")
    with pytest.warns(SourceWarning, match="decoded as cp1252"):
        (src,) = read_source_file(path, tmp_path, sidecar={})
    assert src.text == "na\u00efve"


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    write(tmp_path / "locked.txt", "secret")
    write(tmp_path / "open.txt", "fine")
    real_open = pathlib.Path.open

    def deny(self, *a, **k):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *a, **k)

    monkeypatch.setattr(pathlib.Path, "open", deny)
    sources, problems = load_sources([tmp_path], tmp_path)
    assert [s.id for s in sources] == ["open.txt"]
    assert reasons(problems) == {"locked.txt": "cannot read: Permission denied"}


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores file permissions")
def test_unreadable_file_by_permission(tmp_path):
    path = write(tmp_path / "locked.txt", "secret")
    path.chmod(0)
    try:
        with pytest.raises(SourceError, match="cannot read: Permission denied"):
            read_source_file(path, tmp_path, sidecar={})
    finally:
        path.chmod(0o644)


def test_file_outside_root_gets_absolute_id(tmp_path):
    path = write(tmp_path / "outside" / "a.txt", "Text.\n")
    (src,) = read_source_file(path, tmp_path / "corpus", sidecar={})
    assert src.id == path.as_posix()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-02-11", "2024-02-11"),
        ("2024/2/1", "2024-02-01"),
        ("2024-02-11T08:30:00Z", "2024-02-11"),
        ("2024-02-11 23:59:59.123+02:00", "2024-02-11"),
        ("2024-02-30", None),
        ("11/02/2024", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_jsonl_lone_surrogate_is_replaced_not_fatal(tmp_path):
    """A JSON escape like \\ud800 decodes to a lone surrogate, which cannot be
    encoded; the article still loads, with U+FFFD in its place."""
    f = tmp_path / "feed.jsonl"
    f.write_text('{"text": "Broken \\ud800 char; 40 people died.", "outlet": "X"}\n', encoding="utf-8")
    sources, problems = load_sources([f], root=tmp_path)
    assert [p for p in problems if not isinstance(p, SourceNote)] == []
    assert len(sources) == 1
    assert "\ufffd" in sources[0].text and "40 people died" in sources[0].text
    sources[0].text.encode("utf-8")  # storable and printable


# ------------------------------------------------------------------ a broken HTML reader


@pytest.mark.parametrize("breakage", ["import", "parse"])
def test_failing_html_reader_costs_one_line_per_html_file(tmp_path, monkeypatch, breakage):
    """A fresh venv whose HTML stack does not import (pip 23 without lxml's
    html_clean) or whose parser crashes: the HTML file is one problem, the other
    sources still load."""
    import sys

    if breakage == "import":
        monkeypatch.setitem(sys.modules, "trafilatura", None)  # `import trafilatura` now raises ImportError
    else:
        import trafilatura

        def broken(*args, **kwargs):
            raise RuntimeError("reader crashed")

        monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    write(tmp_path / "page.html", HTML)
    write(tmp_path / "note.txt", " date 2024-01-02 Nine boats were counted in the harbour.\n")
    sources, problems = load_sources([tmp_path], tmp_path)
    assert [s.id for s in sources] == ["note.txt"]
    assert len(problems) == 1 and problems[0].path == "page.html"
    assert "\n" not in str(problems[0])
    assert ("HTML reader failed to load" if breakage == "import" else "reader crashed") in problems[0].reason


def test_failing_html_reader_does_not_end_the_scan(tmp_path, monkeypatch, capsys, nlp):
    import sys

    from checker.cli import main

    monkeypatch.setitem(sys.modules, "trafilatura", None)
    write(tmp_path / "corpus" / "page.html", HTML)
    write(tmp_path / "corpus" / "note.txt", " date 2024-01-02 Nine boats were counted in the harbour.\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "corpus", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["sources"] == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("checker: warning: ") and "page.html" in lines[0]
