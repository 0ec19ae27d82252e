"""Sandbox demo data: last week's training calendar broadcast, acknowledged by most members."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.audience import EVERYONE
from bot.core.broadcasts.service import Broadcast, BroadcastStatus, Content, Delivery
from bot.core.models import Role

DEMO_TITLE = "<b>Lịch tập huấn sắp tới</b>"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def demo_text(now: datetime) -> str:
    """The calendar of the next two Saturdays after `now` (their weekday names always match their dates)."""
    today = now.astimezone(VN).date()
    first = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    second = first + timedelta(days=7)
    return (
        f"{DEMO_TITLE}\n"
        f"• Thứ Bảy {first.day}/{first.month}, 8h00: Kỹ năng vận động “Gia đình học tập” – "
        "Hội trường UBND Quận\n"
        f"• Thứ Bảy {second.day}/{second.month}, 8h00: Quỹ khuyến học và học bổng – Nhà văn hoá Phường 5\n"
        "Xin các anh chị bấm “Đã nhận” sau khi đọc."
    )


ACK_SHARE = 0.7


async def seed(services, now: datetime) -> None:
    """One broadcast sent three days ago to every member, about 70 % of whom acknowledged it (idempotent)."""
    store = services.broadcasts.store
    if await services.db.fetch_value(
        "SELECT COUNT(*) FROM broadcasts WHERE text LIKE ?", (DEMO_TITLE + "%",)
    ):
        return
    members = await services.member_store.list_members()
    sender = next(
        (m for m in members if m.role in (Role.ORGANISER, Role.ADMIN)), members[0] if members else None
    )
    if sender is None:
        return
    sent_at = now - timedelta(days=3)
    text = demo_text(sent_at)
    broadcast = await store.create(
        Broadcast(
            0, sender.id, Content(text), EVERYONE, BroadcastStatus.DRAFT, sent_at - timedelta(minutes=5)
        )
    )
    recipients = await services.member_store.recipients()
    markup = {"inline_keyboard": [[{"text": "✅ Đã nhận", "callback_data": f"v1:bca:{broadcast.id}"}]]}
    await store.record_delivered(
        broadcast.id,
        [Delivery(r.member_id, r.chat_id, broadcast.content, markup) for r in recipients],
        sent_at=sent_at,
        finished_at=sent_at + timedelta(minutes=1),
    )
    acknowledging = recipients[: int(len(recipients) * ACK_SHARE)]
    for n, recipient in enumerate(acknowledging):
        await store.ack(broadcast, recipient.member_id, now=sent_at + timedelta(minutes=10 + 7 * n))
