"""A broadcast to hundreds of members at Telegram's pace: everyone served once, blocked users reported,
and a bot killed mid-broadcast resumes without losing anyone."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.core.broadcasts.service import AudienceKind, Content, Result, audience_of
from bot.core.models import Role
from bot.core.org import parse_org_csv
from bot.emulator import BotApiEmulator
from storage.db import Database, to_db_time
from tests.backend import bot_database, database_env
from tests.harness import SAMPLE_ORG, TOKEN, BotUnderTest
from tests.test_broadcasts_dialog import compose, drain, report_in

ROOT = Path(__file__).resolve().parent.parent


async def add_members(db: Database, count: int, *, first_id: int = 100_000, role: str = "cadre") -> list[int]:
    """`count` active members spread over the wards, each with a Telegram chat (chat id = user id)."""
    now = to_db_time(datetime.now(UTC))
    chapters = [
        (r["id"], r["ward_id"]) for r in await db.fetch_all("SELECT id, ward_id FROM chapters ORDER BY id")
    ]
    ids = []
    async with db.transaction() as conn:
        for n in range(count):
            chapter_id, ward_id = chapters[n % len(chapters)]
            name = f"Hội viên {n:04d}"
            cur = await conn.execute(
                "INSERT INTO members (full_name, name_key, status, role, ward_id, chapter_id, locale, "
                "created_at, updated_at) VALUES (?, ?, 'active', ?, ?, ?, 'vi', ?, ?)",
                (name, name.lower(), role, ward_id, chapter_id, now, now),
            )
            user_id = first_id + n
            await conn.execute(
                "INSERT INTO channel_accounts (member_id, channel, external_id, chat_id, created_at) "
                "VALUES (?, 'telegram', ?, ?, ?)",
                (cur.lastrowid, str(user_id), str(user_id), now),
            )
            ids.append(user_id)
    return ids


def sends_per_chat(emu: BotApiEmulator) -> Counter:
    return Counter(int(c.chat_id) for c in emu.calls(TOKEN, "sendMessage", ok=True))


async def test_a_broadcast_to_300_members_at_telegrams_pace_reaches_everyone_once(bot: BotUnderTest) -> None:
    organiser = await bot.member(4001, "Phạm Thu Hà", Role.ORGANISER, ward="Phường 1")
    chats = await add_members(bot.services.db, 300)
    blocked = chats[10:15]
    for chat_id in blocked:
        bot.emu.block(TOKEN, chat_id)
    bot.emu.configure(rate_limits=True)
    await compose(organiser, "Lịch tập huấn tháng 12")
    await organiser.press("Tất cả")
    await organiser.press("Xác nhận và gửi")

    await drain(bot)

    sent = sends_per_chat(bot.emu)
    assert all(sent[c] == 1 for c in chats if c not in blocked)
    assert all(sent[c] == 0 for c in blocked)
    members = set(chats)
    rejected = [
        c
        for c in bot.emu.calls(TOKEN, "sendMessage", ok=False)
        if c.error_code == 429 and c.chat_id in members
    ]
    assert rejected == []
    progress_posts = [
        c
        for c in bot.emu.calls(TOKEN, "sendMessage", chat_id=organiser.chat_id, ok=True)
        if c.params["text"].startswith("📣")
    ]
    edits = bot.emu.calls(TOKEN, "editMessageText", chat_id=organiser.chat_id, ok=True)
    assert len(progress_posts) == 1
    assert 3 <= len(edits) <= 16
    report = report_in(organiser, 1)
    assert "Đã gửi: 296 / 301" in report
    assert "Không liên lạc được (đã chặn bot hoặc chưa từng nhắn cho bot): 5" in report
    assert "Hội viên 0010" in report and "Hội viên 0014" in report
    rows = await bot.services.outbox.rows("broadcast:1")
    assert Counter(r["status"] for r in rows) == {"sent": 296, "unreachable": 5}

    await compose(organiser, "Lần hai")
    await organiser.press("Tất cả")
    assert "5 người khác đã chặn bot" in organiser.history()[-1]["text"]


async def test_a_429_pauses_sending_and_the_message_still_arrives(bot: BotUnderTest) -> None:
    organiser = await bot.member(4001, "Phạm Thu Hà", Role.ORGANISER, ward="Phường 1")
    chats = await add_members(bot.services.db, 40)
    await compose(organiser, "Nhắc lịch")
    await organiser.press("Tất cả")
    bot.emu.inject_fault(TOKEN, "sendMessage", chat_id=chats[5], count=3, error_code=429, retry_after=1)
    await organiser.press("Xác nhận và gửi")

    await drain(bot)

    sent = sends_per_chat(bot.emu)
    assert all(sent[c] == 1 for c in chats)
    assert "Đã gửi: 41 / 41" in report_in(organiser, 1)


async def test_a_bot_killed_mid_broadcast_resumes_and_loses_nobody(tmp_path: Path) -> None:
    database_path = bot_database(tmp_path)
    db = await Database.open(database_path)
    try:
        from storage.org import SqliteOrg

        parsed = parse_org_csv(SAMPLE_ORG.read_bytes())
        await SqliteOrg(db).import_rows(parsed.rows, now=datetime.now(UTC))
        organiser = (await add_members(db, 1, first_id=9000, role="organiser"))[0]
        chats = await add_members(db, 400)
        broadcast_id = await _queue_broadcast(db)
    finally:
        await db.close()

    async with BotApiEmulator(rate_limits=True) as emu:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": emu.base_url,
            **database_env(database_path, tmp_path),
            "REPLICA_ID": "bot",  # the second process is the first one restarted
            "PTB_TIMEDELTA": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        first = _start_bot(env, tmp_path, "first")
        try:
            await emu.wait_for(TOKEN, method="sendMessage", ok=True, count=120, timeout=60)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        served_before = len(sends_per_chat(emu))
        db = await Database.open(database_path)
        try:
            in_flight = int(await db.fetch_value("SELECT COUNT(*) FROM outbox WHERE status = 'sending'"))
        finally:
            await db.close()
        assert served_before < len(chats)

        second = _start_bot(env, tmp_path, "second")
        try:
            await _wait_until_done(database_path, f"broadcast:{broadcast_id}")
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(10)

    sent = sends_per_chat(emu)
    lost = [c for c in chats if sent[c] == 0]
    duplicates = sum(n - 1 for c, n in sent.items() if c in set(chats) and n > 1)
    assert lost == []
    assert duplicates <= in_flight, (duplicates, in_flight)
    report = [c for c in emu.calls(TOKEN, "sendMessage", chat_id=organiser, ok=True)]
    assert "Đã gửi: 400 / 400" in report[-1].params["text"]


async def _queue_broadcast(db: Database) -> int:
    """What pressing Confirm does, without the bot running: the broadcast and its outbox rows."""
    from bot.clock import SystemClock
    from bot.conversation.replies import Choice, rows
    from bot.core.broadcasts.service import BroadcastService
    from handlers.broadcasts.sending import Acknowledge
    from storage.broadcasts import SqliteBroadcasts
    from storage.members import SqliteMembers

    service = BroadcastService(SqliteBroadcasts(db), SystemClock(), SqliteMembers(db))
    organiser = await _member(db, "9000")
    created = await service.create(
        organiser, Content("Lịch tập huấn tháng 12"), audience_of(AudienceKind.ROLES, roles=(Role.CADRE,))
    )
    assert created.result is Result.OK and created.broadcast is not None
    launched = await service.launch(
        created.broadcast.id, lambda b, p: rows([Choice("✅ Đã nhận", Acknowledge(b.id))])
    )
    assert launched.result is Result.OK
    return created.broadcast.id


async def _member(db: Database, external_id: str):
    from storage.members import SqliteMembers

    return await SqliteMembers(db).find_by_account("telegram", external_id)


RUNTIME_PROCESS = """
import asyncio, logging, signal

