"""A local Zalo Bot Platform emulator: tests, the sandbox and benchmarks run the Zalo channel against it.

It follows the public copy of the official docs (docs/zalo-bot-doc.md in lamdt1/ckvn-bot;
../shared/knowledge/zalo-bot-platform.md):

- ``<base>/bot<TOKEN>/<method>``, GET or POST, parameters in the query, a form, multipart or a JSON object;
  method names are case-sensitive. Answers ``{"ok": true, "result": …}`` or
  ``{"ok": false, "error_code": N, "description": "…"}`` (HTTP status = error_code: assumed).
- Methods: getMe, getUpdates, setWebhook, deleteWebhook, getWebhookInfo, sendMessage, sendPhoto,
  sendSticker, sendChatAction. Anything else (editMessageText, answerCallbackQuery, sendDocument, …)
  answers the `unknown_method` error. Parameters the docs do not list (reply_markup, parse_mode, …) are
  ignored and recorded in ``ZaloCall.ignored``; with ``strict_params`` they are refused (400).
- ``getUpdates(timeout)`` long-polls and returns ONE update per call (``result`` is one object:
  ``{"message": {...}, "event_name": "..."}``); no offset: an update handed out is gone. It is refused while
  a webhook is set. A long poll whose connection is dropped (the bot stopped) takes no update (assumed:
  the docs are silent; webhook mode does not depend on it). With no update before the timeout it answers
  408 "Request timeout" (what third-party clients report; `empty_poll` setting).
- Ids (``from.id``, ``chat.id``, ``message_id``) are 20-character hex strings; ``date`` is in milliseconds.
- Events: message.text.received (``text``), message.image.received (``photo`` URL, ``caption``),
  message.sticker.received (``sticker``, ``url``), message.unsupported.received (no content).
- ``setWebhook(url, secret_token)``: HTTPS (plain HTTP allowed on loopback), secret of 8–256 characters;
  every update is then POSTed there as ``{"ok": true, "result": update}`` with the header
  ``X-Bot-Api-Secret-Token``, in order, retried `webhook_attempts` times. Only loopback URLs (or origins
  mapped with `public_origins`) are reached: the emulator never touches the internet.
- ``sendMessage``: text of 1–2,000 characters (counted in UTF-16 units, the strict reading) else 400;
  ``sendPhoto``: ``photo`` is a URL (fetched and checked when on loopback), ``caption`` ≤ 2,000;
  a chat id that never wrote to the bot answers the `unknown_chat` error (400 "user not found": assumed).
- Rate limits are unpublished: ``quota_exceeded(token, n)`` makes the next n calls answer 429
  "Quota exceeded"; ``rate_limit_per_s`` caps calls per second.

In a test::

    async with ZaloEmulator() as emu:
        client = ZaloClient(TOKEN, api_url=emu.base_url)
        lan = ZaloUser.named("Lan")
        await emu.send_text(TOKEN, lan, "xin chào")
        update = await client.get_updates(timeout=1)
        await client.send_message(update.chat_id, "Chào Lan")
        [sent] = emu.sent(TOKEN, lan.id)

From another process: ``python -m bot.emulator.zalo --port 8082`` and
``bot.emulator.zalo.client.ZaloEmulatorClient`` (routes listed in ``bot.emulator.zalo.control``).
"""

from bot.emulator.common import WebhookDelivery
from bot.emulator.zalo.server import ZaloEmulator
from bot.emulator.zalo.state import (
    IMAGE_EVENT,
    SECRET_HEADER,
    STICKER_EVENT,
    TEXT_EVENT,
    TEXT_LIMIT,
    UNSUPPORTED_EVENT,
    ZaloCall,
    ZaloEmulatorConfig,
    ZaloEmulatorError,
    ZaloUser,
)

__all__ = [
    "IMAGE_EVENT",
    "SECRET_HEADER",
    "STICKER_EVENT",
    "TEXT_EVENT",
    "TEXT_LIMIT",
    "UNSUPPORTED_EVENT",
    "WebhookDelivery",
    "ZaloCall",
    "ZaloEmulator",
    "ZaloEmulatorConfig",
    "ZaloEmulatorError",
    "ZaloUser",
]
