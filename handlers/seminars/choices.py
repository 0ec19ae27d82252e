"""The seminar buttons that live on in people's chats, and the choices built from them.

Invitations, reminders and the organiser's summary stay in chats for weeks, so their buttons keep the wire
form they always had: 'v1:semr:<seminar>:y|n|d' (answer), 'v1:semp:<seminar>:<member>' (the replacement
chosen), 'v1:semf:<seminar>:<1–5>' (feedback) and 'v1:semo:<action>:<seminar>' (the organiser's card).
"""

from __future__ import annotations

from typing import Literal

from bot.conversation.replies import Choice, Choices, grid, rows
from bot.conversation.tokens import Token, token
from bot.core.seminars.models import Seminar
from bot.i18n import Translator

RATINGS = (1, 2, 3, 4, 5)


@token("semr")
class Answer(Token):
    """y: attend; n: not attend; d: send a replacement (asks for a name)."""

    seminar_id: int
    answer: Literal["y", "n", "d"]


@token("semp")
class Replacement(Token):
    """The person chosen to attend in the invitee's place."""

    seminar_id: int
    member_id: int


@token("semf")
class Rating(Token):
    """The feedback question's answer (1–5, checked by the service)."""

    seminar_id: int
    rating: int


@token("semo:n")
class Nudge(Token):
    seminar_id: int


@token("semo:ci")
class CheckIn(Token):
    seminar_id: int


@token("semo:m")
class Reschedule(Token):
    seminar_id: int


@token("semo:mo")
class RescheduleYes(Token):
    seminar_id: int


@token("semo:mr")
class RescheduleRetype(Token):
    seminar_id: int


@token("semo:x")
class Cancel(Token):
    seminar_id: int


@token("semo:xx")
class CancelYes(Token):
    seminar_id: int


@token("semo:xk")
class CancelKeep(Token):
    seminar_id: int


def answer_choices(t: Translator, seminar_id: int) -> Choices:
    """'Tham dự', 'Không tham dự', 'Cử người thay'."""
    return rows(
        [
            Choice(t.gettext("✅ Attend"), Answer(seminar_id, "y")),
            Choice(t.gettext("❌ Not attending"), Answer(seminar_id, "n")),
        ],
        [Choice(t.gettext("👤 Send a replacement"), Answer(seminar_id, "d"))],
    )


def rating_choices(seminar_id: int) -> Choices:
    return grid([Choice(f"{n} ⭐", Rating(seminar_id, n)) for n in RATINGS], 5)


def organiser_choices(t: Translator, seminar: Seminar, waiting: int, invite_more: Token) -> Choices:
    """The organiser's card: nudge (when someone has not answered), check-in, invite more, reschedule,
    cancel."""
    nudge = (
        [
            Choice(
                t.gettext("🔔 Nudge those who have not answered ({count})").format(count=waiting),
                Nudge(seminar.id),
            )
        ]
        if waiting
        else []
    )
    return rows(
        nudge,
        [
            Choice(t.gettext("📋 Check-in"), CheckIn(seminar.id)),
            Choice(t.gettext("➕ Invite more"), invite_more),
        ],
        [
            Choice(t.gettext("🕒 Reschedule"), Reschedule(seminar.id)),
            Choice(t.gettext("✖ Cancel the seminar"), Cancel(seminar.id)),
        ],
    )