from bot.channels.telegram.channel import TelegramChannel
from bot.config import Settings
from bot.runtime import Runtime


async def main() -> None:
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level)
    runtime = Runtime(settings)
    runtime.add_channel(TelegramChannel(runtime, settings))
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    await runtime.start()
    await stopping.wait()
    await runtime.stop()


asyncio.run(main())
"""
"""The bot in its own process, composed as tests/harness.py composes it (on this branch `python -m bot run`
still starts the application of before the channel-neutral layer)."""


def _start_bot(env: dict, tmp_path: Path, name: str) -> subprocess.Popen:
    with open(tmp_path / f"{name}.log", "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-c", RUNTIME_PROCESS],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


async def _wait_until_done(database_path: Path | str, batch: str, timeout: float = 90) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        db = await Database.open(database_path, migrate=False)
        try:
            pending = await db.fetch_value(
                "SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')"
            )
            reported = await db.fetch_value(
                "SELECT COUNT(*) FROM outbox WHERE batch = ? AND status = 'sent'",
                (batch.replace("broadcast:", "broadcast-report:"),),
            )
            status = await db.fetch_value(
                "SELECT status FROM broadcasts WHERE id = ?", (int(batch.rpartition(":")[2]),)
            )
        finally:
            await db.close()
        if pending == 0 and status == "done" and reported:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"{batch} did not finish in {timeout} s")
