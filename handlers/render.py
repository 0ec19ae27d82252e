"""Small rendering helpers shared by the Telegram adapters."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.core.models import MemberStatus, Role
from bot.i18n import Translator
from handlers.registry import N_

ROLE_LABELS = {
    Role.ADMIN: N_("District admin"),
    Role.ORGANISER: N_("Organiser"),
    Role.WARD_LEAD: N_("Ward lead"),
    Role.CADRE: N_("Chapter cadre"),
}
STATUS_LABELS = {
    MemberStatus.VISITOR: N_("not registered"),
    MemberStatus.PENDING: N_("waiting for approval"),
    MemberStatus.ACTIVE: N_("active"),
    MemberStatus.REJECTED: N_("not approved"),
    MemberStatus.INACTIVE: N_("inactive"),
}
MAX_MESSAGE = 4096


def esc(value: object) -> str:
    """HTML-escape user data before it goes into a parse_mode=HTML message."""
    return html.escape(str(value), quote=False)


def role_label(t: Translator, role: Role | None) -> str:
    return t.gettext(ROLE_LABELS[role]) if role else t.gettext("no role")


def status_label(t: Translator, status: MemberStatus) -> str:
    return t.gettext(STATUS_LABELS[status])


def buttons(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Inline keyboard from rows of (label, callback_data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


def grid(items: list[tuple[str, str]], width: int = 2) -> list[list[tuple[str, str]]]:
    """Lay (label, data) pairs out in rows of `width`."""
    return [items[i : i + width] for i in range(0, len(items), width)]


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split long text at line breaks so each part fits one Telegram message."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts


async def answer_stale(update: Update, t: Translator) -> None:
    """A button that no longer means anything (old, forged, or someone else's)."""
    if update.callback_query is not None:
        await update.callback_query.answer(t.gettext("This button is no longer valid."), show_alert=True)
