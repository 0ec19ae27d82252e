"""A stranger registers with their chapter and a ward lead approves them."""

from __future__ import annotations

from bot.core.models import MemberStatus, Role
from tests.harness import BotUnderTest, active_member, texts


async def test_a_stranger_is_greeted_in_vietnamese_and_asked_for_their_ward(bot: BotUnderTest) -> None:
    lan = bot.person(2001, "Lan")
    replies = await lan.send("/start")
    assert "Xin chào! Tôi là trợ lý của Hội Khuyến học Quận 10." in texts(replies)
    assert "Phường 1" in replies[-1].buttons and "Phường 15" in replies[-1].buttons


async def test_a_stranger_registers_and_the_ward_lead_approves(bot: BotUnderTest) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    other_lead = await bot.member(3002, "Lê Thị Hoa", Role.WARD_LEAD, ward="Phường 6")
    lan = bot.person(2001, "Lan")

    await lan.send("/start")
    replies = await lan.press("Phường 5")
    assert "Bây giờ hãy chọn chi hội của bạn:" in texts(replies)
    await lan.press("Chi hội Khu phố 2")
    replies = await lan.send("nguyễn   thị lan")
    assert "Cảm ơn Nguyễn Thị Lan" in texts(replies)
    assert "📱 Gửi số điện thoại của tôi" in lan.menu()
    replies = await lan.share_contact("0903 123 456")
    assert "đã được gửi tới lãnh đạo hội" in texts(replies)

    request = lead.inbox()
    assert "Yêu cầu gia nhập mới" in texts(request) and "Nguyễn Thị Lan" in texts(request)
    assert "+84903123456" in texts(request)
    assert other_lead.inbox() == []
    member = await active_member(bot.services, 2001)
    assert member is not None and member.status is MemberStatus.PENDING

    replies = await lead.press("Duyệt")
    assert "Đã được Trần Văn Minh duyệt" in texts(replies)
    assert "Đăng ký của bạn đã được duyệt" in texts(lan.inbox())
    member = await active_member(bot.services, 2001)
    assert member is not None and member.status is MemberStatus.ACTIVE and member.role is Role.CADRE
    assert "👤 Thông tin của tôi" in lan.menu()


async def test_a_lead_of_another_ward_cannot_approve_even_with_the_button(bot: BotUnderTest) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    outsider = await bot.member(3002, "Lê Thị Hoa", Role.WARD_LEAD, ward="Phường 6")
    lan = bot.person(2001, "Lan")
    await lan.send("/start")
    await lan.press("Phường 5")
    await lan.press("Chi hội Khu phố 1")
    await lan.send("Nguyễn Thị Lan")
    await lan.send("Bỏ qua")
    message_id, data = lead.find_button("Duyệt")

    await outsider.press_data(message_id, data, in_chat_of=lead)

    assert "Chỉ lãnh đạo hội phường đó và cán bộ tổ chức mới được duyệt yêu cầu này." in lead.toasts()
    member = await active_member(bot.services, 2001)
    assert member is not None and member.status is MemberStatus.PENDING


async def register_in_ward_five(bot: BotUnderTest, user_id: int, name: str) -> None:
    person = bot.person(user_id, name.split()[-1])
    await person.send("/start")
    await person.press("Phường 5")
    await person.press("Chi hội Khu phố 1")
    await person.send(name)
    await person.send("Bỏ qua")


async def test_an_approval_saved_just_before_a_crash_still_reaches_the_newcomer_once(
    bot: BotUnderTest,
) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    organiser = await bot.member(3005, "Đỗ Thu Hà", Role.ORGANISER)
    await register_in_ward_five(bot, 2001, "Nguyễn Thị Lan")
    lan = bot.person(2001, "Lan")
    lan.inbox()
    member = await active_member(bot.services, 2001)
    leader = await active_member(bot.services, 3001)
    assert member is not None and leader is not None
    await bot.services.members.decide(leader, member.id, approve=True)  # committed, then the bot "crashed"
    await bot.restart()
    assert lan.inbox() == []

    replies = await lead.press("Duyệt")
    assert "Đã được Trần Văn Minh duyệt" in texts(replies)
    await organiser.press("Duyệt")
    welcome = [r for r in lan.inbox() if "Đăng ký của bạn đã được duyệt" in r.text]
    assert len(welcome) == 1


async def test_a_request_saved_just_before_a_crash_still_reaches_the_approvers(bot: BotUnderTest) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    visitor = await bot.services.members.identify("2009", chat_id="2009", display_name="Khách")
    leader = await active_member(bot.services, 3001)
    assert leader is not None and leader.ward_id is not None
    chapter = (await bot.services.org.chapters(leader.ward_id))[0]
    await bot.services.members.request_join(visitor, chapter_id=chapter.id, full_name="Phan Văn Tư")
    assert lead.inbox() == []
    await bot.restart()
    await bot.settle()
    assert "Phan Văn Tư" in texts(lead.inbox())
    await bot.restart()
    await bot.settle()
    assert lead.inbox() == []
