"""What a flow says: channel-neutral replies, choices and attachments, rendered by each channel's adapter.

Text is in the bot's small neutral markup (`bot.conversation.markup`): bold, italic, links and escaped text.
Choices are rows of (label, token); Telegram shows them as inline buttons, Zalo as a numbered list. A
reply that `edits` replaces the message the person pressed a choice on (Telegram edits it, Zalo sends the
new text). Suggestions are short answers the person may type (Telegram: a reply keyboard).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.tokens import Token


@dataclass(frozen=True)
class Choice:
    """One option: a label and the token it stands for, or a web link (`url`).

    `display_only`: a cell that shows something but offers nothing (a calendar's weekday header, a blank day);
    channels that list choices instead of laying them out leave it out. `optional`: a shortcut for what the
    question also accepts typed (a calendar's days); a channel without buttons may leave it out. `more`: the
    pager's "next page" (listed last, as "0. Xem thêm", where choices are numbered).
    """

    label: str
    token: Token | None = None
    url: str | None = None
    display_only: bool = False
    optional: bool = False
    more: bool = False

    def __post_init__(self) -> None:
        if (self.token is None) == (self.url is None):
            raise ValueError("a choice has either a token or a url")


Choices = tuple[tuple[Choice, ...], ...]


def rows(*lines: Iterable[Choice]) -> Choices:
    """Choices laid out in the given rows (empty rows are dropped)."""
    return tuple(tuple(line) for line in lines if line)


def grid(items: Sequence[Choice], width: int = 2) -> Choices:
    """Choices laid out `width` to a row."""
    return tuple(tuple(items[i : i + width]) for i in range(0, len(items), width))


@dataclass(frozen=True)
class Attachment:
    """A file to send with a reply: a document (workbook, calendar) or an image (chart, QR code).

    The content is `data`, or made by `render()` when it is sent (after the turn has committed, in a worker
    thread: building a year's workbook takes seconds); `blob_id` is the stored copy once it is queued.
    """

    filename: str
    mime_type: str
    data: bytes = b""
    image: bool = False
    blob_id: int | None = None
    render: Callable[[], bytes] | None = field(default=None, compare=False)

    async def content(self) -> bytes:
        """The file's bytes (rendered in a thread when they are made on demand)."""
        if self.render is not None:
            return await asyncio.to_thread(self.render)
        return self.data


@dataclass(frozen=True)
class ContactRequest:
    """Ask the person to share their phone number (Telegram: a contact key; elsewhere: type it)."""

    label: str


@dataclass(frozen=True)
class Suggestions:
    """Answers the person may type, offered as keys where the channel has them.

    The main menu is a persistent set of suggestions (the actions the person's role allows).
    """

    rows: tuple[tuple[str | ContactRequest, ...], ...]
    placeholder: str | None = None
    one_time: bool = True
    persistent: bool = False


@dataclass(frozen=True)
class Reply:
    """One message from the bot.

    - `choices`: rows of choices under the message;
    - `attachment`: a document or image (the text becomes its caption);
    - `suggestions`: typed answers offered as keys (the main menu is one); `remove_keys` hides earlier keys;
    - `edits`: replace the message whose choice was just pressed instead of sending a new one.
    """

    text: str
    choices: Choices = ()
    attachment: Attachment | None = None
    suggestions: Suggestions | None = None
    remove_keys: bool = False
    edits: bool = False

    def to_json(self) -> dict[str, Any]:
        """The stored (outbox) form: attachments by blob id only."""
        data: dict[str, Any] = {"text": self.text}
        if self.choices:
            data["choices"] = [[_choice_json(c) for c in row] for row in self.choices]
        if self.suggestions is not None:
            data["suggestions"] = {
                "rows": [
                    [{"contact": k.label} if isinstance(k, ContactRequest) else k for k in row]
                    for row in self.suggestions.rows
                ],
                "placeholder": self.suggestions.placeholder,
                "one_time": self.suggestions.one_time,
                "persistent": self.suggestions.persistent,
            }
        if self.remove_keys:
            data["remove_keys"] = True
        if self.attachment is not None:
            data["attachment"] = {
                "filename": self.attachment.filename,
                "mime_type": self.attachment.mime_type,
                "image": self.attachment.image,
                "blob_id": self.attachment.blob_id,
            }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        """Rebuild a stored reply; a token that no longer parses keeps its label as a stale choice."""
        choices = tuple(tuple(_choice_from(c) for c in row) for row in data.get("choices", ()))
        suggestions = None
        if data.get("suggestions"):
            raw = data["suggestions"]
            suggestions = Suggestions(
                tuple(
                    tuple(ContactRequest(k["contact"]) if isinstance(k, dict) else k for k in row)
                    for row in raw["rows"]
                ),
                raw.get("placeholder"),
                raw.get("one_time", True),
                raw.get("persistent", False),
            )
        attachment = None
        if data.get("attachment"):
            raw = data["attachment"]
            attachment = Attachment(
                raw["filename"], raw["mime_type"], image=raw.get("image", False), blob_id=raw.get("blob_id")
            )
        return cls(
            data.get("text", ""),
            choices,
            attachment,
            suggestions,
            bool(data.get("remove_keys")),
        )


@dataclass(frozen=True)
class StaleToken(Token):
    """Stands for a stored choice whose token no longer parses (never registered, never sent by flows)."""

    raw: str = ""

    def encode(self) -> str:
        return self.raw


def _choice_json(choice: Choice) -> dict[str, object]:
    if choice.url is not None:
        return {"label": choice.label, "url": choice.url}
    assert choice.token is not None
    data: dict[str, object] = {"label": choice.label, "token": choice.token.encode()}
    if choice.display_only:
        data["display"] = True
    return data


def _choice_from(data: dict[str, str]) -> Choice:
    """A stored choice; rows queued before the neutral outbox kept Telegram's 'text'/'callback_data' names."""
    label = data.get("label", data.get("text", ""))
    if "url" in data:
        return Choice(label, url=data["url"])
    raw = data.get("token", data.get("callback_data", ""))
    return Choice(label, Token.parse(raw) or StaleToken(raw), display_only=bool(data.get("display")))


@dataclass(frozen=True)
class Toast:
    """A short answer to a press (Telegram: the pop-up on the button); `alert` must be acknowledged."""

    text: str
    alert: bool = False


@dataclass(frozen=True)
class EditChoices:
    """Replace the choices of the message whose choice was just pressed (none: it has been answered)."""

    choices: Choices = ()


Output = Reply | Toast | EditChoices
