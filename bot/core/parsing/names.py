"""People's full names as typed by cadres: tidied, title-cased the Vietnamese way, or refused."""

from __future__ import annotations

import re
import unicodedata

from bot.core.parsing.errors import ParseError, ParseReason
from bot.core.text import clean_name

NAME_MIN_CHARS = 2
NAME_MAX_CHARS = 80
_NAME_PUNCTUATION = frozenset(" -'’")
_LINK = re.compile(r"(?i)(?:https?://|www\.|t\.me/|@\w|\w\.(?:com|vn|net|org)\b)")
_WORD_START = re.compile(r"(^|[\s\-'’])(\w)")


def parse_person_name(text: str) -> str | ParseError:
    """A full name, tidied: '  nguyễn   thị LAN ' → 'Nguyễn Thị Lan'."""
    if len(text) > NAME_MAX_CHARS * 4:
        return ParseError(ParseReason.TOO_LONG)
    name = clean_name(text)
    refusal = _name_refusal(name)
    if refusal is not None:
        return refusal
    return _WORD_START.sub(lambda m: m[1] + m[2].upper(), name.lower())


def _name_refusal(name: str) -> ParseError | None:
    if not name:
        return ParseError(ParseReason.EMPTY)
    if _LINK.search(name):
        return ParseError(ParseReason.IS_LINK)
    if any(ch.isdigit() for ch in name):
        return ParseError(ParseReason.HAS_DIGITS)
    if not all(_is_name_char(ch) for ch in name):
        return ParseError(ParseReason.BAD_CHARACTERS)
    if sum(ch.isalpha() for ch in name) < NAME_MIN_CHARS:
        return ParseError(ParseReason.TOO_SHORT)
    if len(name) > NAME_MAX_CHARS:
        return ParseError(ParseReason.TOO_LONG)
    return None


def _is_name_char(ch: str) -> bool:
    return ch in _NAME_PUNCTUATION or ch.isalpha() or unicodedata.category(ch) == "Mn"
