"""The delivery worker: drains the outbox through the Bot API, paced and crash-safe."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import InlineKeyboardMarkup, InputFile, Message, ReplyKeyboardMarkup, TelegramObject
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from storage.outbox import QueuedMessage

logger = logging.getLogger(__name__)

ProgressListener = Callable[[str], Awaitable[None]]
CLAIM_SIZE = 25
IDLE_WAIT_SECONDS = 1.0


class DeliveryWorker:
    """One background task per bot: claim queued rows, send them, record each outcome.

    Rows are marked 'sending' (committed) before the send, so after a crash only those
    in flight can be sent twice; `requeue_in_flight` puts them back at start.
    """

    def __init__(self, app: Application) -> None:
        self._app = app
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listeners: list[tuple[str, ProgressListener]] = []
        self._idle = asyncio.Event()

    @property
    def _services(self):  # noqa: ANN202 - Services, imported lazily to avoid a cycle
        return self._app.bot_data["services"]

    async def start(self) -> None:
        """Requeue rows left in flight by a crash, then start draining."""
        requeued = await self._services.outbox.requeue_in_flight()
        if requeued:
            logger.warning("requeued %d outbox rows that were in flight when the bot stopped", requeued)
        self._task = asyncio.create_task(self._run(), name="delivery-worker")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        """New rows were queued (or the clock moved): look at the queue now."""
        self._idle.clear()
        self._wake.set()

    def on_progress(self, batch_prefix: str, listener: ProgressListener) -> None:
        """Call listener(batch) after each outcome in a batch whose name starts with the prefix."""
        self._listeners.append((batch_prefix, listener))

    async def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait until nothing is ready to send (tests, sandbox, graceful stop)."""
        await asyncio.wait_for(self._idle.wait(), timeout)

    async def _run(self) -> None:
        while True:
            try:
                claimed = await self._services.outbox.claim(self._services.clock.now(), CLAIM_SIZE)
            except Exception:
                logger.exception("could not read the outbox")
                claimed = []
            if not claimed:
                self._idle.set()
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_WAIT_SECONDS)
                continue
            for index, row in enumerate(claimed):
                pause = await self._deliver(row)
                if pause:
                    await self._release(claimed[index + 1:])
                    await asyncio.sleep(pause)
                    break

    async def _release(self, rows: list[QueuedMessage]) -> None:
        now = self._services.clock.now()
        for row in rows:
            await self._services.outbox.retry_later(row.id, at=now, error="paused", count_attempt=False)

    async def _deliver(self, row: QueuedMessage) -> float:
        """Send one row and record the outcome; return seconds to pause everything (429)."""
        outbox, now = self._services.outbox, self._services.clock.now()
        pause = 0.0
        try:
            message = await self._send(row)
        except RetryAfter as exc:
            pause = _seconds(exc.retry_after)
            await outbox.retry_later(row.id, at=now + timedelta(seconds=pause), error="429", count_attempt=False)
        except Forbidden as exc:
            await outbox.mark_unreachable(row.id, exc.message)
            if row.member_id is not None:
                await self._services.members.mark_unreachable(row.member_id)
        except BadRequest as exc:
            logger.warning("outbox row %s refused by the Bot API: %s", row.id, exc.message)
            await outbox.fail(row.id, exc.message)
        except (TimedOut, NetworkError) as exc:
            backoff = timedelta(seconds=min(300, 2 ** (row.attempts + 1)))
            await outbox.retry_later(row.id, at=now + backoff, error=str(exc))
        except Exception as exc:
            logger.exception("outbox row %s failed unexpectedly", row.id)
            await outbox.retry_later(row.id, at=now + timedelta(seconds=30), error=repr(exc))
        else:
            await outbox.mark_sent(row.id, message_id=message.message_id, now=self._services.clock.now())
        await self._notify(row.batch)
        return pause

    async def _send(self, row: QueuedMessage) -> Message:
        bot = self._app.bot
        markup = _markup(row.markup, bot)
        if row.kind == "text":
            return await bot.send_message(row.chat_id, row.text, reply_markup=markup)
        blob = await self._services.outbox.blob(row.blob_id) if row.blob_id else None
        if blob is None:
            raise BadRequest("attachment is missing")
        filename, _mime, data = blob
        if row.kind == "photo":
            return await bot.send_photo(row.chat_id, InputFile(data, filename=filename), caption=row.text or None,
                                        reply_markup=markup)
        return await bot.send_document(row.chat_id, InputFile(data, filename=filename), caption=row.text or None,
                                       reply_markup=markup)

    async def _notify(self, batch: str) -> None:
        for prefix, listener in self._listeners:
            if batch.startswith(prefix):
                try:
                    await listener(batch)
                except Exception:
                    logger.exception("progress listener for %s failed", batch)


def _seconds(value: object) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)  # type: ignore[arg-type]


def _markup(data: dict | None, bot: object) -> TelegramObject | None:
    """Rebuild a stored reply markup (inline or reply keyboard)."""
    if not data:
        return None
    if "inline_keyboard" in data:
        return InlineKeyboardMarkup.de_json(data, bot)  # type: ignore[arg-type]
    return ReplyKeyboardMarkup.de_json(data, bot)  # type: ignore[arg-type]
