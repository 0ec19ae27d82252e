"""The Zalo emulator's control API over HTTP under /_zalo/ (mirrors the Python API of ZaloEmulator).

| route | does |
|---|---|
| POST /_zalo/{token}/send_text {user, text} | a user writes a text → {update} |
| POST /_zalo/{token}/send_texts {items: [{user, text}]} | many at once → {message_ids, time} |
| POST /_zalo/{token}/send_image {user, data_base64? or url?, caption?} | a user sends a picture → {update} |
| POST /_zalo/{token}/send_sticker {user, sticker?} | a user sends a sticker → {update} |
| POST /_zalo/{token}/send_unsupported {user} | message.unsupported.received → {update} |
| POST /_zalo/{token}/redeliver {message_id?} | the same update again (latest if no id) → {update} |
| POST /_zalo/{token}/add_user {user} / forget_user {chat_id} | make a chat known / unknown |
| POST /_zalo/{token}/quota {count, method?, retry_after?} | the next calls answer 429 "Quota exceeded" |
| POST /_zalo/{token}/faults {method?, count, error_code?, description?, drop?, delay?} | faults |
| POST /_zalo/{token}/revoke | the token stops working (401) |
| GET /_zalo/{token}/calls?method&chat_id&ok&since[&count&timeout] | recorded calls (waits with count) |
| GET /_zalo/{token}/sent?chat_id | what the bot sent to a chat |
| GET /_zalo/{token}/history?chat_id[&since&timeout] | both sides of a chat, {version, messages, action} |
| GET /_zalo/{token}/deliveries?since[&count&ok&timeout] | webhook push attempts (waits with count) |
| GET /_zalo/{token}/wait_polling?timeout | 200 once the bot has a getUpdates parked, else 408 |
| GET /_zalo/{token}/state | counters: pending updates, polls, calls per method, errors per code, webhook |
| POST /_zalo/config {setting: value} / GET /_zalo/config | read or change ZaloEmulatorConfig |
| POST /_zalo/reset | forget everything (settings stay) |

A `user` is {"id": "<20 hex>", "display_name": "..."}; without an id, one is derived from the name.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.emulator.zalo.state import ZaloEmulatorError, ZaloFault, ZaloUser

if TYPE_CHECKING:
    from bot.emulator.zalo.server import ZaloEmulator

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _ok(payload: Any) -> web.Response:
    return web.json_response(payload, dumps=lambda v: json.dumps(v, ensure_ascii=False, default=_default))


def _default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return str(value)


def _fail(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _guarded(handler: Handler) -> Handler:
    """Missing or malformed fields answer 400 with a JSON explanation instead of a 500."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except KeyError as error:
            return _fail(400, f"missing field {error}")
        except ZaloEmulatorError as error:
            return _fail(404, str(error))
        except (ValueError, TypeError) as error:
            return _fail(400, str(error))

    return guarded


def message_json(message: dict) -> dict:
    """A chat message for JSON: fetched photo bytes become their size."""
    fetched = message.get("photo_fetch")
    if fetched:
        message = {**message, "photo_fetch": {k: v for k, v in fetched.items() if k != "data"}}
    return message


