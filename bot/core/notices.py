"""Messages to members that an action or a due task causes: who receives them, queued for delivery.

A notice is one rendered reply for one recipient on their channel, with a dedupe key that makes queueing it
idempotent. Inside a turn (or any transaction) it is queued in that same transaction, so the action and the
notices it causes commit together; the delivery worker sends them afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.conversation.replies import Reply
from bot.core.audience import Audience
from bot.core.models import Recipient
from bot.core.ports import Clock, MemberStore


@dataclass(frozen=True)
class OutgoingMessage:
    """One message for one recipient on one channel; dedupe_key makes queueing it idempotent."""

    dedupe_key: str
    member_id: int | None
    chat_id: str
    reply: Reply
    channel: str = "telegram"
    not_before: datetime | None = None
    replaces: str | None = None
    """The dedupe key of an earlier message this one takes the place of (edited where the channel can; not
    sent at all when that message never went)."""

    @classmethod
    def to(
        cls,
        recipient: Recipient,
        dedupe_key: str,
        reply: Reply,
        *,
        not_before: datetime | None = None,
        replaces: str | None = None,
    ) -> OutgoingMessage:
        """A message for a member, on the channel their `Recipient` names."""
        return cls(
            dedupe_key, recipient.member_id, recipient.chat_id, reply, recipient.channel, not_before, replaces
        )

    @property
    def kind(self) -> str:
        attachment = self.reply.attachment
        return "text" if attachment is None else "photo" if attachment.image else "document"


class Outbox(Protocol):
    async def enqueue(self, batch: str, messages: Iterable[OutgoingMessage], *, now: datetime) -> int: ...


class NoticeService:
    """Find who should hear about something and queue what they are told."""

    def __init__(self, outbox: Outbox, members: MemberStore, clock: Clock) -> None:
        self._outbox, self._members, self._clock = outbox, members, clock

    async def queue(self, batch: str, messages: Iterable[OutgoingMessage]) -> int:
        """Queue messages (each dedupe key once); returns how many were new."""
        return await self._outbox.enqueue(batch, list(messages), now=self._clock.now())

    async def recipients(self, audience: Audience) -> list[Recipient]:
        """The active, reachable members of an audience (bot.core.audience), by name."""
        return [m.recipient for m in await self._members.audience_members(audience)]

    async def recipient(self, member_id: int) -> Recipient | None:
        """How to reach one member (whatever their status)."""
        return await self._members.recipient(member_id)
