"""kill -9 of the real bot process in the middle of a scheduled job, then a restart against the same database.

Two durable jobs of the bot fan out to many people: a seminar reminder run and the Monday summary. The bot runs
as `python -m bot run` in its own process against an emulator in this process, with Telegram's flood limits on,
so a run takes seconds; it is killed once the first messages are out. After the restart: `PRAGMA
integrity_check` passes, everyone still gets what the run owed them, and nothing is sent twice beyond the
messages the delivery worker had in flight (at most MAX_IN_FLIGHT).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.models import Role
from bot.core.seminars import REMINDER, Audience, PlannedTask, Seminar, SeminarStatus, reminder_key
from bot.delivery import MAX_IN_FLIGHT
from bot.emulator import BotApiEmulator
from storage.db import Database
from storage.seminars import SqliteSeminars
from tests.test_faults_kill import TOKEN, BotProcess, integrity, query, seed, until

INVITEES = [(9500 + n, f"Cán Bộ Chi Hội {n}", Role.CADRE, None) for n in range(240)]
ORGANISER = (9499, "Phạm Thu Hà", Role.ORGANISER, None)
REMINDED = "Xin trả lời giấy mời"


async def seed_seminar_with_reminder_due(path: Path) -> None:
    """A seminar in two days, every cadre invited and none answered yet; its '3 days before' reminder is due."""
    now = datetime.now(UTC)
    db = await Database.open(path)
    try:
        ids = dict(await db.fetch_all("SELECT ca.external_id, ca.member_id FROM channel_accounts ca"))
        starts = now + timedelta(days=2)
        seminar = Seminar(0, "Học tập suốt đời", "Phường 5", starts, starts + timedelta(hours=2),
                          "Nhà văn hóa Phường 5", "Khai mạc; thảo luận", SeminarStatus.SCHEDULED,
                          ids[str(ORGANISER[0])], Audience(roles=(Role.CADRE,)))
        three_days = timedelta(days=3)

        def reminder_due_now(saved: Seminar) -> list[PlannedTask]:
            return [PlannedTask(reminder_key(saved, three_days), REMINDER, now,
                                {"seminar_id": saved.id, "version": saved.version,
                                 "offset": int(three_days.total_seconds())})]

        await SqliteSeminars(db).create(seminar, [ids[str(p[0])] for p in INVITEES], reminder_due_now, now=now)
    finally:
        await db.close()


def reminders(emu: BotApiEmulator, chat_id: int) -> int:
    return sum(REMINDED in c.params.get("text", "") for c in emu.calls(TOKEN, "sendMessage", chat_id, ok=True))


async def test_killed_in_the_middle_of_a_seminar_reminder_run(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    await seed(database, [ORGANISER, *INVITEES])
    await seed_seminar_with_reminder_due(database)
    async with BotApiEmulator(rate_limits=True) as emu:
        bot = BotProcess(emu, database)
        await bot.start()
        try:
            await emu.wait_for(TOKEN, method="sendMessage", count=40, timeout=30)
            bot.kill()
            reached = sum(reminders(emu, p[0]) > 0 for p in INVITEES)
            assert 0 < reached < len(INVITEES), "the crash must come in the middle of the run"
            assert integrity(database) == "ok"

            await bot.start()
            await until(lambda: all(reminders(emu, p[0]) for p in INVITEES), timeout=40)
            await until(lambda: query(database, "SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')")
                        == [(0,)])
        finally:
            await bot.stop()

    copies = [reminders(emu, p[0]) for p in INVITEES]
    assert min(copies) == 1 and max(copies) <= 2, copies
    assert sum(copies) <= len(INVITEES) + MAX_IN_FLIGHT, copies  # only what was in flight may come twice
    assert query(database, "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE '%remind%'") == [(len(INVITEES),)]
    assert integrity(database) == "ok"
