"""When a training or a seminar may start and end, as the organisers' "when?" step explains it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.audience import Audience
from bot.core.seminars.models import DEFAULT_DURATION, check_times
from bot.core.seminars.service import SeminarDraft
from bot.core.when import (
    WhenProblem,
    end_on_start_day,
    end_problem,
    month_grid,
    pickable_day,
    shift_month,
    start_problem,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=VN)
START = datetime(2026, 12, 15, 8, 0, tzinfo=VN)


def test_a_start_must_still_be_to_come_and_less_than_two_years_away() -> None:
    assert start_problem(START, NOW) is None
    assert start_problem(NOW, NOW) is WhenProblem.PAST
    assert start_problem(NOW - timedelta(minutes=1), NOW) is WhenProblem.PAST
    assert start_problem(datetime(2062, 11, 27, 8, 0, tzinfo=VN), NOW) is WhenProblem.TOO_FAR
    assert start_problem(NOW + timedelta(days=729), NOW) is None


def test_an_end_typed_as_a_time_falls_on_the_start_day_and_must_come_after_the_start() -> None:
    assert end_on_start_day(START, time(10, 30)) == datetime(2026, 12, 15, 10, 30, tzinfo=VN)
    assert end_problem(START, datetime(2026, 12, 15, 10, 30, tzinfo=VN)) is None
    assert end_problem(START, START) is WhenProblem.BEFORE_START
    assert end_problem(START, datetime(2026, 12, 15, 7, 0, tzinfo=VN)) is WhenProblem.BEFORE_START
    assert end_problem(START, datetime(2026, 12, 15, 23, 0, tzinfo=VN)) is WhenProblem.TOO_LONG


def test_the_picker_offers_days_from_today_for_two_years() -> None:
    today = NOW.date()
    assert pickable_day(today, today) and pickable_day(date(2026, 12, 31), today)
    assert not pickable_day(date(2026, 11, 22), today)
    assert not pickable_day(date(2028, 12, 1), today)
    assert month_grid(2026, 12)[0][:2] == [0, 1]
    assert shift_month(date(2026, 12, 15), 1) == date(2027, 1, 1)


def test_a_seminar_without_a_typed_end_lasts_the_usual_two_hours() -> None:
    draft = SeminarDraft("Chủ đề", "Phường 1", START, "Hội trường", Audience())
    assert draft.end == START + DEFAULT_DURATION == datetime(2026, 12, 15, 10, 0, tzinfo=VN)
    typed = SeminarDraft(
        "Chủ đề",
        "Phường 1",
        START,
        "Hội trường",
        Audience(),
        ends_at=datetime(2026, 12, 15, 11, 30, tzinfo=VN),
    )
    assert typed.end == datetime(2026, 12, 15, 11, 30, tzinfo=VN)
    assert check_times(START, typed.end, NOW)
    assert not check_times(START, START - timedelta(hours=1), NOW)
    assert not check_times(NOW - timedelta(hours=1), NOW + timedelta(hours=1), NOW)
