"""Deciding on join requests, invitation links and roles (ward leads, organisers, admins)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.core.members import Decision, JoinRequest, Outcome
from bot.core.models import Member, MemberStatus, Role
from bot.core.permissions import Action, Reach, can, reach_of
from bot.core.text import fold
from bot.qr import deep_link, qr_png
from handlers import callbacks
from handlers.registry import N_, CommandSpec, add_startup_hook
from handlers.render import answer_stale, buttons, esc, grid, role_label
from storage.outbox import OutgoingMessage

if TYPE_CHECKING:
    from bot.services import Services

COMMANDS = (
    CommandSpec("pending", N_("Join requests waiting for you"), Action.APPROVE_MEMBER),
    CommandSpec("invite", N_("Invitation link and QR code for a chapter"), Action.CREATE_INVITE),
    CommandSpec("role", N_("Change a member's role (admins)"), Action.CHANGE_ROLE),
)
MAX_SEARCH_RESULTS = 8


def request_text(services: Services, locale: str, request: JoinRequest) -> str:
    t = services.i18n.translator(locale)
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


def decision_buttons(services: Services, locale: str, member_id: int) -> dict:
    t = services.i18n.translator(locale)
    return buttons(
        [
            [
                (t.gettext("✅ Approve"), callbacks.encode("join", "a", member_id)),
                (t.gettext("❌ Reject"), callbacks.encode("join", "r", member_id)),
            ]
        ]
    ).to_dict()


def request_stamp(member: Member) -> int:
    """Identifies one join request of a member (a new request after a rejection gets a new stamp)."""
    return int(member.requested_at.timestamp()) if member.requested_at else 0


async def notify_approvers(app: Application, request: JoinRequest) -> None:
    """Queue the request, with Approve / Reject buttons, to every approver (once each, whatever reruns it)."""
    services: Services = app.bot_data["services"]
    member = request.member
    assert member is not None
    stamp = request_stamp(member)
    messages = [
        OutgoingMessage(
            dedupe_key=f"join:{member.id}:{stamp}:to:{a.member_id}",
            member_id=a.member_id,
            chat_id=a.chat_id,
            text=request_text(services, a.locale, request),
            markup=decision_buttons(services, a.locale, member.id),
        )
        for a in request.approvers
    ]
    if messages:
        await services.outbox.enqueue(f"join:{member.id}", messages, now=services.clock.now())
        app.bot_data["delivery"].wake()


async def renotify_pending(app: Application) -> None:
    """At start: requests saved just before a crash still reach their approvers (dedupe keys prevent
    doubles)."""
    services: Services = app.bot_data["services"]
    for person in await services.member_store.list_members(statuses=[MemberStatus.PENDING]):
        profile = await services.members.profile(person)
        if profile.chapter is None or person.ward_id is None:
            continue
        approvers = tuple(await services.members.approvers_for(person.ward_id))
        await notify_approvers(app, JoinRequest(Outcome.OK, person, profile.chapter, profile.ward, approvers))


async def decide(update: Update, ctx: BotContext) -> None:
    """Approve / Reject pressed: checked against the presser's reach, applied once."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, "join", 2)
    member_id = callbacks.parse_int(parts[1]) if parts and parts[0] in ("a", "r") else None
    if member_id is None:
        await answer_stale(update, t)
        return
    decision = await ctx.services.members.decide(ctx.member, member_id, approve=parts[0] == "a")
    if decision.outcome is Outcome.NOT_FOUND:
        await answer_stale(update, t)
        return
    if decision.outcome is Outcome.DENIED:
        await query.answer(
            t.gettext("Only the leads of that ward and the organisers can decide on this request."),
            show_alert=True,
        )
        return
    await query.answer()
    await query.edit_message_text(
        query.message.text_html + "\n\n" + outcome_line(ctx, decision), reply_markup=None
    )
    if decision.member is not None and decision.member.status in (MemberStatus.ACTIVE, MemberStatus.REJECTED):
        await tell_requester(ctx, decision)


