"""What the core needs from storage, as protocols (storage/ implements them with SQLite)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from bot.core.models import Chapter, Member, MemberStatus, Recipient, Role, Ward


class OrgStore(Protocol):
    async def wards(self, *, include_inactive: bool = False) -> list[Ward]: ...
    async def ward(self, ward_id: int) -> Ward | None: ...
    async def chapters(
        self, ward_id: int | None = None, *, include_inactive: bool = False
    ) -> list[Chapter]: ...
    async def chapter(self, chapter_id: int) -> Chapter | None: ...


class MemberStore(Protocol):
    async def get(self, member_id: int) -> Member | None: ...
    async def find_by_account(self, channel: str, external_id: str) -> Member | None: ...
    async def create_visitor(
        self,
        *,
        channel: str,
        external_id: str,
        chat_id: str,
        display_name: str,
        username: str | None,
        now: datetime,
    ) -> Member: ...
    async def touch_account(
        self, channel: str, external_id: str, *, chat_id: str, username: str | None
    ) -> None: ...
    async def update(
        self, member_id: int, *, now: datetime, actor_id: int | None, action: str, **fields: Any
    ) -> Member: ...
    async def decide_pending(
        self, member_id: int, *, approve: bool, actor_id: int, now: datetime
    ) -> bool: ...
    async def decided_by(self, member_id: int) -> Member | None: ...
    async def recipients(
        self,
        *,
        member_ids: Iterable[int] | None = None,
        roles: Iterable[Role] | None = None,
        ward_ids: Iterable[int] | None = None,
        chapter_ids: Iterable[int] | None = None,
        channel: str | None = None,
        include_blocked: bool = False,
    ) -> list[Recipient]: ...
    async def recipient(self, member_id: int, channel: str | None = None) -> Recipient | None: ...
    async def set_channel(self, member_id: int, channel: str) -> None: ...
    async def search(
        self, query_key: str, *, ward_id: int | None = None, limit: int = 10
    ) -> list[Member]: ...
    async def list_members(
        self,
        *,
        ward_id: int | None = None,
        chapter_id: int | None = None,
        statuses: Iterable[MemberStatus] = ...,
    ) -> list[Member]: ...
    async def save_invite(
        self, *, token: str, chapter_id: int, created_by: int, now: datetime, expires_at: datetime
    ) -> None: ...
    async def invite(self, token: str) -> Any: ...
    async def mark_blocked(self, member_id: int, channel: str, *, now: datetime) -> None: ...
    async def external_id(self, member_id: int, channel: str = "telegram") -> str | None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
