"""Neutral replies as Telegram markup: choices become inline buttons, suggestions a reply keyboard."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.conversation.replies import Choice, ContactRequest, Reply

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def reply_markup(reply: Reply) -> Markup | None:
    """One Telegram markup per message: inline choices first, else the suggested keys, else removing keys."""
    if reply.choices:
        return inline_markup(reply)
    if reply.suggestions is not None:
        keys = reply.suggestions
        return ReplyKeyboardMarkup(
            [[_key(k) for k in row] for row in keys.rows],
            resize_keyboard=True,
            one_time_keyboard=keys.one_time and not keys.persistent,
            is_persistent=True if keys.persistent else None,
            input_field_placeholder=keys.placeholder,
        )
    if reply.remove_keys:
        return ReplyKeyboardRemove()
    return None


def inline_markup(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's choices as inline buttons (None without choices)."""
    if not reply.choices:
        return None
    return InlineKeyboardMarkup([[_button(c) for c in row] for row in reply.choices])


def _button(choice: Choice) -> InlineKeyboardButton:
    if choice.url is not None:
        return InlineKeyboardButton(choice.label, url=choice.url)
    assert choice.token is not None
    return InlineKeyboardButton(choice.label, callback_data=choice.token.encode())


def _key(key: str | ContactRequest) -> KeyboardButton:
    if isinstance(key, ContactRequest):
        return KeyboardButton(key.label, request_contact=True)
    return KeyboardButton(key)
