"""The sandbox time bar: what "next Monday 07:00" means and how the bot's clock is shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.sandbox.web import clock_view, demo_phone, next_monday_morning

MONDAY_7AM_VIETNAM = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)


def test_next_monday_morning_is_strictly_in_the_future():
    assert next_monday_morning(MONDAY_7AM_VIETNAM - timedelta(minutes=1)) == MONDAY_7AM_VIETNAM
    assert next_monday_morning(MONDAY_7AM_VIETNAM) == MONDAY_7AM_VIETNAM + timedelta(days=7)
    sunday_late_utc = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # already Monday 06:30 in Vietnam
    assert next_monday_morning(sunday_late_utc) == MONDAY_7AM_VIETNAM


def test_clock_is_shown_in_vietnamese_local_time():
    assert clock_view(MONDAY_7AM_VIETNAM)["label"] == "Thứ Hai, 30/11/2026 07:00"


def test_demo_phone_prefers_the_persons_own_number():
    assert demo_phone({"user_id": 42}) == "+84900000042"
    assert demo_phone({"user_id": 42, "phone": "+84912345678"}) == "+84912345678"
