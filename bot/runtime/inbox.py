"""Webhook updates, accepted once and handled once, in order per chat, by any number of replicas.

In webhook mode a channel records every update it receives (`Inbox.record`) and answers the platform 200 only
once that has committed; when the database cannot take it, the webhook answers 503 and the platform delivers
it again. An update delivered twice is recorded once.

Every replica runs this processor: woken at once by its own webhook, by the others through the database
(PostgreSQL's LISTEN/NOTIFY) and by a short poll, it claims the oldest unfinished update of chats that have
none in progress (storage/inbox.py) and hands each to its channel, which runs the turn with a `Receipt`: the
row is marked done inside the turn's own transaction, so a crash before the commit handles it again and a
crash after it does not; the chat's next update waits until the turn's answers have been sent, so they
arrive in order (a crash while they are sent loses what was not sent yet). A claim holds for LEASE_SECONDS
and is renewed while its turn runs, so a replica that died leaves its updates to the others once that has
passed. A turn that fails is tried again after a pause, up to MAX_ATTEMPTS times, then the update is parked
with its error (logged, and counted on /healthz). Handled rows are pruned after KEEP_DONE.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from bot.background import cancel_and_wait
from bot.clock import Clock, SystemClock
from bot.runtime.leases import LeaseKeeper
from storage.db import Database
from storage.inbox import TOPIC, InboxRow, SqliteInbox
from storage.leases import this_process

if TYPE_CHECKING:
    from bot.runtime import Runtime

logger = logging.getLogger(__name__)
errors = logging.getLogger("bot.errors")

MAX_ATTEMPTS = 3
"""Tries of one update before it is parked (a replica that died while handling it counts as one)."""
RETRY_PAUSE = timedelta(seconds=2)
"""Before the second try; doubled before each further one."""
POLL_SECONDS = 1.0
"""Look at the inbox at least this often (updates left by a dead replica; a missed notification)."""
RECORD_TIMEOUT_SECONDS = 10.0
"""A webhook answers 503 when the database has not taken the update by then."""
KEEP_DONE = timedelta(days=7)
PRUNE_EVERY_SECONDS = 3600.0

Consumer = Callable[[dict[str, Any], "Receipt"], Awaitable[None]]
"""A channel's handling of one recorded update: the turn runs with the receipt (`Runtime.handle`)."""


class Receipt:
    """One claimed update on its way through a turn: settled in the turn's transaction, or failed."""

    def __init__(self, inbox: Inbox, row: InboxRow) -> None:
        self._inbox = inbox
        self.row = row
        self.state: Literal["open", "done", "retrying", "parked"] = "open"

    async def settle(self) -> None:
        """Inside the turn's transaction: the update is handled once that commits."""
        db = self._inbox.store_db
        await self._inbox.store.done(self.row.id, self._inbox.replica, now=self._inbox.now())
        db.after_commit(self._committed)

    def _committed(self) -> None:
        self.state = "done"

    async def retry_later(self, error: BaseException) -> bool:
        """After the turn failed and rolled back: True when the update will be tried again (or another
        replica has it), False when it was parked (the person should hear an apology now)."""
        try:
            again = await self._inbox.failed(self.row, f"{type(error).__name__}: {error}")
        except Exception:
            logger.exception("could not record the failure of update %s; its lease will run out", self.row.id)
            again = True
        self.state = "retrying" if again else "parked"
        return again


