"""A small plot of every figure of the highlighted flag's fact over time.

Each claim of the fact (every stored figure the comparison groups with the
flag's claims, once per claim id) is a point at its date: a point figure is one
marker, a range is its two ends joined by a line, an open range ("more than
26,000") shows only its finite end. The y axis is labelled with the unit and
its ticks sit at the plotted values, so each point can be read off the axis.
Vague and categorical figures cannot be plotted; they and undated claims are
counted in the title. The highlighted flag's own claims are drawn in a second
colour.
"""
from __future__ import annotations

from datetime import date

from textual_plotext import PlotextPlot

from .safe import clean
from .state import ReviewState

MINE = ("orange", "●")
OTHERS = ("cyan", "•")
MAX_TICKS = 4


def fmt_value(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.3g}"


def value_ticks(values: list[float], rows: int) -> list[float]:
    """Distinct plotted values, thinned so no two share a row of the plot:
    the smallest and largest always, the others where they fit."""
    unique = sorted(set(values))
    if len(unique) <= 2:
        return unique
    lo, hi = unique[0], unique[-1]
    gap = (hi - lo) / max(rows - 1, 1) * 1.5
    kept = [lo]
    for v in unique[1:-1]:
        if v - kept[-1] >= gap and hi - v >= gap:
            kept.append(v)
    return kept + [hi]


def _printable(text: str) -> str:
    """Plotext output is parsed as ANSI: keep control characters out of titles."""
    return "".join(ch if ch.isprintable() else " " for ch in clean(text))


def _ticks(xs: list[int]) -> list[int]:
    unique = sorted(set(xs))
    if len(unique) <= MAX_TICKS:
        return unique
    step = (len(unique) - 1) / (MAX_TICKS - 1)
    return [unique[round(n * step)] for n in range(MAX_TICKS)]


class MetricTimeline(PlotextPlot):
    """The timeline for one metric; `shown_for` is the flag index plotted."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shown_for: int | None = None
        self.summary = ""  # plain-text description of what is plotted, for tests
        self.yticks: list[float] = []
        self._title = ""
        self._short_title = ""

    def clear(self) -> None:
        self.shown_for = None
        self.summary = ""
        self.yticks = []
        self._title = ""
        self._short_title = ""
        self.plt.clear_figure()
        self.refresh()

    def render(self):
        # Plotext drops a title wider than the plot area (the width less the
        # y-axis labels): fit it, with room for labels up to 10 characters.
        width = max(self.size.width - 12, 8)
        title = self._title
        if len(title) > width and self._short_title:
            title = self._short_title  # the metric is in the detail pane's head already
        if len(title) > width:
            title = title[: width - 1] + "…"
        self.plt.title(title)
        return super().render()

    def show(self, state: ReviewState, i: int) -> None:
        if self.shown_for == i:
            return
        self.shown_for = i
        flag = state.flags[i]
        timeline = state.timeline(i)
        mine = {c.id for c in flag.claims}
        plt = self.plt
        plt.clear_figure()

        extras = []
        if timeline.undated:
            extras.append(f"{timeline.undated} undated")
        if timeline.skipped:
            extras.append(f"{timeline.skipped} not numeric")
        if timeline.other_unit:
            extras.append(f"{timeline.other_unit} in another unit")
        title = flag.metric
        if timeline.unit:
            title += f" [{timeline.unit}]"
        if extras:
            title += " (" + ", ".join(extras) + ")"
        if timeline.points:
            legend = [f"{MINE[1]} this flag"]
            if any(p.claim_id not in mine for p in timeline.points):
                legend.append(f"{OTHERS[1]} others")
            if any(p.high is None for p in timeline.points):
                legend.append("▲ more than")
            if any(p.low is None for p in timeline.points):
                legend.append("▼ less than")
            title += ": " + " ".join(legend)
        else:
            title += ": no dated figures to plot"
        self._title = _printable(title)
        self._short_title = _printable(title[len(flag.metric):].lstrip(" :"))
        self.summary = title
        if not timeline.points:
            self.refresh()
            return

        series: dict[tuple[str, str], tuple[list[int], list[float]]] = {}
        for p in timeline.points:
            is_mine = p.claim_id in mine
            color, dot = MINE if is_mine else OTHERS
            if p.low is not None and p.high is not None:
                if p.low != p.high and is_mine:
                    plt.plot([p.x, p.x], [p.low, p.high], color=color, marker="│")
                ends = [(p.low, dot)] if p.low == p.high else [(p.low, dot), (p.high, dot)]
            elif p.low is not None:  # open above: "more than low"
                ends = [(p.low, "▲")]
            else:
                ends = [(p.high, "▼")]
            for value, marker in ends:
                xs, ys = series.setdefault((color, marker), ([], []))
                xs.append(p.x)
                ys.append(value)
        # Others first, so the flag's own markers are drawn over them.
        for (color, marker), (xs, ys) in sorted(series.items(), key=lambda kv: kv[0][0] == MINE[0]):
            plt.scatter(xs, ys, color=color, marker=marker)

        all_x = [p.x for p in timeline.points]
        all_y = [v for p in timeline.points for v in (p.low, p.high) if v is not None]
        lo_x, hi_x = min(all_x), max(all_x)
        pad_x = max(1, round((hi_x - lo_x) * 0.08))
        plt.xlim(lo_x - pad_x, hi_x + pad_x)
        lo_y, hi_y = min(all_y), max(all_y)
        pad_y = (hi_y - lo_y) * 0.15 or max(abs(hi_y) * 0.15, 1)
        plt.ylim(lo_y - pad_y, hi_y + pad_y)
        ticks = _ticks(all_x)
        plt.xticks(ticks, [date.fromordinal(x).isoformat() for x in ticks])
        rows = max(self.size.height - 4, 3)  # less the title, frame and x labels
        yticks = value_ticks(all_y, rows)
        self.yticks = yticks
        plt.yticks(yticks, [fmt_value(v) for v in yticks])
        if timeline.unit:
            plt.ylabel(_printable(timeline.unit))
        self.refresh()
