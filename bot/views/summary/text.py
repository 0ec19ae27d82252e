"""The summary as a concise Vietnamese (or English) message: sections with something to say, nothing else."""

from __future__ import annotations

from bot.conversation.markup import esc
from bot.core.summary import WardLine, Week, WeeklySummary, natural_key
from bot.i18n import Translator

MAX_WARD_LINES = 15
MAX_MISSING_WARDS = 25
MAX_MISSING_NAMES = 8
MAX_BUTTON_WARDS = 8


def signed(t: Translator, value: int) -> str:
    """+4, −5 or ±0 (a change against the previous week)."""
    if value > 0:
        return "+" + t.number(value)
    if value < 0:
        return "−" + t.number(-value)
    return "±0"


def rate(t: Translator, value: float | None) -> str:
    return t.percent(value) if value is not None else "—"


def week_label(t: Translator, week: Week) -> str:
    """'tuần 30/11–06/12': how a week is named to people (never '2026-W49')."""
    return t.gettext("week {start}–{end}").format(
        start=week.monday.strftime("%d/%m"), end=week.sunday.strftime("%d/%m")
    )


def file_week(summary: WeeklySummary) -> str:
    """The week in a file name: 'tuan-30-11-den-06-12-2026' (people see it when they save the file)."""
    week = summary.week
    return f"tuan-{week.monday:%d-%m}-den-{week.sunday:%d-%m-%Y}"


def heading(t: Translator, summary: WeeklySummary) -> str:
    week, scope = summary.week, summary.ward_name
    dates = {"week": week_label(t, week), "start": t.date(week.monday), "end": t.date(week.sunday)}
    if scope:
        return t.gettext("📊 <b>Summary of the {week} — {ward}</b> ({start} – {end})").format(
            ward=esc(scope), **dates
        )
    return t.gettext("📊 <b>Summary of the {week}</b> ({start} – {end})").format(**dates)


def render_summary(t: Translator, summary: WeeklySummary) -> str:
    """The whole message in the neutral markup (channels split it to fit their messages)."""
    if summary.is_empty:
        return heading(t, summary) + "\n" + t.gettext("Nothing to report this week.")
    sections = [heading(t, summary)]
    for render in (_new_members, _reporting, _trainings, _seminars, _broadcasts, _faq):
        section = render(t, summary)
        if section:
            sections.append(section)
    if summary.ward_id is None and len(summary.wards) > 1:
        sections.append(
            t.gettext("<i>Reply with a ward's name (for example “phường 5”) to see its details.</i>")
        )
    return "\n\n".join(sections)


def _new_members(t: Translator, summary: WeeklySummary) -> str:
    nm = summary.new_members
    if nm is None:
        return ""
    counts = {"count": t.number(nm.this_week), "change": signed(t, nm.change), "period": t.number(nm.period)}
    in_progress = summary.as_of < summary.week.next().start
    lines = [
        t.gettext("👥 <b>New members</b>"),
        t.gettext(
            "This week so far: <b>{count}</b> ({change} on last week); period to date: {period}."
        ).format(**counts)
        if in_progress
        else t.gettext(
            "Last week: <b>{count}</b> ({change} on the week before); period to date: {period}."
        ).format(**counts),
    ]
    if summary.ward_id is None:
        active = [w for w in summary.wards if w.new_this_week or w.new_previous_week]
        active.sort(key=lambda w: (-w.new_this_week, -w.new_previous_week))
        for ward in active[:MAX_WARD_LINES]:
            lines.append(
                t.gettext("• {ward}: {count} ({change})").format(
                    ward=esc(ward.name), count=t.number(ward.new_this_week), change=signed(t, ward.change)
                )
            )
        if len(active) > MAX_WARD_LINES:
            lines.append(
                t.gettext("• … and {count} more wards (see the workbook)").format(
                    count=t.number(len(active) - MAX_WARD_LINES)
                )
            )
    return "\n".join(lines)


def _reporting(t: Translator, summary: WeeklySummary) -> str:
    rep = summary.reporting
    if rep is None:
        return ""
    lines = [
        t.gettext("📝 <b>Reports for period {period}</b>").format(period=esc(rep.period_key)),
        t.gettext("Reported: <b>{reported}/{expected}</b> chapters ({rate}), {on_time} on time.").format(
            reported=t.number(rep.reported),
            expected=t.number(rep.expected),
            rate=rate(t, rep.rate),
            on_time=t.number(rep.on_time),
        ),
    ]
    if rep.excused:
        lines.append(t.gettext("Excused: {count}.").format(count=t.number(rep.excused)))
    if rep.missing:
        lines.append(t.gettext("Still missing ({count}):").format(count=t.number(rep.missing)))
        lines += _missing_lines(t, rep.missing_by_ward)
    return "\n".join(lines)


