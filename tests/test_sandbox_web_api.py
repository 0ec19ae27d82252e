"""The sandbox page's JSON API, without a browser."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest

from bot.clock import AdjustableClock
from bot.emulator import BotApiEmulator
from bot.sandbox.web import add_sandbox_routes
from tests.emulator_fixtures import TOKEN

PEOPLE = [{"user_id": 8001, "name": "Phạm Thu Hà", "role": "Cán bộ", "group": "Phường 1"}]


async def demo_people() -> list[dict]:
    return PEOPLE


@pytest.fixture
async def site() -> AsyncIterator[tuple[BotApiEmulator, aiohttp.ClientSession, list[str]]]:
    clock = AdjustableClock(datetime(2026, 11, 27, 1, 0, tzinfo=UTC), frozen=True)
    moved: list[str] = []

    async def on_clock_moved() -> None:
        moved.append(clock.now().isoformat())

    emulator = BotApiEmulator(clock=clock)
    add_sandbox_routes(
        emulator.app, emulator, token=TOKEN, people=demo_people, clock=clock, on_clock_moved=on_clock_moved
    )
    async with emulator, aiohttp.ClientSession(emulator.origin) as session:
        yield emulator, session, moved


async def get(session: aiohttp.ClientSession, path: str) -> tuple[int, dict | str]:
    async with session.get(path) as response:
        text = await response.text()
        return response.status, (
            await response.json()
        ) if response.content_type == "application/json" else text


async def post(session: aiohttp.ClientSession, path: str, body: dict) -> tuple[int, dict | str]:
    async with session.post(path, json=body) as response:
        text = await response.text()
        return response.status, (
            await response.json()
        ) if response.content_type == "application/json" else text


async def test_a_person_writes_and_the_chat_view_follows(site):
    emulator, session, _ = site
    assert (await get(session, "/sandbox/api/people"))[1] == {"people": PEOPLE}
    status, first = await get(session, "/sandbox/api/chat/8001?since=-1")
    assert (
        status == 200 and first["messages"] == [] and first["clock"]["label"] == "Thứ Sáu, 27/11/2026 08:00"
    )

    waiting = asyncio.create_task(
        get(
            session, f"/sandbox/api/chat/8001?since={first['version']}&instance={first['instance']}&timeout=5"
        )
    )
    assert (await post(session, "/sandbox/api/chat/8001/send", {"text": "/start"}))[0] == 200
    _, changed = await asyncio.wait_for(waiting, 3)
    [message] = changed["messages"]
    assert message["text"] == "/start" and not message["from_bot"] and message["time"] == "08:00"
    [sent] = emulator.chat_history(TOKEN, 8001)
    assert sent["from"]["first_name"] == "Phạm Thu Hà"


async def test_a_page_from_an_earlier_server_does_not_wait(site):
    _, session, _ = site
    _, view = await get(session, "/sandbox/api/chat/8001?since=-1")
    stale = get(session, f"/sandbox/api/chat/8001?since={view['version'] + 5}&instance=old&timeout=30")
    _, fresh = await asyncio.wait_for(stale, 3)
    assert fresh["instance"] == view["instance"]


async def test_refusals(site):
    _, session, moved = site
    assert (await post(session, "/sandbox/api/chat/9999/send", {"text": "x"}))[0] == 404
    assert (await post(session, "/sandbox/api/chat/8001/send", {"text": "  "}))[0] == 400
    assert (await post(session, "/sandbox/api/chat/8001/press", {"message_id": 1, "callback_data": "x"}))[
        0
    ] == 404
    assert (await get(session, "/sandbox/api/file/nope"))[0] == 404
    assert (await post(session, "/sandbox/api/clock", {"action": "back"}))[0] == 400
    assert moved == []
    status, clock = await post(session, "/sandbox/api/clock", {"action": "hour"})
    assert status == 200 and clock["label"] == "Thứ Sáu, 27/11/2026 09:00" and len(moved) == 1
