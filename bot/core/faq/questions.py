"""Questions cadres ask: the log, the queue sent on to organisers, their answers and weekly counts."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from bot.core.faq.additions import EntryIdTaken, added_entry, write_entries
from bot.core.faq.build import build_matcher, build_matcher_async
from bot.core.faq.loading import KnowledgeBase
from bot.core.faq.matcher import FaqMatcher
from bot.core.faq.messages import is_question
from bot.core.faq.model import FaqAnswer, FaqEntry
from bot.core.models import Member
from bot.core.permissions import Action, can
from bot.core.ports import Clock

MAX_QUESTION_LENGTH = 1000


class QuestionStatus(StrEnum):
    LOGGED = "logged"  # the bot answered, suggested or declined; nobody was asked
    SENT = "sent"  # sent on to the organisers, waiting for an answer
    ANSWERED = "answered"  # an organiser answered it


class Outcome(StrEnum):
    OK = "ok"
    DENIED = "denied"
    NOT_FOUND = "not_found"
    ALREADY_DONE = "already_done"
    INVALID = "invalid"


@dataclass(frozen=True)
class AskedQuestion:
    id: int
    member_id: int | None
    text: str
    kind: str
    entry_id: str | None
    score: float
    status: QuestionStatus
    asked_at: datetime
    sent_at: datetime | None = None
    answer: str | None = None
    answered_by: int | None = None
    answered_at: datetime | None = None
    added_entry_id: str | None = None


@dataclass(frozen=True)
class FaqCounts:
    """What the weekly summary reports about questions asked between two instants."""

    asked: int
    answered_by_bot: int
    low_confidence: int  # only suggestions offered
    unanswered: int  # declined or no confirmed answer
    sent_to_organisers: int
    answered_by_organisers: int
    waiting: int  # sent on and still unanswered (at the end of the period)


@dataclass(frozen=True)
class QuestionResult:
    outcome: Outcome
    question: AskedQuestion | None = None
    entry: FaqEntry | None = None


class QuestionStore(Protocol):
    async def add(self, member_id: int | None, text: str, verdict: FaqAnswer, *, now: datetime) -> int: ...
    async def get(self, question_id: int) -> AskedQuestion | None: ...
    async def mark_sent(self, question_id: int, *, now: datetime) -> bool: ...
    async def waiting(self, limit: int) -> list[AskedQuestion]: ...
    async def answer(self, question_id: int, text: str, by: int, *, now: datetime) -> bool: ...
    async def add_entry(self, question_id: int, entry: FaqEntry, *, now: datetime) -> bool:
        """False when the question has an entry already; EntryIdTaken when another entry has its id."""
        ...

    async def added_entries(self) -> list[FaqEntry]: ...
    async def counts(self, since: datetime, until: datetime) -> FaqCounts: ...


@lru_cache(maxsize=1)
def _packaged() -> FaqMatcher:
    """The shipped knowledge base's matcher, built once per process (immutable)."""
    return build_matcher()


