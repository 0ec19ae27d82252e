"""The inbox: updates a channel's webhook accepted, kept until one replica has handled them (migration 0014).

Each chat's updates are handled one at a time in the order they were recorded: only the oldest unfinished
row of a chat can be claimed, so the next one waits until it is done and answered, or parked. A claim holds a
lease; a replica that dies leaves its rows to be claimed again once the lease has run out, and `done` (run
inside the turn's own transaction) refuses a row that another replica has taken over meanwhile. A done row
keeps its lease while the turn's answers go out (`answered` ends it), so a chat's answers arrive in order
whichever replicas handle its updates; if the replica dies meanwhile, the chat goes on once the lease ran out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Database, changed, from_db_time, to_db_time

TOPIC = "inbox"


class ClaimLost(RuntimeError):
    """The row is no longer this replica's to finish (its lease ran out and another replica took it)."""


@dataclass(frozen=True)
class InboxRow:
    """A claimed update: what to handle, and how many times it has been claimed (this one included)."""

    id: int
    channel: str
    chat_key: str
    payload: str
    attempts: int


@dataclass(frozen=True)
class InboxState:
    pending: int
    processing: int
    parked: int
    oldest_pending_at: datetime | None


class SqliteInbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self, channel: str, update_key: str, chat_key: str, payload: str, *, now: datetime
    ) -> bool:
        """Keep an update until it is handled (committed when this returns); False when it was recorded
        before (a delivery again). Wakes the replicas' processors."""
        stamp = to_db_time(now)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO inbox (channel, update_key, chat_key, payload, received_at, not_before) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, update_key) DO NOTHING",
                (channel, update_key, chat_key, payload, stamp, stamp),
            )
            if cursor.rowcount != 1:
                return False
            await self._db.publish(conn, TOPIC)
            changed(TOPIC)
        return True

    async def claim(
        self,
        replica: str,
        channels: Sequence[str],
        *,
        limit: int,
        now: datetime,
        lease: timedelta,
    ) -> list[InboxRow]:
        """Up to `limit` updates for `replica` to handle, oldest first: each the oldest unfinished row of its
        chat, pending and due, or claimed by a replica whose lease has run out."""
        if limit <= 0 or not channels:
            return []
        stamp = to_db_time(now)
        names = ", ".join("?" for _ in channels)
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                self._db.skip_locked(
                    "SELECT i.id FROM inbox AS i "
                    f"WHERE i.channel IN ({names}) "
                    "AND ((i.status = 'pending' AND i.not_before <= ?) "
                    "OR (i.status = 'processing' AND i.lease_until < ?)) "
                    "AND NOT EXISTS (SELECT 1 FROM inbox AS e WHERE e.channel = i.channel "
                    "AND e.chat_key = i.chat_key AND e.status IN ('pending', 'processing') AND e.id < i.id) "
                    "AND NOT EXISTS (SELECT 1 FROM inbox AS a WHERE a.channel = i.channel "
                    "AND a.chat_key = i.chat_key AND a.status = 'done' AND a.lease_until IS NOT NULL "
                    "AND a.lease_until >= ? AND a.id < i.id) "
                    "ORDER BY i.id LIMIT ?"
                ),
                (*channels, stamp, stamp, stamp, limit),
            )
            ids = [int(r["id"]) for r in rows]
            if not ids:
                return []
            marks = ", ".join("?" for _ in ids)
            claimed = await conn.execute_fetchall(
                "UPDATE inbox SET status = 'processing', claimed_by = ?, lease_until = ?, "
                f"attempts = attempts + 1 WHERE id IN ({marks}) "
                "RETURNING id, channel, chat_key, payload, attempts",
                (replica, to_db_time(now + lease), *ids),
            )
        found = [
            InboxRow(int(r["id"]), r["channel"], r["chat_key"], r["payload"], int(r["attempts"]))
            for r in claimed
        ]
        return sorted(found, key=lambda row: row.id)

    async def renew(self, replica: str, row_ids: Sequence[int], *, now: datetime, lease: timedelta) -> int:
        """Extend the lease of rows this replica is still handling; how many it still holds."""
        if not row_ids:
            return 0
        marks = ", ".join("?" for _ in row_ids)
        rows = await self._db.atomic(
            "UPDATE inbox SET lease_until = ? WHERE claimed_by = ? AND lease_until IS NOT NULL "
            f"AND status IN ('processing', 'done') AND id IN ({marks}) RETURNING id",
            (to_db_time(now + lease), replica, *row_ids),
        )
        return len(rows)

    async def done(self, row_id: int, replica: str, *, now: datetime) -> None:
        """The update has been handled: in the caller's transaction (the turn's), so it commits with the
        turn's effects; its lease holds the chat's next update back until `answered`. `ClaimLost` when
        another replica has taken the row over."""
        async with self._db.connection() as conn:
            cursor = await conn.execute(
                "UPDATE inbox SET status = 'done', done_at = ?, last_error = NULL "
                "WHERE id = ? AND claimed_by = ? AND status = 'processing'",
                (to_db_time(now), row_id, replica),
            )
        if cursor.rowcount != 1:
            raise ClaimLost(f"inbox row {row_id} is no longer claimed by {replica}")

    async def answered(self, row_id: int, replica: str) -> None:
        """The turn's answers have gone out: the chat's next update may be claimed."""
        await self._db.atomic(
            "UPDATE inbox SET lease_until = NULL WHERE id = ? AND claimed_by = ? AND status = 'done' "
            "RETURNING id",
            (row_id, replica),
        )

    async def failed(
        self, row_id: int, replica: str, error: str, *, retry_at: datetime | None, now: datetime
    ) -> bool:
        """Handling failed: pending again from `retry_at`, or parked (`retry_at` None). False when the row
        was no longer this replica's."""
        async with self._db.connection() as conn:
            cursor = await conn.execute(
                "UPDATE inbox SET status = ?, claimed_by = NULL, lease_until = NULL, not_before = ?, "
                "last_error = ? WHERE id = ? AND claimed_by = ? AND status = 'processing'",
                (
                    "failed" if retry_at is None else "pending",
                    to_db_time(retry_at or now),
                    error[:2000],
                    row_id,
                    replica,
                ),
            )
        return cursor.rowcount == 1

    async def release(self, replica: str) -> int:
        """Rows this replica claimed but did not finish (it is stopping) go back to the queue, the try not
        counted."""
        async with self._db.connection() as conn:
            cursor = await conn.execute(
                "UPDATE inbox SET status = 'pending', claimed_by = NULL, lease_until = NULL, "
                "attempts = attempts - 1 WHERE claimed_by = ? AND status = 'processing'",
                (replica,),
            )
        return int(cursor.rowcount)

    async def prune(self, *, before: datetime) -> int:
        """Forget updates handled before `before` (platforms deliver again within hours, not days)."""
        async with self._db.connection() as conn:
            cursor = await conn.execute(
                "DELETE FROM inbox WHERE status = 'done' AND done_at < ?", (to_db_time(before),)
            )
        return int(cursor.rowcount)

    async def state(self) -> InboxState:
        """How many updates wait, are being handled, were parked; since when the oldest one waits."""
        row = await self._db.fetch_one(
            "SELECT SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending, "
            "SUM(CASE WHEN status = 'processing' THEN 1 ELSE 0 END) AS processing, "
            "SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS parked, "
            "MIN(CASE WHEN status IN ('pending', 'processing') THEN received_at END) AS oldest "
            "FROM inbox WHERE status <> 'done'"
        )
        assert row is not None
        return InboxState(
            int(row["pending"] or 0),
            int(row["processing"] or 0),
            int(row["parked"] or 0),
            from_db_time(row["oldest"]),
        )
