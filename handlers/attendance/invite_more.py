"""'➕ Mời thêm' for a training session: the shared dialog (handlers/invite_more_step.py) with the session's
rules.

The audience only grows: people already invited (and registered) keep their place. The newly invited get
the same invitation as at creation, queued in the turn that widens the audience.
"""

from __future__ import annotations

from bot.conversation.tokens import token
from bot.conversation.turn import Turn
from bot.core.attendance import Outcome
from bot.core.audience import Audience
from bot.core.permissions import Action
from bot.i18n import N_, Translator
from bot.views.attendance.texts import card, outcome_text
from handlers.attendance.common import queue_invitations
from handlers.audience_picker import EventPick, audience_text
from handlers.invite_more_step import Invitable, InviteMoreStep


@token("ti")
class InvitePress(EventPick):
    """'v1:ti:<action>:<training id>:<value>' (the card's '➕ Invite more' is 'v1:ti:s:<id>:-')."""


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


async def begin(turn: Turn, training_id: int) -> Invitable | str | None:
    """Who is invited now, or why nobody more can be (ended, started, cancelled, already open to everyone)."""
    t = turn.t
    check = await turn.services.attendance.invitable(turn.member, training_id)
    if check.outcome is Outcome.NOT_FOUND:
        return None
    if check.outcome is Outcome.ALREADY_DONE:
        return t.gettext("This session is already open to everyone.")
    if check.outcome is not Outcome.OK or check.training is None:
        return refusal(t, check.outcome)
    training = check.training
    invited_now = t.gettext("Invited now: {audience}").format(
        audience=await audience_text(turn, t, training.audience)
    )
    return Invitable(training.title, invited_now, training.audience)


async def confirmed(turn: Turn, training_id: int, added: Audience) -> None:
    """Widen the audience and, in the same turn, invite the newly included."""
    from handlers.attendance.organiser import manage_choices  # the card's choices include this dialog's

    t = turn.t
    result = await turn.services.attendance.invite_more(turn.member, training_id, added)
    training = result.training
    if result.outcome is not Outcome.OK or training is None:
        turn.edit(refusal(t, result.outcome))
        return
    await queue_invitations(turn, training, result.notify)
    if result.notify:
        done = t.ngettext(
            "✅ Invited {count} more person.", "✅ Invited {count} more people.", len(result.notify)
        ).format(count=t.number(len(result.notify)))
    else:
        done = t.gettext(
            "✅ Saved. Nobody new to invite yet: the people you added are already invited or do not "
            "use the bot yet."
        )
    now = t.gettext("Invited now: {audience}").format(
        audience=await audience_text(turn, t, training.audience)
    )
    turn.edit(f"{done}\n{now}\n\n{card(t, training)}", choices=manage_choices(t, training))


STEP = InviteMoreStep(
    token=InvitePress,
    action=Action.MANAGE_TRAINING,
    denied=lambda turn: outcome_text(turn.t, Outcome.DENIED),
    begin=begin,
    rules=N_(
        "Choose the wards, chapters or roles to add. The list can only grow: nobody already invited is "
        "removed, and everyone registered keeps their place."
    ),
    confirm=confirmed,
    review_note=N_("Those newly included will receive the invitation with the register buttons."),
)
register = STEP.register
