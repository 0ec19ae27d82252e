"""What channels without buttons or update offsets keep: each person's numbered list, the handled updates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.db import Store, from_db_time, to_db_time

KEEP_HANDLED = timedelta(days=7)


@dataclass(frozen=True)
class ChoiceList:
    items: list[dict[str, Any]]
    shown_at: datetime
    by_reply: bool
    contested: bool


class SqliteChannelState(Store):
    """Numbered lists and handled updates; every write joins the caller's transaction when there is one."""

    async def current_list(self, member_id: int, channel: str) -> ChoiceList | None:
        row = await self._db.fetch_one(
            "SELECT items, shown_at, by_reply, contested FROM choice_lists "
            "WHERE member_id = ? AND channel = ?",
            (member_id, channel),
        )
        if row is None:
            return None
        shown_at = from_db_time(row["shown_at"])
        assert shown_at is not None
        return ChoiceList(json.loads(row["items"]), shown_at, bool(row["by_reply"]), bool(row["contested"]))

    async def show_list(
        self,
        member_id: int,
        channel: str,
        items: list[dict[str, Any]],
        *,
        by_reply: bool,
        contested: bool,
        now: datetime,
    ) -> None:
        """The person now answers this list by number (no items: no list)."""
        async with self._db.connection() as conn:
            if not items:
                await conn.execute(
                    "DELETE FROM choice_lists WHERE member_id = ? AND channel = ?", (member_id, channel)
                )
                return
            await conn.execute(
                "INSERT INTO choice_lists (member_id, channel, items, shown_at, by_reply, contested) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (member_id, channel) DO UPDATE SET "
                "items = excluded.items, "
                "shown_at = excluded.shown_at, by_reply = excluded.by_reply, contested = excluded.contested",
                (
                    member_id,
                    channel,
                    json.dumps(items, ensure_ascii=False),
                    to_db_time(now),
                    by_reply,
                    contested,
                ),
            )

    async def settle_list(self, member_id: int, channel: str) -> None:
        """The person was shown the current list again: a number typed next refers to it."""
        async with self._db.connection() as conn:
            await conn.execute(
                "UPDATE choice_lists SET contested = 0 WHERE member_id = ? AND channel = ?",
                (member_id, channel),
            )

    async def first_time(self, channel: str, update_key: str, *, now: datetime) -> bool:
        """Record an update as handled; False when it was handled before (a re-delivery)."""
        async with self._db.connection() as conn:
            cursor = await conn.execute(
                "INSERT INTO handled_updates (channel, update_key, handled_at) VALUES (?, ?, ?) "
                "ON CONFLICT (channel, update_key) DO NOTHING",
                (channel, update_key, to_db_time(now)),
            )
            return cursor.rowcount == 1

    async def forget_handled(self, *, before: datetime) -> int:
        """Drop the memory of updates handled long ago (re-deliveries come within minutes)."""
        async with self._db.connection() as conn:
            cursor = await conn.execute(
                "DELETE FROM handled_updates WHERE handled_at < ?", (to_db_time(before),)
            )
            return cursor.rowcount
