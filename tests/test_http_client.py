"""The bot's own HTTP client for the Bot API (bot/http_client.py).

Most of it is exercised by every dialog test, which runs the real Application through it against the
emulator. These tests pin what those do not reach: keep-alive reuse and the server hanging up, every way a
response body can be framed, timeouts and a full pool, garbage and dropped connections, uploads, TLS.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Self

import pytest
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.app import build_application
from bot.config import Settings
from bot.emulator.server import BotApiEmulator
from bot.http_client import StreamsRequest

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
TOKEN = "123456:TEST-token-for-http"
OK = b'{"ok":true,"result":true}'
TLS = Path(__file__).parent / "data" / "tls"


class ScriptedServer:
    """A loopback HTTP server whose every connection is handled by `handler`; counts connections."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[bytes] = []
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/bot{TOKEN}/getMe"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def read_request(self, reader: asyncio.StreamReader) -> bytes:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            ),
            0,
        )
        request = head + await reader.readexactly(length)
        self.requests.append(request)
        return request


def _keep_serving(server_ref: list[ScriptedServer], response: bytes) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await server_ref[0].read_request(reader)
            writer.write(response)
            await writer.drain()

    return handler


def _response(body: bytes = OK, *, extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n%s" % (
        extra,
        len(body),
        body,
    )


async def _serving(response: bytes) -> ScriptedServer:
    ref: list[ScriptedServer] = []
    server = ScriptedServer(_keep_serving(ref, response))
    ref.append(server)
    return server


async def test_consecutive_requests_share_one_kept_alive_connection():
    async with await _serving(_response()) as server, StreamsRequest() as request:
        for _ in range(5):
            assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
    assert server.connections == 1
    assert len(server.requests) == 5


async def test_the_request_is_a_form_like_python_telegram_bots_own_client_sends():
    async with await _serving(_response()) as server, StreamsRequest() as request:
        data = RequestData(
            [
                RequestParameter.from_input("chat_id", 42),
                RequestParameter.from_input("text", "Chào bạn & hẹn gặp"),
                RequestParameter.from_input("reply_markup", {"inline_keyboard": []}),
            ]
        )
        await request.do_request(server.url, "POST", data)
    head, _, body = server.requests[0].partition(b"\r\n\r\n")
    assert head.startswith(f"POST /bot{TOKEN}/getMe HTTP/1.1\r\n".encode())
    assert b"Content-Type: application/x-www-form-urlencoded" in head
    assert (
        body == b"chat_id=42&text=Ch%C3%A0o+b%E1%BA%A1n+%26+h%E1%BA%B9n+g%E1%BA%B7p"
        b"&reply_markup=%7B%22inline_keyboard%22%3A+%5B%5D%7D"
    )


async def test_a_connection_the_server_closed_while_idle_is_replaced_without_an_error():
    async def answer_once_then_hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.read_request(reader)
        writer.write(_response())
        await writer.drain()

    server = ScriptedServer(answer_once_then_hang_up)
    async with server, StreamsRequest() as request:
        assert (await request.do_request(server.url, "POST", RequestData([])))[0] == 200
        await asyncio.sleep(0.05)  # the server's FIN arrives while the connection is idle
        assert (await request.do_request(server.url, "POST", RequestData([])))[0] == 200
    assert server.connections == 2


async def test_an_idle_connection_older_than_the_keepalive_window_is_not_reused():
    async with await _serving(_response()) as server, StreamsRequest(keepalive_s=0.01) as request:
        await request.do_request(server.url, "POST", RequestData([]))
        await asyncio.sleep(0.05)
        await request.do_request(server.url, "POST", RequestData([]))
    assert server.connections == 2


@pytest.mark.parametrize(
    ("raw", "reused"),
    [
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b'5;ext=1\r\n{"ok"\r\n14\r\n:true,"result":true}\r\n0\r\nX-Trailer: 1\r\n\r\n',
            True,
        ),
        (b"HTTP/1.1 100 Continue\r\n\r\n" + _response(), True),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 25\r\n\r\n" + OK, False),
        (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 25\r\n\r\n" + OK, False),
    ],
    ids=["chunked-with-trailer", "after-100-continue", "http-1.0", "connection-close"],
)
async def test_every_way_of_framing_the_body_is_read(raw, reused):
    async with await _serving(raw) as server, StreamsRequest() as request:
        assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
        assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
    assert server.connections == (1 if reused else 2)


async def test_a_body_framed_by_the_server_closing_the_connection_is_read_to_the_end():
    async def answer_and_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\n\r\n" + OK)
        await writer.drain()

    server = ScriptedServer(answer_and_close)
    async with server, StreamsRequest() as request:
        assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
        assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
    assert server.connections == 2


