"""Reporting periods (month, ISO week, quarter): parsing 'tháng 11', 'Q4/2026', 'tuần 48' and arithmetic."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.parsing.dates import VN_TZ
from bot.core.parsing.errors import ParseError, ParseReason
from bot.core.parsing.normal import is_too_long, prepare


class PeriodKind(StrEnum):
    """The lengths of reporting period the association uses."""

    MONTH = "month"
    WEEK = "week"
    QUARTER = "quarter"


@dataclass(frozen=True)
class Period:
    """A closed range of days; `label_key` is stable ('2026-11', '2026-W48', '2026-Q4') for storage."""

    kind: PeriodKind
    start: date
    end: date
    label_key: str

    def contains(self, day: date) -> bool:
        """True when `day` falls within the period (both ends included)."""
        return self.start <= day <= self.end

    def next(self) -> Period:
        """The period of the same kind that starts the day after this one ends."""
        return period_containing(self.kind, self.end + timedelta(days=1))

    def previous(self) -> Period:
        """The period of the same kind that ends the day before this one starts."""
        return period_containing(self.kind, self.start - timedelta(days=1))


def period_containing(kind: PeriodKind | str, day: date) -> Period:
    """The month, ISO week (Monday–Sunday) or quarter that holds `day`."""
    kind = PeriodKind(kind)
    if kind is PeriodKind.WEEK:
        iso = day.isocalendar()
        return _week(iso.year, iso.week)
    if kind is PeriodKind.QUARTER:
        return _quarter(day.year, (day.month - 1) // 3 + 1)
    return _month(day.year, day.month)


def _month(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(PeriodKind.MONTH, date(year, month, 1), date(year, month, last), f"{year:04d}-{month:02d}")


def _week(year: int, week: int) -> Period:
    monday = date.fromisocalendar(year, week, 1)
    return Period(PeriodKind.WEEK, monday, monday + timedelta(days=6), f"{year:04d}-W{week:02d}")


def _quarter(year: int, quarter: int) -> Period:
    first = _month(year, 3 * quarter - 2)
    last = _month(year, 3 * quarter)
    return Period(PeriodKind.QUARTER, first.start, last.end, f"{year:04d}-Q{quarter}")


_BUILDERS = {PeriodKind.MONTH: _month, PeriodKind.WEEK: _week, PeriodKind.QUARTER: _quarter}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"(?:\s*[/.\-]\s*|\s+(?:nam\s*)?)(?P<year>\d{4})"
_PATTERNS = {
    PeriodKind.MONTH: [
        re.compile(rf"(?:thang\s*|t)?(?P<index>\d{{1,2}}){_YEAR}"),
        re.compile(r"(?P<year>\d{4})-(?P<index>\d{1,2})"),
        re.compile(r"(?:thang\s*|t)?(?P<index>\d{1,2})"),
    ],
    PeriodKind.WEEK: [
        re.compile(rf"(?:tuan|w)?\s*(?P<index>\d{{1,2}})(?:{_YEAR})?"),
        re.compile(r"(?P<year>\d{4})\s*-?\s*w(?P<index>\d{1,2})"),
    ],
    PeriodKind.QUARTER: [
        re.compile(rf"(?:quy|q)\s*(?P<index>[1-4]|iv|i{{1,3}})(?:{_YEAR})?"),
        re.compile(r"(?P<index>[1-4])"),
        re.compile(r"(?P<year>\d{4})\s*-?\s*q(?P<index>[1-4])"),
    ],
}
_RELATIVE = re.compile(r"(?:thang|tuan|quy)\s+(?P<which>nay|truoc|sau|next|toi)")
_RELATIVE_STEPS = {"nay": 0, "truoc": -1, "sau": 1, "next": 1, "toi": 1}


def parse_period(
    text: str, *, kind: PeriodKind | str, now: datetime | date, tz: ZoneInfo = VN_TZ
) -> Period | ParseError:
    """'11/2026', 'tháng 11', 'Q4/2026', 'quý IV', '2026-W48', 'tuần 48', 'tháng trước'.

    Without a year, the period of that number nearest to today (so 'tháng 1' typed in December is the
    coming January, 'tháng 10' typed in November the one just past).
    """
    kind = PeriodKind(kind)
    if is_too_long(text):
        return ParseError(ParseReason.NOT_A_PERIOD, "input too long")
    folded = prepare(text)
    today = _local_day(now, tz)
    if not folded:
        return ParseError(ParseReason.EMPTY)
    relative = _RELATIVE.fullmatch(folded)
    if relative:
        return _shift(period_containing(kind, today), _RELATIVE_STEPS[relative["which"]])
    for pattern in _PATTERNS[kind]:
        match = pattern.fullmatch(folded)
        if match:
            return _numbered(kind, match, today)
    return ParseError(ParseReason.NOT_A_PERIOD)


def _local_day(now: datetime | date, tz: ZoneInfo) -> date:
    if not isinstance(now, datetime):
        return now
    return now.date() if now.tzinfo is None else now.astimezone(tz).date()


def _shift(period: Period, steps: int) -> Period:
    if steps > 0:
        return period.next()
    if steps < 0:
        return period.previous()
    return period


def _numbered(kind: PeriodKind, match: re.Match[str], today: date) -> Period | ParseError:
    raw = match["index"]
    index = _ROMAN[raw] if raw in _ROMAN else int(raw)
    year = match.groupdict().get("year")
    if year:
        return _build(kind, int(year), index, today)
    candidates = [_build(kind, year, index, today) for year in (today.year - 1, today.year, today.year + 1)]
    valid = [p for p in candidates if isinstance(p, Period)]
    if not valid:
        return ParseError(ParseReason.INVALID, f"no {kind.value} {index}")
    return min(valid, key=lambda p: (_distance(p, today), p.start))


def _build(kind: PeriodKind, year: int, index: int, today: date) -> Period | ParseError:
    if abs(year - today.year) > 100:
        return ParseError(ParseReason.INVALID, "year out of range")
    try:
        return _BUILDERS[kind](year, index)
    except ValueError:
        return ParseError(ParseReason.INVALID, f"no {kind.value} {index} in {year}")


def _distance(period: Period, day: date) -> int:
    if period.contains(day):
        return 0
    return min(abs((period.start - day).days), abs((period.end - day).days))
