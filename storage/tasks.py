"""Durable scheduled tasks: planned in the database, claimed and run once by a scheduler.

A scheduler claims due tasks with a lease (`claimed_by`, `lease_until`; the status stays 'pending'): a pending
task with a live lease is running, one whose lease ran out (its replica died) is due again. On a shared
database claims skip tasks another replica is claiming. Only the claim's holder completes or fails a task; a
task planned again while it runs (moved) loses its claim, so the run does not mark the moved task done.
Handlers are idempotent (dedupe keys), so a task run again after a lease ran out sends nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

import aiosqlite

from bot.core.tasks import Task
from storage.db import Database, changed, db_time, from_db_time, to_db_time
from storage.leases import Lease

__all__ = ["SqliteTasks", "Task", "mark_done_in", "plan_in"]

MAX_ATTEMPTS = 5


class SqliteTasks:
    """Plan, re-plan, cancel and claim tasks; a task's key is its identity (idempotent planning)."""

    def __init__(self, db: Database, lease: Lease | None = None) -> None:
        self._db = db
        self._lease = lease or Lease()

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

    async def claim(self, now: datetime, limit: int = 100) -> list[Task]:
        """Claim up to `limit` due tasks for this replica (committed), oldest first: pending ones due at or
        before now that no live lease holds."""
        select = self._db.skip_locked(
            "SELECT key FROM scheduled_tasks WHERE status = 'pending' AND due_at <= ?1 "
            "AND COALESCE(lease_until, '') <= ?1 ORDER BY due_at, key LIMIT ?4"
        )
        rows = await self._db.atomic(
            "UPDATE scheduled_tasks SET claimed_by = ?2, lease_until = ?3 "
            f"WHERE key IN ({select}) RETURNING key, kind, due_at, payload, attempts",
            (to_db_time(now), self._lease.holder, self._lease.until(now), limit),
        )
        rows.sort(key=lambda r: (r["due_at"], r["key"]))
        return [_task(r) for r in rows]

    async def renew(self, keys: Collection[str], *, now: datetime) -> list[str]:
        """Extend the lease of tasks this replica is still running; the keys it still holds."""
        if not keys:
            return []
        rows = await self._db.atomic(
            "UPDATE scheduled_tasks SET lease_until = ? WHERE status = 'pending' AND claimed_by = ? "
            f"AND key IN ({', '.join('?' * len(keys))}) RETURNING key",
            (self._lease.until(now), self._lease.holder, *keys),
        )
        return [str(r[0]) for r in rows]

    async def release_claims(self) -> int:
        """At start: tasks an earlier life of this process was running are due again at once. Embedded
        (SQLite) that is every claim; on a shared database only this replica's (others may be running)."""
        sql = (
            "UPDATE scheduled_tasks SET claimed_by = NULL, lease_until = NULL "
            "WHERE status = 'pending' AND lease_until IS NOT NULL"
        )
        if self._db.shared:
            return len(
                await self._db.atomic(sql + " AND claimed_by = ? RETURNING key", (self._lease.holder,))
            )
        return len(await self._db.atomic(sql + " RETURNING key"))

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
        return [_task(r) for r in rows]

    async def complete(self, key: str, *, now: datetime) -> bool:
        """Mark a task this replica claimed done; False if it no longer holds it (finished or cancelled
        elsewhere, planned again while it ran, or taken over after its lease ran out)."""
        rows = await self._db.atomic(
            "UPDATE scheduled_tasks SET status = 'done', done_at = ? "
            "WHERE key = ? AND status = 'pending' AND claimed_by = ? RETURNING key",
            (to_db_time(now), key, self._lease.holder),
        )
        return bool(rows)

    async def fail_attempt(self, key: str, error: str, *, retry_at: datetime) -> bool:
        """Record a failed run of a task this replica claimed: retry later, up to MAX_ATTEMPTS; False if it no
        longer holds the task."""
        rows = await self._db.atomic(
            "UPDATE scheduled_tasks SET attempts = attempts + 1, last_error = ?, due_at = ?, "
            "lease_until = NULL, status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE status END "
            "WHERE key = ? AND status = 'pending' AND claimed_by = ? RETURNING key",
            (error[:500], to_db_time(retry_at), MAX_ATTEMPTS, key, self._lease.holder),
        )
        return bool(rows)


async def plan_in(
    conn: aiosqlite.Connection,
    key: str,
    kind: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
    *,
    now: datetime,
) -> None:
    """Plan a task inside the caller's transaction. Planned again at another time, a task loses its claim: a
    run in progress does not mark the moved task done, and it runs at its new time."""
    await conn.execute(
        "INSERT INTO scheduled_tasks (key, kind, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload, kind = "
        "excluded.kind, status = CASE WHEN scheduled_tasks.status = 'done' THEN 'done' ELSE 'pending' END, "
        "attempts = 0, claimed_by = CASE WHEN scheduled_tasks.due_at = excluded.due_at "
        "THEN scheduled_tasks.claimed_by END, "
        "lease_until = CASE WHEN scheduled_tasks.due_at = excluded.due_at "
        "THEN scheduled_tasks.lease_until END",
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


def _task(row: Any) -> Task:
    return Task(row["key"], row["kind"], db_time(row["due_at"]), json.loads(row["payload"]), row["attempts"])
