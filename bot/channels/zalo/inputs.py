"""What a Zalo user typed, as a neutral input: a command, a choice from their current list, text or a picture.

Zalo has no commands and no buttons, so words do both jobs:
- "/report", "report", "bao cao", "Báo cáo" (with or without the slash and the diacritics) start a command
  when they name one of the bot's commands or main-menu actions;
- a number answers the person's current numbered list ("2"), and so do the words of one of its lines
  ("Tham dự"); a number when the list that was on screen has been replaced since is stale, never a guess;
  a number beyond the list is typed text (the answer to the dialog's question, or "not a choice").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.channels.zalo.client import IMAGE_EVENT, TEXT_EVENT, ZaloUpdate
from bot.channels.zalo.render import ListItem
from bot.conversation.inputs import Chose, Command, Event, SharedFile, Text, Unsupported
from bot.conversation.tokens import Token
from bot.core.text import fold

_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")
_EMOJI_AND_MARKS = re.compile(r"[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class StaleNumber:
    """A number typed against a list that is no longer the one on screen (or no list at all)."""

    number: int


def key(text: str) -> str:
    """How typed words compare: folded, no emoji, punctuation or spaces ("📝 Báo cáo" → "baocao")."""
    return _EMOJI_AND_MARKS.sub("", fold(text)).replace(" ", "").replace("_", "")


@dataclass(frozen=True)
class Vocabulary:
    """The words that start something: command names (and aliases) and main-menu labels in every language."""

    commands: dict[str, str]
    menu: dict[str, str]

    @classmethod
    def build(cls, command_names: Iterable[str], menu_labels: Iterable[str]) -> Vocabulary:
        return cls(
            {key(name): name for name in command_names},
            {key(label): label for label in menu_labels if key(label)},
        )


CANCEL_WORDS = frozenset({"cancel", "huy", "huybo", "dunglai", "thoat"})
"""What ends a dialog when typed alone, without the slash ("hủy", "dừng lại")."""


def to_event(
    update: ZaloUpdate,
    items: list[ListItem] | None,
    vocabulary: Vocabulary,
    *,
    list_is_current: bool,
    in_dialog: bool = False,
) -> Event | StaleNumber:
    """The neutral event for one update, given the person's current list (None: none open).

    In a dialog, typed words are the answer to its question ("Tập huấn kỹ năng…" is a title, not
    /trainings): only a slash command or a cancel word alone is a command there."""
    if update.event_name == IMAGE_EVENT and update.photo_url:
        return SharedFile(update.photo_url, image=True, caption=update.caption)
    if update.event_name != TEXT_EVENT or update.text is None:
        return Unsupported(update.event_name.removeprefix("message.").removesuffix(".received"))
    text = update.text.strip()
    number = _NUMBER.match(text)
    if number is not None and items:
        index = int(number.group(1))
        if not list_is_current:
            return StaleNumber(index)
        numbered = [item for item in items if not item.more]
        if index == 0 and any(item.more for item in items):
            return _chosen(next(item for item in items if item.more))
        if 1 <= index <= len(numbered) and (numbered[index - 1].token or numbered[index - 1].typed):
            return _chosen(numbered[index - 1])
        return Text(text, None)  # not on the list: an answer to the question asked ("40 chỗ"), if any
    if items and list_is_current:
        wanted = key(text)
        for item in items:
            if wanted and key(item.label) == wanted:
                return _chosen(item)
    if text.startswith("/"):
        word, _, args = text[1:].partition(" ")
        return Command(word.split("@")[0].lower(), args.strip())
    if in_dialog:
        return Command("cancel", "") if key(text) in CANCEL_WORDS else Text(update.text, None)
    words = text.split()
    for count in range(min(len(words), 4), 0, -1):  # "diem danh KTW4KD", "bao cao", "report 11/2026"
        name = vocabulary.commands.get(key(" ".join(words[:count])))
        if name is not None:
            return Command(name, " ".join(words[count:]))
    label = vocabulary.menu.get(key(text))
    if label is not None:
        return Text(label, label)
    return Text(update.text, None)


def _chosen(item: ListItem) -> Event:
    if item.typed is not None:
        return Text(item.typed, item.typed)
    token = Token.parse(item.token)
    return Chose(token, item.token or "", None)
