"""/broadcast: compose a message (text, optional photo or document), choose the audience, preview, confirm.

Steps: "text" (the message, or a photo/document with its caption) → "attachment" (a file, or no attachment)
→ "audience" (the audience picker: everyone, or wards / chapters / roles to tick, or the people of a
seminar, a training or an earlier broadcast) → "confirm" (the preview exactly as recipients will see it,
with the number of recipients) → sent now, or "time" (when to send it). Where the person stands is kept in
the database: a restart in the middle continues there. Confirming records the broadcast and plans its send
task in the same transaction (bot.core.broadcasts.service); the task does the sending
(handlers/broadcasts/sending.py).
"""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.dialogs import Dialog
from bot.conversation.inputs import SharedFile, Text
from bot.conversation.markup import esc
from bot.conversation.replies import Attachment, Choice, Choices, rows
from bot.conversation.router import CommandSpec, MenuEntry, Router, Step
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.audience import Audience
from bot.core.broadcasts.service import (
    MAX_CAPTION,
    MAX_TEXT,
    AudienceKind,
    Content,
    ReportTo,
    Result,
)
from bot.core.parsing import ParseError, ParseReason, parse_datetime
from bot.core.permissions import Action, Reach, can, reach_of
from bot.i18n import N_, Translator
from bot.views.broadcasts.texts import sender_line, snippet
from handlers.audience_picker import AudienceStep, Offer, Pick, asking
from handlers.broadcasts import history, sending

COMMAND = CommandSpec(
    "broadcast", N_("Send a message to members, with a delivery report"), Action.SEND_BROADCAST
)
MENU_LABEL = N_("📣 Broadcast")
MENU_ENTRY = MenuEntry(MENU_LABEL, Action.SEND_BROADCAST, 60)
MAX_FILE_BYTES = 20 * 1024 * 1024
BROADCAST = Dialog(
    "broadcast",
    timeout=timedelta(hours=1),
    expired=N_(
        "The broadcast you were writing was left unfinished for more than an hour; nothing was sent. "
        "Send /broadcast to start again."
    ),
    cancelled=N_("Cancelled: nothing was sent."),
)
EDITING = ("attachment", "audience", "confirm")
"""The steps with choices under the bot's last message (✖ Cancel among them)."""


@token("bcc:na")
class NoAttachment(Token):
    pass


@token("bcc:x")
class CancelDraft(Token):
    pass


@token("bcc")
class AudiencePress(Pick):
    """The audience picker's choices (handlers/audience_picker.py)."""


@token("bcc:go")
class SendNow(Token):
    pass


@token("bcc:later")
class SendLater(Token):
    pass


@token("bcx")
class CancelScheduled(Token):
    """'✖ Cancel this broadcast' under a scheduled one ('v1:bcx:<id>', as before)."""

    broadcast_id: int


# writing the message


async def start(turn: Turn) -> None:
    """/broadcast: organisers, admins and ward leads (their ward) write the message."""
    t = turn.t
    if not can(turn.member, Action.SEND_BROADCAST):
        turn.reply(t.gettext("Only organisers, district admins and ward leads can send broadcasts."))
        return
    turn.begin(BROADCAST, "text")
    turn.reply(
        t.gettext(
            "Send the message to broadcast. Bold, italics and links are kept. You can also send a photo or a "
            "document (PDF, Excel…) with the text as its caption.\n/cancel to stop."
        )
    )


async def text_received(turn: Turn) -> None:
    """The message; its formatting (bold, italics, links) is kept in the neutral markup."""
    t, event = turn.t, turn.event
    assert isinstance(event, Text)
    if len(event.text) > MAX_TEXT:
        turn.reply(
            t.gettext("The message is too long: at most {limit} characters.").format(limit=t.number(MAX_TEXT))
        )
        return
    turn.goto("attachment", text=event.markup or esc(event.text), kind="text", blob_id=None)
    turn.reply(
        t.gettext("Attach a photo or a document? Send it now, or press “No attachment”."),
        choices=rows([Choice(t.gettext("No attachment"), NoAttachment())], _cancel_line(t)),
    )


