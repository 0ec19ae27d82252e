"""A fresh PostgreSQL schema per test, on the server named by TEST_DATABASE_URL."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
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


@dataclass
class SchemaOwner:
    """A fresh schema owned by a login role of its own: `url` connects as that role, `admin_url` as the
    server's administrator (both to the schema). `shut_out()` ends the role's sessions and refuses new
    ones, as a server that went away would; `let_in()` admits it again. Nobody else is disturbed."""

    role: str
    url: str
    admin_url: str

    async def shut_out(self) -> int:
        """Refuse the role's logins and end its sessions (returning once they are gone); how many sessions
        were ended."""
        ended: set[int] = set()
        async with await psycopg.AsyncConnection.connect(self.admin_url, autocommit=True) as conn:
            await conn.execute(f"ALTER ROLE {self.role} NOLOGIN")
            while True:
                cursor = await conn.execute(
                    "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                    (self.role,),
                )
                sessions = {pid for pid, _ in await cursor.fetchall()}
                if not sessions:
                    return len(ended)
                ended |= sessions
                await asyncio.sleep(0.05)

    async def let_in(self) -> None:
        async with await psycopg.AsyncConnection.connect(self.admin_url, autocommit=True) as conn:
            await conn.execute(f"ALTER ROLE {self.role} LOGIN")


@asynccontextmanager
async def schema_of_own_role(url: str) -> AsyncIterator[SchemaOwner]:
    """A fresh schema and a login role owning it (trust authentication, as on the test server); both
    dropped after."""
    role = f"test_{uuid.uuid4().hex[:12]}"
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute(f"CREATE ROLE {role} LOGIN")
        await conn.execute(f"CREATE SCHEMA {role} AUTHORIZATION {role}")
    parts = urlsplit(url)
    as_role = parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port or 5432}").geturl()
    path = f"options=-csearch_path%3D{role}"
    joined = "&" if "?" in url else "?"
    try:
        yield SchemaOwner(role, f"{as_role}{joined}{path}", f"{url}{joined}{path}")
    finally:
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            await conn.execute(f"ALTER ROLE {role} LOGIN")
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,)
            )
            await conn.execute(f"DROP SCHEMA {role} CASCADE")
            await conn.execute(f"DROP ROLE {role}")
