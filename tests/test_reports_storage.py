"""The SQLite store of reports: one row per chapter and period, audited changes, excuses, settings."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.core.org import parse_org_csv
from bot.core.parsing import PeriodKind
from bot.core.reports import PastReport, ReportConfig, ReportValues
from bot.sandbox.demo_reports import seed
from storage.audit import history
from storage.db import Database
from storage.org import SqliteOrg
from storage.reports import SqliteReports
from tests.harness import SAMPLE_ORG, BotUnderTest

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
async def store(db: Database) -> SqliteReports:
    parsed = parse_org_csv(SAMPLE_ORG.read_bytes())
    await SqliteOrg(db).import_rows(parsed.rows, now=NOW)
    return SqliteReports(db)


async def test_filing_twice_for_a_period_updates_the_one_row_and_audits_old_and_new(
    store: SqliteReports, db: Database
) -> None:
    first, previous = await store.save(
        1, "2026-11", ReportValues(3, 45), actor_id=None, on_behalf=False, now=NOW
    )
    assert previous is None and first.filed_at == NOW
    later = NOW + timedelta(days=2)
    second, previous = await store.save(
        1, "2026-11", ReportValues(4, 46, "sửa"), actor_id=None, on_behalf=True, now=later
    )
    assert previous == first
    assert second.id == first.id and second.filed_at == NOW and second.updated_at == later
    assert not second.on_behalf, "who first filed stays recorded; corrections are in the audit log"
    assert await db.fetch_value("SELECT COUNT(*) FROM chapter_reports") == 1
    changes = await history(db, "chapter_report", first.id)
    assert [c["action"] for c in changes] == ["report_filed", "report_corrected"]
    assert changes[1]["details"]["old"] == {
        "new_members": 3,
        "total_members": 45,
        "note": None,
        "photo": False,
    }
    assert changes[1]["details"]["new"]["note"] == "sửa" and changes[1]["details"]["on_behalf"] is True


async def test_history_is_the_chapters_earlier_periods_oldest_first(store: SqliteReports) -> None:
    for key, new in (("2026-08", 1), ("2026-09", 2), ("2026-10", 3), ("2026-11", 9)):
        await store.save(1, key, ReportValues(new, 40 + new), actor_id=None, on_behalf=False, now=NOW)
    await store.save(2, "2026-10", ReportValues(5, 50), actor_id=None, on_behalf=False, now=NOW)
    assert await store.history(1, before_key="2026-11", limit=2) == [
        PastReport("2026-09", 2, 42),
        PastReport("2026-10", 3, 43),
    ]


async def test_excusing_is_idempotent_and_can_be_taken_back(store: SqliteReports) -> None:
    assert await store.set_excused(3, "2026-11", True, actor_id=None, now=NOW)
    assert not await store.set_excused(3, "2026-11", True, actor_id=None, now=NOW)
    assert await store.excused("2026-11") == {3}
    assert await store.set_excused(3, "2026-11", False, actor_id=None, now=NOW)
    assert await store.excused("2026-11") == set()


async def test_settings_default_to_monthly_on_the_25th_and_can_change(store: SqliteReports) -> None:
    assert await store.config() == ReportConfig(PeriodKind.MONTH, 25, time(20, 0))
    await store.save_config(ReportConfig(PeriodKind.WEEK, 5, time(17, 30)), actor_id=None, now=NOW)
    assert await store.config() == ReportConfig(PeriodKind.WEEK, 5, time(17, 30))


async def test_the_database_refuses_negative_counts_and_unknown_chapters(store: SqliteReports) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await store.save(1, "2026-11", ReportValues(-1, 4), actor_id=None, on_behalf=False, now=NOW)
    with pytest.raises(sqlite3.IntegrityError):
        await store.save(9999, "2026-11", ReportValues(1, 4), actor_id=None, on_behalf=False, now=NOW)


async def test_the_sandbox_demo_seeds_both_periods_once(tmp_path: Path) -> None:
    async with BotUnderTest.running(tmp_path) as bot:
        now = bot.clock.now()
        await seed(bot.services, now)
        await seed(bot.services, now)
        current = await bot.services.reports.rollup("2026-11")
        previous = await bot.services.reports.rollup("2026-10")
        assert current is not None and previous is not None
        assert 30 <= current.district.reported <= 50 and 55 <= previous.district.reported <= 70
        assert previous.district.on_time < previous.district.reported
        count = await bot.services.db.fetch_value("SELECT COUNT(*) FROM chapter_reports")
        assert count == current.district.reported + previous.district.reported
