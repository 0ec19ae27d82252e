"""The Bot API misbehaving: errors, 429 storms, timeouts and dropped connections.

The bot must wait and retry, keep its place in the update stream (no update lost, none handled
twice) and keep serving: over the bot's keep-alive pool and over httpx's own (TELEGRAM_HTTP_CLIENT=stock).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.conversation.replies import Reply
from bot.core.models import Role
from bot.core.notices import OutgoingMessage
from tests.harness import TOKEN, BotUnderTest, texts
from tests.proof_helpers import WARD, apologies


@pytest.fixture(params=["lean", "stock"])
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BotUnderTest]:
    async with BotUnderTest.running(tmp_path, http_client=request.param) as harness:
        yield harness


async def until(condition: Callable[[], bool], timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def replies_to(bot: BotUnderTest, chat_id: int) -> list[str]:
    return [c.params.get("text") for c in bot.emu.calls(TOKEN, "sendMessage", chat_id, ok=True)]


async def test_polling_survives_a_server_error_and_a_dropped_connection_without_losing_or_repeating_updates(
    bot: BotUnderTest,
) -> None:
    lan = await bot.member(8001, "Nguyễn Thị Lan", Role.CADRE, ward=WARD)
    state = bot.emu.bot_state(TOKEN)
    bot.emu.inject_fault(TOKEN, "getUpdates", error_code=500)
    await until(lambda: not state.faults)  # the bot's poll failed; it is backing off now
    await bot.emu.send_texts(TOKEN, [(lan.user, "/help"), (lan.user, "/me"), (lan.user, "xin chào")])
    bot.emu.inject_fault(TOKEN, "getUpdates", drop=True)  # and its retry loses the connection

    await bot.emu.wait_for(TOKEN, method="sendMessage", chat_id=lan.chat_id, count=3, timeout=20)
    after = await lan.send("/me")

    answers = replies_to(bot, lan.chat_id)
    assert len(answers) == 4, answers
    assert "/help" in answers[0] and "Nguyễn Thị Lan" in answers[1] and "Nguyễn Thị Lan" in texts(after)
    assert bot.emu.pending_updates(TOKEN) == 0


async def test_polling_waits_out_a_429_storm_and_answers_everything_once(bot: BotUnderTest) -> None:
    lan = await bot.member(8002, "Nguyễn Thị Lan", Role.CADRE, ward=WARD)
    state = bot.emu.bot_state(TOKEN)
    bot.emu.inject_fault(TOKEN, "getUpdates", error_code=429, retry_after=1)
    await until(lambda: not state.faults)
    await bot.emu.send_texts(TOKEN, [(lan.user, f"câu hỏi {n}") for n in range(5)])
    bot.emu.inject_fault(TOKEN, "getUpdates", error_code=429, retry_after=1)

    await bot.emu.wait_for(TOKEN, method="sendMessage", chat_id=lan.chat_id, count=5, timeout=20)
    await lan.send("/help")

    assert len(replies_to(bot, lan.chat_id)) == 6
    assert bot.emu.pending_updates(TOKEN) == 0


async def test_a_reply_rides_out_a_short_429_storm(bot: BotUnderTest) -> None:
    lan = await bot.member(8003, "Nguyễn Thị Lan", Role.CADRE, ward=WARD)
    bot.emu.inject_fault(TOKEN, "sendMessage", chat_id=lan.chat_id, count=2, error_code=429, retry_after=1)

    replies = await lan.send("/me")

    assert "Nguyễn Thị Lan" in texts(replies)
    assert len(replies_to(bot, lan.chat_id)) == 1
    assert apologies(bot) == []


async def test_a_reply_lost_to_a_server_error_gets_an_apology_and_the_bot_keeps_serving(
    bot: BotUnderTest,
) -> None:
    lan = await bot.member(8004, "Nguyễn Thị Lan", Role.CADRE, ward=WARD)
    bot.emu.inject_fault(TOKEN, "sendMessage", chat_id=lan.chat_id, error_code=500)

    replies = await lan.send("/me")

    assert "Xin lỗi" in texts(replies)
    assert "Nguyễn Thị Lan" in texts(await lan.send("/me"))


async def test_queued_messages_survive_server_errors_and_429s_and_arrive_exactly_once(
    bot: BotUnderTest,
) -> None:
    lead = await bot.member(8005, "Trần Văn Minh", Role.WARD_LEAD, ward=WARD)
    organiser = await bot.member(8006, "Võ Thị Tổ", Role.ORGANISER)
    bot.emu.inject_fault(TOKEN, "sendMessage", chat_id=lead.chat_id, count=2, error_code=500)
    bot.emu.inject_fault(
        TOKEN, "sendMessage", chat_id=organiser.chat_id, count=4, error_code=429, retry_after=1
    )
    lan = bot.person(8007, "Lan")

    await lan.send("/start")
    await lan.press(WARD)
    await lan.press("Chi hội Khu phố 2")
    await lan.send("Nguyễn Thị Lan")
    await lan.send("Bỏ qua")
    for _ in range(6):
        await bot.advance(seconds=10)

    for person in (lead, organiser):
        requests = [t for t in replies_to(bot, person.chat_id) if "Nguyễn Thị Lan" in t]
        assert len(requests) == 1, (person.user.first_name, requests)
    applicant = await bot.services.member_store.find_by_account("telegram", "8007")
    progress = await bot.services.outbox.progress(f"join:{applicant.id}")
    assert progress.count("sent") == 2 and progress.done


async def test_a_delivery_that_times_out_is_retried_and_arrives_at_most_once_more(bot: BotUnderTest) -> None:
    lead = await bot.member(8008, "Trần Văn Minh", Role.WARD_LEAD, ward=WARD)
    bot.emu.inject_fault(TOKEN, "sendMessage", chat_id=lead.chat_id, delay=6.0)  # past the 5 s read timeout
    await bot.services.outbox.enqueue(
        "fault-test",
        [OutgoingMessage("fault-test:1", None, str(lead.chat_id), Reply("Tin nhắn thử"))],
        now=bot.clock.now(),
    )
    bot.runtime.delivery.wake()
    await until(lambda: bot.emu.calls(TOKEN, "sendMessage", lead.chat_id), timeout=15)
    for _ in range(3):
        await bot.advance(seconds=10)

    copies = [t for t in replies_to(bot, lead.chat_id) if t == "Tin nhắn thử"]
    assert 1 <= len(copies) <= 2, (
        copies
    )  # the emulator finished the slow send too: at most the in-flight copy
    [row] = await bot.services.outbox.rows("fault-test")
    assert row["status"] == "sent" and row["attempts"] == 1  # one timed-out attempt, then a good one
