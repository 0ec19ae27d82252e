"""`python -m bot run`: long polling against the configured Bot API (the default command)."""

from __future__ import annotations

import argparse
import logging

from bot.commands._common import settings_or_exit


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="run the bot (long polling); without a token, start the sandbox"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(require_token=False)
    if settings.bot_token is None:
        from bot.commands import sandbox

        print("TELEGRAM_BOT_TOKEN is not set: starting the local sandbox instead (no Telegram, no internet).")
        return sandbox.run(sandbox.default_args())
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from bot.app import ALLOWED_UPDATES, build_application

    app = build_application(settings)
    app.run_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=0, timeout=10)
    return 0
