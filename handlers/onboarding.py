"""/start and registration: ward → chapter → name → phone → request sent to the approvers.

Where the person stands (the step, the chosen chapter, the typed name) is kept in the database: a restart in
the middle continues the registration. `/start inv_<token>` (an invitation) skips the ward and the chapter;
other deep links `/start <prefix>_<rest>` go to the feature that registered the prefix.
"""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.dialogs import Dialog
from bot.conversation.inputs import SharedContact
from bot.conversation.markup import esc
from bot.conversation.replies import Choice, Choices, ContactRequest, Suggestions, grid
from bot.conversation.router import Router, Step
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.members import Outcome, check_full_name, check_phone
from bot.core.models import MemberStatus
from bot.i18n import N_, SUPPORTED_LOCALES, Translator
from handlers.approvals import INVITE_PAYLOAD, notify_approvers

SKIP_LABEL = N_("Skip")
SHARE_LABEL = N_("📱 Share my phone number")
REGISTRATION = Dialog(
    "onboarding",
    timeout=timedelta(hours=2),
    expired=N_(
        "Your registration was left unfinished for too long and has ended. Send /start to begin again."
    ),
    cancelled=N_("Registration cancelled. Send /start to begin again."),
)


@token("ob:w")
class WardChoice(Token):
    ward_id: int


@token("ob:c")
class ChapterChoice(Token):
    chapter_id: int


@token("ob:back")
class BackToWards(Token):
    pass


async def start(turn: Turn) -> None:
    """/start [payload]: greet members, route deep links, or begin registration."""
    t = turn.t
    payload = turn.args[0] if turn.args else ""
    prefix, _, rest = payload.partition("_")
    chapter_id = None
    if prefix == INVITE_PAYLOAD and rest:
        invite = await turn.services.members.resolve_invite(rest)
        if invite.outcome is Outcome.OK and invite.chapter is not None:
            chapter_id = invite.chapter.id
        elif invite.outcome is Outcome.EXPIRED:
            turn.reply(
                t.gettext(
                    "This invitation link has expired. Please ask your ward lead for a new one, or register "
                    "below."
                )
            )
        else:
            turn.reply(t.gettext("This invitation link is not valid. You can still register below."))
    elif prefix and rest:
        flow = turn.router.start_payloads.get(prefix)
        if flow is not None and await flow(turn, rest):
            leave_registration(turn)
            return
    member = turn.member
    if member is None:
        return
    if member.is_active:
        leave_registration(turn)
        turn.reply(
            t.gettext("Welcome back, {name}! Choose an action below or type your question.").format(
                name=esc(member.full_name)
            ),
            menu=True,
        )
        return
    if member.status is MemberStatus.PENDING:
        leave_registration(turn)
        profile = await turn.services.members.profile(member)
        turn.reply(
            t.gettext(
                "Your request to join {chapter} is waiting for approval. You will get a message as soon as "
                "it is decided."
            ).format(chapter=esc(profile.chapter.name if profile.chapter else "")),
            remove_keys=True,
        )
        return
    greeting = t.gettext("Hello! I am the assistant of {association}.").format(
        association=esc(turn.services.settings.association_name)
    )
    chapter = await turn.services.members.chapter(chapter_id) if chapter_id is not None else None
    if chapter is not None:
        turn.begin(REGISTRATION, "name", chapter_id=chapter.id)
        turn.reply(
            greeting
            + "\n"
            + t.gettext("You were invited to join <b>{chapter}</b>.").format(chapter=esc(chapter.name))
            + "\n\n"
            + ask_name_text(t),
            remove_keys=True,
        )
        return
    turn.begin(REGISTRATION, "ward")
    turn.reply(greeting + "\n" + t.gettext("To register, first choose your ward:"), choices=await wards(turn))


def leave_registration(turn: Turn) -> None:
    """/start that does not register ends a registration left open (other dialogs carry on)."""
    if turn.in_dialog(REGISTRATION):
        turn.end()


async def wards(turn: Turn) -> Choices:
    return grid([Choice(w.name, WardChoice(w.id)) for w in await turn.services.members.wards()], 3)


async def ward_chosen(turn: Turn, choice: WardChoice) -> None:
    t = turn.t
    chapters = await turn.services.members.chapters(choice.ward_id)
    if not chapters:
        turn.stale()
        return
    turn.goto("chapter", ward_id=choice.ward_id)
    choices = (
        *grid([Choice(c.name, ChapterChoice(c.id)) for c in chapters], 1),
        (Choice(t.gettext("« Back to wards"), BackToWards()),),
    )
    turn.edit(t.gettext("Now choose your chapter:"), choices=choices)


