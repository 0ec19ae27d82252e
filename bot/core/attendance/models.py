"""Training sessions, registrations and attendance: channel-neutral records."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypedDict, TypeVar

from bot.core.models import Member, Role

DEFAULT_OPENS_BEFORE_MINUTES = 60
DEFAULT_LATE_AFTER_MINUTES = 15
_T = TypeVar("_T")


class MemberFilter(TypedDict, total=False):
    """Keyword filters of a member query (`MemberStore.recipients`)."""

    ward_ids: tuple[int, ...]
    roles: tuple[Role, ...]
    chapter_ids: tuple[int, ...]


class TrainingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RegistrationStatus(StrEnum):
    """A member's answer to an invitation; only REGISTERED counts against the capacity."""

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class CheckInMethod(StrEnum):
    QR = "qr"
    CODE = "code"
    MANUAL = "manual"


@dataclass(frozen=True)
class Audience:
    """Who is invited: everyone, or members in any of the listed wards / roles / chapters."""

    everyone: bool = True
    ward_ids: tuple[int, ...] = ()
    roles: tuple[Role, ...] = ()
    chapter_ids: tuple[int, ...] = ()

    def includes(self, member: Member) -> bool:
        """Is this (active) member invited?"""
        if not member.is_active:
            return False
        if self.everyone:
            return True
        return (
            (member.ward_id is not None and member.ward_id in self.ward_ids)
            or (member.role is not None and member.role in self.roles)
            or (member.chapter_id is not None and member.chapter_id in self.chapter_ids)
        )

    def to_json(self) -> str:
        if self.everyone:
            return json.dumps({"everyone": True})
        return json.dumps(
            {
                "ward_ids": list(self.ward_ids),
                "roles": [r.value for r in self.roles],
                "chapter_ids": list(self.chapter_ids),
            }
        )

    @classmethod
    def from_json(cls, raw: str | None) -> Audience:
        data: dict[str, Any] = json.loads(raw) if raw else {"everyone": True}
        if data.get("everyone"):
            return cls()
        return cls(
            False,
            tuple(int(i) for i in data.get("ward_ids", ())),
            tuple(Role(r) for r in data.get("roles", ())),
            tuple(int(i) for i in data.get("chapter_ids", ())),
        )

    @property
    def empty(self) -> bool:
        return not self.everyone and not (self.ward_ids or self.roles or self.chapter_ids)

    def widened(self, added: Audience) -> Audience:
        """Everyone either audience invites (the union); nobody already invited is left out."""
        if self.everyone or added.everyone:
            return Audience()
        return Audience(
            False,
            _merged(self.ward_ids, added.ward_ids),
            _merged(self.roles, added.roles),
            _merged(self.chapter_ids, added.chapter_ids),
        )

    def member_filters(self) -> list[MemberFilter]:
        """Member queries (roles= / ward_ids= / chapter_ids=) whose results together are the audience.

        Everyone is one query without filters; an empty audience is no query at all.
        """
        if self.everyone:
            return [{}]
        filters: list[MemberFilter] = []
        if self.ward_ids:
            filters.append({"ward_ids": self.ward_ids})
        if self.roles:
            filters.append({"roles": self.roles})
        if self.chapter_ids:
            filters.append({"chapter_ids": self.chapter_ids})
        return filters


def _merged(first: tuple[_T, ...], second: tuple[_T, ...]) -> tuple[_T, ...]:
    """`first`, then whatever of `second` is not in it, each once."""
    return tuple(dict.fromkeys((*first, *second)))


@dataclass(frozen=True)
class TrainingDraft:
    """What an organiser typed for a new session, already parsed and checked."""

    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    audience: Audience = field(default_factory=Audience)
    capacity: int | None = None
    description: str | None = None


@dataclass(frozen=True)
class Training:
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    description: str | None
    capacity: int | None
    audience: Audience
    status: TrainingStatus
    checkin_opens_minutes: int = DEFAULT_OPENS_BEFORE_MINUTES
    late_after_minutes: int = DEFAULT_LATE_AFTER_MINUTES
    version: int = 1
    created_by: int | None = None
    seminar_id: int | None = None

    @property
    def cancelled(self) -> bool:
        return self.status is TrainingStatus.CANCELLED

    @property
    def opens_at(self) -> datetime:
        """When check-in opens (by default an hour before the start)."""
        return self.starts_at - timedelta(minutes=self.checkin_opens_minutes)

    @property
    def for_seminar(self) -> bool:
        """The check-in of a seminar rather than a training session of its own."""
        return self.seminar_id is not None

    @property
    def late_from(self) -> datetime:
        """Checking in after this moment counts as late."""
        return self.starts_at + timedelta(minutes=self.late_after_minutes)


@dataclass(frozen=True)
class Registration:
    training_id: int
    member_id: int
    status: RegistrationStatus
    registered_at: datetime | None


@dataclass(frozen=True)
class Attendance:
    training_id: int
    member_id: int
    checked_in_at: datetime | None
    method: CheckInMethod | None
    late: bool
    excused: bool


@dataclass(frozen=True)
class RosterRow:
    """One person on a session's list: registration and attendance side by side."""

    member_id: int
    full_name: str
    ward: str | None
    chapter: str | None
    role: Role | None
    registration: RegistrationStatus | None
    registered_at: datetime | None
    checked_in_at: datetime | None
    method: CheckInMethod | None
    late: bool
    excused: bool

    @property
    def checked_in(self) -> bool:
        return self.checked_in_at is not None
