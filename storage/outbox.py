"""The outbound message queue: one row per recipient and channel, sent by the delivery worker.

A row records the recipient's channel and chat there and the reply in neutral form (`Reply.to_json()`); the
channel's adapter renders it when it is sent. Attachments are stored once in `blobs` and shared by every row.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import aiosqlite

from bot.conversation.replies import Attachment, Reply
from bot.core.notices import OutgoingMessage
from storage.db import Database, changed, from_db_time, to_db_time
from storage.leases import Lease

MAX_ATTEMPTS = 4
_HELD = "status = 'sending' AND (claimed_by IS NULL OR claimed_by = ?)"
"""A row this replica holds (a row set 'sending' before claims had holders counts as anyone's)."""
_READY_SHARED = (
    "((o.status = 'queued' AND o.not_before <= ?1) "
    "OR (o.status = 'sending' AND COALESCE(o.lease_until, '') <= ?1))"
)
"""A row `o` ready to claim on a shared database: queued and due, or left 'sending' by a replica whose lease
ran out (?1: now)."""
_CHAT_BUSY = (
    "EXISTS (SELECT 1 FROM outbox p WHERE p.channel = o.channel AND p.chat_id = o.chat_id AND p.id <> o.id "
    "AND ((p.status = 'sending' AND p.lease_until > ?1) OR (p.id < o.id AND (p.status = 'sending' "
    "OR (p.status = 'queued' AND (p.not_before <= ?1 OR p.error IS NOT NULL))))))"
)
"""Row `o` must wait: a replica is sending another row of its chat, or an earlier row of the chat is still to
go (due, or tried and waiting to be tried again; a row planned for later does not hold the chat back)."""


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


class Blobs:
    """Files kept once in `blobs` (attachments, exports); messages refer to them by id."""

    _db: Database

    async def save_blob(self, filename: str, mime_type: str, data: bytes, *, now: datetime) -> int:
        async with self._db.connection() as conn:
            return await save_blob_in(conn, filename, mime_type, data, now=now)

    async def blob(self, blob_id: int) -> tuple[str, str, bytes] | None:
        """(file name, content type, bytes) of a stored file, or None."""
        row = await self._db.fetch_one("SELECT filename, mime_type, data FROM blobs WHERE id = ?", (blob_id,))
        return (row["filename"], row["mime_type"], bytes(row["data"])) if row else None

    async def blob_info(self, blob_id: int) -> tuple[str, str] | None:
        """(file name, content type) of a stored file, without reading its bytes; or None."""
        row = await self._db.fetch_one("SELECT filename, mime_type FROM blobs WHERE id = ?", (blob_id,))
        return (row["filename"], row["mime_type"]) if row else None


class SqliteOutbox(Blobs):
    """Durable queue operations; the worker claims rows, sends, then records the outcome.

    A claim marks rows 'sending' for this replica (`Lease`) until its lease runs out. On a shared database
    (PostgreSQL, several replicas) a replica claims queued rows and 'sending' rows whose lease ran out (their
    replica died), skipping rows another replica is claiming; and only a chat's earliest row while none of its
    rows is in flight, so a chat's messages go out one at a time, in the order they were queued, across
    replicas (a row waiting to be tried again holds its chat's later rows back).

    Outcomes: 'sent' is recorded whoever sends (the message went out); any other outcome only by the replica
    holding the claim, so a replica whose lease ran out cannot re-queue or fail a row another replica has
    taken over or sent. A message is never lost; at most the rows in flight when a replica died are sent
    twice (sent, but not yet recorded as sent).
    """

    def __init__(self, db: Database, lease: Lease | None = None) -> None:
        self._db = db
        self._lease = lease or Lease()

    async def enqueue(self, batch: str, messages: Iterable[OutgoingMessage], *, now: datetime) -> int:
        """Queue messages in one transaction; already-queued dedupe keys are skipped."""
        async with self._db.transaction() as conn:
            return await enqueue_in(conn, batch, messages, now=now)

    async def requeue_in_flight(self) -> int:
        """At start: rows an earlier life of this process was sending go back to the queue (at most these may
        duplicate). Embedded (SQLite) that is every 'sending' row; on a shared database only this replica's,
        as other replicas may be sending theirs (a dead replica's rows are claimed again once their lease
        runs out)."""
        sql = (
            "UPDATE outbox SET status = 'queued', claimed_by = NULL, lease_until = NULL "
            "WHERE status = 'sending'"
        )
        if self._db.shared:
            rows = await self._db.atomic(sql + " AND claimed_by = ? RETURNING id", (self._lease.holder,))
        else:
            rows = await self._db.atomic(sql + " RETURNING id")
        return len(rows)

    async def claim(self, now: datetime, limit: int, channels: Sequence[str]) -> list[QueuedMessage]:
        """Claim up to `limit` ready rows of these channels for this replica (committed); oldest first."""
        if not channels:
            return []
        marks = ", ".join(f"?{n}" for n in range(5, 5 + len(channels)))
        if self._db.shared:
            select = (
                f"SELECT o.id FROM outbox o WHERE o.channel IN ({marks}) AND {_READY_SHARED} "
                f"AND NOT {_CHAT_BUSY} ORDER BY o.not_before, o.id LIMIT ?4"
            )
        else:
            select = (
                "SELECT id FROM outbox WHERE status = 'queued' AND not_before <= ?1 "
                f"AND channel IN ({marks}) ORDER BY not_before, id LIMIT ?4"
            )
        rows = await self._db.atomic(
            "UPDATE outbox SET status = 'sending', claimed_by = ?2, lease_until = ?3 "
            f"WHERE id IN ({self._db.skip_locked(select)}) RETURNING id, batch, member_id, channel, chat_id, "
            "kind, text, content, blob_id, attempts, replaces, not_before",
            (to_db_time(now), self._lease.holder, self._lease.until(now), limit, *channels),
        )
        rows.sort(key=lambda r: (r["not_before"], r["id"]))
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

    async def renew(self, row_ids: Collection[int], *, now: datetime) -> list[int]:
        """Extend the lease of rows this replica still holds (it is still working on them); their ids."""
        if not row_ids:
            return []
        rows = await self._db.atomic(
            f"UPDATE outbox SET lease_until = ? WHERE {_HELD} "
            f"AND id IN ({', '.join('?' * len(row_ids))}) RETURNING id",
            (self._lease.until(now), self._lease.holder, *row_ids),
        )
        return [int(r[0]) for r in rows]

    async def mark_sent(self, row_id: int, *, message_id: int | str | None, now: datetime) -> None:
        """The message went out: recorded whoever holds the claim now (it must not be sent again)."""
        await self._db.atomic(
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

    async def skip(self, row_id: int, reason: str) -> bool:
        """Nothing to send for this row (the message it replaces never went); False: not this replica's."""
        return await self._finish(row_id, "cancelled", reason)

    async def mark_unreachable(self, row_id: int, error: str) -> bool:
        return await self._finish(row_id, "unreachable", error)

    async def fail(self, row_id: int, error: str) -> bool:
        """Give up on a row (the Bot API refused it for good)."""
        return await self._finish(row_id, "failed", error)

    async def _finish(self, row_id: int, status: str, error: str) -> bool:
        """Record an outcome other than 'sent' on a row this replica holds; False if it holds it no more."""
        rows = await self._db.atomic(
            f"UPDATE outbox SET status = ?, error = ? WHERE id = ? AND {_HELD} RETURNING id",
            (status, error[:300], row_id, self._lease.holder),
        )
        return bool(rows)

    async def retry_later(
        self, row_id: int, *, at: datetime, error: str, count_attempt: bool = True
    ) -> str | None:
        """Put a row this replica holds back in the queue for later, or fail it after MAX_ATTEMPTS; its new
        status, or None when this replica no longer holds it (another one took it over or sent it)."""
        rows = await self._db.atomic(
            "UPDATE outbox SET attempts = attempts + ?, error = ?, not_before = ?, "
            "status = CASE WHEN attempts + ? >= ? THEN 'failed' ELSE 'queued' END "
            f"WHERE id = ? AND {_HELD} RETURNING status",
            (
                int(count_attempt),
                error[:300],
                to_db_time(at),
                int(count_attempt),
                MAX_ATTEMPTS,
                row_id,
                self._lease.holder,
            ),
        )
        return str(rows[0][0]) if rows else None

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
