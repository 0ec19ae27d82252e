"""Token buckets that emulate Telegram's flood limits."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass
class RateLimits:
    """Flood-limit settings: per bot overall, per private chat, per group (per minute)."""

    global_per_s: float = 30.0
    global_burst: float = 30.0
    private_per_s: float = 1.0
    private_burst: float = 3.0
    group_per_min: float = 20.0
    group_burst: float = 20.0


class TokenBucket:
    """A bucket refilled continuously at `rate` tokens per second up to `capacity`."""

    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = time.monotonic()

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 when one is available now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


def acquire(buckets: list[TokenBucket]) -> int:
    """Take one token from every bucket, or none; return 0 or the whole seconds to wait."""
    now = time.monotonic()
    wait = max(bucket.wait_time(now) for bucket in buckets)
    if wait > 0:
        return max(1, math.ceil(wait))
    for bucket in buckets:
        bucket.take()
    return 0
