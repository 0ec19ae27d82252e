"""Cadres ask in their own words; organisers answer what the knowledge base cannot."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from bot.core.models import Role
from bot.core.pacing import PRIVATE_INTERVAL
from tests.harness import TOKEN, BotUnderTest, texts
from tests.proof_helpers import apologies


async def paced(bot: BotUnderTest) -> None:
    """Let queued notices reach a chat that has just had three messages (the answer, the buttons taken off,
    the confirmation): the channel paces each chat to about a message a second, in real time."""
    await asyncio.sleep(PRIVATE_INTERVAL)
    await bot.settle()


async def people(bot: BotUnderTest) -> tuple:
    lan = await bot.member(5101, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 5", chapter="Chi hội Khu phố 2")
    organiser = await bot.member(5102, "Phạm Thu Hà", Role.ORGANISER, ward="Phường 1")
    return lan, organiser


async def test_a_cadre_typing_without_diacritics_gets_the_answer_with_its_source(bot):
    lan, _ = await people(bot)
    replies = await lan.send("tt44 co may tieu chi")
    text = texts(replies)
    assert "15 tiêu chí" in text
    assert "12/02/2024" in text and "TT25/2023" in text
    assert "Nguồn: TT44/2014/TT-BGDĐT, Điều 3" in text


async def test_an_unconfirmed_point_is_not_guessed_and_can_be_sent_to_the_organisers(bot):
    lan, organiser = await people(bot)
    replies = await lan.send("Tổng điểm tối đa của TT44 là bao nhiêu?")
    assert "Chưa có thông tin được xác minh" in texts(replies)
    assert "📨 Gửi câu hỏi cho cán bộ phụ trách" in lan.all_buttons()

    replies = await lan.press("📨 Gửi câu hỏi cho cán bộ phụ trách")
    assert "Tôi đã chuyển câu hỏi tới cán bộ phụ trách" in texts(replies)
    await bot.settle()
    assert any("Câu hỏi của Nguyễn Thị Lan" in r.text for r in organiser.inbox())


async def test_an_out_of_scope_question_is_declined_politely_with_a_send_button(bot):
    lan, _ = await people(bot)
    replies = await lan.send("giá vàng hôm nay bao nhiêu")
    assert "Xin lỗi, hiện chưa có câu trả lời cho câu hỏi này" in texts(replies)
    assert "📨 Gửi câu hỏi cho cán bộ phụ trách" in lan.all_buttons()


async def test_topics_can_be_browsed_with_buttons(bot):
    lan, _ = await people(bot)
    replies = await lan.send("/faq")
    assert "Chọn một chủ đề" in texts(replies)
    assert "Hồ sơ" in lan.all_buttons()
    await lan.press("Hồ sơ")
    replies = await lan.press("Hồ sơ đề nghị công nhận CĐHT theo TT25 gồm những gì?")
    assert "báo cáo tự đánh giá" in texts(replies)


async def test_the_organiser_answers_in_chat_the_cadre_receives_it_and_it_becomes_an_faq_entry(bot):
    lan, organiser = await people(bot)
    question = "Phòng họp của Hội Khuyến học phường mình ở đâu vậy?"
    await lan.send(question)
    await lan.press("📨 Gửi câu hỏi cho cán bộ phụ trách")
    await bot.settle()

    replies = await organiser.send("/questions")
    assert "Phòng họp của Hội Khuyến học phường mình ở đâu vậy?" in texts(replies)
    replies = await organiser.press("✍️ Trả lời")
    assert "Hãy gõ câu trả lời" in texts(replies)
    replies = await organiser.send("Ở tầng 2 trụ sở UBND phường.")
    assert "Câu trả lời đã được gửi tới người hỏi." in texts(replies)
    await paced(bot)
    assert any("Ở tầng 2 trụ sở UBND phường." in r.text for r in lan.inbox())

    replies = await organiser.press("➕ Thêm vào bộ hỏi đáp")
    assert "Đã thêm vào bộ hỏi đáp" in texts(replies)
    replies = await lan.send("phong hop hoi khuyen hoc phuong o dau")
    assert "Ở tầng 2 trụ sở UBND phường." in texts(replies)
    assert "Không có câu hỏi nào đang chờ trả lời." in texts(await organiser.send("/questions"))


async def test_only_organisers_see_the_queue_and_only_admins_reload(bot):
    lan, organiser = await people(bot)
    assert "Chỉ ban tổ chức" in texts(await lan.send("/questions"))
    assert "Chỉ quản trị viên" in texts(await organiser.send("/faq_reload"))
    admin = await bot.member(5103, "Trần Quản Trị", Role.ADMIN, ward="Phường 1")
    assert "Đã nạp lại bộ hỏi đáp" in texts(await admin.send("/faq_reload"))


async def test_questions_are_counted_for_the_weekly_summary(bot):
    lan, _ = await people(bot)
    start = bot.services.clock.now()
    await lan.send("TT44 còn hiệu lực không")
    await lan.send("giá vàng hôm nay")
    await lan.press("📨 Gửi câu hỏi cho cán bộ phụ trách")
    counts = await bot.services.faq.counts(
        start - timedelta(days=1), bot.services.clock.now() + timedelta(seconds=1)
    )
    assert counts.asked == 2
    assert counts.answered_by_bot == 1
    assert counts.unanswered == 1
    assert counts.sent_to_organisers == 1 and counts.waiting == 1


async def test_a_weak_match_offers_suggestions_as_buttons_and_pressing_one_answers(bot):
    from bot.core.faq import FaqMatcher

    lan, _ = await people(bot)
    faq = bot.services.faq
    faq.matcher = FaqMatcher(
        faq.kb, answer_threshold=0.99, suggest_threshold=0.3, subject_threshold=0.99
    )  # every match is weak
    replies = await lan.send("hội khuyến học chủ trì đánh giá theo thông tư 44 không")
    assert "Có phải anh/chị muốn hỏi…" in texts(replies)
    suggestions = [b for b in lan.all_buttons() if b != "📨 Gửi câu hỏi cho cán bộ phụ trách"]
    assert 1 <= len(suggestions) <= 3
    assert "Hội Khuyến học có vai trò gì trong TT44?" in suggestions
    replies = await lan.press("Hội Khuyến học có vai trò gì trong TT44?")
    assert "thống nhất với Hội Khuyến học Việt Nam" in texts(replies)


QUESTION = "Phòng họp của Hội Khuyến học phường mình ở đâu vậy?"
ANSWER = "Ở tầng 2 trụ sở UBND phường."


async def question_sent_on(bot: BotUnderTest) -> tuple:
    """Lan's question sent on to the organisers; the organiser has pressed ✍️ Answer under it."""
    lan, organiser = await people(bot)
    await lan.send(QUESTION)
    await lan.press("📨 Gửi câu hỏi cho cán bộ phụ trách")
    await bot.settle()
    assert any(QUESTION in r.text for r in organiser.inbox())
    _, data = organiser.find_button("✍️ Trả lời")
    assert re.fullmatch(r"v1:faq:a:\d+", data)  # the wire form of before: old Answer buttons still work
    assert "Hãy gõ câu trả lời" in texts(await organiser.press("✍️ Trả lời"))
    return lan, organiser


