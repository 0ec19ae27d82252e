"""Looking back on broadcasts: who sees which, in what order, a page at a time, and their reports."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from bot.core.broadcasts.service import (
    Broadcast,
    BroadcastStatus,
    DeliveryLine,
    DeliveryReport,
    Outcome,
    ReportSource,
    Result,
    delivery_report,
    may_manage,
)
from bot.core.models import Member
from bot.core.permissions import Action, Reach, can, reach_of

PAGE_SIZE = 5
LISTED = (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING, BroadcastStatus.DONE, BroadcastStatus.CANCELLED)
"""Drafts are left out: a draft lives only between confirming and queueing."""
REPORTED = (BroadcastStatus.SENDING, BroadcastStatus.DONE)


@dataclass(frozen=True)
class Scope:
    """Whose broadcasts a member may look back on: everyone's (None) or one sender's."""

    created_by: int | None


def history_scope(member: Member | None) -> Scope | None:
    """Organisers and admins see every broadcast; a ward lead sees the ones they sent; others none."""
    if member is None or not can(member, Action.VIEW_BROADCASTS):
        return None
    if reach_of(member, Action.VIEW_BROADCASTS) is Reach.ALL:
        return Scope(None)
    return Scope(member.id)


def may_view(member: Member | None, broadcast: Broadcast) -> bool:
    """May this member see this broadcast (in their list, its report)? Everyone's, or their own."""
    scope = history_scope(member)
    return scope is not None and scope.created_by in (None, broadcast.created_by)


def history_order(broadcast: Broadcast) -> tuple[bool, float, float, int]:
    """Sort key of the list: scheduled ones first, the next to go out on top; then the newest first
    (by when it went out; a cancelled one by when it was written).

    storage.broadcasts.SqliteBroadcasts.history orders the same way in SQL (a storage test checks it)."""
    scheduled = broadcast.status is BroadcastStatus.SCHEDULED
    due = broadcast.scheduled_at.timestamp() if scheduled and broadcast.scheduled_at else 0.0
    went = (broadcast.sent_at or broadcast.created_at).timestamp()
    return (not scheduled, due, -went, -broadcast.id)


