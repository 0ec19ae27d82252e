"""How the bot talks HTTP to Telegram: python-telegram-bot's HTTPXRequest over the bot's keep-alive pool.

Every dialog test already runs the real Application through it against the emulator. These tests pin the
transport's own promises over real HTTP: against the emulator, that a slow answer is `TimedOut`, a dropped or
refused connection a `NetworkError`, a full pool a pool timeout, and that uploads and downloads work; against
a loopback server that answers exactly as scripted, what the emulator cannot show (connections kept alive and
replaced, every way of framing a body, TLS, proxies); and, as a real process, that the token stays out of the
logs.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import signal
import ssl
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Self

import httpx
import pytest
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData

from bot.channels.http import KeepAlivePool
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.request import telegram_requests
from bot.config import Settings
from bot.emulator import BotApiEmulator, FakeUser
from bot.runtime import Runtime
from tests.backend import bot_database, database_env
from tests.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-token-for-http"
OK = b'{"ok":true,"result":true}'
TLS = Path(__file__).parent / "data" / "tls"
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def lean(**kwargs: object) -> HTTPXRequest:
    """What the bot uses for Bot API calls, with other timeouts or pool size when a test needs them."""
    pool = int(kwargs.pop("pool_size", 4))  # type: ignore[call-overload]
    verify = kwargs.pop("verify", True)
    return HTTPXRequest(
        connection_pool_size=pool,
        httpx_kwargs={"transport": KeepAlivePool(max_connections=pool, verify=verify)},
        **kwargs,
    )  # type: ignore[arg-type]


@pytest.fixture
async def emulator() -> BotApiEmulator:
    async with BotApiEmulator() as emu:
        yield emu  # type: ignore[misc]


def bot_on(emulator: BotApiEmulator, request: HTTPXRequest) -> Bot:
    return Bot(TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url, request=request)


# --- against the emulator -------------------------------------------------------------------------------


def test_the_bot_uses_httpxrequest_over_its_keepalive_pool_unless_told_to_use_httpxs_own() -> None:
    settings = Settings(bot_token=TOKEN)
    ours = TelegramChannel(Runtime(settings), settings).app
    for request in ours.bot._request:  # getUpdates' and every other call's
        assert isinstance(request, HTTPXRequest)
        assert isinstance(request._client._transport, KeepAlivePool)
    stock_settings = settings.with_changes(http_client="stock")
    stock = TelegramChannel(Runtime(stock_settings), stock_settings).app
    assert isinstance(stock.bot.request, HTTPXRequest)
    assert isinstance(stock.bot.request._client._transport, httpx.AsyncHTTPTransport)


async def test_a_slow_answer_is_timed_out_and_the_next_call_goes_through(emulator: BotApiEmulator) -> None:
    emulator.inject_fault(TOKEN, "sendMessage", delay=2)
    async with bot_on(emulator, lean(read_timeout=0.3)) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(1001, "chậm quá")
        assert (await bot.send_message(1001, "lần nữa")).text == "lần nữa"


async def test_a_dropped_connection_is_a_network_error_and_the_next_call_goes_through(
    emulator: BotApiEmulator,
) -> None:
    emulator.inject_fault(TOKEN, "sendMessage", drop=True)
    async with bot_on(emulator, lean()) as bot:
        with pytest.raises(NetworkError) as error:
            await bot.send_message(1001, "mất kết nối")
        assert not isinstance(error.value, TimedOut)
        assert (await bot.send_message(1001, "lần nữa")).text == "lần nữa"


async def test_a_refused_connection_is_a_network_error() -> None:
    async with lean() as request:
        with pytest.raises(NetworkError) as error:
            await request.post(f"http://127.0.0.1:{free_port()}/bot{TOKEN}/getMe")
    assert not isinstance(error.value, TimedOut)


async def test_a_full_pool_is_a_pool_timeout_and_that_call_is_not_sent(emulator: BotApiEmulator) -> None:
    emulator.inject_fault(TOKEN, "sendMessage", delay=1)
    async with bot_on(emulator, lean(pool_size=1)) as bot:
        slow = asyncio.create_task(bot.send_message(1001, "đang chờ"))
        await asyncio.sleep(0.2)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await bot.send_message(1002, "không gửi", pool_timeout=0.1)
        assert (await slow).text == "đang chờ"
    assert [c.params["text"] for c in emulator.calls(TOKEN, "sendMessage")] == ["đang chờ"]


async def test_files_go_up_and_come_down_with_odd_file_names(emulator: BotApiEmulator) -> None:
    content = "Họ tên;Chi hội\nNguyễn Văn A;Khu phố 1\n".encode() * 2000
    async with bot_on(emulator, lean()) as bot:
        message = await bot.send_document(
            chat_id=1001, document=InputFile(content, filename='Danh sách "tập huấn" 2026.csv'), caption="Tệp"
        )
        file = await message.document.get_file()
        assert bytes(await file.download_as_bytearray()) == content
    recorded = emulator.calls(TOKEN, "sendDocument")[-1].params
    assert recorded["document"]["filename"] == "Danh sách %22tập huấn%22 2026.csv"
    assert recorded["caption"] == "Tệp"


async def test_a_form_reaches_the_emulator_exactly_as_python_telegram_bot_encodes_it(
    emulator: BotApiEmulator,
) -> None:
    text = "Chào bạn & hẹn gặp = 100% 🎉"
    async with bot_on(emulator, lean()) as bot:
        await bot.send_message(
            1001, text, reply_markup={"inline_keyboard": [[{"text": "Có", "callback_data": "y"}]]}
        )
    params = emulator.calls(TOKEN, "sendMessage")[-1].params
    assert params["text"] == text
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "y"


# --- against a scripted loopback server -------------------------------------------------------------------


class ScriptedServer:
    """A loopback HTTP server whose every connection is handled by `handler`; counts connections."""

    def __init__(self, handler: Handler, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[bytes] = []
        self._ssl = ssl_context
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._ssl)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        assert self._server is not None
        scheme = "https" if self._ssl else "http"
        return f"{scheme}://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/bot{TOKEN}/getMe"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
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


def answer(body: bytes = OK, *, extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n%s" % (
        extra,
        len(body),
        body,
    )


def serving(raw: bytes, **kwargs: object) -> ScriptedServer:
    """A server that answers every request on a connection with `raw`, for as long as the client keeps it."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await server.read_request(reader)
            writer.write(raw)
            await writer.drain()

    server = ScriptedServer(handler, **kwargs)  # type: ignore[arg-type]
    return server


