"""Sandbox demo data for attendance: a training tomorrow morning with some cadres registered."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.core.attendance import TrainingDraft
from bot.core.models import Role

DEMO_TITLE = "Tập huấn nghiệp vụ công tác khuyến học 2026"
DEMO_VENUE = "Hội trường UBND Phường 1"
DEMO_DESCRIPTION = "Mang theo sổ ghi chép và bút. Có phát tài liệu tại chỗ."
DEMO_REGISTRATIONS = 12


async def seed(services, now: datetime) -> None:
    """One upcoming session (tomorrow 08:00–11:00, 40 seats, everyone invited) with a dozen registrations."""
    members = await services.member_store.list_members()
    organiser = next((m for m in members if m.role is Role.ORGANISER), None)
    if organiser is None:
        return
    upcoming = await services.attendance.upcoming_for(organiser, include_all=True)
    if any(view.training.title == DEMO_TITLE for view in upcoming):
        return
    tz = services.settings.timezone
    tomorrow = now.astimezone(tz).date() + timedelta(days=1)
    starts = datetime.combine(tomorrow, time(8, 0), tzinfo=tz)
    result = await services.attendance.create(
        organiser,
        TrainingDraft(
            DEMO_TITLE,
            starts,
            starts + timedelta(hours=3),
            DEMO_VENUE,
            capacity=40,
            description=DEMO_DESCRIPTION,
        ),
    )
    if result.training is None:
        return
    cadres = [m for m in members if m.role is Role.CADRE][:DEMO_REGISTRATIONS]
    for cadre in cadres:
        await services.attendance.register(cadre, result.training.id)
