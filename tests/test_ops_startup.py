"""Start-up that explains: each failure is one short message, Vietnamese then English, and its own exit code.

| code | meaning                                                    |
|------|------------------------------------------------------------|
| 2    | the configuration is invalid, or the webhook address is refused |
| 3    | a platform rejected the bot's token                        |
| 4    | the database cannot be written, or is newer than the code  |
| 5    | an API stayed unreachable for STARTUP_RETRY_SECONDS        |

An API that cannot be reached at start is tried again with growing pauses, one log line a try, no traceback.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator
from bot.emulator.zalo import ZaloEmulator
from tests.backend import sqlite_only
from tests.ops_process import (
    TELEGRAM_TOKEN,
    ZALO_TOKEN,
    BotProcess,
    Finished,
    base_env,
    closed_url,
    free_port,
    run_bot,
    schema_version,
)

VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉĩọỏốồổỗộớờởỡợụủũứừửữựỳỵỷỹ]", re.IGNORECASE)


@pytest.fixture
async def telegram() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emu:
        yield emu


def assert_explained(result: Finished, code: int, vi: str, en: str) -> None:
    """Exit `code`, no traceback, and the last two lines: `vi` (in Vietnamese), then `en`."""
    assert result.code == code, result.stderr[-3000:]
    assert "Traceback" not in result.output, result.stderr[-3000:]
    first, second = result.last_lines(2)
    assert vi in first and VIETNAMESE.search(first), first
    assert en in second and not VIETNAMESE.search(second), second


async def test_an_invalid_configuration_lists_each_problem_in_both_languages_and_exits_2(
    tmp_path: Path,
) -> None:
    env = base_env(tmp_path, TELEGRAM_BOT_TOKEN="not-a-token", LOG_FORMAT="xml", STARTUP_RETRY_SECONDS="soon")

    result = await run_bot(env)

    assert result.code == 2
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "Cấu hình chưa đúng — Configuration problem:"
    for vi, en in (
        ("TELEGRAM_BOT_TOKEN không giống token", "TELEGRAM_BOT_TOKEN does not look like a bot token"),
        ("LOG_FORMAT phải là text hoặc json.", "LOG_FORMAT must be text or json."),
        ("STARTUP_RETRY_SECONDS phải là một số nguyên", "STARTUP_RETRY_SECONDS must be a whole number"),
    ):
        at = next(i for i, line in enumerate(lines) if vi in line)
        assert en in lines[at + 1], lines
    assert "not-a-token" not in result.output


async def test_a_webhook_address_telegram_refuses_says_which_variable_to_fix_and_exits_2(
    telegram: BotApiEmulator, tmp_path: Path
) -> None:
    env = base_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_API_URL=telegram.base_url,
        TELEGRAM_WEBHOOK_URL="http://bot.example.org/telegram/webhook",  # Telegram wants https
        TELEGRAM_WEBHOOK_SECRET="hook-secret-1",
        PORT=str(free_port()),
    )

    result = await run_bot(env)

    assert_explained(
        result,
        2,
        "Nền tảng từ chối địa chỉ webhook",
        "The platform refused the webhook (Telegram: Bad webhook: an https url must be provided",
    )
    assert "check TELEGRAM_WEBHOOK_URL" in result.last_lines(1)[0]
    assert "hook-secret-1" not in result.output


async def test_a_token_telegram_rejects_exits_3_without_retrying(
    telegram: BotApiEmulator, tmp_path: Path
) -> None:
    telegram.inject_fault(TELEGRAM_TOKEN, "getMe", error_code=401, count=100)
    env = base_env(tmp_path, TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_API_URL=telegram.base_url)

    result = await run_bot(env)

    assert_explained(result, 3, "Token của bot bị từ chối", "The bot's token was rejected")
    assert "@BotFather" in result.last_lines(1)[0]
    assert len(telegram.calls(TELEGRAM_TOKEN, "getMe")) == 1


async def test_a_token_zalo_rejects_exits_3(tmp_path: Path) -> None:
    async with ZaloEmulator() as zalo:
        zalo.revoke(ZALO_TOKEN)
        env = base_env(tmp_path, ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_API_URL=zalo.base_url)

        result = await run_bot(env)

    assert_explained(result, 3, "Token của bot bị từ chối", "The bot's token was rejected")
    assert "Zalo rejected the bot token" in result.last_lines(1)[0]


@sqlite_only("a database file that cannot be written")
@pytest.mark.parametrize(
    "make_path",
    [
        pytest.param(lambda tmp: _file(tmp / "a-file") / "bot.db", id="its-folder-is-a-file"),
        pytest.param(lambda tmp: _file(tmp / "bot.db", b"this is not a database" * 100), id="not-a-database"),
    ],
)
async def test_a_database_that_cannot_be_written_exits_4(
    make_path: Callable[[Path], Path], telegram: BotApiEmulator, tmp_path: Path
) -> None:
    path = make_path(tmp_path)
    env = base_env(tmp_path, TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_API_URL=telegram.base_url)
    env["DATABASE_PATH"] = str(path)

    result = await run_bot(env)

    assert_explained(result, 4, "Không ghi được cơ sở dữ liệu", "Cannot write the database")
    assert "DATABASE_PATH" in result.last_lines(1)[0]


async def test_a_database_written_by_a_newer_bot_exits_4_and_is_left_alone(
    telegram: BotApiEmulator, tmp_path: Path
) -> None:
    env = base_env(tmp_path, TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_API_URL=telegram.base_url)
    await schema_version(env, set_to=9999)

    result = await run_bot(env)

    assert_explained(result, 4, "do phiên bản bot mới hơn ghi", "was written by a newer bot")
    assert await schema_version(env) == 9999
    assert telegram.calls(TELEGRAM_TOKEN) == []


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
async def test_an_api_still_unreachable_after_the_retry_window_exits_5_after_one_line_per_attempt(
    channel: str, tmp_path: Path
) -> None:
    env = base_env(tmp_path, STARTUP_RETRY_SECONDS="3")
    if channel == "telegram":
        env.update(TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_API_URL=closed_url())
    else:
        env.update(ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_API_URL=closed_url())

    result = await run_bot(env)

    assert_explained(result, 5, "Không kết nối được", "Could not connect")
    assert "3 giây" in result.last_lines(2)[0] and "3 s" in result.last_lines(1)[0]
    attempts = [line for line in result.stderr.splitlines() if "unreachable at start" in line]
    assert [f"attempt {n}:" in line for n, line in enumerate(attempts, start=1)] == [True, True]
    assert "trying again in 1 s" in attempts[0] and "trying again in 2 s" in attempts[1]


async def test_an_api_that_comes_up_within_the_retry_window_is_retried_and_the_bot_starts(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = base_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_API_URL=f"http://127.0.0.1:{port}/bot",
        STARTUP_RETRY_SECONDS="60",
    )
    bot = await BotProcess(env).start()
    try:
        await bot.wait_for_output("unreachable at start (attempt 2:")  # the API is down for two tries
        async with BotApiEmulator(port=port) as telegram:
            await telegram.wait_polling(TELEGRAM_TOKEN, timeout=30)
            result = await bot.stop()
    finally:
        if bot.running:
            await bot.stop()

    assert result.code == 0, result.stderr[-3000:]
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    attempts = [line for line in lines if "telegram API unreachable at start" in line]
    assert len(attempts) in (2, 3), attempts  # the third try may start before the API is listening
    assert all(f"(attempt {n}:" in line for n, line in enumerate(attempts, start=1)), attempts
    running = next(i for i, line in enumerate(lines) if "the bot is running (telegram)" in line)
    assert running > lines.index(attempts[-1])


def _file(path: Path, content: bytes = b"") -> Path:
    path.write_bytes(content)
    return path
