"""Broadcasts: who may send what to whom, acknowledgements, and the delivery report (channel-neutral).

Confirming a broadcast records it and plans its send task in one transaction (`BroadcastService.create`): the
task (`TASK_KIND`, due now or at the scheduled time) queues one outbox message per recipient, once
(`launch`); when every message has an outcome, `finish` marks it done and queues what that causes (the
sender's report where no live card shows it, the ward leads' lists of whom to call) in that same transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any, Protocol

from bot.conversation.replies import Choices
from bot.core.audience import EVERYONE, Audience, AudienceMember, AudienceResolver, EventKind
from bot.core.models import Member, Recipient, Role
from bot.core.notices import OutgoingMessage
from bot.core.permissions import Action, Reach, can, reach_of
from bot.core.ports import Clock
from bot.core.tasks import PlannedTask, TaskPlanner

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_SCHEDULE_AHEAD = timedelta(days=60)
EVENTS_SINCE = timedelta(days=30)
"""Seminars and trainings to choose an audience from: those that started at most this long ago."""
TASK_KIND = "broadcast_send"
ACKS_KIND = "broadcast_acks"
ACKS_CARD_INTERVAL_S = 10
"""The sender's card shows new acknowledgements at most this long after they come (one edit per interval)."""
PROGRESS_INTERVAL_S = 2.0
PROGRESS_STEP = 0.1
PROGRESS_MIN_GAP_S = 1.0


class AudienceKind(StrEnum):
    ALL = "all"
    WARDS = "wards"
    CHAPTERS = "chapters"
    ROLES = "roles"
    SEMINAR = "seminar"
    TRAINING = "training"
    UNACKED = "unacked"


class BroadcastStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class Result(StrEnum):
    """Expected outcomes of broadcast actions, rendered by the channel adapter."""

    OK = "ok"
    DENIED = "denied"
    NOT_FOUND = "not_found"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NO_RECIPIENTS = "no_recipients"
    NOT_AVAILABLE = "not_available"
    TOO_LATE = "too_late"
    IN_PAST = "in_past"
    TOO_FAR = "too_far"
    ALREADY_DONE = "already_done"


def kind_of(audience: Audience) -> AudienceKind:
    """How the broadcast picker names an audience: an event's people, or everyone / by ward, chapter or role
    (a mix of places is named by ward)."""
    if audience.events:
        return AudienceKind(audience.events[0].kind.value)
    if audience.everyone:
        return AudienceKind.ALL
    if audience.roles and not (audience.ward_ids or audience.chapter_ids):
        return AudienceKind.ROLES
    if audience.chapter_ids and not audience.ward_ids:
        return AudienceKind.CHAPTERS
    return AudienceKind.WARDS


def audience_of(kind: AudienceKind, ids: Iterable[int] = (), roles: Iterable[Role] = ()) -> Audience:
    """The audience of one choice in the broadcast picker: everyone, some wards, chapters or roles, or the
    people of one seminar, training or earlier broadcast (the first of `ids`)."""
    ids = tuple(ids)
    if kind is AudienceKind.ALL:
        return EVERYONE
    if kind is AudienceKind.WARDS:
        return Audience.any_of(ward_ids=ids)
    if kind is AudienceKind.CHAPTERS:
        return Audience.any_of(chapter_ids=ids)
    if kind is AudienceKind.ROLES:
        return Audience.any_of(roles=roles)
    return Audience.of_event(EventKind(kind.value), ids[0]) if ids else Audience()


@dataclass(frozen=True)
class Content:
    """What recipients see: HTML text (or caption) and an optional attachment."""

    text: str
    kind: str = "text"
    blob_id: int | None = None


@dataclass(frozen=True)
class Broadcast:
    id: int
    created_by: int
    content: Content
    audience: Audience
    status: BroadcastStatus
    created_at: datetime
    root_id: int | None = None
    scheduled_at: datetime | None = None
    sent_at: datetime | None = None
    finished_at: datetime | None = None
    recipients: int | None = None
    skipped: tuple[int, ...] = ()
    report_chat_id: str | None = None
    report_message_id: str | None = None
    """The sender's live progress card (on the sender's channel), once it is posted."""

    @property
    def batch(self) -> str:
        return batch_name(self.id)

    @property
    def root(self) -> int:
        """The broadcast whose acknowledgements count (a re-send counts for its original)."""
        return self.root_id or self.id


