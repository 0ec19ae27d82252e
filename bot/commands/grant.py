"""`python -m bot grant TELEGRAM_ID ROLE`: give a Telegram account a role."""

from __future__ import annotations

import argparse
import asyncio

from bot.clock import SystemClock
from bot.commands._common import database_path, settings_or_exit
from bot.core.members import MemberService
from bot.core.models import Role
from storage.db import Database
from storage.members import SqliteMembers
from storage.org import SqliteOrg


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("grant", help="give a Telegram user id a role")
    parser.add_argument("telegram_id", type=int)
    parser.add_argument("role", choices=[r.value for r in Role])
    parser.add_argument("--database", help="SQLite file (default: DATABASE_PATH)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(require_token=False)
    return asyncio.run(_grant(database_path(args.database, settings), str(args.telegram_id), Role(args.role)))


async def _grant(path, external_id: str, role: Role) -> int:
    db = await Database.open(path)
    try:
        service = MemberService(SqliteMembers(db), SqliteOrg(db), SystemClock())
        member = await service.grant(external_id, role)
    finally:
        await db.close()
    print(f"Telegram user {external_id} (member #{member.id}) is now an active {role.value}.")
    return 0
