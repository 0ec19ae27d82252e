"""Looking back on broadcasts: who sees which, the order and pages of the list, reports and cancelling."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.core.broadcasts.history import (
    BroadcastHistory,
    Scope,
    history_order,
    history_scope,
    may_view,
    page_window,
    phones_visible_to,
)
from bot.core.broadcasts.service import (
    AudienceKind,
    Broadcast,
    BroadcastStatus,
    Content,
    DeliveryLine,
    DeliveryReport,
    Outcome,
    Result,
    audience_of,
)
from bot.core.models import Member, MemberStatus, Role

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
ORGANISER = Member(1, "Phạm Thu Hà", MemberStatus.ACTIVE, Role.ORGANISER)
ADMIN = Member(2, "Hoàng Văn Quản", MemberStatus.ACTIVE, Role.ADMIN)
LEAD_1 = Member(3, "Lê Văn Tâm", MemberStatus.ACTIVE, Role.WARD_LEAD, 1, 11)
LEAD_2 = Member(4, "Lê Thị Hoa", MemberStatus.ACTIVE, Role.WARD_LEAD, 2, 21)
CADRE = Member(5, "Nguyễn Thị Lan", MemberStatus.ACTIVE, Role.CADRE, 1, 11)
PENDING = Member(6, "Đỗ Thị Chờ", MemberStatus.PENDING, None, 1, 11)


def broadcast(
    broadcast_id: int,
    status: BroadcastStatus,
    *,
    by: int = 1,
    hours: float = 0,
    recipients: int | None = None,
) -> Broadcast:
    """Broadcast `id`, created `id` minutes after NOW; scheduled ones are due, others went, `hours` from
    NOW."""
    when = NOW + timedelta(hours=hours)
    return Broadcast(
        broadcast_id,
        by,
        Content(f"Thông báo {broadcast_id}"),
        audience_of(AudienceKind.ALL),
        status,
        NOW + timedelta(minutes=broadcast_id),
        scheduled_at=when if status in (BroadcastStatus.SCHEDULED, BroadcastStatus.CANCELLED) else None,
        sent_at=when if status in (BroadcastStatus.SENDING, BroadcastStatus.DONE) else None,
        recipients=recipients,
    )


def test_organisers_and_admins_see_every_broadcast_ward_leads_their_own_others_none() -> None:
    assert history_scope(ORGANISER) == Scope(None) and history_scope(ADMIN) == Scope(None)
    assert history_scope(LEAD_1) == Scope(LEAD_1.id)
    assert history_scope(CADRE) is None and history_scope(PENDING) is None and history_scope(None) is None
    by_lead_1 = broadcast(7, BroadcastStatus.DONE, by=LEAD_1.id)
    assert may_view(ORGANISER, by_lead_1) and may_view(ADMIN, by_lead_1) and may_view(LEAD_1, by_lead_1)
    assert not may_view(LEAD_2, by_lead_1) and not may_view(CADRE, by_lead_1)
    assert not may_view(LEAD_1, broadcast(8, BroadcastStatus.DONE, by=ORGANISER.id))


def test_the_list_shows_scheduled_ones_first_soonest_on_top_then_the_newest() -> None:
    """Sent ones count from when they went out; a cancelled one from when it was written (NOW + id
    minutes)."""
    found = [
        broadcast(1, BroadcastStatus.DONE, hours=-48),
        broadcast(2, BroadcastStatus.SCHEDULED, hours=30),
        broadcast(3, BroadcastStatus.CANCELLED, hours=5),
        broadcast(4, BroadcastStatus.SCHEDULED, hours=2),
        broadcast(5, BroadcastStatus.SENDING, hours=-1),
        broadcast(6, BroadcastStatus.DONE, hours=-3),
    ]
    assert [b.id for b in sorted(found, key=history_order)] == [4, 2, 3, 5, 6, 1]


def test_pages_of_five_are_clamped_to_the_pages_there_are() -> None:
    assert page_window(0, 0) == (0, 1, 0)
    assert page_window(5, 1) == (0, 1, 0)
    assert page_window(6, 1) == (1, 2, 5)
    assert page_window(12, 9) == (2, 3, 10)
    assert page_window(12, -3) == (0, 3, 0)


def test_phones_in_a_report_follow_who_may_see_them() -> None:
    report = DeliveryReport(
        2,
        0,
        failed=(DeliveryLine(10, "Lan", "0903", "Phường 1", "failed", ward_id=1),),
        unreachable=(
            DeliveryLine(11, "Bình", "0904", "Phường 2", "unreachable", ward_id=2),
            DeliveryLine(12, "An", "0905", None, "unreachable"),
        ),
    )
    assert phones_visible_to(ORGANISER, report) == report
    seen_by_lead = phones_visible_to(LEAD_1, report)
    assert [line.phone for line in seen_by_lead.failed + seen_by_lead.unreachable] == ["0903", None, None]


@dataclass
class FakeStore:
    """Broadcasts in memory, ordered by the core's own rule."""

    broadcasts: list[Broadcast]
    delivered: dict[int, int] = field(default_factory=dict)

    async def get(self, broadcast_id: int) -> Broadcast | None:
        return next((b for b in self.broadcasts if b.id == broadcast_id), None)

    def _matching(self, statuses: tuple[BroadcastStatus, ...], created_by: int | None) -> list[Broadcast]:
        return sorted(
            (b for b in self.broadcasts if b.status in statuses and created_by in (None, b.created_by)),
            key=history_order,
        )

    async def count_history(self, *, statuses: tuple[BroadcastStatus, ...], created_by: int | None) -> int:
        return len(self._matching(statuses, created_by))

    async def history(
        self, *, statuses: tuple[BroadcastStatus, ...], created_by: int | None, offset: int, limit: int
    ) -> list[Broadcast]:
        return self._matching(statuses, created_by)[offset : offset + limit]

    async def delivered_counts(self, broadcast_ids: list[int]) -> dict[int, int]:
        return {i: self.delivered[i] for i in broadcast_ids if i in self.delivered}

    async def sender_names(self, member_ids: list[int]) -> dict[int, str]:
        people = {m.id: m.full_name for m in (ORGANISER, ADMIN, LEAD_1, LEAD_2)}
        return {i: people[i] for i in member_ids if i in people}

    async def delivery_lines(self, broadcast_id: int) -> list[DeliveryLine]:
        return [DeliveryLine(10, "Lan", "0903", "Phường 1", "sent", ward_id=1)]

    async def member_lines(self, member_ids: list[int], status: str) -> list[DeliveryLine]:
        return []

    async def ack_count(self, broadcast_id: int) -> int:
        return 0


