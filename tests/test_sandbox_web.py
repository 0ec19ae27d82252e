"""The sandbox chat page in headless Chromium: a cadre picks themselves, talks to the bot, moves time."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
import pytest_asyncio
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.clock import AdjustableClock
from bot.emulator import BotApiEmulator
from bot.sandbox.web import add_sandbox_routes
from tests.emulator_fixtures import TOKEN, application_builder, running_bot, tiny_png

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

if not shutil.which(CHROMIUM):
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is required in CI for the sandbox browser test", pytrace=False)
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

# Imported only once the module is known not to be skipped for a missing Chromium.
from playwright.async_api import Browser, Page, async_playwright, expect  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")

PEOPLE = [
    {"user_id": 7001, "name": "Nguyễn Thị Lan", "role": "Cán bộ chi hội", "group": "Phường Bến Thành"},
    {"user_id": 7002, "name": "Trần Văn Đức", "role": "Trưởng ban phường", "group": "Phường Bến Thành"},
    {"user_id": 7003, "name": "Lê Hoàng Yến", "role": "Chủ tịch Hội", "group": "Ban chấp hành"},
]


async def demo_people() -> list[dict]:
    return PEOPLE


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Có mặt", callback_data="present")]])
    await update.message.reply_text(
        "Chào <b>Lan</b>! Buổi tập huấn sáng nay, bạn có mặt không?",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer("Đã ghi nhận điểm danh")
    await update.callback_query.edit_message_text("Cảm ơn, đã điểm danh lúc 07:30 ✔")


async def ask_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("Chia sẻ số điện thoại", request_contact=True)]])
    await update.message.reply_text("Vui lòng chia sẻ số điện thoại", reply_markup=keyboard)


async def got_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(f"Đã nhận số {update.message.contact.phone_number}")
    await update.message.reply_document(
        "Họ tên,Số điện thoại\nLan,0901\n".encode(), filename="danh_bạ.csv", caption="Danh bạ chi hội"
    )


async def got_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    photo = update.message.photo[-1]
    data = await (await photo.get_file()).download_as_bytearray()
    await update.message.reply_text(
        f"Đã nhận ảnh {photo.width}x{photo.height} ({len(data)} byte): {update.message.caption}"
    )


async def think(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.chat.send_action("typing")


@pytest_asyncio.fixture(loop_scope="module")
async def sandbox() -> AsyncIterator[tuple[BotApiEmulator, AdjustableClock, list[datetime]]]:
    clock = AdjustableClock(datetime(2026, 11, 27, 1, 0, tzinfo=UTC), frozen=True)
    moves: list[datetime] = []

    async def on_clock_moved() -> None:
        moves.append(clock.now())

    emulator = BotApiEmulator(clock=clock)
    add_sandbox_routes(
        emulator.app, emulator, token=TOKEN, people=demo_people, clock=clock, on_clock_moved=on_clock_moved
    )
    async with emulator:
        app = application_builder(emulator).build()
        app.add_handler(CommandHandler("start", start))
        app.add_handler(CommandHandler("phone", ask_phone))
        app.add_handler(CommandHandler("think", think))
        app.add_handler(CallbackQueryHandler(pressed))
        app.add_handler(MessageHandler(filters.CONTACT, got_contact))
        app.add_handler(MessageHandler(filters.PHOTO, got_photo))
        async with running_bot(app, emulator):
            yield emulator, clock, moves


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the module (launching it is the slow part)."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser, sandbox) -> AsyncIterator[Page]:
    """A phone-sized page showing the sandbox, in a fresh browser context."""
    context = await browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = await context.new_page()
    page.set_default_timeout(10_000)
    await page.goto(sandbox[0].origin + "/")
    yield page
    await context.close()


async def choose(page: Page, name: str) -> None:
    await page.fill("#search", name.split()[-1].lower())
    await page.get_by_role("listitem").filter(has_text=name).click()
    await expect(page.locator("#me")).to_contain_text(name)


async def test_cadre_starts_the_bot_presses_a_button_and_moves_time(sandbox, page):
    emulator, clock, moves = sandbox
    await expect(page.locator(".group-title")).to_have_text(["Phường Bến Thành", "Ban chấp hành"])
    await choose(page, "Nguyễn Thị Lan")

    await page.fill("#text", "/start")
    await page.press("#text", "Enter")
    greeting = page.locator(".row.bot").filter(has_text="Buổi tập huấn sáng nay")
    await expect(greeting).to_be_visible()
    await expect(greeting.locator("b")).to_have_text("Lan")

    await greeting.get_by_role("button", name="Có mặt").click()
    await expect(page.locator(".toast")).to_have_text("Đã ghi nhận điểm danh")
    edited = page.locator(".row.bot").filter(has_text="Cảm ơn, đã điểm danh")
    await expect(edited).to_be_visible()
    await expect(edited.locator(".meta")).to_contain_text("đã sửa")
    await expect(page.get_by_role("button", name="Có mặt")).to_have_count(0)
    await expect(page.locator(".row.bot")).to_have_count(1)

    await expect(page.locator("#clock")).to_have_text("Thứ Sáu, 27/11/2026 08:00")
    await page.get_by_role("button", name="+1 ngày").click()
    await expect(page.locator("#clock")).to_have_text("Thứ Bảy, 28/11/2026 08:00")
    assert moves == [datetime(2026, 11, 28, 1, 0, tzinfo=UTC)]
    await page.get_by_role("button", name="Thứ Hai tới 07:00").click()
    await expect(page.locator("#clock")).to_have_text("Thứ Hai, 30/11/2026 07:00")


async def test_contact_photo_and_document_exchange(sandbox, page):
    emulator = sandbox[0]
    await choose(page, "Trần Văn Đức")
    await page.fill("#text", "/phone")
    await page.click("#send")
    await page.locator("#reply-keyboard").get_by_role("button", name="Chia sẻ số điện thoại").click()
    await expect(page.locator(".row.user .contact")).to_contain_text("+84900007002")
    await expect(page.locator(".row.bot").filter(has_text="Đã nhận số +84900007002")).to_be_visible()

    link = page.locator("a.document")
    await expect(link).to_contain_text("danh_bạ.csv")
    href = await link.get_attribute("href")
    async with aiohttp.ClientSession() as session, session.get(emulator.origin + href) as response:
        body = await response.read()
        assert response.headers["Content-Type"].startswith("text/csv")
        assert "danh_b%E1%BA%A1.csv" in response.headers["Content-Disposition"]
    assert body.decode() == "Họ tên,Số điện thoại\nLan,0901\n"

    png = tiny_png(4, 3)
    await page.fill("#text", "Danh sách giấy")
    await page.set_input_files("#file", files=[{"name": "ds.png", "mimeType": "image/png", "buffer": png}])
    await expect(page.locator(".row.user img.photo")).to_be_visible()
    reply = f"Đã nhận ảnh 4x3 ({len(png)} byte): Danh sách giấy"
    await expect(page.locator(".row.bot").filter(has_text=reply)).to_be_visible()


async def test_search_ignores_diacritics_and_case(sandbox, page):
    await page.fill("#search", "DUC")
    await expect(page.get_by_role("listitem")).to_have_text([re.compile("Trần Văn Đức")])
    await page.fill("#search", "ben thanh lan")
    await expect(page.get_by_role("listitem")).to_have_text([re.compile("Nguyễn Thị Lan")])
    await page.fill("#search", "không có ai")
    await expect(page.locator(".empty")).to_have_text("Không tìm thấy ai phù hợp.")


async def test_switching_person_shows_the_other_persons_chat(sandbox, page):
    await choose(page, "Nguyễn Thị Lan")
    await page.fill("#text", "/start")
    await page.press("#text", "Enter")
    await expect(page.locator(".row.bot")).to_have_count(1)
    await page.fill("#text", "/think")
    await page.press("#text", "Enter")
    await expect(page.locator("#me")).to_have_text("đang soạn tin…")
    await page.get_by_role("button", name="Đổi người").click()
    await choose(page, "Lê Hoàng Yến")
    await expect(page.locator(".row")).to_have_count(0)
    await expect(page.locator(".messages")).to_contain_text("Chưa có tin nhắn")