@dataclass(frozen=True)
class Delivery:
    """One recipient's message, ready for the outbox: the content with these choices under it."""

    member_id: int
    chat_id: str
    content: Content
    choices: Choices | None = None
    channel: str = "telegram"


@dataclass(frozen=True)
class ReportTo:
    """Where the sender confirmed: the live progress card goes to this chat (on the sender's channel)."""

    channel: str
    chat_id: str


@dataclass(frozen=True)
class Finished:
    """A broadcast whose every message has an outcome, and its report."""

    broadcast: Broadcast
    report: DeliveryReport


FollowUp = tuple[str, Sequence[OutgoingMessage]]
"""Messages an action causes, by outbox batch."""


@dataclass(frozen=True)
class Preview:
    result: Result
    audience: Audience | None = None
    reachable: tuple[AudienceMember, ...] = ()
    blocked: tuple[AudienceMember, ...] = ()


@dataclass(frozen=True)
class Outcome:
    result: Result
    broadcast: Broadcast | None = None


@dataclass(frozen=True)
class DeliveryLine:
    member_id: int
    full_name: str
    phone: str | None
    ward_name: str | None
    status: str
    error: str | None = None
    ward_id: int | None = None


@dataclass(frozen=True)
class DeliveryReport:
    """Where every recipient stands: sent, failed, unreachable (blocked), still waiting."""

    total: int
    sent: int
    failed: tuple[DeliveryLine, ...] = ()
    unreachable: tuple[DeliveryLine, ...] = ()
    waiting: int = 0
    acked: int = 0

    @property
    def done(self) -> bool:
        return self.waiting == 0

    @property
    def handled(self) -> int:
        return self.total - self.waiting


@dataclass(frozen=True)
class Acknowledgements:
    result: Result
    broadcast: Broadcast | None = None
    acked: tuple[tuple[str, datetime], ...] = ()
    waiting: tuple[str, ...] = ()


