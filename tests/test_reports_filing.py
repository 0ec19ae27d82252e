"""A chapter cadre files the month's new-member report; leads file on a chapter's behalf; refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.models import Role
from bot.core.reports import ReportValues
from storage.audit import history
from storage.reports import SqliteReports
from tests.harness import BotUnderTest, texts

pytestmark = pytest.mark.channels("transcript", "telegram", "zalo")


async def chapter_id(bot: BotUnderTest, ward: str, chapter: str) -> int:
    ward_id = next(w.id for w in await bot.services.org.wards() if w.name == ward)
    return next(c.id for c in await bot.services.org.chapters(ward_id) if c.name == chapter)


async def test_a_cadre_files_the_current_month_one_question_at_a_time(bot: BotUnderTest) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await lan.send("/start")
    assert "📝 Báo cáo hội viên mới" in lan.menu()

    replies = await lan.send("📝 Báo cáo hội viên mới")
    assert "Chi hội Khu phố 2 (Phường 5), tháng 11/2026" in texts(replies)
    assert "Hạn nộp: Thứ Tư, 25/11/2026 20:00" in texts(replies)
    assert "có thêm bao nhiêu hội viên mới" in texts(replies)

    replies = await lan.send("ba người")
    assert "tổng cộng bao nhiêu hội viên" in texts(replies)
    replies = await lan.send(" 45 ")
    assert "ghi chú" in texts(replies)
    await lan.press("Bỏ qua")
    replies = await lan.press("Bỏ qua")
    assert "Chi hội Khu phố 2, tháng 11/2026: 3 hội viên mới, tổng 45 — đúng không?" in texts(replies)
    assert replies[-1].buttons == ["✅ Xác nhận", "✏️ Sửa"]

    replies = await lan.press("Xác nhận")
    assert "✅ Đã lưu báo cáo. Xin cảm ơn!" in texts(replies)
    report = await bot.services.reports.report(
        await chapter_id(bot, "Phường 5", "Chi hội Khu phố 2"), "2026-11"
    )
    assert report is not None and (report.new_members, report.total_members, report.on_behalf) == (
        3,
        45,
        False,
    )


async def test_bad_numbers_get_a_clear_message_and_the_question_again(bot: BotUnderTest) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await lan.send("/report")
    replies = await lan.send("-3")
    assert "Con số không thể là số âm." in texts(replies)
    assert "có thêm bao nhiêu hội viên mới" in texts(replies)
    replies = await lan.send("nhiều lắm")
    assert "Tôi chưa hiểu đây là con số nào." in texts(replies)
    replies = await lan.send("12 người")
    assert "tổng cộng bao nhiêu hội viên" in texts(replies)
    replies = await lan.send("2,5")
    assert "Xin gõ số người là một số nguyên." in texts(replies)
    assert "tổng cộng bao nhiêu hội viên" in texts(replies)


async def test_more_new_members_than_total_asks_for_confirmation_and_edit_asks_again(
    bot: BotUnderTest,
) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await lan.send("/report")
    await lan.send("30")
    await lan.send("12")
    await lan.send("Danh sách đã nộp cho phường")
    replies = await lan.press("Bỏ qua")
    assert "⚠️ Số hội viên mới lớn hơn tổng số hội viên." in texts(replies)
    assert "Ghi chú: Danh sách đã nộp cho phường" in texts(replies)
    assert "✅ Đúng rồi, lưu lại" in replies[-1].buttons

    replies = await lan.press("Sửa")
    assert "có thêm bao nhiêu hội viên mới" in texts(replies)
    await lan.send("3")
    await lan.send("45")
    await lan.press("Bỏ qua")
    replies = await lan.press("Bỏ qua")
    assert "3 hội viên mới, tổng 45 — đúng không?" in texts(replies)
    assert "⚠️" not in texts(replies)


async def test_filing_again_corrects_the_report_and_the_audit_log_keeps_old_and_new(
    bot: BotUnderTest,
) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    for new, total in (("3", "45"), ("4", "46")):
        replies = await lan.send("/report")
        await lan.send(new)
        await lan.send(total)
        await lan.press("Bỏ qua")
        await lan.press("Bỏ qua")
        replies = await lan.press("Xác nhận")
    assert "Đã sửa báo cáo: trước là 3 hội viên mới, tổng 45; nay là 4 hội viên mới, tổng 46." in texts(
        replies
    )

    rollup = await bot.services.reports.rollup("2026-11")
    assert rollup is not None and rollup.district.reported == 1 and rollup.district.new_members == 4
    report = await bot.services.reports.report(
        await chapter_id(bot, "Phường 5", "Chi hội Khu phố 2"), "2026-11"
    )
    changes = await history(bot.services.db, "chapter_report", report.id)
    assert [c["action"] for c in changes] == ["report_filed", "report_corrected"]
    assert (
        changes[1]["details"]["old"]["new_members"] == 3 and changes[1]["details"]["new"]["new_members"] == 4
    )


async def test_the_read_back_mentions_an_existing_report_and_a_photo_is_kept(bot: BotUnderTest) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await lan.send("/report")
    await lan.send("3")
    await lan.send("45")
    await lan.press("Bỏ qua")
    replies = await lan.send("không có ảnh")
    assert "Xin gửi ảnh chụp danh sách giấy, hoặc chọn Bỏ qua." in texts(replies)
    replies = await lan.send_photo(b"\xff\xd8\xff\xe0" + b"0" * 200)
    assert "Ảnh danh sách giấy: đã đính kèm." in texts(replies)
    await lan.press("Xác nhận")
    replies = await lan.send("/report")
    assert "Đã báo cáo: 3 hội viên mới, tổng 45." in texts(replies)
    report = await bot.services.reports.report(
        await chapter_id(bot, "Phường 5", "Chi hội Khu phố 2"), "2026-11"
    )
    assert report is not None and report.photo_file_id


async def test_a_ward_lead_files_on_behalf_of_a_chapter_of_their_ward(bot: BotUnderTest) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    replies = await lead.send("/report")
    assert "Anh/chị báo cáo cho chi hội nào?" in texts(replies)
    assert not any("Phường 6" in b for b in replies[-1].buttons)
    replies = await lead.press("Chi hội Khu phố 3")
    assert "Anh/chị đang gửi thay cho chi hội; việc này được ghi lại." in texts(replies)
    await lead.send("2")
    await lead.send("30")
    await lead.press("Bỏ qua")
    await lead.press("Bỏ qua")
    await lead.press("Xác nhận")
    report = await bot.services.reports.report(
        await chapter_id(bot, "Phường 5", "Chi hội Khu phố 3"), "2026-11"
    )
    assert report is not None and report.on_behalf and report.new_members == 2


async def test_an_organiser_files_for_any_chapter_by_ward_then_chapter(bot: BotUnderTest) -> None:
    hoa = await bot.member(5001, "Lê Thị Hoa", Role.ORGANISER)
    await hoa.send("/report")
    await hoa.press("Phường 7")
    replies = await hoa.press("Chi hội Khu phố 1")
    assert "Chi hội Khu phố 1 (Phường 7)" in texts(replies)


@pytest.mark.channels("transcript", "telegram")  # a button pressed in someone else's chat
async def test_a_cadre_cannot_file_for_another_chapter_even_with_its_reminder_button(
    bot: BotUnderTest,
) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    binh = await bot.member(4002, "Phạm Văn Bình", Role.CADRE, ward="Phường 6", chapter="Chi hội Khu phố 1")
    lead = await bot.member(3002, "Võ Thị Mai", Role.WARD_LEAD, ward="Phường 6")
    await lead.send("/reports")
    await lead.press("Nhắc Chi hội Khu phố 1")
    message_id, data = binh.find_button("Báo cáo ngay")

    replies = await lan.press_data(message_id, data, in_chat_of=binh)

    assert "Anh/chị chỉ được gửi báo cáo cho chi hội của mình." in texts(replies + binh.inbox())
    other = await chapter_id(bot, "Phường 6", "Chi hội Khu phố 1")
    assert await bot.services.reports.report(other, "2026-11") is None


async def test_visitors_are_refused_politely(bot: BotUnderTest) -> None:
    stranger = bot.person(9001, "Tuấn")
    replies = await stranger.send("/report")
    assert "Chỉ cán bộ chi hội, lãnh đạo hội phường và cán bộ tổ chức mới gửi được báo cáo" in texts(replies)
    replies = await stranger.send("/reports")
    assert "Chỉ lãnh đạo hội phường và cán bộ tổ chức mới xem được" in texts(replies)


async def test_a_period_that_closes_while_the_report_is_read_back_cannot_be_filed(bot: BotUnderTest) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    period = await bot.services.reports.current_period()
    await bot.advance(seconds=(period.closes_at - bot.clock.now()).total_seconds() - 30 * 60)
    await lan.send("/report")
    await lan.send("3")
    await lan.send("45")
    await lan.press("Bỏ qua")
    await lan.press("Bỏ qua")
    await bot.advance(hours=1)
    replies = await lan.press("Xác nhận")
    assert "Kỳ báo cáo đã đóng; không thể thay đổi báo cáo nữa." in texts(replies)


async def test_a_report_left_unfinished_for_a_day_ends_politely_and_saves_nothing(bot: BotUnderTest) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await lan.send("/report")
    await lan.send("3")
    await bot.advance(days=1)
    replies = await lan.send("45")
    assert "Việc báo cáo bị gián đoạn. Xin gửi /report để bắt đầu lại." in texts(replies)
    period = await bot.services.reports.current_period()
    assert (
        await bot.services.reports.report(await chapter_id(bot, "Phường 5", "Chi hội Khu phố 2"), period.key)
        is None
    )


async def test_numbers_far_outside_the_chapters_history_ask_for_confirmation(bot: BotUnderTest) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    kp2 = await chapter_id(bot, "Phường 5", "Chi hội Khu phố 2")
    await SqliteReports(bot.services.db).save(
        kp2,
        "2026-10",
        ReportValues(2, 42),
        actor_id=None,
        on_behalf=False,
        now=bot.clock.now() - timedelta(days=30),
    )
    await lan.send("/report")
    await lan.send("40")
    await lan.send("82")
    await lan.press("Bỏ qua")
    replies = await lan.press("Bỏ qua")
    assert "⚠️ Số hội viên mới cao hơn nhiều so với các kỳ trước." in texts(replies)
    replies = await lan.press("Đúng rồi, lưu lại")
    assert "✅ Đã lưu báo cáo. Xin cảm ơn!" in texts(replies)


async def test_an_unusually_large_count_is_confirmed_before_it_is_saved(bot: BotUnderTest) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await lan.send("/report")
    await lan.send("500")
    await lan.send("600")
    await lan.press("Bỏ qua")
    replies = await lan.press("Bỏ qua")
    assert "Anh/chị xác nhận 500 hội viên mới?" in texts(replies)
    chapter = await chapter_id(bot, "Phường 5", "Chi hội Khu phố 2")
    assert await bot.services.reports.report(chapter, "2026-11") is None
    await lan.press("Đúng")
    report = await bot.services.reports.report(chapter, "2026-11")
    assert report is not None and report.new_members == 500


async def test_a_restart_at_every_step_of_the_report_continues_where_the_cadre_stood_and_files_it_once(
    bot: BotUnderTest,
) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await lan.send("/report")
    await bot.restart()
    assert "tổng cộng bao nhiêu hội viên" in texts(await lan.send("3"))
    await bot.restart()
    assert "ghi chú" in texts(await lan.send("45"))
    await bot.restart()
    await lan.send("Hai người chuyển từ phường khác về")
    await bot.restart()
    replies = await lan.press("Bỏ qua")
    assert "Chi hội Khu phố 2, tháng 11/2026: 3 hội viên mới, tổng 45 — đúng không?" in texts(replies)
    assert "Ghi chú: Hai người chuyển từ phường khác về" in texts(replies)
    await bot.restart()
    assert "✅ Đã lưu báo cáo. Xin cảm ơn!" in texts(await lan.press("Xác nhận"))
    await bot.restart()

    report = await bot.services.reports.report(
        await chapter_id(bot, "Phường 5", "Chi hội Khu phố 2"), "2026-11"
    )
    assert report is not None
    assert (report.new_members, report.total_members, report.note) == (
        3,
        45,
        "Hai người chuyển từ phường khác về",
    )
    changes = await history(bot.services.db, "chapter_report", report.id)
    assert [c["action"] for c in changes] == ["report_filed"]
