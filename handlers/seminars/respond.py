"""Invitees: attend / not attend / send a replacement (typed by name), and the feedback rating afterwards."""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.dialogs import Dialog
from bot.conversation.markup import esc
from bot.conversation.replies import Choice, rows
from bot.conversation.router import Router, Step
from bot.conversation.turn import Turn
from bot.core.seminars.models import Rsvp, RsvpOutcome
from bot.i18n import N_
from bot.views.seminars import texts
from handlers.audience_picker import found_people
from handlers.seminars.choices import Answer, Rating, Replacement, answer_choices

DELEGATE = Dialog(
    "seminar_delegate",
    timeout=timedelta(hours=2),
    expired=N_(
        "Sending a replacement was left unfinished for too long and has stopped; nothing was changed. "
        "Press «Send a replacement» under the invitation to try again."
    ),
    cancelled=N_("Stopped. Nothing was changed."),
)
MAX_SEARCH_RESULTS = 8
ANSWERS = {"y": Rsvp.YES, "n": Rsvp.NO}
ANSWER_LABELS = {Rsvp.YES: "✅", Rsvp.NO: "❌", Rsvp.PENDING: "⏳"}
MAX_LISTED = 10
TOAST_LIMIT = 200


async def answer_pressed(turn: Turn, press: Answer) -> None:
    """✅ Tham dự / ❌ Không tham dự; 👤 Cử người thay asks for a name."""
    if press.answer == "d":
        await replacement_pressed(turn, press.seminar_id)
        return
    t, rsvp = turn.t, ANSWERS[press.answer]
    result = await turn.services.seminars.answer(turn.member, press.seminar_id, rsvp)
    if result.outcome not in (RsvpOutcome.OK, RsvpOutcome.UNCHANGED):
        turn.toast(texts.answer_refusal(t, result.outcome), alert=True)
        return
    assert result.seminar is not None
    if rsvp is Rsvp.YES:
        text = t.gettext("Thank you! You will attend «{topic}». I will remind you before it starts.")
    else:
        text = t.gettext("Noted: you will not attend «{topic}». You can change your answer until the start.")
    turn.toast(text.format(topic=result.seminar.topic)[:TOAST_LIMIT])
    turn.reply(text.format(topic=esc(result.seminar.topic)))


async def replacement_pressed(turn: Turn, seminar_id: int) -> None:
    """👤 Cử người thay: ask who will go instead (the dialog remembers which seminar)."""
    t = turn.t
    result = await turn.services.seminars.may_delegate(turn.member, seminar_id)
    if result.outcome is not RsvpOutcome.OK:
        turn.toast(texts.answer_refusal(t, result.outcome), alert=True)
        return
    turn.begin(DELEGATE, "name", seminar_id=seminar_id)
    turn.reply(
        t.gettext("Who will attend in your place? Type part of their name (accents optional), or /cancel.")
    )


async def replacement_name_received(turn: Turn) -> None:
    """The name typed: the members it matches (not the invitee), each a choice."""
    t, seminar_id = turn.t, turn.data["seminar_id"]
    member_id = turn.member.id if turn.member else None
    found = await found_people(
        turn,
        await turn.services.seminars.find_members(
            turn.member, turn.text, limit=MAX_SEARCH_RESULTS, excluding=member_id
        ),
    )
    if found is None:
        return
    turn.end()
    turn.reply(
        t.gettext("Tap the person who will attend in your place:"),
        choices=rows(*([Choice(m.full_name, Replacement(seminar_id, m.id))] for m in found)),
    )


async def replacement_chosen(turn: Turn, press: Replacement) -> None:
    """The replacement is invited in the invitee's place (the invitation is queued with this turn)."""
    t = turn.t
    result = await turn.services.seminars.delegate(turn.member, press.seminar_id, press.member_id)
    if result.outcome is not RsvpOutcome.OK or result.replacement is None or result.seminar is None:
        turn.toast(texts.answer_refusal(t, result.outcome), alert=True)
        return
    turn.edit(
        t.gettext("Thank you. {name} will receive the invitation to «{topic}» in your place.").format(
            name=esc(result.replacement.full_name), topic=esc(result.seminar.topic)
        )
    )


async def rating_pressed(turn: Turn, press: Rating) -> None:
    t, member = turn.t, turn.member
    attended = await turn.services.seminar_checkin.attended(press.seminar_id, member.id) if member else False
    result = await turn.services.seminars.rate(member, press.seminar_id, press.rating, attended=attended)
    if result.outcome not in (RsvpOutcome.OK, RsvpOutcome.UNCHANGED):
        if result.outcome is RsvpOutcome.NOT_INVITED:
            turn.toast(t.gettext("Only those who attended can rate this seminar."), alert=True)
        else:
            turn.stale()
        return
    turn.edit(t.gettext("Thank you for your feedback: {rating}/5.").format(rating=press.rating))


async def my_invitations(turn: Turn) -> None:
    """/my_seminars: the seminars I am invited to, my answer, and the choices to change it."""
    t = turn.t
    invitations = await turn.services.seminars.my_invitations(turn.member)
    if not invitations:
        turn.reply(t.gettext("You have no upcoming seminar invitations."))
        return
    for seminar, answer in invitations[:MAX_LISTED]:
        if answer is Rsvp.YES:
            line = t.gettext("Your answer: attending.")
        elif answer is Rsvp.NO:
            line = t.gettext("Your answer: not attending.")
        else:
            line = t.gettext("You have not answered yet.")
        turn.reply(
            texts.details(t, seminar) + "\n\n" + ANSWER_LABELS[answer] + " " + line,
            choices=answer_choices(t, seminar.id),
        )


def register(router: Router) -> None:
    router.command(("my_seminars", "toadam", "toadamcuatoi"), my_invitations)
    router.choice(Answer, answer_pressed)
    router.choice(Replacement, replacement_chosen)
    router.choice(Rating, rating_pressed)
    router.dialog(DELEGATE, {"name": Step(text=replacement_name_received)})
