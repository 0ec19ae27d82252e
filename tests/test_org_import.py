"""Wards and chapters come from a CSV: all or nothing, never deleting, idempotent."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.core.org import parse_org_csv
from storage.db import Database
from storage.org import SqliteOrg
from tests.backend import bot_database, database_env, query
from tests.harness import SAMPLE_ORG

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_the_sample_structure_has_15_wards_and_79_chapters() -> None:
    parsed = parse_org_csv(SAMPLE_ORG.read_bytes())
    assert parsed.ok
    assert len(parsed.ward_names) == 15
    assert len(parsed.rows) == 79


def test_extra_columns_and_a_byte_order_mark_are_accepted() -> None:
    parsed = parse_org_csv("\ufeffward,chapter,kind,note\nPhường 1,Chi hội Khu phố 1,khu phố,x\n".encode())
    assert parsed.ok and parsed.rows[0].kind == "khu phố"


def test_every_problem_is_reported_with_its_line_number() -> None:
    parsed = parse_org_csv(
        csv(
            "ward,chapter\nPhường 1,Chi hội A\n,Chi hội B\nPhường 2,\nPhường 1,chi hội a\n"
            "Phường 3,Chi hội C,extra\n"
        )
    )
    assert not parsed.ok
    assert [(p.line, p.message) for p in parsed.problems] == [
        (3, "the ward is empty"),
        (4, "the chapter is empty"),
        (5, "chapter 'chi hội a' of 'Phường 1' repeats line 2"),
        (6, "expected 2 columns, found 3"),
    ]


def test_a_wrong_header_or_encoding_is_refused() -> None:
    assert parse_org_csv(csv("phuong,chi hoi\nA,B\n")).problems[0].message.startswith("the header must have")
    assert "not UTF-8" in parse_org_csv(b"ward,chapter\nPh\xe6\xf6ng 1,A\n").problems[0].message
    assert parse_org_csv(b"").problems[0].message == "the file is empty"


async def test_reimporting_the_same_file_changes_nothing(db: Database) -> None:
    org = SqliteOrg(db)
    rows = parse_org_csv(SAMPLE_ORG.read_bytes()).rows
    first = await org.import_rows(rows, now=NOW)
    assert (first.wards_added, first.chapters_added) == (15, 79)
    again = await org.import_rows(rows, now=NOW)
    assert not again.changed
    assert await org.counts() == (15, 79)


async def test_a_removed_chapter_is_marked_inactive_and_keeps_its_members(db: Database) -> None:
    org = SqliteOrg(db)
    await org.import_rows(
        parse_org_csv(csv("ward,chapter\nPhường 1,Khu phố 1\nPhường 1,Khu phố 2\n")).rows, now=NOW
    )
    old = next(c for c in await org.chapters() if c.name == "Khu phố 2")
    async with db.connection() as conn:
        await conn.execute(
            "INSERT INTO members (full_name, name_key, status, role, ward_id, chapter_id, created_at, "
            "updated_at) VALUES ('Lan', 'lan', 'active', 'cadre', ?, ?, '', '')",
            (old.ward_id, old.id),
        )
    report = await org.import_rows(
        parse_org_csv(csv("ward,chapter\nPhường 1,Khu phố 1\nPhường 1,Khu phố 2A\n")).rows, now=NOW
    )
    assert (report.chapters_added, report.deactivated) == (1, 1)
    assert [c.name for c in await org.chapters()] == ["Khu phố 1", "Khu phố 2A"]
    kept = await org.chapter(old.id)
    assert kept is not None and not kept.active
    assert await db.fetch_value("SELECT chapter_id FROM members WHERE full_name = 'Lan'") == old.id


def run_cli(*args: str, env_db: Path | str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", **database_env(env_db, folder), "PYTHONPATH": str(ROOT)},
    )


def test_import_org_on_the_command_line_loads_the_sample(tmp_path: Path) -> None:
    result = run_cli("import-org", str(SAMPLE_ORG), env_db=bot_database(tmp_path, "cli.db"), folder=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Now active: 15 wards, 79 chapters." in result.stdout


def test_a_broken_file_is_refused_with_line_numbers_and_the_database_is_unchanged(tmp_path: Path) -> None:
    database = bot_database(tmp_path, "cli.db")
    assert run_cli("import-org", str(SAMPLE_ORG), env_db=database, folder=tmp_path).returncode == 0
    broken = tmp_path / "broken.csv"
    broken.write_text("ward,chapter\nPhường 16,Chi hội Mới\nPhường 17,\n", encoding="utf-8")
    result = run_cli("import-org", str(broken), env_db=database, folder=tmp_path)
    assert result.returncode == 1
    assert "line 3: the chapter is empty" in result.stderr
    assert "nothing changed" in result.stderr
    assert query(database, "SELECT COUNT(*) FROM chapters WHERE active = 1") == [(79,)]
    assert query(database, "SELECT COUNT(*) FROM wards") == [(15,)]
