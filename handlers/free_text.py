"""Free text typed in a dialog step (a title, a venue, an agenda, a note): cleaned, kept within a limit and
stored in the dialog's data before the dialog goes on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.conversation.router import Step
from bot.conversation.turn import Turn
from bot.core.parsing import ParseError, limit_text

Next = Callable[[Turn], Awaitable[None]]


def typed_text(turn: Turn, limit: int, refusal: str) -> str | None:
    """What the person typed (bot.core.parsing.limit_text), or None after answering `refusal` (a msgid with
    `{limit}`) when it is empty or longer than `limit` characters."""
    text = limit_text(turn.text, limit)
    if isinstance(text, ParseError):
        turn.reply(turn.t.gettext(refusal).format(limit=limit))
        return None
    return text


def text_step(key: str, limit: int, refusal: str, then: Next) -> Step:
    """A step that keeps the typed text under `key` in the dialog's data, then asks the next question."""

    async def received(turn: Turn) -> None:
        text = typed_text(turn, limit, refusal)
        if text is not None:
            turn.update(**{key: text})
            await then(turn)

    return Step(text=received)
