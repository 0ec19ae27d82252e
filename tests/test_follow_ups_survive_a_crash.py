"""What an action causes (notices, reminders, tasks) is written with the action: a crash the moment the action
commits loses none of it, and nothing goes out twice after the restart."""

from __future__ import annotations

import pytest

from bot.core.models import Role
from tests.harness import BotUnderTest

pytestmark = pytest.mark.channels("transcript", "telegram", "zalo")


async def test_a_leads_reminder_survives_a_crash_right_after_the_press(bot: BotUnderTest) -> None:
    binh = await bot.member(4002, "Phạm Văn Bình", Role.CADRE, ward="Phường 6", chapter="Chi hội Khu phố 1")
    lead = await bot.member(3002, "Võ Thị Mai", Role.WARD_LEAD, ward="Phường 6")
    await lead.send("/reports")

    await bot.crash_right_after(lambda: lead.press("Nhắc Chi hội Khu phố 1"))
    await bot.settle()

    reminders = [r for r in binh.inbox() if "nhắc" in r.text]
    assert len(reminders) == 1 and "Chi hội Khu phố 1" in reminders[0].text
    await lead.send("/reports")
    await lead.press("Nhắc Chi hội Khu phố 1")
    assert "đã được nhắc trong giờ này" in " ".join(lead.toasts())
    await bot.settle()
    assert [r for r in binh.inbox() if "nhắc" in r.text] == []
