"""Reminders are durable: each invitee gets each reminder exactly once, across restarts and downtime."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.audience import Audience
from bot.core.models import Role
from bot.core.seminars.service import SeminarDraft
from tests.harness import TOKEN, VN, BotUnderTest, Person, active_member, texts

STARTS = datetime(2026, 11, 27, 8, 0, tzinfo=VN)  # the harness clock starts on Monday 23/11 09:00


async def setup(bot: BotUnderTest) -> tuple[Person, Person, Person, Person, int]:
    """Ward leads of Phường 1–3 invited; Minh attends, Hoa declines, Lan has not answered."""
    organiser = await bot.member(4001, "Phạm Thu Hà", Role.ORGANISER)
    minh = await bot.member(5001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 1")
    hoa = await bot.member(5002, "Lê Thị Hoa", Role.WARD_LEAD, ward="Phường 2")
    lan = await bot.member(5003, "Nguyễn Thị Lan", Role.WARD_LEAD, ward="Phường 3")
    wards = {w.name: w.id for w in await bot.services.org.wards()}
    creator = await active_member(bot.services, 4001)
    result = await bot.services.seminars.create(
        creator,
        SeminarDraft(
            topic="Học tập suốt đời",
            host="Phường 1",
            starts_at=STARTS,
            venue="Nhà văn hóa Phường 1",
            audience=Audience.of(
                roles=(Role.WARD_LEAD,), ward_ids=(wards["Phường 1"], wards["Phường 2"], wards["Phường 3"])
            ),
            agenda="Khai mạc; tham luận, thảo luận",
        ),
    )
    assert result.seminar is not None and result.invited == 3
    await bot.settle()
    await minh.press("Tham dự")
    await hoa.press("Không tham dự")
    for person in (organiser, minh, hoa, lan):
        person.inbox()
    return organiser, minh, hoa, lan, result.seminar.id


def sent(bot: BotUnderTest, person: Person, method: str, fragment: str = "") -> list:
    return [
        c
        for c in bot.emu.calls(TOKEN, chat_id=person.chat_id, ok=True)
        if c.method == method and fragment in (c.params.get("text") or c.params.get("caption") or "")
    ]


async def move_to(bot: BotUnderTest, when: datetime) -> None:
    await bot.advance(seconds=(when - bot.clock.now()).total_seconds())


async def test_each_invitee_gets_each_reminder_exactly_once_across_restarts(bot: BotUnderTest) -> None:
    organiser, minh, hoa, lan, _ = await setup(bot)

    await move_to(bot, STARTS - timedelta(days=3) + timedelta(minutes=5))
    reminder = minh.inbox()
    assert [r.method for r in reminder] == ["sendDocument"]
    assert "Nhắc lịch tọa đàm «Học tập suốt đời»" in reminder[0].text
    assert "Thời gian: Thứ Sáu, 27/11/2026 08:00–10:00" in reminder[0].text
    assert "Xin trả lời giấy mời" in texts(lan.inbox())
    assert hoa.inbox() == []

    await bot.restart()
    await bot.advance(minutes=10)
    await bot.restart()
    await move_to(bot, STARTS - timedelta(days=1) + timedelta(minutes=5))
    assert "Phản hồi cho buổi tọa đàm ngày mai" in texts(organiser.inbox())
    await bot.restart()
    await bot.advance(hours=1)
    await bot.restart()
    await move_to(bot, STARTS - timedelta(hours=2) + timedelta(minutes=5))
    await bot.restart()
    await move_to(bot, STARTS + timedelta(hours=1))

    assert len(sent(bot, minh, "sendDocument", "Nhắc lịch tọa đàm")) == 3
    assert len(sent(bot, lan, "sendMessage", "Xin trả lời giấy mời")) == 3
    assert len(sent(bot, lan, "sendDocument", "Nhắc lịch")) == 0
    assert [c.params["text"][:20] for c in sent(bot, hoa, "sendMessage")] == [
        "<b>Giấy mời dự tọa đ",
        "Đã ghi nhận: anh/chị",
    ]  # invitation, her own answer
    assert len(sent(bot, hoa, "sendDocument", "Nhắc lịch")) == 0
    assert len(sent(bot, organiser, "sendMessage", "Phản hồi cho buổi tọa đàm ngày mai")) == 1


async def test_the_reminder_carries_a_calendar_file_in_utc(bot: BotUnderTest) -> None:
    _organiser, minh, *_ = await setup(bot)
    await move_to(bot, STARTS - timedelta(days=3) + timedelta(minutes=5))
    document = sent(bot, minh, "sendDocument")[0]
    file_id = document.result["document"]["file_id"]
    ics = bot.emu.file(TOKEN, file_id).data.decode()
    assert "DTSTART:20261127T010000Z\r\n" in ics and "DTEND:20261127T030000Z\r\n" in ics
    assert "LOCATION:Nhà văn hóa Phường 1\r\n" in ics
    assert "DESCRIPTION:Khai mạc\\; tham luận\\, thảo luận\r\n" in ics


async def test_after_downtime_only_the_latest_due_reminder_goes_out_before_the_start(
    bot: BotUnderTest,
) -> None:
    _organiser, minh, _hoa, lan, _ = await setup(bot)
    await bot.stop()
    bot.clock.advance(
        STARTS - timedelta(hours=1) - bot.clock.now()
    )  # down through the 3-day, 1-day, 2-hour ones
    await bot.start()
    await bot.settle()

    assert len(sent(bot, minh, "sendDocument", "Nhắc lịch tọa đàm")) == 1
    assert len(sent(bot, lan, "sendMessage", "Xin trả lời giấy mời")) == 1


async def test_reminders_that_fell_due_during_downtime_are_dropped_once_the_seminar_started(
    bot: BotUnderTest,
) -> None:
    organiser, minh, _hoa, lan, _ = await setup(bot)
    await bot.stop()
    bot.clock.advance(STARTS + timedelta(minutes=30) - bot.clock.now())
    await bot.start()
    await bot.settle()

    assert sent(bot, minh, "sendDocument", "Nhắc lịch") == []
    assert sent(bot, lan, "sendMessage", "Xin trả lời giấy mời") == []
    assert sent(bot, organiser, "sendMessage", "Phản hồi") == []


async def test_a_rescheduled_seminar_tells_everyone_and_reminds_for_the_new_date(bot: BotUnderTest) -> None:
    organiser, minh, hoa, lan, seminar_id = await setup(bot)
    await move_to(bot, STARTS - timedelta(days=3) + timedelta(minutes=5))
    await organiser.send("/seminars")
    await organiser.press("Dời lịch")
    await organiser.send("4/12 8h")
    replies = await organiser.press("Đồng ý dời lịch")
    assert "Đã dời sang Thứ Sáu, 04/12/2026 08:00" in texts(replies)
    for person in (minh, hoa, lan):
        assert "Buổi tọa đàm đã được dời lịch" in texts(person.inbox())

    await move_to(bot, STARTS + timedelta(hours=3))  # the old date passes: nothing is sent for it
    assert len(sent(bot, minh, "sendDocument", "Nhắc lịch")) == 1
    new_start = datetime(2026, 12, 4, 8, 0, tzinfo=VN)
    await move_to(bot, new_start - timedelta(days=3) + timedelta(minutes=5))
    await bot.restart()
    await move_to(bot, new_start - timedelta(days=1) + timedelta(minutes=5))
    await move_to(bot, new_start - timedelta(hours=2) + timedelta(minutes=5))
    reminders = sent(bot, minh, "sendDocument", "Nhắc lịch tọa đàm")
    assert len(reminders) == 4
    assert "04/12/2026 08:00" in reminders[-1].params["caption"]
    seminar = await bot.services.seminars.get(seminar_id)
    assert seminar is not None and seminar.version == 1


async def test_a_cancelled_seminar_tells_everyone_and_sends_no_more_reminders(bot: BotUnderTest) -> None:
    organiser, minh, hoa, lan, _ = await setup(bot)
    await organiser.send("/seminars")
    await organiser.press("Hủy tọa đàm")
    replies = await organiser.press("Đồng ý hủy")
    assert "Đã hủy «Học tập suốt đời»" in texts(replies)
    for person in (minh, hoa, lan):
        assert "Buổi tọa đàm đã bị hủy" in texts(person.inbox())

    await bot.restart()
    await move_to(bot, STARTS + timedelta(hours=4))
    assert sent(bot, minh, "sendDocument", "Nhắc lịch") == []
    assert minh.inbox() == [] and lan.inbox() == []
    await minh.press("Không tham dự")
    assert "Buổi tọa đàm này đã bị hủy, anh/chị không cần trả lời nữa." in minh.toasts()


async def test_attendees_are_asked_one_feedback_question_after_the_seminar(bot: BotUnderTest) -> None:
    _organiser, minh, hoa, _lan, seminar_id = await setup(bot)
    await move_to(bot, STARTS + timedelta(hours=3))
    question = [r for r in minh.inbox() if "Buổi tọa đàm có ích cho anh/chị đến mức nào?" in r.text]
    assert len(question) == 1 and question[0].buttons == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]
    assert not any("có ích" in r.text for r in hoa.inbox())

    replies = await minh.press("5 ⭐")
    assert "Cảm ơn ý kiến của anh/chị: 5/5." in texts(replies)
    member = await active_member(bot.services, 5001)
    assert member is not None
    assert await bot.services.seminars.feedback(seminar_id) == {member.id: 5}


async def test_organisers_configure_the_reminder_offsets_in_chat(bot: BotUnderTest) -> None:
    organiser = await bot.member(4001, "Phạm Thu Hà", Role.ORGANISER)
    replies = await organiser.send("/seminar_reminders")
    assert "Lời nhắc được gửi trước giờ bắt đầu 3 ngày, 1 ngày, 2 giờ." in texts(replies)
    replies = await organiser.send("/seminar_reminders 2 ngày, 30 phút")
    assert "sẽ gửi lời nhắc trước giờ bắt đầu 2 ngày, 30 phút." in texts(replies)
    replies = await organiser.send("/seminar_reminders 45 ngày")
    assert "Tôi chưa hiểu." in texts(replies)
    assert await bot.services.seminars.reminder_offsets() == (timedelta(days=2), timedelta(minutes=30))


async def test_a_reminder_task_run_twice_after_a_crash_sends_nothing_twice(bot: BotUnderTest) -> None:
    from handlers.seminars.jobs import remind

    _organiser, minh, _hoa, lan, seminar_id = await setup(bot)
    bot.clock.advance(STARTS - timedelta(days=1) - bot.clock.now())
    task = next(
        t
        for t in await bot.services.tasks.pending(f"seminar:{seminar_id}:")
        if t.key.endswith(":remind:86400")
    )
    assert bot.runtime is not None
    await remind(bot.runtime, task)
    await remind(bot.runtime, task)  # the crash came before the task was marked done
    await bot.settle()

    assert len(sent(bot, minh, "sendDocument", "Nhắc lịch tọa đàm")) == 1
    assert len(sent(bot, lan, "sendMessage", "Xin trả lời giấy mời")) == 1
    statuses = [row["status"] for row in await bot.services.outbox.rows(f"seminar:{seminar_id}")]
    assert statuses == ["sent"] * 9  # 3 invitations with their calendar files, 2 reminders, the summary


async def test_reminders_still_ahead_go_out_for_a_seminar_created_the_day_before(bot: BotUnderTest) -> None:
    await bot.member(4001, "Phạm Thu Hà", Role.ORGANISER)
    minh = await bot.member(5001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 1")
    wards = {w.name: w.id for w in await bot.services.org.wards()}
    starts = bot.clock.now() + timedelta(hours=20)
    result = await bot.services.seminars.create(
        await active_member(bot.services, 4001),
        SeminarDraft(
            topic="Họp nhanh",
            host="Phường 1",
            starts_at=starts,
            venue="Nhà văn hóa Phường 1",
            audience=Audience.of(roles=(Role.WARD_LEAD,), ward_ids=(wards["Phường 1"],)),
            agenda="",
        ),
    )
    assert result.invited == 1
    await bot.settle()
    await minh.press("Tham dự")
    minh.inbox()

    await move_to(bot, starts - timedelta(hours=2) + timedelta(minutes=5))

    reminders = sent(bot, minh, "sendDocument", "Nhắc lịch tọa đàm")
    assert len(reminders) == 1  # the 2-hour one; 3 days and 1 day before had already passed at creation
