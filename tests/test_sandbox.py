"""The sandbox: the README's run command without a token brings up the whole bot in a browser."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import pytest

from bot.config import Settings
from bot.sandbox.runner import Sandbox, SandboxOptions
from tests.backend import bot_database, database_env, untouched

if TYPE_CHECKING:
    from playwright.async_api import Page

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def production(tmp_path: Path) -> Settings:
    """The deployment's settings, with its database (on the tests' back-end), which the sandbox never uses."""
    database = bot_database(tmp_path, "production.db")
    if isinstance(database, Path):
        return Settings(bot_token=None, database_path=database)
    return Settings(bot_token=None, database_path=tmp_path / "production.db", database_url=database)


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    running = Sandbox(SandboxOptions(port=0, database_path=tmp_path / "sandbox.db"), production(tmp_path))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def test_the_sandbox_has_demo_people_in_every_role_and_the_sample_district(sandbox: Sandbox) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(sandbox.url + "sandbox/api/people") as response,
    ):
        people = (await response.json())["people"]
    roles = {p["role"] for p in people}
    assert {
        "Quản trị viên (Thường trực Hội)",
        "Cán bộ tổ chức",
        "Lãnh đạo hội phường",
        "Cán bộ chi hội",
        "chưa đăng ký",
    } <= roles
    assert len(people) >= 30
    assert any(p["group"] == "Lãnh đạo hội phường · Phường 15" for p in people)
    assert await sandbox.runtime.services.org.counts() == (15, 79)
    assert sandbox.runtime.services.db.target == str(sandbox.options.database_path)
    assert not (sandbox.options.database_path.parent / "production.db").exists()


@asynccontextmanager
async def phone_page(sandbox: Sandbox) -> AsyncIterator[Page]:
    """The sandbox's page in headless Chromium at a phone's size."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 360, "height": 740}, locale="vi-VN")
            page.set_default_timeout(15_000)
            await page.goto(sandbox.url)
            yield page
        finally:
            await browser.close()


@pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not os.environ.get("CI"), reason="chromium is not installed"
)
async def test_a_newcomer_registers_in_the_browser(sandbox: Sandbox) -> None:
    from playwright.async_api import expect

    async with phone_page(sandbox) as page:
        await page.fill("#search", "người mới 1")
        await page.get_by_role("listitem").filter(has_text="Người mới 1").click()
        await page.fill("#text", "/start")
        await page.press("#text", "Enter")
        greeting = page.locator(".row.bot").filter(has_text="Xin chào!")
        await expect(greeting).to_be_visible()
        await greeting.get_by_role("button", name="Phường 10", exact=True).click()
        await expect(page.locator(".row.bot").filter(has_text="Bây giờ hãy chọn chi hội")).to_be_visible()
        await page.get_by_role("button", name="Chi hội Khu phố 2").click()
        await expect(page.locator(".row.bot").filter(has_text="Vui lòng gõ họ và tên")).to_be_visible()


async def sandbox_api(sandbox: Sandbox, path: str, body: dict | None = None) -> dict:
    async with aiohttp.ClientSession() as session:
        if body is None:
            async with session.get(sandbox.url + path.lstrip("/")) as response:
                return await response.json()
        async with session.post(sandbox.url + path.lstrip("/"), json=body) as response:
            return await response.json()


async def zalo_says(sandbox: Sandbox, user_id: int, text: str, expect: str) -> list[dict]:
    """Type on Zalo as a demo person; the chat once a bot message containing `expect` is there."""
    await sandbox_api(sandbox, f"/sandbox/api/chat/{user_id}/send?channel=zalo", {"text": text})
    for _ in range(100):
        view = await sandbox_api(sandbox, f"/sandbox/api/chat/{user_id}?channel=zalo")
        if any(expect in (m.get("text") or "") for m in view["messages"] if m["from_bot"]):
            return view["messages"]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {expect!r} in {view['messages']}")


