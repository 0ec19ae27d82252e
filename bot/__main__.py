"""`python -m bot [command]`: run the bot (default), or one of the maintenance commands."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import bot.commands


def command_modules() -> list[str]:
    """The modules of bot/commands, one a command (`migrate_db` is `migrate-db`)."""
    names = (info.name for info in pkgutil.iter_modules(bot.commands.__path__))
    return sorted(name for name in names if not name.startswith("_"))


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Every module in bot/commands with add_parser() becomes a subcommand; with `only`, just that module's
    (each command imports what it needs: a start that loads all of them costs a bot process ~0.3 s of CPU)."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Khuyến học Bot")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_modules():
        if only is None or name == only:
            module = importlib.import_module(f"bot.commands.{name}")
            if hasattr(module, "add_parser"):
                module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    name = (argv[0] if argv else "run").replace("-", "_")  # an option such as --help names no module
    parser = build_parser(name if name in command_modules() else None)
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["run"])
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
