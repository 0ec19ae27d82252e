"""Fixtures for tests that run the real PTB Application against the local Bot API emulator.

Import what you need: ``from tests.emulator_fixtures import emulator, running_bot, TOKEN``.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "1")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from telegram.ext import Application, ApplicationBuilder

from bot.emulator import BotApiEmulator, FakeUser

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
async def running_bot(
    app: Application, emu: BotApiEmulator, token: str = TOKEN
) -> AsyncIterator[Application]:
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


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    """A valid PNG of the given size (all white)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
