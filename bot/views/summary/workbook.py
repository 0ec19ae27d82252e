"""The summary as an Excel workbook with the same numbers as the message.

Sheets: overview, wards, chapters, missing reports, trainings, seminars.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from bot.core.summary import WeeklySummary
from bot.i18n import Translator
from bot.views.summary.text import file_week, week_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_filename(summary: WeeklySummary) -> str:
    suffix = f"-phuong-{summary.ward_id}" if summary.ward_id is not None else ""
    return f"tom-tat-{file_week(summary)}{suffix}.xlsx"


def _local(t: Translator, when: datetime | None) -> datetime | None:
    """Excel has no time zones: write the wall-clock time in the bot's zone."""
    return when.astimezone(t.tz).replace(tzinfo=None) if when else None


def _cell(ws, value: object) -> object:
    """Rates as percentages and dates in Vietnamese order; everything else as is."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, float):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "0%"
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "dd/mm/yyyy hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "dd/mm/yyyy"
        return cell
    return value


def overview_rows(t: Translator, summary: WeeklySummary) -> list[tuple[str, object]]:
    """(label, value) pairs of the overview sheet; the message shows the same values."""
    rows: list[tuple[str, object]] = [
        (t.gettext("Week"), week_label(t, summary.week)),
        (t.gettext("From"), summary.week.monday),
        (t.gettext("To"), summary.week.sunday),
        (t.gettext("Ward"), summary.ward_name or t.gettext("Whole district")),
    ]
    if summary.new_members:
        nm = summary.new_members
        rows += [
            (t.gettext("New members last week"), nm.this_week),
            (t.gettext("New members the week before"), nm.previous_week),
            (t.gettext("Change"), nm.change),
            (t.gettext("New members, period to date"), nm.period),
        ]
    if summary.reporting:
        rep = summary.reporting
        rows += [
            (t.gettext("Reporting period"), rep.period_key),
            (t.gettext("Chapters expected to report"), rep.expected),
            (t.gettext("Chapters reported"), rep.reported),
            (t.gettext("Reporting rate"), rep.rate),
            (t.gettext("Reported on time"), rep.on_time),
            (t.gettext("Excused chapters"), rep.excused),
            (t.gettext("Still missing"), rep.missing),
        ]
    if summary.trainings_held:
        rows += [
            (t.gettext("Trainings held"), len(summary.trainings_held)),
            (t.gettext("Registered"), sum(x.registered for x in summary.trainings_held)),
            (t.gettext("Attended"), sum(x.attended for x in summary.trainings_held)),
        ]
    if summary.seminars:
        rows.append((t.gettext("Seminars in the next two weeks"), len(summary.seminars)))
    if summary.broadcasts:
        b = summary.broadcasts
        rows += [
            (t.gettext("Announcements sent"), b.sent),
            (t.gettext("Recipients"), b.recipients),
            (t.gettext("Confirmed receipt"), b.acked),
            (t.gettext("Confirmation rate"), b.rate),
        ]
    if summary.faq:
        rows += [
            (t.gettext("Questions asked"), summary.faq.asked),
            (t.gettext("Questions without an answer"), summary.faq.unanswered),
            (t.gettext("Uncertain answers"), summary.faq.low_confidence),
        ]
        if summary.faq.queue is not None:
            rows.append((t.gettext("Questions waiting for the organisers"), summary.faq.queue))
    return rows


def render_workbook(t: Translator, summary: WeeklySummary) -> bytes:
    """The .xlsx bytes (write-only mode: fast and small in memory at city scale)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows, widths: list[int]) -> None:
        ws = book.create_sheet(title[:31])
        for index, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + index)].width = width
        cells = []
        for label in header:
            cell = WriteOnlyCell(ws, value=label)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        for row in rows:
            ws.append([_cell(ws, value) for value in row])

    sheet(t.gettext("Overview"), [t.gettext("Item"), t.gettext("Value")], overview_rows(t, summary), [40, 18])
    sheet(
        t.gettext("Wards"),
        [
            t.gettext("Ward"),
            t.gettext("New members last week"),
            t.gettext("New members the week before"),
            t.gettext("Change"),
            t.gettext("New members, period to date"),
            t.gettext("Chapters expected to report"),
            t.gettext("Chapters reported"),
            t.gettext("Reporting rate"),
            t.gettext("Excused chapters"),
            t.gettext("Still missing"),
        ],
        (
            (
                w.name,
                w.new_this_week,
                w.new_previous_week,
                w.change,
                w.new_period,
                w.expected,
                w.reported,
                w.reporting_rate,
                w.excused,
                len(w.missing),
            )
            for w in summary.wards
        ),
        [22, 12, 12, 10, 12, 12, 12, 12, 10, 10],
    )
    yes, no = t.gettext("yes"), t.gettext("no")
    sheet(
        t.gettext("Chapters"),
        [
            t.gettext("Ward"),
            t.gettext("Chapter"),
            t.gettext("Active"),
            t.gettext("Reported"),
            t.gettext("Excused from reporting"),
            t.gettext("On time"),
            t.gettext("Filed at"),
            t.gettext("New members, period to date"),
            t.gettext("New members last week"),
        ],
        (
            (
                c.ward_name,
                c.name,
                yes if c.active else no,
                yes if c.reported else no,
                yes if c.excused else no,
                "" if c.on_time is None else (yes if c.on_time else no),
                _local(t, c.filed_at),
                c.new_members_period,
                c.new_this_week,
            )
            for c in summary.chapters
        ),
        [22, 34, 8, 10, 10, 10, 18, 12, 12],
    )
    missing = summary.reporting.missing_by_ward if summary.reporting else ()
    sheet(
        t.gettext("Missing reports"),
        [t.gettext("Ward"), t.gettext("Chapter")],
        ((ward, name) for ward, names in missing for name in names),
        [22, 40],
    )
    sheet(
        t.gettext("Trainings"),
        [
            t.gettext("Date and time"),
            t.gettext("Training"),
            t.gettext("Venue"),
            t.gettext("Status"),
            t.gettext("Registered"),
            t.gettext("Attended"),
            t.gettext("Attendance rate"),
        ],
        [
            (_local(t, x.starts_at), x.title, x.venue, t.gettext("held"), x.registered, x.attended, x.rate)
            for x in summary.trainings_held
        ]
        + [
            (_local(t, x.starts_at), x.title, x.venue, t.gettext("upcoming"), x.registered, None, None)
            for x in summary.trainings_next
        ],
        [18, 34, 24, 10, 11, 11, 11],
    )
    sheet(
        t.gettext("Seminars"),
        [
            t.gettext("Date and time"),
            t.gettext("Seminar"),
            t.gettext("Venue"),
            t.gettext("Invited"),
            t.gettext("Coming"),
            t.gettext("Not coming"),
            t.gettext("Sending someone"),
            t.gettext("Not answered"),
        ],
        (
            (_local(t, x.starts_at), x.topic, x.venue, x.invited, x.yes, x.no, x.delegated, x.pending)
            for x in summary.seminars
        ),
        [18, 34, 24, 10, 10, 10, 12, 12],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
