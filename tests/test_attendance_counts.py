"""The organisers' numbers for a session add up: registered + walk-ins = arrived + not yet + excused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.models import Role
from tests.harness import BotUnderTest, plain
from tests.test_attendance_dialogs import organiser_and_cadres, qr_code
from tests.test_attendance_restarts import member_of, session

pytestmark = pytest.mark.channels("transcript", "telegram", "zalo")


async def test_a_walk_in_checked_in_by_the_organiser_is_not_counted_as_registered(bot: BotUnderTest) -> None:
    organiser, lan, minh, hoa = await organiser_and_cadres(bot)
    await session(bot, organiser)
    for person in (lan, hoa):
        await person.send("/trainings")
        await person.press("Đăng ký")
    bot.clock.advance(timedelta(days=1, hours=22, minutes=50))  # Wednesday 07:50
    await lan.send(f"/checkin {await qr_code(organiser)}")
    await organiser.send("/attendance")
    await organiser.press("Điểm danh giúp")
    await organiser.send("minh")
    await organiser.press("Trần Văn Minh")

    live = plain(await organiser.send("/attendance"))
    assert "Đăng ký: 2 + đến không đăng ký trước: 1 = 3" in live
    assert "Đã đến: 2 (muộn: 0) + chưa đến: 1 + có phép: 0 = 3" in live


async def test_the_live_view_and_the_workbook_list_phuong_2_before_phuong_10(bot: BotUnderTest) -> None:
    organiser = await bot.member(4001, "Phạm Văn Tổ", Role.ORGANISER, ward="Phường 1")
    ten = await bot.member(4010, "Đỗ Thị Mười", Role.CADRE, ward="Phường 10")
    two = await bot.member(4002, "Trần Văn Hai", Role.CADRE, ward="Phường 2")
    training_id = await session(bot, organiser)
    for person in (ten, two):
        await person.send("/trainings")
        await person.press("Đăng ký")

    live = plain(await organiser.send("/attendance"))
    assert live.index("Phường 2") < live.index("Phường 10")
    _, rows = await bot.services.attendance.roster(await member_of(bot, organiser), training_id) or (None, [])
    assert [r.ward for r in rows] == ["Phường 2", "Phường 10"]
