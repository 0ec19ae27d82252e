"""The seminar service: every organiser and invitee action, with its permission and rule checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.audience import Audience
from bot.core.models import Member, Recipient
from bot.core.permissions import Action, can
from bot.core.ports import Clock, MemberStore
from bot.core.seminars.feedback import SHOWN_AFTER_END, FeedbackSummary, feedback_shown, summarise_feedback
from bot.core.seminars.models import (
    DEFAULT_DURATION,
    DEFAULT_OFFSETS,
    FEEDBACK_AFTER_END,
    MAX_ATTACHMENT_BYTES,
    Announcement,
    Invitee,
    Rsvp,
    RsvpOutcome,
    Seminar,
    SeminarStatus,
    announce_task,
    check_delegation,
    check_new_start,
    check_rsvp,
    check_times,
    may_nudge,
    newly_invited,
    plan_tasks,
)
from bot.core.tasks import PlannedTask
from bot.core.text import fold

MIN_SEARCH, MAX_SEARCH = 2, 80
"""How many letters of a name a search takes."""


class SeminarStore(Protocol):
    async def create(
        self,
        seminar: Seminar,
        member_ids: Sequence[int],
        tasks_for: Callable[[Seminar], Sequence[PlannedTask]],
        *,
        now: datetime,
    ) -> int: ...
    async def get(self, seminar_id: int) -> Seminar | None: ...
    async def upcoming(self, now: datetime) -> list[Seminar]: ...
    async def open_seminars(self, ending_after: datetime) -> list[Seminar]: ...
    async def invitations(self, member_id: int, now: datetime) -> list[tuple[Seminar, Rsvp]]: ...
    async def invitees(self, seminar_id: int) -> list[Invitee]: ...
    async def invitee(self, seminar_id: int, member_id: int) -> Invitee | None: ...
    async def set_rsvp(self, seminar_id: int, member_id: int, rsvp: Rsvp, *, now: datetime) -> None: ...
    async def delegate(
        self, seminar_id: int, member_id: int, replacement_id: int, task: PlannedTask, *, now: datetime
    ) -> None: ...
    async def reschedule(
        self, seminar: Seminar, tasks: Sequence[PlannedTask], *, actor_id: int, now: datetime
    ) -> None: ...
    async def cancel(self, seminar: Seminar, task: PlannedTask, *, actor_id: int, now: datetime) -> None: ...
    async def record_nudge(self, seminar: Seminar, task: PlannedTask, *, now: datetime) -> None: ...
    async def plan(self, tasks: Sequence[PlannedTask], *, now: datetime) -> None: ...
    async def invite_more(
        self,
        seminar: Seminar,
        member_ids: Sequence[int],
        tasks: Sequence[PlannedTask],
        *,
        actor_id: int,
        now: datetime,
    ) -> None: ...
    async def save_feedback(self, seminar_id: int, member_id: int, rating: int, *, now: datetime) -> bool: ...
    async def feedback(self, seminar_id: int) -> dict[int, int]: ...
    async def rating_counts(self, seminar_id: int) -> dict[int, int]: ...
    async def ended(self, *, ended_after: datetime, now: datetime, limit: int) -> list[Seminar]: ...
    async def default_offsets(self) -> tuple[timedelta, ...] | None: ...
    async def set_default_offsets(
        self, offsets: tuple[timedelta, ...], *, actor_id: int, now: datetime
    ) -> None: ...
    async def save_blob(self, filename: str, mime_type: str, data: bytes, *, now: datetime) -> int: ...
    async def blob_info(self, blob_id: int) -> tuple[str, str] | None: ...


@dataclass(frozen=True)
class SeminarDraft:
    """What the organiser typed, already parsed and checked by the dialog."""

    topic: str
    host: str
    starts_at: datetime
    venue: str
    audience: Audience
    agenda: str = ""
    attachment_blob_id: int | None = None
    ends_at: datetime | None = None
    """None: the usual length (DEFAULT_DURATION) after the start."""

    @property
    def end(self) -> datetime:
        return self.ends_at if self.ends_at is not None else self.starts_at + DEFAULT_DURATION


@dataclass(frozen=True)
class SeminarResult:
    outcome: RsvpOutcome
    seminar: Seminar | None = None
    invited: int = 0
    replacement: Member | None = None


class SeminarService:
    """Create, reschedule, cancel and nudge (organisers); answer, delegate and rate (invitees)."""

    def __init__(self, store: SeminarStore, members: MemberStore, clock: Clock) -> None:
        self._store, self._members, self._clock = store, members, clock

    async def reminder_offsets(self) -> tuple[timedelta, ...]:
        """The offsets new seminars get (configured in chat, else 3 days, 1 day, 2 hours)."""
        return await self._store.default_offsets() or DEFAULT_OFFSETS

    async def set_reminder_offsets(self, actor: Member | None, offsets: tuple[timedelta, ...]) -> RsvpOutcome:
        if not can(actor, Action.MANAGE_SEMINARS):
            return RsvpOutcome.DENIED
        assert actor is not None
        if not offsets:
            return RsvpOutcome.INVALID
        await self._store.set_default_offsets(offsets, actor_id=actor.id, now=self._clock.now())
        return RsvpOutcome.OK

    async def audience_members(self, audience: Audience) -> list[Recipient]:
        """Active, reachable members the audience designates, each once, in name order."""
        found = await self._members.audience_members(audience)
        return sorted((p.recipient for p in found), key=lambda r: (r.full_name, r.member_id))

    async def find_members(
        self, actor: Member | None, typed: str, *, limit: int, excluding: int | None = None
    ) -> list[Member] | None:
        """Active members whose name contains what was typed (accents optional), by name; None when the
        text is too short or too long to search. Only active members may search (to invite or to send a
        replacement)."""
        text = typed.strip()
        if not MIN_SEARCH <= len(text) <= MAX_SEARCH:
            return None
        if not (can(actor, Action.ANSWER_SEMINARS) or can(actor, Action.MANAGE_SEMINARS)):
            return []
        found = await self._members.search(fold(text), limit=limit + 1)
        return [m for m in found if m.id != excluding][:limit]

    async def save_attachment(
        self, actor: Member | None, filename: str, mime_type: str, data: bytes
    ) -> int | None:
        """Keep the document an organiser uploads for a new seminar's invitations; its id, or None when the
        organiser may not create seminars or the file is empty or too large."""
        if not can(actor, Action.MANAGE_SEMINARS) or not data or len(data) > MAX_ATTACHMENT_BYTES:
            return None
        return await self._store.save_blob(filename, mime_type, data, now=self._clock.now())

    async def attachment(self, seminar: Seminar) -> tuple[str, str] | None:
        """The file name and type of the seminar's document, if it has one."""
        if seminar.attachment_blob_id is None:
            return None
        return await self._store.blob_info(seminar.attachment_blob_id)

    async def create(self, actor: Member | None, draft: SeminarDraft) -> SeminarResult:
        """Save the seminar and its invitees, plan its reminders and the invitations, in one transaction."""
        if not can(actor, Action.MANAGE_SEMINARS):
            return SeminarResult(RsvpOutcome.DENIED)
        assert actor is not None
        now = self._clock.now()
        if not check_times(draft.starts_at, draft.end, now) or not draft.topic or not draft.venue:
            return SeminarResult(RsvpOutcome.INVALID)
        invitees = await self.audience_members(draft.audience)
        if not invitees:
            return SeminarResult(RsvpOutcome.NOT_FOUND)
        seminar = Seminar(
            0,
            draft.topic,
            draft.host,
            draft.starts_at,
            draft.end,
            draft.venue,
            draft.agenda,
            SeminarStatus.SCHEDULED,
            actor.id,
            draft.audience,
            await self.reminder_offsets(),
            draft.attachment_blob_id,
        )
        seminar_id = await self._store.create(
            seminar,
            [r.member_id for r in invitees],
            lambda saved: [announce_task(saved, Announcement.INVITE, now), *plan_tasks(saved, now)],
            now=now,
        )
        return SeminarResult(RsvpOutcome.OK, await self._store.get(seminar_id), len(invitees))

    async def get(self, seminar_id: int) -> Seminar | None:
        return await self._store.get(seminar_id)

    async def upcoming(self) -> list[Seminar]:
        return await self._store.upcoming(self._clock.now())

    async def invitees(self, seminar_id: int) -> list[Invitee]:
        return await self._store.invitees(seminar_id)

    async def my_invitations(self, actor: Member | None) -> list[tuple[Seminar, Rsvp]]:
        """The upcoming seminars this member is invited to, with their current answer."""
        if actor is None or not can(actor, Action.ANSWER_SEMINARS):
            return []
        return await self._store.invitations(actor.id, self._clock.now())

    async def invitee(self, seminar_id: int, member_id: int) -> Invitee | None:
        return await self._store.invitee(seminar_id, member_id)

    async def answer(self, actor: Member | None, seminar_id: int, rsvp: Rsvp) -> SeminarResult:
        """An invitee attends or declines; changeable until the start."""
        seminar = await self._store.get(seminar_id)
        invitee = await self._store.invitee(seminar_id, actor.id) if actor and seminar else None
        now = self._clock.now()
        outcome = check_rsvp(seminar, invitee, rsvp, now)
        if seminar is not None and not can(actor, Action.ANSWER_SEMINARS):
            outcome = RsvpOutcome.DENIED
        if outcome is RsvpOutcome.OK and rsvp is Rsvp.DELEGATED:
            outcome = RsvpOutcome.INVALID
        if outcome is RsvpOutcome.OK:
            assert actor is not None
            await self._store.set_rsvp(seminar_id, actor.id, rsvp, now=now)
        return SeminarResult(outcome, seminar)

    async def may_delegate(self, actor: Member | None, seminar_id: int) -> SeminarResult:
        """Before asking for a name: is this member still able to send someone in their place?"""
        seminar = await self._store.get(seminar_id)
        invitee = await self._store.invitee(seminar_id, actor.id) if actor and seminar else None
        if seminar is not None and not can(actor, Action.ANSWER_SEMINARS):
            return SeminarResult(RsvpOutcome.DENIED, seminar)
        return SeminarResult(check_rsvp(seminar, invitee, Rsvp.DELEGATED, self._clock.now()), seminar)

    async def delegate(self, actor: Member | None, seminar_id: int, replacement_id: int) -> SeminarResult:
        """The invitee names a replacement, who is invited in turn."""
        seminar = await self._store.get(seminar_id)
        invitee = await self._store.invitee(seminar_id, actor.id) if actor and seminar else None
        if seminar is not None and not can(actor, Action.ANSWER_SEMINARS):
            return SeminarResult(RsvpOutcome.DENIED, seminar)
        replacement = await self._members.get(replacement_id)
        if replacement is None or not replacement.is_active:
            return SeminarResult(RsvpOutcome.NOT_FOUND, seminar)
        now = self._clock.now()
        existing = await self._store.invitee(seminar_id, replacement_id)
        outcome = check_delegation(seminar, invitee, replacement_id, existing, now)
        if outcome is not RsvpOutcome.OK:
            return SeminarResult(outcome, seminar, replacement=replacement)
        assert actor is not None and seminar is not None
        await self._store.delegate(
            seminar_id,
            actor.id,
            replacement_id,
            announce_task(seminar, Announcement.INVITE, now, to=replacement_id),
            now=now,
        )
        return SeminarResult(RsvpOutcome.OK, seminar, replacement=replacement)

    async def _managed(self, actor: Member | None, seminar_id: int) -> tuple[RsvpOutcome, Seminar | None]:
        seminar = await self._store.get(seminar_id)
        if seminar is None:
            return RsvpOutcome.NOT_FOUND, None
        if not can(actor, Action.MANAGE_SEMINARS):
            return RsvpOutcome.DENIED, seminar
        if not seminar.is_open:
            return RsvpOutcome.CANCELLED, seminar
        if seminar.started(self._clock.now()):
            return RsvpOutcome.TOO_LATE, seminar
        return RsvpOutcome.OK, seminar

    async def reschedule(self, actor: Member | None, seminar_id: int, starts_at: datetime) -> SeminarResult:
        """Move the seminar: every invitee is told, pending reminders are dropped and planned anew."""
        outcome, seminar = await self._managed(actor, seminar_id)
        now = self._clock.now()
        if outcome is RsvpOutcome.OK and not check_new_start(starts_at, now):
            outcome = RsvpOutcome.INVALID
        if outcome is not RsvpOutcome.OK:
            return SeminarResult(outcome, seminar)
        assert seminar is not None and actor is not None
        if starts_at == seminar.starts_at:
            return SeminarResult(RsvpOutcome.UNCHANGED, seminar)
        moved = replace(
            seminar,
            starts_at=starts_at,
            ends_at=starts_at + (seminar.ends_at - seminar.starts_at),
            version=seminar.version + 1,
        )
        await self._store.reschedule(
            moved,
            [announce_task(moved, Announcement.MOVED, now), *plan_tasks(moved, now)],
            actor_id=actor.id,
            now=now,
        )
        return SeminarResult(RsvpOutcome.OK, await self._store.get(seminar_id))

    async def cancel(self, actor: Member | None, seminar_id: int) -> SeminarResult:
        """Call the seminar off: every invitee is told and no reminder goes out any more."""
        outcome, seminar = await self._managed(actor, seminar_id)
        if outcome is not RsvpOutcome.OK:
            return SeminarResult(outcome, seminar)
        assert seminar is not None and actor is not None
        now = self._clock.now()
        cancelled = replace(seminar, status=SeminarStatus.CANCELLED)
        await self._store.cancel(
            cancelled, announce_task(cancelled, Announcement.CANCELLED, now), actor_id=actor.id, now=now
        )
        return SeminarResult(RsvpOutcome.OK, await self._store.get(seminar_id))

    async def invitable(self, actor: Member | None, seminar_id: int) -> SeminarResult:
        """Whether more people may be invited now: OK with the seminar, or why not (cancelled, started,
        ...)."""
        outcome, seminar = await self._managed(actor, seminar_id)
        return SeminarResult(outcome, seminar)

    async def invite_more(self, actor: Member | None, seminar_id: int, added: Audience) -> SeminarResult:
        """'Mời thêm': invite the active members of the added wards, roles or chapters (or everyone) who are
        not invitees yet; they get the creation's invitation and the later reminders. `invited` is how
        many."""
        outcome, seminar = await self._managed(actor, seminar_id)
        if outcome is RsvpOutcome.OK and added.empty:
            outcome = RsvpOutcome.INVALID
        if outcome is not RsvpOutcome.OK:
            return SeminarResult(outcome, seminar)
        assert seminar is not None and actor is not None
        reached = [p.member_id for p in await self._members.audience_members(added)]
        new = newly_invited(reached, [i.member_id for i in await self._store.invitees(seminar_id)])
        if not new:
            return SeminarResult(RsvpOutcome.UNCHANGED, seminar)
        now = self._clock.now()
        widened = replace(seminar, audience=seminar.audience.with_members(new))
        await self._store.invite_more(
            widened,
            new,
            [announce_task(seminar, Announcement.INVITE, now, to=member_id) for member_id in new],
            actor_id=actor.id,
            now=now,
        )
        return SeminarResult(RsvpOutcome.OK, await self._store.get(seminar_id), len(new))

    async def nudge(self, actor: Member | None, seminar_id: int) -> SeminarResult:
        """Remind everyone who has not answered yet (at most once an hour)."""
        outcome, seminar = await self._managed(actor, seminar_id)
        if outcome is not RsvpOutcome.OK:
            return SeminarResult(outcome, seminar)
        assert seminar is not None
        now = self._clock.now()
        if not may_nudge(seminar, now):
            return SeminarResult(RsvpOutcome.UNCHANGED, seminar)
        waiting = [i for i in await self._store.invitees(seminar_id) if i.rsvp is Rsvp.PENDING]
        if not waiting:
            return SeminarResult(RsvpOutcome.NOT_FOUND, seminar)
        nudged = replace(seminar, nudges=seminar.nudges + 1, last_nudged_at=now)
        await self._store.record_nudge(nudged, announce_task(nudged, Announcement.NUDGE, now), now=now)
        return SeminarResult(RsvpOutcome.OK, nudged, len(waiting))

    async def rate(
        self, actor: Member | None, seminar_id: int, rating: int, *, attended: bool | None = None
    ) -> SeminarResult:
        """An attendee answers the feedback question (1–5), once the seminar has started; changeable.

        `attended` says whether the actor checked in (when check-in was opened); otherwise an attendee is
        an invitee who said they would come.
        """
        seminar = await self._store.get(seminar_id)
        invitee = await self._store.invitee(seminar_id, actor.id) if actor and seminar else None
        if seminar is None:
            return SeminarResult(RsvpOutcome.NOT_FOUND)
        said_yes = invitee is not None and invitee.rsvp is Rsvp.YES
        if actor is None or not (said_yes if attended is None else attended):
            return SeminarResult(RsvpOutcome.NOT_INVITED, seminar)
        if not seminar.is_open:
            return SeminarResult(RsvpOutcome.CANCELLED, seminar)
        if not seminar.started(self._clock.now()) or not 1 <= rating <= 5:
            return SeminarResult(RsvpOutcome.INVALID, seminar)
        assert actor is not None
        changed = await self._store.save_feedback(seminar_id, actor.id, rating, now=self._clock.now())
        return SeminarResult(RsvpOutcome.OK if changed else RsvpOutcome.UNCHANGED, seminar)

    async def feedback(self, seminar_id: int) -> dict[int, int]:
        return await self._store.feedback(seminar_id)

    async def recently_ended(self, actor: Member | None, *, limit: int = 5) -> list[Seminar]:
        """Seminars that ended in the last month, the latest first (organisers only; others get nothing)."""
        if not can(actor, Action.MANAGE_SEMINARS):
            return []
        now = self._clock.now()
        return await self._store.ended(ended_after=now - SHOWN_AFTER_END, now=now, limit=limit)

    async def feedback_summary(self, actor: Member | None, seminar_id: int) -> FeedbackSummary | None:
        """The ratings of an ended seminar for those who manage seminars; None for anyone else, or before the
        end."""
        seminar = await self._store.get(seminar_id)
        if (
            seminar is None
            or not can(actor, Action.MANAGE_SEMINARS)
            or not feedback_shown(seminar, self._clock.now())
        ):
            return None
        return summarise_feedback(await self._store.rating_counts(seminar_id))

    async def replan_all(self) -> int:
        """At start: plan every open seminar's future tasks again (idempotent: keys move, done stays done)."""
        now = self._clock.now()
        recent = await self._store.open_seminars(now - FEEDBACK_AFTER_END - timedelta(days=1))
        tasks = [task for seminar in recent for task in plan_tasks(seminar, now)]
        await self._store.plan(tasks, now=now)
        return len(tasks)
