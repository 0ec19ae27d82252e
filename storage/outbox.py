"""The outbound message queue: one row per recipient, sent by the delivery worker."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from storage.db import Database, from_db_time, to_db_time

MAX_ATTEMPTS = 4


@dataclass(frozen=True)
class OutgoingMessage:
    """One message for one recipient; dedupe_key makes enqueueing idempotent."""

    dedupe_key: str
    member_id: int | None
    chat_id: str
    text: str
    kind: str = "text"
    markup: dict[str, Any] | None = None
    blob_id: int | None = None
    not_before: datetime | None = None


@dataclass(frozen=True)
class QueuedMessage:
    id: int
    batch: str
    member_id: int | None
    chat_id: str
    kind: str
    text: str
    markup: dict[str, Any] | None
    blob_id: int | None
    attempts: int


@dataclass(frozen=True)
class BatchProgress:
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.counts.get("queued", 0) + self.counts.get("sending", 0) == 0

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)


class SqliteOutbox:
    """Durable queue operations; the worker claims rows, sends, then records the outcome."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def enqueue(self, batch: str, messages: Iterable[OutgoingMessage], *, now: datetime) -> int:
        """Queue messages in one transaction; already-queued dedupe keys are skipped."""
        async with self._db.transaction() as conn:
            return await enqueue_in(conn, batch, messages, now=now)

    async def save_blob(self, filename: str, mime_type: str, data: bytes, *, now: datetime) -> int:
        async with self._db.connection() as conn:
            cur = await conn.execute(
                "INSERT INTO blobs (filename, mime_type, data, created_at) VALUES (?, ?, ?, ?)",
                (filename, mime_type, data, to_db_time(now)),
            )
            return cur.lastrowid

    async def blob(self, blob_id: int) -> tuple[str, str, bytes] | None:
        row = await self._db.fetch_one("SELECT filename, mime_type, data FROM blobs WHERE id = ?", (blob_id,))
        return (row["filename"], row["mime_type"], bytes(row["data"])) if row else None

    async def requeue_in_flight(self) -> int:
        """After a crash: rows that were being sent go back to the queue (at most these may duplicate)."""
        async with self._db.connection() as conn:
            cur = await conn.execute("UPDATE outbox SET status = 'queued' WHERE status = 'sending'")
            return cur.rowcount

    async def claim(self, now: datetime, limit: int) -> list[QueuedMessage]:
        """Mark up to `limit` ready rows as sending (committed) and return them, oldest first."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "SELECT id, batch, member_id, chat_id, kind, text, markup, blob_id, attempts FROM outbox "
                "WHERE status = 'queued' AND not_before <= ? ORDER BY not_before, id LIMIT ?",
                (to_db_time(now), limit),
            )
            rows = await cur.fetchall()
            if rows:
                ids = [r["id"] for r in rows]
                await conn.execute(
                    f"UPDATE outbox SET status = 'sending' WHERE id IN ({', '.join('?' * len(ids))})", ids
                )
        return [
            QueuedMessage(
                r["id"],
                r["batch"],
                r["member_id"],
                r["chat_id"],
                r["kind"],
                r["text"],
                json.loads(r["markup"]) if r["markup"] else None,
                r["blob_id"],
                r["attempts"],
            )
            for r in rows
        ]

    async def mark_sent(self, row_id: int, *, message_id: int | None, now: datetime) -> None:
        async with self._db.connection() as conn:
            await conn.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, error = NULL WHERE id = ?",
                (to_db_time(now), message_id, row_id),
            )

    async def mark_unreachable(self, row_id: int, error: str) -> None:
        async with self._db.connection() as conn:
            await conn.execute(
                "UPDATE outbox SET status = 'unreachable', error = ? WHERE id = ?", (error[:300], row_id)
            )

    async def retry_later(self, row_id: int, *, at: datetime, error: str, count_attempt: bool = True) -> str:
        """Put a row back in the queue for later, or fail it after MAX_ATTEMPTS; return its new status."""
        async with self._db.connection() as conn:
            cur = await conn.execute(
                "UPDATE outbox SET attempts = attempts + ?, error = ?, not_before = ?, "
                "status = CASE WHEN attempts + ? >= ? THEN 'failed' ELSE 'queued' END WHERE id = ? RETURNING "
                "status",
                (int(count_attempt), error[:300], to_db_time(at), int(count_attempt), MAX_ATTEMPTS, row_id),
            )
            row = await cur.fetchone()
            await cur.close()
            return row[0] if row else "failed"

    async def fail(self, row_id: int, error: str) -> None:
        """Give up on a row (the Bot API refused it for good)."""
        async with self._db.connection() as conn:
            await conn.execute(
                "UPDATE outbox SET status = 'failed', error = ? WHERE id = ?", (error[:300], row_id)
            )

    async def cancel_batch(self, batch: str) -> int:
        async with self._db.connection() as conn:
            cur = await conn.execute(
                "UPDATE outbox SET status = 'cancelled' WHERE batch = ? AND status = 'queued'", (batch,)
            )
            return cur.rowcount

    async def progress(self, batch: str) -> BatchProgress:
        rows = await self._db.fetch_all(
            "SELECT status, COUNT(*) AS n FROM outbox WHERE batch = ? GROUP BY status", (batch,)
        )
        counts = {r["status"]: r["n"] for r in rows}
        return BatchProgress(sum(counts.values()), counts)

    async def rows(self, batch: str, status: str | None = None) -> list[dict[str, Any]]:
        sql = (
            "SELECT id, member_id, chat_id, status, attempts, error, sent_at, message_id FROM outbox "
            "WHERE batch = ?"
        )
        params: list[object] = [batch]
        if status:
            sql += " AND status = ?"
            params.append(status)
        return [dict(r) for r in await self._db.fetch_all(sql + " ORDER BY id", params)]

    async def next_ready_at(self) -> datetime | None:
        return from_db_time(
            await self._db.fetch_value("SELECT MIN(not_before) FROM outbox WHERE status = 'queued'")
        )

    async def pending_count(self) -> int:
        return int(
            await self._db.fetch_value("SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')")
        )


async def enqueue_in(
    conn: aiosqlite.Connection, batch: str, messages: Iterable[OutgoingMessage], *, now: datetime
) -> int:
    """Queue messages inside the caller's transaction; returns how many were new."""
    added = 0
    for message in messages:
        cur = await conn.execute(
            "INSERT INTO outbox (batch, dedupe_key, member_id, chat_id, kind, text, markup, blob_id, "
            "not_before, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (dedupe_key) DO NOTHING",
            (
                batch,
                message.dedupe_key,
                message.member_id,
                message.chat_id,
                message.kind,
                message.text,
                json.dumps(message.markup, ensure_ascii=False) if message.markup else None,
                message.blob_id,
                to_db_time(message.not_before or now),
                to_db_time(now),
            ),
        )
        added += cur.rowcount
    return added