def answers_to(person) -> list:
    return [r for r in person.inbox() if ANSWER in r.text]


async def test_a_restart_while_the_organiser_types_the_answer_loses_nothing_and_doubles_nothing(bot):
    lan, organiser = await question_sent_on(bot)
    await bot.restart()
    replies = await organiser.send(ANSWER)
    assert "Câu trả lời đã được gửi tới người hỏi." in texts(replies)
    await paced(bot)
    assert len(answers_to(lan)) == 1
    await bot.restart()
    await paced(bot)
    assert answers_to(lan) == []
    assert "Không có câu hỏi nào đang chờ trả lời." in texts(await organiser.send("/questions"))


async def test_cancel_keeps_the_question_waiting_and_an_answer_left_for_half_an_hour_is_not_sent(bot):
    lan, organiser = await question_sent_on(bot)
    assert "Đã hủy. Câu hỏi vẫn nằm trong /questions." in texts(await organiser.send("/cancel"))
    assert QUESTION in texts(await organiser.send("/questions"))
    await organiser.press("✍️ Trả lời")
    await bot.advance(minutes=31)
    replies = await organiser.send(ANSWER)
    assert "Đã quá 30 phút nên câu trả lời của anh/chị chưa được gửi." in texts(replies)
    await paced(bot)
    assert answers_to(lan) == []
    assert QUESTION in texts(await organiser.send("/questions"))


async def test_the_answer_and_its_notice_commit_together(bot, monkeypatch):
    lan, organiser = await question_sent_on(bot)
    notices = bot.services.notices
    queue = notices.queue

    async def queue_then_fail(batch, messages):
        await queue(batch, messages)
        raise RuntimeError("crash inside the turn, after the notice was queued")

    monkeypatch.setattr(notices, "queue", queue_then_fail)
    replies = await organiser.send(ANSWER)
    assert [r.text for r in replies] == [apologies(bot)[-1]]
    await paced(bot)
    assert answers_to(lan) == []  # rolled back with the answer: nothing half-done
    monkeypatch.setattr(notices, "queue", queue)
    assert "Câu trả lời đã được gửi tới người hỏi." in texts(await organiser.send(ANSWER))
    await paced(bot)
    assert len(answers_to(lan)) == 1


async def test_a_failure_right_after_the_answer_commits_loses_nothing_and_doubles_nothing(bot):
    lan, organiser = await question_sent_on(bot)
    bot.emu.inject_fault(TOKEN, "sendMessage", chat_id=organiser.chat_id, count=1, error_code=400)
    replies = await organiser.send(ANSWER)  # the confirmation could not be shown: an apology instead
    assert "Câu trả lời đã được gửi" not in texts(replies) and "Xin lỗi" in texts(replies)
    await paced(bot)
    assert len(answers_to(lan)) == 1
    replies = await organiser.send(ANSWER)  # the organiser, unsure, answers again: it is a question now
    assert "Câu trả lời đã được gửi" not in texts(replies)
    await paced(bot)
    assert answers_to(lan) == []
