"""The Bot API emulator's webhook, as Telegram's: setWebhook, pushes with the secret header, retries, info."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest, Conflict

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
        await emulator.send_text(TOKEN, MINH, "sau webhook")
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
