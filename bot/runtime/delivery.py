"""The delivery worker: drains the outbox through each recipient's channel, paced and crash-safe."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from bot.background import cancel_and_wait
from bot.channels.base import Channel, RateLimited, Rejected, TransientFailure, Unreachable
from bot.runtime.leases import LeaseKeeper, still_held
from storage.outbox import QueuedMessage

if TYPE_CHECKING:
    from bot.runtime import Runtime

logger = logging.getLogger(__name__)

ProgressListener = Callable[[str], Awaitable[None]]
CLAIM_SIZE = 20
MAX_IN_FLIGHT = 8
IDLE_WAIT_SECONDS = 1.0
RECORD_RETRY_SECONDS = 0.5
RECORD_RETRY_MAX_SECONDS = 5.0


class DeliveryWorker:
    """One background task per process: claim queued rows, send them paced, record each outcome.

    Rows are claimed (marked 'sending' for this replica, committed) before the send, so after a crash only
    those in flight can be sent twice; `requeue_in_flight` puts them back at start. With several replicas over
    a shared database each claim holds a lease, renewed while the row is held here; a dead replica's rows are
    claimed by another once their lease runs out (storage/outbox.py). Each channel paces its own sends
    (`Channel.pacer`: overall rate, per chat; the rate shared by the replicas, bot/runtime/pacing.py) and up
    to MAX_IN_FLIGHT sends run at once, so a slow round trip does not cap the rate. A rate-limit answer pauses
    that channel for its `retry_after` and puts the row back in the queue.
    """

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listeners: list[tuple[str, ProgressListener]] = []
        self._idle = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._stopping = False
        self._chats: dict[tuple[str, str], asyncio.Lock] = {}
        self._held: LeaseKeeper[int] = LeaseKeeper("outbox")
        """The claimed rows not yet recorded (their leases are renewed while they are here)."""

    @property
    def _services(self):  # noqa: ANN202 - the runtime's Services
        return self._runtime.services

    @property
    def _channels(self) -> dict[str, Channel]:
        return self._runtime.channels

    async def start(self) -> None:
        """Requeue rows left in flight by a crash, then start draining."""
        self._stopping = False
        requeued = await self._services.outbox.requeue_in_flight()
        if requeued:
            logger.warning("requeued %d outbox rows that were in flight when the bot stopped", requeued)
        self._held.start(self._services.outbox.renew, self._services)
        self._task = asyncio.create_task(self._run(), name="delivery-worker")

    async def stop(self) -> None:
        """Stop claiming, let the sends in flight finish and be recorded."""
        self._stopping = True
        if self._task is not None:
            self._wake.set()
        await cancel_and_wait(self._task, self._in_flight)
        self._task = None
        await self._held.stop()

    def wake(self) -> None:
        """New rows were queued (or the clock moved): look at the queue now."""
        self._idle.clear()
        self._wake.set()

    def on_progress(self, batch_prefix: str, listener: ProgressListener) -> None:
        """Call listener(batch) after each outcome in a batch whose name starts with the prefix."""
        self._listeners.append((batch_prefix, listener))

    async def wait_idle(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - a bounded wait for tests
        """Wait until nothing is ready to send (tests, sandbox, graceful stop)."""
        await asyncio.wait_for(self._idle.wait(), timeout)

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()  # before the claim: a wake while it runs (a row queued, time moved) is kept
            try:
                now = self._services.clock.now()
                claimed = await self._services.outbox.claim(now, CLAIM_SIZE, tuple(self._channels))
                claimed = await still_held(
                    claimed, lambda row: row.id, self._services.outbox.renew, self._services, now
                )
            except Exception:
                logger.exception("could not read the outbox")
                claimed = []
            if not claimed:
                if self._in_flight:
                    await asyncio.wait(set(self._in_flight))
                    continue
                if self._wake.is_set():  # woken while claiming: what woke it may be ready now
                    continue
                self._idle.set()
                wait = await self._idle_wait()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):  # (asyncio.wait_for can swallow a cancel on 3.11)
                        await self._wake.wait()
                continue
            self._idle.clear()
            self._held.hold([row.id for row in claimed])
            for index, row in enumerate(claimed):
                try:
                    await self._dispatch(row)
                except asyncio.CancelledError:
                    await asyncio.shield(self._release(claimed[index:]))
                    raise
                except Exception:
                    logger.exception("could not send outbox row %s; tried again after its lease", row.id)
                    self._held.release(row.id)

    async def _release(self, rows: list[QueuedMessage]) -> None:
        """Claimed rows that were not sent go back to the queue (graceful stop)."""
        now = self._services.clock.now()
        for row in rows:
            await self._services.outbox.retry_later(row.id, at=now, error="released", count_attempt=False)
            self._held.release(row.id)

    async def _idle_wait(self) -> float:
        """Sleep until the next row falls due (a retry, a pause), at most IDLE_WAIT_SECONDS."""
        try:
            ready_at = await self._services.outbox.next_ready_at()
        except Exception:
            return IDLE_WAIT_SECONDS
        if ready_at is None:
            return IDLE_WAIT_SECONDS
        return min(IDLE_WAIT_SECONDS, max(0.01, (ready_at - self._services.clock.now()).total_seconds()))

    async def _dispatch(self, row: QueuedMessage) -> None:
        """Wait for the channel's pacer, then send in the background; a busy chat's row waits in the queue."""
        channel = self._channels[row.channel]
        pacer = channel.pacer
        chat_wait = pacer.chat_wait(row.chat_id, time.monotonic())
        if chat_wait > 0:
            await self._services.outbox.retry_later(
                row.id,
                at=self._services.clock.now() + timedelta(seconds=chat_wait),
                error="paced",
                count_attempt=False,
            )
            self._held.release(row.id)
            return
        while (wait := pacer.overall_wait(time.monotonic())) > 0:  # noqa: ASYNC110 - a token bucket
            await asyncio.sleep(wait)
        await self._slots.acquire()
        pacer.take(row.chat_id, time.monotonic())
        task = asyncio.create_task(self._deliver_released(channel, row), name=f"deliver-{row.id}")
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _deliver_released(self, channel: Channel, row: QueuedMessage) -> None:
        """Rows to one chat go out one after another, in the order claimed (asyncio locks are FIFO)."""
        key = (row.channel, row.chat_id)
        lock = self._chats.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                await self._deliver(channel, row)
        except Exception:
            logger.exception("could not send outbox row %s; it is tried again after its lease", row.id)
        finally:
            self._held.release(row.id)
            self._slots.release()
            if len(self._chats) > 10_000:
                self._chats = {k: v for k, v in self._chats.items() if v.locked()}

    async def _deliver(self, channel: Channel, row: QueuedMessage) -> None:
        """Send one row and record the outcome; a replacement finds the message it replaces first."""
        outbox, now = self._services.outbox, self._services.clock.now()
        if row.replaces is not None:
            replaced = await outbox.replaced(row.replaces)
            if replaced is None or replaced[0] != "sent" or replaced[1] is None:
                await outbox.skip(row.id, "nothing to replace")
                await self._notify(row.batch)
                return
            row = replace(row, replaces_message_id=replaced[1])
        outcome: Callable[[], Awaitable[object]]
        try:
            message_id = await channel.deliver(row, outbox.blob)
        except RateLimited as exc:
            channel.pacer.pause(exc.retry_after, time.monotonic())
            logger.warning(
                "%s asked to slow down: pausing its deliveries for %.1f s", row.channel, exc.retry_after
            )
            later = now + timedelta(seconds=exc.retry_after)
            outcome = partial(outbox.retry_later, row.id, at=later, error=exc.reason, count_attempt=False)
        except Unreachable as exc:
            outcome = partial(self._unreachable, row, exc.reason)
        except Rejected as exc:
            logger.warning("outbox row %s refused by %s: %s", row.id, row.channel, exc.reason)
            outcome = partial(outbox.fail, row.id, exc.reason)
        except TransientFailure as exc:
            backoff = timedelta(seconds=min(300, 2 ** (row.attempts + 1)))
            outcome = partial(outbox.retry_later, row.id, at=now + backoff, error=exc.reason)
        except Exception as exc:
            logger.exception("outbox row %s failed unexpectedly", row.id)
            outcome = partial(outbox.retry_later, row.id, at=now + timedelta(seconds=30), error=repr(exc))
        else:
            outcome = partial(outbox.mark_sent, row.id, message_id=message_id, now=self._services.clock.now())
        await self._record(row, outcome)
        await self._notify(row.batch)

    async def _unreachable(self, row: QueuedMessage, reason: str) -> None:
        await self._services.outbox.mark_unreachable(row.id, reason)
        if row.member_id is not None:
            await self._services.members.mark_unreachable(row.member_id, row.channel)

    async def _record(self, row: QueuedMessage, outcome: Callable[[], Awaitable[object]]) -> None:
        """Record a send's outcome. While the database is away it is tried again (the row stays held) for
        up to a lease, unless the worker is stopping: a message that went out is then not sent again."""
        deadline = time.monotonic() + self._services.settings.lease_seconds
        pause = RECORD_RETRY_SECONDS
        while True:
            try:
                await outcome()
                return
            except Exception:
                if self._stopping or time.monotonic() + pause > deadline:
                    raise
                logger.warning("could not record the outcome of outbox row %s; trying again", row.id)
            await asyncio.sleep(pause)
            pause = min(pause * 2, RECORD_RETRY_MAX_SECONDS)

    async def _notify(self, batch: str) -> None:
        for prefix, listener in self._listeners:
            if batch.startswith(prefix):
                try:
                    await listener(batch)
                except Exception:
                    logger.exception("progress listener for %s failed", batch)
