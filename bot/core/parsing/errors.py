"""Why a parser refused a cadre's input: a value the handlers turn into a polite message."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ParseReason(Enum):
    """Machine-readable reason for a refusal; each maps to one translated message."""

    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    NOT_WHOLE = "not_whole"
    TOO_LARGE = "too_large"
    AMBIGUOUS = "ambiguous"
    INVALID = "invalid"
    NO_TIME = "no_time"
    NO_DATE = "no_date"
    PAST = "past"
    WEEKDAY_MISMATCH = "weekday_mismatch"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    HAS_DIGITS = "has_digits"
    IS_LINK = "is_link"
    BAD_CHARACTERS = "bad_characters"
    NOT_A_PHONE = "not_a_phone"
    NOT_MOBILE = "not_mobile"
    NOT_A_PERIOD = "not_a_period"


@dataclass(frozen=True)
class ParseError:
    """A refused input. `detail` is a short English hint for logs, never shown to users."""

    reason: ParseReason
    detail: str = ""
