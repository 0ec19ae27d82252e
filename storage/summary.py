"""The weekly summary's facts: SQL aggregation over the features' tables, subscriptions, deliveries.

Counts are grouped by the member's ward in SQL; only small, already-aggregated rows reach Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.core.attendance.models import Audience
from bot.core.models import Chapter, Member, Recipient, Ward
from bot.core.notices import OutgoingMessage
from bot.core.summary import (
    BroadcastCounts,
    BroadcastFact,
    Event,
    FaqCounts,
    PeriodInfo,
    ReportFact,
    SeminarCounts,
    SummaryInputs,
    TrainingCounts,
    Week,
)
from bot.core.summary.compute import SEMINAR_HORIZON, TRAINING_HORIZON
from storage.db import Database, db_time, from_db_time, to_db_time
from storage.members import SqliteMembers
from storage.outbox import Blobs, enqueue_in

UNANSWERED_KINDS = ("none", "unconfirmed")
LOW_CONFIDENCE_KINDS = ("suggest",)
BATCH_PREFIX = "summary:"
# Trainings of their own: a seminar's check-in session is a training row linked to it (seminar_id).
_TRAININGS = (
    "SELECT id FROM trainings WHERE starts_at >= ? AND starts_at < ? AND status != 'cancelled' "
    "AND seminar_id IS NULL"
)


def _audience_wards(audience: Audience, chapter_wards: dict[int, int]) -> frozenset[int] | None:
    """The wards a training is open to; None when not limited to wards (everyone, or by role)."""
    if audience.everyone or audience.roles:
        return None
    return frozenset(audience.ward_ids) | {
        chapter_wards[c] for c in audience.chapter_ids if c in chapter_wards
    }


def _in(values: Iterable[object]) -> str:
    return ", ".join("?" * len(list(values)))


class SqliteSummary(Blobs):
    """Reads the other features' tables; writes its own two tables, and the delivery's queued messages and
    their files (its tasks are planned with SqliteTasks)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._members = SqliteMembers(db)

    async def wards(self) -> list[Ward]:
        rows = await self._db.fetch_all("SELECT id, name, active FROM wards ORDER BY id")
        return [Ward(r["id"], r["name"], bool(r["active"])) for r in rows]

    async def chapters(self) -> list[Chapter]:
        rows = await self._db.fetch_all("SELECT id, ward_id, name, kind, active FROM chapters ORDER BY id")
        return [Chapter(r["id"], r["ward_id"], r["name"], r["kind"], bool(r["active"])) for r in rows]

    async def inputs(self, week: Week, *, as_of: datetime, period: PeriodInfo) -> SummaryInputs:
        """Every section's facts for `week`, as they stood at `as_of`."""
        trainings, training_counts = await self._trainings(week, as_of)
        seminars, seminar_counts = await self._seminars(as_of)
        broadcasts, broadcast_counts = await self._broadcasts(week, as_of)
        faq, queue = await self._faq(week, as_of)
        return SummaryInputs(
            week=week,
            as_of=as_of,
            period=period,
            wards=tuple(await self.wards()),
            chapters=tuple(await self.chapters()),
            reports=await self._reports(week, as_of, period),
            trainings=trainings,
            training_counts=training_counts,
            seminars=seminars,
            seminar_counts=seminar_counts,
            broadcasts=broadcasts,
            broadcast_counts=broadcast_counts,
            faq=faq,
            faq_queue=queue,
        )

    async def _reports(self, week: Week, as_of: datetime, period: PeriodInfo) -> tuple[ReportFact, ...]:
        """This period's reports and excuses, plus any report first filed in this or the previous week."""
        end = to_db_time(as_of)
        columns = "SELECT chapter_id, period_key, new_members, filed_at FROM chapter_reports"
        rows = await self._db.fetch_all(
            f"{columns} WHERE period_key = ? AND filed_at < ? "
            f"UNION ALL {columns} WHERE filed_at >= ? AND filed_at < ? AND period_key != ?",
            (period.key, end, to_db_time(week.previous().start), end, period.key),
        )
        facts = [
            ReportFact(r["chapter_id"], r["period_key"], int(r["new_members"]), from_db_time(r["filed_at"]))
            for r in rows
        ]
        excuses = await self._db.fetch_all(
            "SELECT chapter_id FROM report_excuses WHERE period_key = ? AND created_at < ?", (period.key, end)
        )
        facts.extend(ReportFact(r["chapter_id"], period.key, excused=True) for r in excuses)
        return tuple(facts)

    async def _trainings(
        self, week: Week, as_of: datetime
    ) -> tuple[tuple[Event, ...], tuple[TrainingCounts, ...]]:
        window = (to_db_time(week.start), to_db_time(as_of + TRAINING_HORIZON))
        rows = await self._db.fetch_all(
            "SELECT id, title, starts_at, ends_at, venue, audience FROM trainings "
            "WHERE starts_at >= ? AND starts_at < ? AND status != 'cancelled' AND seminar_id IS NULL",
            window,
        )
        chapter_wards = {
            r["id"]: r["ward_id"] for r in await self._db.fetch_all("SELECT id, ward_id FROM chapters")
        }
        events = tuple(
            Event(
                r["id"],
                r["title"],
                db_time(r["starts_at"]),
                r["venue"],
                db_time(r["ends_at"]),
                _audience_wards(Audience.from_json(r["audience"], legacy="training"), chapter_wards),
            )
            for r in rows
        )
        registered = (
            "SELECT r.training_id AS event, m.ward_id, COUNT(*) AS n FROM training_registrations r "
            "LEFT JOIN members m ON m.id = r.member_id "
            f"WHERE r.status = 'registered' AND r.training_id IN ({_TRAININGS}) GROUP BY 1, 2",
            window,
        )
        attended = (
            "SELECT a.training_id AS event, m.ward_id, COUNT(*) AS n FROM training_attendance a "
            "LEFT JOIN members m ON m.id = a.member_id "
            f"WHERE a.checked_in_at IS NOT NULL AND a.training_id IN ({_TRAININGS}) GROUP BY 1, 2",
            window,
        )
        totals = await self._two_counts(registered, attended)
        counts = tuple(TrainingCounts(tid, ward, reg, att) for (tid, ward), (reg, att) in totals.items())
        return events, counts

    async def _seminars(self, as_of: datetime) -> tuple[tuple[Event, ...], tuple[SeminarCounts, ...]]:
        window = (to_db_time(as_of), to_db_time(as_of + SEMINAR_HORIZON))
        rows = await self._db.fetch_all(
            "SELECT id, topic, starts_at, venue FROM seminars "
            "WHERE starts_at >= ? AND starts_at < ? AND status != 'cancelled'",
            window,
        )
        events = tuple(Event(r["id"], r["topic"], db_time(r["starts_at"]), r["venue"]) for r in rows)
        if not events:
            return events, ()
        ids = [e.id for e in events]
        totals: dict[tuple[int, int | None], dict[str, int]] = defaultdict(
            lambda: {"yes": 0, "no": 0, "delegated": 0, "pending": 0}
        )
        for r in await self._db.fetch_all(
            "SELECT i.seminar_id, m.ward_id, i.rsvp, COUNT(*) AS n "
            "FROM seminar_invitees i LEFT JOIN members m ON m.id = i.member_id "
            f"WHERE i.seminar_id IN ({_in(ids)}) GROUP BY 1, 2, 3",
            ids,
        ):
            totals[(r["seminar_id"], r["ward_id"])][r["rsvp"]] += r["n"]
        return events, tuple(SeminarCounts(sid, ward, **c) for (sid, ward), c in totals.items())

    async def _broadcasts(
        self, week: Week, as_of: datetime
    ) -> tuple[tuple[BroadcastFact, ...], tuple[BroadcastCounts, ...]]:
        # A re-send to those who did not acknowledge is its own row pointing at the original (root_id), and
        # its acknowledgements are recorded on the original too: count originals only.
        rows = await self._db.fetch_all(
            "SELECT b.id, b.sent_at, COALESCE(b.recipients, "
            "(SELECT COUNT(*) FROM outbox o WHERE o.batch = 'broadcast:' || b.id), 0) AS recipients "
            "FROM broadcasts b WHERE b.sent_at >= ? AND b.sent_at < ? AND b.status IN ('sending', 'done') "
            "AND b.root_id IS NULL",
            (to_db_time(week.start), to_db_time(min(as_of, week.end))),
        )
        facts = tuple(BroadcastFact(r["id"], db_time(r["sent_at"]), int(r["recipients"])) for r in rows)
        if not facts:
            return facts, ()
        ids = [b.id for b in facts]
        batches = [f"broadcast:{i}" for i in ids]
        delivered = (
            "SELECT o.batch AS event, m.ward_id, COUNT(*) AS n FROM outbox o LEFT JOIN members m ON m.id = "
            f"o.member_id WHERE o.batch IN ({_in(batches)}) AND o.status = 'sent' GROUP BY 1, 2",
            batches,
        )
        acked = (
            "SELECT a.broadcast_id AS event, m.ward_id, COUNT(*) AS n FROM broadcast_acks a "
            "LEFT JOIN members m ON m.id = a.member_id "
            f"WHERE a.broadcast_id IN ({_in(ids)}) GROUP BY 1, 2",
            ids,
        )
        totals = await self._two_counts(delivered, acked)
        return facts, tuple(BroadcastCounts(bid, ward, d, a) for (bid, ward), (d, a) in totals.items())

    async def _two_counts(
        self, first: tuple[str, Sequence[Any]], second: tuple[str, Sequence[Any]]
    ) -> dict[tuple[int, int | None], list[int]]:
        """Two counts per event and ward: each query's rows are (event, ward_id, n); an event is its id or its
        outbox batch ("broadcast:<id>")."""
        totals: dict[tuple[int, int | None], list[int]] = defaultdict(lambda: [0, 0])
        for column, (sql, params) in enumerate((first, second)):
            for r in await self._db.fetch_all(sql, params):
                event = r["event"]
                event_id = int(event.split(":", 1)[1]) if isinstance(event, str) else event
                totals[(event_id, r["ward_id"])][column] += r["n"]
        return totals

    async def _faq(self, week: Week, as_of: datetime) -> tuple[tuple[FaqCounts, ...], int]:
        """Questions asked in the week by ward (what the bot made of them, how many were sent on to the
        organisers), and the organisers' queue now: questions sent on and not answered yet."""
        rows = await self._db.fetch_all(
            "SELECT m.ward_id, COUNT(*) AS asked, "
            f"SUM(q.kind IN ({_in(UNANSWERED_KINDS)})) AS unanswered, "
            f"SUM(q.kind IN ({_in(LOW_CONFIDENCE_KINDS)})) AS low, "
            "SUM(q.sent_at IS NOT NULL) AS forwarded "
            "FROM faq_questions q LEFT JOIN members m ON m.id = q.member_id "
            "WHERE q.asked_at >= ? AND q.asked_at < ? GROUP BY m.ward_id",
            (
                *UNANSWERED_KINDS,
                *LOW_CONFIDENCE_KINDS,
                to_db_time(week.start),
                to_db_time(min(as_of, week.end)),
            ),
        )
        queue = await self._db.fetch_value("SELECT COUNT(*) FROM faq_questions WHERE status = 'sent'")
        return (
            tuple(
                FaqCounts(r["ward_id"], r["asked"], r["unanswered"] or 0, r["low"] or 0, r["forwarded"] or 0)
                for r in rows
            ),
            int(queue or 0),
        )

    async def subscriptions(self) -> dict[int, bool]:
        rows = await self._db.fetch_all("SELECT member_id, subscribed FROM summary_subscriptions")
        return {r["member_id"]: bool(r["subscribed"]) for r in rows}

    async def set_subscription(self, member_id: int, subscribed: bool, *, now: datetime) -> None:
        async with self._db.connection() as conn:
            await conn.execute(
                "INSERT INTO summary_subscriptions (member_id, subscribed, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (member_id) DO UPDATE SET subscribed = excluded.subscribed, updated_at = "
                "excluded.updated_at",
                (member_id, int(subscribed), to_db_time(now)),
            )

    async def deliver(
        self,
        week_key: str,
        member_id: int,
        ward_id: int | None,
        messages: list[OutgoingMessage],
        *,
        now: datetime,
    ) -> bool:
        """Queue one person's summary for a week, once: False if they already had that week's."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO summary_deliveries (week_key, member_id, ward_id, sent_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (week_key, member_id) DO NOTHING",
                (week_key, member_id, ward_id, to_db_time(now)),
            )
            if cur.rowcount != 1:
                return False
            await enqueue_in(conn, f"{BATCH_PREFIX}{week_key}", messages, now=now)
        return True

    async def delivered(self, week_key: str) -> set[int]:
        rows = await self._db.fetch_all(
            "SELECT member_id FROM summary_deliveries WHERE week_key = ?", (week_key,)
        )
        return {r["member_id"] for r in rows}

    async def summary_message_week(self, chat_id: str, message_id: int) -> str | None:
        """The week of a summary message we sent into this chat (for replies like 'phường 5')."""
        batch = await self._db.fetch_value(
            "SELECT batch FROM outbox WHERE batch >= ? AND batch < ? AND chat_id = ? AND message_id = ?",
            (BATCH_PREFIX, BATCH_PREFIX[:-1] + ";", chat_id, message_id),
        )
        return batch[len(BATCH_PREFIX) :] if batch else None

    async def members(self) -> list[Member]:
        """Every active member (the Monday audience is chosen among them)."""
        return await self._members.list_members()

    async def recipient(self, member_id: int) -> Recipient | None:
        return await self._members.recipient(member_id)
