"""Durable scheduled tasks as the core and the flows see them (storage/tasks.py keeps them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Task:
    """Something planned for later: its key (identity), kind (which handler), when, and what it needs."""

    key: str
    kind: str
    due_at: datetime
    payload: dict[str, Any]
    attempts: int
