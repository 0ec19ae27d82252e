"""Moving a deployment: copy every table of a SQLite database into an empty PostgreSQL one, then verify it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from storage.db import Database
from storage.migrate import available_migrations

BATCH = 500


class TransferRefused(RuntimeError):
    """The copy cannot start: the target holds data, or the two schemas differ."""


@dataclass(frozen=True)
class TableCopy:
    table: str
    rows: int
    checksum: str


def checksum(rows: Iterable[Sequence[Any]]) -> str:
    """The same for the same rows in any order, whichever back-end they were read from."""

    def value(v: Any) -> str:
        if v is None:
            return "\x00"
        if isinstance(v, bytes | bytearray | memoryview):
            return "x" + bytes(v).hex()
        return repr(v) if isinstance(v, float) else str(v)

    lines = sorted("\x1f".join(value(v) for v in row) for row in rows)
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8", "surrogatepass") + b"\x1e")
    return digest.hexdigest()


async def _tables(source: Database) -> list[str]:
    rows = await source.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [r["name"] for r in rows]


async def _columns(db: Database, table: str) -> list[str]:
    if db.kind == "sqlite":
        return [r["name"] for r in await db.fetch_all(f"PRAGMA table_info({table})")]
    rows = await db.fetch_all(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ? ORDER BY ordinal_position",
        (table,),
    )
    return [r["column_name"] for r in rows]


async def _seeded() -> dict[str, int]:
    """Rows the migrations themselves insert (a freshly migrated database is still empty)."""
    async with Database.opened(":memory:") as fresh:
        return {t: int(await fresh.fetch_value(f"SELECT COUNT(*) FROM {t}")) for t in await _tables(fresh)}


async def copy_to_postgres(source: Database, target: Database) -> list[TableCopy]:
    """Copy every table (audit trail included) in one target transaction; verify counts and checksums.

    The source must be at this bot's schema version and the target migrated and empty (TransferRefused).
    """
    latest = available_migrations()[-1].version
    for db, name in ((source, "source"), (target, "target")):
        version = await db.schema_version()
        if version != latest:
            raise TransferRefused(f"the {name} is at schema version {version}, this bot at {latest}")
    seeded = await _seeded()
    tables = await _tables(source)
    plan: list[tuple[str, list[str], bool]] = []
    for table in tables:
        count = int(await target.fetch_value(f"SELECT COUNT(*) FROM {table}"))
        if count != seeded.get(table, 0):
            raise TransferRefused(f"the target is not empty: table {table} has {count} row(s)")
        source_columns = await _columns(source, table)
        target_columns = await _columns(target, table)
        with_rowid = "rowid" in target_columns and "rowid" not in source_columns
        if sorted(source_columns + (["rowid"] if with_rowid else [])) != sorted(target_columns):
            raise TransferRefused(f"table {table} has other columns in the target")
        plan.append((table, source_columns, with_rowid))
    async with source.transaction() as read, target.transaction() as write:
        await write.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, columns, with_rowid in plan:
            names = (["rowid"] if with_rowid else []) + columns
            listed = ", ".join(names)
            if seeded.get(table):
                await write.execute(f"DELETE FROM {table}")
            rows = list(await read.execute_fetchall(f"SELECT {listed} FROM {table}"))
            insert = f"INSERT INTO {table} ({listed}) VALUES ({', '.join('?' * len(names))})"
            for start in range(0, len(rows), BATCH):
                await write.executemany(insert, [tuple(r) for r in rows[start : start + BATCH]])
            key = "rowid" if with_rowid else await _identity(target, table)
            if key is not None:
                await write.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), "
                    f"COALESCE((SELECT MAX({key}) FROM {table}), 0) + 1, false)"
                )
        # Verified before the commit: a copy that differs is rolled back.
        return [await _verify(read, write, table, columns, with_rowid) for table, columns, with_rowid in plan]


async def _identity(target: Database, table: str) -> str | None:
    value = await target.fetch_value(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ? AND is_identity = 'YES'",
        (table,),
    )
    return None if value is None else str(value)


async def _verify(read: Any, write: Any, table: str, columns: list[str], rowid: bool) -> TableCopy:
    listed = ", ".join((["rowid"] if rowid else []) + columns)
    mine = list(await read.execute_fetchall(f"SELECT {listed} FROM {table}"))
    theirs = list(await write.execute_fetchall(f"SELECT {listed} FROM {table}"))
    if len(mine) != len(theirs):
        raise RuntimeError(f"table {table}: {len(mine)} row(s) in the source, {len(theirs)} copied")
    expected, copied = checksum(mine), checksum(theirs)
    if expected != copied:
        raise RuntimeError(f"table {table}: the copy's checksum differs from the source's")
    return TableCopy(table, len(mine), expected)
