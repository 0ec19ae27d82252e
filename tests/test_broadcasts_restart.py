"""A broadcast survives restarts: the organiser continues where they stood in /broadcast, and a bot that stops
right after a broadcast was confirmed sends it afterwards, to everyone, once."""

from __future__ import annotations

from bot.core.broadcasts.service import TASK_KIND, BroadcastStatus, task_key
from bot.core.models import Role
from tests.harness import TOKEN, BotUnderTest, texts
from tests.test_broadcasts_delivery import add_members
from tests.test_broadcasts_dialog import (
    CALENDAR,
    body,
    compose,
    drain,
    report_in,
    send_formatted,
    setup_people,
)


def copies(person, text: str) -> int:
    """How many messages from the bot in the person's chat say exactly `text` (formatting aside)."""
    return sum(1 for m in person.history() if m["from_bot"] and body(m.get("text", m.get("caption"))) == text)


def cards(person, broadcast_id: int) -> list[dict]:
    """The live cards of a broadcast in the sender's chat (📣 messages naming it)."""
    marker = f"Thông báo #{broadcast_id}"
    return [
        m
        for m in person.history()
        if m["from_bot"] and marker in m.get("text", "") and m.get("text", "").startswith("📣")
    ]


async def test_a_restart_at_every_step_of_broadcast_loses_nothing_and_doubles_nothing(
    bot: BotUnderTest,
) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    replies = await organiser.send("/broadcast")
    assert "Hãy gửi nội dung cần thông báo" in texts(replies)

    await bot.restart()
    replies = await send_formatted(
        organiser, CALENDAR, [{"type": "bold", "offset": 0, "length": len("Lịch tập huấn")}]
    )
    assert "Đính kèm ảnh hoặc tài liệu?" in texts(replies)

    await bot.restart()
    replies = await organiser.press("Không đính kèm")
    assert "Ai sẽ nhận thông báo?" in texts(replies)

    await bot.restart()
    await organiser.press("Một số chức danh")
    await bot.restart()
    await organiser.press("Cán bộ chi hội")
    await bot.restart()
    replies = await organiser.press("Xong")
    assert body(replies[0].text) == "<b>Lịch tập huấn</b> tháng 12: thứ Bảy 8h tại Nhà văn hoá"
    assert "Số người nhận: 2" in texts(replies)

    await bot.restart()
    replies = await organiser.press("Xác nhận và gửi")
    assert "Thông báo #1 đang được gửi" in texts(replies)
    await drain(bot)

    expected = "Lịch tập huấn tháng 12: thứ Bảy 8h tại Nhà văn hoá"
    assert copies(lan, expected) == 1 and copies(binh, expected) == 1
    assert copies(lead5, expected) == 0 and copies(organiser, expected) == 1  # the organiser's is the preview
    assert len(cards(organiser, 1)) == 1
    assert "Đã gửi: 2 / 2" in report_in(organiser, 1)
    assert await bot.services.db.fetch_value("SELECT COUNT(*) FROM broadcasts") == 1


async def test_a_restart_while_choosing_the_time_keeps_the_draft_and_sends_it_once_when_due(
    bot: BotUnderTest,
) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await compose(organiser, "Nhắc nộp báo cáo")
    await organiser.press("Tất cả")
    await organiser.press("Hẹn giờ gửi")

    await bot.restart()
    replies = await organiser.send("mai 8h")
    assert "Thông báo #1 sẽ được gửi lúc" in texts(replies)

    await bot.restart()
    await bot.advance(days=1)
    await drain(bot)
    for person in (lan, binh, lead5):
        assert copies(person, "Nhắc nộp báo cáo") == 1


async def test_a_photo_sent_before_a_restart_is_still_in_the_preview_and_the_broadcast(
    bot: BotUnderTest,
) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await organiser.send("/broadcast")
    photo = b"\x89PNG\r\n\x1a\n lich tap huan"
    await organiser.send_photo(photo, caption="Lịch tập huấn tháng 12")

    await bot.restart()
    replies = await organiser.press("Tất cả")
    assert replies[0].method == "sendPhoto" and body(replies[0].text) == "Lịch tập huấn tháng 12"
    await organiser.press("Xác nhận và gửi")
    await drain(bot)

    for person in (lan, binh, lead5):
        photos = [m for m in person.history() if m["from_bot"] and m.get("file")]
        assert len(photos) == 1 and photos[0]["file"]["data"] == photo


