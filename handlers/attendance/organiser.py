"""What organisers do with a session: manage, edit, reschedule, cancel, QR code, live view, export."""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import InputFile, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.core.attendance import CheckInResult, Outcome, Training, WindowState, summarise, window_state
from bot.core.attendance.rules import MAX_CAPACITY, MAX_DESCRIPTION, MAX_TITLE, MAX_VENUE
from bot.core.attendance.service import MAX_LATE_THRESHOLD_MINUTES
from bot.core.models import Member
from bot.core.parsing import ParseError, limit_text, parse_count
from bot.core.permissions import Action, can
from bot.core.text import fold
from bot.i18n import Translator
from bot.qr import deep_link
from handlers import callbacks
from handlers.attendance.common import (
    INVITE_MORE,
    card,
    notify,
    notify_demoted,
    notify_promoted,
    outcome_text,
    when_text,
)
from handlers.attendance.export import attendance_workbook
from handlers.attendance.qr_card import checkin_poster
from handlers.registry import N_
from handlers.render import answer_stale, buttons, esc, grid, split_message
from handlers.when_step import typed_start

P = "tm"
AWAIT_VALUE, CONFIRM_WHEN = range(2)
EDIT = "training_edit"
MAX_SEARCH_RESULTS = 8
FIELD_PROMPTS = {
    "title": N_("Type the new title:"),
    "venue": N_("Type the new venue:"),
    "description": N_("Type the new description (or a single dash - to remove it):"),
    "capacity": N_("Type the new number of seats (or 0 for no limit):"),
    "late": N_(
        "After how many minutes past the start does a check-in count as late? Type a number of minutes:"
    ),
    "when": N_("Type the new date and start time (for example 16/12 8h):"),
}


def manage_markup(t: Translator, training: Training):
    """The organiser's buttons; a seminar's check-in session is changed through the seminar, so only
    check-in."""
    tid = training.id
    check_in = [
        [
            (t.gettext("👥 Live view"), callbacks.encode(P, "l", tid, "-")),
            (t.gettext("📷 QR code"), callbacks.encode(P, "q", tid, "-")),
        ],
        [
            (t.gettext("✍️ Check someone in"), callbacks.encode(P, "s", tid, "ci")),
            (t.gettext("🙋 Mark excused"), callbacks.encode(P, "s", tid, "ex")),
        ],
        [(t.gettext("📊 Excel list"), callbacks.encode(P, "x", tid, "-"))],
    ]
    if training.for_seminar:
        return buttons(check_in)
    return buttons(
        [
            *check_in,
            [
                (t.gettext("✏️ Title"), callbacks.encode(P, "e", tid, "title")),
                (t.gettext("✏️ Venue"), callbacks.encode(P, "e", tid, "venue")),
                (t.gettext("✏️ Description"), callbacks.encode(P, "e", tid, "description")),
            ],
            [
                (t.gettext("✏️ Seats"), callbacks.encode(P, "e", tid, "capacity")),
                (t.gettext("⏰ Late after"), callbacks.encode(P, "e", tid, "late")),
                (t.gettext("🕒 Reschedule"), callbacks.encode(P, "e", tid, "when")),
            ],
            [
                (t.gettext("➕ Invite more"), callbacks.encode(INVITE_MORE, "s", tid, "-")),
                (t.gettext("❌ Cancel the session"), callbacks.encode(P, "c", tid, "-")),
            ],
        ]
    )


def parse_press(update: Update) -> tuple[str, int, str] | None:
    parts = callbacks.decode(update.callback_query.data, P, 3)
    training_id = callbacks.parse_int(parts[1]) if parts else None
    return (parts[0], training_id, parts[2]) if parts and training_id else None


async def pressed(update: Update, ctx: BotContext) -> None:
    """Every organiser button outside a conversation; the presser is authorised in the service."""
    query, t = update.callback_query, ctx.t
    press = parse_press(update)
    if press is None:
        await answer_stale(update, t)
        return
    action, training_id, arg = press
    if not can(ctx.member, Action.MANAGE_TRAINING):
        await query.answer(outcome_text(t, Outcome.DENIED), show_alert=True)
        return
    training = await ctx.services.attendance.get(training_id)
    if training is None:
        await answer_stale(update, t)
        return
    handler = {
        "m": show_manage,
        "l": show_live,
        "q": send_qr,
        "x": send_export,
        "c": cancel_pressed,
        "ci": check_in_pressed,
        "ex": excuse_pressed,
        "u": undo_pressed,
    }.get(action)
    if handler is None:
        await answer_stale(update, t)
        return
    await handler(update, ctx, training, arg)


