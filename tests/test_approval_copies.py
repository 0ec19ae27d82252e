"""Several approvers receive the same join request: once one decides, every copy says so."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.conversation.markup import to_plain
from bot.conversation.replies import Reply
from bot.core.models import MemberStatus, Role
from bot.core.notices import OutgoingMessage
from tests.harness import ZALO_TOKEN, BotUnderTest, Person, active_member, plain, texts
from tests.test_onboarding import register_in_ward_five

pytestmark = pytest.mark.channels("transcript", "telegram", "zalo")


async def two_approvers_and_a_request(bot: BotUnderTest) -> tuple[Person, Person]:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    organiser = await bot.member(3005, "Đỗ Thu Hà", Role.ORGANISER)
    await register_in_ward_five(bot, 2001, "Nguyễn Thị Lan")
    assert "Nguyễn Thị Lan" in texts(lead.inbox()) and "Nguyễn Thị Lan" in texts(organiser.inbox())
    return lead, organiser


def card_of(person: Person, name: str) -> str:
    """What the person's chat shows now about this request (the last message naming the person)."""
    said = [m.get("text") or "" for m in person.history() if name in (m.get("text") or "")]
    assert said, f"nothing about {name} in the chat"
    return said[-1]


async def test_when_one_approver_approves_the_other_approvers_copy_says_who_approved(
    bot: BotUnderTest,
) -> None:
    lead, organiser = await two_approvers_and_a_request(bot)

    await lead.press("Duyệt")
    await bot.settle()

    card = card_of(organiser, "Nguyễn Thị Lan")
    assert "Đã được Trần Văn Minh duyệt" in card
    if bot.primary != "zalo":  # the copy itself was edited: its buttons are gone
        assert len([m for m in organiser.history() if "Nguyễn Thị Lan" in (m.get("text") or "")]) == 1
        assert "✅ Duyệt" not in organiser.all_buttons()


async def test_when_one_approver_rejects_the_other_approvers_copy_says_so(bot: BotUnderTest) -> None:
    lead, organiser = await two_approvers_and_a_request(bot)

    await organiser.press("Từ chối")
    await bot.settle()

    assert "Không được duyệt (người quyết định: Đỗ Thu Hà)" in card_of(lead, "Nguyễn Thị Lan")
    member = await active_member(bot.services, 2001, bot.primary)
    assert member is not None and member.status is MemberStatus.REJECTED


async def test_an_old_button_on_another_copy_answers_already_handled_and_changes_nothing(
    bot: BotUnderTest,
) -> None:
    lead, organiser = await two_approvers_and_a_request(bot)
    await organiser.send("/pending")  # a second copy, with its own buttons
    if bot.primary == "zalo":
        await lead.press("Duyệt")
        replies = await organiser.send("2")  # "2. ❌ Từ chối" in the list the organiser received
    else:
        message_id, reject = organiser.find_button("Từ chối")
        await lead.press("Duyệt")
        replies = await organiser.press_data(message_id, reject)

    said = plain(replies) + "\n".join(organiser.toasts())
    assert "Yêu cầu này đã được xử lý." in said
    assert "Đã được Trần Văn Minh duyệt" in plain(replies)
    member = await active_member(bot.services, 2001, bot.primary)
    assert member is not None and member.status is MemberStatus.ACTIVE
    welcomes = [m for m in bot.person(2001, "Lan").history() if "đã được duyệt" in (m.get("text") or "")]
    assert len(welcomes) == 1


async def test_a_notice_replaced_before_it_went_out_is_never_sent(bot: BotUnderTest) -> None:
    organiser = await bot.member(3005, "Đỗ Thu Hà", Role.ORGANISER)
    member = await active_member(bot.services, 3005, bot.primary)
    assert member is not None
    recipient = await bot.services.notices.recipient(member.id)
    assert recipient is not None
    later = bot.clock.now() + timedelta(hours=1)
    await bot.services.notices.queue(
        "join:test",
        [
            OutgoingMessage.to(recipient, "copy", Reply("Yêu cầu mới: Phan Văn Tư"), not_before=later),
            OutgoingMessage.to(recipient, "copy:decided", Reply("✅ Đã duyệt: Phan Văn Tư"), replaces="copy"),
        ],
    )
    await bot.settle()
    await bot.advance(hours=2)

    assert "Phan Văn Tư" not in texts(organiser.inbox())
    statuses = {r["status"] for r in await bot.services.outbox.rows("join:test")}
    assert statuses == {"cancelled"}


async def test_the_deciding_approvers_own_card_never_shows_formatting_as_tags(bot: BotUnderTest) -> None:
    lead, _ = await two_approvers_and_a_request(bot)

    await lead.press("Duyệt")

    card = card_of(lead, "Đã được Trần Văn Minh duyệt")
    shown = to_plain(card) if bot.primary == "transcript" else card  # the transcript keeps neutral markup
    assert shown.startswith("Yêu cầu gia nhập mới\nNguyễn Thị Lan")
    assert "<" not in shown and ">" not in shown


async def test_a_person_granted_a_role_before_ever_writing_is_shown_by_name_once_they_write(
    bot: BotUnderTest,
) -> None:
    await bot.services.members.grant(bot.account(3009), Role.ORGANISER, channel=bot.primary)
    granted = await active_member(bot.services, 3009, bot.primary)
    assert granted is not None and granted.full_name.startswith("#")
    ha = bot.person(3009, "Hà", "Đỗ Thu")
    if bot.zalo is not None:
        bot.zalo.add_user(ZALO_TOKEN, ha.zalo_user)  # type: ignore[attr-defined]

    await register_in_ward_five(bot, 2001, "Nguyễn Thị Lan")
    await ha.send("/pending")  # the first message Hà writes to the bot
    await ha.press("Duyệt")

    member = await active_member(bot.services, 3009, bot.primary)
    assert member is not None and not member.full_name.startswith("#")
    assert "Đã được" in card_of(ha, "Nguyễn Thị Lan") and "#" not in card_of(ha, "Nguyễn Thị Lan")
