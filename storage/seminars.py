"""Seminars, invitees, RSVPs and feedback in SQLite; each change plans its tasks in the same transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import aiosqlite

from bot.core.seminars.models import (
    ANNOUNCE,
    Audience,
    Invitee,
    Rsvp,
    Seminar,
    SeminarStatus,
    offsets_from_seconds,
    offsets_to_seconds,
)
from bot.core.tasks import PlannedTask
from storage import audit
from storage.db import Store, from_db_time, to_db_time
from storage.outbox import Blobs
from storage.tasks import plan_in

_COLUMNS = (
    "id, topic, host, starts_at, ends_at, venue, agenda, status, created_by, audience, reminder_offsets, "
    "attachment_blob_id, version, nudges, last_nudged_at"
)
OFFSETS_KEY = "reminder_offsets"


def _seminar(row: sqlite3.Row) -> Seminar:
    starts, ends = from_db_time(row["starts_at"]), from_db_time(row["ends_at"])
    assert starts is not None and ends is not None
    return Seminar(
        id=row["id"],
        topic=row["topic"],
        host=row["host"],
        starts_at=starts,
        ends_at=ends,
        venue=row["venue"],
        agenda=row["agenda"],
        status=SeminarStatus(row["status"]),
        created_by=row["created_by"],
        audience=Audience.from_json(row["audience"], legacy="seminar"),
        offsets=offsets_from_seconds(json.loads(row["reminder_offsets"])),
        attachment_blob_id=row["attachment_blob_id"],
        version=row["version"],
        nudges=row["nudges"],
        last_nudged_at=from_db_time(row["last_nudged_at"]),
    )


def _invitee(row: sqlite3.Row) -> Invitee:
    return Invitee(
        row["seminar_id"],
        row["member_id"],
        row["full_name"],
        row["ward_id"],
        Rsvp(row["rsvp"]),
        from_db_time(row["responded_at"]),
        row["delegate_of"],
        row["delegated_to"],
    )


async def _plan_all(conn: aiosqlite.Connection, tasks: Sequence[PlannedTask], now: datetime) -> None:
    for task in tasks:
        await plan_in(conn, task.key, task.kind, task.due_at, task.payload, now=now)


async def _cancel_pending(conn: aiosqlite.Connection, prefix: str, *, keep_invitations: bool = False) -> None:
    """Drop pending tasks under a key prefix (invitations not yet sent may be kept: they show current
    details)."""
    sql = "UPDATE scheduled_tasks SET status = 'cancelled' WHERE status = 'pending' AND substr(key, 1, ?) = ?"
    params: list[object] = [len(prefix), prefix]
    if keep_invitations:
        sql += " AND kind != ?"
        params.append(ANNOUNCE)
    await conn.execute(sql, params)


_audit = audit.Trail("seminar").record
"""One audit row about a seminar, in the caller's transaction."""


