"""Run the emulator on its own: python -m bot.emulator --port 8081 [--rate-limits] [--latency-ms 20]."""

from __future__ import annotations

import argparse
import asyncio

from bot.emulator.common import argument_parser, serve
from bot.emulator.server import BotApiEmulator


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argument_parser("python -m bot.emulator", __doc__, 8081)
    parser.add_argument("--rate-limits", action="store_true", help="answer 429 like Telegram's flood limits")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every call but getUpdates")
    parser.add_argument("--strict-chats", action="store_true", help="unknown chats answer 'chat not found'")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    emulator = BotApiEmulator(
        host=args.host,
        port=args.port,
        rate_limits=args.rate_limits,
        latency_ms=args.latency_ms,
        strict_chats=args.strict_chats,
    )
    await serve(emulator, "Bot API emulator on {origin} (base_url {base_url})")


def main(argv: list[str] | None = None) -> None:
    asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
