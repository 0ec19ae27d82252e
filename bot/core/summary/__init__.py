"""The weekly summary for the district chair: pure arithmetic over facts gathered by storage."""

from bot.core.summary.compute import compute_summary, natural_key
from bot.core.summary.inputs import (
                                     BroadcastCounts,
                                     BroadcastFact,
                                     ChapterInfo,
                                     Event,
                                     FaqCounts,
                                     PeriodInfo,
                                     ReportFact,
                                     SeminarCounts,
                                     SummaryInputs,
                                     TrainingCounts,
                                     WardInfo,
)
from bot.core.summary.model import (
                                     Broadcasts,
                                     ChapterLine,
                                     FaqStats,
                                     NewMembers,
                                     Reporting,
                                     SeminarLine,
                                     TrainingLine,
                                     WardLine,
                                     WeeklySummary,
)
from bot.core.summary.service import (
                                     Addressee,
                                     Outcome,
                                     SummaryResult,
                                     SummaryService,
                                     SummaryStore,
                                     match_ward,
                                     summary_audience,
)
from bot.core.summary.weeks import (
                                     Schedule,
                                     Week,
                                     delivery_time,
                                     parse_schedule,
                                     parse_week_key,
                                     summary_week,
                                     week_of,
                                     week_of_day,
)

__all__ = [
    "Addressee", "BroadcastCounts", "BroadcastFact", "Broadcasts", "ChapterInfo", "ChapterLine", "Event",
    "FaqCounts", "FaqStats", "NewMembers", "Outcome", "PeriodInfo", "ReportFact", "Reporting", "Schedule", "SeminarCounts",
    "SeminarLine", "SummaryInputs", "SummaryResult", "SummaryService", "SummaryStore", "TrainingCounts",
    "TrainingLine", "WardInfo", "WardLine", "Week", "WeeklySummary", "compute_summary", "delivery_time",
    "match_ward", "natural_key", "parse_schedule", "parse_week_key", "summary_audience", "summary_week", "week_of", "week_of_day",
]
