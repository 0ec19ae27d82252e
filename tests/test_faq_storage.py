"""The question log keeps what was asked, what the bot made of it, and the organisers' answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import AdjustableClock
from bot.config import Settings
from bot.conversation.router import Router
from bot.core.faq import FaqAnswer
from bot.core.faq.additions import added_entry, write_entries
from bot.core.faq.questions import QuestionStatus
from bot.i18n import I18n
from bot.runtime import Runtime
from bot.services import faq_added_path
from storage.db import Database
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


async def test_an_added_entry_the_hand_written_file_contradicts_is_logged_and_the_bot_still_starts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(bot_token=None, database_path=tmp_path / "bot.db")
    entry = added_entry("Phòng họp ở đâu?", "Ở tầng 2.", source="Ban tổ chức", existing=[])
    hand_written = faq_added_path(settings)
    hand_written.parent.mkdir(parents=True)
    write_entries(hand_written, [entry])  # an admin copied it into the file, with the same id
    db = await Database.open(settings.database_path)
    store = SqliteFaqQuestions(db)
    question_id = await store.add(None, "Phòng họp ở đâu?", verdict("none", 0.1), now=MONDAY)
    await store.add_entry(question_id, entry, now=MONDAY)
    await db.close()

    bot = Runtime(settings, clock=AdjustableClock(MONDAY), i18n=I18n.load(), router=Router())
    await bot.start(receive=False)
    try:
        assert "could not load the FAQ entries added in the database" in caplog.text
        assert bot.services.faq.kb.entry(entry.id).answer == "Ở tầng 2."
    finally:
        await bot.stop()
