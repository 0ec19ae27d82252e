"""`python -m bot run`: build the runtime with the configured channels and run until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import logging

from bot.background import stop_on_signals
from bot.clock import Clock
from bot.config import Settings
from bot.runtime import Runtime

logger = logging.getLogger(__name__)


def build_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    """The runtime with every channel the settings configure."""
    from bot.channels.telegram.channel import TelegramChannel

    runtime = Runtime(settings, clock=clock)
    if settings.bot_token is not None:
        runtime.add_channel(TelegramChannel(runtime, settings))
    if settings.zalo_token is not None:
        from bot.channels.zalo.channel import ZaloChannel

        runtime.add_channel(ZaloChannel(runtime, settings))
    return runtime


async def serve(runtime: Runtime) -> None:
    """Start, wait for a stop signal, stop gracefully (sends in flight finish, the database closes)."""
    stop = stop_on_signals()
    await runtime.start()
    logger.info("the bot is running (%s)", ", ".join(runtime.channels) or "no channel")
    try:
        await stop.wait()
    finally:
        await runtime.stop()


def run(settings: Settings) -> None:
    asyncio.run(serve(build_runtime(settings)))
