"""Reading and validating the knowledge base (YAML files in one directory)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from bot.core.faq.documents import DocumentRecord, parse_documents
from bot.core.faq.glossary import spell_out
from bot.core.faq.model import STATUSES, FaqEntry, Topic, markup_problem, to_plain

TOPICS_FILE = "topics.yaml"
ABBREVIATIONS_FILE = "abbreviations.yaml"
DOCUMENTS_FILE = "documents.yaml"
ENGLISH_FILE = "english.yaml"
RESERVED_FILES = frozenset({TOPICS_FILE, ABBREVIATIONS_FILE, DOCUMENTS_FILE, ENGLISH_FILE})
MAX_ANSWER_CHARS = 1000
"""Hard limit on a plain-text answer (Zalo allows 2,000 characters; aim for ≤ 600 on a phone)."""
MAX_LONG_ANSWER_CHARS = 1800
"""Hard limit on the long version ("Xem thêm") of an answer."""

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")  # ≤ 40 characters: it travels in button data
_REQUIRED = ("id", "topic", "questions", "answer", "answer_en", "source", "status")
# `note` is for maintainers only: read and checked, never kept, so it can never reach a user.
_KNOWN = frozenset(_REQUIRED) | {"sections", "more", "more_en", "note"}


class KnowledgeBaseError(ValueError):
    """The knowledge base cannot be loaded; the message names each file and entry at fault."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid FAQ knowledge base:\n" + "\n".join(f"  - {p}" for p in problems))


def packaged_directory() -> Path:
    """The knowledge base shipped with the bot (bot/knowledge/faq)."""
    return Path(str(resources.files("bot.knowledge") / "faq"))


