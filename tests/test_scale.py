"""Work that must grow linearly with the input: long documents parsed in
pieces, over-long sentences split, scans of a subset, nothing loaded that a
scan does not need."""
from __future__ import annotations

import json
import os
from pathlib import Path


from checker.cli import main
from checker.model import Source
from checker.nlp import MAX_SENTENCE_TOKENS, piece_bounds

PARAGRAPHS = [
    "The storm reached the northern coast on Tuesday. Officials said 42 people were killed and about 300 were injured.",
    "Rescue teams from three provinces arrived within 12 hours, the civil defence agency said.",
    "By Thursday the toll had risen to 57, according to the health ministry. More than 1,200 homes were destroyed.",
    "The government pledged $15 million in emergency aid, and a 30-day state of emergency was declared.",
    "Schools will stay closed for two weeks. Roughly 40% of the region's roads remain impassable.",
    "Only a handful of villages have power again, the utility said on Friday.",
]


def _claims(sources, pack, nlp, **kw):
    from checker.pipeline import extract

    return [c.to_dict() for _, claims in extract(sources, pack, nlp=nlp, **kw) for c in claims]


def test_piece_bounds_cover_the_text_and_end_at_paragraph_breaks():
    text = "\n\n".join(PARAGRAPHS) + "\n"
    bounds = piece_bounds(text, 250)
    assert len(bounds) > 1
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    assert all(end - start <= 250 for start, end in bounds)
    for _start, end in bounds[:-1]:
        assert text[end - 2 : end] == "\n\n"  # each piece ends with its paragraph break


def test_piece_bounds_fall_back_to_lines_then_spaces_then_the_limit():
    lines = "one line\n" * 100
    assert all(lines[end - 1] == "\n" for _, end in piece_bounds(lines, 100)[:-1])
    words = "word " * 100
    assert all(words[end - 1] == " " for _, end in piece_bounds(words, 100)[:-1])
    blob = "x" * 1000
    assert piece_bounds(blob, 100) == [(i, i + 100) for i in range(0, 1000, 100)]


def test_pieces_give_the_same_claims_as_the_whole_text(nlp, pack):
    text = "\n\n".join(PARAGRAPHS) + "\n"
    src = Source(id="a.txt", path="a.txt", text=text, outlet="X", published="2024-03-01", origin_line=2)
    whole = _claims([src], pack, nlp)
    pieces = _claims([src], pack, nlp, max_chars=250)
    assert len(whole) >= 8
    assert pieces == whole
    # positions are in the original text and file
    for c in pieces:
        q = c["quantity"]
        assert text[q["start"] : q["end"]] == q["surface"]
    last = pieces[-1]
    assert last["quantity"]["surface"].startswith("a handful")
    assert (last["line"], last["col"]) == (2 + 10, 6)


def test_a_vague_figure_names_the_group_of_an_earlier_piece(nlp, pack):
    text = ("Militants still hold 40 hostages in the tunnels, officials said.\n\n"
            "Only a handful have been freed so far, the mediators said.\n")
    src = Source(id="v.txt", path="v.txt", text=text)
    assert len(piece_bounds(text, 70)) == 2
    whole = _claims([src], pack, nlp)
    handful = [c for c in whole if c["quantity"]["kind"] == "vague"]
    assert [c["counted"] for c in handful] == ["hostage"]
    assert _claims([src], pack, nlp, max_chars=70) == whole


class _Recording:
    """Wraps a pipeline and records the length of every text it is given."""

    def __init__(self, nlp):
        self.nlp = nlp
        self.lengths: list[int] = []

    @property
    def max_length(self):
        return self.nlp.max_length

    @max_length.setter
    def max_length(self, value):
        self.nlp.max_length = value

    def pipe(self, texts, **kw):
        texts = list(texts)
        self.lengths.extend(len(t) for t in texts)
        return self.nlp.pipe(texts, **kw)


def test_a_long_document_is_never_parsed_whole(nlp, pack):
    text = "\n\n".join(PARAGRAPHS * 6) + "\n"
    src = Source(id="long.txt", path="long.txt", text=text)
    rec = _Recording(nlp)
    claims = _claims([src], pack, rec, max_chars=500)
    assert max(rec.lengths) <= 500 and sum(rec.lengths) == len(text)
    assert len(claims) == 6 * len(_claims([Source(id="p", path="p", text="\n\n".join(PARAGRAPHS))], pack, nlp))