def page_window(total: int, page: int, size: int = PAGE_SIZE) -> tuple[int, int, int]:
    """(page, pages, offset) with the asked page clamped to the pages there are (0-based; one page when
    empty)."""
    pages = max(1, -(-total // size))
    page = min(max(page, 0), pages - 1)
    return page, pages, page * size


def phones_visible_to(viewer: Member | None, report: DeliveryReport) -> DeliveryReport:
    """The report with each phone number kept only where the viewer may see that member's phone."""

    def shown(line: DeliveryLine) -> DeliveryLine:
        visible = reach_of(viewer, Action.VIEW_MEMBER_PHONE) is Reach.ALL or (
            line.ward_id is not None and can(viewer, Action.VIEW_MEMBER_PHONE, ward_id=line.ward_id)
        )
        return line if visible or line.phone is None else replace(line, phone=None)

    return replace(
        report,
        failed=tuple(shown(x) for x in report.failed),
        unreachable=tuple(shown(x) for x in report.unreachable),
    )


@dataclass(frozen=True)
class Listed:
    """One line of the list: the broadcast, how many of its messages were delivered so far, and who sent it
    (only in a list of everyone's broadcasts: in a ward lead's own list it is always them)."""

    broadcast: Broadcast
    delivered: int = 0
    sender: str | None = None

    @property
    def total(self) -> int:
        return self.broadcast.recipients or 0

    @property
    def when(self) -> datetime:
        """When it went out, or goes (or was to go) out."""
        b = self.broadcast
        return b.sent_at or b.scheduled_at or b.created_at


@dataclass(frozen=True)
class HistoryPage:
    result: Result
    items: tuple[Listed, ...] = ()
    page: int = 0
    pages: int = 1
    total: int = 0

    @property
    def has_previous(self) -> bool:
        return self.page > 0

    @property
    def has_next(self) -> bool:
        return self.page + 1 < self.pages


@dataclass(frozen=True)
class ReportView:
    result: Result
    broadcast: Broadcast | None = None
    report: DeliveryReport | None = None


class HistoryStore(ReportSource, Protocol):
    async def get(self, broadcast_id: int) -> Broadcast | None: ...
    async def count_history(
        self, *, statuses: tuple[BroadcastStatus, ...], created_by: int | None
    ) -> int: ...
    async def history(
        self, *, statuses: tuple[BroadcastStatus, ...], created_by: int | None, offset: int, limit: int
    ) -> list[Broadcast]: ...
    async def delivered_counts(self, broadcast_ids: list[int]) -> dict[int, int]: ...
    async def sender_names(self, member_ids: list[int]) -> dict[int, str]: ...


class Canceller(Protocol):
    async def cancel(self, member: Member | None, broadcast_id: int) -> Outcome: ...


@dataclass
class BroadcastHistory:
    """The /broadcasts list, reports and cancelling, each authorised at the action."""

    store: HistoryStore
    canceller: Canceller
    page_size: int = PAGE_SIZE

    async def page(self, member: Member | None, page: int) -> HistoryPage:
        """One page of the broadcasts this member may see, in history_order; with senders when it is
        everyone's."""
        scope = history_scope(member)
        if scope is None:
            return HistoryPage(Result.DENIED)
        total = await self.store.count_history(statuses=LISTED, created_by=scope.created_by)
        page, pages, offset = page_window(total, page, self.page_size)
        found = await self.store.history(
            statuses=LISTED, created_by=scope.created_by, offset=offset, limit=self.page_size
        )
        delivered = await self.store.delivered_counts([b.id for b in found])
        senders = (
            await self.store.sender_names([b.created_by for b in found]) if scope.created_by is None else {}
        )
        items = tuple(Listed(b, delivered.get(b.id, 0), senders.get(b.created_by)) for b in found)
        return HistoryPage(Result.OK, items, page, pages, total)

    async def report(self, member: Member | None, broadcast_id: int) -> ReportView:
        """The delivery report of a broadcast the member may see, phones only where they may see them."""
        broadcast = await self._listed(member, broadcast_id)
        if isinstance(broadcast, Outcome):
            return ReportView(broadcast.result, broadcast.broadcast)
        if broadcast.status not in REPORTED:
            return ReportView(Result.NOT_AVAILABLE, broadcast)
        report = await delivery_report(self.store, broadcast)
        return ReportView(Result.OK, broadcast, phones_visible_to(member, report))

    async def check_cancel(self, member: Member | None, broadcast_id: int) -> Outcome:
        """May this member cancel this broadcast now? (Asked before "are you sure?"; cancelling checks
        again.)"""
        broadcast = await self._listed(member, broadcast_id, manage=True)
        if isinstance(broadcast, Outcome):
            return broadcast
        if broadcast.status is not BroadcastStatus.SCHEDULED:
            return Outcome(Result.TOO_LATE, broadcast)
        return Outcome(Result.OK, broadcast)

    async def cancel(self, member: Member | None, broadcast_id: int) -> Outcome:
        """Cancel a scheduled broadcast from the list (BroadcastService.cancel, after the same checks)."""
        checked = await self.check_cancel(member, broadcast_id)
        if checked.result is not Result.OK:
            return checked
        return await self.canceller.cancel(member, broadcast_id)

    async def _listed(
        self, member: Member | None, broadcast_id: int, *, manage: bool = False
    ) -> Broadcast | Outcome:
        """A broadcast of the list that this member may see (and with `manage`, manage); else why not."""
        broadcast = await self.store.get(broadcast_id)
        if broadcast is None:
            return Outcome(Result.NOT_FOUND)
        if not may_view(member, broadcast) or (manage and not may_manage(member, broadcast)):
            return Outcome(Result.DENIED, broadcast)
        if broadcast.status not in LISTED:
            return Outcome(Result.NOT_FOUND)
        return broadcast
