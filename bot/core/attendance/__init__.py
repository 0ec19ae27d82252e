"""Training sessions (tập huấn): registration, check-in at the venue, attendance lists."""

from bot.core.attendance.models import (
    Attendance,
    CheckInMethod,
    Registration,
    RegistrationStatus,
    RosterRow,
    Training,
    TrainingDraft,
    TrainingStatus,
)
from bot.core.attendance.rules import LiveSummary, WardGroup, WindowState, summarise, window_state
from bot.core.attendance.service import (
    AttendanceService,
    AttendanceStore,
    CheckInResult,
    CodeResult,
    Outcome,
    RegistrationResult,
    TrainingResult,
    TrainingView,
)

__all__ = [
    "Attendance",
    "AttendanceService",
    "AttendanceStore",
    "CheckInMethod",
    "CheckInResult",
    "CodeResult",
    "LiveSummary",
    "Outcome",
    "Registration",
    "RegistrationResult",
    "RegistrationStatus",
    "RosterRow",
    "Training",
    "TrainingDraft",
    "TrainingResult",
    "TrainingStatus",
    "TrainingView",
    "WardGroup",
    "WindowState",
    "summarise",
    "window_state",
]
