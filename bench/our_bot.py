"""Run the real bot (`python -m bot run`) for a benchmark, with Telegram's send-rate ceiling lifted.

In production the Telegram channel paces everything it sends at 28 messages a second (Telegram's limit is
about 30), so a burst of 2000 replies is paced at 28/s by design. The benchmarks compare our flows and
database with a bare echo bot that has no limiter, so they lift that ceiling (the pacer's code still runs);
everything else is exactly `python -m bot run`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.channels.telegram.channel import TelegramChannel  # noqa: E402

UNLIMITED = 1_000_000


def lift_writer_lock() -> None:
    """Diagnostic only (bench_replicas): PostgreSQL transactions without the writer lock, to measure what
    serialising every transaction across replicas costs. Unsafe for real use: the storage code relies on
    the lock."""
    from storage.postgres import PostgresDatabase

    async def begin(self: PostgresDatabase, raw: Any, *, reads_first: bool) -> None:
        await raw.execute("BEGIN")

    PostgresDatabase._begin = begin  # type: ignore[method-assign]


def main() -> int:
    """`python bench/our_bot.py [--concurrency N] [--http CLIENT] [--no-writer-lock]`: update slots, HTTP
    client, PostgreSQL transactions without the writer lock (a diagnostic)."""
    TelegramChannel.send_rate = UNLIMITED
    if "--no-writer-lock" in sys.argv:
        lift_writer_lock()
    changes: dict[str, object] = {}
    if "--concurrency" in sys.argv:
        changes["concurrent_updates"] = int(sys.argv[sys.argv.index("--concurrency") + 1])
    if "--http" in sys.argv:
        changes["http_client"] = sys.argv[sys.argv.index("--http") + 1]
    if changes:
        import bot.config

        original = bot.config.Settings.from_env.__func__  # type: ignore[attr-defined]

        def from_env(cls, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            return original(cls, *args, **kwargs).with_changes(**changes)

        bot.config.Settings.from_env = classmethod(from_env)  # type: ignore[method-assign]
    from bot.__main__ import main as bot_main

    return bot_main(["run"])


if __name__ == "__main__":
    raise SystemExit(main())
