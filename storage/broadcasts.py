"""Broadcasts, their audiences and acknowledgements in SQLite; deliveries are outbox rows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from bot.conversation.replies import Attachment, Choices, Reply
from bot.core.broadcasts.service import (
    Audience,
    AudienceKind,
    Broadcast,
    BroadcastStatus,
    Content,
    Delivery,
    DeliveryLine,
    FollowUp,
    batch_name,
    tasks_prefix,
)
from bot.core.notices import OutgoingMessage
from bot.core.tasks import PlannedTask
from storage import audit
from storage.db import Store, db_time, from_db_time, to_db_time
from storage.members import full_names
from storage.outbox import Blobs, enqueue_in
from storage.tasks import plan_in

_COLUMNS = (
    "id, created_by, text, kind, blob_id, audience, root_id, status, scheduled_at, sent_at, finished_at, "
    "recipients, skipped, report_chat_id, report_message_id, created_at"
)
_EVENTS = {
    AudienceKind.SEMINAR: (
        "SELECT id, topic AS title, starts_at FROM seminars "
        "WHERE status = 'scheduled' AND starts_at >= ? ORDER BY starts_at LIMIT ?"
    ),
    AudienceKind.TRAINING: (
        "SELECT id, title, starts_at FROM trainings WHERE status = 'scheduled' "
        "AND seminar_id IS NULL AND starts_at >= ? ORDER BY starts_at LIMIT ?"
    ),
}


def _broadcast(row: sqlite3.Row) -> Broadcast:
    return Broadcast(
        id=row["id"],
        created_by=row["created_by"],
        content=Content(row["text"], row["kind"], row["blob_id"]),
        audience=Audience.from_json(row["audience"], legacy="broadcast"),
        status=BroadcastStatus(row["status"]),
        created_at=db_time(row["created_at"]),
        root_id=row["root_id"],
        scheduled_at=from_db_time(row["scheduled_at"]),
        sent_at=from_db_time(row["sent_at"]),
        finished_at=from_db_time(row["finished_at"]),
        recipients=row["recipients"],
        skipped=tuple(json.loads(row["skipped"] or "[]")),
        report_chat_id=row["report_chat_id"],
        report_message_id=None if row["report_message_id"] is None else str(row["report_message_id"]),
    )


class SqliteBroadcasts(Blobs, Store):
    """Storage of broadcasts, their audiences and acknowledgements."""

    async def create(
        self, broadcast: Broadcast, *, task: Callable[[int], PlannedTask] | None = None
    ) -> Broadcast:
        """Record a new broadcast (its `id` unused, `created_at` now), audited, and plan `task(id)`, in one
        transaction."""
        now, content = broadcast.created_at, broadcast.content
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO broadcasts (created_by, text, kind, blob_id, audience, root_id, status, "
                "scheduled_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    broadcast.created_by,
                    content.text,
                    content.kind,
                    content.blob_id,
                    broadcast.audience.to_json(),
                    broadcast.root_id,
                    broadcast.status.value,
                    to_db_time(broadcast.scheduled_at) if broadcast.scheduled_at else None,
                    to_db_time(now),
                ),
            )
            broadcast_id = cur.lastrowid
            assert broadcast_id is not None
            await audit.record(
                conn,
                at=now,
                actor_id=broadcast.created_by,
                action="create_broadcast",
                entity="broadcast",
                entity_id=broadcast_id,
                details={"audience": broadcast.audience.to_json(), "status": broadcast.status.value},
            )
            if task is not None:
                planned = task(broadcast_id)
                await plan_in(conn, planned.key, planned.kind, planned.due_at, planned.payload, now=now)
        found = await self.get(broadcast_id)
        assert found is not None
        return found

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self._db.fetch_one(f"SELECT {_COLUMNS} FROM broadcasts WHERE id = ?", (broadcast_id,))
        return _broadcast(row) if row else None

    async def count_history(self, *, statuses: tuple[BroadcastStatus, ...], created_by: int | None) -> int:
        """How many broadcasts `history` pages through."""
        where, params = _history_filter(statuses, created_by)
        return int(await self._db.fetch_value(f"SELECT COUNT(*) FROM broadcasts WHERE {where}", params))

    async def history(
        self, *, statuses: tuple[BroadcastStatus, ...], created_by: int | None, offset: int, limit: int
    ) -> list[Broadcast]:
        """One page in bot.core.broadcasts.history.history_order: scheduled first (soonest on top), then
        newest."""
        where, params = _history_filter(statuses, created_by)
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM broadcasts WHERE {where} "
            "ORDER BY status != 'scheduled', CASE WHEN status = 'scheduled' THEN scheduled_at END, "
            "COALESCE(sent_at, created_at) DESC, id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_broadcast(r) for r in rows]

    async def delivered_counts(self, broadcast_ids: list[int]) -> dict[int, int]:
        """Messages delivered so far, per broadcast."""
        if not broadcast_ids:
            return {}
        ids_by_batch = {batch_name(i): i for i in broadcast_ids}
        batches = list(ids_by_batch)
        rows = await self._db.fetch_all(
            f"SELECT batch, COUNT(*) AS sent FROM outbox WHERE batch IN ({', '.join('?' * len(batches))}) "
            "AND status = 'sent' GROUP BY batch",
            batches,
        )
        return {ids_by_batch[r["batch"]]: r["sent"] for r in rows}

    async def sender_names(self, member_ids: list[int]) -> dict[int, str]:
        """The full name of each of these members (the senders shown in the list)."""
        return await full_names(self._db, member_ids)

    async def recent(
        self, *, statuses: tuple[BroadcastStatus, ...], created_by: int | None = None, limit: int = 10
    ) -> list[Broadcast]:
        """Newest first."""
        sql = f"SELECT {_COLUMNS} FROM broadcasts WHERE status IN ({', '.join('?' * len(statuses))})"
        params: list[object] = [s.value for s in statuses]
        if created_by is not None:
            sql += " AND created_by = ?"
            params.append(created_by)
        rows = await self._db.fetch_all(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
        return [_broadcast(r) for r in rows]

    async def events(self, kind: AudienceKind, *, since: datetime, limit: int = 10) -> list[tuple[int, str]]:
        """Scheduled seminars or trainings to choose an audience from, soonest first."""
        return [
            (r["id"], r["title"]) for r in await self._db.fetch_all(_EVENTS[kind], (to_db_time(since), limit))
        ]

    async def chapter_wards(self) -> dict[int, int]:
        return {r["id"]: r["ward_id"] for r in await self._db.fetch_all("SELECT id, ward_id FROM chapters")}

    async def start_sending(
        self, broadcast_id: int, deliveries: list[Delivery], skipped: list[int], *, now: datetime
    ) -> bool:
        """Queue every delivery (neutral replies, the attachment by blob id) and mark the broadcast sending,
        in one transaction; False if it already went."""
        batch = batch_name(broadcast_id)
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE broadcasts SET status = 'sending', sent_at = ?, recipients = ?, skipped = ? "
                "WHERE id = ? AND status IN ('draft', 'scheduled')",
                (to_db_time(now), len(deliveries) + len(skipped), json.dumps(skipped), broadcast_id),
            )
            if cur.rowcount != 1:
                return False
            attachments = await _attachments(conn, deliveries)
            await enqueue_in(
                conn,
                batch,
                (
                    OutgoingMessage(
                        f"{batch}:to:{d.member_id}",
                        d.member_id,
                        d.chat_id,
                        Reply(d.content.text, _choices(d.choices), attachments.get(d.content.blob_id)),
                        d.channel,
                    )
                    for d in deliveries
                ),
                now=now,
            )
        return True

    async def record_delivered(
        self, broadcast_id: int, deliveries: list[Delivery], *, sent_at: datetime, finished_at: datetime
    ) -> None:
        """A broadcast that already went out (sandbox demo data, imports): rows are recorded as sent."""
        batch = batch_name(broadcast_id)
        async with self._db.transaction() as conn:
            for d in deliveries:
                reply = Reply(d.content.text, _choices(d.choices))
                await conn.execute(
                    "INSERT INTO outbox (batch, dedupe_key, member_id, channel, chat_id, kind, text, "
                    "content, blob_id, status, not_before, sent_at, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'sent', ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
                    (
                        batch,
                        f"{batch}:to:{d.member_id}",
                        d.member_id,
                        d.channel,
                        d.chat_id,
                        d.content.kind,
                        d.content.text,
                        json.dumps(reply.to_json(), ensure_ascii=False),
                        d.content.blob_id,
                        to_db_time(sent_at),
                        to_db_time(sent_at),
                        to_db_time(sent_at),
                    ),
                )
            await conn.execute(
                "UPDATE broadcasts SET status = 'done', sent_at = ?, finished_at = ?, recipients = ? "
                "WHERE id = ?",
                (to_db_time(sent_at), to_db_time(finished_at), len(deliveries), broadcast_id),
            )

    async def cancel(self, broadcast_id: int, *, now: datetime, actor_id: int | None = None) -> bool:
        """Cancel a broadcast that has not gone yet, with its pending send task (audited); False if it already
        went or was cancelled."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE broadcasts SET status = 'cancelled' "
                "WHERE id = ? AND status IN ('draft', 'scheduled')",
                (broadcast_id,),
            )
            if cur.rowcount != 1:
                return False
            prefix = tasks_prefix(broadcast_id)
            await conn.execute(
                "UPDATE scheduled_tasks SET status = 'cancelled' "
                "WHERE status = 'pending' AND substr(key, 1, ?) = ?",
                (len(prefix), prefix),
            )
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                action="cancel_broadcast",
                entity="broadcast",
                entity_id=broadcast_id,
            )
            return True

    async def finish(self, broadcast_id: int, *, now: datetime, follow_ups: Sequence[FollowUp] = ()) -> bool:
        """Mark a broadcast done and queue the messages that causes, in one transaction; False if it was not
        sending (already finished)."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE broadcasts SET status = 'done', finished_at = ? WHERE id = ? AND status = 'sending'",
                (to_db_time(now), broadcast_id),
            )
            if cur.rowcount != 1:
                return False
            for batch, messages in follow_ups:
                await enqueue_in(conn, batch, messages, now=now)
            return True

    async def set_report_message(self, broadcast_id: int, chat_id: str, message_id: str) -> None:
        async with self._db.connection() as conn:
            await conn.execute(
                "UPDATE broadcasts SET report_chat_id = ?, report_message_id = ? WHERE id = ?",
                (chat_id, message_id, broadcast_id),
            )

    async def batch_progress(self, broadcast_id: int) -> tuple[int, int]:
        """(messages queued for the broadcast, how many of them still wait for an outcome)."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS total, COALESCE(SUM(status IN ('queued', 'sending')), 0) AS waiting "
            "FROM outbox WHERE batch = ?",
            (batch_name(broadcast_id),),
        )
        return (int(row["total"]), int(row["waiting"])) if row else (0, 0)

    async def ack(self, broadcast: Broadcast, member_id: int, *, now: datetime) -> bool:
        """Record an acknowledgement for the broadcast and its original; True if it is new."""
        async with self._db.transaction() as conn:
            added = 0
            for target in {broadcast.id, broadcast.root}:
                cur = await conn.execute(
                    "INSERT INTO broadcast_acks (broadcast_id, member_id, acked_at) "
                    "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (target, member_id, to_db_time(now)),
                )
                added += cur.rowcount
            return added > 0

    async def was_recipient(self, broadcast_id: int, member_id: int) -> bool:
        return bool(
            await self._db.fetch_value(
                "SELECT COUNT(*) FROM outbox WHERE batch = ? AND member_id = ?",
                (batch_name(broadcast_id), member_id),
            )
        )

    async def acks(self, broadcast_id: int) -> list[tuple[int, str, datetime]]:
        rows = await self._db.fetch_all(
            "SELECT k.member_id, m.full_name, k.acked_at FROM broadcast_acks k JOIN members m ON m.id = "
            "k.member_id WHERE k.broadcast_id = ? ORDER BY k.acked_at, m.name_key",
            (broadcast_id,),
        )
        return [(r["member_id"], r["full_name"], db_time(r["acked_at"])) for r in rows]

    async def ack_count(self, broadcast_id: int) -> int:
        return int(
            await self._db.fetch_value(
                "SELECT COUNT(*) FROM broadcast_acks WHERE broadcast_id = ?", (broadcast_id,)
            )
        )

    async def recipients_of(self, broadcast_id: int) -> list[tuple[int, str]]:
        """Members a broadcast was queued for (not those skipped as blocked), by name."""
        rows = await self._db.fetch_all(
            "SELECT m.id, m.full_name FROM outbox o JOIN members m ON m.id = o.member_id "
            "WHERE o.batch = ? ORDER BY m.name_key, m.id",
            (batch_name(broadcast_id),),
        )
        return [(r["id"], r["full_name"]) for r in rows]

    async def delivery_lines(self, broadcast_id: int) -> list[DeliveryLine]:
        """One line per outbox row of the broadcast, with the member's name, phone and ward."""
        rows = await self._db.fetch_all(
            "SELECT o.member_id, m.full_name, m.phone, m.ward_id, w.name AS ward, o.status, o.error FROM "
            "outbox o JOIN members m ON m.id = o.member_id LEFT JOIN wards w ON w.id = m.ward_id "
            "WHERE o.batch = ? ORDER BY m.name_key, m.id",
            (batch_name(broadcast_id),),
        )
        return [
            DeliveryLine(
                r["member_id"], r["full_name"], r["phone"], r["ward"], r["status"], r["error"], r["ward_id"]
            )
            for r in rows
        ]

    async def member_lines(self, member_ids: list[int], status: str) -> list[DeliveryLine]:
        """Lines for members who got no row (skipped because they had blocked the bot)."""
        if not member_ids:
            return []
        rows = await self._db.fetch_all(
            "SELECT m.id, m.full_name, m.phone, m.ward_id, w.name AS ward FROM members m "
            "LEFT JOIN wards w ON w.id = m.ward_id "
            f"WHERE m.id IN ({', '.join('?' * len(member_ids))}) ORDER BY m.name_key, m.id",
            member_ids,
        )
        return [
            DeliveryLine(r["id"], r["full_name"], r["phone"], r["ward"], status, None, r["ward_id"])
            for r in rows
        ]


