"""Multi-step dialogs: where a person stands (dialog, step, answers so far), kept in the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.i18n import N_

DEFAULT_TIMEOUT = timedelta(hours=2)


@dataclass(frozen=True)
class Dialog:
    """A named multi-step dialog.

    `timeout`: a dialog left alone longer than this ends; the person's next message is told so
    (`expired`, a msgid) and handled afresh. `cancelled` (a msgid) answers /cancel.
    """

    name: str
    timeout: timedelta = DEFAULT_TIMEOUT
    expired: str = N_(
        "The previous conversation was left unfinished for too long and has ended; nothing more was saved."
    )
    cancelled: str = N_("Cancelled; nothing was saved.")


@dataclass
class DialogState:
    """One person's place in one dialog on one channel; `data` holds JSON-safe answers so far."""

    dialog: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None

    def expired(self, dialog: Dialog, now: datetime) -> bool:
        return self.updated_at is not None and now - self.updated_at > dialog.timeout
