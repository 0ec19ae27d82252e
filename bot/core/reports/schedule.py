"""Reporting periods, deadlines and the reminder ladder: pure time arithmetic in the association's time
zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.parsing import VN_TZ, Period, PeriodKind, period_containing
from bot.core.parsing.weekdays import WEEKDAY_PATTERN, parse_weekday
from bot.core.text import fold

ESCALATION_DAYS = 3
REMIND_BEFORE_DAYS = 3
MORNING = time(8, 0)
DEFAULT_DEADLINE_DAY = {PeriodKind.MONTH: 25, PeriodKind.WEEK: 5, PeriodKind.QUARTER: 25}
MAX_DEADLINE_DAY = {PeriodKind.MONTH: 31, PeriodKind.WEEK: 7, PeriodKind.QUARTER: 31}


@dataclass(frozen=True)
class ReportConfig:
    """How reports are collected: period kind and the deadline inside each period.

    `deadline_day` is the day of the month (monthly), the weekday 1=Monday…7=Sunday (weekly) or the
    day of the quarter's last month (quarterly); days past a month's end mean its last day.
    """

    kind: PeriodKind = PeriodKind.MONTH
    deadline_day: int = 25
    deadline_time: time = time(20, 0)


@dataclass(frozen=True)
class ReportingPeriod:
    """A period to report on, with its deadline and the moment it closes (aware UTC-comparable datetimes)."""

    period: Period
    deadline: datetime
    closes_at: datetime

    @property
    def key(self) -> str:
        return self.period.label_key

    @property
    def kind(self) -> PeriodKind:
        return self.period.kind

    @property
    def start(self) -> date:
        return self.period.start

    @property
    def end(self) -> date:
        return self.period.end

    def is_open(self, now: datetime) -> bool:
        """Reports may be filed and corrected until the period closes."""
        return now < self.closes_at

    def on_time(self, filed_at: datetime) -> bool:
        """Filed at or before the deadline minute."""
        return filed_at <= self.deadline


class Step(StrEnum):
    """The rungs of the reminder ladder, in order."""

    BEFORE = "before"
    MORNING = "morning"
    WARD = "ward"
    DISTRICT = "district"


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def deadline_of(period: Period, config: ReportConfig, tz: ZoneInfo = VN_TZ) -> datetime:
    """The deadline of a period under a configuration."""
    if period.kind is PeriodKind.WEEK:
        day = period.start + timedelta(days=min(max(config.deadline_day, 1), 7) - 1)
    else:
        last_month_start = period.end.replace(day=1)
        day = last_month_start.replace(day=min(config.deadline_day, period.end.day))
    return _local(day, config.deadline_time, tz)


def reporting_period(period: Period, config: ReportConfig, tz: ZoneInfo = VN_TZ) -> ReportingPeriod:
    """The period with its deadline; it closes at the later of the period's end and the last escalation
    day."""
    deadline = deadline_of(period, config, tz)
    after_period = _local(period.end + timedelta(days=1), time(0, 0), tz)
    after_ladder = _local(deadline.date() + timedelta(days=ESCALATION_DAYS + 1), time(0, 0), tz)
    return ReportingPeriod(period, deadline, max(after_period, after_ladder))


def current_period(now: datetime, config: ReportConfig, tz: ZoneInfo = VN_TZ) -> ReportingPeriod:
    """The period holding today's date in the association's time zone."""
    return reporting_period(period_containing(config.kind, now.astimezone(tz).date()), config, tz)


_KEY_PATTERNS = {
    PeriodKind.MONTH: re.compile(r"^(?P<year>\d{4})-(?P<index>\d{2})$"),
    PeriodKind.WEEK: re.compile(r"^(?P<year>\d{4})-W(?P<index>\d{2})$"),
    PeriodKind.QUARTER: re.compile(r"^(?P<year>\d{4})-Q(?P<index>[1-4])$"),
}


def period_from_key(key: str) -> Period | None:
    """'2026-11', '2026-W48' or '2026-Q4' back to its Period; None for anything else."""
    for kind, pattern in _KEY_PATTERNS.items():
        match = pattern.match(key)
        if not match:
            continue
        year, index = int(match["year"]), int(match["index"])
        try:
            if kind is PeriodKind.MONTH:
                first = date(year, index, 1)
            elif kind is PeriodKind.WEEK:
                first = date.fromisocalendar(year, index, 1)
            else:
                first = date(year, 3 * index - 2, 1)
        except ValueError:
            return None
        period = period_containing(kind, first)
        return period if period.label_key == key else None
    return None


def periods_between(first: Period, last: Period) -> list[Period]:
    """Every period from first to last inclusive (same kind); empty if last is before first."""
    found: list[Period] = []
    current = first
    while current.start <= last.start and len(found) < 520:
        found.append(current)
        current = current.next()
    return found


def ladder(rp: ReportingPeriod, tz: ZoneInfo = VN_TZ) -> list[tuple[Step, datetime]]:
    """When each rung is due: 3 days before and the morning of the deadline day (chapters), the morning after
    (ward leads), three days after (district office). A morning reminder that would fall after the deadline
    (a deadline before 8:00) is left out."""
    deadline_day = rp.deadline.astimezone(tz).date()
    steps = [
        (Step.BEFORE, _local(deadline_day - timedelta(days=REMIND_BEFORE_DAYS), MORNING, tz)),
        (Step.MORNING, _local(deadline_day, MORNING, tz)),
        (Step.WARD, _local(deadline_day + timedelta(days=1), MORNING, tz)),
        (Step.DISTRICT, _local(deadline_day + timedelta(days=ESCALATION_DAYS), MORNING, tz)),
    ]
    return [
        (step, due) for step, due in steps if step not in (Step.BEFORE, Step.MORNING) or due < rp.deadline
    ]


def step_still_makes_sense(step: Step, rp: ReportingPeriod, now: datetime, tz: ZoneInfo = VN_TZ) -> bool:
    """Whether a rung that fell due (maybe late, after downtime) should still go out now.

    Reminders before the deadline only while the deadline is ahead and no later reminder has taken over;
    escalations only while the period is still open.
    """
    due = dict(ladder(rp, tz))
    if step not in due or now < due[step]:
        return False
    if step is Step.BEFORE:
        return now < rp.deadline and (Step.MORNING not in due or now < due[Step.MORNING])
    if step is Step.MORNING:
        return now < rp.deadline
    return rp.is_open(now)


def task_key(period_key: str, step: Step) -> str:
    """Deterministic key of one rung's durable task."""
    return f"report:{period_key}:{step.value}"


