"""The persistent menu of large buttons, built from every feature's MenuEntry."""

from __future__ import annotations

import re

from telegram import KeyboardButton, ReplyKeyboardMarkup
from telegram.ext import Application, filters

from bot.core.models import Member
from bot.core.permissions import can
from bot.i18n import SUPPORTED_LOCALES, I18n, Translator
from handlers.registry import MenuEntry

ROW_WIDTH = 2


def main_menu(entries: list[MenuEntry], member: Member | None, t: Translator) -> ReplyKeyboardMarkup:
    """The buttons this member may use, two per row, in the member's language."""
    allowed = sorted((e for e in entries if e.action is None or can(member, e.action)), key=lambda e: e.order)
    labels = [KeyboardButton(t.gettext(e.label)) for e in allowed]
    rows = [labels[i : i + ROW_WIDTH] for i in range(0, len(labels), ROW_WIDTH)]
    return ReplyKeyboardMarkup(
        rows,
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=t.gettext("Choose an action or type a question"),
    )


def menu_filter(app: Application, label: str) -> filters.BaseFilter:
    """Matches a menu button's text in any supported language."""
    i18n: I18n = app.bot_data["i18n"]
    texts = {i18n.translator(locale).gettext(label) for locale in SUPPORTED_LOCALES}
    return filters.Regex("^(" + "|".join(re.escape(text) for text in sorted(texts)) + ")$")