async def show_manage(update: Update, ctx: BotContext, training: Training, _arg: str) -> None:
    await update.callback_query.answer()
    await update.effective_message.reply_text(
        card(ctx.t, training), reply_markup=manage_markup(ctx.t, training)
    )


def live_text(t: Translator, training: Training, rows: list) -> str:
    summary = summarise(rows)
    lines = [
        t.gettext("<b>{title}</b> · {when}").format(title=esc(training.title), when=when_text(t, training)),
        t.gettext(
            "Registered: {registered} · Checked in: {checked_in} (late: {late}) · Not yet: {missing} · "
            "Excused: {excused}"
        ).format(
            registered=t.number(summary.registered),
            checked_in=t.number(summary.checked_in),
            late=t.number(summary.late),
            missing=t.number(summary.not_arrived),
            excused=t.number(summary.excused),
        ),
    ]
    if summary.walk_ins:
        lines.append(t.gettext("Came without registering: {count}").format(count=t.number(summary.walk_ins)))
    if summary.waitlisted:
        lines.append(t.gettext("On the waiting list: {count}").format(count=t.number(summary.waitlisted)))
    for group in summary.groups:
        lines.append("")
        ward = group.ward or t.gettext("No ward")
        lines.append(f"<b>{esc(ward)}</b>")
        for row in group.on_time:
            lines.append(
                t.gettext("✅ {name} · {time}").format(
                    name=esc(row.full_name), time=t.time(row.checked_in_at)
                )
            )
        for row in group.late:
            lines.append(
                t.gettext("⏰ {name} · {time} (late)").format(
                    name=esc(row.full_name), time=t.time(row.checked_in_at)
                )
            )
        for row in group.not_arrived:
            lines.append(t.gettext("⏳ {name}").format(name=esc(row.full_name)))
        for row in group.excused:
            lines.append(t.gettext("🙋 {name} (excused)").format(name=esc(row.full_name)))
    if not summary.groups:
        lines.append(t.gettext("Nobody has registered yet."))
    return "\n".join(lines)


async def show_live(update: Update, ctx: BotContext, training: Training, _arg: str = "-") -> None:
    """Registered, checked in, late, not yet arrived, excused, grouped by ward."""
    t = ctx.t
    if update.callback_query is not None:
        await update.callback_query.answer()
    roster = await ctx.services.attendance.roster(ctx.member, training.id)
    if roster is None:
        return
    parts = split_message(live_text(t, training, roster[1]))
    markup = buttons(
        [
            [
                (t.gettext("🔄 Refresh"), callbacks.encode(P, "l", training.id, "-")),
                (t.gettext("📊 Excel list"), callbacks.encode(P, "x", training.id, "-")),
            ],
            [
                (t.gettext("✍️ Check someone in"), callbacks.encode(P, "s", training.id, "ci")),
                (t.gettext("🙋 Mark excused"), callbacks.encode(P, "s", training.id, "ex")),
            ],
        ]
    )
    for index, part in enumerate(parts):
        await update.effective_message.reply_text(
            part, reply_markup=markup if index == len(parts) - 1 else None
        )


async def send_qr(update: Update, ctx: BotContext, training: Training, arg: str) -> None:
    """The QR poster for the session; 'r' makes a new code and retires the old one."""
    t = ctx.t
    result = await ctx.services.attendance.checkin_code(ctx.member, training.id, rotate=arg == "r")
    if update.callback_query is not None:
        if result.outcome is not Outcome.OK:
            await update.callback_query.answer(qr_refusal(t, result.outcome), show_alert=True)
            return
        await update.callback_query.answer(
            t.gettext("New code made: the old one no longer works.") if arg == "r" else None
        )
    elif result.outcome is not Outcome.OK:
        await update.effective_message.reply_text(qr_refusal(t, result.outcome))
        return
    assert result.code is not None
    link = deep_link(ctx.bot.username, f"ci_{result.code}")
    caption = t.gettext(
        "<b>{title}</b>\nScan to check in. Without a camera, send: /checkin {code}\nValid from {opens} "
        "to {end}, {date}."
    ).format(
        title=esc(training.title),
        code=result.code,
        opens=t.time(training.opens_at),
        end=t.time(training.ends_at),
        date=t.date(training.starts_at),
    )
    if window_state(training, ctx.services.clock.now()) is WindowState.TOO_EARLY:
        caption += "\n" + t.gettext("Check-in has not opened yet: scans before {opens} are refused.").format(
            opens=t.time(training.opens_at)
        )
    await update.effective_message.reply_photo(
        InputFile(checkin_poster(link, result.code), filename=f"checkin-{training.id}.png"),
        caption=caption,
        reply_markup=buttons(
            [[(t.gettext("🔄 New code (old one stops working)"), callbacks.encode(P, "q", training.id, "r"))]]
        ),
    )


