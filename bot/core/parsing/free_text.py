"""Short codes and free text (titles, venues, notes) as typed by cadres."""

from __future__ import annotations

import unicodedata

from bot.core.parsing.errors import ParseError, ParseReason
from bot.core.parsing.normal import MAX_INPUT_CHARS, prepare

_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def normalise_code(text: str) -> str:
    """A check-in or invite code as the bot stores it: '  ab-12 ' → 'AB12', 'đ' → 'D'."""
    text = text[:MAX_INPUT_CHARS]
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
    """Drop control characters (keeping line breaks and tabs), lone surrogates and bidi overrides."""
    if ch in "\n\t":
        return True
    return unicodedata.category(ch) not in ("Cc", "Cs") and ch not in _BIDI_CONTROLS
