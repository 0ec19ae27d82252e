"""Broadcast delivery on Telegram: launch, live progress, the final report, acknowledgements, re-send."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application

from bot.context import BotContext
from bot.core.broadcasts import (
    PROGRESS_INTERVAL_S,
    AudienceMember,
    Broadcast,
    BroadcastStatus,
    DeliveryLine,
    DeliveryReport,
    Result,
    broadcast_id_of,
    delivery_report,
    progress_due,
)
from bot.core.models import Role
from bot.i18n import Translator
from handlers import callbacks
from handlers.render import answer_stale, buttons, esc
from storage.outbox import OutgoingMessage

logger = logging.getLogger(__name__)

ACK_PREFIX = "bca"
MANAGE_PREFIX = "bcm"
TASK_KIND = "broadcast_send"
MAX_NAMES = 25
PROGRESS_KEY = "broadcast_progress"


class Task(Protocol):
    """The due task the scheduler hands over (storage.tasks.Task)."""

    payload: dict[str, Any]


def task_key(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}:send"


def ack_markup(t: Translator, broadcast_id: int) -> dict:
    """The 'Đã nhận' button under every broadcast message (0 = a preview)."""
    return buttons([[(t.gettext("✅ Received"), callbacks.encode(ACK_PREFIX, broadcast_id))]]).to_dict()


def _markup_for(app: Application):
    i18n = app.bot_data["i18n"]

    def markup(broadcast: Broadcast, person: AudienceMember) -> dict:
        return ack_markup(i18n.translator(person.locale), broadcast.id)

    return markup


async def launch(app: Application, broadcast_id: int, *, report_chat_id: str | None = None) -> Result:
    """Post the sender's progress message, queue one message per recipient, once; safe to call twice."""
    services = app.bot_data["services"]
    broadcast = await services.broadcasts.store.get(broadcast_id)
    if broadcast is None:
        return Result.NOT_FOUND
    if broadcast.status not in (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED):
        return Result.ALREADY_DONE
    sender = await services.members.recipient(broadcast.created_by)
    chat_id = report_chat_id or (sender.chat_id if sender else None)
    message = None
    if chat_id is not None:
        t = services.i18n.translator(sender.locale if sender else "vi")
        try:
            message = await app.bot.send_message(
                chat_id, t.gettext("📣 Preparing broadcast #{id}…").format(id=broadcast.id)
            )
            await services.broadcasts.store.set_report_message(broadcast.id, str(chat_id), message.message_id)
        except TelegramError:
            logger.warning("could not post the progress message of broadcast %s", broadcast.id)
    outcome = await services.broadcasts.launch(broadcast_id, _markup_for(app))
    if outcome.result is Result.DENIED and message is not None:
        t = services.i18n.translator(sender.locale if sender else "vi")
        await message.edit_text(
            t.gettext("Broadcast #{id} was not sent: its sender may no longer send to this audience.").format(
                id=broadcast.id
            )
        )
    if outcome.result is not Result.OK:
        return outcome.result
    delivery = app.bot_data.get("delivery")
    if delivery is not None:
        delivery.wake()
    await on_progress(app, broadcast.batch)
    return Result.OK


async def report_of(app: Application, broadcast: Broadcast) -> DeliveryReport:
    return await delivery_report(app.bot_data["services"].broadcasts.store, broadcast)


def progress_text(t: Translator, broadcast: Broadcast, handled: int, total: int) -> str:
    percent = t.percent(handled / total) if total else t.percent(1)
    return t.gettext("📣 Sending broadcast #{id}: {handled} of {total} ({percent})…").format(
        id=broadcast.id, handled=t.number(handled), total=t.number(total), percent=percent
    )


def _names(t: Translator, lines: tuple[DeliveryLine, ...], *, phones: bool) -> str:
    shown = []
    for line in lines[:MAX_NAMES]:
        parts = [esc(line.full_name)]
        if line.ward_name:
            parts.append(esc(line.ward_name))
        if phones and line.phone:
            parts.append(esc(line.phone))
        shown.append("• " + " – ".join(parts))
    if len(lines) > MAX_NAMES:
        shown.append(t.gettext("… and {count} more").format(count=t.number(len(lines) - MAX_NAMES)))
    return "\n".join(shown)


