"""`python -m bot doctor`: one command that tells an operator whether this deployment is healthy.

Each finding is one line (Vietnamese — English); a problem has a "→" line under it saying what to do, and any
problem makes the exit code 1. The doctor changes nothing and prints no secret.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram import Bot

from bot.emulator import BotApiEmulator
from bot.emulator.zalo import ZaloEmulator
from storage.db import Database
from storage.migrate import apply_migrations
from tests.backend import query, sqlite_only
from tests.ops_process import (
    TELEGRAM_TOKEN,
    WEBHOOK_SECRET,
    ZALO_TOKEN,
    Finished,
    base_env,
    env_database,
    run_bot,
    schema_version,
)


@pytest.fixture
async def telegram() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emu:
        yield emu


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloEmulator]:
    async with ZaloEmulator() as emu:
        yield emu


@pytest.fixture
def env(telegram: BotApiEmulator, zalo: ZaloEmulator, tmp_path: Path) -> dict[str, str]:
    """Both channels configured against the emulators; no database yet."""
    return base_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_API_URL=telegram.base_url,
        ZALO_BOT_TOKEN=ZALO_TOKEN,
        ZALO_API_URL=zalo.base_url,
        PUBLIC_BASE_URL="https://bot.example.org",
    )


async def migrated(env: dict[str, str]) -> Path | str:
    """The database as `python -m bot migrate` leaves it."""
    result = await run_bot(env, "migrate")
    assert result.code == 0, result.stderr
    return env_database(env)


def problem(result: Finished, en: str) -> tuple[str, str]:
    """The problem line containing `en` and the "what to do" line under it."""
    lines = result.stdout.splitlines()
    at = next((i for i, line in enumerate(lines) if en in line), None)
    assert at is not None, result.stdout
    assert lines[at].startswith("❌"), lines[at]
    assert lines[at + 1].lstrip().startswith("→"), lines[at : at + 2]
    return lines[at], lines[at + 1]


def assert_unhealthy(result: Finished) -> None:
    assert result.code == 1, result.output
    assert "problem(s) to fix." in result.stdout
    assert "Traceback" not in result.output
    for secret in (TELEGRAM_TOKEN, ZALO_TOKEN, WEBHOOK_SECRET, TELEGRAM_TOKEN.split(":")[1]):
        assert secret not in result.output


async def test_a_healthy_deployment_reports_every_check_and_exits_0(env: dict[str, str]) -> None:
    due = datetime(2031, 1, 6, 0, 0, tzinfo=UTC)
    query(
        await migrated(env),
        "INSERT INTO scheduled_tasks (key, kind, due_at, created_at) VALUES ('summary:ops', "
        "'weekly_summary', ?, ?)",
        (due.isoformat(), datetime.now(UTC).isoformat(timespec="seconds")),
    )

    result = await run_bot(env, "doctor")

    assert result.code == 0, result.output
    out = result.stdout
    for line in (
        "✅ Cấu hình hợp lệ — Configuration is valid",
        "Database is healthy (schema",
        "Outbox: 0 message(s) waiting",
        "Scheduler: 1 task(s) planned, 0 overdue, the next due at 2031-01-06 00:00 UTC",
        "Telegram: token accepted",
        "Zalo: token accepted",
    ):
        assert line in out, out
    assert "❌" not in out
    assert out.strip().endswith("Mọi thứ ổn — All good.")


async def test_a_token_telegram_rejects_is_a_problem_with_the_way_to_fix_it(
    env: dict[str, str], telegram: BotApiEmulator
) -> None:
    await migrated(env)
    telegram.inject_fault(TELEGRAM_TOKEN, "getMe", error_code=401, count=10)

    result = await run_bot(env, "doctor")

    assert_unhealthy(result)
    line, fix = problem(result, "Telegram rejected the bot token")
    assert "Telegram từ chối token của bot" in line
    assert "@BotFather" in fix and "TELEGRAM_BOT_TOKEN" in fix


async def test_a_token_zalo_rejects_is_a_problem_with_the_way_to_fix_it(
    env: dict[str, str], zalo: ZaloEmulator
) -> None:
    await migrated(env)
    zalo.revoke(ZALO_TOKEN)

    result = await run_bot(env, "doctor")

    assert_unhealthy(result)
    _, fix = problem(result, "Zalo rejected the bot token")
    assert "Zalo Bot Manager" in fix and "ZALO_BOT_TOKEN" in fix
    assert "Telegram: token accepted" in result.stdout


@sqlite_only("a database file that does not exist")
async def test_a_missing_database_says_to_check_the_path_or_create_it(env: dict[str, str]) -> None:
    result = await run_bot(env, "doctor")

    assert_unhealthy(result)
    _, fix = problem(result, "No database at")
    assert "DATABASE_PATH" in fix and "python -m bot migrate" in fix
    assert not Path(env["DATABASE_PATH"]).exists()


@sqlite_only("a file that is not a SQLite database")
async def test_a_database_that_cannot_be_opened_says_to_check_the_path_and_permissions(
    env: dict[str, str],
) -> None:
    Path(env["DATABASE_PATH"]).write_bytes(b"not a database " * 200)

    result = await run_bot(env, "doctor")

    assert_unhealthy(result)
    _, fix = problem(result, "Cannot open or write the database")
    assert "DATABASE_PATH" in fix


async def test_pending_migrations_say_to_back_up_and_migrate(env: dict[str, str]) -> None:
    db = await Database.open(env_database(env), migrate=False)
    try:
        await apply_migrations(db, target=3)
    finally:
        await db.close()

    result = await run_bot(env, "doctor")

    assert_unhealthy(result)
    _, fix = problem(result, "database migration(s) pending")
    assert "python -m bot backup" in fix and "python -m bot migrate" in fix
    assert await schema_version(env) == 3  # the doctor changed nothing


async def test_a_database_newer_than_the_code_says_to_deploy_the_newer_bot(env: dict[str, str]) -> None:
    await migrated(env)
    await schema_version(env, set_to=9999)

    result = await run_bot(env, "doctor")

    assert_unhealthy(result)
    _, fix = problem(result, "The database is newer than this code")
    assert "deploy the newer bot" in fix


async def test_messages_waiting_too_long_and_failed_sends_are_problems(env: dict[str, str]) -> None:
    now = datetime.now(UTC)
    database = await migrated(env)
    for key, status, due in (
        ("late", "queued", now - timedelta(hours=1)),
        ("failed", "failed", now - timedelta(hours=2)),
    ):
        query(
            database,
            "INSERT INTO outbox (batch, dedupe_key, chat_id, kind, text, status, not_before, created_at) "
            "VALUES ('ops', ?, '42', 'text', 'hello', ?, ?, ?)",
            (key, status, due.isoformat(timespec="seconds"), due.isoformat(timespec="seconds")),
        )

    result = await run_bot(env, "doctor")

    assert_unhealthy(result)
    _, late = problem(result, "Outbox: 1 message(s) waiting")
    assert "waited over 10 minutes" in late
    _, failed = problem(result, "1 message(s) failed in the last 24 hours")
    assert "read the log" in failed


async def test_zalo_webhook_mode_without_a_public_address_is_a_configuration_problem(
    env: dict[str, str],
) -> None:
    await migrated(env)
    del env["PUBLIC_BASE_URL"]
    env["ZALO_WEBHOOK_SECRET"] = WEBHOOK_SECRET

    result = await run_bot(env, "doctor")

    assert_unhealthy(result)
    _, fix = problem(result, "Configuration is invalid")
    assert "fix the environment variables below" in fix
    assert "Zalo's webhook mode (ZALO_WEBHOOK_SECRET) needs PUBLIC_BASE_URL" in result.stdout


async def test_telegram_webhook_mode_is_checked_against_the_webhook_telegram_has(
    env: dict[str, str], telegram: BotApiEmulator
) -> None:
    await migrated(env)
    url = "https://bot.example.org/telegram/webhook"
    env.update(TELEGRAM_WEBHOOK_URL=url, TELEGRAM_WEBHOOK_SECRET="hook-secret-1")

    result = await run_bot(env, "doctor")
    assert result.code == 0, result.output
    assert f"⚠️ Webhook của Telegram chưa trỏ tới {url} — Telegram's webhook does not point at {url} yet" in (
        result.stdout
    )

    async with Bot(TELEGRAM_TOKEN, base_url=telegram.base_url) as bot:
        await bot.set_webhook(url, secret_token="hook-secret-1")  # what the bot does when it starts
    result = await run_bot(env, "doctor")
    assert f"✅ Telegram gửi tin tới webhook {url} — Telegram posts to {url}" in result.stdout
    assert "hook-secret-1" not in result.output

    env["TELEGRAM_WEBHOOK_URL"] = "http://bot.example.org/telegram/webhook"
    result = await run_bot(env, "doctor")
    assert_unhealthy(result)
    _, fix = problem(result, "Telegram only posts to https webhooks")
    assert "TLS" in fix