_DEADLINE = re.compile(
    rf"^(?:ngay\s*)?(?P<day>\d{{1,2}}|{WEEKDAY_PATTERN})"
    r"(?:\s*,?\s*(?:luc|vao)?\s*(?P<hour>\d{1,2})\s*(?:[:hg]\s*(?P<minute>\d{2})?)?\s*(?:gio)?)?$"
)


def parse_deadline(text: str, kind: PeriodKind) -> tuple[int, time] | None:
    """'25 20:00', 'ngày 25 lúc 20h', '25' (20:00), 'thứ 6 17h' (weekly): the deadline day and time, or
    None."""
    folded = re.sub(r"\s+", " ", fold(text[:60])).strip()
    match = _DEADLINE.match(folded)
    if not match:
        return None
    raw_day = match["day"]
    if kind is PeriodKind.WEEK:
        weekday = parse_weekday(raw_day if not raw_day.isdigit() else "thu " + raw_day)
        if weekday is None:
            return None
        day = weekday
    elif raw_day.isdigit():
        day = int(raw_day)
    else:
        return None
    if not 1 <= day <= MAX_DEADLINE_DAY[kind]:
        return None
    hour = int(match["hour"]) if match["hour"] else 20
    minute = int(match["minute"]) if match["minute"] else 0
    if hour > 23 or minute > 59:
        return None
    return day, time(hour, minute)
