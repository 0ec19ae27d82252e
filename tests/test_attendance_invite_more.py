"""'➕ Mời thêm', from the organiser's side: more wards, chapters or roles are invited after a session was
created; nobody already invited is invited twice or removed."""

from __future__ import annotations

from bot.core.audience import Audience
from bot.core.models import Role
from tests.harness import BotUnderTest, Person, active_member, texts
from tests.proof_helpers import forge_press
from tests.test_attendance_dialogs import create_with_audience, organiser_and_cadres, session

INVITATION = "Trân trọng kính mời anh/chị tham dự buổi tập huấn"


async def ward_session(bot: BotUnderTest, organiser: Person) -> int:
    """A Phường 1 session made through the creation dialog, so Phường 1 has its invitations already."""
    replies = await create_with_audience(organiser, "Một số phường", "Phường 1")
    assert "Lời mời đang được gửi tới 1 hội viên" in texts(replies)
    trainings = await bot.services.attendance.upcoming_for(
        await active_member(bot.services, organiser.user.id), include_all=True
    )
    return trainings[-1].training.id


async def test_an_organiser_adds_phuong_2_and_only_its_cadres_are_invited(bot: BotUnderTest) -> None:
    organiser, lan, minh, hoa = await organiser_and_cadres(bot)
    training_id = await ward_session(bot, organiser)
    assert INVITATION in texts(lan.inbox())
    await lan.press("Đăng ký")

    await organiser.press("Quản lý")
    replies = await organiser.press("Mời thêm")
    said = texts(replies)
    assert "<b>Mời thêm người: Tập huấn cho một số người</b>" in said and "Đang mời: Phường 1" in said
    assert "không bớt được" in said and "người đã đăng ký vẫn giữ chỗ" in said
    replies = await organiser.press("Một số phường")
    assert "✅ Phường 1" in replies[-1].buttons and "Phường 2" in replies[-1].buttons
    await organiser.press("✅ Phường 1")
    assert "Mục này đã được mời rồi: không thể bớt người khỏi lời mời." in organiser.toasts()[-1]
    replies = await organiser.press("Phường 2")
    assert "✅ Phường 2" in replies[-1].buttons
    replies = await organiser.press("Xong")
    assert "Mời thêm: <b>Phường 2</b>?" in texts(replies)
    assert minh.inbox() == []
    confirm = organiser.find_button("Gửi lời mời")
    replies = await organiser.press("Gửi lời mời")
    said = texts(replies)
    assert "✅ Đã mời thêm 1 người." in said and "Đang mời: Phường 1, Phường 2" in said
    assert "➕ Mời thêm" in replies[-1].buttons and "Thêm…" in replies[-1].buttons

    invitation = minh.inbox()
    assert INVITATION in texts(invitation) and invitation[-1].buttons == ["Đăng ký", "Không tham dự"]
    assert "Anh/chị đã đăng ký." in texts(await minh.press("Đăng ký"))
    assert lan.inbox() == []
    assert hoa.inbox() == []
    assert "Hiện chưa có buổi tập huấn nào" in texts(await hoa.send("/trainings"))
    lan_member = await active_member(bot.services, lan.user.id)
    minh_member = await active_member(bot.services, minh.user.id)
    assert set(await bot.services.attendance.participants(training_id)) == {lan_member.id, minh_member.id}

    await forge_press(bot, organiser, confirm[1])  # the confirm button pressed again, as a replay
    assert "Nút này không còn hiệu lực." in organiser.toasts()[-1]
    assert minh.inbox() == [] and lan.inbox() == []


