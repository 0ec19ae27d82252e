"""The summary's facts come out of the feature tables aggregated by ward."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.conversation.replies import Reply
from bot.core.notices import OutgoingMessage
from bot.core.summary import PeriodInfo, compute_summary, parse_week_key
from storage.db import Database, to_db_time
from storage.summary import SqliteSummary

VN = ZoneInfo("Asia/Ho_Chi_Minh")
W48 = parse_week_key("2026-W48", VN)
AS_OF = W48.end
PERIOD = PeriodInfo("2026-11", datetime(2026, 11, 25, 20, tzinfo=VN))
STAMP = "2026-11-01T00:00:00+00:00"


def t(day: int, hour: int = 9, month: int = 11) -> str:
    return to_db_time(datetime(2026, month, day, hour, tzinfo=VN))


async def seed_org(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO wards (id, name, name_key, active, created_at) VALUES (?, ?, ?, 1, ?)",
            [(1, "Phường 1", "phuong 1", STAMP), (2, "Phường 2", "phuong 2", STAMP)],
        )
        await conn.executemany(
            "INSERT INTO chapters (id, ward_id, name, name_key, active, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (11, 1, "KP 1", "kp 1", 1, STAMP),
                (12, 1, "KP 2", "kp 2", 1, STAMP),
                (21, 2, "KP 1", "kp 1", 1, STAMP),
                (22, 2, "KP cũ", "kp cu", 0, STAMP),
            ],
        )
        await conn.executemany(
            "INSERT INTO members (id, full_name, name_key, status, role, ward_id, chapter_id, created_at, "
            "updated_at) VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?)",
            [
                (
                    i,
                    f"M{i}",
                    f"m{i}",
                    "cadre" if i > 1 else "admin",
                    1 if i <= 5 else 2,
                    11 if i <= 5 else 21,
                    STAMP,
                    STAMP,
                )
                for i in range(1, 10)
            ],
        )


async def seed_features(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO chapter_reports (chapter_id, period_key, new_members, total_members, filed_at, "
            "updated_at) VALUES (?, ?, ?, 50, ?, ?)",
            [
                (11, "2026-11", 3, t(24), t(24)),
                (21, "2026-11", 2, t(17), t(17)),
                (12, "2026-10", 7, t(25), t(25)),
                (12, "2026-11", 4, t(1, month=12), t(1, month=12)),
            ],
        )  # filed after the week: not in W48's summary
        await conn.execute(
            "INSERT INTO report_excuses (chapter_id, period_key, excused_by, created_at) "
            "VALUES (22, '2026-11', 1, ?)",
            (t(20),),
        )
        await conn.executemany(
            "INSERT INTO trainings (id, title, starts_at, ends_at, venue, status, created_by, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
            [
                (i, title, at, at, venue, status, STAMP, STAMP)
                for i, title, at, venue, status in (
                    (1, "Kỹ năng", t(26), "Hội trường", "scheduled"),
                    (2, "Đã hủy", t(27), "", "cancelled"),
                    (3, "Tháng 12", t(3, month=12), "", "scheduled"),
                )
            ],
        )
        await conn.executemany(
            "INSERT INTO training_registrations (training_id, member_id, status, registered_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?4)",
            [(1, m, "registered", t(20)) for m in (2, 3, 4, 6, 7)]
            + [(1, 8, "withdrawn", t(20)), (3, 2, "registered", t(25))],
        )
        await conn.executemany(
            "INSERT INTO training_attendance (training_id, member_id, checked_in_at, method, late, "
            "excused) VALUES (?, ?, ?, 'qr', 0, 0)",
            [(1, m, t(26)) for m in (2, 3, 6)],
        )
        await conn.execute(
            "INSERT INTO seminars (id, topic, host, starts_at, ends_at, venue, status, created_by, "
            "created_at, updated_at) "
            "VALUES (1, 'Hội thảo', 'Ban tổ chức', ?1, ?1, 'UBND', 'scheduled', 1, ?2, ?2)",
            (t(4, month=12), STAMP),
        )
        await conn.executemany(
            "INSERT INTO seminar_invitees (seminar_id, member_id, rsvp, responded_at, invited_at) "
            "VALUES (1, ?, ?, NULL, ?)",
            [
                (2, "yes", t(20)),
                (3, "pending", t(20)),
                (6, "no", t(20)),
                (7, "delegated", t(20)),
                (8, "pending", t(20)),
            ],
        )
        await conn.execute(
            "INSERT INTO broadcasts (id, created_by, status, sent_at, created_at, recipients) "
            "VALUES (1, 1, 'done', ?, ?, 8)",
            (t(24), t(24)),
        )
        await conn.executemany(
            "INSERT INTO broadcast_acks (broadcast_id, member_id, acked_at) VALUES (1, ?, ?)",
            [(m, t(24)) for m in (2, 3, 6)],
        )
        # A re-send to those who did not acknowledge: not another broadcast in the summary.
        await conn.execute(
            "INSERT INTO broadcasts (id, created_by, status, sent_at, created_at, recipients, "
            "root_id) VALUES (2, 1, 'done', ?, ?, 5, 1)",
            (t(25), t(25)),
        )
        await conn.execute(
            "INSERT INTO broadcast_acks (broadcast_id, member_id, acked_at) VALUES (2, 7, ?1), (1, 7, ?1)",
            (t(25),),
        )
        await seed_faq(conn)


# (asker, asked at, what the FAQ made of it, sent on to the organisers and still waiting)
QUESTIONS = (
    (2, t(24), "answer", False),
    (3, t(24), "none", True),
    (6, t(25), "suggest", False),
    (7, t(10), "none", True),
)


async def seed_faq(conn) -> None:
    """Questions as the FAQ feature logs them: sent on to the organisers = status 'sent' with sent_at."""
    await conn.executemany(
        "INSERT INTO faq_questions (member_id, text, kind, score, status, asked_at, sent_at) "
        "VALUES (?, 'q', ?, 0.5, ?, ?, ?)",
        [
            (m, kind, "sent" if sent else "logged", at, at if sent else None)
            for m, at, kind, sent in QUESTIONS
        ],
    )


async def test_facts_and_numbers_from_the_feature_tables(db: Database) -> None:
    await seed_org(db)
    await seed_features(db)
    store = SqliteSummary(db)
    summary = compute_summary(await store.inputs(W48, as_of=AS_OF, period=PERIOD))
    # This week: 3 (KP 1, November) + 7 (KP 2's late October report, filed this week).
    assert (summary.new_members.this_week, summary.new_members.previous_week, summary.new_members.period) == (
        10,
        2,
        5,
    )
    rep = summary.reporting
    assert (rep.expected, rep.reported, rep.on_time, rep.excused) == (3, 2, 2, 0)
    assert rep.missing_by_ward == (("Phường 1", ("KP 2",)),)
    assert [(x.title, x.registered, x.attended) for x in summary.trainings_held] == [("Kỹ năng", 5, 3)]
    assert [x.title for x in summary.trainings_next] == ["Tháng 12"]
    [seminar] = summary.seminars
    assert (seminar.yes, seminar.no, seminar.delegated, seminar.pending) == (1, 1, 1, 2)
    assert (summary.broadcasts.sent, summary.broadcasts.recipients, summary.broadcasts.acked) == (1, 8, 4)
    assert (summary.faq.asked, summary.faq.unanswered, summary.faq.low_confidence, summary.faq.queue) == (
        3,
        1,
        1,
        2,
    )
    ward2 = compute_summary(await store.inputs(W48, as_of=AS_OF, period=PERIOD), ward_id=2)
    assert [(x.registered, x.attended) for x in ward2.trainings_held] == [(2, 1)]
    assert (ward2.faq.asked, ward2.faq.low_confidence) == (1, 1)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # SQLite's own PRAGMAs, backup, planner
async def test_the_window_queries_use_indexes(db: Database) -> None:
    plans = {}
    for name, sql in (
        ("reports", "SELECT * FROM chapter_reports WHERE filed_at >= '2026' AND filed_at < '2027'"),
        ("trainings", "SELECT * FROM trainings WHERE starts_at >= '2026' AND starts_at < '2027'"),
        ("faq", "SELECT * FROM faq_questions WHERE asked_at >= '2026' AND asked_at < '2027'"),
        ("broadcasts", "SELECT * FROM broadcasts WHERE sent_at >= '2026' AND sent_at < '2027'"),
    ):
        rows = await db.fetch_all("EXPLAIN QUERY PLAN " + sql)
        plans[name] = " ".join(r["detail"] for r in rows)
    assert all("USING INDEX" in plan for plan in plans.values()), plans


async def test_a_week_is_delivered_once_per_person(db: Database) -> None:
    await seed_org(db)
    store = SqliteSummary(db)
    message = OutgoingMessage("summary:2026-W48:to:1:text", 1, "1001", Reply("Tóm tắt"))
    assert await store.deliver("2026-W48", 1, None, [message], now=AS_OF)
    assert not await store.deliver("2026-W48", 1, None, [message], now=AS_OF)
    assert await store.delivered("2026-W48") == {1}
    rows = await db.fetch_all("SELECT batch FROM outbox")
    assert [r["batch"] for r in rows] == ["summary:2026-W48"]


async def test_subscriptions_toggle(db: Database) -> None:
    await seed_org(db)
    store = SqliteSummary(db)
    assert await store.subscriptions() == {}
    await store.set_subscription(1, False, now=AS_OF)
    await store.set_subscription(1, True, now=AS_OF)
    await store.set_subscription(2, False, now=AS_OF)
    assert await store.subscriptions() == {1: True, 2: False}
