"""/broadcasts: the broadcasts a member may look back on, a page at a time, with reports and cancelling."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.core.broadcast_history import HistoryPage, Listed
from bot.core.broadcasts import AudienceKind, Broadcast, BroadcastStatus, Result
from bot.core.permissions import Action, can
from bot.i18n import Translator
from handlers import callbacks
from handlers.broadcasts import sending
from handlers.broadcasts.texts import describe_audience, snippet
from handlers.registry import N_, CommandSpec, MenuEntry
from handlers.render import answer_stale, buttons, esc, split_message

logger = logging.getLogger(__name__)

PREFIX = "bcl"
COMMAND = CommandSpec(
    "broadcasts", N_("See the broadcasts sent and scheduled, with their reports"), Action.VIEW_BROADCASTS
)
MENU_LABEL = N_("📋 Broadcast list")
MENU_ENTRY = MenuEntry(MENU_LABEL, Action.VIEW_BROADCASTS, 61)
SNIPPET = 60


async def list_command(update: Update, ctx: BotContext) -> None:
    """/broadcasts (or the menu button): the first page."""
    t = ctx.t
    page = await ctx.services.broadcast_history.page(ctx.member, 0)
    if page.result is not Result.OK:
        await update.effective_message.reply_text(_not_allowed(t))
        return
    text, markup = await _render(ctx, page)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def pressed(update: Update, ctx: BotContext) -> None:
    """The list's buttons: p = page, r = report, x = cancel?, y = cancel confirmed, k = keep.

    Each carries a number (page or broadcast) and the page of the list it was pressed on (0 on older
    buttons)."""
    query = update.callback_query
    parts = callbacks.decode(query.data, PREFIX, 2) or callbacks.decode(query.data, PREFIX, 3)
    number = callbacks.parse_int(parts[1]) if parts else None
    on_page = callbacks.parse_int(parts[2]) if parts and len(parts) == 3 else 0
    action = parts[0] if parts else None
    handler = {"p": _page, "r": _report, "x": _ask_cancel, "y": _cancel, "k": _keep}.get(action or "")
    if handler is None or number is None or on_page is None:
        await answer_stale(update, ctx.t)
        return
    await handler(update, ctx, number, on_page)


async def _page(update: Update, ctx: BotContext, number: int, _on_page: int) -> None:
    query, t = update.callback_query, ctx.t
    page = await ctx.services.broadcast_history.page(ctx.member, number)
    if page.result is not Result.OK:
        await query.answer(_not_allowed(t), show_alert=True)
        return
    text, markup = await _render(ctx, page)
    await query.answer()
    await query.edit_message_text(text, reply_markup=markup)


async def _report(update: Update, ctx: BotContext, broadcast_id: int, _on_page: int) -> None:
    query, t = update.callback_query, ctx.t
    view = await ctx.services.broadcast_history.report(ctx.member, broadcast_id)
    if view.result is not Result.OK or view.broadcast is None or view.report is None:
        await _refuse(update, ctx, view.result, view.broadcast)
        return
    broadcast, report = view.broadcast, view.report
    await query.answer()
    if broadcast.status is BroadcastStatus.DONE:
        text, markup = sending.final_text(t, broadcast, report), sending.manage_markup(t, broadcast.id)
    else:
        text, markup = sending.sending_report_text(t, broadcast, report), None
    parts = split_message(text)
    for part in parts[:-1]:
        await update.effective_message.reply_text(part)
    await update.effective_message.reply_text(parts[-1], reply_markup=markup)


async def _ask_cancel(update: Update, ctx: BotContext, broadcast_id: int, on_page: int) -> None:
    """ "Are you sure?" as a reply to the list, so confirming can bring the list up to date."""
    query, t = update.callback_query, ctx.t
    outcome = await ctx.services.broadcast_history.check_cancel(ctx.member, broadcast_id)
    if outcome.result is not Result.OK or outcome.broadcast is None:
        await _refuse(update, ctx, outcome.result, outcome.broadcast)
        return
    broadcast = outcome.broadcast
    audience = (await _audiences(ctx, [broadcast]))[broadcast.id]
    text = t.gettext(
        "Cancel broadcast #{id}? It was to be sent on {when} to {audience}:\n“{snippet}”\n"
        "If you cancel it, nobody receives it."
    ).format(
        id=broadcast.id,
        when=t.datetime(broadcast.scheduled_at or broadcast.created_at),
        audience=audience,
        snippet=esc(snippet(broadcast.content.text, SNIPPET)),
    )
    await query.answer()
    await update.effective_message.reply_text(
        text,
        do_quote=True,
        reply_markup=buttons(
            [
                [(t.gettext("✅ Yes, cancel it"), callbacks.encode(PREFIX, "y", broadcast.id, on_page))],
                [(t.gettext("↩ No, keep it"), callbacks.encode(PREFIX, "k", broadcast.id, on_page))],
            ]
        ),
    )


async def _cancel(update: Update, ctx: BotContext, broadcast_id: int, on_page: int) -> None:
    query, t = update.callback_query, ctx.t
    outcome = await ctx.services.broadcast_history.cancel(ctx.member, broadcast_id)
    if outcome.result is not Result.OK:
        await _refuse(update, ctx, outcome.result, outcome.broadcast)
        return
    await ctx.services.tasks.cancel_prefix(f"broadcast:{broadcast_id}:")
    await query.answer()
    await query.edit_message_text(
        t.gettext("✖ Broadcast #{id} is cancelled; nothing was sent.").format(id=broadcast_id)
    )
    await _refresh_list(update, ctx, on_page)


async def _keep(update: Update, ctx: BotContext, broadcast_id: int, on_page: int) -> None:
    query, t = update.callback_query, ctx.t
    await query.answer()
    await query.edit_message_text(
        t.gettext("Nothing changed: broadcast #{id} stays as it was.").format(id=broadcast_id)
    )
    await _refresh_list(update, ctx, on_page)


async def _refresh_list(update: Update, ctx: BotContext, page_number: int) -> None:
    """Re-draw the list the confirmation replied to (found by Telegram's reply link, never by button data)."""
    listed = update.callback_query.message.reply_to_message if update.callback_query.message else None
    if listed is None or not _is_list(listed):
        return
    page = await ctx.services.broadcast_history.page(ctx.member, page_number)
    if page.result is not Result.OK:
        return
    text, markup = await _render(ctx, page)
    try:
        await listed.edit_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message:
            logger.warning("could not redraw the broadcast list: %s", exc.message)


def _is_list(message: Message) -> bool:
    """A list message of this bot: the only messages with this feature's list buttons."""
    markup = message.reply_markup
    return markup is not None and any(
        (button.callback_data or "").startswith(f"{callbacks.VERSION}:{PREFIX}:")
        for row in markup.inline_keyboard
        for button in row
        if isinstance(button.callback_data, str)
    )


async def _refuse(update: Update, ctx: BotContext, result: Result, broadcast: Broadcast | None) -> None:
    """A polite alert for a button that cannot act (someone else's, already sent, cancelled); nothing
    changes."""
    query, t = update.callback_query, ctx.t
    if result is Result.DENIED:
        text = (
            t.gettext("You can only see and manage the broadcasts you sent yourself.")
            if can(ctx.member, Action.VIEW_BROADCASTS)
            else _not_allowed(t)
        )
    elif broadcast is not None and broadcast.status is BroadcastStatus.CANCELLED:
        text = t.gettext("Broadcast #{id} was cancelled before it went out: nothing more to do.").format(
            id=broadcast.id
        )
    elif broadcast is not None and broadcast.status is BroadcastStatus.SCHEDULED:
        text = t.gettext(
            "Broadcast #{id} has not been sent yet: its report will be ready once it goes out."
        ).format(id=broadcast.id)
    elif broadcast is not None and result is Result.TOO_LATE:
        text = t.gettext("Too late: broadcast #{id} has already been sent.").format(id=broadcast.id)
    else:
        await answer_stale(update, t)
        return
    await query.answer(text, show_alert=True)


def _not_allowed(t: Translator) -> str:
    return t.gettext("Only organisers, district admins and ward leads can see the list of broadcasts.")


async def _render(ctx: BotContext, page: HistoryPage) -> tuple[str, InlineKeyboardMarkup | None]:
    t = ctx.t
    if not page.items:
        return t.gettext("There are no broadcasts yet. To send one, use /broadcast."), None
    audiences = await _audiences(ctx, [item.broadcast for item in page.items])
    header = t.gettext("📋 <b>Broadcasts</b> – page {page} of {pages}").format(
        page=t.number(page.page + 1), pages=t.number(page.pages)
    )
    blocks = [_item_text(t, item, audiences[item.broadcast.id]) for item in page.items]
    rows: list[list[tuple[str, str]]] = []
    for item in page.items:
        b = item.broadcast
        if b.status is BroadcastStatus.SCHEDULED:
            rows.append(
                [
                    (
                        t.gettext("✖ Cancel #{id}").format(id=b.id),
                        callbacks.encode(PREFIX, "x", b.id, page.page),
                    )
                ]
            )
        elif b.status in (BroadcastStatus.SENDING, BroadcastStatus.DONE):
            rows.append([(t.gettext("📊 Report #{id}").format(id=b.id), callbacks.encode(PREFIX, "r", b.id))])
    nav = []
    if page.has_previous:
        nav.append((t.gettext("◀ Previous"), callbacks.encode(PREFIX, "p", page.page - 1)))
    if page.has_next:
        nav.append((t.gettext("Next ▶"), callbacks.encode(PREFIX, "p", page.page + 1)))
    if nav:
        rows.append(nav)
    return "\n\n".join([header, *blocks]), buttons(rows) if rows else None


def _item_text(t: Translator, item: Listed, audience: str) -> str:
    b = item.broadcast
    when = t.datetime(item.when)
    if b.status is BroadcastStatus.SCHEDULED:
        status = t.gettext("🕒 <b>#{id}</b> · scheduled for {when}").format(id=b.id, when=when)
    elif b.status is BroadcastStatus.SENDING:
        status = t.gettext(
            "📤 <b>#{id}</b> · sending since {when}: {sent} of {total} delivered so far"
        ).format(id=b.id, when=when, sent=t.number(item.delivered), total=t.number(item.total))
    elif b.status is BroadcastStatus.DONE:
        status = t.gettext("✅ <b>#{id}</b> · sent {when}: delivered {sent} of {total}").format(
            id=b.id, when=when, sent=t.number(item.delivered), total=t.number(item.total)
        )
    else:
        status = t.gettext("✖ <b>#{id}</b> · cancelled (it was to be sent {when})").format(id=b.id, when=when)
    if item.sender:
        to = t.gettext("To: {audience} — from {sender}").format(audience=audience, sender=esc(item.sender))
    else:
        to = t.gettext("To: {audience}").format(audience=audience)
    return "\n".join([status, to, "“" + esc(snippet(b.content.text, SNIPPET)) + "”"])


async def _audiences(ctx: BotContext, found: list[Broadcast]) -> dict[int, str]:
    """Each broadcast's audience described in the member's language."""
    org = ctx.services.org
    wards = {w.id: w.name for w in await org.wards(include_inactive=True)}
    chapters = (
        {c.id: c.name for c in await org.chapters(include_inactive=True)}
        if any(b.audience.kind is AudienceKind.CHAPTERS for b in found)
        else {}
    )
    return {b.id: describe_audience(ctx.t, b.audience, wards=wards, chapters=chapters) for b in found}
