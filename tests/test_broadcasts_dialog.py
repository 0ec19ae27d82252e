"""An organiser sends the training calendar to the right people and sees who received it."""

from __future__ import annotations

import asyncio

from bot.core.models import Role
from handlers.broadcasts.sending import progress_settled
from tests.harness import TOKEN, BotUnderTest, active_member, texts


async def setup_people(bot: BotUnderTest):
    organiser = await bot.member(4001, "Phạm Thu Hà", Role.ORGANISER, ward="Phường 1")
    lan = await bot.member(4002, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    binh = await bot.member(4003, "Trần Văn Bình", Role.CADRE, ward="Phường 6")
    lead5 = await bot.member(4004, "Lê Văn Tâm", Role.WARD_LEAD, ward="Phường 5")
    return organiser, lan, binh, lead5


CALENDAR = "Lịch tập huấn tháng 12: thứ Bảy 8h tại Nhà văn hoá"
FROM_HA = "✉️ Từ <b>Phạm Thu Hà</b> (Cán bộ tổ chức, Hội Khuyến học Quận 10)\n\n"
"""The line above every broadcast the organiser sends, as recipients see it."""


def body(text: str) -> str:
    """A broadcast as received, without the line naming its sender above it."""
    return text.split("\n\n", 1)[1] if text.startswith("✉️ ") else text


BOLD_TITLE = [{"type": "bold", "offset": 0, "length": len("Lịch tập huấn")}]


async def send_formatted(person, text: str, entities: list[dict]):
    """The cadre types text with bold/italic parts (the emulator's public send_text has no entities)."""
    return await person._act(lambda: _inject(person, {"text": text, "entities": entities}))


async def _inject(person, content: dict) -> None:
    person.bot.emu._user_message(TOKEN, person.user, None, content)


async def drain(bot: BotUnderTest) -> None:
    """Wait until every queued message is out, including those paced for a chat that just got one."""
    for _ in range(300):
        await bot.settle()
        busy = await progress_settled(bot.runtime)
        if not busy and not await bot.services.outbox.pending_count():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the outbox did not drain")


def report_in(person, broadcast_id: int) -> str:
    """The progress message of a broadcast as it stands now (it is edited in place)."""
    marker = f"Thông báo #{broadcast_id}"
    return next(
        m.get("text", "")
        for m in reversed(person.history())
        if m["from_bot"] and marker in m.get("text", "") and m.get("text", "").startswith("📣")
    )


async def compose(person, text: str = CALENDAR, entities: list[dict] | None = None) -> None:
    replies = await person.send("/broadcast")
    assert "Hãy gửi nội dung cần thông báo" in texts(replies)
    if entities is None and text == CALENDAR:
        entities = BOLD_TITLE
    replies = await (send_formatted(person, text, entities) if entities else person.send(text))
    assert "Đính kèm ảnh hoặc tài liệu?" in texts(replies)
    replies = await person.press("Không đính kèm")
    assert "Ai sẽ nhận thông báo?" in texts(replies)


async def test_an_organiser_previews_then_sends_to_everyone_and_gets_a_report(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await compose(organiser)

    replies = await organiser.press("Tất cả")

    preview = replies[0]
    assert preview.text == FROM_HA + "<b>Lịch tập huấn</b> tháng 12: thứ Bảy 8h tại Nhà văn hoá"
    assert preview.buttons == ["✅ Đã nhận"]
    assert "Số người nhận: 4" in texts(replies)
    assert lan.inbox() == []

    replies = await organiser.press("Xác nhận và gửi")
    assert "Thông báo #1 đang được gửi" in texts(replies)
    await drain(bot)

    for person in (lan, binh, lead5):
        received = person.inbox()
        assert [r.text for r in received] == [
            FROM_HA + "<b>Lịch tập huấn</b> tháng 12: thứ Bảy 8h tại Nhà văn hoá"
        ]
        assert received[0].buttons == ["✅ Đã nhận"]
    report = report_in(organiser, 1)
    assert "Thông báo #1 đã gửi xong" in report
    assert "Đã gửi: 4 / 4" in report


async def test_recipients_acknowledge_and_the_organiser_resends_to_the_others(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await compose(organiser)
    await organiser.press("Tất cả")
    await organiser.press("Xác nhận và gửi")
    await drain(bot)
    for person in (lan, binh, lead5):
        person.inbox()

    await lan.press("Đã nhận")
    assert "Cảm ơn, đã ghi nhận anh/chị đã nhận thông báo." in lan.toasts()
    await lan.press("Đã nhận")
    assert "Anh/chị đã xác nhận thông báo này rồi." in lan.toasts()

    replies = await organiser.press("Ai đã nhận")
    assert "Đã nhận: 1" in texts(replies) and "Nguyễn Thị Lan" in texts(replies)
    assert "Chưa nhận: 3" in texts(replies) and "Trần Văn Bình" in texts(replies)

    organiser.inbox()
    await organiser.press("Gửi lại cho người chưa nhận")
    await drain(bot)
    assert lan.inbox() == []
    assert len(binh.inbox()) == 1 and len(lead5.inbox()) == 1

    await binh.press("Đã nhận")
    acks = await bot.services.broadcasts.acknowledgements(await bot.services.member_store.get(1), 1)
    assert {name for name, _ in acks.acked} == {"Nguyễn Thị Lan", "Trần Văn Bình"}


async def test_a_ward_lead_reaches_only_their_own_ward(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await compose(lead5, "Họp chi hội tối thứ Sáu")

    replies = await lead5.press("Mọi người trong phường tôi")
    assert "Số người nhận: 2" in texts(replies)
    await lead5.press("Xác nhận và gửi")
    await drain(bot)

    assert [r.text for r in lan.inbox()] == [
        "✉️ Từ <b>Lê Văn Tâm</b> (Lãnh đạo hội phường, Phường 5)\n\nHọp chi hội tối thứ Sáu"
    ]
    assert binh.inbox() == [] and organiser.inbox() == []


async def test_a_ward_lead_chooses_among_their_own_wards_chapters(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await compose(lead5, "Họp")
    await lead5.press("Một số chi hội")
    ward5 = next(w.id for w in await bot.services.org.wards() if w.name == "Phường 5")
    chapters = [c.name for c in await bot.services.org.chapters(ward5)]
    assert [b for b in lead5.all_buttons() if b.startswith("Chi hội")] == chapters
    await lead5.press("Chi hội Khu phố 2")
    replies = await lead5.press("Xong")
    assert "Số người nhận: 1" in texts(replies)


async def test_a_cadre_cannot_broadcast(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    replies = await lan.send("/broadcast")
    assert "Chỉ cán bộ tổ chức, quản trị viên và lãnh đạo hội phường mới được gửi thông báo." in texts(
        replies
    )


async def test_an_organiser_sends_a_document_to_chosen_roles(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await organiser.send("/broadcast")
    pdf = b"%PDF-1.4 lich tap huan"
    await bot.emu.send_document(TOKEN, organiser.user, pdf, "lich-thang-12.pdf")
    await bot.channel.wait_processed(bot.emu.bot_state(TOKEN).next_update_id - 1)
    await drain(bot)
    await organiser.press("Một số chức danh")
    await organiser.press("Lãnh đạo hội phường")
    replies = await organiser.press("Xong")
    assert "Số người nhận: 1" in texts(replies)
    await organiser.press("Xác nhận và gửi")
    await drain(bot)

    received = lead5.history()[-1]
    assert received["file"]["data"] == pdf and received["file"]["file_name"] == "lich-thang-12.pdf"
    assert lan.inbox() == []


async def test_a_scheduled_broadcast_waits_and_can_be_cancelled(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await compose(organiser, "Nhắc nộp báo cáo")
    await organiser.press("Tất cả")
    replies = await organiser.press("Hẹn giờ gửi")
    assert "Khi nào gửi?" in texts(replies)
    replies = await organiser.send("23/11 7h")
    assert "Thời điểm đó đã qua" in texts(replies)
    replies = await organiser.send("mai 8h")
    assert "Thông báo #1 sẽ được gửi lúc" in texts(replies)

    await bot.advance(hours=12)
    assert lan.inbox() == []
    await bot.advance(hours=12)
    assert [r.text for r in lan.inbox()] == [FROM_HA + "Nhắc nộp báo cáo"]

    await compose(organiser, "Thông báo thứ hai")
    await organiser.press("Tất cả")
    await organiser.press("Hẹn giờ gửi")
    await organiser.send("mai 8h")
    replies = await organiser.press("Hủy thông báo này")
    assert "Thông báo #2 đã được hủy" in texts(replies)
    await bot.advance(days=2)
    assert lan.inbox() == []


async def test_blocked_members_are_listed_for_their_ward_lead_to_call(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await bot.services.member_store.update(
        2, now=bot.clock.now(), actor_id=None, action="test_setup", phone="+84903123456"
    )
    bot.emu.block(TOKEN, lan.chat_id)
    await compose(organiser)
    await organiser.press("Tất cả")
    await organiser.press("Xác nhận và gửi")
    await drain(bot)

    report = report_in(organiser, 1)
    assert "Không liên lạc được (đã chặn bot hoặc chưa từng nhắn cho bot): 1" in report
    assert "Nguyễn Thị Lan – Phường 5 – +84903123456" in report
    assert "Nguyễn Thị Lan" in texts(lead5.inbox())

    await compose(organiser, "Lần hai")
    replies = await organiser.press("Tất cả")
    assert "Số người nhận: 3" in texts(replies)
    assert "1 người khác đã chặn bot" in texts(replies)


async def test_the_invitees_of_a_seminar_can_be_the_audience(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await compose(organiser)
    replies = await organiser.press("Khách mời một tọa đàm")
    assert "Hiện chưa có mục nào để chọn." in organiser.toasts()
    stamp = "2026-12-01T01:00:00+00:00"
    async with bot.services.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO seminars (id, topic, host, starts_at, ends_at, venue, created_by, created_at, "
            "updated_at) VALUES (7, 'Tọa đàm phương pháp học', 'TS. An', ?, ?, 'Hội trường', 1, ?, ?)",
            (stamp, stamp, stamp, stamp),
        )
        await conn.execute(
            "INSERT INTO seminar_invitees (seminar_id, member_id, rsvp, invited_at) "
            "VALUES (7, 3, 'pending', ?)",
            (stamp,),
        )
    replies = await organiser.press("Khách mời một tọa đàm")
    assert "Tọa đàm phương pháp học" in replies[-1].buttons
    replies = await organiser.press("Tọa đàm phương pháp học")
    assert "Số người nhận: 1" in texts(replies)
    await organiser.press("Xác nhận và gửi")
    await drain(bot)
    assert len(binh.inbox()) == 1 and lan.inbox() == []


async def test_a_message_the_api_refuses_is_reported_as_failed_with_the_name(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await compose(organiser)
    await organiser.press("Tất cả")
    bot.emu.inject_fault(
        TOKEN, "sendMessage", chat_id=binh.chat_id, error_code=400, description="Bad Request: chat not found"
    )
    await organiser.press("Xác nhận và gửi")
    await drain(bot)

    report = report_in(organiser, 1)
    assert "Đã gửi: 3 / 4" in report and "Gửi lỗi: 1" in report
    assert "Không gửi được:\n• Trần Văn Bình – Phường 6" in report


async def test_a_photo_with_its_caption_reaches_every_recipient(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await organiser.send("/broadcast")
    photo = b"\x89PNG\r\n\x1a\n lich tap huan"
    replies = await organiser.send_photo(photo, caption="Lịch tập huấn tháng 12")
    assert "Ai sẽ nhận thông báo?" in texts(replies)
    replies = await organiser.press("Tất cả")
    assert replies[0].method == "sendPhoto" and replies[0].text == FROM_HA + "Lịch tập huấn tháng 12"
    await organiser.press("Xác nhận và gửi")
    await drain(bot)

    for person in (lan, binh, lead5):
        received = person.history()[-1]
        assert body(received["caption"]) == "Lịch tập huấn tháng 12" and received["file"]["data"] == photo
    uploads = [
        c for c in bot.emu.calls(TOKEN, "sendPhoto", ok=True) if not isinstance(c.params.get("photo"), str)
    ]
    assert len(uploads) == 2, "the preview, then one upload whose file id serves every recipient"


async def test_organisers_and_ward_leads_have_a_broadcast_button_cadres_do_not(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    for person in (organiser, lan, lead5):
        await person.send("/start")
    assert "📣 Gửi thông báo" in organiser.menu() and "📣 Gửi thông báo" in lead5.menu()
    assert "📣 Gửi thông báo" not in lan.menu()
    replies = await organiser.send("📣 Gửi thông báo")
    assert "Hãy gửi nội dung cần thông báo" in texts(replies)
    replies = await organiser.send("/cancel")
    assert "Đã hủy: chưa gửi cho ai." in texts(replies)


async def test_a_scheduled_broadcast_is_not_sent_if_its_sender_lost_the_right_meanwhile(
    bot: BotUnderTest,
) -> None:
    organiser, lan, _binh, _lead5 = await setup_people(bot)
    await compose(organiser, "Nhắc nộp báo cáo")
    await organiser.press("Tất cả")
    await organiser.press("Hẹn giờ gửi")
    await organiser.send("mai 8h")
    sender = await active_member(bot.services, organiser.chat_id)
    assert sender is not None
    await bot.services.member_store.update(
        sender.id, now=bot.clock.now(), actor_id=None, action="test_setup", role=Role.CADRE
    )
    organiser.inbox()

    await bot.advance(days=1)
    assert lan.inbox() == []
    assert "Thông báo #1 không được gửi" in texts(organiser.inbox())
