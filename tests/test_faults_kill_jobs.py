"""kill -9 of the real bot process in the middle of a scheduled job, then a restart against the same database.

Two durable jobs of the bot fan out to many people: a seminar reminder run and the Monday summary. The bot
runs as `python -m bot run` in its own process against an emulator in this process, with Telegram's flood
limits on, so a run takes seconds; it is killed once the first messages are out. After the restart: the
database is intact (SQLite's `PRAGMA integrity_check`), everyone still gets what the run owed them, and
nothing is sent twice beyond the messages the delivery worker had in flight (at most MAX_IN_FLIGHT).
"""

from __future__ import annotations

import gc
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.audience import Audience
from bot.core.models import Role
from bot.core.reports.schedule import current_period
from bot.core.reports.service import ReportValues
from bot.core.seminars.models import REMINDER, PlannedTask, Seminar, SeminarStatus, reminder_key
from bot.core.summary import summary_week
from bot.emulator import BotApiEmulator
from bot.runtime.delivery import MAX_IN_FLIGHT
from storage.db import Database
from storage.org import SqliteOrg
from storage.reports import SqliteReports
from storage.seminars import SqliteSeminars
from storage.summary import SqliteSummary
from storage.tasks import SqliteTasks
from tests.backend import bot_database, integrity, query
from tests.test_faults_kill import TOKEN, BotProcess, seed, until

INVITEES = [(9500 + n, f"Cán Bộ Chi Hội {n}", Role.CADRE, None) for n in range(240)]
ORGANISER = (9499, "Phạm Thu Hà", Role.ORGANISER, None)
REMINDED = "Xin trả lời giấy mời"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


async def seed_seminar_with_reminder_due(path: Path | str) -> None:
    """A seminar in two days, every cadre invited and none answered yet; its '3 days before' reminder is
    due."""
    now = datetime.now(UTC)
    db = await Database.open(path)
    try:
        ids = dict(await db.fetch_all("SELECT ca.external_id, ca.member_id FROM channel_accounts ca"))
        starts = now + timedelta(days=2)
        seminar = Seminar(
            0,
            "Học tập suốt đời",
            "Phường 5",
            starts,
            starts + timedelta(hours=2),
            "Nhà văn hóa Phường 5",
            "Khai mạc; thảo luận",
            SeminarStatus.SCHEDULED,
            ids[str(ORGANISER[0])],
            Audience.of(roles=(Role.CADRE,)),
        )
        three_days = timedelta(days=3)

        def reminder_due_now(saved: Seminar) -> list[PlannedTask]:
            return [
                PlannedTask(
                    reminder_key(saved, three_days),
                    REMINDER,
                    now,
                    {
                        "seminar_id": saved.id,
                        "version": saved.version,
                        "offset": int(three_days.total_seconds()),
                    },
                )
            ]

        await SqliteSeminars(db).create(
            seminar, [ids[str(p[0])] for p in INVITEES], reminder_due_now, now=now
        )
    finally:
        await db.close()


def reminders(emu: BotApiEmulator, chat_id: int) -> int:
    return sum(
        REMINDED in c.params.get("text", "") for c in emu.calls(TOKEN, "sendMessage", chat_id, ok=True)
    )


async def test_killed_in_the_middle_of_a_seminar_reminder_run(tmp_path: Path) -> None:
    database = bot_database(tmp_path)
    await seed(database, [ORGANISER, *INVITEES])
    await seed_seminar_with_reminder_due(database)
    async with BotApiEmulator(rate_limits=True) as emu:
        bot = BotProcess(emu, database, tmp_path)
        await bot.start()
        try:
            await emu.wait_for(TOKEN, method="sendMessage", count=40, timeout=30)
            bot.kill()
            reached = sum(reminders(emu, p[0]) > 0 for p in INVITEES)
            assert 0 < reached < len(INVITEES), "the crash must come in the middle of the run"
            assert integrity(database) == "ok"

            await bot.start()
            await until(lambda: all(reminders(emu, p[0]) for p in INVITEES), timeout=40)
            await until(
                lambda: (
                    query(database, "SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')")
                    == [(0,)]
                )
            )
        finally:
            await bot.stop()

    copies = [reminders(emu, p[0]) for p in INVITEES]
    assert min(copies) == 1 and max(copies) <= 2, copies
    assert sum(copies) <= len(INVITEES) + MAX_IN_FLIGHT, copies  # only what was in flight may come twice
    assert query(database, "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE '%remind%'") == [
        (len(INVITEES),)
    ]
    assert integrity(database) == "ok"


