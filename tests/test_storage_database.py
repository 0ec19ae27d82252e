"""The database: WAL, foreign keys, numbered migrations, audit, online backup."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import audit
from storage.db import Database, from_db_time, to_db_time
from storage.migrate import (
    UnsupportedDatabaseVersion,
    apply_migrations,
    available_migrations,
    current_version,
)
from tests.migrated import migrated_copy

NOW = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # SQLite's own PRAGMAs, backup, planner
async def test_the_database_runs_in_wal_mode_with_foreign_keys_on(db: Database) -> None:
    assert await db.fetch_value("PRAGMA journal_mode") == "wal"
    assert await db.fetch_value("PRAGMA foreign_keys") == 1
    assert await db.fetch_value("PRAGMA synchronous") == 1  # NORMAL


async def test_a_chapter_of_a_ward_that_does_not_exist_is_refused(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO chapters (ward_id, name, name_key, created_at) VALUES (999, 'X', 'x', ?)",
                (to_db_time(NOW),),
            )


async def test_migrations_apply_in_order_and_rerunning_them_changes_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "m.db", migrate=False)
    try:
        assert await current_version(db) == 0
        first = await apply_migrations(db, target=1)
        assert first == [available_migrations()[0].name]
        rest = await apply_migrations(db)
        assert await current_version(db) == len(available_migrations())
        assert len(first) + len(rest) == len(available_migrations())
        assert await apply_migrations(db) == []
    finally:
        await db.close()


async def test_a_database_from_a_newer_bot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    db = await Database.open(path)
    async with db.connection() as conn:
        await conn.execute(f"PRAGMA user_version = {len(available_migrations()) + 1}")
    await db.close()
    with pytest.raises(UnsupportedDatabaseVersion, match="newer than this bot knows"):
        await Database.open(path)


async def test_a_failed_transaction_leaves_nothing_behind(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO wards (name, name_key, created_at) VALUES ('Phường 1', 'phuong 1', ?)",
                (to_db_time(NOW),),
            )
            raise RuntimeError("disk trouble")
    assert await db.fetch_value("SELECT COUNT(*) FROM wards") == 0


async def test_changes_are_audited_with_old_and_new_values(db: Database) -> None:
    async with db.transaction() as conn:
        await audit.record(
            conn,
            at=NOW,
            actor_id=None,
            action="rename",
            entity="chapter",
            entity_id=7,
            details={"name": {"old": "Khu phố 1", "new": "Khu phố 1A"}},
        )
    rows = await audit.history(db, "chapter", 7)
    assert rows == [
        {
            "at": "2026-11-27T01:30:00+00:00",
            "actor_id": None,
            "action": "rename",
            "details": {"name": {"old": "Khu phố 1", "new": "Khu phố 1A"}},
        }
    ]


def test_times_are_stored_in_utc_and_naive_times_are_refused() -> None:
    local = datetime.fromisoformat("2026-11-27T08:30:00+07:00")
    assert to_db_time(local) == "2026-11-27T01:30:00+00:00"
    assert from_db_time(to_db_time(local)) == local
    with pytest.raises(ValueError):
        to_db_time(datetime(2026, 11, 27, 8, 30))


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # SQLite's own PRAGMAs, backup, planner
async def test_backup_is_a_consistent_copy_while_writes_continue(db: Database, tmp_path: Path) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO wards (name, name_key, created_at) VALUES ('Phường 1', 'phuong 1', ?)",
            (to_db_time(NOW),),
        )
    await db.backup_to(tmp_path / "copy.db")
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO wards (name, name_key, created_at) VALUES ('Phường 2', 'phuong 2', ?)",
            (to_db_time(NOW),),
        )
    copy = await Database.open(tmp_path / "copy.db", migrate=False)
    try:
        assert await copy.fetch_value("PRAGMA integrity_check") == "ok"
        assert await copy.fetch_value("SELECT COUNT(*) FROM wards") == 1
        assert await current_version(copy) == len(available_migrations())
    finally:
        await copy.close()


@pytest.fixture
async def sqlite_file(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite file, open, that another process could also write to."""
    await migrated_copy(tmp_path / "bot.db")
    async with Database.opened(tmp_path / "bot.db") as db:
        yield db


def _another_process_may_write(db: Database) -> bool:
    """Whether another process trying to write now would get the database (False: it is locked)."""
    other = sqlite3.connect(db.path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        other.close()


WARD = "INSERT INTO wards (name, name_key, created_at) VALUES (?, ?, ?)"


async def test_a_turn_that_only_reads_leaves_the_database_free_and_one_that_writes_holds_it_to_commit(
    sqlite_file: Database,
) -> None:
    db = sqlite_file
    async with db.transaction(reads_first=True) as conn:
        await conn.execute_fetchall("SELECT COUNT(*) FROM wards")
        assert _another_process_may_write(db)
        await conn.execute(WARD, ("Phường 1", "phuong 1", to_db_time(NOW)))
        assert not _another_process_may_write(db)
    assert _another_process_may_write(db)
    assert await db.fetch_value("SELECT COUNT(*) FROM wards") == 1


async def test_a_turn_that_fails_after_writing_leaves_nothing_behind(sqlite_file: Database) -> None:
    db = sqlite_file
    with pytest.raises(RuntimeError):
        async with db.transaction(reads_first=True) as conn:
            await conn.execute_fetchall("SELECT COUNT(*) FROM wards")
            await conn.execute(WARD, ("Phường 1", "phuong 1", to_db_time(NOW)))
            async with db.connection() as same:
                await same.execute(WARD, ("Phường 2", "phuong 2", to_db_time(NOW)))
            raise RuntimeError("disk trouble")
    assert await db.fetch_value("SELECT COUNT(*) FROM wards") == 0


async def test_a_step_that_reads_then_writes_inside_a_turn_holds_the_database_from_its_first_read(
    sqlite_file: Database,
) -> None:
    db = sqlite_file
    async with db.transaction(reads_first=True):
        async with db.transaction() as conn:
            await conn.execute_fetchall("SELECT COUNT(*) FROM wards")
            assert not _another_process_may_write(db)
        assert not _another_process_may_write(db)
    assert _another_process_may_write(db)


async def test_any_other_transaction_holds_the_database_from_its_start(sqlite_file: Database) -> None:
    db = sqlite_file
    async with db.transaction() as conn:
        assert not _another_process_may_write(db)
        await conn.execute_fetchall("SELECT COUNT(*) FROM wards")
    assert _another_process_may_write(db)


async def test_a_turn_reads_what_is_committed_until_it_writes_and_then_its_own_writes_too(
    sqlite_file: Database,
) -> None:
    db = sqlite_file
    wards = "SELECT COUNT(*) FROM wards"
    async with db.transaction(reads_first=True) as conn:
        assert await db.fetch_value(wards) == 0
        other = sqlite3.connect(db.path)
        other.execute(WARD, ("Phường 1", "phuong 1", to_db_time(NOW)))
        other.commit()
        other.close()
        assert await db.fetch_value(wards) == 1
        await conn.execute(WARD, ("Phường 2", "phuong 2", to_db_time(NOW)))
        assert await db.fetch_value(wards) == 2
        assert [tuple(r) for r in await conn.execute_fetchall(wards)] == [(2,)]
    assert await db.fetch_value(wards) == 2
