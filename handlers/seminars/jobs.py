"""Seminar tasks as they fall due: invitations, notices, reminders, the organiser's summary, feedback.

Every handler reads fresh state and enqueues with dedupe keys derived from the task key, so a task
that runs again (after a crash between its work and being marked done) sends nothing twice.
"""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import Application

from bot.core.ical import CalendarEvent, event_ics
from bot.core.models import Recipient
from bot.core.seminars import (
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
from bot.scheduler import Task, register_task_kind
from bot.services import Services
from handlers.registry import add_startup_hook
from handlers.seminars import texts
from storage.outbox import OutgoingMessage

ICS_FILENAME = "toa-dam.ics"


def batch(seminar: Seminar) -> str:
    return f"seminar:{seminar.id}"


async def _recipients(services: Services, member_ids: list[int]) -> list[Recipient]:
    return await services.member_store.recipients(member_ids=member_ids) if member_ids else []


async def _ward_names(services: Services) -> dict[int, str]:
    return {w.id: w.name for w in await services.org.wards(include_inactive=True)}


def _audience_for(what: Announcement, invitees: list[Invitee], to: int | None) -> list[Invitee]:
    if to is not None:
        return [i for i in invitees if i.member_id == to and i.rsvp is Rsvp.PENDING]
    if what in (Announcement.INVITE, Announcement.NUDGE):
        return [i for i in invitees if i.rsvp is Rsvp.PENDING]
    return [i for i in invitees if i.rsvp is not Rsvp.DELEGATED]


def _announcement_wanted(seminar: Seminar, what: Announcement, version: int, now) -> bool:
    if what is Announcement.CANCELLED:
        return not seminar.is_open
    if not seminar.is_open or seminar.started(now):
        return False
    return what is not Announcement.MOVED or seminar.version == version


async def announce(app: Application, task: Task) -> None:
    """Invitations, 'moved', 'cancelled' and nudges to the invitees concerned."""
    services: Services = app.bot_data["services"]
    seminar = await services.seminars.get(task.payload["seminar_id"])
    what = Announcement(task.payload["what"])
    if seminar is None or not _announcement_wanted(
        seminar, what, task.payload["version"], services.clock.now()
    ):
        return
    invitees = await services.seminars.invitees(seminar.id)
    concerned = {i.member_id: i for i in _audience_for(what, invitees, task.payload.get("to"))}
    names = {i.member_id: i.full_name for i in invitees}
    messages: list[OutgoingMessage] = []
    for recipient in await _recipients(services, list(concerned)):
        t = services.i18n.translator(recipient.locale)
        invitee = concerned[recipient.member_id]
        markup = None if what is Announcement.CANCELLED else texts.rsvp_markup(t, seminar.id)
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
        messages.append(OutgoingMessage(key, recipient.member_id, recipient.chat_id, text, markup=markup))
        if what is Announcement.INVITE and seminar.attachment_blob_id is not None:
            messages.append(
                OutgoingMessage(
                    f"{key}:doc",
                    recipient.member_id,
                    recipient.chat_id,
                    texts.attachment_caption(t, seminar),
                    kind="document",
                    blob_id=seminar.attachment_blob_id,
                )
            )
    await services.outbox.enqueue(batch(seminar), messages, now=services.clock.now())


def calendar_file(seminar: Seminar, services: Services) -> bytes:
    event = CalendarEvent(
        uid=f"seminar-{seminar.id}@khuyenhoc-bot",
        starts_at=seminar.starts_at,
        ends_at=seminar.ends_at,
        summary=seminar.topic,
        location=seminar.venue,
        description=seminar.agenda,
        sequence=seminar.version,
    )
    return event_ics(event, now=services.clock.now()).encode()


async def remind(app: Application, task: Task) -> None:
    """A reminder with the calendar file to those attending; a nudge to answer to those who have not."""
    services: Services = app.bot_data["services"]
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
    blob_id = None
    messages: list[OutgoingMessage] = []
    for recipient in await _recipients(services, list(invitees)):
        t = services.i18n.translator(recipient.locale)
        key = f"{task.key}:to:{recipient.member_id}"
        if invitees[recipient.member_id].rsvp is Rsvp.YES:
            if blob_id is None:
                blob_id = await services.outbox.save_blob(
                    ICS_FILENAME, "text/calendar", calendar_file(seminar, services), now=now
                )
            messages.append(
                OutgoingMessage(
                    key,
                    recipient.member_id,
                    recipient.chat_id,
                    texts.reminder_caption(t, seminar),
                    kind="document",
                    blob_id=blob_id,
                )
            )
        else:
            messages.append(
                OutgoingMessage(
                    key,
                    recipient.member_id,
                    recipient.chat_id,
                    texts.nudge(t, seminar),
                    markup=texts.rsvp_markup(t, seminar.id),
                )
            )
    await services.outbox.enqueue(batch(seminar), messages, now=now)


async def summarise(app: Application, task: Task) -> None:
    """The day before: the organiser gets the answers so far."""
    services: Services = app.bot_data["services"]
    seminar = await services.seminars.get(task.payload["seminar_id"])
    if not summary_due(seminar, version=task.payload["version"], now=services.clock.now()):
        return
    assert seminar is not None
    organiser = await services.members.recipient(seminar.created_by)
    if organiser is None:
        return
    t = services.i18n.translator(organiser.locale)
    invitees = await services.seminars.invitees(seminar.id)
    text = texts.summary(t, seminar, invitees, await _ward_names(services))
    waiting = sum(1 for i in invitees if i.rsvp is Rsvp.PENDING)
    parts = texts.split_for_markup(text)
    messages = [
        OutgoingMessage(
            f"{task.key}:to:{organiser.member_id}" + (f":{n}" if n else ""),
            organiser.member_id,
            organiser.chat_id,
            part,
            markup=texts.manage_markup(t, seminar, waiting) if n == len(parts) - 1 else None,
        )
        for n, part in enumerate(parts)
    ]
    await services.outbox.enqueue(batch(seminar), messages, now=services.clock.now())


async def ask_feedback(app: Application, task: Task) -> None:
    """After the seminar: those who checked in (or, without check-in, said they would attend) get one
    question."""
    services: Services = app.bot_data["services"]
    seminar = await services.seminars.get(task.payload["seminar_id"])
    if not feedback_due(seminar, version=task.payload["version"]):
        return
    assert seminar is not None
    attendees = await services.seminar_checkin.attendees(seminar.id)
    messages = []
    for recipient in await _recipients(services, attendees):
        t = services.i18n.translator(recipient.locale)
        messages.append(
            OutgoingMessage(
                f"{task.key}:to:{recipient.member_id}",
                recipient.member_id,
                recipient.chat_id,
                texts.feedback_question(t, seminar),
                markup=texts.feedback_markup(seminar.id),
            )
        )
    await services.outbox.enqueue(batch(seminar), messages, now=services.clock.now())


async def replan_on_start(app: Application) -> None:
    """Rebuild every open seminar's tasks from the database (idempotent)."""
    await app.bot_data["services"].seminars.replan_all()


def register(app: Application) -> None:
    register_task_kind(app, ANNOUNCE, announce)
    register_task_kind(app, REMINDER, remind)
    register_task_kind(app, SUMMARY, summarise)
    register_task_kind(app, FEEDBACK, ask_feedback)
    add_startup_hook(app, replan_on_start)
