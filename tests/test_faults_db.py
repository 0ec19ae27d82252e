"""The database refusing a write — locked by another program, or full — in the middle of a dialog.

The person gets the apology, nothing half-written stays behind, and the bot keeps running. Both faults are
SQLite's: PostgreSQL's own (the server going away) are in tests/test_replicas_process.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from bot.core.models import MemberStatus, Role
from tests.backend import sqlite_only
from tests.harness import BotUnderTest, Person, active_member, texts
from tests.proof_helpers import WARD

pytestmark = sqlite_only("another program's lock on the file (busy_timeout) and a full file (max_page_count)")
APOLOGY = "Xin lỗi, hệ thống gặp sự cố"


async def counts(bot: BotUnderTest) -> tuple[int, int]:
    db = bot.services.db
    return (
        await db.fetch_value("SELECT COUNT(*) FROM audit_log"),
        await db.fetch_value("SELECT COUNT(*) FROM outbox"),
    )


async def up_to_the_last_step(bot: BotUnderTest, person: Person) -> None:
    await person.send("/start")
    await person.press(WARD)
    await person.press("Chi hội Khu phố 2")
    await person.send("Nguyễn Thị Lan")


async def finish_registration(person: Person) -> list:
    await person.send("/start")
    await person.press(WARD)
    await person.press("Chi hội Khu phố 2")
    await person.send("Nguyễn Thị Lan")
    return await person.send("Bỏ qua")


@contextmanager
def another_program_holds_the_write_lock(bot: BotUnderTest) -> Iterator[None]:
    other = sqlite3.connect(bot.settings.database_path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        other.rollback()
        other.close()


async def set_busy_timeout(bot: BotUnderTest, milliseconds: int) -> None:
    async with bot.services.db.connection() as conn:
        await conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")


async def fill_the_disk(bot: BotUnderTest) -> None:
    """No page can be added to the file, and the audit trail's last page is full: the next audited write
    fails."""
    async with bot.services.db.connection() as conn:
        pages = (await (await conn.execute("PRAGMA page_count")).fetchone())[0]
        await conn.execute(f"PRAGMA max_page_count = {pages}")
        while True:
            try:
                await conn.execute(
                    "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, details) "
                    "VALUES ('2026-01-01T00:00:00+00:00', NULL, 'filler', 'test', NULL, ?)",
                    ("x" * 200,),
                )
            except sqlite3.OperationalError as error:
                assert "full" in str(error)
                return


async def free_the_disk(bot: BotUnderTest) -> None:
    async with bot.services.db.connection() as conn:
        await conn.execute("PRAGMA max_page_count = 1073741823")


async def test_a_locked_database_at_the_last_step_of_registration_gives_an_apology_and_writes_nothing(
    bot: BotUnderTest,
) -> None:
    lead = await bot.member(9001, "Trần Văn Minh", Role.WARD_LEAD, ward=WARD)
    lan = bot.person(9002, "Lan")
    await up_to_the_last_step(bot, lan)
    await set_busy_timeout(bot, 200)
    before = await counts(bot)

    with another_program_holds_the_write_lock(bot):
        replies = await lan.send("Bỏ qua")

    assert APOLOGY in texts(replies)
    assert (await active_member(bot.services, 9002)).status is MemberStatus.VISITOR
    assert await counts(bot) == before
    assert lead.inbox() == []
    replies = await finish_registration(lan)
    assert "đã được gửi tới lãnh đạo hội" in texts(replies)
    assert (await active_member(bot.services, 9002)).status is MemberStatus.PENDING
    assert "Nguyễn Thị Lan" in texts(lead.inbox())


async def test_a_locked_database_when_a_lead_approves_gives_an_apology_and_the_request_stays_open(
    bot: BotUnderTest,
) -> None:
    lead = await bot.member(9003, "Trần Văn Minh", Role.WARD_LEAD, ward=WARD)
    lan = bot.person(9004, "Lan")
    await finish_registration(lan)
    await lead.send("/help")
    await set_busy_timeout(bot, 200)

    with another_program_holds_the_write_lock(bot):
        replies = await lead.press("Duyệt")

    assert APOLOGY in texts(replies)
    assert (await active_member(bot.services, 9004)).status is MemberStatus.PENDING
    replies = await lead.press("Duyệt")
    assert "Đã được Trần Văn Minh duyệt" in texts(replies)
    assert (await active_member(bot.services, 9004)).status is MemberStatus.ACTIVE


async def test_a_full_disk_at_the_last_step_of_registration_gives_an_apology_and_writes_nothing(
    bot: BotUnderTest,
) -> None:
    lead = await bot.member(9005, "Trần Văn Minh", Role.WARD_LEAD, ward=WARD)
    lan = bot.person(9006, "Lan")
    await up_to_the_last_step(bot, lan)
    await fill_the_disk(bot)
    before = await counts(bot)

    replies = await lan.send("Bỏ qua")

    assert APOLOGY in texts(replies)
    member = await active_member(bot.services, 9006)
    assert member.status is MemberStatus.VISITOR and member.chapter_id is None
    assert await counts(bot) == before
    assert lead.inbox() == []
    await free_the_disk(bot)
    assert "đã được gửi tới lãnh đạo hội" in texts(await finish_registration(lan))
    async with bot.services.db.connection() as conn:
        assert (await (await conn.execute("PRAGMA integrity_check")).fetchone())[0] == "ok"
