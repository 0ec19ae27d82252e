"""Training sessions, registrations, check-in codes and attendance in SQLite."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.core.attendance import (
    Attendance,
    CheckInMethod,
    Registration,
    RegistrationStatus,
    RosterRow,
    Training,
    TrainingDraft,
    TrainingStatus,
)
from bot.core.attendance.rules import demotions, place_for, promotions
from bot.core.audience import Audience
from bot.core.models import Role
from bot.core.text import natural_key
from storage import audit
from storage.db import Store, from_db_time, to_db_time

_TRAINING_COLUMNS = (
    "id, title, starts_at, ends_at, venue, description, capacity, audience, status, "
    "checkin_opens_minutes, late_after_minutes, version, created_by, seminar_id"
)
_UPDATABLE = ("title", "venue", "description", "capacity", "starts_at", "ends_at", "late_after_minutes")


_CHECK_IN = (
    "INSERT INTO training_attendance (training_id, member_id, checked_in_at, method, late, excused, "
    "recorded_by) VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (training_id, member_id) DO UPDATE SET "
    "checked_in_at = excluded.checked_in_at, method = excluded.method, late = excluded.late, excused = 0, "
    "recorded_by = excluded.recorded_by WHERE training_attendance.checked_in_at IS NULL RETURNING *"
)


def _training(row: sqlite3.Row) -> Training:
    starts, ends = from_db_time(row["starts_at"]), from_db_time(row["ends_at"])
    assert starts is not None and ends is not None
    return Training(
        row["id"],
        row["title"],
        starts,
        ends,
        row["venue"],
        row["description"],
        row["capacity"],
        Audience.from_json(row["audience"], legacy="training"),
        TrainingStatus(row["status"]),
        row["checkin_opens_minutes"],
        row["late_after_minutes"],
        row["version"],
        row["created_by"],
        row["seminar_id"],
    )


def _attendance(row: sqlite3.Row) -> Attendance:
    return Attendance(
        row["training_id"],
        row["member_id"],
        from_db_time(row["checked_in_at"]),
        CheckInMethod(row["method"]) if row["method"] else None,
        bool(row["late"]),
        bool(row["excused"]),
    )


async def _fetch_all(conn: aiosqlite.Connection, sql: str, params: tuple) -> list[sqlite3.Row]:
    cur = await conn.execute(sql, params)
    rows = await cur.fetchall()
    await cur.close()
    return list(rows)


async def _status(conn: aiosqlite.Connection, training_id: int, member_id: int) -> RegistrationStatus | None:
    """A member's registration status for a session, read in the caller's transaction."""
    cur = await conn.execute(
        "SELECT status FROM training_registrations WHERE training_id = ? AND member_id = ?",
        (training_id, member_id),
    )
    row = await cur.fetchone()
    await cur.close()
    return RegistrationStatus(row["status"]) if row else None


_audit = audit.Trail("training").record
"""One audit row about a training, in the caller's transaction."""


async def _in_line(conn: aiosqlite.Connection, training_id: int, status: RegistrationStatus) -> list[int]:
    """The members with this registration status, first registered first."""
    rows = await _fetch_all(
        conn,
        "SELECT member_id FROM training_registrations WHERE training_id = ? AND status = ? "
        "ORDER BY registered_at, rowid",
        (training_id, status.value),
    )
    return [r["member_id"] for r in rows]


async def _move(
    conn: aiosqlite.Connection,
    training_id: int,
    member_ids: list[int],
    status: RegistrationStatus,
    now: datetime,
) -> list[int]:
    """Give these registrations a new status (promoted, or back on the waiting list); returns the members."""
    await conn.executemany(
        "UPDATE training_registrations SET status = ?, updated_at = ? "
        "WHERE training_id = ? AND member_id = ?",
        [(status.value, to_db_time(now), training_id, member_id) for member_id in member_ids],
    )
    return member_ids


