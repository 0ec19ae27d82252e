"""What cadres type on their phones, and what the bot understands from it.

Unless a test says otherwise, "now" is Friday 27 November 2026, 10:00 in Việt Nam.
"""

from __future__ import annotations

import os
import time as time_module
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.parsing import (
    VN_TZ,
    ParsedWhen,
    ParseError,
    ParseReason,
    Period,
    PeriodKind,
    limit_text,
    normalise_code,
    parse_count,
    parse_date,
    parse_datetime,
    parse_period,
    parse_person_name,
    parse_phone,
    parse_time,
    period_containing,
)
from bot.core.text import fold

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=VN_TZ)  # a Friday


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def reason(result: object) -> ParseReason:
    assert isinstance(result, ParseError), result
    return result.reason


# --- Head counts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("12", 12),
        (" 12 ", 12),
        ("12 người", 12),
        ("12 nguoi", 12),
        ("12 hội viên", 12),
        ("12hv", 12),
        ("có 35 người dự", 35),
        ("0", 0),
        ("１２", 12),  # full-width digits from some phone keyboards
        ("1.234", 1234),
        ("1,234", 1234),
        ("12.", 12),
        ("không", 0),
        ("một", 1),
        ("mốt", 1),
        ("mười", 10),
        ("mười hai", 12),
        ("muoi hai", 12),
        ("mười lăm", 15),
        ("mười bốn người", 14),
        ("hai mươi", 20),
        ("hai mươi mốt", 21),
        ("hai mốt", 21),
        ("ba mươi tư", 34),
        ("năm mươi lăm", 55),
        ("nam muoi lam", 55),
        ("chín mươi chín", 99),
    ],
)
def test_a_count_can_be_typed_in_digits_or_in_words(typed: str, count: int) -> None:
    assert parse_count(typed) == count


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("-5", ParseReason.NEGATIVE),
        ("âm 5", ParseReason.NEGATIVE),
        ("1,5", ParseReason.NOT_WHOLE),
        ("1.2.3", ParseReason.NOT_WHOLE),
        ("12.5 người", ParseReason.NOT_WHOLE),
        ("0,500", ParseReason.NOT_WHOLE),
        ("", ParseReason.NOT_A_NUMBER),
        ("   ", ParseReason.NOT_A_NUMBER),
        ("đông lắm", ParseReason.NOT_A_NUMBER),
        ("12 hoặc 13", ParseReason.AMBIGUOUS),
        ("12-13", ParseReason.AMBIGUOUS),
        ("mười hai hoặc mười ba", ParseReason.AMBIGUOUS),
        ("hai ba người", ParseReason.AMBIGUOUS),
        ("100001", ParseReason.TOO_LARGE),
        ("9" * 40, ParseReason.TOO_LARGE),
    ],
)
def test_a_count_that_is_not_one_whole_sensible_number_is_refused(typed: str, why: ParseReason) -> None:
    assert reason(parse_count(typed)) is why


def test_the_caller_sets_the_largest_believable_count() -> None:
    assert parse_count("120", max_value=120) == 120
    assert reason(parse_count("121", max_value=120)) is ParseReason.TOO_LARGE


