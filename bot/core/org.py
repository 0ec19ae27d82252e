"""The association's structure (wards and chapters) as data: reading and checking the CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from bot.core.text import clean_name

MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class OrgRow:
    line: int
    ward: str
    chapter: str
    kind: str | None


@dataclass(frozen=True)
class OrgProblem:
    line: int
    message: str


@dataclass(frozen=True)
class OrgFile:
    rows: tuple[OrgRow, ...]
    problems: tuple[OrgProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def ward_names(self) -> list[str]:
        return list(dict.fromkeys(row.ward for row in self.rows))


def parse_org_csv(data: bytes) -> OrgFile:
    """Read a UTF-8 CSV with header `ward,chapter` (extra columns such as `kind` allowed).

    Every problem is reported with its line number; the caller imports nothing unless ok.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return OrgFile((), (OrgProblem(1, f"the file is not UTF-8 ({exc.reason} at byte {exc.start})"),))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return OrgFile((), (OrgProblem(1, "the file is empty"),))
    except csv.Error as exc:
        return OrgFile((), (OrgProblem(1, f"unreadable CSV: {exc}"),))
    missing = [col for col in ("ward", "chapter") if col not in header]
    if missing:
        return OrgFile(
            (), (OrgProblem(1, f"the header must have columns ward,chapter (missing: {', '.join(missing)})"),)
        )
    ward_at, chapter_at = header.index("ward"), header.index("chapter")
    kind_at = header.index("kind") if "kind" in header else None
    rows: list[OrgRow] = []
    problems: list[OrgProblem] = []
    seen: dict[tuple[str, str], int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(OrgProblem(line, f"expected {len(header)} columns, found {len(record)}"))
                continue
            ward, chapter = clean_name(record[ward_at]), clean_name(record[chapter_at])
            kind = clean_name(record[kind_at]) if kind_at is not None else ""
            problem = _check_names(ward, chapter)
            if problem:
                problems.append(OrgProblem(line, problem))
                continue
            key = (ward.casefold(), chapter.casefold())
            if key in seen:
                problems.append(OrgProblem(line, f"chapter {chapter!r} of {ward!r} repeats line {seen[key]}"))
                continue
            seen[key] = line
            rows.append(OrgRow(line, ward, chapter, kind or None))
    except csv.Error as exc:
        problems.append(OrgProblem(reader.line_num, f"unreadable CSV: {exc}"))
    if not rows and not problems:
        problems.append(OrgProblem(2, "the file has a header but no chapters"))
    return OrgFile(tuple(rows), tuple(problems))


def _check_names(ward: str, chapter: str) -> str | None:
    if not ward:
        return "the ward is empty"
    if not chapter:
        return "the chapter is empty"
    for label, value in (("ward", ward), ("chapter", chapter)):
        if len(value) > MAX_NAME_LENGTH:
            return f"the {label} name is longer than {MAX_NAME_LENGTH} characters"
        if any(ord(ch) < 32 for ch in value):
            return f"the {label} name has control characters"
    return None
