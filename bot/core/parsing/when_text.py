"""Find the date and time pieces in a folded Vietnamese phrase ('chiều thứ sáu 2h', '15/12 8g30')."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.parsing.errors import ParseError, ParseReason
from bot.core.parsing.numbers import number_from_words

_HOUR_IN_WORDS = re.compile(r"\b((?:[a-z]+\s+){0,2}[a-z]+)(?=\s+gio\b)")
_ISO_DATE = re.compile(r"(?<![0-9])(\d{4})-(\d{1,2})-(\d{1,2})(?![0-9])t?")
_DMY = re.compile(
    r"(?<![0-9.,:/-])(\d{1,2})\s?[/.-]\s?(\d{1,2})(?:\s?[/.-]\s?(\d{4}|\d{2}))?(?![0-9])(?![/.:-]\d)"
)
_VERBAL_DATE = re.compile(
    r"(?:\bngay\s*)?(?<![0-9])(\d{1,2})\s*thang\s*(\d{1,2})(?![0-9])(?:\s*(?:nam\s*)?(\d{4})(?![0-9]))?"
)
_DAY_ONLY = re.compile(r"\bngay\s*(\d{1,2})(?![0-9])")
_TIME_WITH_UNIT = re.compile(
    r"(?<![0-9.,/:])(\d{1,2})\s*(?:gio|h|g)(?![a-z])\s*"
    r"(?:(\d{1,2})(?![0-9])(?!\s?[/.-]\s?\d)(?!\s*(?:gio|h|g)(?![a-z]))(?:\s*(?:phut|p)(?![a-z]))?"
    r"|(ruoi)(?![a-z]))?"
)
_TIME_WITH_COLON = re.compile(r"(?<![0-9.,/:])(\d{1,2}):(\d{2})(?::\d{2})?(?![0-9])")
_TIME_WITH_AM_PM = re.compile(r"(?<![0-9.,/:])(\d{1,2})(?=\s*(?:am|pm)\b)")
_TIME_AFTER_LUC = re.compile(r"(?<=\bluc)\s*(\d{1,2})(?![0-9])(?!\s?[/.:-]\s?\d)")
_NEXT_WEEK = re.compile(r"\btuan\s+(?:sau|next|toi)\b")
_THIS_WEEK = re.compile(r"\btuan\s+nay\b")
_WEEKDAY = re.compile(
    r"\b(?:thu\s*(?P<word>hai|ba|tu|nam|sau|bay)|thu\s*(?P<num>[2-7])|t\.?(?P<short>[2-7])"
    r"|(?P<sunday>chu\s*nhat|cn))"
    r"(?![a-z0-9])(?:\s+(?:next|toi|nay)\b)?"
)
_RELATIVE_DAY = re.compile(
    r"\b(?:(?P<today>hom\s+nay|nay)|(?P<yesterday>hom\s+qua)|(?P<tomorrow>(?:ngay\s+)?mai)"
    r"|(?P<after>ngay\s+kia|kia|ngay\s+mot))\b"
)
_DAY_PART = re.compile(r"\b(sang|trua|chieu|toi|evening|dem|am|pm)\b")

_WEEKDAY_WORDS = {"hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5}
_RELATIVE_OFFSETS = {"today": 0, "yesterday": -1, "tomorrow": 1, "after": 2}


@dataclass(frozen=True)
class DateParts:
    """Calendar pieces as written; any may be missing."""

    day: int | None = None
    month: int | None = None
    year: int | None = None
    offset_days: int | None = None
    weekday: int | None = None
    next_week: bool = False

    @property
    def given(self) -> bool:
        """True when the phrase named a day in any way."""
        return self.day is not None or self.offset_days is not None or self.weekday is not None


@dataclass(frozen=True)
class TimeParts:
    """Clock pieces as written: hour 0–23 after applying 'chiều'/'tối'."""

    hour: int
    minute: int


@dataclass(frozen=True)
class WhenParts:
    """Everything found in one phrase."""

    date: DateParts
    time: TimeParts | None


def extract_when(folded: str) -> WhenParts | ParseError:
    """Split a folded phrase into date and time pieces; leftover digits make it INVALID."""
    date, rest = _extract_date(folded)
    if isinstance(date, ParseError):
        return date
    time, rest = _extract_time(rest)
    if isinstance(time, ParseError):
        return time
    if re.search(r"[0-9]", rest):
        return ParseError(ParseReason.INVALID, "unrecognised digits")
    return WhenParts(date, time)


def _extract_date(text: str) -> tuple[DateParts | ParseError, str]:
    calendar, text = _extract_calendar_date(text)
    if isinstance(calendar, ParseError):
        return calendar, text
    next_week = bool(_NEXT_WEEK.search(text))
    text = _THIS_WEEK.sub(" ", _NEXT_WEEK.sub(" ", text))
    weekday, text = _extract_weekday(text)
    offset, text = _extract_relative_day(text)
    if isinstance(weekday, ParseError) or isinstance(offset, ParseError):
        return ParseError(ParseReason.AMBIGUOUS, "several days"), text
    day, month, year = calendar or (None, None, None)
    return DateParts(day, month, year, offset, weekday, next_week), text


def _extract_calendar_date(text: str) -> tuple[tuple[int, int | None, int | None] | None | ParseError, str]:
    found: list[tuple[int, int | None, int | None]] = []
    for pattern, order in ((_ISO_DATE, "ymd"), (_VERBAL_DATE, "dmy"), (_DMY, "dmy"), (_DAY_ONLY, "d")):
        for match in pattern.finditer(text):
            found.append(_ordered(match, order))
        text = pattern.sub(" ", text)
    if len(found) > 1:
        return ParseError(ParseReason.AMBIGUOUS, "several dates"), text
    return (found[0] if found else None), text


def _ordered(match: re.Match[str], order: str) -> tuple[int, int | None, int | None]:
    values = [int(group) if group else None for group in match.groups()]
    if order == "ymd":
        year, month, day = values
    elif order == "d":
        day, month, year = values[0], None, None
    else:
        day, month, year = values
        if year is not None and year < 100:
            year += 2000
    assert day is not None  # the day group of every date pattern is required
    return day, month, year


def _only_match(pattern: re.Pattern[str], text: str) -> tuple[re.Match[str] | None | ParseError, str]:
    """The pattern's one match and the text without it; AMBIGUOUS (text untouched) when it matches twice."""
    matches = list(pattern.finditer(text))
    if len(matches) > 1:
        return ParseError(ParseReason.AMBIGUOUS), text
    return (matches[0] if matches else None), pattern.sub(" ", text)


