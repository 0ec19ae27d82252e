"""The Bot Platform methods of the docs, each a coroutine of (bot state, params) returning the `result`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp

from bot.emulator.zalo.state import (
    CHAT_ACTIONS,
    SECRET_MAX,
    SECRET_MIN,
    TEXT_LIMIT,
    Webhook,
    ZaloApiError,
    ZaloBotState,
    ZaloChat,
    hex_id,
    utf16_length,
)

if TYPE_CHECKING:
    from bot.emulator.zalo.server import ZaloEmulator

NO_RESULT = object()
"""A method whose answer has no `result` field (sendChatAction answers just {"ok": true})."""
_MAX_PHOTO_BYTES = 20 * 1024 * 1024

Method = Callable[[ZaloBotState, dict], Awaitable[Any]]


def bad_request(detail: str) -> ZaloApiError:
    return ZaloApiError(400, f"Bad Request: {detail}")


def _string(params: dict, key: str, *, required: bool = True) -> str | None:
    value = params.get(key)
    if value is None or value == "":
        if required:
            raise bad_request(f"{key} is required")
        return None
    if isinstance(value, (dict, list, bool)) or hasattr(value, "file"):
        raise bad_request(f"{key} must be a string")
    return str(value)


def _check_text(text: str | None, key: str, *, required: bool) -> str | None:
    if text is None:
        if required:
            raise bad_request(f"{key} is required")
        return None
    if not text.strip():
        raise bad_request(f"{key} is empty")
    if utf16_length(text) > TEXT_LIMIT:
        raise bad_request(f"{key} must be 1 to {TEXT_LIMIT} characters")
    return text


class ZaloMethods:
    """The method table of one emulator; names are case-sensitive, as the docs say."""

    def __init__(self, emu: ZaloEmulator) -> None:
        self.emu = emu

    def table(self) -> dict[str, Method]:
        return {
            "getMe": self.getMe,
            "getUpdates": self.getUpdates,
            "setWebhook": self.setWebhook,
            "deleteWebhook": self.deleteWebhook,
            "getWebhookInfo": self.getWebhookInfo,
            "sendMessage": self.sendMessage,
            "sendPhoto": self.sendPhoto,
            "sendSticker": self.sendSticker,
            "sendChatAction": self.sendChatAction,
        }

    # --- helpers --------------------------------------------------------------------------------

    def _chat(self, state: ZaloBotState, params: dict) -> ZaloChat:
        chat_id = _string(params, "chat_id")
        chat = state.chats.get(chat_id or "")
        if chat is None:
            code, description = self.emu.config.unknown_chat
            raise ZaloApiError(code, description)
        return chat

    def _bot_message(self, chat: ZaloChat, method: str, content: dict) -> dict:
        result = {"message_id": hex_id(), "date": self.emu.now_ms()}
        chat.messages.append({"from_bot": True, "method": method, **result, **content})
        chat.action = None
        chat.touch()
        return result

    # --- identity and updates -------------------------------------------------------------------

    async def getMe(self, state: ZaloBotState, params: dict) -> dict:
        return {
            "id": state.bot_id,
            "account_name": self.emu.config.bot_account_name,
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    async def getUpdates(self, state: ZaloBotState, params: dict) -> Any:
        if state.webhook is not None:
            code, description = self.emu.config.webhook_is_set
            raise ZaloApiError(code, description)
        raw = params.get("timeout", 30)
        try:
            timeout = float(raw if raw not in (None, "") else 30)
        except (TypeError, ValueError):
            raise bad_request("timeout must be a number of seconds") from None
        timeout = min(max(timeout, 0.0), self.emu.config.max_poll_timeout_s)
        update = await state.next_update(timeout)
        if update is not None:
            return update
        if state.webhook is not None:
            code, description = self.emu.config.webhook_is_set
            raise ZaloApiError(code, description)
        if self.emu.config.empty_poll is None:
            return None
        code, description = self.emu.config.empty_poll
        raise ZaloApiError(code, description)

    # --- webhook --------------------------------------------------------------------------------

    async def setWebhook(self, state: ZaloBotState, params: dict) -> dict:
        url = _string(params, "url") or ""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad_request("url must be an HTTPS URL")
        if parts.scheme == "http" and not self.emu.is_loopback(parts.hostname):
            # The docs require HTTPS; plain HTTP is allowed on loopback for tests only.
            raise bad_request("url must be an HTTPS URL")
        secret = _string(params, "secret_token") or ""
        if not SECRET_MIN <= len(secret) <= SECRET_MAX:
            raise bad_request(f"secret_token must be {SECRET_MIN} to {SECRET_MAX} characters")
        state.webhook = Webhook(url, secret)
        state.webhook_updated_at = self.emu.now_ms()
        state.pulse_updates()  # parked long polls end: getUpdates no longer works
        self.emu.kick_webhook(state)
        return {"url": url, "updated_at": state.webhook_updated_at}

    async def deleteWebhook(self, state: ZaloBotState, params: dict) -> dict:
        if state.webhook is None and self.emu.config.delete_webhook_unset is not None:
            code, description = self.emu.config.delete_webhook_unset
            raise ZaloApiError(code, description)
        state.webhook = None
        state.webhook_updated_at = self.emu.now_ms()
        return {"url": "", "updated_at": state.webhook_updated_at}

    async def getWebhookInfo(self, state: ZaloBotState, params: dict) -> dict:
        url = state.webhook.url if state.webhook else ""
        return {"url": url, "updated_at": state.webhook_updated_at}

    # --- sending --------------------------------------------------------------------------------

    async def sendMessage(self, state: ZaloBotState, params: dict) -> dict:
        chat = self._chat(state, params)
        text = _check_text(_string(params, "text"), "text", required=True)
        return self._bot_message(chat, "sendMessage", {"text": text})

    async def sendPhoto(self, state: ZaloBotState, params: dict) -> dict:
        chat = self._chat(state, params)
        photo = params.get("photo")
        if hasattr(photo, "file") or not isinstance(photo, str) or not photo:
            raise bad_request("photo must be the URL of an image")
        parts = urlsplit(photo)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad_request("photo must be the URL of an image")
        caption = _check_text(_string(params, "caption", required=False), "caption", required=False)
        fetched = await self._fetch_photo(photo)
        content: dict[str, Any] = {"photo": photo, "caption": caption, "photo_fetch": fetched}
        return self._bot_message(chat, "sendPhoto", content)

    async def _fetch_photo(self, url: str) -> dict | None:
        """Fetch a photo URL the emulator can reach; None when it is not on loopback (never the internet)."""
        target = self.emu.reachable_url(url)
        if target is None or not self.emu.config.check_photos:
            return None
        try:
            async with self.emu.http.get(target, allow_redirects=False) as response:
                data = await response.content.read(_MAX_PHOTO_BYTES + 1)
                content_type = response.content_type
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            raise bad_request(f"cannot fetch photo ({type(error).__name__})") from None
        if status != 200:
            raise bad_request(f"cannot fetch photo (HTTP {status})")
        if not content_type.startswith("image/"):
            raise bad_request(f"photo is not an image ({content_type})")
        if len(data) > _MAX_PHOTO_BYTES:
            raise bad_request("photo is too large")
        return {"status": status, "content_type": content_type, "size": len(data), "data": data}

    async def sendSticker(self, state: ZaloBotState, params: dict) -> dict:
        chat = self._chat(state, params)
        sticker = _string(params, "sticker")
        return self._bot_message(chat, "sendSticker", {"sticker": sticker})

    async def sendChatAction(self, state: ZaloBotState, params: dict) -> Any:
        chat = self._chat(state, params)
        action = _string(params, "action")
        if action not in CHAT_ACTIONS:
            raise bad_request(f"action must be one of {', '.join(sorted(CHAT_ACTIONS))}")
        chat.action = action
        chat.touch()
        return NO_RESULT