def outcome_line(ctx: BotContext, decision: Decision) -> str:
    t, member = ctx.t, decision.member
    by = esc(decision.decided_by.full_name) if decision.decided_by else "?"
    if member is not None and member.status is MemberStatus.ACTIVE:
        return t.gettext("✅ Approved by {name}.").format(name=by)
    return t.gettext("❌ Not approved (decided by {name}).").format(name=by)


async def tell_requester(ctx: BotContext, decision: Decision) -> None:
    """The person hears the outcome once (also when an approver presses again after a crash);
    approval hooks (e.g. a pending check-in) run and must be idempotent."""
    member = decision.member
    assert member is not None
    if member.requested_at is None:
        return
    recipient = await ctx.services.members.recipient(member.id)
    if recipient is None:
        return
    t = ctx.services.i18n.translator(recipient.locale)
    approved = member.status is MemberStatus.ACTIVE
    if approved:
        from handlers.menu import main_menu

        text = t.gettext(
            "Welcome, {name}! Your registration is approved. Use the menu below or type a question."
        )
        markup = main_menu(ctx.bot_data["menu_entries"], member, t).to_dict()
    else:
        text = t.gettext(
            "Sorry, {name}, your registration was not approved. If this is a mistake, send /start "
            "to try again or contact your ward lead."
        )
        markup = None
    await ctx.services.outbox.enqueue(
        f"join:{member.id}",
        [
            OutgoingMessage(
                dedupe_key=f"join:{member.id}:{request_stamp(member)}:decided",
                member_id=member.id,
                chat_id=recipient.chat_id,
                text=text.format(name=esc(member.full_name)),
                markup=markup,
            )
        ],
        now=ctx.services.clock.now(),
    )
    ctx.bot_data["delivery"].wake()
    if approved:
        for hook in ctx.bot_data.get("approval_hooks", []):
            await hook(ctx.application, member)


async def list_pending(update: Update, ctx: BotContext) -> None:
    """/pending: requests this approver may decide on, each with its buttons."""
    t, member = ctx.t, ctx.member
    if not can(member, Action.APPROVE_MEMBER):
        await update.effective_message.reply_text(
            t.gettext("Only ward leads and organisers can approve members.")
        )
        return
    assert member is not None
    ward_id = member.ward_id if reach_of(member, Action.APPROVE_MEMBER) is Reach.OWN_WARD else None
    pending = await ctx.services.member_store.list_members(ward_id=ward_id, statuses=[MemberStatus.PENDING])
    if not pending:
        await update.effective_message.reply_text(t.gettext("No join requests are waiting."))
        return
    for person in pending[:20]:
        profile = await ctx.services.members.profile(person)
        request = JoinRequest(Outcome.OK, person, profile.chapter, profile.ward)
        await update.effective_message.reply_text(
            request_text(ctx.services, t.locale, request),
            reply_markup=decision_buttons(ctx.services, t.locale, person.id),
        )


async def start_invite(update: Update, ctx: BotContext) -> None:
    """/invite: choose a chapter (ward leads see their own ward's chapters)."""
    t, member = ctx.t, ctx.member
    if not can(member, Action.CREATE_INVITE):
        await update.effective_message.reply_text(
            t.gettext("Only ward leads and organisers can create invitations.")
        )
        return
    assert member is not None
    if reach_of(member, Action.CREATE_INVITE) is Reach.OWN_WARD:
        await update.effective_message.reply_text(
            t.gettext("Which chapter is the invitation for?"),
            reply_markup=await chapter_buttons(ctx, member.ward_id),
        )
        return
    wards = await ctx.services.org.wards()
    await update.effective_message.reply_text(
        t.gettext("Which ward?"),
        reply_markup=buttons(grid([(w.name, callbacks.encode("inv", "w", w.id)) for w in wards], 3)),
    )


async def chapter_buttons(ctx: BotContext, ward_id: int | None):
    chapters = await ctx.services.org.chapters(ward_id) if ward_id else []
    return buttons(grid([(c.name, callbacks.encode("inv", "c", c.id)) for c in chapters], 1))


