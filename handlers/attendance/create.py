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
from bot.core.parsing import ParseError, limit_text, parse_count
from bot.core.permissions import Action, can
from bot.i18n import Translator
from handlers import callbacks
from handlers.attendance.audience_picker import (
    TOGGLES,
    audience_text,
    choice_rows,
    kind_rows,
    new_selection,
    selected_audience,
    toggle,
)
from handlers.attendance.common import card, send_invitations
from handlers.render import answer_stale, buttons, esc
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
        await update.effective_message.reply_text(
            t.gettext("Only the organisers can create training sessions.")
        )
        return ConversationHandler.END
    ctx.user_data[DRAFT] = {}
    await update.effective_message.reply_text(
        t.gettext(
            "<b>New training session</b> (send /cancel at any time to stop)\n\nWhat is the title of the "
            "session?"
        )
    )
    return TITLE


async def title_received(update: Update, ctx: BotContext) -> int:
    t, draft = ctx.t, draft_of(ctx)
    title = limit_text(update.effective_message.text or "", MAX_TITLE)
    if draft is None or isinstance(title, ParseError):
        await update.effective_message.reply_text(
            t.gettext("Please type a title of at most {max} characters.").format(max=MAX_TITLE)
        )
        return TITLE
    draft["title"] = title
    return await WHEN_STEP.ask(update, ctx)


async def ask_venue(update: Update, ctx: BotContext) -> int:
    await update.effective_message.reply_text(
        ctx.t.gettext("Where? Type the venue (for example: Hội trường UBND Phường 1).")
    )
    return VENUE


WHEN_STEP = WhenStep(
    prefix=P,
    draft_key=DRAFT,
    asking=WHEN,
    confirming=WHEN_CONFIRM,
    ending=END_TIME,
    usual_length=DEFAULT_LENGTH,
    then=ask_venue,
)


async def venue_received(update: Update, ctx: BotContext) -> int:
    t, draft = ctx.t, draft_of(ctx)
    venue = limit_text(update.effective_message.text or "", MAX_VENUE)
    if draft is None:
        return await lost(update, ctx)
    if isinstance(venue, ParseError):
        await update.effective_message.reply_text(
            t.gettext("Please type a venue of at most {max} characters.").format(max=MAX_VENUE)
        )
        return VENUE
    draft["venue"] = venue
    await update.effective_message.reply_text(t.gettext("Who is invited?"), reply_markup=audience_kinds(t))
    return AUDIENCE


def data(kind: str, value: object) -> str:
    """Callback data of the creation dialog's audience buttons."""
    return callbacks.encode(P, kind, value)


def audience_kinds(t: Translator):
    return buttons(kind_rows(t, data))


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
    selection = draft.setdefault("audience", new_selection())
    if kind in TOGGLES:
        view = await toggle(ctx, selection, TOGGLES[kind], value)
        if view is None:
            await answer_stale(update, t)
            return AUDIENCE
        kind, value = view
    rows = await choice_rows(ctx, selection, kind, value, data)
    await query.answer()
    if rows is None:
        return AUDIENCE
    rows.append([(t.gettext("✔️ Done"), callbacks.encode(P, "a", "done"))])
    await query.edit_message_text(
        t.gettext("Tap to select or unselect, then press Done."), reply_markup=buttons(rows)
    )
    return AUDIENCE


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
    await query.edit_message_text(
        t.gettext("Invited: {audience}").format(audience=await audience_text(ctx, t, audience_from(draft)))
    )
    return await ask_capacity(update, ctx)


def audience_from(draft: dict) -> Audience:
    return selected_audience(draft.get("audience") or {"all": True})


async def ask_capacity(update: Update, ctx: BotContext) -> int:
    await update.effective_message.reply_text(
        ctx.t.gettext("How many seats are there? Type a number, or press Skip if there is no limit."),
        reply_markup=buttons([[(ctx.t.gettext("Skip"), callbacks.encode(P, "skip"))]]),
    )
    return CAPACITY


async def capacity_typed(update: Update, ctx: BotContext) -> int:
    t, draft = ctx.t, draft_of(ctx)
    if draft is None:
        return await lost(update, ctx)
    count = parse_count(update.effective_message.text or "", max_value=MAX_CAPACITY)
    if isinstance(count, ParseError) or count < 1:
        await update.effective_message.reply_text(
            t.gettext("Please type a number of seats between 1 and {max}, or press Skip.").format(
                max=t.number(MAX_CAPACITY)
            )
        )
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
        reply_markup=buttons([[(ctx.t.gettext("Skip"), callbacks.encode(P, "skip"))]]),
    )
    return DESCRIPTION


