"""Input preparation shared by the parsers: bounded length, NFKC, Vietnamese folding."""

from __future__ import annotations

import re
import unicodedata

from bot.core.text import fold

MAX_INPUT_CHARS = 200
"""Anything longer than this is not a count, date, phone or period; refuse without scanning it."""

_TOI_NEXT = re.compile(r"\btới\b")


def prepare(text: str) -> str:
    """Fold a short input for matching: NFKC (full-width digits), lower-case, no diacritics.

    'tới' (coming) would fold to the same 'toi' as 'tối' (evening), so it becomes 'next' first.
    """
    composed = unicodedata.normalize("NFKC", text).lower()
    return fold(_TOI_NEXT.sub(" next ", unicodedata.normalize("NFC", composed)))


def is_too_long(text: str) -> bool:
    """True when the raw input is too long to be one of the short values we parse."""
    return len(text) > MAX_INPUT_CHARS
