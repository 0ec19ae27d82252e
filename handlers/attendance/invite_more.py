"""'➕ Mời thêm': an organiser invites more wards, roles or chapters to a session after creating it.

The audience only grows: people already invited (and registered) keep their place. The newly invited get
the same invitation as at creation. Buttons: v1:ti:<kind>:<training id>:<value>; the choice in progress is
kept in user_data and the presser is authorised again in the service on confirm.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.core.attendance import Outcome, TrainingResult
from bot.core.permissions import Action, can
from bot.i18n import Translator
from handlers import callbacks
from handlers.attendance.audience_picker import (
    ALREADY,
    audience_text,
    kind_rows,
    new_selection,
    pick,
    selected_audience,
)
from handlers.attendance.common import INVITE_MORE as P
from handlers.attendance.common import card, outcome_text, send_invitations
from handlers.attendance.organiser import manage_markup
from handlers.render import answer_stale, buttons, esc

STATE = "training_invite_more"


def refusal(t: Translator, outcome: Outcome) -> str:
    """Why more people cannot be invited now."""
    texts = {
        Outcome.CLOSED: t.gettext("That session has already ended, so nobody more can be invited."),
        Outcome.STARTED: t.gettext("That session has already started, so nobody more can register; no new "
                                   "invitations were sent."),
        Outcome.ALREADY_DONE: t.gettext("Everyone you chose is already invited; nothing was changed."),
        Outcome.INVALID: t.gettext("A seminar's check-in follows its seminar: invite people to the seminar "
                                   "instead."),
    }
    return texts.get(outcome) or outcome_text(t, outcome)


async def pressed(update: Update, ctx: BotContext) -> None:
    """Every button of the dialog; anyone may press any button, so the presser is checked first."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, P, 3)
    training_id = callbacks.parse_int(parts[1]) if parts else None
    if parts is None or training_id is None:
        await answer_stale(update, t)
        return
    if not can(ctx.member, Action.MANAGE_TRAINING):
        await query.answer(outcome_text(t, Outcome.DENIED), show_alert=True)
        return
    kind, value = parts[0], parts[2]
    if kind == "s":
        await start(update, ctx, training_id)
        return
    state = ctx.user_data.get(STATE)
    if not state or state["id"] != training_id:
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


async def start(update: Update, ctx: BotContext, training_id: int) -> None:
    """Show who is invited now and the kinds of people that can be added."""
    query, t = update.callback_query, ctx.t
    check = await ctx.services.attendance.invitable(ctx.member, training_id)
    if check.outcome is Outcome.NOT_FOUND:
        await answer_stale(update, t)
        return
    if check.outcome is Outcome.ALREADY_DONE:
        await query.answer(t.gettext("This session is already open to everyone."), show_alert=True)
        return
    if check.outcome is not Outcome.OK or check.training is None:
        await query.answer(refusal(t, check.outcome), show_alert=True)
        return
    training = check.training
    ctx.user_data[STATE] = {"id": training.id, "selection": new_selection()}
    await query.answer()
    await update.effective_message.reply_text(
        t.gettext("<b>Invite more people: {title}</b>").format(title=esc(training.title)) + "\n"
        + t.gettext("Invited now: {audience}").format(audience=await audience_text(ctx, t, training.audience))
        + "\n\n" + t.gettext("Choose the wards, chapters or roles to add. The list can only grow: nobody already "
                              "invited is removed, and everyone registered keeps their place."),
        reply_markup=buttons(kind_rows(t, data_for(training.id))))


def data_for(training_id: int):
    """Callback data of this session's dialog buttons."""
    def data(kind: str, value: object) -> str:
        return callbacks.encode(P, kind, training_id, value)
    return data


async def choose(update: Update, ctx: BotContext, state: dict, kind: str, value: str) -> None:
    """A list of wards, roles or chapters, or one of them ticked / unticked."""
    query, t = update.callback_query, ctx.t
    training = await ctx.services.attendance.get(state["id"])
    if training is None:
        await answer_stale(update, t)
        return
    rows = await pick(ctx, state["selection"], kind, value, data_for(training.id), invited=training.audience)
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
        await query.answer(t.gettext("Choose at least one, or press Everyone."), show_alert=True)
        return
    await query.answer()
    data = data_for(state["id"])
    await query.edit_message_text(
        t.gettext("Also invite: <b>{audience}</b>?\nThose newly included will receive the invitation with the "
                  "register buttons.").format(audience=await audience_text(ctx, t, added)),
        reply_markup=buttons([[(t.gettext("📣 Send the invitations"), data("ok", "-")),
                               (t.gettext("✖️ Stop"), data("x", "-"))]]))


async def confirmed(update: Update, ctx: BotContext, state: dict) -> None:
    """Widen the audience and invite the newly included."""
    query, t = update.callback_query, ctx.t
    added = selected_audience(state.get("selection") or {})
    ctx.user_data.pop(STATE, None)
    result: TrainingResult = await ctx.services.attendance.invite_more(ctx.member, state["id"], added)
    await query.answer()
    if result.outcome is not Outcome.OK or result.training is None:
        await query.edit_message_text(refusal(t, result.outcome))
        return
    training = result.training
    await send_invitations(ctx.application, training, result.notify)
    if result.notify:
        done = t.ngettext("✅ Invited {count} more person.", "✅ Invited {count} more people.",
                          len(result.notify)).format(count=t.number(len(result.notify)))
    else:
        done = t.gettext("✅ Saved. Nobody new to invite yet: the people you added are already invited or do not "
                         "use the bot yet.")
    invited = t.gettext("Invited now: {audience}").format(audience=await audience_text(ctx, t, training.audience))
    await query.edit_message_text(f"{done}\n{invited}\n\n{card(t, training)}",
                                  reply_markup=manage_markup(t, training))


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(pressed, pattern=callbacks.pattern(P)))
