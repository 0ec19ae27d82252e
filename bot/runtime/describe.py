"""How an input is named in logs and error reports: ids only, never what people wrote or their names."""

from __future__ import annotations

from bot.conversation.inputs import Input


def describe(inp: Input) -> str:
    """'update 42 on telegram (text, chat 4001)'."""
    kind = type(inp.event).__name__.lower()
    return f"update {inp.id or '-'} on {inp.channel} ({kind}, chat {inp.sender.chat_id})"
