"""Broadcast delivery: the send task, the sender's live progress card, the final report, the ward leads' lists
of whom to call, "✅ Đã nhận" acknowledgements and the buttons under the report.

Confirming plans the send task in the confirming turn's transaction (bot.core.broadcasts.service); the task
posts the sender's card, then queues one message per recipient, once. A delivery listener follows each
broadcast's outcomes and edits the card (throttled); when the last message has an outcome the broadcast is
marked done together with the messages that causes, then the card shows the final report (split over further
messages when it does not fit in one).
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, Protocol

from bot.channels.base import CardRef
from bot.conversation.markup import split
from bot.conversation.replies import Choice, Choices, Reply, rows
from bot.conversation.router import Router
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.audience import Audience
from bot.core.broadcasts.service import (
    ACKS_KIND,
    PROGRESS_INTERVAL_S,
    TASK_KIND,
    AudienceMember,
    Broadcast,
    BroadcastStatus,
    ChoicesFor,
    DeliveryLine,
    DeliveryReport,
    Finished,
    FollowUp,
    HeaderFor,
    ReportTo,
    Result,
    broadcast_id_of,
    progress_due,
    report_target,
)
from bot.core.models import Recipient, Role
from bot.core.notices import OutgoingMessage
from bot.i18n import I18n, Translator
from bot.views.broadcasts.texts import (
    ack_text,
    call_them_text,
    final_text,
    not_sent_text,
    preparing_text,
    progress_text,
    sender_line,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from bot.services import Services

logger = logging.getLogger(__name__)


class Task(Protocol):
    """The due task the scheduler hands over (storage.tasks.Task)."""

    payload: dict[str, Any]


@token("bca")
class Acknowledge(Token):
    """'✅ Đã nhận' under a broadcast ('v1:bca:<id>', as on every copy sent before); 0 under the preview."""

    broadcast_id: int


@token("bcm")
class ManageReport(Token):
    """Under the report: w = who acknowledged, r = re-send to those who have not ('v1:bcm:w:<id>')."""

    action: Literal["w", "r"]
    broadcast_id: int


def ack_choices(t: Translator, broadcast_id: int) -> Choices:
    """The 'Đã nhận' choice under every broadcast message (0 = a preview)."""
    return rows([Choice(t.gettext("✅ Received"), Acknowledge(broadcast_id))])


def ack_choices_for(i18n: I18n) -> ChoicesFor:
    """Each recipient's 'Đã nhận', in their language."""

    def choices(broadcast: Broadcast, person: AudienceMember) -> Choices:
        return ack_choices(i18n.translator(person.locale), broadcast.id)

    return choices


async def sender_of(services: Services, member_id: int | None) -> tuple[str, Role | None, str]:
    """(name, role, unit) of a broadcast's sender: a ward lead's or cadre's ward, else the association."""
    member = await services.members.get(member_id) if member_id is not None else None
    unit = services.settings.association_name
    if member is None:
        return "", None, unit
    if member.role in (Role.WARD_LEAD, Role.CADRE) and member.ward_id is not None:
        ward = (await services.members.profile(member)).ward
        unit = ward.name if ward is not None else unit
    return member.full_name, member.role, unit


async def header_for(services: Services, sender_id: int) -> HeaderFor:
    """Each recipient's line naming the sender, in their language."""
    name, role, unit = await sender_of(services, sender_id)

    def header(broadcast: Broadcast, person: AudienceMember) -> str:
        return sender_line(services.i18n.translator(person.locale), name, role, unit) if name else ""

    return header


def manage_choices(t: Translator, broadcast_id: int) -> Choices:
    return rows(
        [Choice(t.gettext("👀 Who acknowledged"), ManageReport("w", broadcast_id))],
        [Choice(t.gettext("🔁 Re-send to those who have not"), ManageReport("r", broadcast_id))],
    )