async def test_consecutive_calls_share_one_kept_alive_connection() -> None:
    async with serving(answer()) as server, lean() as request:
        for _ in range(5):
            assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
    assert server.connections == 1
    assert len(server.requests) == 5
    assert server.requests[0].startswith(f"POST /bot{TOKEN}/getMe HTTP/1.1\r\n".encode())


async def test_a_connection_the_server_closed_while_idle_is_replaced_without_an_error() -> None:
    async def answer_once_then_hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.read_request(reader)
        writer.write(answer())
        await writer.drain()

    server = ScriptedServer(answer_once_then_hang_up)
    async with server, lean() as request:
        assert (await request.do_request(server.url, "POST", RequestData([])))[0] == 200
        await asyncio.sleep(0.05)  # the server's FIN arrives while the connection is idle
        assert (await request.do_request(server.url, "POST", RequestData([])))[0] == 200
    assert server.connections == 2


async def test_an_idle_connection_older_than_the_keepalive_window_is_not_reused() -> None:
    transport = KeepAlivePool(max_connections=2, keepalive_expiry=0.01)
    async with serving(answer()) as server, HTTPXRequest(httpx_kwargs={"transport": transport}) as request:
        await request.do_request(server.url, "POST", RequestData([]))
        await asyncio.sleep(0.05)
        await request.do_request(server.url, "POST", RequestData([]))
    assert server.connections == 2


@pytest.mark.parametrize(
    ("raw", "reused"),
    [
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b'5;ext=1\r\n{"ok"\r\n14\r\n:true,"result":true}\r\n'
            b"0\r\nX-Trailer: 1\r\n\r\n",
            True,
        ),
        (b"HTTP/1.1 100 Continue\r\n\r\n" + answer(), True),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 25\r\n\r\n" + OK, False),
        (answer(extra=b"Connection: close\r\n"), False),
    ],
    ids=["chunked-with-trailer", "after-100-continue", "http-1.0", "connection-close"],
)
async def test_every_way_of_framing_the_body_is_read(raw: bytes, reused: bool) -> None:
    async with serving(raw) as server, lean() as request:
        assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
        assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
    assert server.connections == (1 if reused else 2)


