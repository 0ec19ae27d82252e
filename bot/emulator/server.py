"""BotApiEmulator: a local Telegram Bot API server for tests, the sandbox and benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
import json
import mimetypes
import secrets
import time
from typing import Any

from aiohttp import web

from bot.clock import Clock, SystemClock
from bot.emulator.base import EmulatorServer, Fault, api_response, fault_dropped
from bot.emulator.common import PushPolicy
from bot.emulator.control import add_control_routes
from bot.emulator.html import detect_entities
from bot.emulator.methods import Methods, document_object, photo_sizes, sniff_mime
from bot.emulator.ratelimit import RateLimits, TokenBucket, acquire
from bot.emulator.state import (
    TOKEN_RE,
    ApiError,
    BotState,
    CallbackRecord,
    ChatState,
    EmulatorConfig,
    EmulatorError,
    FakeUser,
    StoredFile,
    StoredMessage,
    TelegramWebhook,
    normalize_chat_id,
)

# Values of these keys stay strings even when they look like JSON ("123", "true").
TEXT_KEYS = frozenset(
    {
        "text", "caption", "callback_query_id", "file_id", "document", "photo", "title", "description",
        "short_description", "name", "query", "first_name", "last_name", "phone_number", "url",
        "inline_message_id", "switch_inline_query", "data", "emoji", "address", "sticker", "action",
        "parse_mode", "language_code", "secret_token",
    }
)  # fmt: skip
_FAULT_DESCRIPTIONS = {
    400: "Bad Request: injected fault",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def _json_response(payload: dict, status: int = 200) -> web.Response:
    return api_response(payload, status, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    if hasattr(value, "filename"):
        return {"filename": value.filename, "content_type": getattr(value, "content_type", None)}
    return str(value)


def error_payload(error: ApiError) -> dict:
    payload: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
    if error.parameters:
        payload["parameters"] = error.parameters
    return payload


class BotApiEmulator(EmulatorServer):
    """An aiohttp server on 127.0.0.1 that speaks the part of the Bot API the bot uses.

    Routes: ``/bot<token>/<method>`` (the API), ``/file/bot<token>/<path>`` (downloads) and
    ``/_emu/...`` (the control API, see ``bot.emulator.control``). Extra routes (the sandbox
    page) can be added to ``app`` before ``start()``.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        rate_limits: bool = False,
        latency_ms: float = 0,
        strict_chats: bool = False,
        limits: RateLimits | None = None,
    ) -> None:
        super().__init__(host, port, client_max_size=60 * 1024 * 1024)
        self.clock: Clock = clock or SystemClock()
        self.config = EmulatorConfig(
            rate_limits=rate_limits,
            latency_ms=latency_ms,
            strict_chats=strict_chats,
            limits=limits or RateLimits(),
        )
        self._methods = Methods(self).table()
        self._file_counter = 0
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        add_control_routes(self.app, self)

    @property
    def base_file_url(self) -> str:
        return f"{self.origin}/file/bot"

    @staticmethod
    def parse_param(key: str, value: Any) -> Any:
        """A query or form value: JSON where it looks like JSON ("123", "true"), except under TEXT_KEYS."""
        if isinstance(value, str) and key not in TEXT_KEYS and value and value[0] in '{["-0123456789tfn':
            with contextlib.suppress(ValueError):
                return json.loads(value)
        return value

    # --- configuration ----------------------------------------------------------------------

    def configure(
        self,
        *,
        rate_limits: bool | None = None,
        latency_ms: float | None = None,
        strict_chats: bool | None = None,
        callback_ttl_s: float | None = None,
        webhook_attempts: int | None = None,
        webhook_retry_s: float | None = None,
        **limits: float,
    ) -> EmulatorConfig:
        """Change settings at run time; `limits` are RateLimits fields (global_per_s, private_burst, ...)."""
        settings = {
            "rate_limits": rate_limits,
            "latency_ms": latency_ms,
            "strict_chats": strict_chats,
            "callback_ttl_s": callback_ttl_s,
            "webhook_attempts": webhook_attempts,
            "webhook_retry_s": webhook_retry_s,
        }
        for key, value in settings.items():
            if value is not None:  # as the field's type: bool, int or float
                setattr(self.config, key, type(getattr(self.config, key))(value))
        for key, value in limits.items():
            if not hasattr(self.config.limits, key):
                raise TypeError(f"unknown setting {key!r}")
            setattr(self.config.limits, key, float(value))
        if rate_limits is not None or limits:
            for state in self._states.values():
                state.global_bucket = None
                for chat in state.chats.values():
                    chat.bucket = None
        return self.config

    # --- state access -----------------------------------------------------------------------

    def new_state(self, token: str) -> BotState:
        state = BotState(token)
        state.on_push = lambda: self.kick_webhook(state)
        return state

    def bot_state(self, token: str) -> BotState:
        state: BotState = super().bot_state(token)
        return state

    def chat_key(self, chat_id: int | str | None) -> int | str | None:
        return normalize_chat_id(chat_id)

    def chat(self, token: str, chat_id: int | str) -> ChatState | None:
        chat: ChatState | None = super().chat(token, chat_id)
        return chat

    def kick_webhook(self, state: BotState) -> None:
        """Push queued updates to the bot's webhook (if it set one), `max_connections` at once."""
        config = self.config
        hook = state.pusher.webhook
        connections = hook.max_connections if isinstance(hook, TelegramWebhook) else 1
        policy = PushPolicy(config.webhook_attempts, config.webhook_retry_s, {}, connections)
        state.pusher.kick(state.updates, self.http_client(config.webhook_timeout_s), policy)

    def now_ts(self) -> int:
        return int(self.clock.now().timestamp())

    @staticmethod
    def monotonic() -> float:
        return time.monotonic()

    def ensure_chat(self, state: BotState, chat_id: int | str, user: FakeUser | None = None) -> ChatState:
        chat = state.chats.get(chat_id)
        if chat is None:
            chat = state.chats[chat_id] = ChatState(_chat_object(chat_id, user), known=user is not None)
        elif user is not None and chat.is_private:
            chat.chat = _chat_object(chat_id, user)
            chat.known = True
        return chat

    def store_file(
        self, state: BotState, data: bytes, file_name: str | None, mime: str, kind: str
    ) -> StoredFile:
        self._file_counter += 1
        n = self._file_counter
        unique = f"AgAD{n:06d}"
        prefix = "AgAC" if kind == "photo" else "BQAC"
        extension = mimetypes.guess_extension(mime) or (
            "." + file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else ""
        )
        folder = "photos" if kind == "photo" else "documents"
        file = StoredFile(
            file_id=f"{prefix}{n:06d}{secrets.token_hex(8)}",
            file_unique_id=unique,
            data=data,
            file_name=file_name,
            mime_type=mime,
            file_path=f"{folder}/file_{n}{extension}",
        )
        state.files[file.file_id] = file
        state.files_by_path[file.file_path] = file
        return file

    # --- HTTP: the Bot API ------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if not TOKEN_RE.match(token):
            return _json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        entry = self._methods.get(request.match_info["method"].lower())
        if entry is None:
            return _json_response({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        name, implementation = entry
        state = self.bot_state(token)
        try:
            params, recorded = await self.call_params(request)
        except ValueError:
            return _json_response(error_payload(ApiError(400, "Bad Request: can't parse request")), 400)
        polling = name == "getUpdates"
        fault = state.take_fault(name, params.get("chat_id")) if state.faults else None
        if fault is not None:
            dropped = await fault_dropped(request, fault)
            if dropped is not None:
                return dropped
            if fault.error_code:
                error = _fault_error(fault)
                if not polling:
                    state.record_call(name, recorded, False, None, error)
                return _json_response(error_payload(error), error.code)
        if self.config.latency_ms and not polling:
            await asyncio.sleep(self.config.latency_ms / 1000)
        try:
            try:
                result = implementation(state, params)
                if asyncio.iscoroutine(result):
                    result = await result
            except (KeyError, TypeError, ValueError, AttributeError) as malformed:
                raise ApiError(400, f"Bad Request: invalid parameters ({malformed})") from None
        except ApiError as error:
            if not polling:
                state.record_call(name, recorded, False, None, error)
            return _json_response(error_payload(error), error.code)
        if not polling:
            state.record_call(name, recorded, True, result, None)
        return _json_response({"ok": True, "result": result})

    def check_rate(self, state: BotState, chat: ChatState) -> None:
        """Take a token from the bot's and the chat's flood buckets, or answer 429."""
        limits = self.config.limits
        if state.global_bucket is None:
            state.global_bucket = TokenBucket(limits.global_per_s, limits.global_burst)
        if chat.bucket is None:
            chat.bucket = (
                TokenBucket(limits.private_per_s, limits.private_burst)
                if chat.is_private
                else TokenBucket(limits.group_per_min / 60, limits.group_burst)
            )
        wait = acquire([state.global_bucket, chat.bucket])
        if wait:
            raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})

    async def _handle_file(self, request: web.Request) -> web.Response:
        state = self._states.get(request.match_info["token"])
        file = state.files_by_path.get(request.match_info["path"]) if state else None
        if file is None:
            return _json_response({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        return web.Response(body=file.data, content_type=file.mime_type)

    # --- user-side actions ------------------------------------------------------------------

    def add_user(self, token: str, user: FakeUser) -> None:
        """Make the user's private chat known (as if they had started the bot earlier)."""
        self.ensure_chat(self.bot_state(token), user.id, user)

    def _user_message(
        self,
        token: str,
        user: FakeUser,
        chat_id: int | str | None,
        content: dict,
        file: StoredFile | None = None,
    ) -> dict:
        state = self.bot_state(token)
        key = user.id if chat_id is None else normalize_chat_id(chat_id)
        chat = self.ensure_chat(state, key, user if key == user.id else None)
        chat.known = True
        chat.blocked = False  # writing to the bot means the user has (re)started it
        data = {
            "message_id": chat.new_message_id(),
            "from": user.to_api(),
            "chat": chat.chat,
            "date": self.now_ts(),
            **content,
        }
        chat.messages[data["message_id"]] = StoredMessage(data, from_bot=False, file=file)
        keyboard = chat.reply_keyboard
        if keyboard is not None and keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
        chat.touch()
        state.push_update("message", data)
        return data

    async def send_text(
        self, token: str, user: FakeUser, text: str, *, chat_id: int | str | None = None
    ) -> dict:
        """The user sends a text message; commands get bot_command entities. Returns the Message."""
        content: dict[str, Any] = {"text": text}
        entities = detect_entities(text) if "/" in text else []
        if entities:
            content["entities"] = entities
        return self._user_message(token, user, chat_id, content)

    async def press_button(
        self,
        token: str,
        user: FakeUser,
        message_id: int,
        callback_data: str,
        *,
        chat_id: int | str | None = None,
    ) -> str:
        """The user presses an inline button; returns the callback_query_id the bot must answer."""
        state = self.bot_state(token)
        key = user.id if chat_id is None else normalize_chat_id(chat_id)
        chat = state.chats.get(key)
        stored = chat.messages.get(int(message_id)) if chat else None
        if stored is None:
            raise EmulatorError(f"message {message_id} is not in chat {key}")
        markup = stored.data.get("reply_markup") or {}
        buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
        if not any(b.get("callback_data") == callback_data for b in buttons):
            raise EmulatorError(f"message {message_id} has no button with callback_data {callback_data!r}")
        query_id = f"{state.bot_id}{state.next_callback_id:08d}"
        state.next_callback_id += 1
        state.callbacks[query_id] = CallbackRecord(chat_id=key, created=self.monotonic())
        state.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": user.to_api(),
                "message": stored.data,
                "chat_instance": str(abs(hash((state.bot_id, key)))),
                "data": callback_data,
            },
        )
        return query_id

    async def share_contact(self, token: str, user: FakeUser, phone_number: str) -> dict:
        """The user shares their own contact (as a request_contact button does)."""
        contact = {"phone_number": phone_number, "first_name": user.first_name, "user_id": user.id}
        if user.last_name:
            contact["last_name"] = user.last_name
        return self._user_message(token, user, None, {"contact": contact})

    async def send_photo(self, token: str, user: FakeUser, data: bytes, caption: str | None = None) -> dict:
        """The user sends a picture (PNG or JPEG bytes), optionally with a caption."""
        file = self.store_file(
            self.bot_state(token), data, None, sniff_mime(data, None, None, "photo"), "photo"
        )
        content: dict[str, Any] = {"photo": photo_sizes(file)}
        if caption:
            content["caption"] = caption
        return self._user_message(token, user, None, content, file)

    async def send_document(
        self, token: str, user: FakeUser, data: bytes, filename: str, mime_type: str | None = None
    ) -> dict:
        """The user sends a file; the content type is guessed from the name unless given."""
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        file = self.store_file(self.bot_state(token), data, filename, mime, "document")
        return self._user_message(token, user, None, {"document": document_object(file)}, file)

    def block(self, token: str, chat_id: int | str) -> None:
        """The user blocks the bot: sending to this chat answers 403 until the user writes again."""
        state = self.bot_state(token)
        self.ensure_chat(state, normalize_chat_id(chat_id)).blocked = True

    def unblock(self, token: str, chat_id: int | str) -> None:
        state = self.bot_state(token)
        self.ensure_chat(state, normalize_chat_id(chat_id)).blocked = False

    # --- inspection -------------------------------------------------------------------------

    def chat_history(self, token: str, chat_id: int | str) -> list[dict]:
        """Messages of a chat in order, both sides; bot messages reflect later edits.

        Each is the Telegram Message dict plus ``from_bot`` and, for documents and photos,
        ``file`` = {file_id, file_name, mime_type, file_size, file_path, data: bytes}.
        """
        chat = self.chat(token, chat_id)
        if chat is None:
            return []
        history = []
        for stored in chat.messages.values():
            entry = {**stored.data, "from_bot": stored.from_bot}
            if stored.file is not None:
                entry["file"] = {**stored.file.describe(), "data": stored.file.data}
            history.append(entry)
        return history

    def toasts(self, token: str, chat_id: int | str) -> list[dict]:
        """answerCallbackQuery texts shown to the user in this chat, oldest first."""
        chat = self.chat(token, chat_id)
        return list(chat.toasts) if chat else []

    def reply_keyboard(self, token: str, chat_id: int | str) -> dict | None:
        """The ReplyKeyboardMarkup the user currently sees in this chat, if any."""
        chat = self.chat(token, chat_id)
        return chat.reply_keyboard if chat else None

    async def wait_chat_change(self, token: str, chat_id: int | str, since: int, timeout: float = 25) -> int:
        """Wait until the chat's version passes `since` (or time is up); return the version."""
        state = self.bot_state(token)
        key = normalize_chat_id(chat_id)
        chat = state.chats.get(key) or self.ensure_chat(state, key)
        return await chat.wait_change(since, timeout)

    def file(self, token: str, file_id: str) -> StoredFile | None:
        return self.bot_state(token).files.get(file_id)

    def commands(self, token: str, *, scope: dict | None = None, language_code: str = "") -> list[dict]:
        """The commands the bot set for a scope and language."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return list(self.bot_state(token).commands.get(key, []))


def _fault_error(fault: Fault) -> ApiError:
    code = fault.error_code or 500
    if code == 429:
        retry = fault.retry_after or 1
        return ApiError(
            429, fault.description or f"Too Many Requests: retry after {retry}", {"retry_after": retry}
        )
    return ApiError(code, fault.description or _FAULT_DESCRIPTIONS.get(code, "Injected fault"))


def _chat_object(chat_id: int | str, user: FakeUser | None) -> dict:
    if isinstance(chat_id, int) and chat_id > 0:
        chat: dict[str, Any] = {"id": chat_id, "type": "private"}
        chat["first_name"] = user.first_name if user else f"User {chat_id}"
        if user and user.last_name:
            chat["last_name"] = user.last_name
        if user and user.username:
            chat["username"] = user.username
        return chat
    if isinstance(chat_id, int) and str(chat_id).startswith("-100"):
        return {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}
    if isinstance(chat_id, int):
        return {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}
    raise ApiError(400, "Bad Request: chat not found")
