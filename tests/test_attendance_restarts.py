"""Training sessions across restarts and crashes, on any channel: a dialog continues where the person stood,
and every notice an action causes (invitations, change notices, a seat freed or cut, a check-in finished
after an approval) is written with the action — a crash the moment it commits loses none and doubles none."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest

from bot.channels.base import TransientFailure
from bot.core.attendance import TrainingDraft
from bot.core.audience import EVERYONE, Audience
from bot.core.models import Role
from tests.harness import VN, BotUnderTest, Person, Reply, active_member, plain, texts
from tests.proof_helpers import forge_press
from tests.test_attendance_dialogs import organiser_and_cadres

pytestmark = pytest.mark.channels("transcript", "telegram", "zalo")

INVITATION = "Trân trọng kính mời anh/chị tham dự buổi tập huấn"


async def member_of(bot: BotUnderTest, person: Person):
    member = await active_member(bot.services, person.user.id, bot.channel_name)
    assert member is not None
    return member


async def session(
    bot: BotUnderTest, organiser: Person, *, capacity: int | None = None, audience: Audience | None = None
) -> int:
    """A session on Wednesday 25/11 08:00–11:00, created directly."""
    starts = datetime(2026, 11, 25, 8, 0, tzinfo=VN)
    result = await bot.services.attendance.create(
        await member_of(bot, organiser),
        TrainingDraft(
            "Tập huấn nghiệp vụ khuyến học",
            starts,
            starts + timedelta(hours=3),
            "Hội trường UBND Phường 1",
            audience or EVERYONE,
            capacity,
        ),
    )
    assert result.training is not None
    return result.training.id


def count(replies: list[Reply], fragment: str) -> int:
    return sum(fragment in r.text for r in replies)


async def replay(bot: BotUnderTest, person: Person, button: tuple[int, str]) -> list[Reply]:
    """Press a choice again after it was answered (an old message, a double tap, a replayed request);
    on Zalo, type its number again."""
    message_id, data = button
    if bot.channel_name == "telegram":
        return await forge_press(bot, person, data, message_id=message_id)
    if bot.channel_name == "zalo":
        return await person.send(str(message_id))
    return await person.press_data(message_id, data)


async def sessions_of(bot: BotUnderTest, organiser: Person) -> list:
    return await bot.services.attendance.upcoming_for(await member_of(bot, organiser), include_all=True)


async def registered(bot: BotUnderTest, *people: Person) -> None:
    for person in people:
        await person.send("/trainings")
        await person.press("Đăng ký")


# --- dialogs continue after a restart ---------------------------------------------------------------


async def test_a_restart_in_the_middle_of_creating_a_session_continues_where_the_organiser_stood(
    bot: BotUnderTest,
) -> None:
    organiser, lan, minh, _hoa = await organiser_and_cadres(bot)
    await organiser.send("/training_new")
    await organiser.send("Tập huấn kỹ năng ghi chép sổ sách")
    await bot.restart()
    replies = await organiser.send("25/11 8h")
    assert "Tôi hiểu là: Thứ Tư, 25/11/2026 08:00. Có đúng không ạ?" in plain(replies)
    await bot.restart()
    await organiser.press("Đúng rồi")
    await organiser.send("11h30")
    await bot.restart()
    await organiser.send("Hội trường UBND Phường 1")
    await organiser.press("Một số phường")
    await bot.restart()
    await organiser.press("Phường 1")
    replies = await organiser.press("Xong")
    assert "Mời: Phường 1" in texts(replies)
    await bot.restart()
    await organiser.send("40")
    await bot.restart()
    replies = await organiser.press("Bỏ qua")
    summary = texts(replies)
    assert "Thứ Tư, 25/11/2026 08:00–11:30" in summary and "Số chỗ: 40" in summary
    await bot.restart()
    save = organiser.find_button("Lưu và gửi lời mời")
    replies = await organiser.press("Lưu và gửi lời mời")
    assert "Lời mời đang được gửi tới 1 hội viên" in texts(replies)

    assert [(v.training.title, v.training.capacity) for v in await sessions_of(bot, organiser)] == [
        ("Tập huấn kỹ năng ghi chép sổ sách", 40)
    ]
    await replay(bot, organiser, save)
    if bot.channel_name != "zalo":  # on Zalo the number now means a line of the list on screen
        assert "Nút này không còn hiệu lực." in organiser.toasts()[-1]
    assert len(await sessions_of(bot, organiser)) == 1
    assert count(lan.inbox(), INVITATION) == 1 and count(minh.inbox(), INVITATION) == 0


async def test_a_draft_left_alone_for_more_than_an_hour_ends_politely_and_saves_nothing(
    bot: BotUnderTest,
) -> None:
    organiser, *_ = await organiser_and_cadres(bot)
    await organiser.send("/training_new")
    await organiser.send("Tập huấn")
    await bot.advance(hours=2)
    replies = await organiser.send("25/11 8h")
    assert "Tôi không còn giữ bản nháp buổi tập huấn này" in texts(replies)
    assert "Tôi hiểu là" not in texts(replies)
    assert await sessions_of(bot, organiser) == []


async def test_a_restart_while_rescheduling_continues_and_tells_everyone_once(bot: BotUnderTest) -> None:
    organiser, lan, minh, _hoa = await organiser_and_cadres(bot)
    await session(bot, organiser)
    await registered(bot, lan)
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Dời lịch")
    await bot.restart()
    replies = await organiser.send("27/11 14h")
    assert "Dời buổi tập huấn sang Thứ Sáu, 27/11/2026 14:00?" in plain(replies)
    await bot.restart()
    move = organiser.find_button("Đồng ý dời")
    replies = await organiser.press("Đồng ý dời")
    assert "Đang báo cho 1 người đã đăng ký" in texts(replies)
    await replay(bot, organiser, move)
    if bot.channel_name != "zalo":  # on Zalo the number now means a line of the list on screen
        assert "Nút này không còn hiệu lực." in organiser.toasts()[-1]
    assert count(lan.inbox(), "Buổi tập huấn đổi giờ") == 1 and count(minh.inbox(), "đổi giờ") == 0


async def test_a_restart_while_looking_for_a_name_continues_the_check_in_by_hand(bot: BotUnderTest) -> None:
    organiser, _lan, minh, _hoa = await organiser_and_cadres(bot)
    await session(bot, organiser)
    bot.clock.advance(timedelta(days=1, hours=22, minutes=50))  # Wednesday 07:50: check-in is open
    await organiser.send("/attendance")
    await organiser.press("Điểm danh giúp")
    await bot.restart()
    replies = await organiser.send("tran van minh")
    assert "Trần Văn Minh · Phường 2" in replies[-1].buttons
    await bot.restart()
    replies = await organiser.press("Trần Văn Minh")
    assert "✅ Đã điểm danh Trần Văn Minh lúc 07:50." in texts(replies)
    assert "✅ Trần Văn Minh · 07:50" in texts(await organiser.send("/attendance"))
    assert minh.inbox() == []


async def test_a_restart_while_inviting_more_people_continues_and_invites_once(bot: BotUnderTest) -> None:
    organiser, lan, minh, _hoa = await organiser_and_cadres(bot)
    ward_1 = next(w.id for w in await bot.services.org.wards() if w.name == "Phường 1")
    await session(bot, organiser, audience=Audience.any_of(ward_ids=(ward_1,)))
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Mời thêm")
    await organiser.press("Một số phường")
    await bot.restart()
    await organiser.press("Phường 2")
    await bot.restart()
    replies = await organiser.press("Xong")
    assert "Mời thêm: Phường 2?" in plain(replies)
    await bot.restart()
    replies = await organiser.press("Gửi lời mời")
    assert "✅ Đã mời thêm 1 người." in texts(replies)
    assert count(minh.inbox(), INVITATION) == 1 and count(lan.inbox(), INVITATION) == 0


# --- a crash the moment the action commits -----------------------------------------------------------


async def test_a_crash_right_after_saving_a_session_still_sends_each_invitation_once(
    bot: BotUnderTest,
) -> None:
    organiser, lan, minh, hoa = await organiser_and_cadres(bot)
    await organiser.send("/training_new")
    await organiser.send("Tập huấn cho mọi người")
    await organiser.send("25/11 8h")
    await organiser.press("Đúng rồi")
    await organiser.press("Bỏ qua")
    await organiser.send("Hội trường")
    await organiser.press("Tất cả")
    await organiser.press("Bỏ qua")
    await organiser.press("Bỏ qua")
    save = organiser.find_button("Lưu và gửi lời mời")

    await bot.crash_right_after(lambda: organiser.press("Lưu và gửi lời mời"))
    await bot.settle()

    assert [count(p.inbox(), INVITATION) for p in (lan, minh, hoa, organiser)] == [1, 1, 1, 0]
    await replay(bot, organiser, save)
    assert len(await sessions_of(bot, organiser)) == 1
    await bot.restart()
    await bot.settle()
    assert [count(p.inbox(), INVITATION) for p in (lan, minh, hoa)] == [0, 0, 0]


async def test_a_crash_right_after_cancelling_loses_no_notice_and_doubles_none(bot: BotUnderTest) -> None:
    organiser, lan, minh, _hoa = await organiser_and_cadres(bot)
    training_id = await session(bot, organiser)
    await registered(bot, lan)
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Thêm…")
    await organiser.press("Hủy buổi tập huấn")
    confirm = organiser.find_button("Đồng ý hủy")

    await bot.crash_right_after(lambda: organiser.press("Đồng ý hủy"))
    await bot.settle()

    training = await bot.services.attendance.get(training_id)
    assert training is not None and training.cancelled
    assert count(lan.inbox(), "Buổi tập huấn đã bị hủy") == 1
    replies = await replay(bot, organiser, confirm)
    if bot.channel_name == "zalo":  # the number no longer belongs to a list: nothing is chosen
        assert "không ứng với lựa chọn nào" in texts(replies)
    else:
        assert "Buổi tập huấn này đã được hủy trước đó." in texts(replies)
    assert lan.inbox() == [] and minh.inbox() == []


async def test_a_crash_right_after_a_withdrawal_still_gives_the_freed_seat_to_the_first_waiting_once(
    bot: BotUnderTest,
) -> None:
    organiser, lan, minh, hoa = await organiser_and_cadres(bot)
    await session(bot, organiser, capacity=2)
    await registered(bot, lan, minh, hoa)
    hoa.inbox()

    await bot.crash_right_after(lambda: lan.press("Không tham dự"))
    await bot.settle()

    assert count(hoa.inbox(), "Đã có chỗ trống: anh/chị nay đã được đăng ký") == 1
    await lan.press("Không tham dự")  # again: nothing more changes
    assert hoa.inbox() == []
    assert "Anh/chị đã đăng ký." in texts(await hoa.send("/trainings"))


async def test_a_crash_right_after_cutting_the_seats_tells_the_moved_and_the_others_once_each(
    bot: BotUnderTest,
) -> None:
    organiser, lan, minh, hoa = await organiser_and_cadres(bot)
    await session(bot, organiser, capacity=3)
    await registered(bot, lan, minh, hoa)
    for person in (lan, minh, hoa):
        person.inbox()
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Thêm…")
    await organiser.press("Số chỗ")

    await bot.crash_right_after(lambda: organiser.send("1"))
    await bot.settle()

    told = {p.user.first_name: texts(p.inbox()) for p in (lan, minh, hoa)}
    assert (
        told["Lan"].count("Buổi tập huấn anh/chị đăng ký có thay đổi") == 1
        and "giảm số chỗ" not in told["Lan"]
    )
    for name in ("Minh", "Hoa"):
        assert told[name].count("Ban tổ chức đã giảm số chỗ") == 1 and "có thay đổi" not in told[name], name

    await organiser.send("/trainings")  # the card after the change was lost in the crash: open it again
    await organiser.press("Quản lý")
    await organiser.press("Thêm…")
    await organiser.press("Số chỗ")
    await bot.crash_right_after(lambda: organiser.send("2"))
    await bot.settle()
    told = {p.user.first_name: texts(p.inbox()) for p in (lan, minh, hoa)}
    assert told["Minh"].count("Đã có chỗ trống") == 1 and "Đã có chỗ trống" not in told["Hoa"]
    assert told["Lan"].count("có thay đổi") == 1 and told["Hoa"].count("có thay đổi") == 1


async def test_a_crash_right_after_rescheduling_tells_everyone_registered_once(bot: BotUnderTest) -> None:
    organiser, lan, minh, _hoa = await organiser_and_cadres(bot)
    await session(bot, organiser)
    await registered(bot, lan, minh)
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Dời lịch")
    await organiser.send("27/11 14h")

    await bot.crash_right_after(lambda: organiser.press("Đồng ý dời"))
    await bot.settle()

    for person in (lan, minh):
        said = plain(person.inbox())
        assert said.count("Buổi tập huấn đổi giờ") == 1 and "Nay: Thứ Sáu, 27/11/2026 14:00–17:00" in said


async def test_a_crash_right_after_inviting_more_people_still_invites_each_once(bot: BotUnderTest) -> None:
    organiser, lan, minh, _hoa = await organiser_and_cadres(bot)
    ward_1 = next(w.id for w in await bot.services.org.wards() if w.name == "Phường 1")
    await session(bot, organiser, audience=Audience.any_of(ward_ids=(ward_1,)))
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Mời thêm")
    await organiser.press("Một số phường")
    await organiser.press("Phường 2")
    await organiser.press("Xong")

    await bot.crash_right_after(lambda: organiser.press("Gửi lời mời"))
    await bot.settle()

    assert count(minh.inbox(), INVITATION) == 1 and count(lan.inbox(), INVITATION) == 0
    training = (await sessions_of(bot, organiser))[0].training
    assert len(training.audience.ward_ids) == 2


async def test_a_crash_right_after_an_approval_still_finishes_the_strangers_check_in_once(
    bot: BotUnderTest,
) -> None:
    organiser, *_ = await organiser_and_cadres(bot)
    lead = await bot.member(4100, "Võ Văn Lực", Role.WARD_LEAD, ward="Phường 5")
    training_id = await session(bot, organiser)
    bot.clock.advance(timedelta(days=1, hours=23, minutes=20))  # 08:20: late
    replies = await organiser.send("/checkin_qr")
    code = next(r.text for r in replies if r.method == "sendPhoto").split("/checkin ")[1][:6]
    stranger = bot.person(4200, "Tâm")
    replies = await stranger.send(f"/start ci_{code}")
    assert "Tôi đã ghi nhận anh/chị đến buổi Tập huấn nghiệp vụ khuyến học lúc 08:20" in plain(replies)
    await stranger.press("Phường 5")
    await stranger.press("Chi hội Khu phố 1")
    await stranger.send("Đỗ Thị Tâm")
    await stranger.send("Bỏ qua")
    bot.clock.advance(timedelta(hours=5))

    await bot.crash_right_after(lambda: lead.press("Duyệt"))
    await bot.settle()

    said = plain(stranger.inbox())
    assert said.count("Đã điểm danh buổi Tập huấn nghiệp vụ khuyến học lúc 08:20") == 1
    member = await member_of(bot, stranger)
    roster = await bot.services.attendance.roster(await member_of(bot, organiser), training_id)
    assert roster is not None
    row = next(r for r in roster[1] if r.member_id == member.id)
    assert row.checked_in_at is not None and row.checked_in_at.astimezone(VN).strftime("%H:%M") == "08:20"
    await bot.restart()
    await bot.settle()
    assert stranger.inbox() == []


# --- a failed delivery, and a failure inside the action's turn ---------------------------------------


@contextmanager
def deliveries_down(bot: BotUnderTest, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every delivery of this channel fails (a network outage); the chats it tried."""
    tried: list[str] = []

    async def down(message, blobs) -> str:
        tried.append(message.chat_id)
        raise TransientFailure("injected: network down")

    assert bot.channel is not None
    monkeypatch.setattr(bot.channel, "deliver", down)
    yield tried


