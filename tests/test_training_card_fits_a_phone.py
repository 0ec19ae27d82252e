"""The organiser's training card fits a phone: at most 8 choices at a time, whole words on every label."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.attendance import TrainingDraft
from bot.core.audience import EVERYONE
from bot.core.models import Role
from bot.core.text import shorten
from tests.harness import VN, BotUnderTest, Person, active_member

pytestmark = pytest.mark.channels("transcript", "telegram", "zalo")

LONG_TITLE = "Tập huấn nghiệp vụ khuyến học cho cán bộ chi hội các khu phố năm 2026"


async def two_sessions(bot: BotUnderTest) -> Person:
    organiser = await bot.member(4001, "Phạm Văn Tổ", Role.ORGANISER, ward="Phường 1")
    member = await active_member(bot.services, 4001, bot.primary)
    for day, title in ((25, LONG_TITLE), (26, "Tọa đàm cuối năm")):
        starts = datetime(2026, 11, day, 8, 0, tzinfo=VN)
        draft = TrainingDraft(
            title, starts, starts + timedelta(hours=3), "Hội trường UBND Phường 1", EVERYONE
        )
        assert (await bot.services.attendance.create(member, draft)).training is not None
    return organiser


async def test_the_training_card_shows_eight_choices_and_the_rest_under_more(bot: BotUnderTest) -> None:
    organiser = await two_sessions(bot)
    await organiser.send("/trainings")
    replies = await organiser.press("Quản lý")
    first_page = replies[-1].buttons
    assert len(first_page) <= 8 and "Thêm…" in first_page and "🕒 Dời lịch" in first_page
    assert "❌ Hủy buổi tập huấn" not in first_page

    replies = await organiser.press("Thêm…")
    more = replies[-1].buttons
    assert len(more) <= 8 and "❌ Hủy buổi tập huấn" in more and "✏️ Số chỗ" in more

    replies = await organiser.press("Quay lại")
    assert replies[-1].buttons == first_page


async def test_a_long_session_title_in_the_session_picker_is_cut_between_words(bot: BotUnderTest) -> None:
    organiser = await two_sessions(bot)

    replies = await organiser.send("/checkin_qr")

    assert "Tập huấn nghiệp vụ khuyến… · 25/11/2026" in replies[-1].buttons
    assert all(len(label) <= 40 for label in replies[-1].buttons)


@given(st.text(alphabet="abc đêơ ", min_size=0, max_size=120), st.integers(min_value=8, max_value=60))
def test_a_shortened_label_fits_and_never_ends_inside_a_word(text: str, limit: int) -> None:
    label = shorten(text, limit)
    assert len(label) <= limit
    words = text.split()
    if label.endswith("…") and " " in label:
        kept = label[:-1].split()
        assert kept == words[: len(kept)]