def final_text(t: Translator, broadcast: Broadcast, report: DeliveryReport) -> str:
    """The delivery report: sent, failed and unreachable, with names (and phones to call)."""
    title = t.gettext("📣 <b>Broadcast #{id} delivered.</b>").format(id=broadcast.id)
    return "\n".join([title, _counts(t, report)]) + _who_to_call(t, report)


def sending_report_text(t: Translator, broadcast: Broadcast, report: DeliveryReport) -> str:
    """The report of a broadcast still going out: the final report's lines, so far, under how far it got."""
    percent = t.percent(report.handled / report.total) if report.total else t.percent(1)
    title = t.gettext(
        "📤 <b>Sending: {handled} of {total}</b> ({percent}) – broadcast #{id}, so far:"
    ).format(handled=t.number(report.handled), total=t.number(report.total), percent=percent, id=broadcast.id)
    return "\n".join([title, _counts(t, report)]) + _who_to_call(t, report)


def _counts(t: Translator, report: DeliveryReport) -> str:
    return t.gettext(
        "Sent: {sent} of {total}\nFailed: {failed}\nUnreachable (blocked the bot): {unreachable}\n"
        "Acknowledged: {acked}"
    ).format(
        sent=t.number(report.sent),
        total=t.number(report.total),
        failed=t.number(len(report.failed)),
        unreachable=t.number(len(report.unreachable)),
        acked=t.number(report.acked),
    )


def _who_to_call(t: Translator, report: DeliveryReport) -> str:
    """The names (and phones, where the report keeps them) of those the broadcast did not reach."""
    text = ""
    if report.failed:
        text += (
            "\n\n"
            + t.gettext("<b>Could not be delivered:</b>")
            + "\n"
            + _names(t, report.failed, phones=True)
        )
    if report.unreachable:
        text += (
            "\n\n"
            + t.gettext("<b>Please call them, they have blocked the bot:</b>")
            + "\n"
            + _names(t, report.unreachable, phones=True)
        )
    return text


def manage_markup(t: Translator, broadcast_id: int) -> InlineKeyboardMarkup:
    return buttons(
        [
            [(t.gettext("👀 Who acknowledged"), callbacks.encode(MANAGE_PREFIX, "w", broadcast_id))],
            [
                (
                    t.gettext("🔁 Re-send to those who have not"),
                    callbacks.encode(MANAGE_PREFIX, "r", broadcast_id),
                )
            ],
        ]
    )


@dataclass
class _Progress:
    """Per broadcast: one background task edits the progress message; deliveries never wait for it."""

    dirty: bool = False
    task: asyncio.Task[None] | None = None
    last_at: float | None = None
    last_handled: int = 0


async def on_progress(app: Application, batch: str) -> None:
    """After each outcome: (re)start the broadcast's progress task, which catches up with every outcome."""
    broadcast_id = broadcast_id_of(batch)
    if broadcast_id is None:
        return
    states: dict[int, _Progress] = app.bot_data.setdefault(PROGRESS_KEY, {})
    state = states.setdefault(broadcast_id, _Progress())
    state.dirty = True
    if state.task is None or state.task.done():
        state.task = asyncio.create_task(
            _follow(app, broadcast_id, state), name=f"broadcast-progress-{broadcast_id}"
        )


async def progress_settled(app: Application) -> bool:
    """Wait for the progress tasks running now; True if there were any (tests, graceful stop)."""
    tasks = [
        s.task
        for s in app.bot_data.get(PROGRESS_KEY, {}).values()
        if s.task is not None and not s.task.done()
    ]
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
    return bool(tasks)


async def _follow(app: Application, broadcast_id: int, state: _Progress) -> None:
    while state.dirty:
        state.dirty = False
        try:
            if await _update(app, broadcast_id, state):
                app.bot_data.get(PROGRESS_KEY, {}).pop(broadcast_id, None)
                return
        except Exception:
            logger.exception("progress of broadcast %s", broadcast_id)