# --- Dates and times of meetings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15/12 8h", at(2026, 12, 15, 8)),
        ("15/12/2026 08:00", at(2026, 12, 15, 8)),
        ("15-12-2026 8:00", at(2026, 12, 15, 8)),
        ("15/12/26 8h", at(2026, 12, 15, 8)),
        ("15.12 8h", at(2026, 12, 15, 8)),
        ("8:30 15/12", at(2026, 12, 15, 8, 30)),
        ("8h 15/12", at(2026, 12, 15, 8)),
        ("20/12 lúc 14 giờ", at(2026, 12, 20, 14)),
        ("ngày 15 tháng 12 năm 2026 lúc 8 giờ 30", at(2026, 12, 15, 8, 30)),
        ("ngay 15 thang 12 nam 2026 luc 8 gio 30", at(2026, 12, 15, 8, 30)),
        ("15 tháng 12 lúc 8 giờ 30 phút", at(2026, 12, 15, 8, 30)),
        ("ngày 15 lúc 8h", at(2026, 12, 15, 8)),
        ("2026-12-15 08:00", at(2026, 12, 15, 8)),
        ("2026-12-15T08:00", at(2026, 12, 15, 8)),
        ("8g30 thứ Hai", at(2026, 11, 30, 8, 30)),
        ("thu 2 8h30", at(2026, 11, 30, 8, 30)),
        ("8h30 T2", at(2026, 11, 30, 8, 30)),
        ("thứ Hai tới 8h", at(2026, 11, 30, 8)),
        ("thứ hai tuần sau 8h", at(2026, 11, 30, 8)),
        ("thứ Tư 14h", at(2026, 12, 2, 14)),
        ("thứ bảy 7h30", at(2026, 11, 28, 7, 30)),
        ("CN 7h", at(2026, 11, 29, 7)),
        ("chủ nhật 7h", at(2026, 11, 29, 7)),
        ("14h ngày mai", at(2026, 11, 28, 14)),
        ("sáng mai 8h", at(2026, 11, 28, 8)),
        ("sang mai 8h", at(2026, 11, 28, 8)),
        ("hôm nay 14h", at(2026, 11, 27, 14)),
        ("chiều nay 3h", at(2026, 11, 27, 15)),
        ("ngày kia 9h", at(2026, 11, 29, 9)),
        ("chiều thứ Sáu 2h", at(2026, 11, 27, 14)),
        ("chieu thu sau 2h", at(2026, 11, 27, 14)),
        ("  chiều   thứ  Sáu   2h ", at(2026, 11, 27, 14)),
        ("tối thứ Hai 7h", at(2026, 11, 30, 19)),
        ("thứ Hai tối 7h", at(2026, 11, 30, 19)),
        ("thứ Hai tới 7h tối", at(2026, 11, 30, 19)),
        ("thu hai toi 7h", at(2026, 11, 30, 7)),  # without diacritics, 'toi' after a weekday reads as 'tới'
        ("toi nay 7h", at(2026, 11, 27, 19)),
        ("7h toi mai", at(2026, 11, 28, 19)),
        ("15/12 2h chiều", at(2026, 12, 15, 14)),
        ("15/12 8h sáng", at(2026, 12, 15, 8)),
        ("15/12 14h chiều", at(2026, 12, 15, 14)),
        ("8 giờ rưỡi tối mai", at(2026, 11, 28, 20, 30)),
        ("8pm mai", at(2026, 11, 28, 20)),
        ("hai giờ chiều mai", at(2026, 11, 28, 14)),
        ("15/12 lúc 8", at(2026, 12, 15, 8)),
        ("thứ Hai lúc 14", at(2026, 11, 30, 14)),
        ("thứ hai hai giờ chiều", at(2026, 11, 30, 14)),
        ("tám giờ rưỡi sáng mai", at(2026, 11, 28, 8, 30)),
        ("hai mươi giờ ngày 15/12", at(2026, 12, 15, 20)),
        ("8h30 sáng thứ 2 tuần tới", at(2026, 11, 30, 8, 30)),
        ("Thứ 2, ngày 30/11/2026, lúc 8h", at(2026, 11, 30, 8)),
        ("Thứ Ba, 15/12/2026 - 8h00", at(2026, 12, 15, 8)),
        ("15/12 (thứ Ba) 8h", at(2026, 12, 15, 8)),
        ("THỨ HAI 8H", at(2026, 11, 30, 8)),
        ("Thứ bẩy 8h", at(2026, 11, 28, 8)),
        ("7 giờ 30 phút sáng Chủ Nhật", at(2026, 11, 29, 7, 30)),
    ],
)
def test_a_meeting_time_can_be_typed_the_vietnamese_way(typed: str, expected: datetime) -> None:
    parsed = parse_datetime(typed, now=NOW)
    assert isinstance(parsed, ParsedWhen), parsed
    assert parsed.when == expected
    assert parsed.date_given and parsed.time_given


