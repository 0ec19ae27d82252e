"""Organisers: /seminars (upcoming ones with their cards, then those just ended with their ratings), nudge,
check-in, reschedule, cancel, and /seminar_reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.conversation.dialogs import Dialog
from bot.conversation.markup import esc
from bot.conversation.replies import Choice, rows
from bot.conversation.router import Router, Step
from bot.conversation.turn import Turn
from bot.core.attendance import Outcome
from bot.core.permissions import Action, can
from bot.core.seminars.models import Rsvp, RsvpOutcome, Seminar, parse_offsets
from bot.core.text import fold
from bot.i18n import N_
from bot.views.attendance.texts import card
from bot.views.seminars import texts
from handlers.attendance.organiser import manage_choices, qr_reply
from handlers.seminars.choices import (
    Cancel,
    CancelKeep,
    CancelYes,
    CheckIn,
    Nudge,
    Reschedule,
    RescheduleRetype,
    RescheduleYes,
)
from handlers.seminars.invite_more import card_choices
from handlers.when_step import ask_to_move, typed_start

MOVE = Dialog(
    "seminar_move",
    timeout=timedelta(hours=2),
    expired=N_("Rescheduling was left unfinished for too long and has stopped; the seminar was not moved."),
    cancelled=N_("Stopped. Nothing was changed."),
)
MAX_LISTED = 10


async def overview(turn: Turn) -> None:
    """/seminars: each upcoming seminar with its answers by ward and its card, then the seminars that ended
    in the last month with their feedback."""
    t, seminars = turn.t, turn.services.seminars
    if not can(turn.member, Action.MANAGE_SEMINARS):
        turn.reply(
            t.gettext(
                "Only the organisers can see the seminar overview. Your invitations come to you as messages."
            )
        )
        return
    upcoming = await seminars.upcoming()
    if not upcoming:
        turn.reply(t.gettext("No seminar is coming up. Create one with /seminar_new."))
    ward_names = {w.id: w.name for w in await turn.services.org.wards(include_inactive=True)}
    for seminar in upcoming[:MAX_LISTED]:
        invitees = await seminars.invitees(seminar.id)
        waiting = sum(1 for i in invitees if i.rsvp is Rsvp.PENDING)
        parts = texts.parts(texts.overview(t, seminar, invitees, ward_names))
        for part in parts[:-1]:
            turn.reply(part)
        turn.reply(parts[-1], choices=card_choices(t, seminar, waiting))
    await ended_overview(turn)


async def ended_overview(turn: Turn) -> None:
    """The seminars that ended recently, each with its answers and its feedback (organisers only)."""
    t, seminars, shown = turn.t, turn.services.seminars, []
    for seminar in await seminars.recently_ended(turn.member):
        summary = await seminars.feedback_summary(turn.member, seminar.id)
        if summary is not None:
            shown.append((seminar, summary))
    if shown:
        turn.reply(t.gettext("<b>Seminars that ended recently</b>"))
    for seminar, summary in shown:
        invitees = await seminars.invitees(seminar.id)
        for part in texts.parts(texts.ended_overview(t, seminar, invitees, summary)):
            turn.reply(part)


async def nudge_pressed(turn: Turn, press: Nudge) -> None:
    """🔔 Remind those who have not answered (the reminders are queued with this turn)."""
    t = turn.t
    result = await turn.services.seminars.nudge(turn.member, press.seminar_id)
    if result.outcome is RsvpOutcome.OK:
        turn.toast(
            t.gettext("Sending a reminder to {count} people who have not answered.").format(
                count=t.number(result.invited)
            ),
            alert=True,
        )
        return
    if result.outcome is RsvpOutcome.UNCHANGED and result.seminar and result.seminar.last_nudged_at:
        text = t.gettext(
            "They were already reminded at {time}. You can remind them again an hour later."
        ).format(time=t.time(result.seminar.last_nudged_at))
    elif result.outcome is RsvpOutcome.NOT_FOUND and result.seminar is not None:
        text = t.gettext("Everyone has answered already.")
    else:
        text = texts.manage_refusal(t, result.outcome)
    turn.toast(text, alert=True)


async def checkin_pressed(turn: Turn, press: CheckIn) -> None:
    """📋 Check-in: open the seminar's check-in, then the trainings' QR poster and check-in choices."""
    t = turn.t
    opened = await turn.services.seminar_checkin.open(turn.member, press.seminar_id)
    if opened.outcome is not Outcome.OK or opened.training is None:
        refusals = {
            Outcome.DENIED: t.gettext("Only the organisers can open the check-in of a seminar."),
            Outcome.CANCELLED: t.gettext("That seminar has been cancelled."),
            Outcome.CLOSED: t.gettext("That seminar is over, so check-in is closed."),
        }
        turn.toast(refusals.get(opened.outcome, t.gettext("That seminar no longer exists.")), alert=True)
        return
    await qr_reply(turn, opened.training)
    turn.reply(
        card(t, opened.training)
        + "\n\n"
        + t.gettext(
            "Invitees who have not declined are on the list. Show the QR code at the venue; the live view "
            "shows who has arrived."
        ),
        choices=manage_choices(t, opened.training),
    )


async def pressed_on(turn: Turn, seminar_id: int, *, managing: bool = False) -> Seminar | None:
    """The seminar a choice is about; None (after the polite answer) when it is gone, or, `managing`, when
    the person may not manage seminars."""
    seminar = await turn.services.seminars.get(seminar_id)
    if seminar is None or (managing and not can(turn.member, Action.MANAGE_SEMINARS)):
        turn.stale()
        return None
    return seminar


async def move_pressed(turn: Turn, press: Reschedule) -> None:
    """🕒 Reschedule: ask for the new date and time."""
    t = turn.t
    seminar = await pressed_on(turn, press.seminar_id, managing=True)
    if seminar is None:
        return
    turn.begin(MOVE, "when", seminar_id=seminar.id)
    turn.reply(
        t.gettext("Rescheduling «{topic}» (now {when}). Type the new date and time, or /cancel.").format(
            topic=esc(seminar.topic), when=t.datetime(seminar.starts_at)
        )
    )


async def move_when_received(turn: Turn) -> None:
    """The new start, typed: refused politely, or read back before anyone is told."""
    seminar_id = turn.data["seminar_id"]
    when = typed_start(turn, turn.text)
    if isinstance(when, str):
        turn.reply(when)
        return
    turn.goto("confirm", starts_at=when.isoformat())
    question = N_("Move the seminar to <b>{when}</b>? Every invitee will be told.")
    ask_to_move(turn, when, question, RescheduleYes(seminar_id), RescheduleRetype(seminar_id))


async def move_retyped(turn: Turn, press: RescheduleRetype) -> None:
    if turn.data.get("seminar_id") != press.seminar_id:
        turn.stale()
        return
    turn.clear_choices()
    turn.goto("when", starts_at=None)
    turn.reply(turn.t.gettext("Please type the date and time again."))


async def move_confirmed(turn: Turn, press: RescheduleYes) -> None:
    """Move it: every invitee is told and the reminders follow the new time (queued with this turn)."""
    t, data = turn.t, turn.data
    if data.get("seminar_id") != press.seminar_id or not data.get("starts_at"):
        turn.stale()
        return
    turn.clear_choices()
    turn.end()
    result = await turn.services.seminars.reschedule(
        turn.member, press.seminar_id, datetime.fromisoformat(data["starts_at"])
    )
    if result.outcome is not RsvpOutcome.OK or result.seminar is None:
        turn.reply(texts.manage_refusal(t, result.outcome))
        return
    turn.reply(
        t.gettext(
            "✅ Moved to {when}. Every invitee is being told, and the reminders follow the new time."
        ).format(when=t.datetime(result.seminar.starts_at))
    )


async def cancel_pressed(turn: Turn, press: Cancel) -> None:
    """✖ Cancel the seminar: ask once more."""
    t = turn.t
    seminar = await pressed_on(turn, press.seminar_id)
    if seminar is None:
        return
    if not can(turn.member, Action.MANAGE_SEMINARS):
        turn.toast(texts.manage_refusal(t, RsvpOutcome.DENIED), alert=True)
        return
    turn.reply(
        t.gettext("Cancel «{topic}» on {when}? Every invitee will be told.").format(
            topic=esc(seminar.topic), when=t.datetime(seminar.starts_at)
        ),
        choices=rows(
            [
                Choice(t.gettext("✖ Yes, cancel it"), CancelYes(seminar.id)),
                Choice(t.gettext("« Keep it"), CancelKeep(seminar.id)),
            ]
        ),
    )


async def cancel_kept(turn: Turn, press: CancelKeep) -> None:
    if await pressed_on(turn, press.seminar_id) is not None:
        turn.edit(turn.t.gettext("The seminar stays as planned."))


async def cancel_confirmed(turn: Turn, press: CancelYes) -> None:
    """Call it off: every invitee is told and its check-in closes (with this turn)."""
    t = turn.t
    seminar = await pressed_on(turn, press.seminar_id)
    if seminar is None:
        return
    result = await turn.services.seminar_checkin.cancel(turn.member, seminar.id)
    if result.outcome is not RsvpOutcome.OK:
        turn.toast(texts.manage_refusal(t, result.outcome), alert=True)
        return
    turn.edit(
        t.gettext("✖ «{topic}» is cancelled. Every invitee is being told.").format(topic=esc(seminar.topic))
    )


async def reminder_offsets(turn: Turn) -> None:
    """/seminar_reminders [3d, 1d, 2h]: show or set when new seminars send reminders."""
    t, seminars = turn.t, turn.services.seminars
    if not can(turn.member, Action.MANAGE_SEMINARS):
        turn.reply(texts.manage_refusal(t, RsvpOutcome.DENIED))
        return
    typed = " ".join(turn.args).strip()
    if typed:
        offsets = parse_offsets(fold(typed))
        if offsets is None:
            turn.reply(
                t.gettext(
                    "I could not read that. Type up to 5 times before the start, separated by commas, each "
                    "between 15 minutes and 30 days, for example: /seminar_reminders 3 ngày, 1 ngày, 2 giờ"
                )
            )
            return
        await seminars.set_reminder_offsets(turn.member, offsets)
    listed = ", ".join(texts.lead_time(t, o) for o in await seminars.reminder_offsets())
    text = (
        t.gettext("New seminars will send reminders {offsets} before the start.")
        if typed
        else t.gettext(
            "Reminders are sent {offsets} before the start. To change this for new seminars, type for "
            "example: /seminar_reminders 3 ngày, 1 ngày, 2 giờ"
        )
    ).format(offsets=listed)
    turn.reply(text)


def register(router: Router) -> None:
    router.command("seminars", overview)
    router.command("seminar_reminders", reminder_offsets)
    router.choice(Nudge, nudge_pressed)
    router.choice(CheckIn, checkin_pressed)
    router.choice(Reschedule, move_pressed)
    router.choice(RescheduleYes, move_confirmed, dialog=MOVE, steps=("confirm",))
    router.choice(RescheduleRetype, move_retyped, dialog=MOVE, steps=("confirm",))
    router.choice(Cancel, cancel_pressed)
    router.choice(CancelYes, cancel_confirmed)
    router.choice(CancelKeep, cancel_kept)
    router.dialog(MOVE, {"when": Step(text=move_when_received), "confirm": Step(text=move_when_received)})
