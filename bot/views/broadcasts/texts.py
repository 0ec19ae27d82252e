"""How broadcasts are named to organisers: audience kinds, a broadcast's audience, its progress and reports.

Every text is in the neutral markup (people's data through `esc()`); long reports are split by the caller at
its channel's limit (`bot.conversation.markup.split`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime

from bot.conversation.markup import esc
from bot.core.audience import Audience
from bot.core.broadcasts.service import AudienceKind, Broadcast, DeliveryLine, DeliveryReport, kind_of
from bot.core.models import Role
from bot.core.text import shorten
from bot.i18n import N_, Translator
from bot.views.labels import role_label

MAX_NAMES = 25
"""Names listed per group in a report ("… and N more" after them)."""
MAX_ACK_NAMES = 60
KIND_LABELS = {
    AudienceKind.ALL: N_("Everyone"),
    AudienceKind.WARDS: N_("By ward"),
    AudienceKind.CHAPTERS: N_("By chapter"),
    AudienceKind.ROLES: N_("By role"),
    AudienceKind.SEMINAR: N_("Invitees of a seminar"),
    AudienceKind.TRAINING: N_("Registrants of a training"),
    AudienceKind.UNACKED: N_("Who has not acknowledged a broadcast"),
}


def describe_audience(
    t: Translator, audience: Audience, *, wards: dict[int, str], chapters: dict[int, str]
) -> str:
    """'By ward: Phường 5, Phường 6', 'Everyone – Phường 5' (a ward lead's): escaped."""
    kind = kind_of(audience)
    label = t.gettext(KIND_LABELS[kind])
    if kind in (AudienceKind.SEMINAR, AudienceKind.TRAINING, AudienceKind.UNACKED):
        names = [f"#{e.id}" for e in audience.events]
    elif kind is AudienceKind.ALL:
        names = []
    else:
        names = [wards.get(i, f"#{i}") for i in audience.ward_ids]
        names += [chapters.get(i, f"#{i}") for i in audience.chapter_ids]
        names += [role_label(t, Role(r)) for r in audience.roles]
    text = t.gettext("{audience}: {names}").format(audience=label, names=", ".join(names)) if names else label
    if audience.ward_id is not None and kind is not AudienceKind.WARDS:
        text = t.gettext("{audience} – {ward}").format(audience=text, ward=wards.get(audience.ward_id, ""))
    return esc(text)


def sender_line(t: Translator, name: str, role: Role | None, unit: str) -> str:
    """Above a broadcast as recipients see it: who sent it and from which unit (escaped)."""
    return t.gettext("✉️ From <b>{name}</b> ({role}, {unit})").format(
        name=esc(name), role=role_label(t, role), unit=esc(unit)
    )


def snippet(markup_text: str, limit: int = 30) -> str:
    """The start of a broadcast's text as plain text (tags dropped, entities decoded), for a label or list."""
    return shorten(html.unescape(re.sub(r"<[^>]+>", "", markup_text)), limit + 1)


def preparing_text(t: Translator, broadcast_id: int) -> str:
    """The sender's live card, posted before the first message goes."""
    return t.gettext("📣 Preparing broadcast #{id}…").format(id=broadcast_id)


def progress_text(t: Translator, broadcast: Broadcast, handled: int, total: int) -> str:
    percent = t.percent(handled / total) if total else t.percent(1)
    return t.gettext("📣 Sending broadcast #{id}: {handled} of {total} ({percent})…").format(
        id=broadcast.id, handled=t.number(handled), total=t.number(total), percent=percent
    )


def not_sent_text(t: Translator, broadcast_id: int) -> str:
    return t.gettext("Broadcast #{id} was not sent: its sender may no longer send to this audience.").format(
        id=broadcast_id
    )


def names(t: Translator, lines: Sequence[DeliveryLine], *, phones: bool) -> str:
    """'• Name – Ward – phone' per line, at most MAX_NAMES."""
    shown = []
    for line in lines[:MAX_NAMES]:
        parts = [esc(line.full_name)]
        if line.ward_name:
            parts.append(esc(line.ward_name))
        if phones and line.phone:
            parts.append(esc(line.phone))
        shown.append("• " + " – ".join(parts))
    if len(lines) > MAX_NAMES:
        shown.append(t.gettext("… and {count} more").format(count=t.number(len(lines) - MAX_NAMES)))
    return "\n".join(shown)


def final_text(t: Translator, broadcast: Broadcast, report: DeliveryReport) -> str:
    """The delivery report: sent, failed and unreachable, with names (and phones to call)."""
    title = t.gettext("📣 <b>Broadcast #{id} delivered.</b>").format(id=broadcast.id)
    return "\n".join([title, counts(t, report)]) + who_to_call(t, report)


def sending_report_text(t: Translator, broadcast: Broadcast, report: DeliveryReport) -> str:
    """The report of a broadcast still going out: the final report's lines, so far, under how far it got."""
    percent = t.percent(report.handled / report.total) if report.total else t.percent(1)
    title = t.gettext(
        "📤 <b>Sending: {handled} of {total}</b> ({percent}) – broadcast #{id}, so far:"
    ).format(handled=t.number(report.handled), total=t.number(report.total), percent=percent, id=broadcast.id)
    return "\n".join([title, counts(t, report)]) + who_to_call(t, report)


def counts(t: Translator, report: DeliveryReport) -> str:
    return t.gettext(
        "Sent: {sent} of {total}\nFailed: {failed}\nUnreachable (blocked the bot): {unreachable}\n"
        "Acknowledged: {acked}"
    ).format(
        sent=t.number(report.sent),
        total=t.number(report.total),
        failed=t.number(len(report.failed)),
        unreachable=t.number(len(report.unreachable)),
        acked=t.number(report.acked),
    )


def who_to_call(t: Translator, report: DeliveryReport) -> str:
    """The names (and phones, where the report keeps them) of those the broadcast did not reach."""
    text = ""
    if report.failed:
        text += (
            "\n\n" + t.gettext("<b>Could not be delivered:</b>") + "\n" + names(t, report.failed, phones=True)
        )
    if report.unreachable:
        text += (
            "\n\n"
            + t.gettext("<b>Please call them, they have blocked the bot:</b>")
            + "\n"
            + names(t, report.unreachable, phones=True)
        )
    return text


def call_them_text(t: Translator, broadcast_id: int, lines: Sequence[DeliveryLine]) -> str:
    """To a ward lead: the members of their ward a broadcast could not reach."""
    text = t.gettext(
        "These members of your ward could not receive broadcast #{id} because they have "
        "blocked the bot. Please call them:"
    ).format(id=broadcast_id)
    return text + "\n" + names(t, lines, phones=True)


def ack_text(
    t: Translator, broadcast_id: int, acked: Sequence[tuple[str, datetime]], waiting: Sequence[str]
) -> str:
    """Who acknowledged a broadcast (with when) and who has not yet."""
    text = t.gettext("<b>Broadcast #{id}</b>\nAcknowledged: {acked}\nNot yet: {waiting}").format(
        id=broadcast_id, acked=t.number(len(acked)), waiting=t.number(len(waiting))
    )
    if acked:
        text += (
            "\n\n"
            + t.gettext("<b>Acknowledged:</b>")
            + "\n"
            + "\n".join(f"• {esc(name)} ({t.datetime(at)})" for name, at in acked[:MAX_ACK_NAMES])
        )
    if waiting:
        text += (
            "\n\n"
            + t.gettext("<b>Not yet:</b>")
            + "\n"
            + "\n".join(f"• {esc(name)}" for name in waiting[:MAX_ACK_NAMES])
        )
    return text
