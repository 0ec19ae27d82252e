"""Numbers said in words, as a phone's voice typing writes them ("thông tư bốn mươi bốn", "năm hai không hai
lăm"), written in digits before a question is read.

The packages on the index (vietnam-number, GPL-3.0; vn-numberwords) turn a string that *is* a number into its
value; what is needed here is to find the few words inside a sentence that are one, where "năm" is both five
and year and "lăm"/"làm", "sáu"/"sau" fold alike. Only three forms are read: tens with "mươi" or "lăm" ("bốn
mươi bốn", "hai mươi lăm", "hai lăm"), the teens with "mười" ("mười lăm"), and years said digit by digit or in
thousands ("hai không hai lăm", "hai nghìn không trăm mười bốn"); "ba năm" (three years) and "hai tiêu chí"
stay words, and a table of ten digits does the rest.
"""

from __future__ import annotations

import re
import unicodedata

from bot.core.text import fold

_DIGITS = {
    "khong": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
# After "mươi" / "mười": "mốt" (1), "tư" (4), "lăm" (5) are units too.
_UNITS = {**{word: n for word, n in _DIGITS.items() if n}, "lam": 5, "tu": 4}
# The spellings that are these numbers ("làm", "sau", "tạm" fold alike but are not); unmarked typing is taken
# as meant.
_SPELLINGS = {
    "khong": {"không"},
    "mot": {"một", "mốt"},
    "hai": {"hai"},
    "ba": {"ba"},
    "bon": {"bốn"},
    "tu": {"tư"},
    "nam": {"năm"},
    "lam": {"lăm"},
    "sau": {"sáu"},
    "bay": {"bảy", "bẩy"},
    "tam": {"tám"},
    "chin": {"chín"},
    "muoi": {"mười", "mươi"},
    "nghin": {"nghìn"},
    "ngan": {"ngàn"},
    "tram": {"trăm"},
}
_WORD = re.compile(r"\w+")
# The words without which no number is said here (folded): tens, "lăm", thousands, a year "hai không …".
_SAYS_A_NUMBER = re.compile(r"\b(?:muoi|lam|nghin|ngan|hai\s+khong)\b")
_SAID_TOGETHER = re.compile(r"\w+(?:\s+\w+)*")


def _number_word(raw: str, marked: bool) -> str:
    """The folded number word `raw` is, or "" when it is another word (`marked`: the message is typed with
    its marks, so an unmarked "sau" is "after")."""
    lower = raw.lower()
    folded = fold(lower)
    spellings = _SPELLINGS.get(folded)
    return folded if spellings is not None and (lower in spellings or not marked) else ""


def _two_digits(words: list[str], i: int) -> tuple[int, int] | None:
    """(value, words used) of a number below 100 said at `words[i]`, or None."""
    first = words[i]
    following = words[i + 1] if i + 1 < len(words) else ""
    after = words[i + 2] if i + 2 < len(words) else ""
    if first == "muoi":  # "mười", "mười lăm"
        return (10 + _UNITS[following], 2) if following in _UNITS else (10, 1)
    if first in _DIGITS and first not in ("khong", "mot") and following == "muoi":  # "bốn mươi (bốn)"
        tens = _DIGITS[first] * 10
        return (tens + _UNITS[after], 3) if after in _UNITS else (tens, 2)
    if first in _DIGITS and first not in ("khong", "mot") and following == "lam":  # "hai lăm": 25
        return _DIGITS[first] * 10 + 5, 2
    return None


def _year(words: list[str], i: int) -> tuple[int, int] | None:
    """(year, words used) of a year said at `words[i]`: "hai không hai lăm", "hai nghìn (không trăm) mười
    bốn"."""
    if words[i] != "hai" or i + 1 >= len(words):
        return None
    if words[i + 1] in ("nghin", "ngan"):
        j = i + 2
        if words[j : j + 2] == ["khong", "tram"]:
            j += 2
        rest = _two_digits(words, j) if j < len(words) else None
        return (2000 + rest[0], j - i + rest[1]) if rest else None
    digits = words[i + 1 : i + 4]
    if len(digits) == 3 and digits[0] == "khong" and all(d in _UNITS or d == "khong" for d in digits[1:]):
        value = [0 if d == "khong" else _UNITS[d] for d in digits]
        return 2000 + value[1] * 10 + value[2], 4
    return None


def in_digits(text: str) -> str:
    """`text` with the numbers said in words written in digits."""
    folded = fold(text)
    if not _SAYS_A_NUMBER.search(folded):
        return text  # most questions: no word to read
    text = unicodedata.normalize("NFC", text)
    marked = fold(text) != text.lower()
    spans = [(m.start(), m.end(), _number_word(m.group(), marked)) for m in _WORD.finditer(text)]
    words = [w for _, _, w in spans]
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        number = _year(words, i) or _two_digits(words, i)
        if number is None:
            i += 1
            continue
        value, used = number
        start, end = spans[i][0], spans[i + used - 1][1]
        if not _SAID_TOGETHER.fullmatch(text[start:end]):
            i += 1  # "tiêu chí hai, không một …": words a mark keeps apart are no number
            continue
        found.append((start, end, str(value)))
        i += used
    for start, end, digits in reversed(found):
        text = f"{text[:start]}{digits}{text[end:]}"
    return text
