"""The emulator's control API over HTTP under /_emu/ (mirrors the Python API of BotApiEmulator)."""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.emulator.state import EmulatorError, FakeUser, Fault

if TYPE_CHECKING:
    from bot.emulator.server import BotApiEmulator

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _ok(payload: Any) -> web.Response:
    return web.json_response(payload, dumps=lambda v: json.dumps(v, ensure_ascii=False, default=str))


def _fail(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


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


def _guarded(handler: Handler) -> Handler:
    """Missing or malformed fields answer 400 with a JSON explanation instead of a 500."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except KeyError as error:
            return _fail(400, f"missing field {error}")
        except (ValueError, TypeError) as error:
            return _fail(400, str(error))

    return guarded


def add_control_routes(app: web.Application, emu: BotApiEmulator) -> None:
    """Mount /_emu/... on the emulator's application."""
    routes = web.RouteTableDef()

    async def body(request: web.Request) -> dict:
        if not request.body_exists:
            return {}
        data = await request.json()
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="JSON object expected")
        return data

    def user_of(data: dict) -> FakeUser:
        return FakeUser.from_json(data["user"])

    @routes.post("/_emu/{token}/send_text")
    async def send_text(request: web.Request) -> web.Response:
        data = await body(request)
        message = await emu.send_text(
            request.match_info["token"], user_of(data), str(data["text"]), chat_id=data.get("chat_id")
        )
        return _ok({"message": message})

    @routes.post("/_emu/{token}/send_texts")
    async def send_texts(request: web.Request) -> web.Response:
        data = await body(request)
        items = [(FakeUser.from_json(item["user"]), str(item["text"])) for item in data["items"]]
        messages = await emu.send_texts(request.match_info["token"], items)
        return _ok({"message_ids": [m["message_id"] for m in messages], "time": emu.monotonic()})

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
            return _fail(404, str(error))
        return _ok({"callback_query_id": query_id})

    @routes.post("/_emu/{token}/share_contact")
    async def share_contact(request: web.Request) -> web.Response:
        data = await body(request)
        message = await emu.share_contact(
            request.match_info["token"], user_of(data), str(data["phone_number"])
        )
        return _ok({"message": message})

    @routes.post("/_emu/{token}/send_photo")
    async def send_photo(request: web.Request) -> web.Response:
        data = await body(request)
        raw = base64.b64decode(data["data_base64"])
        message = await emu.send_photo(request.match_info["token"], user_of(data), raw, data.get("caption"))
        return _ok({"message": message})

    @routes.post("/_emu/{token}/send_document")
    async def send_document(request: web.Request) -> web.Response:
        data = await body(request)
        raw = base64.b64decode(data["data_base64"])
        message = await emu.send_document(
            request.match_info["token"], user_of(data), raw, str(data["filename"]), data.get("mime_type")
        )
        return _ok({"message": message})

    @routes.get("/_emu/{token}/calls")
    async def calls(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        query = request.query
        method = query.get("method") or None
        chat_id = query.get("chat_id") or None
        ok = {"true": True, "false": False}.get(query.get("ok", ""))
        since = int(query["since"]) if query.get("since") else 0
        count = int(query.get("count") or 0)
        if count:
            try:
                found = await emu.wait_for(
                    token,
                    method=method,
                    chat_id=chat_id,
                    ok=ok,
                    count=count,
                    since=since,
                    timeout=float(query.get("timeout") or 10),
                )
            except TimeoutError as error:
                return _fail(408, str(error))
        else:
            found = [c for c in emu.calls(token, method, chat_id, ok=ok) if c.index >= since]
        return _ok({"calls": [c.to_json() for c in found], "next": emu.mark(token)})

    @routes.get("/_emu/{token}/history")
    async def history(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        chat_id = request.query["chat_id"]
        if request.query.get("since"):
            timeout = float(request.query.get("timeout") or 25)
            await emu.wait_chat_change(token, chat_id, int(request.query["since"]), timeout)
        return _ok(
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
        return _ok({"blocked": data["chat_id"]})

    @routes.post("/_emu/{token}/unblock")
    async def unblock(request: web.Request) -> web.Response:
        data = await body(request)
        emu.unblock(request.match_info["token"], data["chat_id"])
        return _ok({"unblocked": data["chat_id"]})

    @routes.post("/_emu/{token}/add_user")
    async def add_user(request: web.Request) -> web.Response:
        data = await body(request)
        emu.add_user(request.match_info["token"], user_of(data))
        return _ok({"added": data["user"]["id"]})

    @routes.post("/_emu/{token}/faults")
    async def faults(request: web.Request) -> web.Response:
        data = await body(request)
        allowed = set(Fault.__dataclass_fields__)
        unknown = set(data) - allowed
        if unknown:
            return _fail(400, f"unknown fault fields: {sorted(unknown)}")
        try:
            emu.inject_fault(request.match_info["token"], **data)
        except ValueError as error:
            return _fail(400, str(error))
        return _ok({"faults": len(emu.bot_state(request.match_info["token"]).faults)})

    @routes.get("/_emu/{token}/wait_polling")
    async def wait_polling(request: web.Request) -> web.Response:
        try:
            await emu.wait_polling(request.match_info["token"], float(request.query.get("timeout") or 10))
        except TimeoutError:
            return _fail(408, "the bot is not polling")
        return _ok({"polling": True})

    @routes.get("/_emu/{token}/state")
    async def state_summary(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        state = emu.bot_state(token)
        per_method: dict[str, int] = {}
        errors: dict[str, int] = {}
        for call in state.calls:
            per_method[call.method] = per_method.get(call.method, 0) + 1
            if call.error_code:
                errors[str(call.error_code)] = errors.get(str(call.error_code), 0) + 1
        return _ok(
            {
                "pending_updates": len(state.updates),
                "polling": state.is_polling(),
                "calls": len(state.calls),
                "calls_per_method": per_method,
                "errors_per_code": errors,
                "chats": len(state.chats),
            }
        )

    @routes.get("/_emu/{token}/commands")
    async def commands(request: web.Request) -> web.Response:
        scope = request.query.get("scope")
        return _ok(
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
            return _fail(400, str(error))
        return _ok(
            {
                "rate_limits": current.rate_limits,
                "latency_ms": current.latency_ms,
                "strict_chats": current.strict_chats,
                "callback_ttl_s": current.callback_ttl_s,
                "limits": vars(current.limits),
            }
        )

    @routes.post("/_emu/reset")
    async def reset(request: web.Request) -> web.Response:
        emu.reset()
        return _ok({"reset": True})

    @routes.get("/_emu/clock")
    async def clock_now(request: web.Request) -> web.Response:
        return _ok({"now": emu.clock.now().isoformat()})

    @routes.post("/_emu/clock/advance")
    async def clock_advance(request: web.Request) -> web.Response:
        data = await body(request)
        if not hasattr(emu.clock, "advance"):
            return _fail(400, "this emulator's clock cannot be moved")
        now = emu.clock.advance(timedelta(seconds=float(data["seconds"])))
        return _ok({"now": now.isoformat()})

    @routes.post("/_emu/clock/set")
    async def clock_set(request: web.Request) -> web.Response:
        data = await body(request)
        if not hasattr(emu.clock, "set"):
            return _fail(400, "this emulator's clock cannot be moved")
        try:
            now = emu.clock.set(datetime.fromisoformat(data["now"]))
        except ValueError as error:
            return _fail(400, str(error))
        return _ok({"now": now.isoformat()})

    for route in routes:
        if isinstance(route, web.RouteDef):
            app.router.add_route(route.method, route.path, _guarded(route.handler))
