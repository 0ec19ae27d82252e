"""The real python-telegram-bot Application talks to the emulator over HTTP like it would to Telegram."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.emulator_fixtures import LAN, MINH, TOKEN, application_builder, emulator, running_bot, tiny_png

__all__ = ["emulator"]


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(update.message.text)


async def test_echo_keeps_digit_and_boolean_texts_as_strings(emulator):
    app = application_builder(emulator).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with running_bot(app, emulator):
        since = emulator.mark(TOKEN)
        await emulator.send_text(TOKEN, LAN, "123")
        await emulator.send_text(TOKEN, LAN, "true")
        await emulator.send_text(TOKEN, LAN, "Chào bạn 👋")
        calls = await emulator.wait_for(TOKEN, method="sendMessage", chat_id=LAN.id, count=3, since=since)
    assert [c.result["text"] for c in calls] == ["123", "true", "Chào bạn 👋"]
    history = emulator.chat_history(TOKEN, LAN.id)
    assert [m["text"] for m in history if m["from_bot"]] == ["123", "true", "Chào bạn 👋"]
    assert [m["text"] for m in history if not m["from_bot"]] == ["123", "true", "Chào bạn 👋"]


async def test_commands_carry_entities_and_deep_link_payload(emulator):
    seen: list[tuple[list[str], str]] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append((list(context.args), update.message.entities[0].type))
        await update.message.reply_text("ok")

    app = application_builder(emulator).build()
    app.add_handler(CommandHandler("start", start))
    async with running_bot(app, emulator):
        message = await emulator.send_text(TOKEN, LAN, "/start seminar_42")
        await emulator.send_text(TOKEN, MINH, "/start@khuyenhoc_test_bot")
        await emulator.wait_for(TOKEN, method="sendMessage", count=2)
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert seen == [(["seminar_42"], "bot_command"), ([], "bot_command")]


async def test_inline_button_press_is_answered_and_edits_the_message(emulator):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Có mặt ✅", callback_data="present")]])
        await update.message.reply_text("Điểm danh buổi tập huấn?", reply_markup=keyboard)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("Đã ghi nhận")
        await update.callback_query.edit_message_text(
            f"Bạn đã chọn: <b>{update.callback_query.data}</b>", parse_mode=ParseMode.HTML
        )

    app = application_builder(emulator).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with running_bot(app, emulator):
        await emulator.send_text(TOKEN, LAN, "/start")
        [sent] = await emulator.wait_for(TOKEN, method="sendMessage")
        since = emulator.mark(TOKEN)
        query_id = await emulator.press_button(TOKEN, LAN, sent.result["message_id"], "present")
        await emulator.wait_for(TOKEN, method="editMessageText", since=since)
    [answer] = emulator.calls(TOKEN, "answerCallbackQuery")
    assert answer.ok and answer.params["callback_query_id"] == query_id
    assert emulator.toasts(TOKEN, LAN.id) == [
        {"callback_query_id": query_id, "text": "Đã ghi nhận", "show_alert": False}
    ]
    edited = emulator.chat_history(TOKEN, LAN.id)[-1]
    assert edited["text"] == "Bạn đã chọn: present"
    assert edited["entities"] == [{"type": "bold", "offset": 13, "length": 7}]
    assert "reply_markup" not in edited and "edit_date" in edited


async def test_a_callback_query_can_be_answered_only_once(emulator):
    outcomes: list[str] = []

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        try:
            await update.callback_query.answer()
        except BadRequest as error:
            outcomes.append(error.message)

    app = application_builder(emulator).build()
    app.add_handler(CallbackQueryHandler(pressed))
    async with running_bot(app, emulator):
        sent = await app.bot.send_message(
            LAN.id, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
        )
        await emulator.press_button(TOKEN, LAN, sent.message_id, "a")
        await emulator.wait_for(TOKEN, method="answerCallbackQuery", count=2)
    assert outcomes and "query is too old" in outcomes[0].lower()


async def test_documents_upload_download_and_reuse_by_file_id(emulator):
    async with Bot(TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url) as bot:
        content = "Họ tên;Điểm\nLan;10\n".encode()
        sent = await bot.send_document(LAN.id, content, filename="báo cáo.csv", caption="Báo cáo tuần")
        again = await bot.send_document(MINH.id, sent.document.file_id)
        file = await bot.get_file(sent.document.file_id)
        downloaded = await file.download_as_bytearray()
    assert bytes(downloaded) == content
    assert sent.document.file_name == "báo cáo.csv" and sent.caption == "Báo cáo tuần"
    assert again.document.file_id == sent.document.file_id
    [entry] = emulator.chat_history(TOKEN, LAN.id)
    assert entry["file"]["data"] == content and entry["file"]["file_name"] == "báo cáo.csv"


async def test_bot_downloads_a_document_the_user_sent(emulator):
    received: list[bytes] = []

    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        file = await update.message.document.get_file()
        received.append(bytes(await file.download_as_bytearray()))
        await update.message.reply_text(update.message.document.file_name)

    app = application_builder(emulator).build()
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    async with running_bot(app, emulator):
        await emulator.send_document(TOKEN, LAN, b"a,b\n1,2\n", "danh_sach.csv")
        [reply] = await emulator.wait_for(TOKEN, method="sendMessage")
    assert received == [b"a,b\n1,2\n"] and reply.result["text"] == "danh_sach.csv"


async def test_photos_report_their_png_size(emulator):
    async with Bot(TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url) as bot:
        sent = await bot.send_photo(LAN.id, tiny_png(7, 5), caption="QR")
    assert (sent.photo[-1].width, sent.photo[-1].height) == (7, 5)
    assert emulator.chat_history(TOKEN, LAN.id)[0]["file"]["mime_type"] == "image/png"


async def test_commands_are_kept_per_scope_and_language(emulator):
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        await bot.set_my_commands([BotCommand("start", "Bắt đầu"), BotCommand("help", "Trợ giúp")])
        await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
        await bot.set_my_commands([BotCommand("report", "Báo cáo")], scope=BotCommandScopeChat(LAN.id))
        english = await bot.get_my_commands(language_code="en")
        with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    assert [c.command for c in english] == ["start"]
    assert [c["command"] for c in emulator.commands(TOKEN)] == ["start", "help"]
    assert emulator.commands(TOKEN, scope={"type": "chat", "chat_id": LAN.id}) == [
        {"command": "report", "description": "Báo cáo"}
    ]


async def test_text_limit_counts_html_without_tags(emulator):
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        fits = await bot.send_message(
            LAN.id, "<b>" + "a" * 4090 + "&amp;</b>xxxxx", parse_mode=ParseMode.HTML
        )
        with pytest.raises(BadRequest, match="(?i)message is too long"):
            await bot.send_message(LAN.id, "x" * 4097)
        with pytest.raises(BadRequest, match="(?i)message text is empty"):
            await bot.send_message(LAN.id, "   ")
        with pytest.raises(BadRequest, match="(?i)caption is too long"):
            await bot.send_document(LAN.id, b"x", filename="a.txt", caption="c" * 1025)
    assert len(fits.text) == 4096


async def test_malformed_html_is_refused(emulator):
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        for bad in ("<b>chưa đóng", "a < b", "<br>", "<span>x</span>", "<b><i>x</b></i>"):
            with pytest.raises(BadRequest, match="(?i)can't parse entities"):
                await bot.send_message(LAN.id, bad, parse_mode=ParseMode.HTML)
        ok = await bot.send_message(
            LAN.id, "1 &lt; 2 &amp;&amp; <a href='https://x.vn'>link</a> > 0", parse_mode=ParseMode.HTML
        )
    assert ok.text == "1 < 2 && link > 0"
    assert ok.entities[0].url == "https://x.vn"


async def test_edit_errors_match_telegram(emulator):
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        sent = await bot.send_message(LAN.id, "Giống nhau")
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text("Giống nhau", chat_id=LAN.id, message_id=sent.message_id)
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await bot.edit_message_text("x", chat_id=LAN.id, message_id=999)
        assert await bot.delete_message(LAN.id, sent.message_id)
        with pytest.raises(BadRequest, match="(?i)message to delete not found"):
            await bot.delete_message(LAN.id, sent.message_id)
        with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
            await bot.send_message(
                LAN.id,
                "x",
                reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="d" * 65)]]),
            )


async def test_blocked_user_answers_forbidden_until_they_write_again(emulator):
    emulator.block(TOKEN, LAN.id)
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
            await bot.send_message(LAN.id, "Nhắc nhở")
        await emulator.send_text(TOKEN, LAN, "/start")
        assert (await bot.send_message(LAN.id, "Chào lại")).text == "Chào lại"
    assert [c.error_code for c in emulator.calls(TOKEN, "sendMessage")] == [403, None]


async def test_strict_chats_refuse_unknown_chats(emulator):
    emulator.configure(strict_chats=True)
    emulator.add_user(TOKEN, MINH)
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(LAN.id, "x")
        assert (await bot.send_message(MINH.id, "y")).chat.first_name == "Minh"


async def test_flood_limit_answers_retry_after(emulator):
    emulator.configure(rate_limits=True, private_per_s=0.25, private_burst=3)
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        for i in range(3):
            await bot.send_message(LAN.id, f"tin {i}")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(LAN.id, "tin 4")
        await bot.send_message(MINH.id, "other chats are not limited")
    retry_after = int(caught.value.retry_after.total_seconds())
    assert 1 <= retry_after <= 4
    [refused] = emulator.calls(TOKEN, "sendMessage", ok=False)
    assert refused.description == f"Too Many Requests: retry after {retry_after}"


async def test_rate_limiter_retries_after_429(emulator):
    emulator.inject_fault(TOKEN, "sendMessage", error_code=429, retry_after=1)
    app = application_builder(emulator).rate_limiter(AIORateLimiter(max_retries=2)).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with running_bot(app, emulator):
        await emulator.send_text(TOKEN, LAN, "xin chào")
        await emulator.wait_for(TOKEN, method="sendMessage", ok=True, timeout=5)
    assert [c.error_code for c in emulator.calls(TOKEN, "sendMessage")] == [429, None]


async def test_polling_survives_a_dropped_connection_and_a_server_error(emulator):
    app = application_builder(emulator).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with running_bot(app, emulator):
        emulator.inject_fault(TOKEN, "getUpdates", drop=True)
        emulator.inject_fault(TOKEN, "getUpdates", error_code=502)
        await emulator.send_text(TOKEN, LAN, "vẫn chạy")
        [reply] = await emulator.wait_for(TOKEN, method="sendMessage", timeout=10)
    assert reply.result["text"] == "vẫn chạy"
    assert not emulator.bot_state(TOKEN).faults


async def test_restart_does_not_redeliver_confirmed_updates(emulator):
    handled: list[str] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        handled.append(update.message.text)
        await update.message.reply_text("ok")

    for text in ("một", "hai"):
        app = application_builder(emulator).build()
        app.add_handler(MessageHandler(filters.TEXT, record))
        async with running_bot(app, emulator):
            since = emulator.mark(TOKEN)
            await emulator.send_text(TOKEN, LAN, text)
            await emulator.wait_for(TOKEN, method="sendMessage", since=since)
    assert handled == ["một", "hai"]
    assert emulator.pending_updates(TOKEN) == 0


async def test_a_second_poller_supersedes_the_first_with_409(emulator):
    async with (
        Bot(TOKEN, base_url=emulator.base_url) as first,
        Bot(TOKEN, base_url=emulator.base_url) as second,
    ):
        parked = asyncio.create_task(first.get_updates(timeout=5))
        await emulator.wait_polling(TOKEN)
        assert await second.get_updates(timeout=0) == ()
        from telegram.error import Conflict

        with pytest.raises(Conflict, match="(?i)terminated by other getUpdates"):
            await parked


async def test_captions_copies_forwards_and_menu_button_parse_in_ptb(emulator):
    from telegram import MenuButtonCommands

    await emulator.send_text(TOKEN, LAN, "Báo cáo của tôi")
    async with Bot(TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url) as bot:
        sent = await bot.send_photo(LAN.id, tiny_png(), caption="cũ")
        edited = await bot.edit_message_caption(
            LAN.id, sent.message_id, caption="<i>mới</i>", parse_mode="HTML"
        )
        with pytest.raises(BadRequest, match="(?i)no caption in the message"):
            text = await bot.send_message(LAN.id, "chữ")
            await bot.edit_message_caption(LAN.id, text.message_id, caption="x")
        copied = await bot.copy_message(MINH.id, LAN.id, 1)
        forwarded = await bot.forward_message(MINH.id, LAN.id, 1)
        assert await bot.set_chat_menu_button(LAN.id, MenuButtonCommands())
        info = await bot.get_webhook_info()
    assert edited.caption == "mới" and edited.caption_entities[0].type == "italic"
    assert edited.photo[-1].file_id == sent.photo[-1].file_id
    minh_chat = emulator.chat_history(TOKEN, MINH.id)
    assert [m["text"] for m in minh_chat] == ["Báo cáo của tôi", "Báo cáo của tôi"]
    assert copied.message_id == minh_chat[0]["message_id"]
    assert forwarded.forward_origin.sender_user.id == LAN.id
    assert info.url == "" and info.pending_update_count == 1


async def test_stale_callback_queries_are_too_old(emulator):
    emulator.configure(callback_ttl_s=0)
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        sent = await bot.send_message(
            LAN.id, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
        )
        query_id = await emulator.press_button(TOKEN, LAN, sent.message_id, "a")
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await bot.answer_callback_query(query_id, "muộn")
    assert emulator.toasts(TOKEN, LAN.id) == []


async def test_group_messages_carry_the_group_chat_and_the_sender(emulator):
    seen: list[tuple[str, int, int]] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append((update.effective_chat.type, update.effective_chat.id, update.effective_user.id))
        await update.effective_chat.send_message("Chào cả nhóm")

    app = application_builder(emulator).build()
    app.add_handler(CommandHandler("start", record))
    async with running_bot(app, emulator):
        await emulator.send_text(TOKEN, LAN, "/start", chat_id=-1001234567)
        [reply] = await emulator.wait_for(TOKEN, method="sendMessage", chat_id=-1001234567)
    assert seen == [("supergroup", -1001234567, LAN.id)]
    assert reply.result["chat"]["type"] == "supergroup"
    assert [m["from"]["id"] for m in emulator.chat_history(TOKEN, -1001234567)] == [LAN.id, 123456]
