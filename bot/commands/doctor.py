"""`python -m bot doctor`: check configuration, database, channels, scheduler and outbox; say what to fix."""

from __future__ import annotations

import argparse
import asyncio
import os

from bot.config import load_dotenv_if_present

SECRET_VARIABLES = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "ZALO_BOT_TOKEN", "ZALO_WEBHOOK_SECRET")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor", help="check this deployment and say what to fix (exit 1 on a problem)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot import logs
    from bot.channels.telegram import health as telegram
    from bot.runtime.doctor import Level, diagnose, render, zalo_check

    load_dotenv_if_present()
    secrets = [os.environ.get(name, "").strip() for name in SECRET_VARIABLES]
    logs.configure("ERROR", secrets=secrets)  # the libraries stay quiet; whatever is printed is masked
    findings = asyncio.run(diagnose(channel_checks={"telegram": telegram.check, "zalo": zalo_check}))
    print(render(findings))
    return 1 if any(f.level is Level.PROBLEM for f in findings) else 0
