"""Seminars (tọa đàm): records, RSVP rules and reminder planning, as pure functions of state and time."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.core.audience import Audience
from bot.core.tasks import PlannedTask
from bot.core.when import end_problem, start_problem

DEFAULT_OFFSETS: tuple[timedelta, ...] = (timedelta(days=3), timedelta(days=1), timedelta(hours=2))
DEFAULT_DURATION = timedelta(hours=2)
SUMMARY_BEFORE = timedelta(days=1)
FEEDBACK_AFTER_END = timedelta(minutes=30)
NUDGE_INTERVAL = timedelta(hours=1)
MAX_OFFSET = timedelta(days=30)
MIN_OFFSET = timedelta(minutes=15)
MAX_OFFSETS = 5
MAX_TOPIC = 200
MAX_VENUE = 200
MAX_AGENDA = 1500
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

REMINDER = "seminar_reminder"
SUMMARY = "seminar_summary"
FEEDBACK = "seminar_feedback"
ANNOUNCE = "seminar_announce"


class Rsvp(StrEnum):
    """An invitee's answer."""

    PENDING = "pending"
    YES = "yes"
    NO = "no"
    DELEGATED = "delegated"


class SeminarStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Announcement(StrEnum):
    """What an announce task tells invitees."""

    INVITE = "invite"
    MOVED = "moved"
    CANCELLED = "cancelled"
    NUDGE = "nudge"


@dataclass(frozen=True)
class Seminar:
    id: int
    topic: str
    host: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    agenda: str
    status: SeminarStatus
    created_by: int
    audience: Audience = Audience()
    offsets: tuple[timedelta, ...] = DEFAULT_OFFSETS
    attachment_blob_id: int | None = None
    version: int = 0
    nudges: int = 0
    last_nudged_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status is SeminarStatus.SCHEDULED

    def started(self, now: datetime) -> bool:
        return now >= self.starts_at

    @property
    def task_prefix(self) -> str:
        return f"seminar:{self.id}:"

    @property
    def version_prefix(self) -> str:
        return f"seminar:{self.id}:v{self.version}:"


@dataclass(frozen=True)
class Invitee:
    seminar_id: int
    member_id: int
    full_name: str
    ward_id: int | None
    rsvp: Rsvp
    responded_at: datetime | None = None
    delegate_of: int | None = None
    delegated_to: int | None = None


def invitation_key(seminar_id: int, version: int, member_id: int) -> str:
    """The outbox dedupe key of one member's invitation (at creation or when invited later): sent once."""
    return f"seminar:{seminar_id}:v{version}:invite:to:{member_id}"


def newly_invited(reached: Iterable[int], invited: Iterable[int]) -> list[int]:
    """Members an added audience reaches who are not invitees yet (whatever they answered), in order, once."""
    already = set(invited)
    return [m for m in dict.fromkeys(reached) if m not in already]


def reminder_key(seminar: Seminar, offset: timedelta) -> str:
    return f"{seminar.version_prefix}remind:{int(offset.total_seconds())}"


def plan_tasks(seminar: Seminar, now: datetime) -> list[PlannedTask]:
    """Reminders (one per offset), the organiser's summary the day before and the feedback question after
    the end, for this version of the seminar; only those still in the future. Nothing for a cancelled one."""
    if not seminar.is_open:
        return []
    base = {"seminar_id": seminar.id, "version": seminar.version}
    tasks = [
        PlannedTask(
            reminder_key(seminar, offset),
            REMINDER,
            seminar.starts_at - offset,
            {**base, "offset": int(offset.total_seconds())},
        )
        for offset in seminar.offsets
    ]
    tasks.append(
        PlannedTask(f"{seminar.version_prefix}summary", SUMMARY, seminar.starts_at - SUMMARY_BEFORE, base)
    )
    tasks.append(
        PlannedTask(f"{seminar.version_prefix}feedback", FEEDBACK, seminar.ends_at + FEEDBACK_AFTER_END, base)
    )
    return sorted((t for t in tasks if t.due_at > now), key=lambda t: (t.due_at, t.key))


def announce_task(
    seminar: Seminar, what: Announcement, now: datetime, *, to: int | None = None
) -> PlannedTask:
    """A task, due now, that tells invitees (or one member) about the seminar; its key makes it once-only."""
    if what is Announcement.INVITE:
        key = f"{seminar.version_prefix}invite" + (f":{to}" if to is not None else "")
    elif what is Announcement.MOVED:
        key = f"{seminar.version_prefix}moved"
    elif what is Announcement.NUDGE:
        key = f"{seminar.task_prefix}nudge:{seminar.nudges}"
    else:
        key = f"{seminar.task_prefix}cancelled"
    payload: dict[str, Any] = {"seminar_id": seminar.id, "version": seminar.version, "what": what.value}
    if to is not None:
        payload["to"] = to
    return PlannedTask(key, ANNOUNCE, now, payload)


class ReminderDecision(StrEnum):
    SEND = "send"
    OUTDATED = "outdated"  # planned for an earlier date of the seminar, or it was cancelled
    STARTED = "started"  # fell due while the bot was down and the seminar has begun
    SUPERSEDED = "superseded"  # a later reminder is also due: send only that one


def reminder_decision(
    seminar: Seminar | None, *, version: int, offset: timedelta, now: datetime
) -> ReminderDecision:
    """Whether a reminder that has fallen due should still go out (it may run late, after downtime)."""
    if seminar is None or not seminar.is_open or seminar.version != version:
        return ReminderDecision.OUTDATED
    if seminar.started(now):
        return ReminderDecision.STARTED
    if any(other < offset and seminar.starts_at - other <= now for other in seminar.offsets):
        return ReminderDecision.SUPERSEDED
    return ReminderDecision.SEND


