"""Run the emulator on its own: python -m bot.emulator --port 8081 [--rate-limits] [--latency-ms 20]."""

from __future__ import annotations

from bot.emulator.common import argument_parser, run_command_line
from bot.emulator.server import BotApiEmulator


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser("python -m bot.emulator", __doc__, 8081)
    parser.add_argument("--rate-limits", action="store_true", help="answer 429 like Telegram's flood limits")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every call but getUpdates")
    parser.add_argument("--strict-chats", action="store_true", help="unknown chats answer 'chat not found'")
    run_command_line(BotApiEmulator, parser, argv, "Bot API emulator on {origin} (base_url {base_url})")


if __name__ == "__main__":
    main()
