"""The name a newcomer types is a person's name: letters and spaces, 2 to 80 characters."""

from __future__ import annotations

import pytest

from bot.core.models import MemberStatus
from tests.harness import BotUnderTest, active_member, plain

pytestmark = pytest.mark.channels("transcript", "telegram", "zalo")

REFUSAL = "Vui lòng gõ họ và tên chỉ bằng chữ, từ 2 đến 80 ký tự"


@pytest.mark.parametrize(
    "typed",
    ["0903123456", "12345", "https://zalo.me/lan", "www.lan.vn", "@lan_nguyen", "L", "Lan " * 25, "Lan 2"],
)
async def test_a_name_that_is_not_a_persons_name_is_refused_politely_and_changes_nothing(
    bot: BotUnderTest, typed: str
) -> None:
    lan = bot.person(2001, "Lan")
    await lan.send("/start")
    await lan.press("Phường 5")
    await lan.press("Chi hội Khu phố 1")

    replies = await lan.send(typed)

    assert REFUSAL in plain(replies)
    member = await active_member(bot.services, 2001, bot.primary)
    assert member is not None and member.status is MemberStatus.VISITOR
    replies = await lan.send("nguyễn thị lan")
    assert "Cảm ơn Nguyễn Thị Lan" in plain(replies)
