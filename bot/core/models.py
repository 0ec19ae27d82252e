"""Channel-neutral domain records shared by every feature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """What a member does in the association; ordered from most to least powerful."""

    ADMIN = "admin"
    ORGANISER = "organiser"
    WARD_LEAD = "ward_lead"
    CADRE = "cadre"


class MemberStatus(StrEnum):
    """Where a person is in the onboarding process."""

    VISITOR = "visitor"
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class Ward:
    id: int
    name: str
    active: bool = True


@dataclass(frozen=True)
class Chapter:
    id: int
    ward_id: int
    name: str
    kind: str | None = None
    active: bool = True


@dataclass(frozen=True)
class Member:
    """A person known to the bot, whatever channel they write from."""

    id: int
    full_name: str
    status: MemberStatus
    role: Role | None = None
    ward_id: int | None = None
    chapter_id: int | None = None
    phone: str | None = None
    locale: str = "vi"
    requested_at: datetime | None = None
    channel: str | None = None
    """The channel notices reach them on: the one they last wrote from."""

    @property
    def is_active(self) -> bool:
        return self.status is MemberStatus.ACTIVE and self.role is not None


@dataclass(frozen=True)
class Recipient:
    """Where to reach a member on one channel, with the language to write in."""

    member_id: int
    chat_id: str
    locale: str
    full_name: str
    channel: str = "telegram"
    ward_id: int | None = None
    chapter_id: int | None = None