async def invite_pressed(update: Update, ctx: BotContext) -> None:
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, "inv", 2)
    target = callbacks.parse_int(parts[1]) if parts and parts[0] in ("w", "c") else None
    if target is None:
        await answer_stale(update, t)
        return
    if parts[0] == "w":
        if not can(ctx.member, Action.CREATE_INVITE, ward_id=target):
            await answer_stale(update, t)
            return
        await query.answer()
        await query.edit_message_text(
            t.gettext("Which chapter is the invitation for?"), reply_markup=await chapter_buttons(ctx, target)
        )
        return
    result = await ctx.services.members.create_invite(ctx.member, target)
    if result.outcome is not Outcome.OK or result.token is None or result.chapter is None:
        await query.answer(t.gettext("You cannot create an invitation for that chapter."), show_alert=True)
        return
    await query.answer()
    link = deep_link(ctx.bot.username, f"inv_{result.token}")
    await query.edit_message_text(
        t.gettext(
            "Invitation for <b>{chapter}</b> ({ward}), valid for 30 days:\n{link}\n\nSend this link or show "
            "the QR code: people who open it only need to type their name."
        ).format(
            chapter=esc(result.chapter.name),
            ward=esc(result.ward.name if result.ward else ""),
            link=esc(link),
        )
    )
    await update.effective_message.reply_photo(
        InputFile(qr_png(link), filename="invite.png"), caption=esc(result.chapter.name)
    )


async def start_role_change(update: Update, ctx: BotContext) -> None:
    """/role <name>: admins pick a member, then a role."""
    t = ctx.t
    if not can(ctx.member, Action.CHANGE_ROLE):
        await update.effective_message.reply_text(t.gettext("Only district admins can change roles."))
        return
    query_text = " ".join(ctx.args or []).strip()
    if len(query_text) < 2 or len(query_text) > 80:
        await update.effective_message.reply_text(
            t.gettext("Type /role followed by part of the member's name, for example: /role Lan")
        )
        return
    found = await ctx.services.member_store.search(fold(query_text), limit=MAX_SEARCH_RESULTS)
    if not found:
        await update.effective_message.reply_text(
            t.gettext("No active member matches {query}.").format(query=esc(query_text))
        )
        return
    rows = [
        [(f"{m.full_name} · {role_label(t, m.role)}", callbacks.encode("role", "m", m.id, "-"))]
        for m in found
    ]
    await update.effective_message.reply_text(
        t.gettext("Whose role do you want to change?"), reply_markup=buttons(rows)
    )


async def role_pressed(update: Update, ctx: BotContext) -> None:
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, "role", 3)
    member_id = callbacks.parse_int(parts[1]) if parts else None
    if member_id is None or parts[0] not in ("m", "s") or not can(ctx.member, Action.CHANGE_ROLE):
        await answer_stale(update, t)
        return
    target = await ctx.services.members.get(member_id)
    if target is None:
        await answer_stale(update, t)
        return
    if parts[0] == "m":
        await query.answer()
        rows = grid([(role_label(t, r), callbacks.encode("role", "s", member_id, r.value)) for r in Role], 2)
        await query.edit_message_text(
            t.gettext("New role for {name}:").format(name=esc(target.full_name)), reply_markup=buttons(rows)
        )
        return
    try:
        role = Role(parts[2])
    except ValueError:
        await answer_stale(update, t)
        return
    decision = await ctx.services.members.change_role(ctx.member, member_id, role)
    await query.answer()
    messages = {
        Outcome.OK: t.gettext("{name} is now: {role}."),
        Outcome.ALREADY_DONE: t.gettext("{name} already has the role {role}."),
        Outcome.INVALID: t.gettext("{name} has no ward yet, so cannot lead one."),
    }
    text = messages.get(decision.outcome, t.gettext("You cannot change roles."))
    await query.edit_message_text(text.format(name=esc(target.full_name), role=role_label(t, role)))


def register(app: Application) -> None:
    add_startup_hook(app, renotify_pending)
    app.add_handler(CallbackQueryHandler(decide, pattern=callbacks.pattern("join")))
    app.add_handler(CommandHandler("pending", list_pending))
    app.add_handler(CommandHandler("invite", start_invite))
    app.add_handler(CallbackQueryHandler(invite_pressed, pattern=callbacks.pattern("inv")))
    app.add_handler(CommandHandler("role", start_role_change))
    app.add_handler(CallbackQueryHandler(role_pressed, pattern=callbacks.pattern("role")))