def test_the_parsed_moment_is_aware_and_in_vietnam_time() -> None:
    parsed = parse_datetime("15/12 8h", now=NOW)
    assert isinstance(parsed, ParsedWhen)
    assert parsed.when.tzinfo == VN_TZ
    assert parsed.when.astimezone(UTC) == datetime(2026, 12, 15, 1, 0, tzinfo=UTC)


def test_now_may_be_given_in_utc() -> None:
    late_evening_utc = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)  # already Saturday 03:00 in Việt Nam
    parsed = parse_datetime("8h", now=late_evening_utc)
    assert isinstance(parsed, ParsedWhen)
    assert parsed.when == at(2026, 11, 28, 8)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12h", at(2026, 11, 27, 12)),  # noon, still ahead
        ("0h", at(2026, 11, 28, 0)),  # midnight, the coming one
        ("9h", at(2026, 11, 28, 9)),  # already past today: tomorrow
        ("10:00", at(2026, 11, 28, 10)),  # exactly now: tomorrow
        ("10:01", at(2026, 11, 27, 10, 1)),
    ],
)
def test_a_time_alone_means_its_next_occurrence(typed: str, expected: datetime) -> None:
    parsed = parse_datetime(typed, now=NOW)
    assert isinstance(parsed, ParsedWhen)
    assert parsed.when == expected
    assert not parsed.date_given


def test_a_weekday_today_counts_only_while_the_time_is_still_ahead() -> None:
    later_today = parse_datetime("thứ Sáu 11h", now=NOW)
    earlier_today = parse_datetime("thứ Sáu 9h", now=NOW)
    assert isinstance(later_today, ParsedWhen) and isinstance(earlier_today, ParsedWhen)
    assert later_today.when == at(2026, 11, 27, 11)
    assert earlier_today.when == at(2026, 12, 4, 9)


def test_a_date_typed_at_the_end_of_the_year_rolls_into_the_next_year() -> None:
    december_27 = at(2026, 12, 27, 9)
    parsed = parse_datetime("5/1 8h", now=december_27)
    assert isinstance(parsed, ParsedWhen)
    assert parsed.when == at(2027, 1, 5, 8)


def test_today_without_a_year_is_today_even_if_the_hour_has_passed() -> None:
    assert reason(parse_datetime("27/11 8h", now=NOW)) is ParseReason.PAST
    parsed = parse_datetime("27/11 8h", now=NOW, allow_past=True)
    assert isinstance(parsed, ParsedWhen)
    assert parsed.when == at(2026, 11, 27, 8)


def test_leap_day_without_a_year_waits_for_the_next_leap_year() -> None:
    parsed = parse_datetime("29/2 8h", now=NOW)
    assert isinstance(parsed, ParsedWhen)
    assert parsed.when == at(2028, 2, 29, 8)


def test_month_ends_are_respected() -> None:
    assert isinstance(parse_datetime("31/12 8h", now=NOW), ParsedWhen)
    assert isinstance(parse_datetime("29/02/2028 8h", now=NOW), ParsedWhen)
    assert reason(parse_datetime("29/02/2027 8h", now=NOW)) is ParseReason.INVALID
    assert reason(parse_datetime("31/11 8h", now=NOW)) is ParseReason.INVALID


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("15/12", ParseReason.NO_TIME),
        ("thứ Hai", ParseReason.NO_TIME),
        ("ngày mai", ParseReason.NO_TIME),
        ("31/2 8h", ParseReason.INVALID),
        ("15/13 8h", ParseReason.INVALID),
        ("15/12 25h", ParseReason.INVALID),
        ("15/12 24h", ParseReason.INVALID),
        ("15/12 8h75", ParseReason.INVALID),
        ("sáng 14h", ParseReason.INVALID),
        ("họp chi bộ", ParseReason.INVALID),
        ("15/12 8h 9h", ParseReason.AMBIGUOUS),
        ("15/12 hoặc 16/12 8h", ParseReason.AMBIGUOUS),
        ("thứ Hai 15/12 8h", ParseReason.WEEKDAY_MISMATCH),
        ("20/11/2026 14h", ParseReason.PAST),
        ("hôm qua 8h", ParseReason.PAST),
        ("", ParseReason.EMPTY),
    ],
)
def test_a_meeting_time_the_bot_cannot_use_is_refused_with_a_reason(typed: str, why: ParseReason) -> None:
    assert reason(parse_datetime(typed, now=NOW)) is why


