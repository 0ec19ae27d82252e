"""Broadcast storage: audiences from members, seminars and trainings; sending once; acknowledgements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.audience import Audience
from bot.core.broadcasts.service import (
    AudienceKind,
    Broadcast,
    BroadcastStatus,
    Content,
    Delivery,
    audience_of,
)
from bot.core.models import Role
from storage.audience import audience_members
from storage.broadcasts import SqliteBroadcasts
from storage.db import Database, to_db_time
from storage.outbox import SqliteOutbox

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


async def seed(db: Database) -> dict[str, int]:
    """Two wards with a chapter each; an organiser, a ward lead, two cadres (one blocked)."""
    stamp = to_db_time(NOW)
    ids: dict[str, int] = {}
    async with db.transaction() as conn:
        for ward in (1, 2):
            await conn.execute(
                "INSERT INTO wards (id, name, name_key, created_at) VALUES (?, ?, ?, ?)",
                (ward, f"Phường {ward}", f"phuong {ward}", stamp),
            )
            await conn.execute(
                "INSERT INTO chapters (id, ward_id, name, name_key, created_at) VALUES (?, ?, ?, ?, ?)",
                (ward * 10, ward, "Chi hội Khu phố 1", "chi hoi khu pho 1", stamp),
            )
        people = [
            ("ha", "Phạm Thu Hà", "organiser", 1),
            ("tam", "Lê Văn Tâm", "ward_lead", 1),
            ("lan", "Nguyễn Thị Lan", "cadre", 1),
            ("binh", "Trần Văn Bình", "cadre", 2),
        ]
        for n, (key, name, role, ward) in enumerate(people, start=1):
            cur = await conn.execute(
                "INSERT INTO members (full_name, name_key, status, role, ward_id, chapter_id, created_at, "
                "updated_at) VALUES (?, ?, 'active', ?, ?, ?, ?, ?)",
                (name, str(n), role, ward, ward * 10, stamp, stamp),
            )
            ids[key] = cur.lastrowid
            await conn.execute(
                "INSERT INTO channel_accounts (member_id, channel, external_id, chat_id, blocked_at, "
                "created_at) VALUES (?, 'telegram', ?, ?, ?, ?)",
                (cur.lastrowid, str(500 + n), str(500 + n), stamp if key == "binh" else None, stamp),
            )
    return ids


async def names(db: Database, audience: Audience) -> list[str]:
    """Everyone a broadcast to this audience reaches (those who blocked the bot too), by name."""
    return [p.full_name for p in await audience_members(db, audience, include_blocked=True)]


async def test_audiences_by_ward_chapter_and_role(db: Database) -> None:
    await seed(db)
    assert len(await names(db, audience_of(AudienceKind.ALL))) == 4
    assert await names(db, audience_of(AudienceKind.WARDS, (2,))) == ["Trần Văn Bình"]
    assert await names(db, audience_of(AudienceKind.CHAPTERS, (10,))) == [
        "Phạm Thu Hà",
        "Lê Văn Tâm",
        "Nguyễn Thị Lan",
    ]
    assert await names(db, audience_of(AudienceKind.ROLES, roles=(Role.CADRE,))) == [
        "Nguyễn Thị Lan",
        "Trần Văn Bình",
    ]
    assert await names(db, audience_of(AudienceKind.ROLES, roles=(Role.CADRE,)).within(1)) == [
        "Nguyễn Thị Lan"
    ]
    assert await names(db, audience_of(AudienceKind.WARDS, ())) == []
    blocked = [
        p.full_name
        for p in await audience_members(db, audience_of(AudienceKind.ALL), include_blocked=True)
        if p.blocked
    ]
    assert blocked == ["Trần Văn Bình"]


SEMINAR = (
    "INSERT INTO seminars (id, topic, host, starts_at, ends_at, venue, created_by, created_at, updated_at) "
    "VALUES (1, 'Phương pháp học', 'TS. An', ?, ?, 'Hội trường', ?, ?, ?)"
)
TRAINING = (
    "INSERT INTO trainings (id, title, starts_at, ends_at, venue, created_by, created_at, updated_at) "
    "VALUES (1, 'Tập huấn', ?, ?, 'Nhà văn hoá', ?, ?, ?)"
)


async def test_seminar_invitees_and_training_registrants_are_audiences(db: Database) -> None:
    ids = await seed(db)
    store = SqliteBroadcasts(db)
    stamp = to_db_time(NOW)
    async with db.transaction() as conn:
        await conn.execute(SEMINAR, (stamp, stamp, ids["ha"], stamp, stamp))
        await conn.execute(TRAINING, (stamp, stamp, ids["ha"], stamp, stamp))
        for member, rsvp in ((ids["lan"], "pending"), (ids["tam"], "delegated"), (ids["binh"], "yes")):
            await conn.execute(
                "INSERT INTO seminar_invitees (seminar_id, member_id, rsvp, invited_at) VALUES (1, ?, ?, ?)",
                (member, rsvp, stamp),
            )
        for member, status in (
            (ids["tam"], "registered"),
            (ids["lan"], "withdrawn"),
            (ids["ha"], "waitlisted"),
        ):
            await conn.execute(
                "INSERT INTO training_registrations (training_id, member_id, status, registered_at, "
                "updated_at) VALUES (1, ?, ?, ?, ?)",
                (member, status, stamp, stamp),
            )
    assert await names(db, audience_of(AudienceKind.SEMINAR, (1,))) == ["Nguyễn Thị Lan", "Trần Văn Bình"]
    assert await names(db, audience_of(AudienceKind.TRAINING, (1,))) == ["Phạm Thu Hà", "Lê Văn Tâm"]
    assert await names(db, audience_of(AudienceKind.TRAINING, (1,)).within(2)) == []
    assert await store.events(AudienceKind.SEMINAR, since=NOW) == [(1, "Phương pháp học")]


async def test_a_broadcast_is_queued_once_and_acknowledgements_count_for_its_original(db: Database) -> None:
    ids = await seed(db)
    store, outbox = SqliteBroadcasts(db), SqliteOutbox(db)
    first = await store.create(
        Broadcast(0, ids["ha"], Content("Lịch"), audience_of(AudienceKind.ALL), BroadcastStatus.DRAFT, NOW)
    )
    deliveries = [
        Delivery(ids[k], str(500 + n), first.content, None) for n, k in enumerate(("ha", "tam", "lan"), 1)
    ]
    assert await store.start_sending(first.id, deliveries, [ids["binh"]], now=NOW)
    assert not await store.start_sending(first.id, deliveries, [], now=NOW)
    assert (await outbox.progress(first.batch)).total == 3
    sending = await store.get(first.id)
    assert sending is not None and sending.status is BroadcastStatus.SENDING and sending.recipients == 4
    assert sending.skipped == (ids["binh"],)

    assert await store.ack(first, ids["lan"], now=NOW)
    assert not await store.ack(first, ids["lan"], now=NOW + timedelta(minutes=1))
    unacked = audience_of(AudienceKind.UNACKED, (first.id,))
    assert await names(db, unacked) == ["Phạm Thu Hà", "Lê Văn Tâm"]

    again = await store.create(
        Broadcast(0, ids["ha"], first.content, unacked, BroadcastStatus.DRAFT, NOW, root_id=first.id)
    )
    await store.start_sending(again.id, [Delivery(ids["tam"], "502", first.content, None)], [], now=NOW)
    assert await store.ack(again, ids["tam"], now=NOW)
    assert await names(db, unacked) == ["Phạm Thu Hà"]
    assert await store.was_recipient(again.id, ids["tam"]) and not await store.was_recipient(
        again.id, ids["ha"]
    )


async def test_the_report_card_is_kept_with_its_message_id_on_either_channel(db: Database) -> None:
    ids = await seed(db)
    store = SqliteBroadcasts(db)
    made = [
        await store.create(
            Broadcast(0, ids["ha"], Content(text), audience_of(AudienceKind.ALL), BroadcastStatus.DRAFT, NOW)
        )
        for text in ("Telegram", "Zalo")
    ]
    await store.set_report_message(made[0].id, "4001", "812")
    await store.set_report_message(made[1].id, "00000000000000000fa1", "49e66f1ffd4e191a571e")
    cards = [await store.get(b.id) for b in made]
    assert [(c.report_chat_id, c.report_message_id) for c in cards if c is not None] == [
        ("4001", "812"),
        ("00000000000000000fa1", "49e66f1ffd4e191a571e"),
    ]


async def test_only_a_scheduled_broadcast_can_be_cancelled(db: Database) -> None:
    ids = await seed(db)
    store = SqliteBroadcasts(db)
    later = await store.create(
        Broadcast(
            0,
            ids["ha"],
            Content("Sau"),
            audience_of(AudienceKind.ALL),
            BroadcastStatus.SCHEDULED,
            NOW,
            scheduled_at=NOW + timedelta(days=1),
        )
    )
    assert await store.cancel(later.id, now=NOW)
    assert not await store.start_sending(later.id, [], [], now=NOW)
    assert not await store.cancel(later.id, now=NOW)


async def test_the_sandbox_demo_seeds_one_past_broadcast_with_acknowledgements(tmp_path) -> None:
    from bot.clock import AdjustableClock
    from bot.config import Settings
    from bot.sandbox.demo_broadcasts import seed as seed_demo
    from bot.services import Services

    services = await Services.create(
        Settings(bot_token=None, database_path=tmp_path / "demo.db"), AdjustableClock(NOW)
    )
    try:
        await seed(services.db)
        await seed_demo(services, NOW)
        await seed_demo(services, NOW)
        done = await services.broadcasts.store.recent(statuses=(BroadcastStatus.DONE,))
        assert len(done) == 1 and done[0].sent_at == NOW - timedelta(days=3)
        assert (await services.outbox.progress(done[0].batch)).counts == {"sent": 3}
        assert await services.outbox.pending_count() == 0
        organiser = await services.member_store.get(done[0].created_by)
        acks = await services.broadcasts.acknowledgements(organiser, done[0].id)
        assert len(acks.acked) == 2 and len(acks.waiting) == 1
    finally:
        await services.close()


async def test_the_history_pages_in_the_cores_order_with_delivered_counts(db: Database) -> None:
    from bot.core.broadcasts.history import LISTED, history_order

    ids = await seed(db)
    store = SqliteBroadcasts(db)
    made = []
    for n, (status, hours, by) in enumerate(
        [
            ("done", -48, "ha"),
            ("scheduled", 30, "tam"),
            ("cancelled", 5, "ha"),
            ("scheduled", 2, "ha"),
            ("sending", -1, "tam"),
            ("done", -3, "ha"),
            ("draft", 0, "ha"),
        ]
    ):
        when = NOW + timedelta(hours=hours)
        scheduled = when if status in ("scheduled", "cancelled") else None
        created = await store.create(
            Broadcast(
                0,
                ids[by],
                Content(f"Số {n}"),
                audience_of(AudienceKind.ALL),
                BroadcastStatus.SCHEDULED,
                NOW + timedelta(minutes=n),
                scheduled_at=scheduled,
            )
        )
        if status == "sending":
            await store.start_sending(
                created.id, [Delivery(ids["lan"], "503", created.content, None)], [], now=when
            )
        async with db.transaction() as conn:
            await conn.execute(
                "UPDATE broadcasts SET status = ?, sent_at = ? WHERE id = ?",
                (status, to_db_time(when) if status in ("done", "sending") else None, created.id),
            )
        made.append(await store.get(created.id))
    async with db.transaction() as conn:
        await conn.execute("UPDATE outbox SET status = 'sent'")

    expected = [b.id for b in sorted((b for b in made if b.status in LISTED), key=history_order)]
    assert await store.count_history(statuses=LISTED, created_by=None) == 6
    pages = [
        b.id
        for offset in (0, 5)
        for b in await store.history(statuses=LISTED, created_by=None, offset=offset, limit=5)
    ]
    assert pages == expected
    assert [b.id for b in await store.history(statuses=LISTED, created_by=ids["tam"], offset=0, limit=5)] == [
        2,
        5,
    ]
    assert await store.delivered_counts([made[4].id, 1]) == {made[4].id: 1}
    names = await store.sender_names([ids["ha"], ids["tam"], ids["ha"]])
    assert set(names) == {ids["ha"], ids["tam"]} and all(names.values())
    assert await store.sender_names([]) == {}
