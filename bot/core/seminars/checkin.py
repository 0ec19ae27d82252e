"""A seminar's check-in reuses the training check-in: one linked session, with the invitees expected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.attendance import Outcome, RosterRow, Training, TrainingDraft
from bot.core.audience import NOBODY
from bot.core.models import Member
from bot.core.permissions import Action, can
from bot.core.ports import Clock
from bot.core.seminars.models import Rsvp, RsvpOutcome
from bot.core.seminars.service import SeminarResult, SeminarService


class SeminarCheckInStore(Protocol):
    async def seminar_training(self, seminar_id: int) -> Training | None: ...
    async def open_seminar_training(
        self,
        seminar_id: int,
        draft: TrainingDraft,
        expected: Sequence[int],
        *,
        created_by: int,
        now: datetime,
    ) -> Training: ...
    async def roster(self, training_id: int) -> list[RosterRow]: ...
    async def cancel_seminar_training(self, seminar_id: int, *, now: datetime) -> bool: ...


@dataclass(frozen=True)
class SeminarCheckIn:
    """The outcome of opening check-in, and the linked session when there is one."""

    outcome: Outcome
    training: Training | None = None


class SeminarCheckInService:
    """Open a seminar's check-in; tell who came (those asked the feedback question)."""

    def __init__(self, store: SeminarCheckInStore, seminars: SeminarService, clock: Clock) -> None:
        self._store, self._seminars, self._clock = store, seminars, clock

    async def open(self, actor: Member | None, seminar_id: int) -> SeminarCheckIn:
        """The seminar's check-in session (made on first use, its details refreshed after), for organisers.

        Invitees who have not declined are registered silently, so the live view shows who is expected;
        the session sends no invitation and is not listed among the trainings.
        """
        if not (can(actor, Action.MANAGE_SEMINARS) and can(actor, Action.MANAGE_TRAINING)):
            return SeminarCheckIn(Outcome.DENIED)
        assert actor is not None
        seminar = await self._seminars.get(seminar_id)
        if seminar is None:
            return SeminarCheckIn(Outcome.NOT_FOUND)
        if not seminar.is_open:
            return SeminarCheckIn(Outcome.CANCELLED)
        now = self._clock.now()
        if now >= seminar.ends_at:
            return SeminarCheckIn(Outcome.CLOSED, await self._store.seminar_training(seminar_id))
        expected = [
            i.member_id
            for i in await self._seminars.invitees(seminar_id)
            if i.rsvp in (Rsvp.YES, Rsvp.PENDING)
        ]
        draft = TrainingDraft(
            seminar.topic,
            seminar.starts_at,
            seminar.ends_at,
            seminar.venue,
            NOBODY,
            description=seminar.host or None,
        )
        training = await self._store.open_seminar_training(
            seminar_id, draft, expected, created_by=actor.id, now=now
        )
        return SeminarCheckIn(Outcome.OK, training)

    async def cancel(self, actor: Member | None, seminar_id: int) -> SeminarResult:
        """Call the seminar off (every invitee is told, no reminder goes out) and close its check-in, so a
        scan of its code is refused too; one use case, in the caller's transaction."""
        result = await self._seminars.cancel(actor, seminar_id)
        if result.outcome is RsvpOutcome.OK:
            await self.close_if_cancelled(seminar_id)
        return result

    async def close_if_cancelled(self, seminar_id: int) -> bool:
        """After a seminar is cancelled, its check-in session (if any) refuses scans too."""
        seminar = await self._seminars.get(seminar_id)
        if seminar is None or seminar.is_open:
            return False
        return await self._store.cancel_seminar_training(seminar_id, now=self._clock.now())

    async def attendees(self, seminar_id: int) -> list[int]:
        """Who attended: those checked in when check-in was opened, else those who said they would come."""
        training = await self._store.seminar_training(seminar_id)
        if training is not None:
            return [row.member_id for row in await self._store.roster(training.id) if row.checked_in]
        return [i.member_id for i in await self._seminars.invitees(seminar_id) if i.rsvp is Rsvp.YES]

    async def attended(self, seminar_id: int, member_id: int) -> bool:
        return member_id in await self.attendees(seminar_id)
