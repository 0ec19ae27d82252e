"""The district chair's Monday summary, on demand and by drill-down, through the emulator."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import datetime, timedelta

from openpyxl import load_workbook

from bot.core.models import Role
from bot.core.org import parse_org_csv
from bot.core.pacing import PRIVATE_INTERVAL
from storage.db import to_db_time
from tests.harness import SAMPLE_ORG, TOKEN, VN, BotUnderTest, Person, texts
from tests.proof_helpers import forge_press


def vn(day: int, hour: int = 9, month: int = 11) -> str:
    return to_db_time(datetime(2026, month, day, hour, tzinfo=VN))


async def chapter_ids(bot: BotUnderTest, ward: str) -> list[int]:
    ward_id = next(w.id for w in await bot.services.org.wards() if w.name == ward)
    return [c.id for c in await bot.services.org.chapters(ward_id)]


async def seed_reports(bot: BotUnderTest) -> None:
    """Week 48: Phường 1 gains 3 + 2 new members, Phường 2 gains 4; the week before Phường 2 gained 1."""
    p1, p2 = await chapter_ids(bot, "Phường 1"), await chapter_ids(bot, "Phường 2")
    rows = [
        (p1[0], "2026-11", 3, vn(24)),
        (p1[1], "2026-11", 2, vn(27)),
        (p2[0], "2026-11", 4, vn(25)),
        (p2[1], "2026-11", 1, vn(18)),
    ]
    async with bot.services.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO chapter_reports (chapter_id, period_key, new_members, total_members, "
            "filed_at, updated_at) VALUES (?, ?, ?, 40, ?, ?)",
            [(c, p, n, at, at) for c, p, n, at in rows],
        )


WEEK_LABEL = re.compile(r"tuần \d\d/\d\d–\d\d/\d\d")


def summaries(person: Person) -> list:
    """What reached this person from the weekly summary (other features may write to admins meanwhile)."""
    return [r for r in person.inbox() if "2026-W" in r.text or WEEK_LABEL.search(r.text)]


def files_in(person: Person, kind: str) -> list[bytes]:
    out = []
    for message in person.history():
        if not WEEK_LABEL.search(message.get("caption") or ""):
            continue
        if kind == "document" and "document" in message:
            out.append(person.bot.emu.file(TOKEN, message["document"]["file_id"]).data)
        if kind == "photo" and "photo" in message:
            out.append(person.bot.emu.file(TOKEN, message["photo"][-1]["file_id"]).data)
    return out


def overview(xlsx: bytes) -> dict[str, object]:
    book = load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["Tổng quan", "Phường", "Chi hội", "Chưa báo cáo", "Tập huấn", "Tọa đàm"]
    return {row[0]: row[1] for row in book["Tổng quan"].iter_rows(min_row=2, values_only=True)}


async def paced(bot: BotUnderTest) -> None:
    """Let messages held by the channel's pacing go out (about one a second per chat, in real time)."""
    await asyncio.sleep(PRIVATE_INTERVAL)
    await bot.settle()


async def monday_7am(bot: BotUnderTest) -> None:
    """From Monday 23/11 09:00 to Monday 30/11 07:00."""
    await bot.advance(days=6, hours=22)


