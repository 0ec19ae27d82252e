"""The scheduler: runs durable tasks that have fallen due, once each, even after downtime.

APScheduler's interval job wakes it every `tick_seconds`; a change that plans a task due now wakes it at once
(`wake()`), so a notice caused by an action goes out right after the action commits.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.logs import bind

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.runtime import Runtime

logger = logging.getLogger(__name__)

RETRY_DELAY = timedelta(minutes=5)
BATCH = 100


class Scheduler:
    """Runs due tasks by kind (`Router.task(kind, handler)`), one run at a time."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._lock = asyncio.Lock()
        self._apscheduler: AsyncIOScheduler | None = None
        self._pending: asyncio.Task[int] | None = None

    def start(self, tick_seconds: float) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self._apscheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop())
        self._apscheduler.add_job(
            self.run_due,
            "interval",
            seconds=tick_seconds,
            id="scheduler-tick",
            max_instances=1,
            coalesce=True,
        )
        self._apscheduler.start()
        self.wake()

    async def stop(self) -> None:
        if self._apscheduler is not None:
            self._apscheduler.shutdown(wait=False)
            self._apscheduler = None
        if self._pending is not None:
            await asyncio.gather(self._pending, return_exceptions=True)

    def wake(self) -> None:
        """Look for due tasks now (unless a run is already waiting to start)."""
        if self._pending is None or self._pending.done():
            self._pending = asyncio.get_running_loop().create_task(self.run_due(), name="scheduler-run")

    async def run_due(self) -> int:
        """Run every due task once; failures are retried later. Returns how many ran."""
        services = self._runtime.services
        handlers = self._runtime.router.tasks
        ran = 0
        async with self._lock:
            while True:
                now = services.clock.now()
                due = await services.tasks.due(now, BATCH)
                if not due:
                    break
                for task in due:
                    handler = handlers.get(task.kind)
                    try:
                        if handler is None:
                            raise LookupError(f"no handler for task kind {task.kind!r}")
                        with bind(task=task.key):
                            await handler(self._runtime, task)
                    except Exception as exc:
                        logger.exception("task %s (%s) failed", task.key, task.kind)
                        await services.tasks.fail_attempt(task.key, repr(exc), retry_at=now + RETRY_DELAY)
                        continue
                    await services.tasks.complete(task.key, now=services.clock.now())
                    ran += 1
                if len(due) < BATCH:
                    break
        if ran:
            self._runtime.delivery.wake()
        return ran