def qr_refusal(t: Translator, outcome: Outcome) -> str:
    if outcome is Outcome.CLOSED:
        return t.gettext("That session has ended, so there is no check-in code any more.")
    return outcome_text(t, outcome)


async def send_export(update: Update, ctx: BotContext, training: Training, _arg: str = "-") -> None:
    t = ctx.t
    if update.callback_query is not None:
        await update.callback_query.answer()
    roster = await ctx.services.attendance.roster(ctx.member, training.id)
    if roster is None:
        return
    data = attendance_workbook(t, training, roster[1])
    day = training.starts_at.astimezone(t.tz).strftime("%Y-%m-%d")
    await update.effective_message.reply_document(
        InputFile(data, filename=f"diem-danh-{training.id}-{day}.xlsx"),
        caption=t.gettext("Attendance list: <b>{title}</b>").format(title=esc(training.title)),
    )


async def cancel_pressed(update: Update, ctx: BotContext, training: Training, arg: str) -> None:
    """Ask once, then cancel and tell everyone registered or waiting."""
    query, t = update.callback_query, ctx.t
    if arg != "y":
        await query.answer()
        await update.effective_message.reply_text(
            t.gettext("Cancel <b>{title}</b> ({when})? Everyone registered will be told.").format(
                title=esc(training.title), when=when_text(t, training)
            ),
            reply_markup=buttons(
                [[(t.gettext("Yes, cancel it"), callbacks.encode(P, "c", training.id, "y"))]]
            ),
        )
        return
    result = await ctx.services.attendance.cancel(ctx.member, training.id)
    await query.answer()
    if result.outcome is not Outcome.OK or result.training is None:
        await query.edit_message_text(t.gettext("That session was already cancelled."))
        return
    await notify(
        ctx.application,
        result.notify,
        batch=f"training:{training.id}:change",
        key=f"training:{training.id}:v{result.training.version}",
        render=lambda tt: tt.gettext(
            "❌ <b>Training session cancelled</b>\n{title}, {when}\nWe are sorry for the inconvenience."
        ).format(title=esc(training.title), when=when_text(tt, training)),
    )
    await query.edit_message_text(
        t.ngettext(
            "Cancelled. {count} registered member is being told.",
            "Cancelled. {count} registered members are being told.",
            len(result.notify),
        ).format(count=t.number(len(result.notify)))
    )


async def check_in_pressed(update: Update, ctx: BotContext, training: Training, arg: str) -> None:
    member_id = callbacks.parse_int(arg)
    result = await ctx.services.attendance.manual_check_in(ctx.member, training.id, member_id or 0)
    await person_result(update, ctx, training, member_id, result, undo=True)


async def excuse_pressed(update: Update, ctx: BotContext, training: Training, arg: str) -> None:
    member_id = callbacks.parse_int(arg)
    result = await ctx.services.attendance.excuse(ctx.member, training.id, member_id or 0)
    await person_result(update, ctx, training, member_id, result, undo=False)


async def undo_pressed(update: Update, ctx: BotContext, training: Training, arg: str) -> None:
    query, t = update.callback_query, ctx.t
    member_id = callbacks.parse_int(arg)
    person = await ctx.services.members.get(member_id) if member_id else None
    if person is None:
        await answer_stale(update, t)
        return
    result = await ctx.services.attendance.undo_check_in(ctx.member, training.id, person.id)
    await query.answer()
    text = (
        t.gettext("Undone: {name} is no longer checked in.")
        if result.outcome is Outcome.OK
        else t.gettext("{name} was not checked in, so there is nothing to undo.")
    )
    await query.edit_message_text(text.format(name=esc(person.full_name)))


