"""Weekly summary: /summary (choice of week), /summary_subscribe, ward drill-down, the Monday delivery."""

from __future__ import annotations

import re

from telegram import InputFile, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from bot.core.permissions import Action
from bot.core.summary import Outcome, Week, WeeklySummary, parse_week_key
from bot.core.text import fold
from bot.scheduler import register_task_kind
from handlers import callbacks
from handlers.registry import N_, CommandSpec, add_startup_hook
from handlers.render import answer_stale, esc, split_message
from handlers.summary.keyboards import earlier_weeks, ward_buttons, week_choice
from handlers.summary.text import render_summary
from handlers.summary.weekly import (
    TASK_KIND,
    link_report_periods,
    plan_summaries,
    render_files,
    run_weekly_summary,
    workbook_filename,
)

COMMANDS = (
    CommandSpec("summary", N_("Weekly summary of the association"), Action.VIEW_SUMMARY),
    CommandSpec(
        "summary_subscribe", N_("Receive the weekly summary every Monday (or stop)"), Action.VIEW_SUMMARY
    ),
)
MAX_DRILL_TEXT = 60
_WARD_ONLY = re.compile(r"^\s*(?:phuong|p\.?)\s*\d{1,3}\s*$")
_WARD_WORD = re.compile(r"^\s*(?:phuong|xa|p\.?)\s*\w[\w\s]{0,30}$")
SUMMARY_MARK = "📊"


class WardReply(filters.MessageFilter):
    """'phường 5' typed alone, or a reply to the bot that starts with a ward word or answers a summary's first
    part (nothing else: free text belongs to the FAQ)."""

    def filter(self, message: Message) -> bool:
        text = message.text or ""
        if not text or len(text) > MAX_DRILL_TEXT or text.startswith("/"):
            return False
        folded = fold(text)
        reply = message.reply_to_message
        if reply is not None and reply.from_user is not None and reply.from_user.is_bot:
            return (reply.text or "").startswith(SUMMARY_MARK) or bool(_WARD_WORD.match(folded))
        return bool(_WARD_ONLY.match(folded))


async def send_summary(
    message: Message, ctx: BotContext, summary: WeeklySummary, *, files: bool = True
) -> None:
    """Reply with the summary text (split), its ward buttons, then the chart and the workbook."""
    t = ctx.t
    parts = split_message(render_summary(t, summary))
    markup = ward_buttons(t, summary)
    for index, part in enumerate(parts):
        await message.reply_text(part, reply_markup=markup if index == len(parts) - 1 else None)
    if not files or summary.is_empty:
        return
    png, xlsx = await render_files(t, summary)
    if png:
        await message.reply_photo(
            InputFile(png, filename=f"tom-tat-{summary.week.key}.png"),
            caption=t.gettext("New members by ward, {week}").format(week=summary.week.key),
        )
    await message.reply_document(
        InputFile(xlsx, filename=workbook_filename(summary)),
        caption=t.gettext("Weekly summary {week} (Excel)").format(week=summary.week.key),
    )


async def deny(message: Message, ctx: BotContext) -> None:
    await message.reply_text(
        ctx.t.gettext("The weekly summary is for district admins, organisers and ward leads.")
    )


async def summary_command(update: Update, ctx: BotContext) -> None:
    """/summary: choose a week; /summary 2026-W48 goes straight to that week."""
    message, service = update.effective_message, ctx.services.summary
    arg = " ".join(ctx.args or []).strip()
    if arg:
        week = parse_week_key(arg, service.tz)
        if week is None or week.start > ctx.services.clock.now():
            await message.reply_text(
                ctx.t.gettext(
                    "I could not read that week. Write it like 2026-W48, or send /summary and choose."
                )
            )
            return
        await show_week(message, ctx, week)
        return
    if not service.may_view(ctx.member):
        await deny(message, ctx)
        return
    this_week = service.week_of(ctx.services.clock.now())
    await message.reply_text(ctx.t.gettext("Which week?"), reply_markup=week_choice(ctx.t, this_week))


