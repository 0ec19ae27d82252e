"""Dialog state: where each person stands in a multi-step dialog, one row per member and channel."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.conversation.dialogs import DialogState
from bot.core.models import Member
from storage.db import Store, from_db_time, to_db_time
from storage.members import MEMBER_COLUMNS, member_from


class SqliteDialogs(Store):
    """Read and write dialog state; writes join the turn's transaction."""

    async def get(self, member_id: int, channel: str) -> DialogState | None:
        row = await self._db.fetch_one(
            "SELECT dialog, step, data, updated_at FROM dialog_states WHERE member_id = ? AND channel = ?",
            (member_id, channel),
        )
        return _state(row) if row is not None else None

    async def with_member(self, channel: str, external_id: str) -> tuple[Member, DialogState | None] | None:
        """The member behind a channel account and their dialog state on that channel, in one query (every
        turn starts with both); None when nobody has that account yet."""
        row = await self._db.fetch_one(
            f"SELECT {MEMBER_COLUMNS}, d.dialog, d.step, d.data, d.updated_at "
            "FROM channel_accounts a JOIN members m ON m.id = a.member_id "
            "LEFT JOIN dialog_states d ON d.member_id = m.id AND d.channel = a.channel "
            "WHERE a.channel = ? AND a.external_id = ?",
            (channel, external_id),
        )
        if row is None:
            return None
        return member_from(row), (_state(row) if row["dialog"] is not None else None)

    async def save(self, member_id: int, channel: str, state: DialogState | None, *, now: datetime) -> None:
        """Store the person's new place (None: no dialog)."""
        async with self._db.connection() as conn:
            if state is None:
                await conn.execute(
                    "DELETE FROM dialog_states WHERE member_id = ? AND channel = ?", (member_id, channel)
                )
                return
            await conn.execute(
                "INSERT INTO dialog_states (member_id, channel, dialog, step, data, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (member_id, channel) DO UPDATE SET "
                "dialog = excluded.dialog, "
                "step = excluded.step, data = excluded.data, updated_at = excluded.updated_at",
                (
                    member_id,
                    channel,
                    state.dialog,
                    state.step,
                    json.dumps(state.data, ensure_ascii=False),
                    to_db_time(now),
                ),
            )

    async def count(self) -> int:
        return int(await self._db.fetch_value("SELECT COUNT(*) FROM dialog_states"))


def _state(row: Any) -> DialogState:
    return DialogState(row["dialog"], row["step"], json.loads(row["data"]), from_db_time(row["updated_at"]))
