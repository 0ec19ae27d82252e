"""Background asyncio tasks (pollers, workers, listeners) and the processes that run them: stopping."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Collection
from typing import Any


async def cancel_and_wait(
    task: asyncio.Task[Any] | None, in_flight: Collection[asyncio.Task[Any]] = ()
) -> None:
    """Cancel a background loop (None: none runs) and wait until it has ended, then let the tasks it started
    (`in_flight`: turns, sends) finish on their own. Neither the cancellation nor their errors raise here."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    if in_flight:
        await asyncio.gather(*in_flight, return_exceptions=True)


def stop_on_signals() -> asyncio.Event:
    """An event that SIGINT or SIGTERM sets (on platforms where the running loop can handle them)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop
