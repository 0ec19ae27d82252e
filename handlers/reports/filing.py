"""/report: a chapter cadre (or a lead on the chapter's behalf) files the period's new-member report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

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
from bot.core.parsing import ParseError, ParseReason, limit_text, parse_count
from bot.core.permissions import Action, Reach, can, reach_of
from bot.core.reports import FileOutcome, FileResult, ReportValues, Target
from bot.core.reports.rules import MAX_COUNT, MAX_NOTE
from handlers import callbacks
from handlers.common import menu_for
from handlers.menu import menu_filter
from handlers.registry import N_
from handlers.render import answer_stale, buttons, esc, grid
from handlers.reports.texts import WARNING_TEXTS, period_label

CHOOSE, ASK_NEW, ASK_TOTAL, ASK_NOTE, ASK_PHOTO, CONFIRM = range(6)
DRAFT = "reports"
PREFIX = "repc"
START_PREFIX = "repf"
MENU_LABEL = N_("📝 New-member report")


@dataclass
class Draft:
    chapter_id: int
    period_key: str
    new_members: int | None = None
    total_members: int | None = None
    note: str | None = None
    photo_file_id: str | None = None


async def start(update: Update, ctx: BotContext) -> int:
    """/report or the menu button: the current period, the member's chapter (or a choice of chapters)."""
    t, member = ctx.t, ctx.member
    ctx.user_data.pop(DRAFT, None)
    if not can(member, Action.FILE_REPORT):
        await update.effective_message.reply_text(
            t.gettext("Only chapter cadres, ward leads and organisers can file new-member reports.")
        )
        return ConversationHandler.END
    reach = reach_of(member, Action.FILE_REPORT)
    chapters = await ctx.services.reports.chapters_to_file(member)
    if reach is Reach.OWN_CHAPTER:
        if not chapters:
            await update.effective_message.reply_text(
                t.gettext("Your account is not linked to a chapter yet. Please ask your ward lead.")
            )
            return ConversationHandler.END
        return await begin(update, ctx, chapters[0].id, None)
    if reach is Reach.OWN_WARD:
        await update.effective_message.reply_text(
            t.gettext("Which chapter are you reporting for?"),
            reply_markup=buttons(grid([(c.name, callbacks.encode(PREFIX, "c", c.id)) for c in chapters], 1)),
        )
        return CHOOSE
    wards = await ctx.services.org.wards()
    await update.effective_message.reply_text(
        t.gettext("Which ward is the chapter in?"),
        reply_markup=buttons(grid([(w.name, callbacks.encode(PREFIX, "w", w.id)) for w in wards], 3)),
    )
    return CHOOSE


async def start_from_button(update: Update, ctx: BotContext) -> int:
    """'📝 Report now' under a reminder: that chapter and that period."""
    parts = callbacks.decode(update.callback_query.data, START_PREFIX, 2)
    chapter_id = callbacks.parse_int(parts[0]) if parts else None
    if chapter_id is None:
        await answer_stale(update, ctx.t)
        return ConversationHandler.END
    await update.callback_query.answer()
    ctx.user_data.pop(DRAFT, None)
    return await begin(update, ctx, chapter_id, parts[1])


