"""Last in line: unknown commands, stray text and anything else get a short, helpful answer."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.context import BotContext
from handlers.common import menu_for
from handlers.render import answer_stale

MAX_ECHO = 32


async def unknown_command(update: Update, ctx: BotContext) -> None:
    await update.effective_message.reply_text(
        ctx.t.gettext("I do not know that command. Send /help to see what I can do, or use the menu below."),
        reply_markup=menu_for(ctx),
    )


async def stray_message(update: Update, ctx: BotContext) -> None:
    """Text or media nobody was waiting for."""
    member, t = ctx.member, ctx.t
    if member is not None and not member.is_active:
        text = t.gettext("Send /start to register with your chapter, or /help to see what I can do.")
    else:
        text = t.gettext("I did not understand that. Choose an action from the menu below, or send /help.")
    await update.effective_message.reply_text(text, reply_markup=menu_for(ctx))


async def unknown_button(update: Update, ctx: BotContext) -> None:
    """A button no feature recognises (another version's, or forged): say so instead of leaving it
    spinning."""
    await answer_stale(update, ctx.t)


def register(app: Application) -> None:
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, stray_message))
    app.add_handler(CallbackQueryHandler(unknown_button))
