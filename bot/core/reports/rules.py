"""What a chapter report may say: hard refusals and the warnings that ask the cadre to confirm."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.parsing.periods import PeriodKind

MAX_COUNT = 100_000
MAX_NOTE = 500
UNUSUAL_MIN_GAP = 10
LARGE_NEW = {PeriodKind.WEEK: 50, PeriodKind.MONTH: 150, PeriodKind.QUARTER: 300}
"""New members in one period above which the cadre confirms the number before it is saved, whatever the
chapter's history (a typing slip such as 500 for 50 is the usual cause): a chapter has tens to a few hundred
members, so more than 50 new in a week, 150 in a month or 300 in a quarter is worth a second look."""


class Concern(StrEnum):
    """A report that is possible but worth a second look before saving."""

    NEW_OVER_TOTAL = "new_over_total"
    NEW_UNUSUAL = "new_unusual"
    NEW_LARGE = "new_large"
    TOTAL_UNUSUAL = "total_unusual"


@dataclass(frozen=True)
class PastReport:
    """A chapter's earlier report (the history the checks compare against), oldest first."""

    period_key: str
    new_members: int
    total_members: int


def sanity_warnings(
    new_members: int,
    total_members: int,
    history: Sequence[PastReport],
    kind: PeriodKind | None = None,
) -> list[Concern]:
    """Warnings for numbers that are allowed but surprising; the caller asks for confirmation.

    - more new members than members in total;
    - more new members than `LARGE_NEW` allows for the period's length;
    - new members far above anything the chapter reported before (more than three times its highest, and
      at least 10 more);
    - a total far from the last total plus the new members (off by more than 30 %, and at least 10).
    """
    if new_members < 0 or total_members < 0:
        raise ValueError("counts are never negative (parse_count refuses them)")
    warnings: list[Concern] = []
    if new_members > total_members:
        warnings.append(Concern.NEW_OVER_TOTAL)
    if kind is not None and new_members > LARGE_NEW[kind]:
        warnings.append(Concern.NEW_LARGE)
    if history:
        highest = max(p.new_members for p in history)
        if new_members > max(3 * highest, highest + UNUSUAL_MIN_GAP):
            warnings.append(Concern.NEW_UNUSUAL)
        expected = history[-1].total_members + new_members
        if abs(total_members - expected) > max(UNUSUAL_MIN_GAP, 0.3 * expected):
            warnings.append(Concern.TOTAL_UNUSUAL)
    return warnings
