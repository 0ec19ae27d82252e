"""Settings from the environment (and a .env file), checked once at start.

Every problem is said in Vietnamese, then in English, and all of them at once: `ConfigError`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.summary.weeks import parse_schedule
from storage.leases import DEFAULT_LEASE_SECONDS

DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_ZALO_API_URL = "https://bot-api.zaloplatforms.com/bot"
DEFAULT_DATABASE_PATH = Path("data") / "khuyenhoc.db"
DEFAULT_ASSOCIATION_NAME = "Hội Khuyến học Quận 10"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_PORT = 8080
DEFAULT_ZALO_SEND_RATE = 8.0
DEFAULT_STARTUP_RETRY_SECONDS = 300
_REPLICA_RE = re.compile(r"^[A-Za-z0-9_.:@-]{1,100}$")
_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{10,100}$")
_ZALO_TOKEN_RE = re.compile(r"^[0-9]{1,30}:[A-Za-z0-9_\-]{8,200}$")
_URL_RE = re.compile(r"^https?://[^\s/]+")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")
HTTP_CLIENTS = ("lean", "stock")


class ConfigError(ValueError):
    """The environment does not describe a runnable bot; the message says what to fix (vi, then en)."""


def problem(vi: str, en: str) -> str:
    """One configuration problem, in Vietnamese then English."""
    return f"{vi}\n  {en}"


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    bot_token: str | None
    api_url: str = DEFAULT_API_URL
    database_path: Path = DEFAULT_DATABASE_PATH
    database_url: str | None = None
    """`postgresql://…` (DATABASE_URL): store everything in PostgreSQL instead of the SQLite file."""
    admin_ids: frozenset[int | str] = frozenset()
    """Telegram user ids, and 'zalo:<id>' for Zalo accounts."""
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    association_name: str = DEFAULT_ASSOCIATION_NAME
    log_level: str = "INFO"
    log_format: str = "text"
    ops_chat_id: int | None = None
    summary_schedule: str = "MON 07:00"
    tick_seconds: float = 15.0
    concurrent_updates: int = 16
    """Chats handled at once. At 20 ms round trips to Telegram 16 slots beat 8 (bench/README.md); each chat's
    own updates still run one at a time, in order."""
    http_client: str = "lean"
    """python-telegram-bot's httpx client over 'lean', the bot's keep-alive pool (bot/channels/http.py), or
    over 'stock', httpx's own pool (about 1 ms more CPU per Bot API call at 16 chats at once;
    bench/README.md)."""
    telegram_webhook_url: str | None = None
    """The public URL Telegram POSTs updates to (TELEGRAM_WEBHOOK_URL): webhook mode instead of long polling,
    served on PORT at the URL's path."""
    telegram_webhook_secret: str | None = None
    """What Telegram sends in X-Telegram-Bot-Api-Secret-Token with every update (required in webhook mode)."""
    zalo_token: str | None = None
    zalo_api_url: str = DEFAULT_ZALO_API_URL
    zalo_webhook_secret: str | None = None
    zalo_send_rate: float = DEFAULT_ZALO_SEND_RATE
    """Messages a second sent to Zalo (its limits are not published)."""
    public_base_url: str | None = None
    """The public address of the bot's web server root (webhooks, download links)."""
    port: int = DEFAULT_PORT
    startup_retry_seconds: int = DEFAULT_STARTUP_RETRY_SECONDS
    """How long an unreachable API is retried at start (with capped exponential back-off) before giving up."""
    replica_id: str | None = None
    """This replica's name in the claims it makes (REPLICA_ID); None: host name and process id."""
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    """How long a claim on a message, task or webhook update holds unless renewed: a dead replica's work is
    taken over after this (LEASE_SECONDS; only with a shared database)."""

    @property
    def file_url(self) -> str:
        """Bot API file base URL matching api_url ('…/bot' → '…/file/bot')."""
        base = self.api_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file/bot"

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels configured: Telegram and/or Zalo."""
        return tuple(
            name for name, token in (("telegram", self.bot_token), ("zalo", self.zalo_token)) if token
        )

    @property
    def telegram_webhook_mode(self) -> bool:
        """Telegram pushes updates to TELEGRAM_WEBHOOK_URL instead of being long-polled."""
        return bool(self.bot_token and self.telegram_webhook_url)

    @property
    def needs_web_server(self) -> bool:
        """A webhook or download links need the bot's own web server."""
        zalo = self.zalo_token and (self.zalo_webhook_secret or self.public_base_url)
        return bool(zalo or self.telegram_webhook_mode)

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never appear in a log or an error report."""
        password = urlsplit(self.database_url).password if self.database_url else None
        candidates = (
            self.bot_token,
            self.telegram_webhook_secret,
            self.zalo_token,
            self.zalo_webhook_secret,
            password,
        )
        return tuple(s for s in candidates if s)

    @property
    def database(self) -> str | Path:
        """What `Database.open` opens: the PostgreSQL URL when DATABASE_URL is set, else the SQLite file."""
        return self.database_url or self.database_path

    @property
    def database_label(self) -> str:
        """The database for messages (a URL without its password)."""
        if self.database_url is None:
            return str(self.database_path)
        parts = urlsplit(self.database_url)
        host = parts.hostname or ""
        return f"{parts.scheme}://{parts.username + '@' if parts.username else ''}{host}{parts.path}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, require_token: bool = True) -> Settings:
        """Read and check the settings; raise ConfigError listing every problem."""
        env = os.environ if env is None else env
        problems: list[str] = []
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
        zalo_token = env.get("ZALO_BOT_TOKEN", "").strip() or None
        if token is None and zalo_token is None and require_token:
            problems.append(
                problem(
                    "Chưa đặt TELEGRAM_BOT_TOKEN hoặc ZALO_BOT_TOKEN: đặt token của bot vào môi trường hoặc "
                    "tệp "
                    ".env (hoặc chạy `python -m bot sandbox` để thử bot trên máy mà không cần token).",
                    "Neither TELEGRAM_BOT_TOKEN nor ZALO_BOT_TOKEN is set: put the bot's token in the "
                    "environment "
                    "or in .env (or run `python -m bot sandbox` to try the bot locally without a token).",
                )
            )
        if token is not None and not _TOKEN_RE.match(token):
            problems.append(
                problem(
                    "TELEGRAM_BOT_TOKEN không giống token của bot (các chữ số, dấu hai chấm, rồi phần bí "
                    "mật).",
                    "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then the secret).",
                )
            )
        if zalo_token is not None and not _ZALO_TOKEN_RE.match(zalo_token):
            problems.append(
                problem(
                    "ZALO_BOT_TOKEN không giống token của bot Zalo (các chữ số, dấu hai chấm, rồi phần bí "
                    "mật).",
                    "ZALO_BOT_TOKEN does not look like a Zalo bot token (digits, a colon, then the secret).",
                )
            )
        api_url = _url(env, "TELEGRAM_API_URL", DEFAULT_API_URL, problems)
        zalo_api_url = _url(env, "ZALO_API_URL", DEFAULT_ZALO_API_URL, problems)
        public = env.get("PUBLIC_BASE_URL", "").strip() or None
        if public is not None and not _URL_RE.match(public):
            problems.append(
                problem(
                    f"PUBLIC_BASE_URL phải là địa chỉ http(s), nhận được {public!r}.",
                    f"PUBLIC_BASE_URL must be an http(s) URL, got {public!r}.",
                )
            )
        telegram_hook, telegram_secret = _telegram_webhook(env, problems)
        secret = env.get("ZALO_WEBHOOK_SECRET", "").strip() or None
        _check_secret("ZALO_WEBHOOK_SECRET", secret, 8, problems)
        if secret is not None and public is None:
            problems.append(
                problem(
                    "Chế độ webhook của Zalo (ZALO_WEBHOOK_SECRET) cần PUBLIC_BASE_URL: địa chỉ công khai "
                    "của máy "
                    "chủ web của bot.",
                    "Zalo's webhook mode (ZALO_WEBHOOK_SECRET) needs PUBLIC_BASE_URL, the public address of "
                    "the "
                    "bot's web server.",
                )
            )
        admin_ids = _parse_ids(env.get("ADMIN_IDS", ""), problems)
        timezone = _parse_zone(env.get("BOT_TIMEZONE", "").strip() or DEFAULT_TIMEZONE, problems)
        log_level = (env.get("LOG_LEVEL", "").strip() or "INFO").upper()
        if log_level not in _LOG_LEVELS:
            problems.append(
                problem(
                    f"LOG_LEVEL phải là một trong {', '.join(_LOG_LEVELS)}.",
                    f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}.",
                )
            )
        log_format = (env.get("LOG_FORMAT", "").strip() or "text").lower()
        if log_format not in LOG_FORMATS:
            problems.append(problem("LOG_FORMAT phải là text hoặc json.", "LOG_FORMAT must be text or json."))
        ops = env.get("OPS_CHAT_ID", "").strip()
        ops_chat_id = _parse_int(ops, "OPS_CHAT_ID", problems) if ops else None
        port = _parse_int(env.get("PORT", "").strip() or str(DEFAULT_PORT), "PORT", problems)
        if port is not None and not 0 <= port <= 65535:
            problems.append(problem("PORT phải từ 0 đến 65535.", "PORT must be between 0 and 65535."))
        retry = _parse_int(
            env.get("STARTUP_RETRY_SECONDS", "").strip() or str(DEFAULT_STARTUP_RETRY_SECONDS),
            "STARTUP_RETRY_SECONDS",
            problems,
        )
        send_rate = _parse_number(
            env.get("ZALO_SEND_RATE", "").strip(),
            DEFAULT_ZALO_SEND_RATE,
            lambda rate: 0 < rate <= 1000,
            "ZALO_SEND_RATE phải là số tin mỗi giây, lớn hơn 0, nhận được {raw}.",
            "ZALO_SEND_RATE must be messages per second, above 0, got {raw}.",
            problems,
        )
        replica_id = env.get("REPLICA_ID", "").strip() or None
        if replica_id is not None and not _REPLICA_RE.match(replica_id):
            problems.append(
                problem(
                    "REPLICA_ID chỉ gồm chữ, số và . _ : @ - (tối đa 100 ký tự).",
                    "REPLICA_ID may hold only letters, digits and . _ : @ - (at most 100).",
                )
            )
        lease = _parse_number(
            env.get("LEASE_SECONDS", "").strip(),
            DEFAULT_LEASE_SECONDS,
            lambda seconds: 5 <= seconds <= 3600,
            "LEASE_SECONDS phải là số giây từ 5 đến 3600, nhận được {raw}.",
            "LEASE_SECONDS must be seconds between 5 and 3600, got {raw}.",
            problems,
        )
        db_path = Path(env.get("DATABASE_PATH", "").strip() or DEFAULT_DATABASE_PATH)
        if db_path.exists() and db_path.is_dir():
            problems.append(
                problem(
                    f"DATABASE_PATH {db_path} là một thư mục; hãy cho đường dẫn tới một tệp.",
                    f"DATABASE_PATH {db_path} is a directory; give a file path.",
                )
            )
        database_url = env.get("DATABASE_URL", "").strip() or None
        if database_url is not None and not database_url.startswith(("postgresql://", "postgres://")):
            problems.append(
                problem(
                    "DATABASE_URL phải bắt đầu bằng postgresql:// (để trống thì dùng tệp SQLite "
                    "DATABASE_PATH).",
                    "DATABASE_URL must start with postgresql:// (leave it empty for the SQLite file "
                    "DATABASE_PATH).",
                )
            )
        name = env.get("ASSOCIATION_NAME", "").strip() or DEFAULT_ASSOCIATION_NAME
        summary_schedule = env.get("SUMMARY_SCHEDULE", "").strip() or "MON 07:00"
        if parse_schedule(summary_schedule) is None:
            problems.append(
                problem(
                    f"SUMMARY_SCHEDULE phải là thứ và giờ như 'MON 07:00', nhận được {summary_schedule!r}.",
                    f"SUMMARY_SCHEDULE must be a weekday and a time like 'MON 07:00', got "
                    f"{summary_schedule!r}.",
                )
            )
        http_client = env.get("TELEGRAM_HTTP_CLIENT", "").strip().lower() or "lean"
        if http_client not in HTTP_CLIENTS:
            problems.append(
                problem(
                    f"TELEGRAM_HTTP_CLIENT phải là một trong {', '.join(HTTP_CLIENTS)}, nhận được "
                    f"{http_client!r}.",
                    f"TELEGRAM_HTTP_CLIENT must be one of {', '.join(HTTP_CLIENTS)}, got {http_client!r}.",
                )
            )
        if problems:
            raise ConfigError("\n".join(f"- {p}" for p in problems))
        return cls(
            bot_token=token,
            api_url=api_url,
            database_path=db_path,
            database_url=database_url,
            admin_ids=admin_ids,
            timezone=timezone if timezone is not None else ZoneInfo(DEFAULT_TIMEZONE),
            association_name=name,
            log_level=log_level,
            log_format=log_format,
            ops_chat_id=ops_chat_id,
            summary_schedule=summary_schedule,
            http_client=http_client,
            telegram_webhook_url=telegram_hook,
            telegram_webhook_secret=telegram_secret,
            zalo_token=zalo_token,
            zalo_api_url=zalo_api_url,
            zalo_webhook_secret=secret,
            zalo_send_rate=send_rate,
            public_base_url=public.rstrip("/") if public else None,
            port=port if port is not None else DEFAULT_PORT,
            startup_retry_seconds=retry if retry is not None else DEFAULT_STARTUP_RETRY_SECONDS,
            replica_id=replica_id,
            lease_seconds=lease,
        )

    def with_changes(self, **changes: object) -> Settings:
        """A copy with some fields replaced (tests, sandbox)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _url(env: Mapping[str, str], name: str, default: str, problems: list[str]) -> str:
    value = env.get(name, "").strip() or default
    if not _URL_RE.match(value):
        problems.append(
            problem(
                f"{name} phải là địa chỉ http(s), nhận được {value!r}.",
                f"{name} must be an http(s) URL, got {value!r}.",
            )
        )
    return value


