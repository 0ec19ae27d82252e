"""The bot's own web server on PORT: channel webhooks, signed download links and the health endpoint.

A webhook is served at the path its channel asks for (`<channel>/webhook` unless configured); until every
channel has started, a POST to a path not served yet answers 503, so the platform delivers it again.

Started only when something needs it (a webhook, or files to link for a channel that cannot send files), so a
Telegram-only bot on long polling opens no port. `PUBLIC_BASE_URL` is the public address of this server's root
(a proxy in front maps every path unchanged); the bot never fetches its own public address.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from bot.runtime.links import FileLinks

if TYPE_CHECKING:
    from bot.runtime import Runtime

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HEALTH_TIMEOUT_SECONDS = 5.0
"""/healthz answers 503 when the database has not answered by then (a health check gives up soon)."""


def require_secret(request: web.Request, header: str, expected: str | None, platform: str) -> None:
    """A webhook request must carry the secret in `header` (compared in constant time), else 403."""
    given = request.headers.get(header, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        logger.warning("a %s webhook request without the right secret was refused", platform)
        raise web.HTTPForbidden()


async def accept_update(
    runtime: Runtime, channel: str, update_key: str, chat_key: str, payload: dict[str, Any]
) -> web.Response:
    """Record a webhook's update in the inbox and answer 200 once it has committed (or was recorded
    before); 503 while the bot starts or stops or when the database does not take it: the platform
    delivers it again."""
    if not runtime.started:
        raise web.HTTPServiceUnavailable()
    try:
        await runtime.inbox.record(channel, update_key, chat_key, payload)
    except Exception:
        logger.exception("could not record a %s update: answering 503", channel)
        raise web.HTTPServiceUnavailable() from None
    return web.json_response({"ok": True})


class WebServer:
    def __init__(
        self,
        runtime: Runtime,
        *,
        host: str,
        port: int,
        links: FileLinks | None,
        sock: socket.socket | None = None,
    ) -> None:
        """`sock`: a socket already bound (its port chosen by the system), served instead of host:port."""
        self.runtime = runtime
        self.host, self.port = host, port
        self._sock = sock
        if sock is not None:
            self.host, self.port = sock.getsockname()[:2]
        self.links = links
        self.app = web.Application(client_max_size=1024 * 1024)
        self.app.router.add_get("/healthz", self.health)
        self.app.router.add_get("/files/{token}/{name}", self.file)
        self.app.router.add_post("/{path:.+}", self.hook)
        self._hooks: dict[str, Handler] = {}
        self._runner: web.AppRunner | None = None

    def add_hook(self, channel: str, handler: Handler, *, path: str | None = None) -> str:
        """Serve a channel's webhook (channels start after the server) at `path`, by default
        `<channel>/webhook`; the path under PUBLIC_BASE_URL."""
        path = (path or f"{channel}/webhook").strip("/")
        self._hooks[path] = handler
        return path

    async def hook(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"].strip("/")
        handler = self._hooks.get(path)
        if handler is None:
            if not self.runtime.receiving:
                raise web.HTTPServiceUnavailable()  # starting: the platform delivers it again
            raise web.HTTPNotFound()
        return await handler(request)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site: web.BaseSite
        if self._sock is not None:
            site = web.SockSite(self._runner, self._sock)
        else:
            site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:
            sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
            self.port = sockets[0].getsockname()[1] if sockets else 0
        logger.info("web server listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def file(self, request: web.Request) -> web.StreamResponse:
        """A signed download link: the file, or 403 (tampered) / 404 (expired, or the file is gone)."""
        if self.links is None or not self.runtime.started:
            raise web.HTTPNotFound()
        checked = self.links.check(request.match_info["token"], now=self.runtime.clock.now())
        if checked == "forged":
            raise web.HTTPForbidden(text="This link is not valid.")
        if checked == "expired":
            raise web.HTTPNotFound(text="This link has expired. Please ask the bot again.")
        stored = await self.runtime.services.outbox.blob(int(checked))
        if stored is None:
            raise web.HTTPNotFound()
        filename, mime_type, data = stored
        disposition = "inline" if mime_type.startswith("image/") else "attachment"
        return web.Response(
            body=data,
            content_type=mime_type,
            headers={
                "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename)}",
                "Cache-Control": "private, max-age=3600",
            },
        )

    async def health(self, request: web.Request) -> web.Response:
        """Database reachable, queue depth, oldest unsent message age: 200 when healthy, else 503."""
        from storage.health import queue_state

        if not self.runtime.started:
            return web.json_response({"status": "starting"}, status=503)
        now = self.runtime.clock.now()
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
                queue = await queue_state(self.runtime.services.db, now)
                inbox = await self.runtime.services.inbox.state()
        except Exception as exc:
            logger.warning("health check: the database did not answer (%s)", type(exc).__name__)
            return web.json_response({"status": "database unavailable"}, status=503)
        oldest = (now - queue.oldest_unsent_at).total_seconds() if queue.oldest_unsent_at else 0.0
        waiting = self.runtime.inbox.now() - inbox.oldest_pending_at if inbox.oldest_pending_at else None
        return web.json_response(
            {
                "status": "ok",
                "database": "ok",
                "queue_depth": queue.pending,
                "oldest_unsent_seconds": round(oldest),
                "inbox_waiting": inbox.pending + inbox.processing,
                "inbox_oldest_seconds": round(waiting.total_seconds()) if waiting else 0,
                "inbox_parked": inbox.parked,
            }
        )
