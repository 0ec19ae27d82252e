"""How broadcasts are named to organisers: audience kinds and the description of a broadcast's audience."""

from __future__ import annotations

import html
import re

from bot.core.broadcasts import Audience, AudienceKind
from bot.core.models import Role
from bot.i18n import Translator
from handlers.registry import N_
from handlers.render import esc, role_label

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
    """'By ward: Phường 5, Phường 6', 'Everyone – Phường 5' (a ward lead's): HTML-escaped."""
    label = t.gettext(KIND_LABELS[audience.kind])
    if audience.kind is AudienceKind.WARDS:
        names = [wards.get(i, f"#{i}") for i in audience.ids]
    elif audience.kind is AudienceKind.CHAPTERS:
        names = [chapters.get(i, f"#{i}") for i in audience.ids]
    elif audience.kind is AudienceKind.ROLES:
        names = [role_label(t, Role(r)) for r in audience.roles]
    elif audience.kind in (AudienceKind.SEMINAR, AudienceKind.TRAINING, AudienceKind.UNACKED):
        names = [f"#{i}" for i in audience.ids]
    else:
        names = []
    text = t.gettext("{audience}: {names}").format(audience=label, names=", ".join(names)) if names else label
    if audience.ward_id is not None and audience.kind is not AudienceKind.WARDS:
        text = t.gettext("{audience} – {ward}").format(audience=text, ward=wards.get(audience.ward_id, ""))
    return esc(text)


def snippet(html_text: str, limit: int = 30) -> str:
    """The start of a broadcast's text as plain text (tags dropped, entities decoded), for a label or list."""
    plain = " ".join(html.unescape(re.sub(r"<[^>]+>", "", html_text)).split())
    return plain[:limit] + ("…" if len(plain) > limit else "")
