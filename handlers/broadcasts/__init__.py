"""/broadcast: compose a message (text, optional photo or document), choose the audience, preview, confirm."""

from __future__ import annotations

from datetime import timedelta

from telegram import InputFile, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.core.broadcasts import (
    MAX_CAPTION,
    MAX_TEXT,
    Audience,
    AudienceKind,
    BroadcastStatus,
    Content,
    Preview,
    Result,
)
from bot.core.models import Role
from bot.core.parsing import ParseError, ParseReason, parse_datetime
from bot.core.permissions import Action, Reach, can, reach_of
from bot.scheduler import register_task_kind
from handlers import callbacks
from handlers.broadcasts import history, sending
from handlers.broadcasts.texts import KIND_LABELS, snippet
from handlers.menu import menu_filter
from handlers.registry import N_, CommandSpec, MenuEntry, add_startup_hook
from handlers.render import answer_stale, buttons, grid, role_label

COMMANDS = (
    CommandSpec("broadcast", N_("Send a message to members, with a delivery report"), Action.SEND_BROADCAST),
    history.COMMAND,
)
MENU_LABEL = N_("📣 Broadcast")
MENU = (MenuEntry(MENU_LABEL, Action.SEND_BROADCAST, 60), history.MENU_ENTRY)
ASK_TEXT, ASK_ATTACHMENT, CHOOSE_AUDIENCE, CONFIRM, ASK_TIME = range(5)
DRAFT = "broadcast"
PREFIX = "bcc"
CANCEL_PREFIX = "bcx"
MAX_FILE_BYTES = 20 * 1024 * 1024


def _draft(ctx: BotContext) -> dict:
    return ctx.user_data.setdefault(DRAFT, {})


async def start(update: Update, ctx: BotContext) -> int:
    """/broadcast: organisers, admins and ward leads (their ward) write the message."""
    t = ctx.t
    if not can(ctx.member, Action.SEND_BROADCAST):
        await update.effective_message.reply_text(
            t.gettext("Only organisers, district admins and ward leads can send broadcasts.")
        )
        return ConversationHandler.END
    ctx.user_data[DRAFT] = {}
    await update.effective_message.reply_text(
        t.gettext(
            "Send the message to broadcast. Bold, italics and links are kept. You can also send a photo or a "
            "document (PDF, Excel…) with the text as its caption.\n/cancel to stop."
        )
    )
    return ASK_TEXT


async def text_received(update: Update, ctx: BotContext) -> int:
    message, t = update.effective_message, ctx.t
    if len(message.text or "") > MAX_TEXT:
        await message.reply_text(
            t.gettext("The message is too long: at most {limit} characters.").format(limit=t.number(MAX_TEXT))
        )
        return ASK_TEXT
    _draft(ctx).update(text=message.text_html, kind="text", blob_id=None)
    await message.reply_text(
        t.gettext("Attach a photo or a document? Send it now, or press “No attachment”."),
        reply_markup=buttons(
            [
                [(t.gettext("No attachment"), callbacks.encode(PREFIX, "na"))],
                [(t.gettext("✖ Cancel"), callbacks.encode(PREFIX, "x"))],
            ]
        ),
    )
    return ASK_ATTACHMENT


async def file_received(update: Update, ctx: BotContext) -> int:
    """A photo or document, with the text typed before or its own caption."""
    message, t = update.effective_message, ctx.t
    draft = _draft(ctx)
    text = message.caption_html if message.caption else draft.get("text", "")
    if len(text or "") > MAX_CAPTION:
        await message.reply_text(
            t.gettext(
                "With a photo or document the text can have at most {limit} characters. Send a shorter text "
                "with /broadcast, or send this file without a caption."
            ).format(limit=t.number(MAX_CAPTION))
        )
        return ASK_ATTACHMENT if draft.get("text") is not None else ASK_TEXT
    if message.photo:
        attachment, kind, filename, mime = message.photo[-1], "photo", "photo.jpg", "image/jpeg"
    else:
        document = message.document
        attachment, kind = document, "document"
        filename, mime = document.file_name or "file", document.mime_type or "application/octet-stream"
    if (attachment.file_size or 0) > MAX_FILE_BYTES:
        await message.reply_text(t.gettext("The file is too large: at most 20 MB."))
        return ASK_ATTACHMENT if draft.get("text") is not None else ASK_TEXT
    data = bytes(await (await attachment.get_file()).download_as_bytearray())
    services = ctx.services
    blob_id = await services.outbox.save_blob(filename, mime, data, now=services.clock.now())
    draft.update(text=text or "", kind=kind, blob_id=blob_id)
    return await ask_audience(update, ctx)


