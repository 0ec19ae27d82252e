"""What the emulator remembers per bot token: updates, chats, messages, files, calls, faults."""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.base import Call, EmulatedBot
from bot.emulator.common import VersionedChat, Webhook, WebhookPusher
from bot.emulator.ratelimit import RateLimits, TokenBucket

TOKEN_RE = re.compile(r"^(\d{1,20}):[A-Za-z0-9_-]{1,100}$")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
TEST_BOT_USERNAME = "khuyenhoc_test_bot"
TEST_BOT_NAME = "Khuyến học (thử nghiệm)"


class ApiError(Exception):
    """A Bot API error reply: HTTP status and error_code are the same number."""

    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


class EmulatorError(ValueError):
    """A user-side action that could not happen in Telegram (e.g. pressing a button that isn't there)."""


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user acting on the emulator."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "vi"

    def to_api(self) -> dict:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    @classmethod
    def from_json(cls, data: dict) -> FakeUser:
        return cls(
            id=int(data["id"]),
            first_name=str(data.get("first_name") or data.get("name") or f"User {data['id']}"),
            last_name=data.get("last_name"),
            username=data.get("username"),
            language_code=data.get("language_code", "vi"),
        )


@dataclass
class TelegramWebhook(Webhook):
    """setWebhook's settings: up to `max_connections` pushes at once, each chat's one at a time."""

    allowed_updates: list[str] | None = None
    max_connections: int = 40


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None
    mime_type: str
    file_path: str

    def describe(self) -> dict:
        return {
            "file_id": self.file_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class StoredMessage:
    data: dict
    from_bot: bool
    file: StoredFile | None = None


@dataclass
class CallbackRecord:
    chat_id: int | str
    created: float
    answered: bool = False


class ChatState(VersionedChat):
    """One chat: its Telegram object, its messages (both sides) and what the user sees."""

    def __init__(self, chat: dict, *, known: bool) -> None:
        super().__init__()
        self.chat = chat
        self.known = known
        self.blocked = False
        self.messages: dict[int, StoredMessage] = {}
        self.next_message_id = 1
        self.toasts: list[dict] = []
        self.reply_keyboard: dict | None = None
        self.action: str | None = None  # the bot's last sendChatAction, until it sends a message
        self.bucket: TokenBucket | None = None

    @property
    def is_private(self) -> bool:
        return self.chat["type"] == "private"

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


def normalize_chat_id(value: Any) -> int | str | None:
    """Chat ids arrive as ints, digit strings or '@username'."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ApiError(400, "Bad Request: chat not found")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        return text


class BotState(EmulatedBot):
    """Everything the emulator holds for one bot token. `generation` stays monotonic across resets: orphaned
    long polls must stay detectable."""

    method_key = staticmethod(str.lower)

    def __init__(self, token: str) -> None:
        match = TOKEN_RE.match(token)
        if not match:
            raise ValueError("malformed bot token")
        super().__init__(token)
        self.bot_id = int(match.group(1))
        self.username = TEST_BOT_USERNAME
        self.pusher = _pusher()
        self.on_push: Callable[[], None] | None = None
        """Called with every new update (the emulator pushes it to the webhook, if one is set)."""
        self.clear()

    def clear(self) -> None:
        self.pusher.cancel()
        self.pusher = _pusher()
        self.updates: deque[tuple[int, dict]] = deque()
        self.next_update_id = 1
        self.chats: dict[int | str, ChatState] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.next_callback_id = 1
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.menu_buttons: dict[int | str | None, dict] = {}
        self.clear_calls()
        self.global_bucket: TokenBucket | None = None
        self.pulse_updates()

    # --- identity -------------------------------------------------------------------------

    def bot_user(self) -> dict:
        return {"id": self.bot_id, "is_bot": True, "first_name": TEST_BOT_NAME, "username": self.username}

    # --- updates and long polls -------------------------------------------------------------

    def push_update(self, kind: str, payload: dict) -> int:
        update_id = self.next_update_id
        self.next_update_id += 1
        self.updates.append((update_id, {"update_id": update_id, kind: payload}))
        self.pulse_updates()
        if self.on_push is not None:
            self.on_push()
        return update_id

    def confirm(self, offset: int) -> None:
        updates = self.updates
        if offset < 0:
            while len(updates) > -offset:
                updates.popleft()
        elif offset:
            while updates and updates[0][0] < offset:
                updates.popleft()

    async def wait_for_update(self, generation: int, timeout: float) -> None:
        """Park a long poll until an update arrives, a newer poll supersedes it, or time is up."""
        deadline = asyncio.get_running_loop().time() + timeout
        with self.parked_poll(generation):
            while not self.updates and self.generation == generation:
                if not await self.next_pulse(deadline):
                    return

    def is_polling(self) -> bool:
        return self.generation in self.parked

    # --- calls ------------------------------------------------------------------------------

    def record_call(self, method: str, params: dict, ok: bool, result: Any, error: ApiError | None) -> None:
        chat_id = params.get("chat_id")
        if chat_id is not None and not isinstance(chat_id, int):
            try:
                chat_id = normalize_chat_id(chat_id)
            except ApiError:
                chat_id = None
        self.record(
            Call(
                index=len(self.calls),
                method=method,
                params=params,
                ok=ok,
                result=result,
                error_code=error.code if error else None,
                description=error.description if error else None,
                time=time.monotonic(),
                chat_id=chat_id,
            )
        )


def _pusher() -> WebhookPusher:
    """Telegram POSTs the Update itself, with the secret (if the bot set one) in its header; a chat's updates
    wait for each other, other chats' do not."""
    return WebhookPusher(
        SECRET_HEADER, body=lambda item: item[1], update_of=lambda item: item[1], chat_of=update_chat
    )


def update_chat(item: tuple[int, dict]) -> int | str | None:
    """The chat a queued update belongs to (its message's, or the presser's for a callback query)."""
    update = item[1]
    for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
        if kind in update:
            return update[kind].get("chat", {}).get("id")
    for kind in update:
        sender = update[kind].get("from") if isinstance(update[kind], dict) else None
        if isinstance(sender, dict):
            return sender.get("id")
    return None


@dataclass
class EmulatorConfig:
    """Settings that can be changed at run time."""

    rate_limits: bool = False
    latency_ms: float = 0.0
    strict_chats: bool = False
    callback_ttl_s: float = 900.0
    limits: RateLimits = field(default_factory=RateLimits)
    webhook_attempts: int = 3
    """Tries per update before the emulator gives up on it (Telegram gives up "after a reasonable amount")."""
    webhook_retry_s: float = 0.2
    webhook_timeout_s: float = 10.0
