"""What organisers do with a session: manage, edit, reschedule, cancel, QR poster, live view, check-in by
name (with undo), excused, export.

Editing a field, rescheduling and finding a person by name are one small dialog (`training_edit`, 30
minutes): the value typed is read (a new start is read back first) and saved; everyone registered or
waiting is told in the same turn. A seminar's check-in session is changed through its seminar: its card
only has the check-in choices.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Literal

from bot.conversation.dialogs import Dialog
from bot.conversation.markup import esc
from bot.conversation.replies import Attachment, Choice, Choices, grid, rows
from bot.conversation.router import Router, Step
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.attendance import CheckInResult, Outcome, Training, WindowState, window_state
from bot.core.attendance.rules import MAX_CAPACITY, MAX_DESCRIPTION, MAX_TITLE, MAX_VENUE
from bot.core.attendance.service import MAX_LATE_THRESHOLD_MINUTES
from bot.core.parsing import ParseError, limit_text, parse_count
from bot.core.permissions import Action, can
from bot.core.text import shorten
from bot.i18n import N_, Translator
from bot.views.attendance.poster import checkin_poster
from bot.views.attendance.texts import (
    cancelled_text,
    card,
    changed_text,
    live_text,
    moved_text,
    outcome_text,
    qr_caption,
    qr_refusal,
    when_text,
)
from bot.views.attendance.workbook import XLSX, attendance_workbook, workbook_name
from handlers.attendance import invite_more
from handlers.attendance.common import ManageOpen, queue_demoted, queue_promoted, tell
from handlers.when_step import ask_to_move, typed_start

MAX_SEARCH_RESULTS = 8
PICKER_LABEL = 40
"""Characters a one-to-a-row choice shows on a phone without being cut."""
SESSION_TITLE = 26
"""A session's title in the session picker, before its date."""
MAX_PICKED = 10
PNG = "image/png"
FIELD_PROMPTS = {
    "title": N_("Type the new title:"),
    "venue": N_("Type the new venue:"),
    "description": N_("Type the new description (or a single dash - to remove it):"),
    "capacity": N_("Type the new number of seats (or 0 for no limit):"),
    "late": N_(
        "After how many minutes past the start does a check-in count as late? Type a number of minutes:"
    ),
    "when": N_("Type the new date and start time (for example 16/12 8h):"),
}
Field = Literal["title", "venue", "description", "capacity", "late", "when"]
EDIT = Dialog(
    "training_edit",
    timeout=timedelta(minutes=30),
    expired=N_("The change you started was left unfinished for too long; nothing was changed."),
    cancelled=N_("Stopped. Nothing was changed."),
)


@token("tm:l")
class LiveView(Token):
    training_id: int
    arg: Literal["-"] = "-"


@token("tm:q")
class QrPoster(Token):
    """The QR poster; 'r' makes a new code and retires the old one."""

    training_id: int
    rotate: Literal["-", "r"] = "-"


@token("tm:x")
class ExportList(Token):
    training_id: int
    arg: Literal["-"] = "-"


@token("tm:c")
class CancelSession(Token):
    """Cancel the session: '-' asks, 'y' confirms."""

    training_id: int
    confirm: Literal["-", "y"] = "-"


@token("tm:e")
class EditField(Token):
    training_id: int
    field: Field


@token("tm:s")
class FindPerson(Token):
    """Find a person by name to check them in ('ci') or mark them excused ('ex')."""

    training_id: int
    purpose: Literal["ci", "ex"]


@token("tm:ci")
class CheckInPerson(Token):
    training_id: int
    member_id: int


@token("tm:ex")
class ExcusePerson(Token):
    training_id: int
    member_id: int


@token("tm:u")
class UndoCheckIn(Token):
    training_id: int
    member_id: int


@token("tm:ok")
class MoveConfirmed(Token):
    """'✅ Yes, move it' under the read-back of a new start."""

    training_id: int
    arg: Literal["-"] = "-"


@token("tm:re")
class MoveRetyped(Token):
    """'✏️ Type it again' under the read-back of a new start."""

    training_id: int
    arg: Literal["-"] = "-"


