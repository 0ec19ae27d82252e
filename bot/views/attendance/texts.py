"""How training sessions read in a member's language: the session card, outcomes, check-in answers, the
live view, the notices people receive and the QR poster's caption."""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversation.markup import esc
from bot.core.attendance import (
    CheckInResult,
    Outcome,
    RegistrationStatus,
    RosterRow,
    Training,
    TrainingView,
    summarise,
)
from bot.i18n import N_, Translator

REGISTER_LABEL = N_("Register")
DECLINE_LABEL = N_("Not attending")
STATUS_TEXTS = {
    RegistrationStatus.REGISTERED: N_("You are registered."),
    RegistrationStatus.WAITLISTED: N_("You are on the waiting list."),
    RegistrationStatus.DECLINED: N_("You said you will not attend."),
    RegistrationStatus.WITHDRAWN: N_("You withdrew."),
}
ANSWERED_TEXTS = {
    RegistrationStatus.REGISTERED: N_("✅ You are registered. See you there!"),
    RegistrationStatus.WAITLISTED: N_(
        "The session is full, so you are on the waiting list. I will tell you as soon as a seat becomes free."
    ),
    RegistrationStatus.DECLINED: N_("Noted: you will not attend. Thank you for letting us know."),
    RegistrationStatus.WITHDRAWN: N_("Noted: you will not attend. Thank you for letting us know."),
}
"""What a cadre is told after pressing Register / Not attending."""


def when_text(t: Translator, training: Training) -> str:
    """'Thứ Ba, 15/12/2026 08:00–11:00'."""
    return t.gettext("{start}–{end}").format(
        start=t.datetime(training.starts_at), end=t.time(training.ends_at)
    )


def card(t: Translator, training: Training, view: TrainingView | None = None) -> str:
    """A session's essentials, for invitations, lists and notices; with `view`, seats and the reader's own
    answer."""
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


# --- checking in ----------------------------------------------------------------------------------------


def check_in_text(t: Translator, result: CheckInResult, name: str) -> str:
    """What a cadre reads after scanning or typing a code (`name`: theirs, for the welcome)."""
    training = result.training
    if result.outcome is Outcome.OK and training and result.at:
        text = t.gettext("✅ Checked in to <b>{title}</b> at {time}, {date}. Welcome, {name}!").format(
            title=esc(training.title), time=t.time(result.at), date=t.date(result.at), name=esc(name)
        )
        if result.late:
            text += "\n" + t.gettext("The session started at {start}; please come in quietly.").format(
                start=t.time(training.starts_at)
            )
        return text
    if result.outcome is Outcome.ALREADY_DONE and training and result.at:
        return t.gettext("You already checked in to <b>{title}</b> at {time}. No need to scan again.").format(
            title=esc(training.title), time=t.time(result.at)
        )
    if result.outcome is Outcome.TOO_EARLY and training:
        return t.gettext(
            "Check-in for <b>{title}</b> opens at {opens} ({date}). Please scan the code again then."
        ).format(title=esc(training.title), opens=t.time(training.opens_at), date=t.date(training.opens_at))
    if result.outcome is Outcome.CLOSED and training:
        return t.gettext(
            "<b>{title}</b> ended at {end}, so check-in is closed. If you attended, please tell an organiser."
        ).format(title=esc(training.title), end=t.time(training.ends_at))
    if result.outcome is Outcome.EXPIRED_CODE and training:
        return t.gettext(
            "This code for <b>{title}</b> has been replaced by a new one. Please scan the code shown "
            "at the venue now, or ask an organiser."
        ).format(title=esc(training.title))
    if result.outcome is Outcome.CANCELLED and training:
        return t.gettext("<b>{title}</b> has been cancelled, so there is nothing to check in to.").format(
            title=esc(training.title)
        )
    return t.gettext(
        "This code is wrong or has expired. Please check the code printed under the QR code (6 letters "
        "and digits) and try again, or ask an organiser."
    )


def needs_registration_text(t: Translator, result: CheckInResult) -> str:
    """A stranger scanned: the arrival is noted and completed once their registration is approved."""
    assert result.training is not None and result.at is not None
    return t.gettext(
        "I noted that you arrived at <b>{title}</b> at {time}. You are not registered with the "
        "association yet. Your check-in will be completed, with this time, "
        "as soon as your registration is approved."
    ).format(title=esc(result.training.title), time=t.time(result.at))