async def _update(app: Application, broadcast_id: int, state: _Progress) -> bool:
    """Edit the sender's progress message (throttled); once every row has an outcome, the final report.

    Returns True when the broadcast is over (nothing more to follow), or the bot is stopping."""
    services = app.bot_data.get("services")
    if services is None:
        return True
    broadcast = await services.broadcasts.store.get(broadcast_id)
    if broadcast is None or broadcast.status is not BroadcastStatus.SENDING:
        return True
    progress = await services.outbox.progress(broadcast.batch)
    if progress.done:
        if await services.broadcasts.finish(broadcast_id):
            await _finalise(app, broadcast)
        return True
    handled = progress.total - progress.count("queued") - progress.count("sending")
    now = time.monotonic()
    if state.last_at is not None and not progress_due(
        last_at=state.last_at, last_handled=state.last_handled, now=now, handled=handled, total=progress.total
    ):
        if now - state.last_at < PROGRESS_INTERVAL_S:
            await asyncio.sleep(PROGRESS_INTERVAL_S - (now - state.last_at))
            state.dirty = True
        return False
    state.last_at, state.last_handled = now, handled
    t = await _sender_translator(app, broadcast)
    await _edit(app, broadcast, progress_text(t, broadcast, handled, progress.total))
    return False


async def _sender_translator(app: Application, broadcast: Broadcast) -> Translator:
    services = app.bot_data["services"]
    sender = await services.member_store.get(broadcast.created_by)
    return services.i18n.translator(sender.locale if sender else "vi")


