"""Claims on outgoing and scheduled work, on each back-end: a claim holds a lease for its replica, only the
holder records an outcome (a message that went out is recorded whoever sent it), a restart takes back what the
process held, and the send-rate bucket lends no token before it has it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.conversation.replies import Reply
from bot.core.notices import OutgoingMessage
from bot.core.pacing import token_times
from storage import dialect
from storage.db import Database
from storage.leases import Lease
from storage.outbox import SqliteOutbox
from storage.rate import SendRateBucket
from storage.tasks import SqliteTasks

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
A, B = Lease("replica-a", 60), Lease("replica-b", 60)


async def queue(outbox: SqliteOutbox, *chats: str, at: datetime = NOW) -> None:
    """One message to each chat named (a chat named twice gets two, in that order)."""
    messages = [
        OutgoingMessage(f"m:{n}", None, chat, Reply(f"Tin {n} cho {chat}")) for n, chat in enumerate(chats)
    ]
    await outbox.enqueue("notice", messages, now=at)


def test_sqlite_scalar_min_and_max_become_least_and_greatest_and_aggregates_stay() -> None:
    assert dialect.query("SELECT min(?, max(0, a - b) * ?), MAX(c), min(d) FROM t") == (
        "SELECT LEAST(%(p1)s, GREATEST(0, a - b) * %(p2)s), MAX(c), min(d) FROM t"
    )
    assert dialect.query("SELECT max('(,', x) FROM t") == "SELECT GREATEST('(,', x) FROM t"
    assert (
        dialect.skip_locked("SELECT id FROM outbox LIMIT 5")
        == "SELECT id FROM outbox LIMIT 5 FOR UPDATE SKIP LOCKED"
    )


async def test_a_claimed_message_is_held_for_its_replica_and_not_claimed_twice(db: Database) -> None:
    outbox = SqliteOutbox(db, A)
    await queue(outbox, "501", "502")
    claimed = await outbox.claim(NOW, 10, ("telegram",))
    assert [m.reply.text for m in claimed] == ["Tin 0 cho 501", "Tin 1 cho 502"]
    rows = await db.fetch_all("SELECT status, claimed_by, lease_until FROM outbox ORDER BY id")
    assert [tuple(r) for r in rows] == [("sending", "replica-a", "2026-11-27T03:01:00+00:00")] * 2
    assert await SqliteOutbox(db, B).claim(NOW, 10, ("telegram",)) == []
    assert await outbox.claim(NOW, 10, ("zalo",)) == []


async def test_only_the_replica_holding_a_message_records_a_failure_but_anyone_records_it_sent(
    db: Database,
) -> None:
    a, b = SqliteOutbox(db, A), SqliteOutbox(db, B)
    await queue(a, "501")
    (first,) = await a.claim(NOW, 10, ("telegram",))
    assert await a.retry_later(first.id, at=NOW, error="paced", count_attempt=False) == "queued"
    (again,) = await b.claim(NOW, 10, ("telegram",))
    assert again.id == first.id
    assert await a.retry_later(first.id, at=NOW, error="timeout") is None
    assert not await a.fail(first.id, "late")
    assert not await a.mark_unreachable(first.id, "late")
    assert await db.fetch_value("SELECT status FROM outbox") == "sending"
    await a.mark_sent(first.id, message_id=77, now=NOW)
    assert await b.retry_later(first.id, at=NOW, error="timeout") is None
    assert tuple(await db.fetch_one("SELECT status, message_id FROM outbox")) == ("sent", "77")


async def test_a_sent_messages_id_on_its_channel_is_kept_as_text_zalos_hexadecimal_ones_too(
    db: Database,
) -> None:
    outbox = SqliteOutbox(db, A)
    await queue(outbox, "501", "00000000000000000fa1")
    telegram, zalo = await outbox.claim(NOW, 10, ("telegram",))
    await outbox.mark_sent(telegram.id, message_id=77, now=NOW)
    await outbox.mark_sent(zalo.id, message_id="49e66f1ffd4e191a571e", now=NOW)
    assert await outbox.replaced("m:0") == ("sent", "77")
    assert await outbox.replaced("m:1") == ("sent", "49e66f1ffd4e191a571e")


async def test_a_restart_requeues_what_this_process_was_sending(db: Database) -> None:
    a, b = SqliteOutbox(db, A), SqliteOutbox(db, B)
    await queue(a, "501", "502")
    await a.claim(NOW, 1, ("telegram",))
    await b.claim(NOW, 1, ("telegram",))
    requeued = await a.requeue_in_flight()
    statuses = [r[0] for r in await db.fetch_all("SELECT status FROM outbox ORDER BY id")]
    if db.shared:  # other replicas may be sending theirs
        assert (requeued, statuses) == (1, ["queued", "sending"])
    else:  # one process: everything that was in flight
        assert (requeued, statuses) == (2, ["queued", "queued"])


async def test_a_due_task_is_claimed_once_and_completed_only_by_its_holder(db: Database) -> None:
    a, b = SqliteTasks(db, A), SqliteTasks(db, B)
    await a.plan("seminar:1:remind", "remind", NOW, {"seminar": 1}, now=NOW)
    await a.plan("seminar:2:remind", "remind", NOW + timedelta(hours=1), now=NOW)
    assert [t.key for t in await a.claim(NOW, 10)] == ["seminar:1:remind"]
    assert await b.claim(NOW, 10) == []
    assert not await b.complete("seminar:1:remind", now=NOW)
    assert not await b.fail_attempt("seminar:1:remind", "x", retry_at=NOW)
    assert await a.renew(["seminar:1:remind", "seminar:2:remind"], now=NOW) == ["seminar:1:remind"]
    assert await a.complete("seminar:1:remind", now=NOW)
    assert (await a.get("seminar:1:remind") or {})["status"] == "done"


async def test_a_task_that_failed_is_due_again_at_its_retry_time_for_any_replica(db: Database) -> None:
    a, b = SqliteTasks(db, A), SqliteTasks(db, B)
    await a.plan("escalate:1", "escalate", NOW, now=NOW)
    await a.claim(NOW, 10)
    assert await a.fail_attempt("escalate:1", "busy", retry_at=NOW + timedelta(minutes=5))
    assert await b.claim(NOW + timedelta(minutes=4), 10) == []
    (retried,) = await b.claim(NOW + timedelta(minutes=5), 10)
    assert (retried.key, retried.attempts) == ("escalate:1", 1)


async def test_a_task_planned_again_while_it_runs_is_not_marked_done_by_that_run(db: Database) -> None:
    tasks = SqliteTasks(db, A)
    await tasks.plan("remind:1", "remind", NOW, now=NOW)
    await tasks.plan("remind:2", "remind", NOW, now=NOW)
    await tasks.claim(NOW, 10)
    await tasks.plan("remind:1", "remind", NOW + timedelta(days=1), now=NOW)  # moved while it ran
    await tasks.plan("remind:2", "remind", NOW, now=NOW)  # the same time again: still the same run
    assert not await tasks.complete("remind:1", now=NOW)
    assert await tasks.complete("remind:2", now=NOW)
    assert [t.key for t in await tasks.claim(NOW + timedelta(days=1), 10)] == ["remind:1"]


async def test_a_restart_makes_the_tasks_this_process_was_running_due_at_once(db: Database) -> None:
    a, b = SqliteTasks(db, A), SqliteTasks(db, B)
    await a.plan("summary:2026-W48", "weekly_summary", NOW, now=NOW)
    await a.plan("remind:1", "remind", NOW, now=NOW)
    await a.claim(NOW, 1)
    await b.claim(NOW, 1)
    released = await a.release_claims()
    assert released == (1 if db.shared else 2)
    assert len(await a.claim(NOW, 10)) == released


async def test_the_send_rate_bucket_starts_full_refills_at_its_rate_and_lends_what_it_will_have(
    db: Database,
) -> None:
    bucket = SendRateBucket(db)
    first = await bucket.take("telegram", 15, rate=28, burst=20, now=1000.0)
    assert (first.tokens, first.stamp) == (5.0, 1000.0)
    assert token_times(15, first.tokens, first.stamp, 28) == [1000.0] * 15
    lent = await bucket.take("telegram", 10, rate=28, burst=20, now=1000.0)
    assert lent.tokens == -5.0
    assert token_times(10, lent.tokens, lent.stamp, 28) == [1000.0] * 5 + [
        1000.0 + n / 28 for n in range(1, 6)
    ]
    later = await bucket.take("telegram", 1, rate=28, burst=20, now=1010.0)
    assert later.tokens == 19.0  # refilled up to the burst, not beyond
    assert (await bucket.take("zalo", 1, rate=8, burst=8, now=1010.0)).tokens == 7.0


async def test_a_pause_holds_every_token_back_until_it_ends(db: Database) -> None:
    bucket = SendRateBucket(db)
    await bucket.take("telegram", 1, rate=28, burst=20, now=1000.0)
    await bucket.pause("telegram", 1030.0)
    await bucket.pause("telegram", 1010.0)  # a shorter pause does not shorten it
    grant = await bucket.take("telegram", 2, rate=28, burst=20, now=1001.0)
    assert grant.paused_until == 1030.0
    assert token_times(2, grant.tokens, grant.stamp, 28) == [1030.0 + 1 / 28, 1030.0 + 2 / 28]
