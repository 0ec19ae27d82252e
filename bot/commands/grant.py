"""`python -m bot grant ACCOUNT ROLE`: give a Telegram or Zalo account a role.

ACCOUNT is a Telegram user id (`123456789`), or a Zalo user id written `zalo:<id>` (or with `--channel zalo`),
the same forms ADMIN_IDS accepts.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from pathlib import Path

from bot.clock import SystemClock
from bot.commands._common import database_path, settings_or_exit
from bot.core.members import MemberService
from bot.core.models import Role
from bot.views.labels import CHANNEL_NAMES
from storage.db import Database
from storage.members import SqliteMembers
from storage.org import SqliteOrg

_ACCOUNT_SHAPE = {"telegram": re.compile(r"^\d{1,20}$"), "zalo": re.compile(r"^[0-9A-Za-z_-]{1,64}$")}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("grant", help="give a Telegram user id (or zalo:<id>) a role")
    parser.add_argument("account", help="Telegram user id, or zalo:<Zalo user id>")
    parser.add_argument("role", choices=[r.value for r in Role])
    parser.add_argument(
        "--channel", choices=sorted(CHANNEL_NAMES), help="the account's app (default: telegram)"
    )
    parser.add_argument("--database", help="SQLite file (default: DATABASE_PATH)")
    parser.set_defaults(func=run)


def parse_account(account: str, channel: str | None) -> tuple[str, str] | None:
    """(channel, external id) from `123`, `zalo:abc` or an id with --channel; None when malformed."""
    prefix, colon, rest = account.partition(":")
    if colon and prefix in CHANNEL_NAMES:
        if channel is not None and channel != prefix:
            return None
        channel, account = prefix, rest
    channel = channel or "telegram"
    return (channel, account) if _ACCOUNT_SHAPE[channel].match(account) else None


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(require_token=False)
    parsed = parse_account(args.account.strip(), args.channel)
    if parsed is None:
        print(
            "Tài khoản không hợp lệ: dùng số Telegram (123456789) hoặc zalo:<mã Zalo>.\n"
            "Invalid account: use a Telegram user id (123456789) or zalo:<Zalo user id>."
        )
        return 2
    channel, external_id = parsed
    return asyncio.run(_grant(database_path(args.database, settings), channel, external_id, Role(args.role)))


async def _grant(path: Path, channel: str, external_id: str, role: Role) -> int:
    async with Database.opened(path) as db:
        service = MemberService(SqliteMembers(db), SqliteOrg(db), SystemClock())
        member = await service.grant(external_id, role, channel=channel)
    print(f"{CHANNEL_NAMES[channel]} user {external_id} (member #{member.id}) is now an active {role.value}.")
    return 0
