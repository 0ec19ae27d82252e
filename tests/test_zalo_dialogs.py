"""On Zalo: what a person who only has Zalo does, and what the platform's limits change.

Zalo has no buttons, no files and no edits: choices are numbered lists answered by the number or the words,
files are short-lived signed links, and a message holds at most 2,000 characters.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.channels.zalo.render import render, zalo_length
from bot.conversation.replies import Choice, Reply, rows
from bot.conversation.tokens import Token, token
from bot.core.models import Role
from bot.emulator.zalo import SECRET_HEADER
from tests.harness import ZALO_TOKEN, BotUnderTest, active_member, texts, zalo_id

pytestmark = pytest.mark.channels("zalo")


async def test_a_person_with_only_zalo_registers_by_typing_numbers_and_is_approved(bot: BotUnderTest) -> None:
    lead = await bot.member(3001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 5")
    lan = bot.person(7001, "Lan")
    replies = await lan.send("start")
    assert "1. Phường 1" in texts(replies) and "gõ số" in texts(replies)
    await lan.send("5")
    replies = await lan.press("Chi hội Khu phố 2")
    assert "họ và tên" in texts(replies).lower()
    await lan.send("Nguyễn Thị Lan")
    replies = await lan.send("0912 345 678")
    assert "đã được gửi" in texts(replies)

    request = [r for r in lead.inbox() if "Nguyễn Thị Lan" in r.text]
    assert request and "1. " in request[-1].text
    await lead.press("Duyệt")
    member = await active_member(bot.services, 7001, "zalo")
    assert member is not None and member.is_active and member.role is Role.CADRE
    assert any("chấp nhận" in r.text or "duyệt" in r.text.lower() for r in lan.inbox())


async def test_commands_work_without_the_slash_and_without_diacritics(bot: BotUnderTest) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    for typed in ("/report", "report", "bao cao hoi vien moi", "Báo cáo hội viên mới"):
        replies = await lan.send(typed)
        assert "có thêm bao nhiêu hội viên mới" in texts(replies), typed
        await lan.send("/cancel")


async def test_a_number_for_a_list_that_was_replaced_is_never_a_wrong_action(bot: BotUnderTest) -> None:
    lan = bot.person(7002, "Lan")
    await lan.send("/start")
    await lan.send("/language")
    replies = await lan.send("9")  # beyond the list on screen: it chooses nothing
    assert replies and "Phường 9" not in texts(replies)
    member = await active_member(bot.services, 7002, "zalo")
    assert member is not None and member.ward_id is None and member.locale == "vi"


async def test_a_bare_number_with_no_list_open_is_not_a_question(bot: BotUnderTest) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await lan.send("Thông tư 44 là gì")
    replies = await lan.send("20")
    assert "không ứng với lựa chọn nào" in texts(replies)
    assert "Điều 20" not in texts(replies)


@token("zt:long")
class LongPress(Token):
    pass


def test_a_long_text_is_split_at_line_breaks_in_order_and_every_part_fits() -> None:
    from bot.i18n import I18n

    t = I18n.load().translator("vi")
    lines = [f"Dòng {n}: Chi hội Khu phố {n} đã báo cáo đúng hạn 😀" for n in range(200)]
    rendered = render([Reply("\n".join(lines), rows([Choice("Xem thêm", LongPress())]))], t)
    assert len(rendered.messages) > 1
    assert all(zalo_length(m.text) <= 2000 for m in rendered.messages)
    joined = "\n".join(m.text for m in rendered.messages)
    assert (
        joined.index("Dòng 10:") < joined.index("Dòng 150:") and "1. Xem thêm" in rendered.messages[-1].text
    )
    assert "<" not in joined


async def test_the_report_workbook_is_a_signed_link_that_works_and_refuses_tampering(
    bot: BotUnderTest,
) -> None:
    hoa = await bot.member(5001, "Lê Thị Hoa", Role.ORGANISER)
    replies = await hoa.send("/report_export")
    link = next(word for r in replies for word in r.text.split() if word.startswith("http://127.0.0.1"))
    async with aiohttp.ClientSession() as http:
        async with http.get(link) as response:
            assert response.status == 200
            assert (await response.read())[:2] == b"PK"  # an .xlsx is a zip file
        async with http.get(link.replace("/files/", "/files/x")) as response:
            assert response.status == 403
        bot.clock.advance(timedelta(hours=25))  # links last 24 hours
        async with http.get(link) as response:
            assert response.status == 404 and "expired" in await response.text()
    calls = bot.zalo.calls(ZALO_TOKEN)  # type: ignore[union-attr]
    assert {c.method for c in calls} <= {
        "getMe",
        "deleteWebhook",
        "sendMessage",
        "sendPhoto",
        "sendChatAction",
    }


async def test_an_update_delivered_twice_is_handled_once(bot: BotUnderTest) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await lan.send("/report")
    await lan.send("3")
    before = len(lan.history())
    bot.zalo.redeliver(ZALO_TOKEN)  # type: ignore[union-attr]
    await lan._act(lambda: _nothing())
    assert len(lan.history()) == before


async def _nothing() -> None:
    return None


async def test_quota_exceeded_delays_an_answer_and_a_notice_but_loses_neither(bot: BotUnderTest) -> None:
    binh = await bot.member(4002, "Phạm Văn Bình", Role.CADRE, ward="Phường 6", chapter="Chi hội Khu phố 1")
    lead = await bot.member(3002, "Võ Thị Mai", Role.WARD_LEAD, ward="Phường 6")
    await lead.send("/reports")
    assert bot.zalo is not None
    mark = bot.zalo.mark(ZALO_TOKEN)
    bot.zalo.quota_exceeded(ZALO_TOKEN, 2, method="sendMessage")
    answer = await lead.press("Nhắc Chi hội Khu phố 1")
    for _ in range(20):
        if any("nhắc" in (m.get("text") or "") for m in binh.history()):
            break
        await bot.advance(seconds=5)
    refused = [c for c in bot.zalo.bot_state(ZALO_TOKEN).calls[mark:] if c.error_code == 429]
    assert len(refused) == 2
    assert "Chi hội Khu phố 1" in texts(answer)  # the lead's own answer waited, and came
    assert sum("nhắc" in (m.get("text") or "") for m in binh.history()) == 1


@pytest.mark.channels("telegram+zalo")
async def test_one_person_links_zalo_to_their_telegram_profile_with_a_code_from_me(bot: BotUnderTest) -> None:
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    await lan.send("/me")
    replies = await lan.press("ứng dụng khác")
    code = texts(replies).split("/link ")[1][:6]

    on_zalo = bot.zalo_person(9001, "Lan Zalo")
    replies = await on_zalo.send(f"/link {code}")
    assert "Đã liên kết" in texts(replies) and "Nguyễn Thị Lan" in texts(replies)
    member = await bot.services.member_store.find_by_account("zalo", zalo_id(9001))
    assert member is not None and member.role is Role.CADRE and member.channel == "zalo"
    replies = await on_zalo.send("bao cao")
    assert "Chi hội Khu phố 2 (Phường 5)" in texts(replies)

    again = bot.zalo_person(9002, "Người khác")
    assert "không đúng hoặc đã hết hạn" in texts(await again.send(f"/link {code}"))

    replies = await lan.send("/me")  # writing on Telegram makes it the app notices reach her on
    assert "Thông báo gửi tới anh/chị qua: Telegram" in texts(replies)
    replies = await lan.press("Nhận thông báo qua Zalo")
    assert "Zalo" in texts(replies)
    member = await bot.services.member_store.find_by_account("telegram", "4001")
    assert member is not None and member.channel == "zalo"


@pytest.mark.channels("zalo")
async def test_a_webhook_without_the_secret_is_refused_and_with_it_is_handled(
    tmp_path: Path,
) -> None:
    async with BotUnderTest.running(
        tmp_path, channel="zalo", zalo_webhook_secret="s3cret-webhook-value"
    ) as bot:
        hook = bot.zalo.webhook(ZALO_TOKEN)  # type: ignore[union-attr]
        assert hook is not None and hook["secret_token"] == "s3cret-webhook-value"
        update = {"ok": True, "result": {"event_name": "message.text.received", "message": {}}}
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {SECRET_HEADER: "wrong-secret-value"}):
                async with http.post(hook["url"], json=update, headers=headers) as response:
                    assert response.status in (401, 403)
        lan = bot.person(7003, "Lan")
        replies = await lan.send("/start")
        assert "1. Phường 1" in texts(replies)


async def test_a_cadre_checks_in_by_typing_the_command_words_and_the_code(bot: BotUnderTest) -> None:
    from datetime import datetime, timedelta

    from bot.core.attendance import TrainingDraft
    from tests.harness import VN

    await bot.member(5001, "Lê Thị Hoa", Role.ORGANISER)
    lan = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    starts = datetime(2026, 11, 23, 9, 30, tzinfo=VN)
    organiser_member = await active_member(bot.services, 5001, "zalo")
    created = await bot.services.attendance.create(
        organiser_member,
        TrainingDraft("Tập huấn nghiệp vụ", starts, starts + timedelta(hours=2), "Hội trường"),
    )
    assert created.training is not None
    code = await bot.services.attendance.checkin_code(organiser_member, created.training.id)
    assert code.code is not None
    replies = await lan.send(f"diem danh {code.code.lower()}")
    assert "✅ Đã điểm danh" in texts(replies)


@pytest.mark.channels("telegram+zalo")
async def test_a_broadcast_reaches_each_member_once_on_the_app_they_use(bot: BotUnderTest) -> None:
    organiser = await bot.member(5001, "Lê Thị Hoa", Role.ORGANISER)
    on_telegram = await bot.member(4001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5")
    on_zalo = bot.zalo_person(4002, "Minh")
    await on_zalo.send("/start")  # a newcomer on Zalo, made a cadre by the organisers
    member = await bot.services.member_store.find_by_account("zalo", zalo_id(4002))
    assert member is not None
    await bot.services.member_store.update(
        member.id, now=bot.clock.now(), actor_id=None, action="test_setup", role=Role.CADRE, status="active"
    )
    await organiser.send("/broadcast")
    await organiser.send("Họp chi hội thứ Bảy 8h")
    await organiser.press("Không đính kèm")
    await organiser.press("Một số chức danh")
    await organiser.press("Cán bộ chi hội")
    await organiser.press("Xong")
    await organiser.press("Xác nhận và gửi")
    await bot.settle()
    assert sum("Họp chi hội thứ Bảy 8h" in r.text for r in on_telegram.inbox()) == 1
    assert sum("Họp chi hội thứ Bảy 8h" in r.text for r in on_zalo.inbox()) == 1


async def test_a_date_is_typed_on_zalo_where_no_calendar_of_numbers_could_be_misread(
    bot: BotUnderTest,
) -> None:
    organiser = await bot.member(5001, "Lê Thị Hoa", Role.ORGANISER)
    await organiser.send("/training_new")
    replies = await organiser.send("Tập huấn kỹ năng ghi chép")
    assert "15/12 8h30" in texts(replies)
    assert "1. 1\n" not in texts(replies) and "25. 25" not in texts(replies)  # no days listed by number
    replies = await organiser.send("25")  # a day typed alone is a date to read, never line 25 of a list
    assert "Xin gõ theo kiểu: 15/12 8h" in texts(replies)
    replies = await organiser.send("25/11 8h")
    assert "Thứ Tư, 25/11/2026 08:00" in texts(replies)


def test_a_pagers_next_page_is_listed_last_as_zero_and_chosen_by_typing_zero() -> None:
    from bot.channels.zalo.client import ZaloUpdate
    from bot.channels.zalo.inputs import Vocabulary, to_event
    from bot.conversation.inputs import Chose
    from bot.i18n import I18n

    t = I18n.load().translator("vi")
    reply = Reply(
        "Thông báo đã gửi",
        rows([Choice("Thông báo 1", LongPress())], [Choice("Trang sau ▶", PageMore(), more=True)]),
    )
    rendered = render([reply], t)
    assert "1. Thông báo 1" in rendered.messages[0].text and "0. Trang sau ▶" in rendered.messages[0].text
    items = rendered.items
    assert items is not None
    update = ZaloUpdate.__new__(ZaloUpdate)
    for name, value in {"event_name": "message.text.received", "text": "0"}.items():
        object.__setattr__(update, name, value)
    event = to_event(update, items, Vocabulary({}, {}), list_is_current=True)
    assert isinstance(event, Chose) and isinstance(event.token, PageMore)


@token("zt:more")
class PageMore(Token):
    pass


async def test_a_number_typed_after_a_notice_replaced_the_list_gets_the_current_list_not_an_action(
    bot: BotUnderTest,
) -> None:
    binh = await bot.member(4002, "Phạm Văn Bình", Role.CADRE, ward="Phường 6", chapter="Chi hội Khu phố 1")
    lead = await bot.member(3002, "Võ Thị Mai", Role.WARD_LEAD, ward="Phường 6")
    replies = await binh.send("/language")
    assert "2. English" in texts(replies)
    await lead.send("/reports")
    await lead.press("Nhắc Chi hội Khu phố 1")  # a reminder with its own list reaches Bình meanwhile
    assert any("nhắc" in r.text for r in binh.inbox())
    replies = await binh.send("2")
    assert "Danh sách này đã cũ" in texts(replies) and "Báo cáo ngay" in texts(replies)
    member = await bot.services.member_store.find_by_account("zalo", zalo_id(4002))
    assert member is not None and member.locale == "vi"  # "2" did not switch to English


async def test_a_question_without_diacritics_is_answered_in_plain_text(bot: BotUnderTest) -> None:
    lan = bot.person(7009, "Lan")
    replies = await lan.send("thong tu 44 co bao nhieu tieu chi")
    answer = texts(replies)
    assert "15 tiêu chí" in answer
    assert "<b>" not in answer and "&amp;" not in answer and "</" not in answer
    assert all(len(r.text) <= 2000 for r in replies)