def add_control_routes(app: web.Application, emu: ZaloEmulator) -> None:
    """Mount /_zalo/... on the emulator's application."""
    routes = web.RouteTableDef()

    async def body(request: web.Request) -> dict:
        if not request.body_exists:
            return {}
        data = await request.json()
        if not isinstance(data, dict):
            raise ValueError("JSON object expected")
        return data

    def user_of(data: dict) -> ZaloUser:
        return ZaloUser.from_json(data["user"])

    def ok_param(request: web.Request) -> bool | None:
        return {"true": True, "false": False}.get(request.query.get("ok", ""))

    @routes.post("/_zalo/{token}/send_text")
    async def send_text(request: web.Request) -> web.Response:
        data = await body(request)
        update = await emu.send_text(request.match_info["token"], user_of(data), str(data["text"]))
        return _ok({"update": update})

    @routes.post("/_zalo/{token}/send_texts")
    async def send_texts(request: web.Request) -> web.Response:
        data = await body(request)
        items = [(ZaloUser.from_json(item["user"]), str(item["text"])) for item in data["items"]]
        updates = await emu.send_texts(request.match_info["token"], items)
        return _ok({"message_ids": [u["message"]["message_id"] for u in updates], "time": emu.now_ms()})

    @routes.post("/_zalo/{token}/send_image")
    async def send_image(request: web.Request) -> web.Response:
        data = await body(request)
        raw = base64.b64decode(data["data_base64"]) if data.get("data_base64") else None
        update = await emu.send_image(
            request.match_info["token"],
            user_of(data),
            data=raw,
            url=data.get("url"),
            caption=data.get("caption"),
        )
        return _ok({"update": update})

    @routes.post("/_zalo/{token}/send_sticker")
    async def send_sticker(request: web.Request) -> web.Response:
        data = await body(request)
        update = await emu.send_sticker(request.match_info["token"], user_of(data), data.get("sticker"))
        return _ok({"update": update})

    @routes.post("/_zalo/{token}/send_unsupported")
    async def send_unsupported(request: web.Request) -> web.Response:
        data = await body(request)
        return _ok({"update": await emu.send_unsupported(request.match_info["token"], user_of(data))})

    @routes.post("/_zalo/{token}/redeliver")
    async def redeliver(request: web.Request) -> web.Response:
        data = await body(request)
        return _ok({"update": emu.redeliver(request.match_info["token"], data.get("message_id"))})

    @routes.post("/_zalo/{token}/add_user")
    async def add_user(request: web.Request) -> web.Response:
        data = await body(request)
        user = user_of(data)
        emu.add_user(request.match_info["token"], user)
        return _ok({"added": user.id})

    @routes.post("/_zalo/{token}/forget_user")
    async def forget_user(request: web.Request) -> web.Response:
        data = await body(request)
        emu.forget_user(request.match_info["token"], str(data["chat_id"]))
        return _ok({"forgotten": data["chat_id"]})

    @routes.post("/_zalo/{token}/quota")
    async def quota(request: web.Request) -> web.Response:
        data = await body(request)
        emu.quota_exceeded(
            request.match_info["token"],
            int(data.get("count", 1)),
            method=data.get("method"),
            retry_after=data.get("retry_after"),
        )
        return _ok({"faults": len(emu.bot_state(request.match_info["token"]).faults)})

    @routes.post("/_zalo/{token}/faults")
    async def faults(request: web.Request) -> web.Response:
        data = await body(request)
        unknown = set(data) - set(ZaloFault.__dataclass_fields__)
        if unknown:
            return _fail(400, f"unknown fault fields: {sorted(unknown)}")
        emu.inject_fault(request.match_info["token"], **data)
        return _ok({"faults": len(emu.bot_state(request.match_info["token"]).faults)})

    @routes.post("/_zalo/{token}/revoke")
    async def revoke(request: web.Request) -> web.Response:
        emu.revoke(request.match_info["token"])
        return _ok({"revoked": True})

    @routes.get("/_zalo/{token}/calls")
    async def calls(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        query = request.query
        method = query.get("method") or None
        chat_id = query.get("chat_id") or None
        since = int(query.get("since") or 0)
        count = int(query.get("count") or 0)
        if count:
            try:
                found = await emu.wait_for(
                    token,
                    method=method,
                    chat_id=chat_id,
                    ok=ok_param(request),
                    count=count,
                    since=since,
                    timeout=float(query.get("timeout") or 10),
                )
            except TimeoutError as error:
                return _fail(408, str(error))
        else:
            found = [c for c in emu.calls(token, method, chat_id, ok=ok_param(request)) if c.index >= since]
        return _ok({"calls": [c.to_json() for c in found], "next": emu.mark(token)})

    @routes.get("/_zalo/{token}/sent")
    async def sent(request: web.Request) -> web.Response:
        messages = emu.sent(request.match_info["token"], request.query["chat_id"])
        return _ok({"messages": [message_json(m) for m in messages]})

    @routes.get("/_zalo/{token}/history")
    async def history(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        chat_id = request.query["chat_id"]
        if request.query.get("since"):
            timeout = float(request.query.get("timeout") or 25)
            await emu.wait_chat_change(token, chat_id, int(request.query["since"]), timeout)
        return _ok(
            {
                "version": emu.chat_version(token, chat_id),
                "messages": [message_json(m) for m in emu.chat_history(token, chat_id)],
                "action": emu.chat_action(token, chat_id),
            }
        )

    @routes.get("/_zalo/{token}/deliveries")
    async def deliveries(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        since = int(request.query.get("since") or 0)
        count = int(request.query.get("count") or 0)
        if count:
            try:
                found = await emu.wait_deliveries(
                    token,
                    count=count,
                    since=since,
                    ok=ok_param(request),
                    timeout=float(request.query.get("timeout") or 10),
                )
            except TimeoutError as error:
                return _fail(408, str(error))
        else:
            found = emu.deliveries(token, since)
        return _ok({"deliveries": [d.to_json() for d in found]})

    @routes.get("/_zalo/{token}/wait_polling")
    async def wait_polling(request: web.Request) -> web.Response:
        try:
            await emu.wait_polling(request.match_info["token"], float(request.query.get("timeout") or 10))
        except TimeoutError:
            return _fail(408, "the bot is not polling")
        return _ok({"polling": True})

    @routes.get("/_zalo/{token}/state")
    async def state_summary(request: web.Request) -> web.Response:
        return _ok(emu.summary(request.match_info["token"]))

    @routes.get("/_zalo/config")
    async def get_config(request: web.Request) -> web.Response:
        return _ok(emu.config_json())

    @routes.post("/_zalo/config")
    async def set_config(request: web.Request) -> web.Response:
        emu.configure(**await body(request))
        return _ok(emu.config_json())

    @routes.post("/_zalo/reset")
    async def reset(request: web.Request) -> web.Response:
        emu.reset()
        return _ok({"reset": True})

    for route in routes:
        if isinstance(route, web.RouteDef):
            app.router.add_route(route.method, route.path, _guarded(route.handler))
