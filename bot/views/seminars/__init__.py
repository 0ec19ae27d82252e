"""Seminars as people read them: texts in the reader's language and the calendar file (channel-neutral)."""
