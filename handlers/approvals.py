"""Deciding on join requests, invitation links and roles (ward leads, organisers, admins).

The approve / reject buttons on a join request live long in the approvers' chats: their wire form stays
'v1:join:a:<member id>' / 'v1:join:r:<member id>'. A decision, the newcomer's notice and the approval hooks of
other features (a pending check-in) happen in the approving turn's one transaction.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Literal

from bot.conversation.markup import esc
from bot.conversation.replies import Attachment, Choice, Choices, Reply, grid, rows
from bot.conversation.router import CommandSpec, Router
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.members import Decision, JoinRequest, Outcome
from bot.core.models import Member, MemberStatus, Role
from bot.core.notices import OutgoingMessage
from bot.core.permissions import Action, Reach, can, reach_of
from bot.i18n import N_, Translator
from bot.views.labels import role_label
from bot.views.qr import qr_png

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from bot.services import Services

MAX_SEARCH_RESULTS = 8
INVITE_PAYLOAD = "inv"


@token("join")
class JoinDecision(Token):
    """'✅ Approve' / '❌ Reject' under a join request."""

    answer: Literal["a", "r"]
    member_id: int


@token("inv:w")
class InviteWard(Token):
    ward_id: int


@token("inv:c")
class InviteChapter(Token):
    chapter_id: int


@token("role:m")
class RoleMember(Token):
    """Whose role to change; `role` is always empty ('-'), as on the buttons sent before."""

    member_id: int
    role: Role | None = None


@token("role:s")
class RoleSet(Token):
    member_id: int
    role: Role


# --- join requests ----------------------------------------------------------------------------------------


def request_text(t: Translator, request: JoinRequest) -> str:
    """The join request as approvers see it (the phone number only they may see)."""
    member = request.member
    assert member is not None and request.chapter is not None
    text = t.gettext("<b>New member request</b>\n{name}\nChapter: {chapter} ({ward})").format(
        name=esc(member.full_name),
        chapter=esc(request.chapter.name),
        ward=esc(request.ward.name if request.ward else ""),
    )
    if member.phone:
        text += "\n" + t.gettext("Phone: {phone}").format(phone=esc(member.phone))
    return text


def decision_choices(t: Translator, member_id: int) -> Choices:
    return rows(
        [
            Choice(t.gettext("✅ Approve"), JoinDecision("a", member_id)),
            Choice(t.gettext("❌ Reject"), JoinDecision("r", member_id)),
        ]
    )


def request_stamp(member: Member) -> int:
    """Identifies one join request of a member (a new request after a rejection gets a new stamp)."""
    return int(member.requested_at.timestamp()) if member.requested_at else 0


async def notify_approvers(services: Services, request: JoinRequest) -> None:
    """Queue the request, with Approve / Reject, to every approver (once each, whatever reruns it).

    Inside a turn this is part of the turn's transaction: the request and its notices commit together.
    """
    member = request.member
    assert member is not None
    stamp = request_stamp(member)
    messages = []
    for approver in request.approvers:
        t = services.i18n.translator(approver.locale)
        reply = Reply(request_text(t, request), choices=decision_choices(t, member.id))
        messages.append(
            OutgoingMessage.to(approver, f"join:{member.id}:{stamp}:to:{approver.member_id}", reply)
        )
    if messages:
        await services.notices.queue(f"join:{member.id}", messages)


async def renotify_pending(rt: Runtime) -> None:
    """At start: pending requests whose notices were never queued (saved by an older version, or outside a
    turn) still reach their approvers; dedupe keys prevent doubles."""
    services = rt.services
    for request in await services.members.waiting_requests():
        await notify_approvers(services, request)


async def decided(turn: Turn, choice: JoinDecision) -> None:
    """Approve / Reject pressed: checked against the presser's reach in the core, applied once; every other
    approver's copy of the request then shows the outcome, and an old copy's button changes nothing."""
    t = turn.t
    decision = await turn.services.members.decide(turn.member, choice.member_id, approve=choice.answer == "a")
    if decision.outcome is Outcome.DENIED:
        turn.toast(
            t.gettext("Only the leads of that ward and the organisers can decide on this request."),
            alert=True,
        )
        return
    member = decision.member
    if (
        decision.outcome is Outcome.NOT_FOUND
        or member is None
        or member.status not in (MemberStatus.ACTIVE, MemberStatus.REJECTED)
    ):
        turn.stale()
        return
    if decision.outcome is Outcome.ALREADY_DONE:
        turn.toast(t.gettext("This request has already been handled."))
    request = await turn.services.members.join_request(member, with_approvers=True)
    turn.edit(decided_text(t, request, decision))
    await update_other_copies(turn, request, decision)
    await tell_requester(turn, decision)


def decided_text(t: Translator, request: JoinRequest, decision: Decision) -> str:
    """A decided request as its cards show it: the request, then who decided what."""
    if request.chapter is None:
        return outcome_line(t, decision)
    return request_text(t, request) + "\n\n" + outcome_line(t, decision)


async def update_other_copies(turn: Turn, request: JoinRequest, decision: Decision) -> None:
    """Queue, for every other approver, the decided card in place of their copy of the request (edited where
    the channel can; on Zalo, which cannot edit, it arrives as a short note that nothing is left to do; a copy
    that never went is dropped with its replacement)."""
    member = request.member
    assert member is not None
    stamp = request_stamp(member)
    messages = []
    for approver in request.approvers:
        if turn.member is not None and approver.member_id == turn.member.id:
            continue
        t = turn.services.i18n.translator(approver.locale)
        copy = f"join:{member.id}:{stamp}:to:{approver.member_id}"
        messages.append(
            OutgoingMessage.to(
                approver, f"{copy}:decided", Reply(decided_text(t, request, decision)), replaces=copy
            )
        )
    if messages:
        await turn.services.notices.queue(f"join:{member.id}", messages)


def outcome_line(t: Translator, decision: Decision) -> str:
    member = decision.member
    by = esc(decision.decided_by.full_name) if decision.decided_by else "?"
    if member is not None and member.status is MemberStatus.ACTIVE:
        return t.gettext("✅ Approved by {name}.").format(name=by)
    return t.gettext("❌ Not approved (decided by {name}).").format(name=by)


async def tell_requester(turn: Turn, decision: Decision) -> None:
    """The person hears the outcome once (also when an approver presses again after a crash), queued in this
    turn; after an approval the other features' approval hooks run here too (they must be idempotent)."""
    member = decision.member
    assert member is not None
    if member.requested_at is None:
        return
    approved = member.status is MemberStatus.ACTIVE
    recipient = await turn.services.members.recipient(member.id)
    if recipient is not None:
        t = turn.services.i18n.translator(recipient.locale)
        await turn.services.notices.queue(
            f"join:{member.id}",
            [
                OutgoingMessage.to(
                    recipient,
                    f"join:{member.id}:{request_stamp(member)}:decided",
                    outcome_notice(turn, t, member),
                )
            ],
        )
    if approved:
        for hook in turn.router.approval_hooks:
            await hook(turn, member)


