"""Organisers: /seminars overview, nudge, reschedule, cancel, and the reminder offsets."""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.core.attendance import Outcome
from bot.core.permissions import Action, can
from bot.core.seminars import Rsvp, RsvpOutcome, parse_offsets
from bot.core.text import fold
from bot.scheduler import run_due_tasks
from handlers import callbacks
from handlers.attendance import organiser
from handlers.attendance.common import card
from handlers.render import answer_stale, buttons, esc
from handlers.seminars import texts
from handlers.seminars.create import MOVE_CONFIRM, MOVE_WHEN
from handlers.when_step import typed_start

MOVE = "seminar_move"
MAX_LISTED = 10


def outcome_text(ctx: BotContext, outcome: RsvpOutcome) -> str:
    t = ctx.t
    return {
        RsvpOutcome.DENIED: t.gettext("Only the organisers can manage seminars."),
        RsvpOutcome.NOT_FOUND: t.gettext("That seminar no longer exists."),
        RsvpOutcome.CANCELLED: t.gettext("That seminar has been cancelled."),
        RsvpOutcome.TOO_LATE: t.gettext("That seminar has already started."),
        RsvpOutcome.INVALID: t.gettext("The new time must be in the future."),
        RsvpOutcome.UNCHANGED: t.gettext("Nothing changed."),
    }.get(outcome, t.gettext("Nothing changed."))


async def overview(update: Update, ctx: BotContext) -> None:
    """/seminars: each upcoming seminar with its answers by ward and buttons to manage it, then the seminars
    that ended in the last month with their feedback."""
    t = ctx.t
    if not can(ctx.member, Action.MANAGE_SEMINARS):
        await update.effective_message.reply_text(
            t.gettext(
                "Only the organisers can see the seminar overview. Your invitations come to you as messages."
            )
        )
        return
    seminars = await ctx.services.seminars.upcoming()
    if not seminars:
        await update.effective_message.reply_text(
            t.gettext("No seminar is coming up. Create one with /seminar_new.")
        )
    ward_names = {w.id: w.name for w in await ctx.services.org.wards(include_inactive=True)}
    for seminar in seminars[:MAX_LISTED]:
        invitees = await ctx.services.seminars.invitees(seminar.id)
        waiting = sum(1 for i in invitees if i.rsvp is Rsvp.PENDING)
        parts = texts.split_for_markup(texts.overview(t, seminar, invitees, ward_names))
        for index, part in enumerate(parts):
            markup = texts.manage_markup(t, seminar, waiting) if index == len(parts) - 1 else None
            await update.effective_message.reply_text(part, reply_markup=markup)
    await ended_overview(update, ctx)


async def ended_overview(update: Update, ctx: BotContext) -> None:
    """The seminars that ended recently, each with its answers and its feedback (organisers only)."""
    t, shown = ctx.t, []
    for seminar in await ctx.services.seminars.recently_ended(ctx.member):
        summary = await ctx.services.seminars.feedback_summary(ctx.member, seminar.id)
        if summary is not None:
            shown.append((seminar, summary))
    if shown:
        await update.effective_message.reply_text(t.gettext("<b>Seminars that ended recently</b>"))
    for seminar, summary in shown:
        invitees = await ctx.services.seminars.invitees(seminar.id)
        for part in texts.split_for_markup(texts.ended_overview(t, seminar, invitees, summary)):
            await update.effective_message.reply_text(part)


def _seminar_id(update: Update, action: str) -> int | None:
    parts = callbacks.decode(update.callback_query.data, "semo", 2)
    return callbacks.parse_int(parts[1]) if parts and parts[0] == action else None


