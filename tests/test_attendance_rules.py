"""The attendance rules, as organisers explain them: when check-in is open, who is late, who gets a seat."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.attendance import RegistrationStatus, RosterRow, Training, TrainingStatus, summarise
from bot.core.attendance.rules import (
    CODE_ALPHABET,
    WindowState,
    demotions,
    is_late,
    looks_like_code,
    new_code,
    newly_invited,
    place_for,
    plausible_code,
    promotions,
    window_state,
)
from bot.core.audience import EVERYONE, NOBODY, Audience
from bot.core.models import Member, MemberStatus, Role
from bot.core.permissions import Action, can
from bot.core.when import month_grid, shift_month

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 12, 15, 8, 0, tzinfo=VN)


def training(**overrides: object) -> Training:
    values: dict[str, object] = {
        "id": 1,
        "title": "Tập huấn kỹ năng",
        "starts_at": START,
        "ends_at": START + timedelta(hours=3),
        "venue": "Hội trường",
        "description": None,
        "capacity": None,
        "audience": EVERYONE,
        "status": TrainingStatus.SCHEDULED,
    }
    values.update(overrides)
    return Training(**values)  # type: ignore[arg-type]


def member(
    role: Role | None = Role.CADRE,
    ward_id: int | None = 1,
    chapter_id: int | None = 10,
    status: MemberStatus = MemberStatus.ACTIVE,
) -> Member:
    return Member(1, "Nguyễn Thị Lan", status, role, ward_id, chapter_id)


@pytest.mark.parametrize(
    ("at", "state"),
    [
        (START - timedelta(minutes=60, seconds=1), WindowState.TOO_EARLY),
        (START - timedelta(minutes=60), WindowState.OPEN),
        (START, WindowState.OPEN),
        (START + timedelta(hours=3), WindowState.OPEN),
        (START + timedelta(hours=3, seconds=1), WindowState.CLOSED),
    ],
)
def test_check_in_opens_an_hour_before_the_start_and_closes_at_the_end(
    at: datetime, state: WindowState
) -> None:
    assert window_state(training(), at) is state


def test_the_check_in_window_follows_the_session_setting() -> None:
    session = training(checkin_opens_minutes=30)
    assert window_state(session, START - timedelta(minutes=31)) is WindowState.TOO_EARLY
    assert window_state(session, START - timedelta(minutes=30)) is WindowState.OPEN


@pytest.mark.parametrize(
    ("minutes_after_start", "late"), [(-30, False), (0, False), (15, False), (15.02, True), (90, True)]
)
def test_late_means_after_the_threshold_not_on_it(minutes_after_start: float, late: bool) -> None:
    assert is_late(training(), START + timedelta(minutes=minutes_after_start)) is late


def test_the_late_threshold_is_configurable_per_session() -> None:
    assert is_late(training(late_after_minutes=5), START + timedelta(minutes=6))
    assert not is_late(training(late_after_minutes=30), START + timedelta(minutes=29))


def test_seats_until_the_capacity_then_the_waiting_list() -> None:
    assert place_for(None, 10_000) is RegistrationStatus.REGISTERED
    assert place_for(3, 2) is RegistrationStatus.REGISTERED
    assert place_for(3, 3) is RegistrationStatus.WAITLISTED
    assert place_for(3, 5) is RegistrationStatus.WAITLISTED


def test_the_waiting_list_moves_up_in_order_to_fill_free_seats_only() -> None:
    assert promotions(3, 2, [7, 8, 9]) == [7]
    assert promotions(5, 2, [7, 8, 9, 4]) == [7, 8, 9]
    assert promotions(3, 3, [7]) == []
    assert promotions(2, 3, [7]) == []
    assert promotions(None, 50, [7, 8]) == [7, 8]


def test_cutting_seats_sends_the_latest_registrations_back_to_the_waiting_list_but_never_those_checked_in() -> (  # noqa: E501
    None
):
    assert demotions(3, [1, 2, 3, 4, 5]) == [5, 4]
    assert demotions(3, [1, 2, 3, 4, 5], checked_in={5}) == [4, 3]
    assert demotions(1, [1, 2, 3], checked_in={1, 2, 3}) == []
    assert demotions(5, [1, 2, 3]) == []
    assert demotions(None, [1, 2, 3]) == []


def test_codes_are_short_readable_and_recognised() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) > 190
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert all(plausible_code(c) for c in codes)
    assert not plausible_code("AB12")
    assert not plausible_code("O0O0O0")


def test_audience_everyone_wards_roles_or_chapters() -> None:
    assert EVERYONE.includes(member())
    assert not EVERYONE.includes(member(status=MemberStatus.PENDING))
    assert Audience.any_of(ward_ids=(1,)).includes(member(ward_id=1))
    assert not Audience.any_of(ward_ids=(2,)).includes(member(ward_id=1))
    assert Audience.any_of(roles=(Role.WARD_LEAD,)).includes(member(role=Role.WARD_LEAD))
    assert not Audience.any_of(roles=(Role.WARD_LEAD,)).includes(member(role=Role.CADRE))
    assert Audience.any_of(chapter_ids=(10,)).includes(member(chapter_id=10))
    assert NOBODY.empty and not EVERYONE.empty


def test_inviting_more_only_ever_widens_the_audience() -> None:
    ward_1 = Audience.any_of(ward_ids=(1,))
    assert ward_1.widened(Audience.any_of(ward_ids=(2,))) == Audience.any_of(ward_ids=(1, 2))
    assert ward_1.widened(Audience.any_of(ward_ids=(2, 1))) == Audience.any_of(ward_ids=(1, 2))
    assert ward_1.widened(Audience.any_of(roles=(Role.WARD_LEAD,), chapter_ids=(30,))) == Audience.any_of(
        ward_ids=(1,), roles=(Role.WARD_LEAD,), chapter_ids=(30,)
    )
    assert ward_1.widened(EVERYONE) == EVERYONE
    assert EVERYONE.widened(Audience.any_of(ward_ids=(2,))) == EVERYONE
    assert ward_1.widened(NOBODY) == ward_1
    widened = ward_1.widened(Audience.any_of(chapter_ids=(20,)))
    for person in (member(ward_id=1, chapter_id=10), member(ward_id=2, chapter_id=20)):
        assert widened.includes(person)
    assert not widened.includes(member(ward_id=2, chapter_id=21))


def test_newly_invited_are_those_the_old_audience_did_not_reach() -> None:
    assert newly_invited([1, 2], [1, 2, 3, 4]) == [3, 4]
    assert newly_invited([1, 2], [4, 3, 1, 4]) == [4, 3]
    assert newly_invited([1], [1, 2, 3, 4], answered={3}, organiser=4) == [2]
    assert newly_invited([1, 2], [1, 2]) == []


def test_audience_survives_the_database_round_trip() -> None:
    audience = Audience.any_of(ward_ids=(1, 2), roles=(Role.CADRE,), chapter_ids=(10,))
    assert Audience.from_json(audience.to_json(), legacy="training") == audience
    assert Audience.from_json(EVERYONE.to_json(), legacy="training") == EVERYONE


def test_only_organisers_and_admins_manage_trainings_and_every_active_member_attends() -> None:
    for role in (Role.ORGANISER, Role.ADMIN):
        assert can(member(role=role), Action.MANAGE_TRAINING)
    for role in (Role.WARD_LEAD, Role.CADRE):
        assert not can(member(role=role), Action.MANAGE_TRAINING)
    for role in Role:
        assert can(member(role=role), Action.ATTEND_TRAINING)
    assert not can(member(status=MemberStatus.PENDING), Action.ATTEND_TRAINING)
    assert not can(None, Action.ATTEND_TRAINING)


def test_the_date_picker_shows_weeks_starting_on_monday() -> None:
    weeks = month_grid(2026, 12)
    assert weeks[0][:2] == [0, 1]
    assert weeks[-1][3] == 31
    assert shift_month(date(2026, 12, 15), 1) == date(2027, 1, 1)
    assert shift_month(date(2026, 1, 31), -1) == date(2025, 12, 1)


def row(
    member_id: int,
    ward: str | None,
    registration: RegistrationStatus | None,
    *,
    checked_in: bool = False,
    late: bool = False,
    excused: bool = False,
) -> RosterRow:
    return RosterRow(
        member_id,
        f"Người {member_id}",
        ward,
        None,
        Role.CADRE,
        registration,
        START,
        START if checked_in else None,
        None,
        late,
        excused,
    )


def test_the_live_view_counts_and_groups_by_ward() -> None:
    rows = [
        row(1, "Phường 1", RegistrationStatus.REGISTERED, checked_in=True),
        row(2, "Phường 1", RegistrationStatus.REGISTERED, checked_in=True, late=True),
        row(3, "Phường 2", RegistrationStatus.REGISTERED),
        row(4, "Phường 2", RegistrationStatus.REGISTERED, excused=True),
        row(5, "Phường 2", None, checked_in=True),
        row(6, "Phường 3", RegistrationStatus.WAITLISTED),
        row(7, "Phường 3", RegistrationStatus.DECLINED),
    ]
    summary = summarise(rows)
    assert summary.expected == summary.registered + summary.walk_ins
    assert summary.expected == summary.checked_in + summary.not_arrived + summary.excused
    assert (
        summary.registered,
        summary.checked_in,
        summary.late,
        summary.not_arrived,
        summary.excused,
        summary.walk_ins,
        summary.waitlisted,
    ) == (4, 3, 1, 1, 1, 1, 1)
    assert [g.ward for g in summary.groups] == ["Phường 1", "Phường 2"]
    second = summary.groups[1]
    assert [r.member_id for r in second.on_time] == [5]
    assert [r.member_id for r in second.not_arrived] == [3]
    assert [r.member_id for r in second.excused] == [4]


def test_every_generated_code_typed_alone_is_read_as_a_check_in_attempt() -> None:
    codes = [new_code() for _ in range(500)]
    words = [code for code in codes if not code.isdecimal()]  # digits alone are answered as a number
    assert all(looks_like_code(code) for code in words)
    assert all(looks_like_code(code.lower()) for code in words if any(ch.isdigit() for ch in code))


@pytest.mark.parametrize(
    "text", ["OK", "CAMON", "nguyen", "Cảm ơn", "20", "346797", "KTW4KD thanks", "KTW4KDX"]
)
def test_ordinary_words_and_numbers_are_not_check_in_attempts(text: str) -> None:
    assert not looks_like_code(text)


def test_the_live_view_lists_wards_in_natural_order() -> None:
    rows = [
        row(i, ward, RegistrationStatus.REGISTERED) for i, ward in enumerate(["Phường 10", "Phường 2", None])
    ]
    assert [g.ward for g in summarise(rows).groups] == ["Phường 2", "Phường 10", None]


def test_an_unregistered_person_marked_excused_keeps_the_counts_adding_up() -> None:
    summary = summarise(
        [row(1, "Phường 1", RegistrationStatus.REGISTERED), row(2, "Phường 1", None, excused=True)]
    )
    assert (summary.registered, summary.walk_ins, summary.expected) == (1, 1, 2)
    assert summary.checked_in + summary.not_arrived + summary.excused == 2
