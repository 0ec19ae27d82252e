"""Members, their channel accounts and invitations in SQLite."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.core.audience import Audience, AudienceMember
from bot.core.models import Member, MemberStatus, Recipient, Role
from bot.core.text import fold
from storage import audit
from storage.audience import audience_members
from storage.db import Database, Store, db_time, from_db_time, to_db_time

MEMBER_COLUMNS = (
    "m.id, m.full_name, m.status, m.role, m.ward_id, m.chapter_id, m.phone, m.locale, m.requested_at, "
    "m.channel"
)
_ACCOUNT = "a.channel = COALESCE(?, m.channel, 'telegram')"
"""The account to reach a member on: the channel asked for, else the member's preferred one."""


async def full_names(db: Database, member_ids: Iterable[int]) -> dict[int, str]:
    """The full name of each of these members (whatever their status), by id."""
    wanted = sorted(set(member_ids))
    if not wanted:
        return {}
    rows = await db.fetch_all(
        f"SELECT id, full_name FROM members WHERE id IN ({', '.join('?' * len(wanted))})", wanted
    )
    return {r["id"]: r["full_name"] for r in rows}


def member_from(row: sqlite3.Row) -> Member:
    return Member(
        id=row["id"],
        full_name=row["full_name"],
        status=MemberStatus(row["status"]),
        role=Role(row["role"]) if row["role"] else None,
        ward_id=row["ward_id"],
        chapter_id=row["chapter_id"],
        phone=row["phone"],
        locale=row["locale"],
        requested_at=from_db_time(row["requested_at"]),
        channel=row["channel"],
    )


@dataclass(frozen=True)
class Invite:
    token: str
    chapter_id: int
    created_by: int
    expires_at: datetime
    revoked: bool


