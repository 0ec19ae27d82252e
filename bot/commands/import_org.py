"""`python -m bot import-org FILE`: load wards and chapters from a CSV, all or nothing."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.clock import SystemClock
from bot.commands._common import database_path, settings_or_exit
from bot.core.org import parse_org_csv
from storage.db import Database
from storage.org import SqliteOrg


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import-org", help="import wards and chapters from a UTF-8 CSV (ward,chapter[,kind])"
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--database", help="SQLite file (default: DATABASE_PATH)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(require_token=False)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"Cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    parsed = parse_org_csv(data)
    if not parsed.ok:
        print(f"{args.file} was not imported; nothing changed. Problems:", file=sys.stderr)
        for problem in parsed.problems:
            print(f"  line {problem.line}: {problem.message}", file=sys.stderr)
        return 1
    return asyncio.run(_import(database_path(args.database, settings), parsed.rows))


async def _import(path: Path, rows: tuple) -> int:
    async with Database.opened(path) as db:
        org = SqliteOrg(db)
        report = await org.import_rows(rows, now=SystemClock().now())
        wards, chapters = await org.counts()
    print(
        f"Imported: {report.wards_added} wards and {report.chapters_added} chapters added, "
        f"{report.reactivated} reactivated, {report.deactivated} marked inactive. "
        f"Now active: {wards} wards, {chapters} chapters."
    )
    return 0
