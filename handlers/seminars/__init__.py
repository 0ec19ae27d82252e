"""Seminars (tọa đàm): organisers create and manage them; invitees answer; reminders are durable tasks.

Check-in at the venue reuses the trainings check-in (a session linked to the seminar: QR code, /checkin,
live view, manual check-in, Excel list). After the seminar, those who checked in (or, without check-in,
those who said they would attend) get one feedback question (1–5).
"""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.core.permissions import Action
from handlers import callbacks
from handlers.menu import menu_filter
from handlers.registry import N_, CommandSpec, MenuEntry
from handlers.seminars import create, invite_more, jobs, manage, respond

COMMANDS = (
    CommandSpec("seminars", N_("Upcoming seminars and who is coming"), Action.MANAGE_SEMINARS),
    CommandSpec("seminar_new", N_("Create a seminar and invite people"), Action.MANAGE_SEMINARS),
    CommandSpec("seminar_reminders", N_("When seminar reminders are sent"), Action.MANAGE_SEMINARS),
    CommandSpec("my_seminars", N_("Seminars you are invited to"), Action.ANSWER_SEMINARS),
)
MENU_LABEL = N_("🎤 Seminars")
MENU = (MenuEntry(MENU_LABEL, Action.MANAGE_SEMINARS, 40),)
TEXT = filters.TEXT & ~filters.COMMAND


def _pattern(prefix: str, *alternatives: str) -> str:
    return rf"^{callbacks.VERSION}:{prefix}:({'|'.join(alternatives)})(:|$)"


def register(app: Application) -> None:
    draft_buttons = callbacks.pattern("semn")
    app.add_handler(
        ConversationHandler(
            entry_points=[
                CommandHandler("seminar_new", create.start),
                CallbackQueryHandler(manage.move_pressed, pattern=_pattern("semo", "m")),
                CallbackQueryHandler(
                    respond.replacement_pressed, pattern=rf"^{callbacks.VERSION}:semr:\d+:d$"
                ),
            ],
            states={
                create.TOPIC: [MessageHandler(TEXT, create.topic_received)],
                create.HOST: [
                    CallbackQueryHandler(create.host_pressed, pattern=draft_buttons),
                    MessageHandler(TEXT, create.stray),
                ],
                **create.WHEN_STEP.states(),
                create.VENUE: [MessageHandler(TEXT, create.venue_received)],
                create.AUDIENCE: [
                    CallbackQueryHandler(create.audience_pressed, pattern=draft_buttons),
                    MessageHandler(TEXT, create.stray),
                ],
                create.AUDIENCE_NAME: [
                    MessageHandler(TEXT, create.audience_name_received),
                    CallbackQueryHandler(create.audience_pressed, pattern=draft_buttons),
                ],
                create.AGENDA: [
                    CallbackQueryHandler(create.agenda_skipped, pattern=_pattern("semn", "skip")),
                    MessageHandler(TEXT, create.agenda_received),
                ],
                create.ATTACHMENT: [
                    CallbackQueryHandler(create.attachment_skipped, pattern=_pattern("semn", "skip")),
                    MessageHandler(filters.Document.ALL, create.attachment_received),
                    MessageHandler(TEXT | filters.PHOTO, create.attachment_expected),
                ],
                create.CONFIRM: [
                    CallbackQueryHandler(create.confirm_pressed, pattern=draft_buttons),
                    MessageHandler(TEXT, create.stray),
                ],
                create.MOVE_WHEN: [MessageHandler(TEXT, manage.move_when_received)],
                create.MOVE_CONFIRM: [
                    CallbackQueryHandler(manage.move_confirmed, pattern=_pattern("semo", "mo", "mr")),
                    MessageHandler(TEXT, manage.move_when_received),
                ],
                create.REPLACEMENT_NAME: [MessageHandler(TEXT, respond.replacement_name_received)],
            },
            fallbacks=[CommandHandler("cancel", create.cancel)],
            allow_reentry=True,
            name="seminars",
            conversation_timeout=timedelta(hours=2),
        )
    )
    app.add_handler(CommandHandler("seminars", manage.overview))
    app.add_handler(MessageHandler(menu_filter(app, MENU_LABEL), manage.overview))
    app.add_handler(CommandHandler("seminar_reminders", manage.reminder_offsets))
    app.add_handler(CommandHandler("my_seminars", respond.my_invitations))
    app.add_handler(CallbackQueryHandler(respond.rsvp_pressed, pattern=callbacks.pattern("semr")))
    app.add_handler(CallbackQueryHandler(respond.replacement_chosen, pattern=callbacks.pattern("semp")))
    app.add_handler(CallbackQueryHandler(respond.rating_pressed, pattern=callbacks.pattern("semf")))
    app.add_handler(CallbackQueryHandler(manage.nudge_pressed, pattern=_pattern("semo", "n")))
    app.add_handler(CallbackQueryHandler(manage.checkin_pressed, pattern=_pattern("semo", "ci")))
    app.add_handler(CallbackQueryHandler(manage.cancel_pressed, pattern=_pattern("semo", "x", "xx", "xk")))
    invite_more.register(app)
    app.add_handler(CallbackQueryHandler(create.stale_draft_button, pattern=callbacks.pattern("semo")))
    app.add_handler(CallbackQueryHandler(create.stale_draft_button, pattern=draft_buttons))
    jobs.register(app)