def _telegram_webhook(env: Mapping[str, str], problems: list[str]) -> tuple[str | None, str | None]:
    """TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET: both or neither (long polling)."""
    url = env.get("TELEGRAM_WEBHOOK_URL", "").strip() or None
    secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None
    if url is not None and (not _URL_RE.match(url) or urlsplit(url).path.strip("/") == ""):
        problems.append(
            problem(
                f"TELEGRAM_WEBHOOK_URL phải là địa chỉ https có đường dẫn, ví dụ "
                f"https://bot.example.org/telegram/webhook; nhận được {url!r}.",
                f"TELEGRAM_WEBHOOK_URL must be an https URL with a path, such as "
                f"https://bot.example.org/telegram/webhook; got {url!r}.",
            )
        )
    if url is not None and secret is None:
        problems.append(
            problem(
                "Chế độ webhook của Telegram (TELEGRAM_WEBHOOK_URL) cần TELEGRAM_WEBHOOK_SECRET: một chuỗi "
                "bí mật để bot nhận ra các yêu cầu thật sự đến từ Telegram.",
                "Telegram's webhook mode (TELEGRAM_WEBHOOK_URL) needs TELEGRAM_WEBHOOK_SECRET, a secret by "
                "which the bot knows a request really comes from Telegram.",
            )
        )
    _check_secret("TELEGRAM_WEBHOOK_SECRET", secret, 1, problems)
    if secret is not None and url is None:
        problems.append(
            problem(
                "Đã đặt TELEGRAM_WEBHOOK_SECRET nhưng chưa đặt TELEGRAM_WEBHOOK_URL: đặt cả hai để dùng "
                "webhook, hoặc bỏ cả hai để bot tự hỏi Telegram (long polling).",
                "TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_WEBHOOK_URL is not: set both for the webhook, "
                "or neither for long polling.",
            )
        )
    return (url.rstrip("/") if url else None), secret


