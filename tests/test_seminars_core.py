"""Seminar rules: reminder planning, catch-up after downtime, rescheduling, RSVPs and the calendar file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.audience import Audience
from bot.core.ical import CalendarEvent, escape_text, event_ics, fold_line
from bot.core.models import Role
from bot.core.seminars.models import (
    DEFAULT_OFFSETS,
    FEEDBACK,
    REMINDER,
    SUMMARY,
    Announcement,
    Invitee,
    ReminderDecision,
    Rsvp,
    RsvpOutcome,
    Seminar,
    SeminarStatus,
    announce_task,
    check_delegation,
    check_new_start,
    check_rsvp,
    count_rsvps,
    may_nudge,
    parse_offsets,
    plan_tasks,
    reminder_decision,
    summary_due,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
STARTS = datetime(2026, 12, 4, 8, 0, tzinfo=VN)


def seminar(**changes: object) -> Seminar:
    base = Seminar(
        id=7,
        topic="Học tập suốt đời",
        host="Phường 1",
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=2),
        venue="Nhà văn hóa",
        agenda="",
        status=SeminarStatus.SCHEDULED,
        created_by=1,
    )
    return replace(base, **changes)


def invitee(
    rsvp: Rsvp = Rsvp.PENDING, member_id: int = 10, ward_id: int | None = 1, name: str = "Lan"
) -> Invitee:
    return Invitee(7, member_id, name, ward_id, rsvp)


class TestPlanning:
    def test_a_seminar_planned_a_week_ahead_gets_three_reminders_a_summary_and_a_feedback_question(
        self,
    ) -> None:
        tasks = plan_tasks(seminar(), STARTS - timedelta(days=7))
        assert [(t.kind, t.due_at) for t in tasks] == [
            (REMINDER, STARTS - timedelta(days=3)),
            (REMINDER, STARTS - timedelta(days=1)),
            (SUMMARY, STARTS - timedelta(days=1)),
            (REMINDER, STARTS - timedelta(hours=2)),
            (FEEDBACK, STARTS + timedelta(hours=2, minutes=30)),
        ]
        assert tasks[0].key == "seminar:7:v0:remind:259200"
        assert tasks[0].payload == {"seminar_id": 7, "version": 0, "offset": 259200}

    def test_reminders_already_past_when_planning_are_left_out(self) -> None:
        tasks = plan_tasks(seminar(), STARTS - timedelta(hours=30))
        assert [t.key for t in tasks] == [
            "seminar:7:v0:remind:86400",
            "seminar:7:v0:summary",
            "seminar:7:v0:remind:7200",
            "seminar:7:v0:feedback",
        ]

    def test_a_reminder_exactly_now_is_not_planned_again(self) -> None:
        tasks = plan_tasks(seminar(), STARTS - timedelta(hours=2))
        assert [t.kind for t in tasks] == [FEEDBACK]

    def test_planning_twice_gives_the_same_keys(self) -> None:
        now = STARTS - timedelta(days=5)
        assert plan_tasks(seminar(), now) == plan_tasks(seminar(), now)

    def test_a_rescheduled_seminar_gets_new_keys_so_done_reminders_of_the_old_date_do_not_block_them(
        self,
    ) -> None:
        now = STARTS - timedelta(days=5)
        old = {t.key for t in plan_tasks(seminar(), now)}
        moved = seminar(
            starts_at=STARTS + timedelta(days=7), ends_at=STARTS + timedelta(days=7, hours=2), version=1
        )
        new = plan_tasks(moved, now)
        assert old.isdisjoint(t.key for t in new)
        assert all(t.key.startswith("seminar:7:v1:") for t in new)
        assert new[0].due_at == STARTS + timedelta(days=4)

    def test_a_cancelled_seminar_plans_nothing(self) -> None:
        assert plan_tasks(seminar(status=SeminarStatus.CANCELLED), STARTS - timedelta(days=7)) == []

    def test_configured_offsets_are_used(self) -> None:
        tasks = plan_tasks(seminar(offsets=(timedelta(hours=5),)), STARTS - timedelta(days=7))
        assert [t.key for t in tasks if t.kind == REMINDER] == ["seminar:7:v0:remind:18000"]

    def test_announcements_are_once_only_per_version_or_nudge(self) -> None:
        now = STARTS - timedelta(days=7)
        assert announce_task(seminar(), Announcement.INVITE, now).key == "seminar:7:v0:invite"
        assert announce_task(seminar(), Announcement.INVITE, now, to=12).key == "seminar:7:v0:invite:12"
        assert announce_task(seminar(version=2), Announcement.MOVED, now).key == "seminar:7:v2:moved"
        assert announce_task(seminar(nudges=3), Announcement.NUDGE, now).key == "seminar:7:nudge:3"
        assert announce_task(seminar(), Announcement.CANCELLED, now).key == "seminar:7:cancelled"


class TestCatchUp:
    def test_a_reminder_on_time_is_sent(self) -> None:
        decision = reminder_decision(
            seminar(), version=0, offset=timedelta(days=1), now=STARTS - timedelta(days=1)
        )
        assert decision is ReminderDecision.SEND

    def test_a_late_reminder_is_still_sent_if_no_later_one_is_due_and_the_seminar_has_not_started(
        self,
    ) -> None:
        decision = reminder_decision(
            seminar(), version=0, offset=timedelta(days=3), now=STARTS - timedelta(days=2)
        )
        assert decision is ReminderDecision.SEND

    def test_after_downtime_only_the_latest_due_reminder_is_sent(self) -> None:
        now = STARTS - timedelta(hours=1)
        decisions = [reminder_decision(seminar(), version=0, offset=o, now=now) for o in DEFAULT_OFFSETS]
        assert decisions == [ReminderDecision.SUPERSEDED, ReminderDecision.SUPERSEDED, ReminderDecision.SEND]

    def test_nothing_is_sent_once_the_seminar_has_started(self) -> None:
        decision = reminder_decision(seminar(), version=0, offset=timedelta(hours=2), now=STARTS)
        assert decision is ReminderDecision.STARTED

    def test_a_reminder_for_an_earlier_date_or_a_cancelled_seminar_is_outdated(self) -> None:
        now = STARTS - timedelta(days=3)
        assert (
            reminder_decision(seminar(version=1), version=0, offset=timedelta(days=3), now=now)
            is ReminderDecision.OUTDATED
        )
        assert (
            reminder_decision(
                seminar(status=SeminarStatus.CANCELLED), version=0, offset=timedelta(days=3), now=now
            )
            is ReminderDecision.OUTDATED
        )
        assert (
            reminder_decision(None, version=0, offset=timedelta(days=3), now=now) is ReminderDecision.OUTDATED
        )

    def test_the_summary_goes_out_until_the_start(self) -> None:
        assert summary_due(seminar(), version=0, now=STARTS - timedelta(minutes=1))
        assert not summary_due(seminar(), version=0, now=STARTS)
        assert not summary_due(seminar(version=1), version=0, now=STARTS - timedelta(days=1))

    def test_times_are_right_whatever_zone_the_clock_reports_in(self) -> None:
        utc_now = (STARTS - timedelta(days=1)).astimezone(UTC)
        assert (
            reminder_decision(seminar(), version=0, offset=timedelta(days=1), now=utc_now)
            is ReminderDecision.SEND
        )
        assert plan_tasks(seminar(), utc_now - timedelta(days=5))[0].due_at == datetime(
            2026, 12, 1, 1, 0, tzinfo=UTC
        )


class TestRsvp:
    now = STARTS - timedelta(days=1)

    def test_an_invitee_answers_and_changes_their_mind(self) -> None:
        assert check_rsvp(seminar(), invitee(), Rsvp.YES, self.now) is RsvpOutcome.OK
        assert check_rsvp(seminar(), invitee(Rsvp.YES), Rsvp.NO, self.now) is RsvpOutcome.OK
        assert check_rsvp(seminar(), invitee(Rsvp.YES), Rsvp.YES, self.now) is RsvpOutcome.UNCHANGED

    def test_answers_are_refused_from_the_start(self) -> None:
        assert check_rsvp(seminar(), invitee(), Rsvp.YES, STARTS) is RsvpOutcome.TOO_LATE
        assert check_rsvp(seminar(), invitee(), Rsvp.YES, STARTS - timedelta(seconds=1)) is RsvpOutcome.OK

    def test_strangers_and_cancelled_seminars(self) -> None:
        assert check_rsvp(seminar(), None, Rsvp.YES, self.now) is RsvpOutcome.NOT_INVITED
        assert check_rsvp(None, invitee(), Rsvp.YES, self.now) is RsvpOutcome.NOT_FOUND
        assert (
            check_rsvp(seminar(status=SeminarStatus.CANCELLED), invitee(), Rsvp.YES, self.now)
            is RsvpOutcome.CANCELLED
        )
        assert check_rsvp(seminar(), invitee(), Rsvp.PENDING, self.now) is RsvpOutcome.INVALID

    def test_a_replacement_must_be_someone_else_not_already_invited(self) -> None:
        me = invitee(member_id=10)
        assert check_delegation(seminar(), me, 11, None, self.now) is RsvpOutcome.OK
        assert check_delegation(seminar(), me, 10, None, self.now) is RsvpOutcome.INVALID
        assert (
            check_delegation(seminar(), me, 11, invitee(Rsvp.YES, 11), self.now)
            is RsvpOutcome.ALREADY_INVITED
        )
        assert check_delegation(seminar(), me, 11, invitee(Rsvp.DELEGATED, 11), self.now) is RsvpOutcome.OK
        assert check_delegation(seminar(), me, 11, None, STARTS) is RsvpOutcome.TOO_LATE

    def test_counts_group_names_by_ward(self) -> None:
        counts = count_rsvps(
            [
                invitee(Rsvp.YES, 1, 1, "An"),
                invitee(Rsvp.YES, 2, 2, "Bình"),
                invitee(Rsvp.YES, 3, 1, "Chi"),
                invitee(Rsvp.NO, 4, None, "Dũng"),
                invitee(Rsvp.DELEGATED, 5, 1, "Em"),
                invitee(Rsvp.PENDING, 6, 2, "Giang"),
            ]
        )
        assert (counts.yes, counts.no, counts.waiting, counts.replaced) == (3, 1, 1, 1)
        assert counts.attending == {1: ["An", "Chi"], 2: ["Bình"]}
        assert counts.declined == {None: ["Dũng"]}

    def test_nudges_at_most_once_an_hour_and_only_before_the_start(self) -> None:
        assert may_nudge(seminar(), self.now)
        assert not may_nudge(seminar(last_nudged_at=self.now - timedelta(minutes=59)), self.now)
        assert may_nudge(seminar(last_nudged_at=self.now - timedelta(hours=1)), self.now)
        assert not may_nudge(seminar(), STARTS)

    def test_a_new_start_must_be_in_the_future_and_not_absurdly_far(self) -> None:
        assert check_new_start(STARTS, self.now)
        assert not check_new_start(self.now, self.now)
        assert not check_new_start(self.now + timedelta(days=800), self.now)


class TestOffsetsAndAudience:
    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("3d, 1d, 2h", (timedelta(days=3), timedelta(days=1), timedelta(hours=2))),
            ("2 gio; 3 ngay", (timedelta(days=3), timedelta(hours=2))),
            ("30 phut", (timedelta(minutes=30),)),
            ("1d,1d", (timedelta(days=1),)),
        ],
    )
    def test_offsets_as_typed(self, typed: str, expected: tuple[timedelta, ...]) -> None:
        assert parse_offsets(typed) == expected

    @pytest.mark.parametrize("typed", ["", "3", "31 ngay", "10 phut", "1d,2d,3d,4d,5d,6d", "mai", "-1d"])
    def test_absurd_offsets_are_refused(self, typed: str) -> None:
        assert parse_offsets(typed) is None

    def test_audience_toggles_and_round_trips(self) -> None:
        audience = Audience().toggled("role", Role.WARD_LEAD).toggled("ward", 3).toggled("member", 9)
        assert audience == Audience.of(roles=(Role.WARD_LEAD,), ward_ids=(3,), member_ids=(9,))
        assert audience.toggled("ward", 3).ward_ids == ()
        assert Audience.from_json(audience.to_json(), legacy="seminar") == audience
        assert Audience().empty and not audience.empty


class TestCalendarFile:
    def test_an_event_in_utc_with_escaped_text_and_crlf(self) -> None:
        event = CalendarEvent(
            uid="seminar-7@khuyenhoc-bot",
            starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=2),
            summary="Tọa đàm: học tập, đọc sách; gia đình",
            location="Hội trường\nPhường 1",
            description="a\\b",
            sequence=2,
        )
        text = event_ics(event, now=datetime(2026, 11, 27, 3, 0, tzinfo=UTC))
        lines = text.split("\r\n")
        assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
        assert "DTSTART:20261204T010000Z" in lines and "DTEND:20261204T030000Z" in lines
        assert "DTSTAMP:20261127T030000Z" in lines and "SEQUENCE:2" in lines
        assert "SUMMARY:Tọa đàm: học tập\\, đọc sách\\; gia đình" in lines
        assert "LOCATION:Hội trường\\nPhường 1" in lines and "DESCRIPTION:a\\\\b" in lines
        assert "\n" not in text.replace("\r\n", "")

    def test_long_lines_are_folded_at_75_octets_without_splitting_characters(self) -> None:
        line = "SUMMARY:" + "Đường học tập suốt đời của người cao tuổi " * 4
        folded = fold_line(line)
        parts = folded.split("\r\n")
        assert all(len(p.encode()) <= 75 for p in parts)
        assert all(p.startswith(" ") for p in parts[1:])
        assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line

    def test_naive_times_are_refused(self) -> None:
        with pytest.raises(ValueError):
            event_ics(
                CalendarEvent("x", datetime(2026, 12, 4, 8), datetime(2026, 12, 4, 10), "x"),
                now=datetime(2026, 11, 27, tzinfo=UTC),
            )

    def test_escaping_keeps_plain_text(self) -> None:
        assert escape_text("Phường 1") == "Phường 1"
        assert escape_text("a\r\nb") == "a\\nb"
