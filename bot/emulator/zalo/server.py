"""ZaloEmulator: a local Zalo Bot Platform server for tests, the sandbox and benchmarks."""

from __future__ import annotations

import asyncio
import struct
import time
import zlib
from typing import Any

import aiohttp
from aiohttp import web

from bot.clock import Clock, SystemClock
from bot.emulator.base import EmulatorServer, Fault, api_response, fault_dropped
from bot.emulator.common import PushPolicy, bytes_as_size, call_counts, is_loopback, reachable_url
from bot.emulator.ratelimit import TokenBucket
from bot.emulator.zalo.control import add_control_routes
from bot.emulator.zalo.methods import NO_RESULT, ZaloMethods
from bot.emulator.zalo.state import (
    IMAGE_EVENT,
    METHOD_PARAMS,
    STICKER_EVENT,
    TEXT_EVENT,
    TOKEN_RE,
    UNSUPPORTED_EVENT,
    ZaloApiError,
    ZaloBotState,
    ZaloCall,
    ZaloChat,
    ZaloEmulatorConfig,
    ZaloEmulatorError,
    ZaloUser,
    hex_id,
)

_FAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request timeout",
    429: "Quota exceeded",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp", ".gif": "image/gif"}


def _json_response(payload: dict, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return api_response(payload, status, default=bytes_as_size, headers=headers)


def _error_response(error: ZaloApiError) -> web.Response:
    payload = {"ok": False, "error_code": error.code, "description": error.description}
    return _json_response(payload, error.code, error.headers or None)


def tiny_png(width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (240, 200, 40)) -> bytes:
    """A valid one-colour PNG (what the emulator serves as a user's photo or a sticker)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class ZaloEmulator(EmulatorServer):
    """An aiohttp server on 127.0.0.1 that speaks the Zalo Bot Platform API as its public docs describe it.

    Routes: ``/bot<token>/<method>`` (the API; GET or POST; query, form, multipart or JSON parameters),
    ``/_zalo/media/<name>`` (pictures users "send") and ``/_zalo/...`` (the control API, see
    ``bot.emulator.zalo.control``). Extra routes (a sandbox page) can be added to ``app`` before ``start()``.
    """

    handler_cancellation = True  # a long poll whose connection drops takes no update
    null_body = True

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        config: ZaloEmulatorConfig | None = None,
        **settings: Any,
    ) -> None:
        super().__init__(host, port, client_max_size=30 * 1024 * 1024)
        self.clock: Clock = clock or SystemClock()
        self.config = config or ZaloEmulatorConfig()
        if settings:
            self.configure(**settings)
        self._methods = ZaloMethods(self).table()
        self.media: dict[str, bytes] = {}
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        self.app.router.add_get("/_zalo/media/{name}", self._handle_media)
        add_control_routes(self.app, self)

    @property
    def http(self) -> aiohttp.ClientSession:
        """The emulator's own HTTP client (webhook pushes, photo fetches); loopback only, no proxies."""
        return self.http_client(self.config.webhook_timeout_s)

    # --- configuration --------------------------------------------------------------------------

    def configure(self, **settings: Any) -> ZaloEmulatorConfig:
        """Change settings at run time (fields of ZaloEmulatorConfig); error settings take [code, text]."""
        for key, value in settings.items():
            if key not in ZaloEmulatorConfig.__dataclass_fields__:
                raise TypeError(f"unknown setting {key!r}")
            current = getattr(self.config, key)
            if isinstance(current, tuple) or key in ("empty_poll", "delete_webhook_unset"):
                value = None if value is None else (int(value[0]), str(value[1]))
            elif isinstance(current, bool):
                value = bool(value)
            elif isinstance(current, float):
                value = float(value)
            elif isinstance(current, int):
                value = int(value)
            elif isinstance(current, dict):
                value = {str(k).rstrip("/"): str(v).rstrip("/") for k, v in dict(value).items()}
            setattr(self.config, key, value)
        if "rate_limit_per_s" in settings:
            for state in self._states.values():
                state.bucket = None
        return self.config

    def config_json(self) -> dict:
        return {name: getattr(self.config, name) for name in ZaloEmulatorConfig.__dataclass_fields__}

    def reset(self) -> None:
        """Forget every chat, update, call, delivery, fault and webhook of every bot (settings stay)."""
        super().reset()
        self.media.clear()

    # --- helpers --------------------------------------------------------------------------------

    def new_state(self, token: str) -> ZaloBotState:
        return ZaloBotState(token)

    def bot_state(self, token: str) -> ZaloBotState:
        state: ZaloBotState = super().bot_state(token)
        return state

    def chat_key(self, chat_id: str | None) -> str | None:
        return None if chat_id is None else str(chat_id)

    def now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    @staticmethod
    def is_loopback(host: str) -> bool:
        return is_loopback(host)

    def reachable_url(self, url: str) -> str | None:
        """What the emulator may fetch for `url`: itself on loopback, mapped if a public origin, else None."""
        return reachable_url(url, self.config.public_origins)

    # --- HTTP: the API ---------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        name = request.match_info["method"]
        if not TOKEN_RE.match(token):
            return _error_response(ZaloApiError(401, "Unauthorized"))
        state = self.bot_state(token)
        if state.revoked:
            return _error_response(ZaloApiError(401, "Unauthorized"))
        try:
            params, recorded = await self.call_params(request)
        except ValueError:
            return _error_response(ZaloApiError(400, "Bad Request: cannot parse the request body"))
        polling = name == "getUpdates"
        chat_id = params.get("chat_id")
        implementation = self._methods.get(name)
        ignored = sorted(set(params) - METHOD_PARAMS[name]) if implementation else []
        try:
            if implementation is None:
                raise ZaloApiError(*self.config.unknown_method)
            fault = state.take_fault(name, chat_id) if state.faults else None
            if fault is not None:
                dropped = await fault_dropped(request, fault)
                if dropped is not None:
                    return dropped
                if fault.error_code:
                    raise _fault_error(fault)
            if not polling:
                self._check_rate(state)
            if self.config.latency_ms:  # the network's round trip, long polls included
                await asyncio.sleep(self.config.latency_ms / 1000)
            if ignored and self.config.strict_params:
                raise ZaloApiError(400, f"Bad Request: unknown parameter(s) {', '.join(ignored)}")
            try:
                result = await implementation(state, params)
            except (KeyError, TypeError, ValueError, AttributeError) as malformed:
                raise ZaloApiError(400, f"Bad Request: invalid parameters ({malformed})") from None
        except ZaloApiError as error:
            self._record(state, request, name, recorded, ignored, None, error, chat_id, polling)
            return _error_response(error)
        self._record(state, request, name, recorded, ignored, result, None, chat_id, polling)
        if result is NO_RESULT:
            return _json_response({"ok": True})
        return _json_response({"ok": True, "result": result})

    def _record(self, state, request, name, params, ignored, result, error, chat_id, polling) -> None:
        if polling:
            state.polls += 1
            return
        if isinstance(result, dict):
            result = {k: v for k, v in result.items() if k != "data"}
        state.record(
            ZaloCall(
                index=len(state.calls),
                method=name,
                params=params,
                ok=error is None,
                result=None if result is NO_RESULT else result,
                error_code=error.code if error else None,
                description=error.description if error else None,
                time=time.monotonic(),
                chat_id=None if chat_id is None else str(chat_id),
                ignored=ignored,
                http_method=request.method,
            )
        )

    def _check_rate(self, state: ZaloBotState) -> None:
        rate = self.config.rate_limit_per_s
        if rate <= 0:
            return
        if state.bucket is None:
            state.bucket = TokenBucket(rate, max(1.0, rate))
        if state.bucket.wait_time(time.monotonic()) > 0:
            raise ZaloApiError(*self.config.quota)
        state.bucket.take()

    async def _handle_media(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        data = self.media.get(name)
        if data is None:
            return web.Response(status=404, text="not found")
        suffix = name[name.rfind(".") :] if "." in name else ""
        return web.Response(body=data, content_type=_MEDIA_TYPES.get(suffix, "application/octet-stream"))

    # --- the webhook ----------------------------------------------------------------------------

    def kick_webhook(self, state: ZaloBotState) -> None:
        """Start pushing queued updates to the webhook, unless a push is already under way."""
        config = self.config
        policy = PushPolicy(config.webhook_attempts, config.webhook_retry_s, config.public_origins)
        state.pusher.kick(state.updates, self.http, policy)

    # --- user-side actions ----------------------------------------------------------------------

    def _ensure_chat(self, state: ZaloBotState, user: ZaloUser) -> ZaloChat:
        chat = state.chats.get(user.id)
        if chat is None:
            chat = state.chats[user.id] = ZaloChat(user)
        else:
            chat.user = user
        return chat

    def add_user(self, token: str, user: ZaloUser) -> None:
        """Make the user's chat known without an update (as if they had written to the bot earlier)."""
        self._ensure_chat(self.bot_state(token), user)

    def forget_user(self, token: str, chat_id: str) -> None:
        """Make a chat unknown again: sending to it answers the `unknown_chat` error."""
        self.bot_state(token).chats.pop(str(chat_id), None)

    def _push(self, state: ZaloBotState, update: dict) -> None:
        state.produced.append(update)
        state.updates.append(update)
        state.pulse_updates()
        self.kick_webhook(state)

    def _user_message(self, token: str, user: ZaloUser, event_name: str, content: dict) -> dict:
        state = self.bot_state(token)
        chat = self._ensure_chat(state, user)
        message = {
            "from": user.to_api(),
            "chat": {"id": user.id, "chat_type": "PRIVATE"},
            **content,
            "message_id": hex_id(),
            "date": self.now_ms(),
        }
        update = {"message": message, "event_name": event_name}
        chat.messages.append({"from_bot": False, "event_name": event_name, **message})
        chat.touch()
        self._push(state, update)
        return update

    async def send_text(self, token: str, user: ZaloUser, text: str) -> dict:
        """The user sends a text (message.text.received). Returns the update."""
        return self._user_message(token, user, TEXT_EVENT, {"text": text})

    async def send_image(
        self,
        token: str,
        user: ZaloUser,
        *,
        data: bytes | None = None,
        url: str | None = None,
        caption: str | None = None,
    ) -> dict:
        """The user sends a picture (message.image.received): `photo` is `url`, or serves `data`."""
        if url is None:
            name = f"{hex_id()}.png"
            self.media[name] = data if data is not None else tiny_png()
            url = f"{self.origin}/_zalo/media/{name}"
        content: dict[str, Any] = {"photo": url}
        if caption:
            content["caption"] = caption
        return self._user_message(token, user, IMAGE_EVENT, content)

    async def send_sticker(self, token: str, user: ZaloUser, sticker: str | None = None) -> dict:
        """The user sends a sticker (message.sticker.received, with `sticker` and its `url`)."""
        sticker = sticker or hex_id()
        name = f"sticker-{sticker}.png"
        self.media.setdefault(name, tiny_png(rgb=(90, 160, 230)))
        content = {"sticker": sticker, "url": f"{self.origin}/_zalo/media/{name}"}
        return self._user_message(token, user, STICKER_EVENT, content)

    async def send_unsupported(self, token: str, user: ZaloUser) -> dict:
        """A message the platform will not show the bot (message.unsupported.received: no content)."""
        return self._user_message(token, user, UNSUPPORTED_EVENT, {})

    def redeliver(self, token: str, message_id: str | None = None) -> dict:
        """Deliver an update again (a duplicate): the one with `message_id`, or the latest."""
        state = self.bot_state(token)
        for update in reversed(state.produced):
            if message_id is None or update["message"]["message_id"] == message_id:
                state.updates.append(update)
                state.pulse_updates()
                self.kick_webhook(state)
                return update
        raise ZaloEmulatorError(
            f"no update with message_id {message_id!r}" if message_id else "no update yet"
        )

    # --- faults and limits ----------------------------------------------------------------------

    def quota_exceeded(
        self, token: str, count: int = 1, *, method: str | None = None, retry_after: int | None = None
    ) -> None:
        """The next `count` calls (of `method`; None: any but getUpdates) answer 429 "Quota exceeded".

        `retry_after` (seconds) adds a Retry-After header; the docs promise none, so by default there is none.
        """
        code, description = self.config.quota
        self.inject_fault(
            token, method, count=count, error_code=code, description=description, retry_after=retry_after
        )

    def revoke(self, token: str) -> None:
        """The token was reset in Zalo Bot Manager: every call answers 401 from now on."""
        self.bot_state(token).revoked = True

    # --- inspection -----------------------------------------------------------------------------

    def chat_history(self, token: str, chat_id: str) -> list[dict]:
        """Every message of a chat in order, both sides; bot photos carry `photo_fetch` with the bytes."""
        chat = self.chat(token, chat_id)
        return [dict(message) for message in chat.messages] if chat else []

    def sent(self, token: str, chat_id: str) -> list[dict]:
        """What the bot sent to a chat (accepted calls only), oldest first."""
        return [m for m in self.chat_history(token, chat_id) if m["from_bot"]]

    async def wait_chat_change(self, token: str, chat_id: str, since: int, timeout: float = 25) -> int:
        """Wait until the chat's version passes `since` (or time is up); return the version."""
        chat = self.chat(token, chat_id)
        if chat is None:
            await asyncio.sleep(min(timeout, 0.5))
            return 0
        return await chat.wait_change(since, timeout)

    def summary(self, token: str) -> dict:
        state = self.bot_state(token)
        per_method, errors = call_counts(state.calls)
        return {
            "pending_updates": len(state.updates),
            "polling": state.is_polling(),
            "polls": state.polls,
            "calls": len(state.calls),
            "calls_per_method": per_method,
            "errors_per_code": errors,
            "chats": len(state.chats),
            "webhook": self.webhook(token),
            "deliveries": len(state.deliveries),
        }


def _fault_error(fault: Fault) -> ZaloApiError:
    code = fault.error_code or 500
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else None
    return ZaloApiError(code, fault.description or _FAULT_DESCRIPTIONS.get(code, "Injected fault"), headers)
