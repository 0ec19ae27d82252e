"""'➕ Mời thêm' for a seminar, from the organiser's side: more wards, roles or chapters are invited after
the seminar was created; nobody already invited is invited twice, and the newly invited get the reminders."""

from __future__ import annotations

from datetime import timedelta

from bot.core.models import Role
from bot.core.seminars.models import Rsvp
from tests.harness import BotUnderTest, Person, texts
from tests.proof_helpers import forge_press
from tests.test_seminars_dialog import create_seminar, people
from tests.test_seminars_reminders import STARTS, move_to, sent

INVITATION = "Giấy mời dự tọa đàm"
ANSWER_BUTTONS = ["✅ Tham dự", "❌ Không tham dự", "👤 Cử người thay"]


async def open_invite_more(organiser: Person) -> list:
    await organiser.send("/seminars")
    return await organiser.press("Mời thêm")


async def test_an_organiser_adds_phuong_3_and_only_its_people_get_the_invitation(bot: BotUnderTest) -> None:
    organiser, minh, hoa, chau, lan = await people(bot)
    seminar_id = await create_seminar(bot, organiser)  # ward leads of Phường 1 and 2, and Lan by name
    for person in (minh, hoa, lan):
        assert INVITATION in texts(person.inbox())
    await minh.press("Tham dự")

    said = texts(await open_invite_more(organiser))
    assert "<b>Mời thêm người: Xây dựng xã hội học tập ở khu phố</b>" in said and "Đang mời: 3 người." in said
    assert "câu trả lời của họ vẫn giữ nguyên" in said
    replies = await organiser.press("Một số phường")
    assert "Phường 3" in replies[-1].buttons
    replies = await organiser.press("Phường 3")
    assert "✅ Phường 3" in replies[-1].buttons
    replies = await organiser.press("Xong")
    assert "Mời thêm: <b>Phường 3</b>?" in texts(replies)
    assert chau.inbox() == []
    confirm = organiser.find_button("Gửi lời mời")
    replies = await organiser.press("Gửi lời mời")
    said = texts(replies)
    assert "✅ Đã mời thêm 1 người." in said and "Đang mời: 4 người." in said
    assert "➕ Mời thêm" in replies[-1].buttons and "✖ Hủy tọa đàm" in " ".join(replies[-1].buttons)

    invitation = chau.inbox()
    assert INVITATION in texts(invitation) and "Xây dựng xã hội học tập ở khu phố" in texts(invitation)
    assert invitation[-1].buttons == ANSWER_BUTTONS
    assert "Anh/chị sẽ tham dự" in texts(await chau.press("Tham dự"))
    assert minh.inbox() == [] and hoa.inbox() == [] and lan.inbox() == []
    answers = {i.full_name: i.rsvp for i in await bot.services.seminars.invitees(seminar_id)}
    assert answers == {
        "Trần Văn Minh": Rsvp.YES,
        "Lê Thị Hoa": Rsvp.PENDING,
        "Nguyễn Thị Lan": Rsvp.PENDING,
        "Ngô Bảo Châu": Rsvp.YES,
    }

    await forge_press(bot, organiser, confirm[1])  # the confirm button pressed again, as a replay
    assert "Nút này không còn hiệu lực." in organiser.toasts()[-1]
    assert chau.inbox() == [] and minh.inbox() == []


async def test_people_already_invited_are_not_invited_again(bot: BotUnderTest) -> None:
    organiser, minh, hoa, chau, lan = await people(bot)
    seminar_id = await create_seminar(bot, organiser)
    for person in (minh, hoa, lan):
        person.inbox()
    tam = await bot.member(6002, "Võ Văn Tâm", Role.CADRE, ward="Phường 2")

    await open_invite_more(organiser)
    await organiser.press("Một số phường")
    await organiser.press("Phường 1")  # Minh and Lan: both invited already
    await organiser.press("Xong")
    replies = await organiser.press("Gửi lời mời")
    assert "Những người anh/chị chọn đều đã được mời rồi; không có gì thay đổi." in texts(replies)
    assert minh.inbox() == [] and lan.inbox() == [] and chau.inbox() == []
    assert len(await bot.services.seminars.invitees(seminar_id)) == 3

    await open_invite_more(organiser)
    await organiser.press("Một số chức danh")
    await organiser.press("Cán bộ chi hội")
    await organiser.press("Xong")
    replies = await organiser.press("Gửi lời mời")
    assert "✅ Đã mời thêm 1 người." in texts(replies)  # Tâm; Lan is a cadre too but invited already
    assert INVITATION in texts(tam.inbox())
    assert lan.inbox() == [] and minh.inbox() == [] and hoa.inbox() == [] and chau.inbox() == []
    names = {i.full_name for i in await bot.services.seminars.invitees(seminar_id)}
    assert "Võ Văn Tâm" in names and len(names) == 4


