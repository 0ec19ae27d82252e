"""Secrets stay secret: whatever fails, no token, webhook secret or signing key reaches any output.

Each test runs the real `python -m bot` at LOG_LEVEL=DEBUG against the Telegram and Zalo emulators, makes
something fail (a rejected token, an API that cannot be reached, 5xx answers, timeouts, a crash while
handling a message), then searches everything an operator could see for the secrets: the process's stdout
and stderr and every message the bot sent, the error reports to OPS_CHAT_ID included.
"""

from __future__ import annotations

import asyncio
import base64
import io
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from bot import logs
from bot.emulator import BotApiEmulator, FakeUser
from bot.emulator.zalo import ZaloEmulator, ZaloUser
from bot.runtime.links import FileLinks
from tests.backend import missing_table, query
from tests.harness import BotUnderTest
from tests.ops_process import (
    OPS_CHAT,
    TELEGRAM_TOKEN,
    WEBHOOK_SECRET,
    ZALO_TOKEN,
    BotProcess,
    base_env,
    closed_url,
    env_database,
    free_port,
    run_bot,
)

LINK_KEY = FileLinks.key_from(TELEGRAM_TOKEN, ZALO_TOKEN, WEBHOOK_SECRET)
SECRETS = {
    "the Telegram token": TELEGRAM_TOKEN,
    "the secret part of the Telegram token": TELEGRAM_TOKEN.split(":")[1],
    "the Zalo token": ZALO_TOKEN,
    "the secret part of the Zalo token": ZALO_TOKEN.split(":")[1],
    "the Zalo webhook secret": WEBHOOK_SECRET,
    "the signed-link key (hex)": LINK_KEY.hex(),
    "the signed-link key (base64)": base64.urlsafe_b64encode(LINK_KEY).decode().rstrip("="),
}
LAN = FakeUser(id=5101, first_name="Lan", last_name="Nguyễn")
HOA = ZaloUser.named("Hoa")


def assert_no_secret(**outputs: str) -> None:
    """Fail naming the secret and where it appeared (with a little context, the secret itself masked)."""
    for where, text in outputs.items():
        for name, secret in SECRETS.items():
            at = text.find(secret)
            assert at < 0, f"{name} appears in {where}: …{text[max(0, at - 80) : at]}<SECRET>…"


def sent_texts(telegram: BotApiEmulator | None = None, zalo: ZaloEmulator | None = None) -> str:
    """Every text the bot sent anywhere (the operators' chat included), accepted or not."""
    texts = []
    if telegram is not None:
        texts += [str(c.params) for c in telegram.calls(TELEGRAM_TOKEN)]
    if zalo is not None:
        texts += [str(c.params) for c in zalo.calls(ZALO_TOKEN) if c.method != "setWebhook"]
    return "\n".join(texts)


def env_with_every_secret(tmp_path: Path, telegram_url: str, zalo_url: str, **more: str) -> dict[str, str]:
    port = free_port()
    return base_env(
        tmp_path,
        LOG_LEVEL="DEBUG",
        TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_API_URL=telegram_url,
        ZALO_BOT_TOKEN=ZALO_TOKEN,
        ZALO_API_URL=zalo_url,
        ZALO_WEBHOOK_SECRET=WEBHOOK_SECRET,
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        PORT=str(port),
        OPS_CHAT_ID=str(OPS_CHAT),
        **more,
    )


@pytest.fixture
async def telegram() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emu:
        yield emu


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloEmulator]:
    async with ZaloEmulator() as emu:
        yield emu


async def test_a_token_telegram_rejects_is_not_printed(
    telegram: BotApiEmulator, zalo: ZaloEmulator, tmp_path: Path
) -> None:
    telegram.inject_fault(TELEGRAM_TOKEN, "getMe", error_code=401, count=100)

    result = await run_bot(env_with_every_secret(tmp_path, telegram.base_url, zalo.base_url))

    assert result.code == 3, result.stderr
    assert "Telegram rejected the bot token" in result.stderr
    assert_no_secret(stdout=result.stdout, stderr=result.stderr)


async def test_a_token_zalo_rejects_is_not_printed(
    telegram: BotApiEmulator, zalo: ZaloEmulator, tmp_path: Path
) -> None:
    zalo.revoke(ZALO_TOKEN)

    result = await run_bot(env_with_every_secret(tmp_path, telegram.base_url, zalo.base_url))

    assert result.code == 3, result.stderr
    assert "Zalo rejected the bot token" in result.stderr
    assert_no_secret(stdout=result.stdout, stderr=result.stderr, messages=sent_texts(telegram, zalo))


@pytest.mark.parametrize("down", ["telegram", "zalo"])
async def test_an_api_that_cannot_be_reached_does_not_print_the_secrets(
    down: str, telegram: BotApiEmulator, zalo: ZaloEmulator, tmp_path: Path
) -> None:
    telegram_url = closed_url() if down == "telegram" else telegram.base_url
    zalo_url = closed_url() if down == "zalo" else zalo.base_url
    env = env_with_every_secret(tmp_path, telegram_url, zalo_url, STARTUP_RETRY_SECONDS="2")

    result = await run_bot(env)

    assert result.code == 5, result.stderr
    assert "unreachable at start (attempt 1" in result.stderr
    assert_no_secret(stdout=result.stdout, stderr=result.stderr, messages=sent_texts(telegram, zalo))


