"""The real bot, over real HTTP, against the local Bot API emulator: the harness dialog tests use.

async with BotUnderTest.running(tmp_path) as bot:
    lan = bot.person(1001, "Lan")
    replies = await lan.send("/start")
    await lan.press("Phường 1")
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("PTB_TIMEDELTA", "1")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from telegram.ext import Application

from bot.app import build_application, on_shutdown, on_startup, on_stop
from bot.clock import AdjustableClock
from bot.config import Settings
from bot.core.models import Member, MemberStatus, Role
from bot.core.org import parse_org_csv
from bot.emulator import BotApiEmulator, FakeUser
from bot.services import Services

TOKEN = "123456:TEST-khuyenhoc-token"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
SAMPLE_ORG = Path(__file__).resolve().parent.parent / "bot" / "data" / "sample_org.csv"
REPLY_METHODS = (
    "sendMessage",
    "editMessageText",
    "sendPhoto",
    "sendDocument",
    "editMessageReplyMarkup",
    "editMessageCaption",
)


@dataclass
class Reply:
    """What the bot did in a chat: a new message or an edit."""

    method: str
    text: str
    buttons: list[str] = field(default_factory=list)
    message_id: int | None = None
    params: dict = field(default_factory=dict)

    def __contains__(self, fragment: str) -> bool:
        return fragment in self.text


class BotUnderTest:
    """Owns an emulator, a database file and the real Application pointed at them."""

    def __init__(
        self,
        emu: BotApiEmulator,
        database_path: Path,
        clock: AdjustableClock,
        admin_ids: frozenset[int] = frozenset(),
        **settings: object,
    ) -> None:
        self.emu = emu
        self.clock = clock
        self.settings = Settings(
            bot_token=TOKEN,
            api_url=emu.base_url,
            database_path=database_path,
            admin_ids=admin_ids,
            tick_seconds=3600,
            **settings,
        )  # type: ignore[arg-type]
        self.app: Application | None = None

    @classmethod
    @asynccontextmanager
    async def running(
        cls, tmp_path: Path, *, start: datetime | None = None, org: bool = True, **kwargs: object
    ) -> AsyncIterator[BotUnderTest]:
        """Emulator + bot, started; the organisation imported unless org=False."""
        clock = AdjustableClock(start or datetime(2026, 11, 23, 9, 0, tzinfo=VN))
        async with BotApiEmulator(clock=clock) as emu:
            harness = cls(emu, tmp_path / "bot.db", clock, **kwargs)  # type: ignore[arg-type]
            await harness.start()
            try:
                if org:
                    await harness.import_org()
                yield harness
            finally:
                await harness.stop()

    @property
    def services(self) -> Services:
        assert self.app is not None
        return self.app.bot_data["services"]

    async def start(self) -> None:
        """Start the bot the way run_polling() does (post_init included), without owning the loop."""
        self.app = build_application(self.settings, clock=self.clock)
        await self.app.initialize()
        await on_startup(self.app)
        await self.app.start()
        await self.app.updater.start_polling(timeout=1, poll_interval=0)
        await self.emu.wait_polling(TOKEN)

    async def stop(self) -> None:
        """Graceful stop: polling, application, delivery worker, database."""
        app, self.app = self.app, None
        if app is None:
            return
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await on_stop(app)
        await app.shutdown()
        await on_shutdown(app)

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def import_org(self, csv_path: Path = SAMPLE_ORG) -> None:
        parsed = parse_org_csv(csv_path.read_bytes())
        assert parsed.ok, parsed.problems
        await self.services.org.import_rows(parsed.rows, now=self.clock.now())

    def person(self, user_id: int, first_name: str, last_name: str | None = None) -> Person:
        return Person(self, FakeUser(id=user_id, first_name=first_name, last_name=last_name))

    async def member(
        self,
        user_id: int,
        full_name: str,
        role: Role,
        *,
        ward: str | None = None,
        chapter: str | None = None,
        locale: str = "vi",
    ) -> Person:
        """A person who is already an active member with a role (set up directly in the database)."""
        first = full_name.split()[-1]
        person = self.person(user_id, first)
        self.emu.add_user(TOKEN, person.user)
        services = self.services
        member = await services.members.identify(str(user_id), chat_id=str(user_id), display_name=full_name)
        ward_id = chapter_id = None
        if ward is not None:
            ward_id = next(w.id for w in await services.org.wards() if w.name == ward)
            chapters = await services.org.chapters(ward_id)
            chapter_id = next(c.id for c in chapters if c.name == chapter) if chapter else chapters[0].id
        await services.member_store.update(
            member.id,
            now=self.clock.now(),
            actor_id=None,
            action="test_setup",
            full_name=full_name,
            role=role,
            status=MemberStatus.ACTIVE,
            ward_id=ward_id,
            chapter_id=chapter_id,
            locale=locale,
        )
        return person

    async def settle(self) -> None:
        """Wait until the scheduler has nothing due and the outbox has nothing ready."""
        assert self.app is not None
        from bot.app import process_due_now

        await process_due_now(self.app)
        await self.app.bot_data["delivery"].wait_idle()

    async def advance(self, **delta: float) -> None:
        """Move the bot's clock forward and let everything that fell due happen."""
        from datetime import timedelta

        self.clock.advance(timedelta(**delta))
        await self.settle()