async def nudge_pressed(update: Update, ctx: BotContext) -> None:
    query, t = update.callback_query, ctx.t
    seminar_id = _seminar_id(update, "n")
    if seminar_id is None:
        await answer_stale(update, t)
        return
    result = await ctx.services.seminars.nudge(ctx.member, seminar_id)
    if result.outcome is RsvpOutcome.OK:
        await query.answer(
            t.gettext("Sending a reminder to {count} people who have not answered.").format(
                count=t.number(result.invited)
            ),
            show_alert=True,
        )
        await run_due_tasks(ctx.application)
        return
    if result.outcome is RsvpOutcome.UNCHANGED and result.seminar and result.seminar.last_nudged_at:
        text = t.gettext(
            "They were already reminded at {time}. You can remind them again an hour later."
        ).format(time=t.time(result.seminar.last_nudged_at))
    elif result.outcome is RsvpOutcome.NOT_FOUND and result.seminar is not None:
        text = t.gettext("Everyone has answered already.")
    else:
        text = outcome_text(ctx, result.outcome)
    await query.answer(text, show_alert=True)


async def checkin_pressed(update: Update, ctx: BotContext) -> None:
    """📋 Check-in: open the seminar's check-in, then the trainings' QR poster and check-in buttons."""
    query, t = update.callback_query, ctx.t
    seminar_id = _seminar_id(update, "ci")
    if seminar_id is None:
        await answer_stale(update, t)
        return
    opened = await ctx.services.seminar_checkin.open(ctx.member, seminar_id)
    if opened.outcome is not Outcome.OK or opened.training is None:
        refusals = {
            Outcome.DENIED: t.gettext("Only the organisers can open the check-in of a seminar."),
            Outcome.CANCELLED: t.gettext("That seminar has been cancelled."),
            Outcome.CLOSED: t.gettext("That seminar is over, so check-in is closed."),
        }
        await query.answer(
            refusals.get(opened.outcome, t.gettext("That seminar no longer exists.")), show_alert=True
        )
        return
    await organiser.send_qr(update, ctx, opened.training, "-")
    await update.effective_message.reply_text(
        card(t, opened.training)
        + "\n\n"
        + t.gettext(
            "Invitees who have not declined are on the list. Show the QR code at the venue; the live view "
            "shows who has arrived."
        ),
        reply_markup=organiser.manage_markup(t, opened.training),
    )


async def move_pressed(update: Update, ctx: BotContext) -> int:
    """🕒 Reschedule: ask for the new date and time."""
    query, t = update.callback_query, ctx.t
    seminar_id = _seminar_id(update, "m")
    seminar = await ctx.services.seminars.get(seminar_id) if seminar_id else None
    if seminar is None or not can(ctx.member, Action.MANAGE_SEMINARS):
        await answer_stale(update, t)
        return ConversationHandler.END
    await query.answer()
    ctx.user_data[MOVE] = {"id": seminar.id}
    await update.effective_message.reply_text(
        t.gettext("Rescheduling «{topic}» (now {when}). Type the new date and time, or /cancel.").format(
            topic=esc(seminar.topic), when=t.datetime(seminar.starts_at)
        )
    )
    return MOVE_WHEN


async def move_when_received(update: Update, ctx: BotContext) -> int:
    t, move = ctx.t, ctx.user_data.get(MOVE)
    if move is None:
        return ConversationHandler.END
    when = typed_start(ctx, update.effective_message.text or "")
    if isinstance(when, str):
        await update.effective_message.reply_text(when)
        return MOVE_WHEN
    move["starts_at"] = when.isoformat()
    await update.effective_message.reply_text(
        t.gettext("Move the seminar to <b>{when}</b>? Every invitee will be told.").format(
            when=t.datetime(when)
        ),
        reply_markup=buttons(
            [
                [
                    (t.gettext("✅ Yes, move it"), callbacks.encode("semo", "mo", move["id"])),
                    (t.gettext("✏️ Type again"), callbacks.encode("semo", "mr", move["id"])),
                ]
            ]
        ),
    )
    return MOVE_CONFIRM


