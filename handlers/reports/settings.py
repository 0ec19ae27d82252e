"""/report_settings: an admin sets the reporting period (month, week, quarter) and the deadline."""

from __future__ import annotations

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
from bot.core.parsing import PeriodKind
from bot.core.permissions import Action, can
from bot.core.reports import FileOutcome, ReportConfig, parse_deadline
from bot.i18n import Translator
from handlers import callbacks
from handlers.render import answer_stale, buttons
from handlers.reports.texts import KIND_LABELS, period_label

PREFIX = "reps"
DRAFT = "report_settings"
CHOOSE_KIND, ASK_DEADLINE = range(2)
DEADLINE_EXAMPLES = {
    PeriodKind.MONTH: "25 20:00",
    PeriodKind.WEEK: "thứ 6 17:00",
    PeriodKind.QUARTER: "25 20:00",
}


def describe(t: Translator, config: ReportConfig) -> str:
    at = config.deadline_time.strftime("%H:%M")
    if config.kind is PeriodKind.WEEK:
        return t.gettext("Weekly reports, due on weekday {day} (1 = Monday) at {time}.").format(
            day=config.deadline_day, time=at
        )
    if config.kind is PeriodKind.QUARTER:
        return t.gettext("Quarterly reports, due on day {day} of the quarter's last month at {time}.").format(
            day=config.deadline_day, time=at
        )
    return t.gettext("Monthly reports, due on day {day} of the month at {time}.").format(
        day=config.deadline_day, time=at
    )


async def start(update: Update, ctx: BotContext) -> int:
    t = ctx.t
    if not can(ctx.member, Action.CONFIGURE_REPORTS):
        await update.effective_message.reply_text(
            t.gettext("Only district admins can change the report settings.")
        )
        return ConversationHandler.END
    config = await ctx.services.reports.config()
    rp = await ctx.services.reports.current_period()
    await update.effective_message.reply_text(
        t.gettext(
            "<b>Report settings</b>\n{settings}\nCurrent period: {period}, deadline {deadline}.\n\n"
            "Choose how often chapters report:"
        ).format(settings=describe(t, config), period=period_label(t, rp), deadline=t.datetime(rp.deadline)),
        reply_markup=buttons(
            [[(t.gettext(KIND_LABELS[k]), callbacks.encode(PREFIX, k.value)) for k in PeriodKind]]
        ),
    )
    return CHOOSE_KIND


async def kind_chosen(update: Update, ctx: BotContext) -> int:
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, PREFIX, 1)
    kind = next((k for k in PeriodKind if parts and parts[0] == k.value), None)
    if kind is None or not can(ctx.member, Action.CONFIGURE_REPORTS):
        await answer_stale(update, t)
        return CHOOSE_KIND
    ctx.user_data[DRAFT] = kind
    await query.answer()
    await query.edit_message_reply_markup(None)
    await update.effective_message.reply_text(deadline_question(t, kind))
    return ASK_DEADLINE


def deadline_question(t: Translator, kind: PeriodKind) -> str:
    if kind is PeriodKind.WEEK:
        question = t.gettext("Which weekday and time is the deadline? For example: {example}")
    elif kind is PeriodKind.QUARTER:
        question = t.gettext(
            "Which day of the quarter's last month, and what time, is the deadline? For example: {example}"
        )
    else:
        question = t.gettext("Which day of the month and what time is the deadline? For example: {example}")
    return question.format(example=DEADLINE_EXAMPLES[kind])


async def deadline_received(update: Update, ctx: BotContext) -> int:
    t = ctx.t
    kind = ctx.user_data.get(DRAFT)
    if not isinstance(kind, PeriodKind):
        return ConversationHandler.END
    parsed = parse_deadline(update.effective_message.text or "", kind)
    if parsed is None:
        await update.effective_message.reply_text(
            t.gettext("I did not understand that deadline.") + "\n" + deadline_question(t, kind)
        )
        return ASK_DEADLINE
    config = ReportConfig(kind, parsed[0], parsed[1])
    if await ctx.services.reports.configure(ctx.member, config) is FileOutcome.DENIED:
        await update.effective_message.reply_text(
            t.gettext("Only district admins can change the report settings.")
        )
        return ConversationHandler.END
    ctx.user_data.pop(DRAFT, None)
    rp = await ctx.services.reports.current_period()
    await update.effective_message.reply_text(
        t.gettext(
            "Saved. {settings}\nCurrent period: {period}, deadline {deadline}. Reminders are planned again."
        ).format(settings=describe(t, config), period=period_label(t, rp), deadline=t.datetime(rp.deadline))
    )
    return ConversationHandler.END


async def cancel(update: Update, ctx: BotContext) -> int:
    ctx.user_data.pop(DRAFT, None)
    await update.effective_message.reply_text(ctx.t.gettext("Settings unchanged."))
    return ConversationHandler.END


async def stale_button(update: Update, ctx: BotContext) -> None:
    await answer_stale(update, ctx.t)


def register(app: Application) -> None:
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("report_settings", start)],
            states={
                CHOOSE_KIND: [CallbackQueryHandler(kind_chosen, pattern=callbacks.pattern(PREFIX))],
                ASK_DEADLINE: [MessageHandler(filters.TEXT & ~filters.COMMAND, deadline_received)],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            allow_reentry=True,
            name="report_settings",
            conversation_timeout=timedelta(hours=1),
        )
    )
    app.add_handler(CallbackQueryHandler(stale_button, pattern=callbacks.pattern(PREFIX)))
