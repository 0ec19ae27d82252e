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
from pathlib import Path

import aiohttp
import pytest

from bot.config import Settings
from bot.sandbox.runner import Sandbox, SandboxOptions

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


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    running = Sandbox(
        SandboxOptions(port=0, database_path=tmp_path / "sandbox.db"),
        Settings(bot_token=None, database_path=tmp_path / "production.db"),
    )
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
    assert not (sandbox.options.database_path.parent / "production.db").exists()


@pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not os.environ.get("CI"), reason="chromium is not installed"
)
async def test_a_newcomer_registers_in_the_browser(sandbox: Sandbox) -> None:
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 360, "height": 740}, locale="vi-VN")
            page.set_default_timeout(15_000)
            await page.goto(sandbox.url)
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
        finally:
            await browser.close()


async def test_the_run_command_without_a_token_starts_the_sandbox(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "SANDBOX_PORT": "0",
        "SANDBOX_DATABASE": str(tmp_path / "sandbox.db"),
        "DATABASE_PATH": str(tmp_path / "production.db"),
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
    assert not (tmp_path / "production.db").exists()


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