async def no_attachment(update: Update, ctx: BotContext) -> int:
    await update.callback_query.answer()
    return await ask_audience(update, ctx, edit=True)


async def ask_audience(update: Update, ctx: BotContext, *, edit: bool = False) -> int:
    t, member = ctx.t, ctx.member
    kinds = [
        k
        for k in AudienceKind
        if not (k is AudienceKind.WARDS and reach_of(member, Action.SEND_BROADCAST) is Reach.OWN_WARD)
    ]
    labels = [
        (
            t.gettext(KIND_LABELS[k])
            if not (k is AudienceKind.ALL and _ward_only(ctx))
            else t.gettext("Everyone in my ward"),
            callbacks.encode(PREFIX, "k", k.value),
        )
        for k in kinds
    ]
    markup = buttons([*grid(labels, 2), [(t.gettext("✖ Cancel"), callbacks.encode(PREFIX, "x"))]])
    text = t.gettext("Who should receive it?")
    if edit:
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup)
    return CHOOSE_AUDIENCE


def _ward_only(ctx: BotContext) -> bool:
    return reach_of(ctx.member, Action.SEND_BROADCAST) is Reach.OWN_WARD


async def audience_pressed(update: Update, ctx: BotContext) -> int:
    """Audience buttons: a kind, then the wards/chapters/roles (toggles) or the seminar/training/broadcast."""
    query, t = update.callback_query, ctx.t
    draft = _draft(ctx)
    parts = query.data.split(":")[2:] if query.data and query.data.startswith(f"v1:{PREFIX}:") else []
    if not parts or "text" not in draft:
        await answer_stale(update, t)
        return CHOOSE_AUDIENCE
    action = parts[0]
    if action == "k" and len(parts) == 2 and parts[1] in {k.value for k in AudienceKind}:
        kind = AudienceKind(parts[1])
        draft.update(audience_kind=kind.value, selected=[])
        if kind is AudienceKind.ALL:
            await query.answer()
            return await show_preview(update, ctx, Audience(AudienceKind.ALL))
        if kind is AudienceKind.CHAPTERS and not _ward_only(ctx):
            wards = await ctx.services.org.wards()
            await query.answer()
            await query.edit_message_text(
                t.gettext("Chapters of which ward?"),
                reply_markup=buttons(
                    [
                        *grid([(w.name, callbacks.encode(PREFIX, "cw", w.id)) for w in wards], 3),
                        _cancel_row(t),
                    ]
                ),
            )
            return CHOOSE_AUDIENCE
        if kind is AudienceKind.CHAPTERS:
            draft["ward_id"] = ctx.member.ward_id if ctx.member else None
        return await _show_options(update, ctx)
    if action == "cw" and len(parts) == 2 and (ward_id := callbacks.parse_int(parts[1])) is not None:
        draft["ward_id"] = ward_id
        return await _show_options(update, ctx)
    if action == "t" and len(parts) == 2 and draft.get("audience_kind"):
        selected: list[str] = draft.setdefault("selected", [])
        if parts[1] in selected:
            selected.remove(parts[1])
        else:
            selected.append(parts[1])
        return await _show_options(update, ctx)
    if action == "ok" and draft.get("selected"):
        await query.answer()
        return await show_preview(update, ctx, _audience_from(draft))
    if action == "e" and len(parts) == 2 and (event_id := callbacks.parse_int(parts[1])) is not None:
        await query.answer()
        return await show_preview(update, ctx, Audience(AudienceKind(draft["audience_kind"]), (event_id,)))
    if action == "ok":
        await query.answer(t.gettext("Choose at least one."), show_alert=True)
        return CHOOSE_AUDIENCE
    await answer_stale(update, t)
    return CHOOSE_AUDIENCE


def _cancel_row(t) -> list[tuple[str, str]]:
    return [(t.gettext("✖ Cancel"), callbacks.encode(PREFIX, "x"))]


