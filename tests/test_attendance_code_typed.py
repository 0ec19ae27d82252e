"""A cadre types the check-in code alone, as printed under the QR code: that is a check-in, not a question."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.models import Role
from tests.harness import BotUnderTest, plain, texts
from tests.test_attendance_restarts import member_of, session

pytestmark = pytest.mark.channels("transcript", "telegram", "zalo")

WRONG = "Mã không đúng hoặc đã hết hạn"


async def test_a_valid_code_typed_alone_checks_the_cadre_in(bot: BotUnderTest) -> None:
    organiser = await bot.member(4001, "Phạm Văn Tổ", Role.ORGANISER, ward="Phường 1")
    lan = await bot.member(4002, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 1")
    training_id = await session(bot, organiser)
    code = (await bot.services.attendance.checkin_code(await member_of(bot, organiser), training_id)).code
    assert code is not None
    bot.clock.advance(timedelta(days=1, hours=22, minutes=5))  # Wednesday 07:05, the window is open

    replies = await lan.send(code)

    assert "✅ Đã điểm danh buổi Tập huấn nghiệp vụ khuyến học lúc 07:05" in plain(replies)


async def test_a_wrong_code_typed_alone_is_told_the_code_is_wrong_or_expired(bot: BotUnderTest) -> None:
    lan = await bot.member(4002, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 1")
    for typed in ("KTW4KD", "ktw4kd", "KTW-4KD"):
        replies = await lan.send(typed)
        assert WRONG in texts(replies)


async def test_short_words_and_bare_numbers_typed_alone_are_not_check_in_attempts(bot: BotUnderTest) -> None:
    lan = await bot.member(4002, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 1")
    for typed in ("CAMON", "OK", "nguyen", "cảm ơn"):
        assert WRONG not in texts(await lan.send(typed))
    replies = await lan.send("20")
    assert "Số 20 không ứng với lựa chọn nào đang mở" in texts(replies) and WRONG not in texts(replies)
