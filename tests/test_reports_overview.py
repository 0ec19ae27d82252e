"""What ward leads and organisers see: /reports, drill-down, excusing, the Excel export and the settings."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from bot.core.models import Role
from tests.harness import TOKEN, BotUnderTest, plain, texts
from tests.test_reports_ladder import file_report

pytestmark = pytest.mark.channels("transcript", "telegram", "zalo")


async def test_a_ward_lead_sees_their_wards_chapters_reported_or_missing(bot: BotUnderTest) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await file_report(lan, "3", "45")

    replies = await lead.send("/reports")

    text = plain(replies)
    assert "Phường 5, tháng 11/2026" in text
    assert "✅ Chi hội Khu phố 2: 3 mới, tổng 45" in text
    assert "❌ Chi hội Khu phố 1: chưa báo cáo" in text
    assert "Phường 6" not in text
    assert "🔔 Nhắc Chi hội Khu phố 1" in replies[-1].buttons
    assert not any("Nhắc Chi hội Khu phố 2" in b for b in replies[-1].buttons)
    assert not any("Miễn" in b for b in replies[-1].buttons)


async def test_a_late_report_is_marked_late(bot: BotUnderTest) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await bot.advance(days=2, hours=12)  # 25/11 21:00: the deadline has passed
    assert "✅ Đã lưu báo cáo (sau hạn nộp). Xin cảm ơn!" in texts(await file_report(lan))
    replies = await lead.send("/reports")
    assert "🕒 Chi hội Khu phố 2: 3 mới, tổng 45 (nộp muộn)" in texts(replies)


async def test_organisers_see_every_ward_with_rates_and_drill_down_and_excuse(bot: BotUnderTest) -> None:
    hoa = await bot.member(5001, "Lê Thị Hoa", Role.ORGANISER)
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await file_report(lan, "3", "45")

    replies = await hoa.send("/reports")
    text = plain(replies)
    assert "Toàn quận: 1/79 chi hội đã báo cáo" in text
    assert "Phường 5: 1/" in text and "3 hội viên mới, tổng 45" in text
    assert "Phường 1" in replies[-1].buttons and "📊 Tệp Excel" in replies[-1].buttons

    replies = await hoa.press("Phường 5")
    assert "Phường 5, tháng 11/2026" in plain(replies)
    replies = await hoa.press("Miễn")
    assert "được miễn báo cáo tháng 11/2026" in " ".join(hoa.toasts())
    assert "⏸ Chi hội Khu phố 1: được miễn" in texts(replies)
    rollup = await bot.services.reports.rollup("2026-11")
    assert rollup is not None and rollup.district.excused == 1 and rollup.district.expected == 78

    replies = await hoa.press("↩️ Nhắc lại Chi hội Khu phố 1")
    assert "❌ Chi hội Khu phố 1: chưa báo cáo" in texts(replies)
    rollup = await bot.services.reports.rollup("2026-11")
    assert rollup is not None and rollup.district.excused == 0


@pytest.mark.channels("transcript", "telegram")  # a button pressed in someone else's chat
async def test_a_ward_lead_cannot_drill_into_another_ward_with_a_forged_button(bot: BotUnderTest) -> None:
    hoa = await bot.member(5001, "Lê Thị Hoa", Role.ORGANISER)
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    await hoa.send("/reports")
    message_id, data = hoa.find_button("Phường 6")
    replies = await lead.press_data(message_id, data, in_chat_of=hoa)
    assert "Nút này không còn hiệu lực." in hoa.toasts()
    assert "Phường 6, tháng" not in texts(replies + hoa.inbox())


@pytest.mark.channels("telegram")
async def test_the_excel_export_has_a_sheet_per_level_and_every_report_with_its_history(
    bot: BotUnderTest,
) -> None:
    hoa = await bot.member(5001, "Lê Thị Hoa", Role.ORGANISER)
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await file_report(lan, "3", "45")
    await file_report(lan, "4", "46")

    replies = await hoa.send("/report_export 10/2026 11/2026")

    document = next(r for r in replies if r.method == "sendDocument")
    file_id = bot.emu.chat_history(TOKEN, hoa.chat_id)[-1]["document"]["file_id"]
    book = load_workbook(io.BytesIO(bot.emu.file(TOKEN, file_id).data))
    assert "tháng 10/2026" in document.text and "tháng 11/2026" in document.text
    assert book.sheetnames == ["Quận", "Phường", "Chi hội", "Báo cáo và lịch sử"]
    district = list(book["Quận"].iter_rows(values_only=True))
    assert district[1][0] == "tháng 10/2026" and district[2][0] == "tháng 11/2026"
    assert district[2][3] == 1 and district[2][9] == 4
    history = list(book["Báo cáo và lịch sử"].iter_rows(values_only=True))
    assert [row[3] for row in history[1:]] == ["gửi lần đầu", "sửa lại"]
    assert history[2][7:11] == (3, 45, 4, 46)
    chapters = list(book["Chi hội"].iter_rows(values_only=True))
    assert len(chapters) == 1 + 2 * 79


async def test_cadres_and_ward_leads_cannot_export(bot: BotUnderTest) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    replies = await lead.send("/report_export")
    assert "Chỉ cán bộ tổ chức mới được xuất các báo cáo." in texts(replies)


async def test_an_admin_switches_to_weekly_reports_and_the_ladder_is_planned_again(bot: BotUnderTest) -> None:
    admin = await bot.member(6001, "Đỗ Văn An", Role.ADMIN)
    replies = await admin.send("/report_settings")
    assert "Báo cáo hằng tháng, hạn nộp vào ngày 25 hằng tháng lúc 20:00." in texts(replies)
    replies = await admin.press("Hằng tuần")
    assert "Hạn nộp vào thứ mấy" in texts(replies)
    replies = await admin.send("ngày mai")
    assert "Tôi chưa hiểu hạn nộp này." in texts(replies)
    replies = await admin.send("thứ 6 17h")
    assert "Báo cáo hằng tuần, hạn nộp vào thứ Sáu hằng tuần lúc 17:00." in texts(replies)
    assert "tuần 48/2026" in texts(replies)
    assert "27/11/2026 17:00" in texts(replies)
    pending = await bot.services.tasks.pending("report:")
    assert {t.key for t in pending} >= {"report:2026-W48:morning", "report:2026-W48:ward"}
    assert not any(t.key.startswith("report:2026-11") for t in pending)


@pytest.mark.parametrize("typed", ["thứ 6 17h", "t6 17h", "T.6 17:00", "thu sau 17h"])
async def test_a_weekly_deadline_on_thu_6_is_saved_and_shown_as_friday(bot: BotUnderTest, typed: str) -> None:
    admin = await bot.member(6001, "Đỗ Văn An", Role.ADMIN)
    await admin.send("/report_settings")
    await admin.press("Hằng tuần")
    replies = await admin.send(typed)
    assert "hạn nộp vào thứ Sáu hằng tuần lúc 17:00" in texts(replies)
    assert "thứ 5" not in texts(replies) and "1 = thứ Hai" not in texts(replies)
    assert "Thứ Sáu, 27/11/2026 17:00" in texts(replies)
    replies = await admin.send("/report_settings")
    assert "hạn nộp vào thứ Sáu hằng tuần lúc 17:00" in texts(replies)


async def test_only_admins_change_the_settings(bot: BotUnderTest) -> None:
    hoa = await bot.member(5001, "Lê Thị Hoa", Role.ORGANISER)
    replies = await hoa.send("/report_settings")
    assert "Chỉ quản trị viên quận mới được thay đổi cài đặt báo cáo." in texts(replies)


async def test_at_first_set_up_the_organiser_is_told_reminders_start_with_the_next_period(
    bot: BotUnderTest,
) -> None:
    hoa = await bot.member(5001, "Lê Thị Hoa", Role.ORGANISER)
    replies = await hoa.send("/reports")
    assert "việc nhắc và báo lên cấp trên bắt đầu từ kỳ sau" in texts(replies)
    await bot.advance(days=8)  # 1 December: the first period the bot chases
    replies = await hoa.send("/reports")
    assert "tháng 12/2026" in texts(replies) and "bắt đầu từ kỳ sau" not in texts(replies)
