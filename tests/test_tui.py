"""The review UI, driven headless through Textual's Pilot.

The flags are built by hand from sentences of the seed articles (the engine
that will produce them is tested elsewhere): 35 to 40 hostages vs all the
women, children and elderly; a six-week ceasefire vs a 45-day pause; and a
few more. Every decision test reads the ledger file itself, because the file
is the only copy of the reviewer's work.
"""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from checker.ledger import Ledger
from checker.model import INF, Claim, Flag, Quantity
from checker.tui.app import ReviewApp
from checker.tui.article_screen import ArticleScreen
from checker.tui.flag_list import PAGE, FlagList
from checker.tui.help_screen import HelpScreen
from checker.tui.note_modal import NoteModal
from checker.tui.review_screen import ReviewScreen
from checker.tui.search_bar import SearchBar
from checker.tui.status_bar import StatusBar
from checker.tui.timeline import MetricTimeline

REPO = Path(__file__).resolve().parents[1]
SIZE = (140, 40)

AXIOS = "seeds/000_37dc6ced96aa91c8.txt"
JPOST = "seeds/001_4e1d5489f0b5de91.txt"
BLOOMBERG = "seeds/002_58061bc989f93f95.txt"
CNN_NOV = "seeds/004_ac21ed3f2fa6be03.txt"
UNDATED = "notes/undated-wire.txt"
META = {
    AXIOS: ("Axios", "2024-02-11"),
    JPOST: ("The Jerusalem Post", "2024-02-11"),
    BLOOMBERG: ("Bloomberg", "2024-01-31"),
    CNN_NOV: ("CNN (republished by an aggregator)", "2023-11-10"),
    UNDATED: ("Wire", None),
}
EXTRA_TEXTS = {
    UNDATED: "Hostage talks resume.\nOfficials say 132 hostages remain in Gaza. More talks are due.\n",
}


