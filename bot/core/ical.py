"""A minimal iCalendar (RFC 5545) event: the "add to calendar" file sent with seminar reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

PRODID = "-//Khuyen hoc Bot//Seminars//VI"
LINE_LIMIT = 75  # octets, excluding the CRLF (RFC 5545 §3.1)


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    description: str = ""
    sequence: int = 0
    cancelled: bool = False


def escape_text(value: str) -> str:
    """TEXT value escaping (§3.3.11): backslash, semicolon, comma and line breaks."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def utc_stamp(when: datetime) -> str:
    """A DATE-TIME in UTC form ('20261204T010000Z'); refuses naive datetimes."""
    if when.tzinfo is None:
        raise ValueError("naive datetime in a calendar event")
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold_line(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a UTF-8 character."""
    chunks: list[str] = []
    current, size, limit = "", 0, LINE_LIMIT
    for ch in line:
        width = len(ch.encode())
        if size + width > limit:
            chunks.append(current)
            current, size, limit = "", 0, LINE_LIMIT - 1  # continuation lines start with a space
        current += ch
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def event_ics(event: CalendarEvent, *, now: datetime) -> str:
    """The whole VCALENDAR text with one VEVENT, CRLF line endings."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:" + ("CANCEL" if event.cancelled else "PUBLISH"),
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{utc_stamp(now)}",
        f"DTSTART:{utc_stamp(event.starts_at)}",
        f"DTEND:{utc_stamp(event.ends_at)}",
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines.append("STATUS:" + ("CANCELLED" if event.cancelled else "CONFIRMED"))
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold_line(line) + "\r\n" for line in lines)
