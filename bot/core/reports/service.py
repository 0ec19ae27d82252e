"""The reports service: filing, correcting, excusing, settings and the picture; permissions are checked
here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.core.models import Chapter, Member, Role, Ward
from bot.core.parsing import VN_TZ, Period
from bot.core.permissions import Action, Reach, can, reach_of
from bot.core.ports import Clock, OrgStore
from bot.core.reports.rollup import ChapterRow, ReportRow, Rollup, roll_up
from bot.core.reports.rules import MAX_COUNT, MAX_NOTE, Concern, PastReport, sanity_warnings
from bot.core.reports.schedule import (
    ReportConfig,
    ReportingPeriod,
    Step,
    current_period,
    ladder,
    period_from_key,
    periods_between,
    reporting_period,
    step_still_makes_sense,
    task_key,
)
from bot.core.tasks import TaskPlanner

HISTORY_LENGTH = 6
TASK_KIND = "report_ladder"


@dataclass(frozen=True)
class StoredReport:
    id: int
    chapter_id: int
    period_key: str
    new_members: int
    total_members: int
    note: str | None
    photo_file_id: str | None
    filed_by: int | None
    on_behalf: bool
    filed_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ReportValues:
    new_members: int
    total_members: int
    note: str | None = None
    photo_file_id: str | None = None


class ReportStore(Protocol):
    async def config(self) -> ReportConfig: ...
    async def save_config(self, config: ReportConfig, *, actor_id: int | None, now: datetime) -> None: ...
    async def collecting_since(self, now: datetime) -> datetime: ...
    async def get(self, chapter_id: int, period_key: str) -> StoredReport | None: ...
    async def save(
        self,
        chapter_id: int,
        period_key: str,
        values: ReportValues,
        *,
        actor_id: int,
        on_behalf: bool,
        now: datetime,
    ) -> tuple[StoredReport, StoredReport | None]: ...
    async def history(self, chapter_id: int, *, before_key: str, limit: int) -> list[PastReport]: ...
    async def for_periods(self, period_keys: Sequence[str]) -> list[StoredReport]: ...
    async def excused(self, period_key: str) -> set[int]: ...
    async def set_excused(
        self, chapter_id: int, period_key: str, excused: bool, *, actor_id: int, now: datetime
    ) -> bool: ...
    async def changes(self, report_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]: ...
    async def filer_names(self, member_ids: Sequence[int]) -> dict[int, str]: ...


class ReportTasks(TaskPlanner, Protocol):
    async def cancel_prefix(self, prefix: str) -> int: ...


class FileOutcome(StrEnum):
    FILED = "filed"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DENIED = "denied"
    NOT_FOUND = "not_found"
    CLOSED = "closed"
    INVALID = "invalid"


@dataclass(frozen=True)
class FileResult:
    outcome: FileOutcome
    report: StoredReport | None = None
    previous: StoredReport | None = None
    on_time: bool | None = None


@dataclass(frozen=True)
class Target:
    """A chapter someone is about to report for, in a period."""

    chapter: Chapter
    ward: Ward | None
    period: ReportingPeriod
    existing: StoredReport | None
    on_behalf: bool


@dataclass(frozen=True)
class Rung:
    """One due rung of the ladder, decided from fresh state: the chapters still missing."""

    step: Step
    period: ReportingPeriod
    missing: tuple[ChapterRow, ...] = field(default_factory=tuple)


def on_behalf(actor: Member, chapter: Chapter) -> bool:
    """Filed by someone other than a cadre of the chapter itself (a ward lead, an organiser)."""
    return actor.chapter_id != chapter.id or actor.role is not Role.CADRE


@dataclass(frozen=True)
class ExportData:
    """Everything an export of a range of periods shows: each period's roll-up and every report with its
    history."""

    periods: tuple[tuple[ReportingPeriod, Rollup], ...]
    reports: tuple[StoredReport, ...]
    changes: dict[int, list[dict[str, Any]]]
    names: dict[int, str]
    chapters: dict[int, ChapterRow]


MAX_EXPORT_PERIODS = 60


class ReportService:
    """Everything adapters may ask about chapter reports."""

    def __init__(
        self, store: ReportStore, org: OrgStore, tasks: ReportTasks, clock: Clock, tz: ZoneInfo = VN_TZ
    ) -> None:
        self._store, self._org, self._tasks, self._clock, self._tz = store, org, tasks, clock, tz

    async def config(self) -> ReportConfig:
        return await self._store.config()

    async def current_period(self, now: datetime | None = None) -> ReportingPeriod:
        """The period being collected now, with its key ('2026-11') and aware deadline."""
        return current_period(now or self._clock.now(), await self._store.config(), self._tz)

    async def period(self, key: str) -> ReportingPeriod | None:
        """A period by key under the current settings (None when the key is of another kind)."""
        config = await self._store.config()
        period = period_from_key(key)
        if period is None or period.kind is not config.kind:
            return None
        return reporting_period(period, config, self._tz)

    async def report(self, chapter_id: int, period_key: str) -> StoredReport | None:
        """A chapter's report for a period, if filed."""
        return await self._store.get(chapter_id, period_key)

    async def chapters_to_file(self, actor: Member | None) -> list[Chapter]:
        """The chapters this member may report for: a cadre their own, a ward lead their ward's, organisers
        all."""
        reach = reach_of(actor, Action.FILE_REPORT)
        if actor is None or reach is Reach.NONE:
            return []
        if reach is Reach.OWN_CHAPTER:
            chapter = await self._org.chapter(actor.chapter_id) if actor.chapter_id else None
            return [chapter] if chapter and chapter.active else []
        if reach is Reach.OWN_WARD:
            return await self._org.chapters(actor.ward_id) if actor.ward_id else []
        return await self._org.chapters()

    async def target(
        self, actor: Member | None, chapter_id: int, period_key: str | None = None
    ) -> Target | None:
        """What the member would file: None when they may not, or the chapter or period is unknown."""
        chapter = await self._org.chapter(chapter_id)
        if chapter is None or not chapter.active:
            return None
        if not can(actor, Action.FILE_REPORT, ward_id=chapter.ward_id, chapter_id=chapter.id):
            return None
        assert actor is not None
        rp = await self.period(period_key) if period_key else await self.current_period()
        if rp is None:
            return None
        return Target(
            chapter,
            await self._org.ward(chapter.ward_id),
            rp,
            await self._store.get(chapter.id, rp.key),
            on_behalf=on_behalf(actor, chapter),
        )

    async def warnings(
        self, chapter_id: int, period_key: str, new_members: int, total_members: int
    ) -> list[Concern]:
        """Sanity checks against the chapter's earlier reports."""
        history = await self._store.history(chapter_id, before_key=period_key, limit=HISTORY_LENGTH)
        period = period_from_key(period_key)
        return sanity_warnings(new_members, total_members, history, period.kind if period else None)

    async def file(
        self, actor: Member | None, chapter_id: int, period_key: str, values: ReportValues
    ) -> FileResult:
        """File or correct a chapter's report; the same period again updates it (audited with old and new)."""
        now = self._clock.now()
        chapter = await self._org.chapter(chapter_id)
        if chapter is None or not chapter.active:
            return FileResult(FileOutcome.NOT_FOUND)
        if not can(actor, Action.FILE_REPORT, ward_id=chapter.ward_id, chapter_id=chapter.id):
            return FileResult(FileOutcome.DENIED)
        assert actor is not None
        rp = await self.period(period_key)
        if rp is None:
            return FileResult(FileOutcome.NOT_FOUND)
        if not rp.is_open(now):
            return FileResult(FileOutcome.CLOSED)
        if not (0 <= values.new_members <= MAX_COUNT and 0 <= values.total_members <= MAX_COUNT) or (
            values.note is not None and len(values.note) > MAX_NOTE
        ):
            return FileResult(FileOutcome.INVALID)
        existing = await self._store.get(chapter.id, rp.key)
        if existing is not None and (
            existing.new_members,
            existing.total_members,
            existing.note,
            existing.photo_file_id,
        ) == (values.new_members, values.total_members, values.note, values.photo_file_id):
            return FileResult(FileOutcome.UNCHANGED, existing, existing, rp.on_time(existing.filed_at))
        report, previous = await self._store.save(
            chapter.id, rp.key, values, actor_id=actor.id, on_behalf=on_behalf(actor, chapter), now=now
        )
        outcome = FileOutcome.FILED if previous is None else FileOutcome.UPDATED
        return FileResult(outcome, report, previous, rp.on_time(report.filed_at))

    async def rollup(self, period_key: str, *, ward_id: int | None = None) -> Rollup | None:
        """The period's picture for the whole district, or one ward (no permission check: for jobs and
        exports)."""
        rp = await self.period(period_key)
        if rp is None:
            return None
        rows = await self.chapter_rows(ward_id)
        reports = [
            ReportRow(r.chapter_id, r.new_members, r.total_members, r.filed_at)
            for r in await self._store.for_periods([rp.key])
        ]
        return roll_up(rows, reports, await self._store.excused(rp.key), rp.deadline)

    async def view(
        self, actor: Member | None, period_key: str, *, ward_id: int | None = None
    ) -> Rollup | None:
        """The picture a member may see: a ward lead their ward, organisers and admins everything."""
        reach = reach_of(actor, Action.VIEW_REPORTS)
        if actor is None or reach is Reach.NONE:
            return None
        if reach is Reach.OWN_WARD:
            if actor.ward_id is None or (ward_id is not None and ward_id != actor.ward_id):
                return None
            ward_id = actor.ward_id
        return await self.rollup(period_key, ward_id=ward_id)

    async def chapter_rows(self, ward_id: int | None = None) -> list[ChapterRow]:
        wards = {w.id: w for w in await self._org.wards()}
        return [
            ChapterRow(c.id, c.name, c.ward_id, wards[c.ward_id].name)
            for c in await self._org.chapters(ward_id)
            if c.ward_id in wards
        ]

    async def may_nudge(self, actor: Member | None, chapter_id: int) -> Chapter | None:
        """The chapter, if this member may chase it now."""
        chapter = await self._org.chapter(chapter_id)
        if chapter is None or not can(actor, Action.NUDGE_REPORT, ward_id=chapter.ward_id):
            return None
        return chapter

    async def excuse(
        self, actor: Member | None, chapter_id: int, period_key: str, *, excused: bool = True
    ) -> FileOutcome:
        """An organiser excuses a chapter for a period (or takes the excuse back)."""
        chapter = await self._org.chapter(chapter_id)
        if chapter is None or await self.period(period_key) is None:
            return FileOutcome.NOT_FOUND
        if not can(actor, Action.EXCUSE_REPORT, ward_id=chapter.ward_id):
            return FileOutcome.DENIED
        assert actor is not None
        changed = await self._store.set_excused(
            chapter_id, period_key, excused, actor_id=actor.id, now=self._clock.now()
        )
        return FileOutcome.UPDATED if changed else FileOutcome.UNCHANGED

    async def configure(self, actor: Member | None, config: ReportConfig) -> FileOutcome:
        """An admin changes the period kind or deadline; the ladder is planned again."""
        if not can(actor, Action.CONFIGURE_REPORTS):
            return FileOutcome.DENIED
        assert actor is not None
        now = self._clock.now()
        await self._store.save_config(config, actor_id=actor.id, now=now)
        await self._tasks.cancel_prefix("report:")
        await self.plan_ladders(now)
        return FileOutcome.UPDATED

    async def chased(self, rp: ReportingPeriod, now: datetime | None = None) -> bool:
        """Whether chapters are reminded and escalated for this period: not for one already under way when
        the bot started collecting reports (see plan_ladders)."""
        since = (await self._store.collecting_since(now or self._clock.now())).astimezone(self._tz).date()
        return rp.period.start >= since

    async def plan_ladders(self, now: datetime | None = None) -> int:
        """Plan the rungs of the current and the next period that are still ahead (idempotent: deterministic
        keys; rungs already planned keep their time, so one that fell due during downtime still runs).

        Chapters are chased from the first period that starts once the bot collects reports: a period already
        under way when the bot was set up is collected and shown, but nobody is chased for it.
        """
        now = now or self._clock.now()
        since = (await self._store.collecting_since(now)).astimezone(self._tz).date()
        rp = await self.current_period(now)
        config = await self._store.config()
        planned = 0
        for period in (rp, reporting_period(rp.period.next(), config, self._tz)):
            if period.start < since:
                continue
            for step, due in ladder(period, self._tz):
                if due <= now:
                    continue
                await self._tasks.plan(
                    task_key(period.key, step),
                    TASK_KIND,
                    due,
                    {"period": period.key, "step": step.value},
                    now=now,
                )
                planned += 1
        return planned

    async def rung(self, period_key: str, step: str, now: datetime | None = None) -> Rung | None:
        """A due rung decided from fresh state; None when it no longer makes sense (settings changed, deadline
        passed for a reminder, period closed for an escalation)."""
        now = now or self._clock.now()
        rp = await self.period(period_key)
        try:
            step_ = Step(step)
        except ValueError:
            return None
        if rp is None or not step_still_makes_sense(step_, rp, now, self._tz):
            return None
        rollup = await self.rollup(rp.key)
        assert rollup is not None
        return Rung(step_, rp, tuple(line.chapter for line in rollup.missing()))

    async def export(self, actor: Member | None, first: Period, last: Period) -> ExportData | None:
        """The data of an Excel export, for organisers and admins; None when not allowed or the range is
        wrong."""
        if not can(actor, Action.EXPORT_REPORTS):
            return None
        config = await self._store.config()
        periods = periods_between(first, last)
        if not periods or len(periods) > MAX_EXPORT_PERIODS or first.kind is not config.kind:
            return None
        rows = await self.chapter_rows()
        reports = await self._store.for_periods([p.label_key for p in periods])
        rolled = []
        for period in periods:
            rp = reporting_period(period, config, self._tz)
            period_reports = [
                ReportRow(r.chapter_id, r.new_members, r.total_members, r.filed_at)
                for r in reports
                if r.period_key == rp.key
            ]
            rolled.append((rp, roll_up(rows, period_reports, await self._store.excused(rp.key), rp.deadline)))
        changes = await self._store.changes([r.id for r in reports])
        actor_ids = [r.filed_by for r in reports if r.filed_by] + [
            c["actor_id"] for history in changes.values() for c in history if c["actor_id"]
        ]
        return ExportData(
            tuple(rolled),
            tuple(reports),
            changes,
            await self._store.filer_names(actor_ids),
            {row.chapter_id: row for row in rows},
        )
