"""Logging for the bot: secrets never reach any output, plain text or one JSON object per line.

Every handler of the root logger gets a `RedactingFilter`: the message, its arguments and any traceback are
formatted first and every registered secret (bot tokens, webhook secrets, the signed-link key) is replaced by
its masked form (the bot id and the last four characters), so third-party loggers (python-telegram-bot, httpx,
APScheduler) cannot leak a token in a URL or an exception either. Records carry the input or task being
handled (`bind()`), for the JSON format and for the plain one alike.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from types import TracebackType

NOISY = ("httpx", "httpcore", "apscheduler", "aiohttp.access", "telegram.ext.Updater")
_CONTEXT: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("log_context", default=None)


class Secrets:
    """The values that must never be written anywhere, longest first (a token before its secret part)."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def add(self, value: str | None) -> None:
        """Register a secret; for a bot token ('<id>:<secret>') its secret part is registered too."""
        if not value or len(value) < 6:
            return
        masked = mask(value)
        self._values[value] = masked
        bot_id, sep, secret = value.partition(":")
        if sep and len(secret) >= 6:
            self._values[secret] = masked.split(":", 1)[1] if ":" in masked else masked
        self._values = dict(sorted(self._values.items(), key=lambda item: -len(item[0])))

    def redact(self, text: str) -> str:
        for value, masked in self._values.items():
            if value in text:
                text = text.replace(value, masked)
        return text

    def clear(self) -> None:
        self._values.clear()


SECRETS = Secrets()
"""The process's secrets (registered from the settings at start)."""


def mask(secret: str) -> str:
    """'123456:ABCDEF…WXYZ' → '123456:…WXYZ'; anything else → '…WXYZ'."""
    bot_id, sep, rest = secret.partition(":")
    tail = secret[-4:]
    if sep and bot_id.isdigit():
        return f"{bot_id}:…{tail}"
    return f"…{tail}"


def redact(text: str) -> str:
    """`text` with every registered secret masked (for error reports and pages as much as for logs)."""
    return SECRETS.redact(text)


@contextlib.contextmanager
def bind(**fields: str) -> Iterator[None]:
    """Tag every log record written inside with these fields (e.g. update="telegram:1234", task=key)."""
    current = _CONTEXT.get() or {}
    token = _CONTEXT.set({**current, **fields})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


class RedactingFilter(logging.Filter):
    """Formats the record's message and traceback now and masks the secrets in them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = redact(message), None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        context = _CONTEXT.get()
        record.context = context or {}
        return True


class PlainFormatter(logging.Formatter):
    """'2026-12-03 08:00:00,123 INFO bot.runtime: message [update=telegram:42]'."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        context = getattr(record, "context", None)
        if context:
            first, _, rest = text.partition("\n")
            tags = " ".join(f"{k}={v}" for k, v in context.items())
            text = f"{first} [{tags}]" + (f"\n{rest}" if rest else "")
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the bound fields, the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(getattr(record, "context", None) or {})
        if record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


def configure(level: str = "INFO", fmt: str = "text", *, secrets: Iterable[str | None] = ()) -> None:
    """Log to stderr in `fmt` ('text' or 'json') at `level`, secrets masked on every handler."""
    for secret in secrets:
        SECRETS.add(secret)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else PlainFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    protect_handlers()
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    quiet = logging.WARNING if logging.getLevelName(level) != logging.DEBUG else logging.INFO
    for name in NOISY:
        logging.getLogger(name).setLevel(quiet)


def _log_uncaught(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    """An exception nobody caught goes through logging too, so its traceback is masked like the rest."""
    logging.getLogger("bot.errors").critical("uncaught exception", exc_info=(kind, error, trace))


def protect_handlers() -> None:
    """Put the redacting filter on every handler of the root logger (also ones added by libraries)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
