"""Telegram as one channel at the edge: python-telegram-bot receives updates and talks to the Bot API.

Updates arrive by long polling, or, with TELEGRAM_WEBHOOK_URL, at the bot's web server: each is checked (the
secret header, a well-formed Update) and recorded in the inbox before Telegram is answered 200, then handled
by whichever replica claims it (bot/runtime/inbox.py). Every update becomes a neutral `Input` for
`Runtime.handle()`; the turn's replies come back neutral and are rendered here (inline buttons, reply
keyboards, documents, edits of the pressed message). Queued outbox rows are sent by `deliver()`. One pacer
(`bot.core.pacing.Pacer`) paces everything this channel sends, replies and deliveries alike, and a "retry
after" from Telegram pauses it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeDefault, InputFile, Message, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, ApplicationBuilder, CallbackContext, Defaults, TypeHandler
from telegram.request import BaseRequest

from bot.channels.base import (
    ApiUnreachable,
    BlobLoader,
    CardRef,
    RateLimited,
    Rejected,
    TokenRejected,
    TransientFailure,
    Unreachable,
    WebhookRefused,
)
from bot.channels.telegram.inputs import CHANNEL, to_input
from bot.channels.telegram.render import CAPTION_LIMIT, TEXT_LIMIT, inline_markup, reply_markup
from bot.channels.telegram.request import telegram_requests
from bot.channels.telegram.updates import PerChatUpdateProcessor, chat_key
from bot.config import Settings
from bot.conversation import markup
from bot.conversation.inputs import Input
from bot.conversation.replies import Attachment, EditChoices, Output, Reply, Toast
from bot.core.pacing import OVERALL_PER_SECOND, Pacer
from bot.i18n import SUPPORTED_LOCALES
from bot.runtime.describe import describe

if TYPE_CHECKING:
    from aiohttp import web

    from bot.runtime import Runtime
    from bot.runtime.inbox import Receipt
    from storage.outbox import QueuedMessage

logger = logging.getLogger(__name__)
errors = logging.getLogger("bot.errors")

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
MAX_RETRIES = 2
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class Sent:
    """A text message the bot sent: its id is all later edits and replacements need."""

    message_id: int


class TelegramChannel:
    """The Telegram adapter: receive (long polling or webhook), render replies, deliver queued messages."""

    name = CHANNEL
    text_limit = TEXT_LIMIT
    send_rate = OVERALL_PER_SECOND
    """Messages a second the whole channel sends (Telegram allows about 30); benchmarks lift it."""

    def __init__(
        self,
        runtime: Runtime,
        settings: Settings,
        *,
        request: BaseRequest | None = None,
        poll_timeout: float = 10,
    ) -> None:
        self.runtime = runtime
        self.settings = settings
        self.poll_timeout = poll_timeout
        self.pacer = Pacer(rate=self.send_rate)
        self._file_ids: dict[int, str] = {}
        self._uploads: dict[int, asyncio.Lock] = {}
        self._watch: asyncio.Task[None] | None = None
        self.app = self._build(request)

    def _build(self, request: BaseRequest | None) -> Application:
        settings = self.settings
        if settings.bot_token is None:
            raise ValueError("a bot token is required for the Telegram channel")
        builder = (
            ApplicationBuilder()
            .token(settings.bot_token)
            .base_url(settings.api_url)
            .base_file_url(settings.file_url)
            .defaults(
                Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.timezone, link_preview_options=None)
            )
            .concurrent_updates(PerChatUpdateProcessor(settings.concurrent_updates))
            .job_queue(None)
        )
        if request is not None:
            builder = builder.request(request).get_updates_request(request)
        else:
            calls, polls = telegram_requests(settings.http_client)
            builder = builder.request(calls).get_updates_request(polls)
        app = builder.build()
        app.add_handler(TypeHandler(Update, self._on_update))
        app.add_error_handler(self._on_error)
        return app

    # lifecycle

    @property
    def username(self) -> str | None:
        try:
            return self.app.bot.username
        except RuntimeError:
            return None

    def deep_link(self, payload: str) -> str | None:
        username = self.username
        return f"https://t.me/{username}?start={payload}" if username else None

    async def fetch_file(self, ref: str, max_bytes: int) -> bytes | None:
        """Download a file someone sent (getFile, then the file URL); None when larger than `max_bytes`."""
        found = await self.app.bot.get_file(ref)
        if (found.file_size or 0) > max_bytes:
            return None
        data = bytes(await found.download_as_bytearray())
        return data if len(data) <= max_bytes else None

    @property
    def webhook_mode(self) -> bool:
        return self.settings.telegram_webhook_mode

    async def start(self) -> None:
        """getMe, the command menu, then the webhook or long polling; a refused token or an unreachable API
        is said so."""
        try:
            await self.app.initialize()
            if self.webhook_mode:
                await self._serve_webhook()
        except InvalidToken:
            raise TokenRejected("Telegram rejected the bot token") from None
        except NetworkError as exc:
            raise ApiUnreachable(f"Telegram's Bot API: {type(exc).__name__}") from None
        try:
            await self.set_commands()
        except Exception:
            logger.exception("could not register the bot's commands")
        if self.webhook_mode:
            return
        await self.app.start()
        await self.app.updater.start_polling(
            allowed_updates=ALLOWED_UPDATES,
            poll_interval=0,
            timeout=int(self.poll_timeout),
            error_callback=self._polling_failed,
        )

    def _polling_failed(self, error: TelegramError) -> None:
        """getUpdates failed (python-telegram-bot keeps retrying): one line, then watch for the way back."""
        if not isinstance(error, NetworkError) or self.runtime is None:
            logger.warning("getUpdates failed: %s", error)
            return
        if self._watch is None or self._watch.done():
            self.runtime.connection_lost(self.name)
            self._watch = asyncio.get_running_loop().create_task(self._until_back(), name="telegram-watch")

    async def _until_back(self) -> None:
        pause = 1.0
        while True:
            await asyncio.sleep(pause)
            try:
                await self.app.bot.get_me()
            except NetworkError:
                pause = min(pause * 2, 60.0)
                continue
            self.runtime.connection_back(self.name)
            return

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()

    async def set_commands(self) -> None:
        """setMyCommands: Vietnamese by default, English for English-language clients."""
        for locale in SUPPORTED_LOCALES:
            t = self.runtime.i18n.translator(locale)
            commands = [
                BotCommand(spec.name, t.gettext(spec.description)[:256])
                for spec in self.runtime.router.specs
                if spec.in_menu
            ]
            await self.app.bot.set_my_commands(
                commands, scope=BotCommandScopeDefault(), language_code=None if locale == "vi" else locale
            )

    async def wait_processed(self, update_id: int, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Until the update with this id has been handled (tests and the sandbox)."""
        processor = self.app.update_processor
        assert isinstance(processor, PerChatUpdateProcessor)
        await processor.wait_processed(update_id, timeout)

    # receiving

    async def _serve_webhook(self) -> None:
        """Serve the webhook at TELEGRAM_WEBHOOK_URL's path, hand recorded updates to `process_recorded`,
        and tell Telegram (setWebhook: every replica sets the same)."""
        url, secret = self.settings.telegram_webhook_url, self.settings.telegram_webhook_secret
        web = self.runtime.web
        assert url and secret and web is not None
        web.add_hook(self.name, self.webhook, path=urlsplit(url).path)
        self.runtime.inbox.serve(self.name, self.process_recorded)
        try:
            await self.app.bot.set_webhook(url, allowed_updates=ALLOWED_UPDATES, secret_token=secret)
        except BadRequest as exc:
            raise WebhookRefused("Telegram", "TELEGRAM_WEBHOOK_URL", exc.message) from None

    async def webhook(self, request: web.Request) -> web.Response:
        """Telegram's push: 403 without the secret, 400 for what is not an Update, 503 when it could not be
        recorded (Telegram delivers it again), else 200 once it is in the inbox (or was already)."""
        from aiohttp import web

        from bot.runtime.web import accept_update, require_secret

        require_secret(request, SECRET_HEADER, self.settings.telegram_webhook_secret, "Telegram")
        try:
            data = await request.json()
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an Update")
            update = Update.de_json(data, self.app.bot)
        except Exception:
            logger.warning("a Telegram webhook request that is not an update was refused")
            raise web.HTTPBadRequest() from None
        return await accept_update(self.runtime, self.name, str(update.update_id), chat_key(update), data)

    async def process_recorded(self, payload: dict[str, Any], receipt: Receipt) -> None:
        """A recorded update's turn (marked handled in its transaction), then the answer."""
        update = Update.de_json(payload, self.app.bot)
        try:
            await self._turn(update, receipt)
        except Exception as error:
            if receipt.state != "done":
                raise  # the turn did not commit: the inbox tries again
            await self._answer_failed(update, error)
        finally:
            processor = self.app.update_processor
            if isinstance(processor, PerChatUpdateProcessor):
                processor.mark_done(update)

    async def _on_update(self, update: Update, _ctx: CallbackContext) -> None:
        await self._turn(update)

    async def _turn(self, update: Update, receipt: Receipt | None = None) -> None:
        inp = to_input(update)
        if inp is None or not self.runtime.started:
            return
        outputs = await self.runtime.handle(inp, receipt=receipt)
        if receipt is not None and receipt.state == "retrying":
            return  # tried again later: a press is answered then
        await self._render(update, inp, outputs)

    async def _render(self, update: Update, inp: Input, outputs: list[Output]) -> None:
        """Send the turn's replies: the press is answered once (with the first toast), then the rest."""
        query = update.callback_query
        pressed: Message | None = (
            query.message if query is not None and isinstance(query.message, Message) else None
        )
        toasts = [o for o in outputs if isinstance(o, Toast)]
        if query is not None:
            first = toasts[0] if toasts else None
            await self._paced(
                query.answer,
                first.text if first else None,
                show_alert=bool(first and first.alert),
            )
        chat_id = inp.sender.chat_id
        for output in outputs:
            if isinstance(output, Toast):
                if query is None or output is not toasts[0]:
                    await self._send(chat_id, Reply(output.text))
            elif isinstance(output, EditChoices):
                if pressed is not None and (pressed.reply_markup is not None or output.choices):
                    keyboard = inline_markup(Reply("", output.choices))
                    await self._quietly(self._paced(pressed.edit_reply_markup, keyboard))
            elif output.edits and pressed is not None and output.attachment is None:
                await self._edit(pressed, output)
            else:
                await self._send(chat_id, output)

    async def _edit(self, message: Message, reply: Reply) -> None:
        """Replace the pressed message's text (or caption) and buttons (a new message if it cannot be)."""
        text = markup.split(reply.text, CAPTION_LIMIT if message.text is None else TEXT_LIMIT)
        try:
            if message.text is None:
                await self._paced(
                    message.edit_caption,
                    text[0],
                    reply_markup=inline_markup(reply),
                )
            else:
                await self._paced(
                    message.edit_text,
                    text[0],
                    reply_markup=inline_markup(reply),
                )
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return
            logger.info("could not edit message %s (%s): sending a new one", message.message_id, exc.message)
            await self._send(str(message.chat.id), reply)
            return
        for part in text[1:]:
            await self._send(str(message.chat.id), Reply(part))

    # sending

    async def _send(
        self, chat_id: str, reply: Reply, *, paced: bool = True, blobs: BlobLoader | None = None
    ) -> Message | Sent:
        """Send one reply (split when long; the attachment first with a short caption); the last message."""
        attachment = reply.attachment
        keyboard = reply_markup(reply)
        if attachment is not None:
            caption = reply.text if len(reply.text) <= CAPTION_LIMIT else None
            message = await self._send_file(
                chat_id,
                attachment,
                caption,
                None if reply.text and caption is None else keyboard,
                paced=paced,
                blobs=blobs,
            )
            if caption is not None or not reply.text:
                return message
        parts = markup.split(reply.text, TEXT_LIMIT)
        message = None
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            message = await self._call(
                self._send_text, chat_id, part, keyboard if last else None, paced=paced
            )
        assert message is not None
        return message

    async def _send_text(self, chat_id: str, text: str, keyboard: object) -> Sent:
        """sendMessage, keeping only the new message's id from Telegram's answer: building a `Message` from it
        costs about 0.4 ms of CPU, an eighth of what answering a message costs (bench/README.md, echo_rtt20).
        `Bot._post` is what `Bot.send_message` calls, with the parameters the `Defaults` would insert."""
        data = {"chat_id": chat_id, "text": text, "parse_mode": ParseMode.HTML, "reply_markup": keyboard}
        result = await self.app.bot._post("sendMessage", data)
        return Sent(int(result["message_id"]))

    async def _send_file(
        self,
        chat_id: str,
        attachment: Attachment,
        caption: str | None,
        keyboard: object,
        *,
        paced: bool,
        blobs: BlobLoader | None,
    ) -> Message:
        """A photo or document; a stored file is uploaded once and its Telegram file id reused."""
        send = self.app.bot.send_photo if attachment.image else self.app.bot.send_document
        blob_id = attachment.blob_id
        if blob_id is None:
            upload = InputFile(await attachment.content(), filename=attachment.filename)
            return await self._call(
                send, chat_id, upload, caption=caption, reply_markup=keyboard, paced=paced
            )
        if blob_id not in self._file_ids:
            async with self._uploads.setdefault(blob_id, asyncio.Lock()):
                if blob_id not in self._file_ids:
                    stored = await (blobs or self.runtime.services.outbox.blob)(blob_id)
                    if stored is None:
                        raise BadRequest("attachment is missing")
                    filename, _mime, data = stored
                    message = await self._call(
                        send,
                        chat_id,
                        InputFile(data, filename=filename),
                        caption=caption,
                        reply_markup=keyboard,
                        paced=paced,
                    )
                    file_id = _file_id(message)
                    if file_id is not None:
                        self._file_ids[blob_id] = file_id
                    return message
        return await self._call(
            send,
            chat_id,
            self._file_ids[blob_id],
            caption=caption,
            reply_markup=keyboard,
            paced=paced,
        )

    async def _paced(self, method, *args, **kwargs):  # noqa: ANN001, ANN202
        return await self._call(method, *args, paced=True, **kwargs)

    async def _call(self, method, *args, paced: bool, **kwargs):  # noqa: ANN001, ANN202
        """One Bot API call within the channel's pace; a 'retry after' pauses the channel and retries."""
        for attempt in range(MAX_RETRIES + 1):
            if paced:
                while (wait := self.pacer.overall_wait(time.monotonic())) > 0:  # noqa: ASYNC110 - a token bucket
                    await asyncio.sleep(wait)
                self.pacer.take_overall(time.monotonic())
            try:
                return await method(*args, **kwargs)
            except RetryAfter as exc:
                seconds = _seconds(exc.retry_after)
                self.pacer.pause(seconds, time.monotonic())
                if not paced or attempt == MAX_RETRIES:
                    raise
                logger.warning("429 from the Bot API: waiting %.1f s before retrying a reply", seconds)
        raise AssertionError("unreachable")

    @staticmethod
    async def _quietly(call) -> None:  # noqa: ANN001
        try:
            await call
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                logger.info("could not update a message: %s", exc.message)

    async def deliver(self, message: QueuedMessage, blobs: BlobLoader) -> str | None:
        """Send a queued row (the delivery worker has paced it); Telegram errors become neutral ones. A row
        that replaces an earlier message edits it (a new message when it can no longer be edited)."""
        try:
            if message.replaces_message_id is not None and message.reply.attachment is None:
                edited = await self._replace(message.chat_id, message.replaces_message_id, message.reply)
                if edited is not None:
                    return edited
            sent = await self._send(message.chat_id, message.reply, paced=False, blobs=blobs)
        except RetryAfter as exc:
            raise RateLimited(_seconds(exc.retry_after)) from exc
        except Forbidden as exc:
            raise Unreachable(exc.message) from exc
        except BadRequest as exc:
            raise Rejected(exc.message) from exc
        except (TimedOut, NetworkError) as exc:
            raise TransientFailure(str(exc)) from exc
        return str(sent.message_id)

    async def _replace(self, chat_id: str, message_id: str, reply: Reply) -> str | None:
        """Edit an earlier message to show `reply`; None when it cannot be edited any more."""
        try:
            await self._call(
                self.app.bot.edit_message_text,
                markup.split(reply.text, TEXT_LIMIT)[0],
                chat_id=chat_id,
                message_id=int(message_id),
                reply_markup=inline_markup(reply),
                paced=False,
            )
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return message_id
            logger.info("could not edit message %s (%s): sending a new one", message_id, exc.message)
            return None
        return message_id

    async def post_card(self, chat_id: str, reply: Reply) -> CardRef | None:
        try:
            message = await self._send(chat_id, reply)
        except TelegramError as exc:
            logger.warning("could not post a message to chat %s: %s", chat_id, exc)
            return None
        return CardRef(self.name, chat_id, str(message.message_id))

    async def update_card(self, card: CardRef, reply: Reply, *, final: bool = False) -> None:
        text = markup.split(reply.text, TEXT_LIMIT)[0]
        try:
            await self._paced(
                self.app.bot.edit_message_text,
                text,
                chat_id=card.chat_id,
                message_id=int(card.message_id),
                reply_markup=inline_markup(reply),
            )
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                logger.warning("could not update message %s: %s", card.message_id, exc.message)
        except TelegramError as exc:
            logger.warning("could not update message %s: %s", card.message_id, exc)

    async def _on_error(self, update: object, ctx: CallbackContext) -> None:
        await self._answer_failed(update, ctx.error)

    async def _answer_failed(self, update: object, error: BaseException | None) -> None:
        """Answering failed after the turn committed: log it (ids only), tell the operators, apologise."""
        if isinstance(error, Forbidden):
            logger.info("a reply could not be delivered: the person blocked the bot")
            return
        inp = to_input(update) if isinstance(update, Update) else None
        where = describe(inp) if inp is not None else type(update).__name__
        errors.error("unhandled error while handling %s", where, exc_info=error)
        if error is not None:
            await self.runtime.report_error(where, error)
        if inp is None:
            return
        try:
            member = await self.runtime.services.member_store.find_by_account(
                self.name, inp.sender.account_id
            )
            await self._send(inp.sender.chat_id, self.runtime.apology(member))
        except Exception:
            errors.warning("could not apologise for the error in %s", where)


def _file_id(message: Message) -> str | None:
    if message.photo:
        return message.photo[-1].file_id
    if message.document is not None:
        return message.document.file_id
    return None


def _seconds(value: object) -> float:
    from datetime import timedelta

    return value.total_seconds() if isinstance(value, timedelta) else float(value)  # type: ignore[arg-type]
