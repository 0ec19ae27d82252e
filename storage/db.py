"""One aiosqlite connection per process, and a reader beside it: PRAGMAs, a lock, explicit transactions.

Beside it, one plain sqlite3 connection that only reads, on the event loop's own thread: a conversation turn's
reads before its first write go there (`transaction(reads_first=True)`). aiosqlite runs each statement on its
own thread: a primary-key lookup costs about 94 µs of CPU through it against 16 µs in sqlite3 directly (5,000
lookups, in process), and a turn starts with two to five such reads. Measured on the mixed cadre workload
(bench/README), the bot's CPU per update fell from 2.9 to 2.0 ms with them on the reader, where the echo
bot spends 1.7. Writes, reads after a write, and every other transaction stay on aiosqlite, so the loop never
waits on a write (a lock, a checkpoint, fsync) or on the long reads of the summary and the exports.

`Database.open("postgresql://…")` opens the PostgreSQL back-end instead (storage/postgres.py), with the same
interface and the same SQL (translated in storage/dialect.py).

Transactions nest: inside `transaction()`, the same task's `transaction()` becomes a savepoint and
`connection()` joins it, so a conversation turn can wrap every use case it calls in one transaction
(the action, its audit lines, its outbox messages and tasks, and the dialog state commit together).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import aiosqlite

logger = logging.getLogger(__name__)

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
    return db_time(raw)


def db_time(raw: str) -> datetime:
    """`from_db_time` for a column that is never NULL (NOT NULL, or filtered on in the query)."""
    parsed = datetime.fromisoformat(raw)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass
class _Open:
    """The transaction a task holds: which database, which task, savepoint depth, after-commit callbacks."""

    db: Database
    task: asyncio.Task[object] | None
    conn: Any = None
    depth: int = 0
    after_commit: list[Callable[[], None]] = field(default_factory=list)


_OPEN: ContextVar[_Open | None] = ContextVar("open_transaction", default=None)
_USING: ContextVar[Database | None] = ContextVar("database_in_use", default=None)


def changed(topic: str) -> None:
    """Tell the database's listeners that `topic` ('outbox', 'tasks') has new work, once the change commits.

    Called by storage code that only holds a connection; it finds its database from the context.
    """
    open_tx = _OPEN.get()
    if open_tx is not None and open_tx.task is asyncio.current_task():
        db = open_tx.db
        open_tx.after_commit.append(lambda: db.notify(topic))
        return
    using = _USING.get()
    if using is not None:
        using.notify(topic)


def _is_select(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


def _open_reader(path: Path) -> sqlite3.Connection:
    """The read-only connection a turn reads through before its first write, on the event loop's thread (see
    the module's docstring). In WAL mode it sees every committed change at once, never blocks the writer, and
    waits for a lock only while a connection recovers the WAL after a crash, which the bot's own connection
    does when it opens the file, before the reader exists: its short busy timeout keeps the loop free."""
    reader = sqlite3.connect(path, isolation_level=None)
    reader.row_factory = sqlite3.Row
    reader.execute("PRAGMA busy_timeout = 1000")
    reader.execute("PRAGMA query_only = ON")
    return reader


class _BeginOnWrite:
    """A transaction's view of the SQLite connection that sends BEGIN IMMEDIATE when asked (`begin`), or else
    with the first statement that is not a plain SELECT; COMMIT or ROLLBACK only if it began. Until it has
    begun, nothing is uncommitted, so its SELECTs read the same data through the reader (`_open_reader`)."""

    def __init__(self, conn: aiosqlite.Connection, reader: sqlite3.Connection | None = None) -> None:
        self._conn = conn
        self._reader = reader
        self.begun = False

    async def begin(self) -> None:
        if not self.begun:
            await self._conn.execute("BEGIN IMMEDIATE")
            self.begun = True

    async def _before(self, sql: str) -> None:
        if not self.begun and not _is_select(sql):
            await self.begin()

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Cursor:
        await self._before(sql)
        return await self._conn.execute(sql, params)

    async def executemany(self, sql: str, params: Iterable[Iterable[Any]]) -> aiosqlite.Cursor:
        await self._before(sql)
        return await self._conn.executemany(sql, params)

    async def execute_fetchall(self, sql: str, params: Iterable[Any] = ()) -> Iterable[sqlite3.Row]:
        if not self.begun and self._reader is not None and _is_select(sql):
            return self._reader.execute(sql, tuple(params)).fetchall()
        await self._before(sql)
        return await self._conn.execute_fetchall(sql, params)

    async def execute_insert(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        await self._before(sql)
        return await self._conn.execute_insert(sql, params)

    async def end(self, *, commit: bool) -> None:
        if self.begun:
            await (self._conn.commit() if commit else self._conn.rollback())


class Database:
    """The bot's SQLite connection, every use of it through its lock, and the reader a turn uses until it
    writes (`_open_reader`)."""

    kind = "sqlite"
    shared = False
    """Whether several processes (replicas) may use this database at once: PostgreSQL's is, an embedded
    SQLite file belongs to one process. Claims hold leases against other replicas only when it is."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path
        self.target = str(path)
        """Where the data is, for messages (a file path, or a URL without its password)."""
        self._listeners: dict[str, list[Callable[[], None]]] = {}
        self._reader: sqlite3.Connection | None = None

    def listen(self, topic: str, callback: Callable[[], None]) -> None:
        """Call `callback()` whenever committed changes bring new work on `topic` (see `changed`)."""
        self._listeners.setdefault(topic, []).append(callback)

    async def publish(self, conn: Any, topic: str) -> None:
        """Tell the other processes sharing the database that `topic` has new work, once `conn`'s transaction
        commits (their `listen` callbacks run). SQLite serves one process: there is nobody to tell."""

    def notify(self, topic: str) -> None:
        for callback in self._listeners.get(topic, ()):
            try:
                callback()
            except Exception:
                logger.exception("listener of %s failed", topic)

    def _held(self) -> _Open | None:
        """The transaction this task holds on this database, if any (a child task never inherits it)."""
        open_tx = _OPEN.get()
        if open_tx is not None and open_tx.db is self and open_tx.task is asyncio.current_task():
            return open_tx
        return None

    @property
    def in_transaction(self) -> bool:
        return self._held() is not None

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback()` once the enclosing transaction commits (at once when there is none)."""
        open_tx = self._held()
        if open_tx is None:
            callback()
        else:
            open_tx.after_commit.append(callback)

    @classmethod
    async def open(cls, path: str | Path, *, migrate: bool = True) -> Database:
        """Open (creating folders), apply PRAGMAs and, by default, the migrations.

        A `postgresql://` URL opens the PostgreSQL back-end instead.
        """
        from storage.dialect import is_postgres_url
        from storage.migrate import apply_migrations

        if is_postgres_url(path):
            from storage.postgres import PostgresDatabase

            return await PostgresDatabase.open_url(str(path), migrate=migrate)
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
        if str(path) != ":memory:":
            db._reader = _open_reader(path)
        return db

    @classmethod
    @asynccontextmanager
    async def opened(cls, path: str | Path, *, migrate: bool = True) -> AsyncIterator[Database]:
        """`open()` for one piece of work (a command, a check): closed again when the block ends."""
        db = await cls.open(path, migrate=migrate)
        try:
            yield db
        finally:
            await db.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection, for reads and single-statement writes (autocommit, or the task's transaction)."""
        open_tx = self._held()
        if open_tx is not None:
            yield open_tx.conn
            return
        async with self._autocommit() as conn:
            token = _USING.set(self)
            try:
                yield conn
            finally:
                _USING.reset(token)

    @asynccontextmanager
    async def _autocommit(self) -> AsyncIterator[aiosqlite.Connection]:
        """The lock and connection for statements outside a transaction (each commits on its own)."""
        async with self._lock:
            yield self._conn

    @asynccontextmanager
    async def transaction(self, *, reads_first: bool = False) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN … COMMIT on the writer's connection (`_writer`, `_begin`, `_end`: SQLite's BEGIN IMMEDIATE,
        PostgreSQL's advisory lock), rolled back on any exception; nested in the same task, a savepoint.

        `reads_first` (a conversation's turn): on SQLite, BEGIN goes out with the first write or nested
        `transaction()`, a transaction that only read sends neither BEGIN nor COMMIT, and the reads before the
        first write go through the reader on the loop's thread (see the module's docstring). Nothing else in
        this process reads or writes before the first write (the lock is held throughout), but another process
        (`python -m bot grant`) may commit in between: a read that a write depends on, where another process
        could change it, belongs in a nested `transaction()`, which begins at once.
        """
        open_tx = self._held()
        if open_tx is not None:
            async with self._savepoint(open_tx) as conn:
                yield conn
            return
        async with self._writer() as (raw, conn):
            open_tx = _Open(self, asyncio.current_task(), conn)
            token = _OPEN.set(open_tx)
            try:
                await self._begin(raw, reads_first=reads_first)
                try:
                    yield conn
                except BaseException:
                    await self._end(raw, commit=False)
                    raise
                else:
                    await self._end(raw, commit=True)
            finally:
                _OPEN.reset(token)
        self._committed(open_tx)

    @asynccontextmanager
    async def _writer(self) -> AsyncIterator[tuple[Any, aiosqlite.Connection]]:
        """The writer's lock and connection for one transaction: (the back-end's own, the storage's view)."""
        async with self._lock:
            lazy = _BeginOnWrite(self._conn, self._reader)
            yield lazy, cast(aiosqlite.Connection, lazy)

    async def _begin(self, raw: Any, *, reads_first: bool) -> None:
        if not reads_first:
            await raw.begin()

    async def _end(self, raw: Any, *, commit: bool) -> None:
        await raw.end(commit=commit)

    @asynccontextmanager
    async def _savepoint(self, open_tx: _Open) -> AsyncIterator[Any]:
        """A nested `transaction()`: a savepoint on the held connection."""
        conn = open_tx.conn
        open_tx.depth += 1
        name = f"sp{open_tx.depth}"
        await conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            await conn.execute(f"ROLLBACK TO {name}")
            await conn.execute(f"RELEASE {name}")
            raise
        else:
            await conn.execute(f"RELEASE {name}")
        finally:
            open_tx.depth -= 1

    @staticmethod
    def _committed(open_tx: _Open) -> None:
        for callback in open_tx.after_commit:
            try:
                callback()
            except Exception:
                logger.exception("after-commit callback failed")

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one INSERT on its own (a single statement is atomic and commits at once); the new row's id.

        One trip to the database thread instead of three for BEGIN, INSERT and COMMIT.
        """
        async with self.connection() as conn:
            row = await conn.execute_insert(sql, tuple(params))
        assert row is not None
        return int(row[0])

    async def atomic(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        """Run one statement that is consistent on its own (a claim, a counter) and return its RETURNING rows.

        On PostgreSQL it runs without the writer lock: the row locks it takes are all it needs, so claims and
        the send-rate bucket never wait behind a conversation's transaction.
        """
        async with self.connection() as conn:
            return list(await conn.execute_fetchall(sql, tuple(params)))

    def skip_locked(self, select: str) -> str:
        """A SELECT that claims rows: on PostgreSQL it locks them and skips rows another replica is claiming
        (storage/dialect.py); SQLite admits one writer at a time, so there it is unchanged."""
        return select

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

    async def schema_version(self) -> int:
        """The schema version the migrations brought the database to."""
        return int(await self.fetch_value("PRAGMA user_version"))

    async def set_schema_version(self, conn: Any, version: int) -> None:
        """Record the schema version, inside the migration's transaction."""
        await conn.execute(f"PRAGMA user_version = {version:d}")

    def migration_statement(self, statement: str) -> str | None:
        """A migration statement as this back-end runs it (None: it does not apply here)."""
        return statement

    async def integrity_check(self) -> str:
        """'ok', or what the engine found wrong with the stored data."""
        return str(await self.fetch_value("PRAGMA integrity_check"))

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
        """Close the connections (checkpointing the WAL)."""
        if self._reader is not None:
            self._reader.close()
        await self._conn.close()


class Store:
    """Base of the stores (SqliteMembers, SqliteSeminars, …): each reads and writes through one `Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db