async def test_the_chair_receives_message_chart_and_workbook_on_monday_at_seven(bot: BotUnderTest) -> None:
    chair = await bot.member(9001, "Trần Thị Hoa", Role.ADMIN)
    await seed_reports(bot)
    await bot.advance(days=6, hours=21, minutes=59)
    assert summaries(chair) == []
    await bot.advance(minutes=1)
    replies = summaries(chair)
    assert [r.method for r in replies] == ["sendMessage", "sendPhoto", "sendDocument"]
    message = replies[0].text
    assert "Tóm tắt tuần 23/11–29/11" in message and "(23/11/2026 – 29/11/2026)" in message
    assert "2026-W" not in message
    assert "Tuần qua: <b>9</b> (+8 so với tuần trước đó); từ đầu kỳ đến nay: 10." in message
    assert "• Phường 1: 5 (+5)" in message and "• Phường 2: 4 (+3)" in message
    assert "Đã báo cáo: <b>4/79</b> chi hội (5%)" in message
    assert len(replies[0].buttons) == 8 and all(label.startswith("Phường ") for label in replies[0].buttons)
    [png] = files_in(chair, "photo")
    assert png.startswith(b"\x89PNG")
    [xlsx] = files_in(chair, "document")
    numbers = overview(xlsx)
    assert numbers["Tuần"] == "tuần 23/11–29/11"
    assert (
        numbers["Hội viên mới tuần qua"],
        numbers["Hội viên mới tuần trước đó"],
        numbers["Thay đổi"],
        numbers["Hội viên mới từ đầu kỳ"],
    ) == (9, 1, 8, 10)
    assert (numbers["Số chi hội phải báo cáo"], numbers["Số chi hội đã báo cáo"]) == (79, 4)
    book = load_workbook(io.BytesIO(xlsx))
    missing = list(book["Chưa báo cáo"].iter_rows(min_row=2, values_only=True))
    assert len(missing) == 75 and ("Phường 1", "Chi hội Khu phố 3") in missing


async def test_never_twice_for_the_same_week_and_late_once_after_downtime(bot: BotUnderTest) -> None:
    chair = await bot.member(9001, "Trần Thị Hoa", Role.ADMIN)
    await seed_reports(bot)
    await bot.advance(days=6, hours=20)  # Monday 05:00; the bot then goes down until 09:00
    await bot.stop()
    bot.clock.advance(timedelta(hours=4))
    await bot.start()
    await bot.settle()
    assert [r.method for r in summaries(chair)] == ["sendMessage", "sendPhoto", "sendDocument"]
    await bot.restart()
    await bot.settle()
    await bot.services.tasks.plan(
        "summary:2026-W48", "weekly_summary", bot.clock.now(), {"week": "2026-W48"}, now=bot.clock.now()
    )
    await bot.advance(hours=1)
    assert summaries(chair) == []
    await bot.advance(days=7)  # the next Monday brings the next week, once
    assert "Tóm tắt tuần 30/11–06/12" in texts(summaries(chair))


async def test_ward_leads_who_subscribe_get_their_ward_and_admins_can_opt_out(bot: BotUnderTest) -> None:
    chair = await bot.member(9001, "Trần Thị Hoa", Role.ADMIN)
    lead = await bot.member(9002, "Lê Văn Nam", Role.WARD_LEAD, ward="Phường 2")
    cadre = await bot.member(9003, "Phạm Thu", Role.CADRE, ward="Phường 2")
    await seed_reports(bot)
    assert "mỗi sáng thứ Hai" in texts(await lead.send("/summary_subscribe"))
    assert "không nhận bản tóm tắt hằng tuần nữa" in texts(await chair.send("/summary_subscribe"))
    assert "chỉ dành cho" in texts(await cadre.send("/summary_subscribe"))
    await monday_7am(bot)
    await paced(bot)  # the lead's chat had a message moments ago: the workbook comes a second later
    assert summaries(chair) == [] and summaries(cadre) == []
    replies = summaries(lead)
    message = replies[0].text
    assert "Tóm tắt tuần 23/11–29/11 — Phường 2" in message
    assert "Tuần qua: <b>4</b> (+3 so với tuần trước đó)" in message
    assert "Phường 1" not in message
    numbers = overview(files_in(lead, "document")[0])
    assert numbers["Phường"] == "Phường 2" and numbers["Hội viên mới tuần qua"] == 4


