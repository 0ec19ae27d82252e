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
CHAT_BURST = 3.0
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
    chat_burst: float = CHAT_BURST
    _tokens: float | None = None
    _stamp: float = 0.0
    _paused_until: float = 0.0
    _chats: dict[str, tuple[float, float]] = field(default_factory=dict)

    def chat_wait(self, chat_id: str | int, now: float) -> float:
        """Seconds until this chat may receive another message (a short burst, then one per interval)."""
        tokens = self._chat_tokens(str(chat_id), now)
        return 0.0 if tokens >= 1 - _EPSILON else (1 - tokens) * self._interval(chat_id)

    def overall_wait(self, now: float) -> float:
        """Seconds until the bot may send its next message (pause included)."""
        self._refill(now)
        assert self._tokens is not None
        token_wait = 0.0 if self._tokens >= 1 - _EPSILON else (1 - self._tokens) / self.rate
        return max(token_wait, self._paused_until - now, 0.0)

    def take(self, chat_id: str | int, now: float) -> None:
        """Record a send to this chat now (call only when both waits are 0)."""
        self.take_overall(now)
        key = str(chat_id)
        self._chats[key] = (self._chat_tokens(key, now) - 1, now)
        if len(self._chats) > 10_000:
            self._chats = {
                k: v for k, v in self._chats.items() if self._chat_tokens(k, now) < self.chat_burst
            }

    def take_overall(self, now: float) -> None:
        """Record a reply sent now: it counts against the whole bot's rate, not the chat's (the person is
        talking to the bot, so the chat's own interval is for the messages they did not ask for)."""
        self._refill(now)
        assert self._tokens is not None
        self._tokens -= 1

    def pause(self, seconds: float, now: float) -> None:
        """Telegram said 'retry after': nothing goes out before then; the bucket restarts empty."""
        self._paused_until = max(self._paused_until, now + max(0.0, seconds))
        self._refill(now)
        self._tokens = 0.0
        self._stamp = self._paused_until

    def _interval(self, chat_id: str | int) -> float:
        return self.group_interval if is_group_chat(chat_id) else self.private_interval

    def _chat_tokens(self, key: str, now: float) -> float:
        tokens, stamp = self._chats.get(key, (self.chat_burst, now))
        return min(self.chat_burst, tokens + max(0.0, now - stamp) / self._interval(key))

    def _refill(self, now: float) -> None:
        if self._tokens is None:
            self._tokens, self._stamp = self.burst, now
            return
        if now > self._stamp:
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now


def token_times(count: int, tokens_after: float, stamp: float, rate: float) -> list[float]:
    """When each of `count` tokens taken from a bucket (refilled at `rate` a second) may be used: at `stamp`
    while the bucket held it, then one every 1/rate (`tokens_after`, the level the take left, may be negative:
    the bucket lends tokens it will have)."""
    before = tokens_after + count
    return [stamp + max(0.0, n - before) / rate for n in range(1, count + 1)]
