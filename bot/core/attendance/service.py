"""What channel adapters may ask about training sessions; permissions are checked here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar

from bot.core.attendance.models import (
    Attendance,
    CheckInMethod,
    Registration,
    RegistrationStatus,
    RosterRow,
    Training,
    TrainingDraft,
)
from bot.core.attendance.rules import (
    MAX_CAPACITY,
    WindowState,
    is_late,
    new_code,
    newly_invited,
    plausible_code,
    window_state,
)
from bot.core.audience import Audience, AudienceResolver
from bot.core.models import Member
from bot.core.parsing import normalise_code
from bot.core.permissions import Action, can
from bot.core.ports import Clock, MemberSearch
from bot.core.text import fold
from bot.core.when import end_problem, start_problem

MAX_LATE_THRESHOLD_MINUTES = 240
EDITABLE_FIELDS = frozenset({"title", "venue", "description", "capacity", "starts_at", "late_after_minutes"})


class Outcome(StrEnum):
    """Expected results (each rendered as one polite message by the adapters)."""

    OK = "ok"
    DENIED = "denied"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    CANCELLED = "cancelled"
    ALREADY_DONE = "already_done"
    STARTED = "started"
    NOT_INVITED = "not_invited"
    TOO_EARLY = "too_early"
    CLOSED = "closed"
    UNKNOWN_CODE = "unknown_code"
    EXPIRED_CODE = "expired_code"
    NEEDS_REGISTRATION = "needs_registration"


class AttendanceStore(Protocol):
    async def create_training(self, draft: TrainingDraft, *, created_by: int, now: datetime) -> Training: ...
    async def training(self, training_id: int) -> Training | None: ...
    async def upcoming(self, now: datetime) -> list[Training]: ...
    async def update_training(
        self, training_id: int, changes: dict[str, object], *, now: datetime, actor_id: int
    ) -> tuple[Training, list[int], list[int]]: ...
    async def cancel_training(self, training_id: int, *, now: datetime, actor_id: int) -> bool: ...
    async def widen_audience(
        self, training_id: int, audience: Audience, *, version: int, now: datetime, actor_id: int
    ) -> Training | None: ...
    async def reassess_late(self, training_id: int, late_from: datetime) -> None: ...
    async def registration(self, training_id: int, member_id: int) -> Registration | None: ...
    async def register(
        self, training_id: int, member_id: int, *, now: datetime
    ) -> tuple[RegistrationStatus, bool]: ...
    async def decline(
        self, training_id: int, member_id: int, *, now: datetime
    ) -> tuple[RegistrationStatus | None, list[int]]: ...
    async def counts(self, training_id: int) -> dict[RegistrationStatus, int]: ...
    async def participants(self, training_id: int) -> list[int]: ...
    async def active_code(self, training_id: int) -> str | None: ...
    async def save_code(self, training_id: int, code: str, *, actor_id: int, now: datetime) -> None: ...
    async def code(self, code: str) -> tuple[Training, bool] | None: ...
    async def check_in(
        self,
        training_id: int,
        member_id: int,
        *,
        at: datetime,
        method: CheckInMethod,
        late: bool,
        recorded_by: int | None,
    ) -> tuple[bool, Attendance]: ...
    async def undo_check_in(
        self, training_id: int, member_id: int, *, actor_id: int, now: datetime
    ) -> bool: ...
    async def excuse(self, training_id: int, member_id: int, *, actor_id: int, now: datetime) -> bool: ...
    async def attendance(self, training_id: int, member_id: int) -> Attendance | None: ...
    async def is_member(self, member_id: int) -> bool: ...
    async def roster(self, training_id: int) -> list[RosterRow]: ...
    async def save_pending(
        self, member_id: int, training_id: int, *, scanned_at: datetime, method: CheckInMethod
    ) -> None: ...
    async def take_pending(self, member_id: int) -> list[tuple[int, datetime, CheckInMethod]]: ...


class Invitees(AudienceResolver, MemberSearch, Protocol):
    """Active members: reachable ones in an audience, or by name (the member store)."""


@dataclass(frozen=True)
class TrainingResult:
    outcome: Outcome
    training: Training | None = None
    previous: Training | None = None
    notify: tuple[int, ...] = ()
    promoted: tuple[int, ...] = ()
    demoted: tuple[int, ...] = ()


@dataclass(frozen=True)
class RegistrationResult:
    outcome: Outcome
    training: Training | None = None
    status: RegistrationStatus | None = None
    promoted: tuple[int, ...] = ()


@dataclass(frozen=True)
class CodeResult:
    outcome: Outcome
    training: Training | None = None
    code: str | None = None


@dataclass(frozen=True)
class CheckInResult:
    """`at` is the (new or earlier) check-in time when there is one."""

    outcome: Outcome
    training: Training | None = None
    at: datetime | None = None
    late: bool = False
    member_id: int | None = None


@dataclass(frozen=True)
class TrainingView:
    training: Training
    my_status: RegistrationStatus | None
    registered: int
    waitlisted: int

    @property
    def full(self) -> bool:
        return self.training.capacity is not None and self.registered >= self.training.capacity


_Result = TypeVar("_Result", TrainingResult, CodeResult, CheckInResult)


def check_draft(draft: TrainingDraft, now: datetime) -> bool:
    """A session that can be saved: in the future, a sane length, a sane capacity, someone invited."""
    return (
        start_problem(draft.starts_at, now) is None
        and end_problem(draft.starts_at, draft.ends_at) is None
        and (draft.capacity is None or 1 <= draft.capacity <= MAX_CAPACITY)
        and not draft.audience.empty
        and bool(draft.title.strip())
        and bool(draft.venue.strip())
    )


def valid_changes(changes: dict[str, object], now: datetime) -> bool:
    """Edited values an organiser may set (a new start must be in the future)."""
    checks = {
        "title": lambda v: isinstance(v, str) and bool(v.strip()),
        "venue": lambda v: isinstance(v, str) and bool(v.strip()),
        "description": lambda v: v is None or isinstance(v, str),
        "capacity": lambda v: v is None or (isinstance(v, int) and 1 <= v <= MAX_CAPACITY),
        "starts_at": lambda v: isinstance(v, datetime) and v > now,
        "ends_at": lambda v: isinstance(v, datetime),
        "late_after_minutes": lambda v: isinstance(v, int) and 0 <= v <= MAX_LATE_THRESHOLD_MINUTES,
    }
    return all(checks[key](value) for key, value in changes.items())


class AttendanceService:
    """Training sessions: create and change them, register, check in, see who came."""

    def __init__(self, store: AttendanceStore, clock: Clock, invitees: Invitees) -> None:
        self._store, self._clock, self._invitees = store, clock, invitees

    async def get(self, training_id: int) -> Training | None:
        return await self._store.training(training_id)

    async def create(self, actor: Member | None, draft: TrainingDraft) -> TrainingResult:
        """Save a new session (organisers only); `notify` is everyone it invites, except its organiser."""
        if not can(actor, Action.MANAGE_TRAINING):
            return TrainingResult(Outcome.DENIED)
        assert actor is not None
        if not check_draft(draft, self._clock.now()):
            return TrainingResult(Outcome.INVALID)
        training = await self._store.create_training(draft, created_by=actor.id, now=self._clock.now())
        invited = tuple(m for m in await self.invited(training.audience) if m != actor.id)
        return TrainingResult(Outcome.OK, training, notify=invited)

    async def upcoming_for(
        self, member: Member | None, *, include_all: bool = False, with_seminars: bool = False
    ) -> list[TrainingView]:
        """Sessions not yet ended that the member is invited to (organisers: every one when include_all).

        Seminars' check-in sessions are left out unless `with_seminars` (organisers picking a check-in).
        """
        if not can(member, Action.ATTEND_TRAINING):
            return []
        assert member is not None
        see_all = include_all and can(member, Action.MANAGE_TRAINING)
        views = []
        for training in await self._store.upcoming(self._clock.now()):
            if training.for_seminar and not (with_seminars and see_all):
                continue
            mine = await self._store.registration(training.id, member.id)
            if not (see_all or training.audience.includes(member) or mine is not None):
                continue
            views.append(await self._view(training, mine))
        return views

    async def view(self, member: Member, training: Training) -> TrainingView:
        return await self._view(training, await self._store.registration(training.id, member.id))

    async def _view(self, training: Training, mine: Registration | None) -> TrainingView:
        counts = await self._store.counts(training.id)
        return TrainingView(
            training,
            mine.status if mine else None,
            counts.get(RegistrationStatus.REGISTERED, 0),
            counts.get(RegistrationStatus.WAITLISTED, 0),
        )

    async def register(self, member: Member | None, training_id: int) -> RegistrationResult:
        """'Đăng ký': a seat while seats remain, else the waiting list; invited members only, before the
        start."""
        found = await self._answerable(member, training_id)
        if not isinstance(found, tuple):
            return found
        member, training = found
        if self._clock.now() >= training.starts_at:
            return RegistrationResult(Outcome.STARTED, training)
        if not training.audience.includes(member) and not can(member, Action.MANAGE_TRAINING):
            return RegistrationResult(Outcome.NOT_INVITED, training)
        status, changed = await self._store.register(training.id, member.id, now=self._clock.now())
        return RegistrationResult(Outcome.OK if changed else Outcome.ALREADY_DONE, training, status)

    async def decline(self, member: Member | None, training_id: int) -> RegistrationResult:
        """'Không tham dự': frees the seat, and the first on the waiting list moves up."""
        found = await self._answerable(member, training_id)
        if not isinstance(found, tuple):
            return found
        member, training = found
        if self._clock.now() >= training.ends_at:
            return RegistrationResult(Outcome.CLOSED, training)
        previous, promoted = await self._store.decline(training.id, member.id, now=self._clock.now())
        if previous in (RegistrationStatus.DECLINED, RegistrationStatus.WITHDRAWN):
            return RegistrationResult(Outcome.ALREADY_DONE, training, previous)
        status = RegistrationStatus.DECLINED if previous is None else RegistrationStatus.WITHDRAWN
        return RegistrationResult(Outcome.OK, training, status, tuple(promoted))

    async def update(self, actor: Member | None, training_id: int, **changes: object) -> TrainingResult:
        """Edit or reschedule; everyone registered or waiting is to be told (`notify`)."""
        found = await self._managed(actor, training_id, TrainingResult, live=True)
        if not isinstance(found, tuple):
            return found
        actor, training = found
        if training.for_seminar and set(changes) != {"late_after_minutes"}:
            return TrainingResult(Outcome.INVALID, training)  # it follows its seminar
        if set(changes) - EDITABLE_FIELDS or not changes:
            raise ValueError(f"not editable: {sorted(set(changes) - EDITABLE_FIELDS)}")
        starts_at = changes.get("starts_at")
        if isinstance(starts_at, datetime):
            changes["ends_at"] = starts_at + (training.ends_at - training.starts_at)
        now = self._clock.now()
        if not valid_changes(changes, now):
            return TrainingResult(Outcome.INVALID, training)
        if all(getattr(training, k) == v for k, v in changes.items()):
            return TrainingResult(Outcome.ALREADY_DONE, training)
        updated, promoted, demoted = await self._store.update_training(
            training.id, changes, now=now, actor_id=actor.id
        )
        if updated.late_from != training.late_from:
            await self._store.reassess_late(training.id, updated.late_from)
        moved = set(promoted) | set(demoted)
        notify = tuple(m for m in await self._store.participants(training.id) if m not in moved)
        return TrainingResult(Outcome.OK, updated, training, notify, tuple(promoted), tuple(demoted))

    async def cancel(self, actor: Member | None, training_id: int) -> TrainingResult:
        """Cancel a session; everyone registered or waiting is to be told."""
        found = await self._managed(actor, training_id, TrainingResult)
        if not isinstance(found, tuple):
            return found
        actor, training = found
        if training.for_seminar:
            return TrainingResult(Outcome.INVALID, training)  # cancel the seminar instead
        if not await self._store.cancel_training(training.id, now=self._clock.now(), actor_id=actor.id):
            return TrainingResult(Outcome.ALREADY_DONE, training)
        return TrainingResult(
            Outcome.OK,
            await self._store.training(training.id),
            training,
            tuple(await self._store.participants(training.id)),
        )

    async def invited(self, audience: Audience) -> list[int]:
        """Member ids of everyone an audience invites (active and reachable), each once."""
        return [p.member_id for p in await self._invitees.audience_members(audience)]

    async def invitable(self, actor: Member | None, training_id: int) -> TrainingResult:
        """Whether more people may be invited to a session now (OK with the session, or why not)."""
        found = await self._managed(actor, training_id, TrainingResult)
        if not isinstance(found, tuple):
            return found
        actor, training = found
        if training.for_seminar:
            return TrainingResult(Outcome.INVALID, training)  # it follows its seminar
        if training.cancelled:
            return TrainingResult(Outcome.CANCELLED, training)
        now = self._clock.now()
        if now > training.ends_at:
            return TrainingResult(Outcome.CLOSED, training)
        if now >= training.starts_at:
            return TrainingResult(Outcome.STARTED, training)  # nobody could register any more
        if training.audience.everyone:
            return TrainingResult(Outcome.ALREADY_DONE, training)
        return TrainingResult(Outcome.OK, training)

    async def invite_more(self, actor: Member | None, training_id: int, added: Audience) -> TrainingResult:
        """'Mời thêm': widen the audience (never narrow it); `notify` is who is newly invited.

        Newly invited: active members the new audience reaches and the old one did not, except anyone
        already registered or waiting and the organiser who widened it.
        """
        for _attempt in range(3):
            check = await self.invitable(actor, training_id)
            if check.outcome is not Outcome.OK or check.training is None:
                return check
            assert actor is not None
            training = check.training
            if added.empty:
                return TrainingResult(Outcome.INVALID, training)
            audience = training.audience.widened(added)
            if audience == training.audience:
                return TrainingResult(Outcome.ALREADY_DONE, training)
            before = await self.invited(training.audience)
            updated = await self._store.widen_audience(
                training.id, audience, version=training.version, now=self._clock.now(), actor_id=actor.id
            )
            if updated is None:
                continue  # changed meanwhile (another edit): look again
            after = await self.invited(updated.audience)
            answered = set(await self._store.participants(training.id))
            return TrainingResult(
                Outcome.OK,
                updated,
                training,
                tuple(newly_invited(before, after, answered=answered, organiser=actor.id)),
            )
        return TrainingResult(Outcome.ALREADY_DONE, await self._store.training(training_id))

    async def checkin_code(
        self, actor: Member | None, training_id: int, *, rotate: bool = False
    ) -> CodeResult:
        """The session's current check-in code (made on first use); `rotate` retires the old one."""
        found = await self._managed(actor, training_id, CodeResult, live=True)
        if not isinstance(found, tuple):
            return found
        actor, training = found
        if window_state(training, self._clock.now()) is WindowState.CLOSED:
            return CodeResult(Outcome.CLOSED, training)
        code = None if rotate else await self._store.active_code(training.id)
        if code is None:
            code = new_code()
            await self._store.save_code(training.id, code, actor_id=actor.id, now=self._clock.now())
        return CodeResult(Outcome.OK, training, code)

    async def scan(self, member: Member | None, raw_code: str, *, method: CheckInMethod) -> CheckInResult:
        """A cadre scanned the QR code or typed the short code.

        A person who is not (yet) an active member gets NEEDS_REGISTRATION after the scan time is
        remembered; `complete_pending` finishes the check-in once they are approved.
        """
        code = normalise_code(raw_code)
        found = await self._store.code(code) if plausible_code(code) else None
        if found is None or member is None:
            return CheckInResult(Outcome.UNKNOWN_CODE)
        training, revoked = found
        if training.cancelled:
            return CheckInResult(Outcome.CANCELLED, training)
        now = self._clock.now()
        state = window_state(training, now)
        attending = can(member, Action.ATTEND_TRAINING)
        if revoked or state is not WindowState.OPEN or not attending:
            previous = await self._store.attendance(training.id, member.id)
            if previous is not None and previous.checked_in_at is not None:
                return CheckInResult(
                    Outcome.ALREADY_DONE, training, previous.checked_in_at, previous.late, member.id
                )
            if revoked:
                return CheckInResult(Outcome.EXPIRED_CODE, training)
            if state is WindowState.TOO_EARLY:
                return CheckInResult(Outcome.TOO_EARLY, training)
            if state is WindowState.CLOSED:
                return CheckInResult(Outcome.CLOSED, training)
            await self._store.save_pending(member.id, training.id, scanned_at=now, method=method)
            return CheckInResult(Outcome.NEEDS_REGISTRATION, training, now, is_late(training, now), member.id)
        return await self._record(training, member.id, now, method, None)

    async def complete_pending(self, member: Member) -> list[CheckInResult]:
        """After approval: the check-ins this person scanned for, at the time they scanned."""
        if not can(member, Action.ATTEND_TRAINING):
            return []
        results = []
        for training_id, scanned_at, method in await self._store.take_pending(member.id):
            training = await self._store.training(training_id)
            if training is None or training.cancelled:
                continue
            results.append(await self._record(training, member.id, scanned_at, method, None))
        return results

    async def manual_check_in(self, actor: Member | None, training_id: int, member_id: int) -> CheckInResult:
        """An organiser checks in a cadre without a phone (from the opening of check-in on)."""
        found = await self._managed(actor, training_id, CheckInResult, live=True)
        if not isinstance(found, tuple):
            return found
        actor, training = found
        now = self._clock.now()
        if window_state(training, now) is WindowState.TOO_EARLY:
            return CheckInResult(Outcome.TOO_EARLY, training)
        if not await self._store.is_member(member_id):
            return CheckInResult(Outcome.NOT_FOUND, training)
        return await self._record(training, member_id, now, CheckInMethod.MANUAL, actor.id)

    async def undo_check_in(self, actor: Member | None, training_id: int, member_id: int) -> CheckInResult:
        found = await self._managed(actor, training_id, CheckInResult)
        if not isinstance(found, tuple):
            return found
        actor, training = found
        if not await self._store.undo_check_in(
            training.id, member_id, actor_id=actor.id, now=self._clock.now()
        ):
            return CheckInResult(Outcome.ALREADY_DONE, training, member_id=member_id)
        return CheckInResult(Outcome.OK, training, member_id=member_id)

    async def excuse(self, actor: Member | None, training_id: int, member_id: int) -> CheckInResult:
        """Mark someone excused (they told the organisers they cannot come)."""
        found = await self._managed(actor, training_id, CheckInResult)
        if not isinstance(found, tuple):
            return found
        actor, training = found
        if not await self._store.is_member(member_id):
            return CheckInResult(Outcome.NOT_FOUND, training)
        previous = await self._store.attendance(training.id, member_id)
        if previous is not None and previous.checked_in_at is not None:
            return CheckInResult(
                Outcome.ALREADY_DONE, training, previous.checked_in_at, previous.late, member_id
            )
        if not await self._store.excuse(training.id, member_id, actor_id=actor.id, now=self._clock.now()):
            return CheckInResult(Outcome.ALREADY_DONE, training, member_id=member_id)
        return CheckInResult(Outcome.OK, training, member_id=member_id)

    async def roster(
        self, actor: Member | None, training_id: int
    ) -> tuple[Training | None, list[RosterRow]] | None:
        """Everyone on the session's list (organisers only); None when refused."""
        if not can(actor, Action.MANAGE_TRAINING):
            return None
        training = await self._store.training(training_id)
        return (training, await self._store.roster(training_id)) if training else (None, [])

    async def participants(self, training_id: int) -> list[int]:
        return await self._store.participants(training_id)

    async def find_people(self, actor: Member | None, query: str, *, limit: int = 8) -> list[Member] | None:
        """Active members whose name contains `query` (accents optional), for checking someone in by hand or
        marking them excused (organisers only); None when refused."""
        if not can(actor, Action.MANAGE_TRAINING):
            return None
        return await self._invitees.search(fold(query), limit=limit)

    async def _answerable(
        self, member: Member | None, training_id: int
    ) -> tuple[Member, Training] | RegistrationResult:
        """The cadre and the session they answer, or the refusal: NOT_FOUND, DENIED, then CANCELLED."""
        training = await self._store.training(training_id)
        if training is None:
            return RegistrationResult(Outcome.NOT_FOUND)
        if not can(member, Action.ATTEND_TRAINING):
            return RegistrationResult(Outcome.DENIED, training)
        assert member is not None
        if training.cancelled:
            return RegistrationResult(Outcome.CANCELLED, training)
        return member, training

    async def _managed(
        self,
        actor: Member | None,
        training_id: int,
        result: Callable[[Outcome, Training | None], _Result],
        *,
        live: bool = False,
    ) -> tuple[Member, Training] | _Result:
        """The organiser and the session they act on, or the refusal as `result`: DENIED, NOT_FOUND, then
        (when `live`) CANCELLED."""
        if not can(actor, Action.MANAGE_TRAINING):
            return result(Outcome.DENIED, None)
        assert actor is not None
        training = await self._store.training(training_id)
        if training is None:
            return result(Outcome.NOT_FOUND, None)
        if live and training.cancelled:
            return result(Outcome.CANCELLED, training)
        return actor, training

    async def _record(
        self, training: Training, member_id: int, at: datetime, method: CheckInMethod, recorded_by: int | None
    ) -> CheckInResult:
        inserted, row = await self._store.check_in(
            training.id, member_id, at=at, method=method, late=is_late(training, at), recorded_by=recorded_by
        )
        return CheckInResult(
            Outcome.OK if inserted else Outcome.ALREADY_DONE, training, row.checked_in_at, row.late, member_id
        )