def batch_name(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


def task_key(broadcast_id: int) -> str:
    """The send task of a broadcast ('broadcast:<id>:send', as before the neutral layer)."""
    return f"broadcast:{broadcast_id}:send"


def tasks_prefix(broadcast_id: int) -> str:
    """Every task of a broadcast (cancelling it cancels them)."""
    return f"broadcast:{broadcast_id}:"


def acks_task(broadcast: Broadcast, now: datetime) -> PlannedTask:
    """Redraw the sender's card with the acknowledgements so far: one task per broadcast and interval, due at
    the interval's end, so every acknowledgement of the interval is shown by one edit."""
    bucket = int(now.timestamp()) // ACKS_CARD_INTERVAL_S + 1
    due_at = datetime.fromtimestamp(bucket * ACKS_CARD_INTERVAL_S, tz=now.tzinfo)
    ids = sorted({broadcast.id, broadcast.root})
    return PlannedTask(f"broadcast-acks:{broadcast.id}:{bucket}", ACKS_KIND, due_at, {"broadcast_ids": ids})


def send_task(broadcast_id: int, due_at: datetime, report_to: ReportTo | None) -> PlannedTask:
    payload: dict[str, Any] = {"broadcast_id": broadcast_id}
    if report_to is not None:
        payload.update(report_channel=report_to.channel, report_chat_id=report_to.chat_id)
    return PlannedTask(task_key(broadcast_id), TASK_KIND, due_at, payload)


def report_target(sender: Recipient | None, payload: dict[str, Any]) -> tuple[str, str] | None:
    """(channel, chat) of a broadcast's live card: the chat it was confirmed in when that is on the sender's
    channel, else the sender's own chat; None when the sender cannot be reached at all."""
    if sender is None:
        return None
    chat = payload.get("report_chat_id")
    if chat and payload.get("report_channel") == sender.channel:
        return sender.channel, str(chat)
    return sender.channel, sender.chat_id


def broadcast_id_of(batch: str) -> int | None:
    prefix, _, rest = batch.partition(":")
    return int(rest) if prefix == "broadcast" and rest.isdigit() else None


def with_header(content: Content, header: str) -> Content:
    """The content with a line above it (the sender, as recipients see it)."""
    return replace(content, text=f"{header}\n\n{content.text}") if header else content


def check_content(content: Content) -> Result:
    """Telegram's limits: 4,096 characters of text, 1,024 of caption under a photo or document."""
    if not content.text.strip() and content.blob_id is None:
        return Result.EMPTY
    limit = MAX_TEXT if content.kind == "text" else MAX_CAPTION
    return Result.TOO_LONG if len(content.text) > limit else Result.OK


def scope_audience(
    member: Member | None, audience: Audience, chapter_wards: dict[int, int]
) -> Audience | None:
    """The audience this member may reach, or None when they may not send it at all.

    Organisers and admins reach everyone; a ward lead's audience is confined to their own ward:
    only their ward, only its chapters, and everything else intersected with it.
    """
    if not can(member, Action.SEND_BROADCAST):
        return None
    assert member is not None
    if reach_of(member, Action.SEND_BROADCAST) is Reach.ALL:
        return audience
    ward = member.ward_id
    if ward is None:
        return None
    if any(i != ward for i in audience.ward_ids):
        return None
    if any(chapter_wards.get(i) != ward for i in audience.chapter_ids):
        return None
    return audience.within(ward)


def may_manage(member: Member | None, broadcast: Broadcast) -> bool:
    """The sender, organisers and admins see acknowledgements, cancel and re-send."""
    if member is None or not can(member, Action.SEND_BROADCAST):
        return False
    return member.id == broadcast.created_by or reach_of(member, Action.SEND_BROADCAST) is Reach.ALL


def progress_due(
    *,
    last_at: float | None,
    last_handled: int,
    now: float,
    handled: int,
    total: int,
    interval: float = PROGRESS_INTERVAL_S,
    step: float = PROGRESS_STEP,
) -> bool:
    """Edit the progress message now? Every `interval` seconds, sooner at each `step` of the total,
    never twice within PROGRESS_MIN_GAP_S (Telegram allows about one message a second per chat)."""
    if total <= 0 or handled <= last_handled:
        return False
    if last_at is None:
        return True
    elapsed = now - last_at
    return elapsed >= interval or (elapsed >= PROGRESS_MIN_GAP_S and (handled - last_handled) / total >= step)


def build_report(
    total: int, lines: Iterable[DeliveryLine], *, skipped: Iterable[DeliveryLine] = (), acked: int = 0
) -> DeliveryReport:
    """Summarise delivery lines (one per outbox row) plus members skipped because they had blocked the bot."""
    sent = 0
    waiting = 0
    failed: list[DeliveryLine] = []
    unreachable: list[DeliveryLine] = list(skipped)
    for line in lines:
        if line.status == "sent":
            sent += 1
        elif line.status == "failed":
            failed.append(line)
        elif line.status == "unreachable":
            unreachable.append(line)
        elif line.status in ("queued", "sending"):
            waiting += 1
    return DeliveryReport(total, sent, tuple(failed), tuple(unreachable), waiting, acked)


class ReportSource(Protocol):
    async def delivery_lines(self, broadcast_id: int) -> list[DeliveryLine]: ...
    async def member_lines(self, member_ids: list[int], status: str) -> list[DeliveryLine]: ...
    async def ack_count(self, broadcast_id: int) -> int: ...


async def delivery_report(source: ReportSource, broadcast: Broadcast) -> DeliveryReport:
    """The report of a broadcast as it stands: its outbox rows plus the members skipped as blocked."""
    lines = await source.delivery_lines(broadcast.id)
    skipped = await source.member_lines(list(broadcast.skipped), "unreachable")
    return build_report(
        len(lines) + len(skipped), lines, skipped=skipped, acked=await source.ack_count(broadcast.id)
    )


class BroadcastStore(ReportSource, Protocol):
    async def create(
        self, broadcast: Broadcast, *, task: Callable[[int], PlannedTask] | None = None
    ) -> Broadcast: ...
    async def get(self, broadcast_id: int) -> Broadcast | None: ...
    async def recent(
        self, *, statuses: tuple[BroadcastStatus, ...], created_by: int | None = None, limit: int = 10
    ) -> list[Broadcast]: ...
    async def events(
        self, kind: AudienceKind, *, since: datetime, limit: int = 10
    ) -> list[tuple[int, str]]: ...
    async def chapter_wards(self) -> dict[int, int]: ...
    async def start_sending(
        self, broadcast_id: int, deliveries: list[Delivery], skipped: list[int], *, now: datetime
    ) -> bool: ...
    async def cancel(self, broadcast_id: int, *, now: datetime, actor_id: int | None = None) -> bool: ...
    async def finish(
        self, broadcast_id: int, *, now: datetime, follow_ups: Sequence[FollowUp] = ()
    ) -> bool: ...
    async def set_report_message(self, broadcast_id: int, chat_id: str, message_id: str) -> None: ...
    async def batch_progress(self, broadcast_id: int) -> tuple[int, int]: ...
    async def save_blob(self, filename: str, mime_type: str, data: bytes, *, now: datetime) -> int: ...
    async def blob(self, blob_id: int) -> tuple[str, str, bytes] | None: ...
    async def ack(self, broadcast: Broadcast, member_id: int, *, now: datetime) -> bool: ...
    async def was_recipient(self, broadcast_id: int, member_id: int) -> bool: ...
    async def acks(self, broadcast_id: int) -> list[tuple[int, str, datetime]]: ...
    async def recipients_of(self, broadcast_id: int) -> list[tuple[int, str]]: ...


ChoicesFor = Callable[[Broadcast, AudienceMember], Choices]
HeaderFor = Callable[[Broadcast, AudienceMember], str]
"""The line above a broadcast naming its sender, in the recipient's language."""
"""The choices under one recipient's copy (the "Đã nhận" acknowledgement, in their language)."""
FollowUpsFor = Callable[[Broadcast, DeliveryReport], Awaitable[Sequence[FollowUp]]]
"""What the end of a broadcast causes: messages to queue with marking it done."""


class MemberLookup(AudienceResolver, Protocol):
    async def get(self, member_id: int) -> Member | None: ...


@dataclass
class BroadcastService:
    """Compose, schedule, send, acknowledge and re-send broadcasts, checking who may do it."""

    store: BroadcastStore
    clock: Clock
    members: MemberLookup
    tasks: TaskPlanner | None = None
    """Plans the redraw of the sender's card after an acknowledgement (in the acknowledging transaction)."""

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """A broadcast as it stands (for its send task and its progress; no permission is implied)."""
        return await self.store.get(broadcast_id)

    async def preview(self, member: Member | None, audience: Audience) -> Preview:
        """The scoped audience and who in it can be reached (blocked members are listed apart)."""
        scoped = scope_audience(member, audience, await self.store.chapter_wards())
        if scoped is None:
            return Preview(Result.DENIED)
        people = await self.members.audience_members(scoped, include_blocked=True)
        reachable = tuple(p for p in people if not p.blocked)
        blocked = tuple(p for p in people if p.blocked)
        result = Result.OK if reachable else Result.NO_RECIPIENTS
        return Preview(result, scoped, reachable, blocked)

    async def events(self, member: Member | None, kind: AudienceKind) -> list[tuple[int, str]]:
        """Seminars or trainings (id, title) whose invitees or registrants this member may write to."""
        if not can(member, Action.SEND_BROADCAST) or kind not in (
            AudienceKind.SEMINAR,
            AudienceKind.TRAINING,
        ):
            return []
        return await self.store.events(kind, since=self.clock.now() - EVENTS_SINCE)

    async def acknowledgeable(self, member: Member | None) -> list[Broadcast]:
        """Original broadcasts (not re-sends) whose non-acknowledgers this member may write to, newest first:
        everyone's for organisers and admins, their own for a ward lead."""
        if not can(member, Action.SEND_BROADCAST):
            return []
        assert member is not None
        mine = None if reach_of(member, Action.SEND_BROADCAST) is Reach.ALL else member.id
        sent = await self.store.recent(
            statuses=(BroadcastStatus.SENDING, BroadcastStatus.DONE), created_by=mine
        )
        return [b for b in sent if b.root_id is None]

    async def save_attachment(
        self, member: Member | None, filename: str, mime_type: str, data: bytes
    ) -> int | None:
        """Keep a photo or document for a broadcast being written; its blob id (None: may not broadcast)."""
        if not can(member, Action.SEND_BROADCAST):
            return None
        return await self.store.save_blob(filename, mime_type, data, now=self.clock.now())

    async def attachment(self, blob_id: int) -> tuple[str, str, bytes] | None:
        """(filename, mime type, bytes) of a kept attachment (the preview shows it)."""
        return await self.store.blob(blob_id)

    async def create(
        self,
        member: Member | None,
        content: Content,
        audience: Audience,
        *,
        scheduled_at: datetime | None = None,
        root_id: int | None = None,
        report_to: ReportTo | None = None,
    ) -> Outcome:
        """Record a confirmed broadcast and plan its send task, in one transaction: now, or at `scheduled_at`.

        `report_to`: the chat the sender confirmed in, where the live progress card is posted (default: the
        sender's own chat)."""
        checked = check_content(content)
        if checked is not Result.OK:
            return Outcome(checked)
        preview = await self.preview(member, audience)
        if preview.result is not Result.OK or preview.audience is None:
            return Outcome(preview.result)
        assert member is not None
        now = self.clock.now()
        if scheduled_at is not None:
            if scheduled_at <= now:
                return Outcome(Result.IN_PAST)
            if scheduled_at - now > MAX_SCHEDULE_AHEAD:
                return Outcome(Result.TOO_FAR)
        status = BroadcastStatus.SCHEDULED if scheduled_at else BroadcastStatus.DRAFT
        broadcast = await self.store.create(
            Broadcast(
                id=0,  # given by the store
                created_by=member.id,
                content=content,
                audience=preview.audience,
                status=status,
                created_at=now,
                root_id=root_id,
                scheduled_at=scheduled_at,
            ),
            task=partial(send_task, due_at=scheduled_at or now, report_to=report_to),
        )
        return Outcome(Result.OK, broadcast)

    async def launch(
        self, broadcast_id: int, choices_for: ChoicesFor, header_for: HeaderFor | None = None
    ) -> Outcome:
        """Resolve the audience now (fresh) and queue one message per reachable recipient, once, each under
        the line naming its sender (`header_for`)."""
        broadcast = await self.store.get(broadcast_id)
        if broadcast is None:
            return Outcome(Result.NOT_FOUND)
        if broadcast.status not in (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED):
            return Outcome(Result.ALREADY_DONE, broadcast)
        sender = await self.members.get(broadcast.created_by)
        audience = scope_audience(sender, broadcast.audience, await self.store.chapter_wards())
        if audience is None:
            await self.store.cancel(broadcast.id, now=self.clock.now())
            return Outcome(Result.DENIED, await self.store.get(broadcast.id))
        people = await self.members.audience_members(audience, include_blocked=True)
        deliveries = [
            Delivery(
                p.member_id,
                p.chat_id,
                with_header(broadcast.content, header_for(broadcast, p) if header_for else ""),
                choices_for(broadcast, p),
                p.channel,
            )
            for p in people
            if not p.blocked
        ]
        skipped = [p.member_id for p in people if p.blocked]
        started = await self.store.start_sending(broadcast.id, deliveries, skipped, now=self.clock.now())
        return Outcome(Result.OK if started else Result.ALREADY_DONE, await self.store.get(broadcast.id))

    async def set_report_card(self, broadcast_id: int, chat_id: str, message_id: str) -> None:
        """Remember the sender's live progress card (so a re-run of the send task posts no second one)."""
        await self.store.set_report_message(broadcast_id, chat_id, message_id)

    async def progress(self, broadcast_id: int) -> tuple[int, int]:
        """(messages queued in all, how many have an outcome) of a broadcast being sent."""
        total, waiting = await self.store.batch_progress(broadcast_id)
        return total, total - waiting

    async def sending(self) -> list[Broadcast]:
        """Broadcasts going out now (their progress is followed again after a restart)."""
        return await self.store.recent(statuses=(BroadcastStatus.SENDING,), limit=100)

    async def _managed(self, member: Member | None, broadcast_id: int) -> Broadcast | Outcome:
        """The broadcast when it exists and this member may manage it; else the outcome saying why not."""
        broadcast = await self.store.get(broadcast_id)
        if broadcast is None:
            return Outcome(Result.NOT_FOUND)
        if not may_manage(member, broadcast):
            return Outcome(Result.DENIED, broadcast)
        return broadcast

    async def cancel(self, member: Member | None, broadcast_id: int) -> Outcome:
        """Cancel a scheduled broadcast before it goes (its send task is cancelled with it)."""
        broadcast = await self._managed(member, broadcast_id)
        if isinstance(broadcast, Outcome):
            return broadcast
        if broadcast.status not in (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED):
            return Outcome(Result.TOO_LATE, broadcast)
        actor = member.id if member else None
        if not await self.store.cancel(broadcast_id, now=self.clock.now(), actor_id=actor):
            return Outcome(Result.TOO_LATE, await self.store.get(broadcast_id))
        return Outcome(Result.OK, await self.store.get(broadcast_id))

    async def acknowledge(self, member: Member | None, broadcast_id: int) -> Outcome:
        """'Đã nhận' pressed: only a recipient's press counts, once."""
        broadcast = await self.store.get(broadcast_id)
        if broadcast is None or member is None:
            return Outcome(Result.NOT_FOUND)
        if not await self.store.was_recipient(broadcast_id, member.id):
            return Outcome(Result.DENIED, broadcast)
        now = self.clock.now()
        added = await self.store.ack(broadcast, member.id, now=now)
        if added and self.tasks is not None:
            task = acks_task(broadcast, now)
            await self.tasks.plan(task.key, task.kind, task.due_at, task.payload, now=now)
        return Outcome(Result.OK if added else Result.ALREADY_DONE, broadcast)

    async def report(self, broadcast_id: int) -> Finished | None:
        """A finished broadcast with its report as it stands now (acknowledgements keep coming); None before
        it is done."""
        broadcast = await self.store.get(broadcast_id)
        if broadcast is None or broadcast.status is not BroadcastStatus.DONE:
            return None
        return Finished(broadcast, await delivery_report(self.store, broadcast))

    async def acknowledgements(self, member: Member | None, broadcast_id: int) -> Acknowledgements:
        """Who acknowledged the broadcast (or its original) and who has not yet."""
        broadcast = await self._managed(member, broadcast_id)
        if isinstance(broadcast, Outcome):
            return Acknowledgements(broadcast.result, broadcast.broadcast)
        acks = await self.store.acks(broadcast.root)
        acked_ids = {a[0] for a in acks}
        waiting = tuple(
            name
            for member_id, name in await self.store.recipients_of(broadcast.root)
            if member_id not in acked_ids
        )
        return Acknowledgements(Result.OK, broadcast, tuple((name, at) for _, name, at in acks), waiting)

    async def resend_unacked(
        self, member: Member | None, broadcast_id: int, *, report_to: ReportTo | None = None
    ) -> Outcome:
        """A new broadcast, same content, to the original's recipients who have not acknowledged; sent now."""
        broadcast = await self._managed(member, broadcast_id)
        if isinstance(broadcast, Outcome):
            return broadcast
        audience = Audience.of_event(EventKind.UNACKED, broadcast.root).within(broadcast.audience.ward_id)
        return await self.create(
            member, broadcast.content, audience, root_id=broadcast.root, report_to=report_to
        )

    async def finish(self, broadcast_id: int, follow_ups: FollowUpsFor | None = None) -> Finished | None:
        """Every message has an outcome: mark the broadcast done and queue what that causes, in one
        transaction. The broadcast and its report the first time only (None before the end, or after)."""
        broadcast = await self.store.get(broadcast_id)
        if broadcast is None or broadcast.status is not BroadcastStatus.SENDING:
            return None
        report = await delivery_report(self.store, broadcast)
        if not report.done:
            return None
        messages = await follow_ups(broadcast, report) if follow_ups is not None else ()
        if not await self.store.finish(broadcast_id, now=self.clock.now(), follow_ups=messages):
            return None
        return Finished(await self.store.get(broadcast_id) or broadcast, report)