def qr_caption(t: Translator, training: Training, code: str, *, scannable: bool, too_early: bool) -> str:
    """The poster's caption: how to check in (scan, or type the code) and when it is valid."""
    if scannable:
        text = t.gettext(
            "<b>{title}</b>\nScan to check in. Without a camera, send: /checkin {code}\nValid from {opens} "
            "to {end}, {date}."
        )
    else:
        text = t.gettext(
            "<b>{title}</b>\nTo check in, send: /checkin {code}\nValid from {opens} to {end}, {date}."
        )
    caption = text.format(
        title=esc(training.title),
        code=code,
        opens=t.time(training.opens_at),
        end=t.time(training.ends_at),
        date=t.date(training.starts_at),
    )
    if too_early:
        caption += "\n" + t.gettext("Check-in has not opened yet: scans before {opens} are refused.").format(
            opens=t.time(training.opens_at)
        )
    return caption


def qr_refusal(t: Translator, outcome: Outcome) -> str:
    if outcome is Outcome.CLOSED:
        return t.gettext("That session has ended, so there is no check-in code any more.")
    return outcome_text(t, outcome)


# --- the organisers' live view --------------------------------------------------------------------------


def live_text(t: Translator, training: Training, rows: Sequence[RosterRow]) -> str:
    """Registered (+ walk-ins), checked in, late, not yet arrived, excused (the sums shown), by ward."""
    summary = summarise(rows)
    lines = [
        t.gettext("<b>{title}</b> · {when}").format(title=esc(training.title), when=when_text(t, training)),
    ]
    if summary.walk_ins:
        lines.append(
            t.gettext("Registered: {registered} + came without registering: {walk_ins} = {expected}").format(
                registered=t.number(summary.registered),
                walk_ins=t.number(summary.walk_ins),
                expected=t.number(summary.expected),
            )
        )
    else:
        lines.append(t.gettext("Registered: {registered}").format(registered=t.number(summary.registered)))
    lines.append(
        t.gettext(
            "Arrived: {checked_in} (late: {late}) + not yet: {missing} + excused: {excused} = {expected}"
        ).format(
            checked_in=t.number(summary.checked_in),
            late=t.number(summary.late),
            missing=t.number(summary.not_arrived),
            excused=t.number(summary.excused),
            expected=t.number(summary.expected),
        )
    )
    if summary.waitlisted:
        lines.append(t.gettext("On the waiting list: {count}").format(count=t.number(summary.waitlisted)))
    for group in summary.groups:
        lines.append("")
        ward = group.ward or t.gettext("No ward")
        lines.append(f"<b>{esc(ward)}</b>")
        for row in group.on_time:
            assert row.checked_in_at is not None
            lines.append(
                t.gettext("✅ {name} · {time}").format(
                    name=esc(row.full_name), time=t.time(row.checked_in_at)
                )
            )
        for row in group.late:
            assert row.checked_in_at is not None
            lines.append(
                t.gettext("⏰ {name} · {time} (late)").format(
                    name=esc(row.full_name), time=t.time(row.checked_in_at)
                )
            )
        for row in group.not_arrived:
            lines.append(t.gettext("⏳ {name}").format(name=esc(row.full_name)))
        for row in group.excused:
            lines.append(t.gettext("🙋 {name} (excused)").format(name=esc(row.full_name)))
    if not summary.groups:
        lines.append(t.gettext("Nobody has registered yet."))
    return "\n".join(lines)


# --- what people registered or invited are told ---------------------------------------------------------


def invitation_text(t: Translator, training: Training) -> str:
    return t.gettext("📣 <b>You are invited to a training session</b>") + "\n\n" + card(t, training)


def cancelled_text(t: Translator, training: Training) -> str:
    return t.gettext(
        "❌ <b>Training session cancelled</b>\n{title}, {when}\nWe are sorry for the inconvenience."
    ).format(title=esc(training.title), when=when_text(t, training))


def moved_text(t: Translator, previous: Training, training: Training) -> str:
    return (
        t.gettext("🕒 <b>Training session moved</b>\nIt was: {old}\nNow: <b>{new}</b>").format(
            old=when_text(t, previous), new=when_text(t, training)
        )
        + "\n\n"
        + card(t, training)
    )


def changed_text(t: Translator, training: Training) -> str:
    return (
        t.gettext("✏️ <b>A training session you registered for has changed</b>") + "\n\n" + card(t, training)
    )


def promoted_text(t: Translator, training: Training) -> str:
    return (
        t.gettext("🎉 A seat became free: you are now registered for this training session.")
        + "\n\n"
        + card(t, training)
    )


def demoted_text(t: Translator, training: Training) -> str:
    return (
        t.gettext(
            "ℹ️ The organisers reduced the number of seats for this training session, so your "
            "registration is back on the waiting list. You are first in line and will be told as soon as "
            "a seat is free."
        )
        + "\n\n"
        + card(t, training)
    )
