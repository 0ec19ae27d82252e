"""'➕ Mời thêm' for a seminar: the organiser adds wards, roles or chapters after creating it.

Same picker as the trainings' (handlers.attendance.audience_picker). Nobody already invited is invited again
or removed; the newly invited get the creation's invitation and the later reminders. Buttons:
v1:semi:<kind>:<seminar id>:<value>; the choice in progress is kept in user_data and the presser is
authorised again in the service on confirm.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.core.attendance import Audience as Groups
from bot.core.permissions import Action, can
from bot.core.seminars import Rsvp, RsvpOutcome, Seminar
from bot.scheduler import run_due_tasks
from handlers import callbacks
from handlers.attendance.audience_picker import (
    ALREADY,
    audience_text,
    kind_rows,
    new_selection,
    pick,
    selected_audience,
)
from handlers.render import answer_stale, buttons, esc
from handlers.seminars import texts

P = "semi"
STATE = "seminar_invite_more"


def refusal(ctx: BotContext, outcome: RsvpOutcome, seminar: Seminar | None) -> str:
    """Why nobody more can be invited now."""
    t = ctx.t
    if outcome is RsvpOutcome.TOO_LATE and seminar is not None and ctx.services.clock.now() >= seminar.ends_at:
        return t.gettext("That seminar is already over, so nobody more can be invited.")
    return {
        RsvpOutcome.DENIED: t.gettext("Only the organisers can manage seminars."),
        RsvpOutcome.CANCELLED: t.gettext("That seminar has been cancelled, so nobody more can be invited."),
        RsvpOutcome.TOO_LATE: t.gettext("That seminar has already started, so no new invitations were sent."),
        RsvpOutcome.UNCHANGED: t.gettext("Everyone you chose is already invited; nothing was changed."),
        RsvpOutcome.INVALID: t.gettext("Choose at least one, or press Everyone."),
    }.get(outcome, t.gettext("That seminar no longer exists."))


def data_for(seminar_id: int):
    """Callback data of this seminar's dialog buttons."""
    def data(kind: str, value: object) -> str:
        return callbacks.encode(P, kind, seminar_id, value)
    return data


def whole_groups(seminar: Seminar) -> Groups:
    """The wards, roles and chapters the seminar already invites entirely, ticked from the start."""
    ward_ids, roles, chapter_ids = seminar.audience.whole_groups()
    return Groups(False, ward_ids, roles, chapter_ids)


