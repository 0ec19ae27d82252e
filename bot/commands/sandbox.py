"""`python -m bot sandbox`: try the whole bot in a browser, with no token and no internet."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from bot.commands._common import settings_or_exit

DEFAULT_PORT = 8080
DEFAULT_DATABASE = Path("data") / "sandbox.db"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sandbox", help="local sandbox: Bot API emulator, the bot and a web chat page"
    )
    _add_arguments(parser)
    parser.set_defaults(func=run)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    port = int(os.environ.get("SANDBOX_PORT", "") or DEFAULT_PORT)
    database = Path(os.environ.get("SANDBOX_DATABASE", "") or DEFAULT_DATABASE)
    parser.add_argument(
        "--port",
        type=int,
        default=port,
        help=f"web page port (default $SANDBOX_PORT or {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=database,
        help=f"the sandbox's own SQLite file (default $SANDBOX_DATABASE or {DEFAULT_DATABASE})",
    )
    parser.add_argument("--reset", action="store_true", help="start again from fresh demo data")


def default_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    _add_arguments(parser)
    return parser.parse_args([])


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(require_token=False)
    database = Path(args.database)
    if database.resolve() == settings.database_path.resolve():
        print(
            f"The sandbox never uses the production database ({settings.database_path}); "
            "choose another --database.",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from bot.sandbox.runner import SandboxOptions, serve

    try:
        asyncio.run(serve(SandboxOptions(args.port, database, args.reset), settings))
    except OSError as exc:
        print(
            f"Could not start the sandbox on 127.0.0.1:{args.port}: {exc.strerror}. Try --port.",
            file=sys.stderr,
        )
        return 1
    return 0