@dataclass(frozen=True)
class KnowledgeBase:
    """Entries, topics and text-normalisation tables, validated as a whole."""

    entries: tuple[FaqEntry, ...]
    topics: tuple[Topic, ...]
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    synonyms: Mapping[str, str] = field(default_factory=dict)
    documents: tuple[DocumentRecord, ...] = ()
    spelled: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Per locale, abbreviation → what it stands for: spelled out at its first use in every answer."""
    outside: tuple[str, ...] = ()
    """Phrases (lower case, as written) marking a question as outside the FAQ (personal data, …)."""
    english: Mapping[str, str] = field(default_factory=dict)
    """The English lexicon: English word or phrase → the Vietnamese words the knowledge base uses."""

    @classmethod
    def load(cls, directory: Path | None = None, *, extra_files: Iterable[Path] = ()) -> KnowledgeBase:
        """Load every *.yaml in `directory` (default: the packaged one) plus `extra_files`.

        Raises KnowledgeBaseError listing every problem (file, entry, field) when anything is malformed.
        """
        directory = Path(directory) if directory is not None else packaged_directory()
        problems: list[str] = []
        topics = _load_topics(directory / TOPICS_FILE, problems)
        abbreviations, synonyms, spelled, outside = _load_tables(directory / ABBREVIATIONS_FILE, problems)
        english = (
            _load_english(directory / ENGLISH_FILE, problems) if (directory / ENGLISH_FILE).exists() else {}
        )
        documents: tuple[DocumentRecord, ...] = ()
        if (directory / DOCUMENTS_FILE).exists():
            data = _read_yaml(directory / DOCUMENTS_FILE, problems)
            if data is not None:
                documents = parse_documents(data, DOCUMENTS_FILE, problems)
        entry_files = [p for p in sorted(directory.glob("*.yaml")) if p.name not in RESERVED_FILES]
        packaged = set(entry_files)
        entry_files += [Path(p) for p in extra_files if Path(p).exists()]
        topic_ids = {t.id for t in topics}
        entries: list[FaqEntry] = []
        seen: dict[str, str] = {}
        for path in entry_files:
            # Organisers' answers added from the chat are shown as they wrote them.
            for entry in _load_entries(path, topic_ids, problems, spelled if path in packaged else {}):
                if entry.id in seen:
                    problems.append(f"{path.name}: entry '{entry.id}': id already used in {seen[entry.id]}")
                    continue
                seen[entry.id] = path.name
                entries.append(entry)
        if not entries and not problems:
            problems.append(f"{directory}: no entries found")
        if problems:
            raise KnowledgeBaseError(problems)
        return cls(tuple(entries), topics, abbreviations, synonyms, documents, spelled, outside, english)

    def document(self, document_id: str) -> DocumentRecord:
        """The document record with `document_id` (KeyError if none)."""
        for record in self.documents:
            if record.id == document_id:
                return record
        raise KeyError(document_id)

    def entry(self, entry_id: str) -> FaqEntry:
        """The entry with `entry_id` (KeyError if none)."""
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        raise KeyError(entry_id)

    def by_topic(self, topic_id: str) -> tuple[FaqEntry, ...]:
        """Entries of one topic, in file order."""
        return tuple(e for e in self.entries if e.topic == topic_id)

    def topic(self, topic_id: str) -> Topic:
        """The topic with `topic_id` (KeyError if none)."""
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)


def _read_yaml(path: Path, problems: list[str]) -> object:
    import yaml  # imported when used: the bot loads the knowledge base in a child process (see build.py)

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=loader)  # a safe loader (CSafeLoader or SafeLoader)
    except FileNotFoundError:
        problems.append(f"{path.name}: file missing")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problems.append(f"{path.name}: not valid YAML{where}: {getattr(exc, 'problem', exc)}")
    return None


def _load_topics(path: Path, problems: list[str]) -> tuple[Topic, ...]:
    data = _read_yaml(path, problems)
    if data is None:
        return ()
    items = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.append(f"{path.name}: expected a 'topics:' list")
        return ()
    topics: list[Topic] = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("id", "vi", "en")):
            problems.append(f"{path.name}: topic #{n}: needs text fields id, vi and en")
            continue
        topics.append(Topic(item["id"], item["vi"].strip(), item["en"].strip()))
    return tuple(topics)


def _load_tables(
    path: Path, problems: list[str]
) -> tuple[dict[str, str], dict[str, str], dict[str, dict[str, str]], tuple[str, ...]]:
    data = _read_yaml(path, problems)
    if data is None:
        return {}, {}, {}, ()
    tables: list[dict[str, str]] = []
    for key in ("abbreviations", "synonyms"):
        table = data.get(key, {}) if isinstance(data, dict) else None
        if not isinstance(table, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in table.items()
        ):
            problems.append(f"{path.name}: '{key}' must map text to text")
            table = {}
        tables.append(table)
    spelled: dict[str, dict[str, str]] = {}
    raw = data.get("spell_out", {}) if isinstance(data, dict) else {}
    for locale in ("vi", "en"):
        table = raw.get(locale, {}) if isinstance(raw, dict) else None
        if not isinstance(table, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in table.items()
        ):
            problems.append(f"{path.name}: 'spell_out: {locale}:' must map text to text")
            table = {}
        spelled[locale] = table
    outside = data.get("outside", []) if isinstance(data, dict) else []
    if not isinstance(outside, list) or not all(isinstance(p, str) and p.strip() for p in outside):
        problems.append(f"{path.name}: 'outside' must be a list of phrases")
        outside = []
    return tables[0], tables[1], spelled, tuple(unicodedata.normalize("NFC", p).lower() for p in outside)


def _load_english(path: Path, problems: list[str]) -> dict[str, str]:
    """english.yaml's `terms:`, families (headings) flattened: English phrase → Vietnamese words."""
    data = _read_yaml(path, problems)
    if data is None:
        return {}
    families = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(families, dict):
        problems.append(f"{path.name}: expected 'terms:' with families of English phrase: Vietnamese words")
        return {}
    terms: dict[str, str] = {}
    for family, table in families.items():
        if not isinstance(table, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in table.items()
        ):
            problems.append(f"{path.name}: family '{family}' must map English text to Vietnamese text")
            continue
        terms.update(table)
    return terms


