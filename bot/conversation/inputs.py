"""What a person did, whatever the channel: typed text or a command, chose, shared a contact or a file."""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation.tokens import Token


@dataclass(frozen=True)
class Sender:
    """Who wrote, on which channel, from which chat."""

    channel: str
    account_id: str
    chat_id: str
    display_name: str
    username: str | None = None
    private: bool = True


@dataclass(frozen=True)
class Text:
    """Typed text; `markup` keeps its formatting in the neutral markup where the channel carries it."""

    text: str
    markup: str | None = None
    reply_to: str | None = None
    """The channel's id of the bot message this text answers (a reply), when the channel says."""


@dataclass(frozen=True)
class Command:
    """'/name args' (on channels without slash commands, a typed command word)."""

    name: str
    args: str = ""


@dataclass(frozen=True)
class Chose:
    """A choice was picked; `token` is None when the raw value is stale or forged.

    `origin` is the channel's id of the message the choice was on (None when unknown).
    """

    token: Token | None
    raw: str = ""
    origin: str | None = None


@dataclass(frozen=True)
class SharedContact:
    """A phone number shared with the channel's contact feature; `own` when it is the sender's own."""

    phone: str
    own: bool = True


@dataclass(frozen=True)
class SharedFile:
    """A photo or document; `ref` is the channel's reference to fetch it later."""

    ref: str
    image: bool
    filename: str | None = None
    mime_type: str | None = None
    caption: str | None = None
    caption_markup: str | None = None
    """The caption with its formatting, in the neutral markup, where the channel carries it."""


@dataclass(frozen=True)
class Unsupported:
    """Anything else (a sticker, a location, a voice note)."""

    what: str = ""


Event = Text | Command | Chose | SharedContact | SharedFile | Unsupported


@dataclass(frozen=True)
class Input:
    sender: Sender
    event: Event
    id: str = ""
    """The channel's id of this input (update id), for logs only."""

    @property
    def channel(self) -> str:
        return self.sender.channel
