"""The computed weekly summary: plain numbers, ready for a message, a chart and a workbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.summary.weeks import Week


def ratio(part: int, whole: int) -> float | None:
    """part/whole, or None when there is nothing to divide by."""
    return part / whole if whole > 0 else None


@dataclass(frozen=True)
class WardLine:
    """One ward's numbers (new members this week / previous week / period to date; reporting)."""

    ward_id: int
    name: str
    active: bool
    new_this_week: int
    new_previous_week: int
    new_period: int
    expected: int
    reported: int
    excused: int
    missing: tuple[str, ...]

    @property
    def change(self) -> int:
        return self.new_this_week - self.new_previous_week

    @property
    def reporting_rate(self) -> float | None:
        return ratio(self.reported, self.expected)


@dataclass(frozen=True)
class ChapterLine:
    chapter_id: int
    ward_id: int
    ward_name: str
    name: str
    active: bool
    expected: bool
    reported: bool
    excused: bool
    on_time: bool | None
    filed_at: datetime | None
    new_members_period: int
    new_this_week: int


@dataclass(frozen=True)
class NewMembers:
    this_week: int
    previous_week: int
    period: int

    @property
    def change(self) -> int:
        return self.this_week - self.previous_week


@dataclass(frozen=True)
class Reporting:
    """Reporting for the period: `expected` excludes excused, inactive chapters and inactive wards."""

    period_key: str
    deadline: datetime | None
    expected: int
    reported: int
    on_time: int
    excused: int
    missing_by_ward: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def rate(self) -> float | None:
        return ratio(self.reported, self.expected)

    @property
    def missing(self) -> int:
        return sum(len(names) for _, names in self.missing_by_ward)


@dataclass(frozen=True)
class TrainingLine:
    title: str
    starts_at: datetime
    venue: str
    registered: int
    attended: int

    @property
    def rate(self) -> float | None:
        return ratio(self.attended, self.registered)


@dataclass(frozen=True)
class SeminarLine:
    topic: str
    starts_at: datetime
    venue: str
    yes: int
    no: int
    delegated: int
    pending: int

    @property
    def invited(self) -> int:
        return self.yes + self.no + self.delegated + self.pending


@dataclass(frozen=True)
class Broadcasts:
    sent: int
    recipients: int
    acked: int

    @property
    def rate(self) -> float | None:
        return ratio(self.acked, self.recipients)


@dataclass(frozen=True)
class FaqStats:
    asked: int
    unanswered: int
    low_confidence: int
    forwarded: int
    queue: int | None


@dataclass(frozen=True)
class WeeklySummary:
    """One week's summary, for the district or for one ward (`ward_name` set).

    A section is None when there is nothing to say about it.
    """

    week: Week
    previous_week: Week
    as_of: datetime
    ward_id: int | None
    ward_name: str | None
    new_members: NewMembers | None
    reporting: Reporting | None
    trainings_held: tuple[TrainingLine, ...]
    trainings_next: tuple[TrainingLine, ...]
    seminars: tuple[SeminarLine, ...]
    broadcasts: Broadcasts | None
    faq: FaqStats | None
    wards: tuple[WardLine, ...]
    chapters: tuple[ChapterLine, ...]

    @property
    def is_empty(self) -> bool:
        """Nothing at all happened or needs attention."""
        return (
            self.new_members is None
            and self.reporting is None
            and not self.trainings_held
            and not self.trainings_next
            and not self.seminars
            and self.broadcasts is None
            and self.faq is None
        )
