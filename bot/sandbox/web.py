"""The sandbox web chat: a phone-like page that talks to the bot through the emulators, on the same server.

Every chat endpoint takes `?channel=zalo` to act as the same person on Zalo (default: Telegram): the page then
shows what a Zalo user sees — plain text, numbered lists answered by typing, links instead of files.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web
from babel.dates import format_datetime

from bot.clock import AdjustableClock
from bot.emulator import BotApiEmulator, EmulatorError, FakeUser
from bot.emulator.zalo import ZaloEmulator, ZaloUser

STATIC_DIR = Path(__file__).with_name("static")
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LONG_POLL_S = 25.0
MAX_MESSAGES = 300

People = Callable[[], Awaitable[list[dict]]]
_URL = re.compile(r"https?://\S+")


def sandbox_zalo_id(user_id: int) -> str:
    """The Zalo id (20 hex characters, as on Zalo) of the sandbox person with this Telegram id."""
    return f"{user_id % 16**20:020x}"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def zalo_message_view(index: int, entry: dict) -> dict[str, Any]:
    """A Zalo emulator message in the page's shape: plain text with its links clickable, or a photo."""
    view: dict[str, Any] = {
        "id": index,
        "from_bot": entry["from_bot"],
        "time": datetime.fromtimestamp(entry["date"] / 1000, LOCAL_TZ).strftime("%H:%M"),
        "edited": False,
    }
    photo = entry.get("photo")
    if isinstance(photo, str):
        view["photo"] = {"url": photo}
    for key in ("text", "caption"):
        text = entry.get(key)
        if isinstance(text, str):
            view[key] = text
            view[f"{key}_entities" if key == "caption" else "entities"] = [
                {"type": "url", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
                for m in _URL.finditer(text)
            ]
    if "text" not in view and "caption" not in view and not photo:
        view["text"] = "(" + str(entry.get("event_name") or entry.get("method") or "?") + ")"
        view["entities"] = []
    return view


def next_monday_morning(now: datetime) -> datetime:
    """The next Monday 07:00 in Vietnam strictly after `now`."""
    local = now.astimezone(LOCAL_TZ)
    target = local.replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(
        days=(7 - local.weekday()) % 7
    )
    if target <= local:
        target += timedelta(days=7)
    return target


def clock_view(now: datetime) -> dict:
    return {
        "iso": now.isoformat(),
        "label": format_datetime(now, "EEEE, dd/MM/yyyy HH:mm", tzinfo=LOCAL_TZ, locale="vi"),
    }


def demo_phone(person: dict) -> str:
    """The phone number a demo person shares (their own if the data has one)."""
    return str(person.get("phone") or f"+849{int(person['user_id']) % 10**8:08d}")


class SandboxWeb:
    """JSON API of the sandbox page; see add_sandbox_routes."""

    def __init__(
        self,
        emu: BotApiEmulator,
        *,
        token: str,
        people: People,
        clock: AdjustableClock,
        on_clock_moved: Callable[[], Awaitable[None]] | None = None,
        zalo: ZaloEmulator | None = None,
        zalo_token: str = "",
    ) -> None:
        self.emu = emu
        self.zalo = zalo
        self.zalo_token = zalo_token
        self.token = token
        self.people = people
        self.clock = clock
        self.on_clock_moved = on_clock_moved
        self._people_by_id: dict[int, dict] = {}
        # Versions restart with the server: a page that knew an older server must not wait for them.
        self.instance = secrets.token_hex(6)

    async def _person(self, user_id: int) -> dict:
        if user_id not in self._people_by_id:
            self._people_by_id = {int(p["user_id"]): p for p in await self.people()}
        person = self._people_by_id.get(user_id)
        if person is None:
            raise web.HTTPNotFound(
                text=json.dumps({"error": "unknown person"}), content_type="application/json"
            )
        return person

    async def _user(self, request: web.Request) -> tuple[FakeUser, dict]:
        try:
            user_id = int(request.match_info["user_id"])
        except ValueError:
            raise web.HTTPBadRequest(text="user id expected") from None
        person = await self._person(user_id)
        return FakeUser(id=user_id, first_name=str(person["name"]), language_code="vi"), person

    def _zalo_user(self, request: web.Request, user: FakeUser) -> ZaloUser | None:
        """The same person on Zalo when the page asks for it (?channel=zalo)."""
        if request.query.get("channel") != "zalo":
            return None
        if self.zalo is None:
            raise web.HTTPNotFound(text="Zalo is not running in this sandbox")
        return ZaloUser(sandbox_zalo_id(user.id), user.first_name)

    def zalo_chat_view(self, zalo_id: str) -> dict:
        assert self.zalo is not None
        history = self.zalo.chat_history(self.zalo_token, zalo_id)[-MAX_MESSAGES:]
        return {
            "instance": self.instance,
            "channel": "zalo",
            "version": self.zalo.chat_version(self.zalo_token, zalo_id),
            "messages": [zalo_message_view(i, entry) for i, entry in enumerate(history)],
            "toasts": [],
            "reply_keyboard": None,
            "chat_action": self.zalo.chat_action(self.zalo_token, zalo_id),
            "clock": clock_view(self.clock.now()),
        }

    @staticmethod
    async def _body(request: web.Request) -> dict:
        if not request.body_exists:
            return {}
        try:
            data = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="JSON expected") from None
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="JSON object expected")
        return data

    # --- views ----------------------------------------------------------------------------------

    def _file_url(self, file_id: str, *, download: bool = False) -> str:
        return f"/sandbox/api/file/{quote(file_id)}" + ("?download=1" if download else "")

    def _message_view(self, entry: dict) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": entry["message_id"],
            "from_bot": entry["from_bot"],
            "time": datetime.fromtimestamp(entry["date"], LOCAL_TZ).strftime("%H:%M"),
            "edited": "edit_date" in entry,
        }
        for key in ("text", "entities", "caption", "caption_entities", "contact"):
            if key in entry:
                view[key] = entry[key]
        markup = entry.get("reply_markup")
        if markup and "inline_keyboard" in markup:
            view["inline_keyboard"] = markup["inline_keyboard"]
        if "document" in entry:
            document = entry["document"]
            view["document"] = {
                "file_name": document.get("file_name") or "tep",
                "file_size": document.get("file_size", 0),
                "mime_type": document.get("mime_type", ""),
                "url": self._file_url(document["file_id"], download=True),
            }
        if "photo" in entry:
            largest = entry["photo"][-1]
            view["photo"] = {
                "url": self._file_url(largest["file_id"]),
                "width": largest.get("width"),
                "height": largest.get("height"),
            }
        return view

    def chat_view(self, user_id: int) -> dict:
        history = self.emu.chat_history(self.token, user_id)[-MAX_MESSAGES:]
        return {
            "instance": self.instance,
            "version": self.emu.chat_version(self.token, user_id),
            "messages": [self._message_view(entry) for entry in history],
            "toasts": self.emu.toasts(self.token, user_id),
            "reply_keyboard": self.emu.reply_keyboard(self.token, user_id),
            "chat_action": self.emu.chat_action(self.token, user_id),
            "clock": clock_view(self.clock.now()),
        }

    # --- handlers -------------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-store"})

    async def list_people(self, request: web.Request) -> web.Response:
        people = await self.people()
        self._people_by_id = {int(p["user_id"]): p for p in people}
        return web.json_response({"people": people})

    async def list_channels(self, request: web.Request) -> web.Response:
        """The apps the page can show the chat on."""
        return web.json_response(
            {"channels": ["telegram", "zalo"] if self.zalo is not None else ["telegram"]}
        )

    async def chat(self, request: web.Request) -> web.Response:
        user, _ = await self._user(request)
        since = int(request.query.get("since") or -1)
        timeout = min(float(request.query.get("timeout") or LONG_POLL_S), 60.0)
        waiting = since >= 0 and request.query.get("instance") == self.instance
        zalo_user = self._zalo_user(request, user)
        if zalo_user is not None:
            assert self.zalo is not None
            if waiting:
                await self.zalo.wait_chat_change(self.zalo_token, zalo_user.id, since, timeout)
            return web.json_response(self.zalo_chat_view(zalo_user.id))
        if waiting:
            await self.emu.wait_chat_change(self.token, user.id, since, timeout)
        return web.json_response(self.chat_view(user.id))

    async def send(self, request: web.Request) -> web.Response:
        user, _ = await self._user(request)
        text = str((await self._body(request)).get("text") or "").strip()
        if not text:
            raise web.HTTPBadRequest(text="empty message")
        zalo_user = self._zalo_user(request, user)
        if zalo_user is not None:
            assert self.zalo is not None
            update = await self.zalo.send_text(self.zalo_token, zalo_user, text)
            return web.json_response({"message_id": update["message"]["message_id"]})
        message = await self.emu.send_text(self.token, user, text)
        return web.json_response({"message_id": message["message_id"]})

    async def press(self, request: web.Request) -> web.Response:
        user, _ = await self._user(request)
        if self._zalo_user(request, user) is not None:
            return web.json_response({"error": "Zalo has no buttons: type the number"}, status=400)
        data = await self._body(request)
        try:
            query_id = await self.emu.press_button(
                self.token, user, int(data["message_id"]), str(data["callback_data"])
            )
        except (EmulatorError, KeyError, ValueError) as error:
            return web.json_response({"error": str(error)}, status=404)
        return web.json_response({"callback_query_id": query_id})

    async def contact(self, request: web.Request) -> web.Response:
        user, person = await self._user(request)
        zalo_user = self._zalo_user(request, user)
        if zalo_user is not None:  # Zalo cannot share a contact: the number is typed
            assert self.zalo is not None
            update = await self.zalo.send_text(self.zalo_token, zalo_user, demo_phone(person))
            return web.json_response({"message_id": update["message"]["message_id"]})
        message = await self.emu.share_contact(self.token, user, demo_phone(person))
        return web.json_response({"message_id": message["message_id"]})

    async def upload(self, request: web.Request) -> web.Response:
        """The person attaches a picture (sent as a photo) or any other file (sent as a document)."""
        user, _ = await self._user(request)
        form = await request.post()
        upload = form.get("file")
        if not hasattr(upload, "file"):
            raise web.HTTPBadRequest(text="file expected")
        data = upload.file.read()
        caption = str(form.get("caption") or "").strip() or None
        mime = upload.content_type or "application/octet-stream"
        zalo_user = self._zalo_user(request, user)
        if zalo_user is not None:  # Zalo users send pictures; any other file arrives as "unsupported"
            assert self.zalo is not None
            if mime in ("image/png", "image/jpeg"):
                update = await self.zalo.send_image(self.zalo_token, zalo_user, data=data, caption=caption)
            else:
                update = await self.zalo.send_unsupported(self.zalo_token, zalo_user)
            return web.json_response({"message_id": update["message"]["message_id"]})
        if mime in ("image/png", "image/jpeg"):
            message = await self.emu.send_photo(self.token, user, data, caption)
        else:
            message = await self.emu.send_document(self.token, user, data, upload.filename or "tep", mime)
        return web.json_response({"message_id": message["message_id"]})

    async def file(self, request: web.Request) -> web.Response:
        stored = self.emu.file(self.token, request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        headers = {"Cache-Control": "private, max-age=3600"}
        if request.query.get("download"):
            name = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return web.Response(body=stored.data, content_type=stored.mime_type, headers=headers)

    async def get_clock(self, request: web.Request) -> web.Response:
        return web.json_response(clock_view(self.clock.now()))

    async def move_clock(self, request: web.Request) -> web.Response:
        action = (await self._body(request)).get("action")
        if action == "hour":
            self.clock.advance(timedelta(hours=1))
        elif action == "day":
            self.clock.advance(timedelta(days=1))
        elif action == "next_monday":
            self.clock.set(next_monday_morning(self.clock.now()))
        else:
            raise web.HTTPBadRequest(text="action must be hour, day or next_monday")
        if self.on_clock_moved is not None:
            await self.on_clock_moved()
        return web.json_response(clock_view(self.clock.now()))


def add_sandbox_routes(app: web.Application, emu: BotApiEmulator, **options: Any) -> SandboxWeb:
    """Mount the chat page at / and its JSON API under /sandbox/api/ on the emulator's application;
    `options` are SandboxWeb's (token, people, clock, on_clock_moved, zalo, zalo_token).

    `people()` returns dicts {"user_id", "name", "role", "group"} (optionally "phone"); after the
    clock moves, `on_clock_moved()` lets the bot run what fell due. With `zalo`, `?channel=zalo` on the chat
    endpoints acts as the same person on Zalo.
    """
    sandbox = SandboxWeb(emu, **options)
    app.router.add_get("/", sandbox.index)
    app.router.add_static("/sandbox/static", STATIC_DIR)
    app.router.add_get("/sandbox/api/people", sandbox.list_people)
    app.router.add_get("/sandbox/api/channels", sandbox.list_channels)
    app.router.add_get("/sandbox/api/chat/{user_id}", sandbox.chat)
    app.router.add_post("/sandbox/api/chat/{user_id}/send", sandbox.send)
    app.router.add_post("/sandbox/api/chat/{user_id}/press", sandbox.press)
    app.router.add_post("/sandbox/api/chat/{user_id}/contact", sandbox.contact)
    app.router.add_post("/sandbox/api/chat/{user_id}/upload", sandbox.upload)
    app.router.add_get("/sandbox/api/file/{file_id}", sandbox.file)
    app.router.add_get("/sandbox/api/clock", sandbox.get_clock)
    app.router.add_post("/sandbox/api/clock", sandbox.move_clock)
    return sandbox