def test_a_past_moment_is_accepted_when_the_caller_allows_it() -> None:
    parsed = parse_datetime("20/11/2026 14h", now=NOW, allow_past=True)
    assert isinstance(parsed, ParsedWhen)
    assert parsed.when == at(2026, 11, 20, 14)


def test_another_time_zone_can_be_asked_for() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    parsed = parse_datetime("15/12 8h", now=NOW, tz=tokyo)
    assert isinstance(parsed, ParsedWhen)
    assert parsed.when == datetime(2026, 12, 15, 8, tzinfo=tokyo)


@pytest.fixture
def server_in_new_york():
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time_module.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time_module.tzset()


@pytest.mark.usefixtures("server_in_new_york")
def test_the_servers_own_time_zone_does_not_matter() -> None:
    # 8 March 2026 is a DST change in New York; Việt Nam has no DST.
    saturday_night = at(2026, 3, 7, 23)
    parsed = parse_datetime("CN 8h", now=saturday_night)
    assert isinstance(parsed, ParsedWhen)
    assert parsed.when == at(2026, 3, 8, 8)
    assert parsed.when - saturday_night == timedelta(hours=9)
    assert parse_date("mai", now=saturday_night) == date(2026, 3, 8)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15/12", date(2026, 12, 15)),
        ("15/12/2026", date(2026, 12, 15)),
        ("2026-12-15", date(2026, 12, 15)),
        ("ngày 15 tháng 12", date(2026, 12, 15)),
        ("thứ Sáu", date(2026, 11, 27)),  # a deadline today still counts
        ("thứ Hai tuần sau", date(2026, 11, 30)),
        ("ngày mai", date(2026, 11, 28)),
        ("hôm nay", date(2026, 11, 27)),
        ("5/1", date(2027, 1, 5)),
    ],
)
def test_a_date_alone_for_deadlines(typed: str, expected: date) -> None:
    assert parse_date(typed, now=NOW) == expected


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("8h", ParseReason.INVALID),
        ("15/12 8h", ParseReason.INVALID),
        ("sớm nhất có thể", ParseReason.NO_DATE),
        ("20/11/2026", ParseReason.PAST),
        ("30/2", ParseReason.INVALID),
    ],
)
def test_a_date_alone_that_cannot_be_used_is_refused(typed: str, why: ParseReason) -> None:
    assert reason(parse_date(typed, now=NOW)) is why


def test_a_past_date_is_accepted_when_the_caller_allows_it() -> None:
    assert parse_date("20/11/2026", now=NOW, allow_past=True) == date(2026, 11, 20)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("8h", time(8, 0)),
        ("8g30", time(8, 30)),
        ("08:30", time(8, 30)),
        ("8h30p", time(8, 30)),
        ("20 giờ", time(20, 0)),
        ("20 gio", time(20, 0)),
        ("chiều 2h", time(14, 0)),
        ("7h tối", time(19, 0)),
        ("trưa 1h", time(13, 0)),
        ("12h", time(12, 0)),
        ("0h", time(0, 0)),
        ("12am", time(0, 0)),
        ("hai giờ chiều", time(14, 0)),
        ("mười giờ", time(10, 0)),
        ("lúc 14", time(14, 0)),
    ],
)
def test_a_clock_time_alone(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("25h", ParseReason.INVALID),
        ("8h60", ParseReason.INVALID),
        ("15/12", ParseReason.INVALID),
        ("sáng sớm", ParseReason.INVALID),
        ("8h hoặc 9h", ParseReason.AMBIGUOUS),
        ("", ParseReason.EMPTY),
    ],
)
def test_a_clock_time_that_cannot_be_used_is_refused(typed: str, why: ParseReason) -> None:
    assert reason(parse_time(typed)) is why


