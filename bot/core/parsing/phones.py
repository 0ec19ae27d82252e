"""Vietnamese mobile numbers in any common spelling, normalised to E.164 (+84...)."""

from __future__ import annotations

import re
import unicodedata

from bot.core.parsing.errors import ParseError, ParseReason
from bot.core.parsing.normal import is_too_long

_PHONE_NOISE = re.compile(r"[\s.\-()]")
_MOBILE_PREFIXES = frozenset("35789")


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
            rest = digits[len(prefix) :]
            valid = len(rest) in (9, 10) and rest.isascii() and rest.isdigit() and rest[0] != "0"
            return rest if valid else None
    return None
