"""Background asyncio tasks (pollers, workers, listeners): stopping one."""

from __future__ import annotations

import asyncio
import contextlib
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
