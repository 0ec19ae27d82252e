"""Forged and stale buttons, a member flooding the bot, and personal data kept where it belongs."""

from __future__ import annotations

import logging

import pytest

from bot.core.models import MemberStatus, Role
from tests.harness import TOKEN, BotUnderTest, Person, active_member, texts
from tests.proof_helpers import OTHER_WARD, WARD, apologies, cast, forge_press, make_pending, member_id

STALE = "This button is no longer valid."


async def audit_rows(bot: BotUnderTest) -> int:
    return await bot.services.db.fetch_value("SELECT COUNT(*) FROM audit_log")


def stale_text(bot: BotUnderTest) -> str:
    return bot.services.i18n.translator("vi").gettext(STALE)


async def register(
    bot: BotUnderTest, person: Person, name: str, phone: str | None, *, ward: str = WARD
) -> None:
    """The whole registration dialog, as the person types it."""
    await person.send("/start")
    await person.press(ward)
    await person.press("Chi hội Khu phố 2")
    await person.send(name)
    if phone:
        await person.share_contact(phone)
    else:
        await person.send("Bỏ qua")


# --- forged and stale buttons -------------------------------------------------------------------------


async def test_a_lead_who_edits_the_id_in_an_approve_button_cannot_approve_someone_of_another_ward(
    bot: BotUnderTest,
) -> None:
    people = await cast(bot)
    elsewhere = await make_pending(bot, 7301, "Ngô Văn Khác", ward=OTHER_WARD)
    target = await member_id(bot, elsewhere)
    before = await audit_rows(bot)

    await forge_press(bot, people["ward_lead"], f"v1:join:a:{target}")

    assert (
        "Chỉ lãnh đạo hội phường đó và cán bộ tổ chức mới được duyệt yêu cầu này."
        in people["ward_lead"].toasts()
    )
    assert (await bot.services.members.get(target)).status is MemberStatus.PENDING
    assert await audit_rows(bot) == before


async def test_a_cadre_pressing_the_leads_approve_button_changes_nothing(bot: BotUnderTest) -> None:
    people = await cast(bot)
    lan = bot.person(7302, "Lan")
    await register(bot, lan, "Nguyễn Thị Lan", None)
    message_id, data = people["ward_lead"].find_button("Duyệt")
    before = await audit_rows(bot)

    await people["cadre"].press_data(message_id, data, in_chat_of=people["ward_lead"])

    assert (await active_member(bot.services, 7302)).status is MemberStatus.PENDING
    assert await audit_rows(bot) == before
    assert apologies(bot) == []


TAMPERED = (
    "v0:join:a:{id}",  # an older version's button
    "v2:join:a:{id}",  # a newer version's button
    "join:a:{id}",  # no version
    "v1:join:a:{id}:1",  # one part too many
    "v1:join:x:{id}",  # an unknown verb
    "v1:join:a:-{id}",  # a negative id
    "v1:join:a:{id}0000000000",  # an id nobody has
    "v1:join:a:1e3",  # not a number
    "v1:join:a:{id}" + ":x" * 30,  # longer than Telegram's 64 bytes
    "v1:nosuchfeature:1",  # a feature that does not exist
    "",  # empty
)


async def test_tampered_button_data_is_refused_politely_without_effect(bot: BotUnderTest) -> None:
    people = await cast(bot)
    lan = await make_pending(bot, 7303, "Nguyễn Thị Lan")
    target = await member_id(bot, lan)
    before = await audit_rows(bot)
    admin = people["admin"]

    for data in TAMPERED:
        toasts = len(admin.toasts())
        await forge_press(bot, admin, data.format(id=target))
        assert admin.toasts()[toasts:] == [stale_text(bot)], data

    assert (await bot.services.members.get(target)).status is MemberStatus.PENDING
    assert await audit_rows(bot) == before
    assert apologies(bot) == []


async def test_an_approve_button_pressed_again_later_does_not_decide_twice(bot: BotUnderTest) -> None:
    people = await cast(bot)
    lan = bot.person(7304, "Lan")
    await register(bot, lan, "Nguyễn Thị Lan", None)
    await people["ward_lead"].send("/pending")  # a copy that is not edited when the organiser decides
    message_id, data = people["ward_lead"].find_button("Từ chối")
    await people["organiser"].press("Duyệt")
    decided = await audit_rows(bot)

    await people["ward_lead"].press_data(message_id, data)

    member = await active_member(bot.services, 7304)
    assert member.status is MemberStatus.ACTIVE
    assert await audit_rows(bot) == decided
    assert "Đăng ký của anh/chị đã được duyệt" in texts(lan.inbox())
    assert lan.inbox() == []


async def test_a_button_pressed_by_someone_unknown_on_a_forwarded_message_changes_nothing(
    bot: BotUnderTest,
) -> None:
    people = await cast(bot)
    lan = bot.person(7305, "Lan")
    await register(bot, lan, "Nguyễn Thị Lan", None)
    message_id, data = people["ward_lead"].find_button("Duyệt")

    await people["stranger"].press_data(message_id, data, in_chat_of=people["ward_lead"])

    assert (await active_member(bot.services, 7305)).status is MemberStatus.PENDING
    assert apologies(bot) == []


# --- one member flooding the bot ----------------------------------------------------------------------


async def test_one_member_flooding_the_bot_does_not_hold_up_the_others(bot: BotUnderTest) -> None:
    flooder = await bot.member(7401, "Phan Văn Nhiều", Role.CADRE, ward=WARD)
    other = await bot.member(7402, "Đinh Thị Khác", Role.CADRE, ward=WARD)
    flood = 200
    await bot.emu.send_texts(TOKEN, [(flooder.user, f"tin nhắn số {n}") for n in range(flood)])

    replies = await other.send("/help")

    flood_answered = len(bot.emu.calls(TOKEN, "sendMessage", flooder.chat_id))
    assert "/me" in texts(replies)
    assert flood_answered < flood, "the other member waited until the whole flood was answered"
    answered = await bot.emu.wait_for(
        TOKEN, method="sendMessage", chat_id=flooder.chat_id, count=flood, timeout=120
    )
    assert len(answered) == flood
    assert apologies(bot) == []


async def test_each_members_messages_are_answered_in_the_order_they_were_sent_while_others_talk_too(
    bot: BotUnderTest,
) -> None:
    people = [await bot.member(7410 + n, f"Cán Bộ Số {n}", Role.CADRE, ward=WARD) for n in range(5)]
    sequence = ["/me", "/help", "xin chào", "/start"] * 5
    await bot.emu.send_texts(TOKEN, [(p.user, text) for text in sequence for p in people])

    t = bot.services.i18n.translator("vi")
    role_line = t.gettext("Role: {role}").split("{")[0]
    welcome = t.gettext("Welcome back, {name}! Choose an action below or type your question.").split("}")[-1]
    for person in people:
        calls = await bot.emu.wait_for(
            TOKEN, method="sendMessage", chat_id=person.chat_id, count=len(sequence), timeout=60
        )
        kinds = [
            "me"
            if role_line in c.params["text"]
            else "help"
            if "/me —" in c.params["text"]
            else "welcome"
            if welcome in c.params["text"]
            else "fallback"
            for c in calls
        ]
        assert kinds == ["me", "help", "fallback", "welcome"] * 5, (person.user.first_name, kinds)


# --- personal data --------------------------------------------------------------------------------------

NAME = "Nguyễn Thị Lan"
PHONE_FORMS = ("0903123456", "0903 123 456", "903123456", "+84903123456", "84903123456")


def leaks(text: str) -> list[str]:
    flat = text.replace(" ", "").replace(".", "")
    found = [form for form in PHONE_FORMS if form.replace(" ", "") in flat]
    for form in (NAME, "nguyen thi lan", "Nguyen Thi Lan"):
        if form in text:
            found.append(form)
    return found


async def test_names_and_phone_numbers_never_reach_the_logs_at_the_default_level(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # as `python -m bot run` configures it
    people = await cast(bot)
    lan = bot.person(7501, "Lan", "Nguyễn")
    await register(bot, lan, NAME, "0903 123 456")
    await people["ward_lead"].send("/pending")
    await people["ward_lead"].press("Duyệt")
    await lan.send("/me")
    await lan.send("Tôi là Nguyễn Thị Lan, số 0903 123 456")
    await people["admin"].send("/role Lan")
    await bot.restart()
    await lan.send("/me")

    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert caplog.records, "nothing was logged at all: the check would be empty"
    assert leaks(logged) == [], logged
    assert TOKEN.split(":")[1] not in logged


async def test_phone_numbers_are_shown_only_to_the_member_their_ward_leads_organisers_and_admins(
    bot: BotUnderTest,
) -> None:
    people = await cast(bot)
    lan = bot.person(7601, "Lan", "Nguyễn")
    await register(bot, lan, NAME, "0903 123 456")
    for person in people.values():
        await person.send("/pending")
        await person.send("/me")
        await person.send("/help")
        await person.send("/role Lan")
        await person.send("Nguyễn Thị Lan 0903123456?")
    await people["ward_lead"].press("Duyệt")

    for role, person in people.items():
        seen = "\n".join(m.get("text") or m.get("caption") or "" for m in person.history() if m["from_bot"])
        may_see = role in ("ward_lead", "organiser", "admin")
        assert bool([f for f in leaks(seen) if f[0] in "+0123456789"]) is may_see, (role, seen[-500:])
    assert "+84903123456" in texts([r for r in await lan.send("/me")])
