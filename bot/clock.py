"""Clocks: the real one in production, an adjustable one in the sandbox and in tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class AdjustableClock:
    """Real time plus an offset that can only move forward; listeners hear every move.

    In the sandbox this is both the emulator's and the bot's clock, so moving it
    forward makes reminders and deadlines fall due without waiting.
    """

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._frozen = frozen
        real = datetime.now(UTC)
        self._offset = (start - real) if start is not None else timedelta(0)
        self._frozen_at = start if start is not None else real
        self._listeners: list[Callable[[datetime], None]] = []

    def now(self) -> datetime:
        with self._lock:
            if self._frozen:
                return self._frozen_at
            return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by delta (never backwards) and notify listeners."""
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += delta
            self._frozen_at += delta
        return self._notify()

    def set(self, when: datetime) -> datetime:
        """Jump to an aware datetime in the future."""
        if when.tzinfo is None:
            raise ValueError("aware datetime required")
        return self.advance(max(when - self.now(), timedelta(0)))

    def subscribe(self, listener: Callable[[datetime], None]) -> None:
        """Call listener(new_now) after each move."""
        self._listeners.append(listener)

    def _notify(self) -> datetime:
        current = self.now()
        for listener in list(self._listeners):
            listener(current)
        return current
