"""What the Zalo emulator remembers per bot token, its settings, and the shapes it answers with.

Every behaviour the public docs leave open is one field of `ZaloEmulatorConfig` (see the package docstring).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from collections import deque
from dataclasses import dataclass, field

from bot.emulator.base import Call, EmulatedBot
from bot.emulator.common import VersionedChat, Webhook, WebhookDelivery, WebhookPusher
from bot.emulator.ratelimit import TokenBucket

# The docs show tokens as `12345689:abc-xyz`; real ones have an 18-digit id and a long secret.
TOKEN_RE = re.compile(r"^(\d{1,24}):([A-Za-z0-9_-]{1,256})$")
TEXT_LIMIT = 2000
SECRET_MIN, SECRET_MAX = 8, 256
HEX_ID_LENGTH = 20
SECRET_HEADER = "X-Bot-Api-Secret-Token"

TEXT_EVENT = "message.text.received"
IMAGE_EVENT = "message.image.received"
STICKER_EVENT = "message.sticker.received"
UNSUPPORTED_EVENT = "message.unsupported.received"

# The methods of the docs (case-sensitive) and the parameters each documents.
METHOD_PARAMS: dict[str, frozenset[str]] = {
    "getMe": frozenset(),
    "getUpdates": frozenset({"timeout"}),
    "setWebhook": frozenset({"url", "secret_token"}),
    "deleteWebhook": frozenset(),
    "getWebhookInfo": frozenset(),
    "sendMessage": frozenset({"chat_id", "text"}),
    "sendPhoto": frozenset({"chat_id", "photo", "caption"}),
    "sendSticker": frozenset({"chat_id", "sticker"}),
    "sendChatAction": frozenset({"chat_id", "action"}),
}
CHAT_ACTIONS = frozenset({"typing", "upload_photo"})


def utf16_length(text: str) -> int:
    """Length as the platform most likely counts it (JavaScript string length: UTF-16 code units).

    The docs say "1 to 2000 characters" without a unit; UTF-16 is the stricter reading (an emoji counts 2).
    """
    return len(text.encode("utf-16-le")) // 2


def hex_id(seed: str | None = None) -> str:
    """A 20-character lower-case hex id like Zalo's user, chat and message ids (stable for a seed)."""
    if seed is None:
        return secrets.token_hex(HEX_ID_LENGTH // 2)
    return hashlib.sha1(seed.encode("utf-8")).hexdigest()[:HEX_ID_LENGTH]


class ZaloApiError(Exception):
    """An error answer: HTTP status and error_code are the same number (assumed, as on Telegram)."""

    def __init__(self, code: int, description: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.headers = headers or {}


class ZaloEmulatorError(ValueError):
    """A user-side action that could not happen on Zalo (e.g. re-delivering an update that never was)."""


@dataclass(frozen=True)
class ZaloUser:
    """A Zalo user acting on the emulator. `id` is a 20-character hex string, as on Zalo."""

    id: str
    display_name: str
    is_bot: bool = False

    @classmethod
    def named(cls, display_name: str, *, seed: str | None = None) -> ZaloUser:
        """A user whose hex id is derived from the name (or `seed`): the same name gives the same id."""
        return cls(hex_id(seed if seed is not None else f"user:{display_name}"), display_name)

    def to_api(self) -> dict:
        return {"id": self.id, "display_name": self.display_name, "is_bot": self.is_bot}

    @classmethod
    def from_json(cls, data: dict) -> ZaloUser:
        name = str(data.get("display_name") or data.get("name") or "Người dùng Zalo")
        if not data.get("id"):
            return cls.named(name)
        return cls(str(data["id"]), name, bool(data.get("is_bot", False)))


@dataclass
class ZaloCall(Call):
    """One API call the bot made (getUpdates excepted), as recorded by the emulator; `chat_id` is a string."""

    ignored: list[str] = field(default_factory=list)
    """Parameters the docs do not list for this method (reply_markup, parse_mode, ...): ignored."""
    http_method: str = "POST"


@dataclass
class ZaloEmulatorConfig:
    """Run-time settings. Each (code, description) pair is an assumption where the docs are silent."""

    latency_ms: float = 0.0
    """Added to every call but getUpdates (like the Telegram emulator's)."""
    rate_limit_per_s: float = 0.0
    """Per-bot cap on calls per second (getUpdates excepted); over it the call answers `quota`. 0: no cap."""
    quota: tuple[int, str] = (429, "Quota exceeded")
    unknown_method: tuple[int, str] = (404, "Not Found: method not found")
    """The docs' error table says 400 for an invalid API name and 404 for an invalid request; assumed 404."""
    unknown_chat: tuple[int, str] = (400, "Bad Request: user not found")
    """Sending to a chat id that never wrote to the bot. Undocumented; assumed 400."""
    webhook_is_set: tuple[int, str] = (
        400,
        "Bad Request: webhook is set, call deleteWebhook to use getUpdates",
    )
    """getUpdates while a webhook is set. The docs only say it "does not work"; the answer is assumed."""
    empty_poll: tuple[int, str] | None = (408, "Request timeout")
    """A long poll that ends without an update. Third-party clients treat 408 as "no update"; with None the
    answer is {"ok": true, "result": null}."""
    delete_webhook_unset: tuple[int, str] | None = None
    """deleteWebhook with no webhook set: None answers like the docs' sample; third parties report 400/404."""
    strict_params: bool = False
    """Refuse (400) parameters the docs do not list, instead of ignoring them (tests catch Telegram-isms)."""
    check_photos: bool = True
    """sendPhoto fetches a URL it can reach (127.0.0.1 or a mapped origin); a failed fetch or a non-image
    answers 400. Other URLs are only recorded: the emulator never reaches the internet."""
    public_origins: dict[str, str] = field(default_factory=dict)
    """Public origin → loopback origin (a reverse proxy's mapping), e.g. {"https://bot.example.org":
    "http://127.0.0.1:8080"}: webhook pushes and photo fetches to the first go to the second."""
    webhook_attempts: int = 3
    """Tries per update before the emulator gives up on it (Zalo's retry policy is unpublished)."""
    webhook_retry_s: float = 0.2
    webhook_timeout_s: float = 10.0
    max_poll_timeout_s: float = 120.0
    bot_account_name: str = "bot.KhuyenHocTest"


class ZaloChat(VersionedChat):
    """One private chat: the user, every message both ways, and the bot's last chat action."""

    def __init__(self, user: ZaloUser) -> None:
        super().__init__()
        self.user = user
        self.messages: list[dict] = []
        self.action: str | None = None


class ZaloBotState(EmulatedBot):
    """Everything the emulator holds for one bot token; `generation` is bumped on stop and reset so that
    parked polls end."""

    def __init__(self, token: str) -> None:
        match = TOKEN_RE.match(token)
        if not match:
            raise ValueError("malformed bot token")
        super().__init__(token)
        self.bot_id = match.group(1)
        self.pusher = _pusher()
        self.clear()

    def clear(self) -> None:
        self.updates: deque[dict] = deque()  # waiting for getUpdates or the webhook
        self.produced: list[dict] = []  # every update ever made, for re-delivery
        self.chats: dict[str, ZaloChat] = {}
        self.clear_calls()
        self.polls = 0
        self.pusher.cancel()
        self.pusher = _pusher()
        self.webhook_updated_at = 0
        self.bucket: TokenBucket | None = None
        self.revoked = False
        self.generation += 1
        self.pulse_updates()

    @property
    def webhook(self) -> Webhook | None:
        return self.pusher.webhook

    @webhook.setter
    def webhook(self, hook: Webhook | None) -> None:
        self.pusher.webhook = hook

    @property
    def deliveries(self) -> list[WebhookDelivery]:
        return self.pusher.deliveries

    # --- updates and long polls -------------------------------------------------------------

    async def next_update(self, timeout: float) -> dict | None:
        """Park a long poll until an update can be taken, a webhook is set, or time is up."""
        deadline = asyncio.get_running_loop().time() + timeout
        generation = self.generation
        with self.parked_poll(generation):
            while self.generation == generation and self.webhook is None:
                if self.updates:
                    return self.updates.popleft()
                if not await self.next_pulse(deadline):
                    return None
            return None


def _pusher() -> WebhookPusher:
    """Zalo POSTs ``{"ok": true, "result": update}`` with its secret header."""
    return WebhookPusher(SECRET_HEADER, body=lambda update: {"ok": True, "result": update})