def _missing_lines(t: Translator, by_ward: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    """Each ward with its missing chapters' names, when the wards fit (a district); otherwise (a city) the
    wards missing the most, worst first, with how many each: every chapter is in the workbook."""
    if len(by_ward) <= MAX_MISSING_WARDS:
        lines = []
        for ward, names in by_ward:
            shown = ", ".join(esc(n) for n in names[:MAX_MISSING_NAMES])
            if len(names) > MAX_MISSING_NAMES:
                shown += t.gettext(" and {count} more").format(count=t.number(len(names) - MAX_MISSING_NAMES))
            lines.append(t.gettext("• {ward}: {chapters}").format(ward=esc(ward), chapters=shown))
        return lines
    worst = sorted(by_ward, key=lambda item: -len(item[1]))[:MAX_MISSING_WARDS]
    lines = [
        t.ngettext("• {ward}: {count} chapter", "• {ward}: {count} chapters", len(names)).format(
            ward=esc(ward), count=t.number(len(names))
        )
        for ward, names in worst
    ]
    lines.append(
        t.gettext("• … and {count} more wards (see the workbook)").format(
            count=t.number(len(by_ward) - MAX_MISSING_WARDS)
        )
    )
    return lines


def _trainings(t: Translator, summary: WeeklySummary) -> str:
    lines = []
    if summary.trainings_held:
        lines.append(t.gettext("🎓 <b>Trainings last week</b>"))
        for item in summary.trainings_held:
            lines.append(
                t.gettext("• {title} ({date}): {attended}/{registered} registered came ({rate})").format(
                    title=esc(item.title),
                    date=t.date(item.starts_at),
                    attended=t.number(item.attended),
                    registered=t.number(item.registered),
                    rate=rate(t, item.rate),
                )
            )
    if summary.trainings_next:
        lines.append(t.gettext("📅 <b>Next trainings</b>"))
        for item in summary.trainings_next:
            lines.append(
                t.gettext("• {title}: {when}, {registered} registered").format(
                    title=esc(item.title),
                    when=t.datetime(item.starts_at),
                    registered=t.number(item.registered),
                )
            )
    return "\n".join(lines)


def _seminars(t: Translator, summary: WeeklySummary) -> str:
    if not summary.seminars:
        return ""
    lines = [t.gettext("🗣 <b>Seminars in the next two weeks</b>")]
    for item in summary.seminars:
        lines.append(
            t.gettext(
                "• {topic}: {when}: {yes} coming, {no} not coming, {delegated} sending someone, "
                "{pending} not answered"
            ).format(
                topic=esc(item.topic),
                when=t.datetime(item.starts_at),
                yes=t.number(item.yes),
                no=t.number(item.no),
                delegated=t.number(item.delegated),
                pending=t.number(item.pending),
            )
        )
    return "\n".join(lines)


def _broadcasts(t: Translator, summary: WeeklySummary) -> str:
    b = summary.broadcasts
    if b is None:
        return ""
    return (
        t.gettext("📣 <b>Announcements</b>")
        + "\n"
        + t.gettext("{sent} sent to {recipients} people; {acked} confirmed receipt ({rate}).").format(
            sent=t.number(b.sent),
            recipients=t.number(b.recipients),
            acked=t.number(b.acked),
            rate=rate(t, b.rate),
        )
    )


def _faq(t: Translator, summary: WeeklySummary) -> str:
    faq = summary.faq
    if faq is None:
        return ""
    lines = [
        t.gettext("❓ <b>Questions</b>"),
        t.gettext("{asked} asked; {unanswered} without an answer, {low} with an uncertain answer.").format(
            asked=t.number(faq.asked), unanswered=t.number(faq.unanswered), low=t.number(faq.low_confidence)
        ),
    ]
    if faq.queue:
        lines.append(
            t.gettext("{count} questions are waiting for the organisers (/questions).").format(
                count=t.number(faq.queue)
            )
        )
    return "\n".join(lines)


def button_wards(summary: WeeklySummary) -> list[WardLine]:
    """Wards worth a drill-down button: most missing reports first, then most new members."""
    if summary.ward_id is not None:
        return []
    worth = [w for w in summary.wards if w.missing or w.new_this_week or w.new_previous_week]
    worth.sort(key=lambda w: (-len(w.missing), -w.new_this_week, natural_key(w.name)))
    return worth[:MAX_BUTTON_WARDS]


def chart_caption(t: Translator, summary: WeeklySummary) -> str:
    return t.gettext("New members by ward, {week}").format(week=week_label(t, summary.week))


def workbook_caption(t: Translator, summary: WeeklySummary) -> str:
    return t.gettext("Weekly summary {week} (Excel)").format(week=week_label(t, summary.week))
