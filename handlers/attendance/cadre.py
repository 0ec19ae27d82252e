"""What cadres do: see upcoming sessions, register or decline, check in by QR code or short code.

A stranger who scans the QR code (`/start ci_<code>`) has the scan time noted, registers with the
association, and is checked in at that time as soon as the registration is approved (`after_approval`,
inside the approving turn).
"""

from __future__ import annotations

from bot.conversation.inputs import Text
from bot.conversation.router import Router
from bot.conversation.turn import Turn
from bot.core.attendance import CheckInMethod, Outcome, RegistrationStatus
from bot.core.attendance.rules import looks_like_code
from bot.core.models import Member
from bot.core.permissions import Action, can
from bot.i18n import N_
from bot.views.attendance.texts import (
    ANSWERED_TEXTS,
    card,
    check_in_text,
    needs_registration_text,
    outcome_text,
)
from handlers.attendance.common import TrainingAnswer, answer_choices, queue_promoted, tell

MAX_LISTED = 10
CODE_TYPED_ORDER = 870
"""Before the ward names, bare numbers and the FAQ."""
CHECKIN_PAYLOAD = "ci"
MEMBERS_ONLY = N_("Training sessions are for registered members. Send /start to register with your chapter.")


async def list_trainings(turn: Turn) -> None:
    """/trainings: upcoming sessions with Register / Not attending (organisers: every session, and Manage)."""
    t, member = turn.t, turn.member
    if not can(member, Action.ATTEND_TRAINING):
        turn.reply(t.gettext(MEMBERS_ONLY))
        return
    manage = can(member, Action.MANAGE_TRAINING)
    views = await turn.services.attendance.upcoming_for(member, include_all=True)
    if not views:
        text = t.gettext("No training sessions are planned at the moment.")
        if manage:
            text += "\n" + t.gettext("Create one with /training_new.")
        turn.reply(text)
        return
    turn.reply(
        t.ngettext(
            "{count} upcoming training session:", "{count} upcoming training sessions:", len(views)
        ).format(count=t.number(len(views)))
    )
    for view in views[:MAX_LISTED]:
        turn.reply(card(t, view.training, view), choices=answer_choices(t, view.training, manage=manage))


async def answer_pressed(turn: Turn, answer: TrainingAnswer) -> None:
    """Register / Not attending, on an invitation or on /trainings; a freed seat goes to the first waiting."""
    t, member = turn.t, turn.member
    service = turn.services.attendance
    if answer.answer == "r":
        result = await service.register(member, answer.training_id)
    else:
        result = await service.decline(member, answer.training_id)
    training = result.training
    if result.outcome is Outcome.NOT_FOUND or training is None:
        turn.stale()
        return
    if result.outcome is Outcome.DENIED:
        turn.toast(t.gettext(MEMBERS_ONLY), alert=True)
        return
    if result.outcome not in (Outcome.OK, Outcome.ALREADY_DONE):
        turn.toast(outcome_text(t, result.outcome), alert=True)
        return
    assert result.status is not None and member is not None
    turn.toast(t.gettext(ANSWERED_TEXTS[result.status]), alert=result.status is RegistrationStatus.WAITLISTED)
    if result.outcome is Outcome.ALREADY_DONE:
        return
    view = await service.view(member, training)
    turn.edit(
        card(t, training, view),
        choices=answer_choices(t, training, manage=can(member, Action.MANAGE_TRAINING)),
    )
    stamp = int(turn.now.timestamp())
    await queue_promoted(turn, training, result.promoted, cause=f"{stamp}:{member.id}")


async def check_in_command(turn: Turn) -> None:
    """/checkin CODE: for those who cannot scan."""
    t = turn.t
    raw = " ".join(turn.args)
    if not raw.strip():
        turn.reply(
            t.gettext(
                "Type /checkin followed by the code printed under the QR code, for example: /checkin K7M4QP"
            )
        )
        return
    await check_in_with(turn, raw)


async def code_typed(turn: Turn) -> bool:
    """A check-in code typed alone ('KTW4KD'), in a private chat: a check-in attempt, not a question."""
    if not isinstance(turn.event, Text) or not turn.input.sender.private or not looks_like_code(turn.text):
        return False
    await check_in_with(turn, turn.text)
    return True


async def check_in_with(turn: Turn, raw: str) -> None:
    t = turn.t
    result = await turn.services.attendance.scan(turn.member, raw, method=CheckInMethod.CODE)
    if result.outcome is Outcome.NEEDS_REGISTRATION:
        turn.reply(needs_registration_text(t, result) + "\n" + t.gettext("Send /start to register."))
        return
    turn.reply(check_in_text(t, result, turn.member.full_name if turn.member else ""))


async def scanned(turn: Turn, rest: str) -> bool:
    """/start ci_<code>: the QR code was scanned. False lets registration continue for strangers."""
    t, member = turn.t, turn.member
    result = await turn.services.attendance.scan(member, rest, method=CheckInMethod.QR)
    if result.outcome is Outcome.NEEDS_REGISTRATION:
        turn.reply(needs_registration_text(t, result))
    else:
        turn.reply(check_in_text(t, result, member.full_name if member else ""))
    return can(member, Action.ATTEND_TRAINING)


async def after_approval(turn: Turn, member: Member) -> None:
    """A stranger who scanned is approved: finish their check-in with the scan time and tell them."""
    for result in await turn.services.attendance.complete_pending(member):
        training = result.training
        if training is None:
            continue
        await tell(
            turn,
            [member.id],
            batch=f"training:{training.id}:checkin",
            key=f"training:{training.id}:approved-checkin:{member.id}",
            text=lambda t, r=result: check_in_text(t, r, member.full_name),
        )


def register(router: Router) -> None:
    router.command(("trainings", "taphuan"), list_trainings)
    router.command(("checkin", "diemdanh"), check_in_command)
    router.choice(TrainingAnswer, answer_pressed)
    router.start_payload(CHECKIN_PAYLOAD, scanned)
    router.fallback(code_typed, CODE_TYPED_ORDER)
    router.on_approval(after_approval)
