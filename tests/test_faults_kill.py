"""kill -9 of the real bot process in the middle of work, then a restart against the same database.

The bot runs as `python -m bot run` in its own process against an emulator in this process. After the
crash: the database is intact (SQLite's `PRAGMA integrity_check`), nothing confirmed to a user is lost, and
nothing is sent twice beyond the messages the delivery worker had in flight (at most MAX_IN_FLIGHT).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from bot.core.models import MemberStatus, Role
from bot.core.org import parse_org_csv
from bot.emulator import BotApiEmulator, FakeUser
from bot.runtime.delivery import MAX_IN_FLIGHT
from storage.db import Database
from storage.members import SqliteMembers
from storage.org import SqliteOrg
from tests.backend import bot_database, database_env, integrity, query
from tests.harness import SAMPLE_ORG

TOKEN = "424242:KILL-test-token-abcdef"
REPO = Path(__file__).resolve().parent.parent
WARD = "Phường 5"


async def seed(path: Path | str, people: list[tuple[int, str, Role, str | None]]) -> None:
    """The sample organisation and active members (user id, name, role, ward name or None)."""
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    db = await Database.open(path)
    try:
        org = SqliteOrg(db)
        await org.import_rows(parse_org_csv(SAMPLE_ORG.read_bytes()).rows, now=now)
        wards = {w.name: w for w in await org.wards()}
        store = SqliteMembers(db)
        for user_id, name, role, ward in people:
            member = await store.create_visitor(
                channel="telegram",
                external_id=str(user_id),
                chat_id=str(user_id),
                display_name=name,
                username=None,
                now=now,
            )
            ward_id = wards[ward].id if ward else None
            chapter_id = (await org.chapters(ward_id))[0].id if ward_id else None
            await store.update(
                member.id,
                now=now,
                actor_id=None,
                action="test_setup",
                full_name=name,
                role=role,
                status=MemberStatus.ACTIVE,
                ward_id=ward_id,
                chapter_id=chapter_id,
            )
    finally:
        await db.close()


class BotProcess:
    """`python -m bot run` against the emulator, on `database`, in `folder`; restarted under the same
    REPLICA_ID (as a single deployment is): what the killed process had claimed is taken back at once."""

    def __init__(self, emu: BotApiEmulator, database: Path | str, folder: Path) -> None:
        self.emu = emu
        self.database = database
        self.folder = folder
        self.proc: subprocess.Popen | None = None

    async def start(self) -> None:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": self.emu.base_url,
            **database_env(self.database, self.folder),
            "REPLICA_ID": "bot",
            "PTB_TIMEDELTA": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "PYTHONPATH": str(REPO),
            "LOG_LEVEL": "WARNING",
        }
        state = self.emu.bot_state(TOKEN)
        polls = state.generation  # a long poll a killed process left parked does not count
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=self.folder,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await until(lambda: state.generation > polls and state.is_polling(), timeout=60)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.proc.wait, 15)
            except subprocess.TimeoutExpired:
                self.kill()


@asynccontextmanager
async def running(
    tmp_path: Path, people: list[tuple[int, str, Role, str | None]]
) -> AsyncIterator[tuple[BotApiEmulator, BotProcess]]:
    database = bot_database(tmp_path)
    await seed(database, people)
    async with BotApiEmulator() as emu:
        bot = BotProcess(emu, database, tmp_path)
        await bot.start()
        try:
            yield emu, bot
        finally:
            await bot.stop()


async def until(condition, timeout: float = 30) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


def sent_texts(emu: BotApiEmulator, chat_id: int) -> list[str]:
    return [c.params.get("text", "") for c in emu.calls(TOKEN, "sendMessage", chat_id, ok=True)]


async def register(emu: BotApiEmulator, user: FakeUser, *, submit: bool = True) -> None:
    """The registration dialog, driven through the emulator, waiting for each answer."""

    async def step(action) -> None:
        """Act, then wait until the bot answered in this chat and has been quiet there for half a second."""
        mark = emu.mark(TOKEN)
        await action()
        await emu.wait_for(TOKEN, chat_id=user.id, since=mark, timeout=30)
        seen = -1
        while seen != (seen := len(emu.calls(TOKEN, chat_id=user.id))):
            await asyncio.sleep(0.5)

    def newest_button(label: str) -> tuple[int, str]:
        for message in reversed(emu.chat_history(TOKEN, user.id)):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        return message["message_id"], button["callback_data"]
        raise AssertionError(label)

    await step(lambda: emu.send_text(TOKEN, user, "/start"))
    await step(lambda: emu.press_button(TOKEN, user, *newest_button(WARD)))
    await step(lambda: emu.press_button(TOKEN, user, *newest_button("Chi hội Khu phố 1")))
    await step(lambda: emu.send_text(TOKEN, user, "Nguyễn Thị Lan"))
    if submit:
        await step(lambda: emu.send_text(TOKEN, user, "Bỏ qua"))


async def test_killed_while_delivering_a_join_request_to_many_approvers(tmp_path: Path) -> None:
    organisers = [(9100 + n, f"Cán Bộ Tổ Chức {n}", Role.ORGANISER, None) for n in range(30)]
    async with running(tmp_path, organisers) as (emu, bot):
        lan = FakeUser(9200, "Lan")
        await register(emu, lan, submit=False)
        emu.configure(latency_ms=300)
        await emu.send_text(TOKEN, lan, "Bỏ qua")

        def delivered() -> int:
            return sum(any("Nguyễn Thị Lan" in t for t in sent_texts(emu, o[0])) for o in organisers)

        await until(lambda: delivered() >= 3)
        bot.kill()
        assert "đã được gửi tới lãnh đạo hội" in sent_texts(emu, lan.id)[-1]
        delivered = delivered()
        assert 0 < delivered < len(organisers), "the crash must come in the middle of the batch"
        emu.configure(latency_ms=0)
        assert integrity(bot.database) == "ok"
        await bot.start()
        await until(
            lambda: all(any("Nguyễn Thị Lan" in t for t in sent_texts(emu, o[0])) for o in organisers)
        )
        await bot.stop()

    copies = [sum("Nguyễn Thị Lan" in t for t in sent_texts(emu, o[0])) for o in organisers]
    assert min(copies) == 1 and max(copies) <= 2, copies
    assert sum(copies) <= len(organisers) + MAX_IN_FLIGHT, copies  # only what was in flight may come twice
    assert query(bot.database, "SELECT status FROM members WHERE full_name = 'Nguyễn Thị Lan'") == [
        ("pending",)
    ]
    assert integrity(bot.database) == "ok"


async def test_killed_in_the_middle_of_an_approval(tmp_path: Path) -> None:
    async with running(tmp_path, [(9300, "Trần Văn Minh", Role.WARD_LEAD, WARD)]) as (emu, bot):
        lan, lead = FakeUser(9301, "Lan"), FakeUser(9300, "Minh")
        await register(emu, lan)
        await until(lambda: any("Nguyễn Thị Lan" in t for t in sent_texts(emu, lead.id)))
        request = next(m for m in emu.chat_history(TOKEN, lead.id) if m.get("reply_markup"))
        approve = request["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        emu.inject_fault(TOKEN, "editMessageText", delay=20, drop=True)  # the bot hangs right after deciding

        await emu.press_button(TOKEN, lead, request["message_id"], approve)
        await until(lambda: not emu.bot_state(TOKEN).faults)  # the edit hangs: the decision is saved
        status = query(
            bot.database,
            "SELECT status FROM members WHERE id = (SELECT member_id FROM "
            "channel_accounts WHERE external_id = '9301')",
        )
        assert status == [("active",)]
        bot.kill()

        assert integrity(bot.database) == "ok"
        approvals = query(bot.database, "SELECT COUNT(*) FROM audit_log WHERE action = 'approve'")
        assert approvals == [(1,)]
        await bot.start()
        mark = emu.mark(TOKEN)
        await emu.press_button(TOKEN, lead, request["message_id"], approve)
        edit = await emu.wait_for(TOKEN, method="editMessageText", since=mark, timeout=30)
        assert "Đã được Trần Văn Minh duyệt" in edit[0].params["text"]
        await bot.stop()

    assert query(bot.database, "SELECT COUNT(*) FROM audit_log WHERE action = 'approve'") == [(1,)]
    assert integrity(bot.database) == "ok"


async def test_killed_while_confirming_a_report(tmp_path: Path) -> None:
    cadre = FakeUser(9400, "An")
    async with running(tmp_path, [(9400, "Nguyễn Văn An", Role.CADRE, WARD)]) as (emu, bot):

        async def say(text: str) -> None:
            mark = emu.mark(TOKEN)
            await emu.send_text(TOKEN, cadre, text)
            await emu.wait_for(TOKEN, method="sendMessage", chat_id=cadre.id, since=mark, timeout=30)

        async def press(data: str) -> None:
            message = next(
                m for m in reversed(emu.chat_history(TOKEN, cadre.id)) if data in str(m.get("reply_markup"))
            )
            mark = emu.mark(TOKEN)
            await emu.press_button(TOKEN, cadre, message["message_id"], data)
            await emu.wait_for(TOKEN, method="sendMessage", chat_id=cadre.id, since=mark, timeout=30)

        await say("/report")
        await say("12")
        await say("150")
        await press("v1:repc:skip:note")
        await press("v1:repc:skip:photo")
        # "Saved" never reaches the cadre: the call hangs, then its connection drops unanswered (a call only
        # delayed would still be carried out after its delay, reaching the cadre at a time of its own).
        emu.inject_fault(TOKEN, "sendMessage", chat_id=cadre.id, delay=20, drop=True)
        confirm = next(
            m
            for m in reversed(emu.chat_history(TOKEN, cadre.id))
            if "v1:repc:a:ok" in str(m.get("reply_markup"))
        )
        await emu.press_button(TOKEN, cadre, confirm["message_id"], "v1:repc:a:ok")
        # The report is saved, then "saved" is sent: kill once that call hangs (the emulator took the fault;
        # killed earlier, the call could still be in the emulator's socket, and be served once faults clear).
        await until(lambda: not emu.bot_state(TOKEN).faults)
        assert query(bot.database, "SELECT COUNT(*) FROM chapter_reports") == [(1,)]
        bot.kill()

        assert integrity(bot.database) == "ok"
        await bot.start()
        waiting = "SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')"
        await until(lambda: query(bot.database, waiting) == [(0,)])  # what was in flight goes out first
        await say("/report")  # the cadre, never told, tries again: the saved report is there to correct
        assert "Đã báo cáo: 12 hội viên mới, tổng 150." in sent_texts(emu, cadre.id)[-1]
        assert not any("Đã lưu báo cáo" in text for text in sent_texts(emu, cadre.id))
        await bot.stop()

    assert query(bot.database, "SELECT new_members, total_members FROM chapter_reports") == [(12, 150)]
    assert integrity(bot.database) == "ok"