@token("tm:p")
class ManagePage(Token):
    """'More…' / '« Back' under the card: which page of the organiser's choices to show."""

    training_id: int
    page: Literal["-", "m"]


def manage_choices(t: Translator, training: Training, *, more: bool = False) -> Choices:
    """The organiser's choices, at most 8 on a page, two to a row so they fit a phone: the day-of-session
    ones first, the rarer edits on the 'More…' page. A seminar's check-in session is changed through its
    seminar, so only the check-in choices."""
    tid = training.id
    if training.for_seminar:
        return rows(
            [
                Choice(t.gettext("👥 Live view"), LiveView(tid)),
                Choice(t.gettext("📷 QR code"), QrPoster(tid)),
            ],
            [
                Choice(t.gettext("✍️ Check someone in"), FindPerson(tid, "ci")),
                Choice(t.gettext("🙋 Mark excused"), FindPerson(tid, "ex")),
            ],
            [Choice(t.gettext("📊 Excel list"), ExportList(tid))],
        )
    if more:
        return rows(
            [
                Choice(t.gettext("✏️ Title"), EditField(tid, "title")),
                Choice(t.gettext("✏️ Venue"), EditField(tid, "venue")),
            ],
            [
                Choice(t.gettext("✏️ Description"), EditField(tid, "description")),
                Choice(t.gettext("✏️ Seats"), EditField(tid, "capacity")),
            ],
            [
                Choice(t.gettext("⏰ Late after"), EditField(tid, "late")),
                Choice(t.gettext("❌ Cancel the session"), CancelSession(tid)),
            ],
            [Choice(t.gettext("« Back"), ManagePage(tid, "-"))],
        )
    return rows(
        [Choice(t.gettext("👥 Live view"), LiveView(tid)), Choice(t.gettext("📷 QR code"), QrPoster(tid))],
        [
            Choice(t.gettext("✍️ Check someone in"), FindPerson(tid, "ci")),
            Choice(t.gettext("🙋 Mark excused"), FindPerson(tid, "ex")),
        ],
        [
            Choice(t.gettext("📊 Excel list"), ExportList(tid)),
            Choice(t.gettext("➕ Invite more"), invite_more.STEP.start_token(tid)),
        ],
        [
            Choice(t.gettext("🕒 Reschedule"), EditField(tid, "when")),
            Choice(t.gettext("More…"), ManagePage(tid, "m")),
        ],
    )


async def page_pressed(turn: Turn, press: ManagePage) -> None:
    """'More…' / '« Back': the other page of choices under the same card."""
    training = await managed(turn, press.training_id)
    if training is not None:
        turn.edit_choices(manage_choices(turn.t, training, more=press.page == "m"))


async def managed(turn: Turn, training_id: int) -> Training | None:
    """The session an organiser's choice is about; None after answering a refusal or a stale choice."""
    if not can(turn.member, Action.MANAGE_TRAINING):
        turn.toast(outcome_text(turn.t, Outcome.DENIED), alert=True)
        return None
    training = await turn.services.attendance.get(training_id)
    if training is None:
        turn.stale()
    return training


async def show_manage(turn: Turn, press: ManageOpen) -> None:
    training = await managed(turn, press.training_id)
    if training is not None:
        turn.reply(card(turn.t, training), choices=manage_choices(turn.t, training))


# --- live view, QR poster, export ---------------------------------------------------------------------


async def live_pressed(turn: Turn, press: LiveView) -> None:
    training = await managed(turn, press.training_id)
    if training is not None:
        await live_reply(turn, training)


async def live_reply(turn: Turn, training: Training) -> None:
    """Registered, checked in, late, not yet arrived, excused, grouped by ward (split where it is long)."""
    t = turn.t
    roster = await turn.services.attendance.roster(turn.member, training.id)
    if roster is None:
        return
    tid = training.id
    turn.reply(
        live_text(t, training, roster[1]),
        choices=rows(
            [
                Choice(t.gettext("🔄 Refresh"), LiveView(tid)),
                Choice(t.gettext("📊 Excel list"), ExportList(tid)),
            ],
            [
                Choice(t.gettext("✍️ Check someone in"), FindPerson(tid, "ci")),
                Choice(t.gettext("🙋 Mark excused"), FindPerson(tid, "ex")),
            ],
        ),
    )