def _load_entries(
    path: Path, topic_ids: set[str], problems: list[str], spelled: Mapping[str, Mapping[str, str]]
) -> list[FaqEntry]:
    data = _read_yaml(path, problems)
    if data is None:
        return []
    items = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.append(f"{path.name}: expected an 'entries:' list")
        return []
    entries = []
    for n, item in enumerate(items, start=1):
        entry = _parse_entry(item, f"{path.name}: entry #{n}", topic_ids, problems, spelled)
        if entry is not None:
            entries.append(entry)
    return entries


def _parse_entry(
    item: object,
    where: str,
    topic_ids: set[str],
    problems: list[str],
    spelled: Mapping[str, Mapping[str, str]],
) -> FaqEntry | None:
    """One entry, checked; its answers with abbreviations spelled out (`spelled` per locale; {}: as
    written)."""
    if not isinstance(item, dict):
        problems.append(f"{where}: expected a mapping of fields")
        return None
    if isinstance(item.get("id"), str):
        where = f"{where} '{item['id']}'"
    found: list[str] = []
    missing = [k for k in _REQUIRED if k not in item]
    if missing:
        found.append(f"missing {', '.join(missing)}")
    unknown = sorted(set(map(str, item)) - _KNOWN)
    if unknown:
        found.append(f"unknown field(s) {', '.join(unknown)}")
    for key in ("id", "topic", "answer", "answer_en", "source", "status"):
        if key in item and not (isinstance(item[key], str) and item[key].strip()):
            found.append(f"'{key}' must be non-empty text")
    for key in ("more", "more_en", "note"):
        if key in item and not isinstance(item[key], str):
            found.append(f"'{key}' must be text")
    questions = item.get("questions")
    if "questions" in item and not (
        isinstance(questions, list) and questions and all(isinstance(q, str) and q.strip() for q in questions)
    ):
        found.append("'questions' must be a non-empty list of text")
    sections = item.get("sections", [])
    if not (isinstance(sections, list) and all(isinstance(s, str) for s in sections)):
        found.append("'sections' must be a list of text")
    if found:
        problems.extend(f"{where}: {f}" for f in found)
        return None
    assert isinstance(questions, list)  # required, and checked above
    if not _ID.match(item["id"]):
        found.append("'id' must be a slug of at most 40 lower-case letters, digits and '-'")
    if item["topic"] not in topic_ids:
        found.append(f"unknown topic '{item['topic']}' (see topics.yaml)")
    if item["status"] not in STATUSES:
        found.append(f"'status' must be one of {', '.join(STATUSES)}")
    for key in ("answer", "answer_en"):
        problem = markup_problem(item[key])
        if problem:
            found.append(f"'{key}' markup: {problem} (only <b> and <i> are allowed)")
        if len(to_plain(item[key])) > MAX_ANSWER_CHARS:
            found.append(f"'{key}' is longer than {MAX_ANSWER_CHARS} characters")
    for key in ("more", "more_en"):
        problem = markup_problem(item.get(key, ""))
        if problem:
            found.append(f"'{key}' markup: {problem} (only <b> and <i> are allowed)")
        if len(to_plain(item.get(key, ""))) > MAX_LONG_ANSWER_CHARS:
            found.append(f"'{key}' is longer than {MAX_LONG_ANSWER_CHARS} characters")
    if "\n" in item["source"].strip():
        found.append("'source' must be one line")
    if found:
        problems.extend(f"{where}: {f}" for f in found)
        return None

    def written(key: str, locale: str) -> str:
        text = _paragraphs(item.get(key, ""))
        return spell_out(text, spelled[locale], locale) if spelled else text

    return FaqEntry(
        id=item["id"],
        topic=item["topic"],
        questions=tuple(q.strip() for q in questions),
        answer=written("answer", "vi"),
        answer_en=written("answer_en", "en"),
        source=" ".join(item["source"].split()),
        status=item["status"],
        sections=tuple(sections),
        more=written("more", "vi"),
        more_en=written("more_en", "en"),
    )


def _paragraphs(text: str) -> str:
    """Lines joined with spaces; a blank line (a paragraph break) is kept as one newline."""
    return "\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip())
