"""Update processing: chats run concurrently, each chat's updates strictly in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

_UNBOUNDED = 1_000_000


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """At most `concurrency` updates run at once, and never two of the same chat.

    The per-chat lock is taken before a concurrency slot, so one member flooding the bot
    queues behind their own lock without occupying the slots other members need.
    Conversations stay correct because each chat still sees its updates one by one.
    """

    def __init__(self, concurrency: int = 8) -> None:
        super().__init__(max_concurrent_updates=_UNBOUNDED)
        self._slots = asyncio.BoundedSemaphore(concurrency)
        self._locks: dict[object, asyncio.Lock] = {}
        self._users: dict[object, int] = {}
        self._waiters: dict[int, asyncio.Future[None]] = {}
        self._done: set[int] = set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                del self._locks[key]
            self.mark_done(update)

    # A bounded wait is this helper's contract (callers rely on the default, no outer asyncio.timeout).
    async def wait_processed(self, update_id: int, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the update with this id has been handled (used by tests and the sandbox)."""
        if update_id in self._done:
            return
        future = self._waiters.setdefault(update_id, asyncio.get_running_loop().create_future())
        await asyncio.wait_for(asyncio.shield(future), timeout)

    def mark_done(self, update: object) -> None:
        """The update has been handled (here, or by the channel's webhook path): wake its waiters."""
        if not isinstance(update, Update):
            return
        self._done.add(update.update_id)
        if len(self._done) > 10_000:
            self._done = set(sorted(self._done)[-5_000:])
        future = self._waiters.pop(update.update_id, None)
        if future is not None and not future.done():
            future.set_result(None)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def chat_key(update: Update) -> str:
    """Whose updates are handled one at a time, in order: the chat's (else the user's, else its own)."""
    if update.effective_chat is not None:
        return f"chat:{update.effective_chat.id}"
    if update.effective_user is not None:
        return f"user:{update.effective_user.id}"
    return f"update:{update.update_id}"


def _chat_key(update: object) -> object:
    return chat_key(update) if isinstance(update, Update) else ("other", id(update))
