"""A phone-readable PNG: new members by ward, last week against the week before."""

from __future__ import annotations

import io

from bot.core.summary import WeeklySummary
from bot.core.text import natural_key
from bot.i18n import Translator
from bot.views.summary.text import file_week, week_label

MAX_BARS = 12
PNG = "image/png"


def chart_filename(summary: WeeklySummary) -> str:
    return f"tom-tat-{file_week(summary)}.png"


def chart_rows(summary: WeeklySummary) -> list[tuple[str, int, int]]:
    """(ward, last week, week before) for the wards with the most new members; the rest folded into one
    row ("…"), which the chart shows as a note under the bars."""
    rows = [
        (w.name, w.new_this_week, w.new_previous_week)
        for w in summary.wards
        if w.new_this_week or w.new_previous_week
    ]
    rows.sort(key=lambda r: (-r[1], -r[2], natural_key(r[0])))
    if len(rows) > MAX_BARS:
        rest = rows[MAX_BARS - 1 :]
        rows = rows[: MAX_BARS - 1] + [("…", sum(r[1] for r in rest), sum(r[2] for r in rest))]
    return rows


def others_note(t: Translator, summary: WeeklySummary) -> str | None:
    """The wards beyond the bars, summed in a line under the chart (None when every ward has its bar): as a
    bar, a city's 150 other wards would dwarf the dozen above them."""
    rows = chart_rows(summary)
    if not rows or rows[-1][0] != "…":
        return None
    _, this_week, before = rows[-1]
    others = sum(1 for w in summary.wards if w.new_this_week or w.new_previous_week) - (len(rows) - 1)
    return (
        t.gettext("{count} other wards together: {this_week} ({before} the week before)").format(
            count=t.number(others), this_week=t.number(this_week), before=t.number(before)
        )
        + "\n"
        + t.gettext("Every ward is in the workbook.")
    )


def render_chart(t: Translator, summary: WeeklySummary) -> bytes | None:
    """PNG bytes, or None when no ward had new members in either week.

    matplotlib is imported here, not at module level, to keep the idle bot small.
    """
    rows = chart_rows(summary)
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    if rows[-1][0] == "…":
        rows.pop()
    labels = [name for name, _, _ in rows][::-1]
    this_week = [r[1] for r in rows][::-1]
    previous = [r[2] for r in rows][::-1]
    height = 2.0 + 0.6 * len(rows)
    figure = Figure(figsize=(6.4, height), dpi=150)
    axes = figure.subplots()
    positions = range(len(rows))
    bar = 0.38
    axes.barh(
        [p + bar / 2 for p in positions],
        this_week,
        height=bar,
        color="#1f77b4",
        label=week_label(t, summary.week),
    )
    axes.barh(
        [p - bar / 2 for p in positions],
        previous,
        height=bar,
        color="#c7c7c7",
        label=week_label(t, summary.previous_week),
    )
    for p, value, before in zip(positions, this_week, previous, strict=True):
        axes.text(value, p + bar / 2, f" {value}", va="center", fontsize=11, fontweight="bold")
        axes.text(before, p - bar / 2, f" {before}", va="center", fontsize=9, color="#555555")
    axes.set_yticks(list(positions), labels, fontsize=12)
    axes.tick_params(axis="x", labelsize=10)
    axes.set_title(t.gettext("New members by ward"), fontsize=14, loc="left")
    axes.legend(loc="upper center", bbox_to_anchor=(0.45, -0.08), ncol=2, fontsize=10, frameon=False)
    note = others_note(t, summary)
    if note is not None:
        axes.annotate(
            note,
            xy=(0.45, -0.16),
            xycoords="axes fraction",
            ha="center",
            va="top",
            fontsize=10,
            color="#555555",
        )
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(x=0.15)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def chart_png(t: Translator, summary: WeeklySummary) -> bytes:
    """The chart for an attachment made on demand (only offered when `chart_rows` has rows)."""
    return render_chart(t, summary) or b""
