"""Dialog steps that take typed text (a title, a venue, an agenda, a note: cleaned, kept within a limit and
stored in the dialog's data before the dialog goes on), the Skip of optional steps, and the answer to text
typed where buttons are expected."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

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


def skipping(nexts: Mapping[str, Next]) -> Callable[[Turn, Any], Awaitable[None]]:
    """The Skip choice under optional steps (its token's `what` names the step): the step stays unanswered
    and `nexts[step]` asks the next question; stale when the dialog has moved on."""

    async def skipped(turn: Turn, press: Any) -> None:
        if turn.step != press.what:
            turn.stale()
            return
        turn.clear_choices()
        await nexts[press.what](turn)

    return skipped


async def use_the_buttons(turn: Turn) -> None:
    """Text typed while the step waits for a press."""
    turn.reply(turn.t.gettext("Please use the buttons above, or send /cancel to stop."))
