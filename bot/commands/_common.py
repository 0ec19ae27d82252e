"""Helpers shared by the command-line subcommands."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_dotenv_if_present


def settings_or_exit(*, require_token: bool) -> Settings:
    """Settings from the environment, or a clear message and exit code 2."""
    load_dotenv_if_present()
    try:
        return Settings.from_env(require_token=require_token)
    except ConfigError as exc:
        print(f"Cấu hình chưa đúng — Configuration problem:\n{exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def database_path(override: str | None, settings: Settings) -> str | Path:
    """The database a command works on: --database (a file or a postgresql:// URL), else the configured."""
    if override:
        return override if override.startswith(("postgresql://", "postgres://")) else Path(override)
    return settings.database
