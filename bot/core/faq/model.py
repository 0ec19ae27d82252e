"""Knowledge-base records: topics, entries and the matcher's verdict."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Literal

STATUSES = ("confirmed", "unconfirmed")
AnswerKind = Literal["answer", "suggest", "unconfirmed", "none"]

_TAG = re.compile(r"</?(?:b|i)>")


@dataclass(frozen=True, slots=True)
class Topic:
    """A browsable group of entries, titled in both languages."""

    id: str
    vi: str
    en: str

    def title_for(self, locale: str) -> str:
        """The title in `locale` ("en" → English, anything else → Vietnamese)."""
        return self.en if locale.startswith("en") else self.vi


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """One curated question-and-answer.

    `answer` / `answer_en` use light markup: only <b> and <i>; every other character is literal text
    (see `to_html` / `to_plain`).
    """

    id: str
    topic: str
    questions: tuple[str, ...]
    answer: str
    answer_en: str
    source: str
    status: Literal["confirmed", "unconfirmed"]
    sections: tuple[str, ...] = ()

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"

    @property
    def title(self) -> str:
        """The entry's first question: its label on buttons and in lists."""
        return self.questions[0]

    def answer_for(self, locale: str) -> str:
        """The answer in `locale` ("en" → English, anything else → Vietnamese), in light markup."""
        return self.answer_en if locale.startswith("en") else self.answer


@dataclass(frozen=True, slots=True)
class FaqAnswer:
    """What the matcher made of a question.

    kind: "answer" (confident, confirmed entry), "unconfirmed" (confident, but the fact sheet has no
    confirmed answer: say so and offer to pass the question on), "suggest" (weak: offer `suggestions`),
    "none" (out of scope or no match).
    """

    answered: bool
    entry: FaqEntry | None
    score: float
    suggestions: tuple[FaqEntry, ...]
    kind: AnswerKind


def to_plain(markup: str) -> str:
    """Light markup → plain text (drop <b>/<i>)."""
    return _TAG.sub("", markup)


def to_html(markup: str) -> str:
    """Light markup → Telegram HTML: escape everything except the <b>/<i> tags."""
    parts: list[str] = []
    last = 0
    for tag in _TAG.finditer(markup):
        parts.append(html.escape(markup[last : tag.start()], quote=False))
        parts.append(tag.group(0))
        last = tag.end()
    parts.append(html.escape(markup[last:], quote=False))
    return "".join(parts)


def markup_problem(markup: str) -> str | None:
    """Why `markup` is not valid light markup (unbalanced or nested same tags), or None."""
    open_tags: list[str] = []
    for tag in _TAG.finditer(markup):
        name = tag.group(0).strip("</>")
        if tag.group(0).startswith("</"):
            if not open_tags or open_tags[-1] != name:
                return f"unexpected </{name}>"
            open_tags.pop()
        else:
            if name in open_tags:
                return f"nested <{name}>"
            open_tags.append(name)
    if open_tags:
        return f"unclosed <{open_tags[-1]}>"
    return None
