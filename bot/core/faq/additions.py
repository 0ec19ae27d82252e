"""Turning an organiser's answer into a new knowledge-base entry (kept in the database: storage/faq.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.core.faq.model import FaqEntry
from bot.core.text import fold

ADDED_TOPIC = "general"


class EntryIdTaken(Exception):
    """Another entry was given the same id meanwhile (another replica added one from the same words)."""


_SLUG_WORDS = 6
_MAX_BASE = 36  # ids are at most 40 characters, leaving room for "-NN"


def new_entry_id(question: str, existing: Iterable[str]) -> str:
    """A stable, unused slug from the question: 'Phòng họp ở đâu?' → 'added-phong-hop-o-dau'."""
    words = re.findall(r"[a-z0-9]+", fold(question))[:_SLUG_WORDS] or ["question"]
    base = ("added-" + "-".join(words))[:_MAX_BASE].rstrip("-")
    taken = set(existing)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def added_entry(
    question: str, answer: str, *, source: str, existing: Iterable[str], topic: str = ADDED_TOPIC
) -> FaqEntry:
    """An entry for a question an organiser answered in chat (Vietnamese answer used for both languages)."""
    text = " ".join(answer.split())
    return FaqEntry(
        id=new_entry_id(question, existing),
        topic=topic,
        questions=(" ".join(question.split()),),
        answer=text,
        answer_en=text,
        source=source,
        status="confirmed",
    )


def entry_record(entry: FaqEntry) -> dict[str, object]:
    """`entry` as the knowledge base's files write one (what the database keeps of an added entry)."""
    return {
        "id": entry.id,
        "topic": entry.topic,
        "status": entry.status,
        "questions": list(entry.questions),
        "answer": entry.answer,
        "answer_en": entry.answer_en,
        "source": entry.source,
    }


def entry_of_record(record: dict[str, Any]) -> FaqEntry:
    """The entry `entry_record` wrote."""
    return FaqEntry(
        id=record["id"],
        topic=record["topic"],
        questions=tuple(record["questions"]),
        answer=record["answer"],
        answer_en=record["answer_en"],
        source=record["source"],
        status=record["status"],
    )


def write_entries(path: Path, entries: Iterable[FaqEntry]) -> None:
    """An entries file for the knowledge base's build (JSON, which YAML reads: the bot never loads yaml)."""
    document = {"entries": [entry_record(entry) for entry in entries]}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
