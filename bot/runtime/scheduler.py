"""The scheduler: runs durable tasks that have fallen due, once each, even after downtime.

APScheduler's interval job wakes it every `tick_seconds`; a change that plans a task due now wakes it at once
(`wake()`), so a notice caused by an action goes out right after the action commits. Due tasks are claimed
(storage/tasks.py): with several replicas over a shared database each task runs on one of them, and a task
whose replica died is claimed again once its lease runs out (handlers are idempotent).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.tasks import Task
from bot.logs import bind
from bot.runtime.leases import LeaseKeeper, still_held

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.runtime import Runtime

logger = logging.getLogger(__name__)

RETRY_DELAY = timedelta(minutes=5)
BATCH = 20


class Scheduler:
    """Runs due tasks by kind (`Router.task(kind, handler)`), one run at a time."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._lock = asyncio.Lock()
        self._apscheduler: AsyncIOScheduler | None = None
        self._pending: asyncio.Task[int] | None = None
        self._held: LeaseKeeper[str] = LeaseKeeper("task")
        """The claimed tasks not yet run (their leases are renewed while they are here)."""

    async def start(self, tick_seconds: float) -> None:
        """Take back the claims an earlier life of this process held, then run due tasks every tick."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        services = self._runtime.services
        released = await services.tasks.release_claims()
        if released:
            logger.warning("%d tasks that were running when the bot stopped are due again", released)
        self._held.start(services.tasks.renew, services)
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
        await self._held.stop()

    def wake(self) -> None:
        """Look for due tasks now (unless a run is already waiting to start). Not before `start` has taken
        back the old claims: a notice from another replica while this one starts would have it claim tasks
        that `start` then released, and run them again."""
        if self._apscheduler is None:
            return
        if self._pending is None or self._pending.done():
            self._pending = asyncio.get_running_loop().create_task(self.run_due(), name="scheduler-run")

    async def run_due(self) -> int:
        """Claim and run every due task once; failures are retried later. Returns how many ran."""
        services = self._runtime.services
        ran = 0
        async with self._lock:
            while True:
                now = services.clock.now()
                try:
                    due = await services.tasks.claim(now, BATCH)
                except Exception as exc:  # the database is busy or away: the next tick tries again
                    logger.warning("could not claim the due tasks: %s", exc)
                    break
                if not due:
                    break
                due = await still_held(due, lambda task: task.key, services.tasks.renew, services, now)
                self._held.hold([task.key for task in due])
                for task in due:
                    try:
                        ran += await self._run(task, now)
                    except Exception:  # the database went away: the task is due again after its lease
                        logger.exception("could not record how task %s went", task.key)
                    finally:
                        self._held.release(task.key)
                if len(due) < BATCH:
                    break
        if ran:
            self._runtime.delivery.wake()
        return ran

    async def _run(self, task: Task, now: datetime) -> int:
        """Run one claimed task and record how it went: 1 if it ran, 0 if it failed."""
        services = self._runtime.services
        handler = self._runtime.router.tasks.get(task.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for task kind {task.kind!r}")
            with bind(task=task.key):
                await handler(self._runtime, task)
        except Exception as exc:
            logger.exception("task %s (%s) failed", task.key, task.kind)
            await services.tasks.fail_attempt(task.key, repr(exc), retry_at=now + RETRY_DELAY)
            return 0
        if not await services.tasks.complete(task.key, now=services.clock.now()):
            logger.info(
                "task %s ran, but was planned again or taken over meanwhile: it stays pending", task.key
            )
        return 1