class FaqService:
    """Answers questions from the knowledge base and runs the organisers' queue."""

    def __init__(
        self, store: QuestionStore, clock: Clock, *, added_path: Path, kb_dir: Path | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        self.added_path = added_path
        """Entries written by hand beside the database (those added from the chat are in the database)."""
        self._kb_dir = kb_dir
        if kb_dir is None and not added_path.exists():
            self.matcher = _packaged()
        else:
            self.matcher = build_matcher(kb_dir, [added_path])
        self._in_database: tuple[FaqEntry, ...] = ()
        self._loading = asyncio.Lock()
        self._scratch: Path | None = None

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base in use."""
        return self.matcher.kb

    async def reload(self) -> KnowledgeBase:
        """Re-read the files and the entries added in the database; KnowledgeBaseError (naming file and
        entry) leaves the old ones in use."""
        async with self._loading:
            return await self._load(tuple(await self._store.added_entries()))

    async def catch_up(self) -> None:
        """Answer with the entries added in the database, when they are not those in use (at start, and when
        another replica sharing the database added one)."""
        async with self._loading:
            entries = tuple(await self._store.added_entries())
            if entries != self._in_database:
                await self._load(entries)

    async def _load(self, entries: tuple[FaqEntry, ...]) -> KnowledgeBase:
        files = [self.added_path]
        if entries:
            files.append(self._database_file(entries))
        self.matcher = await build_matcher_async(self._kb_dir, files)
        self._in_database = entries
        return self.matcher.kb

    def _database_file(self, entries: tuple[FaqEntry, ...]) -> Path:
        """The database's added entries as a file for the build, in a folder of this service's own."""
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="khuyenhoc-faq-"))
            weakref.finalize(self, shutil.rmtree, self._scratch, ignore_errors=True)
        path = self._scratch / "added-in-database.yaml"
        write_entries(path, entries)
        return path

    async def ask(self, member: Member | None, text: str) -> tuple[FaqAnswer, int | None]:
        """The bot's verdict on a question, logged for the queue and the weekly counts.

        The answer is in the member's language, or in English when the question clearly is
        (`verdict.language`). Small talk and messages that are not questions are not logged.
        """
        question = " ".join(text.split())[:MAX_QUESTION_LENGTH]
        verdict = self.matcher.ask(question, getattr(member, "locale", None) or "vi")
        logged = bool(question) and is_question(question) and verdict.kind != "small_talk"
        if not can(member, Action.ASK_FAQ) or not logged:
            return verdict, None
        question_id = await self._store.add(
            member.id if member else None, question, verdict, now=self._clock.now()
        )
        return verdict, question_id

    async def send_to_organisers(self, member: Member | None, question_id: int) -> QuestionResult:
        """The asker chose to pass the question on; organisers are then told by the adapter."""
        question = await self._store.get(question_id)
        if question is None or member is None or question.member_id != member.id:
            return QuestionResult(Outcome.NOT_FOUND)
        if question.status is not QuestionStatus.LOGGED:
            return QuestionResult(Outcome.ALREADY_DONE, question)
        await self._store.mark_sent(question_id, now=self._clock.now())
        return QuestionResult(Outcome.OK, await self._store.get(question_id))

    async def waiting(self, member: Member | None, limit: int = 10) -> QuestionResult | list[AskedQuestion]:
        """Questions sent on and not yet answered (organisers only)."""
        if not can(member, Action.ANSWER_FAQ):
            return QuestionResult(Outcome.DENIED)
        return await self._store.waiting(limit)

    async def question(self, member: Member | None, question_id: int) -> QuestionResult:
        if not can(member, Action.ANSWER_FAQ):
            return QuestionResult(Outcome.DENIED)
        question = await self._store.get(question_id)
        return QuestionResult(Outcome.OK if question else Outcome.NOT_FOUND, question)

    async def answer(self, member: Member | None, question_id: int, text: str) -> QuestionResult:
        """An organiser's answer; the adapter then delivers it to the asker."""
        if not can(member, Action.ANSWER_FAQ):
            return QuestionResult(Outcome.DENIED)
        assert member is not None
        answer = text.strip()
        if not answer:
            return QuestionResult(Outcome.INVALID)
        question = await self._store.get(question_id)
        if question is None:
            return QuestionResult(Outcome.NOT_FOUND)
        if question.status is QuestionStatus.ANSWERED:
            return QuestionResult(Outcome.ALREADY_DONE, question)
        await self._store.answer(question_id, answer, member.id, now=self._clock.now())
        return QuestionResult(Outcome.OK, await self._store.get(question_id))

    async def add_to_knowledge_base(
        self, member: Member | None, question_id: int, *, source: str
    ) -> QuestionResult:
        """Turn an answered question into a knowledge-base entry, kept in the database (every replica sharing
        it reloads), and answer with it from now on."""
        if not can(member, Action.ANSWER_FAQ):
            return QuestionResult(Outcome.DENIED)
        question = await self._store.get(question_id)
        if question is None or question.answer is None:
            return QuestionResult(Outcome.NOT_FOUND, question)
        if question.added_entry_id is not None:
            return QuestionResult(Outcome.ALREADY_DONE, question)
        taken = [e.id for e in self.kb.entries]
        while True:
            entry = added_entry(question.text, question.answer, source=source, existing=taken)
            try:
                added = await self._store.add_entry(question_id, entry, now=self._clock.now())
            except EntryIdTaken:
                taken.append(entry.id)
                continue
            break
        if not added:
            return QuestionResult(Outcome.ALREADY_DONE, await self._store.get(question_id))
        await self.reload()
        return QuestionResult(Outcome.OK, await self._store.get(question_id), entry)

    async def counts(self, since: datetime, until: datetime) -> FaqCounts:
        """Questions asked in [since, until) by outcome, for the weekly summary."""
        return await self._store.counts(since, until)