async def _edit(
    app: Application, broadcast: Broadcast, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    if broadcast.report_chat_id is None or broadcast.report_message_id is None:
        return
    try:
        await app.bot.edit_message_text(
            text,
            chat_id=broadcast.report_chat_id,
            message_id=broadcast.report_message_id,
            reply_markup=markup,
        )
    except BadRequest as exc:
        if "not modified" not in exc.message:
            logger.warning("could not edit the progress of broadcast %s: %s", broadcast.id, exc.message)
    except TelegramError as exc:
        logger.warning("could not edit the progress of broadcast %s: %s", broadcast.id, exc)


async def _finalise(app: Application, broadcast: Broadcast) -> None:
    """The final report to the sender; each ward lead hears which of their members could not be reached."""
    services = app.bot_data["services"]
    broadcast = await services.broadcasts.store.get(broadcast.id) or broadcast
    report = await report_of(app, broadcast)
    t = await _sender_translator(app, broadcast)
    text = final_text(t, broadcast, report)
    markup = manage_markup(t, broadcast.id)
    if broadcast.report_message_id is not None:
        await _edit(app, broadcast, text[:4096], markup)
    else:
        sender = await services.members.recipient(broadcast.created_by)
        if sender is not None:
            await services.outbox.enqueue(
                f"broadcast-report:{broadcast.id}",
                [
                    OutgoingMessage(
                        f"broadcast-report:{broadcast.id}",
                        sender.member_id,
                        sender.chat_id,
                        text[:4096],
                        markup=markup.to_dict(),
                    )
                ],
                now=services.clock.now(),
            )
    await _tell_ward_leads(app, broadcast, report)


async def _tell_ward_leads(app: Application, broadcast: Broadcast, report: DeliveryReport) -> None:
    services = app.bot_data["services"]
    by_ward: dict[int, list[DeliveryLine]] = {}
    for line in report.unreachable:
        if line.ward_id is not None:
            by_ward.setdefault(line.ward_id, []).append(line)
    messages = []
    for ward_id, lines in by_ward.items():
        for lead in await services.member_store.recipients(roles=[Role.WARD_LEAD], ward_ids=[ward_id]):
            if lead.member_id == broadcast.created_by:
                continue
            t = services.i18n.translator(lead.locale)
            text = t.gettext(
                "These members of your ward could not receive broadcast #{id} because they have "
                "blocked the bot. Please call them:"
            ).format(id=broadcast.id)
            messages.append(
                OutgoingMessage(
                    f"broadcast:{broadcast.id}:unreachable:{lead.member_id}",
                    lead.member_id,
                    lead.chat_id,
                    (text + "\n" + _names(t, tuple(lines), phones=True))[:4096],
                )
            )
    if messages:
        await services.outbox.enqueue(f"broadcast-leads:{broadcast.id}", messages, now=services.clock.now())
        app.bot_data["delivery"].wake()


async def acknowledged(update: Update, ctx: BotContext) -> None:
    """'Đã nhận' pressed under a broadcast."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, ACK_PREFIX, 1)
    broadcast_id = callbacks.parse_int(parts[0]) if parts else None
    if broadcast_id is None:
        await answer_stale(update, t)
        return
    if broadcast_id == 0:
        await query.answer(
            t.gettext("This is the preview: recipients press this button to confirm they read it."),
            show_alert=True,
        )
        return
    outcome = await ctx.services.broadcasts.acknowledge(ctx.member, broadcast_id)
    if outcome.result is Result.OK:
        await query.answer(t.gettext("Thank you, your confirmation is recorded."))
    elif outcome.result is Result.ALREADY_DONE:
        await query.answer(t.gettext("You have already confirmed this message."))
    else:
        await answer_stale(update, t)


async def manage(update: Update, ctx: BotContext) -> None:
    """Buttons under the report: who acknowledged, re-send to those who have not."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, MANAGE_PREFIX, 2)
    broadcast_id = callbacks.parse_int(parts[1]) if parts and parts[0] in ("w", "r") else None
    if broadcast_id is None:
        await answer_stale(update, t)
        return
    if parts[0] == "w":
        acks = await ctx.services.broadcasts.acknowledgements(ctx.member, broadcast_id)
        if acks.result is not Result.OK:
            await answer_stale(update, t)
            return
        await query.answer()
        await update.effective_message.reply_text(ack_text(t, broadcast_id, acks.acked, acks.waiting)[:4096])
        return
    outcome = await ctx.services.broadcasts.resend_unacked(ctx.member, broadcast_id)
    if outcome.result is Result.NO_RECIPIENTS:
        await query.answer(
            t.gettext("Everyone has acknowledged (or cannot be reached): nothing to re-send."),
            show_alert=True,
        )
        return
    if outcome.result is not Result.OK or outcome.broadcast is None:
        await answer_stale(update, t)
        return
    await query.answer(t.gettext("Re-sending to those who have not acknowledged."))
    await launch(ctx.application, outcome.broadcast.id, report_chat_id=str(update.effective_chat.id))


def ack_text(t: Translator, broadcast_id: int, acked: tuple, waiting: tuple[str, ...]) -> str:
    text = t.gettext("<b>Broadcast #{id}</b>\nAcknowledged: {acked}\nNot yet: {waiting}").format(
        id=broadcast_id, acked=t.number(len(acked)), waiting=t.number(len(waiting))
    )
    if acked:
        text += (
            "\n\n"
            + t.gettext("<b>Acknowledged:</b>")
            + "\n"
            + "\n".join(f"• {esc(name)} ({t.datetime(at)})" for name, at in acked[:60])
        )
    if waiting:
        text += (
            "\n\n"
            + t.gettext("<b>Not yet:</b>")
            + "\n"
            + "\n".join(f"• {esc(name)}" for name in waiting[:60])
        )
    return text


async def run_scheduled(app: Application, task: Task) -> None:
    """A scheduled broadcast falls due: send it unless it was cancelled (idempotent)."""
    broadcast_id = int(task.payload.get("broadcast_id", 0))
    await launch(app, broadcast_id)


async def resume(app: Application) -> None:
    """At start: listen to broadcast outcomes; finish broadcasts whose last outcome came before a stop."""
    app.bot_data["delivery"].on_progress("broadcast:", lambda batch: on_progress(app, batch))
    store = app.bot_data["services"].broadcasts.store
    for broadcast in await store.recent(statuses=(BroadcastStatus.SENDING,), limit=100):
        await on_progress(app, broadcast.batch)
