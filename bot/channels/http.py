"""The connection pool under the bot's httpx clients: keep-alive HTTP/1.1 over asyncio streams and h11.

httpx is the project's HTTP client library: python-telegram-bot's `HTTPXRequest` talks to Telegram through it,
and any other outgoing HTTP (a Zalo client, webhooks' callers) should use `httpx.AsyncClient` too. This module
replaces one part of httpx, its connection pool (httpcore): httpcore rescans every pooled connection, with a
readability check through anyio, each time a request starts or ends, which at 16 chats at once costs about 1
ms of CPU per Bot API call, as much as the rest of the bot spends on a reply (bench/README.md). Everything
else stays httpx's and h11's (both maintained): URLs, headers, form and multipart encoding, the HTTP/1.1 wire
format and message framing, the exceptions python-telegram-bot maps to `TimedOut` and `NetworkError`. It does
not speak to proxies: behind one (HTTPS_PROXY and friends), use httpx's own transport
(bot/channels/telegram/request.py does).

    client = httpx.AsyncClient(transport=KeepAlivePool(max_connections=32))
"""

from __future__ import annotations

import asyncio
import ssl
import time

import h11
import httpx

_READ_SIZE = 64 * 1024


class _Connection:
    """One TCP (or TLS) connection and the h11 state machine of the exchange on it."""

    __slots__ = ("generation", "h11", "idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, generation: int) -> None:
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.CLIENT)
        self.idle_since = time.monotonic()
        self.generation = generation

    def reusable(self, now: float, keepalive_expiry: float) -> bool:
        """The server has not hung up, and the connection has not idled past the keep-alive window."""
        return (
            not (self.reader.at_eof() or self.writer.is_closing())
            and now - self.idle_since < keepalive_expiry
        )

    def close(self) -> None:
        self.writer.close()


class KeepAlivePool(httpx.AsyncBaseTransport):
    """An httpx transport: at most `max_connections` requests at once, idle connections reused newest first.

    The timeouts are httpx's (`pool`, `connect`, `read`, `write`, per request), and so are the errors:
    `PoolTimeout`, `ConnectTimeout`, `ReadTimeout`, `WriteTimeout`, `ConnectError`, `ReadError`, `WriteError`,
    `RemoteProtocolError`. Bodies are read whole (the Bot API answers with JSON, files with at most 20 MB).
    """

    def __init__(
        self,
        *,
        max_connections: int = 16,
        keepalive_expiry: float = 5.0,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self._slots = asyncio.Semaphore(max_connections)
        self._idle: dict[tuple[bytes, bytes, int], list[_Connection]] = {}
        self._keepalive_expiry = keepalive_expiry
        self._verify = verify
        self._generation = 0  # moves on at aclose(): a connection opened before then is not pooled again
        self._ssl_context: ssl.SSLContext | None = verify if isinstance(verify, ssl.SSLContext) else None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        try:
            async with asyncio.timeout(timeouts.get("pool")):
                await self._slots.acquire()
        except TimeoutError as exc:
            raise httpx.PoolTimeout("no free connection in the pool", request=request) from exc
        try:
            return await self._exchange(request, timeouts)
        finally:
            self._slots.release()

    async def aclose(self) -> None:
        """Close the idle connections (one in use closes when its request ends); the pool stays usable."""
        self._generation += 1
        idle = [connection for pool in self._idle.values() for connection in pool]
        self._idle.clear()
        for connection in idle:
            connection.close()

    async def _exchange(self, request: httpx.Request, timeouts: dict[str, float | None]) -> httpx.Response:
        url = request.url
        origin = (url.raw_scheme, url.raw_host, url.port or (443 if url.scheme == "https" else 80))
        connection = self._reuse(origin) or await self._connect(request, origin, timeouts.get("connect"))
        try:
            status, headers, body = await self._send(connection, request, timeouts)
        except BaseException:
            connection.close()
            raise
        state = connection.h11
        current = connection.generation == self._generation
        if current and state.our_state is h11.DONE and state.their_state is h11.DONE:
            state.start_next_cycle()
            connection.idle_since = time.monotonic()
            self._idle.setdefault(origin, []).append(connection)
        else:
            # Connection: close, HTTP/1.0, a body framed by the server hanging up, or aclose().
            connection.close()
        return httpx.Response(
            status, headers=headers, content=body, request=request, extensions={"http_version": b"HTTP/1.1"}
        )

    async def _send(
        self, connection: _Connection, request: httpx.Request, timeouts: dict[str, float | None]
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        state = connection.h11
        body = await request.aread()
        try:
            data = state.send(
                h11.Request(method=request.method, target=request.url.raw_path, headers=request.headers.raw)
            )
            if body:
                data += state.send(h11.Data(data=body))
            data += state.send(h11.EndOfMessage())
        except h11.LocalProtocolError as exc:
            raise httpx.LocalProtocolError(str(exc), request=request) from exc
        try:
            connection.writer.write(data)
            async with asyncio.timeout(timeouts.get("write")):
                await connection.writer.drain()
        except TimeoutError as exc:
            raise httpx.WriteTimeout("timed out sending the request", request=request) from exc
        except OSError as exc:
            raise httpx.WriteError(f"{type(exc).__name__}: {exc}", request=request) from exc

        read_timeout = timeouts.get("read")
        response: h11.Response | None = None
        chunks: list[bytes] = []
        while True:
            try:
                event = state.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc), request=request) from exc
            if event is h11.NEED_DATA:
                try:
                    async with asyncio.timeout(
                        read_timeout
                    ):  # per read: a slow download that keeps coming is fine
                        received = await connection.reader.read(_READ_SIZE)
                except TimeoutError as exc:
                    raise httpx.ReadTimeout("timed out waiting for the response", request=request) from exc
                except OSError as exc:
                    raise httpx.ReadError(f"{type(exc).__name__}: {exc}", request=request) from exc
                try:
                    state.receive_data(received)  # b"": the server hung up
                except h11.RemoteProtocolError as exc:
                    raise httpx.RemoteProtocolError(str(exc), request=request) from exc
            elif isinstance(event, h11.Response):
                response = event
            elif isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                assert response is not None
                return response.status_code, list(response.headers), b"".join(chunks)
            # 1xx answers (h11.InformationalResponse) are provisional: the real one follows

    def _reuse(self, origin: tuple[bytes, bytes, int]) -> _Connection | None:
        """The most recently used idle connection to `origin` that is still good; stale ones are closed."""
        pool = self._idle.get(origin)
        now = time.monotonic()
        while pool:
            connection = pool.pop()
            if connection.reusable(now, self._keepalive_expiry):
                return connection
            connection.close()
        return None

    async def _connect(
        self, request: httpx.Request, origin: tuple[bytes, bytes, int], connect_timeout: float | None
    ) -> _Connection:
        scheme, host, port = origin
        context = None
        if scheme == b"https":
            if self._ssl_context is None:
                self._ssl_context = httpx.create_ssl_context(verify=self._verify)
            context = self._ssl_context
        hostname = host.decode("ascii")
        try:
            async with asyncio.timeout(connect_timeout):
                reader, writer = await asyncio.open_connection(
                    hostname, port, ssl=context, server_hostname=hostname if context else None
                )
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(f"timed out connecting to {hostname}:{port}", request=request) from exc
        except OSError as exc:  # refused, unreachable, DNS, and TLS failures (ssl.SSLError is an OSError)
            raise httpx.ConnectError(f"{type(exc).__name__}: {exc}", request=request) from exc
        return _Connection(reader, writer, self._generation)