async def qr_pressed(turn: Turn, press: QrPoster) -> None:
    training = await managed(turn, press.training_id)
    if training is not None:
        await qr_reply(turn, training, rotate=press.rotate == "r")


async def qr_reply(turn: Turn, training: Training, *, rotate: bool = False) -> None:
    """The check-in poster (QR code and the code to type) with a 'new code' choice, or why there is none.

    `rotate` makes a new code and retires the old one. On a channel without deep links the poster shows the
    code to type only.
    """
    t = turn.t
    result = await turn.services.attendance.checkin_code(turn.member, training.id, rotate=rotate)
    if result.outcome is not Outcome.OK or result.code is None:
        if turn.pressed:
            turn.toast(qr_refusal(t, result.outcome), alert=True)
        else:
            turn.reply(qr_refusal(t, result.outcome))
        return
    if rotate and turn.pressed:
        turn.toast(t.gettext("New code made: the old one no longer works."))
    code = result.code
    link = turn.channel.deep_link(f"ci_{code}")
    caption = qr_caption(
        t,
        training,
        code,
        scannable=link is not None,
        too_early=window_state(training, turn.now) is WindowState.TOO_EARLY,
    )
    poster = Attachment(
        f"checkin-{training.id}.png", PNG, image=True, render=functools.partial(checkin_poster, link, code)
    )
    turn.reply(
        caption,
        attachment=poster,
        choices=rows([Choice(t.gettext("🔄 New code (old one stops working)"), QrPoster(training.id, "r"))]),
    )


async def export_pressed(turn: Turn, press: ExportList) -> None:
    """The attendance list as a workbook (built after the turn commits)."""
    t = turn.t
    training = await managed(turn, press.training_id)
    roster = await turn.services.attendance.roster(turn.member, training.id) if training else None
    if training is None or roster is None:
        return
    turn.reply(
        t.gettext("Attendance list: <b>{title}</b>").format(title=esc(training.title)),
        attachment=Attachment(
            workbook_name(t, training),
            XLSX,
            render=functools.partial(attendance_workbook, t, training, roster[1]),
        ),
    )


# --- cancel ---------------------------------------------------------------------------------------------


async def cancel_pressed(turn: Turn, press: CancelSession) -> None:
    """Ask once, then cancel and tell everyone registered or waiting (in the same turn)."""
    t = turn.t
    training = await managed(turn, press.training_id)
    if training is None:
        return
    if press.confirm != "y":
        turn.reply(
            t.gettext("Cancel <b>{title}</b> ({when})? Everyone registered will be told.").format(
                title=esc(training.title), when=when_text(t, training)
            ),
            choices=rows([Choice(t.gettext("Yes, cancel it"), CancelSession(training.id, "y"))]),
        )
        return
    result = await turn.services.attendance.cancel(turn.member, training.id)
    cancelled = result.training
    if result.outcome is not Outcome.OK or cancelled is None:
        turn.edit(t.gettext("That session was already cancelled."))
        return
    await tell(
        turn,
        result.notify,
        batch=f"training:{training.id}:change",
        key=f"training:{training.id}:v{cancelled.version}",
        text=lambda tt: cancelled_text(tt, training),
    )
    turn.edit(
        t.ngettext(
            "Cancelled. {count} registered member is being told.",
            "Cancelled. {count} registered members are being told.",
            len(result.notify),
        ).format(count=t.number(len(result.notify)))
    )


# --- check someone in, excuse, undo ---------------------------------------------------------------------


async def check_in_pressed(turn: Turn, press: CheckInPerson) -> None:
    training = await managed(turn, press.training_id)
    if training is not None:
        result = await turn.services.attendance.manual_check_in(turn.member, training.id, press.member_id)
        await person_result(turn, training, press.member_id, result, undo=True)


