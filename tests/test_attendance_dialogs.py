"""Training sessions end to end, through the emulator: organisers create and run them, cadres register and
check in."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

from openpyxl import load_workbook

from bot.core.attendance import TrainingDraft
from bot.core.audience import EVERYONE, Audience
from bot.core.models import Role
from tests.harness import TOKEN, VN, BotUnderTest, Person, active_member, texts

# The harness clock starts on Monday 23/11/2026 at 09:00 in Việt Nam.


async def organiser_and_cadres(bot: BotUnderTest) -> tuple[Person, Person, Person, Person]:
    organiser = await bot.member(4001, "Phạm Văn Tổ", Role.ORGANISER, ward="Phường 1")
    lan = await bot.member(4002, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 1")
    minh = await bot.member(4003, "Trần Văn Minh", Role.CADRE, ward="Phường 2")
    hoa = await bot.member(4004, "Lê Thị Hoa", Role.CADRE, ward="Phường 3")
    return organiser, lan, minh, hoa


async def session(
    bot: BotUnderTest, organiser: Person, *, capacity: int | None = None, audience: Audience | None = None
) -> int:
    """A session on Wednesday 25/11 08:00–11:00, created directly (the dialog has its own test)."""
    starts = datetime(2026, 11, 25, 8, 0, tzinfo=VN)
    member = await active_member(bot.services, organiser.user.id)
    result = await bot.services.attendance.create(
        member,
        TrainingDraft(
            "Tập huấn nghiệp vụ khuyến học",
            starts,
            starts + timedelta(hours=3),
            "Hội trường UBND Phường 1",
            audience or EVERYONE,
            capacity,
        ),
    )
    assert result.training is not None
    return result.training.id


async def qr_code(organiser: Person) -> str:
    replies = await organiser.send("/checkin_qr")
    photo = next(r for r in replies if r.method == "sendPhoto")
    match = re.search(r"/checkin ([A-Z0-9]{6})", photo.text)
    assert match, photo.text
    return match.group(1)


async def test_an_organiser_creates_a_session_in_chat_and_the_audience_is_invited(bot: BotUnderTest) -> None:
    organiser, lan, minh, _hoa = await organiser_and_cadres(bot)
    replies = await organiser.send("/training_new")
    assert "Tên buổi tập huấn là gì?" in texts(replies)
    replies = await organiser.send("Tập huấn kỹ năng ghi chép sổ sách")
    assert "Bắt đầu lúc nào?" in texts(replies) and "25" in replies[-1].buttons

    replies = await organiser.send("32/13 8h")
    assert "Tôi chưa hiểu ngày giờ này" in texts(replies)
    replies = await organiser.send("20/11/2026 8h")
    assert "Thời điểm này đã qua" in texts(replies)
    replies = await organiser.send("25/11 8h")
    assert "Tôi hiểu là: <b>Thứ Tư, 25/11/2026 08:00</b>. Có đúng không ạ?" in texts(replies)
    await organiser.press("Đúng rồi")
    replies = await organiser.send("11h30")
    assert "Ở đâu?" in texts(replies)
    await organiser.send("Hội trường UBND Phường 1")
    await organiser.press("Một số phường")
    await organiser.press("Phường 1")
    replies = await organiser.press("Xong")
    assert "Mời: Phường 1" in texts(replies)
    replies = await organiser.send("không biết")
    assert "Xin nhập số chỗ từ 1 đến 5.000" in texts(replies)
    await organiser.send("40")
    replies = await organiser.press("Bỏ qua")
    summary = texts(replies)
    assert "Xin kiểm tra lại trước khi lưu" in summary and "Thứ Tư, 25/11/2026 08:00–11:30" in summary
    assert "Số chỗ: 40" in summary
    replies = await organiser.press("Lưu và gửi lời mời")
    assert "Lời mời đang được gửi tới 1 hội viên" in texts(replies)

    invitation = lan.inbox()
    assert "Trân trọng kính mời" in texts(invitation) and "Hội trường UBND Phường 1" in texts(invitation)
    assert invitation[-1].buttons == ["Đăng ký", "Không tham dự"]
    assert minh.inbox() == []


async def test_the_date_picker_reads_the_time_back_before_going_on(bot: BotUnderTest) -> None:
    organiser, *_ = await organiser_and_cadres(bot)
    await organiser.send("/training_new")
    await organiser.send("Tập huấn")
    await organiser.press("»")
    replies = await organiser.press("«")
    assert replies and "23" in replies[-1].buttons and "22" not in replies[-1].buttons
    replies = await organiser.press("26")
    assert "Thứ Năm, 26/11/2026: mấy giờ?" in texts(replies)
    replies = await organiser.press("13:30")
    assert "Tôi hiểu là: <b>Thứ Năm, 26/11/2026 13:30</b>" in texts(replies)
    replies = await organiser.press("Nhập lại")
    assert "Xin gõ lại ngày giờ" in texts(replies)
    replies = await organiser.send("8g30 thứ Hai")
    assert "Thứ Hai, 30/11/2026 08:30" in texts(replies)


async def test_cadres_cannot_create_or_run_sessions(bot: BotUnderTest) -> None:
    organiser, lan, *_ = await organiser_and_cadres(bot)
    training_id = await session(bot, organiser)
    assert "Chỉ ban tổ chức mới tạo được buổi tập huấn." in texts(await lan.send("/training_new"))
    assert "Chỉ ban tổ chức mới làm được việc này." in texts(await lan.send("/checkin_qr"))
    assert "Chỉ ban tổ chức mới làm được việc này." in texts(await lan.send("/attendance"))
    await organiser.send("/trainings")
    message_id, data = organiser.find_button("Quản lý")
    await lan.press_data(message_id, data, in_chat_of=organiser)
    assert "Chỉ ban tổ chức mới làm được việc này." in organiser.toasts()
    await organiser.press("Quản lý")
    await organiser.press("Thêm…")
    await organiser.press("Hủy buổi tập huấn")
    message_id, data = organiser.find_button("Đồng ý hủy")
    await lan.press_data(message_id, data, in_chat_of=organiser)
    training = await bot.services.attendance.get(training_id)
    assert training is not None and not training.cancelled


async def test_a_full_session_has_a_waiting_list_that_moves_up_when_someone_withdraws(
    bot: BotUnderTest,
) -> None:
    organiser, lan, minh, hoa = await organiser_and_cadres(bot)
    await session(bot, organiser, capacity=2)
    for person in (lan, minh):
        await person.send("/trainings")
        await person.press("Đăng ký")
    await hoa.send("/trainings")
    replies = await hoa.press("Đăng ký")
    assert "Anh/chị đang trong danh sách chờ." in texts(replies)
    assert await hoa.press("Đăng ký") == []
    assert any("danh sách chờ" in toast for toast in hoa.toasts())

    replies = await lan.press("Không tham dự")
    assert "Anh/chị đã rút đăng ký." in texts(replies)
    assert "Đã có chỗ trống: anh/chị nay đã được đăng ký" in texts(hoa.inbox())
    replies = await hoa.send("/trainings")
    assert "Anh/chị đã đăng ký." in texts(replies) and "Đã đăng ký 2/2 chỗ" in texts(replies)


async def test_cutting_the_seats_moves_the_latest_registrations_back_to_the_waiting_list_and_tells_them(
    bot: BotUnderTest,
) -> None:
    organiser, lan, minh, hoa = await organiser_and_cadres(bot)
    await session(bot, organiser, capacity=3)
    for person in (lan, minh, hoa):
        await person.send("/trainings")
        await person.press("Đăng ký")
    bot.clock.advance(timedelta(days=1, hours=22, minutes=30))  # Wednesday 07:30: check-in is open
    result = await bot.services.attendance.manual_check_in(
        await active_member(bot.services, organiser.user.id),
        await _training_id(bot, organiser),
        (await active_member(bot.services, hoa.user.id)).id,
    )
    assert result.outcome.value == "ok", result

    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Thêm…")
    replies = await organiser.press("Số chỗ")
    assert (
        "Hiện có 3 người đã đăng ký. Nếu giảm số chỗ, những người đăng ký sau cùng sẽ chuyển về danh sách chờ"
        in texts(replies)
    )
    replies = await organiser.send("1")
    assert "2 người đăng ký sau cùng đã được chuyển về danh sách chờ và đang được báo." in texts(replies)
    assert "Đã đăng ký 1/1 chỗ" in texts(await hoa.send("/trainings"))
    for person in (lan, minh):
        assert "Ban tổ chức đã giảm số chỗ của buổi tập huấn này" in texts(person.inbox())
    assert "Ban tổ chức đã giảm số chỗ" not in texts(hoa.inbox())  # she had already checked in

    await organiser.press("Thêm…")
    await organiser.press("Số chỗ")
    await organiser.send("2")
    assert "Đã có chỗ trống: anh/chị nay đã được đăng ký" in texts(lan.inbox())  # first in line again
    assert "Đã có chỗ trống" not in texts(minh.inbox())
    assert "Anh/chị đang trong danh sách chờ." in texts(await minh.send("/trainings"))


async def _training_id(bot: BotUnderTest, organiser: Person) -> int:
    member = await active_member(bot.services, organiser.user.id)
    return (await bot.services.attendance.upcoming_for(member, include_all=True))[0].training.id


async def test_cadres_check_in_by_scanning_inside_the_window_only(bot: BotUnderTest) -> None:
    organiser, lan, minh, _hoa = await organiser_and_cadres(bot)
    await session(bot, organiser)
    code = await qr_code(organiser)
    photo = next(m for m in organiser.history() if "photo" in m)
    assert (
        "ci_" + code in bot.emu.calls(TOKEN, chat_id=organiser.chat_id)[-1].params.get("caption", "") or photo
    )

    replies = await lan.send(f"/start ci_{code}")
    assert "Điểm danh buổi <b>Tập huấn nghiệp vụ khuyến học</b> bắt đầu từ 07:00" in texts(replies)

    bot.clock.advance(timedelta(days=1, hours=22, minutes=5))  # Wednesday 07:05
    replies = await lan.send(f"/start ci_{code}")
    assert "✅ Đã điểm danh buổi <b>Tập huấn nghiệp vụ khuyến học</b> lúc 07:05, ngày 25/11/2026" in texts(
        replies
    )
    bot.clock.advance(timedelta(minutes=30))
    replies = await lan.send(f"/start ci_{code}")
    assert "Anh/chị đã điểm danh buổi <b>Tập huấn nghiệp vụ khuyến học</b> lúc 07:05 rồi" in texts(replies)

    bot.clock.advance(timedelta(minutes=50))  # 08:25: late
    replies = await minh.send(f"/checkin {code.lower()}")
    assert "lúc 08:25" in texts(replies) and "Buổi học đã bắt đầu lúc 08:00" in texts(replies)
    replies = await minh.send("/checkin XXXX")
    assert "Mã không đúng hoặc đã hết hạn" in texts(replies)

    bot.clock.advance(timedelta(hours=3))
    hoa = await active_member(bot.services, 4004)
    assert hoa is not None
    replies = await bot.person(4004, "Hoa").send(f"/start ci_{code}")
    assert "đã kết thúc lúc 11:00 nên không thể điểm danh nữa" in texts(replies)


async def test_a_rotated_code_stops_working(bot: BotUnderTest) -> None:
    organiser, lan, *_ = await organiser_and_cadres(bot)
    await session(bot, organiser)
    bot.clock.advance(timedelta(days=1, hours=22, minutes=30))
    old = await qr_code(organiser)
    replies = await organiser.press("Mã mới")
    new = re.search(r"/checkin ([A-Z0-9]{6})", texts(replies))
    assert new and new.group(1) != old
    replies = await lan.send(f"/start ci_{old}")
    assert "đã được thay bằng mã mới" in texts(replies)
    replies = await lan.send(f"/start ci_{new.group(1)}")
    assert "✅ Đã điểm danh" in texts(replies)


async def test_a_stranger_who_scans_registers_and_is_checked_in_at_the_scan_time(bot: BotUnderTest) -> None:
    organiser, *_ = await organiser_and_cadres(bot)
    lead = await bot.member(4100, "Võ Văn Lực", Role.WARD_LEAD, ward="Phường 5")
    training_id = await session(bot, organiser)
    bot.clock.advance(timedelta(days=1, hours=23, minutes=20))  # 08:20: late
    code = await qr_code(organiser)
    stranger = bot.person(4200, "Tâm")
    replies = await stranger.send(f"/start ci_{code}")
    assert "Tôi đã ghi nhận anh/chị đến buổi <b>Tập huấn nghiệp vụ khuyến học</b> lúc 08:20" in texts(replies)
    assert "Phường 5" in replies[-1].buttons
    await stranger.press("Phường 5")
    await stranger.press("Chi hội Khu phố 1")
    await stranger.send("Đỗ Thị Tâm")
    await stranger.send("Bỏ qua")
    bot.clock.advance(timedelta(hours=5))
    await lead.press("Duyệt")
    inbox = texts(stranger.inbox())
    assert "Đã điểm danh buổi <b>Tập huấn nghiệp vụ khuyến học</b> lúc 08:20" in inbox
    member = await active_member(bot.services, 4200)
    assert member is not None
    roster = await bot.services.attendance.roster(await active_member(bot.services, 4001), training_id)
    assert roster is not None
    row = next(r for r in roster[1] if r.member_id == member.id)
    assert row.checked_in_at is not None and row.checked_in_at.astimezone(VN).strftime("%H:%M") == "08:20"
    assert row.late


async def test_the_live_view_manual_check_in_with_undo_and_excused(bot: BotUnderTest) -> None:
    organiser, lan, minh, hoa = await organiser_and_cadres(bot)
    await session(bot, organiser)
    for person in (lan, minh, hoa):
        await person.send("/trainings")
        await person.press("Đăng ký")
    bot.clock.advance(timedelta(days=1, hours=22, minutes=50))  # 07:50
    code = await qr_code(organiser)
    await lan.send(f"/checkin {code}")

    replies = await organiser.send("/attendance")
    live = texts(replies)
    assert "Đăng ký: 3\nĐã đến: 1 (muộn: 0) + chưa đến: 2 + có phép: 0 = 3" in live
    assert (
        live.index("<b>Phường 1</b>")
        < live.index("✅ Nguyễn Thị Lan · 07:50")
        < live.index("<b>Phường 2</b>")
    )
    assert "⏳ Trần Văn Minh" in live

    await organiser.press("Điểm danh giúp")
    replies = await organiser.send("tran van minh")
    assert "Trần Văn Minh · Phường 2" in replies[-1].buttons
    replies = await organiser.press("Trần Văn Minh")
    assert "✅ Đã điểm danh Trần Văn Minh lúc 07:50." in texts(replies)
    replies = await organiser.press("Hoàn tác")
    assert "Đã hoàn tác: Trần Văn Minh không còn được điểm danh." in texts(replies)

    await organiser.send("/attendance")
    await organiser.press("Ghi có phép")
    await organiser.send("Hoa")
    replies = await organiser.press("Lê Thị Hoa")
    assert "Đã ghi Lê Thị Hoa vắng có phép." in texts(replies)
    bot.clock.advance(timedelta(minutes=40))  # 08:30
    await organiser.send("/attendance")
    await organiser.press("Điểm danh giúp")
    await organiser.send("minh")
    await organiser.press("Trần Văn Minh")
    replies = await organiser.send("/attendance")
    live = texts(replies)
    assert "Đăng ký: 3\nĐã đến: 2 (muộn: 1) + chưa đến: 0 + có phép: 1 = 3" in live
    assert "⏰ Trần Văn Minh · 08:30 (muộn)" in live and "🙋 Lê Thị Hoa (có phép)" in live


async def test_the_attendance_list_is_exported_as_an_excel_file(bot: BotUnderTest) -> None:
    organiser, lan, minh, _hoa = await organiser_and_cadres(bot)
    await session(bot, organiser)
    await lan.send("/trainings")
    await lan.press("Đăng ký")
    bot.clock.advance(timedelta(days=1, hours=23, minutes=16))  # 08:16: late
    code = await qr_code(organiser)
    await minh.send(f"/checkin {code}")
    await organiser.send("/attendance")
    replies = await organiser.press("Danh sách Excel")
    document = next(r for r in replies if r.method == "sendDocument")
    assert "Danh sách điểm danh" in document.text
    message = next(m for m in reversed(organiser.history()) if "document" in m)
    stored = bot.emu.file(TOKEN, message["document"]["file_id"])
    assert stored is not None and message["document"]["file_name"].endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(stored.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert rows[0] == [
        "Họ tên",
        "Phường",
        "Chi hội",
        "Chức danh",
        "Đăng ký",
        "Thời gian đăng ký",
        "Giờ điểm danh",
        "Đến muộn",
        "Có phép",
        "Cách điểm danh",
    ]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Nguyễn Thị Lan"][4] == "đã đăng ký" and by_name["Nguyễn Thị Lan"][6] in (None, "")
    assert by_name["Trần Văn Minh"][1] == "Phường 2" and by_name["Trần Văn Minh"][6] == "25/11/2026 08:16"
    assert by_name["Trần Văn Minh"][7] == "có" and by_name["Trần Văn Minh"][9] == "gõ mã"


async def test_rescheduling_reads_the_time_back_and_tells_everyone_registered(bot: BotUnderTest) -> None:
    organiser, lan, minh, _hoa = await organiser_and_cadres(bot)
    await session(bot, organiser)
    await lan.send("/trainings")
    await lan.press("Đăng ký")
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Dời lịch")
    replies = await organiser.send("hôm qua 8h")
    assert "Thời điểm này đã qua" in texts(replies)
    replies = await organiser.send("27/11 14h")
    assert "Dời buổi tập huấn sang <b>Thứ Sáu, 27/11/2026 14:00</b>?" in texts(replies)
    replies = await organiser.press("Đồng ý dời")
    assert "Đang báo cho 1 người đã đăng ký" in texts(replies)
    told = texts(lan.inbox())
    assert "Buổi tập huấn đổi giờ" in told and "Trước đây: Thứ Tư, 25/11/2026 08:00–11:00" in told
    assert "Nay: <b>Thứ Sáu, 27/11/2026 14:00–17:00</b>" in told
    assert minh.inbox() == []

    await organiser.press("Thêm…")
    await organiser.press("Số chỗ")
    replies = await organiser.send("-5")
    assert "Giá trị này không dùng được" in texts(replies)
    await organiser.send("30")
    assert "Buổi tập huấn anh/chị đăng ký có thay đổi" in texts(lan.inbox())


async def test_cancelling_tells_everyone_registered(bot: BotUnderTest) -> None:
    organiser, lan, minh, _hoa = await organiser_and_cadres(bot)
    await session(bot, organiser)
    await lan.send("/trainings")
    await lan.press("Đăng ký")
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Thêm…")
    await organiser.press("Hủy buổi tập huấn")
    replies = await organiser.press("Đồng ý hủy")
    assert "Đã hủy. Đang báo cho 1 người đã đăng ký." in texts(replies)
    assert "Buổi tập huấn đã bị hủy" in texts(lan.inbox())
    assert minh.inbox() == []
    replies = await lan.press("Đăng ký")
    assert "Buổi tập huấn này đã bị hủy." in lan.toasts()
    assert "Hiện chưa có buổi tập huấn nào" in texts(await lan.send("/trainings"))


async def test_bad_input_while_creating_gets_a_polite_answer_and_changes_nothing(bot: BotUnderTest) -> None:
    organiser, *_ = await organiser_and_cadres(bot)
    await organiser.send("/training_new")
    replies = await organiser.send("Tập huấn " * 40)
    assert "Xin nhập tên buổi tập huấn, tối đa 120 ký tự." in texts(replies)
    await organiser.send("Tập huấn")
    await organiser.send("25/11 8h")
    replies = await organiser.send("vâng")
    assert "Xin dùng các nút phía trên" in texts(replies)
    await organiser.press("Đúng rồi")
    replies = await organiser.send("7h")
    assert "Xin nhập giờ kết thúc sau giờ bắt đầu (08:00)" in texts(replies)
    replies = await organiser.send("/cancel")
    assert "Đã dừng. Không có gì được lưu." in texts(replies)
    await organiser.press("Bỏ qua")
    assert "Nút này không còn hiệu lực." in organiser.toasts()[-1]
    assert await bot.services.attendance.upcoming_for(await active_member(bot.services, 4001)) == []


async def test_the_qr_code_is_a_png_with_a_deep_link_and_checkin_explains_itself(bot: BotUnderTest) -> None:
    organiser, lan, *_ = await organiser_and_cadres(bot)
    await session(bot, organiser)
    code = await qr_code(organiser)
    message = next(m for m in reversed(organiser.history()) if "photo" in m)
    stored = bot.emu.file(TOKEN, message["photo"][-1]["file_id"])
    assert stored is not None and stored.data.startswith(b"\x89PNG")
    assert "Chưa đến giờ điểm danh: quét trước 07:00 sẽ không được ghi nhận." in message.get("caption", "")
    assert code in message.get("caption", "")
    replies = await lan.send("/checkin")
    assert "Xin gõ /checkin rồi đến mã in dưới mã QR" in texts(replies)
    stranger = bot.person(4300, "Khách")
    replies = await stranger.send("/start ci_NOTACODE")
    assert "Mã không đúng hoặc đã hết hạn" in texts(replies) and "Phường 1" in replies[-1].buttons


async def test_with_two_sessions_the_organiser_chooses_which_one(bot: BotUnderTest) -> None:
    organiser, *_ = await organiser_and_cadres(bot)
    await session(bot, organiser)
    member = await active_member(bot.services, organiser.user.id)
    starts = datetime(2026, 11, 28, 14, 0, tzinfo=VN)
    await bot.services.attendance.create(
        member, TrainingDraft("Tập huấn chiều thứ Bảy", starts, starts + timedelta(hours=2), "Nhà văn hóa")
    )
    replies = await organiser.send("/checkin_qr")
    assert "Buổi tập huấn nào?" in texts(replies)
    assert replies[-1].buttons == [
        "Tập huấn nghiệp vụ khuyến… · 25/11/2026",
        "Tập huấn chiều thứ Bảy · 28/11/2026",
    ]
    replies = await organiser.press("Tập huấn chiều thứ Bảy")
    assert any(r.method == "sendPhoto" and "Tập huấn chiều thứ Bảy" in r.text for r in replies)
    await organiser.send("/attendance")
    replies = await organiser.press("Tập huấn nghiệp vụ")
    assert "Chưa có ai đăng ký." in texts(replies)


async def create_with_audience(organiser: Person, *choices: str) -> list:
    await organiser.send("/training_new")
    await organiser.send("Tập huấn cho một số người")
    await organiser.send("25/11 8h")
    await organiser.press("Đúng rồi")
    await organiser.press("Bỏ qua")
    await organiser.send("Hội trường")
    for choice in choices:
        await organiser.press(choice)
    await organiser.press("Xong")
    await organiser.press("Bỏ qua")
    await organiser.press("Bỏ qua")
    return await organiser.press("Lưu và gửi lời mời")


async def test_invitations_go_to_the_chosen_roles_only(bot: BotUnderTest) -> None:
    organiser, lan, _minh, _hoa = await organiser_and_cadres(bot)
    lead = await bot.member(4500, "Đặng Văn Khoa", Role.WARD_LEAD, ward="Phường 4")
    replies = await create_with_audience(organiser, "Một số chức danh", "Lãnh đạo hội phường")
    assert "Lời mời đang được gửi tới 1 hội viên" in texts(replies)
    assert "Trân trọng kính mời" in texts(lead.inbox())
    assert lan.inbox() == []
    assert "Hiện chưa có buổi tập huấn nào" in texts(await lan.send("/trainings"))


async def test_invitations_go_to_the_chosen_chapters_only(bot: BotUnderTest) -> None:
    organiser, _lan, minh, _hoa = await organiser_and_cadres(bot)  # Minh is in Chi hội Khu phố 1 of Phường 2
    first = await bot.member(4600, "Hồ Thị Mai", Role.CADRE, ward="Phường 2", chapter="Chi hội Khu phố 1")
    second = await bot.member(4601, "Ngô Văn Sơn", Role.CADRE, ward="Phường 2", chapter="Chi hội Khu phố 2")
    replies = await create_with_audience(organiser, "Một số chi hội", "Phường 2", "Chi hội Khu phố 1")
    assert "Lời mời đang được gửi tới 2 hội viên" in texts(replies)
    assert any("Mời: Chi hội Khu phố 1 (Phường 2)" in (m.get("text") or "") for m in organiser.history())
    assert "Trân trọng kính mời" in texts(first.inbox()) and "Trân trọng kính mời" in texts(minh.inbox())
    assert second.inbox() == []


async def test_a_forwarded_invitation_pressed_by_a_stranger_registers_nothing(bot: BotUnderTest) -> None:
    organiser, lan, *_ = await organiser_and_cadres(bot)
    training_id = await session(bot, organiser)
    await lan.send("/trainings")
    message_id, data = lan.find_button("Đăng ký")
    stranger = bot.person(4700, "Khách")
    await stranger.send("/help")
    await stranger.press_data(message_id, data, in_chat_of=lan)
    assert "Các buổi tập huấn dành cho hội viên đã đăng ký." in lan.toasts()[-1]
    assert await bot.services.attendance.participants(training_id) == []
