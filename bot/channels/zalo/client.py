"""A thin client of the project's own for the Zalo Bot Platform API, over httpx.

Why not a package from the index: see README, "Zalo". The API is about ten endpoints of the form
``<ZALO_API_URL><TOKEN>/<method>`` (POST, JSON object body) answering ``{"ok": true, "result": …}`` or
``{"ok": false, "error_code": N, "description": "…"}``. This module does that and no more:

- one `httpx.AsyncClient` with a small keep-alive pool (httpx comes with python-telegram-bot already);
- errors become exceptions carrying ``error_code`` and ``description``: `ZaloBadRequest` (400),
  `ZaloUnauthorized` (401), `ZaloForbidden` (403), `ZaloNotFound` (404), `ZaloRateLimited` (429, with
  ``retry_after`` when the server gives one), `ZaloServerError` (5xx); timeouts and network failures are
  `ZaloTimeout` / `ZaloNetworkError`. Everything worth retrying is a `ZaloTransientError` (5xx, 408, network);
- updates are parsed into `ZaloUpdate` (ids as strings, ``date`` an aware UTC datetime);
- the token never reaches a log line or an exception message: httpx logs every request URL at INFO on the
  ``httpx`` logger, so a filter on that logger rewrites ``/bot<TOKEN>/`` to ``/bot<redacted>/``.

Points the docs leave open are each one function or constant here: `zalo_length` (how 2,000 characters are
counted), `EMPTY_POLL_CODE` (a long poll with nothing to deliver), `parse_update` (field names).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

DEFAULT_API_URL = "https://bot-api.zaloplatforms.com/bot"
TEXT_LIMIT = 2000
"""sendMessage text and sendPhoto caption: 1 to 2,000 characters (docs)."""
EMPTY_POLL_CODE = 408
"""getUpdates answers 408 "Request timeout" when no update came before its timeout (third-party clients; the
docs only list 408 among the error codes). get_updates() returns None for it."""
DEFAULT_POLL_TIMEOUT = 30

TEXT_EVENT = "message.text.received"
IMAGE_EVENT = "message.image.received"
STICKER_EVENT = "message.sticker.received"
UNSUPPORTED_EVENT = "message.unsupported.received"

logger = logging.getLogger(__name__)


def api_url_from_env(env: Mapping[str, str] | None = None) -> str:
    """ZALO_API_URL from the environment, else the platform's (the token and `/<method>` are appended)."""
    env = os.environ if env is None else env
    return (env.get("ZALO_API_URL") or "").strip() or DEFAULT_API_URL


def zalo_length(text: str) -> int:
    """Length of a text as the platform is assumed to count it: UTF-16 code units (an emoji counts 2).

    The docs say "1 to 2000 characters" without a unit; this is the stricter reading, so a text that fits
    here fits whatever the platform counts.
    """
    return len(text.encode("utf-16-le")) // 2


# --- the token stays out of logs -------------------------------------------------------------------

_TOKEN_IN_PATH = re.compile(r"/bot\d+:[^/\s?#\"'<>]+")
REDACTED = "<redacted>"


def redact(text: str, token: str | None = None) -> str:
    """`text` with the bot token (the given one, and any ``/bot<digits>:<secret>`` in a URL) removed."""
    if token:
        text = text.replace(token, REDACTED)
    return _TOKEN_IN_PATH.sub(f"/bot{REDACTED}", text)


class _RedactTokens(logging.Filter):
    """Rewrites records of the `httpx` logger (it logs request URLs at INFO) without the tokens."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return True
        clean = message
        for token in self.tokens:
            clean = clean.replace(token, REDACTED)
        clean = _TOKEN_IN_PATH.sub(f"/bot{REDACTED}", clean)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_REDACTOR = _RedactTokens()


def _protect(token: str) -> None:
    """Register a token with the filter on the httpx logger (idempotent)."""
    _REDACTOR.tokens.add(token)
    target = logging.getLogger("httpx")
    if _REDACTOR not in target.filters:
        target.addFilter(_REDACTOR)


# --- errors ----------------------------------------------------------------------------------------


class ZaloError(Exception):
    """Any failure of a Zalo API call."""


class ZaloTransientError(ZaloError):
    """Worth retrying later with back-off: a timeout, a network failure, a 5xx or 408 answer."""


class ZaloTimeout(ZaloTransientError):
    """No answer in time (connect, write, read or waiting for a pooled connection)."""


class ZaloNetworkError(ZaloTransientError):
    """The connection failed or broke, or the answer was not the API's JSON."""


