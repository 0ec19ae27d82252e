"""Webhooks: an update is accepted once (in the inbox before Telegram or Zalo hears 200) and handled once,
each chat's one at a time in the order they arrived; what cannot be recorded is answered 503."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from bot.core.models import MemberStatus, Role
from bot.emulator import FakeUser
from bot.emulator.zalo import SECRET_HEADER as ZALO_SECRET_HEADER
from tests.harness import TOKEN, ZALO_TOKEN, BotUnderTest, active_member, texts

pytestmark = pytest.mark.channels("telegram-webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def update_json(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    """A private text message as Telegram would push it."""
    user = {"id": user_id, "is_bot": False, "first_name": "Lan"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_790_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Lan"},
            "from": user,
            "text": text,
        },
    }


async def post(bot: BotUnderTest, body: object, *, secret: str | None = "", raw: bytes | None = None) -> int:
    """POST to the bot's Telegram webhook as Telegram (or someone else) would; the HTTP status."""
    url = bot.settings.telegram_webhook_url
    assert url is not None
    if secret == "":
        secret = bot.settings.telegram_webhook_secret
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as http:
        if raw is not None:
            headers["Content-Type"] = "application/json"
            request = http.post(url, data=raw, headers=headers)
        else:
            request = http.post(url, json=body, headers=headers)
        async with request as response:
            return response.status


async def recorded(bot: BotUnderTest) -> list[tuple[str, str]]:
    """The inbox, in arrival order: (update key, status)."""
    rows = await bot.services.db.fetch_all("SELECT update_key, status FROM inbox ORDER BY id")
    return [(row["update_key"], row["status"]) for row in rows]


async def test_a_stranger_registers_through_the_webhook_and_the_ward_lead_approves(bot: BotUnderTest) -> None:
    assert bot.emu.webhook(TOKEN) == {
        "url": bot.settings.telegram_webhook_url,
        "secret_token": bot.settings.telegram_webhook_secret,
    }
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    lan = bot.person(2001, "Lan")

    replies = await lan.send("/start")
    assert "Xin chào! Tôi là trợ lý của Hội Khuyến học Quận 10." in texts(replies)
    replies = await lan.press("Phường 5")
    assert "Bây giờ hãy chọn chi hội của anh/chị:" in texts(replies)
    await lan.press("Chi hội Khu phố 2")
    replies = await lan.send("nguyễn   thị lan")
    assert "Cảm ơn Nguyễn Thị Lan" in texts(replies)
    replies = await lan.share_contact("0903 123 456")
    assert "đã được gửi tới lãnh đạo hội" in texts(replies)
    assert "Yêu cầu gia nhập mới" in texts(lead.inbox())
    replies = await lead.press("Duyệt")
    assert "Đã được Trần Văn Minh duyệt" in texts(replies)
    assert "Đăng ký của anh/chị đã được duyệt" in texts(lan.inbox())
    member = await active_member(bot.services, 2001)
    assert member is not None and member.status is MemberStatus.ACTIVE

    pushes = bot.emu.deliveries(TOKEN)
    assert len(pushes) == 6 and all(p.status == 200 for p in pushes), "each update was taken at once"
    assert await recorded(bot) == [(str(p.update["update_id"]), "done") for p in pushes]


async def test_a_request_without_the_secret_or_that_is_no_update_is_refused_and_nothing_is_handled(
    bot: BotUnderTest,
) -> None:
    start = update_json(900, 2001, "/start")
    assert await post(bot, start, secret=None) in (401, 403)
    assert await post(bot, start, secret="s3cret-telegram-hoo") in (401, 403)
    assert await post(bot, None, raw=b'{"update_id": 901, "message": ') == 400
    assert await post(bot, {"update_id": "902"}) == 400
    assert await post(bot, {"update_id": 903, "message": "not a message"}) == 400
    await bot.settle()
    assert await recorded(bot) == []
    assert bot.emu.calls(TOKEN, method="sendMessage") == []


async def test_the_same_update_delivered_twice_is_handled_once(bot: BotUnderTest) -> None:
    lan = bot.person(2001, "Lan")
    replies = await lan.send("/start")
    assert "Xin chào!" in texts(replies)
    [pushed] = [delivery.update for delivery in bot.emu.deliveries(TOKEN)]

    assert await post(bot, pushed) == 200  # Telegram did not hear the first 200 and delivers it again
    await bot.settle()
    assert lan.inbox() == []
    assert await recorded(bot) == [(str(pushed["update_id"]), "done")]


