"""How the database and its queues are doing: for `python -m bot doctor` and the health endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Database, from_db_time, to_db_time
from storage.migrate import available_migrations, current_version


@dataclass(frozen=True)
class QueueState:
    pending: int
    oldest_unsent_at: datetime | None
    failed_last_day: int
    unreachable_last_day: int


@dataclass(frozen=True)
class TaskState:
    pending: int
    overdue: int
    next_due_at: datetime | None
    failed: int


@dataclass(frozen=True)
class SchemaState:
    version: int
    latest: int
    integrity: str


async def queue_state(db: Database, now: datetime) -> QueueState:
    """The outbox: what waits to be sent, since when it was due, and what failed in the last day."""
    row = await db.fetch_one(
        "SELECT COUNT(*) AS pending, MIN(CASE WHEN not_before <= ? THEN not_before END) AS oldest "
        "FROM outbox "
        "WHERE status IN ('queued', 'sending')",
        (to_db_time(now),),
    )
    day_ago = to_db_time(now - timedelta(days=1))
    failed = await db.fetch_value(
        "SELECT COUNT(*) FROM outbox WHERE status = 'failed' AND created_at >= ?", (day_ago,)
    )
    unreachable = await db.fetch_value(
        "SELECT COUNT(*) FROM outbox WHERE status = 'unreachable' AND created_at >= ?", (day_ago,)
    )
    assert row is not None
    return QueueState(int(row["pending"]), from_db_time(row["oldest"]), int(failed), int(unreachable))


async def task_state(db: Database, now: datetime, *, grace: timedelta = timedelta(minutes=10)) -> TaskState:
    """Scheduled tasks: pending, overdue (due longer than `grace` ago and not run), the next one, and those
    that gave up."""
    row = await db.fetch_one(
        "SELECT COUNT(*) AS pending, SUM(CASE WHEN due_at <= ? THEN 1 ELSE 0 END) AS overdue, "
        "MIN(due_at) AS next_due FROM scheduled_tasks WHERE status = 'pending'",
        (to_db_time(now - grace),),
    )
    failed = await db.fetch_value("SELECT COUNT(*) FROM scheduled_tasks WHERE status = 'failed'")
    assert row is not None
    return TaskState(
        int(row["pending"]), int(row["overdue"] or 0), from_db_time(row["next_due"]), int(failed)
    )


async def schema_state(db: Database) -> SchemaState:
    """The schema version against the code's, and SQLite's integrity check."""
    migrations = available_migrations()
    integrity = await db.integrity_check()
    return SchemaState(await current_version(db), migrations[-1].version if migrations else 0, integrity)
