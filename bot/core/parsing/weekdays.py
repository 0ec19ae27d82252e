"""Weekdays as Vietnamese write them: 'thứ Hai'…'thứ Bảy', 'Chủ nhật'; 'thứ 6', 't6', 'T.6', 'thu sau'.

In Vietnamese, 'thứ N' counts from Sunday as the first day: thứ 2 is Monday, thứ 6 Friday, Chủ nhật Sunday.
Days here are ISO weekdays (1 = Monday … 7 = Sunday).
"""

from __future__ import annotations

import re

from bot.core.text import fold

WEEKDAY_PATTERN = r"(?:thu|t)\s*\.?\s*(?:[2-7]|hai|ba|tu|nam|sau|bay)(?![a-z0-9])|chu\s*nhat|cn"
_ONE = re.compile(
    r"^(?:(?:thu|t)\s*\.?\s*(?:(?P<num>[2-7])|(?P<word>hai|ba|tu|nam|sau|bay))|(?P<sunday>chu\s*nhat|cn))$"
)
_WORDS = {"hai": 1, "ba": 2, "tu": 3, "nam": 4, "sau": 5, "bay": 6}


def parse_weekday(text: str) -> int | None:
    """The ISO weekday a phrase names ('thứ 6' → 5, 'CN' → 7), or None."""
    match = _ONE.match(re.sub(r"\s+", " ", fold(text)).strip())
    if not match:
        return None
    if match["sunday"]:
        return 7
    if match["word"]:
        return _WORDS[match["word"]]
    return int(match["num"]) - 1
