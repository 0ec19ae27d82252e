"""A fresh PostgreSQL schema per test, on the server named by TEST_DATABASE_URL."""

from __future__ import annotations

import atexit
import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

SKIPPED = "PostgreSQL half skipped: TEST_DATABASE_URL is not set"


def server_url() -> str:
    """A database of this test process's own on the test server; skips the test when there is none."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        pytest.skip(SKIPPED)
    return _own_database(url)


@cache
def _own_database(url: str) -> str:
    """Created at first use, dropped at exit. The bot's writers take one advisory lock, and advisory locks are
    per database: tests in schemas of one shared database would wait for each other's writers, those of the
    other parallel workers and of any other run on the server (and hang while one of them hangs)."""
    name = f"khtest_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    atexit.register(_drop, url, name)
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _drop(url: str, name: str) -> None:
    with contextlib.suppress(psycopg.Error), psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@asynccontextmanager
async def fresh_schema(url: str) -> AsyncIterator[str]:
    """Create an empty schema, yield a URL whose connections use it, drop it (and everything in it) after."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            await conn.execute(f"DROP SCHEMA {schema} CASCADE")
