"""Head counts as typed on a phone: '12', '12 người', '12hv', '1.234', 'mười hai'."""

from __future__ import annotations

import re

from bot.core.parsing.errors import ParseError, ParseReason
from bot.core.parsing.normal import is_too_long, prepare

_NUMBER = re.compile(r"(?P<sign>(?<![0-9a-z])[-−–]\s*)?(?<![0-9])(?P<digits>[0-9]+(?:[.,][0-9]+)*)")
_SAID_NEGATIVE = re.compile(r"\bam\s*$")
_MAX_DIGITS = 15

_DIGIT_WORDS = {
    "khong": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
_TENS_WORDS = {w: v for w, v in _DIGIT_WORDS.items() if v >= 2 and w != "tu"}
_AFTER_TEN = {**{w: v for w, v in _DIGIT_WORDS.items() if v >= 1}, "lam": 5}
_COLLOQUIAL_UNITS = {"mot": 1, "tu": 4, "lam": 5}
_NUMBER_WORDS = set(_DIGIT_WORDS) | {"muoi", "lam"}


def parse_count(text: str, *, max_value: int = 100_000) -> int | ParseError:
    """A whole number of people from 0 to max_value, in digits or Vietnamese words (0–99)."""
    if is_too_long(text):
        return ParseError(ParseReason.NOT_A_NUMBER, "input too long")
    folded = prepare(text)
    matches = list(_NUMBER.finditer(folded))
    if len(matches) > 1:
        return ParseError(ParseReason.AMBIGUOUS, "several numbers")
    value = _digits_count(folded, matches[0]) if matches else _words_count(folded)
    if isinstance(value, ParseError):
        return value
    if value > max_value:
        return ParseError(ParseReason.TOO_LARGE, f"over {max_value}")
    return value


def _digits_count(folded: str, match: re.Match[str]) -> int | ParseError:
    if match["sign"] or _SAID_NEGATIVE.search(folded[: match.start()]):
        return ParseError(ParseReason.NEGATIVE)
    return _digits_value(match["digits"])


def _digits_value(token: str) -> int | ParseError:
    """'1234', '1.234' or '1,234' (thousands); '1,5' or '12.5' are decimals."""
    if len(token) > _MAX_DIGITS:
        return ParseError(ParseReason.TOO_LARGE, "too many digits")
    groups = re.split(r"[.,]", token)
    if len(groups) == 1:
        return int(token)
    separators = set(re.findall(r"[.,]", token))
    head, tail = groups[0], groups[1:]
    if len(separators) == 1 and len(head) <= 3 and head[0] != "0" and all(len(g) == 3 for g in tail):
        return int("".join(groups))
    return ParseError(ParseReason.NOT_WHOLE)


def _words_count(folded: str) -> int | ParseError:
    runs = _number_word_runs(folded)
    values = [v for v in (_words_value(run) for run in runs) if v is not None]
    if len(values) == 1:
        return values[0]
    if len(values) > 1 or any(len(run) > 1 for run in runs):
        return ParseError(ParseReason.AMBIGUOUS, "several numbers")
    return ParseError(ParseReason.NOT_A_NUMBER)


def _number_word_runs(folded: str) -> list[list[str]]:
    runs: list[list[str]] = [[]]
    for word in re.split(r"[^a-z]+", folded):
        if word in _NUMBER_WORDS:
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def number_from_words(words: list[str]) -> int | None:
    """0–99 from folded Vietnamese number words (['hai', 'muoi', 'mot'] → 21); None if they are not one."""
    return _words_value(words) if words and all(w in _NUMBER_WORDS for w in words) else None


def _words_value(words: list[str]) -> int | None:
    """'mười' 10, 'mười lăm' 15, 'hai mươi' 20, 'hai mươi mốt' 21, 'hai mốt' 21; None otherwise."""
    first, rest = words[0], words[1:]
    if first == "muoi":
        return _ten_and(rest)
    if first in _TENS_WORDS and rest[:1] == ["muoi"]:
        unit = _unit_after_tens(rest[1:])
        return None if unit is None else _TENS_WORDS[first] * 10 + unit
    if first in _TENS_WORDS and len(rest) == 1 and rest[0] in _COLLOQUIAL_UNITS:
        return _TENS_WORDS[first] * 10 + _COLLOQUIAL_UNITS[rest[0]]
    if not rest and first in _DIGIT_WORDS:
        return _DIGIT_WORDS[first]
    return None


def _ten_and(rest: list[str]) -> int | None:
    if not rest:
        return 10
    if len(rest) == 1 and rest[0] in _AFTER_TEN:
        return 10 + _AFTER_TEN[rest[0]]
    return None


def _unit_after_tens(rest: list[str]) -> int | None:
    if not rest:
        return 0
    if len(rest) == 1 and rest[0] in _AFTER_TEN:
        return _AFTER_TEN[rest[0]]
    return None
