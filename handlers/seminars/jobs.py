"""Seminar tasks as they fall due: invitations, notices, reminders, the organiser's summary, feedback.

The tasks are planned by the core in the same transaction as the action that causes them (creating,
rescheduling, cancelling, nudging, delegating, inviting more), and a task due now wakes the scheduler once
that transaction commits. Every handler reads fresh state and queues with dedupe keys derived from the task
key, so a task that runs again (after a crash between its work and being marked done) sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.conversation.replies import Attachment, Reply
from bot.conversation.router import Router
from bot.core.audience import Audience
from bot.core.models import Recipient
from bot.core.notices import OutgoingMessage
from bot.core.seminars.models import (
    ANNOUNCE,
    FEEDBACK,
    REMINDER,
    SUMMARY,
    Announcement,
    Invitee,
    ReminderDecision,
    Rsvp,
    Seminar,
    feedback_due,
    invitation_key,
    reminder_decision,
    summary_due,
)
from bot.core.tasks import Task
from bot.views.seminars import texts
from bot.views.seminars.calendar import ICS_FILENAME, ICS_MIME, calendar_file
from handlers.seminars.choices import answer_choices, rating_choices
from handlers.seminars.invite_more import card_choices

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from bot.services import Services

DOCUMENT_MIME = "application/octet-stream"


def batch(seminar: Seminar) -> str:
    return f"seminar:{seminar.id}"


async def _recipients(services: Services, member_ids: Iterable[int]) -> list[Recipient]:
    return await services.notices.recipients(Audience.of(member_ids=member_ids))


def _audience_for(what: Announcement, invitees: list[Invitee], to: int | None) -> list[Invitee]:
    if to is not None:
        return [i for i in invitees if i.member_id == to and i.rsvp is Rsvp.PENDING]
    if what in (Announcement.INVITE, Announcement.NUDGE):
        return [i for i in invitees if i.rsvp is Rsvp.PENDING]
    return [i for i in invitees if i.rsvp is not Rsvp.DELEGATED]


def _announcement_wanted(seminar: Seminar, what: Announcement, version: int, now: datetime) -> bool:
    if what is Announcement.CANCELLED:
        return not seminar.is_open
    if not seminar.is_open or seminar.started(now):
        return False
    return what is not Announcement.MOVED or seminar.version == version


async def _document(services: Services, seminar: Seminar) -> Attachment | None:
    """The seminar's stored document, sent after the invitation."""
    if seminar.attachment_blob_id is None:
        return None
    name, mime = await services.seminars.attachment(seminar) or ("", DOCUMENT_MIME)
    return Attachment(name, mime, blob_id=seminar.attachment_blob_id)


async def announce(rt: Runtime, task: Task) -> None:
    """Invitations, 'moved', 'cancelled' and nudges to the invitees concerned.

    An invitation comes with the calendar file whatever the lead time (sent just before it, so the answer
    buttons stay at the bottom), since a seminar created shortly before its start has no reminder left."""
    services = rt.services
    seminar = await services.seminars.get(task.payload["seminar_id"])
    what = Announcement(task.payload["what"])
    if seminar is None or not _announcement_wanted(
        seminar, what, task.payload["version"], services.clock.now()
    ):
        return
    invitees = await services.seminars.invitees(seminar.id)
    concerned = {i.member_id: i for i in _audience_for(what, invitees, task.payload.get("to"))}
    names = {i.member_id: i.full_name for i in invitees}
    document = await _document(services, seminar) if what is Announcement.INVITE else None
    calendar = (
        Attachment(ICS_FILENAME, ICS_MIME, data=calendar_file(seminar, services.clock.now()))
        if what is Announcement.INVITE
        else None
    )
    messages: list[OutgoingMessage] = []
    for recipient in await _recipients(services, concerned):
        t = services.i18n.translator(recipient.locale)
        invitee = concerned[recipient.member_id]
        choices = () if what is Announcement.CANCELLED else answer_choices(t, seminar.id)
        if what is Announcement.INVITE:
            text = texts.invitation(t, seminar, delegated_by=names.get(invitee.delegate_of or 0))
        elif what is Announcement.MOVED:
            text = texts.moved(t, seminar)
        elif what is Announcement.NUDGE:
            text = texts.nudge(t, seminar)
        else:
            text = texts.cancelled(t, seminar)
        key = f"{task.key}:to:{recipient.member_id}"
        if what is Announcement.INVITE and invitee.delegate_of is None:
            key = invitation_key(seminar.id, task.payload["version"], recipient.member_id)
        if calendar is not None:
            caption = texts.calendar_caption(t, seminar)
            messages.append(OutgoingMessage.to(recipient, f"{key}:ics", Reply(caption, attachment=calendar)))
        messages.append(OutgoingMessage.to(recipient, key, Reply(text, choices)))
        if document is not None:
            caption = texts.attachment_caption(t, seminar)
            messages.append(OutgoingMessage.to(recipient, f"{key}:doc", Reply(caption, attachment=document)))
    await services.notices.queue(batch(seminar), messages)


