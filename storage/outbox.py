"""The outbound message queue: one row per recipient and channel, sent by the delivery worker.

A row records the recipient's channel and chat there and the reply in neutral form (`Reply.to_json()`); the
channel's adapter renders it when it is sent. Attachments are stored once in `blobs` and shared by every row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import aiosqlite

from bot.conversation.replies import Attachment, Reply
from bot.core.notices import OutgoingMessage
from storage.db import Database, changed, from_db_time, to_db_time

MAX_ATTEMPTS = 4


@dataclass(frozen=True)
class QueuedMessage:
    id: int
    batch: str
    member_id: int | None
    channel: str
    chat_id: str
    reply: Reply
    attempts: int
    replaces: str | None = None
    """The dedupe key of the earlier message this one replaces (see `OutgoingMessage.replaces`)."""
    replaces_message_id: str | None = None
    """That message's id on the channel, once the delivery worker has found it was sent."""

    @property
    def blob_id(self) -> int | None:
        return self.reply.attachment.blob_id if self.reply.attachment else None


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
            return await save_blob_in(conn, filename, mime_type, data, now=now)

    async def blob(self, blob_id: int) -> tuple[str, str, bytes] | None:
        row = await self._db.fetch_one("SELECT filename, mime_type, data FROM blobs WHERE id = ?", (blob_id,))
        return (row["filename"], row["mime_type"], bytes(row["data"])) if row else None

    async def requeue_in_flight(self) -> int:
        """After a crash: rows that were being sent go back to the queue (at most these may duplicate)."""
        async with self._db.connection() as conn:
            cur = await conn.execute("UPDATE outbox SET status = 'queued' WHERE status = 'sending'")
            return cur.rowcount

    async def claim(self, now: datetime, limit: int, channels: Sequence[str]) -> list[QueuedMessage]:
        """Mark up to `limit` ready rows of these channels as sending (committed); oldest first."""
        if not channels:
            return []
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "SELECT id, batch, member_id, channel, chat_id, kind, text, content, blob_id, attempts, "
                "replaces FROM outbox "
                f"WHERE status = 'queued' AND not_before <= ? "
                f"AND channel IN ({', '.join('?' * len(channels))}) "
                "ORDER BY not_before, id LIMIT ?",
                (to_db_time(now), *channels, limit),
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
                r["channel"],
                r["chat_id"],
                _reply(r),
                r["attempts"],
                r["replaces"],
            )
            for r in rows
        ]

    async def mark_sent(self, row_id: int, *, message_id: int | str | None, now: datetime) -> None:
        async with self._db.connection() as conn:
            await conn.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, error = NULL WHERE id = ?",
                (to_db_time(now), message_id, row_id),
            )

    async def replaced(self, dedupe_key: str) -> tuple[str, str | None] | None:
        """(status, message id on its channel) of the message a replacement takes the place of; None if it
        was never queued. A message still queued is cancelled: its replacement makes it out of date."""
        async with self._db.connection() as conn:
            await conn.execute(
                "UPDATE outbox SET status = 'cancelled', error = 'replaced' "
                "WHERE dedupe_key = ? AND status = 'queued'",
                (dedupe_key,),
            )
            cur = await conn.execute(
                "SELECT status, message_id FROM outbox WHERE dedupe_key = ?", (dedupe_key,)
            )
            row = await cur.fetchone()
            await cur.close()
        if row is None:
            return None
        return row[0], None if row[1] is None else str(row[1])

    async def skip(self, row_id: int, reason: str) -> None:
        """Nothing to send for this row (the message it replaces never went)."""
        async with self._db.connection() as conn:
            await conn.execute(
                "UPDATE outbox SET status = 'cancelled', error = ? WHERE id = ?", (reason[:300], row_id)
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
                "status = CASE WHEN attempts + ? >= ? THEN 'failed' ELSE 'queued' END "
                "WHERE id = ? RETURNING status",
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

    async def next_ready_at(self, *, paced_only: bool = False) -> datetime | None:
        """When the next queued row falls due (`paced_only`: among rows held back only by a chat's pace)."""
        if paced_only:
            return from_db_time(
                await self._db.fetch_value(
                    "SELECT MIN(not_before) FROM outbox WHERE status = 'queued' AND error = 'paced'"
                )
            )
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
    """Queue messages inside the caller's transaction; returns how many were new.

    An attachment given with its data is stored once, however many messages carry it.
    """
    added = 0
    stored: dict[int, int] = {}
    for message in messages:
        reply = message.reply
        attachment = reply.attachment
        if attachment is not None and attachment.blob_id is None:
            if id(attachment) not in stored:
                stored[id(attachment)] = await save_blob_in(
                    conn, attachment.filename, attachment.mime_type, await attachment.content(), now=now
                )
            reply = replace(
                reply, attachment=replace(attachment, blob_id=stored[id(attachment)], data=b"", render=None)
            )
        cur = await conn.execute(
            "INSERT INTO outbox (batch, dedupe_key, member_id, channel, chat_id, kind, text, content, "
            "blob_id, not_before, created_at, replaces) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (dedupe_key) DO NOTHING",
            (
                batch,
                message.dedupe_key,
                message.member_id,
                message.channel,
                message.chat_id,
                message.kind,
                reply.text,
                json.dumps(reply.to_json(), ensure_ascii=False),
                reply.attachment.blob_id if reply.attachment else None,
                to_db_time(message.not_before or now),
                to_db_time(now),
                message.replaces,
            ),
        )
        added += cur.rowcount
    if added:
        changed("outbox")
    return added


async def save_blob_in(
    conn: aiosqlite.Connection, filename: str, mime_type: str, data: bytes, *, now: datetime
) -> int:
    """Store a file once (inside the caller's transaction); messages refer to it by id."""
    cur = await conn.execute(
        "INSERT INTO blobs (filename, mime_type, data, created_at) VALUES (?, ?, ?, ?)",
        (filename, mime_type, data, to_db_time(now)),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def attachment_of(blob_id: int, filename: str, mime_type: str, *, image: bool) -> Attachment:
    """An attachment already stored in `blobs`."""
    return Attachment(filename, mime_type, image=image, blob_id=blob_id)


def _reply(row: Any) -> Reply:
    """The neutral reply of a queued row."""
    content = json.loads(row["content"]) if row["content"] else {"text": row["text"]}
    reply = Reply.from_json(content)
    if reply.attachment is None and row["blob_id"] is not None:
        reply = replace(
            reply, attachment=Attachment("", "", image=row["kind"] == "photo", blob_id=row["blob_id"])
        )
    return reply