async def excuse_pressed(turn: Turn, press: ExcusePerson) -> None:
    training = await managed(turn, press.training_id)
    if training is not None:
        result = await turn.services.attendance.excuse(turn.member, training.id, press.member_id)
        await person_result(turn, training, press.member_id, result, undo=False)


async def undo_pressed(turn: Turn, press: UndoCheckIn) -> None:
    t = turn.t
    training = await managed(turn, press.training_id)
    if training is None:
        return
    person = await turn.services.members.get(press.member_id)
    if person is None:
        turn.stale()
        return
    result = await turn.services.attendance.undo_check_in(turn.member, training.id, person.id)
    text = (
        t.gettext("Undone: {name} is no longer checked in.")
        if result.outcome is Outcome.OK
        else t.gettext("{name} was not checked in, so there is nothing to undo.")
    )
    turn.edit(text.format(name=esc(person.full_name)))


async def person_result(
    turn: Turn, training: Training, member_id: int, result: CheckInResult, *, undo: bool
) -> None:
    """What became of checking someone in (with Undo) or marking them excused."""
    t = turn.t
    person = await turn.services.members.get(member_id)
    if person is None or result.outcome is Outcome.NOT_FOUND:
        turn.stale()
        return
    name = esc(person.full_name)
    if result.outcome is Outcome.TOO_EARLY:
        text = t.gettext("Check-in opens at {opens}; please try again then.").format(
            opens=t.time(training.opens_at)
        )
    elif result.outcome is Outcome.ALREADY_DONE and result.at:
        text = t.gettext("{name} already checked in at {time}.").format(name=name, time=t.time(result.at))
    elif result.outcome is Outcome.ALREADY_DONE:
        text = t.gettext("{name} is already marked excused.").format(name=name)
    elif result.outcome is not Outcome.OK:
        text = outcome_text(t, result.outcome)
    elif undo and result.at:
        text = t.gettext("✅ {name} checked in at {time}.").format(name=name, time=t.time(result.at))
        if result.late:
            text += " " + t.gettext("(late)")
        turn.edit(text, choices=rows([Choice(t.gettext("↩️ Undo"), UndoCheckIn(training.id, person.id))]))
        return
    else:
        text = t.gettext("🙋 {name} is marked excused.").format(name=name)
    turn.edit(text)


# --- the dialog: edit a field, reschedule, find a person ------------------------------------------------


async def editable(turn: Turn, training_id: int) -> Training | None:
    """A session that may be changed now; None after answering the refusal."""
    t = turn.t
    if not can(turn.member, Action.MANAGE_TRAINING):
        turn.toast(outcome_text(t, Outcome.DENIED), alert=True)
        return None
    training = await turn.services.attendance.get(training_id)
    if training is None or training.cancelled:
        turn.toast(outcome_text(t, Outcome.CANCELLED if training else Outcome.NOT_FOUND), alert=True)
        return None
    return training


async def edit_pressed(turn: Turn, press: EditField) -> None:
    """✏️ / ⏰ / 🕒: ask for the new value."""
    t = turn.t
    training = await editable(turn, press.training_id)
    if training is None:
        return
    turn.begin(EDIT, "value", training_id=training.id, kind="e", field=press.field)
    prompt = t.gettext(FIELD_PROMPTS[press.field])
    if press.field == "capacity" and turn.member is not None:
        registered = (await turn.services.attendance.view(turn.member, training)).registered
        prompt += "\n" + t.ngettext(
            "{count} person is registered now. With fewer seats, those who registered last go back to the "
            "waiting list (anyone already checked in keeps their seat) and are told.",
            "{count} people are registered now. With fewer seats, those who registered last go back to the "
            "waiting list (anyone already checked in keeps their seat) and are told.",
            registered,
        ).format(count=t.number(registered))
    turn.reply(prompt + "\n" + t.gettext("(/cancel to stop)"))


