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
from typing import TYPE_CHECKING

from aiohttp import web

from bot.emulator.base import Fault
from bot.emulator.common import ControlRoutes, bytes_as_size, json_fail, ok_param
from bot.emulator.zalo.state import ZaloEmulatorError, ZaloUser

if TYPE_CHECKING:
    from bot.emulator.zalo.server import ZaloEmulator


def message_json(message: dict) -> dict:
    """A chat message for JSON: fetched photo bytes become their size."""
    fetched = message.get("photo_fetch")
    if fetched:
        message = {**message, "photo_fetch": {k: v for k, v in fetched.items() if k != "data"}}
    return message


def add_control_routes(app: web.Application, emu: ZaloEmulator) -> None:
    """Mount /_zalo/... on the emulator's application."""
    routes = ControlRoutes(
        emu, "/_zalo", user=ZaloUser.from_json, default=bytes_as_size, not_found=(ZaloEmulatorError,)
    )
    body = routes.body
    user_of = routes.user

    @routes.post("/_zalo/{token}/send_text")
    async def send_text(request: web.Request) -> web.Response:
        data = await body(request)
        update = await emu.send_text(request.match_info["token"], user_of(data), str(data["text"]))
        return routes.ok({"update": update})

    routes.add_send_texts(lambda update: update["message"]["message_id"], emu.now_ms)

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
        return routes.ok({"update": update})

    @routes.post("/_zalo/{token}/send_sticker")
    async def send_sticker(request: web.Request) -> web.Response:
        data = await body(request)
        update = await emu.send_sticker(request.match_info["token"], user_of(data), data.get("sticker"))
        return routes.ok({"update": update})

    @routes.post("/_zalo/{token}/send_unsupported")
    async def send_unsupported(request: web.Request) -> web.Response:
        data = await body(request)
        return routes.ok({"update": await emu.send_unsupported(request.match_info["token"], user_of(data))})

    @routes.post("/_zalo/{token}/redeliver")
    async def redeliver(request: web.Request) -> web.Response:
        data = await body(request)
        return routes.ok({"update": emu.redeliver(request.match_info["token"], data.get("message_id"))})

    @routes.post("/_zalo/{token}/add_user")
    async def add_user(request: web.Request) -> web.Response:
        data = await body(request)
        user = user_of(data)
        emu.add_user(request.match_info["token"], user)
        return routes.ok({"added": user.id})

    @routes.post("/_zalo/{token}/forget_user")
    async def forget_user(request: web.Request) -> web.Response:
        data = await body(request)
        emu.forget_user(request.match_info["token"], str(data["chat_id"]))
        return routes.ok({"forgotten": data["chat_id"]})

    @routes.post("/_zalo/{token}/quota")
    async def quota(request: web.Request) -> web.Response:
        data = await body(request)
        emu.quota_exceeded(
            request.match_info["token"],
            int(data.get("count", 1)),
            method=data.get("method"),
            retry_after=data.get("retry_after"),
        )
        return routes.ok({"faults": len(emu.bot_state(request.match_info["token"]).faults)})

    routes.add_faults(Fault.__dataclass_fields__)

    @routes.post("/_zalo/{token}/revoke")
    async def revoke(request: web.Request) -> web.Response:
        emu.revoke(request.match_info["token"])
        return routes.ok({"revoked": True})

    routes.add_calls()

    @routes.get("/_zalo/{token}/sent")
    async def sent(request: web.Request) -> web.Response:
        messages = emu.sent(request.match_info["token"], request.query["chat_id"])
        return routes.ok({"messages": [message_json(m) for m in messages]})

    @routes.get("/_zalo/{token}/history")
    async def history(request: web.Request) -> web.Response:
        token, chat_id = await routes.history_request(request)
        return routes.ok(
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
                return json_fail(408, str(error))
        else:
            found = emu.deliveries(token, since)
        return routes.ok({"deliveries": [d.to_json() for d in found]})

    routes.add_wait_polling()

    @routes.get("/_zalo/{token}/state")
    async def state_summary(request: web.Request) -> web.Response:
        return routes.ok(emu.summary(request.match_info["token"]))

    @routes.get("/_zalo/config")
    async def get_config(request: web.Request) -> web.Response:
        return routes.ok(emu.config_json())

    @routes.post("/_zalo/config")
    async def set_config(request: web.Request) -> web.Response:
        emu.configure(**await body(request))
        return routes.ok(emu.config_json())

    routes.add_reset()
    routes.mount(app)
