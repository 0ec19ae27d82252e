"""The one error handler: log with context, apologise to the user, never crash itself."""

from __future__ import annotations

import html
import logging
import traceback

from telegram import Update
from telegram.error import BadRequest, Forbidden

from bot.context import BotContext
from bot.i18n import DEFAULT_LOCALE

logger = logging.getLogger("bot.errors")
OPS_TRACE_LIMIT = 3500


async def on_error(update: object, ctx: BotContext) -> None:
    """Log the failure with the update's ids (no personal data), apologise, tell the ops chat."""
    error = ctx.error
    if isinstance(error, BadRequest) and "not modified" in str(error).lower():
        return
    where = describe(update)
    logger.error("unhandled error while handling %s", where, exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None and not isinstance(error, Forbidden):
        try:
            locale = await _locale_of(update, ctx)
            t = ctx.services.i18n.translator(locale)
            await ctx.bot.send_message(
                update.effective_chat.id,
                t.gettext(
                    "Sorry, something went wrong on my side and your last action may not have been "
                    "completed. Please try again in a moment."
                ),
            )
        except Exception:
            logger.exception("could not apologise for the error in %s", where)
    ops_chat = ctx.bot_data.get("settings").ops_chat_id if ctx.bot_data.get("settings") else None
    if ops_chat:
        try:
            trace = "".join(traceback.format_exception(error))[-OPS_TRACE_LIMIT:]
            await ctx.bot.send_message(
                ops_chat, f"<b>Error</b> in {html.escape(where)}\n<pre>{html.escape(trace)}</pre>"
            )
        except Exception:
            logger.exception("could not report the error to the ops chat")


def describe(update: object) -> str:
    """Ids only: which update, which chat, what kind — never message text or names."""
    if not isinstance(update, Update):
        return type(update).__name__
    kind = "callback" if update.callback_query else "message" if update.effective_message else "update"
    chat = update.effective_chat.id if update.effective_chat else "-"
    return f"update {update.update_id} ({kind}, chat {chat})"


async def _locale_of(update: Update, ctx: BotContext) -> str:
    if update.effective_user is None:
        return DEFAULT_LOCALE
    member = await ctx.services.member_store.find_by_account("telegram", str(update.effective_user.id))
    return member.locale if member else DEFAULT_LOCALE
