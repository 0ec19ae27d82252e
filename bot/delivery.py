"""The delivery worker: drains the outbox through the Bot API, paced and crash-safe."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import InlineKeyboardMarkup, InputFile, Message, ReplyKeyboardMarkup, TelegramObject
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.core.pacing import Pacer
from storage.outbox import QueuedMessage

logger = logging.getLogger(__name__)

ProgressListener = Callable[[str], Awaitable[None]]
CLAIM_SIZE = 20
MAX_IN_FLIGHT = 8
IDLE_WAIT_SECONDS = 1.0


class DeliveryWorker:
    """One background task per bot: claim queued rows, send them paced, record each outcome.

    Rows are marked 'sending' (committed) before the send, so after a crash only those
    in flight can be sent twice; `requeue_in_flight` puts them back at start. Sends are
    paced by a `Pacer` (overall rate, one a second per private chat, 20 a minute per group)
    and run up to MAX_IN_FLIGHT at a time, so a slow API round trip does not cap the rate.
    A 429 pauses every send for its `retry_after` and puts the row back in the queue.
    """

    def __init__(self, app: Application, *, pacer: Pacer | None = None) -> None:
        self._app = app
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listeners: list[tuple[str, ProgressListener]] = []
        self._idle = asyncio.Event()
        self.pacer = pacer or Pacer()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._file_ids: dict[int, str] = {}
        self._uploads: dict[int, asyncio.Lock] = {}

    @property
    def _services(self):
        return self._app.bot_data["services"]

    async def start(self) -> None:
        """Requeue rows left in flight by a crash, then start draining."""
        requeued = await self._services.outbox.requeue_in_flight()
        if requeued:
            logger.warning("requeued %d outbox rows that were in flight when the bot stopped", requeued)
        self._task = asyncio.create_task(self._run(), name="delivery-worker")

    async def stop(self) -> None:
        """Stop claiming, let the sends in flight finish and be recorded."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    def wake(self) -> None:
        """New rows were queued (or the clock moved): look at the queue now."""
        self._idle.clear()
        self._wake.set()

    def on_progress(self, batch_prefix: str, listener: ProgressListener) -> None:
        """Call listener(batch) after each outcome in a batch whose name starts with the prefix."""
        self._listeners.append((batch_prefix, listener))

    # A bounded wait is this helper's contract (callers rely on the default, no outer asyncio.timeout).
    async def wait_idle(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
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
                if self._in_flight:
                    await asyncio.wait(set(self._in_flight))
                    continue
                self._wake.clear()
                self._idle.set()
                wait = await self._idle_wait()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                continue
            self._idle.clear()
            for index, row in enumerate(claimed):
                try:
                    await self._dispatch(row)
                except asyncio.CancelledError:
                    await asyncio.shield(self._release(claimed[index:]))
                    raise

    async def _release(self, rows: list[QueuedMessage]) -> None:
        """Claimed rows that were not sent go back to the queue (graceful stop)."""
        now = self._services.clock.now()
        for row in rows:
            await self._services.outbox.retry_later(row.id, at=now, error="released", count_attempt=False)

    async def _idle_wait(self) -> float:
        """Sleep until the next row falls due (a retry, a 429 pause), at most IDLE_WAIT_SECONDS."""
        try:
            ready_at = await self._services.outbox.next_ready_at()
        except Exception:
            return IDLE_WAIT_SECONDS
        if ready_at is None:
            return IDLE_WAIT_SECONDS
        return min(IDLE_WAIT_SECONDS, max(0.01, (ready_at - self._services.clock.now()).total_seconds()))

    async def _dispatch(self, row: QueuedMessage) -> None:
        """Wait for the pacer, then send in the background; a busy chat's row waits in the queue."""
        chat_wait = self.pacer.chat_wait(row.chat_id, time.monotonic())
        if chat_wait > 0:
            await self._services.outbox.retry_later(
                row.id,
                at=self._services.clock.now() + timedelta(seconds=chat_wait),
                error="paced",
                count_attempt=False,
            )
            return
        # Pacing: sleep exactly until the rate limiter has room again; there is no event to wait for.
        while (wait := self.pacer.overall_wait(time.monotonic())) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)
        await self._slots.acquire()
        self.pacer.take(row.chat_id, time.monotonic())
        task = asyncio.create_task(self._deliver_released(row), name=f"deliver-{row.id}")
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _deliver_released(self, row: QueuedMessage) -> None:
        try:
            await self._deliver(row)
        finally:
            self._slots.release()

    async def _deliver(self, row: QueuedMessage) -> float:
        """Send one row and record the outcome; return seconds to pause everything (429)."""
        outbox, now = self._services.outbox, self._services.clock.now()
        pause = 0.0
        try:
            message = await self._send(row)
        except RetryAfter as exc:
            pause = _seconds(exc.retry_after)
            self.pacer.pause(pause, time.monotonic())
            logger.warning("429 from the Bot API: pausing deliveries for %.1f s", pause)
            await outbox.retry_later(
                row.id, at=now + timedelta(seconds=pause), error="429", count_attempt=False
            )
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
        if row.blob_id is None:
            raise BadRequest("attachment is missing")
        if row.blob_id in self._file_ids:
            return await self._send_file(row, self._file_ids[row.blob_id], markup)
        async with self._uploads.setdefault(row.blob_id, asyncio.Lock()):
            if row.blob_id in self._file_ids:
                return await self._send_file(row, self._file_ids[row.blob_id], markup)
            blob = await self._services.outbox.blob(row.blob_id)
            if blob is None:
                raise BadRequest("attachment is missing")
            filename, _mime, data = blob
            return await self._send_file(row, InputFile(data, filename=filename), markup)

    async def _send_file(
        self, row: QueuedMessage, upload: str | InputFile, markup: TelegramObject | None
    ) -> Message:
        """Send a photo or document; the first upload's file id is reused for every later recipient."""
        assert row.blob_id is not None
        bot = self._app.bot
        if row.kind == "photo":
            message = await bot.send_photo(row.chat_id, upload, caption=row.text or None, reply_markup=markup)
            if message.photo:
                self._file_ids[row.blob_id] = message.photo[-1].file_id
            return message
        message = await bot.send_document(row.chat_id, upload, caption=row.text or None, reply_markup=markup)
        if message.document:
            self._file_ids[row.blob_id] = message.document.file_id
        return message

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