class SqliteSeminars(Blobs, Store):
    """The seminar store used by `bot.core.seminars.service.SeminarService`."""

    async def create(
        self,
        seminar: Seminar,
        member_ids: Sequence[int],
        tasks_for: Callable[[Seminar], Sequence[PlannedTask]],
        *,
        now: datetime,
    ) -> int:
        """Insert the seminar and its invitees, and plan the tasks built for the saved seminar."""
        stamp = to_db_time(now)
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO seminars (topic, host, starts_at, ends_at, venue, agenda, status, created_by, "
                "created_at, audience, reminder_offsets, attachment_blob_id, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    seminar.topic,
                    seminar.host,
                    to_db_time(seminar.starts_at),
                    to_db_time(seminar.ends_at),
                    seminar.venue,
                    seminar.agenda,
                    seminar.status.value,
                    seminar.created_by,
                    stamp,
                    seminar.audience.to_json(),
                    json.dumps(offsets_to_seconds(seminar.offsets)),
                    seminar.attachment_blob_id,
                    stamp,
                ),
            )
            seminar_id = cur.lastrowid
            assert seminar_id is not None
            await conn.executemany(
                "INSERT INTO seminar_invitees (seminar_id, member_id, invited_at) VALUES (?, ?, ?)",
                [(seminar_id, member_id, stamp) for member_id in member_ids],
            )
            await _plan_all(conn, tasks_for(replace(seminar, id=seminar_id)), now)
            await _audit(
                conn,
                "create_seminar",
                seminar_id,
                actor_id=seminar.created_by,
                at=now,
                details={"invitees": len(member_ids), "starts_at": to_db_time(seminar.starts_at)},
            )
        return seminar_id

    async def get(self, seminar_id: int) -> Seminar | None:
        row = await self._db.fetch_one(f"SELECT {_COLUMNS} FROM seminars WHERE id = ?", (seminar_id,))
        return _seminar(row) if row else None

    async def upcoming(self, now: datetime) -> list[Seminar]:
        """Scheduled seminars that have not started, soonest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM seminars WHERE status = 'scheduled' AND starts_at > ? ORDER BY "
            "starts_at, id",
            (to_db_time(now),),
        )
        return [_seminar(r) for r in rows]

    async def open_seminars(self, ending_after: datetime) -> list[Seminar]:
        """Scheduled seminars not yet over by `ending_after` (their tasks decide what is still worth
        doing)."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM seminars WHERE status = 'scheduled' AND ends_at > ? ORDER BY id",
            (to_db_time(ending_after),),
        )
        return [_seminar(r) for r in rows]

    async def invitations(self, member_id: int, now: datetime) -> list[tuple[Seminar, Rsvp]]:
        """Upcoming seminars this member is invited to (and has not handed over), with their answer."""
        columns = ", ".join(f"s.{c.strip()}" for c in _COLUMNS.split(","))
        rows = await self._db.fetch_all(
            f"SELECT {columns}, i.rsvp AS answer FROM seminars s JOIN seminar_invitees i ON i.seminar_id = "
            "s.id WHERE i.member_id = ? AND i.rsvp != 'delegated' AND s.status = 'scheduled' AND s.starts_at "
            "> ? ORDER BY s.starts_at, s.id",
            (member_id, to_db_time(now)),
        )
        return [(_seminar(r), Rsvp(r["answer"])) for r in rows]

    async def invitees(self, seminar_id: int) -> list[Invitee]:
        """Invitees with their names and wards, by name."""
        rows = await self._db.fetch_all(
            "SELECT i.*, m.full_name, m.ward_id FROM seminar_invitees i JOIN members m ON m.id = i.member_id "
            "WHERE i.seminar_id = ? ORDER BY m.name_key, m.id",
            (seminar_id,),
        )
        return [_invitee(r) for r in rows]

    async def invitee(self, seminar_id: int, member_id: int) -> Invitee | None:
        row = await self._db.fetch_one(
            "SELECT i.*, m.full_name, m.ward_id FROM seminar_invitees i JOIN members m ON m.id = i.member_id "
            "WHERE i.seminar_id = ? AND i.member_id = ?",
            (seminar_id, member_id),
        )
        return _invitee(row) if row else None

    async def set_rsvp(self, seminar_id: int, member_id: int, rsvp: Rsvp, *, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE seminar_invitees SET rsvp = ?, responded_at = ?, delegated_to = NULL "
                "WHERE seminar_id = ? AND member_id = ?",
                (rsvp.value, to_db_time(now), seminar_id, member_id),
            )
            await _audit(conn, "rsvp", seminar_id, actor_id=member_id, at=now, details={"rsvp": rsvp.value})

    async def delegate(
        self, seminar_id: int, member_id: int, replacement_id: int, task: PlannedTask, *, now: datetime
    ) -> None:
        """The invitee hands over to the replacement, who becomes an invitee and gets an invitation."""
        stamp = to_db_time(now)
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE seminar_invitees SET rsvp = 'delegated', responded_at = ?, delegated_to = ? "
                "WHERE seminar_id = ? AND member_id = ?",
                (stamp, replacement_id, seminar_id, member_id),
            )
            await conn.execute(
                "INSERT INTO seminar_invitees (seminar_id, member_id, invited_at, delegate_of) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (seminar_id, member_id) DO UPDATE SET rsvp = 'pending', "
                "responded_at = NULL, delegated_to = NULL, delegate_of = excluded.delegate_of, invited_at = "
                "excluded.invited_at",
                (seminar_id, replacement_id, stamp, member_id),
            )
            await _plan_all(conn, [task], now)
            await _audit(
                conn,
                "delegate",
                seminar_id,
                actor_id=member_id,
                at=now,
                details={"replacement": replacement_id},
            )

    async def invite_more(
        self,
        seminar: Seminar,
        member_ids: Sequence[int],
        tasks: Sequence[PlannedTask],
        *,
        actor_id: int,
        now: datetime,
    ) -> None:
        """The widened audience, the new invitees (anyone already invited stays as is) and their
        invitations."""
        stamp = to_db_time(now)
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE seminars SET audience = ?, updated_at = ? WHERE id = ?",
                (seminar.audience.to_json(), stamp, seminar.id),
            )
            await conn.executemany(
                "INSERT INTO seminar_invitees (seminar_id, member_id, invited_at) VALUES (?, ?, ?) "
                "ON CONFLICT (seminar_id, member_id) DO NOTHING",
                [(seminar.id, member_id, stamp) for member_id in member_ids],
            )
            await _plan_all(conn, tasks, now)
            await _audit(
                conn,
                "invite_more_seminar",
                seminar.id,
                actor_id=actor_id,
                at=now,
                details={"invitees": len(member_ids)},
            )

    async def reschedule(
        self, seminar: Seminar, tasks: Sequence[PlannedTask], *, actor_id: int, now: datetime
    ) -> None:
        """New time and version; the old version's pending tasks are dropped, the new ones planned."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE seminars SET starts_at = ?, ends_at = ?, version = ?, updated_at = ? WHERE id = ?",
                (
                    to_db_time(seminar.starts_at),
                    to_db_time(seminar.ends_at),
                    seminar.version,
                    to_db_time(now),
                    seminar.id,
                ),
            )
            await _cancel_pending(conn, f"seminar:{seminar.id}:v", keep_invitations=True)
            await _plan_all(conn, tasks, now)
            await _audit(
                conn,
                "reschedule_seminar",
                seminar.id,
                actor_id=actor_id,
                at=now,
                details={"starts_at": to_db_time(seminar.starts_at)},
            )

    async def cancel(self, seminar: Seminar, task: PlannedTask, *, actor_id: int, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE seminars SET status = 'cancelled', updated_at = ? WHERE id = ?",
                (to_db_time(now), seminar.id),
            )
            await _cancel_pending(conn, seminar.task_prefix)
            await _plan_all(conn, [task], now)
            await _audit(conn, "cancel_seminar", seminar.id, actor_id=actor_id, at=now, details={})

    async def record_nudge(self, seminar: Seminar, task: PlannedTask, *, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE seminars SET nudges = ?, last_nudged_at = ?, updated_at = ? WHERE id = ?",
                (seminar.nudges, to_db_time(now), to_db_time(now), seminar.id),
            )
            await _plan_all(conn, [task], now)

    async def plan(self, tasks: Sequence[PlannedTask], *, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await _plan_all(conn, tasks, now)

    async def save_feedback(self, seminar_id: int, member_id: int, rating: int, *, now: datetime) -> bool:
        """Store (or change) a rating; False when it was already exactly this."""
        async with self._db.connection() as conn:
            cur = await conn.execute(
                "INSERT INTO seminar_feedback (seminar_id, member_id, rating, answered_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (seminar_id, member_id) DO UPDATE SET rating = "
                "excluded.rating, answered_at = excluded.answered_at WHERE seminar_feedback.rating != "
                "excluded.rating",
                (seminar_id, member_id, rating, to_db_time(now)),
            )
            return cur.rowcount == 1

    async def feedback(self, seminar_id: int) -> dict[int, int]:
        rows = await self._db.fetch_all(
            "SELECT member_id, rating FROM seminar_feedback WHERE seminar_id = ?", (seminar_id,)
        )
        return {r["member_id"]: r["rating"] for r in rows}

    async def rating_counts(self, seminar_id: int) -> dict[int, int]:
        """How many attendees gave each rating (1–5) to one seminar."""
        rows = await self._db.fetch_all(
            "SELECT rating, COUNT(*) AS n FROM seminar_feedback WHERE seminar_id = ? GROUP BY rating",
            (seminar_id,),
        )
        return {r["rating"]: r["n"] for r in rows}

    async def ended(self, *, ended_after: datetime, now: datetime, limit: int) -> list[Seminar]:
        """Scheduled seminars that ended after `ended_after` and by `now`, the latest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM seminars WHERE status = 'scheduled' AND ends_at > ? AND ends_at <= ? "
            "ORDER BY ends_at DESC, id DESC LIMIT ?",
            (to_db_time(ended_after), to_db_time(now), limit),
        )
        return [_seminar(r) for r in rows]

    async def default_offsets(self) -> tuple[timedelta, ...] | None:
        raw = await self._db.fetch_value("SELECT value FROM seminar_settings WHERE key = ?", (OFFSETS_KEY,))
        return offsets_from_seconds(json.loads(raw)) if raw else None

    async def set_default_offsets(
        self, offsets: tuple[timedelta, ...], *, actor_id: int, now: datetime
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO seminar_settings (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, "
                "updated_at = excluded.updated_at",
                (OFFSETS_KEY, json.dumps(offsets_to_seconds(offsets)), actor_id, to_db_time(now)),
            )
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                action="seminar_reminder_offsets",
                entity="seminar_settings",
                entity_id=OFFSETS_KEY,
                details={"offsets": offsets_to_seconds(offsets)},
            )
