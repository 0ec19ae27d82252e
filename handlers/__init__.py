"""Telegram adapters, one module per feature; the order of FEATURES is the order of precedence."""

from __future__ import annotations

import warnings
from types import ModuleType

from telegram.ext import Application

from handlers import (
    approvals,
    attendance,
    broadcasts,
    common,
    errors,
    fallback,
    faq,
    onboarding,
    reports,
    seminars,
    summary,
)
from handlers.registry import CommandSpec, MenuEntry

FEATURES: tuple[ModuleType, ...] = (
    common,
    onboarding,
    approvals,
    attendance,
    reports,
    seminars,
    broadcasts,
    summary,
    faq,
)
LAST: tuple[ModuleType, ...] = (fallback,)


def register_all(app: Application) -> None:
    """Register every feature, then the late handlers and the error handler."""
    app.bot_data["menu_entries"] = menu_entries()
    with warnings.catch_warnings():
        # Expected: our conversations are per chat and also take button presses (see docs/DEVELOPING.md).
        warnings.filterwarnings("ignore", message=".*per_message=False.*CallbackQueryHandler.*")
        for module in FEATURES:
            module.register(app)
    common.register_late(app)
    faq.register_late(app)
    for module in LAST:
        module.register(app)
    app.add_error_handler(errors.on_error)


def command_specs() -> list[CommandSpec]:
    """Every feature's commands, in feature order."""
    return [spec for module in FEATURES for spec in getattr(module, "COMMANDS", ())]


def menu_entries() -> list[MenuEntry]:
    return sorted((e for module in FEATURES for e in getattr(module, "MENU", ())), key=lambda e: e.order)
