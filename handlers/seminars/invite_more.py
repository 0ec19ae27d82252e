"""'➕ Mời thêm' for a seminar: the shared dialog (handlers/invite_more_step.py) with the seminar's rules.

Nobody already invited is invited again or removed; the newly invited get the creation's invitation (queued
with the confirming turn) and the later reminders.
"""

from __future__ import annotations

from bot.conversation.replies import Choices
from bot.conversation.tokens import token
from bot.conversation.turn import Turn
from bot.core.audience import Audience
from bot.core.permissions import Action
from bot.core.seminars.models import Rsvp, RsvpOutcome, Seminar
from bot.i18n import N_, Translator
from bot.views.seminars import texts
from handlers.audience_picker import EventPick
from handlers.invite_more_step import Invitable, InviteMoreStep
from handlers.seminars.choices import organiser_choices


@token("semi")
class InvitePress(EventPick):
    """'v1:semi:<action>:<seminar id>:<value>' (the card's '➕ Invite more' is 'v1:semi:s:<id>:-')."""


def refusal(turn: Turn, outcome: RsvpOutcome, seminar: Seminar | None) -> str:
    return texts.invite_more_refusal(turn.t, outcome, seminar, turn.now)


async def begin(turn: Turn, seminar_id: int) -> Invitable | str | None:
    """How many are invited now, or why nobody more can be (cancelled, started, over)."""
    t = turn.t
    check = await turn.services.seminars.invitable(turn.member, seminar_id)
    if check.outcome is RsvpOutcome.NOT_FOUND:
        return None
    if check.outcome is not RsvpOutcome.OK or check.seminar is None:
        return refusal(turn, check.outcome, check.seminar)
    seminar = check.seminar
    invited = len(await turn.services.seminars.invitees(seminar.id))
    invited_now = t.ngettext("Invited now: {count} person.", "Invited now: {count} people.", invited).format(
        count=t.number(invited)
    )
    return Invitable(seminar.topic, invited_now, seminar.audience)


async def confirmed(turn: Turn, seminar_id: int, added: Audience) -> None:
    """Invite the newly included (their invitations are queued with this turn); tell the organiser."""
    t = turn.t
    result = await turn.services.seminars.invite_more(turn.member, seminar_id, added)
    if result.outcome is not RsvpOutcome.OK or result.seminar is None:
        turn.edit(refusal(turn, result.outcome, result.seminar))
        return
    seminar = result.seminar
    invitees = await turn.services.seminars.invitees(seminar.id)
    waiting = sum(1 for i in invitees if i.rsvp is Rsvp.PENDING)
    done = t.ngettext(
        "✅ Invited {count} more person.", "✅ Invited {count} more people.", result.invited
    ).format(count=t.number(result.invited))
    total = t.ngettext("Invited now: {count} person.", "Invited now: {count} people.", len(invitees)).format(
        count=t.number(len(invitees))
    )
    turn.edit(f"{done}\n{total}", choices=card_choices(t, seminar, waiting))


STEP = InviteMoreStep(
    token=InvitePress,
    action=Action.MANAGE_SEMINARS,
    denied=lambda turn: refusal(turn, RsvpOutcome.DENIED, None),
    begin=begin,
    rules=N_(
        "Choose the wards, chapters or roles to add. Nobody already invited is removed or invited twice, "
        "and their answers stay as they are."
    ),
    confirm=confirmed,
    review_note=N_("Those not invited yet will receive the seminar's invitation with the answer buttons."),
)
register = STEP.register


def card_choices(t: Translator, seminar: Seminar, waiting: int) -> Choices:
    """The organiser's card under a seminar, its '➕ Invite more' opening this dialog."""
    return organiser_choices(t, seminar, waiting, STEP.start_token(seminar.id))
