"""`python -m bot` with only ZALO_BOT_TOKEN, a real process against the Zalo emulator: a person who has only
Zalo registers and is approved, files a report across a kill -9, and the organiser gets the workbook as a
working link — while the bot calls only methods Zalo has and never sends more than 2,000 characters."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.emulator.zalo import ZaloEmulator, ZaloUser
from tests.backend import bot_database, database_env
from tests.harness import SAMPLE_ORG, free_port

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "3105412296751193317:Zprocess-test-token"
ORGANISER = ZaloUser.named("Phạm Thu Hà")
STRANGER = ZaloUser.named("Nguyễn Thị Lan")
ZALO_METHODS = {"getMe", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo", "sendMessage",
                "sendPhoto", "sendSticker", "sendChatAction"}  # fmt: skip


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloEmulator]:
    async with ZaloEmulator() as emu:
        yield emu


class Process:
    """The bot as a child process; `kill()` is kill -9."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.popen: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip

    def kill(self) -> None:
        assert self.popen is not None
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(10)
        if self.popen.stdout:
            self.popen.stdout.close()

    def stop(self) -> str:
        assert self.popen is not None
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
        if self.popen.stdout is None:
            return ""
        with self.popen.stdout:
            return self.popen.stdout.read()


async def say(emu: ZaloEmulator, user: ZaloUser, text: str, count: int = 1) -> str:
    """Type a message; what the bot answered in that chat (at least `count` messages, until it is quiet)."""
    since = emu.mark(TOKEN)
    await emu.send_text(TOKEN, user, text)
    calls = await emu.wait_for(TOKEN, chat_id=user.id, since=since, count=count, ok=True, timeout=20)
    while True:
        await asyncio.sleep(0.5)
        more = [c for c in emu.bot_state(TOKEN).calls[since:] if c.chat_id == user.id and c.ok]
        if len(more) == len(calls):
            break
        calls = more
    return "\n".join(str(c.params.get("text") or c.params.get("caption") or "") for c in calls)


async def test_a_zalo_only_person_registers_reports_across_a_kill_and_the_organiser_gets_a_link(
    zalo: ZaloEmulator, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "NO_PROXY": "127.0.0.1,localhost",
        "ZALO_BOT_TOKEN": TOKEN,
        "ZALO_API_URL": zalo.base_url,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}/",
        "PORT": str(port),
        **database_env(bot_database(tmp_path, "prod.db"), tmp_path),
    }
    assert cli("import-org", str(SAMPLE_ORG), env=env).returncode == 0
    granted = cli("grant", f"zalo:{ORGANISER.id}", "organiser", env=env)
    assert granted.returncode == 0, granted.stdout + granted.stderr
    zalo.add_user(TOKEN, ORGANISER)
    bot = Process(env)
    bot.start()
    try:
        await zalo.wait_polling(TOKEN, timeout=30)
        assert "1. Phường 1" in await say(zalo, STRANGER, "bat dau")
        await say(zalo, STRANGER, "5")
        await say(zalo, STRANGER, "2")
        await say(zalo, STRANGER, "Nguyễn Thị Lan")
        since = zalo.mark(TOKEN)
        assert "đã được gửi" in await say(zalo, STRANGER, "bỏ qua")
        [request] = await zalo.wait_for(TOKEN, chat_id=ORGANISER.id, since=since, ok=True, timeout=20)
        assert "Nguyễn Thị Lan" in request.params["text"]
        number = next(line.split(".")[0] for line in request.params["text"].splitlines() if "Duyệt" in line)
        await say(zalo, ORGANISER, number)
        welcome = await zalo.wait_for(TOKEN, chat_id=STRANGER.id, since=since, count=2, ok=True, timeout=20)
        assert (
            "Phạm Thu Hà" in welcome[-1].params["text"] or "chào mừng" in welcome[-1].params["text"].lower()
        )

        assert "có thêm bao nhiêu hội viên mới" in await say(zalo, STRANGER, "bao cao")
        assert "tổng cộng" in await say(zalo, STRANGER, "3")
        bot.kill()
        await asyncio.sleep(1)  # the emulator notices the dropped long poll
        bot.start()
        await zalo.wait_polling(TOKEN, timeout=30)
        assert "ghi chú" in await say(zalo, STRANGER, "45")

        answer = await say(zalo, ORGANISER, "/report_export", count=2)
        link = next(word for word in answer.split() if word.startswith(f"http://127.0.0.1:{port}/files/"))
        async with aiohttp.ClientSession() as http, http.get(link) as response:
            assert response.status == 200 and (await response.read())[:2] == b"PK"
    finally:
        output = bot.stop()
    calls = zalo.calls(TOKEN)
    assert {c.method for c in calls} <= ZALO_METHODS, output
    assert all(len(str(c.params.get("text") or "")) <= 2000 for c in calls)
    assert TOKEN not in output