# --- Names, phones, codes, free text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "tidy"),
    [
        ("  nguyễn   thị LAN ", "Nguyễn Thị Lan"),
        ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
        ("Nguyễn Thị Lan", "Nguyễn Thị Lan"),
        ("đặng thùy trâm", "Đặng Thùy Trâm"),
        ("Nguye\u0302\u0303n Lan", "Nguyễn Lan"),  # decomposed input is composed (NFC)
        ("H'hen Niê", "H'Hen Niê"),
        ("Y Moan", "Y Moan"),
        ("trần-thị bích", "Trần-Thị Bích"),
        ("Tran Van Binh", "Tran Van Binh"),
    ],
)
def test_a_full_name_is_tidied(typed: str, tidy: str) -> None:
    assert parse_person_name(typed) == tidy


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("", ParseReason.EMPTY),
        ("   ", ParseReason.EMPTY),
        ("A", ParseReason.TOO_SHORT),
        ("x" * 81, ParseReason.TOO_LONG),
        ("0903123456", ParseReason.HAS_DIGITS),
        ("Lan 2", ParseReason.HAS_DIGITS),
        ("https://example.com", ParseReason.IS_LINK),
        ("www.lan.vn", ParseReason.IS_LINK),
        ("@lan_nguyen", ParseReason.IS_LINK),
        ("😀😀", ParseReason.BAD_CHARACTERS),
        ("Lan\x00Anh", ParseReason.BAD_CHARACTERS),
        ("<b>Lan</b>", ParseReason.BAD_CHARACTERS),
    ],
)
def test_something_that_is_not_a_name_is_refused(typed: str, why: ParseReason) -> None:
    assert reason(parse_person_name(typed)) is why


@pytest.mark.parametrize(
    "typed",
    [
        "0903 123 456",
        "0903123456",
        "+84903123456",
        "84 903-123-456",
        "+84 (0) 903 123 456",
        "0903.123.456",
        "0084 903 123 456",
    ],
)
def test_a_mobile_number_in_any_usual_spelling_becomes_international(typed: str) -> None:
    assert parse_phone(typed) == "+84903123456"


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("090312345", ParseReason.NOT_A_PHONE),
        ("09031234567", ParseReason.NOT_A_PHONE),
        ("+1 555 123 4567", ParseReason.NOT_A_PHONE),
        ("0103123456", ParseReason.NOT_A_PHONE),
        ("số điện thoại", ParseReason.NOT_A_PHONE),
        ("", ParseReason.NOT_A_PHONE),
        ("024 3823 4567", ParseReason.NOT_MOBILE),
    ],
)
def test_something_that_is_not_a_vietnamese_mobile_is_refused(typed: str, why: ParseReason) -> None:
    assert reason(parse_phone(typed)) is why


@pytest.mark.parametrize(
    ("typed", "code"),
    [("  ab-12 ", "AB12"), ("AB12", "AB12"), ("ab 12", "AB12"), ("đà-9", "DA9"), ("Ưu 7", "UU7"), ("", "")],
)
def test_a_check_in_code_is_read_however_it_is_typed(typed: str, code: str) -> None:
    assert normalise_code(typed) == code


def test_free_text_is_trimmed_and_limited() -> None:
    assert limit_text("  Hội thảo Thông tư 44  ", 40) == "Hội thảo Thông tư 44"
    assert limit_text("Dòng một\nDòng hai", 40) == "Dòng một\nDòng hai"
    assert limit_text("Hội\x07 trường", 40) == "Hội trường"
    assert limit_text("abcde", 5) == "abcde"
    assert reason(limit_text("abcdef", 5)) is ParseReason.TOO_LONG
    assert reason(limit_text(" \n\t ", 5)) is ParseReason.EMPTY


