"""Several replicas behind one address over one PostgreSQL database: whichever replica receives an update
records it, one replica handles it, and each chat's updates are handled one at a time, in order.

Two real runtimes in one process, each with its own web server and connection pool, over a fresh schema on
the server named by TEST_DATABASE_URL (skipped without it); the test posts updates to both as a load
balancer would.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from bot.channels.telegram.channel import TelegramChannel
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.runtime import Runtime
from tests.harness import TOKEN, free_port
from tests.postgres import fresh_schema, server_url
from tests.test_inbox_webhooks import SECRET_HEADER, update_json

SECRET = "replicas-share-this-secret"


@asynccontextmanager
async def replicas(tmp_path: Path, count: int) -> AsyncIterator[list[Runtime]]:
    """`count` runtimes in Telegram webhook mode over one fresh PostgreSQL schema, started in turn."""
    async with AsyncExitStack() as stack:
        url = await stack.enter_async_context(fresh_schema(server_url()))
        emu = await stack.enter_async_context(BotApiEmulator())
        started: list[Runtime] = []
        for number in range(count):
            port = free_port()
            settings = Settings(
                bot_token=TOKEN,
                api_url=emu.base_url,
                database_url=url,
                database_path=tmp_path / f"replica{number}" / "unused.db",
                port=port,
                telegram_webhook_url=f"http://127.0.0.1:{port}/telegram/webhook",
                telegram_webhook_secret=SECRET,
                tick_seconds=3600,
            )
            runtime = Runtime(settings)
            runtime.add_channel(TelegramChannel(runtime, settings, poll_timeout=1))
            await runtime.start()
            stack.push_async_callback(runtime.stop)
            started.append(runtime)
        yield started


async def post(runtime: Runtime, body: dict) -> int:
    url = runtime.settings.telegram_webhook_url
    assert url is not None
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=body, headers={SECRET_HEADER: SECRET}) as response,
    ):
        return response.status


async def until_all_handled(runtime: Runtime, count: int) -> None:
    for _ in range(400):
        done = await runtime.services.db.fetch_value("SELECT COUNT(*) FROM inbox WHERE status = 'done'")
        if done >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"only {done} of {count} updates were handled")


def watch(runtime: Runtime, name: str, handled: list[tuple[str, str, str]], busy: set[str]) -> list[str]:
    """Record each turn (replica, chat, update id); the chats that had two turns at once."""
    handle = runtime.handle
    overlapped: list[str] = []

    async def watched(inp, hooks=None, **options):  # noqa: ANN001, ANN003, ANN202
        chat = inp.sender.chat_id
        if chat in busy:
            overlapped.append(chat)
        busy.add(chat)
        try:
            await asyncio.sleep(0.01)  # long enough for the other replica to try the same chat
            return await handle(inp, hooks, **options)
        finally:
            busy.discard(chat)
            handled.append((name, chat, inp.id or ""))

    runtime.handle = watched  # type: ignore[method-assign]
    return overlapped


async def test_updates_posted_to_two_replicas_are_each_handled_once_and_in_order_per_chat(
    tmp_path: Path,
) -> None:
    async with replicas(tmp_path, 2) as (first, second):
        handled: list[tuple[str, str, str]] = []
        busy: set[str] = set()
        overlapped = watch(first, "first", handled, busy) + watch(second, "second", handled, busy)
        sent: dict[str, list[str]] = {}

        async def chat(user_id: int) -> None:
            for turn in range(5):
                update_id = user_id * 100 + turn
                sent.setdefault(str(user_id), []).append(str(update_id))
                target = (first, second)[(user_id + turn) % 2]  # the load balancer alternates
                assert await post(target, update_json(update_id, user_id, f"tin {turn}")) == 200

        await asyncio.gather(*(chat(user_id) for user_id in range(2001, 2007)))
        await until_all_handled(first, 30)

        ids = [update_id for _, _, update_id in handled]
        assert Counter(ids) == Counter(i for chat_ids in sent.values() for i in chat_ids), "each once"
        for chat_id, in_order in sent.items():
            assert [i for _, c, i in handled if c == chat_id] == in_order
        assert overlapped == []
        counts = Counter(name for name, _, _ in handled)
        print(f"turns per replica: {dict(counts)}")


async def test_an_update_one_replica_records_is_handled_by_another_woken_through_the_database(
    tmp_path: Path,
) -> None:
    async with replicas(tmp_path, 2) as (receiving, handling):
        await receiving.inbox.stop()  # this replica only records (as if its turns had all stalled)
        handling.inbox.poll_seconds = 600  # only a notification can wake it in time
        handled: list[tuple[str, str, str]] = []
        watch(handling, "handling", handled, set())
        await asyncio.sleep(0.2)  # the handling replica has looked at the empty inbox and waits

        assert await post(receiving, update_json(4101, 2001, "/start")) == 200
        await until_all_handled(handling, 1)
        assert handled == [("handling", "2001", "4101")]


async def test_a_replica_that_lost_its_database_answers_503_and_the_other_goes_on(tmp_path: Path) -> None:
    async with replicas(tmp_path, 2) as (lost, healthy):
        await lost.services.db.close()  # its connection pool is gone
        assert await post(lost, update_json(5101, 2001, "/start")) == 503
        assert await post(healthy, update_json(5101, 2001, "/start")) == 200  # Telegram delivers it again
        await until_all_handled(healthy, 1)


@pytest.fixture(autouse=True)
def _quiet_replicas(caplog: pytest.LogCaptureFixture) -> None:
    """The replica whose database is gone logs its failures; they are expected here."""
    caplog.set_level("CRITICAL", logger="storage")
