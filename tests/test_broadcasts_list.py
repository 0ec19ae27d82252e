"""An organiser looks back on the broadcasts: what is scheduled, what went out, reports, cancelling."""

from __future__ import annotations

from datetime import timedelta

from bot.core.broadcasts.service import AudienceKind, BroadcastStatus, Content, audience_of
from bot.core.models import Role
from tests.harness import TOKEN, BotUnderTest, active_member, texts
from tests.proof_helpers import forge_press
from tests.test_broadcasts_delivery import add_members
from tests.test_broadcasts_dialog import body, compose, drain, setup_people

REFUSAL = "Chỉ cán bộ tổ chức, quản trị viên và lãnh đạo hội phường mới xem được danh sách thông báo."
NOT_YOURS = "Xin lỗi, anh/chị chỉ xem và quản lý được các thông báo do chính mình gửi."


async def send_now(person, text: str, audience_button: str = "Tất cả") -> None:
    await compose(person, text)
    await person.press(audience_button)
    await person.press("Xác nhận và gửi")


async def schedule(person, text: str, when: str = "mai 8h", audience_button: str = "Tất cả") -> None:
    await compose(person, text)
    await person.press(audience_button)
    await person.press("Hẹn giờ gửi")
    replies = await person.send(when)
    assert "sẽ được gửi lúc" in texts(replies)


async def status_of(bot: BotUnderTest, broadcast_id: int) -> BroadcastStatus:
    found = await bot.services.broadcasts.store.get(broadcast_id)
    assert found is not None
    return found.status


async def audit_count(bot: BotUnderTest) -> int:
    return await bot.services.db.fetch_value("SELECT COUNT(*) FROM audit_log")


async def test_an_organiser_sees_scheduled_ones_on_top_and_what_reached_whom(bot: BotUnderTest) -> None:
    organiser, _lan, binh, _lead5 = await setup_people(bot)
    bot.emu.block(TOKEN, binh.chat_id)
    await send_now(organiser, "Lịch tập huấn tháng 12: thứ Bảy 8h tại Nhà văn hoá")
    await drain(bot)
    await schedule(organiser, "Nhắc nộp báo cáo & danh sách hội viên mới")

    replies = await organiser.send("/broadcasts")

    listing = texts(replies)
    assert "📋 <b>Các thông báo</b> – trang 1/1" in listing
    assert listing.index("#2</b> · hẹn gửi lúc Thứ Ba, 24/11/2026 08:00") < listing.index(
        "#1</b> · đã gửi Thứ Hai, 23/11/2026 09:00: tới được 3 / 4 người"
    )
    assert "Gửi tới: Tất cả" in listing
    assert "“Lịch tập huấn tháng 12: thứ Bảy 8h tại Nhà văn hoá”" in listing
    assert "“Nhắc nộp báo cáo &amp; danh sách hội viên mới”" in listing
    assert replies[-1].buttons == ["✖ Hủy #2", "📊 Báo cáo #1"]

    replies = await organiser.press("Báo cáo #1")
    report = texts(replies)
    assert "Thông báo #1 đã gửi xong" in report and "Đã gửi: 3 / 4" in report
    assert "Trần Văn Bình – Phường 6" in report
    assert replies[-1].buttons == ["👀 Ai đã nhận", "🔁 Gửi lại cho người chưa nhận"]


async def test_a_long_history_is_shown_five_at_a_time(bot: BotUnderTest) -> None:
    organiser, *_ = await setup_people(bot)
    sender = await active_member(bot.services, organiser.chat_id)
    for n in range(1, 8):
        await bot.services.broadcasts.create(
            sender,
            Content(f"Thông báo số {n}"),
            audience_of(AudienceKind.ALL),
            scheduled_at=bot.clock.now() + timedelta(hours=n),
        )

    replies = await organiser.send("/broadcasts")
    assert "trang 1/2" in texts(replies)
    assert [b for b in replies[-1].buttons if "Hủy" in b] == [f"✖ Hủy #{n}" for n in range(1, 6)]
    assert "Trang sau ▶" in replies[-1].buttons and "◀ Trang trước" not in replies[-1].buttons

    replies = await organiser.press("Trang sau")
    assert replies[-1].method == "editMessageText" and "trang 2/2" in texts(replies)
    assert "“Thông báo số 7”" in texts(replies) and "“Thông báo số 5”" not in texts(replies)
    assert replies[-1].buttons == ["✖ Hủy #6", "✖ Hủy #7", "◀ Trang trước"]

    replies = await organiser.press("Trang trước")
    assert "trang 1/2" in texts(replies)


