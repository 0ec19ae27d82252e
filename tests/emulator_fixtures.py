"""Fixtures for tests that run the real PTB Application against the local Bot API emulator.

Import what you need: ``from tests.emulator_fixtures import emulator, running_bot, TOKEN``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "1")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from telegram.ext import Application, ApplicationBuilder  # noqa: E402

from bot.emulator import BotApiEmulator, FakeUser  # noqa: E402

TOKEN = "123456:TEST-emulator-token"
LAN = FakeUser(id=1001, first_name="Lan", last_name="Nguyễn", username="lan_nguyen")
MINH = FakeUser(id=1002, first_name="Minh", last_name="Trần")


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """A fresh emulator on a free loopback port."""
    async with BotApiEmulator() as emu:
        yield emu


def application_builder(emu: BotApiEmulator, token: str = TOKEN) -> ApplicationBuilder:
    """An ApplicationBuilder pointed at the emulator (add handlers/limiters before build())."""
    return ApplicationBuilder().token(token).base_url(emu.base_url).base_file_url(emu.base_file_url)


@asynccontextmanager
async def running_bot(app: Application, emu: BotApiEmulator, token: str = TOKEN) -> AsyncIterator[Application]:
    """Initialize, start and poll like run_polling() does, without owning the event loop."""
    async with app:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        await app.updater.start_polling(timeout=1, poll_interval=0)
        await emu.wait_polling(token)
        try:
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
