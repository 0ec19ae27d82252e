"""ISO weeks in the bot's time zone: keys like '2026-W48' and their Monday-00:00 boundaries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

_DAYS = {
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
    "t2": 0,
    "t3": 1,
    "t4": 2,
    "t5": 3,
    "t6": 4,
    "t7": 5,
    "cn": 6,
}
_SCHEDULE = re.compile(r"^\s*(?P<day>[a-z0-9]{2,3})\w*\s+(?P<hour>\d{1,2})[:h](?P<minute>\d{2})?\s*$")
_KEY = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")


@dataclass(frozen=True)
class Week:
    """One ISO week (Monday–Sunday) in a time zone; `start`/`end` are aware instants, end exclusive."""

    key: str
    monday: date
    tz: ZoneInfo

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @cached_property
    def start(self) -> datetime:
        return datetime.combine(self.monday, time(0, 0), tzinfo=self.tz)

    @cached_property
    def end(self) -> datetime:
        return datetime.combine(self.monday + timedelta(days=7), time(0, 0), tzinfo=self.tz)

    @cached_property
    def _utc_bounds(self) -> tuple[datetime, datetime]:
        """`start` and `end` in UTC, as instants come from the database: comparing datetimes of the same time
        zone skips two UTC-offset lookups per comparison (the summary makes thousands)."""
        return self.start.astimezone(UTC), self.end.astimezone(UTC)

    def contains(self, instant: datetime) -> bool:
        start, end = self._utc_bounds
        return start <= instant < end

    def previous(self) -> Week:
        return week_of_day(self.monday - timedelta(days=7), self.tz)

    def next(self) -> Week:
        return week_of_day(self.monday + timedelta(days=7), self.tz)


def week_of_day(day: date, tz: ZoneInfo) -> Week:
    """The ISO week holding a calendar day."""
    iso = day.isocalendar()
    monday = day - timedelta(days=iso.weekday - 1)
    return Week(f"{iso.year:04d}-W{iso.week:02d}", monday, tz)


def week_of(instant: datetime, tz: ZoneInfo) -> Week:
    """The ISO week holding an aware instant, as seen on a wall clock in `tz`."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime")
    return week_of_day(instant.astimezone(tz).date(), tz)


def parse_week_key(text: str, tz: ZoneInfo) -> Week | None:
    """'2026-W48' (also '2026W48', '2026-w8') → Week; None when it is not a real ISO week."""
    match = _KEY.match(text or "")
    if not match:
        return None
    year, number = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        return None
    return week_of_day(monday, tz)


def summary_week(now: datetime, tz: ZoneInfo) -> Week:
    """The week a summary sent at `now` reports on: the last complete week."""
    return week_of(now, tz).previous()


def delivery_time(week: Week, at: time, weekday: int = 0) -> datetime:
    """When the summary of `week` is due: the following week's `weekday` (0 = Monday) at `at`, local."""
    day = week.monday + timedelta(days=7 + weekday)
    return datetime.combine(day, at, tzinfo=week.tz)


@dataclass(frozen=True)
class Schedule:
    """When the weekly summary goes out: a weekday (0 = Monday) and a wall-clock time in the bot's zone."""

    weekday: int = 0
    at: time = time(7, 0)

    def due(self, week: Week) -> datetime:
        """When the summary of `week` is due (in the following week)."""
        return delivery_time(week, self.at, self.weekday)


def parse_schedule(text: str) -> Schedule | None:
    """'MON 07:00', 'monday 7h', 'T2 7:30' → Schedule; None when unreadable."""
    match = _SCHEDULE.match((text or "").lower())
    if not match:
        return None
    word = match.group("day")
    day = _DAYS.get(word[:3], _DAYS.get(word[:2]))
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    if day is None or hour > 23 or minute > 59:
        return None
    return Schedule(day, time(hour, minute))