def _check_secret(name: str, secret: str | None, shortest: int, problems: list[str]) -> None:
    """A webhook secret, when set, is `shortest` to 256 letters, digits, '_' or '-'."""
    if secret is not None and not re.fullmatch(rf"[A-Za-z0-9_\-]{{{shortest},256}}", secret):
        problems.append(
            problem(
                f"{name} phải dài {shortest}–256 ký tự, chỉ gồm chữ, số, '_' và '-'.",
                f"{name} must be {shortest}–256 letters, digits, '_' or '-'.",
            )
        )


def _parse_int(raw: str, name: str, problems: list[str]) -> int | None:
    try:
        return int(raw)
    except ValueError:
        problems.append(
            problem(
                f"{name} phải là một số nguyên, nhận được {raw!r}.",
                f"{name} must be a whole number, got {raw!r}.",
            )
        )
        return None


def _parse_number(
    raw: str, default: float, valid: Callable[[float], bool], vi: str, en: str, problems: list[str]
) -> float:
    """A number from the environment, or `default` when unset; `vi`/`en` say what is wrong with `{raw}`."""
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan  # valid() is False for it
    if not valid(value):
        problems.append(problem(vi.format(raw=repr(raw)), en.format(raw=repr(raw))))
        return default
    return value


def _parse_ids(raw: str, problems: list[str]) -> frozenset[int | str]:
    """Telegram user ids, and 'zalo:<id>' for Zalo accounts."""
    ids: set[int | str] = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if part.lower().startswith("zalo:") and len(part) > 5:
            ids.add("zalo:" + part[5:].strip())
            continue
        value = _parse_int(part, "ADMIN_IDS", problems)
        if value is not None:
            ids.add(value)
    return frozenset(ids)


def _parse_zone(name: str, problems: list[str]) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        problems.append(
            problem(
                f"BOT_TIMEZONE {name!r} không phải múi giờ hợp lệ (ví dụ Asia/Ho_Chi_Minh).",
                f"BOT_TIMEZONE {name!r} is not a known time zone (e.g. Asia/Ho_Chi_Minh).",
            )
        )
        return None


def load_dotenv_if_present(path: Path = Path(".env")) -> None:
    """Load KEY=VALUE lines from .env without overriding the real environment."""
    if path.is_file():
        from dotenv import load_dotenv

        load_dotenv(path, override=False)
