"""ISO weeks in the bot's time zone: keys like '2026-W48' and their Monday-00:00 boundaries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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

    @property
    def start(self) -> datetime:
        return datetime.combine(self.monday, time(0, 0), tzinfo=self.tz)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.monday + timedelta(days=7), time(0, 0), tzinfo=self.tz)

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end

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
