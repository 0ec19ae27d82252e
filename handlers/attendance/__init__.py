"""Training sessions (tập huấn): invitations, registration, check-in at the venue, live view and export."""

from __future__ import annotations

from bot.conversation.router import CommandSpec, MenuEntry, Router
from bot.core.permissions import Action
from bot.i18n import N_
from handlers.attendance import cadre, create, invite_more, organiser

COMMANDS = (
    CommandSpec("trainings", N_("Upcoming training sessions: register or decline"), Action.ATTEND_TRAINING),
    CommandSpec("checkin", N_("Check in at a training session with its code"), Action.ATTEND_TRAINING),
    CommandSpec("training_new", N_("Create a training session (organisers)"), Action.MANAGE_TRAINING),
    CommandSpec(
        "checkin_qr", N_("Check-in QR code for the current session (organisers)"), Action.MANAGE_TRAINING
    ),
    CommandSpec(
        "attendance", N_("Who has arrived at the current session (organisers)"), Action.MANAGE_TRAINING
    ),
)
TRAININGS_LABEL = N_("📅 Trainings")


def register(router: Router) -> None:
    for spec in COMMANDS:
        router.describe(spec)
    router.menu(MenuEntry(TRAININGS_LABEL, Action.ATTEND_TRAINING, 30), cadre.list_trainings)
    cadre.register(router)
    create.register(router)
    organiser.register(router)
    invite_more.register(router)
