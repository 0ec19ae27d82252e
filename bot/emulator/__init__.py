"""A local Telegram Bot API emulator: end-to-end tests, the sandbox and benchmarks run the real bot
against it.

In a test::

    async with BotApiEmulator() as emu:
        app = ApplicationBuilder().token(TOKEN).base_url(emu.base_url)
        app = app.base_file_url(emu.base_file_url).build()
        ...start polling...
        await emu.wait_polling(TOKEN)
        mark = emu.mark(TOKEN)
        await emu.send_text(TOKEN, FakeUser(1, "Lan"), "/start")
        [reply] = await emu.wait_for(TOKEN, method="sendMessage", chat_id=1, since=mark)

With ``setWebhook(url, secret_token)`` (HTTPS, or plain HTTP on loopback) updates are POSTed to the bot
instead, with the ``X-Telegram-Bot-Api-Secret-Token`` header: up to ``max_connections`` (default 40) at
once, each chat's one at a time, in order, as Telegram does; an answer other than 2xx is tried again
(``webhook_attempts``, ``webhook_retry_s``; the chat's later updates wait) and reported by getWebhookInfo,
and getUpdates answers 409 until deleteWebhook. ``emu.deliveries(token)`` lists every push.

From another process: ``python -m bot.emulator --port 8081`` and ``bot.emulator.client.EmulatorClient``.
"""

from bot.emulator.ratelimit import RateLimits
from bot.emulator.server import BotApiEmulator
from bot.emulator.state import ApiError, Call, EmulatorError, FakeUser

__all__ = ["ApiError", "BotApiEmulator", "Call", "EmulatorError", "FakeUser", "RateLimits"]
