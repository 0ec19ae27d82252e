"""/seminar_new: topic → host wards → date and time (read back) → venue → audience → agenda → attachment →
confirm."""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.core.models import Role
from bot.core.parsing import ParseError, limit_text
from bot.core.permissions import Action, can
from bot.core.seminar_service import SeminarDraft
from bot.core.seminars import (
    DEFAULT_DURATION,
    MAX_AGENDA,
    MAX_ATTACHMENT_BYTES,
    MAX_TOPIC,
    MAX_VENUE,
    Audience,
    RsvpOutcome,
)
from bot.core.text import fold
from bot.scheduler import run_due_tasks
from handlers import callbacks
from handlers.render import answer_stale, buttons, esc, grid, role_label
from handlers.seminars import texts
from handlers.when_step import WhenStep

(
    TOPIC,
    HOST,
    WHEN,
    WHEN_CONFIRM,
    VENUE,
    AUDIENCE,
    AUDIENCE_NAME,
    AGENDA,
    ATTACHMENT,
    CONFIRM,
    MOVE_WHEN,
    MOVE_CONFIRM,
    REPLACEMENT_NAME,
    END_TIME,
) = range(14)
DRAFT = "seminar_draft"
MAX_SEARCH_RESULTS = 8
AUDIENCE_ROLES = (Role.WARD_LEAD, Role.CADRE, Role.ORGANISER)


def draft(ctx: BotContext) -> dict | None:
    return ctx.user_data.get(DRAFT)


def audience_of(data: dict) -> Audience:
    return Audience.from_json(data.get("audience", {}))


async def start(update: Update, ctx: BotContext) -> int:
    """/seminar_new (organisers)."""
    t = ctx.t
    if not can(ctx.member, Action.MANAGE_SEMINARS):
        await update.effective_message.reply_text(t.gettext("Only the organisers can create seminars."))
        return ConversationHandler.END
    ctx.user_data[DRAFT] = {"audience": {}, "host_ward_ids": []}
    await update.effective_message.reply_text(
        t.gettext("<b>New seminar</b> (send /cancel to stop at any time)\nWhat is the topic of the seminar?")
    )
    return TOPIC


async def topic_received(update: Update, ctx: BotContext) -> int:
    t, data = ctx.t, draft(ctx)
    topic = limit_text(update.effective_message.text or "", MAX_TOPIC)
    if data is None:
        return ConversationHandler.END
    if isinstance(topic, ParseError):
        await update.effective_message.reply_text(
            t.gettext("Please type the topic in at most {limit} characters.").format(limit=MAX_TOPIC)
        )
        return TOPIC
    data["topic"] = topic
    await update.effective_message.reply_text(
        t.gettext("Which ward or wards host the seminar? Tap each host ward, then «Done»."),
        reply_markup=await host_keyboard(ctx, data),
    )
    return HOST


async def host_keyboard(ctx: BotContext, data: dict):
    chosen = set(data["host_ward_ids"])
    wards = await ctx.services.org.wards()
    rows = grid(
        [(("✓ " if w.id in chosen else "") + w.name, callbacks.encode("semn", "h", w.id)) for w in wards], 3
    )
    rows.append([(ctx.t.gettext("Done »"), callbacks.encode("semn", "hd", 0))])
    return buttons(rows)


async def host_pressed(update: Update, ctx: BotContext) -> int:
    query, t, data = update.callback_query, ctx.t, draft(ctx)
    parts = callbacks.decode(query.data, "semn", 2)
    if data is None or parts is None or parts[0] not in ("h", "hd"):
        await answer_stale(update, t)
        return HOST
    if parts[0] == "h":
        ward = await ctx.services.org.ward(callbacks.parse_int(parts[1]) or 0)
        if ward is None:
            await answer_stale(update, t)
            return HOST
        ids = data["host_ward_ids"]
        data["host_ward_ids"] = [i for i in ids if i != ward.id] if ward.id in ids else [*ids, ward.id]
        await query.answer()
        await query.edit_message_reply_markup(await host_keyboard(ctx, data))
        return HOST
    if not data["host_ward_ids"]:
        await query.answer(t.gettext("Please tap at least one host ward."), show_alert=True)
        return HOST
    names = {w.id: w.name for w in await ctx.services.org.wards()}
    data["host"] = ", ".join(names[i] for i in data["host_ward_ids"] if i in names)
    await query.answer()
    await query.edit_message_text(t.gettext("Host: {host}").format(host=esc(data["host"])))
    return await WHEN_STEP.ask(update, ctx)


async def ask_venue(update: Update, ctx: BotContext) -> int:
    await update.effective_message.reply_text(ctx.t.gettext("Where will it take place? Type the venue."))
    return VENUE