class Inbox:
    """The inbox processor of one replica, and the door webhooks record updates through."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        clock: Clock | None = None,
        lease: timedelta | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._runtime = runtime
        self._clock = clock or SystemClock()
        """Real time, not the bot's: leases are about processes (the sandbox moves the bot's clock)."""
        self.lease = lease or timedelta(seconds=runtime.settings.lease_seconds)
        """How long a claim holds unless renewed (LEASE_SECONDS): a replica that died leaves its updates to
        the others after this."""
        self.poll_seconds = poll_seconds
        self.retry_pause = RETRY_PAUSE
        self.replica = f"{runtime.settings.replica_id or this_process()}:{uuid.uuid4().hex[:8]}"
        """REPLICA_ID and a suffix for this run (updates given back at stop are never its own again)."""
        self._consumers: dict[str, Consumer] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()
        self._held: LeaseKeeper[int] = LeaseKeeper("inbox")
        """The claimed updates whose turns have not finished (their leases are renewed while they run)."""
        self._pruned_at = float("-inf")

    @property
    def store(self) -> SqliteInbox:
        return self._runtime.services.inbox

    @property
    def store_db(self) -> Database:
        return self._runtime.services.db

    def now(self) -> datetime:
        return self._clock.now()

    def serve(self, channel: str, consumer: Consumer) -> None:
        """Hand the updates recorded for `channel` to `consumer` (a channel in webhook mode, at its start)."""
        self._consumers[channel] = consumer

    async def record(self, channel: str, update_key: str, chat_key: str, payload: dict[str, Any]) -> bool:
        """Keep a webhook's update (committed on return, or an exception: answer 503); False when it was
        recorded before."""
        text = json.dumps(payload, ensure_ascii=False)
        async with asyncio.timeout(RECORD_TIMEOUT_SECONDS):
            return await self.store.record(channel, update_key, chat_key, text, now=self.now())

    # lifecycle

    async def start(self) -> None:
        """Start claiming, when some channel receives by webhook."""
        if not self._consumers or self._task is not None:
            return
        self._runtime.services.db.listen(TOPIC, self.wake)
        self._held.start(self._renew, self._runtime.services)
        self._task = asyncio.create_task(self._run(), name="inbox")

    async def stop(self) -> None:
        """Stop claiming, let the turns in flight finish, give back what was claimed and not finished."""
        task, self._task = self._task, None
        if task is None:
            return
        await cancel_and_wait(task, self._running)
        await self._held.stop()
        try:
            released = await self.store.release(self.replica)
        except Exception:
            logger.exception("could not give back the updates this replica had claimed")
            return
        if released:
            logger.info("gave back %d claimed updates for the other replicas", released)

    def wake(self) -> None:
        """Something was recorded or finished: look at the inbox now."""
        self._wake.set()

    async def _run(self) -> None:
        failures = 0
        while True:
            self._wake.clear()
            try:
                await self._claim()
                await self._prune()
                failures = 0
            except Exception:
                failures += 1
                if failures == 1:
                    logger.exception("could not read the inbox; trying again")
            pause = self.poll_seconds * min(2**failures, 30)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(pause):
                    await self._wake.wait()

    async def _claim(self) -> None:
        free = self._runtime.settings.concurrent_updates - len(self._running)
        rows = await self.store.claim(
            self.replica, tuple(self._consumers), limit=free, now=self.now(), lease=self.lease
        )
        for row in rows:
            if row.attempts > MAX_ATTEMPTS:
                await self.failed(row, "the replicas handling it stopped before finishing")
                continue
            self._held.hold([row.id])
            task = asyncio.create_task(self._process(row), name=f"inbox-{row.id}")
            self._running.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        self.wake()

    async def _renew(self, row_ids: list[int], *, now: datetime) -> int:
        """The leases of the updates being handled here, renewed on real time (not the bot's `now`)."""
        return await self.store.renew(self.replica, row_ids, now=self.now(), lease=self.lease)

    async def _process(self, row: InboxRow) -> None:
        receipt = Receipt(self, row)
        try:
            await self._consumers[row.channel](json.loads(row.payload), receipt)
            if receipt.state == "open":  # no turn ran (an update the bot ignores)
                async with self.store_db.transaction():
                    await receipt.settle()
        except Exception as error:
            if receipt.state == "open":
                logger.exception("could not handle %s update %s", row.channel, row.id)
                await receipt.retry_later(error)
            else:
                logger.exception("%s update %s failed after its turn", row.channel, row.id)
        finally:
            if receipt.state == "done":
                await self._answered(row)
            self._held.release(row.id)

    async def _answered(self, row: InboxRow) -> None:
        """The turn's answers went out (or failed): the chat's next update may go to any replica now."""
        try:
            await self.store.answered(row.id, self.replica)
        except Exception:
            logger.warning("could not mark update %s answered; its chat waits for its lease to end", row.id)
        self.wake()

    async def failed(self, row: InboxRow, error: str) -> bool:
        """Record a failed try: pending again after a pause (True), or parked after MAX_ATTEMPTS (False).
        True as well when another replica has taken the row over."""
        now = self.now()
        give_up = row.attempts >= MAX_ATTEMPTS
        retry_at = None if give_up else now + self.retry_pause * 2 ** (row.attempts - 1)
        ours = await self.store.failed(row.id, self.replica, error, retry_at=retry_at, now=now)
        if ours and give_up:
            errors.error(
                "gave up %s update %s after %d tries; it is parked in the inbox: %s",
                row.channel,
                row.id,
                row.attempts,
                error,
            )
        return not (ours and give_up)

    async def _prune(self) -> None:
        if time.monotonic() - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = time.monotonic()
        now = self.now()
        await self.store.prune(before=now - KEEP_DONE)
        await self._runtime.services.channel_state.forget_handled(before=now - KEEP_DONE)