class SqliteAttendance(Store):
    """Every change that has to be exact (seats, check-ins) happens inside one transaction."""

    async def create_training(self, draft: TrainingDraft, *, created_by: int, now: datetime) -> Training:
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO trainings (title, starts_at, ends_at, venue, description, capacity, audience, "
                "status, created_by, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?)",
                (
                    draft.title,
                    to_db_time(draft.starts_at),
                    to_db_time(draft.ends_at),
                    draft.venue,
                    draft.description,
                    draft.capacity,
                    draft.audience.to_json(),
                    created_by,
                    to_db_time(now),
                    to_db_time(now),
                ),
            )
            training_id = cur.lastrowid
            assert training_id is not None
            await _audit(
                conn,
                "create_training",
                training_id,
                actor_id=created_by,
                at=now,
                details={"title": draft.title},
            )
        training = await self.training(training_id)
        assert training is not None
        return training

    async def training(self, training_id: int) -> Training | None:
        row = await self._db.fetch_one(
            f"SELECT {_TRAINING_COLUMNS} FROM trainings WHERE id = ?", (training_id,)
        )
        return _training(row) if row else None

    async def upcoming(self, now: datetime) -> list[Training]:
        """Scheduled sessions that have not ended, soonest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_TRAINING_COLUMNS} FROM trainings WHERE status = 'scheduled' AND ends_at >= ? "
            "ORDER BY starts_at, id",
            (to_db_time(now),),
        )
        return [_training(r) for r in rows]

    async def seminar_training(self, seminar_id: int) -> Training | None:
        """The check-in session linked to a seminar, if one was opened."""
        row = await self._db.fetch_one(
            f"SELECT {_TRAINING_COLUMNS} FROM trainings WHERE seminar_id = ?", (seminar_id,)
        )
        return _training(row) if row else None

    async def cancel_seminar_training(self, seminar_id: int, *, now: datetime) -> bool:
        """The seminar was cancelled: its check-in session stops accepting scans."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE trainings SET status = 'cancelled' WHERE seminar_id = ? AND status != 'cancelled'",
                (seminar_id,),
            )
            if cur.rowcount:
                await audit.record(
                    conn,
                    at=now,
                    actor_id=None,
                    action="cancel_with_seminar",
                    entity="seminar",
                    entity_id=seminar_id,
                    details={},
                )
            return cur.rowcount == 1

    async def open_seminar_training(
        self,
        seminar_id: int,
        draft: TrainingDraft,
        expected: Sequence[int],
        *,
        created_by: int,
        now: datetime,
    ) -> Training:
        """Make (once) or refresh the seminar's check-in session; `expected` are registered silently.

        Registered people no longer expected (they declined since) are marked declined; nobody is told.
        """
        stamp = to_db_time(now)
        async with self._db.transaction() as conn:
            rows = await _fetch_all(conn, "SELECT id FROM trainings WHERE seminar_id = ?", (seminar_id,))
            if rows:
                training_id = rows[0]["id"]
                await conn.execute(
                    "UPDATE trainings SET title = ?, starts_at = ?, ends_at = ?, venue = ?, "
                    "updated_at = ? WHERE id = ?",
                    (
                        draft.title,
                        to_db_time(draft.starts_at),
                        to_db_time(draft.ends_at),
                        draft.venue,
                        stamp,
                        training_id,
                    ),
                )
            else:
                cur = await conn.execute(
                    "INSERT INTO trainings (title, starts_at, ends_at, venue, description, capacity, "
                    "audience, status, created_by, created_at, updated_at, seminar_id) "
                    "VALUES (?, ?, ?, ?, ?, NULL, ?, 'scheduled', ?, ?, ?, ?)",
                    (
                        draft.title,
                        to_db_time(draft.starts_at),
                        to_db_time(draft.ends_at),
                        draft.venue,
                        draft.description,
                        draft.audience.to_json(),
                        created_by,
                        stamp,
                        stamp,
                        seminar_id,
                    ),
                )
                training_id = cur.lastrowid
                await _audit(
                    conn,
                    "open_seminar_checkin",
                    training_id,
                    actor_id=created_by,
                    at=now,
                    details={"seminar_id": seminar_id},
                )
            await conn.executemany(
                "INSERT INTO training_registrations (training_id, member_id, status, registered_at, "
                "updated_at) VALUES (?, ?, 'registered', ?, ?) ON CONFLICT (training_id, member_id) DO "
                "UPDATE SET status = 'registered', updated_at = excluded.updated_at "
                "WHERE training_registrations.status != 'registered'",
                [(training_id, member_id, stamp, stamp) for member_id in expected],
            )
            marks = ", ".join("?" for _ in expected)
            await conn.execute(
                "UPDATE training_registrations SET status = 'declined', updated_at = ? WHERE training_id = ? "
                f"AND status = 'registered' AND member_id NOT IN ({marks})",
                (stamp, training_id, *expected),
            )
        training = await self.training(training_id)
        assert training is not None
        return training

    async def update_training(
        self, training_id: int, changes: dict[str, object], *, now: datetime, actor_id: int
    ) -> tuple[Training, list[int], list[int]]:
        """Apply edits (version + 1); a new capacity moves people up from the waiting list or back onto it.

        Returns the training, who was promoted and who was moved back to the waiting list.
        """
        unknown = set(changes) - set(_UPDATABLE)
        if unknown:
            raise ValueError(f"unknown training fields: {sorted(unknown)}")
        values = {k: to_db_time(v) if isinstance(v, datetime) else v for k, v in changes.items()}
        promoted: list[int] = []
        demoted: list[int] = []
        async with self._db.transaction() as conn:
            assignments = ", ".join(f"{column} = ?" for column in values)
            await conn.execute(
                f"UPDATE trainings SET {assignments}, version = version + 1, updated_at = ? WHERE id = ?",
                (*values.values(), to_db_time(now), training_id),
            )
            if "capacity" in changes:
                demoted = await self._demote(conn, training_id, now)
                promoted = await self._promote(conn, training_id, now)
            await _audit(
                conn,
                "update_training",
                training_id,
                actor_id=actor_id,
                at=now,
                details={k: str(v) for k, v in values.items()},
            )
        training = await self.training(training_id)
        assert training is not None
        return training, promoted, demoted

    async def cancel_training(self, training_id: int, *, now: datetime, actor_id: int) -> bool:
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE trainings SET status = 'cancelled', version = version + 1, "
                "updated_at = ? WHERE id = ? AND status = 'scheduled'",
                (to_db_time(now), training_id),
            )
            if cur.rowcount != 1:
                return False
            await _audit(conn, "cancel_training", training_id, actor_id=actor_id, at=now, details={})
        return True

    async def widen_audience(
        self, training_id: int, audience: Audience, *, version: int, now: datetime, actor_id: int
    ) -> Training | None:
        """Save a wider audience (version + 1, audited); None when the session changed since `version`
        was read or is no longer scheduled."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE trainings SET audience = ?, version = version + 1, updated_at = ? "
                "WHERE id = ? AND version = ? AND status = 'scheduled'",
                (audience.to_json(), to_db_time(now), training_id, version),
            )
            if cur.rowcount != 1:
                return None
            await _audit(
                conn,
                "widen_audience",
                training_id,
                actor_id=actor_id,
                at=now,
                details={"audience": audience.to_json()},
            )
        return await self.training(training_id)

    async def reassess_late(self, training_id: int, late_from: datetime) -> None:
        """After a new start or late threshold: check-ins strictly after `late_from` are late."""
        async with self._db.connection() as conn:
            await conn.execute(
                "UPDATE training_attendance SET late = CASE WHEN checked_in_at > ? THEN 1 ELSE 0 END "
                "WHERE training_id = ? AND checked_in_at IS NOT NULL",
                (to_db_time(late_from), training_id),
            )

    async def registration(self, training_id: int, member_id: int) -> Registration | None:
        row = await self._db.fetch_one(
            "SELECT status, registered_at FROM training_registrations "
            "WHERE training_id = ? AND member_id = ?",
            (training_id, member_id),
        )
        if row is None:
            return None
        return Registration(
            training_id, member_id, RegistrationStatus(row["status"]), from_db_time(row["registered_at"])
        )

    async def register(
        self, training_id: int, member_id: int, *, now: datetime
    ) -> tuple[RegistrationStatus, bool]:
        """A seat or a waiting-list place, decided and written in one transaction; (status, changed)."""
        async with self._db.transaction() as conn:
            previous = await _status(conn, training_id, member_id)
            if previous in (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED):
                return previous, False
            capacity, taken = await self._seats(conn, training_id)
            status = place_for(capacity, taken)
            await conn.execute(
                "INSERT INTO training_registrations (training_id, member_id, status, registered_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (training_id, member_id) DO UPDATE SET "
                "status = excluded.status, registered_at = excluded.registered_at, updated_at = "
                "excluded.updated_at",
                (training_id, member_id, status.value, to_db_time(now), to_db_time(now)),
            )
        return status, True

    async def decline(
        self, training_id: int, member_id: int, *, now: datetime
    ) -> tuple[RegistrationStatus | None, list[int]]:
        """Not coming: (previous status, members promoted from the waiting list)."""
        async with self._db.transaction() as conn:
            previous = await _status(conn, training_id, member_id)
            if previous in (RegistrationStatus.DECLINED, RegistrationStatus.WITHDRAWN):
                return previous, []
            new = RegistrationStatus.DECLINED if previous is None else RegistrationStatus.WITHDRAWN
            await conn.execute(
                "INSERT INTO training_registrations (training_id, member_id, status, registered_at, "
                "updated_at) VALUES (?, ?, ?, NULL, ?) ON CONFLICT (training_id, member_id) DO UPDATE SET "
                "status = excluded.status, updated_at = excluded.updated_at",
                (training_id, member_id, new.value, to_db_time(now)),
            )
            promoted = (
                await self._promote(conn, training_id, now)
                if previous is RegistrationStatus.REGISTERED
                else []
            )
        return previous, promoted

    async def _seats(self, conn: aiosqlite.Connection, training_id: int) -> tuple[int | None, int]:
        rows = await _fetch_all(
            conn,
            "SELECT capacity, (SELECT COUNT(*) FROM training_registrations r WHERE "
            "r.training_id = t.id AND r.status = 'registered') AS taken FROM trainings t "
            "WHERE t.id = ?",
            (training_id,),
        )
        return rows[0]["capacity"], rows[0]["taken"]

    async def _demote(self, conn: aiosqlite.Connection, training_id: int, now: datetime) -> list[int]:
        capacity, _ = await self._seats(conn, training_id)
        checked_in = await _fetch_all(
            conn,
            "SELECT member_id FROM training_attendance WHERE training_id = ? AND checked_in_at IS NOT NULL",
            (training_id,),
        )
        registered = await _in_line(conn, training_id, RegistrationStatus.REGISTERED)
        chosen = demotions(capacity, registered, {r["member_id"] for r in checked_in})
        return await _move(conn, training_id, chosen, RegistrationStatus.WAITLISTED, now)

    async def _promote(self, conn: aiosqlite.Connection, training_id: int, now: datetime) -> list[int]:
        capacity, taken = await self._seats(conn, training_id)
        waiting = await _in_line(conn, training_id, RegistrationStatus.WAITLISTED)
        chosen = promotions(capacity, taken, waiting)
        return await _move(conn, training_id, chosen, RegistrationStatus.REGISTERED, now)

    async def is_member(self, member_id: int) -> bool:
        """Whether `member_id` names a member (a forged button may carry any number)."""
        return await self._db.fetch_value("SELECT 1 FROM members WHERE id = ?", (member_id,)) is not None

    async def counts(self, training_id: int) -> dict[RegistrationStatus, int]:
        rows = await self._db.fetch_all(
            "SELECT status, COUNT(*) AS n FROM training_registrations WHERE training_id = ? GROUP BY status",
            (training_id,),
        )
        return {RegistrationStatus(r["status"]): r["n"] for r in rows}

    async def participants(self, training_id: int) -> list[int]:
        """Members registered or waiting (those to tell about changes)."""
        rows = await self._db.fetch_all(
            "SELECT member_id FROM training_registrations WHERE training_id = ? AND "
            "status IN ('registered', 'waitlisted') ORDER BY member_id",
            (training_id,),
        )
        return [r["member_id"] for r in rows]

    async def active_code(self, training_id: int) -> str | None:
        code: str | None = await self._db.fetch_value(
            "SELECT code FROM training_codes WHERE training_id = ? AND revoked_at IS "
            "NULL ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (training_id,),
        )
        return code

    async def save_code(self, training_id: int, code: str, *, actor_id: int, now: datetime) -> None:
        """The new current code; every earlier code of the session stops working."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE training_codes SET revoked_at = ? WHERE training_id = ? AND revoked_at IS NULL",
                (to_db_time(now), training_id),
            )
            await conn.execute(
                "INSERT INTO training_codes (code, training_id, created_by, created_at) VALUES (?, ?, ?, ?)",
                (code, training_id, actor_id, to_db_time(now)),
            )
            await _audit(conn, "checkin_code", training_id, actor_id=actor_id, at=now, details={})

    async def code(self, code: str) -> tuple[Training, bool] | None:
        """The session a code belongs to and whether the code was retired, in one query."""
        columns = ", ".join(f"t.{c.strip()}" for c in _TRAINING_COLUMNS.split(","))
        async with self._db.connection() as conn:
            rows = list(
                await conn.execute_fetchall(
                    f"SELECT {columns}, k.revoked_at FROM training_codes k JOIN "
                    "trainings t ON t.id = k.training_id WHERE k.code = ?",
                    (code,),
                )
            )
        return (_training(rows[0]), rows[0]["revoked_at"] is not None) if rows else None

    async def check_in(
        self,
        training_id: int,
        member_id: int,
        *,
        at: datetime,
        method: CheckInMethod,
        late: bool,
        recorded_by: int | None,
    ) -> tuple[bool, Attendance]:
        """Record a check-in once: (new?, the row as stored). An excused person who comes is checked in.

        One atomic statement (RETURNING) on the busy path; manual check-ins are audited in a transaction.
        """
        params = (training_id, member_id, to_db_time(at), method.value, int(late), recorded_by)
        if method is CheckInMethod.MANUAL:
            async with self._db.transaction() as conn:
                rows = await conn.execute_fetchall(_CHECK_IN, params)
                if rows:
                    await _audit(
                        conn,
                        "manual_check_in",
                        training_id,
                        actor_id=recorded_by,
                        at=at,
                        details={"member_id": member_id},
                    )
        else:
            async with self._db.connection() as conn:
                rows = await conn.execute_fetchall(_CHECK_IN, params)
        if rows:
            return True, _attendance(next(iter(rows)))
        existing = await self.attendance(training_id, member_id)
        assert existing is not None
        return False, existing

    async def undo_check_in(self, training_id: int, member_id: int, *, actor_id: int, now: datetime) -> bool:
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "DELETE FROM training_attendance WHERE training_id = ? AND member_id = ? "
                "AND checked_in_at IS NOT NULL",
                (training_id, member_id),
            )
            if cur.rowcount != 1:
                return False
            await _audit(
                conn,
                "undo_check_in",
                training_id,
                actor_id=actor_id,
                at=now,
                details={"member_id": member_id},
            )
        return True

    async def excuse(self, training_id: int, member_id: int, *, actor_id: int, now: datetime) -> bool:
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO training_attendance (training_id, member_id, excused, recorded_by) "
                "VALUES (?, ?, 1, ?) ON CONFLICT (training_id, member_id) DO UPDATE SET excused = 1, "
                "recorded_by = excluded.recorded_by WHERE training_attendance.checked_in_at IS NULL AND "
                "training_attendance.excused = 0",
                (training_id, member_id, actor_id),
            )
            if cur.rowcount != 1:
                return False
            await _audit(
                conn, "excuse", training_id, actor_id=actor_id, at=now, details={"member_id": member_id}
            )
        return True

    async def attendance(self, training_id: int, member_id: int) -> Attendance | None:
        row = await self._db.fetch_one(
            "SELECT * FROM training_attendance WHERE training_id = ? AND member_id = ?",
            (training_id, member_id),
        )
        return _attendance(row) if row else None

    async def roster(self, training_id: int) -> list[RosterRow]:
        """Everyone registered, waiting, declined, checked in or excused, ordered by ward then name."""
        rows = await self._db.fetch_all(
            "WITH people AS (SELECT member_id FROM training_registrations WHERE training_id = ? "
            "UNION SELECT member_id FROM training_attendance WHERE training_id = ?) "
            "SELECT m.id, m.full_name, m.role, w.name AS ward, c.name AS chapter, r.status AS registration, "
            "r.registered_at, a.checked_in_at, a.method, COALESCE(a.late, 0) AS late, "
            "COALESCE(a.excused, 0) AS excused FROM people p JOIN members m ON m.id = p.member_id "
            "LEFT JOIN wards w ON w.id = m.ward_id LEFT JOIN chapters c ON c.id = m.chapter_id "
            "LEFT JOIN training_registrations r ON r.training_id = ? AND r.member_id = m.id "
            "LEFT JOIN training_attendance a ON a.training_id = ? AND a.member_id = m.id "
            "ORDER BY m.name_key, m.id",
            (training_id,) * 4,
        )
        rows = sorted(rows, key=lambda r: (r["ward"] is None, natural_key(r["ward"] or "")))
        return [
            RosterRow(
                r["id"],
                r["full_name"],
                r["ward"],
                r["chapter"],
                Role(r["role"]) if r["role"] else None,
                RegistrationStatus(r["registration"]) if r["registration"] else None,
                from_db_time(r["registered_at"]),
                from_db_time(r["checked_in_at"]),
                CheckInMethod(r["method"]) if r["method"] else None,
                bool(r["late"]),
                bool(r["excused"]),
            )
            for r in rows
        ]

    async def count_checked_in(self, training_id: int) -> int:
        return int(
            await self._db.fetch_value(
                "SELECT COUNT(*) FROM training_attendance WHERE training_id = ? "
                "AND checked_in_at IS NOT NULL",
                (training_id,),
            )
        )

    async def save_pending(
        self, member_id: int, training_id: int, *, scanned_at: datetime, method: CheckInMethod
    ) -> None:
        """A stranger scanned: keep the first scan time until their registration is approved."""
        async with self._db.connection() as conn:
            await conn.execute(
                "INSERT INTO training_pending_checkins (member_id, training_id, scanned_at, method) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (member_id, training_id) DO NOTHING",
                (member_id, training_id, to_db_time(scanned_at), method.value),
            )

    async def take_pending(self, member_id: int) -> list[tuple[int, datetime, CheckInMethod]]:
        async with self._db.transaction() as conn:
            rows = await _fetch_all(
                conn,
                "SELECT training_id, scanned_at, method FROM training_pending_checkins "
                "WHERE member_id = ? ORDER BY scanned_at",
                (member_id,),
            )
            await conn.execute("DELETE FROM training_pending_checkins WHERE member_id = ?", (member_id,))
        result = []
        for r in rows:
            scanned = from_db_time(r["scanned_at"])
            assert scanned is not None
            result.append((r["training_id"], scanned, CheckInMethod(r["method"])))
        return result
