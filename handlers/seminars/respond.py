"""Invitees: attend / not attend / send a replacement, and the feedback rating after the seminar."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.core.seminars import Rsvp, RsvpOutcome
from bot.core.text import fold
from bot.scheduler import run_due_tasks
from handlers import callbacks
from handlers.render import answer_stale, buttons, esc
from handlers.seminars import texts
from handlers.seminars.create import REPLACEMENT_NAME

REPLACING = "seminar_replacing"
MAX_SEARCH_RESULTS = 8
ANSWERS = {"y": Rsvp.YES, "n": Rsvp.NO}
ANSWER_LABELS = {Rsvp.YES: "✅", Rsvp.NO: "❌", Rsvp.PENDING: "⏳"}
MAX_LISTED = 10


def refusal(ctx: BotContext, outcome: RsvpOutcome) -> str:
    t = ctx.t
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


async def rsvp_pressed(update: Update, ctx: BotContext) -> None:
    """✅ Tham dự / ❌ Không tham dự."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, "semr", 2)
    seminar_id = callbacks.parse_int(parts[0]) if parts else None
    if seminar_id is None or parts is None or parts[1] not in ANSWERS:
        await answer_stale(update, t)
        return
    result = await ctx.services.seminars.answer(ctx.member, seminar_id, ANSWERS[parts[1]])
    if result.outcome not in (RsvpOutcome.OK, RsvpOutcome.UNCHANGED):
        await query.answer(refusal(ctx, result.outcome), show_alert=True)
        return
    assert result.seminar is not None
    if ANSWERS[parts[1]] is Rsvp.YES:
        text = t.gettext("Thank you! You will attend «{topic}». I will remind you before it starts.")
    else:
        text = t.gettext("Noted: you will not attend «{topic}». You can change your answer until the start.")
    await query.answer(text.format(topic=result.seminar.topic)[:200])
    await update.effective_message.reply_text(text.format(topic=esc(result.seminar.topic)))


async def replacement_pressed(update: Update, ctx: BotContext) -> int:
    """👤 Cử người thay: ask for the replacement's name."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, "semr", 2)
    seminar_id = callbacks.parse_int(parts[0]) if parts else None
    if seminar_id is None:
        await answer_stale(update, t)
        return ConversationHandler.END
    result = await ctx.services.seminars.may_delegate(ctx.member, seminar_id)
    if result.outcome is not RsvpOutcome.OK:
        await query.answer(refusal(ctx, result.outcome), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    ctx.user_data[REPLACING] = seminar_id
    await update.effective_message.reply_text(
        t.gettext("Who will attend in your place? Type part of their name (accents optional), or /cancel.")
    )
    return REPLACEMENT_NAME


async def replacement_name_received(update: Update, ctx: BotContext) -> int:
    t, seminar_id = ctx.t, ctx.user_data.get(REPLACING)
    if seminar_id is None:
        return ConversationHandler.END
    text = (update.effective_message.text or "").strip()
    if not 2 <= len(text) <= 80:
        await update.effective_message.reply_text(
            t.gettext("Please type between 2 and 80 letters of the name.")
        )
        return REPLACEMENT_NAME
    found = [
        m
        for m in await ctx.services.member_store.search(fold(text), limit=MAX_SEARCH_RESULTS + 1)
        if ctx.member is None or m.id != ctx.member.id
    ][:MAX_SEARCH_RESULTS]
    if not found:
        await update.effective_message.reply_text(
            t.gettext("No active member matches «{query}». Type another part of the name.").format(
                query=esc(text)
            )
        )
        return REPLACEMENT_NAME
    ctx.user_data.pop(REPLACING, None)
    await update.effective_message.reply_text(
        t.gettext("Tap the person who will attend in your place:"),
        reply_markup=buttons([[(m.full_name, callbacks.encode("semp", seminar_id, m.id))] for m in found]),
    )
    return ConversationHandler.END


async def replacement_chosen(update: Update, ctx: BotContext) -> None:
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, "semp", 2)
    ids = [callbacks.parse_int(p) for p in parts] if parts else []
    if len(ids) != 2 or None in ids:
        await answer_stale(update, t)
        return
    seminar_id, replacement_id = ids
    assert seminar_id is not None and replacement_id is not None
    result = await ctx.services.seminars.delegate(ctx.member, seminar_id, replacement_id)
    if result.outcome is not RsvpOutcome.OK or result.replacement is None or result.seminar is None:
        await query.answer(refusal(ctx, result.outcome), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(
        t.gettext("Thank you. {name} will receive the invitation to «{topic}» in your place.").format(
            name=esc(result.replacement.full_name), topic=esc(result.seminar.topic)
        )
    )
    await run_due_tasks(ctx.application)


async def rating_pressed(update: Update, ctx: BotContext) -> None:
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, "semf", 2)
    ids = [callbacks.parse_int(p) for p in parts] if parts else []
    if len(ids) != 2 or None in ids:
        await answer_stale(update, t)
        return
    seminar_id, rating = ids
    assert seminar_id is not None and rating is not None
    attended = await ctx.services.seminar_checkin.attended(seminar_id, ctx.member.id) if ctx.member else False
    result = await ctx.services.seminars.rate(ctx.member, seminar_id, rating, attended=attended)
    if result.outcome not in (RsvpOutcome.OK, RsvpOutcome.UNCHANGED):
        messages = {RsvpOutcome.NOT_INVITED: t.gettext("Only those who attended can rate this seminar.")}
        await query.answer(
            messages.get(result.outcome, t.gettext("This button is no longer valid.")), show_alert=True
        )
        return
    await query.answer()
    await query.edit_message_text(t.gettext("Thank you for your feedback: {rating}/5.").format(rating=rating))


async def my_invitations(update: Update, ctx: BotContext) -> None:
    """/my_seminars: the seminars I am invited to, my answer, and the buttons to change it."""
    t = ctx.t
    invitations = await ctx.services.seminars.my_invitations(ctx.member)
    if not invitations:
        await update.effective_message.reply_text(t.gettext("You have no upcoming seminar invitations."))
        return
    for seminar, answer in invitations[:MAX_LISTED]:
        if answer is Rsvp.YES:
            line = t.gettext("Your answer: attending.")
        elif answer is Rsvp.NO:
            line = t.gettext("Your answer: not attending.")
        else:
            line = t.gettext("You have not answered yet.")
        await update.effective_message.reply_text(
            texts.details(t, seminar) + "\n\n" + ANSWER_LABELS[answer] + " " + line,
            reply_markup=texts.rsvp_markup(t, seminar.id),
        )
