"""Organisers create a training session in chat: title, time (typed or picked), venue, audience, seats."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.core.attendance import Audience, Outcome, TrainingDraft
from bot.core.attendance.rules import (
    MAX_CAPACITY,
    MAX_DESCRIPTION,
    MAX_TITLE,
    MAX_VENUE,
    month_grid,
    shift_month,
)
from bot.core.models import Role
from bot.core.parsing import ParseError, limit_text, parse_count, parse_datetime, parse_time
from bot.core.permissions import Action, can
from bot.i18n import Translator
from handlers import callbacks
from handlers.attendance.common import answer_buttons, audience_recipients, card, notify, when_error
from handlers.render import answer_stale, buttons, esc, grid, role_label

TITLE, WHEN, WHEN_CONFIRM, END_TIME, VENUE, AUDIENCE, CAPACITY, DESCRIPTION, REVIEW = range(9)
DRAFT = "training_draft"
DEFAULT_DURATION = timedelta(hours=3)
TIME_CHOICES = ("07:30", "08:00", "08:30", "13:30", "14:00", "19:00")
P = "tn"


def is_skip(update: Update) -> bool:
    return callbacks.decode(update.callback_query.data, P, 1) == ["skip"]


def draft_of(ctx: BotContext) -> dict | None:
    return ctx.user_data.get(DRAFT)


async def start(update: Update, ctx: BotContext) -> int:
    """/training_new: organisers only."""
    t = ctx.t
    if not can(ctx.member, Action.MANAGE_TRAINING):
        await update.effective_message.reply_text(t.gettext("Only the organisers can create training sessions."))
        return ConversationHandler.END
    ctx.user_data[DRAFT] = {}
    await update.effective_message.reply_text(t.gettext(
        "<b>New training session</b> (send /cancel at any time to stop)\n\nWhat is the title of the session?"))
    return TITLE


async def title_received(update: Update, ctx: BotContext) -> int:
    t, draft = ctx.t, draft_of(ctx)
    title = limit_text(update.effective_message.text or "", MAX_TITLE)
    if draft is None or isinstance(title, ParseError):
        await update.effective_message.reply_text(t.gettext(
            "Please type a title of at most {max} characters.").format(max=MAX_TITLE))
        return TITLE
    draft["title"] = title
    today = ctx.services.clock.now().astimezone(t.tz).date()
    await update.effective_message.reply_text(
        t.gettext("When does it start? Type for example <i>15/12 8h</i>, <i>15/12/2026 08:00</i> or "
                  "<i>8g30 thứ Hai</i>, or pick a day:"), reply_markup=calendar_markup(t, today, today))
    return WHEN


def calendar_markup(t: Translator, month: date, today: date):
    """A month of day buttons, Monday first; days before today are blank."""
    first = month.replace(day=1)
    rows: list[list[tuple[str, str]]] = [[(label, callbacks.encode(P, "noop")) for label in (
        t.gettext("Mo"), t.gettext("Tu"), t.gettext("We"), t.gettext("Th"), t.gettext("Fr"), t.gettext("Sa"),
        t.gettext("Su"))]]
    for week in month_grid(first.year, first.month):
        row = []
        for day in week:
            if day and date(first.year, first.month, day) >= today:
                row.append((str(day), callbacks.encode(P, "day", f"{first.year:04d}{first.month:02d}{day:02d}")))
            else:
                row.append((" ", callbacks.encode(P, "noop")))
        rows.append(row)
    nav = []
    if first > today.replace(day=1):
        nav.append(("«", callbacks.encode(P, "cal", shift_month(first, -1).strftime("%Y%m"))))
    nav.append((t.gettext("{month}/{year}").format(month=first.month, year=first.year), callbacks.encode(P, "noop")))
    nav.append(("»", callbacks.encode(P, "cal", shift_month(first, 1).strftime("%Y%m"))))
    rows.append(nav)
    return buttons(rows)


async def when_typed(update: Update, ctx: BotContext) -> int:
    t, draft = ctx.t, draft_of(ctx)
    if draft is None:
        return await lost(update, ctx)
    text = update.effective_message.text or ""
    now = ctx.services.clock.now()
    if "day" in draft:
        clock = parse_time(text)
        if not isinstance(clock, ParseError):
            when = datetime.combine(date.fromisoformat(draft["day"]), clock, tzinfo=t.tz)
            return await confirm_when(update, ctx, when)
    parsed = parse_datetime(text, now=now, tz=t.tz)
    if isinstance(parsed, ParseError):
        await update.effective_message.reply_text(when_error(t, parsed.reason.value))
        return WHEN
    return await confirm_when(update, ctx, parsed.when)


async def picker_pressed(update: Update, ctx: BotContext) -> int:
    """Calendar navigation, a day, or a time button."""
    query, t, draft = update.callback_query, ctx.t, draft_of(ctx)
    parts = callbacks.decode(query.data, P, 2) or callbacks.decode(query.data, P, 1)
    if draft is None or not parts:
        await answer_stale(update, t)
        return WHEN
    today = ctx.services.clock.now().astimezone(t.tz).date()
    try:
        if parts[0] == "cal" and len(parts) == 2:
            month = datetime.strptime(parts[1], "%Y%m").date()
            await query.answer()
            await query.edit_message_reply_markup(calendar_markup(t, max(month, today.replace(day=1)), today))
            return WHEN
        if parts[0] == "day" and len(parts) == 2:
            day = datetime.strptime(parts[1], "%Y%m%d").date()
            if day < today:
                raise ValueError("past day")
            draft["day"] = day.isoformat()
            await query.answer()
            rows = grid([(c, callbacks.encode(P, "tm", c.replace(":", ""))) for c in TIME_CHOICES], 3)
            await query.edit_message_text(t.gettext("{day}: at what time? Choose below or type it (for example "
                                                    "8h or 13g30).").format(day=f"{t.weekday(day)}, {t.date(day)}"),
                                          reply_markup=buttons(rows))
            return WHEN
        if parts[0] == "tm" and len(parts) == 2 and "day" in draft:
            clock = datetime.strptime(parts[1], "%H%M").time()
            await query.answer()
            return await confirm_when(update, ctx, datetime.combine(date.fromisoformat(draft["day"]), clock,
                                                                    tzinfo=t.tz))
    except ValueError:
        pass
    await query.answer()
    return WHEN


async def confirm_when(update: Update, ctx: BotContext, when: datetime) -> int:
    """Read the time back before anything is saved."""
    t, draft = ctx.t, draft_of(ctx)
    assert draft is not None
    if when <= ctx.services.clock.now():
        await update.effective_message.reply_text(when_error(t, "past"))
        return WHEN
    draft["starts_at"] = when.isoformat()
    await update.effective_message.reply_text(
        t.gettext("I understood: <b>{when}</b>. Is that right?").format(when=t.datetime(when)),
        reply_markup=buttons([[(t.gettext("✅ Yes, that is right"), callbacks.encode(P, "ok")),
                               (t.gettext("✏️ Type it again"), callbacks.encode(P, "re"))]]))
    return WHEN_CONFIRM


async def when_confirmed(update: Update, ctx: BotContext) -> int:
    query, t, draft = update.callback_query, ctx.t, draft_of(ctx)
    parts = callbacks.decode(query.data, P, 1)
    if draft is None or "starts_at" not in draft or not parts:
        await answer_stale(update, t)
        return WHEN_CONFIRM
    await query.answer()
    starts = datetime.fromisoformat(draft["starts_at"])
    if parts[0] == "re":
        draft.pop("starts_at", None)
        draft.pop("day", None)
        today = ctx.services.clock.now().astimezone(t.tz).date()
        await query.edit_message_text(t.gettext("Please type the date and time again, or pick a day:"),
                                      reply_markup=calendar_markup(t, today, today))
        return WHEN
    await query.edit_message_text(t.gettext("Start: <b>{when}</b>").format(when=t.datetime(starts)))
    await update.effective_message.reply_text(
        t.gettext("Until what time? Type for example 11h30, or press Skip (3 hours)."),
        reply_markup=buttons([[(t.gettext("Skip"), callbacks.encode(P, "skip"))]]))
    return END_TIME


async def end_typed(update: Update, ctx: BotContext) -> int:
    t, draft = ctx.t, draft_of(ctx)
    if draft is None or "starts_at" not in draft:
        return await lost(update, ctx)
    clock = parse_time(update.effective_message.text or "")
    starts = datetime.fromisoformat(draft["starts_at"])
    ends = datetime.combine(starts.date(), clock, tzinfo=starts.tzinfo) if not isinstance(clock, ParseError) \
        else None
    if ends is None or ends <= starts:
        await update.effective_message.reply_text(t.gettext(
            "Please type an end time after the start ({start}), for example 11h30, or press Skip.").format(
            start=t.time(starts)))
        return END_TIME
    draft["ends_at"] = ends.isoformat()
    return await ask_venue(update, ctx)


async def end_skipped(update: Update, ctx: BotContext) -> int:
    draft = draft_of(ctx)
    if draft is None or "starts_at" not in draft or not is_skip(update):
        await answer_stale(update, ctx.t)
        return END_TIME
    await update.callback_query.answer()
    draft["ends_at"] = (datetime.fromisoformat(draft["starts_at"]) + DEFAULT_DURATION).isoformat()
    return await ask_venue(update, ctx)


async def ask_venue(update: Update, ctx: BotContext) -> int:
    await update.effective_message.reply_text(ctx.t.gettext(
        "Where? Type the venue (for example: Hội trường UBND Phường 1)."))
    return VENUE


async def venue_received(update: Update, ctx: BotContext) -> int:
    t, draft = ctx.t, draft_of(ctx)
    venue = limit_text(update.effective_message.text or "", MAX_VENUE)
    if draft is None:
        return await lost(update, ctx)
    if isinstance(venue, ParseError):
        await update.effective_message.reply_text(t.gettext(
            "Please type a venue of at most {max} characters.").format(max=MAX_VENUE))
        return VENUE
    draft["venue"] = venue
    await update.effective_message.reply_text(t.gettext("Who is invited?"), reply_markup=audience_kinds(t))
    return AUDIENCE


def audience_kinds(t: Translator):
    return buttons([[(t.gettext("Everyone"), callbacks.encode(P, "a", "all"))],
                    [(t.gettext("Some wards"), callbacks.encode(P, "a", "w")),
                     (t.gettext("Some roles"), callbacks.encode(P, "a", "r"))],
                    [(t.gettext("Some chapters"), callbacks.encode(P, "a", "c"))]])


async def audience_pressed(update: Update, ctx: BotContext) -> int:
    """Choose everyone, or toggle wards / roles / chapters, then Done."""
    query, t, draft = update.callback_query, ctx.t, draft_of(ctx)
    parts = callbacks.decode(query.data, P, 2)
    if draft is None or not parts:
        await answer_stale(update, t)
        return AUDIENCE
    kind, value = parts
    if kind == "a" and value in ("all", "done"):
        return await audience_finished(update, ctx, draft, everyone=value == "all")
    selection = draft.setdefault("audience", {"w": [], "r": [], "c": []})
    if kind in TOGGLES:
        view = await toggle(ctx, selection, TOGGLES[kind], value)
        if view is None:
            await answer_stale(update, t)
            return AUDIENCE
        kind, value = view
    rows = await choice_rows(ctx, selection, kind, value)
    await query.answer()
    if rows is None:
        return AUDIENCE
    rows.append([(t.gettext("✔️ Done"), callbacks.encode(P, "a", "done"))])
    await query.edit_message_text(t.gettext("Tap to select or unselect, then press Done."),
                                  reply_markup=buttons(rows))
    return AUDIENCE


TOGGLES = {"tw": "w", "tr": "r", "tc": "c"}


async def audience_finished(update: Update, ctx: BotContext, draft: dict, *, everyone: bool) -> int:
    query, t = update.callback_query, ctx.t
    if everyone:
        draft["audience"] = {"all": True}
        await query.answer()
        await query.edit_message_text(t.gettext("Invited: everyone."))
        return await ask_capacity(update, ctx)
    selection = draft.get("audience") or {}
    if not (selection.get("w") or selection.get("r") or selection.get("c")):
        await query.answer(t.gettext("Choose at least one, or press Everyone."), show_alert=True)
        return AUDIENCE
    await query.answer()
    await query.edit_message_text(t.gettext("Invited: {audience}").format(
        audience=await audience_text(ctx, t, audience_from(draft))))
    return await ask_capacity(update, ctx)


async def toggle(ctx: BotContext, selection: dict, key: str, value: str) -> tuple[str, str] | None:
    """Select or unselect one ward, role or chapter; the list to show next, or None if the value is bad."""
    item: object = value if key == "r" else callbacks.parse_int(value)
    if item is None or (key == "r" and value not in {r.value for r in Role}):
        return None
    chapter = await ctx.services.org.chapter(int(value)) if key == "c" else None
    if key == "c" and chapter is None:
        return None
    chosen = selection.setdefault(key, [])
    if item in chosen:
        chosen.remove(item)
    else:
        chosen.append(item)
    return ("cw", str(chapter.ward_id)) if chapter else ("a", key)


async def choice_rows(ctx: BotContext, selection: dict, kind: str,
                      value: str) -> list[list[tuple[str, str]]] | None:
    """The buttons for one list of choices, selected ones ticked."""
    t, org = ctx.t, ctx.services.org
    if kind == "a" and value == "w":
        return grid([(mark(w.id in selection["w"]) + w.name, callbacks.encode(P, "tw", w.id))
                     for w in await org.wards()], 3)
    if kind == "a" and value == "r":
        return grid([(mark(r.value in selection["r"]) + role_label(t, r), callbacks.encode(P, "tr", r.value))
                     for r in Role], 2)
    if kind == "a" and value == "c":
        return grid([(w.name, callbacks.encode(P, "cw", w.id)) for w in await org.wards()], 3)
    ward_id = callbacks.parse_int(value) if kind == "cw" else None
    if ward_id is None:
        return None
    rows = grid([(mark(c.id in selection["c"]) + c.name, callbacks.encode(P, "tc", c.id))
                 for c in await org.chapters(ward_id)], 1)
    rows.append([(t.gettext("« Other wards"), callbacks.encode(P, "a", "c"))])
    return rows


def mark(selected: bool) -> str:
    return "✅ " if selected else ""


def audience_from(draft: dict) -> Audience:
    data = draft.get("audience") or {"all": True}
    if data.get("all"):
        return Audience()
    return Audience(False, tuple(data.get("w", ())), tuple(Role(r) for r in data.get("r", ())),
                    tuple(data.get("c", ())))


async def audience_text(ctx: BotContext, t: Translator, audience: Audience) -> str:
    """'everyone' or the chosen wards, roles and chapters by name."""
    if audience.everyone:
        return t.gettext("everyone")
    org = ctx.services.org
    names = [w.name for w in await org.wards() if w.id in audience.ward_ids]
    names += [role_label(t, r) for r in audience.roles]
    for chapter_id in audience.chapter_ids:
        chapter = await org.chapter(chapter_id)
        ward = await org.ward(chapter.ward_id) if chapter else None
        if chapter:
            names.append(f"{chapter.name} ({ward.name if ward else ''})")
    return esc(", ".join(names))


async def ask_capacity(update: Update, ctx: BotContext) -> int:
    await update.effective_message.reply_text(
        ctx.t.gettext("How many seats are there? Type a number, or press Skip if there is no limit."),
        reply_markup=buttons([[(ctx.t.gettext("Skip"), callbacks.encode(P, "skip"))]]))
    return CAPACITY


async def capacity_typed(update: Update, ctx: BotContext) -> int:
    t, draft = ctx.t, draft_of(ctx)
    if draft is None:
        return await lost(update, ctx)
    count = parse_count(update.effective_message.text or "", max_value=MAX_CAPACITY)
    if isinstance(count, ParseError) or count < 1:
        await update.effective_message.reply_text(t.gettext(
            "Please type a number of seats between 1 and {max}, or press Skip.").format(max=t.number(MAX_CAPACITY)))
        return CAPACITY
    draft["capacity"] = count
    return await ask_description(update, ctx)


async def capacity_skipped(update: Update, ctx: BotContext) -> int:
    if draft_of(ctx) is None or not is_skip(update):
        await answer_stale(update, ctx.t)
        return CAPACITY
    await update.callback_query.answer()
    return await ask_description(update, ctx)


async def ask_description(update: Update, ctx: BotContext) -> int:
    await update.effective_message.reply_text(
        ctx.t.gettext("Add a short description (programme, what to bring), or press Skip."),
        reply_markup=buttons([[(ctx.t.gettext("Skip"), callbacks.encode(P, "skip"))]]))
    return DESCRIPTION


async def description_typed(update: Update, ctx: BotContext) -> int:
    t, draft = ctx.t, draft_of(ctx)
    if draft is None:
        return await lost(update, ctx)
    text = limit_text(update.effective_message.text or "", MAX_DESCRIPTION)
    if isinstance(text, ParseError):
        await update.effective_message.reply_text(t.gettext(
            "Please keep the description under {max} characters, or press Skip.").format(max=MAX_DESCRIPTION))
        return DESCRIPTION
    draft["description"] = text
    return await review(update, ctx)


async def description_skipped(update: Update, ctx: BotContext) -> int:
    if draft_of(ctx) is None or not is_skip(update):
        await answer_stale(update, ctx.t)
        return DESCRIPTION
    await update.callback_query.answer()
    return await review(update, ctx)


def to_draft(draft: dict) -> TrainingDraft:
    return TrainingDraft(draft["title"], datetime.fromisoformat(draft["starts_at"]),
                         datetime.fromisoformat(draft["ends_at"]), draft["venue"], audience_from(draft),
                         draft.get("capacity"), draft.get("description"))


async def review(update: Update, ctx: BotContext) -> int:
    """Everything read back, time included, before saving."""
    t, draft = ctx.t, draft_of(ctx)
    assert draft is not None
    session = to_draft(draft)
    lines = [t.gettext("<b>Please check before saving:</b>"), esc(session.title),
             t.gettext("🕗 {when}").format(when=t.gettext("{start}–{end}").format(
                 start=t.datetime(session.starts_at), end=t.time(session.ends_at))),
             t.gettext("📍 {venue}").format(venue=esc(session.venue)),
             t.gettext("Invited: {audience}").format(audience=await audience_text(ctx, t, session.audience)),
             t.gettext("Seats: {capacity}").format(capacity=t.number(session.capacity) if session.capacity
                                                   else t.gettext("no limit"))]
    if session.description:
        lines.append(esc(session.description))
    await update.effective_message.reply_text("\n".join(lines), reply_markup=buttons([[
        (t.gettext("💾 Save and invite"), callbacks.encode(P, "save")),
        (t.gettext("✖️ Discard"), callbacks.encode(P, "x"))]]))
    return REVIEW


async def review_pressed(update: Update, ctx: BotContext) -> int:
    query, t, draft = update.callback_query, ctx.t, draft_of(ctx)
    parts = callbacks.decode(query.data, P, 1)
    if draft is None or not parts or parts[0] not in ("save", "x"):
        await answer_stale(update, t)
        return REVIEW
    await query.answer()
    if parts[0] == "x":
        ctx.user_data.pop(DRAFT, None)
        await query.edit_message_text(t.gettext("Discarded. Nothing was saved."))
        return ConversationHandler.END
    result = await ctx.services.attendance.create(ctx.member, to_draft(draft))
    if result.outcome is not Outcome.OK or result.training is None:
        text = t.gettext("The session could not be saved: its start must still be in the future. Please send "
                         "/training_new to start again.") if result.outcome is Outcome.INVALID else t.gettext(
            "Only the organisers can create training sessions.")
        ctx.user_data.pop(DRAFT, None)
        await query.edit_message_text(text)
        return ConversationHandler.END
    ctx.user_data.pop(DRAFT, None)
    training = result.training
    invited = [m for m in await audience_recipients(ctx.application, training.audience)
               if ctx.member is None or m != ctx.member.id]
    await notify(ctx.application, invited, batch=f"training:{training.id}:invite",
                 key=f"training:{training.id}:invite",
                 render=lambda tt: tt.gettext("📣 <b>You are invited to a training session</b>") + "\n\n"
                 + card(tt, training), markup=lambda tt: answer_buttons(tt, training))
    await query.edit_message_text(t.ngettext(
        "✅ Saved. The invitation is being sent to {count} member.",
        "✅ Saved. The invitation is being sent to {count} members.", len(invited)).format(
        count=t.number(len(invited))) + "\n\n" + card(t, training),
        reply_markup=buttons([[(t.gettext("⚙️ Manage"), callbacks.encode("tm", "m", training.id, "-"))]]))
    return ConversationHandler.END


async def lost(update: Update, ctx: BotContext) -> int:
    await update.effective_message.reply_text(ctx.t.gettext(
        "I lost track of this session draft. Please send /training_new to start again."))
    return ConversationHandler.END


async def cancel(update: Update, ctx: BotContext) -> int:
    ctx.user_data.pop(DRAFT, None)
    await update.effective_message.reply_text(ctx.t.gettext("Stopped. Nothing was saved."))
    return ConversationHandler.END


async def use_buttons(update: Update, ctx: BotContext) -> None:
    await update.effective_message.reply_text(ctx.t.gettext(
        "Please use the buttons above, or send /cancel to stop."))


def conversation(app: Application) -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    picker = callbacks.pattern(P)
    return ConversationHandler(
        entry_points=[CommandHandler("training_new", start)],
        states={
            TITLE: [MessageHandler(text, title_received)],
            WHEN: [MessageHandler(text, when_typed), CallbackQueryHandler(picker_pressed, pattern=picker)],
            WHEN_CONFIRM: [CallbackQueryHandler(when_confirmed, pattern=picker), MessageHandler(text, use_buttons)],
            END_TIME: [MessageHandler(text, end_typed), CallbackQueryHandler(end_skipped, pattern=picker)],
            VENUE: [MessageHandler(text, venue_received)],
            AUDIENCE: [CallbackQueryHandler(audience_pressed, pattern=picker), MessageHandler(text, use_buttons)],
            CAPACITY: [MessageHandler(text, capacity_typed), CallbackQueryHandler(capacity_skipped, pattern=picker)],
            DESCRIPTION: [MessageHandler(text, description_typed),
                          CallbackQueryHandler(description_skipped, pattern=picker)],
            REVIEW: [CallbackQueryHandler(review_pressed, pattern=picker), MessageHandler(text, use_buttons)],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        allow_reentry=True,
        name="training_new",
        conversation_timeout=timedelta(hours=1),
    )



async def stale_button(update: Update, ctx: BotContext) -> None:
    """A creation button pressed after the draft was finished or abandoned."""
    await answer_stale(update, ctx.t)
