"""How reports, periods and roll-ups read in a member's language."""

from __future__ import annotations

from bot.conversation.markup import esc
from bot.core.parsing import PeriodKind
from bot.core.reports import ChapterLine, Concern, ReportingPeriod, Status, Totals
from bot.i18n import N_, Translator

KIND_LABELS = {
    PeriodKind.MONTH: N_("monthly"),
    PeriodKind.WEEK: N_("weekly"),
    PeriodKind.QUARTER: N_("quarterly"),
}
WARNING_TEXTS = {
    Concern.NEW_OVER_TOTAL: N_("⚠️ There are more new members than members in total."),
    Concern.NEW_UNUSUAL: N_("⚠️ The number of new members is much higher than in earlier reports."),
    Concern.NEW_LARGE: N_("⚠️ That is many new members for one period. Do you confirm {new} new members?"),
    Concern.TOTAL_UNUSUAL: N_("⚠️ The total is far from the last total plus the new members."),
}
STATUS_ICONS = {Status.ON_TIME: "✅", Status.LATE: "🕒", Status.MISSING: "❌", Status.EXCUSED: "⏸"}


def period_label(t: Translator, rp: ReportingPeriod) -> str:
    """'tháng 11/2026', 'tuần 48/2026', 'quý 4/2026'."""
    key = rp.key
    year = key[:4]
    if rp.kind is PeriodKind.WEEK:
        return t.gettext("week {week}/{year}").format(week=int(key[6:]), year=year)
    if rp.kind is PeriodKind.QUARTER:
        return t.gettext("quarter {quarter}/{year}").format(quarter=key[6:], year=year)
    return t.gettext("month {month}/{year}").format(month=int(key[5:]), year=year)


def rate(t: Translator, value: float | None) -> str:
    return t.percent(value) if value is not None else "—"


def chapter_line(t: Translator, line: ChapterLine) -> str:
    icon = STATUS_ICONS[line.status]
    name = esc(line.chapter.chapter_name)
    if line.status is Status.MISSING:
        return t.gettext("{icon} {chapter}: not reported").format(icon=icon, chapter=name)
    if line.status is Status.EXCUSED:
        return t.gettext("{icon} {chapter}: excused").format(icon=icon, chapter=name)
    text = t.gettext("{icon} {chapter}: {new} new, total {total}").format(
        icon=icon, chapter=name, new=t.number(line.new_members or 0), total=t.number(line.total_members or 0)
    )
    if line.status is Status.LATE:
        text += " " + t.gettext("(filed late)")
    return text


def totals_line(t: Translator, totals: Totals) -> str:
    return t.gettext(
        "{reported}/{expected} chapters reported ({rate}), on time {on_time_rate}; "
        "{new} new members, total {total}"
    ).format(
        reported=t.number(totals.reported),
        expected=t.number(totals.expected),
        rate=rate(t, totals.reporting_rate),
        on_time_rate=rate(t, totals.on_time_rate),
        new=t.number(totals.new_members),
        total=t.number(totals.total_members),
    )