async def test_a_chapter_can_be_added_and_people_already_invited_are_not_invited_again(
    bot: BotUnderTest,
) -> None:
    organiser, lan, minh, _hoa = await organiser_and_cadres(bot)  # Minh is in Chi hội Khu phố 1 of Phường 2
    other = await bot.member(4601, "Ngô Văn Sơn", Role.CADRE, ward="Phường 2", chapter="Chi hội Khu phố 2")
    await ward_session(bot, organiser)
    lan.inbox()
    await organiser.press("Quản lý")
    await organiser.press("Mời thêm")
    await organiser.press("Một số chi hội")
    await organiser.press("Phường 2")
    await organiser.press("Chi hội Khu phố 1")
    await organiser.press("Xong")
    replies = await organiser.press("Gửi lời mời")
    assert "✅ Đã mời thêm 1 người." in texts(replies)
    assert "Đang mời: Phường 1, Chi hội Khu phố 1 (Phường 2)" in texts(replies)
    assert INVITATION in texts(minh.inbox())
    assert other.inbox() == [] and lan.inbox() == []

    await organiser.press("Mời thêm")
    await organiser.press("Một số phường")
    await organiser.press("Phường 2")
    await organiser.press("Xong")
    replies = await organiser.press("Gửi lời mời")
    assert "✅ Đã mời thêm 1 người." in texts(replies)
    assert INVITATION in texts(other.inbox())
    assert minh.inbox() == [] and lan.inbox() == []


async def test_a_cadre_pressing_a_forged_invite_more_button_changes_nothing(bot: BotUnderTest) -> None:
    organiser, lan, minh, _hoa = await organiser_and_cadres(bot)
    ward_1 = next(w.id for w in await bot.services.org.wards() if w.name == "Phường 1")
    ward_2 = next(w.id for w in await bot.services.org.wards() if w.name == "Phường 2")
    training_id = await session(bot, organiser, audience=Audience.any_of(ward_ids=(ward_1,)))
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    message_id, data = organiser.find_button("Mời thêm")
    await lan.press_data(message_id, data, in_chat_of=organiser)
    assert "Chỉ ban tổ chức mới làm được việc này." in organiser.toasts()[-1]
    for forged in (
        f"v1:ti:a:{training_id}:w",
        f"v1:ti:tw:{training_id}:{ward_2}",
        f"v1:ti:a:{training_id}:all",
        f"v1:ti:ok:{training_id}:-",
    ):
        await forge_press(bot, lan, forged)
        assert "Chỉ ban tổ chức mới làm được việc này." in lan.toasts()[-1]
    training = await bot.services.attendance.get(training_id)
    assert training is not None and training.audience == Audience.any_of(ward_ids=(ward_1,))
    assert minh.inbox() == []

    await forge_press(bot, organiser, f"v1:ti:ok:{training_id}:-")
    assert "Nút này không còn hiệu lực." in organiser.toasts()[-1]
    assert (await bot.services.attendance.get(training_id)).audience == Audience.any_of(ward_ids=(ward_1,))


async def test_a_cancelled_or_ended_session_politely_refuses_more_invitations(bot: BotUnderTest) -> None:
    organiser, _lan, minh, _hoa = await organiser_and_cadres(bot)
    ward_1 = next(w.id for w in await bot.services.org.wards() if w.name == "Phường 1")
    await session(bot, organiser, audience=Audience.any_of(ward_ids=(ward_1,)))
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Mời thêm")
    await organiser.press("Một số phường")
    await organiser.press("Phường 2")
    await organiser.press("Xong")
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Thêm…")
    await organiser.press("Hủy buổi tập huấn")
    await organiser.press("Đồng ý hủy")
    replies = await organiser.press("Gửi lời mời")
    assert "Buổi tập huấn này đã bị hủy." in texts(replies)
    await organiser.press("Mời thêm")
    assert "Buổi tập huấn này đã bị hủy." in organiser.toasts()[-1]
    assert minh.inbox() == []

    await session(bot, organiser, audience=Audience.any_of(ward_ids=(ward_1,)))
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await bot.advance(days=3)
    await organiser.press("Mời thêm")
    assert "Buổi tập huấn này đã kết thúc, nên không mời thêm được nữa ạ." in organiser.toasts()[-1]
    assert minh.inbox() == []


async def test_a_session_open_to_everyone_has_nobody_more_to_invite(bot: BotUnderTest) -> None:
    organiser, *_ = await organiser_and_cadres(bot)
    await session(bot, organiser)
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Mời thêm")
    assert "Buổi tập huấn này đã mời tất cả hội viên rồi ạ." in organiser.toasts()[-1]
