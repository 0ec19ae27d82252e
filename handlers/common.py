"""/help, /me (with linking a second app and choosing where notices arrive), /link, /language, /cancel, and
the answer to an unknown command or a message nobody waited for."""

from __future__ import annotations

from typing import Literal

from bot.conversation.inputs import Text
from bot.conversation.markup import esc
from bot.conversation.replies import Choice, rows
from bot.conversation.router import CommandSpec, MenuEntry, Router
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.members import LINK_CODE_LIFETIME, Outcome
from bot.core.models import MemberStatus
from bot.core.permissions import Action, can
from bot.i18n import N_, SUPPORTED_LOCALES
from bot.views.labels import CHANNEL_NAMES, LANGUAGE_NAMES, role_label, status_label

HELP_LABEL = N_("❔ Help")
PROFILE_LABEL = N_("👤 My profile")
FALLBACK_ORDER = 1000
BARE_NUMBER_ORDER = 890
"""A number typed alone is an answer to a list or a question, never an FAQ question (FAQ is at 900)."""


@token("lang")
class LanguageChoice(Token):
    locale: Literal["vi", "en"]


@token("link")
class LinkAnotherApp(Token):
    pass


@token("notify")
class NotifyOn(Token):
    channel: Literal["telegram", "zalo"]


async def show_help(turn: Turn) -> None:
    """/help: the commands this member may use, in their language."""
    t = turn.t
    lines = [t.gettext("<b>What I can do for you</b>")]
    for spec in turn.router.specs:
        if spec.action is None or can(turn.member, spec.action):
            lines.append(f"/{spec.name} — {esc(t.gettext(spec.description))}")
    lines.append("")
    lines.append(
        t.gettext("You can also type a question about the Learning Community rules in your own words.")
    )
    turn.reply("\n".join(lines), menu=True)


async def show_profile(turn: Turn) -> None:
    """/me: name, role, ward, chapter, status and language."""
    t, member = turn.t, turn.member
    if member is None:
        return
    profile = await turn.services.members.profile(member)
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
    channels = await turn.services.members.channels(member)
    if len(channels) > 1:
        where = CHANNEL_NAMES.get(member.channel or "", member.channel or "")
        lines.append(t.gettext("Notices reach you on: {app}").format(app=where))
    if not member.is_active:
        lines.append(t.gettext("Send /start to register with your chapter."))
    choices: list[Choice] = []
    if member.status is not MemberStatus.VISITOR or len(channels) > 1:
        choices.append(Choice(t.gettext("🔗 Use the bot on another app too"), LinkAnotherApp()))
        choices += [
            Choice(t.gettext("📨 Receive notices on {app}").format(app=CHANNEL_NAMES[c]), NotifyOn(c))
            for c in CHANNEL_NAMES
            if c in channels and c != member.channel
        ]
    turn.reply("\n".join(lines), choices=rows(*([c] for c in choices)), menu=not choices)


