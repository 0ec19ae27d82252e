"""The inbox table: an update recorded once, claimed by one replica, each chat's in order, leases, parking."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from storage.db import Database
from storage.inbox import ClaimLost, SqliteInbox

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
TELEGRAM = ("telegram",)


async def record(inbox: SqliteInbox, key: str, chat: str, at: datetime = T0) -> bool:
    return await inbox.record("telegram", key, chat, f'{{"update_id": {key}}}', now=at)


async def claim(inbox: SqliteInbox, replica: str, at: datetime = T0, limit: int = 10) -> list[str]:
    rows = await inbox.claim(replica, TELEGRAM, limit=limit, now=at, lease=LEASE)
    return [row.payload for row in rows]


def payloads(*keys: int) -> list[str]:
    return [f'{{"update_id": {key}}}' for key in keys]


async def test_an_update_delivered_twice_is_recorded_once(db: Database) -> None:
    inbox = SqliteInbox(db)
    assert await record(inbox, "1", "chat:7")
    assert not await record(inbox, "1", "chat:7")
    assert await inbox.record("zalo", "1", "7", "{}", now=T0), "each channel has its own update ids"
    assert await db.fetch_value("SELECT COUNT(*) FROM inbox") == 2


async def test_only_the_oldest_unfinished_update_of_each_chat_is_handed_out(db: Database) -> None:
    inbox = SqliteInbox(db)
    for key, chat in (("1", "chat:7"), ("2", "chat:8"), ("3", "chat:7"), ("4", "chat:7")):
        await record(inbox, key, chat)

    first = await inbox.claim("a", TELEGRAM, limit=10, now=T0, lease=LEASE)
    assert [row.payload for row in first] == payloads(1, 2)
    assert await claim(inbox, "b") == [], "chat 7 waits until its first update is done"

    async with db.transaction():
        await inbox.done(first[0].id, "a", now=T0)
    assert await claim(inbox, "b") == [], "and until its answers have gone out"
    await inbox.answered(first[0].id, "a")
    assert await claim(inbox, "b") == payloads(3)


async def test_a_chat_whose_answers_a_dead_replica_was_sending_goes_on_after_the_lease(db: Database) -> None:
    inbox = SqliteInbox(db)
    await record(inbox, "1", "chat:7")
    await record(inbox, "2", "chat:7")
    [row] = await inbox.claim("dead", TELEGRAM, limit=10, now=T0, lease=LEASE)
    async with db.transaction():
        await inbox.done(row.id, "dead", now=T0)
    assert await inbox.renew("dead", [row.id], now=T0 + LEASE / 2, lease=LEASE) == 1

    assert await claim(inbox, "alive", T0 + LEASE) == [], "its lease was renewed while it answered"
    assert await claim(inbox, "alive", T0 + LEASE * 2) == payloads(2)
    assert (await inbox.state()).processing == 1


async def test_a_turn_that_rolls_back_leaves_its_update_to_be_handled_again(db: Database) -> None:
    inbox = SqliteInbox(db)
    await record(inbox, "1", "chat:7")
    [row] = await inbox.claim("a", TELEGRAM, limit=10, now=T0, lease=LEASE)
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await inbox.done(row.id, "a", now=T0)
            raise RuntimeError("the process died before the commit")
    assert await claim(inbox, "b", T0 + LEASE / 2) == []
    [again] = await inbox.claim("b", TELEGRAM, limit=10, now=T0 + LEASE * 2, lease=LEASE)
    assert again.id == row.id and again.attempts == 2


async def test_a_dead_replicas_update_is_taken_over_after_its_lease_and_it_cannot_finish_it(
    db: Database,
) -> None:
    inbox = SqliteInbox(db)
    await record(inbox, "1", "chat:7")
    [row] = await inbox.claim("dead", TELEGRAM, limit=10, now=T0, lease=LEASE)

    [taken] = await inbox.claim(
        "alive", TELEGRAM, limit=10, now=T0 + LEASE + timedelta(seconds=1), lease=LEASE
    )
    assert taken.id == row.id
    with pytest.raises(ClaimLost):
        async with db.transaction():
            await inbox.done(row.id, "dead", now=T0)
    async with db.transaction():
        await inbox.done(taken.id, "alive", now=T0)
    assert (await inbox.state()).pending == 0


async def test_a_failed_update_waits_its_pause_and_a_parked_one_no_longer_holds_up_its_chat(
    db: Database,
) -> None:
    inbox = SqliteInbox(db)
    await record(inbox, "1", "chat:7")
    await record(inbox, "2", "chat:7")
    [row] = await inbox.claim("a", TELEGRAM, limit=10, now=T0, lease=LEASE)

    retry_at = T0 + timedelta(seconds=4)
    assert await inbox.failed(row.id, "a", "boom", retry_at=retry_at, now=T0)
    assert await claim(inbox, "a", T0 + timedelta(seconds=2)) == []
    [again] = await inbox.claim("a", TELEGRAM, limit=10, now=retry_at, lease=LEASE)
    assert again.id == row.id

    assert await inbox.failed(again.id, "a", "boom again", retry_at=None, now=retry_at)
    assert not await inbox.failed(again.id, "a", "twice", retry_at=None, now=retry_at), "no longer ours"
    assert await claim(inbox, "a", retry_at) == payloads(2)
    state = await inbox.state()
    assert (state.pending, state.processing, state.parked) == (0, 1, 1)
    error = await db.fetch_value("SELECT last_error FROM inbox WHERE id = ?", (row.id,))
    assert error == "boom again"


async def test_a_stopping_replica_gives_back_what_it_claimed(db: Database) -> None:
    inbox = SqliteInbox(db)
    await record(inbox, "1", "chat:7")
    await inbox.claim("a", TELEGRAM, limit=10, now=T0, lease=LEASE)
    assert await inbox.release("a") == 1
    [row] = await inbox.claim("b", TELEGRAM, limit=10, now=T0, lease=LEASE)
    assert row.attempts == 1, "a try that was given back is not counted"


async def test_handled_updates_are_forgotten_after_a_while_and_waiting_ones_never(db: Database) -> None:
    inbox = SqliteInbox(db)
    await record(inbox, "1", "chat:7")
    await record(inbox, "2", "chat:8")
    [row, _] = await inbox.claim("a", TELEGRAM, limit=10, now=T0, lease=LEASE)
    async with db.transaction():
        await inbox.done(row.id, "a", now=T0)
    assert await inbox.prune(before=T0) == 0
    assert await inbox.prune(before=T0 + timedelta(days=8)) == 1
    assert await db.fetch_value("SELECT COUNT(*) FROM inbox") == 1


async def test_replicas_claiming_at_once_never_take_the_same_update(db: Database) -> None:
    inbox = SqliteInbox(db)
    for number in range(40):
        await record(inbox, str(number), f"chat:{number % 10}")
    other = await Database.open(getattr(db, "url", db.path))
    try:
        inboxes = {"a": inbox, "b": SqliteInbox(other)}
        taken: dict[str, list[int]] = {"a": [], "b": []}

        async def work(name: str) -> None:
            for _ in range(30):
                for row in await inboxes[name].claim(name, TELEGRAM, limit=3, now=T0, lease=LEASE):
                    taken[name].append(row.id)
                    async with inboxes[name]._db.transaction():
                        await inboxes[name].done(row.id, name, now=T0)
                    await inboxes[name].answered(row.id, name)
                await asyncio.sleep(0)

        await asyncio.gather(work("a"), work("b"))
    finally:
        await other.close()
    everything = taken["a"] + taken["b"]
    assert sorted(everything) == sorted(set(everything)) and len(everything) == 40