def _audience_from(draft: dict) -> Audience:
    """The toggled choices; anything that is not a role or an id (forged buttons) is ignored."""
    kind = AudienceKind(draft["audience_kind"])
    if kind is AudienceKind.ROLES:
        return Audience(kind, roles=tuple(Role(r) for r in draft["selected"] if r in {x.value for x in Role}))
    return Audience(kind, tuple(int(i) for i in draft["selected"] if i.isdigit() and len(i) < 12))


async def _show_options(update: Update, ctx: BotContext) -> int:
    """The choices for the audience kind in the draft, with ✅ on the selected toggles."""
    query, t, draft, services = update.callback_query, ctx.t, _draft(ctx), ctx.services
    kind = AudienceKind(draft["audience_kind"])
    selected = set(draft.get("selected", []))
    if kind is AudienceKind.WARDS:
        options = [(str(w.id), w.name) for w in await services.org.wards()]
    elif kind is AudienceKind.CHAPTERS:
        options = [(str(c.id), c.name) for c in await services.org.chapters(draft.get("ward_id"))]
    elif kind is AudienceKind.ROLES:
        options = [(r.value, role_label(t, r)) for r in Role]
    else:
        return await _show_events(update, ctx, kind)
    toggles = [
        (("✅ " if key in selected else "") + label, callbacks.encode(PREFIX, "t", key))
        for key, label in options
    ]
    rows = [
        *grid(toggles, 1 if kind is AudienceKind.CHAPTERS else 3),
        [(t.gettext("Continue ➡"), callbacks.encode(PREFIX, "ok"))],
        _cancel_row(t),
    ]
    await query.answer()
    await query.edit_message_text(
        t.gettext("Choose one or more, then press Continue."), reply_markup=buttons(rows)
    )
    return CHOOSE_AUDIENCE


async def _show_events(update: Update, ctx: BotContext, kind: AudienceKind) -> int:
    query, t, services = update.callback_query, ctx.t, ctx.services
    store = services.broadcasts.store
    if kind is AudienceKind.UNACKED:
        mine = None if reach_of(ctx.member, Action.SEND_BROADCAST) is Reach.ALL else ctx.member.id
        sent = await store.recent(statuses=(BroadcastStatus.SENDING, BroadcastStatus.DONE), created_by=mine)
        events: list[tuple[int, str]] = [
            (b.root, f"#{b.id} {t.date(b.sent_at or b.created_at)} {snippet(b.content.text)}")
            for b in sent
            if b.root_id is None
        ]
    else:
        events = await store.events(kind, since=services.clock.now() - timedelta(days=30))
    if not events:
        await query.answer(t.gettext("There is nothing to choose from yet."), show_alert=True)
        return CHOOSE_AUDIENCE
    await query.answer()
    rows = [[(title[:60], callbacks.encode(PREFIX, "e", event_id))] for event_id, title in events]
    await query.edit_message_text(t.gettext("Which one?"), reply_markup=buttons([*rows, _cancel_row(t)]))
    return CHOOSE_AUDIENCE


async def show_preview(update: Update, ctx: BotContext, audience: Audience) -> int:
    """The message exactly as recipients will see it, then the number of recipients and Confirm."""
    t, draft, services = ctx.t, _draft(ctx), ctx.services
    preview: Preview = await services.broadcasts.preview(ctx.member, audience)
    chat = update.effective_chat
    if preview.result is Result.DENIED:
        await update.effective_message.reply_text(
            t.gettext("You can only send broadcasts within your own ward.")
        )
        return CHOOSE_AUDIENCE
    if preview.result is Result.NO_RECIPIENTS:
        await update.effective_message.reply_text(
            t.gettext("Nobody in this audience can receive the message. Choose another audience or /cancel.")
        )
        return CHOOSE_AUDIENCE
    draft["audience"] = (preview.audience or audience).to_json()
    markup = sending.ack_markup(t, 0)
    content = Content(draft["text"], draft["kind"], draft["blob_id"])
    if content.kind == "text":
        await ctx.bot.send_message(chat.id, content.text, reply_markup=markup)
    else:
        blob = await services.outbox.blob(content.blob_id)
        assert blob is not None
        upload = InputFile(blob[2], filename=blob[0])
        send = ctx.bot.send_photo if content.kind == "photo" else ctx.bot.send_document
        await send(chat.id, upload, caption=content.text or None, reply_markup=markup)
    summary = t.gettext("⬆ This is how the message will look.\nRecipients: {count}").format(
        count=t.number(len(preview.reachable))
    )
    if preview.blocked:
        summary += "\n" + t.gettext(
            "{count} more have blocked the bot: they will be listed in the report for "
            "their ward lead to call."
        ).format(count=t.number(len(preview.blocked)))
    await ctx.bot.send_message(
        chat.id,
        summary,
        reply_markup=buttons(
            [
                [(t.gettext("✅ Confirm and send"), callbacks.encode(PREFIX, "go"))],
                [(t.gettext("🕒 Send later"), callbacks.encode(PREFIX, "later"))],
                _cancel_row(t),
            ]
        ),
    )
    return CONFIRM