async def test_one_chats_updates_arriving_at_once_are_handled_one_at_a_time_in_arrival_order(
    bot: BotUnderTest,
) -> None:
    assert bot.runtime is not None and bot.channel is not None
    bot.emu.add_user(TOKEN, FakeUser(2001, "Lan"))
    handled: list[str] = []
    busy: set[str] = set()
    overlapped: list[str] = []
    handle = bot.runtime.handle

    async def slow_turn(inp, hooks=None, **options):  # noqa: ANN001, ANN003, ANN202
        chat = inp.sender.chat_id
        if chat in busy:
            overlapped.append(inp.id)
        busy.add(chat)
        try:
            await asyncio.sleep(0.02)  # the next updates arrive while this one is handled
            return await handle(inp, hooks, **options)
        finally:
            busy.discard(chat)
            handled.append(inp.id)

    bot.runtime.handle = slow_turn  # type: ignore[method-assign]
    ids = [107, 103, 101, 105, 102, 106, 104, 108]  # Telegram's connections deliver them out of order
    statuses = await asyncio.gather(*(post(bot, update_json(i, 2001, f"tin số {i}")) for i in ids))
    assert statuses == [200] * len(ids)
    for update_id in ids:
        await bot.channel.wait_processed(update_id)

    arrival = [key for key, status in await recorded(bot) if status == "done"]
    assert sorted(arrival) == sorted(str(i) for i in ids)
    assert handled == arrival
    assert overlapped == []


async def test_an_update_that_keeps_failing_is_tried_again_then_parked_with_one_apology(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    assert bot.runtime is not None
    lan = await bot.member(2001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5")
    bot.runtime.inbox.retry_pause = timedelta(0)
    router = bot.runtime.router
    dispatch = router.dispatch

    async def broken_for_one_text(turn):  # noqa: ANN001, ANN202
        if turn.text == "hỏng":
            raise RuntimeError("a flow that always fails on this message")
        await dispatch(turn)

    router.dispatch = broken_for_one_text  # type: ignore[method-assign]
    mark = bot.emu.mark(TOKEN)
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        assert await lan.send("hỏng") == [], "no apology while it is tried again"
        await bot.emu.wait_for(TOKEN, method="sendMessage", chat_id=lan.chat_id, since=mark, timeout=15)
        await bot.settle()

    apologies = [r for r in lan.inbox() if "Xin lỗi" in r.text]
    assert len(apologies) == 1, "one apology, once the bot gave up"
    row = await bot.services.db.fetch_one("SELECT status, attempts, last_error FROM inbox")
    assert row is not None and (row["status"], row["attempts"]) == ("failed", 3)
    assert "a flow that always fails" in row["last_error"]
    assert any("gave up telegram update" in r.getMessage() for r in caplog.records)
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{bot.settings.port}/healthz") as response,
    ):
        health = await response.json()
    assert (health["inbox_parked"], health["inbox_waiting"]) == (1, 0)

    replies = await lan.send("/help")
    assert replies, "the parked update does not hold up the next ones"


async def test_a_replica_whose_database_is_gone_answers_503_so_that_telegram_delivers_again(
    bot: BotUnderTest,
) -> None:
    await bot.services.db.close()  # the database went away under the running bot
    assert await post(bot, update_json(950, 2001, "/start")) == 503


@pytest.mark.channels("zalo")
async def test_a_zalo_update_delivered_twice_through_the_webhook_is_handled_once(tmp_path) -> None:  # noqa: ANN001
    secret = "s3cret-webhook-value"
    async with BotUnderTest.running(tmp_path, channel="zalo", zalo_webhook_secret=secret) as bot:
        assert bot.zalo is not None
        lan = bot.person(7003, "Lan")
        replies = await lan.send("/start")
        assert "1. Phường 1" in texts(replies)
        [pushed] = [delivery.update for delivery in bot.zalo.deliveries(ZALO_TOKEN)]
        hook = bot.zalo.webhook(ZALO_TOKEN)
        assert hook is not None
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                hook["url"], json={"ok": True, "result": pushed}, headers={ZALO_SECRET_HEADER: secret}
            ) as response,
        ):
            assert response.status == 200
        await bot.settle()
        assert lan.inbox() == []
        assert await recorded(bot) == [(f"message.text.received|{pushed['message']['message_id']}", "done")]
