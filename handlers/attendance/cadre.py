"""What cadres do: see upcoming sessions, register or decline, check in by QR code or short code."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot.context import BotContext
from bot.core.attendance import CheckInMethod, CheckInResult, Outcome, RegistrationStatus
from bot.core.models import Member
from bot.core.permissions import Action, can
from bot.i18n import Translator
from handlers import callbacks
from handlers.attendance.common import answer_buttons, card, notify, notify_promoted, outcome_text
from handlers.registry import N_
from handlers.render import answer_stale, buttons, esc

MAX_LISTED = 10
MEMBERS_ONLY = N_("Training sessions are for registered members. Send /start to register with your chapter.")


async def list_trainings(update: Update, ctx: BotContext) -> None:
    """/trainings: upcoming sessions with Register / Not attending buttons (organisers: every session)."""
    t, member = ctx.t, ctx.member
    if not can(member, Action.ATTEND_TRAINING):
        await update.effective_message.reply_text(t.gettext(MEMBERS_ONLY))
        return
    manage = can(member, Action.MANAGE_TRAINING)
    views = await ctx.services.attendance.upcoming_for(member, include_all=True)
    if not views:
        text = t.gettext("No training sessions are planned at the moment.")
        if manage:
            text += "\n" + t.gettext("Create one with /training_new.")
        await update.effective_message.reply_text(text)
        return
    await update.effective_message.reply_text(
        t.ngettext(
            "{count} upcoming training session:", "{count} upcoming training sessions:", len(views)
        ).format(count=t.number(len(views)))
    )
    for view in views[:MAX_LISTED]:
        await update.effective_message.reply_text(
            card(t, view.training, view),
            reply_markup=buttons(answer_buttons(t, view.training, manage=manage)),
        )


async def answer_pressed(update: Update, ctx: BotContext) -> None:
    """Register / Not attending, on an invitation or on /trainings."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, "tr", 2)
    training_id = callbacks.parse_int(parts[1]) if parts and parts[0] in ("r", "d") else None
    if training_id is None:
        await answer_stale(update, t)
        return
    service = ctx.services.attendance
    if parts[0] == "r":
        result = await service.register(ctx.member, training_id)
    else:
        result = await service.decline(ctx.member, training_id)
    if result.outcome is Outcome.NOT_FOUND or result.training is None:
        await answer_stale(update, t)
        return
    if result.outcome is Outcome.DENIED:
        await query.answer(t.gettext(MEMBERS_ONLY), show_alert=True)
        return
    if result.outcome not in (Outcome.OK, Outcome.ALREADY_DONE):
        await query.answer(outcome_text(t, result.outcome), show_alert=True)
        return
    texts = {
        RegistrationStatus.REGISTERED: t.gettext("✅ You are registered. See you there!"),
        RegistrationStatus.WAITLISTED: t.gettext(
            "The session is full, so you are on the waiting list. I will tell "
            "you as soon as a seat becomes free."
        ),
        RegistrationStatus.DECLINED: t.gettext("Noted: you will not attend. Thank you for letting us know."),
        RegistrationStatus.WITHDRAWN: t.gettext("Noted: you will not attend. Thank you for letting us know."),
    }
    assert result.status is not None
    await query.answer(texts[result.status], show_alert=result.status is RegistrationStatus.WAITLISTED)
    if result.outcome is Outcome.ALREADY_DONE:
        return
    assert ctx.member is not None
    view = await service.view(ctx.member, result.training)
    await query.edit_message_text(
        card(t, result.training, view),
        reply_markup=buttons(
            answer_buttons(t, result.training, manage=can(ctx.member, Action.MANAGE_TRAINING))
        ),
    )
    if result.promoted:
        await notify_promoted(ctx.application, result.training, result.promoted)