def parts(text: str, limit: int, choices: Choices = ()) -> list[Reply]:
    """A long text as whole messages that each fit `limit`, the choices under the last."""
    pieces = split(text, limit)
    return [Reply(piece, choices if n == len(pieces) - 1 else ()) for n, piece in enumerate(pieces)]


# the send task


async def run_send(rt: Runtime, task: Task) -> None:
    """A confirmed broadcast falls due (now, or at its scheduled time): send it unless it was cancelled or has
    gone already (a re-run after a crash changes nothing)."""
    await launch(rt, int(task.payload.get("broadcast_id", 0)), task.payload)


async def launch(rt: Runtime, broadcast_id: int, payload: dict | None = None) -> Result:
    """Post the sender's card, then queue one message per recipient, once; safe to call twice."""
    services = rt.services
    broadcast = await services.broadcasts.get(broadcast_id)
    if broadcast is None:
        return Result.NOT_FOUND
    if broadcast.status not in (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED):
        return Result.ALREADY_DONE
    sender = await services.notices.recipient(broadcast.created_by)
    t = _translator(services, sender)
    card = _card(broadcast, sender)
    target = report_target(sender, payload or {})
    if card is None and target is not None:
        card = await rt.post_card(*target, Reply(preparing_text(t, broadcast.id)))
        if card is not None:
            await services.broadcasts.set_report_card(broadcast.id, card.chat_id, card.message_id)
    outcome = await services.broadcasts.launch(
        broadcast.id, ack_choices_for(services.i18n), await header_for(services, broadcast.created_by)
    )
    if outcome.result is Result.DENIED and card is not None:
        await rt.update_card(card, Reply(not_sent_text(t, broadcast.id)), final=True)
    if outcome.result is not Result.OK:
        return outcome.result
    await progress_of(rt).on_outcome(rt, broadcast.batch)
    return Result.OK


def _translator(services: Services, sender: Recipient | None) -> Translator:
    return services.i18n.translator(sender.locale if sender else None)


def _card(broadcast: Broadcast, sender: Recipient | None) -> CardRef | None:
    """The sender's live card of this broadcast, once posted (on the sender's channel)."""
    if sender is None or broadcast.report_chat_id is None or broadcast.report_message_id is None:
        return None
    return CardRef(sender.channel, broadcast.report_chat_id, broadcast.report_message_id)


# following the outcomes


@dataclass
class _Following:
    """One broadcast's card: a background task edits it; deliveries never wait for it."""

    dirty: bool = False
    task: asyncio.Task[None] | None = None
    last_at: float | None = None
    last_handled: int = 0


class Progress:
    """The broadcasts one runtime follows (the delivery worker reports each outcome)."""

    def __init__(self) -> None:
        self._following: dict[int, _Following] = {}

    async def on_outcome(self, rt: Runtime, batch: str) -> None:
        """After an outcome: (re)start the broadcast's follower, which catches up with every outcome."""
        broadcast_id = broadcast_id_of(batch)
        if broadcast_id is None:
            return
        state = self._following.setdefault(broadcast_id, _Following())
        state.dirty = True
        if state.task is None or state.task.done():
            state.task = asyncio.create_task(
                self._follow(rt, broadcast_id, state), name=f"broadcast-progress-{broadcast_id}"
            )

    async def settled(self) -> bool:
        """Wait for the followers running now; True if there were any (tests, graceful stop)."""
        running = [s.task for s in self._following.values() if s.task is not None and not s.task.done()]
        if running:
            await asyncio.gather(*running, return_exceptions=True)
        return bool(running)

    async def _follow(self, rt: Runtime, broadcast_id: int, state: _Following) -> None:
        while state.dirty:
            state.dirty = False
            try:
                if await _update(rt, broadcast_id, state):
                    self._following.pop(broadcast_id, None)
                    return
            except Exception:
                logger.exception("progress of broadcast %s", broadcast_id)


_PROGRESS: weakref.WeakKeyDictionary[Runtime, Progress] = weakref.WeakKeyDictionary()


