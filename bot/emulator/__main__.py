"""Run the emulator on its own: python -m bot.emulator --port 8081 [--rate-limits] [--latency-ms 20]."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from bot.emulator.server import BotApiEmulator


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8081)
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
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with emulator:
        print(f"Bot API emulator on {emulator.origin} (base_url {emulator.base_url})", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