WHEN_STEP = WhenStep(
    prefix="semn",
    draft_key=DRAFT,
    asking=WHEN,
    confirming=WHEN_CONFIRM,
    ending=END_TIME,
    usual_length=DEFAULT_DURATION,
    then=ask_venue,
)


async def venue_received(update: Update, ctx: BotContext) -> int:
    t, data = ctx.t, draft(ctx)
    if data is None:
        return ConversationHandler.END
    venue = limit_text(update.effective_message.text or "", MAX_VENUE)
    if isinstance(venue, ParseError):
        await update.effective_message.reply_text(
            t.gettext("Please type the venue in at most {limit} characters.").format(limit=MAX_VENUE)
        )
        return VENUE
    data["venue"] = venue
    await show_audience(update, ctx, data, new_message=True)
    return AUDIENCE


async def audience_text(ctx: BotContext, data: dict) -> str:
    t, audience = ctx.t, audience_of(data)
    invited = await ctx.services.seminars.audience_members(audience)
    lines = [
        t.gettext(
            "<b>Who is invited?</b> Tap roles and wards (people with those roles in those wards), "
            "add chapters or people by name, then «Done»."
        )
    ]
    if audience.roles:
        lines.append(
            t.gettext("Roles: {roles}").format(roles=", ".join(role_label(t, r) for r in audience.roles))
        )
    if audience.chapter_ids:
        names = [c.name for c in [await ctx.services.org.chapter(i) for i in audience.chapter_ids] if c]
        lines.append(t.gettext("Chapters: {chapters}").format(chapters=esc(", ".join(names))))
    if audience.member_ids:
        people = {
            r.member_id: r.full_name
            for r in await ctx.services.member_store.recipients(member_ids=audience.member_ids)
        }
        lines.append(
            t.gettext("Named people: {names}").format(
                names=esc(", ".join(people[i] for i in audience.member_ids if i in people))
            )
        )
    lines.append(t.gettext("Invited so far: {count} people").format(count=t.number(len(invited))))
    return "\n".join(lines)


async def audience_keyboard(ctx: BotContext, data: dict):
    t, audience = ctx.t, audience_of(data)
    rows = grid(
        [
            (
                ("✓ " if r in audience.roles else "") + role_label(t, r),
                callbacks.encode("semn", "ar", r.value),
            )
            for r in AUDIENCE_ROLES
        ],
        2,
    )
    wards = await ctx.services.org.wards()
    rows += grid(
        [
            (("✓ " if w.id in audience.ward_ids else "") + w.name, callbacks.encode("semn", "aw", w.id))
            for w in wards
        ],
        3,
    )
    rows.append(
        [
            (t.gettext("🏘 Add chapters"), callbacks.encode("semn", "acw", 0)),
            (t.gettext("👤 Add a person by name"), callbacks.encode("semn", "an", 0)),
        ]
    )
    rows.append([(t.gettext("Done »"), callbacks.encode("semn", "ad", 0))])
    return buttons(rows)


async def show_audience(update: Update, ctx: BotContext, data: dict, *, new_message: bool = False) -> None:
    text, keyboard = await audience_text(ctx, data), await audience_keyboard(ctx, data)
    if new_message or update.callback_query is None:
        await update.effective_message.reply_text(text, reply_markup=keyboard)
    else:
        await update.callback_query.edit_message_text(text, reply_markup=keyboard)


