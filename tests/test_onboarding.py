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
    assert "Bây giờ hãy chọn chi hội của anh/chị:" in texts(replies)
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
    assert "Đăng ký của anh/chị đã được duyệt" in texts(lan.inbox())
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
    assert "Đã được Trần Văn Minh duyệt" in texts(organiser.inbox())
    welcome = [r for r in lan.inbox() if "Đăng ký của anh/chị đã được duyệt" in r.text]
    assert len(welcome) == 1


async def test_a_request_saved_just_before_a_crash_still_reaches_the_approvers(bot: BotUnderTest) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    visitor = await bot.services.members.identify("telegram", "2009", chat_id="2009", display_name="Khách")
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


async def test_a_restart_in_the_middle_of_registration_continues_it_with_nothing_lost_or_doubled(
    bot: BotUnderTest,
) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    lan = bot.person(2001, "Lan")
    await lan.send("/start")
    await lan.press("Phường 5")

    await bot.restart()  # after choosing the ward
    replies = await lan.press("Chi hội Khu phố 2")
    assert "Chi hội: <b>Chi hội Khu phố 2</b>" in texts(replies)
    replies = await lan.send("Nguyễn Thị Lan")
    assert "Cảm ơn Nguyễn Thị Lan" in texts(replies)

    await bot.restart()  # after typing the name
    replies = await lan.share_contact("0903 123 456")
    assert "Yêu cầu gia nhập <b>Chi hội Khu phố 2</b> (Phường 5) đã được gửi tới lãnh đạo hội" in texts(
        replies
    )

    requests = [r for r in lead.inbox() if "Yêu cầu gia nhập mới" in r.text]
    assert len(requests) == 1
    assert "Nguyễn Thị Lan" in requests[0].text and "Chi hội Khu phố 2 (Phường 5)" in requests[0].text
    assert "+84903123456" in requests[0].text
    member = await active_member(bot.services, 2001)
    assert member is not None and member.status is MemberStatus.PENDING
    assert member.full_name == "Nguyễn Thị Lan" and member.phone == "+84903123456"
    profile = await bot.services.members.profile(member)
    assert profile.chapter is not None and profile.chapter.name == "Chi hội Khu phố 2"

    await bot.restart()  # the registration is over: nothing is asked or sent again
    replies = await lan.send("Bỏ qua")
    assert "đã được gửi tới lãnh đạo hội" not in texts(replies)
    await bot.settle()
    assert lead.inbox() == []
    assert (
        await bot.services.db.fetch_value(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'request_join' AND entity_id = ?", (member.id,)
        )
        == 1
    )


async def test_a_restart_after_opening_an_invitation_still_registers_with_the_invited_chapter(
    bot: BotUnderTest,
) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    await lead.send("/invite")
    link_text = texts(await lead.press("Chi hội Khu phố 3"))
    token = link_text.split("start=inv_")[1].split()[0]
    binh = bot.person(2002, "Bình")
    await binh.send(f"/start inv_{token}")

    await bot.restart()  # the invitation was opened; the name is not typed yet
    replies = await binh.send("Lê Văn Bình")
    assert "Cảm ơn Lê Văn Bình" in texts(replies)
    await binh.send("Bỏ qua")

    requests = [r for r in lead.inbox() if "Yêu cầu gia nhập mới" in r.text]
    assert len(requests) == 1 and "Lê Văn Bình" in requests[0].text
    assert "Chi hội Khu phố 3 (Phường 5)" in requests[0].text


async def test_registration_can_be_cancelled_and_ends_politely_when_left_too_long(bot: BotUnderTest) -> None:
    lan = bot.person(2001, "Lan")
    await lan.send("/start")
    await lan.press("Phường 5")
    await lan.press("Chi hội Khu phố 1")
    await lan.send("Nguyễn Thị Lan")
    replies = await lan.send("/cancel")
    assert "Đã hủy đăng ký. Gửi /start để bắt đầu lại." in texts(replies)
    assert "remove_keyboard" in str(replies[-1].params.get("reply_markup"))

    await lan.send("/start")
    await lan.press("Phường 5")
    await bot.advance(hours=3)
    replies = await lan.press("Chi hội Khu phố 1")
    assert "để dở quá lâu nên đã kết thúc" in texts(replies)
    assert "Nút này không còn hiệu lực." in lan.toasts()
    member = await active_member(bot.services, 2001)
    assert member is not None and member.status is MemberStatus.VISITOR and member.chapter_id is None


async def test_other_features_hear_of_an_approval_inside_the_approving_turn(bot: BotUnderTest) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    await register_in_ward_five(bot, 2001, "Nguyễn Thị Lan")
    lan = bot.person(2001, "Lan")
    lan.inbox()
    assert bot.runtime is not None
    hooks = bot.runtime.router.approval_hooks

    async def broken(turn, member) -> None:
        raise RuntimeError("a feature failed while the approval was being saved")

    hooks.append(broken)
    replies = await lead.press("Duyệt")
    assert "Xin lỗi, hệ thống gặp sự cố" in texts(replies)
    member = await active_member(bot.services, 2001)
    assert member is not None and member.status is MemberStatus.PENDING
    notices = await bot.services.outbox.rows(f"join:{member.id}")
    assert [n for n in notices if n["member_id"] == member.id] == [], "the approval and its notice are undone"
    assert lan.inbox() == []

    heard: list[tuple[str, bool]] = []

    async def listening(turn, member) -> None:
        heard.append((member.full_name, bot.services.db.in_transaction))

    hooks[-1] = listening
    replies = await lead.press("Duyệt")
    assert "Đã được Trần Văn Minh duyệt" in texts(replies)
    assert heard == [("Nguyễn Thị Lan", True)], "the hook runs inside the approving turn's transaction"
    assert "Đăng ký của anh/chị đã được duyệt" in texts(lan.inbox())
