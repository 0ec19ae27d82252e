"""The bot's HTTP client for the Bot API: HTTP/1.1 with keep-alive over asyncio streams.

python-telegram-bot talks to Telegram through a `BaseRequest`. Its default, httpx, costs about 2 ms of
CPU per update on this project's machines, a third of everything the bot spends on an update, most of it
in httpcore's connection-pool bookkeeping (bench/README.md, ../shared/research/e2e-and-perf.md §6).
The Bot API needs little of HTTP: POST with a form or multipart body, GET for file downloads, responses
framed by Content-Length or chunks. This client does that and no more, on the standard library, with
the same wire format as python-telegram-bot's own client and the same errors (`TimedOut`,
`NetworkError`) for it to retry on.

It does not use proxies: set HTTP_CLIENT=httpx to go back to python-telegram-bot's client, which honours
HTTPS_PROXY and friends.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import ssl
import time
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import SplitResult, urlencode, urlsplit

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_USER_AGENT = BaseRequest.USER_AGENT.encode()
_MAX_HEAD_BYTES = 64 * 1024
_MAX_BODY_BYTES = 64 * 1024 * 1024  # the Bot API never answers with more (file downloads are ≤ 20 MB)


class _BadResponse(Exception):
    """The server's answer is not HTTP/1.x we can read."""


@dataclass(eq=False)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = field(default_factory=time.monotonic)

    def usable(self, now: float, keepalive_s: float) -> bool:
        """Still open (the server has not hung up) and not idle for longer than the keep-alive window."""
        return not (self.reader.at_eof() or self.writer.is_closing()) and now - self.idle_since < keepalive_s

    def close(self) -> None:
        self.writer.close()


class StreamsRequest(BaseRequest):
    """A `BaseRequest` over asyncio streams, with a pool of keep-alive connections per server.

    Timeouts default to python-telegram-bot's own (5 s to connect, write and read, 20 s to write an
    upload, 1 s to wait for a free connection). `pool_size` bounds the connections open at once.
    """

    def __init__(
        self,
        *,
        pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        keepalive_s: float = 5.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        self._slots = asyncio.Semaphore(pool_size)
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._keepalive_s = keepalive_s
        self._ssl_context = ssl_context
        self._open = False

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Ready to send (connections open on first use)."""
        self._open = True

    async def shutdown(self) -> None:
        """Close every idle connection; connections in use close when their request ends."""
        self._open = False
        idle = [connection for pool in self._idle.values() for connection in pool]
        self._idle.clear()
        for connection in idle:
            connection.close()
        for connection in idle:
            with contextlib.suppress(OSError, ssl.SSLError):
                await connection.writer.wait_closed()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request and return the status code and the body (see `BaseRequest.do_request`)."""
        if not self._open:
            raise RuntimeError("This StreamsRequest is not initialized!")
        target = urlsplit(url)
        if target.scheme not in ("http", "https") or not target.hostname:
            raise NetworkError(f"Unsupported URL: {target.scheme}://{target.hostname}")
        body, content_type = _encode(request_data)
        files = request_data is not None and bool(request_data.multipart_data)
        read_s = self._read_timeout if _is_default(read_timeout) else read_timeout
        default_write_s = self._media_write_timeout if files else self._write_timeout
        write_s = default_write_s if _is_default(write_timeout) else write_timeout
        connect_s = self._connect_timeout if _is_default(connect_timeout) else connect_timeout
        pool_s = self._pool_timeout if _is_default(pool_timeout) else pool_timeout
        head = _request_head(method, target, body, content_type)

        try:
            async with asyncio.timeout(pool_s):
                await self._slots.acquire()
        except TimeoutError as exc:
            raise TimedOut(
                "Pool timeout: All connections in the connection pool are occupied. Request was *not* sent "
                "to Telegram. Consider adjusting the connection pool size or the pool timeout."
            ) from exc
        try:
            return await self._exchange(target, method, head, body, read_s, write_s, connect_s)
        except TimeoutError as exc:
            raise TimedOut from exc
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, _BadResponse) as exc:
            raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            self._slots.release()

    async def _exchange(
        self,
        target: SplitResult,
        method: str,
        head: bytes,
        body: bytes,
        read_s: float | None,
        write_s: float | None,
        connect_s: float | None,
    ) -> tuple[int, bytes]:
        origin = (target.scheme, target.hostname, target.port or (443 if target.scheme == "https" else 80))
        connection = self._reuse(origin)
        if connection is None:
            async with asyncio.timeout(connect_s):
                connection = await self._connect(origin)
        try:
            connection.writer.write(head + body)
            async with asyncio.timeout(write_s):
                await connection.writer.drain()
            status, payload, reusable = await _read_response(_TimedReader(connection.reader, read_s), method)
        except BaseException:
            connection.close()
            raise
        if reusable and self._open:
            connection.idle_since = time.monotonic()
            self._idle.setdefault(origin, []).append(connection)
        else:
            connection.close()
        return status, payload

    def _reuse(self, origin: tuple[str, str, int]) -> _Connection | None:
        """The most recently used idle connection to `origin` that is still good; stale ones are closed."""
        pool = self._idle.get(origin)
        now = time.monotonic()
        while pool:
            connection = pool.pop()
            if connection.usable(now, self._keepalive_s):
                return connection
            connection.close()
        return None

    async def _connect(self, origin: tuple[str, str, int]) -> _Connection:
        scheme, host, port = origin
        context = None
        if scheme == "https":
            if self._ssl_context is None:
                self._ssl_context = _default_ssl_context()
            context = self._ssl_context
        reader, writer = await asyncio.open_connection(
            host, port, ssl=context, server_hostname=host if context else None, limit=_MAX_HEAD_BYTES
        )
        return _Connection(reader, writer)


