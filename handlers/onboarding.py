"""/start and registration: ward → chapter → name → phone → request sent to the approvers."""

from __future__ import annotations

from datetime import timedelta

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.core.members import Outcome, check_full_name, check_phone
from bot.core.models import MemberStatus
from handlers import callbacks
from handlers.approvals import notify_approvers
from handlers.common import menu_for
from handlers.menu import menu_filter
from handlers.registry import N_
from handlers.render import answer_stale, buttons, esc, grid

CHOOSE_WARD, CHOOSE_CHAPTER, ASK_NAME, ASK_PHONE = range(4)
SKIP_LABEL = N_("Skip")
SHARE_LABEL = N_("📱 Share my phone number")
DRAFT = "onboarding"
INVITE_PREFIX = "inv"


async def start(update: Update, ctx: BotContext) -> int:
    """/start [payload]: greet members, route deep links, or begin registration."""
    member, t = ctx.member, ctx.t
    payload = ctx.args[0] if ctx.args else ""
    prefix, _, rest = payload.partition("_")
    chapter_id = None
    if prefix == INVITE_PREFIX and rest:
        invite = await ctx.services.members.resolve_invite(rest)
        if invite.outcome is Outcome.OK and invite.chapter is not None:
            chapter_id = invite.chapter.id
        elif invite.outcome is Outcome.EXPIRED:
            await update.effective_message.reply_text(
                t.gettext(
                    "This invitation link has expired. Please ask your ward lead for a new one, or register "
                    "below."
                )
            )
        else:
            await update.effective_message.reply_text(
                t.gettext("This invitation link is not valid. You can still register below.")
            )
    elif prefix and rest:
        handler = ctx.bot_data.get("start_payloads", {}).get(prefix)
        if handler is not None and await handler(update, ctx, rest):
            return ConversationHandler.END
    if member is None:
        return ConversationHandler.END
    if member.is_active:
        await update.effective_message.reply_text(
            t.gettext("Welcome back, {name}! Choose an action below or type your question.").format(
                name=esc(member.full_name)
            ),
            reply_markup=menu_for(ctx),
        )
        return ConversationHandler.END
    if member.status is MemberStatus.PENDING:
        profile = await ctx.services.members.profile(member)
        await update.effective_message.reply_text(
            t.gettext(
                "Your request to join {chapter} is waiting for approval. You will get a message as soon as "
                "it is decided."
            ).format(chapter=esc(profile.chapter.name if profile.chapter else "")),
            reply_markup=ReplyKeyboardRemove(),
        )
        return ConversationHandler.END
    greeting = t.gettext("Hello! I am the assistant of {association}.").format(
        association=esc(ctx.services.settings.association_name)
    )
    ctx.user_data[DRAFT] = {}
    if chapter_id is not None:
        ctx.user_data[DRAFT]["chapter_id"] = chapter_id
        chapter = await ctx.services.org.chapter(chapter_id)
        await update.effective_message.reply_text(
            greeting
            + "\n"
            + t.gettext("You were invited to join <b>{chapter}</b>.").format(
                chapter=esc(chapter.name if chapter else "")
            )
            + "\n\n"
            + ask_name_text(ctx),
            reply_markup=ReplyKeyboardRemove(),
        )
        return ASK_NAME
    await update.effective_message.reply_text(
        greeting + "\n" + t.gettext("To register, first choose your ward:"),
        reply_markup=await ward_keyboard(ctx),
    )
    return CHOOSE_WARD


async def ward_keyboard(ctx: BotContext):
    wards = await ctx.services.members.wards()
    return buttons(grid([(w.name, callbacks.encode("ob", "w", w.id)) for w in wards], 3))


async def ward_chosen(update: Update, ctx: BotContext) -> int:
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, "ob", 2)
    ward_id = callbacks.parse_int(parts[1]) if parts and parts[0] == "w" else None
    chapters = await ctx.services.members.chapters(ward_id) if ward_id else []
    if not chapters or DRAFT not in ctx.user_data:
        await answer_stale(update, t)
        return CHOOSE_WARD
    await query.answer()
    rows = grid([(c.name, callbacks.encode("ob", "c", c.id)) for c in chapters], 1)
    rows.append([(t.gettext("« Back to wards"), callbacks.encode("ob", "back", 0))])
    await query.edit_message_text(t.gettext("Now choose your chapter:"), reply_markup=buttons(rows))
    return CHOOSE_CHAPTER


async def chapter_chosen(update: Update, ctx: BotContext) -> int:
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, "ob", 2)
    if parts and parts[0] == "back":
        await query.answer()
        await query.edit_message_text(t.gettext("Choose your ward:"), reply_markup=await ward_keyboard(ctx))
        return CHOOSE_WARD
    chapter_id = callbacks.parse_int(parts[1]) if parts and parts[0] == "c" else None
    chapter = await ctx.services.org.chapter(chapter_id) if chapter_id else None
    if chapter is None or not chapter.active or DRAFT not in ctx.user_data:
        await answer_stale(update, t)
        return CHOOSE_CHAPTER
    ctx.user_data[DRAFT]["chapter_id"] = chapter.id
    await query.answer()
    await query.edit_message_text(t.gettext("Chapter: <b>{chapter}</b>").format(chapter=esc(chapter.name)))
    await update.effective_message.reply_text(ask_name_text(ctx))
    return ASK_NAME


def ask_name_text(ctx: BotContext) -> str:
    return ctx.t.gettext("Please type your full name (for example: Nguyễn Thị Lan).")


