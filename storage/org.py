"""Wards and chapters in SQLite; imports are all-or-nothing and never delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.models import Chapter, Ward
from bot.core.org import OrgRow
from bot.core.text import fold, natural_key
from storage import audit
from storage.db import Store, to_db_time


@dataclass(frozen=True)
class ImportReport:
    wards_added: int
    chapters_added: int
    reactivated: int
    deactivated: int

    @property
    def changed(self) -> bool:
        return any((self.wards_added, self.chapters_added, self.reactivated, self.deactivated))


class SqliteOrg(Store):
    """Reads and imports the organisation."""

    async def import_rows(
        self, rows: tuple[OrgRow, ...], *, now: datetime, actor_id: int | None = None
    ) -> ImportReport:
        """Make the active structure equal the file: add, reactivate, deactivate; one transaction."""
        wards_added = chapters_added = reactivated = deactivated = 0
        stamp = to_db_time(now)
        async with self._db.transaction() as conn:
            ward_ids: dict[str, int] = {}
            for name in dict.fromkeys(row.ward for row in rows):
                cur = await conn.execute("SELECT id, active FROM wards WHERE name = ?", (name,))
                found = await cur.fetchone()
                if found is None:
                    cur = await conn.execute(
                        "INSERT INTO wards (name, name_key, active, created_at) VALUES (?, ?, 1, ?)",
                        (name, fold(name), stamp),
                    )
                    ward_id = cur.lastrowid
                    assert ward_id is not None
                    ward_ids[name] = ward_id
                    wards_added += 1
                else:
                    ward_ids[name] = found["id"]
                    if not found["active"]:
                        await conn.execute("UPDATE wards SET active = 1 WHERE id = ?", (found["id"],))
                        reactivated += 1
            keep_chapters: set[int] = set()
            for row in rows:
                cur = await conn.execute(
                    "SELECT id, active, kind FROM chapters WHERE ward_id = ? AND name = ?",
                    (ward_ids[row.ward], row.chapter),
                )
                found = await cur.fetchone()
                if found is None:
                    cur = await conn.execute(
                        "INSERT INTO chapters (ward_id, name, name_key, kind, active, created_at) "
                        "VALUES (?, ?, ?, ?, 1, ?)",
                        (ward_ids[row.ward], row.chapter, fold(row.chapter), row.kind, stamp),
                    )
                    chapter_id = cur.lastrowid
                    assert chapter_id is not None
                    keep_chapters.add(chapter_id)
                    chapters_added += 1
                    continue
                keep_chapters.add(found["id"])
                if not found["active"]:
                    reactivated += 1
                if not found["active"] or (row.kind and row.kind != found["kind"]):
                    await conn.execute(
                        "UPDATE chapters SET active = 1, kind = COALESCE(?, kind) WHERE id = ?",
                        (row.kind, found["id"]),
                    )
            cur = await conn.execute("SELECT id FROM chapters WHERE active = 1")
            stale = [r["id"] for r in await cur.fetchall() if r["id"] not in keep_chapters]
            for chapter_id in stale:
                await conn.execute("UPDATE chapters SET active = 0 WHERE id = ?", (chapter_id,))
            deactivated += len(stale)
            cur = await conn.execute("SELECT id, name FROM wards WHERE active = 1")
            stale_wards = [r["id"] for r in await cur.fetchall() if r["name"] not in ward_ids]
            for ward_id in stale_wards:
                await conn.execute("UPDATE wards SET active = 0 WHERE id = ?", (ward_id,))
            deactivated += len(stale_wards)
            report = ImportReport(wards_added, chapters_added, reactivated, deactivated)
            if report.changed:
                await audit.record(
                    conn,
                    at=now,
                    actor_id=actor_id,
                    action="import",
                    entity="org",
                    entity_id=None,
                    details=report.__dict__,
                )
        return report

    async def wards(self, *, include_inactive: bool = False) -> list[Ward]:
        """Wards in a natural order (Phường 2 before Phường 10)."""
        rows = await self._db.fetch_all(
            "SELECT id, name, active FROM wards" + ("" if include_inactive else " WHERE active = 1")
        )
        wards = [Ward(r["id"], r["name"], bool(r["active"])) for r in rows]
        return sorted(wards, key=lambda w: natural_key(w.name))

    async def ward(self, ward_id: int) -> Ward | None:
        row = await self._db.fetch_one("SELECT id, name, active FROM wards WHERE id = ?", (ward_id,))
        return Ward(row["id"], row["name"], bool(row["active"])) if row else None

    async def chapters(self, ward_id: int | None = None, *, include_inactive: bool = False) -> list[Chapter]:
        """Chapters of one ward (or all), naturally ordered."""
        sql = "SELECT id, ward_id, name, kind, active FROM chapters WHERE 1 = 1"
        params: list[object] = []
        if ward_id is not None:
            sql += " AND ward_id = ?"
            params.append(ward_id)
        if not include_inactive:
            sql += " AND active = 1"
        rows = await self._db.fetch_all(sql, params)
        chapters = [Chapter(r["id"], r["ward_id"], r["name"], r["kind"], bool(r["active"])) for r in rows]
        return sorted(chapters, key=lambda c: (c.ward_id, natural_key(c.name)))

    async def chapter(self, chapter_id: int) -> Chapter | None:
        row = await self._db.fetch_one(
            "SELECT id, ward_id, name, kind, active FROM chapters WHERE id = ?", (chapter_id,)
        )
        return (
            Chapter(row["id"], row["ward_id"], row["name"], row["kind"], bool(row["active"])) if row else None
        )

    async def counts(self) -> tuple[int, int]:
        """(active wards, active chapters)."""
        row = await self._db.fetch_one(
            "SELECT (SELECT COUNT(*) FROM wards WHERE active = 1), (SELECT COUNT(*) FROM chapters WHERE "
            "active = 1)"
        )
        assert row is not None
        return row[0], row[1]
