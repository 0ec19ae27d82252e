"""A channel's pace shared by every replica: the overall rate and the pauses come from the database.

When the database is shared (PostgreSQL, several replicas) the runtime gives each channel a `SharedPacer` in
place of its own `Pacer`. The channel and the delivery worker call it as before. The overall rate and "retry
after" pauses are the channel's bucket in storage/rate.py: tokens are taken a tenth of a second's worth at a
time, in the background, when a send waits for one; a token left unused for a second is given up, so a
replica never saves up a burst of its own (a replica's tokens in hand when another one is told to pause, at
most a tenth of a second's worth, may still go out).

The per-chat pace stays in each process. A chat's messages go out one at a time, in order, across replicas
(storage/outbox.py), but a replica does not know how recently another one wrote to that chat: a chat with a
backlog may be written to faster than one process would, and the platform's "retry after" then pauses the
channel for every replica.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from bot.core.pacing import Pacer, token_times
from storage.rate import SendRateBucket

logger = logging.getLogger(__name__)

BATCH_SECONDS = 0.1
"""How much of the rate one round trip to the bucket takes (Telegram's 28/s: 3 tokens)."""
HOLD_SECONDS = 1.0
"""A token still unused this long after it became usable is given up."""
MAX_BATCH = 10
POLL_SECONDS = 0.005
"""How long a send waits while the next tokens are being taken."""
RETRY_SECONDS = 1.0
"""After a failed take (the database is unreachable), how long before the next try."""


class SharedPacer(Pacer):
    """A `Pacer` whose overall rate and pauses are shared through the database (times: `wall`, UNIX s)."""

    def __init__(
        self,
        channel: str,
        local: Pacer,
        bucket: SendRateBucket,
        *,
        wall: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(
            rate=local.rate,
            burst=local.burst,
            private_interval=local.private_interval,
            group_interval=local.group_interval,
            chat_burst=local.chat_burst,
        )
        self.channel = channel
        self.batch = max(1, min(MAX_BATCH, round(self.rate * BATCH_SECONDS)))
        self.local = local
        self._bucket = bucket
        self._wall = wall
        self._ready: deque[float] = deque()
        """When each token in hand may be used (wall time), earliest first."""
        self._owed = 0
        self._pause_end = 0.0
        self._next_try = 0.0
        self._refilling: asyncio.Task[None] | None = None
        self._writes: set[asyncio.Task[None]] = set()

    def overall_wait(self, now: float) -> float:
        wall = self._wall()
        while self._ready and self._ready[0] < wall - HOLD_SECONDS:
            self._ready.popleft()
        if not self._ready:
            self._refill_soon(wall)
            return max(POLL_SECONDS, self._pause_end - wall)
        return max(0.0, self._ready[0] - wall, self._pause_end - wall)

    def take_overall(self, now: float) -> None:
        if self._ready:
            self._ready.popleft()
        else:
            self._owed += 1  # sent without waiting: the next take pays for it

    def pause(self, seconds: float, now: float) -> None:
        """Nothing goes out before then, from any replica: the tokens in hand are given up."""
        until = self._wall() + max(0.0, seconds)
        self._pause_end = max(self._pause_end, until)
        self._ready.clear()
        self._spawn(self._bucket.pause(self.channel, until))

    async def refill(self) -> None:
        """Take the next few tokens from the channel's shared bucket (and the tokens already owed)."""
        owed = self._owed
        grant = await self._bucket.take(
            self.channel, self.batch + owed, rate=self.rate, burst=self.burst, now=self._wall()
        )
        self._owed -= owed
        self._pause_end = max(self._pause_end, grant.paused_until)
        times = token_times(grant.count, grant.tokens, grant.stamp, self.rate)
        self._ready.extend(times[owed:])

    async def close(self) -> None:
        """Wait for the bucket writes under way (before the database closes)."""
        pending = [t for t in (self._refilling, *self._writes) if t is not None]
        await asyncio.gather(*pending, return_exceptions=True)

    def _refill_soon(self, wall: float) -> None:
        if (self._refilling is None or self._refilling.done()) and wall >= self._next_try:
            self._refilling = asyncio.get_running_loop().create_task(self._refill_logged())

    async def _refill_logged(self) -> None:
        try:
            await self.refill()
        except Exception:
            self._next_try = self._wall() + RETRY_SECONDS
            logger.exception("could not take send tokens for %s from the database", self.channel)

    def _spawn(self, write: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(write)
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)
        task.add_done_callback(_log_failure)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("could not share a pause with the other replicas", exc_info=task.exception())
