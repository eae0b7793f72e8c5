"""A scan that changes one file re-judges only the facts whose members changed
and writes only the flags that changed; the pre-commit check reads only the
claims of its article's facts. Either way the results equal a full comparison."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from checker.cli import main
from conftest import set_back, write

ARTICLES = {
    # a landslide's toll that falls and a flood's damage that shrinks: figures that can only grow
    "1.txt": "A landslide in Tarnow killed 19 people on Sunday, officials said.\n",
    "2.txt": "The landslide in Tarnow killed 14 people, the mayor said.\n",
    "3.txt": "Floods in Velm destroyed 520 homes, the regional agency said.\n",
    "4.txt": "The floods destroyed 300 homes in Velm, residents said.\n",
}
SIDECAR = ("file,outlet,published\n1.txt,Wire,2025-03-02\n2.txt,Herald,2025-03-04\n3.txt,Post,2025-04-10\n"
           "4.txt,Courier,2025-04-12\n5.txt,Gazette,2025-04-11\n6.txt,Tribune,2025-03-06\n")


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    root = tmp_path / "corpus"
    write(root / "pyproject.toml", '[tool.checker]\nsources = ["news"]\n')
    write(root / "news" / "sources.csv", SIDECAR)
    for name, text in ARTICLES.items():
        write(root / "news" / name, text)
    for f in (root / "news").iterdir():
        set_back(f)
    monkeypatch.chdir(root)
    return root


def _scan(capsys) -> dict:
    assert main(["scan", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return json.loads(out)


def _rows(root: Path) -> dict[str, tuple[int, str]]:
    """flag id -> (rowid, stored row) of every stored flag."""
    db = sqlite3.connect(root / ".checker" / "cache.sqlite")
    try:
        return {fid: (rowid, blob) for rowid, fid, blob in db.execute("SELECT rowid, id, flag_json FROM flags")}
    finally:
        db.close()


def _count_writes(root: Path) -> None:
    db = sqlite3.connect(root / ".checker" / "cache.sqlite")
    db.executescript(
        "CREATE TABLE IF NOT EXISTS test_writes (n INTEGER);"
        + "".join(f"CREATE TRIGGER IF NOT EXISTS flag_{op} AFTER {op} ON flags BEGIN "
                  "INSERT INTO test_writes VALUES (1); END;" for op in ("INSERT", "UPDATE", "DELETE")))
    db.commit()
    db.close()


def _writes(root: Path) -> int:
    db = sqlite3.connect(root / ".checker" / "cache.sqlite")
    try:
        return db.execute("SELECT COUNT(*) FROM test_writes").fetchone()[0]
    finally:
        db.close()


def _compared_sources(monkeypatch) -> list[set[str]]:
    """The source ids of the claims each comparison is given."""
    import checker.engine

    seen: list[set[str]] = []
    real = checker.engine.compare

    def spy(claims, pack, *args, **kwargs):
        seen.append({c.source_id for c in claims})
        return real(claims, pack, *args, **kwargs)

    monkeypatch.setattr(checker.engine, "compare", spy)
    return seen


def _cold(root: Path, capsys) -> dict[str, str]:
    """The flags a scan from nothing stores for the corpus as it is now."""
    shutil.rmtree(root / ".checker")
    _scan(capsys)
    return {fid: blob for fid, (_, blob) in _rows(root).items()}


def _flag_of(rows: dict[str, tuple[int, str]], source: str) -> str:
    found = [fid for fid, (_, blob) in rows.items()
             if any(c["source_id"] == source for c in json.loads(blob)["claims"])]
    assert len(found) == 1, found
    return found[0]


def test_an_edit_rejudges_only_its_facts_and_writes_only_changed_flags(corpus, nlp, capsys, monkeypatch):
    cold = _scan(capsys)
    assert cold["flags"] == 2
    before = _rows(corpus)
    landslide = _flag_of(before, "news/1.txt")
    flood = _flag_of(before, "news/3.txt")
    assert landslide != flood
    from checker.config import load_config
    from checker.ledger import Ledger

    Ledger(load_config().ledger).decide(landslide, "confirmed", "tester", note="the mayor counts the missing")

    # One article about the flood changes its figure.
    edited = corpus / "news" / "4.txt"
    edited.write_text(ARTICLES["4.txt"].replace("300", "200"), encoding="utf-8")
    set_back(edited)
    _count_writes(corpus)
    compared = _compared_sources(monkeypatch)
    warm = _scan(capsys)
    assert warm["parsed"] == 1 and warm["flags"] == 2
    # Only the flood's claims were compared again; the landslide's flag row is untouched.
    assert compared == [{"news/3.txt", "news/4.txt"}]
    after = _rows(corpus)
    assert after[landslide] == before[landslide]
    assert flood not in after  # its quote changed, so it is a new flag: one delete, one insert
    assert _writes(corpus) == 2
    # The decision stays with its flag.
    assert main(["flags", "--status", "confirmed", "--all", "--format", "json"]) == 0
    assert [r["flag_id"] for r in json.loads(capsys.readouterr().out)] == [landslide]
    # The same flags as a scan from nothing.
    assert {fid: blob for fid, (_, blob) in after.items()} == _cold(corpus, capsys)


def test_added_and_removed_articles_rejudge_their_facts_only(corpus, nlp, capsys, monkeypatch):
    _scan(capsys)
    before = _rows(corpus)
    landslide = _flag_of(before, "news/1.txt")
    write(corpus / "news" / "5.txt", "Floods in Velm destroyed 300 homes, the fire service said.\n")
    set_back(corpus / "news" / "5.txt")
    compared = _compared_sources(monkeypatch)
    _count_writes(corpus)
    added = _scan(capsys)
    assert added["parsed"] == 1
    assert compared == [{"news/3.txt", "news/4.txt", "news/5.txt"}]
    after = _rows(corpus)
    assert after[landslide] == before[landslide]
    assert {fid: blob for fid, (_, blob) in after.items()} == _cold(corpus, capsys)

    # Removing an article drops its flags, and only its facts are judged again.
    _scan(capsys)
    before = _rows(corpus)
    (corpus / "news" / "4.txt").unlink()
    compared.clear()
    _count_writes(corpus)
    removed = _scan(capsys)
    assert removed["sources"] == 4 and compared == [{"news/3.txt", "news/5.txt"}]
    after = _rows(corpus)
    assert after[landslide] == before[landslide]
    assert not any("news/4.txt" in blob for _, blob in after.values())
    assert {fid: blob for fid, (_, blob) in after.items()} == _cold(corpus, capsys)


def test_an_unchanged_flag_whose_row_changes_is_updated_in_place(corpus, nlp, capsys):
    """A line added above a figure moves it (same flag id, new line number): the
    row is updated where it is, so its rowid (and the decision on its id) stay."""
    _scan(capsys)
    before = _rows(corpus)
    flood = _flag_of(before, "news/3.txt")
    edited = corpus / "news" / "3.txt"
    edited.write_text("Velm, Thursday.\n\n" + ARTICLES["3.txt"], encoding="utf-8")
    set_back(edited)
    _count_writes(corpus)
    _scan(capsys)
    after = _rows(corpus)
    assert after[flood][0] == before[flood][0] and after[flood][1] != before[flood][1]
    assert _writes(corpus) == 1
    assert {fid: blob for fid, (_, blob) in after.items()} == _cold(corpus, capsys)


def test_check_reads_only_the_claims_of_its_articles_facts(corpus, nlp, capsys, monkeypatch):
    _scan(capsys)
    write(corpus / "news" / "6.txt", "A landslide in Tarnow killed 9 people, a rescuer said.\n")
    compared = _compared_sources(monkeypatch)
    code = main(["check", "news/6.txt", "--fail-on", "high"])
    out = capsys.readouterr().out
    assert code == 1 and "news/6.txt:1:" in out and "CK104" in out
    # The flood's articles were not read: only the landslide's fact was compared.
    assert compared == [{"news/6.txt", "news/1.txt", "news/2.txt"}]


def test_edits_to_the_seed_story_give_the_flags_of_a_scan_from_nothing(seeds_copy, nlp, capsys):
    """Story-pack metrics, owners inferred from other figures and main places:
    a scan that re-judges one article's facts gives what a full scan gives."""
    seeds = sorted((seeds_copy / "seeds").glob("*.txt"))
    for f in seeds:
        set_back(f)
    _scan(capsys)
    target = seeds_copy / "seeds" / "002_58061bc989f93f95.txt"
    text = target.read_text(encoding="utf-8")
    assert "a 45-day pause" in text and "240 hostages" in text
    target.write_text(text.replace("a 45-day pause", "a 60-day pause").replace("240 hostages", "250 hostages"),
                      encoding="utf-8")
    set_back(target)
    warm = _scan(capsys)
    assert warm["parsed"] == 1
    incremental = {fid: blob for fid, (_, blob) in _rows(seeds_copy).items()}
    assert incremental == _cold(seeds_copy, capsys)


