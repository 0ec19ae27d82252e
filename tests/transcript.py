"""The transcript channel: a neutral test channel that keeps each chat as a list of messages, in process.

Flows see it as any channel (inputs in, neutral replies out, queued messages delivered); tests read what each
person would have seen: texts, choices (label and token), attachments, suggested keys, pop-up answers. It has
no rendering of its own, so a dialog test that passes here and on Telegram says the flow, not the adapter,
is right.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.channels.base import BlobLoader, CardRef
from bot.conversation.inputs import Event, Input, Sender
from bot.conversation.markup import split
from bot.conversation.replies import ContactRequest, EditChoices, Output, Reply, Toast
from bot.core.pacing import Pacer

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from storage.outbox import QueuedMessage

CHANNEL = "transcript"
TEXT_LIMIT = 4096


@dataclass
class Message:
    message_id: int
    text: str
    choices: list[list[tuple[str, str]]] = field(default_factory=list)
    attachment: str | None = None
    image: bool = False


@dataclass
class Call:
    """One thing the bot did in a chat, named like the Bot API method it stands for."""

    method: str
    text: str
    buttons: list[str]
    message_id: int | None
    params: dict


@dataclass
class ChatLog:
    messages: list[Message] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    toasts: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def find(self, message_id: int) -> Message | None:
        return next((m for m in self.messages if m.message_id == message_id), None)


class TranscriptChannel:
    """Everything the bot says is appended to the chat's log; nothing leaves the process."""

    name = CHANNEL
    text_limit = TEXT_LIMIT

    def __init__(self, runtime: Runtime, *, previous: object = None) -> None:
        """`previous`: the channel of the bot before a restart (people keep their chats)."""
        self.runtime = runtime
        self.pacer = Pacer(rate=1_000_000)
        kept = previous if isinstance(previous, TranscriptChannel) else None
        self.chats: dict[str, ChatLog] = kept.chats if kept else {}
        self._ids = kept._ids if kept else itertools.count(1)
        self._inputs = kept._inputs if kept else itertools.count(1)

    def deep_link(self, payload: str) -> str | None:
        return f"https://t.me/transcript_bot?start={payload}"

    async def fetch_file(self, ref: str, max_bytes: int) -> bytes | None:
        """A sent file's bytes: in the transcript a file is its reference, padded to the size it names."""
        size = int(ref.split("-")[1]) if ref.count("-") >= 2 and ref.split("-")[1].isdigit() else len(ref)
        return None if size > max_bytes else ref.encode().ljust(size, b"0")

    async def start(self) -> None:
        """Nothing to receive from: tests call `act()`."""

    async def stop(self) -> None:
        """Nothing to stop."""

    def chat(self, chat_id: str) -> ChatLog:
        return self.chats.setdefault(chat_id, ChatLog())

    async def act(self, sender: Sender, event: Event, *, origin: int | None = None) -> None:
        """A person did something: run the turn and record its replies in their chat."""
        outputs = await self.runtime.handle(Input(sender, event, str(next(self._inputs))))
        self.record(sender.chat_id, outputs, origin)

    def record(self, chat_id: str, outputs: list[Output], origin: int | None) -> None:
        log = self.chat(chat_id)
        pressed = log.find(origin) if origin is not None else None
        for output in outputs:
            if isinstance(output, Toast):
                if origin is not None:
                    log.toasts.append(output.text)
                else:
                    self._post(chat_id, Reply(output.text))
            elif isinstance(output, EditChoices):
                if pressed is not None:
                    pressed.choices = _choices(Reply("", output.choices))
                    log.calls.append(
                        Call("editMessageReplyMarkup", "", _labels(pressed), pressed.message_id, {})
                    )
            elif output.edits and pressed is not None and output.attachment is None:
                pressed.text = split(output.text, TEXT_LIMIT)[0]
                pressed.choices = _choices(output)
                log.calls.append(
                    Call("editMessageText", pressed.text, _labels(pressed), pressed.message_id, {})
                )
            else:
                self._post(chat_id, output)

    def _post(self, chat_id: str, reply: Reply) -> int:
        log = self.chat(chat_id)
        if reply.suggestions is not None:
            log.keys = [
                k.label if isinstance(k, ContactRequest) else k for row in reply.suggestions.rows for k in row
            ]
        elif reply.remove_keys:
            log.keys = []
        attachment = reply.attachment
        parts = split(reply.text, TEXT_LIMIT) if reply.text else [""]
        message_id = 0
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            message_id = next(self._ids)
            message = Message(message_id, part, _choices(reply) if last else [])
            method = "sendMessage"
            if attachment is not None and index == 0:
                message.attachment, message.image = attachment.filename, attachment.image
                method = "sendPhoto" if attachment.image else "sendDocument"
            log.messages.append(message)
            params = {"chat_id": chat_id, "text": part}
            if message.attachment:
                params["filename"] = message.attachment
            log.calls.append(Call(method, part, _labels(message), message_id, params))
        return message_id

    async def deliver(self, message: QueuedMessage, blobs: BlobLoader) -> str | None:
        reply = message.reply
        if message.replaces_message_id is not None and reply.attachment is None:
            card = CardRef(self.name, message.chat_id, message.replaces_message_id)
            await self.update_card(card, reply)
            return message.replaces_message_id
        if reply.attachment is not None and reply.attachment.blob_id is not None:
            stored = await blobs(reply.attachment.blob_id)
            if stored is not None:
                from dataclasses import replace

                reply = replace(reply, attachment=replace(reply.attachment, filename=stored[0]))
        return str(self._post(message.chat_id, reply))

    async def post_card(self, chat_id: str, reply: Reply) -> CardRef | None:
        return CardRef(self.name, chat_id, str(self._post(chat_id, reply)))

    async def update_card(self, card: CardRef, reply: Reply, *, final: bool = False) -> None:
        log = self.chat(card.chat_id)
        message = log.find(int(card.message_id))
        if message is None:
            return
        message.text, message.choices = split(reply.text, TEXT_LIMIT)[0], _choices(reply)
        log.calls.append(Call("editMessageText", message.text, _labels(message), message.message_id, {}))


def _choices(reply: Reply) -> list[list[tuple[str, str]]]:
    return [
        [(c.label, c.token.encode() if c.token is not None else f"url:{c.url}") for c in row]
        for row in reply.choices
    ]


def _labels(message: Message) -> list[str]:
    return [label for row in message.choices for label, _ in row]