async def test_summary_on_demand_with_a_choice_of_week(bot: BotUnderTest) -> None:
    organiser = await bot.member(9004, "Đỗ Minh", Role.ORGANISER)
    await seed_reports(bot)
    await bot.advance(days=7)
    replies = await organiser.send("/summary")
    assert "Anh/chị muốn xem tuần nào?" in texts(replies)
    assert replies[0].buttons == [
        "Tuần này (tuần 30/11–06/12)",
        "Tuần trước (tuần 23/11–29/11)",
        "Các tuần trước nữa…",
    ]
    replies = await organiser.press("Tuần trước")
    assert [r.method for r in replies if r.method != "editMessageText"] == [
        "sendMessage",
        "sendPhoto",
        "sendDocument",
    ]
    assert "Tuần qua: <b>9</b>" in texts(replies)
    await organiser.press("Các tuần trước nữa")
    replies = await organiser.press("tuần 16/11–22/11")
    assert "Tóm tắt tuần 16/11–22/11" in texts(replies)
    assert "Tuần qua: <b>1</b>" in texts(replies)
    assert "Tóm tắt tuần 09/11–15/11" in texts(await organiser.send("/summary 2026-W46"))
    assert "Tôi chưa hiểu tuần" in texts(await organiser.send("/summary 2026-W60"))
    assert "Tôi chưa hiểu tuần" in texts(await organiser.send("/summary 2027-W10"))


async def test_cadres_cannot_see_the_summary(bot: BotUnderTest) -> None:
    cadre = await bot.member(9003, "Phạm Thu", Role.CADRE, ward="Phường 2")
    assert "chỉ dành cho" in texts(await cadre.send("/summary"))


async def test_drill_down_by_reply_or_button(bot: BotUnderTest) -> None:
    chair = await bot.member(9001, "Trần Thị Hoa", Role.ADMIN)
    await seed_reports(bot)
    await monday_7am(bot)
    summary_message = next(m for m in chair.history() if (m.get("text") or "").startswith("📊"))

    async def reply(text: str) -> list:
        async def inject() -> dict:
            return bot.emu._user_message(
                TOKEN, chair.user, None, {"text": text, "reply_to_message": summary_message}
            )

        return await chair._act(inject)

    details = texts(await reply("phuong 2"))
    assert "Tóm tắt tuần 30/11–06/12 — Phường 2" in details  # typed: this week so far
    assert "Tuần này đến nay:" in details and "Tuần qua:" not in details
    assert "không tìm thấy phường" in texts(await reply("phường 99"))
    first_button = chair.all_buttons()[0]
    details = texts(await chair.press(first_button))
    assert f"Tóm tắt tuần 23/11–29/11 — {first_button}</b>" in details
    details = texts(await reply("P1"))
    assert "Tóm tắt tuần 30/11–06/12 — Phường 1" in details
    details = texts(await chair.send("Phường 2"))
    assert "Tóm tắt tuần 30/11–06/12 — Phường 2" in details


async def test_questions_mentioning_a_ward_are_left_to_the_faq(bot: BotUnderTest) -> None:
    chair = await bot.member(9001, "Trần Thị Hoa", Role.ADMIN)
    replies = await chair.send("phường 5 cần nộp hồ sơ gì?")
    assert "Tóm tắt" not in texts(replies)


async def test_ward_leads_cannot_open_another_ward(bot: BotUnderTest) -> None:
    lead = await bot.member(9002, "Lê Văn Nam", Role.WARD_LEAD, ward="Phường 2")
    await seed_reports(bot)
    assert "Tóm tắt tuần 16/11–22/11 — Phường 2" in texts(await lead.send("/summary 2026-W47"))
    assert "Tóm tắt tuần 16/11–22/11 — Phường 2" in texts(await lead.send("/summary 18/11"))
    assert "chỉ xem được bản tóm tắt của phường mình" in texts(await lead.send("phường 1"))


async def test_command_line_prints_the_same_text_and_writes_the_files(
    bot: BotUnderTest, tmp_path, monkeypatch, capsys
) -> None:
    import argparse

    from bot.commands import summary as command

    await seed_reports(bot)
    database = bot.settings.database
    await bot.stop()
    monkeypatch.setenv("DATABASE_PATH", str(bot.settings.database_path))
    args = argparse.Namespace(
        week="2026-W48",
        ward=None,
        xlsx=tmp_path / "s.xlsx",
        png=tmp_path / "s.png",
        locale="vi",
        database=str(database),
    )
    assert await command._summary(args, bot.settings, database) == 0
    out = capsys.readouterr().out
    assert "Tóm tắt tuần 23/11–29/11 (23/11/2026 – 29/11/2026)" in out
    assert "Tuần qua: 9 (+8 so với tuần trước đó); từ đầu kỳ đến nay: 10." in out
    assert overview(args.xlsx.read_bytes())["Hội viên mới tuần qua"] == 9
    assert args.png.read_bytes().startswith(b"\x89PNG")
    args.week = "2026-W99"
    assert await command._summary(args, bot.settings, database) == 2