def test_flag_rows_are_each_flags_own_row(pack):
    """Rows built with each claim's dict made once are the rows of each flag alone."""
    from checker.bench import synthetic_claims
    from checker.engine import compare
    from checker.store import _flag_row, _flag_rows

    flags = compare(synthetic_claims(3000, seed=3), pack)
    assert len(flags) > 5 and len({id(c) for f in flags for c in f.claims}) < 2 * len(flags)
    assert _flag_rows(flags) == [_flag_row(f) for f in flags]


def test_flags_removed_behind_the_index_are_stored_again(corpus, nlp, capsys):
    """A writer that knows nothing of the index (an older checker, a hand edit)
    deletes a flag: the next scan does not trust the index and stores every flag."""
    _scan(capsys)
    before = _rows(corpus)
    landslide = _flag_of(before, "news/1.txt")
    db = sqlite3.connect(corpus / ".checker" / "cache.sqlite")
    db.execute("DELETE FROM flags WHERE id=?", (landslide,))
    db.commit()
    db.close()
    edited = corpus / "news" / "4.txt"
    edited.write_text(ARTICLES["4.txt"].replace("300", "200"), encoding="utf-8")
    set_back(edited)
    _scan(capsys)
    after = _rows(corpus)
    assert landslide in after
    assert {fid: blob for fid, (_, blob) in after.items()} == _cold(corpus, capsys)


