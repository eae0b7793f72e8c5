"""The SQLite cache: round trips, keys, recovery from a damaged file, and the
scan's use of it (an unchanged corpus parses nothing; an edit elsewhere in a
source re-parses only that source and keeps the flag ids)."""
from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import pytest

from checker.cli import main
from checker.model import Claim, Flag, Quantity, Source
from checker.store import Store

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
INF = math.inf


def source(sid: str = "a.txt", text: str = "Hamas would free 35 to 40 hostages.\n", **kw) -> Source:
    return Source(id=sid, path=f"/corpus/{sid}", text=text, **kw)


def quantity(low, high, kind, surface, **kw) -> Quantity:
    return Quantity(low=low, high=high, kind=kind, surface=surface, unit=kw.pop("unit", "hostage"),
                    start=4, end=4 + len(surface), **kw)


QUANTITIES = [
    quantity(35.0, 40.0, "range", "35 to 40"),
    quantity(26000.0, INF, "lower", "more than 26,000", unit="people"),
    quantity(-INF, 10.0, "upper", "fewer than 10"),
    quantity(1200.0, 1200.0, "approx", "about 1,200", tolerance=60.0, unit="people"),
    quantity(42.0, 42.0, "exact", "six-week", unit="day", stated_unit="week", scale=7.0, tolerance=3.5),
    quantity(None, None, "categorical", "all the women, children and elderly", group="women, children and elderly"),
    quantity(2.0, 5.0, "vague", "a handful", trend="up"),
]


def claims_for(sid: str = "a.txt") -> list[Claim]:
    return [
        Claim(source_id=sid, quantity=q, sentence=f"Sentence {i} about “{q.surface}”, with a comma.", line=i + 1,
              col=3, counted="hostage", event="release", actors=["Hamas", "Israel"], places=["Gaza"],
              scope=["first phase"], attribution="the health ministry" if i % 2 else None,
              date="2024-02-11" if i % 3 else None, date_basis="published" if i % 3 else "none",
              outlet="Axios", published="2024-02-11")
        for i, q in enumerate(QUANTITIES)
    ]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / ".checker" / "cache.sqlite")
    yield s
    s.close()


def reopen(s: Store) -> Store:
    s.commit()
    s.close()
    return Store(s.path)


# ------------------------------------------------------------------ sources


def test_source_round_trip(store):
    s = source(outlet="Axios", published="2024-02-11", title="Talks “advance”", url="https://example.org/a",
               origin_line=2, origin_col=5)
    store.put_source(s)
    store = reopen(store)
    try:
        assert store.get_source("a.txt") == s
        assert store.get_source("missing.txt") is None
        assert store.source_hashes() == {"a.txt": s.content_hash}
    finally:
        store.close()


def test_source_put_replaces_by_id(store):
    store.put_source(source(text="old text"))
    new = source(text="new text", outlet="X")
    store.put_source(new)
    assert store.get_source("a.txt") == new
    assert store.source_hashes() == {"a.txt": new.content_hash}


def test_forget_sources_except_removes_deleted_sources(store):
    for sid in ("a.txt", "b.txt", "c.txt"):
        store.put_source(source(sid, text=f"text of {sid}"))
        store.put_claims(sid, source(sid, text=f"text of {sid}").content_hash, "k", claims_for(sid)[:1])
    assert store.forget_sources_except(["a.txt", "c.txt", "not-stored.txt"]) == 1
    assert set(store.source_hashes()) == {"a.txt", "c.txt"}
    assert store.get_source("b.txt") is None
    # the deleted source's claims no longer join the corpus
    assert {c.source_id for c in store.all_claims("k")} == {"a.txt", "c.txt"}
    assert store.forget_sources_except(["a.txt", "c.txt"]) == 0


# ------------------------------------------------------------------ claims


def test_claims_round_trip(store):
    s = source()
    original = claims_for()
    store.put_source(s)
    store.put_claims(s.id, s.content_hash, "key1", original)
    store = reopen(store)
    try:
        back = store.get_claims(s.id, s.content_hash, "key1")
    finally:
        store.close()
    assert back is not None and len(back) == len(original)
    for want, got in zip(original, back):
        assert got.id == want.id
        for name in ("source_id", "sentence", "line", "col", "counted", "event", "actors", "places", "scope",
                     "attribution", "date", "date_basis", "outlet", "published"):
            assert getattr(got, name) == getattr(want, name), name
        q, p = want.quantity, got.quantity
        for name in ("kind", "unit", "trend", "surface", "start", "end", "tolerance", "concept", "group",
                     "stated_unit", "scale", "descending"):
            assert getattr(p, name) == getattr(q, name), name
        # open ends are stored as null (JSON has no infinity) and still read as open
        assert p.bounds() == q.bounds()
        assert p.point == q.point
        assert p.value_text() == q.value_text()
        for end in (p.low, p.high):
            assert end is None or math.isfinite(end)
    lower = back[1].quantity
    assert lower.low == 26000 and lower.high is None and lower.bounds() == (26000, INF)
    upper = back[2].quantity
    assert upper.low is None and upper.high == 10 and upper.bounds() == (-INF, 10)
    assert back[5].quantity.low is None and back[5].quantity.high is None  # categorical has no figure


