"""Run the Zalo emulator on its own: python -m bot.emulator.zalo --port 8082 [--latency-ms 20]."""

from __future__ import annotations

from bot.emulator.common import argument_parser, run_command_line
from bot.emulator.zalo.server import ZaloEmulator


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser("python -m bot.emulator.zalo", __doc__, 8082)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every call but getUpdates")
    parser.add_argument(
        "--rate-limit",
        dest="rate_limit_per_s",
        type=float,
        default=0.0,
        help="calls per second before 429 (0: none)",
    )
    parser.add_argument(
        "--strict-params", action="store_true", help="refuse parameters the docs do not list (400)"
    )
    banner = "Zalo Bot Platform emulator on {origin} (ZALO_API_URL={base_url})"
    run_command_line(ZaloEmulator, parser, argv, banner)


if __name__ == "__main__":
    main()
