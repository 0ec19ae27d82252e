"""The services bundle: storage, core services, translations and the clock, built once at start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from bot.config import Settings
from bot.core.attendance import AttendanceService
from bot.core.broadcasts.history import BroadcastHistory
from bot.core.broadcasts.service import BroadcastService
from bot.core.faq.questions import FaqService
from bot.core.members import MemberService
from bot.core.notices import NoticeService
from bot.core.reports import ReportService
from bot.core.seminars.checkin import SeminarCheckInService
from bot.core.seminars.service import SeminarService
from bot.core.summary import SummaryService
from bot.i18n import I18n
from storage.attendance import SqliteAttendance
from storage.broadcasts import SqliteBroadcasts
from storage.channel_state import SqliteChannelState
from storage.db import Database
from storage.dialogs import SqliteDialogs
from storage.faq import SqliteFaqQuestions
from storage.inbox import SqliteInbox
from storage.leases import Lease, this_process
from storage.members import SqliteMembers
from storage.org import SqliteOrg
from storage.outbox import SqliteOutbox
from storage.reports import SqliteReports
from storage.seminars import SqliteSeminars
from storage.summary import SqliteSummary
from storage.tasks import SqliteTasks


@dataclass
class Services:
    """Everything handlers and jobs reach through `ctx.services`; no globals."""

    settings: Settings
    db: Database
    clock: Clock
    i18n: I18n
    org: SqliteOrg
    member_store: SqliteMembers
    members: MemberService
    tasks: SqliteTasks
    outbox: SqliteOutbox
    dialogs: SqliteDialogs
    channel_state: SqliteChannelState
    inbox: SqliteInbox
    notices: NoticeService
    attendance: AttendanceService
    reports: ReportService
    seminars: SeminarService
    seminar_checkin: SeminarCheckInService
    broadcasts: BroadcastService
    broadcast_history: BroadcastHistory
    faq: FaqService
    summary: SummaryService

    @classmethod
    async def create(
        cls, settings: Settings, clock: Clock, *, db: Database | None = None, i18n: I18n | None = None
    ) -> Services:
        """Open the database (migrating it) and wire every service."""
        db = db or await Database.open(settings.database)
        lease = Lease(settings.replica_id or this_process(), settings.lease_seconds)
        org = SqliteOrg(db)
        outbox = SqliteOutbox(db, lease)
        tasks = SqliteTasks(db, lease)
        member_store = SqliteMembers(db)
        members = MemberService(
            member_store, org, clock, bootstrap_admins=frozenset(str(i) for i in settings.admin_ids)
        )
        attendance_store = SqliteAttendance(db)
        seminars = SeminarService(SqliteSeminars(db), member_store, clock)
        broadcast_store = SqliteBroadcasts(db)
        broadcasts = BroadcastService(broadcast_store, clock, member_store, tasks)
        return cls(
            settings=settings,
            db=db,
            clock=clock,
            i18n=i18n or I18n.load(tz=settings.timezone),
            org=org,
            member_store=member_store,
            members=members,
            tasks=tasks,
            outbox=outbox,
            dialogs=SqliteDialogs(db),
            channel_state=SqliteChannelState(db),
            inbox=SqliteInbox(db),
            notices=NoticeService(outbox, member_store, clock),
            attendance=AttendanceService(attendance_store, clock, member_store),
            reports=ReportService(SqliteReports(db), org, tasks, clock, tz=settings.timezone),
            seminars=seminars,
            seminar_checkin=SeminarCheckInService(attendance_store, seminars, clock),
            broadcasts=broadcasts,
            broadcast_history=BroadcastHistory(broadcast_store, broadcasts),
            faq=FaqService(SqliteFaqQuestions(db), clock, added_path=faq_added_path(settings)),
            summary=SummaryService(SqliteSummary(db), tasks, clock, settings.timezone),
        )

    async def close(self) -> None:
        await self.db.close()


def faq_added_path(settings: Settings) -> Path:
    """Where entries added from the chat are kept: beside the database, so updates never overwrite them."""
    return settings.database_path.parent / "faq" / "added.yaml"
