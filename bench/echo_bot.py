"""The baseline: a bare python-telegram-bot echo bot, run as its own process by the benchmarks.

    TELEGRAM_BOT_TOKEN=… TELEGRAM_API_URL=http://127.0.0.1:P/bot python bench/echo_bot.py [--mode seq|perchat]

`seq` is PTB's default (one update at a time); `perchat` uses the bot's own PerChatUpdateProcessor,
so the benchmark isolates what the update processor buys.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=("seq", "perchat"), default="seq")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    from telegram import Update
    from telegram.ext import ApplicationBuilder, MessageHandler, filters

    async def echo(update: Update, _context: object) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    api_url = os.environ["TELEGRAM_API_URL"]
    builder = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(api_url)
        .base_file_url(api_url.rstrip("/").removesuffix("/bot") + "/file/bot")
    )
    if args.mode == "perchat":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from bot.channels.telegram.updates import PerChatUpdateProcessor

        builder = builder.concurrent_updates(PerChatUpdateProcessor(args.concurrency))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0, timeout=10, allowed_updates=[Update.MESSAGE])


if __name__ == "__main__":
    main()
