"""The attendance service on a real database: seats, waiting list, codes, check-ins, permissions."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import AdjustableClock
from bot.core.attendance import (
    AttendanceService,
    CheckInMethod,
    Outcome,
    RegistrationStatus,
    TrainingDraft,
)
from bot.core.audience import EVERYONE, NOBODY, Audience
from bot.core.models import Member, MemberStatus, Role
from bot.core.org import parse_org_csv
from storage.attendance import SqliteAttendance
from storage.db import Database
from storage.members import SqliteMembers
from storage.org import SqliteOrg
from tests.harness import SAMPLE_ORG

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 14, 9, 0, tzinfo=VN)
START = datetime(2026, 12, 15, 8, 0, tzinfo=VN)


class World:
    def __init__(self, db: Database) -> None:
        self.clock = AdjustableClock(NOW)
        self.store = SqliteAttendance(db)
        self.members = SqliteMembers(db)
        self.service = AttendanceService(self.store, self.clock, self.members)
        self.org = SqliteOrg(db)
        self._next = 100

    async def person(
        self,
        name: str,
        role: Role | None = Role.CADRE,
        ward: str = "Phường 1",
        status: MemberStatus = MemberStatus.ACTIVE,
    ) -> Member:
        self._next += 1
        visitor = await self.members.create_visitor(
            channel="telegram",
            external_id=str(self._next),
            chat_id=str(self._next),
            display_name=name,
            username=None,
            now=NOW,
        )
        ward_id = next(w.id for w in await self.org.wards() if w.name == ward)
        chapter_id = (await self.org.chapters(ward_id))[0].id
        return await self.members.update(
            visitor.id,
            now=NOW,
            actor_id=None,
            action="test",
            full_name=name,
            role=role,
            status=status,
            ward_id=ward_id,
            chapter_id=chapter_id,
        )

    async def session(self, organiser: Member, **overrides: object) -> int:
        values: dict[str, object] = {
            "title": "Tập huấn nghiệp vụ",
            "starts_at": START,
            "ends_at": START + timedelta(hours=3),
            "venue": "Hội trường UBND Phường 1",
        }
        values.update(overrides)
        result = await self.service.create(organiser, TrainingDraft(**values))  # type: ignore[arg-type]
        assert result.outcome is Outcome.OK and result.training is not None
        return result.training.id


@pytest.fixture
async def world(db: Database) -> World:
    parsed = parse_org_csv(SAMPLE_ORG.read_bytes())
    await SqliteOrg(db).import_rows(parsed.rows, now=NOW)
    return World(db)


async def test_only_organisers_create_sessions_and_nonsense_is_refused(world: World) -> None:
    organiser = await world.person("Phạm Văn Tổ", Role.ORGANISER)
    cadre = await world.person("Nguyễn Thị Lan")
    draft = TrainingDraft("Tập huấn", START, START + timedelta(hours=3), "Hội trường")
    assert (await world.service.create(cadre, draft)).outcome is Outcome.DENIED
    assert (
        await world.service.create(
            organiser, TrainingDraft("Tập huấn", NOW - timedelta(hours=1), NOW, "Hội trường")
        )
    ).outcome is Outcome.INVALID
    backwards = TrainingDraft("Tập huấn", START, START - timedelta(hours=1), "Hội trường")
    assert (await world.service.create(organiser, backwards)).outcome is Outcome.INVALID
    nobody = TrainingDraft("Tập huấn", START, START + timedelta(hours=1), "Hội trường", NOBODY)
    assert (await world.service.create(organiser, nobody)).outcome is Outcome.INVALID
    assert (await world.service.create(organiser, draft)).outcome is Outcome.OK


async def test_a_full_session_puts_people_on_the_waiting_list_and_promotes_on_withdrawal(
    world: World,
) -> None:
    organiser = await world.person("Phạm Văn Tổ", Role.ORGANISER)
    training_id = await world.session(organiser, capacity=2)
    lan, minh, hoa, tuan = [await world.person(n) for n in ("Lan", "Minh", "Hoa", "Tuấn")]
    assert (await world.service.register(lan, training_id)).status is RegistrationStatus.REGISTERED
    assert (await world.service.register(minh, training_id)).status is RegistrationStatus.REGISTERED
    world.clock.advance(timedelta(minutes=1))
    assert (await world.service.register(hoa, training_id)).status is RegistrationStatus.WAITLISTED
    world.clock.advance(timedelta(minutes=1))
    assert (await world.service.register(tuan, training_id)).status is RegistrationStatus.WAITLISTED
    again = await world.service.register(lan, training_id)
    assert again.outcome is Outcome.ALREADY_DONE and again.status is RegistrationStatus.REGISTERED

    withdrawn = await world.service.decline(minh, training_id)
    assert withdrawn.status is RegistrationStatus.WITHDRAWN and withdrawn.promoted == (hoa.id,)
    waiting = await world.service.decline(tuan, training_id)
    assert waiting.status is RegistrationStatus.WITHDRAWN and waiting.promoted == ()
    assert (await world.service.decline(tuan, training_id)).outcome is Outcome.ALREADY_DONE
    views = await world.service.upcoming_for(lan)
    assert views[0].registered == 2 and views[0].waitlisted == 0 and views[0].full


async def test_raising_the_capacity_promotes_the_waiting_list(world: World) -> None:
    organiser = await world.person("Phạm Văn Tổ", Role.ORGANISER)
    training_id = await world.session(organiser, capacity=1)
    lan, minh = await world.person("Lan"), await world.person("Minh")
    await world.service.register(lan, training_id)
    await world.service.register(minh, training_id)
    result = await world.service.update(organiser, training_id, capacity=5)
    assert result.outcome is Outcome.OK and result.promoted == (minh.id,) and result.notify == (lan.id,)
    assert (await world.service.update(lan, training_id, capacity=9)).outcome is Outcome.DENIED
    assert (await world.service.update(organiser, training_id, capacity=0)).outcome is Outcome.INVALID
    assert (
        await world.service.update(organiser, training_id, starts_at=NOW - timedelta(days=1))
    ).outcome is Outcome.INVALID


async def test_only_the_invited_may_register_and_not_after_the_start(world: World) -> None:
    organiser = await world.person("Phạm Văn Tổ", Role.ORGANISER)
    training_id = await world.session(organiser, audience=Audience.any_of(roles=(Role.WARD_LEAD,)))
    cadre = await world.person("Lan")
    lead = await world.person("Minh", Role.WARD_LEAD)
    assert (await world.service.register(cadre, training_id)).outcome is Outcome.NOT_INVITED
    assert await world.service.upcoming_for(cadre) == []
    world.clock.set(START)
    assert (await world.service.register(lead, training_id)).outcome is Outcome.STARTED


async def test_check_in_with_the_code_inside_the_window_only_once(world: World) -> None:
    organiser = await world.person("Phạm Văn Tổ", Role.ORGANISER)
    training_id = await world.session(organiser)
    lan = await world.person("Lan")
    code = (await world.service.checkin_code(organiser, training_id)).code
    assert code is not None
    assert (await world.service.checkin_code(lan, training_id)).outcome is Outcome.DENIED
    assert (await world.service.scan(lan, code, method=CheckInMethod.QR)).outcome is Outcome.TOO_EARLY
    world.clock.set(START - timedelta(minutes=60))
    first = await world.service.scan(lan, code.lower(), method=CheckInMethod.QR)
    assert first.outcome is Outcome.OK and first.at == START - timedelta(minutes=60) and not first.late
    world.clock.advance(timedelta(minutes=30))
    second = await world.service.scan(lan, code, method=CheckInMethod.CODE)
    assert second.outcome is Outcome.ALREADY_DONE and second.at == START - timedelta(minutes=60)
    assert (
        await world.service.scan(lan, "ZZZZZZ", method=CheckInMethod.CODE)
    ).outcome is Outcome.UNKNOWN_CODE
    minh = await world.person("Minh")
    world.clock.set(START + timedelta(hours=3, seconds=1))
    assert (await world.service.scan(minh, code, method=CheckInMethod.QR)).outcome is Outcome.CLOSED


async def test_a_rotated_code_stops_working_and_late_arrivals_are_marked(world: World) -> None:
    organiser = await world.person("Phạm Văn Tổ", Role.ORGANISER)
    training_id = await world.session(organiser)
    old = (await world.service.checkin_code(organiser, training_id)).code
    assert (await world.service.checkin_code(organiser, training_id)).code == old
    new = (await world.service.checkin_code(organiser, training_id, rotate=True)).code
    assert new is not None and old is not None and new != old
    world.clock.set(START + timedelta(minutes=20))
    lan = await world.person("Lan")
    assert (await world.service.scan(lan, old, method=CheckInMethod.QR)).outcome is Outcome.EXPIRED_CODE
    late = await world.service.scan(lan, new, method=CheckInMethod.QR)
    assert late.outcome is Outcome.OK and late.late


async def test_many_simultaneous_scans_make_exactly_one_row_each(world: World, db: Database) -> None:
    organiser = await world.person("Phạm Văn Tổ", Role.ORGANISER)
    training_id = await world.session(organiser)
    code = (await world.service.checkin_code(organiser, training_id)).code
    assert code is not None
    people = [await world.person(f"Cán bộ {i}") for i in range(20)]
    world.clock.set(START)
    results = await asyncio.gather(
        *(world.service.scan(p, code, method=CheckInMethod.QR) for p in people + people)
    )
    assert sorted(r.outcome for r in results).count(Outcome.OK) == 20
    assert await world.store.count_checked_in(training_id) == 20


async def test_a_stranger_scan_is_kept_and_completed_at_the_scan_time(world: World) -> None:
    organiser = await world.person("Phạm Văn Tổ", Role.ORGANISER)
    training_id = await world.session(organiser)
    code = (await world.service.checkin_code(organiser, training_id)).code
    assert code is not None
    stranger = await world.person("Khách", role=None, status=MemberStatus.VISITOR)
    world.clock.set(START + timedelta(minutes=5))
    pending = await world.service.scan(stranger, code, method=CheckInMethod.QR)
    assert pending.outcome is Outcome.NEEDS_REGISTRATION
    assert await world.service.complete_pending(stranger) == []
    world.clock.set(START + timedelta(hours=5))
    approved = await world.members.update(
        stranger.id, now=NOW, actor_id=None, action="test", status=MemberStatus.ACTIVE, role=Role.CADRE
    )
    done = await world.service.complete_pending(approved)
    assert [(r.outcome, r.at, r.late) for r in done] == [(Outcome.OK, START + timedelta(minutes=5), False)]
    assert await world.service.complete_pending(approved) == []


async def test_manual_check_in_undo_and_excused(world: World) -> None:
    organiser = await world.person("Phạm Văn Tổ", Role.ORGANISER)
    training_id = await world.session(organiser)
    lan, minh = await world.person("Lan"), await world.person("Minh", ward="Phường 2")
    await world.service.register(lan, training_id)
    await world.service.register(minh, training_id)
    assert (await world.service.manual_check_in(organiser, training_id, lan.id)).outcome is Outcome.TOO_EARLY
    world.clock.set(START + timedelta(minutes=1))
    assert (await world.service.manual_check_in(lan, training_id, lan.id)).outcome is Outcome.DENIED
    assert (await world.service.excuse(organiser, training_id, 987_654)).outcome is Outcome.NOT_FOUND
    assert (await world.service.manual_check_in(organiser, training_id, 987_654)).outcome is Outcome.NOT_FOUND
    assert (await world.service.manual_check_in(organiser, training_id, lan.id)).outcome is Outcome.OK
    assert (
        await world.service.manual_check_in(organiser, training_id, lan.id)
    ).outcome is Outcome.ALREADY_DONE
    assert (await world.service.excuse(organiser, training_id, lan.id)).outcome is Outcome.ALREADY_DONE
    assert (await world.service.undo_check_in(organiser, training_id, lan.id)).outcome is Outcome.OK
    assert (await world.service.undo_check_in(organiser, training_id, lan.id)).outcome is Outcome.ALREADY_DONE
    assert (await world.service.excuse(organiser, training_id, minh.id)).outcome is Outcome.OK
    roster = await world.service.roster(organiser, training_id)
    assert roster is not None
    rows = {r.full_name: r for r in roster[1]}
    assert not rows["Lan"].checked_in and rows["Minh"].excused and rows["Minh"].ward == "Phường 2"
    assert await world.service.roster(lan, training_id) is None


async def test_cancelling_tells_everyone_registered_or_waiting(world: World) -> None:
    organiser = await world.person("Phạm Văn Tổ", Role.ORGANISER)
    training_id = await world.session(organiser, capacity=1)
    lan, minh, hoa = await world.person("Lan"), await world.person("Minh"), await world.person("Hoa")
    await world.service.register(lan, training_id)
    await world.service.register(minh, training_id)
    await world.service.decline(hoa, training_id)
    result = await world.service.cancel(organiser, training_id)
    assert result.outcome is Outcome.OK and set(result.notify) == {lan.id, minh.id}
    assert (await world.service.cancel(organiser, training_id)).outcome is Outcome.ALREADY_DONE
    assert (await world.service.register(hoa, training_id)).outcome is Outcome.CANCELLED


async def test_a_new_late_threshold_applies_to_those_already_checked_in(world: World) -> None:
    organiser = await world.person("Phạm Văn Tổ", Role.ORGANISER)
    training_id = await world.session(organiser)
    code = (await world.service.checkin_code(organiser, training_id)).code
    assert code is not None
    lan, minh = await world.person("Lan"), await world.person("Minh")
    world.clock.set(START + timedelta(minutes=10))
    await world.service.scan(lan, code, method=CheckInMethod.QR)
    world.clock.set(START + timedelta(minutes=20))
    await world.service.scan(minh, code, method=CheckInMethod.QR)
    assert (await world.service.update(organiser, training_id, late_after_minutes=5)).outcome is Outcome.OK
    assert [(await world.store.attendance(training_id, m.id)).late for m in (lan, minh)] == [True, True]
    await world.service.update(organiser, training_id, late_after_minutes=20)
    assert [(await world.store.attendance(training_id, m.id)).late for m in (lan, minh)] == [False, False]
    assert (
        await world.service.update(organiser, training_id, late_after_minutes=999)
    ).outcome is Outcome.INVALID


async def test_inviting_more_reaches_only_the_newly_included_and_keeps_everyone_already_invited(
    world: World, db: Database
) -> None:
    organiser = await world.person("Phạm Văn Tổ", Role.ORGANISER)
    ward_1 = next(w.id for w in await world.org.wards() if w.name == "Phường 1")
    ward_2 = next(w.id for w in await world.org.wards() if w.name == "Phường 2")
    training_id = await world.session(organiser, audience=Audience.any_of(ward_ids=(ward_1,)))
    lan = await world.person("Lan")
    minh, khoa = await world.person("Minh", ward="Phường 2"), await world.person("Khoa", ward="Phường 2")
    pending = await world.person("Chờ", ward="Phường 2", status=MemberStatus.PENDING)
    hoa = await world.person("Hoa", ward="Phường 3")
    await world.service.register(lan, training_id)
    await world.service.register(organiser, training_id)
    cadre_try = await world.service.invite_more(lan, training_id, Audience.any_of(ward_ids=(ward_2,)))
    assert cadre_try.outcome is Outcome.DENIED

    result = await world.service.invite_more(organiser, training_id, Audience.any_of(ward_ids=(ward_2,)))
    assert result.outcome is Outcome.OK and result.training is not None
    assert set(result.notify) == {minh.id, khoa.id}
    assert lan.id not in result.notify and pending.id not in result.notify and hoa.id not in result.notify
    assert result.training.audience == Audience.any_of(ward_ids=(ward_1, ward_2))
    assert result.training.version == 2
    assert (await world.store.training(training_id)).audience == result.training.audience
    assert await db.fetch_value("SELECT COUNT(*) FROM audit_log WHERE action = 'widen_audience'") == 1
    assert (await world.service.register(minh, training_id)).outcome is Outcome.OK
    assert (await world.service.register(hoa, training_id)).outcome is Outcome.NOT_INVITED

    again = await world.service.invite_more(organiser, training_id, Audience.any_of(ward_ids=(ward_2,)))
    assert again.outcome is Outcome.ALREADY_DONE
    assert (await world.service.invite_more(organiser, training_id, NOBODY)).outcome is Outcome.INVALID
    everyone = await world.service.invite_more(organiser, training_id, EVERYONE)
    assert everyone.outcome is Outcome.OK and set(everyone.notify) == {hoa.id}
    assert (await world.service.invitable(organiser, training_id)).outcome is Outcome.ALREADY_DONE


async def test_inviting_more_is_refused_once_started_ended_or_cancelled(world: World) -> None:
    organiser = await world.person("Phạm Văn Tổ", Role.ORGANISER)
    ward_2 = next(w.id for w in await world.org.wards() if w.name == "Phường 2")
    more = Audience.any_of(ward_ids=(ward_2,))
    training_id = await world.session(organiser, audience=Audience.any_of(roles=(Role.WARD_LEAD,)))
    world.clock.set(START)
    assert (await world.service.invite_more(organiser, training_id, more)).outcome is Outcome.STARTED
    world.clock.set(START + timedelta(hours=4))
    assert (await world.service.invite_more(organiser, training_id, more)).outcome is Outcome.CLOSED
    world.clock.set(NOW)
    await world.service.cancel(organiser, training_id)
    assert (await world.service.invite_more(organiser, training_id, more)).outcome is Outcome.CANCELLED
    assert (await world.service.invite_more(organiser, 9999, more)).outcome is Outcome.NOT_FOUND
    assert (await world.store.training(training_id)).audience == Audience.any_of(roles=(Role.WARD_LEAD,))