async def test_a_notice_whose_delivery_failed_is_sent_later_once(
    bot: BotUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    organiser, lan, _minh, _hoa = await organiser_and_cadres(bot)
    await session(bot, organiser)
    await registered(bot, lan)
    lan.inbox()
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Thêm…")
    await organiser.press("Hủy buổi tập huấn")
    with deliveries_down(bot, monkeypatch) as tried:
        replies = await organiser.press("Đồng ý hủy")
    assert "Đã hủy. Đang báo cho 1 người đã đăng ký." in texts(replies)
    assert tried == [str(lan.chat_id)] and lan.inbox() == []

    await bot.restart()  # a fresh channel: deliveries work again
    await bot.advance(minutes=5)  # the retry falls due (the clock runs: a slow machine tried more often)
    assert count(lan.inbox(), "Buổi tập huấn đã bị hủy") == 1
    await bot.advance(minutes=10)
    assert lan.inbox() == []


async def test_when_queueing_the_notices_fails_the_action_is_not_saved_either(
    bot: BotUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The action and its notices are one transaction: a failure between them undoes both."""
    organiser, lan, _minh, _hoa = await organiser_and_cadres(bot)
    training_id = await session(bot, organiser)
    await registered(bot, lan)
    lan.inbox()
    await organiser.send("/trainings")
    await organiser.press("Quản lý")
    await organiser.press("Thêm…")
    await organiser.press("Hủy buổi tập huấn")
    notices = bot.services.notices
    queue = notices.queue

    async def fails_once(batch, messages) -> int:
        monkeypatch.setattr(notices, "queue", queue)
        raise RuntimeError("injected: the outbox could not be written")

    monkeypatch.setattr(notices, "queue", fails_once)
    replies = await organiser.press("Đồng ý hủy")
    assert "Xin lỗi, hệ thống gặp sự cố" in texts(replies)
    training = await bot.services.attendance.get(training_id)
    assert training is not None and not training.cancelled
    assert lan.inbox() == []

    replies = await organiser.press("Đồng ý hủy")
    assert "Đã hủy. Đang báo cho 1 người đã đăng ký." in texts(replies)
    assert count(lan.inbox(), "Buổi tập huấn đã bị hủy") == 1


# --- the check-in poster on a channel without deep links ---------------------------------------------


async def test_without_deep_links_the_poster_shows_the_code_to_type(
    bot: BotUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    organiser, lan, *_ = await organiser_and_cadres(bot)
    await session(bot, organiser)
    bot.clock.advance(timedelta(days=1, hours=22, minutes=30))
    assert bot.channel is not None
    monkeypatch.setattr(bot.channel, "deep_link", lambda payload: None)
    replies = await organiser.send("/checkin_qr")
    poster = next(r for r in replies if r.method == "sendPhoto")
    assert "Để điểm danh, anh/chị gửi: /checkin" in poster.text and "Quét mã" not in poster.text
    assert poster.buttons == ["🔄 Mã mới (mã cũ hết hiệu lực)"]
    code = poster.text.split("/checkin ")[1][:6]
    assert "✅ Đã điểm danh" in texts(await lan.send(f"/checkin {code}"))
