"""Sandbox demo: the first two ward leads receive their ward's Monday summary (admins get it by default)."""

from __future__ import annotations

from datetime import datetime

from bot.core.models import Role
from bot.services import Services

SUBSCRIBED_LEADS = 2


async def seed(services: Services, now: datetime) -> None:
    leads = [m for m in await services.member_store.list_members() if m.role is Role.WARD_LEAD]
    for lead in sorted(leads, key=lambda m: m.id)[:SUBSCRIBED_LEADS]:
        await services.summary.subscribe(lead, True)
