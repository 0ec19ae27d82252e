"""How roles, statuses and languages are named to people."""

from __future__ import annotations

from bot.core.models import MemberStatus, Role
from bot.i18n import N_, Translator

ROLE_LABELS = {
    Role.ADMIN: N_("District admin"),
    Role.ORGANISER: N_("Organiser"),
    Role.WARD_LEAD: N_("Ward lead"),
    Role.CADRE: N_("Chapter cadre"),
}
STATUS_LABELS = {
    MemberStatus.VISITOR: N_("not registered"),
    MemberStatus.PENDING: N_("waiting for approval"),
    MemberStatus.ACTIVE: N_("active"),
    MemberStatus.REJECTED: N_("not approved"),
    MemberStatus.INACTIVE: N_("inactive"),
}
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo"}
"""The apps the bot runs on, by channel name, as people call them."""
WEEKDAY_NAMES = {
    1: N_("Monday"),
    2: N_("Tuesday"),
    3: N_("Wednesday"),
    4: N_("Thursday"),
    5: N_("Friday"),
    6: N_("Saturday"),
    7: N_("Sunday"),
}


def role_label(t: Translator, role: Role | None) -> str:
    return t.gettext(ROLE_LABELS[role]) if role else t.gettext("no role")


def status_label(t: Translator, status: MemberStatus) -> str:
    return t.gettext(STATUS_LABELS[status])


def weekday_name(t: Translator, iso_weekday: int) -> str:
    """'thứ Sáu' for 5, 'Chủ nhật' for 7: a weekday as written inside a sentence."""
    return t.gettext(WEEKDAY_NAMES[iso_weekday])
