"""Free text typed in a dialog step (a title, a venue, an agenda, a note): cleaned and kept within a limit."""

from __future__ import annotations

from bot.conversation.turn import Turn
from bot.core.parsing import ParseError, limit_text


def typed_text(turn: Turn, limit: int, refusal: str) -> str | None:
    """What the person typed (bot.core.parsing.limit_text), or None after answering `refusal` (a msgid with
    `{limit}`) when it is empty or longer than `limit` characters."""
    text = limit_text(turn.text, limit)
    if isinstance(text, ParseError):
        turn.reply(turn.t.gettext(refusal).format(limit=limit))
        return None
    return text
