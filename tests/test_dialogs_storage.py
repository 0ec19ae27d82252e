"""Where a person stands in a dialog is found together with who they are: one lookup per turn."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.conversation.dialogs import DialogState
from storage.db import Database
from storage.dialogs import SqliteDialogs
from storage.members import SqliteMembers

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


async def _visitor(db: Database, channel: str, external_id: str) -> int:
    account = {"channel": channel, "external_id": external_id, "chat_id": external_id}
    member = await SqliteMembers(db).create_visitor(**account, display_name="Cô Lan", username=None, now=NOW)
    return member.id


async def test_a_person_in_the_middle_of_a_report_is_found_with_their_answers_so_far(db: Database) -> None:
    member_id = await _visitor(db, "telegram", "5001")
    dialogs = SqliteDialogs(db)
    await dialogs.save(member_id, "telegram", DialogState("report", "new", {"chapter_id": 7}), now=NOW)

    found = await dialogs.with_member("telegram", "5001")

    assert found is not None
    member, state = found
    assert (member.id, member.full_name) == (member_id, "Cô Lan")
    assert state == DialogState("report", "new", {"chapter_id": 7}, NOW)


async def test_a_dialog_on_one_channel_is_not_where_the_person_stands_on_another(db: Database) -> None:
    member_id = await _visitor(db, "telegram", "5002")
    await SqliteMembers(db).add_account(member_id, "zalo", "z-5002", chat_id="z-5002", now=NOW)
    dialogs = SqliteDialogs(db)
    await dialogs.save(member_id, "telegram", DialogState("report", "new", {}), now=NOW)

    on_zalo = await dialogs.with_member("zalo", "z-5002")

    assert on_zalo is not None and on_zalo[0].id == member_id and on_zalo[1] is None


async def test_nobody_is_found_behind_an_account_the_bot_has_never_seen(db: Database) -> None:
    assert await SqliteDialogs(db).with_member("telegram", "404") is None
