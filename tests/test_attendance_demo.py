"""The sandbox shows a training session to try: tomorrow at 08:00 with some people registered."""

from __future__ import annotations

from bot.core.models import Role
from bot.sandbox.demo_attendance import DEMO_TITLE, DEMO_VENUE, seed
from tests.harness import BotUnderTest, texts


async def test_the_demo_session_is_tomorrow_morning_with_registrations_and_seeding_twice_adds_nothing(
    bot: BotUnderTest,
) -> None:
    await bot.member(5001, "Phạm Văn Tổ", Role.ORGANISER)
    for index in range(5):
        await bot.member(5100 + index, f"Cán bộ Thử {index}", Role.CADRE, ward="Phường 1")
    lan = await bot.member(5200, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 2")
    await seed(bot.services, bot.clock.now())
    await seed(bot.services, bot.clock.now())

    replies = await lan.send("/trainings")
    listing = texts(replies)
    assert listing.count(DEMO_TITLE) == 1 and DEMO_VENUE in listing
    assert "Thứ Ba, 24/11/2026 08:00–11:00" in listing and "Đã đăng ký 6/40 chỗ" in listing
    assert "Anh/chị đã đăng ký." in listing