async def description_typed(update: Update, ctx: BotContext) -> int:
    t, draft = ctx.t, draft_of(ctx)
    if draft is None:
        return await lost(update, ctx)
    text = limit_text(update.effective_message.text or "", MAX_DESCRIPTION)
    if isinstance(text, ParseError):
        await update.effective_message.reply_text(
            t.gettext("Please keep the description under {max} characters, or press Skip.").format(
                max=MAX_DESCRIPTION
            )
        )
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
    return TrainingDraft(
        draft["title"],
        datetime.fromisoformat(draft["starts_at"]),
        datetime.fromisoformat(draft["ends_at"]),
        draft["venue"],
        audience_from(draft),
        draft.get("capacity"),
        draft.get("description"),
    )


async def review(update: Update, ctx: BotContext) -> int:
    """Everything read back, time included, before saving."""
    t, draft = ctx.t, draft_of(ctx)
    assert draft is not None
    session = to_draft(draft)
    lines = [
        t.gettext("<b>Please check before saving:</b>"),
        esc(session.title),
        t.gettext("🕗 {when}").format(
            when=t.gettext("{start}–{end}").format(
                start=t.datetime(session.starts_at), end=t.time(session.ends_at)
            )
        ),
        t.gettext("📍 {venue}").format(venue=esc(session.venue)),
        t.gettext("Invited: {audience}").format(audience=await audience_text(ctx, t, session.audience)),
        t.gettext("Seats: {capacity}").format(
            capacity=t.number(session.capacity) if session.capacity else t.gettext("no limit")
        ),
    ]
    if session.description:
        lines.append(esc(session.description))
    await update.effective_message.reply_text(
        "\n".join(lines),
        reply_markup=buttons(
            [
                [
                    (t.gettext("💾 Save and invite"), callbacks.encode(P, "save")),
                    (t.gettext("✖️ Discard"), callbacks.encode(P, "x")),
                ]
            ]
        ),
    )
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
        text = (
            t.gettext(
                "The session could not be saved: its start must still be in the future. Please send "
                "/training_new to start again."
            )
            if result.outcome is Outcome.INVALID
            else t.gettext("Only the organisers can create training sessions.")
        )
        ctx.user_data.pop(DRAFT, None)
        await query.edit_message_text(text)
        return ConversationHandler.END
    ctx.user_data.pop(DRAFT, None)
    training = result.training
    invited = [
        m
        for m in await ctx.services.attendance.invited(training.audience)
        if ctx.member is None or m != ctx.member.id
    ]
    await send_invitations(ctx.application, training, invited)
    await query.edit_message_text(
        t.ngettext(
            "✅ Saved. The invitation is being sent to {count} member.",
            "✅ Saved. The invitation is being sent to {count} members.",
            len(invited),
        ).format(count=t.number(len(invited)))
        + "\n\n"
        + card(t, training),
        reply_markup=buttons([[(t.gettext("⚙️ Manage"), callbacks.encode("tm", "m", training.id, "-"))]]),
    )
    return ConversationHandler.END


async def lost(update: Update, ctx: BotContext) -> int:
    await update.effective_message.reply_text(
        ctx.t.gettext("I lost track of this session draft. Please send /training_new to start again.")
    )
    return ConversationHandler.END


async def cancel(update: Update, ctx: BotContext) -> int:
    ctx.user_data.pop(DRAFT, None)
    await update.effective_message.reply_text(ctx.t.gettext("Stopped. Nothing was saved."))
    return ConversationHandler.END


async def use_buttons(update: Update, ctx: BotContext) -> None:
    await update.effective_message.reply_text(
        ctx.t.gettext("Please use the buttons above, or send /cancel to stop.")
    )


def conversation(app: Application) -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    picker = callbacks.pattern(P)
    return ConversationHandler(
        entry_points=[CommandHandler("training_new", start)],
        states={
            TITLE: [MessageHandler(text, title_received)],
            **WHEN_STEP.states(),
            VENUE: [MessageHandler(text, venue_received)],
            AUDIENCE: [
                CallbackQueryHandler(audience_pressed, pattern=picker),
                MessageHandler(text, use_buttons),
            ],
            CAPACITY: [
                MessageHandler(text, capacity_typed),
                CallbackQueryHandler(capacity_skipped, pattern=picker),
            ],
            DESCRIPTION: [
                MessageHandler(text, description_typed),
                CallbackQueryHandler(description_skipped, pattern=picker),
            ],
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
