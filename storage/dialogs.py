"""Dialog state: where each person stands in a multi-step dialog, one row per member and channel."""

from __future__ import annotations

import json
from datetime import datetime

from bot.conversation.dialogs import DialogState
from storage.db import Store, from_db_time, to_db_time


class SqliteDialogs(Store):
    """Read and write dialog state; writes join the turn's transaction."""

    async def get(self, member_id: int, channel: str) -> DialogState | None:
        row = await self._db.fetch_one(
            "SELECT dialog, step, data, updated_at FROM dialog_states WHERE member_id = ? AND channel = ?",
            (member_id, channel),
        )
        if row is None:
            return None
        return DialogState(
            row["dialog"], row["step"], json.loads(row["data"]), from_db_time(row["updated_at"])
        )

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
