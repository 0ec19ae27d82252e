"""New-member reports: filing (/report), the picture (/reports), settings, export and the reminder ladder."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from bot.core.permissions import Action
from handlers.registry import N_, CommandSpec, MenuEntry
from handlers.reports import export, filing, ladder, overview, settings

COMMANDS = (
    CommandSpec("report", N_("File your chapter's new-member report"), Action.FILE_REPORT),
    CommandSpec("reports", N_("Which chapters have reported"), Action.VIEW_REPORTS),
    CommandSpec("report_export", N_("Excel file of the reports"), Action.EXPORT_REPORTS),
    CommandSpec("report_settings", N_("Reporting period and deadline (admins)"), Action.CONFIGURE_REPORTS),
)
MENU = (MenuEntry(filing.MENU_LABEL, Action.FILE_REPORT, 20),)


def register(app: Application) -> None:
    filing.register(app)
    settings.register(app)
    overview.register(app)
    app.add_handler(CommandHandler("report_export", export.export_command))
    ladder.register(app)