async def person_result(
    update: Update,
    ctx: BotContext,
    training: Training,
    member_id: int | None,
    result: CheckInResult,
    *,
    undo: bool,
) -> None:
    query, t = update.callback_query, ctx.t
    person = await ctx.services.members.get(member_id) if member_id else None
    if person is None or result.outcome is Outcome.NOT_FOUND:
        await answer_stale(update, t)
        return
    await query.answer()
    name = esc(person.full_name)
    if result.outcome is Outcome.TOO_EARLY:
        text = t.gettext("Check-in opens at {opens}; please try again then.").format(
            opens=t.time(training.opens_at)
        )
    elif result.outcome is Outcome.ALREADY_DONE and result.at:
        text = t.gettext("{name} already checked in at {time}.").format(name=name, time=t.time(result.at))
    elif result.outcome is Outcome.ALREADY_DONE:
        text = t.gettext("{name} is already marked excused.").format(name=name)
    elif result.outcome is not Outcome.OK:
        text = outcome_text(t, result.outcome)
    elif undo and result.at:
        text = t.gettext("✅ {name} checked in at {time}.").format(name=name, time=t.time(result.at))
        if result.late:
            text += " " + t.gettext("(late)")
        await query.edit_message_text(
            text,
            reply_markup=buttons([[(t.gettext("↩️ Undo"), callbacks.encode(P, "u", training.id, person.id))]]),
        )
        return
    else:
        text = t.gettext("🙋 {name} is marked excused.").format(name=name)
    await query.edit_message_text(text)


# --- conversations: edit a field, reschedule, search a person -----------------------------------------------


async def edit_pressed(update: Update, ctx: BotContext) -> int:
    """✏️ / 🕒 / search buttons: ask for the value."""
    query, t = update.callback_query, ctx.t
    press = parse_press(update)
    if (
        press is None
        or press[0] not in ("e", "s")
        or (press[0] == "e" and press[2] not in FIELD_PROMPTS)
        or (press[0] == "s" and press[2] not in ("ci", "ex"))
    ):
        await answer_stale(update, t)
        return ConversationHandler.END
    if not can(ctx.member, Action.MANAGE_TRAINING):
        await query.answer(outcome_text(t, Outcome.DENIED), show_alert=True)
        return ConversationHandler.END
    training = await ctx.services.attendance.get(press[1])
    if training is None or training.cancelled:
        await query.answer(
            outcome_text(t, Outcome.CANCELLED if training else Outcome.NOT_FOUND), show_alert=True
        )
        return ConversationHandler.END
    await query.answer()
    ctx.user_data[EDIT] = {"id": training.id, "kind": press[0], "field": press[2]}
    if press[0] == "s":
        prompt = t.gettext("Type part of the person's name (accents are optional, for example: nguyen lan):")
    else:
        prompt = t.gettext(FIELD_PROMPTS[press[2]])
    if press[2] == "capacity":
        registered = (await ctx.services.attendance.view(ctx.member, training)).registered
        prompt += "\n" + t.ngettext(
            "{count} person is registered now. With fewer seats, those who registered last go back to the "
            "waiting list (anyone already checked in keeps their seat) and are told.",
            "{count} people are registered now. With fewer seats, those who registered last go back to the "
            "waiting list (anyone already checked in keeps their seat) and are told.",
            registered,
        ).format(count=t.number(registered))
    await update.effective_message.reply_text(prompt + "\n" + t.gettext("(/cancel to stop)"))
    return AWAIT_VALUE