async def show_week(message: Message, ctx: BotContext, week: Week, ward_id: int | None = None) -> None:
    result = await ctx.services.summary.summary_for(ctx.member, week, ward_id)
    if result.outcome is Outcome.DENIED and ctx.services.summary.may_view(ctx.member):
        await message.reply_text(ctx.t.gettext("You can only see the summary of your own ward."))
    elif result.outcome is Outcome.DENIED:
        await deny(message, ctx)
    elif result.outcome is Outcome.NOT_FOUND or result.summary is None:
        await message.reply_text(ctx.t.gettext("That ward no longer exists."))
    else:
        await send_summary(message, ctx, result.summary, files=ward_id is None)


def _pressed_week(update: Update, ctx: BotContext, prefix: str) -> Week | None:
    parts = callbacks.decode(update.callback_query.data, prefix, 1)
    week = parse_week_key(parts[0], ctx.services.summary.tz) if parts else None
    return week if week is not None and week.start <= ctx.services.clock.now() else None


async def week_pressed(update: Update, ctx: BotContext) -> None:
    week = _pressed_week(update, ctx, "sumk")
    if week is None:
        await answer_stale(update, ctx.t)
        return
    await update.callback_query.answer()
    await show_week(update.effective_message, ctx, week)


async def earlier_pressed(update: Update, ctx: BotContext) -> None:
    week = _pressed_week(update, ctx, "sume")
    if week is None:
        await answer_stale(update, ctx.t)
        return
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(earlier_weeks(ctx.t, week))


async def ward_pressed(update: Update, ctx: BotContext) -> None:
    """A ward button under the summary: that ward's details for the same week."""
    parts = callbacks.decode(update.callback_query.data, "sumw", 2)
    week = parse_week_key(parts[0], ctx.services.summary.tz) if parts else None
    ward_id = callbacks.parse_int(parts[1]) if parts else None
    if week is None or ward_id is None:
        await answer_stale(update, ctx.t)
        return
    result = await ctx.services.summary.summary_for(ctx.member, week, ward_id)
    if result.outcome is not Outcome.OK or result.summary is None:
        await update.callback_query.answer(
            ctx.t.gettext("You cannot see this ward's details."), show_alert=True
        )
        return
    await update.callback_query.answer()
    await send_summary(update.effective_message, ctx, result.summary, files=False)


async def ward_replied(update: Update, ctx: BotContext) -> None:
    """'phường 5' (typed, or replying to a summary): that ward's details for the summary's week."""
    message, service = update.effective_message, ctx.services.summary
    week = None
    if message.reply_to_message is not None:
        week = await service.summary_message_week(str(message.chat_id), message.reply_to_message.message_id)
    ward = await service.find_ward(message.text or "")
    if ward is None:
        await message.reply_text(
            ctx.t.gettext(
                "I do not know a ward called “{text}”. Write its name as in the summary, for example “phường "
                "5”."
            ).format(text=esc(message.text))
        )
        return
    await show_week(message, ctx, week or service.last_week(), ward.id)


async def toggle_subscription(update: Update, ctx: BotContext) -> None:
    subscribed = await ctx.services.summary.toggle_subscription(ctx.member)
    message, t = update.effective_message, ctx.t
    if subscribed is None:
        await deny(message, ctx)
    elif subscribed:
        await message.reply_text(
            t.gettext(
                "You will receive the weekly summary every Monday morning. Send /summary_subscribe again to "
                "stop."
            )
        )
    else:
        await message.reply_text(
            t.gettext(
                "You will no longer receive the weekly summary. Send /summary_subscribe to receive it again."
            )
        )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("summary", summary_command))
    app.add_handler(CommandHandler("summary_subscribe", toggle_subscription))
    app.add_handler(CallbackQueryHandler(week_pressed, pattern=callbacks.pattern("sumk")))
    app.add_handler(CallbackQueryHandler(earlier_pressed, pattern=callbacks.pattern("sume")))
    app.add_handler(CallbackQueryHandler(ward_pressed, pattern=callbacks.pattern("sumw")))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & WardReply(), ward_replied))
    register_task_kind(app, TASK_KIND, run_weekly_summary)
    add_startup_hook(app, _startup)


async def _startup(app: Application) -> None:
    services = app.bot_data["services"]
    link_report_periods(services)
    await plan_summaries(app)
