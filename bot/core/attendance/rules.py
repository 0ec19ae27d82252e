"""The attendance rules: check-in window, late threshold, capacity and waiting list, codes."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.attendance.models import RegistrationStatus, RosterRow, Training
from bot.core.text import natural_key

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
MAX_TITLE = 120
MAX_VENUE = 160
MAX_DESCRIPTION = 1000
MAX_CAPACITY = 5000
DEFAULT_LENGTH = timedelta(hours=3)
"""A training's end when the organiser skips the question."""


class WindowState(StrEnum):
    TOO_EARLY = "too_early"
    OPEN = "open"
    CLOSED = "closed"


def window_state(training: Training, at: datetime) -> WindowState:
    """Where `at` falls relative to the check-in window [opens_at, ends_at] (both ends included)."""
    if at < training.opens_at:
        return WindowState.TOO_EARLY
    if at > training.ends_at:
        return WindowState.CLOSED
    return WindowState.OPEN


def is_late(training: Training, at: datetime) -> bool:
    """Strictly after start + threshold is late; exactly on the threshold is still on time."""
    return at > training.late_from


def place_for(capacity: int | None, registered: int) -> RegistrationStatus:
    """A new registration gets a seat while seats remain, otherwise a place on the waiting list."""
    if capacity is None or registered < capacity:
        return RegistrationStatus.REGISTERED
    return RegistrationStatus.WAITLISTED


def promotions(capacity: int | None, registered: int, waitlist: Sequence[int]) -> list[int]:
    """Who moves up from the waiting list (in its order) to fill the free seats."""
    free = len(waitlist) if capacity is None else max(0, capacity - registered)
    return list(waitlist[:free])


def demotions(capacity: int | None, registered: Sequence[int], checked_in: Collection[int] = ()) -> list[int]:
    """Who goes back to the waiting list when seats are cut below the registrations.

    `registered` is in registration order; the latest registrations go first, never anyone already checked in.
    """
    if capacity is None or len(registered) <= capacity:
        return []
    movable = [member for member in reversed(registered) if member not in checked_in]
    return movable[: len(registered) - capacity]


def newly_invited(
    before: Iterable[int],
    after: Iterable[int],
    *,
    answered: Collection[int] = (),
    organiser: int | None = None,
) -> list[int]:
    """Who a widened audience reaches that the old one did not, in the order of `after`.

    Anyone who already answered (registered or waiting) and the organiser who widened it are left out.
    """
    old = set(before)
    return [m for m in dict.fromkeys(after) if m not in old and m not in answered and m != organiser]


def new_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """A short code that is easy to read aloud and to type (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).

    It holds a letter and a digit, so typed alone in any case it is read as a code (`looks_like_code`), never
    as a number or a word. `choice` picks each character (a seeded one in tests).
    """
    while True:
        code = "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if any(ch.isdigit() for ch in code) and not code.isdigit():
            return code


def plausible_code(code: str) -> bool:
    """Worth a database lookup: the right length and alphabet (after normalise_code)."""
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def looks_like_code(text: str) -> bool:
    """A message typed alone that is a check-in attempt: one word of CODE_LENGTH characters from
    CODE_ALPHABET (a dash or space inside allowed), written in capitals or holding a digit.

    So 'KTW4KD', 'ktw4kd' and 'KTW-4KD' are codes; 'OK', 'CAMON' (too short) and a lower-case name such
    as 'nguyen' (no digit) are not, nor digits alone (a bare number is answered as such).
    """
    word = text.strip()
    if len(word) > CODE_LENGTH + 2 or not all(ch.isascii() and (ch.isalnum() or ch in "- ") for ch in word):
        return False
    code = word.replace("-", "").replace(" ", "")
    if code.isdecimal():
        return False
    return plausible_code(code.upper()) and (code.isupper() or any(ch.isdigit() for ch in code))


@dataclass(frozen=True)
class WardGroup:
    """One ward's part of the live view."""

    ward: str | None
    on_time: tuple[RosterRow, ...]
    late: tuple[RosterRow, ...]
    not_arrived: tuple[RosterRow, ...]
    excused: tuple[RosterRow, ...]


@dataclass(frozen=True)
class LiveSummary:
    """expected = registered + walk_ins = checked_in + not_arrived + excused."""

    expected: int
    registered: int
    checked_in: int
    late: int
    not_arrived: int
    excused: int
    walk_ins: int
    waitlisted: int
    groups: tuple[WardGroup, ...]


def summarise(rows: Sequence[RosterRow]) -> LiveSummary:
    """Counts and a per-ward grouping for the organisers' live view.

    Expected people are the registered and anyone checked in or excused without registering (walk-ins,
    never counted as registered), so registered + walk-ins = arrived + not yet + excused.
    """
    expected = [
        r for r in rows if r.registration is RegistrationStatus.REGISTERED or r.checked_in or r.excused
    ]
    wards = sorted({r.ward for r in expected}, key=lambda w: (w is None, natural_key(w or "")))
    groups = []
    for ward in wards:
        mine = [r for r in expected if r.ward == ward]
        groups.append(
            WardGroup(
                ward,
                tuple(r for r in mine if r.checked_in and not r.late),
                tuple(r for r in mine if r.checked_in and r.late),
                tuple(r for r in mine if not r.checked_in and not r.excused),
                tuple(r for r in mine if not r.checked_in and r.excused),
            )
        )
    registered = sum(r.registration is RegistrationStatus.REGISTERED for r in rows)
    return LiveSummary(
        expected=len(expected),
        registered=registered,
        checked_in=sum(r.checked_in for r in expected),
        late=sum(r.checked_in and r.late for r in expected),
        not_arrived=sum(not r.checked_in and not r.excused for r in expected),
        excused=sum(not r.checked_in and r.excused for r in expected),
        walk_ins=len(expected) - registered,
        waitlisted=sum(r.registration is RegistrationStatus.WAITLISTED for r in rows),
        groups=tuple(groups),
    )