def test_stored_claims_are_strict_json(store):
    s = source()
    store.put_claims(s.id, s.content_hash, "k", claims_for())
    store.commit()
    (blob,) = store.db.execute("SELECT claims_json FROM claims").fetchone()

    def no_constants(name):
        raise AssertionError(f"non-standard JSON constant {name} in the cache")

    assert len(json.loads(blob, parse_constant=no_constants)) == len(QUANTITIES)


def test_claims_are_keyed_by_content_hash_and_extractor(store):
    s = source()
    store.put_source(s)
    store.put_claims(s.id, s.content_hash, "key1", claims_for())
    assert store.get_claims(s.id, s.content_hash, "key1") is not None
    assert store.get_claims(s.id, "0" * 40, "key1") is None  # the file changed
    assert store.get_claims(s.id, s.content_hash, "key2") is None  # the extractor or rules changed
    assert store.get_claims("other.txt", s.content_hash, "key1") is None


def test_new_claims_for_a_source_replace_the_old_hash(store):
    old, new = source(text="old"), source(text="new")
    store.put_claims(old.id, old.content_hash, "k", claims_for())
    store.put_claims(new.id, new.content_hash, "k", claims_for()[:2])
    assert store.get_claims(old.id, old.content_hash, "k") is None
    assert len(store.get_claims(new.id, new.content_hash, "k")) == 2
    assert store.db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 1


def test_a_source_with_no_claims_is_cached_as_empty_not_missing(store):
    s = source(text="No figures here at all.")
    store.put_claims(s.id, s.content_hash, "k", [])
    assert store.get_claims(s.id, s.content_hash, "k") == []


def test_all_claims_only_for_the_current_content(store):
    s = source()
    store.put_source(s)
    store.put_claims(s.id, s.content_hash, "k", claims_for())
    assert len(store.all_claims("k")) == len(QUANTITIES)
    assert store.all_claims("other-key") == []
    store.put_source(source(text="edited since"))  # the claims are now stale
    assert store.all_claims("k") == []


# ------------------------------------------------------------------ flags


def flags() -> list[Flag]:
    a, b = claims_for("a.txt"), claims_for("b.txt")
    out = [Flag(code=f"CK10{i % 4}", severity=("low", "medium", "high")[i % 3], metric=f"m{i}",
                claims=[a[i], b[(i + 1) % len(b)]], message=f"message {i}", rule="r") for i in range(len(a))]
    return list(reversed(out))


def test_flags_round_trip_in_order(store):
    given = flags()
    assert [f.id for f in given] != sorted(f.id for f in given)  # the order is not just sorted ids
    store.put_flags(given)
    store = reopen(store)
    try:
        back = store.get_flags()
    finally:
        store.close()
    assert [f.id for f in back] == [f.id for f in given]
    assert [f.evidence_hash for f in back] == [f.evidence_hash for f in given]
    assert [(f.code, f.severity, f.metric, f.message, f.rule) for f in back] == \
           [(f.code, f.severity, f.metric, f.message, f.rule) for f in given]


def test_put_flags_replaces_the_previous_set(store):
    store.put_flags(flags())
    store.put_flags(flags()[:2])
    assert [f.id for f in store.get_flags()] == [f.id for f in flags()[:2]]
    store.put_flags([])
    assert store.get_flags() == []


# ------------------------------------------------------------------ the cache folder


def test_cache_folder_is_git_ignored(tmp_path):
    path = tmp_path / "deep" / ".checker" / "cache.sqlite"
    Store(path).close()
    ignore = path.parent / ".gitignore"
    assert "*" in ignore.read_text().splitlines()


def test_an_existing_gitignore_is_kept(tmp_path):
    folder = tmp_path / ".checker"
    folder.mkdir()
    (folder / ".gitignore").write_text("cache.sqlite\n")
    Store(folder / "cache.sqlite").close()
    assert (folder / ".gitignore").read_text() == "cache.sqlite\n"


@pytest.mark.parametrize("garbage", [b"garbage", bytes(range(256)) * 32, b"SQLite format 3\x00" + b"\xab" * 8192],
                         ids=["short", "binary", "bad-header"])