# --- Reporting periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "typed", "key"),
    [
        ("month", "11/2026", "2026-11"),
        ("month", "tháng 11", "2026-11"),
        ("month", "thang 11/2026", "2026-11"),
        ("month", "Tháng 11 năm 2026", "2026-11"),
        ("month", "2026-11", "2026-11"),
        ("month", "11", "2026-11"),
        ("month", "T11/2026", "2026-11"),
        ("month", "tháng 10", "2026-10"),  # the one just past
        ("month", "tháng 1", "2027-01"),  # the coming one, typed in late November
        ("month", "tháng này", "2026-11"),
        ("month", "tháng trước", "2026-10"),
        ("quarter", "Q4/2026", "2026-Q4"),
        ("quarter", "q4 2026", "2026-Q4"),
        ("quarter", "quý 4", "2026-Q4"),
        ("quarter", "quý IV", "2026-Q4"),
        ("quarter", "2026-Q1", "2026-Q1"),
        ("quarter", "4", "2026-Q4"),
        ("quarter", "quý 4 năm 2026", "2026-Q4"),
        ("quarter", "quý trước", "2026-Q3"),
        ("week", "2026-W48", "2026-W48"),
        ("week", "tuần 48", "2026-W48"),
        ("week", "48", "2026-W48"),
        ("week", "tuần 1", "2027-W01"),
        ("week", "tuan 48/2026", "2026-W48"),
        ("week", "tuần này", "2026-W48"),
        ("week", "tuần sau", "2026-W49"),
        ("week", "tuần 53", "2026-W53"),
    ],
)
def test_a_reporting_period_can_be_typed_many_ways(kind: str, typed: str, key: str) -> None:
    period = parse_period(typed, kind=kind, now=NOW)
    assert isinstance(period, Period), period
    assert period.label_key == key
    assert period.kind is PeriodKind(kind)


def test_a_period_is_read_from_the_day_in_vietnam() -> None:
    new_year_morning_in_vietnam = datetime(2026, 12, 31, 18, 0, tzinfo=UTC)
    period = parse_period("tháng này", kind="month", now=new_year_morning_in_vietnam)
    assert isinstance(period, Period)
    assert period.label_key == "2027-01"
    assert parse_period("tuần tới", kind="week", now=date(2026, 11, 27)) == period_containing(
        "week", date(2026, 12, 1)
    )


@pytest.mark.parametrize(
    ("kind", "typed", "why"),
    [
        ("month", "tháng 13", ParseReason.INVALID),
        ("month", "Q4/2026", ParseReason.NOT_A_PERIOD),
        ("quarter", "quý 5", ParseReason.NOT_A_PERIOD),
        ("week", "tuần 54", ParseReason.INVALID),
        ("week", "tuần 53/2027", ParseReason.INVALID),
        ("week", "", ParseReason.EMPTY),
    ],
)
def test_a_period_that_does_not_exist_is_refused(kind: str, typed: str, why: ParseReason) -> None:
    assert reason(parse_period(typed, kind=kind, now=NOW)) is why


def test_periods_have_the_expected_bounds() -> None:
    assert period_containing("month", date(2028, 2, 10)) == Period(
        PeriodKind.MONTH, date(2028, 2, 1), date(2028, 2, 29), "2028-02"
    )
    week = period_containing(PeriodKind.WEEK, date(2026, 11, 27))
    assert (week.start, week.end) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week.start.weekday() == 0
    quarter = period_containing("quarter", date(2026, 12, 31))
    assert (quarter.start, quarter.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter.label_key == "2026-Q4"


def test_periods_step_across_year_ends() -> None:
    assert period_containing("month", date(2026, 12, 5)).next().label_key == "2027-01"
    assert period_containing("quarter", date(2027, 1, 5)).previous().label_key == "2026-Q4"
    last_week = period_containing("week", date(2026, 12, 31))
    assert last_week.label_key == "2026-W53"
    assert last_week.next().label_key == "2027-W01"
    assert period_containing("week", date(2027, 1, 1)).label_key == "2026-W53"


# --- Properties: nothing a cadre types can crash a parser -------------------------------------------------

_ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.text(alphabet="0123456789 /.:-,hgHG", max_size=30),
    st.text(alphabet=st.sampled_from(list("\x00\x07\x1b\u202e\u200d\n\t\r ")), max_size=20),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=5), st.integers(1000, 20000)),
    st.lists(
        st.sampled_from(
            [
                "thứ",
                "hai",
                "sáu",
                "CN",
                "T2",
                "mai",
                "chiều",
                "tối",
                "tới",
                "tuần",
                "sau",
                "ngày",
                "tháng",
                "năm",
                "quý",
                "8h",
                "8g30",
                "15/12",
                "31/2",
                "2026",
                "lúc",
                "giờ",
                "rưỡi",
                "mười",
                "mươi",
                "lăm",
                "-",
                "1.234",
                "Q4",
                "W48",
            ]
        ),
        max_size=8,
    ).map(" ".join),
)
_NOWS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(VN_TZ))


