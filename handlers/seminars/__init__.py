"""Seminars (tọa đàm): organisers create and manage them; invitees answer; reminders are durable tasks.

Check-in at the venue reuses the trainings check-in (a session linked to the seminar: QR code, /checkin,
live view, manual check-in, Excel list). After the seminar, those who checked in (or, without check-in,
those who said they would attend) get one feedback question (1–5).
"""

from __future__ import annotations

from bot.conversation.router import CommandSpec, MenuEntry, Router
from bot.core.permissions import Action
from bot.i18n import N_
from handlers.seminars import create, invite_more, jobs, manage, respond

MENU_LABEL = N_("🎤 Seminars")


def register(router: Router) -> None:
    router.describe(
        CommandSpec("seminars", N_("Upcoming seminars and who is coming"), Action.MANAGE_SEMINARS)
    )
    router.describe(
        CommandSpec("seminar_new", N_("Create a seminar and invite people"), Action.MANAGE_SEMINARS)
    )
    router.describe(
        CommandSpec("seminar_reminders", N_("When seminar reminders are sent"), Action.MANAGE_SEMINARS)
    )
    router.describe(CommandSpec("my_seminars", N_("Seminars you are invited to"), Action.ANSWER_SEMINARS))
    router.menu(MenuEntry(MENU_LABEL, Action.MANAGE_SEMINARS, 40), manage.overview)
    create.register(router)
    manage.register(router)
    respond.register(router)
    invite_more.register(router)
    jobs.register(router)
