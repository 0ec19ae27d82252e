"""Moving a deployment from SQLite to PostgreSQL: `python -m bot migrate-db --to postgresql://…` copies every
table, the audit trail included, checks each table's count and checksum, and never writes into a database
that already holds data."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.core.attendance import TrainingDraft
from bot.core.org import parse_org_csv
from storage.attendance import SqliteAttendance
from storage.db import Database
from storage.members import SqliteMembers
from storage.org import SqliteOrg
from storage.outbox import save_blob_in
from storage.tasks import SqliteTasks
from storage.transfer import checksum
from tests.harness import SAMPLE_ORG
from tests.postgres import fresh_schema, server_url

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


async def a_district(path: Path) -> dict[str, int]:
    """A SQLite database in use: the sample organisation, visitors, a full session with a waiting list,
    a stored file and a planned reminder; returns each table's row count."""
    db = await Database.open(path)
    try:
        await SqliteOrg(db).import_rows(parse_org_csv(SAMPLE_ORG.read_bytes()).rows, now=NOW)
        members = SqliteMembers(db)
        people = [
            await members.create_visitor(
                channel="telegram" if i % 2 else "zalo",
                external_id=str(9_000_000_000 + i),
                chat_id=str(9_000_000_000 + i),
                display_name=f"Cô Lan {i} — Phường 5",
                username=None,
                now=NOW,
            )
            for i in range(6)
        ]
        attendance = SqliteAttendance(db)
        draft = TrainingDraft(
            "Tập huấn", NOW + timedelta(days=2), NOW + timedelta(days=2, hours=2), "UBND", capacity=2
        )
        training = await attendance.create_training(draft, created_by=people[0].id, now=NOW)
        for person in people:
            await attendance.register(training.id, person.id, now=NOW)
        async with db.transaction() as conn:
            await save_blob_in(conn, "báo cáo.xlsx", "application/octet-stream", bytes(range(256)), now=NOW)
        await SqliteTasks(db).plan("remind:1", "remind", NOW + timedelta(days=1), {"note": "50%"}, now=NOW)
        tables = [r[0] for r in await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: int(await db.fetch_value(f"SELECT COUNT(*) FROM {t}")) for t in tables}
    finally:
        await db.close()


async def migrate_db(source: Path, url: str) -> int:
    """The command line, as an operator types it."""
    return await asyncio.to_thread(main, ["migrate-db", "--database", str(source), "--to", url])


async def test_every_table_is_copied_with_its_audit_trail_and_the_copy_serves_the_bot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bot.db"
    counts = await a_district(source)
    assert counts["audit_log"] > 0 and counts["training_registrations"] == 6
    async with fresh_schema(server_url()) as url:
        assert await migrate_db(source, url) == 0
        report = capsys.readouterr().out
        assert "counts and checksums match" in report
        assert [line.split()[:2] for line in report.splitlines() if line.startswith("audit_log ")] == [
            ["audit_log", str(counts["audit_log"])]
        ]

        sqlite, postgres = await Database.open(source), await Database.open(url)
        try:
            for table, count in counts.items():
                assert await postgres.fetch_value(f"SELECT COUNT(*) FROM {table}") == count, table
            for table in ("members", "audit_log", "blobs", "scheduled_tasks"):
                rows = await postgres.fetch_all(f"SELECT * FROM {table}")  # PostgreSQL's own rowid aside:
                copied = [[v for k, v in zip(r.keys(), r, strict=True) if k != "rowid"] for r in rows]
                assert checksum(copied) == checksum(await sqlite.fetch_all(f"SELECT * FROM {table}")), table
            # seats and waiting list in the same order: registration order (rowid) came along
            assert await SqliteAttendance(postgres).roster(1) == await SqliteAttendance(sqlite).roster(1)
            newcomer = await SqliteMembers(postgres).create_visitor(
                channel="telegram",
                external_id="1",
                chat_id="1",
                display_name="Anh Minh",
                username=None,
                now=NOW,
            )
            assert newcomer.id == counts["members"] + 1
        finally:
            await sqlite.close()
            await postgres.close()


async def test_a_target_that_already_holds_data_is_refused_and_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bot.db"
    await a_district(source)
    async with fresh_schema(server_url()) as url:
        assert await migrate_db(source, url) == 0
        target = await Database.open(url)
        try:
            async with target.transaction() as conn:
                await conn.execute("DELETE FROM scheduled_tasks")
            before = int(await target.fetch_value("SELECT COUNT(*) FROM members"))
        finally:
            await target.close()
        capsys.readouterr()
        assert await migrate_db(source, url) == 1
        assert "Nothing copied: the target is not empty" in capsys.readouterr().err
        target = await Database.open(url)
        try:
            assert await target.fetch_value("SELECT COUNT(*) FROM members") == before
            assert await target.fetch_value("SELECT COUNT(*) FROM scheduled_tasks") == 0
        finally:
            await target.close()


def test_the_target_must_be_a_postgresql_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate-db", "--database", str(tmp_path / "bot.db"), "--to", str(tmp_path / "x.db")]) == 2
    assert "postgresql://" in capsys.readouterr().err