async def confirm_pressed(update: Update, ctx: BotContext) -> int:
    query, t, draft = update.callback_query, ctx.t, _draft(ctx)
    if query.data == callbacks.encode(PREFIX, "later"):
        await query.answer()
        await query.edit_message_text(
            t.gettext("When should it be sent? For example: “15/12 8h”, “mai 7g30”, “thứ Hai 9h”.")
        )
        return ASK_TIME
    if query.data != callbacks.encode(PREFIX, "go") or "audience" not in draft:
        await answer_stale(update, t)
        return CONFIRM
    outcome = await _create(ctx, draft, None)
    if outcome.result is not Result.OK or outcome.broadcast is None:
        await query.answer(_refusal(t, outcome.result), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    await query.edit_message_text(
        t.gettext("✅ Confirmed: broadcast #{id} is being sent.").format(id=outcome.broadcast.id)
    )
    ctx.user_data.pop(DRAFT, None)
    await sending.launch(ctx.application, outcome.broadcast.id, report_chat_id=str(update.effective_chat.id))
    return ConversationHandler.END


async def _create(ctx: BotContext, draft: dict, when):
    content = Content(draft["text"], draft["kind"], draft["blob_id"])
    return await ctx.services.broadcasts.create(
        ctx.member, content, Audience.from_json(draft["audience"]), scheduled_at=when
    )


def _refusal(t, result: Result) -> str:
    if result is Result.DENIED:
        return t.gettext("You can only send broadcasts within your own ward.")
    if result is Result.NO_RECIPIENTS:
        return t.gettext(
            "Nobody in this audience can receive the message. Choose another audience or /cancel."
        )
    if result is Result.TOO_LONG:
        return t.gettext("The message is too long: at most {limit} characters.").format(
            limit=t.number(MAX_TEXT)
        )
    if result is Result.IN_PAST:
        return t.gettext("That time has already passed. Please give a time in the future.")
    if result is Result.TOO_FAR:
        return t.gettext("Broadcasts can be scheduled at most 60 days ahead.")
    return t.gettext("This broadcast cannot be sent. Please start again with /broadcast.")


async def time_received(update: Update, ctx: BotContext) -> int:
    message, t, draft, services = update.effective_message, ctx.t, _draft(ctx), ctx.services
    if "audience" not in draft:
        return ConversationHandler.END
    parsed = parse_datetime(message.text or "", now=services.clock.now(), tz=services.settings.timezone)
    if isinstance(parsed, ParseError) and parsed.reason is ParseReason.PAST:
        await message.reply_text(_refusal(t, Result.IN_PAST))
        return ASK_TIME
    if isinstance(parsed, ParseError):
        await message.reply_text(
            t.gettext(
                "I could not read that time. Please write a day and a time, for example “15/12 8h” or “mai "
                "7g30”."
            )
        )
        return ASK_TIME
    outcome = await _create(ctx, draft, parsed.when)
    if outcome.result in (Result.IN_PAST, Result.TOO_FAR):
        await message.reply_text(_refusal(t, outcome.result))
        return ASK_TIME
    if outcome.result is not Result.OK or outcome.broadcast is None:
        await message.reply_text(_refusal(t, outcome.result))
        return ConversationHandler.END
    broadcast = outcome.broadcast
    await services.tasks.plan(
        sending.task_key(broadcast.id),
        sending.TASK_KIND,
        parsed.when,
        {"broadcast_id": broadcast.id},
        now=services.clock.now(),
    )
    ctx.user_data.pop(DRAFT, None)
    await message.reply_text(
        t.gettext("🕒 Broadcast #{id} will be sent on {when}.").format(
            id=broadcast.id, when=t.datetime(parsed.when)
        ),
        reply_markup=buttons(
            [[(t.gettext("✖ Cancel this broadcast"), callbacks.encode(CANCEL_PREFIX, broadcast.id))]]
        ),
    )
    return ConversationHandler.END


async def cancel_scheduled(update: Update, ctx: BotContext) -> None:
    """'Cancel this broadcast' under a scheduled one: only before it goes."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, CANCEL_PREFIX, 1)
    broadcast_id = callbacks.parse_int(parts[0]) if parts else None
    if broadcast_id is None:
        await answer_stale(update, t)
        return
    outcome = await ctx.services.broadcasts.cancel(ctx.member, broadcast_id)
    if outcome.result is Result.TOO_LATE:
        await query.answer(
            t.gettext("Too late: this broadcast has already been sent or cancelled."), show_alert=True
        )
        return
    if outcome.result is not Result.OK:
        await answer_stale(update, t)
        return
    await ctx.services.tasks.cancel_prefix(f"broadcast:{broadcast_id}:")
    await query.answer()
    await query.edit_message_text(
        t.gettext("✖ Broadcast #{id} is cancelled; nothing was sent.").format(id=broadcast_id)
    )


async def cancel(update: Update, ctx: BotContext) -> int:
    ctx.user_data.pop(DRAFT, None)
    text = ctx.t.gettext("Cancelled: nothing was sent.")
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(text)
    else:
        await update.effective_message.reply_text(text)
    return ConversationHandler.END


async def stray_text(update: Update, ctx: BotContext) -> int | None:
    await update.effective_message.reply_text(
        ctx.t.gettext("Please use the buttons above, or /cancel to stop this broadcast.")
    )
    return None


def register(app: Application) -> None:
    files = filters.PHOTO | filters.Document.ALL
    cancel_button = CallbackQueryHandler(cancel, pattern=f"^{callbacks.encode(PREFIX, 'x')}$")
    app.add_handler(
        ConversationHandler(
            entry_points=[
                CommandHandler("broadcast", start),
                MessageHandler(menu_filter(app, MENU_LABEL), start),
            ],
            states={
                ASK_TEXT: [
                    MessageHandler(files, file_received),
                    MessageHandler(filters.TEXT & ~filters.COMMAND, text_received),
                ],
                ASK_ATTACHMENT: [
                    cancel_button,
                    MessageHandler(files, file_received),
                    CallbackQueryHandler(no_attachment, pattern=f"^{callbacks.encode(PREFIX, 'na')}$"),
                    MessageHandler(filters.TEXT & ~filters.COMMAND, stray_text),
                ],
                CHOOSE_AUDIENCE: [
                    cancel_button,
                    CallbackQueryHandler(audience_pressed, pattern=callbacks.pattern(PREFIX)),
                    MessageHandler(filters.TEXT & ~filters.COMMAND, stray_text),
                ],
                CONFIRM: [
                    cancel_button,
                    CallbackQueryHandler(confirm_pressed, pattern=callbacks.pattern(PREFIX)),
                    MessageHandler(filters.TEXT & ~filters.COMMAND, stray_text),
                ],
                ASK_TIME: [MessageHandler(filters.TEXT & ~filters.COMMAND, time_received)],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            allow_reentry=True,
            name="broadcast",
            conversation_timeout=timedelta(hours=1),
        )
    )
    app.add_handler(CallbackQueryHandler(sending.acknowledged, pattern=callbacks.pattern(sending.ACK_PREFIX)))
    app.add_handler(CallbackQueryHandler(sending.manage, pattern=callbacks.pattern(sending.MANAGE_PREFIX)))
    app.add_handler(CallbackQueryHandler(cancel_scheduled, pattern=callbacks.pattern(CANCEL_PREFIX)))
    app.add_handler(CommandHandler("broadcasts", history.list_command))
    app.add_handler(MessageHandler(menu_filter(app, history.MENU_LABEL), history.list_command))
    app.add_handler(CallbackQueryHandler(history.pressed, pattern=callbacks.pattern(history.PREFIX)))
    app.add_handler(CallbackQueryHandler(answer_stale_button, pattern=callbacks.pattern(PREFIX)))
    register_task_kind(app, sending.TASK_KIND, sending.run_scheduled)
    add_startup_hook(app, sending.resume)


async def answer_stale_button(update: Update, ctx: BotContext) -> None:
    await answer_stale(update, ctx.t)
