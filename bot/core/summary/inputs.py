"""What the summary is computed from: small facts storage gathers with SQL aggregation.

Counts broken down by ward (`ward_id` None = members without a ward) let the same facts serve
the district version and every ward lead's version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.models import Chapter, Ward
from bot.core.summary.weeks import Week


@dataclass(frozen=True)
class ReportFact:
    """A chapter's report for one period, or an excuse for that period (then filed_at may be None)."""

    chapter_id: int
    period_key: str
    new_members: int = 0
    filed_at: datetime | None = None
    excused: bool = False


@dataclass(frozen=True)
class Event:
    """A training or a seminar: title (or topic), when and where; cancelled ones never reach the summary.

    `ends_at` (None: unknown) tells a session still running from one held; `ward_ids` are the wards its
    audience is limited to (None: not limited to wards, e.g. everyone or some roles).
    """

    id: int
    title: str
    starts_at: datetime
    venue: str = ""
    ends_at: datetime | None = None
    ward_ids: frozenset[int] | None = None

    def over(self, at: datetime) -> bool:
        return (self.ends_at or self.starts_at) <= at


@dataclass(frozen=True)
class TrainingCounts:
    training_id: int
    ward_id: int | None
    registered: int = 0
    attended: int = 0


@dataclass(frozen=True)
class SeminarCounts:
    seminar_id: int
    ward_id: int | None
    yes: int = 0
    no: int = 0
    delegated: int = 0
    pending: int = 0


@dataclass(frozen=True)
class BroadcastFact:
    """A broadcast that started sending; `recipients` is its total audience."""

    id: int
    sent_at: datetime
    recipients: int


@dataclass(frozen=True)
class BroadcastCounts:
    broadcast_id: int
    ward_id: int | None
    delivered: int = 0
    acked: int = 0


@dataclass(frozen=True)
class FaqCounts:
    """Questions asked during the week by members of one ward."""

    ward_id: int | None
    asked: int = 0
    unanswered: int = 0
    low_confidence: int = 0
    forwarded: int = 0


@dataclass(frozen=True)
class PeriodInfo:
    """The reporting period the summary reads the reporting rate for."""

    key: str
    deadline: datetime | None = None


@dataclass(frozen=True)
class SummaryInputs:
    """Everything one summary needs."""

    week: Week
    as_of: datetime
    period: PeriodInfo
    wards: tuple[Ward, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    """The wards and chapters as they are named now (renames show the new name; reports follow the id)."""
    reports: tuple[ReportFact, ...] = ()
    trainings: tuple[Event, ...] = ()
    training_counts: tuple[TrainingCounts, ...] = ()
    seminars: tuple[Event, ...] = ()
    seminar_counts: tuple[SeminarCounts, ...] = ()
    broadcasts: tuple[BroadcastFact, ...] = ()
    broadcast_counts: tuple[BroadcastCounts, ...] = ()
    faq: tuple[FaqCounts, ...] = ()
    faq_queue: int = 0