def test_claims_stored_by_fact_key_come_back_as_they_were(seed_claims):
    """Fact-key rows leave out a claim's source id, id, sentence and fields at
    their defaults; reading them gives the claims the full rows give, field
    for field and type for type, with the same ids, and each its own lists."""
    import dataclasses

    from checker.model import Claim, Quantity
    from checker.store import _key_row, _read_key_rows

    claims = [c for cl in seed_claims.values() for c in cl]
    assert len(claims) > 20
    # One with its conversion in brackets, one with every list empty.
    claims.append(dataclasses.replace(claims[0], restated_as=Quantity(700.0, 700.0, "exact", unit="metre",
                                                                      surface="700 m")))
    claims.append(dataclasses.replace(claims[1], actors=[], places=[], scope=[]))
    by_source: dict[str, list] = {}
    for c in claims:
        by_source.setdefault(c.source_id, []).append(c)
    for sid, mine in by_source.items():
        row = _key_row(list(enumerate(mine)))
        back = _read_key_rows([(sid, json.loads(json.dumps(row)))])
        assert [(s, i) for s, i, _ in back] == [(sid, i) for i in range(len(mine))]
        ids = [b.id for _, _, b in back]  # read before any sentence is
        for (_, _, b), c in zip(back, mine):
            full = Claim.from_dict(json.loads(json.dumps(c.to_dict())))
            assert json.dumps(b.to_dict()) == json.dumps(full.to_dict())
            assert [getattr(b, f.name) for f in dataclasses.fields(Claim)] == \
                [getattr(full, f.name) for f in dataclasses.fields(Claim)]
            assert all(type(getattr(b, f.name)) is type(getattr(full, f.name)) for f in dataclasses.fields(Claim))
        assert ids == [c.id for c in mine]
        lists = [id(getattr(b, name)) for _, _, b in back for name in ("actors", "places", "scope")]
        assert len(set(lists)) == len(lists)
    assert len(_key_row([(0, claims[0])])) < len(json.dumps(claims[0].to_dict()))