async def chosen(update: Update, ctx: BotContext) -> int:
    """A ward (organisers) or a chapter was chosen."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, PREFIX, 2)
    target_id = callbacks.parse_int(parts[1]) if parts and parts[0] in ("w", "c") else None
    if target_id is None:
        await answer_stale(update, t)
        return CHOOSE
    if parts[0] == "w":
        if not can(ctx.member, Action.FILE_REPORT, ward_id=target_id):
            await answer_stale(update, t)
            return CHOOSE
        chapters = await ctx.services.org.chapters(target_id)
        await query.answer()
        await query.edit_message_text(
            t.gettext("Which chapter are you reporting for?"),
            reply_markup=buttons(grid([(c.name, callbacks.encode(PREFIX, "c", c.id)) for c in chapters], 1)),
        )
        return CHOOSE
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await begin(update, ctx, target_id, None)


async def begin(update: Update, ctx: BotContext, chapter_id: int, period_key: str | None) -> int:
    """Check the member may report for this chapter and period, then ask the first question."""
    t = ctx.t
    target = await ctx.services.reports.target(ctx.member, chapter_id, period_key)
    if target is None:
        await update.effective_message.reply_text(
            t.gettext("You can only file reports for your own chapter.")
        )
        return ConversationHandler.END
    if not target.period.is_open(ctx.services.clock.now()):
        await update.effective_message.reply_text(
            t.gettext("The reporting period {period} is closed; its report can no longer be changed.").format(
                period=period_label(t, target.period)
            )
        )
        return ConversationHandler.END
    ctx.user_data[DRAFT] = Draft(target.chapter.id, target.period.key)
    lines = [
        t.gettext("<b>New-member report</b>\n{chapter} ({ward}), {period}. Deadline: {deadline}.").format(
            chapter=esc(target.chapter.name),
            ward=esc(target.ward.name if target.ward else ""),
            period=period_label(t, target.period),
            deadline=t.datetime(target.period.deadline),
        )
    ]
    if target.on_behalf:
        lines.append(t.gettext("You are filing on the chapter's behalf; this is recorded."))
    if target.existing is not None:
        lines.append(
            t.gettext(
                "Already reported: {new} new members, total {total}. Your answers will replace them."
            ).format(new=t.number(target.existing.new_members), total=t.number(target.existing.total_members))
        )
    lines.append("")
    lines.append(ask_new_text(ctx))
    await update.effective_message.reply_text("\n".join(lines))
    return ASK_NEW


def ask_new_text(ctx: BotContext) -> str:
    return ctx.t.gettext("How many new members did the chapter gain this period? (a number, for example 3)")


def ask_total_text(ctx: BotContext) -> str:
    return ctx.t.gettext("How many members does the chapter have in total now?")


def count_problem(ctx: BotContext, error: ParseError) -> str:
    t = ctx.t
    if error.reason is ParseReason.NEGATIVE:
        return t.gettext("The number cannot be negative.")
    if error.reason is ParseReason.TOO_LARGE:
        return t.gettext("That number is too large (at most {max}).").format(max=t.number(MAX_COUNT))
    if error.reason is ParseReason.NOT_WHOLE:
        return t.gettext("Please type a whole number of people.")
    if error.reason is ParseReason.AMBIGUOUS:
        return t.gettext("Please type just one number.")
    return t.gettext("I did not understand that as a number.")


def draft_of(ctx: BotContext) -> Draft | None:
    draft = ctx.user_data.get(DRAFT)
    return draft if isinstance(draft, Draft) else None


async def new_received(update: Update, ctx: BotContext) -> int:
    draft = draft_of(ctx)
    if draft is None:
        return await lost(update, ctx)
    value = parse_count(update.effective_message.text or "", max_value=MAX_COUNT)
    if isinstance(value, ParseError):
        await update.effective_message.reply_text(count_problem(ctx, value) + "\n" + ask_new_text(ctx))
        return ASK_NEW
    draft.new_members = value
    await update.effective_message.reply_text(ask_total_text(ctx))
    return ASK_TOTAL


async def total_received(update: Update, ctx: BotContext) -> int:
    draft = draft_of(ctx)
    if draft is None:
        return await lost(update, ctx)
    value = parse_count(update.effective_message.text or "", max_value=MAX_COUNT)
    if isinstance(value, ParseError):
        await update.effective_message.reply_text(count_problem(ctx, value) + "\n" + ask_total_text(ctx))
        return ASK_TOTAL
    draft.total_members = value
    await update.effective_message.reply_text(
        ctx.t.gettext("Any note for the ward (optional)? Type it, or press Skip."),
        reply_markup=buttons([[(ctx.t.gettext("Skip"), callbacks.encode(PREFIX, "skip", "note"))]]),
    )
    return ASK_NOTE


async def note_received(update: Update, ctx: BotContext) -> int:
    draft = draft_of(ctx)
    if draft is None:
        return await lost(update, ctx)
    note = limit_text(update.effective_message.text or "", MAX_NOTE)
    if isinstance(note, ParseError):
        await update.effective_message.reply_text(
            ctx.t.gettext(
                "The note is too long (at most {max} characters). Please shorten it, or press Skip."
            ).format(max=MAX_NOTE)
        )
        return ASK_NOTE
    draft.note = note or None
    return await ask_photo(update, ctx)


async def note_skipped(update: Update, ctx: BotContext) -> int:
    if draft_of(ctx) is None or not await skip_pressed(update, ctx, "note"):
        return ASK_NOTE
    return await ask_photo(update, ctx)


async def skip_pressed(update: Update, ctx: BotContext, what: str) -> bool:
    parts = callbacks.decode(update.callback_query.data, PREFIX, 2)
    if parts != ["skip", what]:
        await answer_stale(update, ctx.t)
        return False
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return True


async def ask_photo(update: Update, ctx: BotContext) -> int:
    await update.effective_message.reply_text(
        ctx.t.gettext("You may send a photo of the paper list (optional), or press Skip."),
        reply_markup=buttons([[(ctx.t.gettext("Skip"), callbacks.encode(PREFIX, "skip", "photo"))]]),
    )
    return ASK_PHOTO


async def photo_received(update: Update, ctx: BotContext) -> int:
    draft = draft_of(ctx)
    if draft is None:
        return await lost(update, ctx)
    draft.photo_file_id = update.effective_message.photo[-1].file_id
    return await read_back(update, ctx)


async def photo_skipped(update: Update, ctx: BotContext) -> int:
    if draft_of(ctx) is None or not await skip_pressed(update, ctx, "photo"):
        return ASK_PHOTO
    return await read_back(update, ctx)


async def not_a_photo(update: Update, ctx: BotContext) -> int:
    await update.effective_message.reply_text(
        ctx.t.gettext("Please send a photo of the paper list, or press Skip.")
    )
    return ASK_PHOTO


async def read_back(update: Update, ctx: BotContext) -> int:
    """'Chi hội …, tháng 11/2026: 3 hội viên mới, tổng 45 — đúng không?' with the sanity warnings."""
    t, draft = ctx.t, draft_of(ctx)
    if draft is None or draft.new_members is None or draft.total_members is None:
        return await lost(update, ctx)
    target = await ctx.services.reports.target(ctx.member, draft.chapter_id, draft.period_key)
    if target is None:
        return await lost(update, ctx)
    warnings = await ctx.services.reports.warnings(
        draft.chapter_id, draft.period_key, draft.new_members, draft.total_members
    )
    await update.effective_message.reply_text(
        summary(ctx, target, draft, warnings),
        reply_markup=buttons(
            [
                [
                    (
                        t.gettext("✅ Confirm") if not warnings else t.gettext("✅ Yes, it is correct"),
                        callbacks.encode(PREFIX, "ok", "-"),
                    ),
                    (t.gettext("✏️ Edit"), callbacks.encode(PREFIX, "edit", "-")),
                ]
            ]
        ),
    )
    return CONFIRM


def summary(ctx: BotContext, target: Target, draft: Draft, warnings: list) -> str:
    t = ctx.t
    lines = [
        t.gettext("{chapter}, {period}: {new} new members, total {total} — is that right?").format(
            chapter=esc(target.chapter.name),
            period=period_label(t, target.period),
            new=t.number(draft.new_members or 0),
            total=t.number(draft.total_members or 0),
        )
    ]
    if draft.note:
        lines.append(t.gettext("Note: {note}").format(note=esc(draft.note)))
    if draft.photo_file_id:
        lines.append(t.gettext("Photo of the paper list: attached."))
    if warnings:
        lines.append("")
        lines.extend(t.gettext(WARNING_TEXTS[w]) for w in warnings)
        lines.append(t.gettext("Please check the numbers. If they are right, confirm; otherwise press Edit."))
    return "\n".join(lines)


async def confirm_or_edit(update: Update, ctx: BotContext) -> int:
    """Confirm saves (once; filing again updates); Edit asks the numbers again."""
    query, t, draft = update.callback_query, ctx.t, draft_of(ctx)
    parts = callbacks.decode(query.data, PREFIX, 2)
    if draft is None or not parts or parts[0] not in ("ok", "edit"):
        await answer_stale(update, t)
        return CONFIRM
    await query.answer()
    await query.edit_message_reply_markup(None)
    if parts[0] == "edit":
        draft.new_members = draft.total_members = None
        await update.effective_message.reply_text(ask_new_text(ctx))
        return ASK_NEW
    assert draft.new_members is not None and draft.total_members is not None
    result = await ctx.services.reports.file(
        ctx.member,
        draft.chapter_id,
        draft.period_key,
        ReportValues(draft.new_members, draft.total_members, draft.note, draft.photo_file_id),
    )
    ctx.user_data.pop(DRAFT, None)
    await update.effective_message.reply_text(outcome_text(ctx, result), reply_markup=menu_for(ctx))
    return ConversationHandler.END


def outcome_text(ctx: BotContext, result: FileResult) -> str:
    t = ctx.t
    if result.outcome is FileOutcome.FILED:
        if result.on_time:
            return t.gettext("✅ Report saved. Thank you!")
        return t.gettext("✅ Report saved (after the deadline). Thank you!")
    if result.outcome is FileOutcome.UPDATED and result.previous and result.report:
        return t.gettext(
            "✅ Report corrected: was {old_new} new, total {old_total}; now {new} new, total {total}."
        ).format(
            old_new=t.number(result.previous.new_members),
            old_total=t.number(result.previous.total_members),
            new=t.number(result.report.new_members),
            total=t.number(result.report.total_members),
        )
    if result.outcome is FileOutcome.UNCHANGED:
        return t.gettext("The report already says exactly this; nothing changed.")
    if result.outcome is FileOutcome.CLOSED:
        return t.gettext("The reporting period is closed; the report can no longer be changed.")
    if result.outcome is FileOutcome.DENIED:
        return t.gettext("You can only file reports for your own chapter.")
    return t.gettext("The report could not be saved. Please send /report to try again.")


async def lost(update: Update, ctx: BotContext) -> int:
    """The draft is gone (e.g. after a restart): start again."""
    ctx.user_data.pop(DRAFT, None)
    if update.callback_query is not None:
        await answer_stale(update, ctx.t)
    else:
        await update.effective_message.reply_text(
            ctx.t.gettext("Your report was interrupted. Please send /report to start again.")
        )
    return ConversationHandler.END


async def stray(update: Update, ctx: BotContext) -> None:
    await update.effective_message.reply_text(
        ctx.t.gettext("Please use the buttons above, or send /cancel to stop the report.")
    )


async def cancel(update: Update, ctx: BotContext) -> int:
    ctx.user_data.pop(DRAFT, None)
    await update.effective_message.reply_text(
        ctx.t.gettext("Report cancelled; nothing was saved."), reply_markup=menu_for(ctx)
    )
    return ConversationHandler.END


async def stale_button(update: Update, ctx: BotContext) -> None:
    await answer_stale(update, ctx.t)


def register(app: Application) -> None:
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            entry_points=[
                CommandHandler(["report", "baocao"], start),
                MessageHandler(menu_filter(app, MENU_LABEL), start),
                CallbackQueryHandler(start_from_button, pattern=callbacks.pattern(START_PREFIX)),
            ],
            states={
                CHOOSE: [
                    CallbackQueryHandler(chosen, pattern=callbacks.pattern(PREFIX)),
                    MessageHandler(text, stray),
                ],
                ASK_NEW: [MessageHandler(text, new_received)],
                ASK_TOTAL: [MessageHandler(text, total_received)],
                ASK_NOTE: [
                    MessageHandler(text, note_received),
                    CallbackQueryHandler(note_skipped, pattern=callbacks.pattern(PREFIX)),
                ],
                ASK_PHOTO: [
                    MessageHandler(filters.PHOTO, photo_received),
                    CallbackQueryHandler(photo_skipped, pattern=callbacks.pattern(PREFIX)),
                    MessageHandler(text, not_a_photo),
                ],
                CONFIRM: [
                    CallbackQueryHandler(confirm_or_edit, pattern=callbacks.pattern(PREFIX)),
                    MessageHandler(text, stray),
                ],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            allow_reentry=True,
            name="reports",
            conversation_timeout=timedelta(hours=2),
        )
    )
    app.add_handler(CallbackQueryHandler(stale_button, pattern=callbacks.pattern(PREFIX)))
