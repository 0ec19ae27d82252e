"""`python -m bot` as a real process against a Bot API-compatible server (the emulator)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator, FakeUser
from tests.backend import bot_database, database_env, query
from tests.harness import SAMPLE_ORG

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "654321:E2E-process-token"
ADMIN = FakeUser(id=7001, first_name="Hạnh", last_name="Nguyễn")
STRANGER = FakeUser(id=7002, first_name="Lan")


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emu:
        yield emu


async def said(emu: BotApiEmulator, chat_id: int, since: int, count: int = 1) -> str:
    calls = await emu.wait_for(TOKEN, chat_id=chat_id, since=since, count=count, timeout=15, ok=True)
    return "\n".join(str(c.params.get("text") or c.params.get("caption") or "") for c in calls)


async def test_the_bot_process_onboards_a_stranger_and_refuses_organiser_actions_to_a_cadre(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "PTB_TIMEDELTA": "1",
        "NO_PROXY": "127.0.0.1,localhost",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": emulator.base_url,
        **database_env(database := bot_database(tmp_path, "prod.db"), tmp_path),
        "LOG_LEVEL": "INFO",
    }
    assert cli("import-org", str(SAMPLE_ORG), env=env).returncode == 0
    assert cli("grant", str(ADMIN.id), "admin", env=env).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        await emulator.wait_polling(TOKEN, timeout=30)
        assert any(c["command"] == "start" for c in emulator.commands(TOKEN))

        mark = emulator.mark(TOKEN)
        await emulator.send_text(TOKEN, STRANGER, "/start")
        assert "Xin chào!" in await said(emulator, STRANGER.id, mark)
        keyboard = emulator.chat_history(TOKEN, STRANGER.id)[-1]
        ward = next(
            b for row in keyboard["reply_markup"]["inline_keyboard"] for b in row if b["text"] == "Phường 4"
        )
        mark = emulator.mark(TOKEN)
        await emulator.press_button(TOKEN, STRANGER, keyboard["message_id"], ward["callback_data"])
        await said(emulator, STRANGER.id, mark)
        keyboard = emulator.chat_history(TOKEN, STRANGER.id)[-1]
        chapter = keyboard["reply_markup"]["inline_keyboard"][0][0]
        mark = emulator.mark(TOKEN)
        await emulator.press_button(TOKEN, STRANGER, keyboard["message_id"], chapter["callback_data"])
        await said(emulator, STRANGER.id, mark, count=2)
        mark = emulator.mark(TOKEN)
        await emulator.send_text(TOKEN, STRANGER, "Nguyễn Thị Lan")
        await said(emulator, STRANGER.id, mark)
        admin_mark = emulator.mark(TOKEN)
        await emulator.send_text(TOKEN, STRANGER, "Bỏ qua")
        assert "Yêu cầu gia nhập mới" in await said(emulator, ADMIN.id, admin_mark)

        request = emulator.chat_history(TOKEN, ADMIN.id)[-1]
        approve = request["reply_markup"]["inline_keyboard"][0][0]
        mark = emulator.mark(TOKEN)
        await emulator.press_button(TOKEN, ADMIN, request["message_id"], approve["callback_data"])
        assert "Đăng ký của anh/chị đã được duyệt" in await said(emulator, STRANGER.id, mark)

        mark = emulator.mark(TOKEN)
        await emulator.send_text(TOKEN, STRANGER, "/invite")
        assert "Chỉ lãnh đạo hội phường và cán bộ tổ chức mới được tạo lời mời." in await said(
            emulator, STRANGER.id, mark
        )

        status = "SELECT status FROM members WHERE full_name = 'Nguyễn Thị Lan'"
        assert query(database, status) == [("active",)]
        if isinstance(database, Path):  # the SQLite file, in WAL mode, is backed up online, consistently
            backup = tmp_path / "backup.db"
            result = await asyncio.to_thread(cli, "backup", str(backup), env=env)
            assert result.returncode == 0, result.stderr
            assert query(backup, status) == [("active",)]
            assert query(database, "PRAGMA journal_mode") == [("wal",)]
    finally:
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.to_thread(process.communicate, timeout=20)
        stopped_in = time.monotonic() - started
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    assert "Nguyễn Thị Lan" not in output, "names stay out of the logs"
    assert stopped_in < 5


def test_without_a_token_the_bot_explains_itself_or_starts_the_sandbox(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": "bad token",
        "DATABASE_PATH": str(tmp_path / "x.db"),
    }
    result = cli("run", env=env)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN does not look like a bot token" in result.stderr
