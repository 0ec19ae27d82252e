"""The emulator's control API over HTTP under /_emu/ (mirrors the Python API of BotApiEmulator)."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aiohttp import web

from bot.emulator.base import Fault
from bot.emulator.common import ControlRoutes, call_counts, json_fail
from bot.emulator.state import EmulatorError, FakeUser

if TYPE_CHECKING:
    from bot.emulator.server import BotApiEmulator


def history_json(emu: BotApiEmulator, token: str, chat_id: int | str) -> list[dict]:
    """chat_history with file bytes replaced by the download path on the emulator."""
    entries = emu.chat_history(token, chat_id)
    for entry in entries:
        file = entry.get("file")
        if file is not None:
            data = file.pop("data")
            file["size"] = len(data)
            file["download_path"] = f"/file/bot{token}/{file['file_path']}"
    return entries


def add_control_routes(app: web.Application, emu: BotApiEmulator) -> None:
    """Mount /_emu/... on the emulator's application."""
    routes = ControlRoutes(
        emu, "/_emu", user=FakeUser.from_json, refuse=lambda text: web.HTTPBadRequest(text=text)
    )
    body = routes.body
    user_of = routes.user

    @routes.post("/_emu/{token}/send_text")
    async def send_text(request: web.Request) -> web.Response:
        data = await body(request)
        message = await emu.send_text(
            request.match_info["token"], user_of(data), str(data["text"]), chat_id=data.get("chat_id")
        )
        return routes.ok({"message": message})

    routes.add_send_texts(lambda message: message["message_id"], emu.monotonic)

    @routes.post("/_emu/{token}/press_button")
    async def press_button(request: web.Request) -> web.Response:
        data = await body(request)
        try:
            query_id = await emu.press_button(
                request.match_info["token"],
                user_of(data),
                int(data["message_id"]),
                str(data["callback_data"]),
                chat_id=data.get("chat_id"),
            )
        except EmulatorError as error:
            return json_fail(404, str(error))
        return routes.ok({"callback_query_id": query_id})

    @routes.post("/_emu/{token}/share_contact")
    async def share_contact(request: web.Request) -> web.Response:
        data = await body(request)
        message = await emu.share_contact(
            request.match_info["token"], user_of(data), str(data["phone_number"])
        )
        return routes.ok({"message": message})

    @routes.post("/_emu/{token}/send_photo")
    async def send_photo(request: web.Request) -> web.Response:
        data = await body(request)
        raw = base64.b64decode(data["data_base64"])
        message = await emu.send_photo(request.match_info["token"], user_of(data), raw, data.get("caption"))
        return routes.ok({"message": message})

    @routes.post("/_emu/{token}/send_document")
    async def send_document(request: web.Request) -> web.Response:
        data = await body(request)
        raw = base64.b64decode(data["data_base64"])
        message = await emu.send_document(
            request.match_info["token"], user_of(data), raw, str(data["filename"]), data.get("mime_type")
        )
        return routes.ok({"message": message})

    routes.add_calls()

    @routes.get("/_emu/{token}/history")
    async def history(request: web.Request) -> web.Response:
        token, chat_id = await routes.history_request(request)
        return routes.ok(
            {
                "version": emu.chat_version(token, chat_id),
                "messages": history_json(emu, token, chat_id),
                "toasts": emu.toasts(token, chat_id),
                "reply_keyboard": emu.reply_keyboard(token, chat_id),
            }
        )

    @routes.post("/_emu/{token}/block")
    async def block(request: web.Request) -> web.Response:
        data = await body(request)
        emu.block(request.match_info["token"], data["chat_id"])
        return routes.ok({"blocked": data["chat_id"]})

    @routes.post("/_emu/{token}/unblock")
    async def unblock(request: web.Request) -> web.Response:
        data = await body(request)
        emu.unblock(request.match_info["token"], data["chat_id"])
        return routes.ok({"unblocked": data["chat_id"]})

    @routes.post("/_emu/{token}/add_user")
    async def add_user(request: web.Request) -> web.Response:
        data = await body(request)
        emu.add_user(request.match_info["token"], user_of(data))
        return routes.ok({"added": data["user"]["id"]})

    routes.add_faults(Fault.__dataclass_fields__)
    routes.add_wait_polling()

    @routes.get("/_emu/{token}/state")
    async def state_summary(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        state = emu.bot_state(token)
        per_method, errors = call_counts(state.calls)
        return routes.ok(
            {
                "pending_updates": len(state.updates),
                "polling": state.is_polling(),
                "calls": len(state.calls),
                "calls_per_method": per_method,
                "errors_per_code": errors,
                "chats": len(state.chats),
                "webhook": emu.webhook(token),
                "deliveries": len(state.pusher.deliveries),
            }
        )

    @routes.get("/_emu/{token}/commands")
    async def commands(request: web.Request) -> web.Response:
        scope = request.query.get("scope")
        return routes.ok(
            {
                "commands": emu.commands(
                    request.match_info["token"],
                    scope=json.loads(scope) if scope else None,
                    language_code=request.query.get("language_code", ""),
                )
            }
        )

    @routes.post("/_emu/config")
    async def config(request: web.Request) -> web.Response:
        data = await body(request)
        try:
            current = emu.configure(**data)
        except TypeError as error:
            return json_fail(400, str(error))
        return routes.ok(
            {
                "rate_limits": current.rate_limits,
                "latency_ms": current.latency_ms,
                "strict_chats": current.strict_chats,
                "callback_ttl_s": current.callback_ttl_s,
                "limits": vars(current.limits),
            }
        )

    routes.add_reset()

    @routes.get("/_emu/clock")
    async def clock_now(request: web.Request) -> web.Response:
        return routes.ok({"now": emu.clock.now().isoformat()})

    @routes.post("/_emu/clock/advance")
    async def clock_advance(request: web.Request) -> web.Response:
        data = await body(request)
        if not hasattr(emu.clock, "advance"):
            return json_fail(400, "this emulator's clock cannot be moved")
        now = emu.clock.advance(timedelta(seconds=float(data["seconds"])))
        return routes.ok({"now": now.isoformat()})

    @routes.post("/_emu/clock/set")
    async def clock_set(request: web.Request) -> web.Response:
        data = await body(request)
        if not hasattr(emu.clock, "set"):
            return json_fail(400, "this emulator's clock cannot be moved")
        try:
            now = emu.clock.set(datetime.fromisoformat(data["now"]))
        except ValueError as error:
            return json_fail(400, str(error))
        return routes.ok({"now": now.isoformat()})

    routes.mount(app)
