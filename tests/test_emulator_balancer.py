"""The local load balancer that puts several replicas behind one address in tests and benchmarks."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.emulator.balancer import Balancer


async def _replica(name: str, seen: list[tuple[str, str, str]]) -> web.AppRunner:
    async def hook(request: web.Request) -> web.Response:
        seen.append((name, request.path, request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")))
        return web.json_response({"replica": name}, status=200)

    app = web.Application()
    app.router.add_post("/telegram/webhook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner


def _url(runner: web.AppRunner) -> str:
    return f"http://127.0.0.1:{runner.addresses[0][1]}"


@pytest.fixture
async def seen() -> AsyncIterator[list[tuple[str, str, str]]]:
    yield []


async def test_requests_go_to_each_replica_in_turn_with_the_secret_header(seen: list) -> None:
    a, b = await _replica("a", seen), await _replica("b", seen)
    balancer = Balancer([_url(a), _url(b)])
    url = await balancer.start()
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(4):
                async with http.post(
                    url + "/telegram/webhook", json={}, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
                ) as answer:
                    assert answer.status == 200
    finally:
        await balancer.stop()
        await a.cleanup()
        await b.cleanup()
    assert [name for name, _, _ in seen] == ["a", "b", "a", "b"]
    assert {(path, secret) for _, path, secret in seen} == {("/telegram/webhook", "s3cret")}


async def test_a_replica_that_is_down_is_skipped_and_none_up_answers_502(seen: list) -> None:
    a, b = await _replica("a", seen), await _replica("b", seen)
    balancer = Balancer([_url(a), _url(b)])
    url = await balancer.start()
    try:
        await b.cleanup()
        async with aiohttp.ClientSession() as http:
            for _ in range(3):
                async with http.post(url + "/telegram/webhook", json={}) as answer:
                    assert answer.status == 200
            await a.cleanup()
            async with http.post(url + "/telegram/webhook", json={}) as answer:
                assert answer.status == 502
    finally:
        await balancer.stop()
    assert [name for name, _, _ in seen] == ["a", "a", "a"]
