"""The question log keeps what was asked, what the bot made of it, and the organisers' answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import AdjustableClock
from bot.config import Settings
from bot.conversation.router import Router
from bot.core.faq import FaqAnswer
from bot.core.faq.additions import EntryIdTaken, added_entry, write_entries
from bot.core.faq.questions import FaqService, Outcome, QuestionStatus
from bot.core.models import Member
from bot.i18n import I18n
from bot.runtime import Runtime
from bot.services import faq_added_path
from storage.db import Database, to_db_time
from storage.faq import SqliteFaqQuestions
from storage.members import SqliteMembers

MONDAY = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


async def an_organiser(db: Database, *, now: datetime) -> Member:
    """An active organiser, who may answer the queue and add entries."""
    organiser_id = await db.insert(
        "INSERT INTO members (full_name, name_key, status, role, locale, created_at, updated_at) "
        "VALUES ('Trần Thị Lan', 'tran thi lan', 'active', 'organiser', 'vi', ?, ?)",
        (to_db_time(now), to_db_time(now)),
    )
    organiser = await SqliteMembers(db).get(organiser_id)
    assert organiser is not None
    return organiser


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
    async with Database.opened(settings.database_path) as db:
        store = SqliteFaqQuestions(db)
        question_id = await store.add(None, "Phòng họp ở đâu?", verdict("none", 0.1), now=MONDAY)
        await store.add_entry(question_id, entry, now=MONDAY)

    bot = Runtime(settings, clock=AdjustableClock(MONDAY), i18n=I18n.load(), router=Router())
    await bot.start(receive=False)
    try:
        assert "could not load the FAQ entries added in the database" in caplog.text
        assert bot.services.faq.kb.entry(entry.id).answer == "Ở tầng 2."
    finally:
        await bot.stop()


async def test_an_entry_whose_id_another_took_meanwhile_changes_nothing_and_says_so(db):
    store = SqliteFaqQuestions(db)
    first, second = [await store.add(None, "Phòng họp ở đâu?", verdict("none"), now=MONDAY) for _ in range(2)]
    entry = added_entry("Phòng họp ở đâu?", "Ở tầng 2.", source="Ban tổ chức", existing=[])
    assert await store.add_entry(first, entry, now=MONDAY)

    with pytest.raises(EntryIdTaken):
        await store.add_entry(second, entry, now=MONDAY)
    assert (await store.get(second)).added_entry_id is None
    assert await store.added_entries() == [entry]


async def test_two_organisers_adding_the_same_words_on_two_replicas_get_two_entries(db, tmp_path):
    store = SqliteFaqQuestions(db)
    organiser = await an_organiser(db, now=MONDAY)
    faq = FaqService(store, AdjustableClock(MONDAY), added_path=tmp_path / "added.yaml")
    here, there = [
        await store.add(None, "Phòng họp Hội ở đâu?", verdict("none"), now=MONDAY) for _ in range(2)
    ]
    for question_id, answer in ((here, "Ở tầng 2."), (there, "Tầng 2, phòng A.")):
        await faq.answer(organiser, question_id, answer)
    taken = added_entry("Phòng họp Hội ở đâu?", "Ở tầng 2.", source="Ban tổ chức", existing=[])
    assert await store.add_entry(
        here, taken, now=MONDAY
    )  # by the other replica, which this one has not heard of

    added = await faq.add_to_knowledge_base(organiser, there, source="Ban tổ chức")

    assert added.outcome is Outcome.OK and added.entry is not None
    assert added.entry.id == f"{taken.id}-2"
    assert [e.id for e in await store.added_entries()] == [taken.id, added.entry.id]
    assert faq.kb.entry(added.entry.id).answer == "Tầng 2, phòng A."
