"""New-member reports from every chapter: periods and deadlines, the reminder ladder, checks and roll-ups."""

from bot.core.reports.rollup import ChapterLine, ChapterRow, ReportRow, Rollup, Status, Totals, WardRollup, roll_up
from bot.core.reports.rules import PastReport, Concern, sanity_warnings
from bot.core.reports.schedule import (
    ReportConfig,
    ReportingPeriod,
    Step,
    current_period,
    deadline_of,
    ladder,
    parse_deadline,
    period_from_key,
    periods_between,
    reporting_period,
    step_still_makes_sense,
    task_key,
)
from bot.core.reports.service import (
    TASK_KIND,
    ExportData,
    FileOutcome,
    FileResult,
    ReportService,
    ReportValues,
    Rung,
    StoredReport,
    Target,
)

__all__ = [
    "TASK_KIND", "ChapterLine", "ExportData", "ChapterRow", "FileOutcome", "FileResult", "PastReport", "ReportConfig",
    "ReportRow", "ReportService", "ReportValues", "ReportingPeriod", "Rollup", "Rung", "Status", "Step",
    "StoredReport", "Target", "Totals", "WardRollup", "Concern", "current_period", "deadline_of", "ladder",
    "parse_deadline", "period_from_key", "periods_between", "reporting_period", "roll_up", "sanity_warnings",
    "step_still_makes_sense", "task_key",
]
