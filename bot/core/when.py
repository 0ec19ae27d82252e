"""When a training or a seminar takes place: the rules every "when?" dialog step applies, and the date picker
grid."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from enum import StrEnum

MAX_AHEAD = timedelta(days=730)
"""A start further away than this is surely a typing mistake (a wrong year)."""
MAX_LENGTH = timedelta(hours=14)
"""Nothing the association organises lasts longer than one long day."""


class WhenProblem(StrEnum):
    """Why a start or an end cannot be used; each maps to one polite message."""

    PAST = "past"
    TOO_FAR = "too_far"
    BEFORE_START = "before_start"
    TOO_LONG = "too_long"


def start_problem(starts_at: datetime, now: datetime) -> WhenProblem | None:
    """None when `starts_at` is a usable start: still to come, and less than two years away."""
    if starts_at <= now:
        return WhenProblem.PAST
    if starts_at >= now + MAX_AHEAD:
        return WhenProblem.TOO_FAR
    return None


def end_on_start_day(starts_at: datetime, clock: time) -> datetime:
    """The end typed as a clock time ('10h30'), on the start's own day, in the start's time zone."""
    return datetime.combine(starts_at.date(), clock, tzinfo=starts_at.tzinfo)


def end_problem(
    starts_at: datetime, ends_at: datetime, max_length: timedelta = MAX_LENGTH
) -> WhenProblem | None:
    """None when `ends_at` is a usable end: after the start, and not absurdly long after it."""
    if ends_at <= starts_at:
        return WhenProblem.BEFORE_START
    if ends_at - starts_at > max_length:
        return WhenProblem.TOO_LONG
    return None


def month_grid(year: int, month: int) -> list[list[int]]:
    """Weeks of a month, Monday first; 0 marks days outside the month."""
    return calendar.Calendar(firstweekday=0).monthdayscalendar(year, month)


def shift_month(day: date, months: int) -> date:
    """The first day of the month `months` away from `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def pickable_day(day: date, today: date) -> bool:
    """A day the picker offers: from today on, within the same horizon as a typed start."""
    return today <= day < today + MAX_AHEAD
