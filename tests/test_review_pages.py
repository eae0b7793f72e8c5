"""The review reads flags a page at a time (store.FlagPages): order, filters,
statuses and search are SQL, and the UI holds a window of rows that moves on
as the reviewer does. Flags are the bench's synthetic ones or invented here."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

import checker.tui.flag_list as flag_list
from checker.bench import synthetic_flags
from checker.ledger import Ledger
from checker.model import Claim, Flag, Quantity
from checker.store import FlagPages, Store
from checker.tui.app import ReviewApp
from checker.tui.flag_list import FlagList
from checker.tui.status_bar import StatusBar

RANK = {"high": 0, "medium": 1, "low": 2}


def review_order(flags: list[Flag]) -> list[Flag]:
    return sorted(flags, key=lambda f: (-f.confidence, RANK[f.severity], f.id))


@pytest.fixture
def stored(tmp_path):
    """A cache holding 600 synthetic flags; yields (store, flags)."""
    flags = synthetic_flags(600)
    store = Store(tmp_path / ".checker" / "cache.sqlite")
    store.put_flags(flags)
    store.commit()
    yield store, flags
    store.close()


def ids(pages: FlagPages, keys: list[int]) -> list[str]:
    return [pages[k].id for k in keys]


# -- FlagPages ------------------------------------------------------------------------------


def test_pages_come_in_review_order_with_the_threshold(stored):
    store, flags = stored
    pages = FlagPages.of_store(store, min_confidence=0.5)
    expected = [f.id for f in review_order(flags) if f.confidence >= 0.5]
    assert len(pages) == len(expected) < len(flags)
    assert ids(pages, pages.page(0, 50)) == expected[:50]
    assert ids(pages, pages.page(100, 50)) == expected[100:150]
    # walking on from a flag, and back from one, meets the same order
    first = pages.page(0, 1)[0]
    assert ids(pages, pages.after(first, 60)) == expected[1:61]
    last = pages.page(len(expected) - 1, 1)[0]
    assert ids(pages, pages.before(last, 10)) == expected[-11:-1]
    assert pages.position(last) == len(expected) - 1
    assert [f.id for f in pages] == expected  # iterating reads every page


def test_severity_and_code_filters_are_sql(stored):
    store, flags = stored
    pages = FlagPages.of_store(store)
    high = [f.id for f in review_order(flags) if f.severity == "high"]
    assert pages.count(severity="high") == len(high) > 0
    assert ids(pages, pages.page(0, 1000, severity="high")) == high
    assert pages.count(code="CK999") == 0 and pages.page(0, 10, code="CK999") == []
    assert pages.codes() == ["CK101"]


def test_status_filters_read_the_review_status_table(stored):
    store, flags = stored
    pages = FlagPages.of_store(store)
    order = review_order(flags)
    confirmed, dismissed, stale = order[3], order[250], order[7]
    pages.set_status(confirmed.id, "confirmed", confirmed.evidence_hash)
    pages.set_status(dismissed.id, "dismissed", dismissed.evidence_hash)
    pages.set_status(stale.id, "confirmed", "0" * 16)  # decided on evidence that has changed
    pages.set_status("no-such-flag", "confirmed", "")
    assert ids(pages, pages.page(0, 10, status="confirmed")) == [confirmed.id, stale.id]  # in review order
    assert ids(pages, pages.page(0, 10, status="dismissed")) == [dismissed.id]
    assert ids(pages, pages.page(0, 10, status="changed")) == [stale.id]
    assert pages.count(status="open") == len(flags) - 3
    assert confirmed.id not in ids(pages, pages.page(0, 20, status="open"))
    assert pages.status_counts() == (3, 1)
    pages.set_status(confirmed.id, "open", "")  # an undo
    assert pages.count(status="open") == len(flags) - 2


def invented(n: int, outlet: str, sentence: str, severity: str = "low") -> Flag:
    q = Quantity(n, n, "exact", surface=str(n), start=0, end=len(str(n)))
    a = Claim(f"desk/{outlet.lower()}-{n}.txt", q, sentence, 1, 1, outlet=outlet, date="2025-03-01")
    b = Claim(f"desk/other-{n}.txt", Quantity(n + 5, n + 5, "exact", surface=str(n + 5)),
              f"Officials counted {n + 5}.", 1, 1, outlet="Other Desk", date="2025-03-02")
    return Flag("Q1", severity, f"trucks-{n}", [a, b], f"{n} vs {n + 5} trucks")


def test_search_is_casefolded_every_word_and_reads_quotes_and_outlets():
    flags = [invented(10, "Zeitung", "Laut MÜLLER fuhren 10 Lastwagen über die Grenze."),
             invented(20, "Courier", "Some 20 trucks crossed on Sunday, Müller said."),
             invented(30, "Courier", "Thirty trucks, 30 in all, crossed.")]
    pages = FlagPages.of_flags(flags)
    assert ids(pages, pages.page(0, 10, words=["müller"])) == [flags[0].id, flags[1].id]
    assert ids(pages, pages.page(0, 10, words=["MÜLLER", "courier"])) == [flags[1].id]
    assert ids(pages, pages.page(0, 10, words=["zeitung"])) == [flags[0].id]  # an outlet
    assert ids(pages, pages.page(0, 10, words=["desk/courier-30"])) == [flags[2].id]  # a source
    assert pages.count(words=["trucks", "sunday"]) == 1
    assert pages.count(words=["nothing-like-this"]) == 0


def test_a_list_keeps_its_order_and_its_keys_are_indices():
    flags = [invented(n, "Courier", f"{n} trucks crossed.", severity=s)
             for n, s in ((5, "low"), (6, "high"), (7, "medium"))]
    pages = FlagPages.of_flags(flags)
    assert pages.page(0, 10) == [0, 1, 2]
    assert [pages[i].id for i in range(3)] == [f.id for f in flags]
    assert pages.page(0, 10, severity="high") == [1]
    assert pages.after(0, 10, severity="low") == []  # the only low flag is key 0


def test_the_flags_of_given_sources_only(stored):
    store, flags = stored
    wanted = flags[0].claims[0].source_id
    pages = FlagPages.of_store(store, involved=lambda sid: sid == wanted)
    expected = [f.id for f in review_order(flags) if any(c.source_id == wanted for c in f.claims)]
    assert ids(pages, pages.page(0, 100)) == expected != []
    assert len(pages) == len(expected)


def test_legacy_ids_are_found_without_reading_whole_flags(stored):
    store, flags = stored
    pages = FlagPages.of_store(store)
    wanted = {flags[5].legacy_id, flags[77].legacy_id, "0" * 16}
    assert pages.legacy_ids(wanted) == {flags[5].legacy_id: [flags[5].id], flags[77].legacy_id: [flags[77].id]}


# -- the UI over a store ----------------------------------------------------------------------


def run(app: ReviewApp, scenario, size=(140, 40)) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot, app)

    asyncio.run(main())


def table(app: ReviewApp) -> FlagList:
    return app.screen.query_one(FlagList)


def current(app: ReviewApp) -> Flag:
    return app.flags[table(app).flag_at_cursor()]


def status_line(app: ReviewApp) -> str:
    return app.screen.query_one(StatusBar).content.plain


@pytest.fixture
def small_pages(monkeypatch):
    """A list window of 40 rows (10 kept when it moves), so paging shows on a few hundred flags."""
    monkeypatch.setattr(flag_list, "PAGE", 40)
    monkeypatch.setattr(flag_list, "KEEP", 10)


def test_the_list_holds_a_page_and_reads_on_past_its_end(stored, tmp_path, small_pages):
    store, flags = stored
    order = [f.id for f in review_order(flags)]
    seen = {}

    async def scenario(pilot, app):
        seen["rows"] = table(app).row_count
        seen["status"] = status_line(app)
        seen["held"] = len(app.state.pages._flags)
        for _ in range(flag_list.PAGE + 5):  # past the first page
            await pilot.press("j")
        await pilot.pause()
        seen["after_j"] = (current(app).id, table(app).row_count, table(app).first, status_line(app))
        await pilot.press("end")
        await pilot.pause()
        seen["end"] = (current(app).id, table(app).row_count)
        await pilot.press("k")
        seen["end_k"] = current(app).id
        await pilot.press("home")
        await pilot.pause()
        seen["home"] = (current(app).id, table(app).first)

    run(ReviewApp(FlagPages.of_store(store), Ledger(tmp_path / "d.jsonl"), "ann"), scenario)
    assert seen["rows"] == flag_list.PAGE < len(flags)
    assert f"flags 1–{flag_list.PAGE} of 600" in seen["status"]
    assert seen["held"] <= FlagPages.CACHE
    moved_to, rows, first, status = seen["after_j"]
    assert moved_to == order[flag_list.PAGE + 5]
    assert rows <= flag_list.PAGE and first > 0
    assert f"flags {first + 1}–{first + rows} of 600" in status
    assert seen["end"] == (order[-1], flag_list.PAGE)
    assert seen["end_k"] == order[-2]
    assert seen["home"] == (order[0], 0)


def test_screenful_keys_and_the_wheel_read_further_pages(stored, tmp_path, small_pages):
    store, flags = stored
    order = [f.id for f in review_order(flags)]
    seen = {}

    async def scenario(pilot, app):
        for _ in range(4):
            await pilot.press("right_square_bracket")
        await pilot.pause()
        seen["pages"] = (current(app).id, table(app).row_count)
        await pilot.press("home")
        await pilot.pause()
        t = table(app)
        t.scroll_to(y=t.max_scroll_y, animate=False, immediate=True)  # the wheel, at the window's end
        await pilot.pause()
        await pilot.pause()
        seen["wheel"] = (t.first, t.row_count, [app.flags[k].id for k in t.shown])

    run(ReviewApp(FlagPages.of_store(store), Ledger(tmp_path / "d.jsonl"), "ann"), scenario, size=(140, 24))
    flag, rows = seen["pages"]
    assert order.index(flag) >= 4 * 15 and rows <= flag_list.PAGE  # four screenfuls of a 24-line terminal
    first, rows, shown = seen["wheel"]
    assert first > 0 and rows <= flag_list.PAGE
    assert shown == order[first:first + rows]  # nothing skipped or repeated


def test_a_filter_change_queries_sql_and_keeps_the_flag(stored, tmp_path, small_pages):
    store, flags = stored
    high = [f.id for f in review_order(flags) if f.severity == "high"]
    seen = {}

    async def scenario(pilot, app):
        await pilot.press("v")  # severity high
        await pilot.pause()
        t = table(app)
        seen["high"] = ([app.flags[k].id for k in t.shown], t.total, status_line(app))
        for _ in range(30):
            await pilot.press("j")
        await pilot.pause()
        seen["deep"] = current(app).id
        await pilot.press("escape")  # all flags again: the cursor stays on its flag
        await pilot.pause()
        seen["kept"] = current(app).id

    run(ReviewApp(FlagPages.of_store(store), Ledger(tmp_path / "d.jsonl"), "ann"), scenario)
    shown, total, status = seen["high"]
    assert total == len(high) and shown == high[: flag_list.PAGE]
    assert f"flags 1–{flag_list.PAGE} of {len(high):,}" in status and "severity high" in status
    assert seen["deep"] == high[30]
    assert seen["kept"] == high[30]


def test_deciding_through_an_open_filter_skips_no_flag(stored, tmp_path, monkeypatch):
    """With status "open", each decision takes a flag out of what the filter
    shows; reading on past the window must still meet every flag once."""
    monkeypatch.setattr(flag_list, "PAGE", 12)
    monkeypatch.setattr(flag_list, "KEEP", 3)
    store, flags = stored
    order = [f.id for f in review_order(flags)]
    ledger_path = tmp_path / "reports" / "decisions.jsonl"
    n = 2 * flag_list.PAGE + 3

    async def scenario(pilot, app):
        await pilot.press("s")  # open
        for _ in range(n):
            await pilot.press("d")
        await pilot.pause()

    run(ReviewApp(FlagPages.of_store(store), Ledger(ledger_path), "ann"), scenario)
    lines = [json.loads(x) for x in ledger_path.read_text(encoding="utf-8").splitlines()]
    assert [d["flag_id"] for d in lines] == order[:n]
    assert {d["status"] for d in lines} == {"dismissed"}


def test_decisions_on_a_later_page_persist_and_show_after_a_restart(stored, tmp_path, small_pages):
    store, flags = stored
    order = review_order(flags)
    ledger_path = tmp_path / "reports" / "decisions.jsonl"
    target = order[57]

    async def decide(pilot, app):
        for _ in range(57):
            await pilot.press("j")
        await pilot.press("c")

    run(ReviewApp(FlagPages.of_store(store), Ledger(ledger_path), "ann"), decide)
    (line,) = [json.loads(x) for x in ledger_path.read_text(encoding="utf-8").splitlines()]
    assert (line["flag_id"], line["status"], line["evidence_hash"]) == (target.id, "confirmed", target.evidence_hash)
    seen = {}

    async def reopen(pilot, app):
        seen["progress"] = status_line(app)
        await pilot.press("s", "s")  # confirmed
        await pilot.pause()
        seen["confirmed"] = [app.flags[k].id for k in table(app).shown]
        seen["row"] = table(app).get_row_at(0)[-1].plain

    run(ReviewApp(FlagPages.of_store(store), Ledger(ledger_path), "ann"), reopen)
    assert seen["progress"].startswith("1 of 600 decided")
    assert seen["confirmed"] == [target.id] and seen["row"] == "confirmed"


def test_a_decision_under_a_legacy_id_counts_for_the_flag(stored, tmp_path):
    store, flags = stored
    order = review_order(flags)
    ledger_path = tmp_path / "d.jsonl"
    Ledger(ledger_path).decide(order[2].legacy_id, "dismissed", "bob", evidence_hash=order[2].evidence_hash)
    seen = {}

    async def scenario(pilot, app):
        await pilot.pause()
        seen["progress"] = status_line(app)
        seen["row"] = table(app).get_row_at(2)[-1].plain

    run(ReviewApp(FlagPages.of_store(store), Ledger(ledger_path), "ann"), scenario)
    assert seen["row"] == "dismissed"
    assert seen["progress"].startswith("1 of 600 decided")


def test_legacy_decisions_off_the_first_page_are_counted_and_filtered(stored, tmp_path, small_pages):
    """A legacy decision on a flag far below the first page is found by the
    lookup the screen runs apart from the UI: counted, and shown by its filter."""
    store, flags = stored
    order = review_order(flags)
    ledger_path = tmp_path / "d.jsonl"
    far = order[450]
    Ledger(ledger_path).decide(far.legacy_id, "follow-up", "bob", evidence_hash=far.evidence_hash)
    Ledger(ledger_path).decide("0" * 16, "confirmed", "bob")  # a flag that is gone: no harm
    seen = {}

    async def scenario(pilot, app):
        for _ in range(100):
            if not app.state.legacy_pending:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        seen["progress"] = status_line(app)
        await pilot.press("s", "s", "s", "s")  # follow-up
        await pilot.pause()
        seen["follow"] = [app.flags[k].id for k in table(app).shown]

    run(ReviewApp(FlagPages.of_store(store), Ledger(ledger_path), "ann"), scenario)
    assert seen["progress"].startswith("1 of 600 decided")
    assert seen["follow"] == [far.id]


def test_an_older_read_only_cache_is_reviewed_in_review_order(tmp_path):
    """A cache that cannot be rebuilt, whose flags table has no review-order
    columns, is still reviewed: its flags are ordered in memory."""
    from tests.conftest import old_schema_store

    flags = synthetic_flags(9)
    store = old_schema_store(tmp_path, flags)
    try:
        pages = FlagPages.of_store(store, min_confidence=0.5)
        expected = [f.id for f in review_order(flags) if f.confidence >= 0.5]
        assert ids(pages, pages.page(0, 20)) == expected
        assert ids(pages, pages.page(0, 20, severity="high")) == [i for i in expected
                                                                  if pages[pages.keys_of(i)[0]].severity == "high"]
    finally:
        store.close()


def test_the_flags_of_given_paths_are_found_once_whatever_their_characters(tmp_path):
    """`checker review PATH`: the flags with a claim from PATH are found in one
    pass, a path with characters the stored JSON escapes included."""
    flags = [invented(n, outlet, f"{n} trucks crossed.") for n, outlet in ((1, "Zürich"), (2, "Basel"), (3, "Zürich"))]
    store = Store(tmp_path / ".checker" / "cache.sqlite")
    try:
        store.put_flags(flags)
        store.commit()
        wanted = "desk/zürich-1.txt"
        pages = FlagPages.of_store(store, involved=lambda sid: sid == wanted, hints=[wanted])
        assert ids(pages, pages.page(0, 10)) == [flags[0].id]
        assert len(pages) == 1 and pages.count(severity="low") == 1
        folder = FlagPages.of_store(store, involved=lambda sid: sid.startswith("desk/zürich"), hints=["desk/zürich"])
        assert set(ids(folder, folder.page(0, 10))) == {flags[0].id, flags[2].id}
    finally:
        store.close()


def test_the_first_search_of_a_large_set_says_it_takes_a_moment(stored, tmp_path, monkeypatch):
    import checker.tui.review_screen as review_screen

    monkeypatch.setattr(review_screen, "SEARCH_NOTICE", 100)  # 600 flags count as large here
    store, flags = stored
    target = flags[123]
    word = target.metric.split()[-1]  # the district number, in that flag's metric and sentences
    notes, seen = [], {}

    async def scenario(pilot, app):
        await pilot.press("slash", *f"district {word}", "enter")
        for _ in range(40):
            if app.screen.filters.search and table(app).total < len(flags):
                break
            await pilot.pause(0.05)
        seen["shown"] = [app.flags[k].id for k in table(app).shown]
        await pilot.press("slash", *"axios", "enter")  # the text is built: no second notice
        await pilot.pause()

    app = ReviewApp(FlagPages.of_store(store), Ledger(tmp_path / "d.jsonl"), "ann")
    notify = app.notify
    app.notify = lambda message, **kw: (notes.append(message), notify(message, **kw))
    run(app, scenario)
    expected = [f.id for f in review_order(flags)
                if all(w in "\n".join([f.code, f.rule, f.severity, f.metric, f.message, f.id,
                                       *(x or "" for c in f.claims for x in (c.source_id, c.outlet, c.attribution,
                                                                            c.sentence, c.quantity.surface))]
                                      ).casefold() for w in ("district", word))]
    assert target.id in seen["shown"] and seen["shown"] == expected[: flag_list.PAGE]
    assert sum("first search" in n for n in notes) == 1


def test_timeline_figures_are_read_by_fact_key_with_the_same_result(seeds_copy, nlp, capsys, monkeypatch):
    """After a scan (which stores claims by fact key) the timeline reads only
    the claims of the flag's keys, and finds the same figures as grouping
    every stored claim; an invented wire story's figure of the same fact too."""
    from checker.cli import main
    from checker.config import load_config
    from checker.pipeline import extractor_key, load_pack
    from checker.tui.figures import fact_figures_from, store_figures

    (seeds_copy / "seeds" / "009_wire.txt").write_text(
        "Mediators proposed a 40-day pause in the fighting, an official said.\n", encoding="utf-8")
    assert main(["scan"]) in (0, 1)
    capsys.readouterr()
    cfg = load_config()
    store = Store(cfg.cache_path)
    try:
        flags = store.get_flags()
        assert flags
        everything = fact_figures_from(store.all_claims(extractor_key(cfg)), load_pack(cfg))
        expected = {f.id: [c.id for c in everything(f)] for f in flags}
        monkeypatch.setattr(store, "all_claims", lambda *a: (_ for _ in ()).throw(AssertionError("read all")))
        figures = store_figures(store, cfg)
        got = {f.id: [c.id for c in figures(f)] for f in flags}
    finally:
        store.close()
    assert got == expected
    pause = next(f for f in flags if f.metric == "pause-length")
    assert any("40-day" in c.sentence for c in everything(pause))