def _is_default(value: Any) -> bool:
    return isinstance(value, type(BaseRequest.DEFAULT_NONE))


def _default_ssl_context() -> ssl.SSLContext:
    """The system's trust store, or certifi's bundle when it is installed (it comes with httpx)."""
    try:
        import certifi
    except ImportError:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


def _encode(request_data: RequestData | None) -> tuple[bytes, bytes | None]:
    """The body and its content type: a form (as python-telegram-bot's own client sends), or multipart."""
    if request_data is None:
        return b"", None
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return urlencode(fields).encode(), b"application/x-www-form-urlencoded"
    boundary = secrets.token_hex(16).encode()
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n' % (boundary, _quote(name)))
        parts.append(value.encode() + b"\r\n")
    for name, (filename, content, mime_type) in files.items():
        parts.append(
            b'--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\nContent-Type: %s\r\n\r\n'
            % (
                boundary,
                _quote(name),
                _quote(filename or name),
                (mime_type or "application/octet-stream").encode(),
            )
        )
        parts.append(_read(content) + b"\r\n")
    parts.append(b"--%s--\r\n" % boundary)
    return b"".join(parts), b"multipart/form-data; boundary=" + boundary


def _quote(value: str) -> bytes:
    """A name or file name inside a quoted header parameter (as browsers and httpx write it)."""
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A").encode()


def _read(content: bytes | IO[bytes]) -> bytes:
    return content if isinstance(content, bytes) else content.read()


def _request_head(method: str, target: SplitResult, body: bytes, content_type: bytes | None) -> bytes:
    path = (target.path or "/") + (f"?{target.query}" if target.query else "")
    default_port = 443 if target.scheme == "https" else 80
    host = target.hostname if target.port in (None, default_port) else f"{target.hostname}:{target.port}"
    lines = [
        f"{method} {path} HTTP/1.1".encode(),
        b"Host: " + host.encode("idna"),
        b"User-Agent: " + _USER_AGENT,
        b"Accept: */*",
    ]
    if content_type is not None:
        lines += [b"Content-Type: " + content_type, b"Content-Length: %d" % len(body)]
    elif method in ("POST", "PUT"):
        lines.append(b"Content-Length: 0")
    return b"\r\n".join(lines) + b"\r\n\r\n"


class _TimedReader:
    """Reads from a stream, each step within the read timeout (a slow download that keeps coming is fine)."""

    _STEP = 64 * 1024

    def __init__(self, reader: asyncio.StreamReader, timeout_s: float | None) -> None:
        self._reader = reader
        self._timeout_s = timeout_s

    async def readuntil(self, separator: bytes) -> bytes:
        async with asyncio.timeout(self._timeout_s):
            return await self._reader.readuntil(separator)

    async def readexactly(self, size: int) -> bytes:
        parts: list[bytes] = []
        while size > 0:
            step = min(size, self._STEP)
            async with asyncio.timeout(self._timeout_s):
                parts.append(await self._reader.readexactly(step))
            size -= step
        return b"".join(parts)

    async def read_to_end(self, limit: int) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            async with asyncio.timeout(self._timeout_s):
                part = await self._reader.read(self._STEP)
            if not part:
                return b"".join(parts)
            total += len(part)
            if total > limit:
                raise _BadResponse("response body too large")
            parts.append(part)


async def _read_response(reader: _TimedReader, method: str) -> tuple[int, bytes, bool]:
    """Status, body and whether the connection may carry another request."""
    while True:
        version, status, headers = _parse_head(await reader.readuntil(b"\r\n\r\n"))
        if not 100 <= status < 200:
            break  # 1xx answers are provisional: the real one follows
    keep_alive = version == "HTTP/1.1" and "close" not in headers.get("connection", "").lower()
    if method == "HEAD" or status in (204, 304):
        return status, b"", keep_alive
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return status, await _read_chunks(reader), keep_alive
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit() or int(length) > _MAX_BODY_BYTES:
            raise _BadResponse(f"bad Content-Length {length!r}")
        return status, await reader.readexactly(int(length)), keep_alive
    return (
        status,
        await reader.read_to_end(_MAX_BODY_BYTES),
        False,
    )  # framed by the server closing the connection


def _parse_head(raw: bytes) -> tuple[str, int, dict[str, str]]:
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise _BadResponse(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, sep, value = line.partition(":")
            if not sep:
                raise _BadResponse(f"malformed header line: {line[:80]!r}")
            headers[name.strip().lower()] = value.strip()
    return parts[0], int(parts[1]), headers


async def _read_chunks(reader: _TimedReader) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        size_line = (await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError as exc:
            raise _BadResponse(f"bad chunk size {size_line[:20]!r}") from exc
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass  # trailers
            return b"".join(chunks)
        total += size
        if total > _MAX_BODY_BYTES:
            raise _BadResponse("response body too large")
        chunks.append(await reader.readexactly(size))
        if await reader.readexactly(2) != b"\r\n":
            raise _BadResponse("chunk not terminated by CRLF")
