"""What the runtime needs from a messaging channel (Telegram, Zalo, the tests' transcript channel).

A channel turns what people do into `Input`s for `Runtime.handle()` and renders the `Output`s of each turn; it
delivers queued outbox rows (`deliver`) and keeps "cards" (a message it posts now and updates later, such as a
broadcast's progress). Failures to deliver are reported as the neutral errors below, so the delivery worker
treats every channel alike. Each channel owns its own pacer: its platform's rate limits are its business.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.conversation.replies import Reply
from bot.core.pacing import Pacer

if TYPE_CHECKING:
    from storage.outbox import QueuedMessage

BlobLoader = Callable[[int], Awaitable[tuple[str, str, bytes] | None]]


class DeliveryError(Exception):
    """A message could not be delivered; the subclass says what to do about it."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimited(DeliveryError):
    """The platform asked us to slow down: retry after `retry_after` seconds, pausing the whole channel."""

    def __init__(self, retry_after: float, reason: str = "429") -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Unreachable(DeliveryError):
    """The person cannot be reached on this channel (blocked the bot, never wrote to it)."""


class Rejected(DeliveryError):
    """The platform refused this message for good (bad request)."""


class TransientFailure(DeliveryError):
    """A network problem or a timeout: retry later with back-off."""


class TokenRejected(Exception):
    """The platform refused the bot's token at start."""


class ApiUnreachable(Exception):
    """The platform's API could not be reached (the network, a proxy, an outage)."""


class WebhookRefused(Exception):
    """The platform refused the webhook the settings name (its address, or its secret)."""

    def __init__(self, channel: str, setting: str, reason: str) -> None:
        super().__init__(f"{channel}: {reason}")
        self.setting = setting
        """The variable to fix."""


@dataclass(frozen=True)
class CardRef:
    """A message a channel posted and may update later."""

    channel: str
    chat_id: str
    message_id: str


class Channel(Protocol):
    """A messaging channel as the runtime sees it."""

    name: str
    text_limit: int
    pacer: Pacer

    def deep_link(self, payload: str) -> str | None:
        """A link opening the bot with `payload` as its start parameter, where the channel has them."""

    async def start(self) -> None:
        """Start receiving (polling or webhook)."""

    async def stop(self) -> None:
        """Stop receiving; nothing is handled afterwards."""

    async def deliver(self, message: QueuedMessage, blobs: BlobLoader) -> str | None:
        """Send one queued message; its id on the channel, or a DeliveryError. A message with
        `replaces_message_id` is shown in place of that message where the channel can edit, else sent."""

    async def post_card(self, chat_id: str, reply: Reply) -> CardRef | None:
        """Post a message now, to be updated later; None if it could not be posted."""

    async def update_card(self, card: CardRef, reply: Reply, *, final: bool = False) -> None:
        """Best effort: show `reply` in place of the card. Where messages cannot be edited, only the `final`
        state is sent (as a new message), so progress does not flood the chat."""
