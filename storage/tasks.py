"""Durable scheduled tasks: planned in the database, run once by the scheduler tick."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.core.tasks import Task
from storage.db import Database, changed, db_time, from_db_time, to_db_time

__all__ = ["SqliteTasks", "Task", "mark_done_in", "plan_in"]

MAX_ATTEMPTS = 5


class SqliteTasks:
    """Plan, re-plan, cancel and claim tasks; a task's key is its identity (idempotent planning)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def plan(
        self, key: str, kind: str, due_at: datetime, payload: dict[str, Any] | None = None, *, now: datetime
    ) -> None:
        """Create or move a pending task; a task already done stays done."""
        async with self._db.connection() as conn:
            await plan_in(conn, key, kind, due_at, payload, now=now)

    async def cancel_prefix(self, prefix: str) -> int:
        """Cancel every pending task whose key starts with prefix."""
        async with self._db.connection() as conn:
            cur = await conn.execute(
                "UPDATE scheduled_tasks SET status = 'cancelled' WHERE status = 'pending' AND substr(key, 1, "
                "?) = ?",
                (len(prefix), prefix),
            )
            return cur.rowcount

    async def due(self, now: datetime, limit: int = 100) -> list[Task]:
        """Pending tasks due at or before now, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT key, kind, due_at, payload, attempts FROM scheduled_tasks "
            "WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, key LIMIT ?",
            (to_db_time(now), limit),
        )
        return [
            Task(r["key"], r["kind"], db_time(r["due_at"]), json.loads(r["payload"]), r["attempts"])
            for r in rows
        ]

    async def next_due(self) -> datetime | None:
        return from_db_time(
            await self._db.fetch_value("SELECT MIN(due_at) FROM scheduled_tasks WHERE status = 'pending'")
        )

    async def get(self, key: str) -> dict[str, Any] | None:
        row = await self._db.fetch_one("SELECT * FROM scheduled_tasks WHERE key = ?", (key,))
        return dict(row) if row else None

    async def pending(self, prefix: str = "") -> list[Task]:
        rows = await self._db.fetch_all(
            "SELECT key, kind, due_at, payload, attempts FROM scheduled_tasks WHERE status = 'pending' "
            "AND substr(key, 1, ?) = ? ORDER BY due_at, key",
            (len(prefix), prefix),
        )
        return [
            Task(r["key"], r["kind"], db_time(r["due_at"]), json.loads(r["payload"]), r["attempts"])
            for r in rows
        ]

    async def complete(self, key: str, *, now: datetime) -> bool:
        """Mark a pending task done; False if something else already finished or cancelled it."""
        async with self._db.connection() as conn:
            return await mark_done_in(conn, key, now=now)

    async def fail_attempt(self, key: str, error: str, *, retry_at: datetime) -> None:
        """Record a failed run; retry later, up to MAX_ATTEMPTS."""
        async with self._db.connection() as conn:
            await conn.execute(
                "UPDATE scheduled_tasks SET attempts = attempts + 1, last_error = ?, due_at = ?, "
                "status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE status END WHERE key = ?",
                (error[:500], to_db_time(retry_at), MAX_ATTEMPTS, key),
            )


async def plan_in(
    conn: aiosqlite.Connection,
    key: str,
    kind: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
    *,
    now: datetime,
) -> None:
    """Plan a task inside the caller's transaction."""
    await conn.execute(
        "INSERT INTO scheduled_tasks (key, kind, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload, kind = "
        "excluded.kind, status = CASE WHEN scheduled_tasks.status = 'done' THEN 'done' ELSE 'pending' END, "
        "attempts = 0",
        (key, kind, to_db_time(due_at), json.dumps(payload or {}, ensure_ascii=False), to_db_time(now)),
    )
    changed("tasks")


async def mark_done_in(conn: aiosqlite.Connection, key: str, *, now: datetime) -> bool:
    """Mark a pending task done inside the transaction that did its work; False if it was not pending."""
    cur = await conn.execute(
        "UPDATE scheduled_tasks SET status = 'done', done_at = ? WHERE key = ? AND status = 'pending'",
        (to_db_time(now), key),
    )
    return cur.rowcount == 1