class SqliteMembers(Store):
    """Member records; every change that matters is audited in the same transaction."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self._fresh_accounts: dict[tuple[str, str], tuple[str, str | None]] = {}

    async def get(self, member_id: int) -> Member | None:
        row = await self._db.fetch_one(f"SELECT {MEMBER_COLUMNS} FROM members m WHERE m.id = ?", (member_id,))
        return member_from(row) if row else None

    async def find_by_account(self, channel: str, external_id: str) -> Member | None:
        row = await self._db.fetch_one(
            f"SELECT {MEMBER_COLUMNS} FROM members m JOIN channel_accounts a ON a.member_id = m.id "
            "WHERE a.channel = ? AND a.external_id = ?",
            (channel, external_id),
        )
        return member_from(row) if row else None

    async def create_visitor(
        self,
        *,
        channel: str,
        external_id: str,
        chat_id: str,
        display_name: str,
        username: str | None,
        now: datetime,
    ) -> Member:
        """First contact: a visitor row and its channel account (idempotent under races)."""
        stamp = to_db_time(now)
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "SELECT member_id FROM channel_accounts WHERE channel = ? AND external_id = ?",
                (channel, external_id),
            )
            found = await cur.fetchone()
            if found is None:
                cur = await conn.execute(
                    "INSERT INTO members (full_name, name_key, status, channel, created_at, updated_at) "
                    "VALUES (?, ?, 'visitor', ?, ?, ?)",
                    (display_name, fold(display_name), channel, stamp, stamp),
                )
                member_id = cur.lastrowid
                assert member_id is not None
                await conn.execute(
                    "INSERT INTO channel_accounts (member_id, channel, external_id, chat_id, username, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (member_id, channel, external_id, chat_id, username, stamp),
                )
            else:
                member_id = found["member_id"]
        member = await self.get(member_id)
        assert member is not None
        return member

    async def touch_account(
        self, channel: str, external_id: str, *, chat_id: str, username: str | None
    ) -> None:
        """A member wrote again: they are reachable (clear a block) and keep chat/username fresh.

        Runs for every update, so an account already written with these values since the last
        block is not written again (the bot is the only writer of channel accounts).
        """
        key, state = (channel, external_id), (chat_id, username)
        if self._fresh_accounts.get(key) == state:
            return
        async with self._db.connection() as conn:
            await conn.execute(
                "UPDATE channel_accounts SET chat_id = ?, username = ?, blocked_at = NULL "
                "WHERE channel = ? AND external_id = ? "
                "AND (chat_id != ? OR username IS NOT ? OR blocked_at IS NOT NULL)",
                (chat_id, username, channel, external_id, chat_id, username),
            )
        if len(self._fresh_accounts) > 50_000:
            self._fresh_accounts.clear()
        self._fresh_accounts[key] = state

    async def update(
        self, member_id: int, *, now: datetime, actor_id: int | None, action: str, **fields: object
    ) -> Member:
        """Change some columns of a member, audited with old and new values."""
        allowed = {
            "full_name",
            "status",
            "role",
            "ward_id",
            "chapter_id",
            "phone",
            "locale",
            "requested_at",
            "decided_by",
            "decided_at",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown member fields: {sorted(unknown)}")
        values = {
            k: (
                to_db_time(v)
                if isinstance(v, datetime)
                else (v.value if isinstance(v, (Role, MemberStatus)) else v)
            )
            for k, v in fields.items()
        }
        if "full_name" in values:
            values["name_key"] = fold(str(values["full_name"]))
        async with self._db.transaction() as conn:
            cur = await conn.execute(f"SELECT {', '.join(values)} FROM members WHERE id = ?", (member_id,))
            before = await cur.fetchone()
            if before is None:
                raise LookupError(f"member {member_id} does not exist")
            assignments = ", ".join(f"{column} = ?" for column in values)
            await conn.execute(
                f"UPDATE members SET {assignments}, updated_at = ? WHERE id = ?",
                (*values.values(), to_db_time(now), member_id),
            )
            changes = {
                k: {"old": before[k], "new": v}
                for k, v in values.items()
                if before[k] != v and k not in ("name_key", "phone")
            }
            if "phone" in values and before["phone"] != values["phone"]:
                changes["phone"] = {"old": "***" if before["phone"] else None, "new": "***"}
            if changes:
                await audit.record(
                    conn,
                    at=now,
                    actor_id=actor_id,
                    action=action,
                    entity="member",
                    entity_id=member_id,
                    details=changes,
                )
        member = await self.get(member_id)
        assert member is not None
        return member

    async def decide_pending(self, member_id: int, *, approve: bool, actor_id: int, now: datetime) -> bool:
        """Approve or reject a pending request exactly once; False if it was no longer pending."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE members SET status = ?, role = CASE WHEN ? THEN COALESCE(role, 'cadre') ELSE role "
                "END, decided_by = ?, decided_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
                (
                    "active" if approve else "rejected",
                    approve,
                    actor_id,
                    to_db_time(now),
                    to_db_time(now),
                    member_id,
                ),
            )
            if cur.rowcount != 1:
                return False
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                action="approve" if approve else "reject",
                entity="member",
                entity_id=member_id,
                details={},
            )
        return True

    async def decided_by(self, member_id: int) -> Member | None:
        """Who approved or rejected this member."""
        row = await self._db.fetch_one("SELECT decided_by FROM members WHERE id = ?", (member_id,))
        return await self.get(row["decided_by"]) if row and row["decided_by"] else None

    async def recipients(
        self,
        *,
        member_ids: Iterable[int] | None = None,
        roles: Iterable[Role] | None = None,
        ward_ids: Iterable[int] | None = None,
        chapter_ids: Iterable[int] | None = None,
        channel: str | None = None,
        include_blocked: bool = False,
    ) -> list[Recipient]:
        """Active members matching every given filter, with their chat on `channel` (default: each member's
        preferred channel, the one they last wrote from)."""
        sql = (
            "SELECT m.id, m.full_name, m.locale, m.ward_id, m.chapter_id, a.chat_id, a.channel "
            "FROM members m "
            f"JOIN channel_accounts a ON a.member_id = m.id AND {_ACCOUNT} WHERE m.status = 'active'"
        )
        params: list[object] = [channel]
        for column, values in (
            ("m.id", member_ids),
            ("m.role", roles),
            ("m.ward_id", ward_ids),
            ("m.chapter_id", chapter_ids),
        ):
            if values is not None:
                items = [v.value if isinstance(v, Role) else v for v in values]
                if not items:
                    return []
                sql += f" AND {column} IN ({', '.join('?' * len(items))})"
                params.extend(items)
        if not include_blocked:
            sql += " AND a.blocked_at IS NULL"
        rows = await self._db.fetch_all(sql + " ORDER BY m.name_key, m.id", params)
        return [
            Recipient(
                r["id"],
                r["chat_id"],
                r["locale"],
                r["full_name"],
                r["channel"],
                r["ward_id"],
                r["chapter_id"],
            )
            for r in rows
        ]

    async def audience_members(
        self, audience: Audience, *, include_blocked: bool = False
    ) -> list[AudienceMember]:
        """Everyone in an audience, on their preferred channel (`storage.audience`)."""
        return await audience_members(self._db, audience, include_blocked=include_blocked)

    async def recipient(self, member_id: int, channel: str | None = None) -> Recipient | None:
        """How to reach one member (whatever their status), on `channel` or their preferred channel."""
        row = await self._db.fetch_one(
            "SELECT m.id, m.full_name, m.locale, m.ward_id, m.chapter_id, a.chat_id, a.channel "
            "FROM members m "
            f"JOIN channel_accounts a ON a.member_id = m.id AND {_ACCOUNT} WHERE m.id = ?",
            (channel, member_id),
        )
        if row is None:
            return None
        return Recipient(
            row["id"],
            row["chat_id"],
            row["locale"],
            row["full_name"],
            row["channel"],
            row["ward_id"],
            row["chapter_id"],
        )

    async def list_members(
        self,
        *,
        ward_id: int | None = None,
        chapter_id: int | None = None,
        statuses: Iterable[MemberStatus] = (MemberStatus.ACTIVE,),
    ) -> list[Member]:
        """Members by place and status, ordered by name."""
        status_values = [s.value for s in statuses]
        sql = (
            f"SELECT {MEMBER_COLUMNS} FROM members m WHERE m.status IN "
            f"({', '.join('?' * len(status_values))})"
        )
        params: list[object] = list(status_values)
        if ward_id is not None:
            sql += " AND m.ward_id = ?"
            params.append(ward_id)
        if chapter_id is not None:
            sql += " AND m.chapter_id = ?"
            params.append(chapter_id)
        return [member_from(r) for r in await self._db.fetch_all(sql + " ORDER BY m.name_key, m.id", params)]

    async def search(self, query_key: str, *, ward_id: int | None = None, limit: int = 10) -> list[Member]:
        """Active members whose folded name contains the folded query."""
        sql = (
            f"SELECT {MEMBER_COLUMNS} FROM members m WHERE m.status = 'active' AND m.name_key LIKE ? "
            "ESCAPE '\\'"
        )
        like = "%" + query_key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params: list[object] = [like]
        if ward_id is not None:
            sql += " AND m.ward_id = ?"
            params.append(ward_id)
        rows = await self._db.fetch_all(sql + " ORDER BY m.name_key LIMIT ?", (*params, limit))
        return [member_from(r) for r in rows]

    async def save_link_code(self, member_id: int, channel: str, code: str, *, expires_at: datetime) -> None:
        """The member's one live linking code (a new one replaces the old)."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM link_codes WHERE member_id = ? OR code = ?", (member_id, code))
            await conn.execute(
                "INSERT INTO link_codes (code, member_id, channel, expires_at) VALUES (?, ?, ?, ?)",
                (code, member_id, channel, to_db_time(expires_at)),
            )

    async def take_link_code(self, code: str, *, now: datetime) -> tuple[int, str] | None:
        """The (member id, channel) a live code was shown to, used up; None when unknown or expired."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "SELECT member_id, channel, expires_at FROM link_codes WHERE code = ?", (code,)
            )
            row = await cur.fetchone()
            if row is None:
                return None
            await conn.execute("DELETE FROM link_codes WHERE code = ?", (code,))
            if db_time(row["expires_at"]) <= now:
                return None
            return row["member_id"], row["channel"]

    async def move_account(
        self, from_member: int, to_member: int, channel: str, *, now: datetime, actor_id: int
    ) -> None:
        """Give `from_member`'s account on `channel` to `to_member` (audited); the emptied visitor row is
        retired (status inactive) so nothing reaches it again."""
        self._fresh_accounts.clear()
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE channel_accounts SET member_id = ?, blocked_at = NULL "
                "WHERE member_id = ? AND channel = ?",
                (to_member, from_member, channel),
            )
            await conn.execute("DELETE FROM choice_lists WHERE member_id = ?", (from_member,))
            await conn.execute("DELETE FROM dialog_states WHERE member_id = ?", (from_member,))
            await conn.execute(
                "UPDATE members SET status = 'inactive', updated_at = ? WHERE id = ? AND status = 'visitor'",
                (to_db_time(now), from_member),
            )
            await conn.execute(
                "UPDATE members SET channel = ?, updated_at = ? WHERE id = ?",
                (channel, to_db_time(now), to_member),
            )
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                action="link_account",
                entity="member",
                entity_id=to_member,
                details={"channel": channel, "from_member": from_member},
            )

    async def channels_of(self, member_id: int) -> list[str]:
        """The channels the member has an account on."""
        rows = await self._db.fetch_all(
            "SELECT DISTINCT channel FROM channel_accounts WHERE member_id = ? ORDER BY channel", (member_id,)
        )
        return [r["channel"] for r in rows]

    async def set_channel(self, member_id: int, channel: str) -> None:
        """The member wrote from this channel: notices reach them there from now on."""
        async with self._db.connection() as conn:
            await conn.execute("UPDATE members SET channel = ? WHERE id = ?", (channel, member_id))

    async def mark_blocked(self, member_id: int, channel: str, *, now: datetime) -> None:
        """The member blocked the bot on this channel: skip them until they write again."""
        self._fresh_accounts.clear()
        async with self._db.connection() as conn:
            await conn.execute(
                "UPDATE channel_accounts SET blocked_at = ? WHERE member_id = ? AND channel = ? AND "
                "blocked_at IS NULL",
                (to_db_time(now), member_id, channel),
            )

    async def external_id(self, member_id: int, channel: str = "telegram") -> str | None:
        external_id: str | None = await self._db.fetch_value(
            "SELECT external_id FROM channel_accounts WHERE member_id = ? AND channel = ?",
            (member_id, channel),
        )
        return external_id

    async def save_invite(
        self, *, token: str, chapter_id: int, created_by: int, now: datetime, expires_at: datetime
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO invites (token, chapter_id, created_by, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (token, chapter_id, created_by, to_db_time(now), to_db_time(expires_at)),
            )
            await audit.record(
                conn,
                at=now,
                actor_id=created_by,
                action="create_invite",
                entity="chapter",
                entity_id=chapter_id,
                details={"expires_at": to_db_time(expires_at)},
            )

    async def invite(self, token: str) -> Invite | None:
        row = await self._db.fetch_one(
            "SELECT token, chapter_id, created_by, expires_at, revoked_at FROM invites WHERE token = ?",
            (token,),
        )
        if row is None:
            return None
        expires = from_db_time(row["expires_at"])
        assert expires is not None
        return Invite(
            row["token"], row["chapter_id"], row["created_by"], expires, row["revoked_at"] is not None
        )

    async def add_account(
        self, member_id: int, channel: str, external_id: str, *, chat_id: str, now: datetime
    ) -> None:
        """Give a member an account on another channel (the sandbox's demo people); kept if it exists."""
        self._fresh_accounts.clear()
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO channel_accounts "
                "(member_id, channel, external_id, chat_id, created_at) VALUES (?, ?, ?, ?, ?)",
                (member_id, channel, external_id, chat_id, to_db_time(now)),
            )

    async def accounts(self, channel: str = "telegram") -> list[tuple[Member, str]]:
        """Every member with an account on the channel, with its external id."""
        rows = await self._db.fetch_all(
            f"SELECT {MEMBER_COLUMNS}, a.external_id FROM members m JOIN channel_accounts a ON a.member_id "
            "= m.id AND a.channel = ? ORDER BY m.name_key",
            (channel,),
        )
        return [(member_from(r), r["external_id"]) for r in rows]

    async def count_by_status(self) -> dict[str, int]:
        rows = await self._db.fetch_all("SELECT status, COUNT(*) AS n FROM members GROUP BY status")
        return {r["status"]: r["n"] for r in rows}
