"""The reminder ladder: chapters before the deadline, ward leads the day after, the district office three days
after; only the missing, never twice, also across restarts, and only when it still makes sense.

The bot here has been collecting reports since October, so November is a period it chases.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.core.models import Role
from tests.harness import VN, BotUnderTest, Reply, texts

pytestmark = pytest.mark.channels("transcript", "telegram", "zalo")


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[BotUnderTest]:
    async with BotUnderTest.running(tmp_path, start=datetime(2026, 10, 30, 9, 0, tzinfo=VN)) as harness:
        yield harness


async def until(bot: BotUnderTest, *when: int) -> None:
    """Move the clock to a moment in November 2026 (Việt Nam time) and let what fell due happen."""
    bot.clock.set(datetime(2026, *when, tzinfo=VN))
    await bot.settle()


async def file_report(person, new: str = "3", total: str = "45") -> list[Reply]:
    """The whole dialog with no note and no photo; returns the bot's answer to Confirm."""
    await person.send("/report")
    await person.send(new)
    await person.send(total)
    await person.press("Bỏ qua")
    await person.press("Bỏ qua")
    return await person.press("Xác nhận")


async def test_cadres_of_missing_chapters_are_reminded_three_days_before_and_on_the_morning(
    bot: BotUnderTest,
) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    binh = await bot.member(4002, "Phạm Văn Bình", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 3")
    await until(bot, 11, 2, 9, 0)
    await file_report(lan)

    await until(bot, 11, 22, 7, 59)
    assert binh.inbox() == []
    await until(bot, 11, 22, 8, 0)
    assert "Nhắc nhở: báo cáo hội viên mới của Chi hội Khu phố 3 cho tháng 11/2026" in texts(binh.inbox())

    await until(bot, 11, 25, 8, 0)
    assert "Hôm nay là hạn chót" in texts(binh.inbox())
    assert lan.inbox() == []


async def test_a_chapter_that_reports_is_not_chased_any_more(bot: BotUnderTest) -> None:
    binh = await bot.member(4002, "Phạm Văn Bình", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 3")
    await until(bot, 11, 22, 9, 0)
    assert len(binh.inbox()) == 1
    await file_report(binh)
    await until(bot, 11, 30, 9, 0)
    assert binh.inbox() == []


async def test_the_reminder_button_opens_the_report_for_that_chapter_and_period(bot: BotUnderTest) -> None:
    binh = await bot.member(4002, "Phạm Văn Bình", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 3")
    await until(bot, 11, 25, 8, 0)
    binh.inbox()
    replies = await binh.press("Báo cáo ngay")
    assert "Chi hội Khu phố 3 (Phường 5), tháng 11/2026" in texts(replies)


async def test_escalation_to_ward_leads_then_to_the_district_office_names_only_missing_chapters(
    bot: BotUnderTest,
) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    other_lead = await bot.member(3002, "Võ Thị Mai", Role.WARD_LEAD, ward="Phường 6")
    office = await bot.member(5001, "Lê Thị Hoa", Role.ORGANISER)
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await until(bot, 11, 20, 9, 0)
    await file_report(lan)
    kp1 = await chapter_id(bot, "Phường 6", "Chi hội Khu phố 1")
    await bot.services.reports.excuse(await member_of(bot, 5001), kp1, "2026-11")

    await until(bot, 11, 26, 7, 59)
    assert lead.inbox() == []
    await until(bot, 11, 26, 8, 0)  # the morning after the deadline
    escalation = texts(lead.inbox())
    assert "Đã quá hạn báo cáo tháng 11/2026" in escalation
    assert "Chi hội Khu phố 1" in escalation and "Chi hội Khu phố 3" in escalation
    assert "Chi hội Khu phố 2" not in escalation
    assert "Chi hội Khu phố 1" not in texts(other_lead.inbox())
    assert office.inbox() == []

    await until(bot, 11, 28, 8, 0)  # three days after
    district = texts(office.inbox())
    assert "77 chi hội chưa báo cáo tháng 11/2026" in district
    assert "<b>Phường 5</b>" in district and "<b>Phường 6</b>" in district
    assert lead.inbox() == [] and other_lead.inbox() == []


async def test_a_restart_between_rungs_neither_doubles_nor_loses_a_reminder(bot: BotUnderTest) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    office = await bot.member(5001, "Lê Thị Hoa", Role.ORGANISER)
    binh = await bot.member(4002, "Phạm Văn Bình", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 3")

    await until(bot, 11, 22, 9, 0)
    await until(bot, 11, 25, 9, 0)
    assert len(binh.inbox()) == 2  # three days before, and this morning
    await bot.restart()
    await bot.advance(hours=1)
    assert binh.inbox() == []

    await bot.stop()
    bot.clock.set(datetime(2026, 11, 29, 9, 0, tzinfo=VN))  # down across both escalations
    await bot.start()
    await bot.settle()
    assert len(lead.inbox()) == 1
    assert len(office.inbox()) == 1
    await bot.restart()
    await bot.advance(days=1)
    assert lead.inbox() == [] and office.inbox() == [] and binh.inbox() == []


async def test_after_downtime_only_the_latest_reminder_goes_out(bot: BotUnderTest) -> None:
    binh = await bot.member(4002, "Phạm Văn Bình", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 3")
    await until(bot, 11, 10, 9, 0)
    await bot.stop()
    bot.clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=VN))  # down through both reminders' times
    await bot.start()
    await bot.settle()
    reminders = binh.inbox()
    assert len(reminders) == 1 and "Hôm nay là hạn chót" in reminders[0].text


async def test_a_reminder_due_while_down_is_dropped_once_the_deadline_has_passed(bot: BotUnderTest) -> None:
    binh = await bot.member(4002, "Phạm Văn Bình", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 3")
    await until(bot, 11, 10, 9, 0)
    await bot.stop()
    bot.clock.set(datetime(2026, 11, 25, 21, 0, tzinfo=VN))  # down through both reminders and the deadline
    await bot.start()
    await bot.settle()
    assert binh.inbox() == []


async def test_the_ladder_carries_on_into_the_next_month(bot: BotUnderTest) -> None:
    binh = await bot.member(4002, "Phạm Văn Bình", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 3")
    await until(bot, 11, 28, 9, 0)
    binh.inbox()
    bot.clock.set(datetime(2026, 12, 22, 8, 0, tzinfo=VN))
    await bot.settle()
    assert "cho tháng 12/2026" in texts(binh.inbox())


async def test_a_period_already_under_way_when_the_bot_starts_is_not_chased(tmp_path: Path) -> None:
    async with BotUnderTest.running(tmp_path) as fresh:  # first start on 23/11
        binh = await fresh.member(
            4002, "Phạm Văn Bình", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 3"
        )
        await fresh.advance(days=6)
        assert binh.inbox() == []
        assert {t.key for t in await fresh.services.tasks.pending("report:")} >= {"report:2026-12:before"}


async def test_a_lead_nudges_a_missing_chapter_now_from_the_overview(bot: BotUnderTest) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    binh = await bot.member(4002, "Phạm Văn Bình", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 3")
    replies = await lead.send("/reports")
    assert "❌ Chi hội Khu phố 3: chưa báo cáo" in texts(replies)
    await lead.press("Nhắc Chi hội Khu phố 3")
    assert "Đã gửi lời nhắc tới 1 cán bộ của Chi hội Khu phố 3." in lead.toasts()
    assert "Trần Văn Minh nhắc anh/chị" in texts(binh.inbox())
    await lead.press("Nhắc Chi hội Khu phố 3")
    assert "Chi hội Khu phố 3 đã được nhắc trong giờ này rồi." in lead.toasts()
    assert binh.inbox() == []


async def chapter_id(bot: BotUnderTest, ward: str, chapter: str) -> int:
    ward_id = next(w.id for w in await bot.services.org.wards() if w.name == ward)
    return next(c.id for c in await bot.services.org.chapters(ward_id) if c.name == chapter)


async def member_of(bot: BotUnderTest, user_id: int):
    return await bot.services.member_store.find_by_account("telegram", str(user_id))
