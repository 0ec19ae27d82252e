"""Which database the bot runs on in the tests: a SQLite file (the default), or with TEST_BACKEND=postgresql a
fresh PostgreSQL schema for every bot, in-process or `python -m bot`, on the server TEST_DATABASE_URL names.

`bot_database(tmp_path)` is where a bot's data goes (a file path, or a schema's URL), `database_env(target)`
the variables that point a bot process at it, `query(target, sql)` reads it from the test (SQLite's SQL, as
the storage modules write it); the schemas a test made are dropped when it ends (conftest.py). A test about
SQLite files themselves is marked `sqlite_only(why)`: skipped on PostgreSQL, with the reason.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest

from storage import dialect
from tests.postgres import server_url

BACKEND = os.environ.get("TEST_BACKEND", "").strip() or "sqlite"
ON_POSTGRESQL = BACKEND == "postgresql"
BACKENDS = ("sqlite", "postgresql")

_made: list[tuple[str, str]] = []
"""(server URL, schema) of the schemas made during the running test."""


def check_configuration() -> str | None:
    """What is wrong with TEST_BACKEND and TEST_DATABASE_URL, if anything."""
    if BACKEND not in BACKENDS:
        return f"TEST_BACKEND must be one of {', '.join(BACKENDS)}, not {BACKEND!r}"
    if ON_POSTGRESQL and not os.environ.get("TEST_DATABASE_URL", "").strip():
        return "TEST_BACKEND=postgresql needs TEST_DATABASE_URL=postgresql://… (the test server)"
    return None


def missing_table(name: str) -> str:
    """How the database says that table `name` (which a test dropped) is not there."""
    return f'relation "{name}" does not exist' if ON_POSTGRESQL else f"no such table: {name}"


def sqlite_only(why: str) -> pytest.MarkDecorator:
    """Skip the test under TEST_BACKEND=postgresql: it is about SQLite files themselves."""
    return pytest.mark.skipif(ON_POSTGRESQL, reason=f"SQLite only: {why}")


def fresh_schema_url() -> str:
    """A URL to a new, empty schema of this test (dropped when the test ends)."""
    url = server_url()
    schema = f"bot_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    _made.append((url, schema))
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def bot_database(tmp_path: Path, name: str = "bot.db") -> Path | str:
    """Where a bot keeps its data: the SQLite file `tmp_path/name`, or on PostgreSQL a fresh schema's URL."""
    return fresh_schema_url() if ON_POSTGRESQL else tmp_path / name


def database_env(target: Path | str, folder: Path) -> dict[str, str]:
    """The variables pointing `python -m bot` at `target`. DATABASE_PATH is in `folder` either way: files the
    bot keeps beside its database (the FAQ's additions) stay in the test's folder."""
    if isinstance(target, Path):
        return {"DATABASE_PATH": str(target)}
    return {"DATABASE_PATH": str(folder / "bot.db"), "DATABASE_URL": target}


def drop_made() -> None:
    """Drop the schemas made during the test (a schema still locked by a stray process is left to the
    database's drop at exit: tests/postgres.py)."""
    while _made:
        url, schema = _made.pop()
        with contextlib.suppress(psycopg.Error), psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SET lock_timeout = '10s'")
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def untouched(target: Path | str) -> bool:
    """Whether nothing was ever written to `target`: no such file, or a schema without tables."""
    if isinstance(target, Path):
        return not target.exists()
    tables = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
    return query(target, tables) == [(0,)]


def query(target: Path | str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement (SQLite's SQL) on a bot's database, outside the bot; its rows."""
    if isinstance(target, Path):
        with contextlib.closing(sqlite3.connect(target)) as conn, conn:
            return conn.execute(sql, params).fetchall()
    from storage.postgres import _Untyped  # the pool's module, only when PostgreSQL is used

    with psycopg.connect(target, autocommit=True) as pg:
        pg.adapters.register_dumper(int, _Untyped)
        pg.adapters.register_dumper(bool, _Untyped)
        cursor = pg.execute(dialect.query(sql), dialect.named(params))
        return [tuple(row) for row in cursor.fetchall()] if cursor.description else []


def integrity(target: Path | str) -> str:
    """SQLite's `PRAGMA integrity_check` of the file; PostgreSQL keeps its own consistency (its WAL), so there
    it is "ok" once the server answers."""
    if isinstance(target, Path):
        return str(query(target, "PRAGMA integrity_check")[0][0])
    return "ok" if query(target, "SELECT 1") == [(1,)] else "no answer"