class Person:
    """A Telegram user talking to the bot through the emulator."""

    def __init__(self, bot: BotUnderTest, user: FakeUser) -> None:
        self.bot = bot
        self.user = user
        self._seen = 0

    @property
    def chat_id(self) -> int:
        return self.user.id

    async def send(self, text: str) -> list[Reply]:
        """Type a message; return what the bot did in this chat because of it."""
        return await self._act(lambda: self.bot.emu.send_text(TOKEN, self.user, text))

    async def share_contact(self, phone: str) -> list[Reply]:
        return await self._act(lambda: self.bot.emu.share_contact(TOKEN, self.user, phone))

    async def send_photo(self, data: bytes, caption: str | None = None) -> list[Reply]:
        return await self._act(lambda: self.bot.emu.send_photo(TOKEN, self.user, data, caption))

    async def press(self, label: str, *, message_id: int | None = None) -> list[Reply]:
        """Press the inline button whose text contains `label` on the newest message that has one."""
        message_id, data = self.find_button(label, message_id=message_id)
        return await self._act(lambda: self.bot.emu.press_button(TOKEN, self.user, message_id, data))

    async def press_data(
        self, message_id: int, data: str, *, in_chat_of: Person | None = None
    ) -> list[Reply]:
        """Press a button by its callback data, optionally on a message in someone else's chat
        (as in a group, or a forged callback)."""
        chat_id = in_chat_of.chat_id if in_chat_of else None
        return await self._act(
            lambda: self.bot.emu.press_button(TOKEN, self.user, message_id, data, chat_id=chat_id)
        )

    def find_button(self, label: str, *, message_id: int | None = None) -> tuple[int, str]:
        for message in reversed(self.history()):
            if message_id is not None and message["message_id"] != message_id:
                continue
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if label in button["text"] and "callback_data" in button:
                        return message["message_id"], button["callback_data"]
        raise AssertionError(f"no button {label!r} in {self.user.first_name}'s chat: {self.all_buttons()}")

    def all_buttons(self) -> list[str]:
        return [
            b["text"]
            for m in self.history()
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]

    def menu(self) -> list[str]:
        """Labels of the reply keyboard currently shown."""
        keyboard = self.bot.emu.reply_keyboard(TOKEN, self.chat_id) or {}
        return [b["text"] if isinstance(b, dict) else b for row in keyboard.get("keyboard", []) for b in row]

    def history(self) -> list[dict]:
        return self.bot.emu.chat_history(TOKEN, self.chat_id)

    def inbox(self) -> list[Reply]:
        """Everything the bot did in this chat since the last look (messages from other people's actions)."""
        calls = [
            c for c in self.bot.emu.calls(TOKEN, chat_id=self.chat_id, ok=True) if c.method in REPLY_METHODS
        ]
        new, self._seen = calls[self._seen :], len(calls)
        return [_reply(c) for c in new]

    def toasts(self) -> list[str]:
        return [t.get("text") or "" for t in self.bot.emu.toasts(TOKEN, self.chat_id)]

    async def _act(self, inject) -> list[Reply]:
        self.inbox()
        await inject()
        update_id = self.bot.emu.bot_state(TOKEN).next_update_id - 1
        assert self.bot.app is not None
        await self.bot.app.update_processor.wait_processed(update_id)
        await self.bot.settle()
        return self.inbox()


def _reply(call) -> Reply:
    params = call.params
    markup = params.get("reply_markup") or {}
    if isinstance(markup, str):
        import json

        markup = json.loads(markup)
    labels = [b["text"] for row in markup.get("inline_keyboard", []) for b in row]
    result = call.result if isinstance(call.result, dict) else {}
    return Reply(
        call.method,
        params.get("text") or params.get("caption") or "",
        labels,
        result.get("message_id"),
        params,
    )


def texts(replies: list[Reply]) -> str:
    """All reply texts joined, for substring assertions."""
    return "\n".join(r.text for r in replies)


async def active_member(services: Services, user_id: int) -> Member | None:
    return await services.member_store.find_by_account("telegram", str(user_id))
