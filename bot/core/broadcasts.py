"""Broadcasts: who may send what to whom, acknowledgements, and the delivery report (channel-neutral)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from bot.core.models import Member, Role
from bot.core.permissions import Action, Reach, can, reach_of

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_SCHEDULE_AHEAD = timedelta(days=60)
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


@dataclass(frozen=True)
class Audience:
    """Who a broadcast goes to; `ward_id` confines it to one ward (ward leads)."""

    kind: AudienceKind
    ids: tuple[int, ...] = ()
    roles: tuple[Role, ...] = ()
    ward_id: int | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "kind": self.kind.value,
                "ids": list(self.ids),
                "roles": [r.value for r in self.roles],
                "ward_id": self.ward_id,
            }
        )

    @classmethod
    def from_json(cls, raw: str) -> Audience:
        data = json.loads(raw or "{}")
        return cls(
            AudienceKind(data.get("kind", "all")),
            tuple(int(i) for i in data.get("ids", [])),
            tuple(Role(r) for r in data.get("roles", [])),
            data.get("ward_id"),
        )


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
    report_message_id: int | None = None

    @property
    def batch(self) -> str:
        return batch_name(self.id)

    @property
    def root(self) -> int:
        """The broadcast whose acknowledgements count (a re-send counts for its original)."""
        return self.root_id or self.id


@dataclass(frozen=True)
class AudienceMember:
    member_id: int
    full_name: str
    chat_id: str
    locale: str
    ward_id: int | None
    phone: str | None
    blocked: bool


@dataclass(frozen=True)
class Delivery:
    """One recipient's message, ready for the outbox."""

    member_id: int
    chat_id: str
    content: Content
    markup: dict[str, Any] | None


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