async def value_received(update: Update, ctx: BotContext) -> int:
    t, edit = ctx.t, ctx.user_data.get(EDIT)
    if not edit:
        return ConversationHandler.END
    text = update.effective_message.text or ""
    if edit["kind"] == "s":
        return await search(update, ctx, edit, text)
    field = edit["field"]
    if field == "when":
        when = typed_start(ctx, text)
        if isinstance(when, str):
            await update.effective_message.reply_text(when)
            return AWAIT_VALUE
        edit["when"] = when.isoformat()
        await update.effective_message.reply_text(
            t.gettext("Move the session to <b>{when}</b>? Everyone registered will be told.").format(
                when=t.datetime(when)
            ),
            reply_markup=buttons(
                [
                    [
                        (t.gettext("✅ Yes, move it"), callbacks.encode(P, "ok", edit["id"], "-")),
                        (t.gettext("✏️ Type it again"), callbacks.encode(P, "re", edit["id"], "-")),
                    ]
                ]
            ),
        )
        return CONFIRM_WHEN
    value = parse_field(field, text)
    if value is None:
        await update.effective_message.reply_text(
            t.gettext("That value cannot be used. Please type it again, or send /cancel.")
        )
        return AWAIT_VALUE
    ctx.user_data.pop(EDIT, None)
    name = {"late": "late_after_minutes"}.get(field, field)
    await apply_change(update, ctx, edit["id"], {name: None if value == "" else value})
    return ConversationHandler.END


def parse_field(field: str, text: str) -> object:
    """The typed value for a field, '' meaning 'remove', or None when it cannot be used."""
    if field in ("title", "venue", "description"):
        if field == "description" and text.strip() == "-":
            return ""
        value = limit_text(
            text, {"title": MAX_TITLE, "venue": MAX_VENUE, "description": MAX_DESCRIPTION}[field]
        )
        return None if isinstance(value, ParseError) else value
    maximum = MAX_CAPACITY if field == "capacity" else MAX_LATE_THRESHOLD_MINUTES
    count = parse_count(text, max_value=maximum)
    if isinstance(count, ParseError):
        return None
    return "" if field == "capacity" and count == 0 else count


async def when_confirmed(update: Update, ctx: BotContext) -> int:
    query, t, edit = update.callback_query, ctx.t, ctx.user_data.get(EDIT)
    press = parse_press(update)
    if (
        not edit
        or press is None
        or press[1] != edit["id"]
        or press[0] not in ("ok", "re")
        or "when" not in edit
    ):
        await answer_stale(update, t)
        return CONFIRM_WHEN
    await query.answer()
    if press[0] == "re":
        await query.edit_message_text(t.gettext(FIELD_PROMPTS["when"]))
        return AWAIT_VALUE
    ctx.user_data.pop(EDIT, None)
    await query.edit_message_reply_markup(None)
    await apply_change(update, ctx, edit["id"], {"starts_at": datetime.fromisoformat(edit["when"])})
    return ConversationHandler.END


async def apply_change(update: Update, ctx: BotContext, training_id: int, changes: dict[str, object]) -> None:
    """Save an edit and tell everyone registered or waiting (promoted people get their own message)."""
    t = ctx.t
    result = await ctx.services.attendance.update(ctx.member, training_id, **changes)
    if result.outcome is Outcome.ALREADY_DONE:
        await update.effective_message.reply_text(
            t.gettext("That is already the current value; nothing changed.")
        )
        return
    if result.outcome is not Outcome.OK or result.training is None or result.previous is None:
        await update.effective_message.reply_text(outcome_text(t, result.outcome))
        return
    training, previous = result.training, result.previous
    if "starts_at" in changes:

        def render(tt: Translator) -> str:
            return (
                tt.gettext("🕒 <b>Training session moved</b>\nIt was: {old}\nNow: <b>{new}</b>").format(
                    old=when_text(tt, previous), new=when_text(tt, training)
                )
                + "\n\n"
                + card(tt, training)
            )
    else:

        def render(tt: Translator) -> str:
            return (
                tt.gettext("✏️ <b>A training session you registered for has changed</b>")
                + "\n\n"
                + card(tt, training)
            )

    await notify(
        ctx.application,
        result.notify,
        batch=f"training:{training.id}:change",
        key=f"training:{training.id}:v{training.version}",
        render=render,
    )
    if result.promoted:
        await notify_promoted(ctx.application, training, result.promoted)
    if result.demoted:
        await notify_demoted(ctx.application, training, result.demoted)
    saved = t.ngettext(
        "Saved. {count} registered member is being told.",
        "Saved. {count} registered members are being told.",
        len(result.notify),
    ).format(count=t.number(len(result.notify)))
    if result.demoted:
        saved += "\n" + t.ngettext(
            "{count} person who registered last is back on the waiting list and is being told.",
            "{count} people who registered last are back on the waiting list and are being told.",
            len(result.demoted),
        ).format(count=t.number(len(result.demoted)))
    await update.effective_message.reply_text(
        saved + "\n\n" + card(t, training), reply_markup=manage_markup(t, training)
    )


