"""What seminar messages say and which buttons they carry, in the reader's language."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.seminar_feedback import FeedbackSummary
from bot.core.seminars import Invitee, RsvpCounts, Seminar, count_rsvps
from bot.i18n import Translator
from handlers import callbacks
from handlers.render import buttons, esc, grid, split_message

CAPTION_LIMIT = 1024
RATINGS = (1, 2, 3, 4, 5)


def span(t: Translator, starts_at: datetime, ends_at: datetime) -> str:
    """'Thứ Sáu, 04/12/2026 08:00–10:00' in Việt Nam time."""
    return t.gettext("{start}–{end}").format(start=t.datetime(starts_at), end=t.time(ends_at))


def when_text(t: Translator, seminar: Seminar) -> str:
    return span(t, seminar.starts_at, seminar.ends_at)


def details(t: Translator, seminar: Seminar, *, agenda: bool = True) -> str:
    """Topic, host, time and venue (and the agenda), as HTML."""
    lines = [
        t.gettext("<b>{topic}</b>").format(topic=esc(seminar.topic)),
        t.gettext("Host: {host}").format(host=esc(seminar.host)),
        t.gettext("Time: {when}").format(when=when_text(t, seminar)),
        t.gettext("Venue: {venue}").format(venue=esc(seminar.venue)),
    ]
    if agenda and seminar.agenda:
        lines.append(t.gettext("Agenda:\n{agenda}").format(agenda=esc(seminar.agenda)))
    return "\n".join(lines)


def rsvp_markup(t: Translator, seminar_id: int) -> dict:
    """'Tham dự', 'Không tham dự', 'Cử người thay'."""
    return buttons(
        [
            [
                (t.gettext("✅ Attend"), callbacks.encode("semr", seminar_id, "y")),
                (t.gettext("❌ Not attending"), callbacks.encode("semr", seminar_id, "n")),
            ],
            [(t.gettext("👤 Send a replacement"), callbacks.encode("semr", seminar_id, "d"))],
        ]
    ).to_dict()


def invitation(t: Translator, seminar: Seminar, *, delegated_by: str | None = None) -> str:
    if delegated_by:
        head = t.gettext("<b>Seminar invitation</b>\n{name} has asked you to attend in their place.").format(
            name=esc(delegated_by)
        )
    else:
        head = t.gettext("<b>Seminar invitation</b>\nYou are invited to the seminar below.")
    return (
        head
        + "\n\n"
        + details(t, seminar)
        + "\n\n"
        + t.gettext(
            "Will you attend? Please answer with the buttons below; you can change your answer until the "
            "start."
        )
    )


def attachment_caption(t: Translator, seminar: Seminar) -> str:
    return clip(t.gettext("Document for the seminar «{topic}»").format(topic=esc(seminar.topic)))


def moved(t: Translator, seminar: Seminar) -> str:
    return t.gettext(
        "<b>The seminar has been moved</b>\n\n{details}\n\nIf your answer changes, please press "
        "a button below."
    ).format(details=details(t, seminar, agenda=False))


def cancelled(t: Translator, seminar: Seminar) -> str:
    return t.gettext(
        "<b>The seminar has been cancelled</b>\n«{topic}», planned for {when}, will not take place. "
        "We apologise for the inconvenience."
    ).format(topic=esc(seminar.topic), when=t.datetime(seminar.starts_at))


def nudge(t: Translator, seminar: Seminar) -> str:
    return t.gettext(
        "<b>Please answer the invitation</b>\nYou have not yet said whether you will attend:\n\n"
        "{details}\n\nPlease press a button below."
    ).format(details=details(t, seminar, agenda=False))


def lead_time(t: Translator, offset: timedelta) -> str:
    """'3 ngày', '2 giờ', '30 phút'."""
    seconds = int(offset.total_seconds())
    if seconds % 86400 == 0:
        days = seconds // 86400
        return t.ngettext("{n} day", "{n} days", days).format(n=days)
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return t.ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    minutes = seconds // 60
    return t.ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


def reminder_caption(t: Translator, seminar: Seminar) -> str:
    return clip(
        t.gettext(
            "<b>Reminder: seminar «{topic}»</b>\nTime: {when}\nVenue: {venue}\n\nOpen the attached "
            "file to add it to your calendar."
        ).format(topic=esc(seminar.topic), when=when_text(t, seminar), venue=esc(seminar.venue))
    )


def clip(text: str, limit: int = CAPTION_LIMIT) -> str:
    """Keep a caption within Telegram's limit (cutting only plain text at the end)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def counts_line(t: Translator, counts: RsvpCounts) -> str:
    line = t.gettext("Attending: {yes} · Not attending: {no} · No answer yet: {waiting}").format(
        yes=t.number(counts.yes), no=t.number(counts.no), waiting=t.number(counts.waiting)
    )
    if counts.replaced:
        line += "\n" + t.gettext("Sent a replacement: {count}").format(count=t.number(counts.replaced))
    return line