async def file_received(turn: Turn) -> None:
    """A photo or document, with the text typed before or its own caption."""
    t, event = turn.t, turn.event
    assert isinstance(event, SharedFile)
    text = (event.caption_markup or esc(event.caption)) if event.caption else turn.data.get("text", "")
    if len(text) > MAX_CAPTION:
        turn.reply(
            t.gettext(
                "With a photo or document the text can have at most {limit} characters. Send a shorter text "
                "with /broadcast, or send this file without a caption."
            ).format(limit=t.number(MAX_CAPTION))
        )
        return
    data = await _fetch(turn, event)
    if data is None:
        turn.reply(t.gettext("The file is too large: at most 20 MB."))
        return
    if event.image:
        kind, filename, mime = "photo", "photo.jpg", "image/jpeg"
    else:
        kind = "document"
        filename, mime = event.filename or "file", event.mime_type or "application/octet-stream"
    blob_id = await turn.services.broadcasts.save_attachment(turn.member, filename, mime, data)
    if blob_id is None:
        turn.end()
        turn.reply(t.gettext("Only organisers, district admins and ward leads can send broadcasts."))
        return
    turn.update(text=text, kind=kind, blob_id=blob_id)
    await AUDIENCE.ask(turn)


async def _fetch(turn: Turn, event: SharedFile) -> bytes | None:
    """The bytes of the file the person sent; None when it is larger than MAX_FILE_BYTES."""
    return await turn.channel.fetch_file(event.ref, MAX_FILE_BYTES)


async def no_attachment(turn: Turn, _press: NoAttachment) -> None:
    await AUDIENCE.ask(turn, edit=True)


def _cancel_line(t: Translator) -> list[Choice]:
    return [Choice(t.gettext("✖ Cancel"), CancelDraft())]


# choosing who receives it


def ward_only(turn: Turn) -> int | None:
    """The ward a ward lead's broadcasts stay in; None for those who may write to everyone."""
    if reach_of(turn.member, Action.SEND_BROADCAST) is not Reach.OWN_WARD or turn.member is None:
        return None
    return turn.member.ward_id


async def events(turn: Turn, offer: Offer) -> list[tuple[int, str]]:
    """Seminars, trainings, or the earlier broadcasts whose non-acknowledgers to write to."""
    t, broadcasts = turn.t, turn.services.broadcasts
    if offer is Offer.UNACKED:
        return [
            (b.root, f"#{b.id} {t.date(b.sent_at or b.created_at)} {snippet(b.content.text)}")
            for b in await broadcasts.acknowledgeable(turn.member)
        ]
    return await broadcasts.events(turn.member, AudienceKind(offer.value))


# preview and confirmation


async def show_preview(turn: Turn, audience: Audience) -> None:
    """The message exactly as recipients will see it, then the number of recipients and Confirm."""
    t, data = turn.t, turn.data
    preview = await turn.services.broadcasts.preview(turn.member, audience)
    if preview.result is Result.DENIED:
        turn.reply(t.gettext("You can only send broadcasts within your own ward."))
        return
    if preview.result is Result.NO_RECIPIENTS:
        turn.reply(
            t.gettext("Nobody in this audience can receive the message. Choose another audience or /cancel.")
        )
        return
    turn.goto("confirm", audience=(preview.audience or audience).to_json())
    name, role, unit = await sending.sender_of(turn.services, turn.member.id if turn.member else None)
    turn.reply(
        f"{sender_line(t, name, role, unit)}\n\n{data['text']}",
        choices=sending.ack_choices(t, 0),
        attachment=await _attachment(turn, data),
    )
    summary = t.gettext("⬆ This is how the message will look.\nRecipients: {count}").format(
        count=t.number(len(preview.reachable))
    )
    if preview.blocked:
        summary += "\n" + t.gettext(
            "{count} more have blocked the bot: they will be listed in the report for "
            "their ward lead to call."
        ).format(count=t.number(len(preview.blocked)))
    turn.reply(summary, choices=_confirm_choices(t))


async def _attachment(turn: Turn, data: dict) -> Attachment | None:
    """The draft's photo or document, as a file with its bytes (a reply cannot load stored files)."""
    if data.get("blob_id") is None:
        return None
    stored = await turn.services.broadcasts.attachment(int(data["blob_id"]))
    if stored is None:
        return None
    filename, mime, content = stored
    return Attachment(filename, mime, data=content, image=data.get("kind") == "photo")


def _confirm_choices(t: Translator) -> Choices:
    return rows(
        [Choice(t.gettext("✅ Confirm and send"), SendNow())],
        [Choice(t.gettext("🕒 Send later"), SendLater())],
        _cancel_line(t),
    )


def _chosen(data: dict) -> Audience:
    """The audience confirmed in the preview (kept in the dialog's data)."""
    return Audience.from_json(data["audience"], legacy="broadcast")


def _content(data: dict) -> Content:
    return Content(data["text"], data["kind"], data.get("blob_id"))


