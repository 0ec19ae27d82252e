"""The other features' agreed tables (notes/schemas.md), created when their migrations are not installed.

Includes the few extra NOT NULL columns the real migrations have (updated_at), so one seed fits both.

Used by the summary's storage tests and its benchmark; `IF NOT EXISTS` leaves real tables alone.
"""

from __future__ import annotations

AGREED_TABLES = """
CREATE TABLE IF NOT EXISTS trainings (id INTEGER PRIMARY KEY, title TEXT, starts_at TEXT, ends_at TEXT, venue TEXT,
    description TEXT, capacity INTEGER, audience TEXT, status TEXT, created_by INTEGER, created_at TEXT, updated_at TEXT);
CREATE TABLE IF NOT EXISTS training_registrations (training_id INTEGER, member_id INTEGER, status TEXT,
    registered_at TEXT, updated_at TEXT, PRIMARY KEY (training_id, member_id));
CREATE TABLE IF NOT EXISTS training_attendance (training_id INTEGER, member_id INTEGER, checked_in_at TEXT,
    method TEXT, late INTEGER, excused INTEGER, PRIMARY KEY (training_id, member_id));
CREATE TABLE IF NOT EXISTS chapter_reports (id INTEGER PRIMARY KEY, chapter_id INTEGER, period_key TEXT,
    new_members INTEGER, total_members INTEGER, note TEXT, filed_by INTEGER, on_behalf INTEGER, filed_at TEXT,
    updated_at TEXT, UNIQUE (chapter_id, period_key));
CREATE TABLE IF NOT EXISTS report_excuses (chapter_id INTEGER, period_key TEXT, excused_by INTEGER, created_at TEXT,
    PRIMARY KEY (chapter_id, period_key));
CREATE TABLE IF NOT EXISTS seminars (id INTEGER PRIMARY KEY, topic TEXT, host TEXT, starts_at TEXT, ends_at TEXT,
    venue TEXT, agenda TEXT, status TEXT, created_by INTEGER, created_at TEXT, updated_at TEXT);
CREATE TABLE IF NOT EXISTS seminar_invitees (seminar_id INTEGER, member_id INTEGER, rsvp TEXT, responded_at TEXT,
    invited_at TEXT, PRIMARY KEY (seminar_id, member_id));
CREATE TABLE IF NOT EXISTS broadcasts (id INTEGER PRIMARY KEY, created_by INTEGER, text TEXT, status TEXT,
    scheduled_at TEXT, sent_at TEXT, created_at TEXT, recipients INTEGER);
CREATE TABLE IF NOT EXISTS broadcast_acks (broadcast_id INTEGER, member_id INTEGER, acked_at TEXT,
    PRIMARY KEY (broadcast_id, member_id));
CREATE TABLE IF NOT EXISTS faq_questions (id INTEGER PRIMARY KEY, member_id INTEGER, text TEXT, asked_at TEXT,
    entry_id TEXT, score REAL, outcome TEXT, forwarded INTEGER, status TEXT, answer TEXT, answered_by INTEGER,
    answered_at TEXT);
"""


def agreed_statements() -> list[str]:
    return [s.strip() for s in AGREED_TABLES.split(";") if s.strip()]


async def ensure_agreed_tables(db) -> None:
    """Create whichever agreed tables the installed migrations did not."""
    async with db.transaction() as conn:
        for statement in agreed_statements():
            await conn.execute(statement)