def broadcast_id_of(batch: str) -> int | None:
    prefix, _, rest = batch.partition(":")
    return int(rest) if prefix == "broadcast" and rest.isdigit() else None


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
    only their ward, only its chapters, and every other kind intersected with it.
    """
    if not can(member, Action.SEND_BROADCAST):
        return None
    assert member is not None
    if reach_of(member, Action.SEND_BROADCAST) is Reach.ALL:
        return audience
    ward = member.ward_id
    if ward is None:
        return None
    if audience.kind is AudienceKind.WARDS and any(i != ward for i in audience.ids):
        return None
    if audience.kind is AudienceKind.CHAPTERS and any(chapter_wards.get(i) != ward for i in audience.ids):
        return None
    return replace(audience, ward_id=ward)


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


class BroadcastStore(Protocol):
    async def create(
        self,
        *,
        created_by: int,
        content: Content,
        audience: Audience,
        status: BroadcastStatus,
        scheduled_at: datetime | None,
        root_id: int | None,
        now: datetime,
    ) -> Broadcast: ...
    async def get(self, broadcast_id: int) -> Broadcast | None: ...
    async def audience_members(self, audience: Audience) -> list[AudienceMember]: ...
    async def chapter_wards(self) -> dict[int, int]: ...
    async def start_sending(
        self, broadcast_id: int, deliveries: list[Delivery], skipped: list[int], *, now: datetime
    ) -> bool: ...
    async def cancel(self, broadcast_id: int, *, now: datetime, actor_id: int | None = None) -> bool: ...
    async def finish(self, broadcast_id: int, *, now: datetime) -> bool: ...
    async def ack(self, broadcast: Broadcast, member_id: int, *, now: datetime) -> bool: ...
    async def was_recipient(self, broadcast_id: int, member_id: int) -> bool: ...
    async def acks(self, broadcast_id: int) -> list[tuple[int, str, datetime]]: ...
    async def recipients_of(self, broadcast_id: int) -> list[tuple[int, str]]: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


MarkupFor = Callable[[Broadcast, AudienceMember], "dict[str, Any] | None"]


class MemberLookup(Protocol):
    async def get(self, member_id: int) -> Member | None: ...


@dataclass
class BroadcastService:
    """Compose, schedule, send, acknowledge and re-send broadcasts, checking who may do it."""

    store: BroadcastStore
    clock: Clock
    members: MemberLookup

    async def preview(self, member: Member | None, audience: Audience) -> Preview:
        """The scoped audience and who in it can be reached (blocked members are listed apart)."""
        scoped = scope_audience(member, audience, await self.store.chapter_wards())
        if scoped is None:
            return Preview(Result.DENIED)
        people = await self.store.audience_members(scoped)
        reachable = tuple(p for p in people if not p.blocked)
        blocked = tuple(p for p in people if p.blocked)
        result = Result.OK if reachable else Result.NO_RECIPIENTS
        return Preview(result, scoped, reachable, blocked)

    async def create(
        self,
        member: Member | None,
        content: Content,
        audience: Audience,
        *,
        scheduled_at: datetime | None = None,
        root_id: int | None = None,
    ) -> Outcome:
        """Record a confirmed broadcast: to send now (status 'sending' once launched) or at `scheduled_at`."""
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
            created_by=member.id,
            content=content,
            audience=preview.audience,
            status=status,
            scheduled_at=scheduled_at,
            root_id=root_id,
            now=now,
        )
        return Outcome(Result.OK, broadcast)

    async def launch(self, broadcast_id: int, markup_for: MarkupFor) -> Outcome:
        """Resolve the audience now (fresh) and queue one message per reachable recipient, once."""
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
        people = await self.store.audience_members(audience)
        deliveries = [
            Delivery(p.member_id, p.chat_id, broadcast.content, markup_for(broadcast, p))
            for p in people
            if not p.blocked
        ]
        skipped = [p.member_id for p in people if p.blocked]
        started = await self.store.start_sending(broadcast.id, deliveries, skipped, now=self.clock.now())
        return Outcome(Result.OK if started else Result.ALREADY_DONE, await self.store.get(broadcast.id))

    async def cancel(self, member: Member | None, broadcast_id: int) -> Outcome:
        """Cancel a scheduled broadcast before it goes."""
        broadcast = await self.store.get(broadcast_id)
        if broadcast is None:
            return Outcome(Result.NOT_FOUND)
        if not may_manage(member, broadcast):
            return Outcome(Result.DENIED, broadcast)
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
        added = await self.store.ack(broadcast, member.id, now=self.clock.now())
        return Outcome(Result.OK if added else Result.ALREADY_DONE, broadcast)

    async def acknowledgements(self, member: Member | None, broadcast_id: int) -> Acknowledgements:
        """Who acknowledged the broadcast (or its original) and who has not yet."""
        broadcast = await self.store.get(broadcast_id)
        if broadcast is None:
            return Acknowledgements(Result.NOT_FOUND)
        if not may_manage(member, broadcast):
            return Acknowledgements(Result.DENIED, broadcast)
        acks = await self.store.acks(broadcast.root)
        acked_ids = {a[0] for a in acks}
        waiting = tuple(
            name
            for member_id, name in await self.store.recipients_of(broadcast.root)
            if member_id not in acked_ids
        )
        return Acknowledgements(Result.OK, broadcast, tuple((name, at) for _, name, at in acks), waiting)

    async def resend_unacked(self, member: Member | None, broadcast_id: int) -> Outcome:
        """A new broadcast, same content, to the original's recipients who have not acknowledged."""
        broadcast = await self.store.get(broadcast_id)
        if broadcast is None:
            return Outcome(Result.NOT_FOUND)
        if not may_manage(member, broadcast):
            return Outcome(Result.DENIED, broadcast)
        audience = Audience(AudienceKind.UNACKED, (broadcast.root,), ward_id=broadcast.audience.ward_id)
        return await self.create(member, broadcast.content, audience, root_id=broadcast.root)

    async def finish(self, broadcast_id: int) -> bool:
        """Every row has an outcome: the broadcast is done (True only the first time)."""
        return await self.store.finish(broadcast_id, now=self.clock.now())