async def test_the_sandbox_switches_to_zalo_where_lists_are_typed_and_files_are_links(
    sandbox: Sandbox,
) -> None:
    people = await sandbox_api(sandbox, "/sandbox/api/people")
    assert (await sandbox_api(sandbox, "/sandbox/api/channels"))["channels"] == ["telegram", "zalo"]
    newcomer = next(p for p in people["people"] if p["name"] == "Người mới 1")["user_id"]
    messages = await zalo_says(sandbox, newcomer, "bat dau", "1. Phường 1")
    assert not any("inline_keyboard" in m for m in messages)
    await zalo_says(sandbox, newcomer, "10", "2. Chi hội")

    organiser = next(p for p in people["people"] if p["role"] == "Cán bộ tổ chức")["user_id"]
    messages = await zalo_says(sandbox, organiser, "/report_export", "/files/")
    link = next(m for m in messages if "/files/" in (m.get("text") or ""))
    [entity] = [e for e in link["entities"] if e["type"] == "url"]
    url = link["text"].encode("utf-16-le")[2 * entity["offset"] : 2 * (entity["offset"] + entity["length"])]
    async with aiohttp.ClientSession() as session, session.get(url.decode("utf-16-le")) as response:
        assert response.status == 200 and (await response.read())[:2] == b"PK"
    telegram = await sandbox_api(sandbox, f"/sandbox/api/chat/{organiser}")
    assert not any("/files/" in (m.get("text") or "") for m in telegram["messages"])


@pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not os.environ.get("CI"), reason="chromium is not installed"
)
async def test_the_page_is_readable_by_older_eyes_and_shows_zalo_on_a_switch(sandbox: Sandbox) -> None:
    from playwright.async_api import expect

    async with phone_page(sandbox) as page:
        await page.fill("#search", "người mới 2")
        await page.get_by_role("listitem").filter(has_text="Người mới 2").click()
        await page.fill("#text", "/start")
        await page.press("#text", "Enter")
        await expect(page.locator("#pending")).to_have_text("Bot đang trả lời…")
        greeting = page.locator(".row.bot").filter(has_text="Xin chào!")
        await expect(greeting).to_be_visible()
        await expect(page.locator("#pending")).to_be_hidden()
        size = "el => parseFloat(getComputedStyle(el).fontSize)"
        assert await greeting.locator(".text").evaluate(size) >= 17
        button = greeting.get_by_role("button", name="Phường 10", exact=True)
        assert await button.evaluate(size) >= 16
        assert (await button.bounding_box() or {"height": 0})["height"] >= 44

        await page.press("#text", "Shift+Enter")
        await page.type("#text", "hai dòng")
        assert "\n" in await page.input_value("#text")
        await page.fill("#text", "")

        await page.get_by_test_id("channel-switch").click()
        await expect(page.get_by_test_id("channel-switch")).to_have_text("Zalo ⇄")
        await expect(page.locator(".messages")).to_contain_text("Chưa có tin nhắn")
        await page.fill("#text", "/start")
        await page.press("#text", "Enter")
        listed = page.locator(".row.bot").filter(has_text="1. Phường 1")
        await expect(listed).to_be_visible()
        await expect(page.locator(".row.bot button")).to_have_count(0)
        await page.get_by_test_id("channel-switch").click()
        await expect(page.locator(".row.bot").filter(has_text="Xin chào!")).to_be_visible()


async def test_reset_starts_afresh_with_the_clock_too(tmp_path: Path) -> None:
    from datetime import timedelta

    options = SandboxOptions(port=0, database_path=tmp_path / "sandbox.db")
    base = production(tmp_path)
    first = Sandbox(options, base)
    await first.start()
    first.clock.advance(timedelta(days=30))
    moved = first.clock.now()
    await first.stop()
    again = Sandbox(options, base)
    assert again.clock.now() >= moved
    fresh = Sandbox(SandboxOptions(port=0, database_path=options.database_path, reset=True), base)
    assert fresh.clock.now() < moved - timedelta(days=29)