class ZaloApiError(ZaloError):
    """The API answered ``ok: false``: `error_code` and `description` as it sent them."""

    def __init__(
        self, method: str, error_code: int, description: str, http_status: int | None = None
    ) -> None:
        super().__init__(f"{method}: {error_code} {description}".strip())
        self.method = method
        self.error_code = error_code
        self.description = description
        self.http_status = http_status


class ZaloBadRequest(ZaloApiError):
    """400: bad parameters (text too long or empty, unknown user, …) or, per the docs, an invalid API name."""


class ZaloUnauthorized(ZaloApiError):
    """401: the token is invalid or was reset in Zalo Bot Manager."""


class ZaloForbidden(ZaloApiError):
    """403. The docs' error table labels 403 "Internal server error"; kept apart so the caller decides."""


class ZaloNotFound(ZaloApiError):
    """404: not found (a method the platform does not have, in the emulator)."""


class ZaloRequestTimeout(ZaloApiError, ZaloTransientError):
    """408 "Request timeout" (other than an empty long poll, which get_updates() turns into None)."""


class ZaloRateLimited(ZaloApiError):
    """429 "Quota exceeded". `retry_after` in seconds when the answer carried one (the docs promise none)."""

    def __init__(
        self,
        method: str,
        error_code: int,
        description: str,
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(method, error_code, description, http_status)
        self.retry_after = retry_after


class ZaloServerError(ZaloApiError, ZaloTransientError):
    """5xx: the platform failed; retry later."""


_ERRORS: dict[int, type[ZaloApiError]] = {
    400: ZaloBadRequest,
    401: ZaloUnauthorized,
    403: ZaloForbidden,
    404: ZaloNotFound,
    408: ZaloRequestTimeout,
}


def api_error(
    method: str,
    error_code: int,
    description: str,
    http_status: int | None = None,
    retry_after: float | None = None,
) -> ZaloApiError:
    """The exception for an ``ok: false`` answer."""
    if error_code == 429:
        return ZaloRateLimited(method, error_code, description, http_status, retry_after)
    if error_code >= 500:
        return ZaloServerError(method, error_code, description, http_status)
    return _ERRORS.get(error_code, ZaloApiError)(method, error_code, description, http_status)


# --- results ---------------------------------------------------------------------------------------


def ms_to_datetime(value: Any) -> datetime | None:
    """A Zalo timestamp (milliseconds since the epoch) as an aware UTC datetime; seconds are tolerated."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if abs(number) < 100_000_000_000:  # before 1973 in ms: it was seconds
        number *= 1000
    return datetime.fromtimestamp(number / 1000, UTC)


@dataclass(frozen=True)
class ZaloBotInfo:
    """getMe: the bot's id (a digit string) and account name."""

    id: str
    account_name: str
    account_type: str | None = None
    can_join_groups: bool = False


@dataclass(frozen=True)
class ZaloWebhookInfo:
    """setWebhook / deleteWebhook / getWebhookInfo: the URL ("" when none) and when it last changed."""

    url: str
    updated_at: datetime | None


@dataclass(frozen=True)
class ZaloSentMessage:
    """sendMessage / sendPhoto: the new message's id (a hex string) and date."""

    message_id: str
    date: datetime | None


@dataclass(frozen=True)
class ZaloUpdate:
    """One incoming event, flattened. `key` identifies it for de-duplication (there is no update_id)."""

    event_name: str
    message_id: str
    chat_id: str
    sender_id: str
    display_name: str | None
    date: datetime | None
    text: str | None = None
    photo_url: str | None = None
    caption: str | None = None
    sticker: str | None = None
    sticker_url: str | None = None
    chat_type: str = "PRIVATE"
    sender_is_bot: bool = False
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.event_name, self.message_id)

    @property
    def is_private(self) -> bool:
        return self.chat_type.upper() == "PRIVATE"