async def test_a_compressed_answer_is_decompressed_as_httpx_asks_for_it() -> None:
    async with (
        serving(answer(gzip.compress(OK), extra=b"Content-Encoding: gzip\r\n")) as server,
        lean() as request,
    ):
        assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
    assert b"accept-encoding: gzip" in server.requests[0].lower()


async def test_a_body_framed_by_the_server_closing_the_connection_is_read_to_the_end() -> None:
    async def answer_and_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\n\r\n" + OK)
        await writer.drain()

    server = ScriptedServer(answer_and_close)
    async with server, lean() as request:
        assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
        assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
    assert server.connections == 2


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
async def test_a_dropped_or_garbled_answer_is_a_network_error(raw: bytes) -> None:
    async def answer_badly(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.read_request(reader)
        writer.write(raw)
        await writer.drain()

    server = ScriptedServer(answer_badly)
    async with server, lean() as request:
        with pytest.raises(NetworkError) as error:
            await request.do_request(server.url, "POST", RequestData([]))
    assert not isinstance(error.value, TimedOut)


async def test_a_cancelled_call_closes_its_connection_instead_of_reusing_it() -> None:
    async def never_answer_the_first(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await server.read_request(reader)
            if server.connections > 1:
                writer.write(answer())
                await writer.drain()

    server = ScriptedServer(never_answer_the_first)
    async with server, lean() as request:
        task = asyncio.create_task(request.do_request(server.url, "POST", RequestData([])))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await request.do_request(server.url, "POST", RequestData([])) == (200, OK)
    assert server.connections == 2


async def test_a_slow_download_that_keeps_coming_is_not_cut_off_but_a_stalled_one_is() -> None:
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
    async with server, lean() as request:
        assert await request.do_request(server.url, "GET", read_timeout=0.2) == (200, body)
        with pytest.raises(TimedOut):
            await request.do_request(server.url, "GET", read_timeout=0.2)


async def test_it_speaks_tls_to_a_server_it_trusts_and_refuses_one_it_does_not() -> None:
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(TLS / "server.pem", TLS / "server.key")
    trusting = ssl.create_default_context(cafile=TLS / "ca.pem")
    async with serving(answer(), ssl_context=server_context) as server:
        async with lean(verify=trusting) as request:
            assert await request.do_request(server.url, "GET") == (200, OK)
            assert await request.do_request(server.url, "GET") == (200, OK)
        assert server.connections == 1
        async with lean() as request:  # httpx's trust store (certifi) does not know the test CA
            with pytest.raises(NetworkError, match="CERTIFICATE_VERIFY_FAILED"):
                await request.do_request(server.url, "GET")


async def test_behind_a_proxy_the_bot_uses_httpxs_own_transport_and_calls_go_through_the_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with serving(answer()) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url.split("/bot")[0])
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        api, polling = telegram_requests()
        for request in (api, polling):
            assert isinstance(request._client._transport, httpx.AsyncHTTPTransport)
        async with api:
            assert await api.do_request(f"http://api.telegram.invalid/bot{TOKEN}/getMe", "POST") == (200, OK)
    assert proxy.requests[0].startswith(
        f"POST http://api.telegram.invalid/bot{TOKEN}/getMe HTTP/1.1".encode()
    )


# --- the running bot's logs --------------------------------------------------------------------------------


async def test_the_running_bot_never_logs_its_token_at_info(emulator: BotApiEmulator, tmp_path: Path) -> None:
    token = "987654:LOGS-must-never-show-this-secret"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "PTB_TIMEDELTA": "1",
        "NO_PROXY": "127.0.0.1,localhost",
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": emulator.base_url,
        **database_env(bot_database(tmp_path), tmp_path),
        "LOG_LEVEL": "INFO",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        await emulator.wait_polling(token, timeout=30)
        lan = FakeUser(id=7101, first_name="Lan")
        emulator.inject_fault(token, "sendMessage", drop=True)  # a failed call is logged too, with its error
        await emulator.send_text(token, lan, "/start")
        await emulator.send_text(token, lan, "/help")
        await emulator.wait_for(token, method="sendMessage", chat_id=lan.id, ok=True, count=1, timeout=20)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.to_thread(process.communicate, timeout=20)
    assert " INFO " in output, output  # it did log at INFO: the check is not empty
    assert "Error" in output or "error" in output, output  # and the failed call was logged
    assert token.split(":")[1] not in output, output
