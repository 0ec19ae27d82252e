"""Neutral replies as Zalo messages: plain text, choices as a numbered list, files as links, images by URL.

Zalo's Bot Platform has no buttons, no edits and no files, and a message holds at most 2,000 characters. So:
- the neutral markup becomes plain text (links as "label (address)");
- the choices of a reply become a numbered list under its text ("1. Tham dự"), answered by typing the number
  or the words; choices that only decorate (a calendar's weekday headers and blank cells) are left out;
- a main menu or other suggested answers become the list when the reply has no choices;
- an edit of the pressed message is a new message; a pop-up answer is a short message;
- a document is a line with a download link, an image goes out with sendPhoto (the channel makes both URLs);
- long text is cut at line breaks into messages that each fit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.conversation.markup import split, to_plain
from bot.conversation.replies import Attachment, ContactRequest, EditChoices, Output, Reply, Toast
from bot.i18n import Translator

TEXT_LIMIT = 2000


def zalo_length(text: str) -> int:
    """Length as the platform is assumed to count it: UTF-16 code units (an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class ListItem:
    """One numbered line: a choice (its token's wire form) or an answer typed for the person (menu label)."""

    label: str
    token: str | None = None
    typed: str | None = None
    more: bool = False
    """The pager's "next page": listed last as "0. …", chosen by typing 0."""


@dataclass(frozen=True)
class Message:
    """One Zalo message: text, or an image with a caption; `document` adds a download link line."""

    text: str = ""
    image: Attachment | None = None
    document: Attachment | None = None


@dataclass(frozen=True)
class Rendered:
    """The messages to send, in order, and the list the person now answers by number (None: unchanged)."""

    messages: list[Message]
    items: list[ListItem] | None


def render(outputs: list[Output], t: Translator) -> Rendered:
    """What the turn's replies look like on Zalo. Several replies with choices share one list, numbered on
    from one reply to the next ("1–3" under the first seminar, "4–6" under the second)."""
    messages: list[Message] = []
    items: list[ListItem] = []
    for output in outputs:
        if isinstance(output, Toast):
            if output.text.strip():
                messages.append(Message(to_plain(output.text)))
        elif isinstance(output, EditChoices):
            if output.choices:
                listed = choice_items(Reply("", output.choices))
                messages.append(Message(numbered(t.gettext("Choose:"), listed, t, start=_next_number(items))))
                items += listed
        else:
            reply_items, reply_messages = render_reply(output, t, start=_next_number(items))
            messages += reply_messages
            items += reply_items or []
    return Rendered(messages, items or None)


def _next_number(items: list[ListItem]) -> int:
    return sum(1 for item in items if not item.more) + 1


def render_reply(
    reply: Reply, t: Translator, *, start: int = 1
) -> tuple[list[ListItem] | None, list[Message]]:
    """One reply: its messages and its numbered list (None when it offers none), numbered from `start`."""
    text = to_plain(reply.text).strip()
    items = choice_items(reply) or suggestion_items(reply)
    hint = contact_hint(reply, t)
    if hint:
        text = f"{text}\n\n{hint}" if text else hint
    body = numbered(text, items, t, start=start) if items else text
    attachment = reply.attachment
    if attachment is not None and attachment.image:
        caption, *rest = split_text(body) if body else [""]
        return items or None, [Message(caption, image=attachment), *(Message(part) for part in rest)]
    if attachment is not None:
        line = "📎 " + attachment.filename
        return items or None, [Message(part) for part in split_text(body)] + [
            Message(line, document=attachment)
        ]
    return items or None, [Message(part) for part in split_text(body)] if body else []


def choice_items(reply: Reply) -> list[ListItem]:
    """The reply's choices that do something, in reading order, then its web links (shown as text)."""
    found, links, more = [], [], []
    for row in reply.choices:
        for choice in row:
            if choice.display_only or choice.optional or not choice.label.strip():
                continue
            if choice.more and choice.token is not None:
                more.append(ListItem(choice.label, token=choice.token.encode(), more=True))
                continue
            if choice.url is not None:
                links.append(ListItem(f"{choice.label}: {choice.url}"))
            else:
                assert choice.token is not None
                found.append(ListItem(choice.label, token=choice.token.encode()))
    return found + more[:1] + links


def suggestion_items(reply: Reply) -> list[ListItem]:
    """A main menu (or other suggested answers) as a list, when the reply has no choices of its own."""
    if reply.suggestions is None:
        return []
    return [
        ListItem(key, typed=key)
        for row in reply.suggestions.rows
        for key in row
        if isinstance(key, str) and key.strip()
    ]


def contact_hint(reply: Reply, t: Translator) -> str:
    """Zalo cannot share a contact: ask for the number to be typed."""
    if reply.suggestions is None:
        return ""
    if any(isinstance(key, ContactRequest) for row in reply.suggestions.rows for key in row):
        return t.gettext("Type your phone number (for example 0912 345 678).")
    return ""


def numbered(text: str, items: list[ListItem], t: Translator, *, start: int = 1) -> str:
    """The text, then one line per item ("1. Tham dự"), then how to answer."""
    lines = [
        f"{number}. {item.label}"
        for number, item in enumerate((i for i in items if not i.more), start=start)
        if item.token or item.typed
    ]
    lines += [f"0. {item.label}" for item in items if item.more]
    links = [item.label for item in items if not (item.token or item.typed)]
    body = "\n".join(lines + links)
    hint = t.gettext("Type the number of your choice.") if lines else ""
    return "\n\n".join(part for part in (text, body, hint) if part)


def split_text(text: str, limit: int = TEXT_LIMIT, measure: Callable[[str], int] = zalo_length) -> list[str]:
    """Parts that each fit one message, cut at line breaks (in order)."""
    if measure(text) <= limit:
        return [text]
    parts = []
    for part in split(text, limit):
        while measure(part) > limit:
            cut = len(part) * limit // measure(part)
            parts.append(part[:cut])
            part = part[cut:]
        parts.append(part)
    return parts
