"""After a seminar, the organisers see in /seminars how the attendees rated it; nobody else does."""

from __future__ import annotations

from datetime import datetime

from bot.core.models import Role
from tests.harness import VN, BotUnderTest, active_member, texts
from tests.test_seminars_dialog import create_seminar, people


async def move_to(bot: BotUnderTest, when: datetime) -> None:
    await bot.advance(seconds=(when - bot.clock.now()).total_seconds())


async def test_the_organiser_sees_count_average_and_spread_of_the_ratings_after_the_end(
    bot: BotUnderTest,
) -> None:
    organiser, minh, hoa, _chau, lan = await people(bot)
    seminar_id = await create_seminar(bot, organiser, when="27/11 8h", end="11h30")
    for person in (minh, hoa, lan):
        await person.press("Tham dự")

    await move_to(bot, datetime(2026, 11, 27, 9, 0, tzinfo=VN))
    during = texts(await organiser.send("/seminars"))
    assert "Đánh giá" not in during and "vừa kết thúc" not in during

    await move_to(bot, datetime(2026, 11, 27, 12, 5, tzinfo=VN))
    replies = texts(await organiser.send("/seminars"))
    assert "Các buổi tọa đàm vừa kết thúc" in replies and "⭐ Chưa có ai đánh giá." in replies

    await minh.press("5 ⭐")
    await hoa.press("4 ⭐")
    await lan.press("4 ⭐")
    replies = texts(await organiser.send("/seminars"))
    assert "Xây dựng xã hội học tập ở khu phố" in replies and "Thứ Sáu, 27/11/2026 08:00–11:30" in replies
    assert "Tham dự: 3 · Không tham dự: 0 · Chưa trả lời: 0" in replies
    assert "⭐ Đánh giá: 3 lượt, trung bình 4,3/5" in replies
    assert "5⭐: 1 · 4⭐: 2 · 3⭐: 0 · 2⭐: 0 · 1⭐: 0" in replies

    assert "Chỉ cán bộ tổ chức mới xem được tổng hợp tọa đàm." in texts(await lan.send("/seminars"))
    assert (
        await bot.services.seminars.feedback_summary(await active_member(bot.services, 6001), seminar_id)
        is None
    )


async def test_an_organiser_reading_in_english_sees_the_same_numbers(bot: BotUnderTest) -> None:
    organiser, minh, hoa, *_ = await people(bot)
    anna = await bot.member(4002, "Anna Nguyễn", Role.ORGANISER, locale="en")
    await create_seminar(bot, organiser, when="27/11 8h")
    await minh.press("Tham dự")
    await hoa.press("Tham dự")
    await move_to(bot, datetime(2026, 11, 27, 10, 35, tzinfo=VN))
    await minh.press("5 ⭐")
    await hoa.press("2 ⭐")
    replies = texts(await anna.send("/seminars"))
    assert "⭐ Feedback: 2 ratings, average 3.5/5" in replies
    assert "5⭐: 1 · 4⭐: 0 · 3⭐: 0 · 2⭐: 1 · 1⭐: 0" in replies