async def test_the_delivery_time_is_configurable(bot: BotUnderTest) -> None:
    chair = await bot.member(9001, "Trần Thị Hoa", Role.ADMIN)
    await seed_reports(bot)
    bot.settings = bot.settings.with_changes(summary_schedule="TUE 08:30")
    await bot.restart()
    await monday_7am(bot)
    assert summaries(chair) == []
    await bot.advance(days=1, hours=1, minutes=29)
    assert summaries(chair) == []
    await bot.advance(minutes=1)
    assert "Tóm tắt tuần 23/11–29/11" in texts(summaries(chair))


async def test_a_week_with_nothing_at_all_is_one_line(bot: BotUnderTest) -> None:
    chair = await bot.member(9001, "Trần Thị Hoa", Role.ADMIN)
    replies = await chair.send(
        "/summary 2026-W46"
    )  # before this month's reporting deadline, nothing happened
    one_line = (
        "📊 <b>Tóm tắt tuần 09/11–15/11</b> (09/11/2026 – 15/11/2026)\nTuần này không có gì mới cần báo cáo."
    )
    assert [(r.method, r.text) for r in replies] == [("sendMessage", one_line)]


async def test_after_a_long_outage_only_the_latest_week_goes_out(bot: BotUnderTest) -> None:
    chair = await bot.member(9001, "Trần Thị Hoa", Role.ADMIN)
    await seed_reports(bot)
    await bot.stop()
    bot.clock.advance(timedelta(days=15))  # down from Monday 23/11 until Tuesday 08/12
    await bot.start()
    await bot.settle()  # week 48's run is stale: it plans week 49's, already due...
    await bot.settle()  # ...which the next scheduler tick sends
    received = summaries(chair)
    assert next(r.text for r in received if r.method == "sendMessage").startswith(
        "📊 <b>Tóm tắt tuần 30/11–06/12</b>"
    )
    assert "2026-W48" not in texts(received)


async def test_ward_choices_keep_their_wire_form_so_last_weeks_buttons_still_work(bot: BotUnderTest) -> None:
    chair = await bot.member(9001, "Trần Thị Hoa", Role.ADMIN)
    await seed_reports(bot)
    await monday_7am(bot)
    name = chair.all_buttons()[0]
    ward_id = next(w.id for w in await bot.services.org.wards() if w.name == name)
    message_id, data = chair.find_button(name)
    assert data == f"v1:sumw:2026-W48:{ward_id}"  # as sent before the channel-neutral layer
    assert f"Tóm tắt tuần 23/11–29/11 — {name}</b>" in texts(await chair.press_data(message_id, data))
    assert await forge_press(bot, chair, "v1:sumw:2026-W4x:1", message_id=message_id) == []
    assert chair.toasts()[-1] == "Nút này không còn hiệu lực."


async def test_a_ward_named_after_the_word_phuong_opens_its_details_for_those_who_see_summaries(
    bot: BotUnderTest,
) -> None:
    csv = SAMPLE_ORG.read_bytes() + "Phường Tân Định,Chi hội Khu phố 1,khu phố\n".encode()
    await bot.services.org.import_rows(parse_org_csv(csv).rows, now=bot.clock.now())
    chair = await bot.member(9001, "Trần Thị Hoa", Role.ADMIN)
    cadre = await bot.member(9003, "Phạm Thu", Role.CADRE, ward="Phường 2")
    assert "Tóm tắt tuần 23/11–29/11 — Phường Tân Định" in texts(await chair.send("phường Tân Định"))
    assert "Tóm tắt" not in texts(await chair.send("phường Tân Định họp ở đâu"))
    assert "Tóm tắt" not in texts(await chair.send("phường Tân Phú"))
    assert "Tóm tắt" not in texts(await cadre.send("phường Tân Định"))
