"""`python -m bot migrate-db --to postgresql://…`: move the SQLite database (DATABASE_PATH) to PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.commands._common import settings_or_exit
from storage.db import Database
from storage.migrate import apply_migrations
from storage.transfer import TransferRefused, copy_to_postgres


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "migrate-db",
        help="copy the SQLite database into an empty PostgreSQL database and verify the copy",
    )
    parser.add_argument("--to", required=True, metavar="URL", help="the PostgreSQL database, postgresql://…")
    parser.add_argument("--database", help="SQLite file (default: DATABASE_PATH)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(require_token=False)
    if not args.to.startswith(("postgresql://", "postgres://")):
        print("--to must be a PostgreSQL URL, postgresql://…", file=sys.stderr)
        return 2
    source = Path(args.database) if args.database else settings.database_path
    if not source.is_file():
        print(f"No database at {source}.", file=sys.stderr)
        return 1
    return asyncio.run(_migrate_db(source, args.to))


async def _migrate_db(source_path: Path, url: str) -> int:
    async with (
        Database.opened(source_path, migrate=False) as source,
        Database.opened(url, migrate=False) as target,
    ):
        try:
            await apply_migrations(target)
            copied = await copy_to_postgres(source, target)
        except TransferRefused as exc:
            print(f"Nothing copied: {exc}.", file=sys.stderr)
            return 1
    for table in copied:
        print(f"{table.table:<28} {table.rows:>8} rows  sha256 {table.checksum[:16]}  ok")
    total = sum(t.rows for t in copied)
    print(f"Copied {total} rows in {len(copied)} tables from {source_path}; counts and checksums match.")
    print("Set DATABASE_URL to the new database and start the bot.")
    return 0
