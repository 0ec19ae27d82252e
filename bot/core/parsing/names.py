"""People's names, phone numbers, short codes and free text as typed by cadres."""

from __future__ import annotations

import re
import unicodedata

from bot.core.parsing.errors import ParseError, ParseReason
from bot.core.parsing.normal import is_too_long, prepare
from bot.core.text import clean_name

NAME_MIN_CHARS = 2
NAME_MAX_CHARS = 80
_NAME_PUNCTUATION = frozenset(" -'’")
_LINK = re.compile(r"(?i)(?:https?://|www\.|t\.me/|@\w|\w\.(?:com|vn|net|org)\b)")
_WORD_START = re.compile(r"(^|[\s\-'’])(\w)")
_PHONE_NOISE = re.compile(r"[\s.\-()]")
_MOBILE_PREFIXES = frozenset("35789")


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


def parse_phone(text: str) -> str | ParseError:
    """A Vietnamese mobile number in E.164: '0903 123 456', '84 903-123-456' → '+84903123456'."""
    if is_too_long(text):
        return ParseError(ParseReason.NOT_A_PHONE)
    national = _national_number(_PHONE_NOISE.sub("", unicodedata.normalize("NFKC", text)))
    if national is None:
        return ParseError(ParseReason.NOT_A_PHONE)
    if len(national) == 10 and national[0] == "2":
        return ParseError(ParseReason.NOT_MOBILE, "landline")
    if len(national) != 9 or national[0] not in _MOBILE_PREFIXES:
        return ParseError(ParseReason.NOT_A_PHONE)
    return "+84" + national


def _national_number(digits: str) -> str | None:
    """The 9 (mobile) or 10 (landline) digits after the country code; None if not Vietnamese."""
    for prefix in ("+840", "+84", "00840", "0084", "840", "84", "0"):
        if digits.startswith(prefix):
            rest = digits[len(prefix):]
            valid = len(rest) in (9, 10) and rest.isascii() and rest.isdigit() and rest[0] != "0"
            return rest if valid else None
    return None


def normalise_code(text: str) -> str:
    """A check-in or invite code as the bot stores it: '  ab-12 ' → 'AB12', 'đ' → 'D'."""
    if is_too_long(text):
        text = text[:200]
    return "".join(ch for ch in prepare(text) if ch.isascii() and ch.isalnum()).upper()


def limit_text(text: str, max_len: int) -> str | ParseError:
    """Free text (a title, a venue, a note): NFC, control characters dropped, trimmed, 1..max_len."""
    if len(text) > max_len * 4 + 100:
        return ParseError(ParseReason.TOO_LONG)
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text) if _is_kept_char(ch)).strip()
    if not kept:
        return ParseError(ParseReason.EMPTY)
    if len(kept) > max_len:
        return ParseError(ParseReason.TOO_LONG, f"{len(kept)} > {max_len}")
    return kept


def _is_kept_char(ch: str) -> bool:
    return ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
