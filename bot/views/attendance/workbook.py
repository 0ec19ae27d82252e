"""The attendance list as an Excel workbook (openpyxl), in the organiser's language."""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.core.attendance import CheckInMethod, RegistrationStatus, RosterRow, Training
from bot.i18n import N_, Translator
from bot.views.attendance.texts import when_text
from bot.views.labels import role_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
METHOD_LABELS = {
    CheckInMethod.QR: N_("QR code"),
    CheckInMethod.CODE: N_("typed code"),
    CheckInMethod.MANUAL: N_("by an organiser"),
}
REGISTRATION_LABELS = {
    RegistrationStatus.REGISTERED: N_("registered"),
    RegistrationStatus.WAITLISTED: N_("waiting list"),
    RegistrationStatus.DECLINED: N_("not attending"),
    RegistrationStatus.WITHDRAWN: N_("withdrew"),
}


def workbook_name(t: Translator, training: Training) -> str:
    """'diem-danh-<id>-<yyyy-mm-dd>.xlsx' (the session's day in the organiser's time zone)."""
    day = training.starts_at.astimezone(t.tz).strftime("%Y-%m-%d")
    return f"diem-danh-{training.id}-{day}.xlsx"


def attendance_workbook(t: Translator, training: Training, rows: Sequence[RosterRow]) -> bytes:
    """One sheet: name, ward, chapter, role, registered at, checked in at, late, excused, how checked in."""
    from openpyxl import Workbook  # imported when used: openpyxl (and numpy) cost ~20 MiB of resident memory
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = t.gettext("Attendance")[:31]
    sheet.append([training.title])
    sheet.append([when_text(t, training), training.venue])
    sheet["A1"].font = Font(bold=True, size=14)
    headers = [
        t.gettext("Name"),
        t.gettext("Ward"),
        t.gettext("Chapter"),
        t.gettext("Role"),
        t.gettext("Registration"),
        t.gettext("Registered at"),
        t.gettext("Checked in at"),
        t.gettext("Late"),
        t.gettext("Excused"),
        t.gettext("How checked in"),
    ]
    sheet.append([])
    sheet.append(headers)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    yes, no = t.gettext("yes"), t.gettext("no")
    for row in rows:
        sheet.append(
            [
                row.full_name,
                row.ward or "",
                row.chapter or "",
                role_label(t, row.role),
                t.gettext(REGISTRATION_LABELS[row.registration])
                if row.registration
                else t.gettext("walk-in"),
                f"{t.date(row.registered_at)} {t.time(row.registered_at)}" if row.registered_at else "",
                f"{t.date(row.checked_in_at)} {t.time(row.checked_in_at)}" if row.checked_in_at else "",
                (yes if row.late else no) if row.checked_in else "",
                yes if row.excused else no,
                t.gettext(METHOD_LABELS[row.method]) if row.method else "",
            ]
        )
    for column, width in zip("ABCDEFGHIJ", (28, 14, 24, 18, 14, 18, 18, 8, 8, 16), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A5"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
