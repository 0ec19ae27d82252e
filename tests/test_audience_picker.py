"""The one audience picker, as organisers use it in /training_new, /seminar_new and /broadcast: the same
lists, the same ticks, « Back to the first screen, and a draft that survives a restart mid-way."""

from __future__ import annotations

from bot.core.models import Role
from tests.harness import BotUnderTest, Person, texts


async def training_up_to_the_audience(organiser: Person) -> list:
    await organiser.send("/training_new")
    await organiser.send("Tập huấn kỹ năng")
    await organiser.send("25/11 8h")
    await organiser.press("Đúng rồi")
    await organiser.press("Bỏ qua")
    return await organiser.send("Hội trường")


async def test_a_training_can_invite_some_wards_and_some_roles_together(bot: BotUnderTest) -> None:
    organiser = await bot.member(4801, "Phạm Văn Tổ", Role.ORGANISER, ward="Phường 1")
    lan = await bot.member(4802, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 1")
    lead = await bot.member(4803, "Đặng Văn Khoa", Role.WARD_LEAD, ward="Phường 4")
    hoa = await bot.member(4804, "Lê Thị Hoa", Role.CADRE, ward="Phường 3")
    replies = await training_up_to_the_audience(organiser)
    assert "Mời những ai?" in texts(replies) and "Xong" not in " ".join(replies[-1].buttons)

    await organiser.press("Một số phường")
    replies = await organiser.press("Phường 1")
    assert "✅ Phường 1" in replies[-1].buttons
    replies = await organiser.press("« Quay lại")
    assert "Một số chức danh" in replies[-1].buttons and "✔️ Xong" in replies[-1].buttons
    await organiser.press("Một số chức danh")
    await organiser.press("Lãnh đạo hội phường")
    replies = await organiser.press("Xong")
    assert "Mời: Phường 1, Lãnh đạo hội phường" in texts(replies)
    await organiser.press("Bỏ qua")
    await organiser.press("Bỏ qua")
    replies = await organiser.press("Lưu và gửi lời mời")

    assert "Lời mời đang được gửi tới 2 hội viên" in texts(replies)
    assert lan.inbox() and lead.inbox() and hoa.inbox() == []


async def test_nothing_ticked_is_refused_politely_and_the_picker_stays(bot: BotUnderTest) -> None:
    organiser = await bot.member(4811, "Phạm Văn Tổ", Role.ORGANISER, ward="Phường 1")
    await training_up_to_the_audience(organiser)
    await organiser.press("Một số phường")
    await organiser.press("Xong")
    assert "Xin chọn ít nhất một mục, hoặc chọn Tất cả." in organiser.toasts()[-1]
    replies = await organiser.press("Phường 2")
    assert "✅ Phường 2" in replies[-1].buttons


async def test_a_seminar_invites_a_chapter_picked_from_its_ward_and_the_ticks_survive_a_restart(
    bot: BotUnderTest,
) -> None:
    organiser = await bot.member(4821, "Phạm Văn Tổ", Role.ORGANISER, ward="Phường 1")
    await bot.member(4822, "Hồ Thị Mai", Role.CADRE, ward="Phường 2", chapter="Chi hội Khu phố 1")
    await bot.member(4823, "Ngô Văn Sơn", Role.CADRE, ward="Phường 2", chapter="Chi hội Khu phố 2")
    await organiser.send("/seminar_new")
    await organiser.send("Học tập suốt đời")
    await organiser.press("Phường 1")
    await organiser.press("Xong")
    await organiser.send("27/11 8h")
    await organiser.press("Đúng")
    await organiser.press("Bỏ qua")
    await organiser.send("Hội trường UBND Phường 1")

    replies = await organiser.press("Một số chi hội")
    assert "Chi hội của phường nào?" in texts(replies)
    await organiser.press("Phường 2")
    await bot.restart()
    replies = await organiser.press("Chi hội Khu phố 1")
    assert "✅ Chi hội Khu phố 1" in replies[-1].buttons and "Chi hội Khu phố 2" in replies[-1].buttons
    said = texts(await organiser.press("« Quay lại"))
    assert "Chi hội: Chi hội Khu phố 1" in said and "Số người được mời hiện tại: 1" in said
    await organiser.press("Xong")
    await organiser.press("Bỏ qua")
    replies = await organiser.press("Bỏ qua")
    assert "Giấy mời sẽ được gửi tới 1 người." in texts(replies)


async def test_a_broadcast_goes_to_a_ward_and_a_role_picked_in_the_same_list(bot: BotUnderTest) -> None:
    organiser = await bot.member(4831, "Phạm Thu Hà", Role.ORGANISER)
    in_ward = await bot.member(4832, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5")
    lead = await bot.member(4833, "Lê Văn Tâm", Role.WARD_LEAD, ward="Phường 6")
    elsewhere = await bot.member(4834, "Trần Văn Bình", Role.CADRE, ward="Phường 6")
    await organiser.send("/broadcast")
    await organiser.send("Họp ban chấp hành")
    await organiser.press("Không đính kèm")
    await organiser.press("Một số phường")
    await organiser.press("Phường 5")
    await organiser.press("« Quay lại")
    await organiser.press("Một số chức danh")
    await organiser.press("Lãnh đạo hội phường")
    replies = await organiser.press("Xong")
    assert "Số người nhận: 2" in texts(replies)
    await organiser.press("Xác nhận và gửi")
    await bot.settle()
    assert in_ward.inbox() and lead.inbox() and elsewhere.inbox() == []