async def find_pressed(turn: Turn, press: FindPerson) -> None:
    """✍️ Check someone in / 🙋 Mark excused: ask for part of the name."""
    t = turn.t
    training = await editable(turn, press.training_id)
    if training is None:
        return
    turn.begin(EDIT, "value", training_id=training.id, kind="s", field=press.purpose)
    turn.reply(
        t.gettext("Type part of the person's name (accents are optional, for example: nguyen lan):")
        + "\n"
        + t.gettext("(/cancel to stop)")
    )


async def value_received(turn: Turn) -> None:
    """The typed value: a name to find, a new start to read back, or a field's new value to save."""
    t, data, text = turn.t, turn.data, turn.text
    if data["kind"] == "s":
        await search(turn, text)
        return
    field = data["field"]
    if field == "when":
        when = typed_start(turn, text)
        if isinstance(when, str):
            turn.reply(when)
            return
        turn.goto("confirm_when", when=when.isoformat())
        tid = data["training_id"]
        question = N_("Move the session to <b>{when}</b>? Everyone registered will be told.")
        ask_to_move(turn, when, question, MoveConfirmed(tid), MoveRetyped(tid))
        return
    value = parse_field(field, text)
    if value is None:
        turn.reply(t.gettext("That value cannot be used. Please type it again, or send /cancel."))
        return
    turn.end()
    name = {"late": "late_after_minutes"}.get(field, field)
    await apply_change(turn, data["training_id"], {name: None if value == "" else value})


def parse_field(field: str, text: str) -> object:
    """The typed value for a field, '' meaning 'remove', or None when it cannot be used."""
    if field in ("title", "venue", "description"):
        if field == "description" and text.strip() == "-":
            return ""
        value = limit_text(
            text, {"title": MAX_TITLE, "venue": MAX_VENUE, "description": MAX_DESCRIPTION}[field]
        )
        return None if isinstance(value, ParseError) else value
    maximum = MAX_CAPACITY if field == "capacity" else MAX_LATE_THRESHOLD_MINUTES
    count = parse_count(text, max_value=maximum)
    if isinstance(count, ParseError):
        return None
    return "" if field == "capacity" and count == 0 else count


async def move_confirmed(turn: Turn, press: MoveConfirmed) -> None:
    data = turn.data
    if press.training_id != data.get("training_id") or not data.get("when"):
        turn.stale()
        return
    turn.end()
    turn.clear_choices()
    await apply_change(turn, press.training_id, {"starts_at": datetime.fromisoformat(data["when"])})


async def move_retyped(turn: Turn, press: MoveRetyped) -> None:
    if press.training_id != turn.data.get("training_id"):
        turn.stale()
        return
    turn.goto("value", when=None)
    turn.edit(turn.t.gettext(FIELD_PROMPTS["when"]))


async def apply_change(turn: Turn, training_id: int, changes: dict[str, object]) -> None:
    """Save an edit and, in the same turn, tell everyone registered or waiting (promoted and demoted people
    get their own message)."""
    t = turn.t
    result = await turn.services.attendance.update(turn.member, training_id, **changes)
    if result.outcome is Outcome.ALREADY_DONE:
        turn.reply(t.gettext("That is already the current value; nothing changed."))
        return
    training, previous = result.training, result.previous
    if result.outcome is not Outcome.OK or training is None or previous is None:
        turn.reply(outcome_text(t, result.outcome))
        return
    if "starts_at" in changes:
        notice = functools.partial(moved_text, previous=previous, training=training)
    else:
        notice = functools.partial(changed_text, training=training)
    version = f"v{training.version}"
    await tell(
        turn,
        result.notify,
        batch=f"training:{training.id}:change",
        key=f"training:{training.id}:{version}",
        text=notice,
    )
    await queue_promoted(turn, training, result.promoted, cause=version)
    await queue_demoted(turn, training, result.demoted, cause=version)
    saved = t.ngettext(
        "Saved. {count} registered member is being told.",
        "Saved. {count} registered members are being told.",
        len(result.notify),
    ).format(count=t.number(len(result.notify)))
    if result.demoted:
        saved += "\n" + t.ngettext(
            "{count} person who registered last is back on the waiting list and is being told.",
            "{count} people who registered last are back on the waiting list and are being told.",
            len(result.demoted),
        ).format(count=t.number(len(result.demoted)))
    turn.reply(saved + "\n\n" + card(t, training), choices=manage_choices(t, training))


