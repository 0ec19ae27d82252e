"""The features' parsers of what people type: any text gives a value or None, never an exception.

Each feature's parser is checked once the feature is part of the bot (the test is skipped before).
"""

from __future__ import annotations

from datetime import time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.faq_packaged import packaged_matcher

VN = ZoneInfo("Asia/Ho_Chi_Minh")
typed = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)


@cache
def faq_matcher():
    return packaged_matcher()


@given(typed)
@example("")
@example("?" * 500)
@example("ĐĂNG KÝ HỘI VIÊN ĐƯỢC KHÔNG")
@example("dang ky hoi vien duoc khong")
@example("<b>học bổng</b> & 'quỹ' \x00")
@settings(max_examples=150, deadline=None)
def test_any_question_gets_a_verdict_from_the_faq(question: str) -> None:
    answer = faq_matcher().ask(question)
    assert answer.kind in ("answer", "unconfirmed", "suggest", "none", "small_talk")
    assert (answer.small_talk is not None) is (answer.kind == "small_talk")
    assert answer.language in ("vi", "en")
    assert 0.0 <= answer.score <= 1.0 + 1e-9
    assert (answer.entry is not None) is (answer.kind in ("answer", "unconfirmed"))


@given(typed, st.sampled_from(["MONTH", "WEEK", "QUARTER"]))
@example("25 20:00", "MONTH")
@example("thứ 6 17h", "WEEK")
@example("ngày 99 lúc 99h", "MONTH")
@example("٢٥", "MONTH")
def test_any_report_deadline_text_gives_a_day_and_time_or_none(text: str, kind: str) -> None:
    schedule = pytest.importorskip("bot.core.reports.schedule")
    from bot.core.parsing import PeriodKind

    if not hasattr(PeriodKind, kind):
        return
    parsed = schedule.parse_deadline(text, PeriodKind[kind])
    if parsed is not None:
        day, at = parsed
        assert 1 <= day <= schedule.MAX_DEADLINE_DAY[PeriodKind[kind]] and isinstance(at, time)


@given(typed)
@example("3d, 1d, 2h")
@example("3 ngay, 1 ngay, 2 gio")
@example("999d")
@example("0m")
@example("1d,1d,1d,1d,1d,1d")
def test_any_seminar_reminder_text_gives_offsets_in_range_or_none(text: str) -> None:
    seminars = pytest.importorskip("bot.core.seminars.models")
    offsets = seminars.parse_offsets(text)
    if offsets is not None:
        assert 0 < len(offsets) <= seminars.MAX_OFFSETS
        assert all(seminars.MIN_OFFSET <= o <= seminars.MAX_OFFSET for o in offsets)
        assert list(offsets) == sorted(offsets, reverse=True)
        assert all(isinstance(o, timedelta) for o in offsets)


@given(typed)
@example("2026-W48")
@example("2026-W53")
@example("0000-W01")
@example("9999-W52")
def test_any_week_key_gives_a_real_week_or_none(text: str) -> None:
    weeks = pytest.importorskip("bot.core.summary.weeks")
    week = weeks.parse_week_key(text, VN)
    if week is not None:
        assert week.monday.weekday() == 0


@given(typed)
@example("MON 07:00")
@example("T2 7:30")
@example("monday 24h")
def test_any_summary_schedule_text_gives_a_weekday_and_time_or_none(text: str) -> None:
    weeks = pytest.importorskip("bot.core.summary.weeks")
    schedule = weeks.parse_schedule(text)
    if schedule is not None:
        assert 0 <= schedule.weekday <= 6 and isinstance(schedule.at, time)


@given(typed, st.sampled_from(["title", "venue", "description", "capacity", "late"]))
@example("-", "description")
@example("0", "capacity")
@example("5001", "capacity")
@example("mười lăm", "late")
@example("x" * 121, "title")
def test_any_typed_training_field_gives_a_usable_value_or_none(text: str, field: str) -> None:
    organiser = pytest.importorskip("handlers.attendance.organiser")
    from bot.core.attendance.rules import MAX_CAPACITY, MAX_DESCRIPTION, MAX_TITLE, MAX_VENUE
    from bot.core.attendance.service import MAX_LATE_THRESHOLD_MINUTES

    value = organiser.parse_field(field, text)
    if value is None or value == "":
        assert value is None or field in ("description", "capacity")
    elif field in ("title", "venue", "description"):
        limit = {"title": MAX_TITLE, "venue": MAX_VENUE, "description": MAX_DESCRIPTION}[field]
        assert isinstance(value, str) and 0 < len(value) <= limit
    else:
        limit = MAX_CAPACITY if field == "capacity" else MAX_LATE_THRESHOLD_MINUTES
        assert isinstance(value, int) and 0 <= value <= limit and (field == "late" or value >= 1)


@given(typed)
@example("k7m4qp")
@example(" K 7 M 4 Q P ")
@example("ci_K7M4QP")
def test_any_typed_check_in_code_is_normalised_or_refused_without_a_lookup(text: str) -> None:
    from bot.core.attendance.rules import CODE_ALPHABET, CODE_LENGTH, plausible_code
    from bot.core.parsing import normalise_code

    code = normalise_code(text)
    if plausible_code(code):
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
