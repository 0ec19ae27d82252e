"""An async client for the emulator's control API, for drivers running in another process."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from bot.emulator.common import ControlClient, user_json
from bot.emulator.state import FakeUser


class EmulatorControlError(RuntimeError):
    """The control API answered with an error."""


class EmulatorClient(ControlClient):
    """Drive an emulator over HTTP: ``async with EmulatorClient("http://127.0.0.1:8081") as c: ...``.

    ``history`` answers {"version", "messages", "toasts", "reply_keyboard"}; files carry a download_path.
    """

    prefix = "/_emu"
    error = EmulatorControlError

    # --- user-side actions ----------------------------------------------------------------------

    async def send_text(
        self, token: str, user: FakeUser | dict, text: str, *, chat_id: int | None = None
    ) -> dict:
        body = {"user": user_json(user), "text": text, "chat_id": chat_id}
        return (await self._request("POST", f"/_emu/{token}/send_text", json_body=body))["message"]

    async def press_button(
        self,
        token: str,
        user: FakeUser | dict,
        message_id: int,
        callback_data: str,
        *,
        chat_id: int | None = None,
    ) -> str:
        body = {
            "user": user_json(user),
            "message_id": message_id,
            "callback_data": callback_data,
            "chat_id": chat_id,
        }
        return (await self._request("POST", f"/_emu/{token}/press_button", json_body=body))[
            "callback_query_id"
        ]

    async def share_contact(self, token: str, user: FakeUser | dict, phone_number: str) -> dict:
        body = {"user": user_json(user), "phone_number": phone_number}
        return (await self._request("POST", f"/_emu/{token}/share_contact", json_body=body))["message"]

    async def send_photo(
        self, token: str, user: FakeUser | dict, data: bytes, caption: str | None = None
    ) -> dict:
        body = {"user": user_json(user), "data_base64": base64.b64encode(data).decode(), "caption": caption}
        return (await self._request("POST", f"/_emu/{token}/send_photo", json_body=body))["message"]

    async def send_document(self, token: str, user: FakeUser | dict, data: bytes, filename: str) -> dict:
        body = {"user": user_json(user), "data_base64": base64.b64encode(data).decode(), "filename": filename}
        return (await self._request("POST", f"/_emu/{token}/send_document", json_body=body))["message"]

    async def block(self, token: str, chat_id: int) -> None:
        await self._request("POST", f"/_emu/{token}/block", json_body={"chat_id": chat_id})

    async def unblock(self, token: str, chat_id: int) -> None:
        await self._request("POST", f"/_emu/{token}/unblock", json_body={"chat_id": chat_id})

    # --- inspection -----------------------------------------------------------------------------

    async def commands(self, token: str, *, scope: dict | None = None, language_code: str = "") -> list[dict]:
        params = {"scope": json.dumps(scope) if scope else None, "language_code": language_code}
        return (await self._request("GET", f"/_emu/{token}/commands", params=params))["commands"]

    # --- control --------------------------------------------------------------------------------

    async def inject_fault(self, token: str, method: str, **fault: Any) -> None:
        """Same keywords as BotApiEmulator.inject_fault (count, chat_id, error_code, description, ...)."""
        await self._request("POST", f"/_emu/{token}/faults", json_body={"method": method, **fault})

    async def clock_now(self) -> datetime:
        return datetime.fromisoformat((await self._request("GET", "/_emu/clock"))["now"])

    async def clock_advance(self, seconds: float) -> datetime:
        payload = await self._request("POST", "/_emu/clock/advance", json_body={"seconds": seconds})
        return datetime.fromisoformat(payload["now"])

    async def clock_set(self, when: datetime) -> datetime:
        payload = await self._request("POST", "/_emu/clock/set", json_body={"now": when.isoformat()})
        return datetime.fromisoformat(payload["now"])
