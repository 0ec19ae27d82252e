"""Knowledge-base records: topics, entries and the matcher's verdict."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Literal

from bot.core.faq import language

STATUSES = ("confirmed", "unconfirmed")
AnswerKind = Literal["answer", "suggest", "unconfirmed", "none", "small_talk"]
SmallTalk = Literal["greeting", "thanks", "who", "help", "goodbye", "complaint", "apology", "ack"]

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
    more: str = ""
    more_en: str = ""

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"

    @property
    def title(self) -> str:
        """The entry's first question: its label on buttons and in lists."""
        return self.questions[0]

    def title_for(self, locale: str) -> str:
        """The label in `locale`: for English, the first of its questions written in English, if any."""
        if not locale.startswith("en"):
            return self.title
        return next((q for q in self.questions if language.detect(q) == "en"), self.title)

    def answer_for(self, locale: str) -> str:
        """The answer in `locale` ("en" → English, anything else → Vietnamese), in light markup."""
        return self.answer_en if locale.startswith("en") else self.answer

    @property
    def has_more(self) -> bool:
        """Whether a longer version exists (offer "Xem thêm" / "See more")."""
        return bool(self.more)

    def long_answer_for(self, locale: str) -> str:
        """The long version ("Xem thêm") in `locale`, or the answer itself when there is none."""
        if not self.more:
            return self.answer_for(locale)
        return self.more_en if locale.startswith("en") and self.more_en else self.more


@dataclass(frozen=True, slots=True)
class FaqAnswer:
    """What the matcher made of a message.

    kind: "answer" (confident, confirmed entry), "unconfirmed" (confident, but the fact sheet has no
    confirmed answer: say so and offer to pass the question on), "suggest" (weak: offer `suggestions`),
    "none" (out of scope, no match, or a document's detail the knowledge base does not hold),
    "small_talk" (greeting, thanks, "who are you", help, goodbye: `small_talk` says which; answer with a
    short friendly text and the menu, never with an entry or a decline).

    `language` is the language the answer is in ("vi" or "en"): the person's setting, or English when the
    question is clearly English. Render `entry.answer_for(language)`.
    `parts`: for a message that asks two questions, one verdict per question (each with its own entry and
    source); `entry` is then both answers combined, so a renderer that ignores `parts` still shows both.
    `document` / `fields`: set when the answer was built from a document's record (its id and the fields
    asked, e.g. "signed", "repealed_by").
    """

    answered: bool
    entry: FaqEntry | None
    score: float
    suggestions: tuple[FaqEntry, ...]
    kind: AnswerKind
    language: str = "vi"
    small_talk: SmallTalk | None = None
    parts: tuple[FaqAnswer, ...] = ()
    document: str | None = None
    fields: tuple[str, ...] = ()

    @classmethod
    def of_entry(
        cls,
        entry: FaqEntry,
        score: float,
        language: str,
        *,
        document: str | None = None,
        fields: tuple[str, ...] = (),
    ) -> FaqAnswer:
        """A confident answer with `entry`: "answer" when the entry is confirmed, else "unconfirmed"."""
        kind: AnswerKind = "answer" if entry.confirmed else "unconfirmed"
        return cls(entry.confirmed, entry, score, (), kind, language, document=document, fields=fields)

    @property
    def more(self) -> bool:
        """A longer version of the answer can be offered ("Xem thêm" / "See more")."""
        return self.entry is not None and self.entry.has_more

    def text(self) -> str:
        """The main answer in light markup, in `language` ("" when there is no entry)."""
        return self.entry.answer_for(self.language) if self.entry is not None else ""

    def long_text(self) -> str:
        """The long version in light markup ("" when there is no entry)."""
        return self.entry.long_answer_for(self.language) if self.entry is not None else ""


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