def _extract_weekday(text: str) -> tuple[int | None | ParseError, str]:
    match, text = _only_match(_WEEKDAY, text)
    if not isinstance(match, re.Match):
        return match, text
    if match["word"]:
        return _WEEKDAY_WORDS[match["word"]], text
    if match["sunday"]:
        return 6, text
    return int(match["num"] or match["short"]) - 2, text


def _extract_relative_day(text: str) -> tuple[int | None | ParseError, str]:
    match, text = _only_match(_RELATIVE_DAY, text)
    if not isinstance(match, re.Match):
        return match, text
    return _RELATIVE_OFFSETS[match.lastgroup or "today"], text


def _extract_time(text: str) -> tuple[TimeParts | None | ParseError, str]:
    text = _HOUR_IN_WORDS.sub(_hour_words_to_digits, text)
    found = [_clock(m) for m in _TIME_WITH_UNIT.finditer(text)]
    text = _TIME_WITH_UNIT.sub(" ", text)
    found += [_clock(m) for m in _TIME_WITH_COLON.finditer(text)]
    text = _TIME_WITH_COLON.sub(" ", text)
    found += [(int(m[1]), 0) for m in _TIME_WITH_AM_PM.finditer(text)]
    text = _TIME_WITH_AM_PM.sub(" ", text)
    found += [(int(m[1]), 0) for m in _TIME_AFTER_LUC.finditer(text)]
    text = _TIME_AFTER_LUC.sub(" ", text)
    if len(found) > 1:
        return ParseError(ParseReason.AMBIGUOUS, "several times"), text
    if not found:
        return None, text
    hour, minute = found[0]
    parts = ["toi" if part == "evening" else part for part in _DAY_PART.findall(text)]
    return _apply_day_part(hour, minute, parts), text


def _hour_words_to_digits(match: re.Match[str]) -> str:
    """'hai giờ chiều' → '2 giờ chiều'; 'thứ hai hai giờ' keeps 'thứ hai' and reads the last 'hai'."""
    words = match[1].split()
    for start in range(len(words)):
        value = number_from_words(words[start:])
        if value is not None:
            return " ".join([*words[:start], str(value)])
    return match[0]


def _clock(match: re.Match[str]) -> tuple[int, int]:
    groups = match.groups()
    minute = 30 if len(groups) > 2 and groups[2] else int(groups[1] or 0)
    return int(groups[0]), minute


def _apply_day_part(hour: int, minute: int, parts: list[str]) -> TimeParts | ParseError:
    """'chiều 2h' → 14:00, 'tối 7h' → 19:00, '8h sáng' → 08:00; '25h' or '8h61' are INVALID."""
    if len(set(parts)) > 1:
        return ParseError(ParseReason.AMBIGUOUS, "several parts of the day")
    part = parts[0] if parts else None
    if hour > 23 or minute > 59 or (part is not None and hour > 12):
        return _invalid_unless_consistent(hour, minute, part)
    if (
        part in ("chieu", "toi", "pm")
        and hour < 12
        or part == "trua"
        and hour < 6
        or part == "dem"
        and 6 <= hour < 12
    ):
        hour += 12
    elif part == "am" and hour == 12:
        hour = 0
    return TimeParts(hour, minute)


def _invalid_unless_consistent(hour: int, minute: int, part: str | None) -> TimeParts | ParseError:
    """'chiều 14h' is fine (already afternoon); 'sáng 14h' and '25h' are not."""
    if hour <= 23 and minute <= 59 and part in ("chieu", "toi", "dem", "trua", "pm"):
        return TimeParts(hour, minute)
    return ParseError(ParseReason.INVALID, "no such time")
