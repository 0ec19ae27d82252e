"""Driving the emulator from another process: the /_emu/ control API, its client and the CLI."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.clock import AdjustableClock
from bot.emulator import BotApiEmulator
from bot.emulator.client import EmulatorClient, EmulatorControlError
from tests.emulator_fixtures import LAN, MINH, TOKEN, application_builder, running_bot
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
async def emulator_with_clock():
    clock = AdjustableClock(datetime(2026, 11, 27, 1, 0, tzinfo=UTC), frozen=True)
    async with BotApiEmulator(clock=clock) as emu:
        yield emu


async def answer_and_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer("OK")
    await update.callback_query.edit_message_text("Đã chọn")


async def echo_with_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Chọn", callback_data="pick")]])
    await update.message.reply_text(update.message.text, reply_markup=markup)


async def test_a_bot_driven_entirely_over_the_control_api(emulator_with_clock):
    emu = emulator_with_clock
    app = application_builder(emu).build()
    app.add_handler(MessageHandler(filters.TEXT, echo_with_button))
    app.add_handler(CallbackQueryHandler(answer_and_edit))
    async with running_bot(app, emu), EmulatorClient(emu.origin) as client:
        await client.wait_polling(TOKEN)
        mark = await client.mark(TOKEN)
        await client.send_text(TOKEN, LAN, "xin chào")
        [reply] = await client.wait_for(TOKEN, method="sendMessage", chat_id=LAN.id, since=mark)
        assert reply["ok"] and reply["result"]["text"] == "xin chào"

        query_id = await client.press_button(TOKEN, LAN, reply["result"]["message_id"], "pick")
        [edit] = await client.wait_for(TOKEN, method="editMessageText", since=mark)
        assert edit["result"]["text"] == "Đã chọn"
        with pytest.raises(EmulatorControlError, match="404"):
            await client.press_button(TOKEN, LAN, reply["result"]["message_id"], "ghost")

        history = await client.history(TOKEN, LAN.id)
        assert [m["text"] for m in history["messages"]] == ["xin chào", "Đã chọn"]
        assert history["toasts"] == [{"callback_query_id": query_id, "text": "OK", "show_alert": False}]

        result = await client.send_texts(TOKEN, [(MINH, f"tin {i}") for i in range(20)])
        assert len(result["message_ids"]) == 20
        replies = await client.wait_for(TOKEN, method="sendMessage", chat_id=MINH.id, count=20, timeout=10)
        assert sorted(r["result"]["text"] for r in replies) == sorted(f"tin {i}" for i in range(20))
        with pytest.raises(TimeoutError):
            await client.wait_for(TOKEN, method="deleteMessage", timeout=0.1)


async def test_files_faults_blocks_config_and_reset_over_http(emulator_with_clock):
    emu = emulator_with_clock
    async with EmulatorClient(emu.origin) as client:
        document = await client.send_document(TOKEN, LAN, b"col\n1\n", "bảng.csv")
        assert document["document"]["file_name"] == "bảng.csv"
        photo = await client.send_photo(TOKEN, LAN, b"\x89PNG\r\n\x1a\n" + bytes(16), caption="ảnh")
        assert photo["caption"] == "ảnh"
        contact = await client.share_contact(TOKEN, LAN, "+84900000001")
        assert contact["contact"]["phone_number"] == "+84900000001"
        history = await client.history(TOKEN, LAN.id)
        assert history["messages"][0]["file"]["download_path"].startswith(f"/file/bot{TOKEN}/documents/")

        await client.inject_fault(TOKEN, "sendMessage", error_code=502, count=2)
        assert len(emu.bot_state(TOKEN).faults) == 1
        with pytest.raises(EmulatorControlError, match="unknown fault fields"):
            await client.inject_fault(TOKEN, "sendMessage", colour="red")

        await client.block(TOKEN, MINH.id)
        assert emu.bot_state(TOKEN).chats[MINH.id].blocked
        await client.unblock(TOKEN, MINH.id)
        assert not emu.bot_state(TOKEN).chats[MINH.id].blocked

        settings = await client.configure(rate_limits=True, latency_ms=5, private_burst=2)
        assert settings["rate_limits"] and settings["limits"]["private_burst"] == 2
        with pytest.raises(EmulatorControlError, match="400"):
            await client.configure(warp_speed=9)

        state = await client.state(TOKEN)
        assert state["pending_updates"] == 3 and state["chats"] == 2
        await client.reset()
        assert (await client.state(TOKEN))["pending_updates"] == 0


async def test_clock_moves_over_http(emulator_with_clock):
    async with EmulatorClient(emulator_with_clock.origin) as client:
        assert await client.clock_now() == datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
        assert await client.clock_advance(3600) == datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
        target = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
        assert await client.clock_set(target) == target
    async with BotApiEmulator() as plain, EmulatorClient(plain.origin) as client:
        with pytest.raises(EmulatorControlError, match="cannot be moved"):
            await client.clock_advance(1)


async def test_commands_are_visible_over_http(emulator_with_clock):
    emu = emulator_with_clock
    state = emu.bot_state(TOKEN)
    state.commands[('{"type": "default"}', "vi")] = [{"command": "start", "description": "Bắt đầu"}]
    async with EmulatorClient(emu.origin) as client:
        assert await client.commands(TOKEN, language_code="vi") == [
            {"command": "start", "description": "Bắt đầu"}
        ]
        assert await client.commands(TOKEN) == []


async def test_the_cli_serves_a_standalone_emulator():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.emulator", "--port", str(port), "--rate-limits", "--latency-ms", "1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        banner = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 15)
        assert f"http://127.0.0.1:{port}" in banner
        async with EmulatorClient(f"http://127.0.0.1:{port}") as client:
            settings = await client.configure()
            assert settings["rate_limits"] is True and settings["latency_ms"] == 1
            await client.send_text(TOKEN, LAN, "/start")
            assert (await client.state(TOKEN))["pending_updates"] == 1
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
    assert process.returncode == 0


async def test_history_long_poll_wakes_on_a_new_message(emulator_with_clock):
    emu = emulator_with_clock
    async with EmulatorClient(emu.origin) as client:
        first = await client.history(TOKEN, LAN.id)
        waiting = asyncio.create_task(client.history(TOKEN, LAN.id, since=first["version"], timeout=5))
        await emu.send_text(TOKEN, LAN, "mới")
        later = await asyncio.wait_for(waiting, 3)
        unchanged = await client.history(TOKEN, LAN.id, since=later["version"], timeout=0.05)
    assert later["version"] > first["version"] and later["messages"][-1]["text"] == "mới"
    assert unchanged["version"] == later["version"]


async def test_malformed_control_requests_are_explained(emulator_with_clock):
    async with EmulatorClient(emulator_with_clock.origin) as client:
        with pytest.raises(EmulatorControlError, match="400: missing field 'text'"):
            await client._request("POST", f"/_emu/{TOKEN}/send_text", json_body={"user": {"id": 1}})
        with pytest.raises(EmulatorControlError, match="400"):
            await client._request("POST", "/_emu/clock/advance", json_body={"seconds": "soon"})