async def link_pressed(turn: Turn, _choice: LinkAnotherApp) -> None:
    """A one-time code to type on the other app."""
    t, member = turn.t, turn.member
    if member is None:
        turn.stale()
        return
    code = await turn.services.members.link_code(member, turn.input.channel)
    turn.reply(
        t.gettext(
            "Your linking code: <b>{code}</b> (valid for {minutes} minutes).\n"
            "Open the bot on the other app (Zalo or Telegram) and send: <b>/link {code}</b>\n"
            "That account then shares your profile, role and history here."
        ).format(code=code, minutes=int(LINK_CODE_LIFETIME.total_seconds() // 60))
    )


async def link_typed(turn: Turn) -> None:
    """/link CODE (also "lienket CODE"): this account joins the profile the code was shown to."""
    t, member = turn.t, turn.member
    if member is None:
        return
    code = "".join(turn.args)
    if not code:
        turn.reply(t.gettext("Send /link followed by the code shown by /me on your other app."))
        return
    decision = await turn.services.members.link_account(member, turn.input.channel, code)
    if decision.outcome is Outcome.OK and decision.member is not None:
        turn.member = decision.member
        turn.reply(
            t.gettext("✅ Linked. This app now uses the profile of {name}; notices will arrive here.").format(
                name=esc(decision.member.full_name)
            ),
            menu=True,
        )
    elif decision.outcome is Outcome.ALREADY_DONE:
        turn.reply(t.gettext("This code belongs to this same account: type it on your other app."))
    elif decision.outcome is Outcome.INVALID:
        turn.reply(t.gettext("This code was made on this app: type it on your other app (Zalo or Telegram)."))
    elif decision.outcome is Outcome.ALREADY_MEMBER:
        turn.reply(
            t.gettext(
                "This account already has its own profile, or that profile already has an account on this "
                "app, so they cannot be linked. Please ask the organisers."
            )
        )
    else:
        turn.reply(t.gettext("That code is wrong or has expired. Make a new one with /me on your other app."))


async def notify_chosen(turn: Turn, choice: NotifyOn) -> None:
    """Notices arrive on the chosen app from now on."""
    member = turn.member
    if member is None or choice.channel not in await turn.services.members.channels(member):
        turn.stale()
        return
    turn.member = await turn.services.members.prefer_channel(member, choice.channel)
    turn.reply(
        turn.t.gettext("📨 Notices will reach you on {app}.").format(app=CHANNEL_NAMES[choice.channel])
    )


async def choose_language(turn: Turn) -> None:
    """/language: one choice per supported language."""
    choices = rows([Choice(LANGUAGE_NAMES[code], LanguageChoice(code)) for code in SUPPORTED_LOCALES])
    turn.reply(turn.t.gettext("Choose your language:"), choices=choices)


async def language_chosen(turn: Turn, choice: LanguageChoice) -> None:
    """Store the chosen language; answer in it from now on."""
    if turn.member is None:
        turn.stale()
        return
    turn.member = await turn.services.members.set_locale(turn.member, choice.locale)
    turn.edit(turn.t.gettext("Language set to {language}.").format(language=LANGUAGE_NAMES[choice.locale]))
    turn.reply(turn.t.gettext("Here is your menu."), menu=True)


async def cancel_nothing(turn: Turn) -> None:
    """/cancel outside any dialog."""
    turn.reply(turn.t.gettext("There is nothing to cancel."), menu=True)


async def unknown_command(turn: Turn) -> None:
    turn.reply(
        turn.t.gettext("I do not know that command. Send /help to see what I can do, or use the menu below."),
        menu=True,
    )


async def stray_message(turn: Turn) -> bool:
    """Anything nobody was waiting for (in a private chat): a short pointer to the menu."""
    if not turn.input.sender.private:
        return True
    member, t = turn.member, turn.t
    if member is not None and not member.is_active:
        text = t.gettext("Send /start to register with your chapter, or /help to see what I can do.")
    else:
        text = t.gettext("I did not understand that. Choose an action from the menu below, or send /help.")
    turn.reply(text, menu=True)
    return True


async def bare_number(turn: Turn) -> bool:
    """A number typed alone that no list or question is waiting for: say so and show the menu."""
    text = turn.text.strip().rstrip(".)")
    if not isinstance(turn.event, Text) or not text.isdecimal() or not turn.input.sender.private:
        return False
    turn.reply(
        turn.t.gettext(
            "The number {number} does not match any open choice. "
            "Choose an action from the menu, or send /help."
        ).format(number=text),
        menu=True,
    )
    return True


def register(router: Router) -> None:
    router.describe(CommandSpec("start", N_("Start or register")))
    router.command(
        ("help", "huongdan", "trogiup"), show_help, CommandSpec("help", N_("What I can do for you"))
    )
    router.menu(MenuEntry(HELP_LABEL, None, 90), show_help)
    router.command(
        ("me", "hoso", "thongtincuatoi"),
        show_profile,
        CommandSpec("me", N_("Your profile"), Action.VIEW_OWN_PROFILE),
    )
    router.menu(MenuEntry(PROFILE_LABEL, Action.VIEW_OWN_PROFILE, 80), show_profile)
    router.command(
        ("language", "ngonngu"),
        choose_language,
        CommandSpec("language", N_("Change language (Tiếng Việt / English)")),
    )
    router.choice(LanguageChoice, language_chosen)
    router.command(
        ("link", "lienket"),
        link_typed,
        CommandSpec("link", N_("Link this app to your profile on another app (code from /me)")),
    )
    router.choice(LinkAnotherApp, link_pressed)
    router.choice(NotifyOn, notify_chosen)
    router.command(
        ("cancel", "huybo", "dunglai"), cancel_nothing, CommandSpec("cancel", N_("Stop what you are doing"))
    )
    router.unknown_command = unknown_command
    router.fallback(bare_number, BARE_NUMBER_ORDER)
    router.fallback(stray_message, FALLBACK_ORDER)