@dataclass
class FakeCanceller:
    cancelled: list[int] = field(default_factory=list)

    async def cancel(self, member: Member | None, broadcast_id: int) -> Outcome:
        self.cancelled.append(broadcast_id)
        return Outcome(Result.OK)


def history_of(
    *found: Broadcast, delivered: dict[int, int] | None = None
) -> tuple[BroadcastHistory, FakeCanceller]:
    canceller = FakeCanceller()
    return BroadcastHistory(FakeStore(list(found), delivered or {}), canceller), canceller


async def test_a_page_lists_what_the_member_may_see_with_delivered_counts() -> None:
    found = [
        broadcast(
            i, BroadcastStatus.DONE, by=LEAD_1.id if i % 3 == 0 else ORGANISER.id, hours=-i, recipients=4
        )
        for i in range(1, 13)
    ]
    history, _ = history_of(*found, broadcast(13, BroadcastStatus.DRAFT), delivered={1: 3})

    first = await history.page(ORGANISER, 0)
    assert first.result is Result.OK and first.total == 12 and first.pages == 3
    assert [i.broadcast.id for i in first.items] == [1, 2, 3, 4, 5]
    assert (first.items[0].delivered, first.items[0].total) == (3, 4)
    assert [i.sender for i in first.items] == [
        "Phạm Thu Hà",
        "Phạm Thu Hà",
        "Lê Văn Tâm",
        "Phạm Thu Hà",
        "Phạm Thu Hà",
    ]
    assert not first.has_previous and first.has_next
    last = await history.page(ORGANISER, 7)
    assert last.page == 2 and [i.broadcast.id for i in last.items] == [11, 12] and not last.has_next

    mine = await history.page(LEAD_1, 0)
    assert [i.broadcast.id for i in mine.items] == [3, 6, 9, 12] and mine.pages == 1
    assert all(i.sender is None for i in mine.items)
    assert (await history.page(LEAD_2, 0)).items == ()
    assert (await history.page(CADRE, 0)).result is Result.DENIED
    assert (await history.page(None, 0)).result is Result.DENIED


async def test_a_report_only_for_a_broadcast_the_member_may_see_once_it_went_out() -> None:
    history, _ = history_of(
        broadcast(1, BroadcastStatus.DONE, by=LEAD_1.id), broadcast(2, BroadcastStatus.SCHEDULED, hours=5)
    )
    view = await history.report(LEAD_1, 1)
    assert view.result is Result.OK and view.report is not None and view.report.sent == 1
    assert (await history.report(LEAD_2, 1)).result is Result.DENIED
    assert (await history.report(CADRE, 1)).result is Result.DENIED
    assert (await history.report(ORGANISER, 2)).result is Result.NOT_AVAILABLE
    assert (await history.report(ORGANISER, 99)).result is Result.NOT_FOUND


async def test_only_a_scheduled_broadcast_is_cancelled_and_only_by_its_sender_or_an_organiser() -> None:
    history, canceller = history_of(
        broadcast(1, BroadcastStatus.SCHEDULED, by=LEAD_1.id, hours=5),
        broadcast(2, BroadcastStatus.DONE, by=LEAD_1.id),
        broadcast(3, BroadcastStatus.CANCELLED, by=LEAD_1.id, hours=5),
    )
    assert (await history.cancel(LEAD_2, 1)).result is Result.DENIED
    assert (await history.cancel(CADRE, 1)).result is Result.DENIED
    assert (await history.cancel(LEAD_1, 2)).result is Result.TOO_LATE
    assert (await history.cancel(ORGANISER, 3)).result is Result.TOO_LATE
    assert canceller.cancelled == []
    assert (await history.check_cancel(ORGANISER, 1)).result is Result.OK
    assert (await history.cancel(LEAD_1, 1)).result is Result.OK
    assert canceller.cancelled == [1]