async def remind(rt: Runtime, task: Task) -> None:
    """A reminder with the calendar file to those attending; a nudge to answer to those who have not."""
    services = rt.services
    now = services.clock.now()
    seminar = await services.seminars.get(task.payload["seminar_id"])
    decision = reminder_decision(
        seminar, version=task.payload["version"], offset=timedelta(seconds=task.payload["offset"]), now=now
    )
    if decision is not ReminderDecision.SEND:
        return
    assert seminar is not None
    invitees = {
        i.member_id: i
        for i in await services.seminars.invitees(seminar.id)
        if i.rsvp in (Rsvp.YES, Rsvp.PENDING)
    }
    calendar = Attachment(ICS_FILENAME, ICS_MIME, data=calendar_file(seminar, now))
    messages: list[OutgoingMessage] = []
    for recipient in await _recipients(services, invitees):
        t = services.i18n.translator(recipient.locale)
        key = f"{task.key}:to:{recipient.member_id}"
        if invitees[recipient.member_id].rsvp is Rsvp.YES:
            reply = Reply(texts.reminder_caption(t, seminar), attachment=calendar)
        else:
            reply = Reply(texts.nudge(t, seminar), answer_choices(t, seminar.id))
        messages.append(OutgoingMessage.to(recipient, key, reply))
    await services.notices.queue(batch(seminar), messages)


async def summarise(rt: Runtime, task: Task) -> None:
    """The day before: the organiser gets the answers so far, under the seminar's card."""
    services = rt.services
    seminar = await services.seminars.get(task.payload["seminar_id"])
    if not summary_due(seminar, version=task.payload["version"], now=services.clock.now()):
        return
    assert seminar is not None
    organiser = await services.notices.recipient(seminar.created_by)
    if organiser is None:
        return
    t = services.i18n.translator(organiser.locale)
    invitees = await services.seminars.invitees(seminar.id)
    ward_names = {w.id: w.name for w in await services.org.wards(include_inactive=True)}
    waiting = sum(1 for i in invitees if i.rsvp is Rsvp.PENDING)
    parts = texts.parts(texts.summary(t, seminar, invitees, ward_names))
    messages = [
        OutgoingMessage.to(
            organiser,
            f"{task.key}:to:{organiser.member_id}" + (f":{n}" if n else ""),
            Reply(part, card_choices(t, seminar, waiting) if n == len(parts) - 1 else ()),
        )
        for n, part in enumerate(parts)
    ]
    await services.notices.queue(batch(seminar), messages)


async def ask_feedback(rt: Runtime, task: Task) -> None:
    """After the seminar: those who checked in (or, without check-in, said they would attend) get one
    question."""
    services = rt.services
    seminar = await services.seminars.get(task.payload["seminar_id"])
    if not feedback_due(seminar, version=task.payload["version"]):
        return
    assert seminar is not None
    attendees = await services.seminar_checkin.attendees(seminar.id)
    messages = []
    for recipient in await _recipients(services, attendees):
        t = services.i18n.translator(recipient.locale)
        messages.append(
            OutgoingMessage.to(
                recipient,
                f"{task.key}:to:{recipient.member_id}",
                Reply(texts.feedback_question(t, seminar), rating_choices(seminar.id)),
            )
        )
    await services.notices.queue(batch(seminar), messages)


async def replan_on_start(rt: Runtime) -> None:
    """Rebuild every open seminar's tasks from the database (idempotent)."""
    await rt.services.seminars.replan_all()


def register(router: Router) -> None:
    router.task(ANNOUNCE, announce)
    router.task(REMINDER, remind)
    router.task(SUMMARY, summarise)
    router.task(FEEDBACK, ask_feedback)
    router.on_startup(replan_on_start)
