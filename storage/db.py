"""One aiosqlite connection per process: PRAGMAs, a lock, explicit transactions."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

CONNECTION_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
)


def to_db_time(when: datetime) -> str:
    """Store aware datetimes as UTC ISO strings (sortable, unambiguous)."""
    if when.tzinfo is None:
        raise ValueError("naive datetime given to the database")
    return when.astimezone(UTC).isoformat(timespec="seconds")


def from_db_time(raw: str | None) -> datetime | None:
    """Read a UTC ISO string back as an aware datetime."""
    if raw is None:
        return None
    parsed = datetime.fromisoformat(raw)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Database:
    """The bot's single SQLite connection; every use goes through its lock."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: str | Path, *, migrate: bool = True) -> Database:
        """Open (creating folders), apply PRAGMAs and, by default, the migrations."""
        from storage.migrate import apply_migrations

        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        try:
            for pragma in CONNECTION_PRAGMAS:
                await conn.execute(pragma)
            db = cls(conn, path)
            if migrate:
                await apply_migrations(db)
        except BaseException:
            await conn.close()
            raise
        return db

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection, for reads and single-statement writes (autocommit)."""
        async with self._lock:
            yield self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT; rolled back on any exception. Not re-entrant."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.rollback()
                raise
            else:
                await self._conn.commit()

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one INSERT on its own (a single statement is atomic and commits at once); the new row's id.

        One trip to the database thread instead of three for BEGIN, INSERT and COMMIT.
        """
        async with self.connection() as conn:
            row = await conn.execute_insert(sql, tuple(params))
        assert row is not None
        return int(row[0])

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Run a read query and return every row."""
        async with self.connection() as conn:
            return list(await conn.execute_fetchall(sql, tuple(params)))

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        """Run a read query and return its first row, or None (meant for lookups by key)."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Iterable[Any] = ()) -> Any:
        """First column of the first row, or None."""
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def backup_to(self, target: str | Path) -> None:
        """Online, consistent copy with SQLite's backup API (safe while the bot runs)."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        async with self.connection() as conn:
            dest = await aiosqlite.connect(target)
            try:
                await conn.backup(dest)
            finally:
                await dest.close()

    async def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        await self._conn.close()
