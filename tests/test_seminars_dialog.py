"""An organiser creates a seminar in chat; invitees answer, send replacements; the organiser follows up."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.models import Role
from bot.core.seminars.models import Rsvp
from tests.harness import VN, BotUnderTest, Person, texts


async def create_seminar(
    bot: BotUnderTest,
    organiser: Person,
    *,
    when: str = "27/11 8h",
    end: str | None = None,
    pick: tuple[str, ...] = (),
    attachment: bytes | None = None,
) -> int:
    """Walk the whole /seminar_new dialog; invite the ward leads of Phường 1 and 2, and Lan by name.

    The start is typed (`when`) or picked with the buttons labelled `pick`; without `end` the organiser
    presses Skip at "what time does it end?" (the usual two hours)."""
    await organiser.send("/seminar_new")
    await organiser.send("Xây dựng xã hội học tập ở khu phố")
    await organiser.press("Phường 1")
    await organiser.press("Phường 2")
    await organiser.press("Xong")
    for label in pick:
        replies = await organiser.press(label)
    if not pick:
        replies = await organiser.send(when)
    assert "Tôi hiểu là" in texts(replies)
    replies = await organiser.press("Đúng")
    assert "Mấy giờ kết thúc?" in texts(replies)
    if end is None:
        await organiser.press("Bỏ qua")
    else:
        await organiser.send(end)
    await organiser.send("Hội trường UBND Phường 1, 123 Lý Thường Kiệt")
    await organiser.press("Lãnh đạo hội phường")
    await organiser.press("Phường 1")
    await organiser.press("Phường 2")
    await organiser.press("Thêm người theo tên")
    replies = await organiser.send("nguyen thi lan")
    assert "Nguyễn Thị Lan" in replies[-1].buttons
    await organiser.press("Nguyễn Thị Lan")
    await organiser.press("Xong")
    await organiser.send("1. Khai mạc\n2. Tham luận của các phường\n3. Thảo luận")
    if attachment is None:
        await organiser.press("Bỏ qua")
    else:
        await organiser._act(
            lambda: bot.emu.send_document(
                "123456:TEST-khuyenhoc-token",
                organiser.user,
                attachment,
                "chuong-trinh.pdf",
                "application/pdf",
            )
        )
    replies = await organiser.press("Tạo và gửi giấy mời")
    assert "Đã tạo buổi tọa đàm. Giấy mời đang được gửi tới 3 người." in texts(replies)
    seminars = await bot.services.seminars.upcoming()
    return seminars[-1].id


async def up_to_the_start_time(organiser: Person, topic: str = "Chủ đề thử") -> list:
    """/seminar_new with a topic and Phường 1 as host: the replies asking when it starts."""
    await organiser.send("/seminar_new")
    await organiser.send(topic)
    await organiser.press("Phường 1")
    return await organiser.press("Xong")


async def people(bot: BotUnderTest) -> tuple[Person, Person, Person, Person, Person]:
    organiser = await bot.member(4001, "Phạm Thu Hà", Role.ORGANISER)
    minh = await bot.member(5001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 1")
    hoa = await bot.member(5002, "Lê Thị Hoa", Role.WARD_LEAD, ward="Phường 2")
    chau = await bot.member(5003, "Ngô Bảo Châu", Role.WARD_LEAD, ward="Phường 3")
    lan = await bot.member(6001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 1")
    return organiser, minh, hoa, chau, lan


async def test_an_organiser_creates_a_seminar_and_the_invitees_get_rsvp_buttons(bot: BotUnderTest) -> None:
    organiser, minh, hoa, chau, lan = await people(bot)
    seminar_id = await create_seminar(bot, organiser)

    for invitee in (minh, hoa, lan):
        invitation = invitee.inbox()
        assert "Giấy mời dự tọa đàm" in texts(invitation)
        assert "Xây dựng xã hội học tập ở khu phố" in texts(invitation)
        assert "Thứ Sáu, 27/11/2026 08:00–10:00" in texts(invitation)
        assert "Hội trường UBND Phường 1" in texts(invitation)
        assert "Khai mạc" in texts(invitation)
        assert invitation[-1].buttons == ["✅ Tham dự", "❌ Không tham dự", "👤 Cử người thay"]
    assert chau.inbox() == []
    seminar = await bot.services.seminars.get(seminar_id)
    assert seminar is not None and seminar.host == "Phường 1, Phường 2"
    assert seminar.starts_at == datetime(2026, 11, 27, 8, 0, tzinfo=VN)


async def test_invitees_answer_and_can_change_their_mind_until_the_start(bot: BotUnderTest) -> None:
    organiser, minh, hoa, _chau, lan = await people(bot)
    seminar_id = await create_seminar(bot, organiser)

    replies = await minh.press("Tham dự")
    assert "Anh/chị sẽ tham dự «Xây dựng xã hội học tập ở khu phố»" in texts(replies)
    await hoa.press("Không tham dự")
    await minh.press("Không tham dự")
    await minh.press("Tham dự")
    answers = {i.full_name: i.rsvp for i in await bot.services.seminars.invitees(seminar_id)}
    assert answers == {"Trần Văn Minh": Rsvp.YES, "Lê Thị Hoa": Rsvp.NO, "Nguyễn Thị Lan": Rsvp.PENDING}

    await bot.advance(days=4)
    await lan.press("Tham dự")
    assert "Buổi tọa đàm đã bắt đầu nên không thể thay đổi trả lời nữa. Xin cảm ơn!" in lan.toasts()
    invitee = await bot.services.seminars.invitee(seminar_id, (await lan_member(bot)).id)
    assert invitee is not None and invitee.rsvp is Rsvp.PENDING


async def lan_member(bot: BotUnderTest):
    from tests.harness import active_member

    return await active_member(bot.services, 6001)


async def test_an_invitee_sends_a_replacement_who_then_gets_the_invitation(bot: BotUnderTest) -> None:
    organiser, minh, _hoa, chau, _lan = await people(bot)
    seminar_id = await create_seminar(bot, organiser)
    minh.inbox()

    replies = await minh.press("Cử người thay")
    assert "Ai sẽ đi thay anh/chị?" in texts(replies)
    await minh.send("bao chau")
    replies = await minh.press("Ngô Bảo Châu")
    assert "Ngô Bảo Châu sẽ nhận giấy mời dự «Xây dựng xã hội học tập ở khu phố» thay anh/chị." in texts(
        replies
    )

    invitation = chau.inbox()
    assert "Trần Văn Minh nhờ anh/chị đi dự thay." in texts(invitation)
    await chau.press("Tham dự")
    answers = {i.full_name: i.rsvp for i in await bot.services.seminars.invitees(seminar_id)}
    assert answers["Trần Văn Minh"] is Rsvp.DELEGATED and answers["Ngô Bảo Châu"] is Rsvp.YES


async def test_someone_not_invited_cannot_answer_with_a_forwarded_button(bot: BotUnderTest) -> None:
    organiser, minh, _hoa, chau, _lan = await people(bot)
    seminar_id = await create_seminar(bot, organiser)
    message_id, data = minh.find_button("Tham dự")

    await chau.press_data(message_id, data, in_chat_of=minh)

    assert "Anh/chị không có trong danh sách được mời của buổi tọa đàm này." in minh.toasts()
    assert await bot.services.seminars.invitee(seminar_id, 9999) is None


async def test_the_overview_shows_counts_and_names_by_ward_and_nudges_once_an_hour(bot: BotUnderTest) -> None:
    organiser, minh, hoa, _chau, lan = await people(bot)
    await create_seminar(bot, organiser)
    await minh.press("Tham dự")
    await hoa.press("Không tham dự")
    lan.inbox()

    replies = await organiser.send("/seminars")
    overview = texts(replies)
    assert "Tham dự: 1 · Không tham dự: 1 · Chưa trả lời: 1" in overview
    assert "Phường 1: Trần Văn Minh" in overview and "Phường 2: Lê Thị Hoa" in overview
    assert "Phường 1: Nguyễn Thị Lan" in overview

    await organiser.press("Nhắc người chưa trả lời (1)")
    assert "Đang gửi lời nhắc tới 1 người chưa trả lời." in organiser.toasts()
    assert "Xin trả lời giấy mời" in texts(lan.inbox())
    assert minh.inbox() == [] and hoa.inbox() == []
    await organiser.press("Nhắc người chưa trả lời (1)")
    assert any("Một giờ sau mới nhắc lại được" in toast for toast in organiser.toasts())
    assert lan.inbox() == []


async def test_a_cadre_cannot_create_seminars_or_see_the_overview(bot: BotUnderTest) -> None:
    _organiser, _minh, _hoa, _chau, lan = await people(bot)
    assert "Chỉ cán bộ tổ chức mới được tạo buổi tọa đàm." in texts(await lan.send("/seminar_new"))
    assert "Chỉ cán bộ tổ chức mới xem được tổng hợp tọa đàm." in texts(await lan.send("/seminars"))


async def test_bad_dates_get_a_polite_answer_and_the_dialog_waits(bot: BotUnderTest) -> None:
    organiser, *_ = await people(bot)
    await up_to_the_start_time(organiser)
    assert "Thời điểm này đã qua." in texts(await organiser.send("20/11/2026 8h"))
    assert "Tôi chưa hiểu ngày giờ này." in texts(await organiser.send("ngày nào đó"))
    assert "Tôi hiểu là: <b>Thứ Sáu, 27/11/2026 14:00</b>" in texts(await organiser.send("thứ Sáu 14h"))


@pytest.mark.channels("transcript", "telegram", "zalo")
async def test_a_seminar_created_ninety_minutes_ahead_sends_the_calendar_file_with_every_invitation(
    bot: BotUnderTest,
) -> None:
    organiser, minh, hoa, _chau, lan = await people(bot)
    await create_seminar(bot, organiser, when="23/11 10h30")  # the clock reads Monday 23/11 09:00
    for person in (minh, hoa, lan):
        received = person.inbox()
        calendar = [r for r in received if "vào lịch điện thoại" in r.text]
        assert len(calendar) == 1
        assert "Mở tệp này để thêm tọa đàm «Xây dựng xã hội học tập ở khu phố»" in calendar[0].text
        assert "Giấy mời dự tọa đàm" in received[-1].text and "✅ Tham dự" in received[-1].buttons


async def test_the_attachment_goes_with_every_invitation(bot: BotUnderTest) -> None:
    organiser, minh, *_ = await people(bot)
    await create_seminar(bot, organiser, attachment=b"%PDF-1.4 chuong trinh")
    documents = [r for r in minh.inbox() if r.method == "sendDocument" and "lịch điện thoại" not in r.text]
    assert len(documents) == 1 and "Tài liệu cho buổi tọa đàm" in documents[0].text


async def test_the_sandbox_demo_plans_one_seminar_four_days_ahead_with_some_answers(
    bot: BotUnderTest,
) -> None:
    from bot.sandbox.demo_seminars import seed

    await people(bot)
    await seed(bot.services, bot.clock.now())
    await seed(bot.services, bot.clock.now())
    seminars = await bot.services.seminars.upcoming()
    assert len(seminars) == 1
    assert timedelta(days=3) < seminars[0].starts_at - bot.clock.now() < timedelta(days=5)
    answers = [i.rsvp for i in await bot.services.seminars.invitees(seminars[0].id)]
    assert answers.count(Rsvp.YES) == 2 and answers.count(Rsvp.NO) == 1 and Rsvp.PENDING in answers


async def test_a_cadre_pressing_an_organisers_cancel_buttons_changes_nothing(bot: BotUnderTest) -> None:
    organiser, minh, _hoa, _chau, lan = await people(bot)
    seminar_id = await create_seminar(bot, organiser)
    await organiser.send("/seminars")
    await organiser.press("Hủy tọa đàm")
    message_id, data = organiser.find_button("Đồng ý hủy")
    minh.inbox()

    await lan.press_data(message_id, data, in_chat_of=organiser)
    nudge_id, nudge_data = organiser.find_button("Nhắc người chưa trả lời")
    await lan.press_data(nudge_id, nudge_data, in_chat_of=organiser)

    assert organiser.toasts().count("Chỉ cán bộ tổ chức mới được quản lý tọa đàm.") == 2
    seminar = await bot.services.seminars.get(seminar_id)
    assert seminar is not None and seminar.is_open and seminar.nudges == 0
    assert minh.inbox() == []


async def test_a_topic_that_is_too_long_is_refused_politely(bot: BotUnderTest) -> None:
    organiser, *_ = await people(bot)
    await organiser.send("/seminar_new")
    replies = await organiser.send("Tọa đàm " * 40)
    assert "Xin vui lòng nhập chủ đề không quá 200 ký tự." in texts(replies)
    replies = await organiser.send("/cancel")
    assert "Đã dừng. Chưa có gì thay đổi." in texts(replies)
    assert await bot.services.seminars.upcoming() == []


@pytest.fixture
def server_in_new_york() -> Iterator[None]:
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous
        time.tzset()


async def test_times_are_vietnamese_whatever_the_servers_time_zone(
    server_in_new_york: None, bot: BotUnderTest
) -> None:
    organiser, minh, *_ = await people(bot)
    seminar_id = await create_seminar(bot, organiser, when="27/11 8h")
    assert "Thứ Sáu, 27/11/2026 08:00–10:00" in texts(minh.inbox())
    seminar = await bot.services.seminars.get(seminar_id)
    assert seminar is not None and seminar.starts_at == datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


async def test_an_invitee_finds_their_invitations_and_changes_the_answer_there(bot: BotUnderTest) -> None:
    organiser, minh, _hoa, chau, _lan = await people(bot)
    seminar_id = await create_seminar(bot, organiser)
    await minh.press("Tham dự")

    replies = await minh.send("/my_seminars")
    assert "Xây dựng xã hội học tập ở khu phố" in texts(replies) and "Anh/chị đã trả lời: tham dự." in texts(
        replies
    )
    await minh.press("Không tham dự", message_id=replies[-1].message_id)
    answers = {i.full_name: i.rsvp for i in await bot.services.seminars.invitees(seminar_id)}
    assert answers["Trần Văn Minh"] is Rsvp.NO
    assert "Anh/chị chưa có giấy mời tọa đàm nào sắp tới." in texts(await chau.send("/my_seminars"))


async def test_each_invitee_reads_the_invitation_in_their_own_language(bot: BotUnderTest) -> None:
    organiser = await bot.member(4001, "Phạm Thu Hà", Role.ORGANISER)
    await bot.member(5001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 1")
    await bot.member(5002, "Lê Thị Hoa", Role.WARD_LEAD, ward="Phường 2")
    anna = await bot.member(6001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 1", locale="en")
    await create_seminar(bot, organiser)
    invitation = anna.inbox()[-1]
    assert "Seminar invitation" in invitation.text and "Friday" in invitation.text
    assert invitation.buttons == ["✅ Attend", "❌ Not attending", "👤 Send a replacement"]


async def test_an_old_draft_button_after_the_dialog_ended_is_refused(bot: BotUnderTest) -> None:
    organiser, *_ = await people(bot)
    await organiser.send("/seminar_new")
    await organiser.send("Chủ đề thử")
    await organiser.send("/cancel")
    await organiser.press("Phường 1")
    assert "Nút này không còn hiệu lực." in " ".join(organiser.toasts())


async def test_an_organiser_picks_the_seminars_day_and_time_with_buttons(bot: BotUnderTest) -> None:
    organiser, minh, *_ = await people(bot)
    replies = await up_to_the_start_time(organiser, "Đọc sách cùng con")
    assert "Bắt đầu lúc nào?" in texts(replies)
    assert "27" in replies[-1].buttons and "22" not in replies[-1].buttons
    replies = await organiser.press("27")
    assert "Thứ Sáu, 27/11/2026: mấy giờ?" in texts(replies)
    replies = await organiser.press("14:00")
    assert "Tôi hiểu là: <b>Thứ Sáu, 27/11/2026 14:00</b>. Có đúng không ạ?" in texts(replies)
    assert replies[-1].buttons == ["✅ Đúng rồi", "✏️ Nhập lại"]
    await organiser.send("/cancel")

    seminar_id = await create_seminar(bot, organiser, pick=("27", "14:00"), end="16h30")
    assert "Thứ Sáu, 27/11/2026 14:00–16:30" in texts(minh.inbox())
    seminar = await bot.services.seminars.get(seminar_id)
    assert seminar is not None
    assert (seminar.starts_at, seminar.ends_at) == (
        datetime(2026, 11, 27, 14, 0, tzinfo=VN),
        datetime(2026, 11, 27, 16, 30, tzinfo=VN),
    )


async def test_a_picked_day_then_a_typed_time_and_stale_picker_buttons(bot: BotUnderTest) -> None:
    organiser, *_ = await people(bot)
    await up_to_the_start_time(organiser)
    await organiser.press("»")
    replies = await organiser.press("18")
    assert "Thứ Sáu, 18/12/2026: mấy giờ?" in texts(replies)
    replies = await organiser.send("19g")
    assert "Tôi hiểu là: <b>Thứ Sáu, 18/12/2026 19:00</b>" in texts(replies)
    await organiser.press("Đúng rồi")

    await organiser.press("08:00")
    assert "Nút này không còn hiệu lực." in organiser.toasts()[-1]
    replies = await organiser.press("Bỏ qua")
    assert "Tọa đàm tổ chức ở đâu?" in texts(replies)


async def test_a_year_typed_wrongly_is_refused_politely(bot: BotUnderTest) -> None:
    organiser, *_ = await people(bot)
    await up_to_the_start_time(organiser)
    assert "cách đây hơn hai năm" in texts(await organiser.send("27/11/2062 8h"))
    assert "Xin vui lòng ghi thêm ngày" in texts(await organiser.send("8h30"))
    assert "Tôi chưa hiểu ngày giờ này" in texts(await organiser.send("27/11 8h " * 40))
    replies = await organiser.send("27/11/2026 8h")
    assert "Tôi hiểu là: <b>Thứ Sáu, 27/11/2026 08:00</b>" in texts(replies)
