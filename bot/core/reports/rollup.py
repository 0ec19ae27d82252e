"""Chapter → ward → district roll-up of one period's reports, from plain rows (DHIS2-style rates)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    EXCUSED = "excused"


@dataclass(frozen=True)
class ChapterRow:
    chapter_id: int
    chapter_name: str
    ward_id: int
    ward_name: str


@dataclass(frozen=True)
class ReportRow:
    chapter_id: int
    new_members: int
    total_members: int
    filed_at: datetime


@dataclass(frozen=True)
class ChapterLine:
    chapter: ChapterRow
    status: Status
    new_members: int | None = None
    total_members: int | None = None

    @property
    def reported(self) -> bool:
        return self.status in (Status.ON_TIME, Status.LATE)


@dataclass(frozen=True)
class Totals:
    """Counts for a ward or the district; rates are None when no report was expected."""

    chapters: int
    expected: int
    reported: int
    on_time: int
    excused: int
    new_members: int
    total_members: int

    @property
    def missing(self) -> int:
        return self.expected - self.reported

    @property
    def reporting_rate(self) -> float | None:
        return self.reported / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.expected if self.expected else None


@dataclass(frozen=True)
class WardRollup:
    ward_id: int
    ward_name: str
    totals: Totals
    chapters: tuple[ChapterLine, ...]


@dataclass(frozen=True)
class Rollup:
    district: Totals
    wards: tuple[WardRollup, ...]

    def ward(self, ward_id: int) -> WardRollup | None:
        return next((w for w in self.wards if w.ward_id == ward_id), None)

    def missing(self) -> list[ChapterLine]:
        return [line for w in self.wards for line in w.chapters if line.status is Status.MISSING]


def _totals(lines: list[ChapterLine]) -> Totals:
    reported = [line for line in lines if line.reported]
    excused = sum(1 for line in lines if line.status is Status.EXCUSED)
    return Totals(
        chapters=len(lines),
        expected=len(lines) - excused,
        reported=len(reported),
        on_time=sum(1 for line in reported if line.status is Status.ON_TIME),
        excused=excused,
        new_members=sum(line.new_members or 0 for line in reported),
        total_members=sum(line.total_members or 0 for line in reported),
    )


def roll_up(
    chapters: Iterable[ChapterRow], reports: Iterable[ReportRow], excused: Iterable[int], deadline: datetime
) -> Rollup:
    """One period's picture. A report counts as on time when first filed by the deadline minute; an excused
    chapter is neither expected nor missing (a report it files anyway still counts)."""
    by_chapter = {r.chapter_id: r for r in reports}
    excused_ids = set(excused)
    wards: dict[int, list[ChapterLine]] = {}
    names: dict[int, str] = {}
    for chapter in chapters:
        report = by_chapter.get(chapter.chapter_id)
        if report is not None:
            status = Status.ON_TIME if report.filed_at <= deadline else Status.LATE
            line = ChapterLine(chapter, status, report.new_members, report.total_members)
        else:
            line = ChapterLine(
                chapter, Status.EXCUSED if chapter.chapter_id in excused_ids else Status.MISSING
            )
        wards.setdefault(chapter.ward_id, []).append(line)
        names[chapter.ward_id] = chapter.ward_name
    ward_rollups = tuple(
        WardRollup(ward_id, names[ward_id], _totals(lines), tuple(lines)) for ward_id, lines in wards.items()
    )
    return Rollup(_totals([line for w in ward_rollups for line in w.chapters]), ward_rollups)
