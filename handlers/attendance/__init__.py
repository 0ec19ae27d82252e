"""Training sessions (tập huấn): invitations, registration, check-in at the venue, live view and export."""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.core.permissions import Action
from handlers import callbacks
from handlers.attendance import cadre, create, invite_more, organiser
from handlers.menu import menu_filter
from handlers.registry import N_, CommandSpec, MenuEntry, add_approval_hook, add_start_payload

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
MENU = (MenuEntry(TRAININGS_LABEL, Action.ATTEND_TRAINING, 30),)
CHECKIN_PAYLOAD = "ci"


def register(app: Application) -> None:
    app.add_handler(create.conversation(app))
    organiser.register(app)
    invite_more.register(app)
    app.add_handler(CommandHandler("trainings", cadre.list_trainings))
    app.add_handler(MessageHandler(menu_filter(app, TRAININGS_LABEL), cadre.list_trainings))
    app.add_handler(CallbackQueryHandler(cadre.answer_pressed, pattern=callbacks.pattern("tr")))
    app.add_handler(CommandHandler("checkin", cadre.check_in_command))
    app.add_handler(CallbackQueryHandler(create.stale_button, pattern=callbacks.pattern(create.P)))
    add_start_payload(app, CHECKIN_PAYLOAD, cadre.scanned)
    add_approval_hook(app, cadre.after_approval)
