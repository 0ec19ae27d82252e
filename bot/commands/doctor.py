"""`python -m bot doctor`: check configuration, database, channels, scheduler and outbox; say what to fix."""

from __future__ import annotations

import argparse
import asyncio

from bot.config import load_dotenv_if_present


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor", help="check this deployment and say what to fix (exit 1 on a problem)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.channels.telegram import health as telegram
    from bot.runtime.doctor import Level, diagnose, render

    load_dotenv_if_present()
    findings = asyncio.run(diagnose(channel_checks={"telegram": telegram.check}))
    print(render(findings))
    return 1 if any(f.level is Level.PROBLEM for f in findings) else 0
