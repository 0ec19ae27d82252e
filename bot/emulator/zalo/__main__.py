"""Run the Zalo emulator on its own: python -m bot.emulator.zalo --port 8082 [--latency-ms 20]."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from bot.emulator.zalo.server import ZaloEmulator


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.emulator.zalo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8082)
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
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with emulator:
        print(
            f"Zalo Bot Platform emulator on {emulator.origin} (ZALO_API_URL={emulator.base_url})", flush=True
        )
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