async def audience_pressed(update: Update, ctx: BotContext) -> int:
    """Toggle a role, ward, chapter or named person; open the chapter or name pickers; finish."""
    query, t, data = update.callback_query, ctx.t, draft(ctx)
    parts = callbacks.decode(query.data, "semn", 2)
    if data is None or parts is None:
        await answer_stale(update, t)
        return AUDIENCE
    kind, value = parts
    audience = audience_of(data)
    if kind == "ar" and value in {r.value for r in AUDIENCE_ROLES}:
        data["audience"] = audience.toggled("role", Role(value)).to_json()
    elif kind == "aw" and await ctx.services.org.ward(callbacks.parse_int(value) or 0):
        data["audience"] = audience.toggled("ward", int(value)).to_json()
    elif kind == "at" and await ctx.services.org.chapter(callbacks.parse_int(value) or 0):
        data["audience"] = audience.toggled("chapter", int(value)).to_json()
    elif kind == "am" and await ctx.services.members.get(callbacks.parse_int(value) or 0):
        data["audience"] = audience.toggled("member", int(value)).to_json()
    elif kind == "acw":
        await query.answer()
        wards = await ctx.services.org.wards()
        await query.edit_message_text(
            t.gettext("Chapters of which ward?"),
            reply_markup=buttons(grid([(w.name, callbacks.encode("semn", "ac", w.id)) for w in wards], 3)),
        )
        return AUDIENCE
    elif kind == "ac" and (ward_id := callbacks.parse_int(value)):
        await query.answer()
        chapters = await ctx.services.org.chapters(ward_id)
        rows = grid(
            [
                (
                    ("✓ " if c.id in audience.chapter_ids else "") + c.name,
                    callbacks.encode("semn", "at", c.id),
                )
                for c in chapters
            ],
            2,
        )
        rows.append([(t.gettext("« Back"), callbacks.encode("semn", "ab", 0))])
        await query.edit_message_text(
            t.gettext("Tap the chapters to invite, then «Back»."), reply_markup=buttons(rows)
        )
        return AUDIENCE
    elif kind == "an":
        await query.answer()
        await update.effective_message.reply_text(
            t.gettext("Type part of the person's name (accents optional).")
        )
        return AUDIENCE_NAME
    elif kind == "ad":
        if audience.empty or not await ctx.services.seminars.audience_members(audience):
            await query.answer(
                t.gettext("Nobody is invited yet. Please choose at least one group or person."),
                show_alert=True,
            )
            return AUDIENCE
        await query.answer()
        await query.edit_message_text(await audience_text(ctx, data))
        await update.effective_message.reply_text(
            t.gettext("Type the agenda (one item per line), or press Skip."),
            reply_markup=buttons([[(t.gettext("Skip"), callbacks.encode("semn", "skip", 0))]]),
        )
        return AGENDA
    elif kind != "ab":
        await answer_stale(update, t)
        return AUDIENCE
    await query.answer()
    if kind == "at":
        ward_chapter = await ctx.services.org.chapter(int(value))
        chapters = await ctx.services.org.chapters(ward_chapter.ward_id) if ward_chapter else []
        chosen = audience_of(data).chapter_ids
        rows = grid(
            [
                (("✓ " if c.id in chosen else "") + c.name, callbacks.encode("semn", "at", c.id))
                for c in chapters
            ],
            2,
        )
        rows.append([(t.gettext("« Back"), callbacks.encode("semn", "ab", 0))])
        await query.edit_message_reply_markup(buttons(rows))
        return AUDIENCE
    await show_audience(update, ctx, data, new_message=kind == "am")
    return AUDIENCE


async def audience_name_received(update: Update, ctx: BotContext) -> int:
    t = ctx.t
    text = (update.effective_message.text or "").strip()
    if not 2 <= len(text) <= 80:
        await update.effective_message.reply_text(
            t.gettext("Please type between 2 and 80 letters of the name.")
        )
        return AUDIENCE_NAME
    found = await ctx.services.member_store.search(fold(text), limit=MAX_SEARCH_RESULTS)
    if not found:
        await update.effective_message.reply_text(
            t.gettext("No active member matches «{query}». Type another part of the name.").format(
                query=esc(text)
            )
        )
        return AUDIENCE_NAME
    await update.effective_message.reply_text(
        t.gettext("Tap the person to invite:"),
        reply_markup=buttons([[(m.full_name, callbacks.encode("semn", "am", m.id))] for m in found]),
    )
    return AUDIENCE


async def agenda_received(update: Update, ctx: BotContext) -> int:
    t, data = ctx.t, draft(ctx)
    if data is None:
        return ConversationHandler.END
    agenda = limit_text(update.effective_message.text or "", MAX_AGENDA)
    if isinstance(agenda, ParseError):
        await update.effective_message.reply_text(
            t.gettext("Please keep the agenda under {limit} characters.").format(limit=MAX_AGENDA)
        )
        return AGENDA
    data["agenda"] = agenda
    return await ask_attachment(update, ctx)


async def agenda_skipped(update: Update, ctx: BotContext) -> int:
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return await ask_attachment(update, ctx)


async def ask_attachment(update: Update, ctx: BotContext) -> int:
    t = ctx.t
    await update.effective_message.reply_text(
        t.gettext(
            "If there is a document to send with the invitation, upload it now (as a file). Otherwise "
            "press Skip."
        ),
        reply_markup=buttons([[(t.gettext("Skip"), callbacks.encode("semn", "skip", 0))]]),
    )
    return ATTACHMENT


async def attachment_received(update: Update, ctx: BotContext) -> int:
    t, data = ctx.t, draft(ctx)
    document = update.effective_message.document
    if data is None or document is None:
        return ConversationHandler.END
    if document.file_size and document.file_size > MAX_ATTACHMENT_BYTES:
        await update.effective_message.reply_text(
            t.gettext("That file is too large (10 MB at most). Please upload a smaller one or press Skip.")
        )
        return ATTACHMENT
    content = bytes(await (await document.get_file()).download_as_bytearray())
    data["blob_id"] = await ctx.services.outbox.save_blob(
        document.file_name or "tai-lieu",
        document.mime_type or "application/octet-stream",
        content,
        now=ctx.services.clock.now(),
    )
    data["file_name"] = document.file_name or "tai-lieu"
    return await ask_confirm(update, ctx)


