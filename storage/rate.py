"""The send rate every replica shares: one token bucket per channel, in the database (`send_rate`).

A replica takes a few tokens at a time with one atomic statement (an upsert: the first take creates the row,
with a full bucket). A take always succeeds and may leave the bucket in debt: the answer says when each token
becomes usable (`bot.core.pacing.token_times`), so together the replicas send no more than the rate allows,
plus one burst. A platform's "retry after" is stored too (`pause`): the bucket restarts empty when it ends.

Times are UNIX seconds from the caller (the replicas' clocks are assumed to agree, as NTP keeps them).
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database


@dataclass(frozen=True)
class Grant:
    """Tokens taken from a channel's bucket: the bucket's level after the take (negative: in debt) as of
    `stamp`, and the end of a pause that holds every send back."""

    count: int
    tokens: float
    stamp: float
    paused_until: float


class SendRateBucket:
    """The shared buckets: take tokens, and pause a channel for everyone."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def take(self, channel: str, count: int, *, rate: float, burst: float, now: float) -> Grant:
        """Take `count` tokens from the channel's bucket (refilled at `rate` a second up to `burst`)."""
        rows = await self._db.atomic(
            "INSERT INTO send_rate (channel, tokens, stamp) VALUES (?1, ?2 - ?3, ?4) "
            "ON CONFLICT (channel) DO UPDATE SET "
            "tokens = min(?2, send_rate.tokens + max(0, ?4 - send_rate.stamp) * ?5) - ?3, "
            "stamp = max(send_rate.stamp, ?4) "
            "RETURNING tokens, stamp, paused_until",
            (channel, float(burst), int(count), float(now), float(rate)),
        )
        tokens, stamp, paused_until = rows[0]
        return Grant(count, float(tokens), float(stamp), float(paused_until))

    async def pause(self, channel: str, until: float) -> None:
        """Nothing goes out on this channel before `until`, from any replica; the bucket then restarts empty
        (a debt it had is kept)."""
        await self._db.atomic(
            "INSERT INTO send_rate (channel, tokens, stamp, paused_until) VALUES (?1, 0, ?2, ?2) "
            "ON CONFLICT (channel) DO UPDATE SET tokens = min(send_rate.tokens, 0), "
            "stamp = max(send_rate.stamp, ?2), paused_until = max(send_rate.paused_until, ?2) "
            "RETURNING channel",
            (channel, float(until)),
        )
