"""Who may do what: one table, checked in the core wherever an action is performed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum

from bot.core.models import Member, Role


class Reach(Enum):
    """How far a role's right to an action extends."""

    NONE = 0
    OWN_CHAPTER = 1
    OWN_WARD = 2
    ALL = 3


class Action(StrEnum):
    """Every action a member can ask the bot to perform."""

    VIEW_OWN_PROFILE = "view_own_profile"
    ASK_FAQ = "ask_faq"
    APPROVE_MEMBER = "approve_member"
    CREATE_INVITE = "create_invite"
    CHANGE_ROLE = "change_role"
    VIEW_MEMBER_PHONE = "view_member_phone"
    LIST_MEMBERS = "list_members"
    MANAGE_TRAINING = "manage_training"
    ATTEND_TRAINING = "attend_training"
    FILE_REPORT = "file_report"
    VIEW_REPORTS = "view_reports"
    NUDGE_REPORT = "nudge_report"
    EXCUSE_REPORT = "excuse_report"
    EXPORT_REPORTS = "export_reports"
    CONFIGURE_REPORTS = "configure_reports"
    MANAGE_SEMINARS = "manage_seminars"
    ANSWER_SEMINARS = "answer_seminars"
    SEND_BROADCAST = "send_broadcast"
    VIEW_BROADCASTS = "view_broadcasts"
    ANSWER_FAQ = "answer_faq"
    RELOAD_FAQ = "reload_faq"
    VIEW_SUMMARY = "view_summary"


@dataclass(frozen=True)
class Rule:
    """Reach per role; visitors and pending members get `public` only."""

    admin: Reach = Reach.ALL
    organiser: Reach = Reach.NONE
    ward_lead: Reach = Reach.NONE
    cadre: Reach = Reach.NONE
    public: bool = False

    def reach(self, role: Role) -> Reach:
        return {
            Role.ADMIN: self.admin,
            Role.ORGANISER: self.organiser,
            Role.WARD_LEAD: self.ward_lead,
            Role.CADRE: self.cadre,
        }[role]


RULES: dict[Action, Rule] = {
    Action.VIEW_OWN_PROFILE: Rule(organiser=Reach.ALL, ward_lead=Reach.ALL, cadre=Reach.ALL, public=True),
    Action.ASK_FAQ: Rule(organiser=Reach.ALL, ward_lead=Reach.ALL, cadre=Reach.ALL, public=True),
    Action.APPROVE_MEMBER: Rule(organiser=Reach.ALL, ward_lead=Reach.OWN_WARD),
    Action.CREATE_INVITE: Rule(organiser=Reach.ALL, ward_lead=Reach.OWN_WARD),
    Action.CHANGE_ROLE: Rule(),
    Action.VIEW_MEMBER_PHONE: Rule(organiser=Reach.ALL, ward_lead=Reach.OWN_WARD),
    Action.LIST_MEMBERS: Rule(organiser=Reach.ALL, ward_lead=Reach.OWN_WARD),
    Action.MANAGE_TRAINING: Rule(organiser=Reach.ALL),
    Action.ATTEND_TRAINING: Rule(organiser=Reach.ALL, ward_lead=Reach.ALL, cadre=Reach.ALL),
    Action.FILE_REPORT: Rule(organiser=Reach.ALL, ward_lead=Reach.OWN_WARD, cadre=Reach.OWN_CHAPTER),
    Action.VIEW_REPORTS: Rule(organiser=Reach.ALL, ward_lead=Reach.OWN_WARD),
    Action.NUDGE_REPORT: Rule(organiser=Reach.ALL, ward_lead=Reach.OWN_WARD),
    Action.EXCUSE_REPORT: Rule(organiser=Reach.ALL),
    Action.EXPORT_REPORTS: Rule(organiser=Reach.ALL),
    Action.CONFIGURE_REPORTS: Rule(),
    Action.MANAGE_SEMINARS: Rule(organiser=Reach.ALL),
    Action.ANSWER_SEMINARS: Rule(organiser=Reach.ALL, ward_lead=Reach.ALL, cadre=Reach.ALL),
    Action.SEND_BROADCAST: Rule(organiser=Reach.ALL, ward_lead=Reach.OWN_WARD),
    # Ward leads see (and report on) only the broadcasts they sent themselves: see
    # bot/core/broadcast_history.py.
    Action.VIEW_BROADCASTS: Rule(organiser=Reach.ALL, ward_lead=Reach.OWN_WARD),
    Action.ANSWER_FAQ: Rule(organiser=Reach.ALL),
    Action.RELOAD_FAQ: Rule(),
    Action.VIEW_SUMMARY: Rule(organiser=Reach.ALL, ward_lead=Reach.OWN_WARD),
}


def can(
    member: Member | None, action: Action | str, *, ward_id: int | None = None, chapter_id: int | None = None
) -> bool:
    """May this member perform the action on something in (ward_id, chapter_id)?

    A target of None means "not tied to a ward/chapter": only ALL reach covers it,
    except OWN_* reaches, which then mean "within the member's own ward/chapter".
    """
    rule = RULES.get(Action(action) if not isinstance(action, Action) else action)
    if rule is None or member is None:
        return False
    if not member.is_active:
        return rule.public
    assert member.role is not None
    reach = rule.reach(member.role)
    if reach is Reach.ALL:
        return True
    if reach is Reach.NONE:
        return rule.public
    if reach is Reach.OWN_WARD:
        return member.ward_id is not None and (ward_id is None or ward_id == member.ward_id)
    return member.chapter_id is not None and (
        (chapter_id is None and (ward_id is None or ward_id == member.ward_id))
        or chapter_id == member.chapter_id
    )


def reach_of(member: Member | None, action: Action) -> Reach:
    """The reach a member has for an action (for filtering lists)."""
    if member is None or not member.is_active or member.role is None:
        return Reach.NONE
    rule = RULES.get(action)
    return rule.reach(member.role) if rule else Reach.NONE
