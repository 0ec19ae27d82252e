"""At a seminar, organisers use the trainings' check-in; those who checked in get the feedback question."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.core.broadcasts.service import AudienceKind
from bot.core.models import Role
from bot.core.summary.weeks import week_of
from tests.harness import BotUnderTest, Person, active_member, texts
from tests.test_seminars_reminders import STARTS, move_to, setup


async def open_checkin(organiser: Person) -> tuple[str, list]:
    """/seminars, then 📋 Điểm danh: the QR poster (its short code) and the check-in buttons."""
    await organiser.send("/seminars")
    replies = await organiser.press("📋 Điểm danh")
    photo = next(r for r in replies if r.method == "sendPhoto")
    match = re.search(r"/checkin ([A-Z0-9]{6})", photo.text)
    assert match, photo.text
    return match.group(1), replies


async def test_an_invitee_scans_the_seminar_qr_code_and_the_organiser_sees_them_arrive(
    bot: BotUnderTest,
) -> None:
    organiser, _minh, hoa, lan, _seminar_id = await setup(
        bot
    )  # Minh attends, Hoa declines, Lan has not answered
    await move_to(bot, STARTS - timedelta(minutes=30))
    for person in (hoa, lan):
        person.inbox()

    code, replies = await open_checkin(organiser)
    assert "Học tập suốt đời" in texts(replies) and "Nhà văn hóa Phường 1" in texts(replies)
    assert "Quét mã để điểm danh" in texts(replies)
    assert replies[-1].buttons[:2] == ["👥 Tình hình điểm danh", "📷 Mã QR"]
    assert not any("Hủy" in label for label in replies[-1].buttons)
    assert hoa.inbox() == [] and lan.inbox() == []

    replies = await lan.send(f"/start ci_{code}")
    assert "✅ Đã điểm danh buổi <b>Học tập suốt đời</b> lúc 07:30, ngày 27/11/2026" in texts(replies)

    replies = await organiser.send("/attendance")
    live = texts(replies)
    assert "✅ Nguyễn Thị Lan · 07:30" in live
    assert "⏳ Trần Văn Minh" in live
    assert "Lê Thị Hoa" not in live

    replies = await organiser.press("📷 Mã QR")
    assert f"/checkin {code}" in texts(replies)


async def test_opening_check_in_twice_reuses_the_same_session(bot: BotUnderTest) -> None:
    organiser, *_rest, seminar_id = await setup(bot)
    await move_to(bot, STARTS - timedelta(minutes=30))
    first, _ = await open_checkin(organiser)
    second, _ = await open_checkin(organiser)
    assert first == second
    member = await active_member(bot.services, 4001)
    again = await bot.services.seminar_checkin.open(member, seminar_id)
    assert again.training is not None and again.training.seminar_id == seminar_id
    upcoming = await bot.services.attendance.upcoming_for(member, include_all=True, with_seminars=True)
    assert [v.training.id for v in upcoming] == [again.training.id]
    # It follows its seminar: it is not edited or cancelled as a training session.
    assert (
        await bot.services.attendance.update(member, again.training.id, title="Khác")
    ).outcome == "invalid"
    assert (await bot.services.attendance.cancel(member, again.training.id)).outcome == "invalid"


async def test_a_cadre_cannot_open_the_check_in_of_a_seminar(bot: BotUnderTest) -> None:
    organiser, minh, _hoa, _lan, seminar_id = await setup(bot)
    replies = await organiser.send("/seminars")
    message_id, data = organiser.find_button("📋 Điểm danh", message_id=replies[-1].message_id)

    await minh.press_data(message_id, data, in_chat_of=organiser)
    assert "Chỉ ban tổ chức mới mở được điểm danh cho buổi tọa đàm." in organiser.toasts()
    assert (await bot.services.seminar_checkin.attendees(seminar_id)) == [
        (await active_member(bot.services, 5001)).id
    ]  # no check-in session: those who said yes


async def test_the_seminar_check_in_is_not_listed_among_the_trainings(bot: BotUnderTest) -> None:
    organiser, minh, _hoa, lan, _seminar_id = await setup(bot)
    await move_to(bot, STARTS - timedelta(minutes=30))
    await open_checkin(organiser)
    for person in (organiser, minh, lan):
        replies = await person.send("/trainings")
        assert "Học tập suốt đời" not in texts(replies)
        assert "Hiện chưa có buổi tập huấn nào" in texts(replies)


async def test_after_the_seminar_only_those_who_checked_in_are_asked_for_feedback(bot: BotUnderTest) -> None:
    organiser, minh, _hoa, lan, seminar_id = await setup(bot)
    await move_to(bot, STARTS - timedelta(minutes=30))
    code, _ = await open_checkin(organiser)
    await lan.send(f"/checkin {code}")

    await move_to(bot, STARTS + timedelta(hours=3))
    question = [r for r in lan.inbox() if "Buổi tọa đàm có ích cho anh/chị đến mức nào?" in r.text]
    assert len(question) == 1 and question[0].buttons == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]
    assert not any("có ích" in r.text for r in minh.inbox())  # said yes, but did not come

    replies = await lan.press("4 ⭐")
    assert "Cảm ơn ý kiến của anh/chị: 4/5." in texts(replies)
    member = await active_member(bot.services, 5003)
    assert member is not None and member.role is Role.WARD_LEAD
    assert await bot.services.seminars.feedback(seminar_id) == {member.id: 4}


async def test_reopening_follows_the_answers_and_a_past_seminar_is_refused(bot: BotUnderTest) -> None:
    organiser, _minh, _hoa, lan, seminar_id = await setup(bot)
    await move_to(bot, STARTS - timedelta(hours=3))
    await open_checkin(organiser)
    await lan.press("Không tham dự")
    await open_checkin(organiser)
    replies = await organiser.send("/attendance")
    assert "Trần Văn Minh" in texts(replies) and "Nguyễn Thị Lan" not in texts(replies)

    member = await active_member(bot.services, 4001)
    await move_to(bot, STARTS + timedelta(hours=2, minutes=1))
    past = await bot.services.seminar_checkin.open(member, seminar_id)
    assert past.outcome == "closed"


async def test_a_seminars_check_in_is_not_counted_as_a_training_in_the_summary_or_broadcasts(
    bot: BotUnderTest,
) -> None:
    organiser, *_rest = await setup(bot)
    await move_to(bot, STARTS - timedelta(minutes=30))
    await open_checkin(organiser)
    assert (
        await bot.services.db.fetch_value("SELECT COUNT(*) FROM trainings WHERE seminar_id IS NOT NULL") == 1
    )

    week = week_of(bot.clock.now(), bot.settings.timezone)
    summary = await bot.services.summary.summary(week)
    assert summary.trainings_held == () and summary.trainings_next == ()
    assert await bot.services.broadcasts.store.events(AudienceKind.TRAINING, since=bot.clock.now()) == []


async def test_a_cancelled_seminars_check_in_code_stops_working(bot: BotUnderTest) -> None:
    organiser, _minh, _hoa, lan, _seminar_id = await setup(bot)
    await move_to(bot, STARTS - timedelta(minutes=30))
    code, _replies = await open_checkin(organiser)
    await organiser.send("/seminars")
    await organiser.press("Hủy tọa đàm")
    await organiser.press("Đồng ý hủy")

    replies = await lan.send(f"/checkin {code}")
    assert "✅ Đã điểm danh" not in texts(replies)
    assert (
        await bot.services.db.fetch_value(
            "SELECT COUNT(*) FROM training_attendance WHERE checked_in_at IS NOT NULL"
        )
        == 0
    )
