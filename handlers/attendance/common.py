"""Rendering shared by the attendance adapters: session cards, buttons, outcome texts, notifications."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from telegram.ext import Application

from bot.core.attendance import Outcome, RegistrationStatus, Training, TrainingView
from bot.i18n import Translator
from handlers import callbacks
from handlers.registry import N_
from handlers.render import buttons, esc
from storage.outbox import OutgoingMessage

INVITE_MORE = "ti"
"""Button prefix of inviting more people to a session (handlers/attendance/invite_more.py)."""
REGISTER_LABEL = N_("Register")
DECLINE_LABEL = N_("Not attending")
STATUS_TEXTS = {
    RegistrationStatus.REGISTERED: N_("You are registered."),
    RegistrationStatus.WAITLISTED: N_("You are on the waiting list."),
    RegistrationStatus.DECLINED: N_("You said you will not attend."),
    RegistrationStatus.WITHDRAWN: N_("You withdrew."),
}


def when_text(t: Translator, training: Training) -> str:
    """'Thứ Ba, 15/12/2026 08:00–11:00'."""
    return t.gettext("{start}–{end}").format(
        start=t.datetime(training.starts_at), end=t.time(training.ends_at)
    )


def card(t: Translator, training: Training, view: TrainingView | None = None) -> str:
    """A session's essentials, for invitations, lists and notifications."""
    lines = [
        f"<b>{esc(training.title)}</b>",
        t.gettext("🕗 {when}").format(when=when_text(t, training)),
        t.gettext("📍 {venue}").format(venue=esc(training.venue)),
    ]
    if training.description:
        lines.append(esc(training.description))
    if view is not None:
        if training.capacity is not None:
            lines.append(
                t.gettext("👥 {registered}/{capacity} seats taken").format(
                    registered=t.number(view.registered), capacity=t.number(training.capacity)
                )
            )
            if view.waitlisted:
                lines.append(
                    t.gettext("⏳ {count} on the waiting list").format(count=t.number(view.waitlisted))
                )
        else:
            lines.append(t.gettext("👥 {registered} registered").format(registered=t.number(view.registered)))
        if view.my_status is not None:
            lines.append(t.gettext(STATUS_TEXTS[view.my_status]))
    return "\n".join(lines)


def answer_buttons(t: Translator, training: Training, *, manage: bool = False) -> list[list[tuple[str, str]]]:
    rows = [
        [
            (t.gettext(REGISTER_LABEL), callbacks.encode("tr", "r", training.id)),
            (t.gettext(DECLINE_LABEL), callbacks.encode("tr", "d", training.id)),
        ]
    ]
    if manage:
        rows.append([(t.gettext("⚙️ Manage"), callbacks.encode("tm", "m", training.id, "-"))])
    return rows


def outcome_text(t: Translator, outcome: Outcome) -> str:
    """Refusals shared by several actions."""
    texts = {
        Outcome.DENIED: t.gettext("Only the organisers can do that."),
        Outcome.NOT_FOUND: t.gettext("That training session no longer exists."),
        Outcome.CANCELLED: t.gettext("That training session has been cancelled."),
        Outcome.INVALID: t.gettext("That value cannot be used. Nothing was changed."),
        Outcome.STARTED: t.gettext("That session has already started, so registration is closed."),
        Outcome.CLOSED: t.gettext("That session has already ended."),
        Outcome.NOT_INVITED: t.gettext(
            "This session is for other wards, roles or chapters. Please ask the "
            "organisers if you would like to attend."
        ),
    }
    return texts.get(outcome, t.gettext("Done."))


async def notify(
    app: Application,
    member_ids: Iterable[int],
    *,
    batch: str,
    key: str,
    render: Callable[[Translator], str],
    markup: Callable[[Translator], list[list[tuple[str, str]]]] | None = None,
) -> int:
    """Queue one message per member (in their language) through the outbox; `key` makes it idempotent."""
    services = app.bot_data["services"]
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        return 0
    messages = []
    for recipient in await services.member_store.recipients(member_ids=ids):
        t = services.i18n.translator(recipient.locale)
        messages.append(
            OutgoingMessage(
                dedupe_key=f"{key}:to:{recipient.member_id}",
                member_id=recipient.member_id,
                chat_id=recipient.chat_id,
                text=render(t),
                markup=buttons(markup(t)).to_dict() if markup else None,
            )
        )
    added = await services.outbox.enqueue(batch, messages, now=services.clock.now())
    app.bot_data["delivery"].wake()
    return added


async def notify_demoted(app: Application, training: Training, member_ids: Iterable[int]) -> None:
    """People moved back to the waiting list when the organiser cut the seats are told, and kept first in
    line."""
    stamp = int(app.bot_data["services"].clock.now().timestamp())
    await notify(
        app,
        member_ids,
        batch=f"training:{training.id}:demoted",
        key=f"training:{training.id}:demoted:{stamp}",
        render=lambda t: (
            t.gettext(
                "ℹ️ The organisers reduced the number of seats for this training session, so your "
                "registration is back on the waiting list. You are first in line and will be told as soon as "
                "a seat is free."
            )
            + "\n\n"
            + card(t, training)
        ),
        markup=lambda t: answer_buttons(t, training),
    )


async def notify_promoted(app: Application, training: Training, member_ids: Iterable[int]) -> None:
    """People moved up from the waiting list are told they now have a seat."""
    stamp = int(app.bot_data["services"].clock.now().timestamp())
    await notify(
        app,
        member_ids,
        batch=f"training:{training.id}:promoted",
        key=f"training:{training.id}:promoted:{stamp}",
        render=lambda t: (
            t.gettext("🎉 A seat became free: you are now registered for this training session.")
            + "\n\n"
            + card(t, training)
        ),
        markup=lambda t: answer_buttons(t, training),
    )


async def send_invitations(app: Application, training: Training, member_ids: Iterable[int]) -> int:
    """The invitation with the register buttons; one per person per session, however often it is asked for."""
    return await notify(
        app,
        member_ids,
        batch=f"training:{training.id}:invite",
        key=f"training:{training.id}:invite",
        render=lambda t: (
            t.gettext("📣 <b>You are invited to a training session</b>") + "\n\n" + card(t, training)
        ),
        markup=lambda t: answer_buttons(t, training),
    )
