"""Several replicas over one PostgreSQL database: each message is sent and each task run by one of them, a
chat's messages keep their order, a dead replica's work is taken over once its lease runs out (never while it
holds), and together they send no faster than the channel's rate.

Each test opens several connections pools on one fresh schema, as separate replicas would.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import AdjustableClock
from bot.config import Settings
from bot.conversation.replies import Reply
from bot.conversation.router import Router
from bot.core.faq.questions import FaqService
from bot.core.notices import OutgoingMessage
from bot.core.pacing import Pacer, token_times
from bot.core.tasks import Task
from bot.i18n import I18n
from bot.runtime import Runtime
from bot.runtime.pacing import SharedPacer
from storage.db import Database
from storage.leases import Lease
from storage.outbox import SqliteOutbox
from storage.rate import SendRateBucket
from storage.tasks import SqliteTasks
from tests.backend import sqlite_only
from tests.harness import BotUnderTest
from tests.postgres import fresh_schema, server_url
from tests.test_faq_storage import an_organiser
from tests.transcript import TranscriptChannel

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


@pytest.fixture(params=["postgresql"])
async def shared_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A fresh, migrated PostgreSQL schema the replicas of a test share."""
    async with fresh_schema(server_url()) as url:
        await (await Database.open(url)).close()
        yield url


async def replicas(stack: AsyncExitStack, url: str, count: int) -> list[Database]:
    """`count` databases over one schema, each with its own pool, as `count` processes would have."""
    opened = []
    for _ in range(count):
        db = await Database.open(url, migrate=False)
        stack.push_async_callback(db.close)
        opened.append(db)
    return opened


def messages(chats: int, per_chat: int) -> list[OutgoingMessage]:
    """Notices to several chats, several to each, queued one chat after another in turn."""
    return [
        OutgoingMessage(f"n:{chat}:{n}", None, str(500 + chat), Reply(f"Tin {n}"), channel="transcript")
        for n in range(per_chat)
        for chat in range(chats)
    ]


async def until(condition: Callable[[], Awaitable[bool]]) -> None:
    """Wait for the replicas to get somewhere (bounded, so a regression fails instead of hanging)."""
    async with asyncio.timeout(120):
        while not await condition():
            await asyncio.sleep(0.02)


async def test_three_workers_claim_disjoint_messages_and_a_chat_has_one_in_flight_at_a_time(
    shared_url: str,
) -> None:
    sent: dict[str, list[str]] = defaultdict(list)
    claimed: Counter[int] = Counter()
    in_flight: Counter[str] = Counter()
    most_in_flight = 0

    async def worker(outbox: SqliteOutbox) -> None:
        nonlocal most_in_flight
        while await outbox.pending_count():
            batch = await outbox.claim(NOW, 5, ("transcript",))
            claimed.update(m.id for m in batch)
            for message in batch:
                in_flight[message.chat_id] += 1
                most_in_flight = max(most_in_flight, in_flight[message.chat_id])
                await asyncio.sleep(0.001)  # the round trip to the platform
                sent[message.chat_id].append(message.reply.text)
                in_flight[message.chat_id] -= 1
                await outbox.mark_sent(message.id, message_id=message.id, now=NOW)
            await asyncio.sleep(0)

    async with AsyncExitStack() as stack:
        dbs = await replicas(stack, shared_url, 3)
        await SqliteOutbox(dbs[0]).enqueue("notice", messages(12, 10), now=NOW)
        await asyncio.gather(*(worker(SqliteOutbox(db, Lease(f"r{n}"))) for n, db in enumerate(dbs)))

    assert len(claimed) == 120 and set(claimed.values()) == {1}
    assert most_in_flight == 1
    assert all(texts == [f"Tin {n}" for n in range(10)] for texts in sent.values()) and len(sent) == 12


