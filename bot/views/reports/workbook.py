"""The reports workbook: district, wards and chapters per period, and every report with its history."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from bot.core.reports import ExportData, Status
from bot.i18n import N_, Translator
from bot.views.reports.texts import period_label

if TYPE_CHECKING:
    from openpyxl import Workbook

STATUS_LABELS = {
    Status.ON_TIME: N_("on time"),
    Status.LATE: N_("late"),
    Status.MISSING: N_("not reported"),
    Status.EXCUSED: N_("excused"),
}
ACTION_LABELS = {"report_filed": N_("filed"), "report_corrected": N_("corrected")}


def _totals_header(t: Translator) -> list[str]:
    return [
        t.gettext("Chapters"),
        t.gettext("Expected"),
        t.gettext("Reported"),
        t.gettext("On time"),
        t.gettext("Excused from reporting"),
        t.gettext("Missing"),
        t.gettext("Reporting rate"),
        t.gettext("On-time rate"),
        t.gettext("New members"),
        t.gettext("Total members"),
    ]


def _totals_cells(totals: Any) -> list[Any]:
    return [
        totals.chapters,
        totals.expected,
        totals.reported,
        totals.on_time,
        totals.excused,
        totals.missing,
        totals.reporting_rate,
        totals.on_time_rate,
        totals.new_members,
        totals.total_members,
    ]


def _sheet(
    book: Workbook, title: str, header: list[str], rows: list[list[Any]], percent_columns: range = range(0)
):
    from openpyxl.styles import Font

    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in percent_columns:
        for cells in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            for cell in cells:
                cell.number_format = "0%"
    sheet.freeze_panes = "A2"
    for column_cells in sheet.columns:
        width = max(len(str(c.value)) if c.value is not None else 0 for c in column_cells)
        sheet.column_dimensions[column_cells[0].column_letter].width = min(max(width + 2, 8), 50)
    return sheet


def workbook_bytes(data: ExportData, t: Translator) -> bytes:
    """An .xlsx with four sheets, headers and labels in the member's language, times in local time."""
    from openpyxl import Workbook  # imported when used: openpyxl (and numpy) cost ~20 MiB of resident memory

    book = Workbook()
    book.remove(book.active)
    period = t.gettext("Period")
    district_rows = [[period_label(t, rp), *_totals_cells(rollup.district)] for rp, rollup in data.periods]
    _sheet(book, t.gettext("District"), [period, *_totals_header(t)], district_rows, range(8, 10))
    ward_rows = [
        [period_label(t, rp), w.ward_name, *_totals_cells(w.totals)]
        for rp, rollup in data.periods
        for w in rollup.wards
    ]
    _sheet(book, t.gettext("Wards"), [period, t.gettext("Ward"), *_totals_header(t)], ward_rows, range(9, 11))
    chapter_rows = [
        [
            period_label(t, rp),
            w.ward_name,
            line.chapter.chapter_name,
            t.gettext(STATUS_LABELS[line.status]),
            line.new_members,
            line.total_members,
        ]
        for rp, rollup in data.periods
        for w in rollup.wards
        for line in w.chapters
    ]
    _sheet(
        book,
        t.gettext("Chapters"),
        [
            period,
            t.gettext("Ward"),
            t.gettext("Chapter"),
            t.gettext("Status"),
            t.gettext("New members"),
            t.gettext("Total members"),
        ],
        chapter_rows,
    )
    labels = {rp.key: period_label(t, rp) for rp, _ in data.periods}
    report_rows: list[list[Any]] = []
    for report in data.reports:
        chapter = data.chapters.get(report.chapter_id)
        base = [
            labels.get(report.period_key, report.period_key),
            chapter.ward_name if chapter else "",
            chapter.chapter_name if chapter else str(report.chapter_id),
        ]
        for change in data.changes.get(report.id, []):
            details = change["details"]
            old, new = details.get("old") or {}, details.get("new") or {}
            report_rows.append(
                [
                    *base,
                    t.gettext(ACTION_LABELS.get(change["action"], change["action"])),
                    _local(t, change["at"]),
                    change["actor"] or "",
                    t.gettext("yes") if details.get("on_behalf") else t.gettext("no"),
                    old.get("new_members"),
                    old.get("total_members"),
                    new.get("new_members"),
                    new.get("total_members"),
                    new.get("note") or "",
                    t.gettext("yes") if new.get("photo") else t.gettext("no"),
                ]
            )
    _sheet(
        book,
        t.gettext("Reports and history"),
        [
            period,
            t.gettext("Ward"),
            t.gettext("Chapter"),
            t.gettext("Change"),
            t.gettext("When"),
            t.gettext("By"),
            t.gettext("On behalf"),
            t.gettext("New members before"),
            t.gettext("Total before"),
            t.gettext("New members"),
            t.gettext("Total members"),
            t.gettext("Note"),
            t.gettext("Photo"),
        ],
        report_rows,
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _local(t: Translator, when: Any) -> str:
    return f"{t.date(when)} {t.time(when)}"