def _history_filter(
    statuses: tuple[BroadcastStatus, ...], created_by: int | None
) -> tuple[str, list[object]]:
    where = f"status IN ({', '.join('?' * len(statuses))})"
    params: list[object] = [s.value for s in statuses]
    if created_by is not None:
        where += " AND created_by = ?"
        params.append(created_by)
    return where, params


async def _attachments(
    conn: aiosqlite.Connection, deliveries: list[Delivery]
) -> dict[int | None, Attachment]:
    """The stored attachment each delivery's content refers to, by blob id (the file is not loaded)."""
    found: dict[int | None, Attachment] = {}
    for content in {d.content for d in deliveries}:
        if content.blob_id is None or content.blob_id in found:
            continue
        cur = await conn.execute("SELECT filename, mime_type FROM blobs WHERE id = ?", (content.blob_id,))
        row = await cur.fetchone()
        await cur.close()
        filename, mime_type = (row["filename"], row["mime_type"]) if row else ("", "")
        found[content.blob_id] = Attachment(
            filename, mime_type, image=content.kind == "photo", blob_id=content.blob_id
        )
    return found


def _choices(choices: Choices | dict[str, Any] | None) -> Choices:
    """A delivery's choices; a Telegram inline keyboard (the sandbox demo's, from before the neutral
    outbox) is read the way stored rows of that time are."""
    if isinstance(choices, dict):
        return Reply.from_json({"choices": choices.get("inline_keyboard", [])}).choices
    return choices or ()