async def back_to_wards(turn: Turn, _choice: BackToWards) -> None:
    turn.goto("ward", ward_id=None)
    turn.edit(turn.t.gettext("Choose your ward:"), choices=await wards(turn))


async def chapter_chosen(turn: Turn, choice: ChapterChoice) -> None:
    t = turn.t
    chapter = await turn.services.members.chapter(choice.chapter_id)
    if chapter is None:
        turn.stale()
        return
    turn.goto("name", chapter_id=chapter.id)
    turn.edit(t.gettext("Chapter: <b>{chapter}</b>").format(chapter=esc(chapter.name)))
    turn.reply(ask_name_text(t))


def ask_name_text(t: Translator) -> str:
    return t.gettext("Please type your full name (for example: Nguyễn Thị Lan).")


async def name_received(turn: Turn) -> None:
    t = turn.t
    checked = check_full_name(turn.text)
    if checked is None:
        turn.reply(
            t.gettext(
                "Please type your full name in letters only, between 2 and 80 characters "
                "(for example: Nguyễn Thị Lan)."
            )
        )
        return
    turn.goto("phone", full_name=checked)
    turn.reply(
        t.gettext(
            "Thank you, {name}. You may share your phone number so the organisers can call you "
            "(only they and your ward lead can see it), or press Skip."
        ).format(name=esc(checked)),
        suggestions=Suggestions(((ContactRequest(t.gettext(SHARE_LABEL)),), (t.gettext(SKIP_LABEL),))),
    )


async def contact_received(turn: Turn) -> None:
    event = turn.event
    assert isinstance(event, SharedContact)
    if not event.own:
        turn.reply(turn.t.gettext("Please share your own phone number with the button below, or press Skip."))
        return
    await submit(turn, check_phone(event.phone))


async def phone_typed(turn: Turn) -> None:
    """Skip (in any language), or a number typed by hand."""
    text = turn.text
    if text in {turn.services.i18n.translator(locale).gettext(SKIP_LABEL) for locale in SUPPORTED_LOCALES}:
        await submit(turn, None)
        return
    phone = check_phone(text)
    if phone is None:
        turn.reply(
            turn.t.gettext(
                "That does not look like a Vietnamese phone number. Use the button below, type a number "
                "like 0903 123 456, or press Skip."
            )
        )
        return
    await submit(turn, phone)


async def submit(turn: Turn, phone: str | None) -> None:
    """Save the request and queue it to the approvers, in this turn's transaction; then tell the person."""
    t, data = turn.t, turn.data
    turn.end()
    if "chapter_id" not in data or "full_name" not in data or turn.member is None:
        turn.reply(t.gettext("Something was missing. Please send /start again."), remove_keys=True)
        return
    result = await turn.services.members.request_join(
        turn.member, chapter_id=data["chapter_id"], full_name=data["full_name"], phone=phone
    )
    if result.outcome is Outcome.ALREADY_MEMBER:
        turn.reply(t.gettext("You are already registered."), menu=True)
        return
    if result.outcome is not Outcome.OK or result.member is None or result.chapter is None:
        turn.reply(
            t.gettext("That chapter is no longer available. Please send /start and choose again."),
            remove_keys=True,
        )
        return
    turn.member = result.member
    await notify_approvers(turn.services, result)
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
    ward = esc(result.ward.name if result.ward else "")
    turn.reply(text.format(chapter=esc(result.chapter.name), ward=ward), remove_keys=True)


async def cancelled(turn: Turn) -> None:
    turn.reply(turn.t.gettext(REGISTRATION.cancelled), remove_keys=True)


async def use_the_buttons(turn: Turn) -> None:
    """Typed text while choosing the ward or the chapter: point at the buttons."""
    turn.reply(turn.t.gettext("Please use the buttons above, or send /cancel to stop registering."))


def register(router: Router) -> None:
    router.command(("start", "batdau", "dangky"), start)
    router.choice(WardChoice, ward_chosen, dialog=REGISTRATION, steps=("ward",))
    router.choice(ChapterChoice, chapter_chosen, dialog=REGISTRATION, steps=("chapter",))
    router.choice(BackToWards, back_to_wards, dialog=REGISTRATION, steps=("chapter",))
    router.dialog(
        REGISTRATION,
        {
            "ward": Step(text=use_the_buttons),
            "chapter": Step(text=use_the_buttons),
            "name": Step(text=name_received),
            "phone": Step(text=phone_typed, contact=contact_received),
        },
        on_cancel=cancelled,
    )
