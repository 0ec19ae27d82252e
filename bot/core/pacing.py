"""Pacing outgoing messages within Telegram's flood limits (pure arithmetic, no I/O).

Telegram allows about 30 messages a second overall, about one a second per private chat and
20 a minute per group. Sending exactly at a limit oscillates on 429s (see the research notes,
§6.4), so the defaults keep a margin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OVERALL_PER_SECOND = 28.0
OVERALL_BURST = 20.0
PRIVATE_INTERVAL = 1.0
GROUP_INTERVAL = 60.0 / 19
_EPSILON = 1e-9


def is_group_chat(chat_id: str | int) -> bool:
    """Telegram group and channel ids are negative; private chats are positive user ids."""
    return str(chat_id).startswith("-")


@dataclass
class Pacer:
    """A token bucket for the whole bot plus a minimum interval per chat, and a global pause (429).

    Times are plain seconds from a monotonic clock, passed in by the caller.
    """

    rate: float = OVERALL_PER_SECOND
    burst: float = OVERALL_BURST
    private_interval: float = PRIVATE_INTERVAL
    group_interval: float = GROUP_INTERVAL
    _tokens: float | None = None
    _stamp: float = 0.0
    _paused_until: float = 0.0
    _chat_next: dict[str, float] = field(default_factory=dict)

    def chat_wait(self, chat_id: str | int, now: float) -> float:
        """Seconds until this chat may receive another message."""
        return max(0.0, self._chat_next.get(str(chat_id), 0.0) - now)

    def overall_wait(self, now: float) -> float:
        """Seconds until the bot may send its next message (pause included)."""
        self._refill(now)
        assert self._tokens is not None
        token_wait = 0.0 if self._tokens >= 1 - _EPSILON else (1 - self._tokens) / self.rate
        return max(token_wait, self._paused_until - now, 0.0)

    def take(self, chat_id: str | int, now: float) -> None:
        """Record a send to this chat now (call only when both waits are 0)."""
        self._refill(now)
        assert self._tokens is not None
        self._tokens -= 1
        interval = self.group_interval if is_group_chat(chat_id) else self.private_interval
        self._chat_next[str(chat_id)] = now + interval
        if len(self._chat_next) > 10_000:
            self._chat_next = {k: v for k, v in self._chat_next.items() if v > now}

    def pause(self, seconds: float, now: float) -> None:
        """Telegram said 'retry after': nothing goes out before then; the bucket restarts empty."""
        self._paused_until = max(self._paused_until, now + max(0.0, seconds))
        self._refill(now)
        self._tokens = 0.0
        self._stamp = self._paused_until

    def _refill(self, now: float) -> None:
        if self._tokens is None:
            self._tokens, self._stamp = self.burst, now
            return
        if now > self._stamp:
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
