"""The PostgreSQL back-end: `Database`'s interface over psycopg 3 and its async connection pool.

Storage modules keep their SQLite SQL; `PgConnection` translates each statement (storage/dialect.py) and
answers like aiosqlite (cursors with `rowcount`, `lastrowid`, `fetchall`; rows readable by column name).

Writers are serialised as on SQLite: a transaction (or a `connection()` block) holds one advisory lock, the
way SQLite's `BEGIN IMMEDIATE` admits one writer at a time, across processes too; reads (`fetch_*` outside a
transaction) run on any pooled connection without waiting. The lock is the schema's (WRITER_LOCK and a hash
of the schema's name), so bots or tests in other schemas of the same database never wait for it.

Processes sharing the database wake each other with LISTEN/NOTIFY: `publish(conn, topic)` sends a NOTIFY with
the transaction, and one connection per process LISTENs for every topic someone `listen`s to (reconnecting
after a failure, and then waking every listener, since notifications may have been missed meanwhile).

When the server restarts or drops the connections, the pool checks each connection as it hands it out (a
round trip) and replaces the broken ones, reconnecting with back-off; meanwhile callers wait for a connection
(up to the pool's timeout) or fail, and the loops that call them try again.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import aiosqlite
import psycopg
from psycopg import sql
from psycopg.adapt import Dumper
from psycopg_pool import AsyncConnectionPool

from bot.background import cancel_and_wait
from storage import dialect
from storage.db import Database

logger = logging.getLogger(__name__)

WRITER_LOCK = 0x6B68_6462  # 'khdb': with the schema's hash, the advisory lock key every writer holds
_SCHEMA_KEY = "hashtext(current_schema())"
POOL_MIN, POOL_MAX = 1, 8
NOTIFY_PREFIX = "khuyenhoc_"
LISTEN_RETRY_MAX = 30.0


class Row:
    """A result row that reads like sqlite3.Row: by position, by column name (any case), `keys()`."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            try:
                return self._values[self._index[key.lower()]]
            except KeyError:
                raise IndexError(f"No item with that key: {key!r}") from None
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and self._values == other._values and self._index == other._index

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=False))!r})"


def _row_factory(cursor: Any) -> Callable[[Sequence[Any]], Row]:
    index: dict[str, int] = {}
    for i, column in enumerate(cursor.description or ()):
        index.setdefault(column.name.lower(), i)
    return lambda values: Row(values, index)


class _Untyped(Dumper):
    """Send Python ints and bools as untyped text, so the server types them from their place in the query
    (as SQLite would: an id compared with a TEXT column, a flag stored in an INTEGER column)."""

    oid = 0

    def dump(self, obj: Any) -> bytes:
        return str(int(obj)).encode()


class PgCursor:
    """The finished result of one statement, read like an aiosqlite cursor."""

    def __init__(self, rows: list[Row], rowcount: int, lastrowid: int | None) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    async def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    async def fetchall(self) -> list[Row]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        self._rows = []

    def __aiter__(self) -> AsyncIterator[Row]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Row]:
        while self._rows:
            yield self._rows.pop(0)

    async def __aenter__(self) -> PgCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class PgConnection:
    """One pooled connection, offering the part of aiosqlite.Connection the storage modules use."""

    def __init__(self, raw: psycopg.AsyncConnection[Any], id_columns: dict[str, str]) -> None:
        self.raw = raw
        self._id_columns = id_columns

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> PgCursor:
        text = dialect.query(sql)
        id_column = dialect.returning_id(sql, self._id_columns)
        if id_column is not None:
            text += f" RETURNING {id_column}"
        async with self.raw.cursor() as cur:
            try:
                await cur.execute(text, dialect.named(params))
            except psycopg.IntegrityError as exc:
                raise _integrity_error(exc) from exc
            rows: list[Row] = await cur.fetchall() if cur.description else []
            rowcount = cur.rowcount
        if id_column is not None:
            return PgCursor([], rowcount, rows[0][0] if rows else None)
        return PgCursor(rows, rowcount, None)

    async def executemany(self, sql: str, params: Iterable[Iterable[Any]]) -> PgCursor:
        batch = [tuple(p) for p in params]
        if not batch:
            return PgCursor([], 0, None)
        async with self.raw.cursor() as cur:
            try:
                await cur.executemany(dialect.query(sql), [dialect.named(p) for p in batch])
            except psycopg.IntegrityError as exc:
                raise _integrity_error(exc) from exc
            return PgCursor([], cur.rowcount, None)

    async def execute_fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return await (await self.execute(sql, params)).fetchall()

    async def execute_insert(self, sql: str, params: Iterable[Any] = ()) -> tuple[int] | None:
        cur = await self.execute(sql, params)
        return None if cur.lastrowid is None else (cur.lastrowid,)