async def attachment_skipped(update: Update, ctx: BotContext) -> int:
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return await ask_confirm(update, ctx)


async def attachment_expected(update: Update, ctx: BotContext) -> int:
    await update.effective_message.reply_text(
        ctx.t.gettext("Please upload the document as a file, or press Skip.")
    )
    return ATTACHMENT


def draft_of(data: dict) -> SeminarDraft:
    return SeminarDraft(
        topic=data["topic"],
        host=data["host"],
        starts_at=datetime.fromisoformat(data["starts_at"]),
        ends_at=datetime.fromisoformat(data["ends_at"]),
        venue=data["venue"],
        audience=audience_of(data),
        agenda=data.get("agenda", ""),
        attachment_blob_id=data.get("blob_id"),
    )


async def ask_confirm(update: Update, ctx: BotContext) -> int:
    t, data = ctx.t, draft(ctx)
    assert data is not None
    seminar_draft = draft_of(data)
    invited = await ctx.services.seminars.audience_members(seminar_draft.audience)
    lines = [
        t.gettext("<b>Please check the seminar:</b>"),
        t.gettext("<b>{topic}</b>").format(topic=esc(seminar_draft.topic)),
        t.gettext("Host: {host}").format(host=esc(seminar_draft.host)),
        t.gettext("Time: {when}").format(when=texts.span(t, seminar_draft.starts_at, seminar_draft.ends_at)),
        t.gettext("Venue: {venue}").format(venue=esc(seminar_draft.venue)),
    ]
    if seminar_draft.agenda:
        lines.append(t.gettext("Agenda:\n{agenda}").format(agenda=esc(seminar_draft.agenda)))
    if data.get("file_name"):
        lines.append(t.gettext("Attachment: {name}").format(name=esc(data["file_name"])))
    lines.append(t.gettext("Invitations will go to {count} people.").format(count=t.number(len(invited))))
    await update.effective_message.reply_text(
        "\n".join(lines),
        reply_markup=buttons(
            [
                [(t.gettext("✅ Create and send invitations"), callbacks.encode("semn", "ok", 0))],
                [(t.gettext("✖ Discard"), callbacks.encode("semn", "no", 0))],
            ]
        ),
    )
    return CONFIRM


async def confirm_pressed(update: Update, ctx: BotContext) -> int:
    query, t, data = update.callback_query, ctx.t, draft(ctx)
    parts = callbacks.decode(query.data, "semn", 2)
    if data is None or parts is None or parts[0] not in ("ok", "no"):
        await answer_stale(update, t)
        return ConversationHandler.END
    await query.answer()
    if parts[0] == "no":
        ctx.user_data.pop(DRAFT, None)
        await query.edit_message_text(t.gettext("The seminar was not created."))
        return ConversationHandler.END
    result = await ctx.services.seminars.create(ctx.member, draft_of(data))
    if result.outcome is RsvpOutcome.INVALID:
        await query.edit_message_reply_markup(None)
        await update.effective_message.reply_text(
            t.gettext("The start time has passed in the meantime. Please type a new date and time.")
        )
        return await WHEN_STEP.ask(update, ctx)
    ctx.user_data.pop(DRAFT, None)
    if result.outcome is not RsvpOutcome.OK or result.seminar is None:
        messages = {
            RsvpOutcome.DENIED: t.gettext("Only the organisers can create seminars."),
            RsvpOutcome.NOT_FOUND: t.gettext(
                "Nobody reachable matches that audience, so nothing was created."
            ),
        }
        await query.edit_message_text(messages.get(result.outcome, t.gettext("The seminar was not created.")))
        return ConversationHandler.END
    await query.edit_message_text(
        t.gettext(
            "✅ Seminar created. Invitations are going to {count} people. See the answers with /seminars."
        ).format(count=t.number(result.invited))
        + "\n\n"
        + texts.details(t, result.seminar)
    )
    await run_due_tasks(ctx.application)
    return ConversationHandler.END


async def cancel(update: Update, ctx: BotContext) -> int:
    ctx.user_data.pop(DRAFT, None)
    ctx.user_data.pop("seminar_move", None)
    await update.effective_message.reply_text(ctx.t.gettext("Stopped. Nothing was changed."))
    return ConversationHandler.END


async def stray(update: Update, ctx: BotContext) -> None:
    """Text while buttons are expected."""
    await update.effective_message.reply_text(
        ctx.t.gettext("Please use the buttons above, or send /cancel to stop.")
    )


async def stale_draft_button(update: Update, ctx: BotContext) -> None:
    await answer_stale(update, ctx.t)
