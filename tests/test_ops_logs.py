"""Logs a host can use: LOG_FORMAT=json writes one JSON object per line; people's data stays out of INFO.

Each object has `time` (ISO 8601, UTC), `level`, `logger` and `message`, plus `update` ("telegram:<id>")
or `task` (the scheduled task's key) when the line was written while handling one, and `exception` for a
traceback. Plain text stays the default.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot import logs
from bot.emulator import BotApiEmulator, FakeUser
from tests.backend import missing_table, query
from tests.harness import SAMPLE_ORG
from tests.ops_process import TELEGRAM_TOKEN, BotProcess, base_env, env_database, run_bot

LAN = FakeUser(id=6101, first_name="Lan", last_name="Nguyễn")
FULL_NAME = "Nguyễn Thị Lan Hương"
PHONE = "0912345678"


@pytest.fixture
async def telegram() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emu:
        yield emu


def records(stderr: str) -> list[dict]:
    """Every line as a JSON object (fails on a line that is not one)."""
    parsed = []
    for line in stderr.splitlines():
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not a JSON object: {line!r}")
    return parsed


async def press(emu: BotApiEmulator, label: str) -> None:
    message = emu.chat_history(TELEGRAM_TOKEN, LAN.id)[-1]
    rows = message["reply_markup"]["inline_keyboard"]
    button = next(b for row in rows for b in row if b["text"] == label) if label else rows[0][0]
    mark = emu.mark(TELEGRAM_TOKEN)
    await emu.press_button(TELEGRAM_TOKEN, LAN, message["message_id"], button["callback_data"])
    await emu.wait_for(TELEGRAM_TOKEN, chat_id=LAN.id, since=mark, timeout=15)  # a new message or an edit


async def say(emu: BotApiEmulator, text: str) -> None:
    mark = emu.mark(TELEGRAM_TOKEN)
    await emu.send_text(TELEGRAM_TOKEN, LAN, text)
    await emu.wait_for(TELEGRAM_TOKEN, method="sendMessage", chat_id=LAN.id, since=mark, timeout=15)


def last_text(emu: BotApiEmulator) -> str:
    return str(emu.chat_history(TELEGRAM_TOKEN, LAN.id)[-1].get("text"))


async def until(condition: Callable[[], object], timeout: float = 15) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


async def test_json_logs_are_one_object_a_line_with_the_update_and_no_names_or_phone_numbers(
    telegram: BotApiEmulator, tmp_path: Path
) -> None:
    env = base_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_API_URL=telegram.base_url,
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
    )
    assert (await run_bot(env, "import-org", str(SAMPLE_ORG))).code == 0
    bot = await BotProcess(env).start()
    try:
        await telegram.wait_polling(TELEGRAM_TOKEN, timeout=30)
        await say(telegram, "/start")
        await press(telegram, "Phường 4")
        await press(telegram, "")
        await until(lambda: "Vui lòng gõ họ và tên" in last_text(telegram))
        await say(telegram, FULL_NAME)
        await until(lambda: "số điện thoại" in last_text(telegram))
        await telegram.share_contact(TELEGRAM_TOKEN, LAN, PHONE)
        database = env_database(env)
        await until(lambda: query(database, "SELECT phone FROM members WHERE phone IS NOT NULL"))
        query(database, "DROP TABLE dialog_states")  # the next turn fails while it is being handled
        await say(telegram, "/help")
    finally:
        result = await bot.stop()

    assert result.code == 0
    logged = records(result.stderr)
    assert logged, "the bot logged something"
    for record in logged:
        assert {"time", "level", "logger", "message"} <= record.keys(), record
        assert datetime.fromisoformat(record["time"]).utcoffset().total_seconds() == 0
    [crash] = [r for r in logged if r["logger"] == "bot.errors" and r["level"] == "ERROR"]
    assert crash["update"].startswith("telegram:")
    assert missing_table("dialog_states") in crash["exception"]
    assert any(r["message"].startswith("the bot is running") for r in logged)
    for record in logged:
        for personal in (FULL_NAME, PHONE, "Nguyễn"):
            assert personal not in json.dumps(record, ensure_ascii=False), record


async def test_a_start_up_failure_in_json_mode_is_one_record_in_both_languages(
    telegram: BotApiEmulator, tmp_path: Path
) -> None:
    telegram.inject_fault(TELEGRAM_TOKEN, "getMe", error_code=401, count=10)
    env = base_env(
        tmp_path, TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_API_URL=telegram.base_url, LOG_FORMAT="json"
    )

    result = await run_bot(env)

    assert result.code == 3
    last = records(result.stderr)[-1]
    assert last["level"] == "CRITICAL"
    vi, en = last["message"].split("\n")
    assert vi.startswith("Token của bot bị từ chối") and en.startswith("The bot's token was rejected")


@pytest.fixture
def configure_into() -> Iterator[io.StringIO]:
    """`logs.configure` writing into a buffer; pytest's own handlers are put back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_a_line_written_while_a_task_runs_names_the_task_in_json_and_in_plain_text(
    configure_into: io.StringIO,
) -> None:
    for fmt in ("json", "text"):
        logs.configure("INFO", fmt)
        logging.getLogger().handlers[0].setStream(configure_into)  # type: ignore[attr-defined]
        with logs.bind(task="summary:2026-W49"):
            logging.getLogger("bot.runtime.scheduler").info("weekly summary sent to %d people", 12)
        logging.getLogger("bot.runtime.scheduler").info("idle")

    json_task, json_idle, plain_task, plain_idle = configure_into.getvalue().splitlines()
    assert json.loads(json_task)["task"] == "summary:2026-W49"
    assert json.loads(json_task)["message"] == "weekly summary sent to 12 people"
    assert "task" not in json.loads(json_idle)
    assert plain_task.endswith(
        "INFO bot.runtime.scheduler: weekly summary sent to 12 people [task=summary:2026-W49]"
    )
    assert plain_idle.endswith("INFO bot.runtime.scheduler: idle")
