"""Organisers create a training session in chat: title, time (typed or picked), venue, audience, seats."""

from __future__ import annotations

from datetime import datetime, timedelta

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
from bot.core.attendance.rules import DEFAULT_LENGTH, MAX_CAPACITY, MAX_DESCRIPTION, MAX_TITLE, MAX_VENUE
from bot.core.models import Role
from bot.core.parsing import ParseError, limit_text, parse_count
from bot.core.permissions import Action, can
from bot.i18n import Translator
from handlers import callbacks
from handlers.attendance.common import answer_buttons, audience_recipients, card, notify
from handlers.render import answer_stale, buttons, esc, grid, role_label
from handlers.when_step import WhenStep

TITLE, WHEN, WHEN_CONFIRM, END_TIME, VENUE, AUDIENCE, CAPACITY, DESCRIPTION, REVIEW = range(9)
DRAFT = "training_draft"
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
    return await WHEN_STEP.ask(update, ctx)


async def ask_venue(update: Update, ctx: BotContext) -> int:
    await update.effective_message.reply_text(ctx.t.gettext(
        "Where? Type the venue (for example: Hội trường UBND Phường 1)."))
    return VENUE


WHEN_STEP = WhenStep(prefix=P, draft_key=DRAFT, asking=WHEN, confirming=WHEN_CONFIRM, ending=END_TIME,
                     usual_length=DEFAULT_LENGTH, then=ask_venue)


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
            **WHEN_STEP.states(),
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
