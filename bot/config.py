"""Settings from the environment (and a .env file), checked once at start."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.summary.weeks import parse_schedule

DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_PATH = Path("data") / "khuyenhoc.db"
DEFAULT_ASSOCIATION_NAME = "Hội Khuyến học Quận 10"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{10,100}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
HTTP_CLIENTS = ("streams", "httpx")


class ConfigError(ValueError):
    """The environment does not describe a runnable bot; the message says what to fix."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    bot_token: str | None
    api_url: str = DEFAULT_API_URL
    database_path: Path = DEFAULT_DATABASE_PATH
    admin_ids: frozenset[int] = frozenset()
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    association_name: str = DEFAULT_ASSOCIATION_NAME
    log_level: str = "INFO"
    ops_chat_id: int | None = None
    summary_schedule: str = "MON 07:00"
    tick_seconds: float = 15.0
    concurrent_updates: int = 16
    """Chats handled at once. At 20 ms round trips to Telegram 16 slots beat 8 (bench/README.md); each chat's
    own updates still run one at a time, in order."""
    http_client: str = "streams"
    """How the bot talks HTTP to Telegram: 'streams' (bot/http_client.py, lean) or 'httpx'
    (python-telegram-bot's own client, which honours HTTPS_PROXY)."""

    @property
    def file_url(self) -> str:
        """Bot API file base URL matching api_url ('…/bot' → '…/file/bot')."""
        base = self.api_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file/bot"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, require_token: bool = True) -> Settings:
        """Read and check the settings; raise ConfigError listing every problem."""
        env = os.environ if env is None else env
        problems: list[str] = []
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
        if token is None and require_token:
            problems.append(
                "TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in the environment or in .env "
                "(or run `python -m bot sandbox` to try the bot locally without a token)."
            )
        elif token is not None and not _TOKEN_RE.match(token):
            problems.append(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then the secret)."
            )
        api_url = env.get("TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL
        if not re.match(r"^https?://[^\s/]+", api_url):
            problems.append(f"TELEGRAM_API_URL must be an http(s) URL, got {api_url!r}.")
        admin_ids = _parse_ids(env.get("ADMIN_IDS", ""), problems)
        timezone = _parse_zone(env.get("BOT_TIMEZONE", "").strip() or DEFAULT_TIMEZONE, problems)
        log_level = (env.get("LOG_LEVEL", "").strip() or "INFO").upper()
        if log_level not in _LOG_LEVELS:
            problems.append(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}.")
        ops = env.get("OPS_CHAT_ID", "").strip()
        ops_chat_id = _parse_int(ops, "OPS_CHAT_ID", problems) if ops else None
        db_path = Path(env.get("DATABASE_PATH", "").strip() or DEFAULT_DATABASE_PATH)
        if db_path.exists() and db_path.is_dir():
            problems.append(f"DATABASE_PATH {db_path} is a directory; give a file path.")
        name = env.get("ASSOCIATION_NAME", "").strip() or DEFAULT_ASSOCIATION_NAME
        summary_schedule = env.get("SUMMARY_SCHEDULE", "").strip() or "MON 07:00"
        if parse_schedule(summary_schedule) is None:
            problems.append(
                f"SUMMARY_SCHEDULE must be a weekday and a time like 'MON 07:00', got {summary_schedule!r}."
            )
        http_client = env.get("TELEGRAM_HTTP_CLIENT", "").strip().lower() or "streams"
        if http_client not in HTTP_CLIENTS:
            problems.append(
                f"TELEGRAM_HTTP_CLIENT must be one of {', '.join(HTTP_CLIENTS)}, got {http_client!r}."
            )
        if problems:
            raise ConfigError("\n".join(f"- {p}" for p in problems))
        return cls(
            bot_token=token,
            api_url=api_url,
            database_path=db_path,
            admin_ids=admin_ids,
            timezone=timezone if timezone is not None else ZoneInfo(DEFAULT_TIMEZONE),
            association_name=name,
            log_level=log_level,
            ops_chat_id=ops_chat_id,
            summary_schedule=summary_schedule,
            http_client=http_client,
        )

    def with_changes(self, **changes: object) -> Settings:
        """A copy with some fields replaced (tests, sandbox)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _parse_int(raw: str, name: str, problems: list[str]) -> int | None:
    try:
        return int(raw)
    except ValueError:
        problems.append(f"{name} must be a whole number, got {raw!r}.")
        return None


def _parse_ids(raw: str, problems: list[str]) -> frozenset[int]:
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if part:
            value = _parse_int(part, "ADMIN_IDS", problems)
            if value is not None:
                ids.add(value)
    return frozenset(ids)


def _parse_zone(name: str, problems: list[str]) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        problems.append(f"BOT_TIMEZONE {name!r} is not a known time zone (e.g. Asia/Ho_Chi_Minh).")
        return None


def load_dotenv_if_present(path: Path = Path(".env")) -> None:
    """Load KEY=VALUE lines from .env without overriding the real environment."""
    if path.is_file():
        from dotenv import load_dotenv

        load_dotenv(path, override=False)