async def send_now(turn: Turn, _press: SendNow) -> None:
    """Record the broadcast and plan its sending in this turn's transaction; its card follows here."""
    t, data = turn.t, turn.data
    report_to = ReportTo(turn.input.channel, turn.input.sender.chat_id)
    outcome = await turn.services.broadcasts.create(
        turn.member, _content(data), _chosen(data), report_to=report_to
    )
    turn.end()
    if outcome.result is not Result.OK or outcome.broadcast is None:
        turn.toast(_refusal(t, outcome.result), alert=True)
        return
    turn.edit(t.gettext("✅ Confirmed: broadcast #{id} is being sent.").format(id=outcome.broadcast.id))


async def send_later(turn: Turn, _press: SendLater) -> None:
    turn.goto("time")
    turn.edit(turn.t.gettext("When should it be sent? For example: “15/12 8h”, “mai 7g30”, “thứ Hai 9h”."))


async def time_received(turn: Turn) -> None:
    """When to send it: recorded with its send task planned for then, in this turn's transaction."""
    t, data = turn.t, turn.data
    parsed = parse_datetime(turn.text, now=turn.now, tz=t.tz)
    if isinstance(parsed, ParseError) and parsed.reason is ParseReason.PAST:
        turn.reply(_refusal(t, Result.IN_PAST))
        return
    if isinstance(parsed, ParseError):
        turn.reply(
            t.gettext(
                "I could not read that time. Please write a day and a time, for example “15/12 8h” or “mai "
                "7g30”."
            )
        )
        return
    outcome = await turn.services.broadcasts.create(
        turn.member, _content(data), _chosen(data), scheduled_at=parsed.when
    )
    if outcome.result in (Result.IN_PAST, Result.TOO_FAR):
        turn.reply(_refusal(t, outcome.result))
        return
    turn.end()
    if outcome.result is not Result.OK or outcome.broadcast is None:
        turn.reply(_refusal(t, outcome.result))
        return
    broadcast = outcome.broadcast
    turn.reply(
        t.gettext("🕒 Broadcast #{id} will be sent on {when}.").format(
            id=broadcast.id, when=t.datetime(parsed.when)
        ),
        choices=rows([Choice(t.gettext("✖ Cancel this broadcast"), CancelScheduled(broadcast.id))]),
    )


def _refusal(t: Translator, result: Result) -> str:
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


async def cancel_scheduled(turn: Turn, press: CancelScheduled) -> None:
    """'Cancel this broadcast' under a scheduled one: only before it goes (its send task goes with it)."""
    t = turn.t
    outcome = await turn.services.broadcasts.cancel(turn.member, press.broadcast_id)
    if outcome.result is Result.TOO_LATE:
        turn.toast(t.gettext("Too late: this broadcast has already been sent or cancelled."), alert=True)
        return
    if outcome.result is not Result.OK:
        turn.stale()
        return
    turn.edit(t.gettext("✖ Broadcast #{id} is cancelled; nothing was sent.").format(id=press.broadcast_id))


AUDIENCE = AudienceStep(
    BROADCAST,
    "audience",
    AudiencePress,
    (Offer.EVERYONE, Offer.WARDS, Offer.CHAPTERS, Offer.ROLES, Offer.SEMINAR, Offer.TRAINING, Offer.UNACKED),
    question=asking(N_("Who should receive it?")),
    then=show_preview,
    events=events,
    confined=ward_only,
    footer=_cancel_line,
)


# leaving the dialog


async def cancelled(turn: Turn) -> None:
    """/cancel in the dialog (the router ends it)."""
    turn.reply(turn.t.gettext("Cancelled: nothing was sent."))


async def cancel_pressed(turn: Turn, _press: CancelDraft) -> None:
    turn.end()
    turn.edit(turn.t.gettext("Cancelled: nothing was sent."))


async def use_the_buttons(turn: Turn) -> None:
    turn.reply(turn.t.gettext("Please use the buttons above, or /cancel to stop this broadcast."))


def register(router: Router) -> None:
    router.command("broadcast", start, COMMAND)
    router.menu(MENU_ENTRY, start)
    history.register(router)
    router.dialog(
        BROADCAST,
        {
            "text": Step(text=text_received, file=file_received),
            "attachment": Step(text=use_the_buttons, file=file_received),
            "audience": Step(other=use_the_buttons),
            "confirm": Step(other=use_the_buttons),
            "time": Step(text=time_received),
        },
        on_cancel=cancelled,
    )
    router.choice(NoAttachment, no_attachment, dialog=BROADCAST, steps=("attachment",))
    router.choice(CancelDraft, cancel_pressed, dialog=BROADCAST, steps=EDITING)
    AUDIENCE.attach(router)
    router.choice(SendNow, send_now, dialog=BROADCAST, steps=("confirm",))
    router.choice(SendLater, send_later, dialog=BROADCAST, steps=("confirm",))
    router.choice(CancelScheduled, cancel_scheduled)
    sending.register(router)
