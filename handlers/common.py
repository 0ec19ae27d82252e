"""Who is talking (run before every handler), /help, /me, /language, /cancel."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler

from bot.context import BotContext
from bot.core.permissions import Action, can
from bot.i18n import SUPPORTED_LOCALES
from handlers import callbacks
from handlers.menu import main_menu, menu_filter
from handlers.registry import N_, CommandSpec, MenuEntry
from handlers.render import answer_stale, buttons, esc, role_label, status_label

COMMANDS = (
    CommandSpec("start", N_("Start or register")),
    CommandSpec("help", N_("What I can do for you")),
    CommandSpec("me", N_("Your profile"), Action.VIEW_OWN_PROFILE),
    CommandSpec("language", N_("Change language (Tiếng Việt / English)")),
    CommandSpec("cancel", N_("Stop what you are doing")),
)
MENU = (
    MenuEntry(N_("👤 My profile"), Action.VIEW_OWN_PROFILE, 80),
    MenuEntry(N_("❔ Help"), None, 90),
)
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


async def load_member(update: Update, ctx: BotContext) -> None:
    """Runs first for every update: who is this member, and in which language do we answer."""
    user = update.effective_user
    if user is None or user.is_bot:
        return
    chat = update.effective_chat
    ctx.member = await ctx.services.members.identify(
        str(user.id),
        chat_id=str(chat.id if chat else user.id),
        display_name=user.full_name,
        username=user.username,
    )


def menu_for(ctx: BotContext):
    """The member's main menu keyboard."""
    return main_menu(ctx.bot_data["menu_entries"], ctx.member, ctx.t)


async def show_help(update: Update, ctx: BotContext) -> None:
    """/help: the commands this member may use, in their language."""
    from handlers import command_specs

    t = ctx.t
    lines = [t.gettext("<b>What I can do for you</b>")]
    for spec in command_specs():
        if spec.action is None or can(ctx.member, spec.action):
            lines.append(f"/{spec.name} — {esc(t.gettext(spec.description))}")
    lines.append("")
    lines.append(
        t.gettext("You can also type a question about the Learning Community rules in your own words.")
    )
    await update.effective_message.reply_text("\n".join(lines), reply_markup=menu_for(ctx))


async def show_profile(update: Update, ctx: BotContext) -> None:
    """/me: name, role, ward, chapter, status and language."""
    t, member = ctx.t, ctx.member
    if member is None:
        return
    profile = await ctx.services.members.profile(member)
    lines = [
        t.gettext("<b>{name}</b>").format(name=esc(member.full_name)),
        t.gettext("Role: {role}").format(role=role_label(t, member.role)),
        t.gettext("Status: {status}").format(status=status_label(t, member.status)),
    ]
    if profile.ward:
        lines.append(t.gettext("Ward: {ward}").format(ward=esc(profile.ward.name)))
    if profile.chapter:
        lines.append(t.gettext("Chapter: {chapter}").format(chapter=esc(profile.chapter.name)))
    if member.phone:
        lines.append(t.gettext("Phone: {phone}").format(phone=esc(member.phone)))
    lines.append(t.gettext("Language: {language}").format(language=LANGUAGE_NAMES[t.locale]))
    if not member.is_active:
        lines.append(t.gettext("Send /start to register with your chapter."))
    await update.effective_message.reply_text("\n".join(lines), reply_markup=menu_for(ctx))


async def choose_language(update: Update, ctx: BotContext) -> None:
    """/language: buttons for each supported language."""
    keyboard = buttons(
        [[(LANGUAGE_NAMES[code], callbacks.encode("lang", code)) for code in SUPPORTED_LOCALES]]
    )
    await update.effective_message.reply_text(ctx.t.gettext("Choose your language:"), reply_markup=keyboard)


async def language_chosen(update: Update, ctx: BotContext) -> None:
    """Store the chosen language; answer in it from now on."""
    parts = callbacks.decode(update.callback_query.data, "lang", 1)
    if parts is None or parts[0] not in SUPPORTED_LOCALES or ctx.member is None:
        await answer_stale(update, ctx.t)
        return
    ctx.member = await ctx.services.members.set_locale(ctx.member, parts[0])
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(
        ctx.t.gettext("Language set to {language}.").format(language=LANGUAGE_NAMES[parts[0]])
    )
    await update.effective_message.reply_text(ctx.t.gettext("Here is your menu."), reply_markup=menu_for(ctx))


async def cancel_nothing(update: Update, ctx: BotContext) -> None:
    """/cancel outside any conversation."""
    await update.effective_message.reply_text(
        ctx.t.gettext("There is nothing to cancel."), reply_markup=menu_for(ctx)
    )


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, load_member), group=-1)
    app.add_handler(CommandHandler("help", show_help))
    app.add_handler(MessageHandler(menu_filter(app, N_("❔ Help")), show_help))
    app.add_handler(CommandHandler("me", show_profile))
    app.add_handler(MessageHandler(menu_filter(app, N_("👤 My profile")), show_profile))
    app.add_handler(CommandHandler(["language", "ngonngu"], choose_language))
    app.add_handler(CallbackQueryHandler(language_chosen, pattern=callbacks.pattern("lang")))


def register_late(app: Application) -> None:
    """Handlers that must come after every conversation (they would otherwise shadow /cancel)."""
    app.add_handler(CommandHandler("cancel", cancel_nothing))
