"""'➕ Mời thêm' for a training session: the shared dialog (handlers/invite_more_step.py) with the session's
rules.

The audience only grows: people already invited (and registered) keep their place. The newly invited get
the same invitation as at creation.
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.core.attendance import Audience, Outcome, TrainingResult
from bot.core.permissions import Action
from bot.i18n import Translator
from handlers.attendance.audience_picker import audience_text
from handlers.attendance.common import INVITE_MORE as P
from handlers.attendance.common import card, outcome_text, send_invitations
from handlers.attendance.organiser import manage_markup
from handlers.invite_more_step import InviteMoreStep
from handlers.registry import N_
from handlers.render import answer_stale, esc


def refusal(t: Translator, outcome: Outcome) -> str:
    """Why more people cannot be invited now."""
    texts = {
        Outcome.CLOSED: t.gettext("That session has already ended, so nobody more can be invited."),
        Outcome.STARTED: t.gettext(
            "That session has already started, so nobody more can register; no new invitations were sent."
        ),
        Outcome.ALREADY_DONE: t.gettext("Everyone you chose is already invited; nothing was changed."),
        Outcome.INVALID: t.gettext(
            "A seminar's check-in follows its seminar: invite people to the seminar instead."
        ),
    }
    return texts.get(outcome) or outcome_text(t, outcome)


async def begin(update: Update, ctx: BotContext, training_id: int) -> str | None:
    """Who is invited now, or None after refusing (ended, started, cancelled, already open to everyone)."""
    query, t = update.callback_query, ctx.t
    check = await ctx.services.attendance.invitable(ctx.member, training_id)
    if check.outcome is Outcome.NOT_FOUND:
        await answer_stale(update, t)
        return None
    if check.outcome is Outcome.ALREADY_DONE:
        await query.answer(t.gettext("This session is already open to everyone."), show_alert=True)
        return None
    if check.outcome is not Outcome.OK or check.training is None:
        await query.answer(refusal(t, check.outcome), show_alert=True)
        return None
    training = check.training
    return (
        t.gettext("<b>Invite more people: {title}</b>").format(title=esc(training.title))
        + "\n"
        + t.gettext("Invited now: {audience}").format(audience=await audience_text(ctx, t, training.audience))
        + "\n\n"
        + t.gettext(
            "Choose the wards, chapters or roles to add. The list can only grow: nobody "
            "already invited is removed, and everyone registered keeps their place."
        )
    )


async def invited(ctx: BotContext, training_id: int) -> Audience | None:
    training = await ctx.services.attendance.get(training_id)
    return training.audience if training else None


async def confirmed(update: Update, ctx: BotContext, training_id: int, added: Audience) -> None:
    """Widen the audience and invite the newly included."""
    query, t = update.callback_query, ctx.t
    result: TrainingResult = await ctx.services.attendance.invite_more(ctx.member, training_id, added)
    if result.outcome is not Outcome.OK or result.training is None:
        await query.edit_message_text(refusal(t, result.outcome))
        return
    training = result.training
    await send_invitations(ctx.application, training, result.notify)
    if result.notify:
        done = t.ngettext(
            "✅ Invited {count} more person.", "✅ Invited {count} more people.", len(result.notify)
        ).format(count=t.number(len(result.notify)))
    else:
        done = t.gettext(
            "✅ Saved. Nobody new to invite yet: the people you added are already invited or do not "
            "use the bot yet."
        )
    now = t.gettext("Invited now: {audience}").format(audience=await audience_text(ctx, t, training.audience))
    await query.edit_message_text(
        f"{done}\n{now}\n\n{card(t, training)}", reply_markup=manage_markup(t, training)
    )


STEP = InviteMoreStep(
    prefix=P,
    state_key="training_invite_more",
    action=Action.MANAGE_TRAINING,
    denied=lambda ctx: outcome_text(ctx.t, Outcome.DENIED),
    begin=begin,
    invited=invited,
    confirm=confirmed,
    review_note=N_("Those newly included will receive the invitation with the register buttons."),
)
register = STEP.register
