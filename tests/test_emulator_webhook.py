"""The Bot API emulator's webhook, as Telegram's: setWebhook, pushes with the secret header, retries, info."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, Conflict

from bot.emulator import FakeUser
from tests.emulator_fixtures import LAN, MINH, TOKEN, emulator
from tests.zalo_fixtures import WebhookReceiver

__all__ = ["emulator"]

SECRET = "hook-secret_123"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
async def bot(emulator) -> Bot:
    async with Bot(TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url) as bot:
        yield bot


async def test_each_update_is_pushed_in_order_with_the_secret_and_get_updates_is_refused(emulator, bot):
    async with WebhookReceiver() as hook:
        await emulator.send_text(TOKEN, LAN, "trước webhook")  # waiting: pushed once the webhook is set
        assert await bot.set_webhook(hook.url, secret_token=SECRET, allowed_updates=["message"])
        await emulator.send_text(TOKEN, LAN, "sau webhook")
        await emulator.wait_deliveries(TOKEN, count=2, ok=True, timeout=5)

        assert [r["json"]["message"]["text"] for r in hook.requests] == ["trước webhook", "sau webhook"]
        assert [r["json"]["update_id"] for r in hook.requests] == [1, 2]
        assert all(r["headers"][HEADER] == SECRET for r in hook.requests)
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count, info.allowed_updates) == (hook.url, 0, ("message",))

        assert await bot.delete_webhook()
        await emulator.send_text(TOKEN, LAN, "lại hỏi")
        [update] = await bot.get_updates()
        assert update.message.text == "lại hỏi"
        assert (await bot.get_webhook_info()).url == ""


async def test_a_push_answered_with_an_error_is_tried_again_and_the_error_is_reported(emulator, bot):
    emulator.configure(webhook_retry_s=0.01, webhook_attempts=3)
    async with WebhookReceiver() as hook:
        await bot.set_webhook(hook.url, secret_token=SECRET)
        hook.status = 503
        await emulator.send_text(TOKEN, LAN, "thử lại")
        tries = await emulator.wait_deliveries(TOKEN, count=3, timeout=5)
        assert [(t.attempt, t.status, t.ok) for t in tries] == [
            (1, 503, False),
            (2, 503, False),
            (3, 503, False),
        ]
        info = await bot.get_webhook_info()
        assert "503" in (info.last_error_message or "") and info.last_error_date is not None

        hook.status = 200
        mark = len(emulator.deliveries(TOKEN))
        await emulator.send_text(TOKEN, LAN, "được rồi")
        [delivered] = await emulator.wait_deliveries(TOKEN, since=mark, ok=True, timeout=5)
        assert delivered.update["message"]["text"] == "được rồi" and delivered.attempt == 1


async def test_a_webhook_must_be_https_off_loopback_and_its_secret_well_formed(bot):
    with pytest.raises(BadRequest, match="(?i)an https url must be provided"):
        await bot.set_webhook("http://bot.example.org/telegram/webhook", secret_token=SECRET)
    with pytest.raises(BadRequest, match="(?i)secret token contains unallowed characters"):
        await bot.set_webhook("https://bot.example.org/telegram/webhook", secret_token="bí mật")
    assert await bot.set_webhook("https://bot.example.org/telegram/webhook", secret_token=SECRET)
    assert (await bot.get_webhook_info()).url == "https://bot.example.org/telegram/webhook"


class HeldReceiver(WebhookReceiver):
    """A webhook that holds every push until `gate` opens (or its chat is let through), counting how many
    are under way at once, in all and per chat."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.refused: set[int] = set()
        """Chats whose pushes are answered 503 (after the gate)."""
        self.in_flight: Counter[int] = Counter()
        self.peak = 0
        self.peak_per_chat = 0

    async def _hook(self, request: web.Request) -> web.Response:
        update = await request.json()
        chat = update["message"]["chat"]["id"]
        self.in_flight[chat] += 1
        self.peak = max(self.peak, sum(self.in_flight.values()))
        self.peak_per_chat = max(self.peak_per_chat, self.in_flight[chat])
        try:
            await self.gate.wait()
            if chat in self.refused:
                return web.json_response({}, status=503)
            self.requests.append({"headers": dict(request.headers), "json": update})
            return web.json_response({})
        finally:
            self.in_flight[chat] -= 1

    async def until_in_flight(self, count: int) -> None:
        async with asyncio.timeout(5):
            while sum(self.in_flight.values()) < count:
                await asyncio.sleep(0.01)

    def texts_by_chat(self) -> dict[int, list[str]]:
        by_chat: dict[int, list[str]] = defaultdict(list)
        for received in self.requests:
            message = received["json"]["message"]
            by_chat[message["chat"]["id"]].append(message["text"])
        return dict(by_chat)


MEMBERS = [FakeUser(id=2001 + n, first_name=f"Hội viên {n}") for n in range(6)]


async def test_many_chats_are_pushed_at_once_up_to_max_connections_each_chat_one_at_a_time_in_order(
    emulator, bot
):
    async with HeldReceiver() as hook:
        for turn in range(3):
            for member in MEMBERS:
                await emulator.send_text(TOKEN, member, f"tin {turn}")
        await bot.set_webhook(hook.url, secret_token=SECRET, max_connections=3)
        await hook.until_in_flight(3)
        assert sorted(hook.in_flight.elements()) == [2001, 2002, 2003]  # the oldest chats' first updates

        hook.gate.set()
        await emulator.wait_deliveries(TOKEN, count=18, ok=True, timeout=10)

        assert hook.peak == 3 and hook.peak_per_chat == 1
        assert hook.texts_by_chat() == {m.id: ["tin 0", "tin 1", "tin 2"] for m in MEMBERS}
        assert (await bot.get_webhook_info()).max_connections == 3


async def test_a_chat_whose_push_fails_waits_while_the_other_chats_go_on(emulator, bot):
    emulator.configure(webhook_retry_s=0.01, webhook_attempts=1000)
    lan_chat, minh_chat = LAN.id, MINH.id
    async with HeldReceiver() as hook:
        hook.gate.set()
        hook.refused.add(lan_chat)
        await bot.set_webhook(hook.url, secret_token=SECRET)
        for text in ("một", "hai"):
            await emulator.send_text(TOKEN, LAN, text)
            await emulator.send_text(TOKEN, MINH, text)
        await emulator.wait_deliveries(TOKEN, count=2, ok=True, timeout=5)
        assert hook.texts_by_chat() == {minh_chat: ["một", "hai"]}  # Lan's "hai" waits behind "một"

        hook.refused.clear()
        await emulator.wait_deliveries(TOKEN, count=4, ok=True, timeout=5)
        assert hook.texts_by_chat()[lan_chat] == ["một", "hai"]
