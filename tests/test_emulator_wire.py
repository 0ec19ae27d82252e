"""The emulator's wire format: routes, parameter coercion, error shapes and getUpdates semantics."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from bot.emulator import BotApiEmulator
from tests.emulator_fixtures import LAN, MINH, TOKEN, emulator

__all__ = ["emulator"]


async def call(emu: BotApiEmulator, method: str, *, token: str = TOKEN, **params) -> tuple[int, dict]:
    """POST form-encoded like PTB: strings raw, everything else JSON-encoded."""
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emu.base_url}{token}/{method}", data=form) as response,
    ):
        return response.status, await response.json()


def test_refuses_to_bind_a_non_loopback_host():
    with pytest.raises(ValueError, match="loopback"):
        BotApiEmulator(host="0.0.0.0")


async def test_urls_follow_ptb_conventions(emulator):
    assert emulator.base_url == f"http://127.0.0.1:{emulator.port}/bot"
    assert emulator.base_file_url == f"http://127.0.0.1:{emulator.port}/file/bot"
    status, me = await call(emulator, "getme")
    assert status == 200 and me["result"]["id"] == 123456 and me["result"]["is_bot"] is True
    assert me["result"]["username"] == "khuyenhoc_test_bot"


async def test_unknown_method_and_malformed_token(emulator):
    assert await call(emulator, "sendCarrierPigeon") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    status, body = await call(emulator, "getMe", token="not-a-token")
    assert (status, body["error_code"], body["description"]) == (401, 401, "Unauthorized")


async def test_form_values_are_json_decoded_except_text_like_keys(emulator):
    status, body = await call(
        emulator, "sendMessage", chat_id=LAN.id, text="42",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "1"}]]},
    )  # fmt: skip
    assert status == 200
    assert body["result"]["text"] == "42"
    assert body["result"]["chat"] == {"id": LAN.id, "type": "private", "first_name": f"User {LAN.id}"}
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "1"
    [recorded] = emulator.calls(TOKEN, "sendMessage")
    assert recorded.params["chat_id"] == LAN.id and recorded.chat_id == LAN.id


async def test_json_bodies_are_accepted(emulator):
    async with aiohttp.ClientSession() as session:
        url = f"{emulator.base_url}{TOKEN}/sendMessage"
        async with session.post(url, json={"chat_id": -1001234, "text": "nhóm"}) as response:
            body = await response.json()
    assert body["result"]["chat"]["type"] == "supergroup"


async def test_errors_carry_the_status_code_and_parameters(emulator):
    emulator.inject_fault(TOKEN, "sendMessage", error_code=429, retry_after=7)
    assert await call(emulator, "sendMessage", chat_id=LAN.id, text="x") == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        },
    )
    assert (await call(emulator, "sendMessage", chat_id=LAN.id, text="x"))[0] == 200


async def test_faults_can_target_one_chat_and_delay(emulator):
    emulator.inject_fault(
        TOKEN, "sendMessage", chat_id=MINH.id, error_code=400, description="Bad Request: boom"
    )
    assert (await call(emulator, "sendMessage", chat_id=LAN.id, text="x"))[0] == 200
    assert (await call(emulator, "sendMessage", chat_id=MINH.id, text="x"))[1][
        "description"
    ] == "Bad Request: boom"
    emulator.inject_fault(TOKEN, "sendMessage", delay=0.2)
    started = asyncio.get_running_loop().time()
    assert (await call(emulator, "sendMessage", chat_id=LAN.id, text="x"))[0] == 200
    assert asyncio.get_running_loop().time() - started >= 0.2
    with pytest.raises(ValueError):
        emulator.inject_fault(TOKEN, "sendMessage")


async def test_dropped_connection_is_a_network_error_for_the_client(emulator):
    emulator.inject_fault(TOKEN, "getMe", drop=True)
    with pytest.raises(aiohttp.ClientError):
        await call(emulator, "getMe")
    assert (await call(emulator, "getMe"))[0] == 200


async def test_get_updates_confirms_with_offset_and_caps_limit(emulator):
    for i in range(5):
        await emulator.send_text(TOKEN, LAN, f"tin {i}")
    _, first = await call(emulator, "getUpdates", limit=2)
    ids = [u["update_id"] for u in first["result"]]
    assert [u["message"]["text"] for u in first["result"]] == ["tin 0", "tin 1"]
    _, again = await call(emulator, "getUpdates", offset=ids[-1] + 1)
    assert [u["message"]["text"] for u in again["result"]] == ["tin 2", "tin 3", "tin 4"]
    _, last = await call(emulator, "getUpdates", offset=-1)
    assert [u["message"]["text"] for u in last["result"]] == ["tin 4"]
    assert emulator.pending_updates(TOKEN) == 1


async def test_long_poll_waits_for_an_update_and_times_out_empty(emulator):
    started = asyncio.get_running_loop().time()
    assert (await call(emulator, "getUpdates", timeout=0.3))[1]["result"] == []
    assert asyncio.get_running_loop().time() - started >= 0.3

    poll = asyncio.create_task(call(emulator, "getUpdates", timeout=5))
    await emulator.wait_polling(TOKEN)
    await emulator.send_text(TOKEN, LAN, "đến rồi")
    _, body = await asyncio.wait_for(poll, 2)
    assert body["result"][0]["message"]["text"] == "đến rồi"


async def test_getupdates_is_not_recorded_but_everything_else_is(emulator):
    await call(emulator, "getUpdates")
    await call(emulator, "sendChatAction", chat_id=LAN.id, action="typing")
    await call(emulator, "deleteWebhook", drop_pending_updates=True)
    assert [c.method for c in emulator.calls(TOKEN)] == ["sendChatAction", "deleteWebhook"]


async def test_wait_for_returns_matching_calls_after_a_mark(emulator):
    await call(emulator, "sendMessage", chat_id=LAN.id, text="trước")
    mark = emulator.mark(TOKEN)
    waiter = asyncio.create_task(emulator.wait_for(TOKEN, method="sendmessage", chat_id=MINH.id, since=mark))
    await call(emulator, "sendMessage", chat_id=LAN.id, text="khác")
    await call(emulator, "sendMessage", chat_id=MINH.id, text="đúng")
    [found] = await asyncio.wait_for(waiter, 2)
    assert found.result["text"] == "đúng" and found.index == mark + 1
    with pytest.raises(TimeoutError, match="sendMessage"):
        await emulator.wait_for(TOKEN, method="sendMessage", count=5, since=mark, timeout=0.05)


async def test_reset_forgets_everything_but_keeps_polls_detectable(emulator):
    await emulator.send_text(TOKEN, LAN, "x")
    await call(emulator, "sendMessage", chat_id=LAN.id, text="y")
    generation = emulator.bot_state(TOKEN).generation
    emulator.reset()
    assert emulator.calls(TOKEN) == [] and emulator.chat_history(TOKEN, LAN.id) == []
    assert emulator.pending_updates(TOKEN) == 0
    assert emulator.bot_state(TOKEN).generation == generation


async def test_several_bots_share_one_server(emulator):
    other = "987654:OTHER-token"
    await call(emulator, "sendMessage", chat_id=LAN.id, text="bot 1")
    await call(emulator, "sendMessage", token=other, chat_id=LAN.id, text="bot 2")
    assert [m["text"] for m in emulator.chat_history(other, LAN.id)] == ["bot 2"]
    assert (await call(emulator, "getMe", token=other))[1]["result"]["id"] == 987654


async def test_reply_keyboard_is_shown_until_removed(emulator):
    keyboard = {"keyboard": [[{"text": "Chia sẻ", "request_contact": True}]], "one_time_keyboard": True}
    await call(emulator, "sendMessage", chat_id=LAN.id, text="Số điện thoại?", reply_markup=keyboard)
    assert emulator.reply_keyboard(TOKEN, LAN.id) == keyboard
    assert "reply_markup" not in emulator.chat_history(TOKEN, LAN.id)[0]
    message = await emulator.share_contact(TOKEN, LAN, "+84901234567")
    assert message["contact"] == {
        "phone_number": "+84901234567", "first_name": "Lan", "user_id": LAN.id, "last_name": "Nguyễn"
    }  # fmt: skip
    assert emulator.reply_keyboard(TOKEN, LAN.id) is None


async def test_pressing_a_button_that_is_not_there_is_refused(emulator):
    from bot.emulator import EmulatorError

    _, sent = await call(emulator, "sendMessage", chat_id=LAN.id, text="x")
    with pytest.raises(EmulatorError, match="no button"):
        await emulator.press_button(TOKEN, LAN, sent["result"]["message_id"], "ghost")
    with pytest.raises(EmulatorError, match="not in chat"):
        await emulator.press_button(TOKEN, LAN, 999, "ghost")


async def test_message_dates_come_from_the_emulator_clock():
    from datetime import UTC, datetime, timedelta

    from bot.clock import AdjustableClock

    clock = AdjustableClock(datetime(2026, 12, 1, tzinfo=UTC), frozen=True)
    async with BotApiEmulator(clock=clock) as emu:
        first = await emu.send_text(TOKEN, LAN, "a")
        clock.advance(timedelta(days=1))
        _, second = await call(emu, "sendMessage", chat_id=LAN.id, text="b")
    assert second["result"]["date"] - first["date"] == 86400


async def test_global_flood_limit_applies_across_chats(emulator):
    emulator.configure(
        rate_limits=True, global_per_s=0.1, global_burst=5, private_burst=100, private_per_s=100
    )
    statuses = [(await call(emulator, "sendMessage", chat_id=1000 + i, text="x"))[0] for i in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    assert (await call(emulator, "sendChatAction", chat_id=1, action="typing"))[0] == 200


async def test_group_flood_limit_is_per_minute(emulator):
    emulator.configure(rate_limits=True, group_per_min=20, group_burst=2)
    statuses = [(await call(emulator, "sendMessage", chat_id=-100777, text="x"))[0] for _ in range(3)]
    _, body = await call(emulator, "sendMessage", chat_id=-100777, text="x")
    assert statuses == [200, 200, 429] and body["parameters"]["retry_after"] == 3


async def test_latency_is_added_to_calls_but_not_to_polls(emulator):
    emulator.configure(latency_ms=500)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await call(emulator, "getMe")
    assert loop.time() - started >= 0.5
    started = loop.time()
    await call(emulator, "getUpdates")
    assert loop.time() - started < 0.5


async def test_chat_action_lasts_until_the_bot_sends_a_message(emulator):
    await call(emulator, "sendChatAction", chat_id=LAN.id, action="upload_document")
    assert emulator.chat_action(TOKEN, LAN.id) == "upload_document"
    await call(emulator, "sendMessage", chat_id=LAN.id, text="xong")
    assert emulator.chat_action(TOKEN, LAN.id) is None


async def test_malformed_parameters_are_a_bad_request_not_a_crash(emulator):
    status, body = await call(emulator, "setMyCommands", commands=["not an object"])
    assert status == 400 and body["description"].startswith("Bad Request: invalid parameters")
    status, body = await call(emulator, "copyMessage", chat_id=LAN.id, from_chat_id=LAN.id, message_id="abc")
    assert status == 400
