"""`python -m bot [command]`: run the bot (default), or one of the maintenance commands."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import bot.commands


def build_parser() -> argparse.ArgumentParser:
    """Every module in bot/commands with add_parser() becomes a subcommand."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Khuyến học Bot")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(bot.commands.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bot.commands.{info.name}")
        if hasattr(module, "add_parser"):
            module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        args = parser.parse_args(["run"])
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
