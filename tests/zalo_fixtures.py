"""Fixtures for the Zalo emulator and client tests: the emulator, a webhook receiver, a picture server."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Self

import pytest
from aiohttp import web

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from bot.emulator.zalo import ZaloEmulator, ZaloUser
from bot.emulator.zalo.server import tiny_png

TOKEN = "1459232241454765289:Zt3st-emulator_token-XYZ"
LAN = ZaloUser.named("Nguyễn Thị Lan")
MINH = ZaloUser.named("Trần Văn Minh")
HEX20 = r"^[0-9a-f]{20}$"


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloEmulator]:
    """A fresh Zalo emulator on a free loopback port."""
    async with ZaloEmulator() as emu:
        yield emu


class LoopbackServer:
    """A small aiohttp server on 127.0.0.1 that records every request it gets."""

    def __init__(self) -> None:
        self.app = web.Application()
        self.requests: list[dict] = []
        self.status = 200
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> Self:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class WebhookReceiver(LoopbackServer):
    """Answers POST /hook with `status` (200 unless a test changes it) and keeps headers and JSON bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.app.router.add_post("/hook", self._hook)

    @property
    def url(self) -> str:
        return f"{self.origin}/hook"

    async def _hook(self, request: web.Request) -> web.Response:
        self.requests.append({"headers": dict(request.headers), "json": await request.json()})
        return web.json_response({"message": "ok"}, status=self.status)


class PictureServer(LoopbackServer):
    """Serves /chart.png (a PNG), /page.html and POST /html/... (HTML, not the API); anything else is 404."""

    def __init__(self) -> None:
        super().__init__()
        self.png = tiny_png(5, 3)
        self.app.router.add_get("/chart.png", self._png)
        self.app.router.add_get("/page.html", self._html)
        self.app.router.add_post("/html/{tail:.*}", self._html)

    async def _png(self, request: web.Request) -> web.Response:
        self.requests.append({"path": request.path})
        return web.Response(body=self.png, content_type="image/png")

    async def _html(self, request: web.Request) -> web.Response:
        return web.Response(text="<p>hi</p>", content_type="text/html")
