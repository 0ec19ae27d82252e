"""Sandbox demo data: one seminar about four days ahead, with invitees and a few answers."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.core.audience import Audience
from bot.core.models import Role
from bot.core.seminars.models import (
    DEFAULT_DURATION,
    Announcement,
    Rsvp,
    Seminar,
    SeminarStatus,
    announce_task,
    plan_tasks,
)
from storage.seminars import SqliteSeminars

DEMO_TOPIC = "Xây dựng mô hình học tập suốt đời ở khu dân cư"
MAX_INVITEES = 12


async def seed(services, now: datetime) -> None:
    """Idempotent: does nothing when the demo seminar is already planned, or there is nobody to invite."""
    store = SqliteSeminars(services.db)
    if any(s.topic == DEMO_TOPIC for s in await store.upcoming(now)):
        return
    members = await services.member_store.list_members()
    creator = next((m for m in members if m.role in (Role.ORGANISER, Role.ADMIN)), None)
    invitees = [m for m in members if m.role in (Role.WARD_LEAD, Role.CADRE)][:MAX_INVITEES]
    if creator is None or not invitees:
        return
    tz = services.settings.timezone
    day = (now.astimezone(tz) + timedelta(days=4)).date()
    starts = datetime.combine(day, time(8, 0), tzinfo=tz)
    wards = {w.id: w.name for w in await services.org.wards()}
    host = wards.get(invitees[0].ward_id or 0, "Quận 10")
    seminar = Seminar(
        0,
        DEMO_TOPIC,
        host,
        starts,
        starts + DEFAULT_DURATION,
        f"Hội trường UBND {host}",
        "1. Khai mạc\n2. Tham luận của các phường\n3. Thảo luận và kết luận",
        SeminarStatus.SCHEDULED,
        creator.id,
        Audience.of(member_ids=(m.id for m in invitees)),
    )
    seminar_id = await store.create(
        seminar,
        [m.id for m in invitees],
        lambda saved: [announce_task(saved, Announcement.INVITE, now), *plan_tasks(saved, now)],
        now=now,
    )
    answers = [Rsvp.YES, Rsvp.YES, Rsvp.NO, Rsvp.YES]
    for member, answer in zip(invitees[1:], answers, strict=False):
        await store.set_rsvp(seminar_id, member.id, answer, now=now)
