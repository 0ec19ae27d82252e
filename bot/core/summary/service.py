"""The summary service: who may see which summary, subscriptions, and who gets the Monday delivery.

The Monday delivery is a durable task per week (`summary:<week>`, kind `weekly_summary`), planned again for
the next week each time it runs; each addressee's messages are queued once, in the transaction that records
the delivery.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.conversation.replies import Attachment
from bot.core.models import Member, Recipient, Role, Ward
from bot.core.notices import OutgoingMessage
from bot.core.parsing import PeriodKind, period_containing
from bot.core.permissions import Action, Reach, can, reach_of
from bot.core.ports import Clock
from bot.core.summary.compute import compute_summary
from bot.core.summary.inputs import PeriodInfo, SummaryInputs
from bot.core.summary.model import WeeklySummary
from bot.core.summary.weeks import Schedule, Week, parse_week_key, summary_week, week_of
from bot.core.tasks import Task, TaskPlanner
from bot.core.text import fold

TASK_KIND = "weekly_summary"
TASK_PREFIX = "summary:"
_WARD_WORD = re.compile(r"^(?:phuong|p\.?|xa|x\.?|ward)\s*(?P<rest>\S.*)$")


class SummaryStore(Protocol):
    async def inputs(self, week: Week, *, as_of: datetime, period: PeriodInfo) -> SummaryInputs: ...
    async def wards(self) -> list[Ward]: ...
    async def subscriptions(self) -> dict[int, bool]: ...
    async def set_subscription(self, member_id: int, subscribed: bool, *, now: datetime) -> None: ...
    async def deliver(
        self,
        week_key: str,
        member_id: int,
        ward_id: int | None,
        messages: list[OutgoingMessage],
        *,
        now: datetime,
    ) -> bool: ...
    async def delivered(self, week_key: str) -> set[int]: ...
    async def summary_message_week(self, chat_id: str, message_id: int) -> str | None: ...
    async def members(self) -> list[Member]: ...
    async def recipient(self, member_id: int) -> Recipient | None: ...
    async def save_blob(self, filename: str, mime_type: str, data: bytes, *, now: datetime) -> int: ...


class SummaryTasks(TaskPlanner, Protocol):
    async def pending(self, prefix: str = "") -> list[Task]: ...


class Outcome(StrEnum):
    OK = "ok"
    DENIED = "denied"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class SummaryResult:
    outcome: Outcome
    summary: WeeklySummary | None = None


@dataclass(frozen=True)
class Addressee:
    """Who receives the Monday summary, and the ward it is restricted to (None = district)."""

    member: Member
    ward_id: int | None


def default_subscription(member: Member) -> bool:
    """Admins receive the summary unless they opted out; everyone else only when they asked."""
    return member.role is Role.ADMIN


def summary_audience(members: list[Member], subscriptions: dict[int, bool]) -> list[Addressee]:
    """Members who get this week's summary: admins (on by default) and subscribed organisers and ward
    leads."""
    audience = []
    for member in members:
        if not can(member, Action.VIEW_SUMMARY):
            continue
        if not subscriptions.get(member.id, default_subscription(member)):
            continue
        reach = reach_of(member, Action.VIEW_SUMMARY)
        if reach is Reach.ALL:
            audience.append(Addressee(member, None))
        elif reach is Reach.OWN_WARD and member.ward_id is not None:
            audience.append(Addressee(member, member.ward_id))
    return audience


def match_ward(text: str, wards: list[Ward]) -> Ward | None:
    """The ward meant by 'phường 5', 'phuong 5', 'P5' or its full name (accents and case ignored)."""
    wanted = " ".join(fold(text).split())
    if not wanted:
        return None
    by_key = {" ".join(fold(w.name).split()): w for w in wards}
    if wanted in by_key:
        return by_key[wanted]
    match = _WARD_WORD.match(wanted)
    rest = match.group("rest").strip() if match else wanted
    hits = [w for key, w in by_key.items() if key == rest or key.endswith(" " + rest)]
    return hits[0] if len(hits) == 1 else None


def task_key(week: Week) -> str:
    return f"{TASK_PREFIX}{week.key}"


PeriodSource = Callable[[datetime], Any]


class SummaryService:
    """Builds summaries for people (permissions checked here) and for the scheduler and CLI."""

    def __init__(
        self,
        store: SummaryStore,
        tasks: SummaryTasks,
        clock: Clock,
        tz: ZoneInfo,
        period_source: PeriodSource | None = None,
    ) -> None:
        self._store, self._tasks, self._clock, self.tz = store, tasks, clock, tz
        self.period_source = period_source

    def week_of(self, when: datetime) -> Week:
        return week_of(when, self.tz)

    def last_week(self) -> Week:
        return summary_week(self._clock.now(), self.tz)

    async def inputs(self, week: Week) -> SummaryInputs:
        """Gather the facts for a week: as of its end, or as of now for the week in progress."""
        as_of = min(self._clock.now(), week.end)
        period = await self.period_at(as_of - timedelta(seconds=1))
        return await self._store.inputs(week, as_of=as_of, period=period)

    async def period_at(self, when: datetime) -> PeriodInfo:
        """The reporting period in force at `when` (the reports feature decides; monthly otherwise)."""
        if self.period_source is not None:
            period = self.period_source(when)
            if inspect.isawaitable(period):
                period = await period
            key = getattr(period, "key", None) or period.label_key
            return PeriodInfo(str(key), getattr(period, "deadline", None))
        local = when.astimezone(self.tz).date()
        return PeriodInfo(period_containing(PeriodKind.MONTH, local).label_key)

    async def summary(self, week: Week, ward_id: int | None = None) -> WeeklySummary:
        """Trusted callers only (scheduler, command line): no permission check."""
        return compute_summary(await self.inputs(week), ward_id=ward_id)

    @staticmethod
    def may_view(actor: Member | None) -> bool:
        """Whether this member may see some summary (the district's, or their ward's)."""
        return can(actor, Action.VIEW_SUMMARY) and reach_of(actor, Action.VIEW_SUMMARY) is not Reach.NONE

    async def summaries(self, week: Week, ward_ids: set[int | None]) -> dict[int | None, WeeklySummary]:
        """Several versions of one week (district = None, and wards) from one gathering of the facts."""
        inputs = await self.inputs(week)
        return {ward_id: compute_summary(inputs, ward_id=ward_id) for ward_id in ward_ids}

    async def summary_for(
        self, actor: Member | None, week: Week, ward_id: int | None = None
    ) -> SummaryResult:
        """The summary this member may see: district-wide, or their own ward for ward leads."""
        reach = reach_of(actor, Action.VIEW_SUMMARY)
        if reach is Reach.OWN_WARD and ward_id is None and actor is not None:
            ward_id = actor.ward_id
        if not can(actor, Action.VIEW_SUMMARY, ward_id=ward_id) or reach is Reach.NONE:
            return SummaryResult(Outcome.DENIED)
        inputs = await self.inputs(week)
        if ward_id is not None and not any(w.id == ward_id for w in inputs.wards):
            return SummaryResult(Outcome.NOT_FOUND)
        return SummaryResult(Outcome.OK, compute_summary(inputs, ward_id=ward_id))

    async def find_ward(self, text: str) -> Ward | None:
        return match_ward(text, await self._store.wards())

    async def is_subscribed(self, member: Member) -> bool:
        return (await self._store.subscriptions()).get(member.id, default_subscription(member))

    async def toggle_subscription(self, actor: Member | None) -> bool | None:
        """Switch the Monday summary on or off for this member; None when they have no access to it."""
        if actor is None:
            return None
        return await self.subscribe(actor, not await self.is_subscribed(actor))

    async def subscribe(self, actor: Member, subscribed: bool) -> bool | None:
        """Switch the Monday summary on or off; None when the member has no access to it."""
        if not self.may_view(actor):
            return None
        await self._store.set_subscription(actor.id, subscribed, now=self._clock.now())
        return subscribed

    async def undelivered(self, week: Week) -> list[tuple[Addressee, Recipient]]:
        """Who should get this week's summary and has not had it yet, with how to reach them."""
        audience = summary_audience(await self._store.members(), await self._store.subscriptions())
        already = await self._store.delivered(week.key)
        pending = []
        for addressee in audience:
            if addressee.member.id in already:
                continue
            recipient = await self._store.recipient(addressee.member.id)
            if recipient is not None:
                pending.append((addressee, recipient))
        return pending

    async def keep_file(self, attachment: Attachment) -> Attachment:
        """Store a file that many addressees' messages share, once; the attachment then refers to it."""
        data = await attachment.content()
        blob_id = await self._store.save_blob(
            attachment.filename, attachment.mime_type, data, now=self._clock.now()
        )
        return replace(attachment, data=b"", render=None, blob_id=blob_id)

    async def deliver(self, week: Week, addressee: Addressee, messages: list[OutgoingMessage]) -> bool:
        """Queue a person's summary for a week once (recorded in the same transaction); False when they
        already had it."""
        return await self._store.deliver(
            week.key, addressee.member.id, addressee.ward_id, messages, now=self._clock.now()
        )

    async def delivered(self, week: Week) -> set[int]:
        return await self._store.delivered(week.key)

    async def plan_deliveries(self, schedule: Schedule) -> None:
        """At start: keep the pending week's task at the configured time (it runs at once if the bot was down
        at the time), or plan the next delivery when none is pending (a fresh install sends nothing old)."""
        now = self._clock.now()
        pending = await self._tasks.pending(TASK_PREFIX)
        if pending:
            for task in pending:
                week = parse_week_key(str(task.payload.get("week", "")), self.tz)
                if week is not None:
                    await self._tasks.plan(
                        task.key, TASK_KIND, schedule.due(week), {"week": week.key}, now=now
                    )
            return
        week = summary_week(now, self.tz)
        if schedule.due(week) <= now:
            week = week.next()
        await self.plan_delivery(week, schedule)

    async def plan_delivery(self, week: Week, schedule: Schedule) -> None:
        """Plan the delivery of this week's summary at the configured time (idempotent)."""
        await self._tasks.plan(
            task_key(week), TASK_KIND, schedule.due(week), {"week": week.key}, now=self._clock.now()
        )

    async def delivery_due(self, payload: dict[str, Any], schedule: Schedule) -> Week | None:
        """A delivery task fell due: plan next week's, then the week to send now, or None when its delivery
        week is already over (after a long outage only the latest week goes out). ValueError: no week."""
        week = parse_week_key(str(payload.get("week", "")), self.tz)
        if week is None:
            raise ValueError(f"summary task payload has no valid week: {payload!r}")
        following = week.next()
        await self.plan_delivery(following, schedule)
        return week if self._clock.now() < following.end else None

    async def summary_message_week(self, chat_id: str, message_id: int) -> Week | None:
        """The week of a summary message sent into this chat, if it was one (for replies like 'phường 5',
        once channels tell which message a text replies to)."""
        key = await self._store.summary_message_week(chat_id, message_id)
        return parse_week_key(key, self.tz) if key else None
