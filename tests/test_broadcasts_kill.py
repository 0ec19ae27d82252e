"""kill -9 of the bot process right after an organiser confirmed a broadcast, before anything was delivered.

Confirming records the broadcast and plans its send task in the confirming turn's transaction; the process
dies while the task is posting the organiser's progress card. After a restart on the same database every
recipient gets the message exactly once and the organiser gets the report.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.core.models import Role
from bot.emulator import BotApiEmulator, FakeUser
from tests.backend import bot_database, database_env, integrity, query
from tests.test_broadcasts_delivery import RUNTIME_PROCESS
from tests.test_broadcasts_dialog import body
from tests.test_faults_kill import WARD, seed, until

TOKEN = "424242:KILL-broadcast-token-abcdef"
REPO = Path(__file__).resolve().parent.parent
ORGANISER = 9500
CADRES = list(range(9501, 9513))
TEXT = "Lịch tập huấn tháng 12: thứ Bảy 8h tại Nhà văn hoá"


class BotProcess:
    """The bot's runtime in a process of its own, restarted under the same REPLICA_ID."""

    def __init__(self, emu: BotApiEmulator, database: Path | str, folder: Path) -> None:
        self.emu, self.database, self.folder = emu, database, folder
        self.proc: subprocess.Popen | None = None

    async def start(self) -> None:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": self.emu.base_url,
            **database_env(self.database, self.folder),
            "REPLICA_ID": "bot",
            "PTB_TIMEDELTA": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "PYTHONPATH": str(REPO),
            "LOG_LEVEL": "WARNING",
        }
        self.proc = spawn(env, self.folder)
        await self.emu.wait_polling(TOKEN, timeout=60)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.proc.wait, 15)
            except subprocess.TimeoutExpired:
                self.kill()


def spawn(env: dict, folder: Path) -> subprocess.Popen:
    with open(folder / "bot.log", "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-c", RUNTIME_PROCESS], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def received(emu: BotApiEmulator, chat_id: int) -> list[str]:
    return [c.params.get("text", "") for c in emu.calls(TOKEN, "sendMessage", chat_id, ok=True)]


async def say(emu: BotApiEmulator, user: FakeUser, text: str) -> None:
    mark = emu.mark(TOKEN)
    await emu.send_text(TOKEN, user, text)
    await emu.wait_for(TOKEN, chat_id=user.id, since=mark, timeout=30)


async def press(
    emu: BotApiEmulator, user: FakeUser, data: str, *, answer: str | None = "sendMessage"
) -> None:
    message = next(
        m for m in reversed(emu.chat_history(TOKEN, user.id)) if data in str(m.get("reply_markup"))
    )
    mark = emu.mark(TOKEN)
    await emu.press_button(TOKEN, user, message["message_id"], data)
    await emu.wait_for(TOKEN, method=answer, chat_id=user.id, since=mark, timeout=30)


async def write_to_cadres(emu: BotApiEmulator, organiser: FakeUser, text: str) -> None:
    """The organiser writes a broadcast to every cadre, up to the summary before it is sent."""
    await say(emu, organiser, "/broadcast")
    await say(emu, organiser, text)
    await press(emu, organiser, "v1:bcc:na", answer="editMessageText")
    await press(emu, organiser, "v1:bcc:a:r", answer="editMessageText")
    await press(emu, organiser, "v1:bcc:tr:cadre", answer="editMessageText")
    await press(emu, organiser, "v1:bcc:a:done")


async def test_killed_right_after_confirming_a_broadcast_sends_it_once_after_the_restart(
    tmp_path: Path,
) -> None:
    people = [(ORGANISER, "Phạm Thu Hà", Role.ORGANISER, None)]
    people += [(c, f"Cán Bộ Số {n}", Role.CADRE, WARD) for n, c in enumerate(CADRES)]
    database = bot_database(tmp_path)
    await seed(database, people)
    organiser = FakeUser(ORGANISER, "Hà")
    async with BotApiEmulator() as emu:
        bot = BotProcess(emu, database, tmp_path)
        await bot.start()
        try:
            await write_to_cadres(emu, organiser, TEXT)
            await until(lambda: "Số người nhận: 12" in received(emu, ORGANISER)[-1])
            emu.inject_fault(
                TOKEN, "sendMessage", chat_id=ORGANISER, delay=30
            )  # the card hangs: then the kill

            await press(emu, organiser, "v1:bcc:go", answer="editMessageText")
            await until(lambda: not emu.bot_state(TOKEN).faults)  # the task is posting the card now
            bot.kill()

            assert integrity(database) == "ok"
            assert query(database, "SELECT id, status FROM broadcasts") == [(1, "draft")]
            assert query(
                database, "SELECT key, status FROM scheduled_tasks WHERE kind = 'broadcast_send'"
            ) == [("broadcast:1:send", "pending")]
            assert query(database, "SELECT COUNT(*) FROM outbox WHERE batch = 'broadcast:1'") == [(0,)]
            assert all(received(emu, c) == [] for c in CADRES)

            await bot.start()
            await until(
                lambda: query(database, "SELECT status FROM broadcasts WHERE id = 1") == [("done",)],
                timeout=60,
            )
            await until(
                lambda: any("Đã gửi: 12 / 12" in e.params.get("text", "") for e in reports(emu)), timeout=30
            )
        finally:
            await bot.stop()

        for chat_id in CADRES:
            assert [body(text) for text in received(emu, chat_id)] == [TEXT], chat_id
    assert query(database, "SELECT COUNT(*) FROM broadcasts") == [(1,)]
    assert query(
        database, "SELECT status, COUNT(*) FROM outbox WHERE batch = 'broadcast:1' GROUP BY status"
    ) == [("sent", 12)]
    assert integrity(database) == "ok"


def reports(emu: BotApiEmulator) -> list:
    return [
        c
        for c in emu.calls(TOKEN, chat_id=ORGANISER, ok=True)
        if c.method in ("sendMessage", "editMessageText")
    ]
