"""New-member reports: filing (/report), the picture (/reports), settings, export and the reminder ladder."""

from __future__ import annotations

from bot.conversation.router import CommandSpec, MenuEntry, Router
from bot.core.permissions import Action
from bot.i18n import N_
from handlers.reports import export, filing, ladder, overview, settings


def register(router: Router) -> None:
    router.describe(CommandSpec("report", N_("File your chapter's new-member report"), Action.FILE_REPORT))
    router.describe(CommandSpec("reports", N_("Which chapters have reported"), Action.VIEW_REPORTS))
    router.describe(CommandSpec("report_export", N_("Excel file of the reports"), Action.EXPORT_REPORTS))
    router.describe(
        CommandSpec("report_settings", N_("Reporting period and deadline (admins)"), Action.CONFIGURE_REPORTS)
    )
    router.menu(MenuEntry(filing.MENU_LABEL, Action.FILE_REPORT, 20), filing.start)
    filing.register(router)
    settings.register(router)
    overview.register(router)
    export.register(router)
    ladder.register(router)
