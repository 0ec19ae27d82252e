"""A broadcast says who sent it, and its sender sees the acknowledgements come in."""

from __future__ import annotations

import pytest

from bot.conversation.markup import to_plain
from tests.harness import BotUnderTest, texts
from tests.test_broadcasts_dialog import compose, drain, report_in, setup_people

# Broadcast dialogs run on Telegram, as the other broadcast dialog tests (the transcript channel has no
# audience for "Tất cả" yet).
pytestmark = pytest.mark.channels("telegram")


async def test_a_received_broadcast_shows_the_senders_name_and_unit(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await compose(lead5, "Họp chi hội tối thứ Sáu")
    await lead5.press("Mọi người trong phường tôi")
    await lead5.press("Xác nhận và gửi")
    await drain(bot)
    await compose(organiser, "Nhắc nộp báo cáo")
    await organiser.press("Tất cả")
    await organiser.press("Xác nhận và gửi")
    await drain(bot)

    received = to_plain(texts(lan.inbox()))
    assert "✉️ Từ Lê Văn Tâm (Lãnh đạo hội phường, Phường 5)\n\nHọp chi hội tối thứ Sáu" in received
    assert "✉️ Từ Phạm Thu Hà (Cán bộ tổ chức, Hội Khuyến học Quận 10)\n\nNhắc nộp báo cáo" in received


async def test_the_preview_shows_the_sender_line_recipients_will_see(bot: BotUnderTest) -> None:
    organiser, *_ = await setup_people(bot)
    await compose(organiser, "Nhắc nộp báo cáo")

    replies = await organiser.press("Tất cả")

    assert replies[0].text.startswith("✉️ Từ <b>Phạm Thu Hà</b> (Cán bộ tổ chức, Hội Khuyến học Quận 10)")


async def test_the_received_count_on_the_senders_card_follows_each_acknowledgement(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await compose(organiser, "Nhắc nộp báo cáo")
    await organiser.press("Tất cả")
    await organiser.press("Xác nhận và gửi")
    await drain(bot)
    assert "Đã nhận: 0" in report_in(organiser, 1)

    await lan.press("Đã nhận")
    await lead5.press("Đã nhận")
    await bot.advance(seconds=10)
    assert "Đã nhận: 2" in report_in(organiser, 1)

    await binh.press("Đã nhận")
    await binh.press("Đã nhận")  # pressed twice, counted once
    await bot.advance(seconds=10)
    assert "Đã nhận: 3" in report_in(organiser, 1)