async def test_5xx_timeouts_and_crashes_while_running_leak_no_secret_to_logs_or_the_ops_chat(
    telegram: BotApiEmulator, zalo: ZaloEmulator, tmp_path: Path
) -> None:
    telegram.inject_fault(TELEGRAM_TOKEN, "getMe", error_code=500)
    telegram.inject_fault(TELEGRAM_TOKEN, "getMe", delay=6.0)  # past python-telegram-bot's 5 s read timeout
    zalo.inject_fault(ZALO_TOKEN, "getMe", error_code=502)
    env = env_with_every_secret(tmp_path, telegram.base_url, zalo.base_url, STARTUP_RETRY_SECONDS="60")
    bot = await BotProcess(env).start()
    try:
        await telegram.wait_polling(TELEGRAM_TOKEN, timeout=60)
        async with asyncio.timeout(30):
            while zalo.webhook(ZALO_TOKEN) is None:
                await asyncio.sleep(0.1)

        telegram.inject_fault(TELEGRAM_TOKEN, "getUpdates", error_code=500)
        await telegram.wait_for(TELEGRAM_TOKEN, method="sendMessage", chat_id=OPS_CHAT, timeout=30)

        telegram.inject_fault(TELEGRAM_TOKEN, "sendMessage", chat_id=LAN.id, error_code=500)
        await telegram.send_text(TELEGRAM_TOKEN, LAN, "/help")
        zalo.inject_fault(ZALO_TOKEN, "sendMessage", chat_id=HOA.id, error_code=503)
        await zalo.send_text(ZALO_TOKEN, HOA, "/help")
        await zalo.wait_for(ZALO_TOKEN, method="sendMessage", chat_id=HOA.id, ok=False, timeout=30)
        await telegram.wait_for(TELEGRAM_TOKEN, method="sendMessage", chat_id=OPS_CHAT, count=2, timeout=30)

        async with httpx.AsyncClient() as http:
            forged = await http.post(
                env["PUBLIC_BASE_URL"] + "/zalo/webhook",
                json={"ok": True, "result": {}},
                headers={"X-Bot-Api-Secret-Token": "guessing-the-secret"},
            )
        assert forged.status_code == 403

        query(env_database(env), "DROP TABLE dialog_states")  # every turn now fails inside its handler
        mark = telegram.mark(TELEGRAM_TOKEN)
        await telegram.send_text(TELEGRAM_TOKEN, LAN, "/start")
        await zalo.send_text(ZALO_TOKEN, HOA, "/start")
        await telegram.wait_for(
            TELEGRAM_TOKEN, method="sendMessage", chat_id=OPS_CHAT, since=mark, count=2, timeout=30
        )
    finally:
        result = await bot.stop()

    reports = [str(c.params.get("text")) for c in telegram.calls(TELEGRAM_TOKEN, "sendMessage", OPS_CHAT)]
    assert any("telegram was unreachable for" in r for r in reports), reports
    assert sum(missing_table("dialog_states") in r for r in reports) == 2, reports
    assert "attempt 2: Telegram's Bot API: TimedOut" in result.stderr
    assert "a Zalo webhook request without the right secret was refused" in result.stderr
    assert "Traceback" in result.stderr  # the crashes were logged in full, at DEBUG
    assert_no_secret(stdout=result.stdout, stderr=result.stderr, messages=sent_texts(telegram, zalo))


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """The bot's logging configured at DEBUG into a buffer; pytest's own handlers are put back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in logs.NOISY}
    stream = io.StringIO()
    logs.configure("DEBUG", secrets=SECRETS.values())
    root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, was in quiet.items():
            logging.getLogger(name).setLevel(was)


async def test_a_crash_whose_error_carries_the_secrets_is_masked_in_the_log_and_the_ops_report(
    tmp_path: Path, log_stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with BotUnderTest.running(tmp_path, ops_chat_id=OPS_CHAT) as bot:

        async def crash(*_args: object, **_kwargs: object) -> None:
            raise RuntimeError(
                f"{bot.settings.api_url}{TELEGRAM_TOKEN}/getMe with {' '.join(SECRETS.values())}"
            )

        monkeypatch.setattr(bot.services.dialogs, "get", crash)
        mark = bot.emu.mark(bot.settings.bot_token or "")
        await bot.person(5102, "Minh").send("/start")
        [report] = await bot.emu.wait_for(
            bot.settings.bot_token or "", method="sendMessage", chat_id=OPS_CHAT, since=mark, timeout=10
        )
        logging.getLogger("httpx").warning("GET %s", f"{bot.settings.api_url}{ZALO_TOKEN}/getMe")

    log = log_stream.getvalue()
    assert "RuntimeError" in log and "RuntimeError" in report.params["text"]
    assert f"{TELEGRAM_TOKEN.split(':')[0]}:…{TELEGRAM_TOKEN[-4:]}" in log  # the bot id and the last four
    assert_no_secret(log=log, ops_report=str(report.params))
