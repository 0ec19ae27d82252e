"""A seminar's end time: the organiser types it (or keeps the usual two hours), and everything that depends on
the end follows it: the invitation, the calendar file, the check-in, the feedback question."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.attendance import Outcome
from tests.harness import TOKEN, VN, BotUnderTest, active_member, texts
from tests.test_seminars_dialog import create_seminar, people, up_to_the_start_time

STARTS = datetime(2026, 11, 27, 8, 0, tzinfo=VN)  # the harness clock starts on Monday 23/11 09:00


async def move_to(bot: BotUnderTest, when: datetime) -> None:
    await bot.advance(seconds=(when - bot.clock.now()).total_seconds())


async def test_the_typed_end_is_in_the_invitation_the_calendar_file_and_the_feedback_time(
    bot: BotUnderTest,
) -> None:
    organiser, minh, *_ = await people(bot)
    seminar_id = await create_seminar(bot, organiser, when="27/11 8h", end="11h30")
    assert "Thứ Sáu, 27/11/2026 08:00–11:30" in texts(minh.inbox())
    seminar = await bot.services.seminars.get(seminar_id)
    assert seminar is not None and seminar.ends_at == datetime(2026, 11, 27, 11, 30, tzinfo=VN)
    await minh.press("Tham dự")

    await move_to(bot, STARTS - timedelta(days=3) + timedelta(minutes=5))
    reminder = [r for r in minh.inbox() if r.method == "sendDocument"]
    assert "Thời gian: Thứ Sáu, 27/11/2026 08:00–11:30" in reminder[0].text
    calendar_file = next(
        c for c in bot.emu.calls(TOKEN, chat_id=minh.chat_id, ok=True) if c.method == "sendDocument"
    )
    ics = bot.emu.file(TOKEN, calendar_file.result["document"]["file_id"]).data.decode()
    assert "DTSTART:20261127T010000Z\r\n" in ics and "DTEND:20261127T043000Z\r\n" in ics

    await move_to(bot, datetime(2026, 11, 27, 10, 45, tzinfo=VN))
    assert not any("có ích" in r.text for r in minh.inbox())
    await move_to(bot, datetime(2026, 11, 27, 12, 5, tzinfo=VN))
    assert any("Buổi tọa đàm có ích cho anh/chị đến mức nào?" in r.text for r in minh.inbox())


async def test_bad_end_times_get_a_polite_answer_and_change_nothing(bot: BotUnderTest) -> None:
    organiser, *_ = await people(bot)
    await up_to_the_start_time(organiser)
    await organiser.send("27/11 8h")
    replies = await organiser.press("Đúng rồi")
    assert "Mấy giờ kết thúc?" in texts(replies) and "chọn Bỏ qua để kết thúc lúc 10:00" in texts(replies)

    assert "Xin nhập giờ kết thúc sau giờ bắt đầu (08:00)" in texts(await organiser.send("7h"))
    assert "Tôi chưa hiểu giờ này" in texts(await organiser.send("25h"))
    assert "Tôi chưa hiểu giờ này" in texts(await organiser.send("10h30 " * 60))
    assert "kéo dài hơn 14 tiếng" in texts(await organiser.send("23h"))
    await organiser.send("/cancel")
    assert await bot.services.seminars.upcoming() == []


async def test_skipping_the_end_keeps_the_usual_two_hours(bot: BotUnderTest) -> None:
    organiser, minh, *_ = await people(bot)
    seminar_id = await create_seminar(bot, organiser, when="27/11 14h")
    assert "Thứ Sáu, 27/11/2026 14:00–16:00" in texts(minh.inbox())
    seminar = await bot.services.seminars.get(seminar_id)
    assert seminar is not None and seminar.ends_at - seminar.starts_at == timedelta(hours=2)


async def test_check_in_stays_open_until_the_typed_end(bot: BotUnderTest) -> None:
    organiser, *_ = await people(bot)
    seminar_id = await create_seminar(bot, organiser, when="27/11 8h", end="11h30")
    organiser_member = await active_member(bot.services, 4001)

    await move_to(bot, datetime(2026, 11, 27, 10, 45, tzinfo=VN))
    opened = await bot.services.seminar_checkin.open(organiser_member, seminar_id)
    assert opened.outcome is Outcome.OK and opened.training is not None
    assert opened.training.ends_at == datetime(2026, 11, 27, 11, 30, tzinfo=VN)

    await move_to(bot, datetime(2026, 11, 27, 11, 35, tzinfo=VN))
    assert (await bot.services.seminar_checkin.open(organiser_member, seminar_id)).outcome is Outcome.CLOSED