def outcome_notice(turn: Turn, t: Translator, member: Member) -> Reply:
    """What the newcomer is told: welcome with their menu, or not approved."""
    if member.status is MemberStatus.ACTIVE:
        return Reply(
            t.gettext(
                "Welcome, {name}! Your registration is approved. Use the menu below or type a question."
            ).format(name=esc(member.full_name)),
            suggestions=turn.router.main_menu(member, t),
        )
    return Reply(
        t.gettext(
            "Sorry, {name}, your registration was not approved. If this is a mistake, send /start "
            "to try again or contact your ward lead."
        ).format(name=esc(member.full_name))
    )


async def list_pending(turn: Turn) -> None:
    """/pending: requests this approver may decide on, each with its buttons."""
    t = turn.t
    requests = await turn.services.members.open_requests(turn.member)
    if requests is None:
        turn.reply(t.gettext("Only ward leads and organisers can approve members."))
        return
    if not requests:
        turn.reply(t.gettext("No join requests are waiting."))
        return
    for request in requests:
        assert request.member is not None
        if request.chapter is not None:
            turn.reply(request_text(t, request), choices=decision_choices(t, request.member.id))


# --- invitations --------------------------------------------------------------------------------------------


async def start_invite(turn: Turn) -> None:
    """/invite: choose a chapter (ward leads see their own ward's chapters)."""
    t, member = turn.t, turn.member
    if member is None or not can(member, Action.CREATE_INVITE):
        turn.reply(t.gettext("Only ward leads and organisers can create invitations."))
        return
    if reach_of(member, Action.CREATE_INVITE) is Reach.OWN_WARD:
        turn.reply(
            t.gettext("Which chapter is the invitation for?"),
            choices=await chapter_choices(turn, member.ward_id),
        )
        return
    wards = await turn.services.members.wards()
    turn.reply(t.gettext("Which ward?"), choices=grid([Choice(w.name, InviteWard(w.id)) for w in wards], 3))


async def chapter_choices(turn: Turn, ward_id: int | None) -> Choices:
    chapters = await turn.services.members.chapters(ward_id) if ward_id else []
    return grid([Choice(c.name, InviteChapter(c.id)) for c in chapters], 1)


async def invite_ward_chosen(turn: Turn, choice: InviteWard) -> None:
    if not can(turn.member, Action.CREATE_INVITE, ward_id=choice.ward_id):
        turn.stale()
        return
    turn.edit(
        turn.t.gettext("Which chapter is the invitation for?"),
        choices=await chapter_choices(turn, choice.ward_id),
    )