@settings(max_examples=300)
@given(text=_ANY_TEXT, now=_NOWS)
def test_no_parser_raises_on_any_text(text: str, now: datetime) -> None:
    parse_count(text)
    parse_datetime(text, now=now)
    parse_datetime(text, now=now, allow_past=True)
    parse_date(text, now=now)
    parse_time(text)
    parse_person_name(text)
    parse_phone(text)
    normalise_code(text)
    limit_text(text, 200)
    for kind in PeriodKind:
        parse_period(text, kind=kind, now=now)


@settings(max_examples=300)
@given(text=_ANY_TEXT, max_value=st.integers(0, 1_000_000))
def test_every_accepted_count_is_within_bounds(text: str, max_value: int) -> None:
    result = parse_count(text, max_value=max_value)
    assert isinstance(result, ParseError) or 0 <= result <= max_value


@settings(max_examples=300)
@given(text=_ANY_TEXT, now=_NOWS, allow_past=st.booleans())
def test_every_accepted_moment_is_aware_and_ahead_unless_past_is_allowed(
    text: str, now: datetime, allow_past: bool
) -> None:
    result = parse_datetime(text, now=now, allow_past=allow_past)
    if isinstance(result, ParsedWhen):
        assert result.when.tzinfo is not None
        assert result.when.utcoffset() == timedelta(hours=7)
        assert allow_past or result.when >= now


@given(
    count=st.integers(0, 100_000), separator=st.sampled_from([",", "."]), unit=st.sampled_from(["", " người"])
)
def test_a_count_written_with_thousands_separators_reads_back_as_itself(
    count: int, separator: str, unit: str
) -> None:
    assert parse_count(f"{count:,}".replace(",", separator) + unit) == count


_MINUTES = st.datetimes(min_value=datetime(2026, 11, 28), max_value=datetime(2031, 12, 31)).map(
    lambda moment: moment.replace(second=0, microsecond=0, tzinfo=VN_TZ)
)
_DAYS = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))
_FORMATS = ["%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M", "%H:%M %d/%m/%Y", "%d.%m.%Y %Hh%M"]


@given(moment=_MINUTES, pattern=st.sampled_from(_FORMATS))
def test_a_formatted_moment_reads_back_as_itself(moment: datetime, pattern: str) -> None:
    parsed = parse_datetime(moment.strftime(pattern), now=NOW)
    assert isinstance(parsed, ParsedWhen), parsed
    assert parsed.when == moment


@given(moment=_MINUTES)
def test_a_moment_written_out_in_words_reads_back_as_itself(moment: datetime) -> None:
    written = (
        f"ngày {moment.day} tháng {moment.month} năm {moment.year} lúc {moment.hour} giờ {moment.minute} phút"
    )
    for typed in (written, fold(written)):
        parsed = parse_datetime(typed, now=NOW)
        assert isinstance(parsed, ParsedWhen), (typed, parsed)
        assert parsed.when == moment


@given(day=_DAYS, kind=st.sampled_from(PeriodKind))
def test_period_arithmetic_is_consistent(day: date, kind: PeriodKind) -> None:
    period = period_containing(kind, day)
    assert period.contains(day)
    assert period.next().start == period.end + timedelta(days=1)
    assert period.previous().end == period.start - timedelta(days=1)
    assert period.next().previous() == period


@given(day=_DAYS, kind=st.sampled_from(PeriodKind))
def test_a_period_key_reads_back_as_the_same_period(day: date, kind: PeriodKind) -> None:
    period = period_containing(kind, day)
    assert parse_period(period.label_key, kind=kind, now=datetime(2026, 1, 1, tzinfo=UTC)) == period