def check_in_text(t: Translator, result: CheckInResult, member: Member | None) -> str:
    """What a cadre reads after scanning or typing a code."""
    training = result.training
    if result.outcome is Outcome.OK and training and result.at:
        text = t.gettext("✅ Checked in to <b>{title}</b> at {time}, {date}. Welcome, {name}!").format(
            title=esc(training.title),
            time=t.time(result.at),
            date=t.date(result.at),
            name=esc(member.full_name if member else ""),
        )
        if result.late:
            text += "\n" + t.gettext("The session started at {start}; please come in quietly.").format(
                start=t.time(training.starts_at)
            )
        return text
    if result.outcome is Outcome.ALREADY_DONE and training and result.at:
        return t.gettext("You already checked in to <b>{title}</b> at {time}. No need to scan again.").format(
            title=esc(training.title), time=t.time(result.at)
        )
    if result.outcome is Outcome.TOO_EARLY and training:
        return t.gettext(
            "Check-in for <b>{title}</b> opens at {opens} ({date}). Please scan the code again then."
        ).format(title=esc(training.title), opens=t.time(training.opens_at), date=t.date(training.opens_at))
    if result.outcome is Outcome.CLOSED and training:
        return t.gettext(
            "<b>{title}</b> ended at {end}, so check-in is closed. If you attended, please tell an organiser."
        ).format(title=esc(training.title), end=t.time(training.ends_at))
    if result.outcome is Outcome.EXPIRED_CODE and training:
        return t.gettext(
            "This code for <b>{title}</b> has been replaced by a new one. Please scan the code shown "
            "at the venue now, or ask an organiser."
        ).format(title=esc(training.title))
    if result.outcome is Outcome.CANCELLED and training:
        return t.gettext("<b>{title}</b> has been cancelled, so there is nothing to check in to.").format(
            title=esc(training.title)
        )
    return t.gettext(
        "I do not recognise that code. Please check the code printed under the QR code (6 letters "
        "and digits) and try again, or ask an organiser."
    )


async def check_in_command(update: Update, ctx: BotContext) -> None:
    """/checkin CODE: for those who cannot scan."""
    t = ctx.t
    raw = " ".join(ctx.args or [])
    if not raw.strip():
        await update.effective_message.reply_text(
            t.gettext(
                "Type /checkin followed by the code printed under the QR code, for example: /checkin K7M4QP"
            )
        )
        return
    result = await ctx.services.attendance.scan(ctx.member, raw, method=CheckInMethod.CODE)
    if result.outcome is Outcome.NEEDS_REGISTRATION:
        await update.effective_message.reply_text(
            needs_registration_text(t, result) + "\n" + t.gettext("Send /start to register.")
        )
        return
    await update.effective_message.reply_text(check_in_text(t, result, ctx.member))


def needs_registration_text(t: Translator, result: CheckInResult) -> str:
    assert result.training is not None and result.at is not None
    return t.gettext(
        "I noted that you arrived at <b>{title}</b> at {time}. You are not registered with the "
        "association yet. Your check-in will be completed, with this time, "
        "as soon as your registration is approved."
    ).format(title=esc(result.training.title), time=t.time(result.at))


async def scanned(update: Update, ctx: BotContext, rest: str) -> bool:
    """/start ci_<code>: the QR code was scanned. False lets registration continue for strangers."""
    t = ctx.t
    result = await ctx.services.attendance.scan(ctx.member, rest, method=CheckInMethod.QR)
    if result.outcome is Outcome.NEEDS_REGISTRATION:
        await update.effective_message.reply_text(needs_registration_text(t, result))
    else:
        await update.effective_message.reply_text(check_in_text(t, result, ctx.member))
    return can(ctx.member, Action.ATTEND_TRAINING)


async def after_approval(app: Application, member: Member) -> None:
    """A stranger who scanned is approved: finish their check-in with the scan time and tell them."""
    services = app.bot_data["services"]
    for result in await services.attendance.complete_pending(member):
        if result.training is None:
            continue
        await notify(
            app,
            [member.id],
            batch=f"training:{result.training.id}:checkin",
            key=f"training:{result.training.id}:approved-checkin:{member.id}",
            render=lambda t, r=result: check_in_text(t, r, member),
        )
