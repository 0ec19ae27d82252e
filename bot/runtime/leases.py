"""Keeping the leases of claimed work alive while this replica works on it (storage/leases.py).

Only on a shared database: there another replica takes over a claim whose lease ran out. Embedded (SQLite, one
process) nothing else claims, and a restart takes every claim back at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Hashable
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

from bot.background import cancel_and_wait
from bot.clock import Clock

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)

T = TypeVar("T")

K = TypeVar("K", bound=Hashable)
Renew = Callable[..., Awaitable[object]]
"""A store's `renew(keys, *, now)`: extend the leases of the claims this replica still holds."""


class LeaseKeeper(Generic[K]):
    """What this replica holds (`held`), renewed every third of a lease while it runs."""

    def __init__(self, what: str) -> None:
        self.held: set[K] = set()
        self._what = what
        self._task: asyncio.Task[None] | None = None

    def hold(self, keys: Collection[K]) -> None:
        self.held.update(keys)

    def release(self, key: K) -> None:
        self.held.discard(key)

    def start(self, renew: Renew, services: Services) -> None:
        """Renew with the store's `renew` every third of a lease (only when the database is shared)."""
        self.held.clear()
        if services.db.shared and self._task is None:
            every = services.settings.lease_seconds / 3
            self._task = asyncio.create_task(
                self._run(renew, services.clock, every), name=f"leases-{self._what}"
            )

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel_and_wait(task)

    async def _run(self, renew: Renew, clock: Clock, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                if self.held:
                    await renew(list(self.held), now=clock.now())
            except Exception:
                logger.exception("could not renew the leases of the %s claims this replica holds", self._what)


async def still_held(
    claimed: list[T],
    key: Callable[[T], Hashable],
    renew: Callable[..., Awaitable[Collection[Hashable]]],
    services: Services,
    claimed_at: datetime,
) -> list[T]:
    """The claimed items this replica may act on. A claim's leases run from the time read before it; when it
    took a third of a lease or more to come back (a stalled process, a slow database, a moved clock),
    they may have run out already and another replica may claim them again: they are renewed first (`renew`
    returns the keys still this replica's), and only those are kept (a shared database only)."""
    clock, every = services.clock, services.settings.lease_seconds / 3
    if not services.db.shared:
        return claimed
    while claimed and (clock.now() - claimed_at).total_seconds() >= every:
        claimed_at = clock.now()
        kept = set(await renew([key(item) for item in claimed], now=claimed_at))
        claimed = [item for item in claimed if key(item) in kept]
    return claimed
