"""Who claims work, and for how long a claim holds: the lease every outbox row and task claim carries.

With several replicas over one PostgreSQL database a claimed row names its replica (`claimed_by`) and holds
until `lease_until`. The replica renews the leases of what it is working on; when a replica dies its leases
run out and another replica claims the work again. An outcome is recorded only by the replica that holds the
claim, so a replica that lost its lease cannot undo what the new holder did.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from storage.db import to_db_time

DEFAULT_LEASE_SECONDS = 60.0


def this_process() -> str:
    """The default replica id: host name and process id (unique among replicas running at once)."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Lease:
    """This replica's id and how long its claims hold unless renewed."""

    holder: str = field(default_factory=this_process)
    seconds: float = DEFAULT_LEASE_SECONDS

    def until(self, now: datetime) -> str:
        """When a claim made (or renewed) now runs out, as stored."""
        return to_db_time(now + timedelta(seconds=self.seconds))