async def test_a_dead_replicas_message_is_sent_once_after_its_lease_runs_out_and_its_chat_waits_for_it(
    shared_url: str,
) -> None:
    async with AsyncExitStack() as stack:
        dead_db, live_db = await replicas(stack, shared_url, 2)
        dead, live = SqliteOutbox(dead_db, Lease("dead")), SqliteOutbox(live_db, Lease("live"))
        await dead.enqueue("notice", messages(2, 2), now=NOW)  # chats 500 and 501, two messages each
        held = await dead.claim(NOW, 1, ("transcript",))
        assert [(m.chat_id, m.reply.text) for m in held] == [("500", "Tin 0")]

        before = await live.claim(NOW + LEASE - timedelta(seconds=1), 10, ("transcript",))
        assert [(m.chat_id, m.reply.text) for m in before] == [("501", "Tin 0")]  # 500 waits for its first
        for message in before:
            await live.mark_sent(message.id, message_id=1, now=NOW)

        after = await live.claim(NOW + LEASE, 10, ("transcript",))
        assert [(m.id, m.chat_id, m.reply.text) for m in after] == [
            (held[0].id, "500", "Tin 0"),
            (before[0].id + 2, "501", "Tin 1"),
        ]
        assert await dead.retry_later(held[0].id, at=NOW, error="too late") is None  # it lost the claim
        for message in after:
            await live.mark_sent(message.id, message_id=2, now=NOW + LEASE)
        last = await live.claim(NOW + LEASE, 10, ("transcript",))
        assert [(m.chat_id, m.reply.text) for m in last] == [("500", "Tin 1")]
        await live.mark_sent(last[0].id, message_id=3, now=NOW + LEASE)
        assert await live.claim(NOW + 3 * LEASE, 10, ("transcript",)) == []
        statuses = await live_db.fetch_all("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        assert [tuple(r) for r in statuses] == [("sent", 4)]


async def test_three_schedulers_run_each_due_task_once_and_take_over_a_dead_ones_after_its_lease(
    shared_url: str,
) -> None:
    runs: Counter[str] = Counter()

    async def scheduler(tasks: SqliteTasks) -> None:
        while due := await tasks.claim(NOW, 4):
            for task in due:
                runs[task.key] += 1
                await asyncio.sleep(0.001)
                assert await tasks.complete(task.key, now=NOW)

    async with AsyncExitStack() as stack:
        dbs = await replicas(stack, shared_url, 4)
        dead = SqliteTasks(dbs[3], Lease("dead"))
        for n in range(45):
            await dead.plan(f"remind:{n:02d}", "remind", NOW - timedelta(minutes=n), now=NOW)
        (held,) = await dead.claim(NOW, 1)
        live = [SqliteTasks(db, Lease(f"r{n}")) for n, db in enumerate(dbs[:3])]
        await asyncio.gather(*(scheduler(tasks) for tasks in live))
        assert len(runs) == 44 and set(runs.values()) == {1} and held.key not in runs

        assert await live[0].claim(NOW + LEASE - timedelta(seconds=1), 10) == []
        (taken_over,) = await live[1].claim(NOW + LEASE, 10)
        assert taken_over.key == held.key
        assert not await dead.complete(held.key, now=NOW + LEASE)
        assert await live[1].complete(held.key, now=NOW + LEASE)
        done = await dbs[0].fetch_value("SELECT COUNT(*) FROM scheduled_tasks WHERE status = 'done'")
        assert done == 45


async def test_three_takers_of_the_shared_bucket_never_get_more_than_rate_times_time_plus_burst(
    shared_url: str,
) -> None:
    rate, burst, batch, start = 28.0, 20.0, 3, 1000.0
    steps = [start + n * 0.005 for n in range(601)]  # three seconds
    used: list[float] = []

    async with AsyncExitStack() as stack:
        buckets = [SendRateBucket(db) for db in await replicas(stack, shared_url, 3)]
        in_hand: list[list[float]] = [[] for _ in buckets]

        async def step(n: int, now: float) -> None:
            """Each taker uses every token it holds that is usable now, and takes more when it has none."""
            if not in_hand[n]:
                grant = await buckets[n].take("telegram", batch, rate=rate, burst=burst, now=now)
                in_hand[n] = token_times(grant.count, grant.tokens, grant.stamp, rate)
            while in_hand[n] and in_hand[n][0] <= now:
                used.append(in_hand[n].pop(0))
                assert used[-1] >= start

        for now in steps:
            await asyncio.gather(*(step(n, now) for n in range(3)))

    for now in steps:
        assert sum(1 for t in used if t <= now) <= burst + rate * (now - start) + 1e-9
    assert len(used) >= burst + rate * (steps[-1] - start) - 3 * batch  # and the rate is used


async def test_shared_pacers_share_one_burst_and_one_pause(shared_url: str) -> None:
    wall = [1000.0]
    async with AsyncExitStack() as stack:
        a_db, b_db = await replicas(stack, shared_url, 2)
        a, b = (
            SharedPacer("telegram", Pacer(), SendRateBucket(db), wall=lambda: wall[0]) for db in (a_db, b_db)
        )
        stack.push_async_callback(a.close)
        stack.push_async_callback(b.close)
        for _ in range(10):  # 3 tokens a take: 60 taken, of which the burst (20) is usable now
            await a.refill()
            await b.refill()

        def send_all(pacer: SharedPacer) -> int:
            sent = 0
            while pacer.overall_wait(0) == 0:
                pacer.take_overall(0)
                sent += 1
            return sent

        assert send_all(a) + send_all(b) == 20
        wall[0] = 1001.0
        assert send_all(a) + send_all(b) == 28

        a.pause(5, 0)
        await a.close()
        await b.refill()
        wall[0] = 1002.0
        assert b.overall_wait(0) >= 4


async def test_three_replicas_send_each_message_and_run_each_task_once_keeping_each_chats_order(
    shared_url: str, tmp_path: Path
) -> None:
    i18n, clock = I18n.load(), AdjustableClock(NOW)
    runs: Counter[str] = Counter()

    async def remind(runtime: Runtime, task: Task) -> None:
        runs[task.key] += 1

    bots: list[Runtime] = []
    for n in range(3):
        router = Router()
        router.task("remind", remind)
        settings = Settings(
            bot_token=None, database_url=shared_url, database_path=tmp_path / "bot.db", replica_id=f"r{n}"
        )
        bot = Runtime(settings, clock=clock, i18n=i18n, router=router)
        bot.add_channel(TranscriptChannel(bot, previous=bots[0].channels["transcript"] if bots else None))
        bots.append(bot)
    chats = bots[0].channels["transcript"].chats  # type: ignore[attr-defined]

    async with AsyncExitStack() as stack:
        (db,) = await replicas(stack, shared_url, 1)
        dead = Lease("dead", seconds=3600)  # longer than the test could ever take
        dead_outbox, dead_tasks = SqliteOutbox(db, dead), SqliteTasks(db, dead)
        await dead_outbox.enqueue("notice", messages(20, 6), now=NOW)
        for n in range(30):
            await dead_tasks.plan(f"remind:{n}", "remind", NOW, now=NOW)
        held = await dead_outbox.claim(NOW, 2, ("transcript",))  # then the replica that claimed them died
        await dead_tasks.claim(NOW, 1)

        for bot in bots:
            stack.push_async_callback(bot.stop)
        await asyncio.gather(*(bot.start() for bot in bots))
        assert all(isinstance(bot.channels["transcript"].pacer, SharedPacer) for bot in bots)

        async def settled(outbox: int, tasks: int) -> bool:
            left = await db.fetch_value("SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')")
            due = await db.fetch_value("SELECT COUNT(*) FROM scheduled_tasks WHERE status = 'pending'")
            return (left, due) == (outbox, tasks)

        await until(lambda: settled(outbox=12, tasks=1))  # the dead one's 2 and its chats' next 5 wait
        assert not any(m.chat_id in chats for m in held)  # a live lease is not stolen
        clock.advance(timedelta(seconds=dead.seconds))
        for bot in bots:
            bot.wake()
        await until(lambda: settled(outbox=0, tasks=0))

    assert len(runs) == 30 and set(runs.values()) == {1}
    assert len(chats) == 20
    got = {chat: [m.text for m in log.messages] for chat, log in chats.items()}
    assert got == {str(500 + chat): [f"Tin {n}" for n in range(6)] for chat in range(20)}


async def test_a_replica_whose_claim_came_back_after_its_lease_sends_only_what_is_still_its_own(
    shared_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A claim's leases run from the clock read before it. When the claim comes back a lease later (the
    process stalled; here the clock moves meanwhile), a row another replica claimed in between is left to it
    and the others are renewed before they are sent: each message goes out once."""
    clock = AdjustableClock(NOW)
    settings = Settings(
        bot_token=None, database_url=shared_url, database_path=tmp_path / "bot.db", replica_id="stalled"
    )
    bot = Runtime(settings, clock=clock, i18n=I18n.load(), router=Router())
    bot.add_channel(TranscriptChannel(bot))
    chats = bot.channels["transcript"].chats  # type: ignore[attr-defined]

    async with AsyncExitStack() as stack:
        (db,) = await replicas(stack, shared_url, 1)
        other = SqliteOutbox(db, Lease("other"))
        taken_over: list[str] = []

        async def stalled_claim(now: datetime, limit: int, channels: tuple[str, ...]) -> list:
            rows = await claim(now, limit, channels)
            if rows and not taken_over:
                clock.advance(timedelta(seconds=settings.lease_seconds))
                taken_over.extend(m.chat_id for m in await other.claim(clock.now(), 1, channels))
            return rows

        stack.push_async_callback(bot.stop)
        await bot.start(receive=False)
        await bot.delivery.wait_idle()  # its first look at the outbox is over: every claim from now stalls
        claim = bot.services.outbox.claim
        monkeypatch.setattr(bot.services.outbox, "claim", stalled_claim)
        await other.enqueue("notice", messages(2, 1), now=clock.now())
        bot.wake()
        await until(lambda: db.fetch_value("SELECT status = 'sent' FROM outbox WHERE chat_id = '501'"))
        await bot.delivery.wait_idle()

    assert taken_over == ["500"]
    assert {chat: [m.text for m in log.messages] for chat, log in chats.items()} == {"501": ["Tin 0"]}


async def test_a_replica_whose_task_claim_came_back_after_its_lease_runs_only_what_is_still_its_own(
    shared_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same for reminders and other scheduled tasks: a task another replica claimed while this one's
    claim was late is run by that replica alone; the rest are renewed, then run once."""
    clock = AdjustableClock(NOW)
    settings = Settings(
        bot_token=None, database_url=shared_url, database_path=tmp_path / "bot.db", replica_id="stalled"
    )
    router = Router()
    ran: list[str] = []

    async def remind(runtime: Runtime, task: Task) -> None:
        ran.append(task.key)

    router.task("remind", remind)
    bot = Runtime(settings, clock=clock, i18n=I18n.load(), router=router)

    async with AsyncExitStack() as stack:
        (db,) = await replicas(stack, shared_url, 1)
        other = SqliteTasks(db, Lease("other"))
        taken_over: list[str] = []

        async def stalled_claim(now: datetime, limit: int = 100) -> list[Task]:
            tasks = await claim(now, limit)
            if tasks and not taken_over:
                clock.advance(timedelta(seconds=settings.lease_seconds))
                taken_over.extend(t.key for t in await other.claim(clock.now(), 1))
            return tasks

        stack.push_async_callback(bot.stop)
        await bot.start(receive=False)
        claim = bot.services.tasks.claim
        monkeypatch.setattr(bot.services.tasks, "claim", stalled_claim)
        for key in ("seminar:1:remind", "seminar:2:remind"):
            await other.plan(key, "remind", NOW + timedelta(minutes=1), now=NOW)
        clock.advance(timedelta(minutes=1))
        await bot.scheduler.run_due()

    assert taken_over == ["seminar:1:remind"]
    assert ran == ["seminar:2:remind"]


async def test_a_replica_told_of_due_tasks_while_it_starts_runs_each_of_them_once(
    shared_url: str, tmp_path: Path
) -> None:
    runs: Counter[str] = Counter()

    async def remind(runtime: Runtime, task: Task) -> None:
        await asyncio.sleep(0.05)
        runs[task.key] += 1

    router = Router()
    router.task("remind", remind)
    settings = Settings(bot_token=None, database_url=shared_url, database_path=tmp_path / "bot.db")
    bot = Runtime(settings, clock=AdjustableClock(NOW), i18n=I18n.load(), router=router)
    start_scheduler = bot.scheduler.start

    async def notified_while_starting(tick_seconds: float) -> None:
        bot.scheduler.wake()  # another replica planned a task: PostgreSQL tells this one, not started yet
        await asyncio.sleep(0.1)
        await start_scheduler(tick_seconds)

    bot.scheduler.start = notified_while_starting  # type: ignore[method-assign]
    async with AsyncExitStack() as stack:
        (db,) = await replicas(stack, shared_url, 1)
        for n in range(5):
            await SqliteTasks(db).plan(f"remind:{n}", "remind", NOW, now=NOW)
        stack.push_async_callback(bot.stop)
        await bot.start()
        await until(lambda: _none_pending(db))
        await bot.scheduler.run_due()

    assert runs == {f"remind:{n}": 1 for n in range(5)}


async def _none_pending(db: Database) -> bool:
    return await db.fetch_value("SELECT COUNT(*) FROM scheduled_tasks WHERE status = 'pending'") == 0


async def test_an_faq_entry_an_organiser_adds_on_one_replica_is_answered_by_every_replica(
    shared_url: str, tmp_path: Path
) -> None:
    i18n, clock = I18n.load(), AdjustableClock(NOW)
    settings = [
        Settings(bot_token=None, database_url=shared_url, database_path=tmp_path / f"r{n}" / "bot.db")
        for n in range(2)
    ]
    bots = [Runtime(s, clock=clock, i18n=i18n, router=Router()) for s in settings]
    question = "Phòng họp của Hội Khuyến học phường ở đâu?"
    async with AsyncExitStack() as stack:
        for bot in bots:
            stack.push_async_callback(bot.stop)
            await bot.start()
        here, there = (bot.services.faq for bot in bots)
        organiser = await an_organiser(bots[0].services.db, now=NOW)
        assert (await there.ask(organiser, question))[0].kind != "answer"
        _, question_id = await here.ask(organiser, question)
        assert question_id is not None
        await here.answer(organiser, question_id, "Ở tầng 2, trụ sở UBND phường.")

        added = await here.add_to_knowledge_base(organiser, question_id, source="Ban tổ chức")

        assert added.entry is not None
        await until(lambda: _answers(there, question, added.entry.id))  # told by PostgreSQL
        restarted = Runtime(settings[1], clock=clock, i18n=i18n, router=Router())
        stack.push_async_callback(restarted.stop)
        await restarted.start()
        assert await _answers(restarted.services.faq, question, added.entry.id)
    assert not (tmp_path / "r0" / "faq").exists()  # nothing kept beside one replica's database


async def _answers(faq: FaqService, question: str, entry_id: str) -> bool:
    verdict = faq.matcher.ask(question, "vi")
    return verdict.kind == "answer" and verdict.entry is not None and verdict.entry.id == entry_id


@sqlite_only("the pacer of a bot on a SQLite file (on PostgreSQL it is the shared one, tested above)")
async def test_one_process_on_sqlite_keeps_its_own_pacer(bot: BotUnderTest) -> None:
    assert not bot.services.db.shared
    pacer = bot.runtime.channels["telegram"].pacer  # type: ignore[union-attr]
    assert isinstance(pacer, Pacer) and not isinstance(pacer, SharedPacer)