WARDS = [f"Phường {n}" for n in range(1, 16)]
ADDRESSEES = [(9800 + n, f"Quản Trị {n}", Role.ADMIN, None) for n in range(6)] + [
    (9810 + n, f"Trưởng Phường {n}", Role.WARD_LEAD, WARDS[n % len(WARDS)]) for n in range(30)
]


async def seed_last_week(path: Path | str) -> str:
    """Reports filed last week by a chapter of every ward, the ward leads subscribed to the summary, and the
    summary of last week due now (the schedule says Monday 00:00, so it is late whatever today is)."""
    now = datetime.now(UTC)
    week = summary_week(now, VN)
    filed_at = week.start + timedelta(days=2, hours=3)
    db = await Database.open(path)
    try:
        reports, org, summary = SqliteReports(db), SqliteOrg(db), SqliteSummary(db)
        period = current_period(filed_at, await reports.config(), VN)
        for ward in await org.wards():
            chapter = (await org.chapters(ward.id))[0]
            await reports.save(
                chapter.id,
                period.key,
                ReportValues(new_members=ward.id % 7 + 1, total_members=90),
                actor_id=1,
                on_behalf=True,
                now=filed_at,
            )
        leads = query(path, "SELECT id FROM members WHERE role = ?", (Role.WARD_LEAD.value,))
        for (member_id,) in leads:
            await summary.set_subscription(member_id, True, now=now)
        await SqliteTasks(db).plan(f"summary:{week.key}", "weekly_summary", now, {"week": week.key}, now=now)
    finally:
        await db.close()
    return week.key


def collect_interrupted_uploads() -> None:
    """A photo or workbook upload cut off by the kill leaves the emulator's (aiohttp's) spooled temporary file
    to the garbage collector: collect it now, so that its ResourceWarning does not land in some later test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def received(emu: BotApiEmulator, chat_id: int) -> dict[str, int]:
    calls = emu.calls(TOKEN, chat_id=chat_id, ok=True)
    return {
        method: sum(c.method == method for c in calls)
        for method in ("sendMessage", "sendPhoto", "sendDocument")
    }


async def test_killed_in_the_middle_of_the_weekly_summary_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARY_SCHEDULE", "MON 00:00")
    database = bot_database(tmp_path)
    await seed(database, ADDRESSEES)
    week = await seed_last_week(database)
    async with BotApiEmulator(rate_limits=True) as emu:
        bot = BotProcess(emu, database, tmp_path)
        await bot.start()
        try:
            await emu.wait_for(TOKEN, method="sendMessage", ok=True, count=3, timeout=30)
            bot.kill()
            complete = sum(received(emu, p[0])["sendDocument"] > 0 for p in ADDRESSEES)
            assert complete < len(ADDRESSEES), "the crash must come in the middle of the run"
            assert integrity(database) == "ok"

            await bot.start()
            await until(lambda: all(received(emu, p[0])["sendDocument"] for p in ADDRESSEES), timeout=40)
            await until(
                lambda: (
                    query(database, "SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')")
                    == [(0,)]
                )
            )
        finally:
            await bot.stop()
    collect_interrupted_uploads()

    for person in ADDRESSEES:
        got = received(emu, person[0])
        assert got["sendMessage"] >= 1 and 1 <= got["sendPhoto"] <= 2 and 1 <= got["sendDocument"] <= 2, (
            person,
            got,
        )
    rows = query(database, "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE ?", (f"summary:{week}:to:%",))[
        0
    ][0]
    sent = sum(sum(received(emu, p[0]).values()) for p in ADDRESSEES)
    assert rows <= sent <= rows + MAX_IN_FLIGHT  # only what was in flight may come twice
    deliveries = query(
        database,
        "SELECT COUNT(*), COUNT(DISTINCT member_id) FROM summary_deliveries WHERE week_key = ?",
        (week,),
    )
    assert deliveries == [(len(ADDRESSEES), len(ADDRESSEES))]
    assert integrity(database) == "ok"
