"""`python -m bot migrate`: bring the database schema up to date."""

from __future__ import annotations

import argparse
import asyncio

from bot.commands._common import database_path, settings_or_exit
from storage.db import Database
from storage.migrate import apply_migrations, current_version


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("migrate", help="apply pending database migrations")
    parser.add_argument("--database", help="SQLite file (default: DATABASE_PATH)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(require_token=False)
    return asyncio.run(_migrate(database_path(args.database, settings)))


async def _migrate(path) -> int:
    async with Database.opened(path, migrate=False) as db:
        applied = await apply_migrations(db)
        version = await current_version(db)
    print(
        f"Applied {len(applied)} migration(s){': ' + ', '.join(applied) if applied else ''}. "
        f"Schema version {version}."
    )
    return 0