async def search(update: Update, ctx: BotContext, edit: dict, text: str) -> int:
    """Accent-insensitive name search; each match is a button."""
    t = ctx.t
    query_text = text.strip()
    if not 2 <= len(query_text) <= 80:
        await update.effective_message.reply_text(
            t.gettext("Please type between 2 and 80 letters of the name.")
        )
        return AWAIT_VALUE
    found: list[Member] = await ctx.services.member_store.search(fold(query_text), limit=MAX_SEARCH_RESULTS)
    if not found:
        await update.effective_message.reply_text(
            t.gettext(
                "No active member matches {query}. Try another part of the name, or send /cancel."
            ).format(query=esc(query_text))
        )
        return AWAIT_VALUE
    ctx.user_data.pop(EDIT, None)
    labels = []
    for person in found:
        ward = await ctx.services.org.ward(person.ward_id) if person.ward_id else None
        label = f"{person.full_name} · {ward.name}" if ward else person.full_name
        labels.append((label[:60], callbacks.encode(P, edit["field"], edit["id"], person.id)))
    prompt = t.gettext("Who is checking in?") if edit["field"] == "ci" else t.gettext("Who is excused?")
    await update.effective_message.reply_text(prompt, reply_markup=buttons(grid(labels, 1)))
    return ConversationHandler.END


async def stop_editing(update: Update, ctx: BotContext) -> int:
    ctx.user_data.pop(EDIT, None)
    await update.effective_message.reply_text(ctx.t.gettext("Stopped. Nothing was changed."))
    return ConversationHandler.END


# --- commands -----------------------------------------------------------------------------------------------


async def pick_session(update: Update, ctx: BotContext, action: str) -> Training | None:
    """The session a command is about: the one whose check-in is open, the only upcoming one, or ask."""
    t = ctx.t
    if not can(ctx.member, Action.MANAGE_TRAINING):
        await update.effective_message.reply_text(outcome_text(t, Outcome.DENIED))
        return None
    views = await ctx.services.attendance.upcoming_for(ctx.member, include_all=True, with_seminars=True)
    now = ctx.services.clock.now()
    open_now = [v.training for v in views if window_state(v.training, now) is WindowState.OPEN]
    if len(open_now) == 1 or (len(views) == 1 and not open_now):
        return open_now[0] if open_now else views[0].training
    if not views:
        await update.effective_message.reply_text(
            t.gettext("No training sessions are planned at the moment.")
            + "\n"
            + t.gettext("Create one with /training_new.")
        )
        return None
    candidates = open_now if open_now else [v.training for v in views]
    rows = [
        [(f"{s.title[:40]} · {t.date(s.starts_at)}", callbacks.encode(P, action, s.id, "-"))]
        for s in candidates[:10]
    ]
    await update.effective_message.reply_text(t.gettext("Which session?"), reply_markup=buttons(rows))
    return None


async def qr_command(update: Update, ctx: BotContext) -> None:
    """/checkin_qr: the check-in poster for the current session."""
    training = await pick_session(update, ctx, "q")
    if training is not None:
        await send_qr(update, ctx, training, "-")


async def live_command(update: Update, ctx: BotContext) -> None:
    """/attendance: the live view of the current session."""
    training = await pick_session(update, ctx, "l")
    if training is not None:
        await show_live(update, ctx, training)


def register(app: Application) -> None:
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            entry_points=[CallbackQueryHandler(edit_pressed, pattern=rf"^v1:{P}:(e|s):")],
            states={
                AWAIT_VALUE: [MessageHandler(text, value_received)],
                CONFIRM_WHEN: [
                    CallbackQueryHandler(when_confirmed, pattern=rf"^v1:{P}:(ok|re):"),
                    MessageHandler(text, value_received),
                ],
            },
            fallbacks=[CommandHandler("cancel", stop_editing)],
            allow_reentry=True,
            name="training_edit",
            conversation_timeout=timedelta(minutes=30),
        )
    )
    app.add_handler(CallbackQueryHandler(pressed, pattern=callbacks.pattern(P)))
    app.add_handler(CommandHandler("checkin_qr", qr_command))
    app.add_handler(CommandHandler("attendance", live_command))
