"""The reply to a FAQ result as light markup (<b>, <i>, plain text): what `python -m bot ask` prints and what
a chat adapter may show. The chat layer may lay it out differently (buttons for suggestions, "Xem thêm")."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.faq.model import FaqAnswer
from bot.core.faq.texts import small_talk_text

Gettext = Callable[[str], str]


def render(result: FaqAnswer, gettext: Gettext, *, long: bool = False) -> str:
    """The reply in light markup, translated with `gettext` (the translator of `result.language`).

    An answer ends with its source on one line; a two-question answer numbers both answers; `long` gives the
    long version ("Xem thêm") where there is one.
    """
    _ = gettext
    if result.kind == "small_talk":
        return small_talk_text(result.small_talk or "help", gettext)
    if result.entry is not None:
        body = result.long_text() if long else result.text()
        parts = [body, "<i>" + _("Source: {source}").format(source=result.entry.source) + "</i>"]
        if result.kind == "unconfirmed":
            parts.append(
                _("There is no confirmed answer to this yet. I can send your question to the organisers.")
            )
        return "\n\n".join(parts)
    if result.suggestions:
        titles = [f"• {entry.title_for(result.language)}" for entry in result.suggestions]
        return "\n".join([_("Did you mean…"), *titles])
    return _("Sorry, there is no answer to this question yet. I can send it to the organisers.")
