"""Durable scheduled tasks as the core and the flows see them (storage/tasks.py keeps them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class PlannedTask:
    """Something to do later: its key (identity: planning it twice moves it rather than doubles it), kind
    (which handler), when, and what it needs."""

    key: str
    kind: str
    due_at: datetime
    payload: dict[str, Any]


@dataclass(frozen=True)
class Task(PlannedTask):
    """A planned task as the scheduler finds it, with the runs that failed so far."""

    attempts: int


class TaskPlanner(Protocol):
    """Plans a task (storage/tasks.py): the same key planned again moves it."""

    async def plan(
        self, key: str, kind: str, due_at: datetime, payload: dict[str, Any] | None = None, *, now: datetime
    ) -> None: ...
