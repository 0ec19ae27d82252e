"""Turning an organiser's answer into a new knowledge-base entry (appended to an `added.yaml` file)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from bot.core.faq.model import FaqEntry
from bot.core.text import fold

ADDED_TOPIC = "general"
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


def append_entry(path: Path, entry: FaqEntry) -> None:
    """Append `entry` to the YAML entries file at `path` (created with its header when missing)."""
    record = {
        "id": entry.id,
        "topic": entry.topic,
        "status": entry.status,
        "questions": list(entry.questions),
        "answer": entry.answer,
        "answer_en": entry.answer_en,
        "source": entry.source,
    }
    import yaml  # imported when used: only an organiser adding an entry needs it

    block = yaml.safe_dump([record], allow_unicode=True, sort_keys=False, width=100)
    indented = "".join(f"  {line}" if line.strip() else line for line in block.splitlines(keepends=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or not path.read_text(encoding="utf-8").strip():
        header = (
            "# Entries added from the chat (/questions → add to FAQ). Edit freely; same format as the "
            "others.\n"
        )
        path.write_text(header + "entries:\n" + indented, encoding="utf-8")
        return
    existing = path.read_text(encoding="utf-8")
    with path.open("a", encoding="utf-8") as fh:
        fh.write(("" if existing.endswith("\n") else "\n") + indented)
