"""The real bot, as people use it: the harness dialog tests use.

On the "telegram" channel the real program talks over real HTTP to the local Bot API emulator, on "zalo" to
the local Zalo Bot Platform emulator (a press is typing the choice's number); on the "transcript" channel the
same flows run in process and each chat is a list of messages (tests/transcript.py). A test module runs on
several channels with `pytestmark = pytest.mark.channels("transcript", "telegram", "zalo")`;
"telegram-webhook" is Telegram receiving through its webhook (and the inbox) instead of long polling.

async with BotUnderTest.running(tmp_path) as bot:
    lan = bot.person(1001, "Lan")
    replies = await lan.send("/start")
    await lan.press("Phường 1")
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("PTB_TIMEDELTA", "1")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

import handlers
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.zalo.channel import ZaloChannel
from bot.clock import AdjustableClock
from bot.config import Settings
from bot.conversation.inputs import Chose, Command, Event, Sender, SharedContact, SharedFile, Text
from bot.conversation.markup import esc, to_plain
from bot.conversation.router import Router
from bot.conversation.tokens import Token
from bot.core.models import Member, MemberStatus, Role
from bot.core.org import parse_org_csv
from bot.core.pacing import Pacer
from bot.emulator import BotApiEmulator, FakeUser
from bot.emulator.zalo import ZaloEmulator, ZaloUser
from bot.runtime import Runtime
from bot.services import Services
from tests.backend import ON_POSTGRESQL, fresh_schema_url
from tests.migrated import migrated_copy
from tests.ports import free_port
from tests.transcript import TranscriptChannel

TOKEN = "123456:TEST-khuyenhoc-token"
ZALO_TOKEN = "1459232241454765289:Zt3st-khuyenhoc_token"
SHORT_HOLD = 3.0
"""Messages held back this briefly (a chat's pace) are waited for by `settle()`; later ones are the future."""
HANDLED_WITHIN = 30.0
"""How long a person's action may take to be handled before the test fails (a bound, not a pause: an FAQ
rebuild in a child process takes ~2 s on a quiet machine, several times that on a loaded CI machine)."""
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


@dataclass
class PaceWhenLimited(Pacer):
    """A channel's pacer that keeps the platform's overall pace only while the emulator enforces rate limits.

    At Telegram's 28 messages a second (Zalo's 8) a test of hundreds of turns would mostly wait; the tests of
    pacing turn the emulator's limits on (`emu.configure(rate_limits=True)`, Zalo's `rate_limit_per_s`), and
    from then on the bot keeps the real pace. Each chat's interval and a 'retry after' pause always apply.
    """

    limited: Callable[[], bool] = lambda: True

    @classmethod
    def of(cls, pacer: Pacer, limited: Callable[[], bool]) -> PaceWhenLimited:
        return cls(
            rate=pacer.rate,
            burst=pacer.burst,
            private_interval=pacer.private_interval,
            group_interval=pacer.group_interval,
            chat_burst=pacer.chat_burst,
            limited=limited,
        )

    def overall_wait(self, now: float) -> float:
        if not self.limited():
            self._refill(now)
            self._tokens = self.burst  # a full bucket: only a pause makes the channel wait
        return super().overall_wait(now)


class BotUnderTest:
    """Owns a database (a file, or a PostgreSQL schema), the runtime and its channel (with the Bot API
    emulator on "telegram")."""

    def __init__(
        self,
        emu: BotApiEmulator | None,
        database_path: Path,
        clock: AdjustableClock,
        admin_ids: frozenset[int] = frozenset(),
        channel: str = "telegram",
        **settings: object,
    ) -> None:
        self.emu = emu  # type: ignore[assignment]
        self.zalo: ZaloEmulator | None = None
        self.channel_name = channel
        self.clock = clock
        self.settings = Settings(
            bot_token=TOKEN,
            api_url=emu.base_url if emu is not None else "http://127.0.0.1:9/bot",
            database_path=database_path,
            admin_ids=admin_ids,
            tick_seconds=3600,
            **settings,
        )  # type: ignore[arg-type]
        self._zalo_updates = 0
        self.runtime: Runtime | None = None
        self._dying = False
        self.router = Router()
        handlers.register_all(self.router)
        """Kept across restarts, like the code of a restarted program (tests add task kinds to it)."""
        self.channel: TelegramChannel | ZaloChannel | TranscriptChannel | None = None

    @classmethod
    @asynccontextmanager
    async def running(
        cls,
        tmp_path: Path,
        *,
        start: datetime | None = None,
        org: bool = True,
        channel: str = "telegram",
        **kwargs: object,
    ) -> AsyncIterator[BotUnderTest]:
        """The bot started on `channel`; the organisation imported unless org=False (the database is a copy of
        one migrated, and given the organisation at `start`, once per process: tests/migrated.py; with
        TEST_BACKEND=postgresql a fresh schema, migrated and given the organisation at start)."""
        start = start or datetime(2026, 11, 23, 9, 0, tzinfo=VN)
        clock = AdjustableClock(start)
        if "telegram-webhook" in channel.split("+"):
            channel = channel.replace("telegram-webhook", "telegram")
            kwargs = {**telegram_webhook(), **kwargs}
        async with AsyncExitStack() as stack:
            names = channel.split("+")
            emu = (
                await stack.enter_async_context(BotApiEmulator(clock=clock)) if "telegram" in names else None
            )
            zalo = None
            if "zalo" in names:
                zalo = await stack.enter_async_context(ZaloEmulator(clock=clock))
                port = free_port()
                kwargs = {
                    "zalo_token": ZALO_TOKEN,
                    "zalo_api_url": zalo.base_url,
                    "port": port,
                    "public_base_url": f"http://127.0.0.1:{port}/",
                    **kwargs,
                }
            if ON_POSTGRESQL and "database_url" not in kwargs:
                kwargs = {**kwargs, "database_url": fresh_schema_url()}
            harness = cls(emu, tmp_path / "bot.db", clock, channel=channel, **kwargs)  # type: ignore[arg-type]
            harness.zalo = zalo
            imported = harness.settings.database_url is None and await migrated_copy(
                harness.settings.database_path, org=(SAMPLE_ORG, start) if org else None
            )
            await harness.start()
            try:
                if org and not imported:
                    await harness.import_org()
                yield harness
            finally:
                await harness.stop()

    @property
    def services(self) -> Services:
        assert self.runtime is not None
        return self.runtime.services

    async def start(self) -> None:
        """Start the bot as `python -m bot run` does: services, delivery, scheduler, then the channel."""
        self.runtime = Runtime(self.settings, clock=self.clock, router=self.router)
        names = self.channel_name.split("+")
        if "transcript" in names:
            self.channel = TranscriptChannel(self.runtime, previous=self.channel)
            self.runtime.add_channel(self.channel)
        if "zalo" in names:
            self.channel = ZaloChannel(self.runtime, self.settings)
            zalo = self.zalo
            assert zalo is not None
            self.channel.pacer = PaceWhenLimited.of(
                self.channel.pacer, lambda: zalo.config.rate_limit_per_s > 0
            )
            self.runtime.add_channel(self.channel)
            self._zalo_updates = 0
        if "telegram" in names:
            self.channel = TelegramChannel(self.runtime, self.settings, poll_timeout=1)
            emu = self.emu
            self.channel.pacer = PaceWhenLimited.of(self.channel.pacer, lambda: emu.config.rate_limits)
            self.runtime.add_channel(self.channel)
        await self.runtime.start()
        if "telegram" in names and not self.settings.telegram_webhook_mode:
            await self.emu.wait_polling(TOKEN)
        if self.zalo is not None and not self.settings.zalo_webhook_secret:
            await self.zalo.wait_polling(ZALO_TOKEN)

    async def stop(self) -> None:
        """Graceful stop: receiving, the delivery worker, the database."""
        runtime, self.runtime = self.runtime, None
        if runtime is not None:
            await runtime.stop()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def crash_right_after(self, action: Callable[[], Awaitable[object]]) -> None:
        """Run `action` (a person's turn) as if the process died the moment its transaction committed.

        Nothing the turn caused may leave before the crash: the scheduler and the delivery worker are
        stopped first, and the turn's own replies are dropped. Then the bot starts again from its database.
        """
        runtime = self.runtime
        assert runtime is not None
        await runtime.scheduler.stop()
        await runtime.delivery.stop()
        runtime.delivery.wake = runtime.scheduler.wake = lambda: None  # type: ignore[method-assign]
        handle = runtime.handle

        async def handle_then_die(inp, hooks=None, **options):  # noqa: ANN001, ANN003, ANN202
            await handle(inp, hooks, **options)
            return []  # the process is gone: none of the turn's replies goes out

        runtime.handle = handle_then_die  # type: ignore[method-assign]
        self._dying = True
        try:
            await action()
        finally:
            self._dying = False
        await self.restart()

    async def import_org(self, csv_path: Path = SAMPLE_ORG) -> None:
        parsed = parse_org_csv(csv_path.read_bytes())
        assert parsed.ok, parsed.problems
        await self.services.org.import_rows(parsed.rows, now=self.clock.now())

    @property
    def primary(self) -> str:
        """The channel people are on by default ("telegram" for "telegram+zalo")."""
        return self.channel_name.split("+")[0]

    def person(self, user_id: int, first_name: str, last_name: str | None = None) -> Person:
        user = FakeUser(id=user_id, first_name=first_name, last_name=last_name)
        if self.primary == "zalo":
            return ZaloPerson(self, user)
        return Person(self, user) if self.primary == "telegram" else TranscriptPerson(self, user)

    def zalo_person(self, user_id: int, first_name: str, last_name: str | None = None) -> ZaloPerson:
        """Someone writing on Zalo (when Zalo runs beside another channel)."""
        return ZaloPerson(self, FakeUser(id=user_id, first_name=first_name, last_name=last_name))

    def account(self, user_id: int) -> str:
        """The person's id on the default channel (Zalo's ids are 20 hex characters)."""
        return zalo_id(user_id) if self.primary == "zalo" else str(user_id)

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
        if self.emu is not None:
            self.emu.add_user(TOKEN, person.user)
        if isinstance(person, ZaloPerson) and self.zalo is not None:
            self.zalo.add_user(ZALO_TOKEN, person.zalo_user)  # has written to the bot before
        services = self.services
        account = self.account(user_id)
        member = await services.members.identify(
            self.primary, account, chat_id=account, display_name=full_name
        )
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
        assert self.runtime is not None
        if self._dying:
            return
        await self.runtime.process_due_now()
        await self.runtime.delivery.wait_idle()
        for _ in range(10):
            ready_at = await self.runtime.services.outbox.next_ready_at(paced_only=True)
            wait = (ready_at - self.clock.now()).total_seconds() if ready_at is not None else None
            if wait is None or wait > SHORT_HOLD:
                return
            await asyncio.sleep(max(0.0, wait) + 0.01)
            self.runtime.delivery.wake()
            await self.runtime.delivery.wait_idle()

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
        assert self.bot.channel is not None
        await self.bot.channel.wait_processed(update_id, HANDLED_WITHIN)
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


def plain(replies: list[Reply]) -> str:
    """All reply texts joined, as read on the screen (formatting removed): the same on every channel."""
    return to_plain(texts(replies))


async def active_member(services: Services, user_id: int, channel: str = "telegram") -> Member | None:
    account = zalo_id(user_id) if channel == "zalo" else str(user_id)
    return await services.member_store.find_by_account(channel, account)


def telegram_webhook(secret: str = "s3cret-telegram-hook") -> dict[str, object]:
    """Settings for Telegram's webhook mode, served on a free local port (the emulator pushes there)."""
    port = free_port()
    return {
        "port": port,
        "telegram_webhook_url": f"http://127.0.0.1:{port}/telegram/webhook",
        "telegram_webhook_secret": secret,
    }


def zalo_id(user_id: int) -> str:
    """The hex id a test person numbered `user_id` has on Zalo."""
    return f"{user_id:020x}"


class TranscriptPerson(Person):
    """A person on the transcript channel: the same actions, recorded in process."""

    @property
    def log(self):
        assert isinstance(self.bot.channel, TranscriptChannel)
        return self.bot.channel.chat(str(self.chat_id))

    @property
    def sender(self) -> Sender:
        name = " ".join(p for p in (self.user.first_name, self.user.last_name) if p)
        return Sender("transcript", str(self.user.id), str(self.user.id), name, self.user.username)

    async def send(self, text: str) -> list[Reply]:
        if text.startswith("/"):
            word, _, args = text[1:].partition(" ")
            event: Event = Command(word.split("@")[0].lower(), args.strip())
        else:
            event = Text(text, esc(text))
        return await self._do(event)

    async def share_contact(self, phone: str) -> list[Reply]:
        return await self._do(SharedContact(phone, own=True))

    async def send_photo(self, data: bytes, caption: str | None = None) -> list[Reply]:
        return await self._do(SharedFile(f"photo-{len(data)}-{self.user.id}", image=True, caption=caption))

    async def press(self, label: str, *, message_id: int | None = None) -> list[Reply]:
        message_id, data = self.find_button(label, message_id=message_id)
        return await self._do(Chose(Token.parse(data), data, str(message_id)), origin=message_id)

    async def press_data(
        self, message_id: int, data: str, *, in_chat_of: Person | None = None
    ) -> list[Reply]:
        """Press a choice by its token, maybe on a message in someone else's chat (forged, or in a group)."""
        chat = str(in_chat_of.chat_id) if in_chat_of else None
        return await self._do(Chose(Token.parse(data), data, str(message_id)), origin=message_id, chat=chat)

    def find_button(self, label: str, *, message_id: int | None = None) -> tuple[int, str]:
        for message in reversed(self.log.messages):
            if message_id is not None and message.message_id != message_id:
                continue
            for row in message.choices:
                for text, data in row:
                    if label in text and not data.startswith("url:"):
                        return message.message_id, data
        raise AssertionError(f"no choice {label!r} in {self.user.first_name}'s chat: {self.all_buttons()}")

    def all_buttons(self) -> list[str]:
        return [text for m in self.log.messages for row in m.choices for text, _ in row]

    def menu(self) -> list[str]:
        return list(self.log.keys)

    def history(self) -> list[dict]:
        return [
            {"message_id": m.message_id, "text": m.text, "choices": m.choices, "document": m.attachment}
            for m in self.log.messages
        ]

    def inbox(self) -> list[Reply]:
        calls = self.log.calls
        new, self._seen = calls[self._seen :], len(calls)
        return [Reply(c.method, c.text, c.buttons, c.message_id, c.params) for c in new]

    def toasts(self) -> list[str]:
        return list(self.log.toasts)

    async def _do(self, event: Event, origin: int | None = None, chat: str | None = None) -> list[Reply]:
        self.inbox()
        assert isinstance(self.bot.channel, TranscriptChannel)
        sender = self.sender if chat is None else replace(self.sender, chat_id=chat, private=False)
        await self.bot.channel.act(sender, event, origin=origin)
        await self.bot.settle()
        return self.inbox()


_LIST_LINE = re.compile(r"^(\d{1,3})\. (.+)$", re.MULTILINE)


class ZaloPerson(Person):
    """A Zalo user talking to the bot through the Zalo emulator: a press is typing the choice's number."""

    def __init__(self, bot: BotUnderTest, user: FakeUser) -> None:
        super().__init__(bot, user)
        name = " ".join(p for p in (user.first_name, user.last_name) if p)
        self.zalo_user = ZaloUser(zalo_id(user.id), name)

    @property
    def chat_id(self) -> str:  # type: ignore[override]
        return self.zalo_user.id

    @property
    def _emu(self) -> ZaloEmulator:
        assert self.bot.zalo is not None
        return self.bot.zalo

    async def send(self, text: str) -> list[Reply]:
        return await self._act(lambda: self._emu.send_text(ZALO_TOKEN, self.zalo_user, text))

    async def share_contact(self, phone: str) -> list[Reply]:
        """Zalo cannot share a contact: the number is typed."""
        return await self.send(phone)

    async def send_photo(self, data: bytes, caption: str | None = None) -> list[Reply]:
        return await self._act(
            lambda: self._emu.send_image(ZALO_TOKEN, self.zalo_user, data=data, caption=caption)
        )

    async def press(self, label: str, *, message_id: int | None = None) -> list[Reply]:
        """Type the number of the line containing `label` in the newest numbered list."""
        number, _ = self.find_button(label, message_id=message_id)
        return await self.send(str(number))

    async def press_data(
        self, message_id: int, data: str, *, in_chat_of: Person | None = None
    ) -> list[Reply]:
        raise AssertionError("Zalo has no buttons: a choice is a typed number")

    def _lists(self) -> list[list[tuple[int, str]]]:
        """The numbered lists the bot sent, oldest first."""
        found = []
        for message in self.history():
            lines = [(int(n), label) for n, label in _LIST_LINE.findall(_said(message))]
            if lines:
                found.append(lines)
        return found

    def find_button(self, label: str, *, message_id: int | None = None) -> tuple[int, str]:
        lists = self._lists()
        if lists:
            for number, text in lists[-1]:
                if label in text:
                    return number, text
        raise AssertionError(f"no line {label!r} in {self.user.first_name}'s last list: {self.all_buttons()}")

    def all_buttons(self) -> list[str]:
        lists = self._lists()
        return [text for _, text in lists[-1]] if lists else []

    def menu(self) -> list[str]:
        return self.all_buttons()

    def history(self) -> list[dict]:
        return self._emu.sent(ZALO_TOKEN, self.chat_id)

    def inbox(self) -> list[Reply]:
        sent = self.history()
        new, self._seen = sent[self._seen :], len(sent)
        return [
            Reply(
                m["method"],
                _said(m),
                [text for _, text in _LIST_LINE.findall(_said(m))],
                None,
                m,
            )
            for m in new
        ]

    def toasts(self) -> list[str]:
        """Zalo has no pop-ups: a short answer is a message."""
        return [_said(m) for m in self.history()]

    async def _act(self, inject) -> list[Reply]:
        self.inbox()
        await inject()
        self.bot._zalo_updates += 1
        assert self.bot.runtime is not None
        channel = self.bot.runtime.channels["zalo"]
        assert isinstance(channel, ZaloChannel)
        await channel.wait_handled(self.bot._zalo_updates, HANDLED_WITHIN)
        await self.bot.settle()
        return self.inbox()


def _said(message: dict) -> str:
    """A Zalo message's text, or a photo's caption."""
    return message.get("text") or message.get("caption") or ""
