"""How organisers read a seminar's feedback: count, average to one decimal, and the spread 5⭐ to 1⭐."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.core.seminars.feedback import SHOWN_AFTER_END, feedback_shown, summarise_feedback
from bot.core.seminars.models import Seminar, SeminarStatus

VN = ZoneInfo("Asia/Ho_Chi_Minh")
STARTS = datetime(2026, 11, 27, 8, 0, tzinfo=VN)
ENDS = datetime(2026, 11, 27, 11, 30, tzinfo=VN)
SEMINAR = Seminar(
    1, "Học tập suốt đời", "Phường 1", STARTS, ENDS, "Nhà văn hóa", "", SeminarStatus.SCHEDULED, 1
)


def test_three_ratings_give_their_count_average_and_spread_best_first() -> None:
    summary = summarise_feedback({5: 1, 4: 2})
    assert summary.count == 3
    assert summary.average == Decimal("4.3")
    assert list(summary.distribution.items()) == [(5, 1), (4, 2), (3, 0), (2, 0), (1, 0)]


def test_the_average_is_rounded_half_up_to_one_decimal() -> None:
    assert summarise_feedback({5: 1, 4: 1, 3: 2}).average == Decimal("3.8")  # 3.75
    assert summarise_feedback({1: 3}).average == Decimal("1.0")


def test_no_ratings_means_no_average_and_odd_values_are_ignored() -> None:
    empty = summarise_feedback({})
    assert empty.count == 0 and empty.average is None and sum(empty.distribution.values()) == 0
    assert summarise_feedback({0: 4, 6: 1, 5: 2}).count == 2


def test_feedback_is_shown_from_the_end_for_a_month_and_never_for_a_cancelled_seminar() -> None:
    assert not feedback_shown(SEMINAR, ENDS - timedelta(minutes=1))
    assert feedback_shown(SEMINAR, ENDS)
    assert feedback_shown(SEMINAR, ENDS + SHOWN_AFTER_END - timedelta(minutes=1))
    assert not feedback_shown(SEMINAR, ENDS + SHOWN_AFTER_END)
    assert not feedback_shown(replace(SEMINAR, status=SeminarStatus.CANCELLED), ENDS + timedelta(hours=1))