async def test_the_newly_invited_get_the_seminars_later_reminders(bot: BotUnderTest) -> None:
    organiser, _minh, _hoa, chau, _lan = await people(bot)
    await create_seminar(bot, organiser)  # starts Friday 27/11 08:00
    await open_invite_more(organiser)
    await organiser.press("Một số phường")
    await organiser.press("Phường 3")
    await organiser.press("Xong")
    await organiser.press("Gửi lời mời")
    assert INVITATION in texts(chau.inbox())

    await move_to(bot, STARTS - timedelta(days=3) + timedelta(minutes=5))
    assert "Xin trả lời giấy mời" in texts(chau.inbox())
    await chau.press("Tham dự")
    await move_to(bot, STARTS - timedelta(days=1) + timedelta(minutes=5))
    reminder = chau.inbox()
    assert [r.method for r in reminder] == ["sendDocument"]
    assert "Nhắc lịch tọa đàm «Xây dựng xã hội học tập ở khu phố»" in reminder[0].text
    assert len(sent(bot, chau, "sendMessage", INVITATION)) == 1


async def test_everyone_can_be_added_at_once(bot: BotUnderTest) -> None:
    organiser, minh, hoa, chau, lan = await people(bot)
    await create_seminar(bot, organiser)
    for person in (minh, hoa, lan):
        person.inbox()
    await open_invite_more(organiser)
    replies = await organiser.press("Tất cả")
    assert "Mời thêm: <b>tất cả hội viên</b>?" in texts(replies)
    replies = await organiser.press("Gửi lời mời")
    assert "✅ Đã mời thêm" in texts(replies)
    assert INVITATION in texts(chau.inbox())
    assert minh.inbox() == [] and hoa.inbox() == [] and lan.inbox() == []


async def test_a_cancelled_seminar_politely_refuses_more_invitations(bot: BotUnderTest) -> None:
    organiser, _minh, _hoa, chau, _lan = await people(bot)
    seminar_id = await create_seminar(bot, organiser)
    await organiser.send("/seminars")
    invite_button = organiser.find_button("Mời thêm")
    await organiser.press("Hủy tọa đàm")
    await organiser.press("Đồng ý hủy")
    await forge_press(bot, organiser, invite_button[1])
    assert "Buổi tọa đàm này đã bị hủy nên không thể mời thêm ai." in organiser.toasts()[-1]
    assert chau.inbox() == [] and len(await bot.services.seminars.invitees(seminar_id)) == 3


async def test_a_started_or_ended_seminar_politely_refuses_more_invitations(bot: BotUnderTest) -> None:
    organiser, _minh, _hoa, chau, _lan = await people(bot)
    seminar_id = await create_seminar(bot, organiser)
    await move_to(bot, STARTS - timedelta(minutes=30))  # a dialog left alone for two hours ends
    await open_invite_more(organiser)
    await organiser.press("Một số phường")
    await organiser.press("Phường 3")
    await organiser.press("Xong")
    await move_to(bot, STARTS + timedelta(minutes=10))
    replies = await organiser.press("Gửi lời mời")
    assert "Buổi tọa đàm này đã bắt đầu nên không gửi thêm giấy mời nào." in texts(replies)
    await organiser.press("Mời thêm")
    assert "Buổi tọa đàm này đã bắt đầu nên không gửi thêm giấy mời nào." in organiser.toasts()[-1]
    await move_to(bot, STARTS + timedelta(hours=3))
    await organiser.press("Mời thêm")
    assert "Buổi tọa đàm này đã kết thúc nên không thể mời thêm ai." in organiser.toasts()[-1]
    assert chau.inbox() == [] and len(await bot.services.seminars.invitees(seminar_id)) == 3


async def test_a_cadre_pressing_a_forged_invite_more_button_changes_nothing(bot: BotUnderTest) -> None:
    organiser, _minh, _hoa, chau, lan = await people(bot)
    seminar_id = await create_seminar(bot, organiser)
    lan.inbox()
    before = await bot.services.seminars.get(seminar_id)
    for data in (f"v1:semi:s:{seminar_id}:-", f"v1:semi:a:{seminar_id}:all", f"v1:semi:ok:{seminar_id}:-"):
        await forge_press(bot, lan, data)
        assert "Chỉ cán bộ tổ chức mới được quản lý tọa đàm." in lan.toasts()[-1]
    assert chau.inbox() == [] and len(await bot.services.seminars.invitees(seminar_id)) == 3
    assert await bot.services.seminars.get(seminar_id) == before