def progress_of(rt: Runtime) -> Progress:
    if rt not in _PROGRESS:
        _PROGRESS[rt] = Progress()
    return _PROGRESS[rt]


async def progress_settled(rt: Runtime) -> bool:
    """Wait for the cards being updated now; True if there were any."""
    return await progress_of(rt).settled()


async def _update(rt: Runtime, broadcast_id: int, state: _Following) -> bool:
    """Edit the sender's card (throttled); once every message has an outcome, finish with the final report.

    True when the broadcast is over (nothing more to follow), or the bot is stopping."""
    if not rt.started:
        return True
    services = rt.services
    broadcast = await services.broadcasts.get(broadcast_id)
    if broadcast is None or broadcast.status is not BroadcastStatus.SENDING:
        return True
    total, handled = await services.broadcasts.progress(broadcast_id)
    if handled >= total:
        finished = await services.broadcasts.finish(broadcast_id, partial(_follow_ups, rt))
        if finished is not None:
            await _finalise(rt, finished)
        return True
    now = time.monotonic()
    if state.last_at is not None and not progress_due(
        last_at=state.last_at, last_handled=state.last_handled, now=now, handled=handled, total=total
    ):
        if now - state.last_at < PROGRESS_INTERVAL_S:
            await asyncio.sleep(PROGRESS_INTERVAL_S - (now - state.last_at))
            state.dirty = True
        return False
    state.last_at, state.last_handled = now, handled
    sender = await services.notices.recipient(broadcast.created_by)
    card = _card(broadcast, sender)
    if card is not None:
        await rt.update_card(
            card, Reply(progress_text(_translator(services, sender), broadcast, handled, total))
        )
    return False


async def _follow_ups(rt: Runtime, broadcast: Broadcast, report: DeliveryReport) -> list[FollowUp]:
    """What the end of a broadcast causes, queued as it is marked done: the sender's report where no card
    shows it, and each ward lead's list of members of their ward who blocked the bot."""
    services = rt.services
    follow_ups: list[FollowUp] = []
    sender = await services.notices.recipient(broadcast.created_by)
    if sender is not None and _card(broadcast, sender) is None:
        t = _translator(services, sender)
        replies = parts(
            final_text(t, broadcast, report),
            rt.channel_info(sender.channel).text_limit,
            manage_choices(t, broadcast.id),
        )
        key = f"broadcast-report:{broadcast.id}"
        follow_ups.append((key, _messages(sender, key, replies)))
    leads = await _lead_messages(rt, broadcast, report.unreachable)
    if leads:
        follow_ups.append((f"broadcast-leads:{broadcast.id}", leads))
    return follow_ups


async def _lead_messages(
    rt: Runtime, broadcast: Broadcast, unreachable: Sequence[DeliveryLine]
) -> list[OutgoingMessage]:
    by_ward: dict[int, list[DeliveryLine]] = {}
    for line in unreachable:
        if line.ward_id is not None:
            by_ward.setdefault(line.ward_id, []).append(line)
    services = rt.services
    messages = []
    for ward_id, lines in by_ward.items():
        for lead in await services.notices.recipients(
            Audience.of(roles=[Role.WARD_LEAD], ward_ids=[ward_id])
        ):
            if lead.member_id == broadcast.created_by:
                continue
            t = services.i18n.translator(lead.locale)
            text = call_them_text(t, broadcast.id, lines)
            key = f"broadcast:{broadcast.id}:unreachable:{lead.member_id}"
            messages += _messages(lead, key, parts(text, rt.channel_info(lead.channel).text_limit))
    return messages


def _messages(recipient: Recipient, key: str, replies: list[Reply]) -> list[OutgoingMessage]:
    """One message per part; the first keeps the plain key (as before parts existed)."""
    return [
        OutgoingMessage.to(recipient, key if n == 0 else f"{key}:{n}", reply)
        for n, reply in enumerate(replies)
    ]


