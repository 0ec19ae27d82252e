"""Messages to many people go through a durable outbox; later work through durable tasks."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.conversation.replies import Reply
from bot.core.models import Role
from bot.core.notices import OutgoingMessage
from storage.db import to_db_time
from tests.harness import TOKEN, BotUnderTest, texts


async def test_each_recipient_gets_the_message_once_and_blocked_ones_are_marked(bot: BotUnderTest) -> None:
    people = [
        await bot.member(6000 + i, f"Cán Bộ {name}", Role.CADRE, ward="Phường 2")
        for i, name in enumerate(("An", "Bình", "Chi"))
    ]
    bot.emu.block(TOKEN, people[2].chat_id)
    services = bot.services
    ward_two = next(w for w in await services.org.wards() if w.name == "Phường 2")
    recipients = await services.member_store.recipients(ward_ids=[ward_two.id])
    messages = [
        OutgoingMessage.to(r, f"test:1:{r.member_id}", Reply("Lịch tập huấn tháng 12")) for r in recipients
    ]
    assert await services.outbox.enqueue("test:1", messages, now=bot.clock.now()) == 3
    assert await services.outbox.enqueue("test:1", messages, now=bot.clock.now()) == 0
    await bot.settle()

    progress = await services.outbox.progress("test:1")
    assert (progress.count("sent"), progress.count("unreachable"), progress.done) == (2, 1, True)
    assert "Lịch tập huấn tháng 12" in texts(people[0].inbox())
    assert people[2].inbox() == []
    reachable = await services.member_store.recipients(ward_ids=[recipients[0].ward_id])
    assert people[2].chat_id not in {int(r.chat_id) for r in reachable}
    await people[2].send("/me")
    reachable = await services.member_store.recipients(ward_ids=[recipients[0].ward_id])
    assert people[2].chat_id in {int(r.chat_id) for r in reachable}


async def test_messages_in_flight_when_the_bot_stopped_are_sent_after_the_restart(bot: BotUnderTest) -> None:
    cadre = await bot.member(6001, "Cán Bộ An", Role.CADRE, ward="Phường 2")
    services = bot.services
    await services.outbox.enqueue(
        "test:2",
        [OutgoingMessage("test:2:a", None, str(cadre.chat_id), Reply("Nhắc lịch"))],
        now=bot.clock.now() + timedelta(days=1),
    )
    async with services.db.connection() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'sending', not_before = ? WHERE batch = 'test:2'",
            (to_db_time(bot.clock.now()),),
        )
    await bot.restart()
    await bot.settle()
    assert [r.text for r in cadre.inbox()] == ["Nhắc lịch"]


async def test_a_message_queued_while_the_worker_looks_at_an_empty_queue_goes_out_at_once(
    bot: BotUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wake that comes while the delivery worker is reading the queue is not lost: the worker looks again
    instead of going idle (it used to wait up to a second, and `settle()` did not see the message)."""
    cadre = await bot.member(6001, "Cán Bộ An", Role.CADRE, ward="Phường 2")
    services, delivery = bot.services, bot.runtime.delivery
    await bot.settle()
    claim = services.outbox.claim
    queued: list[int] = []

    async def claim_while_a_row_is_queued(now, limit, channels):  # noqa: ANN001, ANN202
        rows = await claim(now, limit, channels)
        if not rows and not queued:
            message = OutgoingMessage("test:3:a", None, str(cadre.chat_id), Reply("Họp chi hội"))
            queued.append(await services.outbox.enqueue("test:3", [message], now=bot.clock.now()))
            delivery.wake()
        return rows

    monkeypatch.setattr(services.outbox, "claim", claim_while_a_row_is_queued)
    delivery.wake()
    await asyncio.sleep(0)
    await delivery.wait_idle()
    assert queued == [1]
    assert [r.text for r in cadre.inbox()] == ["Họp chi hội"]


async def test_a_task_runs_once_when_due_even_across_a_restart(bot: BotUnderTest) -> None:
    cadre = await bot.member(6001, "Cán Bộ An", Role.CADRE, ward="Phường 2")
    runs: list[str] = []

    async def remind(rt, task) -> None:
        runs.append(task.key)
        reply = Reply(task.payload["text"])
        message = OutgoingMessage(f"{task.key}:to:{cadre.chat_id}", None, str(cadre.chat_id), reply)
        await rt.services.notices.queue(task.key, [message])

    bot.router.task("test_reminder", remind)
    await bot.services.tasks.plan(
        "test:remind:1",
        "test_reminder",
        bot.clock.now() + timedelta(hours=2),
        {"text": "Mai họp lúc 8 giờ"},
        now=bot.clock.now(),
    )
    await bot.advance(hours=1)
    assert runs == []
    await bot.advance(hours=1, minutes=1)
    assert runs == ["test:remind:1"]
    await bot.restart()
    await bot.advance(days=1)
    assert runs == ["test:remind:1"]
    assert [r.text for r in cadre.inbox()] == ["Mai họp lúc 8 giờ"]


async def test_a_task_planned_again_moves_instead_of_doubling_and_can_be_cancelled(bot: BotUnderTest) -> None:
    tasks, now = bot.services.tasks, bot.clock.now()
    await tasks.plan("seminar:9:remind:3600", "x", now + timedelta(days=3), now=now)
    await tasks.plan("seminar:9:remind:3600", "x", now + timedelta(days=4), now=now)
    await tasks.plan("seminar:9:remind:86400", "x", now + timedelta(days=3), now=now)
    pending = await tasks.pending("seminar:9:")
    assert [(t.key, t.due_at) for t in pending] == [
        ("seminar:9:remind:86400", now.replace(microsecond=0) + timedelta(days=3)),
        ("seminar:9:remind:3600", now.replace(microsecond=0) + timedelta(days=4)),
    ]
    assert await tasks.cancel_prefix("seminar:9:") == 2
    assert await tasks.pending("seminar:9:") == []


async def test_a_failing_task_is_retried_later_not_lost(bot: BotUnderTest) -> None:
    attempts: list[int] = []

    async def flaky(rt, task) -> None:
        attempts.append(task.attempts)
        if len(attempts) == 1:
            raise RuntimeError("the database was busy")

    bot.router.task("flaky", flaky)
    await bot.services.tasks.plan("flaky:1", "flaky", bot.clock.now(), now=bot.clock.now())
    await bot.settle()
    assert attempts == [0]
    await bot.advance(minutes=6)
    assert attempts == [0, 1]
    assert (await bot.services.tasks.get("flaky:1"))["status"] == "done"
