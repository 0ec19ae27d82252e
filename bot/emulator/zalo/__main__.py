"""Run the Zalo emulator on its own: python -m bot.emulator.zalo --port 8082 [--latency-ms 20]."""

from __future__ import annotations

import argparse
import asyncio

from bot.emulator.common import argument_parser, serve
from bot.emulator.zalo.server import ZaloEmulator


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argument_parser("python -m bot.emulator.zalo", __doc__, 8082)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every call but getUpdates")
    parser.add_argument("--rate-limit", type=float, default=0.0, help="calls per second before 429 (0: none)")
    parser.add_argument(
        "--strict-params", action="store_true", help="refuse parameters the docs do not list (400)"
    )
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    emulator = ZaloEmulator(
        host=args.host,
        port=args.port,
        latency_ms=args.latency_ms,
        rate_limit_per_s=args.rate_limit,
        strict_params=args.strict_params,
    )
    await serve(emulator, "Zalo Bot Platform emulator on {origin} (ZALO_API_URL={base_url})")


def main(argv: list[str] | None = None) -> None:
    asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