async def _finalise(rt: Runtime, finished: Finished, *, first_only: bool = False) -> None:
    """The final report on the sender's card; what does not fit goes in the messages after it (already
    posted when `first_only`)."""
    broadcast, services = finished.broadcast, rt.services
    sender = await services.notices.recipient(broadcast.created_by)
    card = _card(broadcast, sender)
    if card is None:
        return
    t = _translator(services, sender)
    replies = parts(
        final_text(t, broadcast, finished.report),
        rt.channel_info(card.channel).text_limit,
        manage_choices(t, broadcast.id),
    )
    # The report's first appearance is the card's final state (a channel that cannot edit sends it then);
    # later redraws only refresh the acknowledgement count where the card can be edited.
    await rt.update_card(card, replies[0], final=not first_only)
    for reply in [] if first_only else replies[1:]:
        if await rt.post_card(card.channel, card.chat_id, reply) is None:
            logger.warning("could not post the rest of the report of broadcast %s", broadcast.id)
            return


async def resume(rt: Runtime) -> None:
    """At start: follow broadcast outcomes; finish broadcasts whose last outcome came before a stop."""
    progress = progress_of(rt)
    rt.delivery.on_progress("broadcast:", partial(progress.on_outcome, rt))
    for broadcast in await rt.services.broadcasts.sending():
        await progress.on_outcome(rt, broadcast.batch)


async def redraw_acks(rt: Runtime, task: Task) -> None:
    """Acknowledgements came in: the sender's card of each finished broadcast they count for shows the new
    count (a channel that cannot edit keeps its final report as it was sent)."""
    for broadcast_id in task.payload.get("broadcast_ids", []):
        finished = await rt.services.broadcasts.report(int(broadcast_id))
        if finished is not None:
            await _finalise(rt, finished, first_only=True)


# presses by recipients and senders


async def acknowledged(turn: Turn, press: Acknowledge) -> None:
    """'Đã nhận' pressed under a broadcast: only a recipient's press counts, once."""
    t = turn.t
    if press.broadcast_id == 0:
        turn.toast(
            t.gettext("This is the preview: recipients press this button to confirm they read it."),
            alert=True,
        )
        return
    outcome = await turn.services.broadcasts.acknowledge(turn.member, press.broadcast_id)
    if outcome.result is Result.OK:
        turn.toast(t.gettext("Thank you, your confirmation is recorded."))
    elif outcome.result is Result.ALREADY_DONE:
        turn.toast(t.gettext("You have already confirmed this message."))
    else:
        turn.stale()


async def manage(turn: Turn, press: ManageReport) -> None:
    """Buttons under the report: who acknowledged, re-send to those who have not (sent now, with a card)."""
    t, services = turn.t, turn.services
    if press.action == "w":
        acks = await services.broadcasts.acknowledgements(turn.member, press.broadcast_id)
        if acks.result is not Result.OK:
            turn.stale()
            return
        for reply in parts(
            ack_text(t, press.broadcast_id, acks.acked, acks.waiting), turn.channel.text_limit
        ):
            turn.reply(reply.text)
        return
    report_to = ReportTo(turn.input.channel, turn.input.sender.chat_id)
    outcome = await services.broadcasts.resend_unacked(turn.member, press.broadcast_id, report_to=report_to)
    if outcome.result is Result.NO_RECIPIENTS:
        turn.toast(
            t.gettext("Everyone has acknowledged (or cannot be reached): nothing to re-send."), alert=True
        )
        return
    if outcome.result is not Result.OK or outcome.broadcast is None:
        turn.stale()
        return
    turn.toast(t.gettext("Re-sending to those who have not acknowledged."))


def register(router: Router) -> None:
    router.choice(Acknowledge, acknowledged)
    router.choice(ManageReport, manage)
    router.task(TASK_KIND, run_send)
    router.task(ACKS_KIND, redraw_acks)
    router.on_startup(resume)