def _text_or_none(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def parse_update(payload: Any) -> ZaloUpdate | None:
    """A getUpdates `result` or a webhook body (``{"ok": true, "result": {...}}``) as a ZaloUpdate.

    Tolerant where copies of the docs and third-party reports differ: the sender's name may be
    ``display_name``, ``first_name`` or ``name``; a missing ``event_name`` is inferred from the content.
    None when there is no message with a chat id (no such event is documented).
    """
    if not isinstance(payload, dict):
        return None
    if isinstance(payload.get("result"), dict) and "message" not in payload:
        payload = payload["result"]
    message = payload.get("message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat_id = _text_or_none(chat.get("id")) or _text_or_none(sender.get("id"))
    if not chat_id:
        return None
    event_name = _text_or_none(payload.get("event_name"))
    if not event_name:
        if message.get("text") is not None:
            event_name = TEXT_EVENT
        elif message.get("photo") is not None:
            event_name = IMAGE_EVENT
        elif message.get("sticker") is not None:
            event_name = STICKER_EVENT
        else:
            event_name = UNSUPPORTED_EVENT
    name = sender.get("display_name") or sender.get("first_name") or sender.get("name")
    return ZaloUpdate(
        event_name=event_name,
        message_id=_text_or_none(message.get("message_id")) or "",
        chat_id=chat_id,
        sender_id=_text_or_none(sender.get("id")) or chat_id,
        display_name=_text_or_none(name),
        date=ms_to_datetime(message.get("date")),
        text=_text_or_none(message.get("text")),
        photo_url=_text_or_none(message.get("photo")),
        caption=_text_or_none(message.get("caption")),
        sticker=_text_or_none(message.get("sticker")),
        sticker_url=_text_or_none(message.get("url")),
        chat_type=_text_or_none(chat.get("chat_type")) or "PRIVATE",
        sender_is_bot=bool(sender.get("is_bot", False)),
        raw=payload,
    )


def _webhook_info(result: Any) -> ZaloWebhookInfo:
    data = result if isinstance(result, dict) else {}
    return ZaloWebhookInfo(url=str(data.get("url") or ""), updated_at=ms_to_datetime(data.get("updated_at")))


def _sent(result: Any) -> ZaloSentMessage:
    data = result if isinstance(result, dict) else {}
    return ZaloSentMessage(
        message_id=str(data.get("message_id") or ""), date=ms_to_datetime(data.get("date"))
    )


def _retry_after(response: httpx.Response, payload: dict) -> float | None:
    parameters = payload.get("parameters")
    candidates = [
        parameters.get("retry_after") if isinstance(parameters, dict) else None,
        payload.get("retry_after"),
        response.headers.get("Retry-After"),
    ]
    for value in candidates:
        try:
            if value is not None and float(value) >= 0:
                return float(value)
        except (TypeError, ValueError):
            continue
    return None


# --- the client ------------------------------------------------------------------------------------


class ZaloClient:
    """The Zalo Bot Platform API for one bot token.

    ``ZaloClient(token, api_url=...)``; use ``async with`` or call `aclose()`. Calls POST a JSON object
    (what the docs' samples do). `timeout` bounds each call; a long poll waits its own `timeout` plus
    `poll_margin`. `pool_size` keep-alive connections are shared by every call (one long poll, the sends).
    """

    def __init__(
        self,
        token: str,
        *,
        api_url: str = DEFAULT_API_URL,
        timeout: float = 10.0,
        connect_timeout: float = 5.0,
        poll_margin: float = 10.0,
        pool_size: int = 8,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        token = token.strip()
        if not token or any(c.isspace() or c in "/?#" for c in token):
            raise ValueError("the Zalo bot token is empty or contains characters a URL path cannot hold")
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        self._token = token
        _protect(token)
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self.poll_margin = poll_margin
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            limits=httpx.Limits(
                max_connections=pool_size, max_keepalive_connections=pool_size, keepalive_expiry=30.0
            ),
            transport=transport,
            headers={"User-Agent": "khuyenhoc-bot (Zalo Bot Platform client)"},
        )

    def __repr__(self) -> str:
        return f"ZaloClient(api_url={self.api_url!r}, token=<redacted>)"

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def _url(self, method: str) -> str:
        return f"{self.api_url}{self._token}/{method}"

    def redacted_url(self, method: str) -> str:
        """The URL of a method as it may appear in logs."""
        return f"{self.api_url}{REDACTED}/{method}"

    # --- the one request function ---------------------------------------------------------------

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, read_timeout: float | None = None
    ) -> Any:
        """Call `method` with a JSON object; the `result` on success (None when there is none), else raise."""
        body = {key: value for key, value in (params or {}).items() if value is not None}
        request_timeout = (
            httpx.USE_CLIENT_DEFAULT
            if read_timeout is None
            else httpx.Timeout(read_timeout, connect=self._http.timeout.connect)
        )
        try:
            response = await self._http.post(self._url(method), json=body, timeout=request_timeout)
        except httpx.TimeoutException as error:
            logger.debug("Zalo %s timed out (%s)", method, type(error).__name__)
            raise ZaloTimeout(f"{method}: timed out ({type(error).__name__})") from None
        except httpx.HTTPError as error:
            detail = redact(str(error), self._token)
            logger.debug("Zalo %s failed: %s: %s", method, type(error).__name__, detail)
            raise ZaloNetworkError(f"{method}: {type(error).__name__}: {detail}") from None
        return self._result(method, response)

    def _result(self, method: str, response: httpx.Response) -> Any:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or "ok" not in payload:
            status = response.status_code
            if status >= 400:
                raise api_error(method, status, f"HTTP {status} without the API's JSON", status)
            raise ZaloNetworkError(f"{method}: HTTP {status} without the API's JSON")
        if payload.get("ok") is True:
            return payload.get("result")
        try:
            code = int(payload.get("error_code") or response.status_code)
        except (TypeError, ValueError):
            code = response.status_code
        description = redact(str(payload.get("description") or ""), self._token)
        error = api_error(method, code, description, response.status_code, _retry_after(response, payload))
        logger.debug("Zalo %s answered %s %s", method, code, description)
        raise error

    # --- the methods ----------------------------------------------------------------------------

    async def get_me(self) -> ZaloBotInfo:
        """Check the token; the bot's id and account name (ZaloUnauthorized for a bad token)."""
        result = await self.call("getMe")
        data = result if isinstance(result, dict) else {}
        return ZaloBotInfo(
            id=str(data.get("id") or ""),
            account_name=str(data.get("account_name") or data.get("display_name") or data.get("name") or ""),
            account_type=_text_or_none(data.get("account_type")),
            can_join_groups=bool(data.get("can_join_groups", False)),
        )

    # `timeout` is the API's own long-poll parameter (seconds), not a bound on this coroutine.
    async def get_updates(self, timeout: float = DEFAULT_POLL_TIMEOUT) -> ZaloUpdate | None:  # noqa: ASYNC109
        """Long-poll for ONE update (there is no offset: a returned update is not offered again).

        None when the poll ended without one (408 "Request timeout", or an empty result). Raises
        ZaloBadRequest (or whatever the platform answers) while a webhook is set.
        """
        seconds = max(0, int(timeout))
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(seconds)}, read_timeout=seconds + self.poll_margin
            )
        except ZaloApiError as error:
            if error.error_code == EMPTY_POLL_CODE:
                return None
            raise
        if isinstance(result, list):  # not documented; tolerate a Telegram-like list of one
            result = result[0] if result else None
        return parse_update(result) if result else None

    async def set_webhook(self, url: str, secret_token: str) -> ZaloWebhookInfo:
        """Have updates POSTed to `url` (HTTPS) with the header X-Bot-Api-Secret-Token: `secret_token`."""
        return _webhook_info(await self.call("setWebhook", {"url": url, "secret_token": secret_token}))

    async def delete_webhook(self) -> ZaloWebhookInfo:
        """Remove the webhook (getUpdates works again)."""
        return _webhook_info(await self.call("deleteWebhook"))

    async def get_webhook_info(self) -> ZaloWebhookInfo:
        return _webhook_info(await self.call("getWebhookInfo"))

    async def send_message(self, chat_id: str, text: str) -> ZaloSentMessage:
        """Send a plain text of 1 to 2,000 characters (split longer ones first: `zalo_length`)."""
        return _sent(await self.call("sendMessage", {"chat_id": str(chat_id), "text": text}))

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> ZaloSentMessage:
        """Send the picture at `photo_url` (the platform fetches it), with an optional caption."""
        params = {"chat_id": str(chat_id), "photo": photo_url, "caption": caption or None}
        return _sent(await self.call("sendPhoto", params))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        """Show "typing…" (the docs list `typing`, and `upload_photo` as coming soon)."""
        await self.call("sendChatAction", {"chat_id": str(chat_id), "action": action})
