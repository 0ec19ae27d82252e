"""A fresh PostgreSQL schema per test, on the server named by TEST_DATABASE_URL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
import pytest

SKIPPED = "PostgreSQL half skipped: TEST_DATABASE_URL is not set"


def server_url() -> str:
    """The test server's URL; skips the test when there is none."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        pytest.skip(SKIPPED)
    return url


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
