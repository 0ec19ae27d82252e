"""What seminar messages say, in the reader's language (neutral markup; the choices are the handlers')."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.conversation.markup import esc, split
from bot.core.seminars.feedback import FeedbackSummary
from bot.core.seminars.models import Invitee, RsvpCounts, RsvpOutcome, Seminar, count_rsvps
from bot.core.text import natural_key
from bot.i18n import Translator

CAPTION_LIMIT = 1024
"""A file's caption is kept this short, so the text stays with the file on every channel."""
PART_LIMIT = 4096
"""Long overviews are cut at line breaks into messages of at most this many characters."""


def span(t: Translator, starts_at: datetime, ends_at: datetime) -> str:
    """'Thứ Sáu, 04/12/2026 08:00–10:00' in Việt Nam time."""
    return t.gettext("{start}–{end}").format(start=t.datetime(starts_at), end=t.time(ends_at))


def when_text(t: Translator, seminar: Seminar) -> str:
    return span(t, seminar.starts_at, seminar.ends_at)


def details(t: Translator, seminar: Seminar, *, agenda: bool = True) -> str:
    """Topic, host, time and venue (and the agenda)."""
    return "\n".join(
        detail_lines(
            t,
            topic=seminar.topic,
            host=seminar.host,
            when=when_text(t, seminar),
            venue=seminar.venue,
            agenda=seminar.agenda if agenda else "",
        )
    )


def detail_lines(t: Translator, *, topic: str, host: str, when: str, venue: str, agenda: str) -> list[str]:
    """The lines of a seminar's details (also for a draft read back before it is created)."""
    lines = [
        t.gettext("<b>{topic}</b>").format(topic=esc(topic)),
        t.gettext("Host: {host}").format(host=esc(host)),
        t.gettext("Time: {when}").format(when=when),
        t.gettext("Venue: {venue}").format(venue=esc(venue)),
    ]
    if agenda:
        lines.append(t.gettext("Agenda:\n{agenda}").format(agenda=esc(agenda)))
    return lines


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


def calendar_caption(t: Translator, seminar: Seminar) -> str:
    return clip(
        t.gettext("Open this file to add the seminar «{topic}» to your phone's calendar.").format(
            topic=esc(seminar.topic)
        )
    )


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
    """Keep a caption within `limit` (cutting only plain text at the end)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def counts_line(t: Translator, counts: RsvpCounts) -> str:
    line = t.gettext("Attending: {yes} · Not attending: {no} · No answer yet: {waiting}").format(
        yes=t.number(counts.yes), no=t.number(counts.no), waiting=t.number(counts.waiting)
    )
    if counts.replaced:
        line += "\n" + t.gettext("Sent a replacement: {count}").format(count=t.number(counts.replaced))
    return line


def names_by_ward(t: Translator, group: dict[int | None, list[str]], ward_names: dict[int, str]) -> list[str]:
    def order(item: tuple[int | None, list[str]]) -> tuple[int, tuple[tuple[int, int | str], ...]]:
        ward_id = item[0]
        return (1, ()) if ward_id is None else (0, natural_key(ward_names.get(ward_id, "")))

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


def parts(text: str) -> list[str]:
    """Long overviews cut at line breaks into message-sized parts."""
    return split(text, PART_LIMIT)


def answer_refusal(t: Translator, outcome: RsvpOutcome) -> str:
    """Why an invitee's answer, replacement or rating was not taken."""
    return {
        RsvpOutcome.NOT_FOUND: t.gettext("That seminar no longer exists."),
        RsvpOutcome.NOT_INVITED: t.gettext("You are not on the invitation list of this seminar."),
        RsvpOutcome.CANCELLED: t.gettext("This seminar has been cancelled, so no answer is needed."),
        RsvpOutcome.TOO_LATE: t.gettext(
            "The seminar has already started, so answers can no longer be changed. Thank you!"
        ),
        RsvpOutcome.ALREADY_INVITED: t.gettext("That person is already invited."),
        RsvpOutcome.INVALID: t.gettext("Please choose someone else."),
        RsvpOutcome.DENIED: t.gettext("Only active members can answer invitations."),
    }.get(outcome, t.gettext("This button is no longer valid."))


def manage_refusal(t: Translator, outcome: RsvpOutcome) -> str:
    """Why an organiser's action on a seminar changed nothing."""
    return {
        RsvpOutcome.DENIED: t.gettext("Only the organisers can manage seminars."),
        RsvpOutcome.NOT_FOUND: t.gettext("That seminar no longer exists."),
        RsvpOutcome.CANCELLED: t.gettext("That seminar has been cancelled."),
        RsvpOutcome.TOO_LATE: t.gettext("That seminar has already started."),
        RsvpOutcome.INVALID: t.gettext("The new time must be in the future."),
        RsvpOutcome.UNCHANGED: t.gettext("Nothing changed."),
    }.get(outcome, t.gettext("Nothing changed."))


def invite_more_refusal(t: Translator, outcome: RsvpOutcome, seminar: Seminar | None, now: datetime) -> str:
    """Why nobody more can be invited now."""
    if outcome is RsvpOutcome.TOO_LATE and seminar is not None and now >= seminar.ends_at:
        return t.gettext("That seminar is already over, so nobody more can be invited.")
    return {
        RsvpOutcome.DENIED: t.gettext("Only the organisers can manage seminars."),
        RsvpOutcome.CANCELLED: t.gettext("That seminar has been cancelled, so nobody more can be invited."),
        RsvpOutcome.TOO_LATE: t.gettext("That seminar has already started, so no new invitations were sent."),
        RsvpOutcome.UNCHANGED: t.gettext("Everyone you chose is already invited; nothing was changed."),
        RsvpOutcome.INVALID: t.gettext("Choose at least one, or press Everyone."),
    }.get(outcome, t.gettext("That seminar no longer exists."))
