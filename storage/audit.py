"""The audit trail: who changed what, and when, written inside the change's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.db import Database, to_db_time


async def record(
    conn: aiosqlite.Connection,
    *,
    at: datetime,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: object,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one audit row using the caller's (transaction's) connection."""
    await conn.execute(
        "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, details) VALUES (?, ?, ?, ?, ?, ?)",
        (
            to_db_time(at),
            actor_id,
            action,
            entity,
            None if entity_id is None else str(entity_id),
            json.dumps(details or {}, ensure_ascii=False, default=str),
        ),
    )


@dataclass(frozen=True)
class Trail:
    """The audit rows about one kind of entity ("training", "seminar")."""

    entity: str

    async def record(
        self,
        conn: aiosqlite.Connection,
        action: str,
        entity_id: object,
        *,
        actor_id: int | None,
        at: datetime,
        details: dict[str, Any] | None = None,
    ) -> None:
        """One row about one of them, in the caller's transaction."""
        await record(
            conn,
            at=at,
            actor_id=actor_id,
            action=action,
            entity=self.entity,
            entity_id=entity_id,
            details=details,
        )


async def history(db: Database, entity: str, entity_id: object) -> list[dict[str, Any]]:
    """Audit rows for one entity, oldest first."""
    rows = await db.fetch_all(
        "SELECT at, actor_id, action, details FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id",
        (entity, str(entity_id)),
    )
    return [
        {"at": r["at"], "actor_id": r["actor_id"], "action": r["action"], "details": json.loads(r["details"])}
        for r in rows
    ]
