"""Configuration is read from the environment and checked once, with clear messages."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import DEFAULT_API_URL, ConfigError, Settings

TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_defaults_are_vietnamese_and_point_at_telegram() -> None:
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings.api_url == DEFAULT_API_URL
    assert settings.file_url == "https://api.telegram.org/file/bot"
    assert settings.timezone == ZoneInfo("Asia/Ho_Chi_Minh")
    assert settings.association_name == "Hội Khuyến học Quận 10"
    assert settings.database_path == Path("data") / "khuyenhoc.db"
    assert settings.admin_ids == frozenset()
    assert settings.http_client == "lean"
    assert settings.concurrent_updates == 16
    assert (settings.replica_id, settings.lease_seconds) == (None, 60.0)  # None: host name and process id


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/bot",
            "DATABASE_PATH": "/var/lib/bot/kh.db",
            "ADMIN_IDS": " 11, 22 ;33 ",
            "BOT_TIMEZONE": "Asia/Bangkok",
            "ASSOCIATION_NAME": "Hội Khuyến học Phường Diên Hồng",
            "OPS_CHAT_ID": "-100123",
            "LOG_LEVEL": "debug",
            "SUMMARY_SCHEDULE": "TUE 08:30",
            "TELEGRAM_HTTP_CLIENT": " STOCK ",
            "REPLICA_ID": "bot-2",
            "LEASE_SECONDS": "30",
        }
    )
    assert (settings.replica_id, settings.lease_seconds) == ("bot-2", 30.0)
    assert settings.summary_schedule == "TUE 08:30"
    assert settings.http_client == "stock"
    assert settings.api_url == "http://127.0.0.1:8081/bot"
    assert settings.file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.database_path == Path("/var/lib/bot/kh.db")
    assert settings.admin_ids == {11, 22, 33}
    assert settings.timezone == ZoneInfo("Asia/Bangkok")
    assert settings.association_name == "Hội Khuyến học Phường Diên Hồng"
    assert settings.ops_chat_id == -100123
    assert settings.log_level == "DEBUG"


def test_a_missing_token_says_what_to_set_and_how_to_try_without_one() -> None:
    with pytest.raises(ConfigError) as error:
        Settings.from_env({})
    assert "Chưa đặt TELEGRAM_BOT_TOKEN hoặc ZALO_BOT_TOKEN" in str(error.value)
    assert "Neither TELEGRAM_BOT_TOKEN nor ZALO_BOT_TOKEN is set" in str(error.value)
    assert "sandbox" in str(error.value)


def test_zalo_settings_are_read_and_webhook_mode_needs_a_public_address() -> None:
    settings = Settings.from_env(
        {
            "ZALO_BOT_TOKEN": "1234567890:zalo-secret-abcdef",
            "PUBLIC_BASE_URL": "https://bot.example.org/",
            "ZALO_WEBHOOK_SECRET": "s3cret-token-1",
            "ADMIN_IDS": "42, zalo:6ede9afa66b88fe6d6a9",
            "PORT": "9000",
        }
    )
    assert settings.channels == ("zalo",)
    assert settings.public_base_url == "https://bot.example.org" and settings.port == 9000
    assert settings.admin_ids == frozenset({42, "zalo:6ede9afa66b88fe6d6a9"})
    assert settings.needs_web_server
    with pytest.raises(ConfigError) as error:
        Settings.from_env(
            {"ZALO_BOT_TOKEN": "1234567890:zalo-secret-abcdef", "ZALO_WEBHOOK_SECRET": "s3cret-token-1"}
        )
    assert "cần PUBLIC_BASE_URL" in str(error.value) and "needs PUBLIC_BASE_URL" in str(error.value)


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ConfigError) as error:
        Settings.from_env(
            {
                "TELEGRAM_BOT_TOKEN": "not-a-token",
                "ADMIN_IDS": "12,abc",
                "BOT_TIMEZONE": "Mars/Base",
                "TELEGRAM_API_URL": "ftp://x",
                "LOG_LEVEL": "LOUD",
                "SUMMARY_SCHEDULE": "someday",
                "TELEGRAM_HTTP_CLIENT": "curl",
                "REPLICA_ID": "bot 2",
                "LEASE_SECONDS": "1",
            }
        )
    message = str(error.value)
    for fragment in (
        "does not look like a bot token",
        "ADMIN_IDS must be a whole number",
        "Mars/Base",
        "TELEGRAM_API_URL must be an http(s) URL",
        "LOG_LEVEL",
        "SUMMARY_SCHEDULE",
        "TELEGRAM_HTTP_CLIENT must be one of lean, stock",
        "REPLICA_ID may hold only",
        "LEASE_SECONDS must be seconds between 5 and 3600",
    ):
        assert fragment in message


def test_the_sandbox_may_run_without_a_token() -> None:
    assert Settings.from_env({}, require_token=False).bot_token is None


def test_telegram_webhook_mode_needs_a_secret_and_a_url_with_a_path() -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook/",
            "TELEGRAM_WEBHOOK_SECRET": "a-Secret_1",
        }
    )
    assert settings.telegram_webhook_mode and settings.needs_web_server
    assert settings.telegram_webhook_url == "https://bot.example.org/telegram/webhook"
    assert "a-Secret_1" in settings.secrets
    polling = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert not polling.telegram_webhook_mode and not polling.needs_web_server
    for env, vi, en in (
        (
            {"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/hook"},
            "cần TELEGRAM_WEBHOOK_SECRET",
            "(TELEGRAM_WEBHOOK_URL) needs TELEGRAM_WEBHOOK_SECRET",
        ),
        (
            {"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/hook", "TELEGRAM_WEBHOOK_SECRET": "bí mật"},
            "TELEGRAM_WEBHOOK_SECRET phải dài 1–256 ký tự",
            "TELEGRAM_WEBHOOK_SECRET must be 1–256 letters, digits, '_' or '-'",
        ),
        (
            {"TELEGRAM_WEBHOOK_SECRET": "abc"},
            "chưa đặt TELEGRAM_WEBHOOK_URL",
            "TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_WEBHOOK_URL is not",
        ),
        (
            {"TELEGRAM_WEBHOOK_URL": "https://bot.example.org", "TELEGRAM_WEBHOOK_SECRET": "abc"},
            "TELEGRAM_WEBHOOK_URL phải là địa chỉ https có đường dẫn",
            "TELEGRAM_WEBHOOK_URL must be an https URL with a path",
        ),
    ):
        with pytest.raises(ConfigError) as error:
            Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, **env})
        assert vi in str(error.value) and en in str(error.value)