async def test_the_run_command_without_a_token_starts_the_sandbox(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "SANDBOX_PORT": "0",
        "SANDBOX_DATABASE": str(tmp_path / "sandbox.db"),
        **database_env(production_database := bot_database(tmp_path, "production.db"), tmp_path),
        "NO_PROXY": "127.0.0.1,localhost",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        lines = []
        while True:
            line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
            lines.append(line)
            if "Sandbox ready" in line or not line:
                break
        url = re.search(r"http://127\.0\.0\.1:\d+/", "".join(lines))
        assert url, lines
        async with (
            aiohttp.ClientSession() as session,
            session.get(url.group(0) + "sandbox/api/people") as response,
        ):
            assert response.status == 200
            assert len((await response.json())["people"]) >= 30
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 20)
    assert process.returncode == 0
    assert (tmp_path / "sandbox.db").exists()
    assert untouched(production_database)


def test_the_sandbox_refuses_the_production_database(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "DATABASE_PATH": str(tmp_path / "p.db"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--database", str(tmp_path / "p.db")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "never uses the production database" in result.stderr


async def test_the_picker_marks_the_chair_and_puts_people_who_just_registered_first(sandbox: Sandbox) -> None:
    from bot.sandbox.demo import CHAIR_ID, NEWCOMER_IDS

    people = (await sandbox_api(sandbox, "/sandbox/api/people"))["people"]
    chair = next(p for p in people if p["user_id"] == CHAIR_ID)
    assert "Chủ tịch Hội" in chair["role"] and people.index(chair) == 0
    newcomer = NEWCOMER_IDS[0]
    await sandbox_api(sandbox, f"/sandbox/api/chat/{newcomer}/send", {"text": "/start"})
    await sandbox_api(sandbox, f"/sandbox/api/chat/{newcomer}/send", {"text": "Phường 1"})
    for _ in range(50):
        view = await sandbox_api(sandbox, f"/sandbox/api/chat/{newcomer}")
        buttons = [b for m in view["messages"] for row in m.get("inline_keyboard", []) for b in row]
        if any("Khu phố 1" in b["text"] for b in buttons):
            break
        await asyncio.sleep(0.1)
    wards = next(m for m in view["messages"] if m.get("inline_keyboard"))
    ward = next(b for row in wards["inline_keyboard"] for b in row if b["text"] == "Phường 1")
    await sandbox_api(
        sandbox,
        f"/sandbox/api/chat/{newcomer}/press",
        {"message_id": wards["id"], "callback_data": ward["callback_data"]},
    )
    await asyncio.sleep(0.5)
    view = await sandbox_api(sandbox, f"/sandbox/api/chat/{newcomer}")
    chapters = [m for m in view["messages"] if m.get("inline_keyboard")][-1]
    chapter = chapters["inline_keyboard"][0][0]
    await sandbox_api(
        sandbox,
        f"/sandbox/api/chat/{newcomer}/press",
        {"message_id": chapters["id"], "callback_data": chapter["callback_data"]},
    )
    await asyncio.sleep(0.3)
    await sandbox_api(sandbox, f"/sandbox/api/chat/{newcomer}/send", {"text": "Lê Thị Mới"})
    await asyncio.sleep(0.3)
    await sandbox_api(sandbox, f"/sandbox/api/chat/{newcomer}/send", {"text": "0912345678"})
    await asyncio.sleep(0.5)
    people = (await sandbox_api(sandbox, "/sandbox/api/people"))["people"]
    assert people[0]["user_id"] == newcomer and people[0]["name"] == "Lê Thị Mới"
    assert people[0]["group"] == "vừa đăng ký"


def test_demo_names_match_their_gender_and_the_calendar_names_the_right_weekdays() -> None:
    from datetime import UTC, datetime

    from babel.dates import format_date

    from bot.sandbox.demo import demo_name
    from bot.sandbox.demo_broadcasts import demo_text

    women = {"Lan", "Mai", "Hoa", "Hạnh", "Thảo", "Yến", "Cúc", "Nga", "Liên", "Vân"}
    for index in range(60):
        _family, middle, given = demo_name(index).split()
        assert (middle in {"Thị", "Ngọc", "Thu", "Thanh"}) == (given in women), demo_name(index)
    text = demo_text(datetime(2026, 12, 3, 2, 0, tzinfo=UTC))
    assert "Thứ Bảy 5/12" in text and "Thứ Bảy 12/12" in text
    assert format_date(datetime(2026, 12, 5), "EEEE", locale="vi") == "Thứ Bảy"
