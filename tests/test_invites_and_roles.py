"""Ward leads invite people to a chapter with a link or QR code; admins change roles in chat."""

from __future__ import annotations

from bot.conversation.inputs import Chose, Command, Input, Sender
from bot.conversation.replies import Reply as ReplyOut
from bot.core.models import MemberStatus, Role
from tests.harness import BotUnderTest, active_member, texts


async def test_a_ward_lead_invites_to_a_chapter_and_the_invited_person_only_types_their_name(
    bot: BotUnderTest,
) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    await lead.send("/invite")
    assert "Chi hội Khu phố 1" in lead.all_buttons()
    assert "Phường 6" not in lead.all_buttons()
    replies = await lead.press("Chi hội Khu phố 3")
    link_text = texts(replies)
    assert "Lời mời vào <b>Chi hội Khu phố 3</b> (Phường 5)" in link_text
    photo = [r for r in replies if r.method == "sendPhoto"]
    assert photo, "the QR code is sent as a photo"
    qr_file = [m for m in lead.history() if m.get("photo")][-1]["file"]["data"]
    assert qr_file.startswith(b"\x89PNG")

    token = link_text.split("start=inv_")[1].split()[0]
    newcomer = bot.person(2002, "Bình")
    replies = await newcomer.send(f"/start inv_{token}")
    assert "Anh/chị được mời tham gia <b>Chi hội Khu phố 3</b>." in texts(replies)
    await newcomer.send("Lê Văn Bình")
    await newcomer.send("Bỏ qua")
    assert "Yêu cầu gia nhập mới" in texts(lead.inbox())
    member = await active_member(bot.services, 2002)
    assert member is not None and member.status is MemberStatus.PENDING


async def test_a_forged_invitation_link_still_lets_the_person_register(bot: BotUnderTest) -> None:
    newcomer = bot.person(2003, "Cúc")
    replies = await newcomer.send("/start inv_doesnotexist")
    assert "Đường link mời không hợp lệ." in texts(replies)
    assert "Phường 1" in replies[-1].buttons


async def test_a_cadre_cannot_create_invitations(bot: BotUnderTest) -> None:
    cadre = await bot.member(4001, "Phạm Thị Thu", Role.CADRE, ward="Phường 3")
    assert "Chỉ lãnh đạo hội phường và cán bộ tổ chức mới được tạo lời mời." in texts(
        await cadre.send("/invite")
    )


async def test_an_admin_makes_a_cadre_ward_lead_in_chat(bot: BotUnderTest) -> None:
    admin = await bot.member(4002, "Võ Văn Tám", Role.ADMIN)
    await bot.member(4001, "Phạm Thị Thu", Role.CADRE, ward="Phường 3")
    await admin.send("/role thu")
    await admin.press("Phạm Thị Thu")
    replies = await admin.press("Lãnh đạo hội phường")
    assert "Phạm Thị Thu giờ là: Lãnh đạo hội phường." in texts(replies)
    member = await active_member(bot.services, 4001)
    assert member is not None and member.role is Role.WARD_LEAD


async def test_only_admins_change_roles_even_with_an_old_button(bot: BotUnderTest) -> None:
    admin = await bot.member(4002, "Võ Văn Tám", Role.ADMIN)
    cadre = await bot.member(4001, "Phạm Thị Thu", Role.CADRE, ward="Phường 3")
    assert "Chỉ quản trị viên mới được đổi vai trò." in texts(await cadre.send("/role tam"))
    await admin.send("/role thu")
    message_id, data = admin.find_button("Phạm Thị Thu")
    await cadre.press_data(message_id, data, in_chat_of=admin)
    assert "Nút này không còn hiệu lực." in admin.toasts()
    member = await active_member(bot.services, 4001)
    assert member is not None and member.role is Role.CADRE


async def test_pending_lists_the_requests_a_lead_may_decide(bot: BotUnderTest) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    for user_id, ward, name in ((2001, "Phường 5", "Đỗ Thị Năm"), (2002, "Phường 6", "Đỗ Văn Sáu")):
        person = bot.person(user_id, "Người")
        await person.send("/start")
        await person.press(ward)
        await person.press("Chi hội Khu phố 1")
        await person.send(name)
        await person.send("Bỏ qua")
    listing = texts(await lead.send("/pending"))
    assert "Đỗ Thị Năm" in listing and "Đỗ Văn Sáu" not in listing
    await lead.press("Duyệt")
    assert "Đăng ký của anh/chị đã được duyệt" in texts(bot.person(2001, "Người").inbox())


async def test_on_a_channel_without_links_the_invitation_is_a_code_to_send_the_bot(bot: BotUnderTest) -> None:
    services = bot.services
    lead = await services.members.identify("zalo", "z-3001", chat_id="z-3001", display_name="Minh")
    ward = next(w for w in await services.org.wards() if w.name == "Phường 5")
    await services.member_store.update(
        lead.id,
        now=bot.clock.now(),
        actor_id=None,
        action="test_setup",
        full_name="Trần Văn Minh",
        role=Role.WARD_LEAD,
        status=MemberStatus.ACTIVE,
        ward_id=ward.id,
    )
    assert bot.runtime is not None and bot.runtime.channel_info("zalo").deep_link("inv_x") is None
    sender = Sender("zalo", "z-3001", "z-3001", "Minh")

    [question] = await bot.runtime.handle(Input(sender, Command("invite")))
    assert isinstance(question, ReplyOut)
    chapter = next(c.token for row in question.choices for c in row if c.label == "Chi hội Khu phố 3")
    outputs = await bot.runtime.handle(Input(sender, Chose(chapter)))

    [invitation] = [o for o in outputs if isinstance(o, ReplyOut)]
    assert invitation.attachment is None
    assert "Lời mời vào <b>Chi hội Khu phố 3</b> (Phường 5)" in invitation.text
    code = invitation.text.split("<code>/start ")[1].split("</code>")[0]
    newcomer = bot.person(2002, "Bình")
    assert "Anh/chị được mời tham gia <b>Chi hội Khu phố 3</b>." in texts(
        await newcomer.send(f"/start {code}")
    )


def test_buttons_sent_before_the_upgrade_keep_their_meaning() -> None:
    from bot.conversation.tokens import Token
    from handlers.approvals import InviteChapter, InviteWard, JoinDecision, RoleMember, RoleSet

    assert Token.parse("v1:join:a:12") == JoinDecision("a", 12)
    assert Token.parse("v1:join:r:12") == JoinDecision("r", 12)
    assert Token.parse("v1:inv:w:5") == InviteWard(5)
    assert Token.parse("v1:inv:c:51") == InviteChapter(51)
    assert Token.parse("v1:role:m:12:-") == RoleMember(12)
    assert Token.parse("v1:role:s:12:ward_lead") == RoleSet(12, Role.WARD_LEAD)
    assert JoinDecision("a", 12).encode() == "v1:join:a:12"
    assert RoleMember(12).encode() == "v1:role:m:12:-"
