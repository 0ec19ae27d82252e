"""Chapter reports, excuses and the reporting settings in SQLite; every change audited in its transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from bot.core.parsing import PeriodKind
from bot.core.reports import PastReport, ReportConfig, ReportValues, StoredReport
from storage.audit import record
from storage.db import Store, db_time, from_db_time, to_db_time
from storage.members import full_names

ENTITY = "chapter_report"
_COLUMNS = (
    "id, chapter_id, period_key, new_members, total_members, note, photo_file_id, filed_by, on_behalf, "
    "filed_at, updated_at"
)


def _report(row: sqlite3.Row) -> StoredReport:
    return StoredReport(
        row["id"],
        row["chapter_id"],
        row["period_key"],
        row["new_members"],
        row["total_members"],
        row["note"],
        row["photo_file_id"],
        row["filed_by"],
        bool(row["on_behalf"]),
        db_time(row["filed_at"]),
        db_time(row["updated_at"]),
    )


def _values(report: StoredReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {
        "new_members": report.new_members,
        "total_members": report.total_members,
        "note": report.note,
        "photo": report.photo_file_id is not None,
    }


class SqliteReports(Store):
    """The ReportStore of the core, on the bot's database."""

    async def config(self) -> ReportConfig:
        row = await self._db.fetch_one(
            "SELECT period_kind, deadline_day, deadline_time FROM report_config WHERE id = 1"
        )
        if row is None:
            return ReportConfig()
        return ReportConfig(
            PeriodKind(row["period_kind"]), row["deadline_day"], time.fromisoformat(row["deadline_time"])
        )

    async def save_config(self, config: ReportConfig, *, actor_id: int | None, now: datetime) -> None:
        async with self._db.transaction() as conn:
            old = await self._config_in(conn)
            await conn.execute(
                "INSERT INTO report_config (id, period_kind, deadline_day, deadline_time, updated_by, "
                "updated_at) VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET period_kind = "
                "excluded.period_kind, deadline_day = excluded.deadline_day, deadline_time = "
                "excluded.deadline_time, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                (
                    config.kind.value,
                    config.deadline_day,
                    config.deadline_time.strftime("%H:%M"),
                    actor_id,
                    to_db_time(now),
                ),
            )
            await record(
                conn,
                at=now,
                actor_id=actor_id,
                action="report_config",
                entity="report_config",
                entity_id=1,
                details={
                    "old": old,
                    "new": {
                        "kind": config.kind.value,
                        "deadline_day": config.deadline_day,
                        "deadline_time": config.deadline_time.strftime("%H:%M"),
                    },
                },
            )

    async def collecting_since(self, now: datetime) -> datetime:
        """When chasing began; the first call records `now`."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE report_config SET collecting_since = ? WHERE id = 1 AND collecting_since IS NULL",
                (to_db_time(now),),
            )
            cur = await conn.execute("SELECT collecting_since FROM report_config WHERE id = 1")
            row = await cur.fetchone()
            await cur.close()
        return db_time(row[0]) if row and row[0] else now

    @staticmethod
    async def _config_in(conn: Any) -> dict[str, Any] | None:
        cur = await conn.execute(
            "SELECT period_kind, deadline_day, deadline_time FROM report_config WHERE id = 1"
        )
        row = await cur.fetchone()
        await cur.close()
        return {"kind": row[0], "deadline_day": row[1], "deadline_time": row[2]} if row else None

    async def get(self, chapter_id: int, period_key: str) -> StoredReport | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM chapter_reports WHERE chapter_id = ? AND period_key = ?",
            (chapter_id, period_key),
        )
        return _report(row) if row else None

    async def save(
        self,
        chapter_id: int,
        period_key: str,
        values: ReportValues,
        *,
        actor_id: int,
        on_behalf: bool,
        now: datetime,
    ) -> tuple[StoredReport, StoredReport | None]:
        """Insert the period's report or update it in place; the audit row holds the old and new values."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                f"SELECT {_COLUMNS} FROM chapter_reports WHERE chapter_id = ? AND period_key = ?",
                (chapter_id, period_key),
            )
            row = await cur.fetchone()
            await cur.close()
            previous = _report(row) if row else None
            cur = await conn.execute(
                "INSERT INTO chapter_reports (chapter_id, period_key, new_members, total_members, note, "
                "photo_file_id, filed_by, on_behalf, filed_at, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chapter_id, period_key) DO UPDATE SET "
                "new_members = excluded.new_members, total_members = excluded.total_members, note = "
                "excluded.note, photo_file_id = excluded.photo_file_id, updated_at = excluded.updated_at, "
                f"updated_by = excluded.updated_by RETURNING {_COLUMNS}",
                (
                    chapter_id,
                    period_key,
                    values.new_members,
                    values.total_members,
                    values.note,
                    values.photo_file_id,
                    actor_id,
                    int(on_behalf),
                    to_db_time(now),
                    to_db_time(now),
                    actor_id,
                ),
            )
            saved_row = await cur.fetchone()
            await cur.close()
            assert saved_row is not None
            saved = _report(saved_row)
            await record(
                conn,
                at=now,
                actor_id=actor_id,
                action="report_filed" if previous is None else "report_corrected",
                entity=ENTITY,
                entity_id=saved.id,
                details={
                    "chapter_id": chapter_id,
                    "period": period_key,
                    "on_behalf": on_behalf,
                    "old": _values(previous),
                    "new": _values(saved),
                },
            )
        return saved, previous

    async def history(self, chapter_id: int, *, before_key: str, limit: int) -> list[PastReport]:
        """The chapter's reports of earlier periods (same key format), oldest first."""
        rows = await self._db.fetch_all(
            "SELECT period_key, new_members, total_members FROM chapter_reports WHERE chapter_id = ? "
            "AND period_key < ? AND length(period_key) = ? ORDER BY period_key DESC LIMIT ?",
            (chapter_id, before_key, len(before_key), limit),
        )
        return [PastReport(r["period_key"], r["new_members"], r["total_members"]) for r in reversed(rows)]

    async def for_periods(self, period_keys: Sequence[str]) -> list[StoredReport]:
        if not period_keys:
            return []
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM chapter_reports WHERE period_key IN "
            f"({', '.join('?' * len(period_keys))}) ORDER BY period_key, chapter_id",
            list(period_keys),
        )
        return [_report(r) for r in rows]

    async def excused(self, period_key: str) -> set[int]:
        rows = await self._db.fetch_all(
            "SELECT chapter_id FROM report_excuses WHERE period_key = ?", (period_key,)
        )
        return {r["chapter_id"] for r in rows}

    async def set_excused(
        self, chapter_id: int, period_key: str, excused: bool, *, actor_id: int, now: datetime
    ) -> bool:
        """Excuse a chapter for a period, or take the excuse back; False when nothing changed."""
        async with self._db.transaction() as conn:
            if excused:
                cur = await conn.execute(
                    "INSERT INTO report_excuses (chapter_id, period_key, excused_by, created_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (chapter_id, period_key, actor_id, to_db_time(now)),
                )
            else:
                cur = await conn.execute(
                    "DELETE FROM report_excuses WHERE chapter_id = ? AND period_key = ?",
                    (chapter_id, period_key),
                )
            changed = cur.rowcount == 1
            if changed:
                await record(
                    conn,
                    at=now,
                    actor_id=actor_id,
                    action="report_excused" if excused else "report_unexcused",
                    entity="report_excuse",
                    entity_id=f"{chapter_id}:{period_key}",
                    details={"chapter_id": chapter_id, "period": period_key},
                )
        return changed

    async def changes(self, report_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        """Audit history of reports (filed and every correction with old and new values), oldest first."""
        if not report_ids:
            return {}
        ids = [str(i) for i in report_ids]
        rows = await self._db.fetch_all(
            "SELECT a.entity_id, a.at, a.actor_id, a.action, a.details, m.full_name FROM audit_log a "
            "LEFT JOIN members m ON m.id = a.actor_id "
            f"WHERE a.entity = ? AND a.entity_id IN ({', '.join('?' * len(ids))}) ORDER BY a.id",
            [ENTITY, *ids],
        )
        found: dict[int, list[dict[str, Any]]] = {}
        for r in rows:
            found.setdefault(int(r["entity_id"]), []).append(
                {
                    "at": from_db_time(r["at"]),
                    "actor_id": r["actor_id"],
                    "actor": r["full_name"],
                    "action": r["action"],
                    "details": json.loads(r["details"]),
                }
            )
        return found

    async def filer_names(self, member_ids: Sequence[int]) -> dict[int, str]:
        return await full_names(self._db, member_ids)
