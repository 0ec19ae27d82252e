"""Sandbox demo data: some chapters have reported for the current and the previous period."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.models import Role
from bot.core.reports import ReportValues, reporting_period
from storage.reports import SqliteReports


async def seed(services, now: datetime) -> None:
    """Idempotent: about half the chapters reported this period, most of them last period (a few late), filed
    by the chapter's cadre when the demo has one."""
    store = SqliteReports(services.db)
    config = await store.config()
    current = await services.reports.current_period(now)
    previous = reporting_period(current.period.previous(), config, services.settings.timezone)
    chapters = await services.org.chapters()
    cadres: dict[int, int] = {}
    for member in await services.member_store.list_members():
        if member.role is Role.CADRE and member.chapter_id is not None:
            cadres.setdefault(member.chapter_id, member.id)
    for index, chapter in enumerate(chapters):
        base_total = 30 + (chapter.id * 7) % 40
        plans = []
        if index % 5 != 4:
            filed = (
                previous.deadline - timedelta(days=1 + index % 3)
                if index % 7
                else previous.deadline + timedelta(days=1)
            )
            plans.append((previous.key, ReportValues(1 + index % 4, base_total), filed))
        if index % 2 == 0:
            filed = min(now, current.deadline) - timedelta(hours=1 + index % 24)
            plans.append((current.key, ReportValues(index % 5, base_total + index % 5), filed))
        for key, values, filed_at in plans:
            if await store.get(chapter.id, key) is None:
                await store.save(
                    chapter.id, key, values, actor_id=cadres.get(chapter.id), on_behalf=False, now=filed_at
                )
