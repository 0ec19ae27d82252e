"""`python -m bot backup PATH`: a consistent copy of the live database (SQLite backup API)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.commands._common import database_path, settings_or_exit
from storage.db import Database


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("backup", help="online backup of the database, safe while the bot runs")
    parser.add_argument("path", type=Path)
    parser.add_argument("--database", help="SQLite file (default: DATABASE_PATH)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(require_token=False)
    source = database_path(args.database, settings)
    if not isinstance(source, Path):
        print("The database is in PostgreSQL (DATABASE_URL): back it up with pg_dump.", file=sys.stderr)
        return 1
    if not source.is_file():
        print(f"No database at {source}.", file=sys.stderr)
        return 1
    if args.path.resolve() == source.resolve():
        print("The backup must go to another file.", file=sys.stderr)
        return 1
    return asyncio.run(_backup(source, args.path))


async def _backup(source: Path, target: Path) -> int:
    async with Database.opened(source, migrate=False) as db:
        await db.backup_to(target)
    async with Database.opened(target, migrate=False) as copy:
        check = await copy.fetch_value("PRAGMA integrity_check")
    if check != "ok":
        print(f"The copy at {target} failed the integrity check: {check}", file=sys.stderr)
        return 1
    print(f"Backed up {source} to {target} (integrity ok).")
    return 0
