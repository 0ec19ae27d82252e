"""Shared by the attendance flows: the long-lived choices (register / decline, manage) and the notices the
flows queue for other people.

Notices are queued inside the turn that causes them (the turn is one transaction): a session saved,
changed or cancelled, a seat freed or cut, commits together with the messages that tell people, and the
dedupe keys make queueing them again harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from bot.conversation.replies import Choice, Choices, Reply, rows
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.attendance import Training
from bot.core.audience import Audience
from bot.core.notices import OutgoingMessage
from bot.i18n import Translator
from bot.views.attendance.texts import (
    DECLINE_LABEL,
    REGISTER_LABEL,
    demoted_text,
    invitation_text,
    promoted_text,
)


@token("tr")
class TrainingAnswer(Token):
    """Register ('r') or Not attending ('d') under an invitation or a listed session: 'v1:tr:r:<id>'."""

    answer: Literal["r", "d"]
    training_id: int


@token("tm:m")
class ManageOpen(Token):
    """'⚙️ Manage' a session: its management card ('v1:tm:m:<id>:-')."""

    training_id: int
    arg: Literal["-"] = "-"


def answer_choices(t: Translator, training: Training, *, manage: bool = False) -> Choices:
    """Register / Not attending (and, for organisers, Manage)."""
    return rows(
        [
            Choice(t.gettext(REGISTER_LABEL), TrainingAnswer("r", training.id)),
            Choice(t.gettext(DECLINE_LABEL), TrainingAnswer("d", training.id)),
        ],
        [manage_open_choice(t, training)] if manage else [],
    )


def manage_open_choice(t: Translator, training: Training) -> Choice:
    return Choice(t.gettext("⚙️ Manage"), ManageOpen(training.id))


async def tell(
    turn: Turn,
    member_ids: Iterable[int],
    *,
    batch: str,
    key: str,
    text: Callable[[Translator], str],
    choices: Callable[[Translator], Choices] | None = None,
) -> int:
    """Queue one message per member (in their language) in this turn; `key` makes it idempotent."""
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        return 0
    services = turn.services
    messages = []
    for recipient in await services.notices.recipients(Audience.of(member_ids=ids)):
        t = services.i18n.translator(recipient.locale)
        reply = Reply(text(t), choices(t) if choices else ())
        messages.append(OutgoingMessage.to(recipient, f"{key}:to:{recipient.member_id}", reply))
    return await services.notices.queue(batch, messages)


async def _tell_with_answers(
    turn: Turn,
    training: Training,
    member_ids: Iterable[int],
    *,
    event: str,
    key: str,
    text: Callable[[Translator, Training], str],
) -> int:
    """A notice about the session that carries its register choices (batch `training:<id>:<event>`)."""
    return await tell(
        turn,
        member_ids,
        batch=f"training:{training.id}:{event}",
        key=key,
        text=lambda t: text(t, training),
        choices=lambda t: answer_choices(t, training),
    )


async def queue_invitations(turn: Turn, training: Training, member_ids: Iterable[int]) -> int:
    """The invitation with the register choices; one per person per session, however often it is asked for."""
    return await _tell_with_answers(
        turn, training, member_ids, event="invite", key=f"training:{training.id}:invite", text=invitation_text
    )


async def queue_promoted(turn: Turn, training: Training, member_ids: Iterable[int], *, cause: str) -> int:
    """People moved up from the waiting list are told they now have a seat (`cause` names the event)."""
    key = f"training:{training.id}:promoted:{cause}"
    return await _tell_with_answers(turn, training, member_ids, event="promoted", key=key, text=promoted_text)


async def queue_demoted(turn: Turn, training: Training, member_ids: Iterable[int], *, cause: str) -> int:
    """People moved back to the waiting list when the seats were cut are told, and kept first in line."""
    key = f"training:{training.id}:demoted:{cause}"
    return await _tell_with_answers(turn, training, member_ids, event="demoted", key=key, text=demoted_text)
