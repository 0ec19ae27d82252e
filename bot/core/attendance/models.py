"""Training sessions, registrations and attendance: channel-neutral records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.audience import EVERYONE, Audience
from bot.core.models import Role

DEFAULT_OPENS_BEFORE_MINUTES = 60
DEFAULT_LATE_AFTER_MINUTES = 15


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
class TrainingDraft:
    """What an organiser typed for a new session, already parsed and checked."""

    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    audience: Audience = EVERYONE
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
