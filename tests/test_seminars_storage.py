"""Seminar storage on a real SQLite file: invitees, answers, tasks planned and dropped in the same
transaction."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.clock import AdjustableClock
from bot.core.audience import Audience
from bot.core.models import Member, MemberStatus, Role
from bot.core.org import OrgRow
from bot.core.seminars.models import Rsvp, RsvpOutcome, SeminarStatus
from bot.core.seminars.service import SeminarDraft, SeminarService
from storage.db import Database
from storage.members import SqliteMembers
from storage.org import SqliteOrg
from storage.seminars import SqliteSeminars
from storage.tasks import SqliteTasks

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=VN)
STARTS = datetime(2026, 11, 27, 8, 0, tzinfo=VN)
LEADS = Audience.of(roles=(Role.WARD_LEAD,))


class World:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.clock = AdjustableClock(NOW, frozen=True)
        self.members = SqliteMembers(db)
        self.org = SqliteOrg(db)
        self.tasks = SqliteTasks(db)
        self.seminars = SeminarService(SqliteSeminars(db), self.members, self.clock)
        self.people: dict[str, Member] = {}

    async def populate(self) -> None:
        await self.org.import_rows(
            (OrgRow(2, "Phường 1", "Chi hội KP1", None), OrgRow(3, "Phường 2", "Chi hội KP1", None)), now=NOW
        )
        wards = {w.name: w.id for w in await self.org.wards()}
        chapters = {c.ward_id: c.id for c in await self.org.chapters()}
        for n, (name, role, ward) in enumerate(
            [
                ("Phạm Thu Hà", Role.ORGANISER, None),
                ("Trần Văn Minh", Role.WARD_LEAD, "Phường 1"),
                ("Lê Thị Hoa", Role.WARD_LEAD, "Phường 2"),
                ("Nguyễn Thị Lan", Role.CADRE, "Phường 1"),
            ],
            start=1,
        ):
            visitor = await self.members.create_visitor(
                channel="telegram",
                external_id=str(n),
                chat_id=str(n),
                display_name=name,
                username=None,
                now=NOW,
            )
            ward_id = wards[ward] if ward else None
            self.people[name] = await self.members.update(
                visitor.id,
                now=NOW,
                actor_id=None,
                action="test",
                full_name=name,
                role=role,
                status=MemberStatus.ACTIVE,
                ward_id=ward_id,
                chapter_id=chapters[ward_id] if ward_id else None,
            )

    def draft(self, audience: Audience) -> SeminarDraft:
        return SeminarDraft(
            topic="Học tập suốt đời",
            host="Phường 1",
            starts_at=STARTS,
            venue="Nhà văn hóa",
            audience=audience,
        )


@pytest.fixture
async def world(db: Database) -> World:
    w = World(db)
    await w.populate()
    return w


async def test_creating_a_seminar_saves_invitees_and_plans_the_invitation_and_reminders(world: World) -> None:
    organiser = world.people["Phạm Thu Hà"]
    result = await world.seminars.create(organiser, world.draft(LEADS))
    assert result.outcome is RsvpOutcome.OK and result.seminar is not None and result.invited == 2
    seminar_id = result.seminar.id
    assert [i.full_name for i in await world.seminars.invitees(seminar_id)] == ["Lê Thị Hoa", "Trần Văn Minh"]
    pending = [t.key for t in await world.tasks.pending(f"seminar:{seminar_id}:")]
    assert pending == [
        f"seminar:{seminar_id}:v0:invite",
        f"seminar:{seminar_id}:v0:remind:259200",
        f"seminar:{seminar_id}:v0:remind:86400",
        f"seminar:{seminar_id}:v0:summary",
        f"seminar:{seminar_id}:v0:remind:7200",
        f"seminar:{seminar_id}:v0:feedback",
    ]


async def test_audience_is_roles_within_places_plus_named_people(world: World) -> None:
    wards = {w.name: w.id for w in await world.org.wards()}
    leads_of_ward_1 = Audience.of(roles=(Role.WARD_LEAD,), ward_ids=(wards["Phường 1"],))
    assert [r.full_name for r in await world.seminars.audience_members(leads_of_ward_1)] == ["Trần Văn Minh"]
    everyone_in_ward_1 = Audience.of(
        ward_ids=(wards["Phường 1"],), member_ids=(world.people["Lê Thị Hoa"].id,)
    )
    assert [r.full_name for r in await world.seminars.audience_members(everyone_in_ward_1)] == [
        "Lê Thị Hoa",
        "Nguyễn Thị Lan",
        "Trần Văn Minh",
    ]
    assert await world.seminars.audience_members(Audience()) == []


async def test_only_organisers_create_and_an_empty_audience_creates_nothing(world: World) -> None:
    lead = world.people["Trần Văn Minh"]
    assert (
        await world.seminars.create(lead, world.draft(Audience.of(roles=(Role.CADRE,))))
    ).outcome is RsvpOutcome.DENIED
    organiser = world.people["Phạm Thu Hà"]
    wards = {w.name: w.id for w in await world.org.wards()}
    nobody = Audience.of(roles=(Role.ORGANISER,), ward_ids=(wards["Phường 2"],))
    assert (await world.seminars.create(organiser, world.draft(nobody))).outcome is RsvpOutcome.NOT_FOUND
    assert await world.seminars.upcoming() == []


async def test_rescheduling_drops_pending_reminders_and_plans_the_new_ones(world: World) -> None:
    organiser = world.people["Phạm Thu Hà"]
    seminar = (await world.seminars.create(organiser, world.draft(LEADS))).seminar
    assert seminar is not None
    result = await world.seminars.reschedule(organiser, seminar.id, STARTS + timedelta(days=7))
    assert result.outcome is RsvpOutcome.OK and result.seminar is not None and result.seminar.version == 1
    assert result.seminar.ends_at == STARTS + timedelta(days=7, hours=2)
    keys = [t.key for t in await world.tasks.pending(f"seminar:{seminar.id}:")]
    assert all(":v1:" in k or k.endswith(":v0:invite") for k in keys)
    assert (
        f"seminar:{seminar.id}:v0:invite" in keys
    )  # invitations not yet sent still go out (with the new time)
    assert f"seminar:{seminar.id}:v1:moved" in keys
    old = await world.tasks.get(f"seminar:{seminar.id}:v0:remind:86400")
    assert old is not None and old["status"] == "cancelled"
    same = await world.seminars.reschedule(organiser, seminar.id, STARTS + timedelta(days=7))
    assert same.outcome is RsvpOutcome.UNCHANGED
    past = await world.seminars.reschedule(organiser, seminar.id, NOW - timedelta(hours=1))
    assert past.outcome is RsvpOutcome.INVALID


async def test_cancelling_drops_every_pending_task_and_plans_the_notice(world: World) -> None:
    organiser = world.people["Phạm Thu Hà"]
    seminar = (await world.seminars.create(organiser, world.draft(LEADS))).seminar
    assert seminar is not None
    result = await world.seminars.cancel(organiser, seminar.id)
    assert result.seminar is not None and result.seminar.status is SeminarStatus.CANCELLED
    assert [t.key for t in await world.tasks.pending(f"seminar:{seminar.id}:")] == [
        f"seminar:{seminar.id}:cancelled"
    ]
    assert (await world.seminars.cancel(organiser, seminar.id)).outcome is RsvpOutcome.CANCELLED
    assert await world.seminars.replan_all() == 0


async def test_answers_delegation_and_feedback(world: World) -> None:
    organiser, minh, hoa, lan = (
        world.people[n] for n in ("Phạm Thu Hà", "Trần Văn Minh", "Lê Thị Hoa", "Nguyễn Thị Lan")
    )
    seminar = (await world.seminars.create(organiser, world.draft(LEADS))).seminar
    assert seminar is not None
    assert (await world.seminars.answer(minh, seminar.id, Rsvp.YES)).outcome is RsvpOutcome.OK
    assert (await world.seminars.answer(lan, seminar.id, Rsvp.YES)).outcome is RsvpOutcome.NOT_INVITED
    assert (await world.seminars.delegate(hoa, seminar.id, minh.id)).outcome is RsvpOutcome.ALREADY_INVITED
    assert (await world.seminars.delegate(hoa, seminar.id, lan.id)).outcome is RsvpOutcome.OK
    replacement = await world.seminars.invitee(seminar.id, lan.id)
    assert replacement is not None and replacement.rsvp is Rsvp.PENDING and replacement.delegate_of == hoa.id
    assert await world.tasks.pending(f"seminar:{seminar.id}:v0:invite:{lan.id}")

    assert (await world.seminars.rate(minh, seminar.id, 4)).outcome is RsvpOutcome.INVALID  # not started yet
    world.clock.set(STARTS + timedelta(hours=3))
    assert (await world.seminars.answer(minh, seminar.id, Rsvp.NO)).outcome is RsvpOutcome.TOO_LATE
    assert (await world.seminars.rate(minh, seminar.id, 4)).outcome is RsvpOutcome.OK
    assert (await world.seminars.rate(minh, seminar.id, 4)).outcome is RsvpOutcome.UNCHANGED
    assert (await world.seminars.rate(minh, seminar.id, 9)).outcome is RsvpOutcome.INVALID
    assert (await world.seminars.rate(lan, seminar.id, 5)).outcome is RsvpOutcome.NOT_INVITED
    assert await world.seminars.feedback(seminar.id) == {minh.id: 4}


async def test_an_invitee_must_be_a_real_member(world: World) -> None:
    organiser = world.people["Phạm Thu Hà"]
    seminar = (await world.seminars.create(organiser, world.draft(LEADS))).seminar
    assert seminar is not None
    with pytest.raises(sqlite3.IntegrityError):
        async with world.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO seminar_invitees (seminar_id, member_id, invited_at) VALUES (?, 999, ?)",
                (seminar.id, "2026-11-23T02:00:00+00:00"),
            )


async def test_organisers_see_the_ratings_counted_once_the_seminar_has_ended(world: World) -> None:
    organiser, minh, hoa = (world.people[n] for n in ("Phạm Thu Hà", "Trần Văn Minh", "Lê Thị Hoa"))
    result = await world.seminars.create(organiser, world.draft(LEADS))
    assert result.seminar is not None
    seminar_id = result.seminar.id
    for person in (minh, hoa):
        await world.seminars.answer(person, seminar_id, Rsvp.YES)
    world.clock.set(STARTS + timedelta(hours=1))
    await world.seminars.rate(minh, seminar_id, 5)
    await world.seminars.rate(hoa, seminar_id, 4)
    assert await world.seminars.feedback_summary(organiser, seminar_id) is None
    assert await world.seminars.recently_ended(organiser) == []

    world.clock.set(STARTS + timedelta(hours=3))
    summary = await world.seminars.feedback_summary(organiser, seminar_id)
    assert summary is not None and summary.count == 2 and summary.average == Decimal("4.5")
    assert summary.distribution == {5: 1, 4: 1, 3: 0, 2: 0, 1: 0}
    assert [s.id for s in await world.seminars.recently_ended(organiser)] == [seminar_id]
    assert await world.seminars.feedback_summary(minh, seminar_id) is None
    assert await world.seminars.recently_ended(minh) == []

    world.clock.set(STARTS + timedelta(days=31))
    assert await world.seminars.recently_ended(organiser) == []
