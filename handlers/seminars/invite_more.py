"""'➕ Mời thêm' for a seminar: the shared dialog (handlers/invite_more_step.py) with the seminar's rules.

Nobody already invited is invited again or removed; the newly invited get the creation's invitation and the
later reminders.
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.core.attendance import Audience as Groups
from bot.core.permissions import Action
from bot.core.seminars import Rsvp, RsvpOutcome, Seminar
from bot.scheduler import run_due_tasks
from handlers.invite_more_step import InviteMoreStep
from handlers.registry import N_
from handlers.render import answer_stale, esc
from handlers.seminars import texts

P = "semi"


def refusal(ctx: BotContext, outcome: RsvpOutcome, seminar: Seminar | None) -> str:
    """Why nobody more can be invited now."""
    t = ctx.t
    if (
        outcome is RsvpOutcome.TOO_LATE
        and seminar is not None
        and ctx.services.clock.now() >= seminar.ends_at
    ):
        return t.gettext("That seminar is already over, so nobody more can be invited.")
    return {
        RsvpOutcome.DENIED: t.gettext("Only the organisers can manage seminars."),
        RsvpOutcome.CANCELLED: t.gettext("That seminar has been cancelled, so nobody more can be invited."),
        RsvpOutcome.TOO_LATE: t.gettext("That seminar has already started, so no new invitations were sent."),
        RsvpOutcome.UNCHANGED: t.gettext("Everyone you chose is already invited; nothing was changed."),
        RsvpOutcome.INVALID: t.gettext("Choose at least one, or press Everyone."),
    }.get(outcome, t.gettext("That seminar no longer exists."))


def whole_groups(seminar: Seminar) -> Groups:
    """The wards, roles and chapters the seminar already invites entirely, ticked from the start."""
    ward_ids, roles, chapter_ids = seminar.audience.whole_groups()
    return Groups(False, ward_ids, roles, chapter_ids)


async def begin(update: Update, ctx: BotContext, seminar_id: int) -> str | None:
    """How many are invited now, or None after refusing (cancelled, started, over)."""
    query, t = update.callback_query, ctx.t
    check = await ctx.services.seminars.invitable(ctx.member, seminar_id)
    if check.outcome is RsvpOutcome.NOT_FOUND:
        await answer_stale(update, t)
        return None
    if check.outcome is not RsvpOutcome.OK or check.seminar is None:
        await query.answer(refusal(ctx, check.outcome, check.seminar), show_alert=True)
        return None
    seminar = check.seminar
    invited = len(await ctx.services.seminars.invitees(seminar.id))
    return (
        t.gettext("<b>Invite more people: {topic}</b>").format(topic=esc(seminar.topic))
        + "\n"
        + t.ngettext("Invited now: {count} person.", "Invited now: {count} people.", invited).format(
            count=t.number(invited)
        )
        + "\n\n"
        + t.gettext(
            "Choose the wards, chapters or roles to add. Nobody already invited is removed "
            "or invited twice, and their answers stay as they are."
        )
    )


async def invited_groups(ctx: BotContext, seminar_id: int) -> Groups | None:
    seminar = await ctx.services.seminars.get(seminar_id)
    return whole_groups(seminar) if seminar else None


async def confirmed(update: Update, ctx: BotContext, seminar_id: int, added: Groups) -> None:
    """Invite the newly included; tell the organiser how many."""
    query, t = update.callback_query, ctx.t
    result = await ctx.services.seminars.invite_more(ctx.member, seminar_id, added)
    if result.outcome is not RsvpOutcome.OK or result.seminar is None:
        await query.edit_message_text(refusal(ctx, result.outcome, result.seminar))
        return
    seminar = result.seminar
    invitees = await ctx.services.seminars.invitees(seminar.id)
    waiting = sum(1 for i in invitees if i.rsvp is Rsvp.PENDING)
    done = t.ngettext(
        "✅ Invited {count} more person.", "✅ Invited {count} more people.", result.invited
    ).format(count=t.number(result.invited))
    total = t.ngettext("Invited now: {count} person.", "Invited now: {count} people.", len(invitees)).format(
        count=t.number(len(invitees))
    )
    await query.edit_message_text(f"{done}\n{total}", reply_markup=texts.manage_markup(t, seminar, waiting))
    await run_due_tasks(ctx.application)


STEP = InviteMoreStep(
    prefix=P,
    state_key="seminar_invite_more",
    action=Action.MANAGE_SEMINARS,
    denied=lambda ctx: refusal(ctx, RsvpOutcome.DENIED, None),
    begin=begin,
    invited=invited_groups,
    confirm=confirmed,
    review_note=N_("Those not invited yet will receive the seminar's invitation with the answer buttons."),
)
register = STEP.register
