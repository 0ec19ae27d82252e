"""Run the real bot (`python -m bot run`) for a benchmark, with Telegram's send-rate limiter lifted.

In production `AIORateLimiter(overall_max_rate=28)` keeps every chat-bound call under Telegram's
~30 messages per second, so a burst of 2000 replies is paced at 28/s by design. The benchmarks compare
our handlers and database with a bare echo bot that has no limiter, so they lift that ceiling (the
limiter's code still runs); everything else is exactly `python -m bot run`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bot.app

UNLIMITED = 1_000_000


def main() -> int:
    """`python bench/our_bot.py [--concurrency N]` (N: the update processor's slots; default the bot's
    own)."""
    bot.app.OVERALL_MAX_RATE = UNLIMITED
    bot.app.GROUP_MAX_RATE = UNLIMITED
    if "--concurrency" in sys.argv:
        slots = int(sys.argv[sys.argv.index("--concurrency") + 1])
        build = bot.app.build_application

        def build_with_slots(settings, **kwargs):
            return build(settings.with_changes(concurrent_updates=slots), **kwargs)

        bot.app.build_application = build_with_slots
    from bot.__main__ import main as bot_main

    return bot_main(["run"])


if __name__ == "__main__":
    raise SystemExit(main())
