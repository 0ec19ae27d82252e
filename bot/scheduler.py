"""The scheduler tick: runs durable tasks that have fallen due, once each, even after downtime."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram.ext import Application

from storage.tasks import Task

__all__ = ["Task", "TaskHandler", "register_task_kind", "run_due_tasks", "tick"]

logger = logging.getLogger(__name__)

TaskHandler = Callable[[Application, Task], Awaitable[None]]
RETRY_DELAY = timedelta(minutes=5)


def register_task_kind(app: Application, kind: str, handler: TaskHandler) -> None:
    """Features register what to do when a task of their kind falls due.

    A handler must be idempotent (enqueue messages with dedupe keys): after a crash
    between its work and the task being marked done, it runs again.
    """
    app.bot_data.setdefault("task_handlers", {})[kind] = handler


async def run_due_tasks(app: Application) -> int:
    """Run every due task once; failures are retried later. Returns how many ran."""
    services = app.bot_data["services"]
    lock: asyncio.Lock = app.bot_data.setdefault("task_lock", asyncio.Lock())
    handlers: dict[str, TaskHandler] = app.bot_data.get("task_handlers", {})
    ran = 0
    async with lock:
        while True:
            now = services.clock.now()
            due = await services.tasks.due(now)
            if not due:
                break
            for task in due:
                handler = handlers.get(task.kind)
                try:
                    if handler is None:
                        raise LookupError(f"no handler for task kind {task.kind!r}")
                    await handler(app, task)
                except Exception as exc:
                    logger.exception("task %s (%s) failed", task.key, task.kind)
                    await services.tasks.fail_attempt(task.key, repr(exc), retry_at=now + RETRY_DELAY)
                    continue
                await services.tasks.complete(task.key, now=services.clock.now())
                ran += 1
            if len(due) < 100:
                break
    if ran:
        delivery = app.bot_data.get("delivery")
        if delivery is not None:
            delivery.wake()
    return ran


async def tick(context: object) -> None:
    """JobQueue callback: run due tasks."""
    await run_due_tasks(context.application)  # type: ignore[attr-defined]