async def invite_chapter_chosen(turn: Turn, choice: InviteChapter) -> None:
    """The invitation: a link and its QR code where the channel has deep links, else the code to type."""
    t = turn.t
    result = await turn.services.members.create_invite(turn.member, choice.chapter_id)
    if result.outcome is not Outcome.OK or result.token is None or result.chapter is None:
        turn.toast(t.gettext("You cannot create an invitation for that chapter."), alert=True)
        return
    chapter, ward = esc(result.chapter.name), esc(result.ward.name if result.ward else "")
    link = turn.channel.deep_link(f"{INVITE_PAYLOAD}_{result.token}")
    if link is None:
        turn.edit(
            t.gettext(
                "Invitation for <b>{chapter}</b> ({ward}), valid for 30 days. Ask the person to send me this "
                "message: <code>/start {code}</code>\nThey will then only need to type their name."
            ).format(chapter=chapter, ward=ward, code=esc(f"{INVITE_PAYLOAD}_{result.token}"))
        )
        return
    turn.edit(
        t.gettext(
            "Invitation for <b>{chapter}</b> ({ward}), valid for 30 days:\n{link}\n\nSend this link or show "
            "the QR code: people who open it only need to type their name."
        ).format(chapter=chapter, ward=ward, link=esc(link))
    )
    turn.reply(
        chapter,
        attachment=Attachment("invite.png", "image/png", image=True, render=functools.partial(qr_png, link)),
    )


# --- roles --------------------------------------------------------------------------------------------------


async def start_role_change(turn: Turn) -> None:
    """/role <name>: admins pick a member, then a role."""
    t = turn.t
    if not can(turn.member, Action.CHANGE_ROLE):
        turn.reply(t.gettext("Only district admins can change roles."))
        return
    query = " ".join(turn.args).strip()
    if len(query) < 2 or len(query) > 80:
        turn.reply(t.gettext("Type /role followed by part of the member's name, for example: /role Lan"))
        return
    found = await turn.services.members.find_for_role_change(turn.member, query, limit=MAX_SEARCH_RESULTS)
    if not found:
        turn.reply(t.gettext("No active member matches {query}.").format(query=esc(query)))
        return
    choices = grid([Choice(f"{m.full_name} · {role_label(t, m.role)}", RoleMember(m.id)) for m in found], 1)
    turn.reply(t.gettext("Whose role do you want to change?"), choices=choices)


async def role_target(turn: Turn, member_id: int) -> Member | None:
    """The member whose role an admin is changing; None (after the polite answer) for anyone else."""
    target = await turn.services.members.get(member_id) if can(turn.member, Action.CHANGE_ROLE) else None
    if target is None:
        turn.stale()
    return target


async def role_member_chosen(turn: Turn, choice: RoleMember) -> None:
    t = turn.t
    target = await role_target(turn, choice.member_id)
    if target is None:
        return
    choices = grid([Choice(role_label(t, r), RoleSet(target.id, r)) for r in Role], 2)
    turn.edit(t.gettext("New role for {name}:").format(name=esc(target.full_name)), choices=choices)


async def role_chosen(turn: Turn, choice: RoleSet) -> None:
    t = turn.t
    target = await role_target(turn, choice.member_id)
    if target is None:
        return
    decision = await turn.services.members.change_role(turn.member, choice.member_id, choice.role)
    messages = {
        Outcome.OK: t.gettext("{name} is now: {role}."),
        Outcome.ALREADY_DONE: t.gettext("{name} already has the role {role}."),
        Outcome.INVALID: t.gettext("{name} has no ward yet, so cannot lead one."),
    }
    text = messages.get(decision.outcome, t.gettext("You cannot change roles."))
    turn.edit(text.format(name=esc(target.full_name), role=role_label(t, choice.role)))


def register(router: Router) -> None:
    router.on_startup(renotify_pending)
    router.choice(JoinDecision, decided)
    router.command(
        "pending",
        list_pending,
        CommandSpec("pending", N_("Join requests waiting for you"), Action.APPROVE_MEMBER),
    )
    router.command(
        "invite",
        start_invite,
        CommandSpec("invite", N_("Invitation link and QR code for a chapter"), Action.CREATE_INVITE),
    )
    router.choice(InviteWard, invite_ward_chosen)
    router.choice(InviteChapter, invite_chapter_chosen)
    router.command(
        "role",
        start_role_change,
        CommandSpec("role", N_("Change a member's role (admins)"), Action.CHANGE_ROLE),
    )
    router.choice(RoleMember, role_member_chosen)
    router.choice(RoleSet, role_chosen)
