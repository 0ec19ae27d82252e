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

import bot.app  # noqa: E402

UNLIMITED = 1_000_000


def main() -> int:
    bot.app.OVERALL_MAX_RATE = UNLIMITED
    bot.app.GROUP_MAX_RATE = UNLIMITED
    from bot.__main__ import main as bot_main

    return bot_main(["run"])


if __name__ == "__main__":
    raise SystemExit(main())