async def move_confirmed(update: Update, ctx: BotContext) -> int:
    query, t, move = update.callback_query, ctx.t, ctx.user_data.get(MOVE)
    parts = callbacks.decode(query.data, "semo", 2)
    if (
        move is None
        or parts is None
        or parts[0] not in ("mo", "mr")
        or parts[1] != str(move["id"])
        or "starts_at" not in move
    ):
        await answer_stale(update, t)
        return MOVE_CONFIRM
    await query.answer()
    await query.edit_message_reply_markup(None)
    if parts[0] == "mr":
        await update.effective_message.reply_text(t.gettext("Please type the date and time again."))
        return MOVE_WHEN
    ctx.user_data.pop(MOVE, None)
    result = await ctx.services.seminars.reschedule(
        ctx.member, move["id"], datetime.fromisoformat(move["starts_at"])
    )
    if result.outcome is not RsvpOutcome.OK or result.seminar is None:
        await update.effective_message.reply_text(outcome_text(ctx, result.outcome))
        return ConversationHandler.END
    await update.effective_message.reply_text(
        t.gettext(
            "✅ Moved to {when}. Every invitee is being told, and the reminders follow the new time."
        ).format(when=t.datetime(result.seminar.starts_at))
    )
    await run_due_tasks(ctx.application)
    return ConversationHandler.END


async def cancel_pressed(update: Update, ctx: BotContext) -> None:
    """✖ Cancel the seminar: ask once more."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, "semo", 2)
    seminar_id = callbacks.parse_int(parts[1]) if parts and parts[0] in ("x", "xx", "xk") else None
    seminar = await ctx.services.seminars.get(seminar_id) if seminar_id else None
    if seminar is None or parts is None:
        await answer_stale(update, t)
        return
    if parts[0] == "x":
        if not can(ctx.member, Action.MANAGE_SEMINARS):
            await query.answer(outcome_text(ctx, RsvpOutcome.DENIED), show_alert=True)
            return
        await query.answer()
        await update.effective_message.reply_text(
            t.gettext("Cancel «{topic}» on {when}? Every invitee will be told.").format(
                topic=esc(seminar.topic), when=t.datetime(seminar.starts_at)
            ),
            reply_markup=buttons(
                [
                    [
                        (t.gettext("✖ Yes, cancel it"), callbacks.encode("semo", "xx", seminar.id)),
                        (t.gettext("« Keep it"), callbacks.encode("semo", "xk", seminar.id)),
                    ]
                ]
            ),
        )
        return
    if parts[0] == "xk":
        await query.answer()
        await query.edit_message_text(t.gettext("The seminar stays as planned."))
        return
    result = await ctx.services.seminars.cancel(ctx.member, seminar.id)
    if result.outcome is not RsvpOutcome.OK:
        await query.answer(outcome_text(ctx, result.outcome), show_alert=True)
        return
    await ctx.services.seminar_checkin.close_if_cancelled(seminar.id)
    await query.answer()
    await query.edit_message_text(
        t.gettext("✖ «{topic}» is cancelled. Every invitee is being told.").format(topic=esc(seminar.topic))
    )
    await run_due_tasks(ctx.application)


async def reminder_offsets(update: Update, ctx: BotContext) -> None:
    """/seminar_reminders [3d, 1d, 2h]: show or set when new seminars send reminders."""
    t = ctx.t
    if not can(ctx.member, Action.MANAGE_SEMINARS):
        await update.effective_message.reply_text(outcome_text(ctx, RsvpOutcome.DENIED))
        return
    typed = " ".join(ctx.args or []).strip()
    if typed:
        offsets = parse_offsets(fold(typed))
        if offsets is None:
            await update.effective_message.reply_text(
                t.gettext(
                    "I could not read that. Type up to 5 times before the start, separated by commas, each "
                    "between 15 minutes and 30 days, for example: /seminar_reminders 3 ngày, 1 ngày, 2 giờ"
                )
            )
            return
        await ctx.services.seminars.set_reminder_offsets(ctx.member, offsets)
    current = await ctx.services.seminars.reminder_offsets()
    listed = ", ".join(texts.lead_time(t, o) for o in current)
    text = (
        t.gettext("New seminars will send reminders {offsets} before the start.")
        if typed
        else t.gettext(
            "Reminders are sent {offsets} before the start. To change this for new seminars, type for "
            "example: /seminar_reminders 3 ngày, 1 ngày, 2 giờ"
        )
    ).format(offsets=listed)
    await update.effective_message.reply_text(text)
