"""Period arithmetic, deadlines, the reminder ladder, sanity checks and roll-ups: pure rules, edge cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.parsing import PeriodKind, period_containing
from bot.core.reports import (
    ChapterRow,
    Concern,
    PastReport,
    ReportConfig,
    ReportRow,
    Status,
    Step,
    current_period,
    deadline_of,
    ladder,
    parse_deadline,
    period_from_key,
    periods_between,
    reporting_period,
    roll_up,
    sanity_warnings,
    step_still_makes_sense,
    task_key,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONTHLY = ReportConfig()


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


# Periods and deadlines


def test_the_default_is_monthly_due_on_the_25th_at_20_00_local_time() -> None:
    rp = current_period(vn(2026, 11, 23, 9, 0), MONTHLY)
    assert rp.key == "2026-11"
    assert rp.deadline == vn(2026, 11, 25, 20, 0)
    assert rp.deadline.astimezone(UTC) == datetime(2026, 11, 25, 13, 0, tzinfo=UTC)


def test_the_current_period_follows_the_date_in_viet_nam_not_utc() -> None:
    late_evening_utc = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)  # already 1 December 01:00 in Hà Nội
    assert current_period(late_evening_utc, MONTHLY).key == "2026-12"
    assert current_period(datetime(2026, 11, 30, 16, 59, tzinfo=UTC), MONTHLY).key == "2026-11"


def test_a_deadline_day_past_the_month_end_means_the_last_day() -> None:
    config = ReportConfig(PeriodKind.MONTH, 31, time(20, 0))
    assert deadline_of(period_containing("month", date(2026, 2, 10)), config) == vn(2026, 2, 28, 20, 0)
    assert deadline_of(period_containing("month", date(2028, 2, 10)), config) == vn(2028, 2, 29, 20, 0)
    assert deadline_of(period_containing("month", date(2026, 4, 10)), config) == vn(2026, 4, 30, 20, 0)


def test_weekly_deadlines_fall_on_the_chosen_weekday_and_quarterly_in_the_last_month() -> None:
    weekly = ReportConfig(PeriodKind.WEEK, 5, time(17, 0))
    assert current_period(vn(2026, 11, 23, 9, 0), weekly).deadline == vn(2026, 11, 27, 17, 0)
    quarterly = ReportConfig(PeriodKind.QUARTER, 25, time(20, 0))
    rp = current_period(vn(2026, 10, 2, 9, 0), quarterly)
    assert rp.key == "2026-Q4" and rp.deadline == vn(2026, 12, 25, 20, 0)


def test_the_deadline_minute_is_still_on_time_and_the_next_second_is_late() -> None:
    rp = current_period(vn(2026, 11, 1, 0, 0), MONTHLY)
    assert rp.on_time(vn(2026, 11, 25, 20, 0))
    assert not rp.on_time(vn(2026, 11, 25, 20, 0, 1))


def test_a_period_closes_at_its_end_or_after_the_last_escalation_whichever_is_later() -> None:
    monthly = current_period(vn(2026, 11, 5, 0, 0), MONTHLY)
    assert monthly.closes_at == vn(2026, 12, 1, 0, 0)
    assert monthly.is_open(vn(2026, 11, 30, 23, 59)) and not monthly.is_open(vn(2026, 12, 1, 0, 0))
    weekly = current_period(vn(2026, 11, 23, 9, 0), ReportConfig(PeriodKind.WEEK, 7, time(20, 0)))
    assert weekly.closes_at == vn(2026, 12, 3, 0, 0)


def test_period_keys_read_back_and_nonsense_is_refused() -> None:
    assert period_from_key("2026-11") == period_containing("month", date(2026, 11, 1))
    assert period_from_key("2026-W53") == period_containing("week", date(2026, 12, 28))
    assert period_from_key("2026-Q4") == period_containing("quarter", date(2026, 10, 1))
    for bad in ("2026-13", "2025-W53", "2026-Q5", "11/2026", "", "2026-1"):
        assert period_from_key(bad) is None


def test_a_range_of_periods_runs_across_the_year_end() -> None:
    first, last = period_from_key("2026-11"), period_from_key("2027-02")
    assert [p.label_key for p in periods_between(first, last)] == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert periods_between(last, first) == []


# The ladder


def test_the_ladder_for_the_default_deadline() -> None:
    rp = current_period(vn(2026, 11, 1, 0, 0), MONTHLY)
    assert ladder(rp) == [
        (Step.BEFORE, vn(2026, 11, 22, 8, 0)),
        (Step.MORNING, vn(2026, 11, 25, 8, 0)),
        (Step.WARD, vn(2026, 11, 26, 8, 0)),
        (Step.DISTRICT, vn(2026, 11, 28, 8, 0)),
    ]
    assert task_key(rp.key, Step.WARD) == "report:2026-11:ward"


def test_a_deadline_before_eight_in_the_morning_has_no_morning_reminder() -> None:
    rp = current_period(vn(2026, 11, 1, 0, 0), ReportConfig(PeriodKind.MONTH, 25, time(7, 0)))
    assert [s for s, _ in ladder(rp)] == [Step.BEFORE, Step.WARD, Step.DISTRICT]


def test_a_late_three_days_before_reminder_is_dropped_once_the_morning_one_is_due() -> None:
    rp = current_period(vn(2026, 11, 1, 0, 0), MONTHLY)
    assert step_still_makes_sense(Step.BEFORE, rp, vn(2026, 11, 24, 10, 0))
    assert not step_still_makes_sense(Step.BEFORE, rp, vn(2026, 11, 25, 8, 0))
    assert not step_still_makes_sense(Step.BEFORE, rp, vn(2026, 11, 21, 8, 0))


def test_reminders_stop_at_the_deadline_minute_and_escalations_at_the_close() -> None:
    rp = current_period(vn(2026, 11, 1, 0, 0), MONTHLY)
    assert step_still_makes_sense(Step.MORNING, rp, vn(2026, 11, 25, 19, 59))
    assert not step_still_makes_sense(Step.MORNING, rp, vn(2026, 11, 25, 20, 0))
    assert step_still_makes_sense(Step.WARD, rp, vn(2026, 11, 30, 23, 0))
    assert not step_still_makes_sense(Step.DISTRICT, rp, vn(2026, 12, 1, 0, 0))


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("25 20:00", PeriodKind.MONTH, (25, time(20, 0))),
        ("ngày 25 lúc 20h", PeriodKind.MONTH, (25, time(20, 0))),
        ("28 17h30", PeriodKind.MONTH, (28, time(17, 30))),
        ("10", PeriodKind.MONTH, (10, time(20, 0))),
        ("thứ 6 17:00", PeriodKind.WEEK, (5, time(17, 0))),
        ("Chủ nhật 9g", PeriodKind.WEEK, (7, time(9, 0))),
        ("6 20:00", PeriodKind.WEEK, (5, time(20, 0))),
        ("t6 17h", PeriodKind.WEEK, (5, time(17, 0))),
        ("T.6 17:00", PeriodKind.WEEK, (5, time(17, 0))),
        ("thu sau 17:00", PeriodKind.WEEK, (5, time(17, 0))),
        ("Thứ Hai 8h", PeriodKind.WEEK, (1, time(8, 0))),
        ("thứ 7", PeriodKind.WEEK, (6, time(20, 0))),
        ("CN 9:00", PeriodKind.WEEK, (7, time(9, 0))),
    ],
)
def test_deadlines_typed_by_an_admin(text: str, kind: PeriodKind, expected: tuple[int, time]) -> None:
    assert parse_deadline(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("32 20:00", PeriodKind.MONTH),
        ("25 25:00", PeriodKind.MONTH),
        ("8 20:00", PeriodKind.WEEK),
        ("1 20:00", PeriodKind.WEEK),
        ("thứ 8", PeriodKind.WEEK),
        ("hôm nay", PeriodKind.MONTH),
        ("0", PeriodKind.MONTH),
        ("thứ 6", PeriodKind.MONTH),
    ],
)
def test_impossible_deadlines_are_refused(text: str, kind: PeriodKind) -> None:
    assert parse_deadline(text, kind) is None


# Sanity checks


def test_ordinary_numbers_need_no_confirmation() -> None:
    history = [PastReport("2026-09", 2, 40), PastReport("2026-10", 3, 42)]
    assert sanity_warnings(3, 45, history) == []
    assert sanity_warnings(0, 0, []) == []


def test_more_new_members_than_total_asks_for_confirmation() -> None:
    assert sanity_warnings(5, 3, []) == [Concern.NEW_OVER_TOTAL]


def test_numbers_far_outside_the_chapters_history_ask_for_confirmation() -> None:
    history = [PastReport("2026-09", 2, 40), PastReport("2026-10", 3, 42)]
    assert Concern.NEW_UNUSUAL in sanity_warnings(30, 72, history)
    assert sanity_warnings(13, 55, history) == []
    assert sanity_warnings(3, 450, history) == [Concern.TOTAL_UNUSUAL]
    assert sanity_warnings(3, 20, history) == [Concern.TOTAL_UNUSUAL]


def test_negative_numbers_never_reach_the_checks() -> None:
    with pytest.raises(ValueError):
        sanity_warnings(-1, 3, [])


# Roll-ups

CHAPTERS = [
    ChapterRow(1, "KP1", 10, "Phường 1"),
    ChapterRow(2, "KP2", 10, "Phường 1"),
    ChapterRow(3, "KP3", 10, "Phường 1"),
    ChapterRow(4, "KP1", 20, "Phường 2"),
]
DEADLINE = vn(2026, 11, 25, 20, 0)


def test_rates_new_members_and_totals_roll_up_from_chapters_to_wards_to_the_district() -> None:
    reports = [
        ReportRow(1, 3, 45, DEADLINE),
        ReportRow(2, 1, 20, DEADLINE + timedelta(seconds=1)),
        ReportRow(4, 2, 30, DEADLINE - timedelta(days=2)),
    ]
    rollup = roll_up(CHAPTERS, reports, excused=[], deadline=DEADLINE)
    ward1 = rollup.ward(10)
    assert ward1 is not None
    assert [line.status for line in ward1.chapters] == [Status.ON_TIME, Status.LATE, Status.MISSING]
    assert (ward1.totals.reported, ward1.totals.expected, ward1.totals.on_time) == (2, 3, 1)
    assert ward1.totals.reporting_rate == pytest.approx(2 / 3)
    assert ward1.totals.on_time_rate == pytest.approx(1 / 3)
    assert (ward1.totals.new_members, ward1.totals.total_members) == (4, 65)
    assert (
        rollup.district.reported,
        rollup.district.expected,
        rollup.district.new_members,
        rollup.district.total_members,
    ) == (3, 4, 6, 95)
    assert [line.chapter.chapter_id for line in rollup.missing()] == [3]


def test_an_excused_chapter_is_neither_expected_nor_missing() -> None:
    rollup = roll_up(CHAPTERS, [ReportRow(1, 3, 45, DEADLINE)], excused=[2, 3], deadline=DEADLINE)
    ward1 = rollup.ward(10)
    assert ward1 is not None and ward1.totals.expected == 1 and ward1.totals.missing == 0
    assert ward1.totals.reporting_rate == 1.0
    assert [line.chapter.chapter_id for line in rollup.missing()] == [4]


def test_a_ward_with_every_chapter_excused_has_no_rate() -> None:
    rollup = roll_up(CHAPTERS, [], excused=[4], deadline=DEADLINE)
    ward2 = rollup.ward(20)
    assert ward2 is not None and ward2.totals.reporting_rate is None and ward2.totals.on_time_rate is None


def test_an_excused_chapter_that_reports_anyway_counts_as_reported() -> None:
    rollup = roll_up(CHAPTERS[3:], [ReportRow(4, 2, 30, DEADLINE)], excused=[4], deadline=DEADLINE)
    assert rollup.district.reported == 1 and rollup.district.expected == 1


def test_a_reporting_period_by_key_uses_the_configured_deadline() -> None:
    rp = reporting_period(period_from_key("2026-12"), MONTHLY)
    assert rp.deadline == vn(2026, 12, 25, 20, 0)


def test_an_unusually_large_number_of_new_members_for_the_period_length_is_confirmed_first() -> None:
    from bot.core.parsing.periods import PeriodKind
    from bot.core.reports.rules import LARGE_NEW

    assert Concern.NEW_LARGE in sanity_warnings(500, 900, [], PeriodKind.WEEK)
    assert Concern.NEW_LARGE not in sanity_warnings(LARGE_NEW[PeriodKind.WEEK], 900, [], PeriodKind.WEEK)
    assert Concern.NEW_LARGE not in sanity_warnings(120, 900, [], PeriodKind.MONTH)
    assert Concern.NEW_LARGE in sanity_warnings(301, 900, [], PeriodKind.QUARTER)
