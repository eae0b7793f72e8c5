"""What the pre-commit check knows of the corpus without reading it: the files
are listed again only when a folder walked to find them changed, and every
file is still stat'ed, so an added, a nested or an edited corpus file is
compared as soon as it is there."""
from __future__ import annotations

import json

import pytest

import checker.sources
from checker.cli import main
from checker.store import Store, _json_strings
from conftest import set_back, write

SIDECAR = ("file,outlet,published\n1.txt,Wire,2031-06-02\n2.txt,Post,2031-06-05\n3.txt,Courier,2031-06-06\n"
           "5.txt,Gazette,2031-06-04\n")
DRAFT = "news/5.txt"  # the article being committed: a toll that grew from the wire's 23


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    root = tmp_path / "corpus"
    write(root / "pyproject.toml", '[tool.checker]\nsources = ["news"]\n')
    write(root / "news" / "sources.csv", SIDECAR)
    write(root / "news" / "1.txt", "A mudslide in Orvik killed 23 people on Monday, officials said.\n")
    write(root / "news" / "2.txt", "Floods in Pell destroyed 410 homes, the agency said.\n")
    write(root / "news" / "deep" / "sources.csv", "file,outlet,published\n4.txt,Herald,2031-06-07\n")
    write(root / DRAFT, "The mudslide in Orvik killed 31 people, a rescuer said.\n")
    set_back(root)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def walks(monkeypatch) -> list[int]:
    """One entry per walk of the corpus folders."""
    seen: list[int] = []
    real = checker.sources._walk

    def spy(*args, **kwargs):
        seen.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(checker.sources, "_walk", spy)
    return seen


def _check(capsys, path: str = DRAFT) -> list[str]:
    main(["check", path, "--fail-on", "high"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return [line for line in out.splitlines() if line.startswith(path + ":")]


def _scan(capsys) -> None:
    assert main(["scan"]) == 0
    capsys.readouterr()


def test_the_corpus_is_listed_again_only_when_a_folder_changed(corpus, nlp, capsys, walks):
    _scan(capsys)
    assert _check(capsys) == []  # 23, then 31: a toll that grew
    assert _check(capsys) == []
    assert len(walks) == 1  # the second check stat'ed the folders instead of walking them
    write(corpus / "news" / "3.txt", "A mudslide in Orvik killed 12 people, officials said.\n")
    flagged = _check(capsys)
    assert len(walks) == 2 and any("news/3.txt" in line for line in flagged)
    set_back(corpus)
    _check(capsys)
    walked = len(walks)
    # A file in a folder below: only that folder's time changes
    write(corpus / "news" / "deep" / "4.txt", "A mudslide in Orvik killed 9 people, the army said.\n")
    flagged = _check(capsys)
    assert len(walks) == walked + 1 and any("news/deep/4.txt" in line for line in flagged)
    (corpus / "news" / "deep" / "4.txt").unlink()
    assert not any("news/deep/4.txt" in line for line in _check(capsys))


def test_an_edited_corpus_file_is_compared_as_it_now_is(corpus, nlp, capsys, walks):
    _scan(capsys)
    assert _check(capsys) == []
    _check(capsys)
    # Edited in place: its folder does not change, the file's size and time do
    write(corpus / "news" / "1.txt", "A mudslide in Orvik killed 47 people on Monday, officials said.\n")
    set_back(corpus / "news" / "1.txt")
    flagged = _check(capsys)
    assert len(walks) == 1
    # The wire's toll is now higher than the later one of the article
    assert any("news/1.txt" in line and "47" in line for line in flagged)


def test_a_glob_in_the_sources_is_always_listed_again(corpus, nlp, capsys):
    write(corpus / "pyproject.toml", '[tool.checker]\nsources = ["news/*.txt"]\n')
    set_back(corpus)
    _check(capsys)
    assert not (corpus / ".checker" / "listing.json").exists()
    write(corpus / "news" / "3.txt", "A mudslide in Orvik killed 12 people, officials said.\n")
    set_back(corpus)
    assert any("news/3.txt" in line for line in _check(capsys))


def test_file_records_and_stubs_read_as_they_were_written(tmp_path):
    for ids in (["news/1.txt"], ["feed.jsonl#1", "feed.jsonl#2"], ['odd"name.txt'], ["é.txt"], ["a\\b.txt"], []):
        assert _json_strings(json.dumps(ids)) == ids
    from checker.model import Source

    store = Store(tmp_path / "cache.sqlite")
    try:
        source = Source(id="news/1.txt", path="news/1.txt", text="Nine boats.", outlet="Wire",
                        published="2031-06-02", title="Boats", url=None, origin_line=3, origin_col=2)
        store.put_source(source)
        store.put_file("news/1.txt", "sig", ["news/1.txt"], [["note", "news/1.txt", "why"]])
        stub = store.source_stubs()["news/1.txt"]
        assert stub == Source(**{**source.__dict__, "text": ""})
        assert store.file_records() == {"news/1.txt": ("sig", ["news/1.txt"], [["note", "news/1.txt", "why"]])}
    finally:
        store.close()