def summary_due(seminar: Seminar | None, *, version: int, now: datetime) -> bool:
    """The organiser's RSVP summary is worth sending until the seminar starts."""
    return seminar is not None and seminar.is_open and seminar.version == version and not seminar.started(now)


def feedback_due(seminar: Seminar | None, *, version: int) -> bool:
    """Attendees are asked for feedback once the seminar (as last scheduled) is over."""
    return seminar is not None and seminar.is_open and seminar.version == version


class RsvpOutcome(StrEnum):
    OK = "ok"
    UNCHANGED = "unchanged"
    NOT_INVITED = "not_invited"
    CANCELLED = "cancelled"
    TOO_LATE = "too_late"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    ALREADY_INVITED = "already_invited"
    DENIED = "denied"


def check_rsvp(seminar: Seminar | None, invitee: Invitee | None, answer: Rsvp, now: datetime) -> RsvpOutcome:
    """May this invitee give this answer now? Answers can change until the start."""
    if seminar is None:
        return RsvpOutcome.NOT_FOUND
    if invitee is None:
        return RsvpOutcome.NOT_INVITED
    if not seminar.is_open:
        return RsvpOutcome.CANCELLED
    if seminar.started(now):
        return RsvpOutcome.TOO_LATE
    if answer is Rsvp.PENDING:
        return RsvpOutcome.INVALID
    if invitee.rsvp is answer and answer is not Rsvp.DELEGATED:
        return RsvpOutcome.UNCHANGED
    return RsvpOutcome.OK


def check_delegation(
    seminar: Seminar | None,
    invitee: Invitee | None,
    replacement_id: int,
    replacement_invite: Invitee | None,
    now: datetime,
) -> RsvpOutcome:
    """May this invitee send `replacement_id` in their place?"""
    outcome = check_rsvp(seminar, invitee, Rsvp.DELEGATED, now)
    if outcome is not RsvpOutcome.OK:
        return outcome
    assert invitee is not None
    if replacement_id == invitee.member_id:
        return RsvpOutcome.INVALID
    if replacement_invite is not None and replacement_invite.rsvp is not Rsvp.DELEGATED:
        return RsvpOutcome.ALREADY_INVITED
    return RsvpOutcome.OK


def check_new_start(starts_at: datetime, now: datetime) -> bool:
    """A seminar must start in the future and within two years."""
    return start_problem(starts_at, now) is None


def check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> bool:
    """A new seminar's start and end: the start still to come, the end after it (same rules as trainings)."""
    return check_new_start(starts_at, now) and end_problem(starts_at, ends_at) is None


def may_nudge(seminar: Seminar, now: datetime) -> bool:
    """One nudge an hour at most, before the start."""
    if not seminar.is_open or seminar.started(now):
        return False
    return seminar.last_nudged_at is None or now - seminar.last_nudged_at >= NUDGE_INTERVAL


@dataclass(frozen=True)
class RsvpCounts:
    """Answers so far, with names grouped by ward id (None for members without a ward)."""

    attending: dict[int | None, list[str]]
    declined: dict[int | None, list[str]]
    pending: dict[int | None, list[str]]
    delegated: dict[int | None, list[str]]

    @staticmethod
    def _total(group: dict[int | None, list[str]]) -> int:
        return sum(len(v) for v in group.values())

    @property
    def yes(self) -> int:
        return self._total(self.attending)

    @property
    def no(self) -> int:
        return self._total(self.declined)

    @property
    def waiting(self) -> int:
        return self._total(self.pending)

    @property
    def replaced(self) -> int:
        return self._total(self.delegated)


def count_rsvps(invitees: Iterable[Invitee]) -> RsvpCounts:
    """Tally the answers, names by ward, in the order given (storage orders them by name)."""
    groups: dict[Rsvp, dict[int | None, list[str]]] = {r: {} for r in Rsvp}
    for invitee in invitees:
        groups[invitee.rsvp].setdefault(invitee.ward_id, []).append(invitee.full_name)
    return RsvpCounts(groups[Rsvp.YES], groups[Rsvp.NO], groups[Rsvp.PENDING], groups[Rsvp.DELEGATED])


_OFFSET_PART = re.compile(r"^(\d{1,3})\s*(d|ngay|h|gio|g|m|phut|p)$")
_UNITS = {
    "d": "days",
    "ngay": "days",
    "h": "hours",
    "gio": "hours",
    "g": "hours",
    "m": "minutes",
    "phut": "minutes",
    "p": "minutes",
}


def parse_offsets(text: str) -> tuple[timedelta, ...] | None:
    """Reminder offsets as typed: '3d, 1d, 2h' or '3 ngày, 1 ngày, 2 giờ' → largest first; None if invalid.

    Takes already-folded text (no diacritics). Each offset is between 15 minutes and 30 days; at most 5.
    """
    parts = [p.strip() for p in re.split(r"[,;]", text.lower()) if p.strip()]
    if not parts or len(parts) > MAX_OFFSETS:
        return None
    offsets: set[timedelta] = set()
    for part in parts:
        match = _OFFSET_PART.match(part)
        if match is None:
            return None
        offset = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        if not MIN_OFFSET <= offset <= MAX_OFFSET:
            return None
        offsets.add(offset)
    return tuple(sorted(offsets, reverse=True))


def offsets_to_seconds(offsets: Iterable[timedelta]) -> list[int]:
    return [int(o.total_seconds()) for o in offsets]


def offsets_from_seconds(values: Iterable[int]) -> tuple[timedelta, ...]:
    return tuple(sorted((timedelta(seconds=int(v)) for v in values), reverse=True))