def _integrity_error(exc: psycopg.IntegrityError) -> sqlite3.IntegrityError:
    """A constraint the data broke, raised as on SQLite (callers handle one exception type)."""
    return sqlite3.IntegrityError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _redacted(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    return re.sub(r"^(\w+://[^:/@]+):[^@]*@", r"\1:***@", url)


async def _configure(conn: psycopg.AsyncConnection[Any]) -> None:
    conn.row_factory = cast(Any, _row_factory)
    conn.adapters.register_dumper(int, _Untyped)
    conn.adapters.register_dumper(bool, _Untyped)


async def _reset(conn: psycopg.AsyncConnection[Any]) -> None:
    """Back to the pool: no writer lock may stay held by an interrupted block."""
    await conn.execute("SELECT pg_advisory_unlock_all()")


class PostgresDatabase(Database):
    """PostgreSQL through a pool of connections; the same interface and SQL as the SQLite `Database`."""

    kind = "postgresql"
    shared = True

    def __init__(self, pool: AsyncConnectionPool[Any], url: str, id_columns: dict[str, str]) -> None:
        self._pool = pool
        self._lock = asyncio.Lock()
        self.url = url
        self.path = Path("postgresql")
        self.target = _redacted(url)
        self._id_columns = id_columns
        self._listeners = {}
        self._listening: asyncio.Task[None] | None = None

    @classmethod
    async def open_url(cls, url: str, *, migrate: bool = True) -> PostgresDatabase:
        """Connect (the pool), create the dialect's helpers and, by default, apply the migrations."""
        from storage.migrate import apply_migrations, available_migrations, statements

        id_columns: dict[str, str] = {}
        for migration in available_migrations():
            for statement in statements(migration.sql):
                key = dialect.integer_key(statement)
                if key is not None:
                    id_columns[key[0]] = key[1]
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url,
            min_size=POOL_MIN,
            max_size=POOL_MAX,
            kwargs={"autocommit": True},
            configure=_configure,
            check=AsyncConnectionPool.check_connection,
            reset=_reset,
            open=False,
            name="khuyenhoc",
        )
        await pool.open(wait=True, timeout=10)
        db = cls(pool, url, id_columns)
        try:
            async with db.transaction() as conn:
                for statement in dialect.PRELUDE:
                    await conn.execute(statement)
            if migrate:
                await apply_migrations(db)
        except BaseException:
            await pool.close()
            raise
        return db

    async def publish(self, conn: Any, topic: str) -> None:
        await conn.execute("SELECT pg_notify(?, '')", (NOTIFY_PREFIX + topic,))

    def listen(self, topic: str, callback: Callable[[], None]) -> None:
        """`callback()` on new work on `topic`, published by this process or by any other one."""
        super().listen(topic, callback)
        if self._listening is not None:
            self._listening.cancel()  # listen again, for every topic
        self._listening = asyncio.get_running_loop().create_task(self._listen(), name="postgres-listen")

    async def _listen(self) -> None:
        pause = 1.0
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
                    for topic in self._listeners:
                        await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(NOTIFY_PREFIX + topic)))
                    for topic in list(self._listeners):
                        self.notify(topic)  # what was published before (or while reconnecting)
                    pause = 1.0
                    async for notice in conn.notifies():
                        if notice.channel.startswith(NOTIFY_PREFIX):
                            self.notify(notice.channel[len(NOTIFY_PREFIX) :])
            except psycopg.Error as exc:
                logger.warning("listening for other replicas failed (%s); again in %.0f s", exc, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, LISTEN_RETRY_MAX)

    def _wrap(self, raw: psycopg.AsyncConnection[Any]) -> aiosqlite.Connection:
        # PgConnection answers the calls the storage modules make on an aiosqlite connection.
        return cast(aiosqlite.Connection, PgConnection(raw, self._id_columns))

    @asynccontextmanager
    async def _autocommit(self) -> AsyncIterator[aiosqlite.Connection]:
        """A pooled connection holding the writer lock, for autocommit statements."""
        async with self._lock, self._pool.connection() as raw:
            await raw.execute(f"SELECT pg_advisory_lock(%s, {_SCHEMA_KEY})", (WRITER_LOCK,))
            try:
                yield self._wrap(raw)
            finally:
                await raw.execute(f"SELECT pg_advisory_unlock(%s, {_SCHEMA_KEY})", (WRITER_LOCK,))

    @asynccontextmanager
    async def _writer(self) -> AsyncIterator[tuple[Any, aiosqlite.Connection]]:
        """A pooled connection under the process's lock (the transaction takes the writer lock)."""
        async with self._lock, self._pool.connection() as raw:
            yield raw, self._wrap(raw)

    async def _begin(self, raw: Any, *, reads_first: bool) -> None:
        """BEGIN at once whatever `reads_first` says: the advisory lock serialises writers across replicas."""
        await raw.execute("BEGIN")
        await raw.execute(f"SELECT pg_advisory_xact_lock(%s, {_SCHEMA_KEY})", (WRITER_LOCK,))

    async def _end(self, raw: Any, *, commit: bool) -> None:
        await raw.execute("COMMIT" if commit else "ROLLBACK")

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        """Run a read query and return every row (outside a transaction, without the writer lock)."""
        open_tx = self._held()
        if open_tx is not None:
            return list(await open_tx.conn.execute_fetchall(sql, tuple(params)))
        async with self._pool.connection() as raw:
            return await PgConnection(raw, self._id_columns).execute_fetchall(sql, tuple(params))

    async def atomic(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        """One self-consistent statement, in its own transaction, without the writer lock (see `Database`):
        on an autocommit pooled connection, as a read."""
        return await self.fetch_all(sql, params)

    def skip_locked(self, select: str) -> str:
        return dialect.skip_locked(select)

    async def schema_version(self) -> int:
        return int(await self.fetch_value("SELECT version FROM schema_version"))

    async def set_schema_version(self, conn: Any, version: int) -> None:
        await conn.execute("UPDATE schema_version SET version = ?", (version,))

    def migration_statement(self, statement: str) -> str | None:
        return dialect.ddl(statement)

    async def integrity_check(self) -> str:
        await self.fetch_value("SELECT 1")
        return "ok"

    async def backup_to(self, target: str | Path) -> None:
        raise RuntimeError("back up a PostgreSQL database with pg_dump")

    async def close(self) -> None:
        await cancel_and_wait(self._listening)
        self._listening = None
        await self._pool.close()
