"""The question log keeps what was asked, what the bot made of it, and the organisers' answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.faq import FaqAnswer
from bot.core.faq.additions import added_entry
from bot.core.faq.questions import QuestionStatus
from storage.faq import SqliteFaqQuestions

MONDAY = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def verdict(kind: str, score: float = 0.5) -> FaqAnswer:
    return FaqAnswer(answered=kind == "answer", entry=None, score=score, suggestions=(), kind=kind)


async def test_a_question_is_sent_on_once_and_answered_once(db):
    store = SqliteFaqQuestions(db)
    question_id = await store.add(None, "Phòng họp ở đâu?", verdict("none", 0.1), now=MONDAY)
    assert (await store.get(question_id)).status is QuestionStatus.LOGGED
    assert await store.mark_sent(question_id, now=MONDAY + timedelta(minutes=1))
    assert not await store.mark_sent(question_id, now=MONDAY + timedelta(minutes=2))
    assert [q.id for q in await store.waiting(10)] == [question_id]


async def test_weekly_counts_split_questions_by_what_the_bot_could_do(db):
    store = SqliteFaqQuestions(db)
    for kind in ("answer", "answer", "suggest", "none", "unconfirmed"):
        await store.add(None, f"câu hỏi {kind}", verdict(kind), now=MONDAY + timedelta(days=1))
    sent = await store.add(None, "gửi đi", verdict("none"), now=MONDAY + timedelta(days=2))
    await store.mark_sent(sent, now=MONDAY + timedelta(days=2))
    await store.add(None, "tuần trước", verdict("none"), now=MONDAY - timedelta(days=1))

    counts = await store.counts(MONDAY, MONDAY + timedelta(days=7))
    assert (counts.asked, counts.answered_by_bot, counts.low_confidence, counts.unanswered) == (6, 2, 1, 3)
    assert (counts.sent_to_organisers, counts.answered_by_organisers, counts.waiting) == (1, 0, 1)


async def test_an_entry_added_from_an_answer_is_kept_once_with_the_question_marked(db):
    store = SqliteFaqQuestions(db)
    question_id = await store.add(None, "Phòng họp ở đâu?", verdict("none", 0.1), now=MONDAY)
    entry = added_entry(
        "Phòng họp ở đâu?", "Ở tầng 2 – trụ sở UBND phường.", source="Ban tổ chức", existing=[]
    )
    assert await store.add_entry(question_id, entry, now=MONDAY)
    again = added_entry("Phòng họp ở đâu?", "Tầng 3.", source="Ban tổ chức", existing=[entry.id])
    assert not await store.add_entry(question_id, again, now=MONDAY)

    assert await store.added_entries() == [entry]
    assert (await store.get(question_id)).added_entry_id == entry.id
