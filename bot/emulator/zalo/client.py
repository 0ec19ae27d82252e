"""An async client for the Zalo emulator's control API, for drivers running in another process."""

from __future__ import annotations

import base64
from typing import Any

from bot.emulator.common import ControlClient, user_json
from bot.emulator.zalo.state import ZaloUser


class ZaloEmulatorControlError(RuntimeError):
    """The control API answered with an error."""


class ZaloEmulatorClient(ControlClient):
    """Drive a Zalo emulator over HTTP: ``async with ZaloEmulatorClient("http://127.0.0.1:8082") as c:``."""

    prefix = "/_zalo"
    error = ZaloEmulatorControlError

    # --- user-side actions ----------------------------------------------------------------------

    async def send_text(self, token: str, user: ZaloUser | dict, text: str) -> dict:
        body = {"user": user_json(user), "text": text}
        return (await self._request("POST", f"/_zalo/{token}/send_text", json_body=body))["update"]

    async def send_image(
        self,
        token: str,
        user: ZaloUser | dict,
        *,
        data: bytes | None = None,
        url: str | None = None,
        caption: str | None = None,
    ) -> dict:
        body = {
            "user": user_json(user),
            "data_base64": base64.b64encode(data).decode() if data is not None else None,
            "url": url,
            "caption": caption,
        }
        return (await self._request("POST", f"/_zalo/{token}/send_image", json_body=body))["update"]

    async def send_sticker(self, token: str, user: ZaloUser | dict, sticker: str | None = None) -> dict:
        body = {"user": user_json(user), "sticker": sticker}
        return (await self._request("POST", f"/_zalo/{token}/send_sticker", json_body=body))["update"]

    async def send_unsupported(self, token: str, user: ZaloUser | dict) -> dict:
        body = {"user": user_json(user)}
        return (await self._request("POST", f"/_zalo/{token}/send_unsupported", json_body=body))["update"]

    async def redeliver(self, token: str, message_id: str | None = None) -> dict:
        body = {"message_id": message_id}
        return (await self._request("POST", f"/_zalo/{token}/redeliver", json_body=body))["update"]

    async def forget_user(self, token: str, chat_id: str) -> None:
        await self._request("POST", f"/_zalo/{token}/forget_user", json_body={"chat_id": chat_id})

    # --- faults and limits ----------------------------------------------------------------------

    async def quota_exceeded(
        self, token: str, count: int = 1, *, method: str | None = None, retry_after: int | None = None
    ) -> None:
        body = {"count": count, "method": method, "retry_after": retry_after}
        await self._request("POST", f"/_zalo/{token}/quota", json_body=body)

    async def inject_fault(self, token: str, method: str | None = None, **fault: Any) -> None:
        """Same keywords as ZaloEmulator.inject_fault (count, chat_id, error_code, description, drop, ...)."""
        await self._request("POST", f"/_zalo/{token}/faults", json_body={"method": method, **fault})

    async def revoke(self, token: str) -> None:
        await self._request("POST", f"/_zalo/{token}/revoke")

    # --- inspection -----------------------------------------------------------------------------

    async def sent(self, token: str, chat_id: str) -> list[dict]:
        return (await self._request("GET", f"/_zalo/{token}/sent", params={"chat_id": chat_id}))["messages"]

    async def deliveries(
        self, token: str, *, since: int = 0, count: int = 0, ok: bool | None = None, timeout: float = 10
    ) -> list[dict]:
        params = {"since": since, "count": count or None, "ok": ok, "timeout": timeout if count else None}
        return (await self._request("GET", f"/_zalo/{token}/deliveries", params=params))["deliveries"]

    # --- settings -------------------------------------------------------------------------------

    async def config(self) -> dict:
        return await self._request("GET", "/_zalo/config")
