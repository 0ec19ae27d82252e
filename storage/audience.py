"""The one audience resolver: an `Audience` (bot.core.audience) → its active members, each once, by name, with
their account on their preferred channel (the one they last wrote from)."""

from __future__ import annotations

from bot.core.audience import Audience, AudienceMember, EventKind, Group
from bot.core.broadcasts.service import batch_name
from storage.db import Database

_PEOPLE = (
    "SELECT m.id, m.full_name, m.locale, m.ward_id, m.chapter_id, m.phone, a.channel, a.chat_id, "
    "a.blocked_at FROM members m JOIN channel_accounts a ON a.member_id = m.id "
    "AND a.channel = COALESCE(m.channel, 'telegram') WHERE m.status = 'active'"
)
_EVENTS = {
    EventKind.SEMINAR: (
        "m.id IN (SELECT member_id FROM seminar_invitees WHERE seminar_id = ? AND rsvp != 'delegated')"
    ),
    EventKind.TRAINING: (
        "m.id IN (SELECT member_id FROM training_registrations WHERE training_id = ? "
        "AND status IN ('registered', 'waitlisted'))"
    ),
    EventKind.UNACKED: (
        "(m.id IN (SELECT member_id FROM outbox WHERE batch = ?) "
        "AND m.id NOT IN (SELECT member_id FROM broadcast_acks WHERE broadcast_id = ?))"
    ),
}


def _in(column: str, values: tuple[object, ...], params: list[object]) -> str:
    params.extend(values)
    return f"{column} IN ({', '.join('?' * len(values))})"


def _group(group: Group, params: list[object]) -> str:
    """The condition of one group: its roles AND its places (either left out when empty)."""
    parts = []
    if group.roles:
        parts.append(_in("m.role", tuple(r.value for r in group.roles), params))
    places = []
    if group.ward_ids:
        places.append(_in("m.ward_id", group.ward_ids, params))
    if group.chapter_ids:
        places.append(_in("m.chapter_id", group.chapter_ids, params))
    if places:
        parts.append("(" + " OR ".join(places) + ")")
    return "(" + " AND ".join(parts) + ")" if parts else "(1 = 1)"


def condition(audience: Audience) -> tuple[str, list[object]] | None:
    """The SQL condition on `members m` of everyone in the audience (None: nobody)."""
    params: list[object] = []
    alternatives = [_group(g, params) for g in audience.groups]
    if audience.member_ids:
        alternatives.append(_in("m.id", audience.member_ids, params))
    for event in audience.events:
        alternatives.append(_EVENTS[event.kind])
        params.extend((batch_name(event.id), event.id) if event.kind is EventKind.UNACKED else (event.id,))
    if not alternatives:
        return None
    sql = "(" + " OR ".join(alternatives) + ")"
    if audience.ward_id is not None:
        sql += " AND m.ward_id = ?"
        params.append(audience.ward_id)
    return sql, params


async def audience_members(
    db: Database, audience: Audience, *, include_blocked: bool = False
) -> list[AudienceMember]:
    """Everyone in the audience who has an account on their preferred channel, by name; those who blocked
    the bot there only with `include_blocked` (flagged)."""
    where = condition(audience)
    if where is None:
        return []
    sql, params = where
    if not include_blocked:
        sql += " AND a.blocked_at IS NULL"
    rows = await db.fetch_all(f"{_PEOPLE} AND {sql} ORDER BY m.name_key, m.id", params)
    return [
        AudienceMember(
            r["id"],
            r["full_name"],
            r["chat_id"],
            r["locale"],
            r["ward_id"],
            r["phone"],
            r["blocked_at"] is not None,
            r["channel"],
            r["chapter_id"],
        )
        for r in rows
    ]
