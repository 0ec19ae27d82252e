"""Forward-only numbered migrations tracked by PRAGMA user_version (on PostgreSQL, table schema_version)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.db import Database

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class UnsupportedDatabaseVersion(RuntimeError):
    """The database was written by a newer version of the bot."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """Every packaged migration, in order; numbers must run 1, 2, 3… without gaps."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(
                f"migration numbers must be contiguous: expected {expected:04d}, found {migration.name}"
            )
    return found


async def current_version(db: Database) -> int:
    """The schema version stored in the database file."""
    return await db.schema_version()


async def apply_migrations(db: Database, *, target: int | None = None) -> list[str]:
    """Apply pending migrations, each in its own transaction; return their names."""
    migrations = available_migrations()
    latest = migrations[-1].version if migrations else 0
    version = await current_version(db)
    if version > latest:
        raise UnsupportedDatabaseVersion(
            f"database {db.target} is at schema version {version}, newer than this bot knows ({latest}); "
            "upgrade the bot instead of downgrading the data."
        )
    applied = []
    for migration in migrations:
        if migration.version <= version or (target is not None and migration.version > target):
            continue
        async with db.transaction() as conn:
            if await current_version(db) >= migration.version:
                continue  # another replica, starting at the same time, applied it meanwhile
            for statement in statements(migration.sql):
                translated = db.migration_statement(statement)
                if translated is not None:
                    await conn.execute(translated)
            await db.set_schema_version(conn, migration.version)
        applied.append(migration.name)
    return applied


def statements(sql: str) -> list[str]:
    """Split a migration script into statements (no semicolons inside our literals)."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