def test_damaged_cache_is_set_aside_and_rebuilt(tmp_path, capsys, garbage):
    path = tmp_path / ".checker" / "cache.sqlite"
    path.parent.mkdir()
    path.write_bytes(garbage)
    store = Store(path)
    try:
        err = capsys.readouterr().err
        assert "warning" in err and str(path) in err and "Traceback" not in err
        aside = [p for p in path.parent.iterdir() if p.name.endswith(".damaged")]
        assert len(aside) == 1 and aside[0].read_bytes() == garbage  # kept for a look, not deleted
        s = source()
        store.put_source(s)
        store.put_claims(s.id, s.content_hash, "k", claims_for())
        store.put_flags(flags())
        store.commit()
        assert store.get_source(s.id) == s
        assert len(store.get_claims(s.id, s.content_hash, "k")) == len(QUANTITIES)
    finally:
        store.close()
    again = Store(path)  # the rebuilt file is a healthy cache
    try:
        assert capsys.readouterr().err == ""
        assert again.get_source("a.txt") is not None
        assert len(again.get_flags()) == len(flags())
    finally:
        again.close()


def test_cache_of_another_schema_is_rebuilt(tmp_path, capsys):
    path = tmp_path / "cache.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO meta VALUES ('schema', '1')")
    db.commit()
    db.close()
    store = Store(path)
    try:
        assert "warning" in capsys.readouterr().err
        store.put_source(source())
        assert store.get_source("a.txt") is not None
    finally:
        store.close()


# ------------------------------------------------------------------ scans through the cache


def scan_json(capsys) -> dict:
    assert main(["scan", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return json.loads(out)


def flag_ids(capsys) -> set[str]:
    assert main(["flags", "--format", "json"]) == 0
    return {r["flag_id"] for r in json.loads(capsys.readouterr().out)}


def test_rescan_uses_the_cache_and_an_edit_elsewhere_keeps_flag_ids(seeds_copy, nlp, capsys):
    n = len(list((seeds_copy / "seeds").glob("*.txt")))
    first = scan_json(capsys)
    assert (first["sources"], first["parsed"], first["cached"]) == (n, n, 0)
    assert first["flags"] > 0
    ids = flag_ids(capsys)
    assert len(ids) == first["flags"]

    second = scan_json(capsys)
    assert (second["parsed"], second["cached"]) == (0, n)
    assert (second["claims"], second["flags"]) == (first["claims"], first["flags"])
    assert flag_ids(capsys) == ids

    # A new paragraph without figures, after every quoted sentence.
    article = seeds_copy / "seeds" / "002_58061bc989f93f95.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.rstrip("\n") + "\n\nOfficials declined to comment further on the talks.\n",
                       encoding="utf-8")
    third = scan_json(capsys)
    assert (third["sources"], third["parsed"], third["cached"]) == (n, 1, n - 1)
    assert (third["claims"], third["flags"]) == (first["claims"], first["flags"])
    assert flag_ids(capsys) == ids


def test_deleted_source_leaves_the_cache(seeds_copy, nlp, capsys):
    scan_json(capsys)
    gone = "seeds/004_ac21ed3f2fa6be03.txt"
    (seeds_copy / gone).unlink()
    result = scan_json(capsys)
    assert result["parsed"] == 0
    store = Store(seeds_copy / ".checker" / "cache.sqlite")
    try:
        assert gone not in store.source_hashes()
        assert all(gone not in (c.source_id for c in f.claims) for f in store.get_flags())
    finally:
        store.close()


def test_scan_recovers_from_a_cache_damaged_past_its_first_pages(seeds_copy, nlp, capsys):
    """The header and table roots read fine, the rows do not: the scan must
    still set the file aside and rebuild, not crash with a DatabaseError."""
    first = scan_json(capsys)
    ids = flag_ids(capsys)
    path = seeds_copy / ".checker" / "cache.sqlite"
    db = sqlite3.connect(path)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    last_root = db.execute("SELECT MAX(rootpage) FROM sqlite_master").fetchone()[0]
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(path.read_bytes())
    assert len(data) > last_root * page_size, "expected row pages after the table roots"
    data[last_root * page_size:] = b"\xab" * (len(data) - last_root * page_size)
    path.write_bytes(bytes(data))

    # currently raises sqlite3.DatabaseError ("database disk image is malformed") out of get_claims
    assert main(["scan", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert "warning" in err and "cache" in err and "Traceback" not in err
    again = json.loads(out)
    assert (again["sources"], again["flags"]) == (first["sources"], first["flags"])
    assert any(p.name.endswith(".damaged") for p in path.parent.iterdir())
    assert flag_ids(capsys) == ids