def source_text(source_id: str) -> str | None:
    if source_id in EXTRA_TEXTS:
        return EXTRA_TEXTS[source_id]
    path = REPO / source_id
    return path.read_text(encoding="utf-8") if path.exists() else None


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Crude sentence bounds (". " or a line break) around [start, end)."""
    s = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    stops = [p for p in (text.find(". ", end), text.find("\n", end)) if p >= 0]
    e = min(stops) + 1 if stops else len(text)
    if text[e - 1] == "\n":
        e -= 1
    return s, e


def claim(source_id: str, surface: str, low, high, kind: str, unit: str = "", *,
          tolerance: float = 0.0, group: str | None = None, attribution: str | None = None,
          counted: str = "hostage") -> Claim:
    text = source_text(source_id)
    assert text is not None, source_id
    start = text.index(surface)
    end = start + len(surface)
    s, e = sentence_around(text, start, end)
    outlet, published = META[source_id]
    return Claim(
        source_id=source_id,
        quantity=Quantity(low, high, kind, unit=unit, surface=surface, start=start, end=end,
                          tolerance=tolerance, concept=counted, group=group),
        sentence=text[s:e],
        line=text.count("\n", 0, s) + 1,
        col=s - text.rfind("\n", 0, s),
        counted=counted,
        attribution=attribution,
        date=published,
        date_basis="published" if published else "none",
        outlet=outlet,
        published=published,
    )


def seed_flags() -> list[Flag]:
    first_phase = claim(AXIOS, "35 to 40", 35, 40, "range", attribution="a senior U.S. official")
    categorical = claim(BLOOMBERG, "all the women, children and elderly", None, None,
                        "categorical", group="women, children and elderly",
                        attribution="one official briefed on the talks")
    six_weeks = claim(AXIOS, "six-week", 42, 42, "approx", "day", tolerance=3.5,
                      counted="ceasefire")
    days_45 = claim(BLOOMBERG, "45-day", 45, 45, "exact", "day", counted="pause",
                    attribution="one official briefed on the talks")
    held_136 = claim(JPOST, "136", 136, 136, "exact")
    held_132 = claim(UNDATED, "132", 132, 132, "exact", attribution="Officials")
    taken_240 = claim(BLOOMBERG, "some 240", 240, 240, "approx", tolerance=12)
    killed_26k = claim(BLOOMBERG, "more than 26,000", 26000, INF, "lower", counted="people",
                       attribution="the health ministry run by Hamas")
    killed_11k = claim(CNN_NOV, "more than 11,000", 11000, INF, "lower", counted="Palestinians",
                       attribution="the Palestinian Ministry of Health in Ramallah")
    handful = claim(CNN_NOV, "a handful", 2, 5, "vague")
    return [
        Flag("Q201", "medium", "hostages-released-first-phase", [first_phase, categorical],
             "Axios gives 35 to 40 hostages; Bloomberg gives all the women, children and "
             "elderly: a number against a group, judge whether the scopes match.",
             rule="scope-mismatch"),
        Flag("Q101", "high", "pause-length", [six_weeks, days_45],
             "six-week ceasefire (42 days ± 3.5) vs 45-day pause: 3 days apart, outside "
             "the tolerance of the wording.", rule="numeric-conflict"),
        Flag("Q101", "medium", "hostages-held", [held_136, held_132],
             "136 hostages held (2024-02-11) vs 132 (undated source): compare with care.",
             rule="numeric-conflict"),
        Flag("Q301", "low", "people-killed-gaza", [killed_26k, killed_11k],
             "Death tolls attributed to different authorities: the health ministry run by "
             "Hamas vs the Palestinian Ministry of Health in Ramallah.",
             rule="attribution-differs"),
        Flag("Q401", "low", "hostages-taken", [taken_240, handful],
             "some 240 hostages taken vs a handful released: different events?",
             rule="vague-figure"),
    ]


# -- helpers -------------------------------------------------------------------


def run(make_app: Callable[[], ReviewApp], scenario: Callable[[Any, ReviewApp], Awaitable[None]],
        size: tuple[int, int] = SIZE) -> ReviewApp:
    """Run `scenario(pilot, app)` against a fresh app, headless."""
    app = make_app()

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot, app)

    asyncio.run(main())
    return app


async def plotted(pilot, app: ReviewApp, flag_index: int) -> MetricTimeline:
    """Wait until the timeline shows `flag_index` (it waits for the cursor to
    rest, so a held j is not slowed down by plotting)."""
    timeline = app.screen.query_one(MetricTimeline)
    for _ in range(100):
        if timeline.shown_for == flag_index:
            break
        await pilot.pause(0.05)
    assert timeline.shown_for == flag_index
    return timeline


def ledger_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def rendered(widget: Widget) -> str:
    """The text a widget (or, for a container, its leaf widgets) shows right now."""
    leaves = [w for w in widget.walk_children(with_self=True) if not w.children and w.display]
    lines = []
    for leaf in leaves:
        width, height = leaf.size
        lines += [strip.text for strip in leaf.render_lines(Region(0, 0, width, height))]
    return "\n".join(lines)


def status_line(app: ReviewApp) -> str:
    return app.screen.query_one(StatusBar).content.plain


def table(app: ReviewApp) -> FlagList:
    return app.screen.query_one(FlagList)


def current_flag(app: ReviewApp) -> Flag:
    return app.flags[table(app).flag_at_cursor()]


def row_status(app: ReviewApp, flag_index: int) -> str:
    t = table(app)
    return t.get_row_at(t.shown.index(flag_index))[-1].plain


@pytest.fixture
def flags() -> list[Flag]:
    return seed_flags()


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "reports" / "decisions.jsonl"


@pytest.fixture
def make_app(flags, ledger_path):
    def make(fl: list[Flag] | None = None, reviewer: str = "ann") -> ReviewApp:
        return ReviewApp(fl if fl is not None else flags, Ledger(ledger_path), reviewer,
                         article_text=source_text)
    return make


# -- decisions -----------------------------------------------------------------


@pytest.mark.parametrize("key,status", [("c", "confirmed"), ("d", "dismissed"), ("f", "follow-up")])
def test_decision_key_writes_ledger_line_and_advances(make_app, flags, ledger_path, key, status):
    seen = {}

    async def scenario(pilot, app):
        first = current_flag(app)
        await pilot.press(key)
        # Written before the handler returned: the file has it without any pause.
        seen["lines"] = ledger_lines(ledger_path)
        await pilot.pause()
        seen["first"] = first
        seen["now"] = current_flag(app)
        seen["row"] = row_status(app, 0)
        seen["progress"] = status_line(app)

    run(make_app, scenario)
    (line,) = seen["lines"]
    assert line["flag_id"] == flags[0].id
    assert line["status"] == status
    assert line["reviewer"] == "ann"
    assert line["evidence_hash"] == flags[0].evidence_hash
    assert seen["now"].id == flags[1].id  # advanced to the next flag
    assert seen["row"] == status
    assert "1 of 5 decided" in seen["progress"]


@pytest.mark.parametrize("key,side", [("A", 0), ("B", 1)])
def test_confirm_with_the_wrong_side_named(make_app, flags, ledger_path, key, side):
    async def scenario(pilot, app):
        await pilot.press(key)
        await pilot.pause()

    run(make_app, scenario)
    (line,) = ledger_lines(ledger_path)
    assert (line["flag_id"], line["status"], line["wrong"]) == (flags[0].id, "confirmed", flags[0].claims[side].id)
    assert Ledger(ledger_path).latest()[flags[0].id].wrong == flags[0].claims[side].id


def test_progress_counts_decided_flags(make_app):
    seen = []

    async def scenario(pilot, app):
        seen.append(status_line(app))
        await pilot.press("c", "d")
        seen.append(status_line(app))
        await pilot.press("k", "f")  # re-decide the same flag: still 2 decided
        seen.append(status_line(app))

    run(make_app, scenario)
    assert seen[0].startswith("0 of 5 decided")
    assert seen[1].startswith("2 of 5 decided")
    assert seen[2].startswith("2 of 5 decided")


def test_note_writes_note_keeping_status(make_app, flags, ledger_path):
    seen = {}

    async def scenario(pilot, app):
        await pilot.press("n")
        await pilot.pause()
        seen["modal"] = isinstance(app.screen, NoteModal)
        await pilot.press(*"check wire copy")
        await pilot.press("enter")
        seen["lines"] = ledger_lines(ledger_path)
        await pilot.pause()
        seen["back"] = isinstance(app.screen, ReviewScreen)
        seen["history"] = rendered(app.screen.query_one("#flag-history"))
        # A note on a decided flag keeps its status.
        await pilot.press("c", "k", "n", *"sure", "enter")
        seen["lines2"] = ledger_lines(ledger_path)

    run(make_app, scenario)
    assert seen["modal"] and seen["back"]
    (line,) = seen["lines"]
    assert (line["flag_id"], line["kind"], line["status"], line["note"]) == (flags[0].id, "note", "open", "check wire copy")
    assert "check wire copy" in seen["history"]
    assert [(d["kind"], d["status"], d["note"]) for d in seen["lines2"][1:]] == [
        ("decision", "confirmed", ""), ("note", "confirmed", "sure")]
    # after a restart: the verdict in force, and the latest note (neither overwrites the other)
    led = Ledger(ledger_path)
    assert (led.latest()[flags[0].id].status, led.latest()[flags[0].id].note) == ("confirmed", "")
    assert led.latest_notes()[flags[0].id].note == "sure"
    assert [d.kind for d in led.history(flags[0].id)] == ["note", "decision", "note"]


def test_note_escape_writes_nothing(make_app, ledger_path):
    async def scenario(pilot, app):
        await pilot.press("n", *"abc", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)

    run(make_app, scenario)
    assert ledger_lines(ledger_path) == []


def test_undo_restores_previous_status_and_goes_back(make_app, flags, ledger_path):
    seen = {}

    async def scenario(pilot, app):
        await pilot.press("c", "d")  # flag 0 confirmed, flag 1 dismissed, cursor on flag 2
        await pilot.press("u")
        await pilot.pause()
        seen["after_one"] = (current_flag(app).id, row_status(app, 1), status_line(app))
        await pilot.press("u")
        await pilot.pause()
        seen["after_two"] = (current_flag(app).id, row_status(app, 0), status_line(app))

    run(make_app, scenario)
    lines = ledger_lines(ledger_path)
    assert [(d["flag_id"], d["kind"], d["status"], d["note"]) for d in lines] == [
        (flags[0].id, "decision", "confirmed", ""),
        (flags[1].id, "decision", "dismissed", ""),
        (flags[1].id, "undo", "open", ""),  # an undo is its own kind of line, not a note
        (flags[0].id, "undo", "open", ""),
    ]
    assert lines[2]["undoes"] == lines[1]["id"] and lines[3]["undoes"] == lines[0]["id"]
    assert seen["after_one"][:2] == (flags[1].id, "open")
    assert seen["after_one"][2].startswith("1 of 5 decided")
    assert seen["after_two"][:2] == (flags[0].id, "open")
    assert seen["after_two"][2].startswith("0 of 5 decided")


def test_undo_after_restart_undoes_highlighted_flag(make_app, flags, ledger_path):
    Ledger(ledger_path).decide(flags[0].id, "confirmed", "bob", evidence_hash=flags[0].evidence_hash)

    async def scenario(pilot, app):
        await pilot.press("u")
        await pilot.pause()

    run(make_app, scenario)
    assert ledger_lines(ledger_path)[-1]["status"] == "open"


# -- navigation, filters, search -----------------------------------------------


def test_j_k_and_arrows_move(make_app, flags):
    seen = []

    async def scenario(pilot, app):
        await pilot.press("j")
        seen.append(current_flag(app).id)
        await pilot.press("j", "j")
        seen.append(current_flag(app).id)
        await pilot.press("k")
        seen.append(current_flag(app).id)
        await pilot.press("down")
        seen.append(current_flag(app).id)
        await pilot.press("up", "up", "up", "up", "k")  # stops at the top
        seen.append(current_flag(app).id)

    run(make_app, scenario)
    assert seen == [flags[1].id, flags[3].id, flags[2].id, flags[3].id, flags[0].id]


def test_detail_follows_cursor(make_app):
    seen = []

    async def scenario(pilot, app):
        seen.append(rendered(app.screen.query_one("#flag-head")))
        await pilot.press("j")
        await pilot.pause()
        seen.append(rendered(app.screen.query_one("#flag-head")))

    run(make_app, scenario)
    assert "hostages-released-first-phase" in seen[0]
    assert "pause-length" in seen[1]


def test_status_filter_cycles(make_app):
    seen = []

    async def scenario(pilot, app):
        await pilot.press("c")  # flag 0 confirmed
        await pilot.press("s")  # open
        seen.append((len(table(app).shown), status_line(app)))
        await pilot.press("s")  # confirmed
        seen.append((len(table(app).shown), status_line(app)))
        await pilot.press("s", "s", "s", "s")  # dismissed, follow-up, changed, all
        seen.append((len(table(app).shown), status_line(app)))

    run(make_app, scenario)
    assert seen[0][0] == 4 and "status open" in seen[0][1]
    assert seen[1][0] == 1 and "status confirmed" in seen[1][1]
    assert seen[2][0] == 5 and "status all" in seen[2][1]


def test_severity_and_code_filters(make_app, flags):
    seen = []

    async def scenario(pilot, app):
        await pilot.press("v")  # high
        seen.append([app.flags[i].severity for i in table(app).shown])
        await pilot.press("v")  # medium
        seen.append([app.flags[i].severity for i in table(app).shown])
        await pilot.press("v", "v")  # low, all
        await pilot.press("o")  # first code: Q101
        seen.append([app.flags[i].code for i in table(app).shown])
        await pilot.press("escape")
        seen.append(len(table(app).shown))

    run(make_app, scenario)
    assert seen[0] == ["high"]
    assert seen[1] == ["medium", "medium"]
    assert seen[2] == ["Q101", "Q101"]
    assert seen[3] == len(flags)


def test_search_filters_by_quote_and_outlet(make_app, flags):
    seen = {}

    async def scenario(pilot, app):
        await pilot.press("slash")
        await pilot.pause()
        seen["focused"] = isinstance(app.focused, SearchBar)
        await pilot.press(*"elderly", "enter")  # typed keys must not decide anything
        await pilot.pause()
        seen["elderly"] = [app.flags[i].id for i in table(app).shown]
        seen["status"] = status_line(app)
        await pilot.press("slash", *"ramallah", "enter")  # replaces the query
        seen["ramallah"] = [app.flags[i].id for i in table(app).shown]
        await pilot.press("slash", *"jerusalem", "enter")  # an outlet
        seen["jerusalem"] = [app.flags[i].id for i in table(app).shown]
        await pilot.press("slash", *"nothing matches this", "enter")
        await pilot.pause()
        seen["none"] = len(table(app).shown)
        seen["empty_detail"] = rendered(app.screen.query_one("#flag-head"))
        await pilot.press("escape")
        seen["all"] = len(table(app).shown)

    run(make_app, scenario)
    assert seen["focused"]
    assert seen["elderly"] == [flags[0].id, flags[1].id]  # both quote Bloomberg's sentence
    assert "search elderly" in seen["status"]
    assert seen["ramallah"] == [flags[3].id]
    assert seen["jerusalem"] == [flags[2].id]
    assert seen["none"] == 0
    assert "No flags match" in seen["empty_detail"]
    assert seen["all"] == len(flags)


def test_typing_in_search_does_not_decide(make_app, ledger_path):
    async def scenario(pilot, app):
        await pilot.press("slash", *"cdfnu", "escape")
        await pilot.pause()

    run(make_app, scenario)
    assert ledger_lines(ledger_path) == []


# -- other screens ------------------------------------------------------------------


def test_article_view_shows_claim_in_context(make_app):
    seen = {}

    async def scenario(pilot, app):
        await pilot.press("j", "b")  # pause-length flag, claim B = Bloomberg's 45-day pause
        await pilot.pause()
        screen = app.screen
        seen["is_article"] = isinstance(screen, ArticleScreen)
        focus = screen.query_one("#article-focus", Static)
        seen["focus"] = focus.content.plain
        seen["spans"] = [(focus.content.plain[s.start:s.end], str(s.style)) for s in focus.content.spans]
        seen["visible"] = focus.region.overlaps(screen.query_one("#article-body").region)
        seen["title"] = rendered(screen.query_one("#article-title"))
        await pilot.press("escape")
        await pilot.pause()
        seen["back"] = isinstance(app.screen, ReviewScreen)
        await pilot.press("a")
        await pilot.pause()
        seen["a_focus"] = app.screen.query_one("#article-focus", Static).content.plain

    run(make_app, scenario)
    assert seen["is_article"] and seen["back"]
    assert "45-day pause" in seen["focus"]
    assert ("45-day", "bold reverse") in seen["spans"]
    assert seen["visible"]
    assert "Bloomberg" in seen["title"] and "0 of 5 decided" in seen["title"]
    assert "six-week ceasefire" in seen["a_focus"]


def test_article_view_without_text(flags, ledger_path):
    seen = {}

    async def scenario(pilot, app):
        await pilot.press("a")
        await pilot.pause()
        seen["text"] = rendered(app.screen.query_one("#article-body"))

    run(lambda: ReviewApp(flags, Ledger(ledger_path), "ann"), scenario)
    assert "Full text not available" in seen["text"]
    assert "35 to 40" in seen["text"]


def test_help_opens_and_closes(make_app):
    seen = []

    async def scenario(pilot, app):
        await pilot.press("question_mark")
        await pilot.pause()
        seen.append(isinstance(app.screen, HelpScreen))
        seen.append(" ".join(rendered(w) for w in app.screen.query(Static)))
        await pilot.press("escape")
        await pilot.pause()
        seen.append(isinstance(app.screen, ReviewScreen))

    run(make_app, scenario)
    assert seen[0] and seen[2]
    assert "follow-up" in seen[1] and "undo" in seen[1]


def test_q_quits(make_app):
    async def scenario(pilot, app):
        await pilot.press("q")
        await pilot.pause()

    app = run(make_app, scenario)
    assert app.return_code == 0
    assert not app.is_running


def test_footer_shows_decision_keys(make_app):
    seen = {}

    async def scenario(pilot, app):
        seen["shown"] = {key for key, active in app.active_bindings.items() if active.binding.show}
        seen["footer"] = rendered(app.screen.query_one("Footer"))

    run(make_app, scenario)
    assert {"c", "d", "f", "n", "u", "j", "k", "s", "v", "o", "slash", "a", "b",
            "question_mark", "q"} <= seen["shown"]
    for label in ("Confirm", "Dismiss", "Follow-up", "Note", "Undo", "Help", "Quit"):
        assert label in seen["footer"]


# -- small terminals ---------------------------------------------------------------


def layout_facts(app: ReviewApp) -> dict:
    screen = app.screen
    footer = screen.query_one("Footer")
    return {
        "columns": [c.label.plain for c in table(app).columns.values()],
        "list_width": table(app).outer_size.width,
        "footer": rendered(footer),
        "footer_y": footer.region.y,
        "status": rendered(screen.query_one(StatusBar)),
        "detail": screen.query_one("#detail").region,
        "timeline": screen.query_one(MetricTimeline).region,
        "header": screen.query_one("Header").display,
    }


@pytest.mark.parametrize("size,columns", [
    ((80, 24), ["Sev", "Metric", "Status"]),
    ((100, 30), ["Sev", "Code", "Metric", "Status"]),
    ((140, 40), ["Sev", "Code", "Metric", "Outlets", "Status"]),
])
def test_layout_fits_the_terminal(make_app, size, columns):
    """The list gives up columns as the terminal narrows; the detail keeps room;
    the footer stays on the last line with the decision keys, help and quit."""
    seen = {}

    async def scenario(pilot, app):
        await pilot.pause()
        seen.update(layout_facts(app))

    run(make_app, scenario, size=size)
    width, height = size
    assert seen["columns"] == columns
    assert seen["list_width"] <= width * 0.51
    assert seen["detail"].width >= 40 and seen["detail"].height >= 8
    assert seen["footer_y"] == height - 1
    for label in ("Confirm", "Dismiss", "Follow-up", "Help", "Quit"):
        assert label in seen["footer"], (label, seen["footer"])
    assert "0 of 5 decided" in seen["status"] and "ann" in seen["status"]  # nothing cut off
    assert seen["header"] == (height >= 30)
    assert seen["timeline"].height == (8 if height < 30 else 12)


def test_layout_follows_a_resize(make_app):
    seen = []

    async def scenario(pilot, app):
        await pilot.press("j", "j")
        seen.append((layout_facts(app)["columns"], current_flag(app).id))
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        seen.append((layout_facts(app)["columns"], current_flag(app).id))
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        seen.append((layout_facts(app)["columns"], current_flag(app).id))

    run(make_app, scenario)
    assert [cols for cols, _ in seen] == [["Sev", "Code", "Metric", "Outlets", "Status"],
                                          ["Sev", "Metric", "Status"],
                                          ["Sev", "Code", "Metric", "Outlets", "Status"]]
    assert len({flag for _, flag in seen}) == 1  # the cursor stays on its flag


def test_detail_pane_scrolls_from_the_keyboard(make_app):
    """At 80x24 the detail does not fit: space / pgdn / pgup scroll it while the
    list keeps the focus and its cursor."""
    seen = {}

    async def scenario(pilot, app):
        await pilot.pause()
        detail = app.screen.query_one("#detail")
        seen["max"] = detail.max_scroll_y
        await pilot.press("space")
        await pilot.pause()
        seen["space"] = detail.scroll_y
        await pilot.press("pagedown")
        await pilot.pause()
        seen["pagedown"] = detail.scroll_y
        await pilot.press("pageup", "pageup")
        await pilot.pause()
        seen["pageup"] = detail.scroll_y
        for _ in range(10):
            await pilot.press("space")
        await pilot.pause()
        seen["end"] = detail.scroll_y
        seen["cursor"] = current_flag(app).id
        seen["focused"] = app.focused is table(app)

    app = run(make_app, scenario, size=(80, 24))
    assert seen["max"] > 0
    assert 0 < seen["space"] < seen["pagedown"] <= seen["max"]
    assert seen["pageup"] == 0
    assert seen["end"] == seen["max"]
    assert seen["cursor"] == app.flags[0].id and seen["focused"]


def test_narrow_detail_stacks_the_claims(make_app):
    """Side by side, two claims in a 45-column pane are 20 columns each: stack them."""
    seen = {}

    async def scenario(pilot, app):
        await pilot.pause()
        seen["narrow"] = rendered(app.screen.query_one("#flag-claims"))
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        seen["wide"] = rendered(app.screen.query_one("#flag-claims"))

    run(make_app, scenario, size=(80, 24))

    def row_of(text: str, label: str) -> int:
        return next(n for n, line in enumerate(text.splitlines()) if f" {label} " in line)

    assert row_of(seen["narrow"], "B") > row_of(seen["narrow"], "A")  # B under A
    assert row_of(seen["wide"], "B") == row_of(seen["wide"], "A")  # side by side


def test_empty_filter_says_so_and_hides_the_plot(make_app):
    seen = {}

    async def scenario(pilot, app):
        await pilot.press("s", "s")  # status confirmed: nothing is confirmed yet
        await pilot.pause()
        seen["head"] = rendered(app.screen.query_one("#flag-head"))
        seen["plot"] = app.screen.query_one(MetricTimeline).display
        await pilot.press("escape")
        await pilot.pause()
        seen["plot_after"] = app.screen.query_one(MetricTimeline).display

    run(make_app, scenario, size=(80, 24))
    assert "No flags match the filters (status confirmed)" in " ".join(seen["head"].split())
    assert seen["plot"] is False and seen["plot_after"] is True


def test_all_decided_when_the_last_flag_is_decided(make_app, flags):
    seen = {"notes": []}

    async def scenario(pilot, app):
        await pilot.press("j", "c", "c", "c")  # flags 1-3; the cursor is on the last row
        await pilot.press("c")  # flag 4: the last row; flag 0 is still open
        await pilot.pause()
        seen["wrapped"] = current_flag(app).id
        seen["before"] = status_line(app)
        await pilot.press("d")  # flag 0: the last open flag
        await pilot.pause()
        seen["after"] = status_line(app)

    def make():
        app = make_app()
        notify = app.notify
        app.notify = lambda message, **kw: (seen["notes"].append((kw.get("title"), message)),
                                            notify(message, **kw))
        return app

    run(make, scenario, size=(80, 24))
    assert seen["wrapped"] == flags[0].id  # back to the first open flag
    assert "All decided" not in seen["before"]
    assert "All decided" in seen["after"] and seen["after"].startswith("5 of 5 decided")
    assert [title for title, _ in seen["notes"]] == ["All decided"]


# -- persistence and changed evidence -----------------------------------------------


def test_decisions_survive_restart(make_app, flags, ledger_path):
    async def decide(pilot, app):
        await pilot.press("c", "f", "q")

    run(make_app, decide)
    seen = {}

    async def reopen(pilot, app):
        seen["progress"] = status_line(app)
        seen["rows"] = [row_status(app, i) for i in range(len(flags))]
        seen["history"] = rendered(app.screen.query_one("#flag-history"))

    run(make_app, reopen)
    assert seen["progress"].startswith("2 of 5 decided")
    assert seen["rows"] == ["confirmed", "follow-up", "open", "open", "open"]
    assert "confirmed" in seen["history"] and "ann" in seen["history"]


def test_changed_evidence_is_marked(make_app, flags, ledger_path):
    Ledger(ledger_path).decide(flags[1].id, "confirmed", "bob", evidence_hash="0" * 16)
    seen = {}

    async def scenario(pilot, app):
        await pilot.press("j")
        await pilot.pause()
        seen["row"] = row_status(app, 1)
        seen["head"] = rendered(app.screen.query_one("#flag-head"))
        seen["status"] = status_line(app)
        await pilot.press("n", *"seen", "enter")  # a note is not a new verdict
        await pilot.pause()
        seen["row_after_note"] = row_status(app, 1)
        await pilot.press("s", "s", "s", "s", "s")  # status filter: changed
        seen["changed_rows"] = list(table(app).shown)
        await pilot.press("escape", "c")  # re-confirm on the new evidence
        await pilot.pause()
        seen["row_after"] = row_status(app, 1)
        seen["status_after"] = status_line(app)

    run(make_app, scenario)
    assert seen["row"] == "confirmed*"
    assert "Evidence changed" in seen["head"] and "bob" in seen["head"]
    assert "1 changed" in seen["status"]
    assert seen["row_after_note"] == "confirmed*"
    assert seen["changed_rows"] == [1]
    assert seen["row_after"] == "confirmed"
    assert "changed" not in seen["status_after"]
    assert ledger_lines(ledger_path)[-1]["evidence_hash"] == flags[1].evidence_hash


# -- untrusted text --------------------------------------------------------------------


def markup_flags() -> list[Flag]:
    evil = "Officials said [bold]x[/bold] and [link=http://evil]y[/link] hostages, 12 in all."
    q = Quantity(12, 12, "exact", surface="12", start=evil.index("12"), end=evil.index("12") + 2)
    a = Claim("evil.txt", q, evil, 1, 1, outlet="[red]Evil[/red] Times",
              attribution="[i]nobody[/i]", date="2024-01-01", published="2024-01-01")
    q2 = Quantity(13, 13, "exact", surface="13", start=0, end=2)
    b = Claim("ok.txt", q2, "13 hostages, said [b]officials[/b].", 1, 1, outlet="Fine News",
              date="2024-01-02", published="2024-01-02")
    return [Flag("Q101", "high", "[blink]metric[/blink]", [a, b], "12 vs 13 [u]hostages[/u]")]


def test_markup_in_sources_is_shown_literally(ledger_path):
    seen = {}
    flags = markup_flags()
    texts = {"evil.txt": flags[0].claims[0].sentence}

    async def scenario(pilot, app):
        await pilot.pause()
        seen["claims"] = rendered(app.screen.query_one("#flag-claims"))
        seen["head"] = rendered(app.screen.query_one("#flag-head"))
        seen["row"] = [cell.plain for cell in table(app).get_row_at(0)]
        seen["row_text"] = rendered(table(app))
        await pilot.press("a")
        await pilot.pause()
        seen["article"] = rendered(app.screen.query_one("#article-body"))
        seen["article_title"] = rendered(app.screen.query_one("#article-title"))

    run(lambda: ReviewApp(flags, Ledger(ledger_path), "[b]rev[/b]",
                          article_text=texts.get), scenario, size=(200, 50))
    claims = seen["claims"]
    assert "[bold]x[/bold]" in claims
    assert "[link=http://evil]y[/link]" in claims
    assert "[red]Evil[/red] Times" in claims
    assert "[i]nobody[/i]" in claims
    assert "[b]officials[/b]" in claims
    assert "[blink]metric[/blink]" in seen["head"] and "[u]hostages[/u]" in seen["head"]
    assert seen["row"][2:4] == ["[blink]metric[/blink]", "[red]Evil[/red] Times, Fine News"]
    assert "[blink]metric[/" in seen["row_text"] and "[red]Evil[/" in seen["row_text"]  # cropped
    assert "[bold]x[/bold]" in seen["article"]
    assert "[red]Evil[/red] Times" in seen["article_title"]


def test_control_characters_are_neutralised(ledger_path):
    """Rich keeps markup literal but passes ESC through to the terminal."""
    sentence = "Officials said \x1b[31m12\x1b]8;;http://evil\x07 hostages\u202e were held."
    q = Quantity(12, 12, "exact", surface="12", start=sentence.index("12"),
                 end=sentence.index("12") + 2)
    a = Claim("esc.txt", q, sentence, 1, 1, outlet="Out\x1b[2Jlet", date="2024-01-01")
    b = Claim("ok.txt", Quantity(13, 13, "exact", surface="13"), "13 were held.", 1, 1,
              outlet="Fine", date="2024-01-02")
    flags = [Flag("Q101", "high", "held\x1b[5m", [a, b], "12 vs 13\x1b[0m")]
    seen = {}

    async def scenario(pilot, app):
        screen = app.screen
        seen["segments"] = [seg.text for w in (screen.query_one("#flag-claims"),
                                               screen.query_one("#flag-head"), table(app))
                            for strip in w.render_lines(Region(0, 0, *w.size)) for seg in strip]
        seen["claims"] = rendered(screen.query_one("#flag-claims"))
        await pilot.press("a")
        await pilot.pause()
        focus = app.screen.query_one("#article-focus", Static).content
        seen["article"] = focus.plain
        seen["marked"] = [focus.plain[s.start:s.end] for s in focus.spans if "reverse" in str(s.style)]

    run(lambda: ReviewApp(flags, Ledger(ledger_path), "ann", article_text={"esc.txt": sentence}.get),
        scenario)
    assert not any("\x1b" in text or "\u202e" in text for text in seen["segments"])
    assert "␛[31m12␛]8;;http://evil" in seen["claims"]
    assert "\x1b" not in seen["article"] and "␛[31m" in seen["article"]
    assert seen["marked"] == ["12"]  # offsets still line up after cleaning


def test_no_flags(ledger_path):
    seen = {}

    async def scenario(pilot, app):
        await pilot.press("c", "d", "f", "n", "u", "j", "a", "s")
        await pilot.pause()
        seen["status"] = status_line(app)
        seen["head"] = rendered(app.screen.query_one("#flag-head"))
        seen["screen"] = type(app.screen)

    run(lambda: ReviewApp([], Ledger(ledger_path), "ann"), scenario)
    assert seen["status"].startswith("0 of 0 decided")
    assert "No flags" in seen["head"]
    assert seen["screen"] is ReviewScreen
    assert ledger_lines(ledger_path) == []


def test_failed_write_is_reported_and_not_shown_as_decided(flags, tmp_path):
    from checker.ledger import LedgerLockError

    class LockedLedger(Ledger):
        def append(self, decision):
            raise LedgerLockError("decisions.jsonl: could not lock")

    seen = {}

    async def scenario(pilot, app):
        await pilot.press("c")
        await pilot.pause()
        seen["row"] = row_status(app, 0)
        seen["current"] = current_flag(app).id
        seen["status"] = status_line(app)

    def make() -> ReviewApp:
        app = ReviewApp(flags, LockedLedger(tmp_path / "d.jsonl"), "ann")
        notify = app.notify

        def record(message, **kwargs):
            seen.setdefault("notes", []).append(message)
            notify(message, **kwargs)

        app.notify = record
        return app

    run(make, scenario)
    assert seen["row"] == "open" and seen["current"] == flags[0].id  # did not advance
    assert seen["status"].startswith("0 of 5 decided")
    assert any("Not saved" in m and "could not lock" in m for m in seen["notes"])


# -- timeline -----------------------------------------------------------------------------


def test_timeline_plots_metric_claims_and_counts_undated(make_app, flags):
    seen = {}

    async def scenario(pilot, app):
        seen["first"] = (await plotted(pilot, app, 0)).summary
        await pilot.press("j", "j")  # hostages-held: 136 (dated) vs 132 (undated)
        seen["held"] = (await plotted(pilot, app, 2)).summary
        await pilot.press("k")
        timeline = await plotted(pilot, app, 1)
        seen["pause"] = timeline.summary
        seen["pause_ticks"] = timeline.yticks
        seen["pause_points"] = app.state.timeline(1).points

    run(make_app, scenario)
    assert seen["first"].startswith("hostages-released-first-phase [hostage] (1 not numeric)")
    assert "1 undated" in seen["held"]
    assert seen["pause"].startswith("pause-length [day]")  # the unit is on the axis
    assert sorted(p.low for p in seen["pause_points"]) == [42, 45]
    assert seen["pause_ticks"] == [42, 45]  # ticks at the plotted values, readable off the axis


def test_timeline_dedupes_claims_across_flags(flags, ledger_path):
    a, b = flags[1].claims
    extra = Flag("Q999", "low", "pause-length", [a, b], "same claims, another rule")
    app = ReviewApp([*flags, extra], Ledger(ledger_path), "ann")
    assert len(app.state.timeline(1).points) == 2


def pause_figure(source: str, low: float, high: float, day: str, unit: str = "day",
                 kind: str = "exact", scale: float = 1.0) -> Claim:
    """An invented figure for the pause length, as a stored claim would be."""
    surface = f"{low:g}"
    return Claim(source, Quantity(low, high, kind, unit=unit, surface=surface, start=0, end=len(surface),
                                  concept="pause", scale=scale),
                 f"{surface} days of pause were proposed.", 1, 1, counted="pause", date=day,
                 outlet=source.split(".")[0].title(), published=day)


def test_timeline_shows_every_figure_of_the_fact_not_only_flagged_ones(flags, ledger_path):
    """Figures of the same fact that no flag names (they agree with someone)
    are plotted too, in the axis unit; a figure in another unit is counted."""
    others = [pause_figure("east.txt", 42, 42, "2024-02-05"), pause_figure("west.txt", 40, 50, "2024-02-07",
                                                                           kind="range"),
              pause_figure("north.txt", 6, 6, "2024-02-08", unit="percentage")]
    asked = []

    def figures(flag):
        asked.append(flag.metric)
        return others if flag.metric == "pause-length" else []

    seen = {}

    async def scenario(pilot, app):
        await pilot.press("j")
        timeline = await plotted(pilot, app, 1)
        seen["summary"] = timeline.summary
        seen["ticks"] = timeline.yticks

    app = run(lambda: ReviewApp(flags, Ledger(ledger_path), "ann", figures=figures), scenario)
    points = app.state.timeline(1).points
    mine = {c.id for c in flags[1].claims}
    assert len(points) == 4 and mine <= {p.claim_id for p in points}  # 2 flagged + 2 others
    assert sorted((p.low, p.high) for p in points) == [(40, 50), (42, 42), (42, 42), (45, 45)]
    assert "1 in another unit" in seen["summary"] and "others" in seen["summary"]
    assert seen["ticks"][0] == 40 and seen["ticks"][-1] == 50
    assert "pause-length" in asked


def test_timeline_survives_a_failing_figures_source(flags, ledger_path):
    def figures(flag):
        raise OSError("cache unreadable")

    notes = []

    async def scenario(pilot, app):
        await plotted(pilot, app, 0)
        await pilot.pause()

    def make():
        app = ReviewApp(flags, Ledger(ledger_path), "ann", figures=figures)
        notify = app.notify
        app.notify = lambda message, **kw: (notes.append(message), notify(message, **kw))
        return app

    app = run(make, scenario)
    assert len(app.state.timeline(0).points) == 1  # the flag's own dated figure
    assert any("cache unreadable" in n for n in notes)


def test_fact_figures_reads_stored_claims_of_the_flags_fact(tmp_path, nlp, seed_claims, seed_sources, pack):
    """The real pipeline's claims on the seeds plus one invented wire story that
    agrees with nobody in particular, stored as a scan stores them: the pause
    flag's timeline gets the wire's figure too, and nothing of other facts."""
    from checker.claims import extract
    from checker.config import load_config
    from checker.engine import compare, metric_of
    from checker.model import Source
    from checker.pipeline import extractor_key
    from checker.store import Store
    from checker.tui.figures import fact_figures

    wire = Source("wire/extra.txt", "wire/extra.txt",
                  "Mediators proposed a 40-day pause in the fighting, an official said.",
                  outlet="Wire Desk", published="2024-02-05")
    ((_, wire_claims),) = extract([wire], pack, nlp=nlp)
    assert [metric_of(c, pack) for c in wire_claims] == ["pause-length"]
    stored = dict(seed_claims, **{wire.id: wire_claims})
    sources = dict(seed_sources, **{wire.id: wire})
    (tmp_path / "checker.toml").write_text(f'sources = ["seeds"]\nrules = ["{REPO / "seeds" / "rules"}"]\n')
    cfg = load_config(tmp_path)
    store = Store(cfg.cache_path)
    for sid, claims in stored.items():
        store.put_source(sources[sid])
        store.put_claims(sid, sources[sid].content_hash, extractor_key(cfg), claims)
    store.commit()
    flags = compare([c for claims in seed_claims.values() for c in claims], pack)
    pause = next(f for f in flags if f.metric == "pause-length")
    got = fact_figures(store, pause, cfg)
    store.close()
    ids = [c.id for c in got]
    assert ids[:2] == [c.id for c in pause.claims]  # the flag's own first
    assert wire_claims[0].id in ids  # a figure no flag names
    everything = [c for claims in stored.values() for c in claims]
    assert set(ids) == {c.id for c in everything if metric_of(c, pack) == "pause-length"}
    assert len(ids) == len(set(ids))


# -- scale ----------------------------------------------------------------------------------


def many_flags(n: int) -> list[Flag]:
    flags = []
    for k in range(n):
        metric = f"metric-{k % 50}"
        day = 1 + k % 28
        qa = Quantity(k, k, "exact", surface=str(k), start=0, end=len(str(k)))
        qb = Quantity(k + 1, k + 1, "exact", surface=str(k + 1), start=0, end=len(str(k + 1)))
        ca = Claim(f"src/a{k}.txt", qa, f"{k} hostages were held.", 1, 1, outlet="Alpha",
                   date=f"2024-01-{day:02d}")
        cb = Claim(f"src/b{k}.txt", qb, f"{k + 1} hostages were held.", 1, 1, outlet="Beta",
                   date=f"2024-02-{day:02d}")
        flags.append(Flag(f"Q{k % 7}", ("low", "medium", "high")[k % 3], metric, [ca, cb],
                          f"{k} vs {k + 1}"))
    return flags


def test_ten_thousand_flags_open_and_scroll(ledger_path):
    flags = many_flags(10_000)
    Ledger(ledger_path).decide(flags[3].id, "dismissed", "ann", evidence_hash=flags[3].evidence_hash)
    seen = {}

    async def scenario(pilot, app):
        seen["rows"] = table(app).row_count
        seen["progress"] = status_line(app)
        for _ in range(50):
            await pilot.press("j")
        await pilot.pause()
        seen["current"] = current_flag(app).id
        seen["head"] = rendered(app.screen.query_one("#flag-head"))
        await pilot.press("c")
        seen["progress_after"] = status_line(app)

    run(lambda: ReviewApp(flags, Ledger(ledger_path), "ann"), scenario)
    assert seen["rows"] == PAGE  # a page of rows is held, not 10,000
    assert seen["progress"].startswith("1 of 10,000 decided")
    assert "flags 1–200 of 10,000" in seen["progress"]
    assert seen["current"] == flags[50].id
    assert "metric-0" in seen["head"]
    assert seen["progress_after"].startswith("2 of 10,000 decided")


# -- snapshot ---------------------------------------------------------------------------------


def test_snapshot_main_screen_seed_flags(snap_compare, tmp_path):
    """The main screen on the hand-built seed flags with an empty ledger (so no
    decision times appear), highlighted flag: the six-week vs 45-day pause."""
    app = ReviewApp(seed_flags(), Ledger(tmp_path / "decisions.jsonl"), "reviewer",
                    article_text=source_text)
    async def settle(pilot) -> None:
        await pilot.press("j")
        await plotted(pilot, pilot.app, 1)

    assert snap_compare(app, run_before=settle, terminal_size=SIZE)


def test_snapshot_main_screen_real_seed_corpus(snap_compare, tmp_path, seed_claims, seed_sources, pack):
    """The main screen on the flags the real pipeline raises on seeds/ (extract,
    align, compare), with an empty ledger: the first flag highlighted."""
    from checker.engine import compare

    flags = compare([c for claims in seed_claims.values() for c in claims], pack)
    assert [f.code for f in flags] == ["CK103", "CK102"]  # surest first: the story pack names both facts
    app = ReviewApp(flags, Ledger(tmp_path / "decisions.jsonl"), "reviewer",
                    article_text=lambda sid: seed_sources[sid].text if sid in seed_sources else None)

    async def settle(pilot) -> None:
        await pilot.pause()  # let the review screen mount before looking for its timeline
        await plotted(pilot, pilot.app, 0)

    assert snap_compare(app, run_before=settle, terminal_size=SIZE)


def test_history_names_each_kind_of_ledger_line():
    from checker.model import Decision
    from checker.tui.detail import history_text

    lines = [
        Decision("f", "open", "ann", note="ask the desk", time="2026-11-22T01:00:00.000000Z", kind="note"),
        Decision("f", "confirmed", "bob", time="2026-11-22T02:00:00.000000Z", wrong="c1"),
        Decision("f", "open", "cy", time="2026-11-22T03:00:00.000000Z", kind="undo", undoes="x"),
    ]
    rows = history_text(lines).plain.splitlines()[1:]
    assert "note" in rows[0] and "ask the desk" in rows[0] and "open" not in rows[0]
    assert "confirmed (one figure marked wrong)" in rows[1]
    assert "undo → open" in rows[2] and "undo" not in rows[2].split("→")[1]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_small_terminals(snap_compare, tmp_path, size):
    """The seed flags at 80x24 (list narrowed to severity, metric and status,
    claims stacked, short plot, no title bar) and 120x40 (code column back)."""
    app = ReviewApp(seed_flags(), Ledger(tmp_path / "decisions.jsonl"), "reviewer",
                    article_text=source_text)

    async def settle(pilot) -> None:
        await pilot.press("j")
        await plotted(pilot, pilot.app, 1)

    assert snap_compare(app, run_before=settle, terminal_size=size)


def test_head_credits_the_decision_and_not_an_open_flag(make_app, flags, ledger_path):
    """A decided flag says who decided it and when; an open flag (a note, or an
    undo back to open) names nobody in its status line."""
    ledger = Ledger(ledger_path)
    ledger.decide(flags[0].id, "confirmed", "bob", evidence_hash=flags[0].evidence_hash)
    ledger.decide(flags[1].id, "open", "carol", note="check the wire")
    seen = {}

    async def scenario(pilot, app):
        await pilot.pause()
        seen["decided"] = rendered(app.screen.query_one("#flag-head")).splitlines()[1]
        await pilot.press("j")
        await pilot.pause()
        seen["open"] = rendered(app.screen.query_one("#flag-head")).splitlines()[1]

    run(make_app, scenario)
    today = ledger.history(flags[0].id)[0].time[:10]
    assert f"status confirmed by bob on {today}" in seen["decided"]
    assert seen["open"].startswith("status open  ·  flag") and "carol" not in seen["open"]


def test_help_and_note_dialogs_fit_80x24(make_app):
    seen = {}

    async def scenario(pilot, app):
        await pilot.press("question_mark")
        await pilot.pause()
        dialog = app.screen.query_one("#help-dialog")
        seen["help"] = dialog.region
        await pilot.press("pagedown")
        await pilot.pause()
        seen["help_scrolled"] = dialog.scroll_y
        seen["help_text"] = rendered(dialog)
        await pilot.press("escape")
        await pilot.press("n")
        await pilot.pause()
        seen["note"] = app.screen.query_one("#note-dialog").region
        await pilot.press("escape")

    run(make_app, scenario, size=(80, 24))
    for name in ("help", "note"):
        region = seen[name]
        assert region.x >= 0 and region.right <= 80, (name, region)
    assert seen["help_scrolled"] > 0  # taller than 24 rows: it scrolls from the keyboard


def test_space_types_into_the_search_bar(make_app, flags):
    """Space scrolls the detail as a priority key of the screen; in the search
    bar it must still type a space."""
    seen = {}

    async def scenario(pilot, app):
        await pilot.press("slash", *"women", "space", *"children", "space", *"and", "enter")
        await pilot.pause()
        seen["query"] = app.screen.filters.search
        seen["shown"] = [app.flags[i].id for i in table(app).shown]

    run(make_app, scenario, size=(80, 24))
    assert seen["query"] == "women children and"
    assert seen["shown"] == [flags[0].id, flags[1].id]


def test_footer_fit_keeps_decisions_help_and_quit_first():
    from types import SimpleNamespace

    from checker.tui.key_footer import fit

    keys = [SimpleNamespace(key=k, key_display=d, description=t) for k, d, t in (
        ("c", "c", "Confirm"), ("j", "j", "Next"), ("s", "s", "Status"), ("question_mark", "?", "Help"),
        ("q", "q", "Quit"))]
    assert [k.key for k in fit(keys, 100)] == ["c", "j", "s", "question_mark", "q"]
    assert [k.key for k in fit(keys, 27)] == ["c", "question_mark", "q"]  # 10 + 7 + 7 cells
    assert fit(keys, 5) == []
