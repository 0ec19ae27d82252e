"""The FAQ question log, the organisers' queue and the entries they added from the chat."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from bot.core.faq.additions import EntryIdTaken, entry_of_record, entry_record
from bot.core.faq.model import FaqAnswer, FaqEntry
from bot.core.faq.questions import AskedQuestion, FaqCounts, QuestionStatus
from storage.db import Store, db_time, from_db_time, to_db_time

TOPIC = "faq"
"""What a replica listens to for entries another one added."""

_COLUMNS = (
    "id, member_id, text, kind, entry_id, score, status, asked_at, sent_at, answer, answered_by, "
    "answered_at, added_entry_id"
)


def _question(row: sqlite3.Row) -> AskedQuestion:
    return AskedQuestion(
        id=row["id"],
        member_id=row["member_id"],
        text=row["text"],
        kind=row["kind"],
        entry_id=row["entry_id"],
        score=row["score"],
        status=QuestionStatus(row["status"]),
        asked_at=db_time(row["asked_at"]),
        sent_at=from_db_time(row["sent_at"]),
        answer=row["answer"],
        answered_by=row["answered_by"],
        answered_at=from_db_time(row["answered_at"]),
        added_entry_id=row["added_entry_id"],
    )


class SqliteFaqQuestions(Store):
    """Questions asked in free text, what the bot made of them, and the organisers' answers."""

    async def add(self, member_id: int | None, text: str, verdict: FaqAnswer, *, now: datetime) -> int:
        return await self._db.insert(
            "INSERT INTO faq_questions (member_id, text, kind, entry_id, score, asked_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                member_id,
                text,
                verdict.kind,
                verdict.entry.id if verdict.entry else None,
                float(verdict.score),
                to_db_time(now),
            ),
        )

    async def get(self, question_id: int) -> AskedQuestion | None:
        row = await self._db.fetch_one(f"SELECT {_COLUMNS} FROM faq_questions WHERE id = ?", (question_id,))
        return _question(row) if row else None

    async def mark_sent(self, question_id: int, *, now: datetime) -> bool:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE faq_questions SET status = 'sent', sent_at = ? WHERE id = ? AND status = 'logged'",
                (to_db_time(now), question_id),
            )
            return cursor.rowcount == 1

    async def waiting(self, limit: int) -> list[AskedQuestion]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM faq_questions WHERE status = 'sent' ORDER BY sent_at, id LIMIT ?",
            (limit,),
        )
        return [_question(r) for r in rows]

    async def answer(self, question_id: int, text: str, by: int, *, now: datetime) -> bool:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE faq_questions SET status = 'answered', answer = ?, answered_by = ?, answered_at = ?, "
                "sent_at = COALESCE(sent_at, ?) WHERE id = ? AND status != 'answered'",
                (text, by, to_db_time(now), to_db_time(now), question_id),
            )
            return cursor.rowcount == 1

    async def add_entry(self, question_id: int, entry: FaqEntry, *, now: datetime) -> bool:
        """Keep `entry`, made of the question's answer, and mark the question as added, in one transaction;
        False (nothing changed) when the question has an entry already, EntryIdTaken (nothing changed) when
        another entry has its id. The replicas are told to reload."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE faq_questions SET added_entry_id = ? WHERE id = ? AND added_entry_id IS NULL",
                (entry.id, question_id),
            )
            if cursor.rowcount != 1:
                return False
            cursor = await conn.execute(
                "INSERT INTO faq_added_entries (id, question_id, record, added_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (id) DO NOTHING",
                (entry.id, question_id, json.dumps(entry_record(entry), ensure_ascii=False), to_db_time(now)),
            )
            if cursor.rowcount != 1:
                raise EntryIdTaken(entry.id)  # the transaction is rolled back: the question stays unmarked
            await self._db.publish(conn, TOPIC)
        return True

    async def added_entries(self) -> list[FaqEntry]:
        rows = await self._db.fetch_all("SELECT record FROM faq_added_entries ORDER BY added_at, id")
        return [entry_of_record(json.loads(row["record"])) for row in rows]

    async def counts(self, since: datetime, until: datetime) -> FaqCounts:
        window = (to_db_time(since), to_db_time(until))
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS asked, "
            "COALESCE(SUM(kind = 'answer'), 0) AS answered_by_bot, "
            "COALESCE(SUM(kind = 'suggest'), 0) AS low_confidence, "
            "COALESCE(SUM(kind IN ('none', 'unconfirmed')), 0) AS unanswered, "
            "COALESCE(SUM(sent_at IS NOT NULL), 0) AS sent_to_organisers, "
            "COALESCE(SUM(status = 'answered'), 0) AS answered_by_organisers "
            "FROM faq_questions WHERE asked_at >= ? AND asked_at < ?",
            window,
        )
        waiting = await self._db.fetch_value(
            "SELECT COUNT(*) FROM faq_questions WHERE sent_at IS NOT NULL AND sent_at < ? "
            "AND (answered_at IS NULL OR answered_at >= ?)",
            (window[1], window[1]),
        )
        assert row is not None
        return FaqCounts(**dict(row), waiting=int(waiting))
