"""Input preparation shared by the parsers: bounded length, NFKC, Vietnamese folding."""

from __future__ import annotations

import re
import unicodedata

from bot.core.text import fold

MAX_INPUT_CHARS = 200
"""Anything longer than this is not a count, date, phone or period; refuse without scanning it."""

_DIACRITIC_ONLY_WORDS = ((re.compile(r"\btới\b"), " next "), (re.compile(r"\btối\b"), " evening "))


def prepare(text: str) -> str:
    """Fold a short input for matching: NFKC (full-width digits), lower-case, no diacritics."""
    return fold(unicodedata.normalize("NFKC", text))


def prepare_when(text: str) -> str:
    """Like prepare(), but keep apart the words that fold alike: 'tới' (coming) → 'next', 'tối' → 'evening'.

    A bare 'toi' typed without diacritics stays 'toi' and is read from its place in the phrase.
    """
    lowered = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text).lower())
    for word, token in _DIACRITIC_ONLY_WORDS:
        lowered = word.sub(token, lowered)
    return fold(lowered)


def is_too_long(text: str) -> bool:
    """True when the raw input is too long to be one of the short values we parse."""
    return len(text) > MAX_INPUT_CHARS
