"""Telegram updates as neutral inputs."""

from __future__ import annotations

from telegram import Message, MessageEntity, Update

from bot.conversation.inputs import (
    Chose,
    Command,
    Event,
    Input,
    Sender,
    SharedContact,
    SharedFile,
    Text,
    Unsupported,
)
from bot.conversation.tokens import Token

CHANNEL = "telegram"


def to_input(update: Update) -> Input | None:
    """The person's action in this update, or None for what the bot ignores (bots, edits, channel posts)."""
    user = update.effective_user
    if user is None or user.is_bot:
        return None
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        chat_id = str(message.chat.id) if message is not None else str(user.id)
        origin = str(message.message_id) if message is not None else None
        event: Event = Chose(Token.parse(query.data), query.data or "", origin)
        private = message is None or message.chat.type == "private"
    elif update.message is not None:
        message = update.message
        chat_id, private = str(message.chat.id), message.chat.type == "private"
        event = _message_event(message, user.id)
    else:
        return None
    sender = Sender(CHANNEL, str(user.id), chat_id, user.full_name, user.username, private)
    return Input(sender, event, str(update.update_id))


def _message_event(message: Message, user_id: int) -> Event:
    if message.text is not None:
        entity = message.entities[0] if message.entities else None
        if entity is not None and entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            word = message.text[1 : entity.length]
            return Command(word.split("@", 1)[0].lower(), message.text[entity.length :].strip())
        replied = message.reply_to_message
        return Text(message.text, message.text_html, str(replied.message_id) if replied is not None else None)
    if message.contact is not None:
        return SharedContact(message.contact.phone_number, own=message.contact.user_id in (None, user_id))
    if message.photo:
        return SharedFile(
            message.photo[-1].file_id,
            image=True,
            caption=message.caption,
            caption_markup=message.caption_html,
        )
    if message.document is not None:
        document = message.document
        return SharedFile(
            document.file_id,
            image=False,
            filename=document.file_name,
            mime_type=document.mime_type,
            caption=message.caption,
            caption_markup=message.caption_html,
        )
    return Unsupported(_kind(message))


def _kind(message: Message) -> str:
    for kind in ("sticker", "voice", "video", "audio", "location", "animation", "video_note", "poll"):
        if getattr(message, kind, None):
            return kind
    return "other"
