"""What organisers learn from the 1–5 ratings after a seminar: how many, the average, the distribution."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from bot.core.seminars.models import Seminar

RATINGS = (5, 4, 3, 2, 1)
"""Best first, as the organiser reads the distribution."""
SHOWN_AFTER_END = timedelta(days=30)
"""How long an ended seminar stays in the organisers' overview with its feedback."""


@dataclass(frozen=True)
class FeedbackSummary:
    """`distribution` maps every rating 5…1 to how many gave it (zeros included)."""

    count: int
    average: Decimal | None
    distribution: dict[int, int]


def summarise_feedback(counts: Mapping[int, int]) -> FeedbackSummary:
    """From {rating: how many} (ratings outside 1–5 ignored): the count, the average to one decimal, 5…1."""
    distribution = {rating: max(0, int(counts.get(rating, 0))) for rating in RATINGS}
    count = sum(distribution.values())
    if not count:
        return FeedbackSummary(0, None, distribution)
    total = sum(rating * n for rating, n in distribution.items())
    average = (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return FeedbackSummary(count, average, distribution)


def feedback_shown(seminar: Seminar, now: datetime) -> bool:
    """Feedback is shown once the seminar has ended (not when it was cancelled), for a month."""
    return seminar.is_open and seminar.ends_at <= now < seminar.ends_at + SHOWN_AFTER_END
