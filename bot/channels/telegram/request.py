"""How the bot talks HTTP to Telegram: python-telegram-bot's `HTTPXRequest` over the bot's keep-alive pool."""

from __future__ import annotations

import urllib.request

import httpx
from telegram.request import BaseRequest, HTTPXRequest

from bot.channels.http import KeepAlivePool

POOL_SIZE = 32
"""Bot API calls in flight at once: 16 chats' updates, 8 broadcast sends and the scheduler, with room."""
POOL_TIMEOUT_S = 10.0
"""How long a call waits for a free connection before it fails (it was not sent, so waiting is harmless)."""


def telegram_requests(client: str = "lean", *, pool_size: int = POOL_SIZE) -> tuple[BaseRequest, BaseRequest]:
    """The `BaseRequest` for Bot API calls and the one for getUpdates (one long poll at a time).

    'lean': `HTTPXRequest` over `KeepAlivePool` (bot/channels/http.py). 'stock': `HTTPXRequest` with httpx's
    own pool (httpcore), sized like the lean one, its keep-alive connections included. Behind a proxy
    (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY set) 'lean' is 'stock': httpx's own transport speaks to proxies.
    """
    if client == "lean" and not behind_a_proxy():
        return (
            HTTPXRequest(
                connection_pool_size=pool_size,
                pool_timeout=POOL_TIMEOUT_S,
                httpx_kwargs={"transport": KeepAlivePool(max_connections=pool_size)},
            ),
            HTTPXRequest(
                connection_pool_size=1, httpx_kwargs={"transport": KeepAlivePool(max_connections=1)}
            ),
        )
    if client in ("lean", "stock"):
        limits = httpx.Limits(max_connections=pool_size, max_keepalive_connections=pool_size)
        return (
            HTTPXRequest(
                connection_pool_size=pool_size,
                pool_timeout=POOL_TIMEOUT_S,
                http_version="1.1",
                httpx_kwargs={"limits": limits},
            ),
            HTTPXRequest(connection_pool_size=1, http_version="1.1"),
        )
    raise ValueError(f"unknown HTTP client {client!r}")


def behind_a_proxy() -> bool:
    """Whether the environment names a proxy for HTTP(S), as httpx reads it (NO_PROXY alone is no proxy)."""
    proxies = urllib.request.getproxies()
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))