def names_by_ward(t: Translator, group: dict[int | None, list[str]], ward_names: dict[int, str]) -> list[str]:
    def order(item: tuple[int | None, list[str]]) -> tuple[int, str]:
        ward_id = item[0]
        return (1, "") if ward_id is None else (0, ward_names.get(ward_id, ""))

    lines = []
    for ward_id, names in sorted(group.items(), key=order):
        ward = ward_names.get(ward_id, "") if ward_id is not None else t.gettext("No ward")
        lines.append(t.gettext("  {ward}: {names}").format(ward=esc(ward), names=esc(", ".join(names))))
    return lines


def overview(t: Translator, seminar: Seminar, invitees: list[Invitee], ward_names: dict[int, str]) -> str:
    """One seminar in /seminars: details, counts, then names by ward for each answer."""
    counts = count_rsvps(invitees)
    lines = [details(t, seminar, agenda=False), "", counts_line(t, counts)]
    for label, group in (
        (t.gettext("✅ Attending:"), counts.attending),
        (t.gettext("❌ Not attending:"), counts.declined),
        (t.gettext("⏳ No answer yet:"), counts.pending),
    ):
        if group:
            lines.append(label)
            lines.extend(names_by_ward(t, group, ward_names))
    return "\n".join(lines)


def feedback_lines(t: Translator, summary: FeedbackSummary) -> list[str]:
    """'⭐ Đánh giá: 4 lượt, trung bình 4,3/5' and the distribution 5⭐ … 1⭐."""
    if not summary.count or summary.average is None:
        return [t.gettext("⭐ No ratings yet.")]
    head = t.ngettext(
        "⭐ Feedback: {count} rating, average {average}/5",
        "⭐ Feedback: {count} ratings, average {average}/5",
        summary.count,
    ).format(count=t.number(summary.count), average=t.number(summary.average, decimals=1))
    spread = " · ".join(
        t.gettext("{rating}⭐: {count}").format(rating=rating, count=t.number(n))
        for rating, n in summary.distribution.items()
    )
    return [head, spread]


def ended_overview(t: Translator, seminar: Seminar, invitees: list[Invitee], summary: FeedbackSummary) -> str:
    """An ended seminar in /seminars: details, the answers it had, then its feedback."""
    return "\n".join(
        [
            details(t, seminar, agenda=False),
            "",
            counts_line(t, count_rsvps(invitees)),
            *feedback_lines(t, summary),
        ]
    )


def manage_markup(t: Translator, seminar: Seminar, waiting: int) -> dict:
    rows: list[list[tuple[str, str]]] = []
    if waiting:
        rows.append(
            [
                (
                    t.gettext("🔔 Nudge those who have not answered ({count})").format(count=waiting),
                    callbacks.encode("semo", "n", seminar.id),
                )
            ]
        )
    rows.append(
        [
            (t.gettext("📋 Check-in"), callbacks.encode("semo", "ci", seminar.id)),
            (t.gettext("➕ Invite more"), callbacks.encode("semi", "s", seminar.id, "-")),
        ]
    )
    rows.append(
        [
            (t.gettext("🕒 Reschedule"), callbacks.encode("semo", "m", seminar.id)),
            (t.gettext("✖ Cancel the seminar"), callbacks.encode("semo", "x", seminar.id)),
        ]
    )
    return buttons(rows).to_dict()


def summary(t: Translator, seminar: Seminar, invitees: list[Invitee], ward_names: dict[int, str]) -> str:
    """The organiser's RSVP summary, the day before."""
    return (
        t.gettext("<b>Answers for tomorrow's seminar</b>")
        + "\n\n"
        + overview(t, seminar, invitees, ward_names)
    )


def feedback_question(t: Translator, seminar: Seminar) -> str:
    return t.gettext(
        "Thank you for attending «{topic}». How useful was the seminar for you? "
        "Choose from 1 (not useful) to 5 (very useful)."
    ).format(topic=esc(seminar.topic))


def feedback_markup(seminar_id: int) -> dict:
    return buttons(
        grid([(str(n) + " ⭐", callbacks.encode("semf", seminar_id, n)) for n in RATINGS], 5)
    ).to_dict()


def split_for_markup(text: str) -> list[str]:
    """Long overviews split at line breaks into message-sized parts."""
    return split_message(text)
