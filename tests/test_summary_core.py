"""The weekly summary's arithmetic, checked against numbers worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.models import Chapter, Member, MemberStatus, Role, Ward
from bot.core.summary import (
    BroadcastCounts,
    BroadcastFact,
    Event,
    FaqCounts,
    PeriodInfo,
    ReportFact,
    Schedule,
    SeminarCounts,
    SummaryInputs,
    TrainingCounts,
    compute_summary,
    match_ward,
    parse_schedule,
    parse_week_key,
    summary_audience,
    summary_week,
    week_of,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
W48 = parse_week_key("2026-W48", VN)  # Monday 23/11/2026 – Sunday 29/11/2026
WARDS = (Ward(1, "Phường 1"), Ward(2, "Phường 2"), Ward(10, "Phường 10"))
CHAPTERS = (
    Chapter(11, 1, "Khu phố 1"),
    Chapter(12, 1, "Khu phố 2"),
    Chapter(13, 1, "Khu phố 3"),
    Chapter(21, 2, "Khu phố 1"),
    Chapter(22, 2, "Trường THCS (tên mới)"),
    Chapter(23, 2, "Khu phố cũ", active=False),
    Chapter(101, 10, "Khu phố 1"),
)
END_OF_W48 = datetime(2026, 11, 30, 0, 0, tzinfo=VN)


def vn(day: int, hour: int = 9, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=VN)


def inputs(**changes: object) -> SummaryInputs:
    base = {
        "week": W48,
        "as_of": END_OF_W48,
        "period": PeriodInfo("2026-11", vn(25, 20)),
        "wards": WARDS,
        "chapters": CHAPTERS,
        "reports": (),
        "trainings": (),
        "seminars": (),
        "broadcasts": (),
        "faq": (),
    }
    base.update(changes)
    return SummaryInputs(**base)  # type: ignore[arg-type]


class TestWeeks:
    def test_week_keys_and_boundaries_are_in_vietnam_time(self) -> None:
        assert W48 is not None
        assert W48.start == datetime(2026, 11, 23, 0, 0, tzinfo=VN)
        assert W48.end == END_OF_W48
        # Sunday 23:30 in Việt Nam is still week 48 although it is Sunday 16:30 UTC;
        # Monday 00:10 in Việt Nam is week 49 although it is still Sunday in UTC.
        assert week_of(datetime(2026, 11, 29, 16, 30, tzinfo=UTC), VN).key == "2026-W48"
        assert week_of(datetime(2026, 11, 29, 17, 10, tzinfo=UTC), VN).key == "2026-W49"

    def test_summary_on_monday_morning_reports_the_week_just_ended(self) -> None:
        assert summary_week(vn(30, 7), VN).key == "2026-W48"
        assert summary_week(vn(29, 23), VN).key == "2026-W47"

    def test_year_boundary_uses_iso_weeks(self) -> None:
        assert week_of(datetime(2027, 1, 1, 12, tzinfo=VN), VN).key == "2026-W53"
        assert parse_week_key("2026-W53", VN).previous().key == "2026-W52"
        assert parse_week_key("2026-W53", VN).next().key == "2027-W01"

    @pytest.mark.parametrize("text", ["2026-W54", "2025-W53", "W48", "2026-48", "", "2026-W00"])
    def test_invalid_week_keys_are_refused(self, text: str) -> None:
        assert parse_week_key(text, VN) is None

    def test_lenient_week_keys(self) -> None:
        assert parse_week_key(" 2026w8 ", VN).key == "2026-W08"


class TestNewMembers:
    def test_by_ward_this_week_previous_week_and_period(self) -> None:
        reports = (
            ReportFact(11, "2026-11", 3, vn(24)),  # this week, ward 1
            ReportFact(12, "2026-11", 2, vn(29, 23)),  # Sunday late evening: still this week
            ReportFact(21, "2026-11", 5, vn(18)),  # previous week, ward 2
            ReportFact(22, "2026-11", 1, vn(3)),  # earlier this month
            ReportFact(101, "2026-10", 4, vn(23, 8)),  # last month's report filed late, this week
        )
        summary = compute_summary(inputs(reports=reports))
        assert summary.new_members is not None
        assert (
            summary.new_members.this_week,
            summary.new_members.previous_week,
            summary.new_members.period,
        ) == (9, 5, 11)
        assert summary.new_members.change == 4
        by_ward = {
            w.name: (w.new_this_week, w.new_previous_week, w.new_period, w.change) for w in summary.wards
        }
        assert by_ward == {"Phường 1": (5, 0, 5, 5), "Phường 2": (0, 5, 6, -5), "Phường 10": (4, 0, 0, 4)}
        assert [w.name for w in summary.wards] == ["Phường 1", "Phường 2", "Phường 10"]

    def test_a_report_filed_just_after_midnight_monday_counts_next_week(self) -> None:
        summary = compute_summary(inputs(reports=(ReportFact(11, "2026-11", 3, END_OF_W48),)))
        assert summary.new_members.this_week == 0
        assert summary.new_members.period == 3

    def test_ward_lead_version_counts_only_their_ward(self) -> None:
        reports = (ReportFact(11, "2026-11", 3, vn(24)), ReportFact(21, "2026-11", 5, vn(24)))
        summary = compute_summary(inputs(reports=reports), ward_id=2)
        assert summary.ward_name == "Phường 2"
        assert summary.new_members.this_week == 5
        assert [w.name for w in summary.wards] == ["Phường 2"]


class TestReporting:
    def test_rate_excludes_excused_and_deactivated_chapters(self) -> None:
        reports = (
            ReportFact(11, "2026-11", 1, vn(20)),  # on time
            ReportFact(21, "2026-11", 0, vn(27)),  # late
            ReportFact(12, "2026-11", excused=True),  # excused: not expected, not missing
            ReportFact(23, "2026-11", 2, vn(20)),  # deactivated chapter: counted in members, not in rate
            ReportFact(13, "2026-10", 2, vn(2)),  # last period: does not count for this one
        )
        summary = compute_summary(inputs(reports=reports))
        rep = summary.reporting
        assert rep is not None
        assert (rep.expected, rep.reported, rep.on_time, rep.excused, rep.missing) == (5, 2, 1, 1, 3)
        assert rep.rate == pytest.approx(0.4)
        assert rep.missing_by_ward == (
            ("Phường 1", ("Khu phố 3",)),
            ("Phường 2", ("Trường THCS (tên mới)",)),
            ("Phường 10", ("Khu phố 1",)),
        )
        assert summary.new_members.period == 3

    def test_renamed_chapter_shows_its_new_name(self) -> None:
        summary = compute_summary(inputs(reports=(ReportFact(11, "2026-11", 1, vn(20)),)))
        assert "Trường THCS (tên mới)" in dict(summary.reporting.missing_by_ward)["Phường 2"]

    def test_an_excused_chapter_that_reports_anyway_counts_as_reported(self) -> None:
        reports = (ReportFact(11, "2026-11", excused=True), ReportFact(11, "2026-11", 2, vn(20)))
        rep = compute_summary(inputs(reports=reports)).reporting
        assert (rep.expected, rep.reported, rep.excused) == (6, 1, 0)

    def test_inactive_ward_chapters_are_not_expected(self) -> None:
        wards = (Ward(1, "Phường 1"), Ward(2, "Phường 2", active=False), Ward(10, "Phường 10"))
        rep = compute_summary(inputs(wards=wards, reports=(ReportFact(11, "2026-11", 1, vn(20)),))).reporting
        assert rep.expected == 4
        assert [ward for ward, _ in rep.missing_by_ward] == ["Phường 1", "Phường 10"]

    def test_nothing_to_say_before_the_deadline_when_nobody_reported(self) -> None:
        summary = compute_summary(inputs(period=PeriodInfo("2026-12", vn(25, 20, month=12))))
        assert summary.reporting is None

    def test_after_the_deadline_the_missing_chapters_need_attention(self) -> None:
        rep = compute_summary(inputs()).reporting
        assert rep is not None and rep.reported == 0 and rep.missing == 6 and rep.rate == 0


class TestActivities:
    def test_trainings_held_and_next(self) -> None:
        trainings = (
            Event(1, "Kỹ năng", vn(26, 8)),
            Event(2, "Hồ sơ", vn(2, 8, month=12)),
            Event(3, "Tuần trước", vn(20)),
            Event(4, "Xa", vn(1, 8, month=1).replace(year=2027)),
        )
        counts = (
            TrainingCounts(1, 1, registered=10, attended=8),
            TrainingCounts(1, 2, registered=6, attended=4),
            TrainingCounts(1, None, registered=0, attended=1),
            TrainingCounts(2, 1, registered=3),
        )
        summary = compute_summary(inputs(trainings=trainings, training_counts=counts))
        held = summary.trainings_held
        assert [(t.title, t.registered, t.attended) for t in held] == [("Kỹ năng", 16, 13)]
        assert held[0].rate == pytest.approx(13 / 16)
        assert [(t.title, t.registered) for t in summary.trainings_next] == [("Hồ sơ", 3)]
        ward2 = compute_summary(inputs(trainings=trainings, training_counts=counts), ward_id=2)
        assert [(t.registered, t.attended) for t in ward2.trainings_held] == [(6, 4)]
        ward10 = compute_summary(inputs(trainings=trainings, training_counts=counts), ward_id=10)
        assert ward10.trainings_held == ()

    def test_a_session_still_running_is_not_held_yet(self) -> None:
        as_of = inputs().as_of
        running = Event(1, "Đang học", as_of - timedelta(hours=1), ends_at=as_of + timedelta(hours=2))
        summary = compute_summary(inputs(trainings=(running,)))
        assert summary.trainings_held == ()
        assert [t.title for t in summary.trainings_next] == ["Đang học"]

    def test_a_wards_detail_lists_only_the_trainings_open_to_that_ward(self) -> None:
        trainings = (
            Event(2, "Cho Phường 1", vn(2, 8, month=12), ward_ids=frozenset({1})),
            Event(3, "Cho mọi người", vn(3, 8, month=12)),
            Event(4, "Cho Phường 2", vn(4, 8, month=12), ward_ids=frozenset({2})),
        )
        ward2 = compute_summary(inputs(trainings=trainings), ward_id=2)
        assert [t.title for t in ward2.trainings_next] == ["Cho mọi người", "Cho Phường 2"]

    def test_seminars_in_the_next_two_weeks_with_rsvps(self) -> None:
        seminars = (Event(5, "Hội thảo A", vn(3, 14, month=12)), Event(6, "Sau 2 tuần", vn(15, 8, month=12)))
        counts = (SeminarCounts(5, 1, yes=4, no=1, pending=3), SeminarCounts(5, 2, delegated=1, pending=2))
        [line] = compute_summary(inputs(seminars=seminars, seminar_counts=counts)).seminars
        assert (line.topic, line.yes, line.no, line.delegated, line.pending, line.invited) == (
            "Hội thảo A",
            4,
            1,
            1,
            5,
            11,
        )

    def test_broadcasts_and_acknowledgements(self) -> None:
        broadcasts = (
            BroadcastFact(1, vn(24), 40),
            BroadcastFact(2, vn(28), 10),
            BroadcastFact(3, vn(18), 99),
        )
        counts = (
            BroadcastCounts(1, 1, delivered=20, acked=15),
            BroadcastCounts(1, 2, delivered=20, acked=5),
            BroadcastCounts(2, 1, delivered=10, acked=10),
            BroadcastCounts(3, 1, delivered=99, acked=99),
        )
        district = compute_summary(inputs(broadcasts=broadcasts, broadcast_counts=counts)).broadcasts
        assert (district.sent, district.recipients, district.acked) == (2, 50, 30)
        assert district.rate == pytest.approx(0.6)
        ward2 = compute_summary(inputs(broadcasts=broadcasts, broadcast_counts=counts), ward_id=2).broadcasts
        assert (ward2.sent, ward2.recipients, ward2.acked) == (1, 20, 5)

    def test_faq_unanswered_and_queue(self) -> None:
        faq = (
            FaqCounts(1, asked=10, unanswered=2, low_confidence=3, forwarded=1),
            FaqCounts(None, asked=4, unanswered=1),
        )
        stats = compute_summary(inputs(faq=faq, faq_queue=5)).faq
        assert (stats.asked, stats.unanswered, stats.low_confidence, stats.forwarded, stats.queue) == (
            14,
            3,
            3,
            1,
            5,
        )
        assert compute_summary(inputs(faq=faq, faq_queue=5), ward_id=1).faq.queue is None


class TestEmptyWeeks:
    def test_a_week_with_nothing_at_all(self) -> None:
        summary = compute_summary(inputs(period=PeriodInfo("2026-12", vn(25, 20, month=12))))
        assert summary.is_empty


class TestAudienceAndWards:
    def member(
        self, mid: int, role: Role | None, ward: int | None = None, status: MemberStatus = MemberStatus.ACTIVE
    ) -> Member:
        return Member(mid, f"M{mid}", status, role, ward_id=ward)

    def test_admins_by_default_others_when_subscribed_ward_leads_restricted(self) -> None:
        members = [
            self.member(1, Role.ADMIN),
            self.member(2, Role.ADMIN),
            self.member(3, Role.ORGANISER),
            self.member(4, Role.ORGANISER),
            self.member(5, Role.WARD_LEAD, 2),
            self.member(6, Role.WARD_LEAD, 1),
            self.member(7, Role.CADRE, 1),
            self.member(8, Role.ADMIN, status=MemberStatus.INACTIVE),
        ]
        subscriptions = {2: False, 3: True, 5: True, 7: True, 8: True}
        audience = summary_audience(members, subscriptions)
        assert [(a.member.id, a.ward_id) for a in audience] == [(1, None), (3, None), (5, 2)]

    @pytest.mark.parametrize(
        "text, expected",
        [
            ("phường 5", 5),
            ("phuong 5", 5),
            ("PHUONG   5", 5),
            ("P5", 5),
            ("p.5", 5),
            ("5", 5),
            ("Phường 15", 15),
            ("phường Tân Định", 7),
            ("tan dinh", 7),
            ("phường 6", None),
            ("khu phố 5", None),
            ("", None),
        ],
    )
    def test_ward_names_as_typed(self, text: str, expected: int | None) -> None:
        wards = [Ward(5, "Phường 5"), Ward(15, "Phường 15"), Ward(7, "Phường Tân Định")]
        found = match_ward(text, wards)
        assert (found.id if found else None) == expected


def test_as_of_mid_week_includes_only_what_happened_so_far() -> None:
    reports = (ReportFact(11, "2026-11", 2, vn(24)),)
    summary = compute_summary(
        inputs(as_of=vn(25, 12), reports=reports, trainings=(Event(1, "Sắp tới", vn(27, 8)),))
    )
    assert summary.new_members.this_week == 2
    assert [t.title for t in summary.trainings_next] == ["Sắp tới"]
    assert summary.trainings_held == ()
    assert summary.as_of - summary.week.start == timedelta(days=2, hours=12)


class TestSchedule:
    @pytest.mark.parametrize(
        "text, weekday, at",
        [
            ("MON 07:00", 0, "07:00"),
            ("monday 7h", 0, "07:00"),
            ("T2 7:30", 0, "07:30"),
            ("tue 08:15", 1, "08:15"),
            ("CN 6h", 6, "06:00"),
        ],
    )
    def test_schedules_as_written_in_the_settings(self, text: str, weekday: int, at: str) -> None:
        schedule = parse_schedule(text)
        assert schedule is not None
        assert (schedule.weekday, schedule.at.strftime("%H:%M")) == (weekday, at)

    @pytest.mark.parametrize("text", ["", "xyz 07:00", "mon 25:00", "mon 07:61", "07:00"])
    def test_unreadable_schedules(self, text: str) -> None:
        assert parse_schedule(text) is None

    def test_the_summary_of_a_week_is_due_the_following_week(self) -> None:
        assert Schedule().due(W48) == datetime(2026, 11, 30, 7, 0, tzinfo=VN)
        assert parse_schedule("tue 08:30").due(W48) == datetime(2026, 12, 1, 8, 30, tzinfo=VN)