async def test_an_organiser_cancels_a_scheduled_broadcast_and_it_never_goes_out(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    await schedule(organiser, "Nhắc nộp báo cáo")
    await organiser.send("/broadcasts")

    replies = await organiser.press("Hủy #1")
    assert "Anh/chị có chắc muốn hủy thông báo #1?" in texts(replies)
    assert "Thứ Ba, 24/11/2026 08:00 tới Tất cả" in texts(replies)
    replies = await organiser.press("Không, giữ lại")
    assert "Không có gì thay đổi" in texts(replies)
    assert await status_of(bot, 1) is BroadcastStatus.SCHEDULED

    await organiser.send("/broadcasts")
    await organiser.press("Hủy #1")
    replies = await organiser.press("Có, hủy thông báo")
    assert "Thông báo #1 đã được hủy" in texts(replies)
    assert await status_of(bot, 1) is BroadcastStatus.CANCELLED

    await bot.advance(days=2)
    assert lan.inbox() == [] and binh.inbox() == [] and lead5.inbox() == []
    replies = await organiser.send("/broadcasts")
    assert "#1</b> · đã hủy (dự kiến gửi lúc Thứ Ba, 24/11/2026 08:00)" in texts(replies)
    assert replies[-1].buttons == []

    before = await audit_count(bot)
    await organiser.press("Hủy #1")  # the button on the list shown before cancelling
    assert "Thông báo #1 đã được hủy trước khi gửi, không cần làm gì thêm." in organiser.toasts()
    assert await audit_count(bot) == before


def shown(person, message_id: int | None) -> dict:
    """The message as it now stands in the person's chat (after any edits; plain text, formatting aside)."""
    return next(m for m in person.history() if m["message_id"] == message_id)


def labels(message: dict) -> list[str]:
    return [b["text"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def test_after_cancelling_the_list_above_shows_it_cancelled_without_its_cancel_button(
    bot: BotUnderTest,
) -> None:
    organiser, *_ = await setup_people(bot)
    await schedule(organiser, "Nhắc nộp báo cáo")
    await schedule(organiser, "Họp ban chấp hành", when="mai 10h")
    listing = (await organiser.send("/broadcasts"))[-1]
    assert listing.buttons == ["✖ Hủy #1", "✖ Hủy #2"]

    await organiser.press("Hủy #1", message_id=listing.message_id)
    await organiser.press("Không, giữ lại")
    assert labels(shown(organiser, listing.message_id)) == ["✖ Hủy #1", "✖ Hủy #2"]

    await organiser.press("Hủy #1", message_id=listing.message_id)
    replies = await organiser.press("Có, hủy thông báo")

    assert "Thông báo #1 đã được hủy" in texts(replies)
    now_listed = shown(organiser, listing.message_id)
    assert "#1 · đã hủy (dự kiến gửi lúc Thứ Ba, 24/11/2026 08:00)" in now_listed["text"]
    assert "#2 · hẹn gửi lúc Thứ Ba, 24/11/2026 10:00" in now_listed["text"]
    assert labels(now_listed) == ["✖ Hủy #2"]


async def test_the_list_on_a_later_page_stays_on_that_page_after_cancelling(bot: BotUnderTest) -> None:
    organiser, *_ = await setup_people(bot)
    sender = await active_member(bot.services, organiser.chat_id)
    for n in range(1, 8):
        await bot.services.broadcasts.create(
            sender,
            Content(f"Thông báo số {n}"),
            audience_of(AudienceKind.ALL),
            scheduled_at=bot.clock.now() + timedelta(hours=n),
        )
    listing = (await organiser.send("/broadcasts"))[-1]
    await organiser.press("Trang sau", message_id=listing.message_id)

    await organiser.press("Hủy #7", message_id=listing.message_id)
    await organiser.press("Có, hủy thông báo")

    now_listed = shown(organiser, listing.message_id)
    assert "trang 2/2" in now_listed["text"] and "#7 · đã hủy" in now_listed["text"]
    assert labels(now_listed) == ["✖ Hủy #6", "◀ Trang trước"]


async def test_a_cancel_button_pressed_after_the_broadcast_went_out_changes_nothing(
    bot: BotUnderTest,
) -> None:
    organiser, lan, _binh, _lead5 = await setup_people(bot)
    await schedule(organiser, "Nhắc nộp báo cáo")
    await organiser.send("/broadcasts")
    await organiser.press("Hủy #1")

    await bot.advance(days=1)
    await drain(bot)
    assert [body(r.text) for r in lan.inbox()] == ["Nhắc nộp báo cáo"]
    before = await audit_count(bot)

    await organiser.press("Có, hủy thông báo")

    assert "Rất tiếc, đã quá muộn: thông báo #1 đã được gửi đi rồi." in organiser.toasts()
    assert await status_of(bot, 1) is BroadcastStatus.DONE
    assert await audit_count(bot) == before
    replies = await organiser.send("/broadcasts")
    assert "#1</b> · đã gửi Thứ Ba, 24/11/2026 09:00: tới được 4 / 4 người" in texts(replies)


async def test_a_ward_lead_sees_only_the_broadcasts_they_sent(bot: BotUnderTest) -> None:
    organiser, _lan, _binh, lead5 = await setup_people(bot)
    lead6 = await bot.member(4005, "Lê Thị Hoa", Role.WARD_LEAD, ward="Phường 6")
    await send_now(organiser, "Lịch tập huấn")
    await send_now(lead6, "Họp phường 6", audience_button="Mọi người trong phường tôi")
    await schedule(lead5, "Họp chi hội tối thứ Sáu", audience_button="Mọi người trong phường tôi")
    await drain(bot)

    replies = await lead5.send("/broadcasts")
    listing = texts(replies)
    assert "#3</b> · hẹn gửi lúc" in listing and "Gửi tới: Tất cả – Phường 5" in listing
    assert "#1</b>" not in listing and "#2</b>" not in listing
    assert replies[-1].buttons == ["✖ Hủy #3"]

    replies = await organiser.send("/broadcasts")
    assert all(f"#{n}</b>" in texts(replies) for n in (1, 2, 3))
    assert "Gửi tới: Tất cả – Phường 6 — người gửi: Lê Thị Hoa" in texts(replies)
    assert "Gửi tới: Tất cả – Phường 5 — người gửi: Lê Văn Tâm" in texts(replies)
    assert "Gửi tới: Tất cả — người gửi: Phạm Thu Hà" in texts(replies)
    assert "người gửi" not in listing


async def test_a_forged_button_for_another_ward_leads_broadcast_is_refused(bot: BotUnderTest) -> None:
    _organiser, lan, _binh, lead5 = await setup_people(bot)
    lead6 = await bot.member(4005, "Lê Thị Hoa", Role.WARD_LEAD, ward="Phường 6")
    await schedule(lead5, "Họp chi hội tối thứ Sáu", audience_button="Mọi người trong phường tôi")
    await send_now(lead5, "Họp xong rồi", audience_button="Mọi người trong phường tôi")
    await drain(bot)
    before = await audit_count(bot)

    for data in ("v1:bcl:x:1", "v1:bcl:y:1", "v1:bcl:r:2"):
        replies = await forge_press(bot, lead6, data)
        assert replies == [], data
    assert lead6.toasts().count(NOT_YOURS) == 3
    assert await status_of(bot, 1) is BroadcastStatus.SCHEDULED
    assert await audit_count(bot) == before

    await bot.advance(days=1)
    assert "Họp chi hội tối thứ Sáu" in texts(lan.inbox())


async def test_cadres_and_strangers_are_refused_politely(bot: BotUnderTest) -> None:
    organiser, lan, _binh, _lead5 = await setup_people(bot)
    await schedule(organiser, "Nhắc nộp báo cáo")
    stranger = bot.person(4099, "Khách")
    bot.emu.add_user(TOKEN, stranger.user)

    for person in (lan, stranger):
        replies = await person.send("/broadcasts")
        assert REFUSAL in texts(replies) and replies[-1].buttons == []
        await forge_press(bot, person, "v1:bcl:y:1")
        assert REFUSAL in person.toasts()
    assert await status_of(bot, 1) is BroadcastStatus.SCHEDULED


async def test_organisers_and_ward_leads_have_a_list_button_in_their_menu(bot: BotUnderTest) -> None:
    organiser, lan, _binh, lead5 = await setup_people(bot)
    for person in (organiser, lan, lead5):
        await person.send("/start")
    assert "📋 Danh sách thông báo" in organiser.menu() and "📋 Danh sách thông báo" in lead5.menu()
    assert "📋 Danh sách thông báo" not in lan.menu()
    replies = await organiser.send("📋 Danh sách thông báo")
    assert "Chưa có thông báo nào. Để gửi thông báo, anh/chị dùng lệnh /broadcast." in texts(replies)


async def still_sending_to(bot: BotUnderTest, broadcast_id: int, person) -> None:
    """Catch the broadcast mid-way: the message to `person` is still on its way to Telegram."""
    member = await active_member(bot.services, person.chat_id)
    async with bot.services.db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'sending' WHERE batch = ? AND member_id = ?",
            (f"broadcast:{broadcast_id}", member.id),
        )
        await conn.execute(
            "UPDATE broadcasts SET status = 'sending', finished_at = NULL WHERE id = ?", (broadcast_id,)
        )


async def test_a_report_opened_while_still_sending_shows_who_was_reached_so_far(bot: BotUnderTest) -> None:
    organiser, lan, binh, lead5 = await setup_people(bot)
    bot.emu.block(TOKEN, binh.chat_id)
    bot.emu.inject_fault(
        TOKEN,
        "sendMessage",
        chat_id=lan.chat_id,
        count=1,
        error_code=400,
        description="Bad Request: chat not found",
    )
    await send_now(organiser, "Lịch tập huấn tháng 12")
    await drain(bot)
    await still_sending_to(bot, 1, lead5)

    listing = await organiser.send("/broadcasts")
    assert "#1</b> · đang gửi từ" in texts(listing)
    replies = await organiser.press("Báo cáo #1")

    report = texts(replies)
    assert report.startswith("📤 <b>Đang gửi: 3 / 4</b> (75%) – thông báo #1")
    assert (
        "Đã gửi: 1 / 4\nGửi lỗi: 1\nKhông liên lạc được (đã chặn bot hoặc chưa từng nhắn cho bot): 1"
        in report
    )
    assert "<b>Không gửi được:</b>\n• Nguyễn Thị Lan – Phường 5" in report
    assert (
        "<b>Xin gọi điện cho những người bot không liên lạc được:</b>\n• Trần Văn Bình – Phường 6" in report
    )
    assert replies[-1].buttons == []


async def test_a_long_report_comes_in_several_whole_messages(bot: BotUnderTest) -> None:
    organiser = await bot.member(4001, "Phạm Thu Hà", Role.ORGANISER, ward="Phường 1")
    chats = await add_members(bot.services.db, 30)
    async with bot.services.db.transaction() as conn:
        await conn.execute(
            "UPDATE members SET full_name = full_name || ? WHERE full_name LIKE 'Hội viên %'",
            (" – Chi hội Khuyến học dòng họ Nguyễn Văn" * 4,),
        )
    for chat_id in chats:
        bot.emu.block(TOKEN, chat_id)
    await send_now(organiser, "Lịch tập huấn tháng 12")
    await drain(bot)
    await organiser.send("/broadcasts")

    replies = await organiser.press("Báo cáo #1")

    assert [r.method for r in replies] == ["sendMessage", "sendMessage"]
    assert all(len(r.text) <= 4096 and r.text.count("<b>") == r.text.count("</b>") for r in replies)
    assert replies[0].text.startswith("📣 <b>Thông báo #1 đã gửi xong.</b>")
    assert "Hội viên 0000" in texts(replies) and "… và 5 người khác" in replies[-1].text
    assert replies[0].buttons == [] and replies[-1].buttons == [
        "👀 Ai đã nhận",
        "🔁 Gửi lại cho người chưa nhận",
    ]