async def pressed(update: Update, ctx: BotContext) -> None:
    """Every button of the dialog; anyone may press any button, so the presser is checked first."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, P, 3)
    seminar_id = callbacks.parse_int(parts[1]) if parts else None
    if parts is None or seminar_id is None:
        await answer_stale(update, t)
        return
    if not can(ctx.member, Action.MANAGE_SEMINARS):
        await query.answer(refusal(ctx, RsvpOutcome.DENIED, None), show_alert=True)
        return
    kind, value = parts[0], parts[2]
    if kind == "s":
        await start(update, ctx, seminar_id)
        return
    state = ctx.user_data.get(STATE)
    if not state or state["id"] != seminar_id:
        await answer_stale(update, t)
        return
    if kind == "ok":
        await confirmed(update, ctx, state)
    elif kind == "x":
        ctx.user_data.pop(STATE, None)
        await query.answer()
        await query.edit_message_text(t.gettext("Stopped. Nobody more was invited."))
    elif kind == "a" and value in ("all", "done"):
        await review(update, ctx, state, everyone=value == "all")
    else:
        await choose(update, ctx, state, kind, value)


async def start(update: Update, ctx: BotContext, seminar_id: int) -> None:
    """Say how many are invited now and offer the kinds of people that can be added."""
    query, t = update.callback_query, ctx.t
    check = await ctx.services.seminars.invitable(ctx.member, seminar_id)
    if check.outcome is RsvpOutcome.NOT_FOUND:
        await answer_stale(update, t)
        return
    if check.outcome is not RsvpOutcome.OK or check.seminar is None:
        await query.answer(refusal(ctx, check.outcome, check.seminar), show_alert=True)
        return
    seminar = check.seminar
    invited = len(await ctx.services.seminars.invitees(seminar.id))
    ctx.user_data[STATE] = {"id": seminar.id, "selection": new_selection()}
    await query.answer()
    await update.effective_message.reply_text(
        t.gettext("<b>Invite more people: {topic}</b>").format(topic=esc(seminar.topic)) + "\n"
        + t.ngettext("Invited now: {count} person.", "Invited now: {count} people.", invited).format(
            count=t.number(invited))
        + "\n\n" + t.gettext("Choose the wards, chapters or roles to add. Nobody already invited is removed or "
                              "invited twice, and their answers stay as they are."),
        reply_markup=buttons(kind_rows(t, data_for(seminar.id))))


async def choose(update: Update, ctx: BotContext, state: dict, kind: str, value: str) -> None:
    """A list of wards, roles or chapters, or one of them ticked / unticked."""
    query, t = update.callback_query, ctx.t
    seminar = await ctx.services.seminars.get(state["id"])
    if seminar is None:
        await answer_stale(update, t)
        return
    rows = await pick(ctx, state["selection"], kind, value, data_for(seminar.id), invited=whole_groups(seminar))
    if rows == ALREADY:
        await query.answer(t.gettext("Already invited: people cannot be removed from the invitation."),
                           show_alert=True)
        return
    if not isinstance(rows, list):
        await answer_stale(update, t)
        return
    await query.answer()
    await query.edit_message_text(t.gettext("Tap to select or unselect, then press Done. Ticked from the start: "
                                            "already invited."), reply_markup=buttons(rows))


async def review(update: Update, ctx: BotContext, state: dict, *, everyone: bool) -> None:
    """Read the addition back before anyone is invited."""
    query, t = update.callback_query, ctx.t
    if everyone:
        state["selection"] = {"all": True}
    added = selected_audience(state["selection"])
    if added.empty:
        await query.answer(refusal(ctx, RsvpOutcome.INVALID, None), show_alert=True)
        return
    await query.answer()
    data = data_for(state["id"])
    await query.edit_message_text(
        t.gettext("Also invite: <b>{audience}</b>?\nThose not invited yet will receive the seminar's invitation "
                  "with the answer buttons.").format(audience=await audience_text(ctx, t, added)),
        reply_markup=buttons([[(t.gettext("📣 Send the invitations"), data("ok", "-")),
                               (t.gettext("✖️ Stop"), data("x", "-"))]]))


async def confirmed(update: Update, ctx: BotContext, state: dict) -> None:
    """Invite the newly included; tell the organiser how many."""
    query, t = update.callback_query, ctx.t
    added = selected_audience(state.get("selection") or {})
    ctx.user_data.pop(STATE, None)
    result = await ctx.services.seminars.invite_more(ctx.member, state["id"], added)
    await query.answer()
    if result.outcome is not RsvpOutcome.OK or result.seminar is None:
        await query.edit_message_text(refusal(ctx, result.outcome, result.seminar))
        return
    seminar = result.seminar
    invitees = await ctx.services.seminars.invitees(seminar.id)
    waiting = sum(1 for i in invitees if i.rsvp is Rsvp.PENDING)
    done = t.ngettext("✅ Invited {count} more person.", "✅ Invited {count} more people.",
                      result.invited).format(count=t.number(result.invited))
    total = t.ngettext("Invited now: {count} person.", "Invited now: {count} people.", len(invitees)).format(
        count=t.number(len(invitees)))
    await query.edit_message_text(f"{done}\n{total}", reply_markup=texts.manage_markup(t, seminar, waiting))
    await run_due_tasks(ctx.application)


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(pressed, pattern=callbacks.pattern(P)))