async def test_a_stop_right_after_confirming_loses_nothing_and_doubles_nothing(bot: BotUnderTest) -> None:
    """The confirming turn committed the broadcast and its send task; the bot stops before the task runs."""
    organiser, lan, binh, lead5 = await setup_people(bot)
    await compose(organiser)
    await organiser.press("Tất cả")

    async def stopped_before_running(*_args) -> int:
        return 0

    bot.runtime.scheduler.run_due = stopped_before_running  # the process dies before its next task run
    replies = await organiser.press("Xác nhận và gửi")
    assert "Thông báo #1 đang được gửi" in texts(replies)
    broadcast = await bot.services.broadcasts.get(1)
    assert broadcast is not None and broadcast.status is BroadcastStatus.DRAFT
    pending = await bot.services.tasks.pending("broadcast:")
    assert [(t.key, t.kind) for t in pending] == [(task_key(1), TASK_KIND)]
    assert await bot.services.outbox.pending_count() == 0 and lan.inbox() == []

    await bot.restart()
    await drain(bot)

    expected = "Lịch tập huấn tháng 12: thứ Bảy 8h tại Nhà văn hoá"
    for person in (lan, binh, lead5):
        assert copies(person, expected) == 1
    assert len(cards(organiser, 1)) == 1
    assert "Đã gửi: 4 / 4" in report_in(organiser, 1)
    assert await bot.services.tasks.pending("broadcast:") == []


async def test_a_send_task_that_fails_after_queueing_runs_again_without_sending_twice(
    bot: BotUnderTest,
) -> None:
    """The task queued every message and posted the card, then failed before it was marked done."""
    organiser, lan, binh, lead5 = await setup_people(bot)
    router = bot.runtime.router
    send = router.tasks[TASK_KIND]

    async def crash_after_queueing(rt, task) -> None:
        await send(rt, task)
        raise RuntimeError("stopped before the task was marked done")

    router.tasks[TASK_KIND] = crash_after_queueing
    await compose(organiser)
    await organiser.press("Tất cả")
    await organiser.press("Xác nhận và gửi")
    await drain(bot)
    assert [t.key for t in await bot.services.tasks.pending("broadcast:")] == [task_key(1)]

    router.tasks[TASK_KIND] = send
    await bot.restart()
    await bot.advance(minutes=6)
    await drain(bot)

    expected = "Lịch tập huấn tháng 12: thứ Bảy 8h tại Nhà văn hoá"
    for person in (lan, binh, lead5):
        assert copies(person, expected) == 1
    assert len(cards(organiser, 1)) == 1
    assert await bot.services.tasks.pending("broadcast:") == []
    assert (await bot.services.broadcasts.get(1)).status is BroadcastStatus.DONE


async def test_a_final_report_too_long_for_one_message_goes_on_in_the_messages_after_the_card(
    bot: BotUnderTest,
) -> None:
    organiser = await bot.member(4001, "Phạm Thu Hà", Role.ORGANISER, ward="Phường 1")
    chats = await add_members(bot.services.db, 30)
    async with bot.services.db.transaction() as conn:
        await conn.execute(
            "UPDATE members SET full_name = full_name || ? WHERE full_name LIKE 'Hội viên %'",
            (" – Chi hội Khuyến học dòng họ Nguyễn Văn" * 4,),
        )
    for chat_id in chats:
        bot.emu.block(TOKEN, chat_id)
    await compose(organiser, "Lịch tập huấn tháng 12")
    await organiser.press("Tất cả")
    await organiser.press("Xác nhận và gửi")
    await drain(bot)

    card = cards(organiser, 1)
    assert len(card) == 1
    after = [
        m
        for m in organiser.history()
        if m["from_bot"]
        and m["message_id"] > card[0]["message_id"]
        and body(m["text"]) != "Lịch tập huấn tháng 12"
    ]
    assert card[0]["text"].startswith("📣 Thông báo #1 đã gửi xong.")
    assert "Hội viên 0000" in card[0]["text"] and len(after) == 1
    assert "… và 5 người khác" in after[0]["text"]
    assert "reply_markup" not in card[0] or not card[0]["reply_markup"]
    labels = [b["text"] for row in after[0]["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["👀 Ai đã nhận", "🔁 Gửi lại cho người chưa nhận"]
    edits = bot.emu.calls(TOKEN, "editMessageText", chat_id=organiser.chat_id, ok=True)
    final = edits[-1].params["text"]
    assert len(final) <= 4096 and final.count("<b>") == final.count("</b>")


async def test_a_draft_left_for_more_than_an_hour_ends_politely_and_sends_nothing(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await organiser.send("/broadcast")
    await organiser.send("Họp chi hội tối thứ Sáu")

    await bot.advance(minutes=61)
    replies = await organiser.press("Không đính kèm")

    assert "Thông báo anh/chị đang soạn đã bị bỏ dở hơn một giờ nên chưa được gửi cho ai." in texts(replies)
    assert "Nút này không còn hiệu lực." in organiser.toasts()
    replies = await organiser.send("Họp chi hội tối thứ Sáu")
    assert "Đính kèm ảnh hoặc tài liệu?" not in texts(replies)
    await bot.advance(days=1)
    assert lan.inbox() == [] and binh.inbox() == [] and lead5.inbox() == []
    assert await bot.services.db.fetch_value("SELECT COUNT(*) FROM broadcasts") == 0