async def test_a_slow_answer_times_out_and_its_connection_is_not_reused():
    async def slow_first(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.read_request(reader)
        if server.connections == 1:
            await asyncio.sleep(5)
        writer.write(_response())
        await writer.drain()
        await server.read_request(reader)

    server = ScriptedServer(slow_first)
    async with server, StreamsRequest() as request:
        with pytest.raises(TimedOut):
            await request.do_request(server.url, "POST", RequestData([]), read_timeout=0.1)
        assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
    assert server.connections == 2


async def test_a_full_pool_is_a_pool_timeout_and_nothing_is_sent():
    release = asyncio.Event()

    async def held(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.read_request(reader)
        await release.wait()
        writer.write(_response())
        await writer.drain()

    server = ScriptedServer(held)
    async with server, StreamsRequest(pool_size=1, pool_timeout=0.1) as request:
        first = asyncio.create_task(request.do_request(server.url, "POST", RequestData([])))
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await request.do_request(server.url, "POST", RequestData([]))
        release.set()
        assert await first == (200, OK)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b'HTTP/1.1 200 OK\r\nContent-Length: 25\r\n\r\n{"ok":',
        b"SSH-2.0-OpenSSH\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
    ids=["hang-up", "cut-short", "not-http", "bad-length", "bad-chunk"],
)
async def test_a_dropped_or_garbled_answer_is_a_network_error(raw):
    async def answer_badly(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.read_request(reader)
        writer.write(raw)
        await writer.drain()

    server = ScriptedServer(answer_badly)
    async with server, StreamsRequest() as request:
        with pytest.raises(NetworkError) as error:
            await request.do_request(server.url, "POST", RequestData([]))
    assert not isinstance(error.value, TimedOut)


async def test_a_refused_connection_is_a_network_error():
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    async with StreamsRequest() as request:
        with pytest.raises(NetworkError):
            await request.do_request(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", "POST", RequestData([]))


async def test_a_cancelled_request_closes_its_connection_instead_of_reusing_it():
    async def never_answer_first(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await server.read_request(reader)
            if server.connections > 1:
                writer.write(_response())
                await writer.drain()

    server = ScriptedServer(never_answer_first)
    async with server, StreamsRequest() as request:
        task = asyncio.create_task(request.do_request(server.url, "POST", RequestData([])))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
    assert server.connections == 2


async def test_a_request_before_initialize_or_after_shutdown_is_refused():
    request = StreamsRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/x", "POST", RequestData([]))


async def test_python_telegram_bot_uploads_and_downloads_files_through_it_with_odd_file_names():
    async with BotApiEmulator() as emulator:
        bot = Bot(
            TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url, request=StreamsRequest()
        )
        async with bot:
            content = "Họ tên;Chi hội\nNguyễn Văn A;Khu phố 1\n".encode()
            message = await bot.send_document(
                chat_id=1001, document=InputFile(content, filename='Danh sách "tập huấn" 2026.csv')
            )
            file = await message.document.get_file()
            assert bytes(await file.download_as_bytearray()) == content
        recorded = emulator.calls(TOKEN, "sendDocument")
    assert recorded[-1].params["document"]["filename"] == "Danh sách %22tập huấn%22 2026.csv"


async def test_it_speaks_tls_to_a_server_with_a_certificate_it_trusts():
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(TLS / "server.pem", TLS / "server.key")
    client_context = ssl.create_default_context(cafile=TLS / "ca.pem")

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(_response())
            await writer.drain()
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=server_context)
    url = f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot{TOKEN}/getMe"
    try:
        async with StreamsRequest(ssl_context=client_context) as trusting:
            assert await trusting.do_request(url, "GET") == (200, OK)
        async with StreamsRequest() as default:
            with pytest.raises(NetworkError, match="CERTIFICATE_VERIFY_FAILED"):
                await default.do_request(url, "GET")
    finally:
        server.close()
        await server.wait_closed()


async def test_a_slow_download_that_keeps_coming_is_not_cut_off_but_a_stalled_one_is():
    body = b"x" * (200 * 1024)

    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await server.read_request(reader)
            stall = len(server.requests) > 1
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body))
            for start in range(0, len(body), 64 * 1024):
                await asyncio.sleep(0.5 if stall else 0.06)
                writer.write(body[start : start + 64 * 1024])
                await writer.drain()

    server = ScriptedServer(trickle)
    async with server, StreamsRequest() as request:
        assert await request.do_request(server.url, "GET", read_timeout=0.2) == (200, body)
        with pytest.raises(TimedOut):
            await request.do_request(server.url, "GET", read_timeout=0.2)


def test_the_bot_uses_its_own_client_unless_told_to_use_python_telegram_bots():
    ours = build_application(Settings(bot_token=TOKEN))
    assert isinstance(ours.bot.request, StreamsRequest)
    theirs = build_application(Settings(bot_token=TOKEN, http_client="httpx"))
    assert isinstance(theirs.bot.request, HTTPXRequest)
