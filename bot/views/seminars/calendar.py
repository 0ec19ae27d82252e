"""The "add to calendar" file (.ics) that goes with a seminar's invitation and reminders."""

from __future__ import annotations

from datetime import datetime

from bot.core.ical import CalendarEvent, event_ics
from bot.core.seminars.models import Seminar

ICS_FILENAME = "toa-dam.ics"
ICS_MIME = "text/calendar"


def calendar_file(seminar: Seminar, now: datetime) -> bytes:
    """One event for the seminar as last scheduled; its version is the SEQUENCE, so calendars update."""
    event = CalendarEvent(
        uid=f"seminar-{seminar.id}@khuyenhoc-bot",
        starts_at=seminar.starts_at,
        ends_at=seminar.ends_at,
        summary=seminar.topic,
        location=seminar.venue,
        description=seminar.agenda,
        sequence=seminar.version,
    )
    return event_ics(event, now=now).encode()