def test_the_check_command_ends_with_its_output_and_exit_code(corpus, nlp, capsys):
    """Run as a command (as the hook runs it), check ends without the
    interpreter's teardown: its piped output and exit code are all there."""
    import subprocess
    import sys

    _scan(capsys)
    write(corpus / "news" / "6.txt", "A landslide in Tarnow killed 9 people, a rescuer said.\n")
    proc = subprocess.run([sys.executable, "-m", "checker", "check", "news/6.txt", "--fail-on", "high"],
                          cwd=corpus, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "news/6.txt:1:" in proc.stdout and "CK104" in proc.stdout
    assert proc.stdout.rstrip().endswith("git add reports/decisions.jsonl")


CONVERSIONS = (
    # one figure of a fact (a depth), one that is a change with no fact of its own, one right
    "Floods in Velm left water 9 feet (9 metres) deep in places, the agency said.\n"
    "The river rose by 12 feet (12 metres) overnight, and the levee is 20 feet (6 metres) high.\n"
)


def _ck107(rows) -> set[tuple[str, tuple[str, ...]]]:
    """(flag id, the two figures) of the CK107 flags among stored rows."""
    out = set()
    for fid, blob in rows:
        d = json.loads(blob)
        if d["code"] == "CK107":
            out.add((fid, tuple(c["quantity"]["surface"] for c in d["claims"])))
    return out


def test_conversion_flags_are_the_same_from_a_scan_a_check_and_a_rescan(corpus, nlp, capsys):
    """CK107 sets a figure against its own bracketed conversion: the pre-commit
    check (which reads only its article's fact keys), a scan that re-judges
    only the changed keys and a scan from nothing raise the same flags."""
    _scan(capsys)
    write(corpus / "news" / "5.txt", CONVERSIONS)
    code = main(["check", "news/5.txt", "--fail-on", "high"])
    out = capsys.readouterr().out
    checked = sorted(line.split(": CK107 ")[0] for line in out.splitlines() if ": CK107 " in line)
    assert checked == ["news/5.txt:1:27", "news/5.txt:2:19"], out
    assert "9 feet is about 2.74 metres, not 9 metres" in out
    set_back(corpus / "news" / "5.txt")
    _scan(capsys)  # the article's claims are those the check stored: only its keys are judged again
    rescanned = _ck107((fid, blob) for fid, (_, blob) in _rows(corpus).items())
    assert {figures for _, figures in rescanned} == {("9 feet", "9 metres"), ("12 feet", "12 metres")}
    assert rescanned == _ck107(_cold(corpus, capsys).items())
    # the lines the check printed point at the figures the stored flags hold
    text = CONVERSIONS.splitlines()
    at = set()
    for where in checked:
        line, col = map(int, where.split(":")[1:])
        at.add(next(figure for _, (figure, _) in rescanned if text[line - 1][col - 1:].startswith(figure)))
    assert at == {"9 feet", "12 feet"}


def test_a_story_metric_read_from_sentences_gives_the_check_the_flags_of_a_full_comparison(corpus, nlp, capsys):
    """Claims read by fact key decode their sentences only when something
    reads one; a story-pack metric that matches figures by the words of their
    sentence reads every one. The check must give the flags a comparison of
    the whole corpus from nothing gives for its article, metric for metric."""
    write(corpus / "story.yaml", "kind: metrics\nmetrics:\n  - name: velm-homes\n    description: homes destroyed in Velm\n"
                                 "    counted: [home]\n    over_time: cumulative\n    cues: ['destroy']\n")
    write(corpus / "pyproject.toml", '[tool.checker]\nsources = ["news"]\nrules = ["story.yaml"]\n')
    set_back(corpus / "pyproject.toml")
    _scan(capsys)
    new = corpus / "news" / "5.txt"
    write(new, "The floods destroyed 200 homes in Velm on Friday, a rescuer said.\n")
    set_back(new)
    mine = _check_flags(corpus, new)
    whole = _whole_scan_flags(corpus)
    assert any(json.loads(f)["metric"] == "velm-homes" for f in whole)  # the sentences' words decided the metric
    assert mine == whole


def test_the_check_reads_no_key_where_its_article_has_no_compared_figure(corpus, nlp, capsys, monkeypatch):
    """A projection is compared with nothing: a key holding only projections
    of the checked article is not read, and the check still gives the flags a
    comparison of the whole corpus from nothing gives for its article."""
    from checker.store import Store

    write(corpus / "news" / "6.txt", "The floods could destroy as many as 2,000 homes in Velm, the agency warned.\n")
    set_back(corpus / "news" / "6.txt")
    _scan(capsys)
    new = corpus / "news" / "5.txt"
    write(new, "Forecasters expect the floods to destroy 900 homes in Velm.\n"
               "The floods destroyed 200 homes in Velm on Friday, a rescuer said.\n")
    set_back(new)
    asked: list[str] = []
    real = Store.claims_of_keys

    def spy(self, extractor, keys, current):
        asked.extend(keys)
        return real(self, extractor, keys, current)

    monkeypatch.setattr(Store, "claims_of_keys", spy)
    mine = _check_flags(corpus, new)
    assert [k.split("\x1f")[-1] for k in asked] == ["reported"]  # the projections' key was not read
    assert [json.loads(f)["code"] for f in mine] == ["CK104"]
    assert mine == _whole_scan_flags(corpus)


def _check_flags(corpus: Path, new: Path) -> list[str]:
    from checker.config import load_config
    from checker.pipeline import check_sources, list_corpus
    from checker.sources import load_sources

    cfg = load_config(corpus)
    articles, _ = load_sources([str(new)], root=cfg.root)
    checked = check_sources(cfg, [p for p in list_corpus(cfg) if not p.endswith(new.name)], articles)
    return [json.dumps(f.to_dict()) for f in checked.flags if any(c.source_id == "news/5.txt" for c in f.claims)]


def _whole_scan_flags(corpus: Path) -> list[str]:
    """What a comparison of every claim, none read back by key, says of news/5.txt: a scan from nothing."""
    import shutil

    from checker.config import load_config
    from checker.pipeline import scan

    shutil.rmtree(corpus / ".checker")
    return [json.dumps(f.to_dict()) for f in scan(load_config(corpus)).flags
            if any(c.source_id == "news/5.txt" for c in f.claims)]


def test_a_check_split_between_two_processes_gives_the_flags_of_one_comparison(corpus, nlp, capsys, monkeypatch):
    """A large check shares its article's fact keys between this process and
    a forked one. Whether split, split with a child that fails, or not split
    at all, it gives the article the flags a scan of everything from nothing
    gives it."""
    import checker.pipeline as pipeline
    import checker.store as store

    _scan(capsys)
    new = corpus / "news" / "5.txt"
    # two facts at once: a landslide's toll and the homes a flood destroyed
    write(new, "The landslide in Tarnow killed 11 people on Monday.\n"
               "The floods destroyed 900 homes in Velm on Friday, a rescuer said.\n")
    set_back(new)

    forks: list[int] = []
    real = pipeline._compare_forked

    def counted(*args):
        forks.append(1)
        return real(*args)

    monkeypatch.setattr(pipeline, "_compare_forked", counted)
    monkeypatch.setattr(pipeline, "SPLIT_ROWS", 10**9)
    unsplit = _check_flags(corpus, new)
    assert forks == []
    monkeypatch.setattr(pipeline, "SPLIT_ROWS", 1)
    split = _check_flags(corpus, new)
    assert forks == [1]

    class Broken:
        def __init__(self, path):
            raise OSError("no second connection")

    monkeypatch.setattr(store, "ClaimReader", Broken)  # the child fails: its half is compared here
    fallback = _check_flags(corpus, new)
    assert forks == [1, 1]

    whole = _whole_scan_flags(corpus)
    assert len({json.loads(f)["metric"] for f in whole}) == 2  # both facts are flagged
    assert split == unsplit == fallback == whole