async def name_received(update: Update, ctx: BotContext) -> int:
    t = ctx.t
    checked = check_full_name(update.effective_message.text or "")
    if checked is None:
        await update.effective_message.reply_text(
            t.gettext(
                "Please type your full name in letters only, between 2 and 80 characters "
                "(for example: Nguyễn Thị Lan)."
            )
        )
        return ASK_NAME
    ctx.user_data.setdefault(DRAFT, {})["full_name"] = checked
    keyboard = ReplyKeyboardMarkup(
        [
            [KeyboardButton(t.gettext(SHARE_LABEL), request_contact=True)],
            [KeyboardButton(t.gettext(SKIP_LABEL))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await update.effective_message.reply_text(
        t.gettext(
            "Thank you, {name}. You may share your phone number so the organisers can call you "
            "(only they and your ward lead can see it), or press Skip."
        ).format(name=esc(checked)),
        reply_markup=keyboard,
    )
    return ASK_PHONE


async def contact_received(update: Update, ctx: BotContext) -> int:
    contact = update.effective_message.contact
    if contact.user_id is not None and contact.user_id != update.effective_user.id:
        await update.effective_message.reply_text(
            ctx.t.gettext("Please share your own phone number with the button below, or press Skip.")
        )
        return ASK_PHONE
    phone = check_phone(contact.phone_number or "")
    return await submit(update, ctx, phone)


async def phone_skipped(update: Update, ctx: BotContext) -> int:
    return await submit(update, ctx, None)


async def phone_typed(update: Update, ctx: BotContext) -> int:
    phone = check_phone(update.effective_message.text or "")
    if phone is None:
        await update.effective_message.reply_text(
            ctx.t.gettext(
                "That does not look like a Vietnamese phone number. Use the button below, type a number "
                "like 0903 123 456, or press Skip."
            )
        )
        return ASK_PHONE
    return await submit(update, ctx, phone)


async def submit(update: Update, ctx: BotContext, phone: str | None) -> int:
    """Save the request (committed) and tell the approvers, then the person."""
    t, draft = ctx.t, ctx.user_data.pop(DRAFT, {})
    if "chapter_id" not in draft or "full_name" not in draft or ctx.member is None:
        await update.effective_message.reply_text(
            t.gettext("Something was missing. Please send /start again."), reply_markup=ReplyKeyboardRemove()
        )
        return ConversationHandler.END
    result = await ctx.services.members.request_join(
        ctx.member, chapter_id=draft["chapter_id"], full_name=draft["full_name"], phone=phone
    )
    if result.outcome is Outcome.ALREADY_MEMBER:
        await update.effective_message.reply_text(
            t.gettext("You are already registered."), reply_markup=menu_for(ctx)
        )
        return ConversationHandler.END
    if result.outcome is not Outcome.OK or result.member is None:
        await update.effective_message.reply_text(
            t.gettext("That chapter is no longer available. Please send /start and choose again."),
            reply_markup=ReplyKeyboardRemove(),
        )
        return ConversationHandler.END
    ctx.member = result.member
    await notify_approvers(ctx.application, result)
    ward = esc(result.ward.name if result.ward else "")
    if result.approvers:
        text = t.gettext(
            "Thank you! Your request to join <b>{chapter}</b> ({ward}) has been sent to the leads. "
            "I will tell you as soon as it is approved."
        )
    else:
        text = t.gettext(
            "Thank you! Your request to join <b>{chapter}</b> ({ward}) is saved. Nobody can approve it "
            "yet; please tell the association office."
        )
    await update.effective_message.reply_text(
        text.format(chapter=esc(result.chapter.name), ward=ward), reply_markup=ReplyKeyboardRemove()
    )
    return ConversationHandler.END


async def cancel(update: Update, ctx: BotContext) -> int:
    ctx.user_data.pop(DRAFT, None)
    await update.effective_message.reply_text(
        ctx.t.gettext("Registration cancelled. Send /start to begin again."),
        reply_markup=ReplyKeyboardRemove(),
    )
    return ConversationHandler.END


async def stray_in_registration(update: Update, ctx: BotContext) -> None:
    """Anything else while choosing buttons: point at the buttons."""
    await update.effective_message.reply_text(
        ctx.t.gettext("Please use the buttons above, or send /cancel to stop registering.")
    )


def register(app: Application) -> None:
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("start", start)],
            states={
                CHOOSE_WARD: [
                    CallbackQueryHandler(ward_chosen, pattern=callbacks.pattern("ob")),
                    MessageHandler(filters.TEXT & ~filters.COMMAND, stray_in_registration),
                ],
                CHOOSE_CHAPTER: [
                    CallbackQueryHandler(chapter_chosen, pattern=callbacks.pattern("ob")),
                    MessageHandler(filters.TEXT & ~filters.COMMAND, stray_in_registration),
                ],
                ASK_NAME: [MessageHandler(filters.TEXT & ~filters.COMMAND, name_received)],
                ASK_PHONE: [
                    MessageHandler(filters.CONTACT, contact_received),
                    MessageHandler(menu_filter(app, SKIP_LABEL), phone_skipped),
                    MessageHandler(filters.TEXT & ~filters.COMMAND, phone_typed),
                ],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            allow_reentry=True,
            name="onboarding",
            conversation_timeout=timedelta(hours=2),
        )
    )
    app.add_handler(CallbackQueryHandler(answer_stale_button, pattern=callbacks.pattern("ob")))


async def answer_stale_button(update: Update, ctx: BotContext) -> None:
    """A registration button pressed outside registration (old message)."""
    await answer_stale(update, ctx.t)