async def search(turn: Turn, text: str) -> None:
    """Accent-insensitive name search; each match is a choice."""
    t, data = turn.t, turn.data
    query = text.strip()
    if not 2 <= len(query) <= 80:
        turn.reply(t.gettext("Please type between 2 and 80 letters of the name."))
        return
    found = await turn.services.attendance.find_people(turn.member, query, limit=MAX_SEARCH_RESULTS)
    if not found:
        turn.reply(
            t.gettext(
                "No active member matches {query}. Try another part of the name, or send /cancel."
            ).format(query=esc(query))
        )
        return
    turn.end()
    tid = data["training_id"]
    choices = []
    for person in found:
        ward = await turn.services.org.ward(person.ward_id) if person.ward_id else None
        label = f"{person.full_name} · {ward.name}" if ward else person.full_name
        chosen: Token = (
            CheckInPerson(tid, person.id) if data["field"] == "ci" else ExcusePerson(tid, person.id)
        )
        choices.append(Choice(shorten(label, PICKER_LABEL), chosen))
    prompt = t.gettext("Who is checking in?") if data["field"] == "ci" else t.gettext("Who is excused?")
    turn.reply(prompt, choices=grid(choices, 1))


# --- commands -------------------------------------------------------------------------------------------


async def pick_session(turn: Turn, choose: type[LiveView] | type[QrPoster]) -> Training | None:
    """The session a command is about: the one whose check-in is open, the only upcoming one, or ask."""
    t = turn.t
    if not can(turn.member, Action.MANAGE_TRAINING):
        turn.reply(outcome_text(t, Outcome.DENIED))
        return None
    views = await turn.services.attendance.upcoming_for(turn.member, include_all=True, with_seminars=True)
    open_now = [v.training for v in views if window_state(v.training, turn.now) is WindowState.OPEN]
    if len(open_now) == 1 or (len(views) == 1 and not open_now):
        return open_now[0] if open_now else views[0].training
    if not views:
        turn.reply(
            t.gettext("No training sessions are planned at the moment.")
            + "\n"
            + t.gettext("Create one with /training_new.")
        )
        return None
    candidates = open_now if open_now else [v.training for v in views]
    turn.reply(
        t.gettext("Which session?"),
        choices=grid(
            [
                Choice(f"{shorten(s.title, SESSION_TITLE)} · {t.date(s.starts_at)}", choose(s.id))
                for s in candidates[:MAX_PICKED]
            ],
            1,
        ),
    )
    return None


async def qr_command(turn: Turn) -> None:
    """/checkin_qr: the check-in poster for the current session."""
    training = await pick_session(turn, QrPoster)
    if training is not None:
        await qr_reply(turn, training)


async def live_command(turn: Turn) -> None:
    """/attendance: the live view of the current session."""
    training = await pick_session(turn, LiveView)
    if training is not None:
        await live_reply(turn, training)


def register(router: Router) -> None:
    router.command("checkin_qr", qr_command)
    router.command("attendance", live_command)
    router.choice(ManageOpen, show_manage)
    router.choice(ManagePage, page_pressed)
    router.choice(LiveView, live_pressed)
    router.choice(QrPoster, qr_pressed)
    router.choice(ExportList, export_pressed)
    router.choice(CancelSession, cancel_pressed)
    router.choice(CheckInPerson, check_in_pressed)
    router.choice(ExcusePerson, excuse_pressed)
    router.choice(UndoCheckIn, undo_pressed)
    router.choice(EditField, edit_pressed)
    router.choice(FindPerson, find_pressed)
    router.choice(MoveConfirmed, move_confirmed, dialog=EDIT, steps=("confirm_when",))
    router.choice(MoveRetyped, move_retyped, dialog=EDIT, steps=("confirm_when",))
    router.dialog(EDIT, {"value": Step(text=value_received), "confirm_when": Step(text=value_received)})