def test_lines_without_full_stops_are_not_one_sentence(nlp, pack):
    """Issue 11: 80 KB of `a 5` lines was one sentence to the parser; checker's
    per-sentence work made that quadratic (200 s, 4 GB, then a failed store)."""
    lines = 3000
    text = "a 5\n" * lines
    doc = nlp(text)
    assert max(len(s) for s in doc.sents) <= MAX_SENTENCE_TOKENS
    src = Source(id="lines.txt", path="lines.txt", text=text)
    claims = _claims([src], pack, nlp)
    assert len(claims) == lines
    assert [c["line"] for c in claims] == list(range(1, lines + 1))
    assert max(len(c["sentence"]) for c in claims) <= 4 * MAX_SENTENCE_TOKENS


def test_ordinary_sentences_keep_the_parsers_boundaries(nlp):
    text = " ".join(PARAGRAPHS)
    with nlp.select_pipes(disable=["checker_sentence_cap"]):
        plain = [s.text for s in nlp(text).sents]
    assert [s.text for s in nlp(text).sents] == plain


# ------------------------------------------------------------------ scans of a subset



def _scan(capsys, *paths) -> dict:
    assert main(["scan", "--format", "json", *paths]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return json.loads(out)


def _stored_flags(capsys, *args) -> list[dict]:
    assert main(["flags", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_scan_of_one_file_keeps_the_rest_of_the_corpus_flags(seeds_copy, nlp, capsys):
    """Issue 10: `checker scan <one file>` replaced the whole stored flag set."""
    full = _scan(capsys)
    before = {r["flag_id"] for r in _stored_flags(capsys)}
    assert len(before) == full["flags"] > 1
    one = sorted((seeds_copy / "seeds").glob("*.txt"))[0]
    sub = _scan(capsys, str(one.relative_to(seeds_copy)))
    assert sub["sources"] == 1 and sub["parsed"] == 0
    assert {r["flag_id"] for r in _stored_flags(capsys)} == before

    # An edit to that file, scanned alone, is compared with the whole stored corpus.
    one.write_text(one.read_text(encoding="utf-8") + "\n\nOfficials declined to comment further.\n",
                   encoding="utf-8")
    sub = _scan(capsys, str(one.relative_to(seeds_copy)))
    assert sub["parsed"] == 1
    assert {r["flag_id"] for r in _stored_flags(capsys)} == before
    assert _scan(capsys)["flags"] == full["flags"]


def test_scan_of_a_subset_forgets_stored_sources_whose_file_is_gone(seeds_copy, nlp, capsys):
    from checker.store import Store

    _scan(capsys)
    files = sorted((seeds_copy / "seeds").glob("*.txt"))
    involved = set()
    store = Store(seeds_copy / ".checker" / "cache.sqlite")
    try:
        for f in store.get_flags():
            involved |= {c.source_id for c in f.claims}
    finally:
        store.close()
    gone = sorted(involved)[-1]
    (seeds_copy / gone).unlink()
    keep = next(f for f in files if f.relative_to(seeds_copy).as_posix() != gone)
    _scan(capsys, str(keep.relative_to(seeds_copy)))
    store = Store(seeds_copy / ".checker" / "cache.sqlite")
    try:
        assert gone not in store.source_hashes()
        assert all(gone not in (c.source_id for c in f.claims) for f in store.get_flags())
    finally:
        store.close()


# ------------------------------------------------------------------ nothing loads that is not needed


def test_a_scan_with_nothing_to_parse_imports_no_spacy(seeds_copy, nlp, capsys):
    import subprocess
    import sys

    cold = _scan(capsys)
    assert cold["parsed"] > 0
    # Nor does it parse the rule packs (their patterns are compiled on load)
    # or import a locking library for what one OS call does.
    code = ("import json, sys; import checker.pipeline as p; packs = []; load = p.load_pack; "
            "p.load_pack = lambda cfg: packs.append(1) or load(cfg); "
            "from checker.cli import main; code = main(['scan', '--format', 'json']); "
            "print(json.dumps(sorted(m for m in ('spacy', 'thinc', 'quantulum3', 'filelock') if m in sys.modules)"
            " + ['rule packs parsed'] * len(packs)))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=seeds_copy, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    summary, loaded = (json.loads(line) for line in proc.stdout.strip().splitlines()[-2:])
    assert (summary["parsed"], summary["flags"]) == (0, cold["flags"])
    assert loaded == []


def test_the_pipeline_loads_without_spacys_command_line_which_still_imports_when_asked():
    """spaCy's package imports its command line (typer, rich, requests) only
    to offer `spacy.info`; checker's pipeline parses without it, and the
    command line is still there, whole, for whoever imports it."""
    import subprocess
    import sys

    code = ("import json, sys; from checker.nlp import load_pipeline; nlp = load_pipeline(None); "
            "doc = nlp('Floods destroyed 300 homes in Velm.'); "
            "before = sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'requests', 'weasel')"
            " or m.startswith('spacy.cli')); "
            "import spacy, spacy.cli; from spacy.cli.info import info; "
            "print(json.dumps([len(doc._.quantities), before, spacy.cli.download.__module__, info.__module__,"
            " 'typer' in sys.modules, callable(spacy.info)]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    found, before, download, info, typer, info_callable = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found >= 1 and before == []
    assert (download, info, typer, info_callable) == ("spacy.cli.download", "spacy.cli.info", True, True)


def _age(path: Path, seconds: int = 60) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Change the text, keeping the size and the modification time."""
    assert len(old) == len(new)
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


def test_unchanged_files_are_known_by_size_and_mtime(tmp_path, monkeypatch, nlp, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "checker.toml").write_text('[tool.checker]\nsources = ["news"]\n')
    news = tmp_path / "news"
    news.mkdir()
    a, b = news / "a.txt", news / "b.txt"
    a.write_text(" date 2024-03-01\nOfficials said 42 people were killed in the storm.\n", encoding="utf-8")
    b.write_text(" date 2024-03-01\nOfficials said 57 people were killed in the storm.\n", encoding="utf-8")
    _age(a), _age(b)
    first = _scan(capsys)
    assert first["parsed"] == 2

    # Same size, same mtime: not read again, so the edit goes unseen...
    _same_size_edit(a, "42", "43")
    assert _scan(capsys)["parsed"] == 0
    # ...until the mtime moves: then it is read, hashed and parsed.
    _age(a, 30)
    assert _scan(capsys)["parsed"] == 1

    # A file written within the last moments is never trusted by its stat alone.
    a.write_text(" date 2024-03-01\nOfficials said 44 people were killed in the storm.\n", encoding="utf-8")
    assert _scan(capsys)["parsed"] == 1
    _same_size_edit(a, "44", "45")
    assert _scan(capsys)["parsed"] == 1


def test_files_are_read_again_when_checker_changes(tmp_path, monkeypatch, nlp, capsys):
    """How a file becomes a source (HTML extraction, dates, encodings) is code:
    after an upgrade, unchanged files are read and hashed again."""
    import checker.pipeline as pipeline

    monkeypatch.chdir(tmp_path)
    (tmp_path / "checker.toml").write_text('[tool.checker]\nsources = ["news"]\n')
    (tmp_path / "news").mkdir()
    a = tmp_path / "news" / "a.txt"
    a.write_text(" date 2024-03-01\nOfficials said 42 people were killed in the storm.\n", encoding="utf-8")
    _age(a)
    assert _scan(capsys)["parsed"] == 1
    _same_size_edit(a, "42", "43")
    assert _scan(capsys)["parsed"] == 0  # trusted by its stat
    real = pipeline._code_signature()
    monkeypatch.setattr(pipeline, "_code_signature", lambda: "0" * 40 if real != "0" * 40 else "1" * 40)
    assert _scan(capsys)["parsed"] == 1


def test_notes_of_unchanged_files_are_repeated(tmp_path, monkeypatch, nlp, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "checker.toml").write_text('[tool.checker]\nsources = ["news"]\n')
    news = tmp_path / "news"
    news.mkdir()
    latin = news / "latin.txt"
    latin.write_bytes("The caf\xe9 owners said 12 shops were closed.\n".encode("cp1252"))
    _age(latin)
    for _ in range(2):
        assert main(["scan", "--format", "json"]) == 0
        err = capsys.readouterr().err
        assert "news/latin.txt: not UTF-8; decoded as cp1252" in err


def _count_flag_writes(root: Path) -> None:
    import sqlite3

    db = sqlite3.connect(root / ".checker" / "cache.sqlite")
    db.executescript("CREATE TABLE IF NOT EXISTS bench_writes (n INTEGER);"
                     "CREATE TRIGGER IF NOT EXISTS flag_insert AFTER INSERT ON flags BEGIN "
                     "INSERT INTO bench_writes VALUES (1); END;"
                     "CREATE TRIGGER IF NOT EXISTS flag_delete AFTER DELETE ON flags BEGIN "
                     "INSERT INTO bench_writes VALUES (1); END;")
    db.commit()
    db.close()


def _flag_writes(root: Path) -> int:
    import sqlite3

    db = sqlite3.connect(root / ".checker" / "cache.sqlite")
    try:
        return db.execute("SELECT COUNT(*) FROM bench_writes").fetchone()[0]
    finally:
        db.close()


def test_a_warm_full_scan_keeps_the_stored_flags_without_rewriting_them(seeds_copy, nlp, capsys):
    for f in (seeds_copy / "seeds").iterdir():
        _age(f)
    cold = _scan(capsys)
    before = _stored_flags(capsys)
    _count_flag_writes(seeds_copy)
    warm = _scan(capsys)
    assert (warm["parsed"], warm["claims"], warm["flags"], warm["flags_by_severity"]) == \
        (0, cold["claims"], cold["flags"], cold["flags_by_severity"])
    assert _flag_writes(seeds_copy) == 0
    assert _stored_flags(capsys) == before

    # The report of a warm scan still has every flag (read from the cache).
    assert main(["scan", "--report", "out.csv", "--format", "json"]) == 0
    capsys.readouterr()
    assert (seeds_copy / "out.csv").read_text(encoding="utf-8-sig").count("\n") > cold["flags"]

    # A corpus rule pack changes what is compared: the flags are computed again;
    # a pack that changes none of them (no aliases) leaves every stored row as it was.
    (seeds_copy / "more-rules").mkdir()
    (seeds_copy / "more-rules" / "extra.yaml").write_text("kind: aliases\naliases: {}\n", encoding="utf-8")
    config = seeds_copy / "pyproject.toml"
    text = config.read_text(encoding="utf-8")
    assert "\nrules = [" in text
    config.write_text(text.replace("\nrules = [", '\nrules = ["more-rules", '), encoding="utf-8")
    again = _scan(capsys)
    assert again["parsed"] == again["sources"] and again["flags"] == cold["flags"]
    assert _flag_writes(seeds_copy) == 0 and _stored_flags(capsys) == before


def test_a_scan_of_unchanged_files_keeps_the_stored_flags(seeds_copy, nlp, capsys):
    full = _scan(capsys)
    stored = _stored_flags(capsys)
    _count_flag_writes(seeds_copy)
    one = stored[0]["source_a"]
    sub = _scan(capsys, one)
    assert _flag_writes(seeds_copy) == 0
    assert sub["flags"] == sum(1 for r in stored if one in (r["source_a"], r["source_b"])) > 0
    assert _stored_flags(capsys) == stored and full["flags"] == len(stored)


def test_a_deleted_file_is_noticed_by_a_warm_scan(seeds_copy, nlp, capsys):
    cold = _scan(capsys)
    involved = sorted({r["source_a"] for r in _stored_flags(capsys)})
    (seeds_copy / involved[0]).unlink()
    warm = _scan(capsys)
    assert warm["sources"] == cold["sources"] - 1
    assert all(involved[0] not in (r["source_a"], r["source_b"]) for r in _stored_flags(capsys))


# ------------------------------------------------------------------ flags read a page at a time


def test_flags_are_streamed_in_pages_with_the_same_output(tmp_path, monkeypatch, capsys):
    import checker.store as store_module
    from checker.bench import synthetic_flags
    from checker.report import flag_rows, render
    from checker.store import Store

    monkeypatch.chdir(tmp_path)
    (tmp_path / "checker.toml").write_text('[tool.checker]\nsources = ["news"]\n')
    flags = synthetic_flags(23)
    store = Store(tmp_path / ".checker" / "cache.sqlite")
    store.put_flags(flags)
    store.commit()
    store.close()
    monkeypatch.setattr(store_module, "FLAGS_PAGE", 5)
    rank = {"high": 0, "medium": 1, "low": 2}
    everything = sorted(flags, key=lambda f: (-f.confidence, rank[f.severity], f.id))  # the review order
    in_order = [f for f in everything if f.confidence >= 0.5]  # the default threshold
    assert len({f.confidence for f in in_order}) > 1 and len(in_order) < len(flags)
    for fmt in ("csv", "json"):
        assert main(["flags", "--format", fmt]) == 0
        assert capsys.readouterr().out == render(flag_rows(in_order, {}), fmt)
    assert main(["flags", "--format", "csv", "--all"]) == 0
    assert capsys.readouterr().out == render(flag_rows(everything, {}), "csv")
    assert main(["flags", "--format", "json", "--severity", "high"]) == 0
    high = json.loads(capsys.readouterr().out)
    assert [r["flag_id"] for r in high] == [f.id for f in in_order if f.severity == "high"] != []
    assert main(["flags", "--format", "json", "--code", "CK999"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_flags_stored_by_a_check_are_not_kept_by_a_warm_scan(seeds_copy, nlp, capsys):
    """`checker check` stores the flags of the files it checked; the next full
    scan must give the corpus's own flags again, not keep those."""
    full = _scan(capsys)
    before = {r["flag_id"] for r in _stored_flags(capsys)}
    involved = _stored_flags(capsys)[0]["source_a"]
    (seeds_copy / "new.txt").write_bytes((seeds_copy / involved).read_bytes())  # the same figures, elsewhere
    main(["check", "new.txt", "--fail-on", "high"])
    capsys.readouterr()
    assert any("new.txt" in (r["source_a"], r["source_b"]) for r in _stored_flags(capsys, "--all"))
    warm = _scan(capsys)
    assert warm["parsed"] == 0 and warm["flags"] == full["flags"]
    assert {r["flag_id"] for r in _stored_flags(capsys)} == before


# ------------------------------------------------------------------ no whole-cache check on every open


def test_the_integrity_check_runs_only_when_the_cache_file_changed(tmp_path):
    import sqlite3

    from checker.bench import synthetic_flags
    from checker.store import Store

    path = tmp_path / ".checker" / "cache.sqlite"
    store = Store(path)
    store.put_flags(synthetic_flags(300))
    store.commit()
    store.close()
    db = sqlite3.connect(path)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    last_root = db.execute("SELECT MAX(rootpage) FROM sqlite_master").fetchone()[0]
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    Store(path).close()  # a reader records nothing new: the file is as the writer left it

    # Damage past the table roots that keeps the file's size and mtime: the
    # open trusts the record and does not read every page...
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[last_root * page_size:] = b"\xab" * (len(data) - last_root * page_size)
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    Store(path).close()
    assert not path.with_suffix(".damaged").exists()

    # ...and any change to the file sends the next open through the check.
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    Store(path).close()
    assert path.with_suffix(".damaged").exists()


def test_a_cache_of_the_previous_schema_is_rebuilt_not_refused(tmp_path, capsys):
    """A cache written before the flags table had its review-order columns
    (schema 2) is rebuilt with a warning; creating the new index on the old
    table must not fail first as a write error."""
    import sqlite3

    from checker.bench import synthetic_flags
    from checker.store import Store

    path = tmp_path / "cache.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('schema', '2');"
        "CREATE TABLE flags (id TEXT PRIMARY KEY, code TEXT, severity TEXT, metric TEXT, flag_json TEXT NOT NULL);"
        "CREATE TABLE claims (source_id TEXT NOT NULL, content_hash TEXT NOT NULL, extractor TEXT NOT NULL,"
        " claims_json TEXT NOT NULL, PRIMARY KEY (source_id, content_hash, extractor));")
    db.commit()
    db.close()
    store = Store(path)
    try:
        assert "rebuilding" in capsys.readouterr().err
        store.put_flags(synthetic_flags(3))
        assert len(store.get_flags()) == 3
    finally:
        store.close()


def test_flags_of_an_older_read_only_cache_still_come_in_review_order(tmp_path):
    """A cache that cannot be written is opened as it is, whatever its schema:
    paging falls back to ordering in memory when the flags table has no
    review-order columns."""
    from checker.bench import synthetic_flags
    from tests.conftest import old_schema_store

    flags = synthetic_flags(7)
    store = old_schema_store(tmp_path, flags)
    try:
        pages = list(store.iter_flags(page=3, min_confidence=0.5))
    finally:
        store.close()
    rank = {"high": 0, "medium": 1, "low": 2}
    expected = sorted((f for f in flags if f.confidence >= 0.5), key=lambda f: (-f.confidence, rank[f.severity], f.id))
    assert [f.id for p in pages for f in p] == [f.id for f in expected]
    assert all(len(p) <= 3 for p in pages)
