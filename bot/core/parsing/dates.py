"""Dates and times the Vietnamese way: '15/12 8h', 'chiều thứ Sáu 2h', 'sáng mai 8g30', ISO too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.parsing.errors import ParseError, ParseReason
from bot.core.parsing.normal import is_too_long, prepare_when
from bot.core.parsing.when_text import DateParts, TimeParts, WhenParts, extract_when

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_YEARS_AROUND = 100


@dataclass(frozen=True)
class ParsedWhen:
    """A moment a cadre typed: `when` is aware and in the requested time zone."""

    when: datetime
    date_given: bool
    time_given: bool


def parse_datetime(
    text: str, *, now: datetime, tz: ZoneInfo = VN_TZ, allow_past: bool = False
) -> ParsedWhen | ParseError:
    """A meeting time: a date (or weekday, 'mai') and a clock time; the next such moment."""
    parts = _parts(text)
    if isinstance(parts, ParseError):
        return parts
    if parts.time is None:
        return ParseError(ParseReason.NO_TIME if parts.date.given else ParseReason.INVALID)
    local_now = _local(now, tz)
    day = _resolve_day(parts.date, local_now, parts.time)
    if isinstance(day, ParseError):
        return day
    when = datetime.combine(day, time(parts.time.hour, parts.time.minute), tzinfo=tz)
    if when < local_now and not allow_past:
        return ParseError(ParseReason.PAST)
    return ParsedWhen(when, parts.date.given, True)


def parse_date(
    text: str, *, now: datetime, tz: ZoneInfo = VN_TZ, allow_past: bool = False
) -> date | ParseError:
    """A day without a time (a deadline, a period start): '15/12', 'thứ Sáu', 'ngày mai'."""
    parts = _parts(text)
    if isinstance(parts, ParseError):
        return parts
    if parts.time is not None:
        return ParseError(ParseReason.INVALID, "a time where only a date was expected")
    if not parts.date.given:
        return ParseError(ParseReason.NO_DATE)
    local_now = _local(now, tz)
    day = _resolve_day(parts.date, local_now, None)
    if isinstance(day, ParseError):
        return day
    if day < local_now.date() and not allow_past:
        return ParseError(ParseReason.PAST)
    return day


def parse_time(text: str) -> time | ParseError:
    """A clock time alone: '8h', '8g30', '08:30', '20 giờ', 'chiều 2h'."""
    parts = _parts(text)
    if isinstance(parts, ParseError):
        return parts
    if parts.date.given:
        return ParseError(ParseReason.INVALID, "a date where only a time was expected")
    if parts.time is None:
        return ParseError(ParseReason.INVALID, "no time found")
    return time(parts.time.hour, parts.time.minute)


def _parts(text: str) -> WhenParts | ParseError:
    if is_too_long(text):
        return ParseError(ParseReason.INVALID, "input too long")
    folded = prepare_when(text)
    if not folded:
        return ParseError(ParseReason.EMPTY)
    return extract_when(folded)


def _local(now: datetime, tz: ZoneInfo) -> datetime:
    """`now` in tz; a naive `now` is taken to be tz's wall clock already."""
    return now.replace(tzinfo=tz) if now.tzinfo is None else now.astimezone(tz)


def _resolve_day(parts: DateParts, now: datetime, clock: TimeParts | None) -> date | ParseError:
    today = now.date()
    if parts.day is not None:
        day = _calendar_day(parts, today)
    elif parts.offset_days is not None:
        day = today + timedelta(days=parts.offset_days)
    elif parts.weekday is not None:
        return _weekday_day(parts, now, clock)
    else:
        return _next_time_day(now, clock)
    if isinstance(day, ParseError):
        return day
    if parts.weekday is not None and day.weekday() != parts.weekday:
        return ParseError(ParseReason.WEEKDAY_MISMATCH)
    return day


def _calendar_day(parts: DateParts, today: date) -> date | ParseError:
    assert parts.day is not None
    if parts.month is None:
        return _next_day_of_month(parts.day, today)
    if parts.year is not None:
        if abs(parts.year - today.year) > _YEARS_AROUND:
            return ParseError(ParseReason.INVALID, "year out of range")
        return _safe_date(parts.year, parts.month, parts.day)
    return _next_month_day(parts.month, parts.day, today)


def _safe_date(year: int, month: int, day: int) -> date | ParseError:
    try:
        return date(year, month, day)
    except ValueError:
        return ParseError(ParseReason.INVALID, "no such date")


def _next_month_day(month: int, day: int, today: date) -> date | ParseError:
    """The next 15/12 on or after today; 29/2 waits for a leap year."""
    if isinstance(_safe_date(2000, month, day), ParseError):
        return ParseError(ParseReason.INVALID, "no such date")
    for year in range(today.year, today.year + 9):
        candidate = _safe_date(year, month, day)
        if isinstance(candidate, date) and candidate >= today:
            return candidate
    return ParseError(ParseReason.INVALID, "no such date")


def _next_day_of_month(day: int, today: date) -> date | ParseError:
    """'ngày 15' → the next 15th on or after today."""
    year, month = today.year, today.month
    for _ in range(13):
        candidate = _safe_date(year, month, day)
        if isinstance(candidate, date) and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ParseError(ParseReason.INVALID, "no such date")


def _weekday_day(parts: DateParts, now: datetime, clock: TimeParts | None) -> date:
    """The next such weekday; today only while the time is still ahead; 'tuần sau' = next week's."""
    assert parts.weekday is not None
    today = now.date()
    if parts.next_week:
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=parts.weekday)
    ahead = (parts.weekday - today.weekday()) % 7
    if ahead == 0 and clock is not None and time(clock.hour, clock.minute) <= now.time():
        ahead = 7
    return today + timedelta(days=ahead)


def _next_time_day(now: datetime, clock: TimeParts | None) -> date:
    """Only a time: today if it is still ahead, else tomorrow."""
    if clock is not None and time(clock.hour, clock.minute) <= now.time():
        return now.date() + timedelta(days=1)
    return now.date()
