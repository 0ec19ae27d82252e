"""Buttons under the summary: a ward's details, and the choice of week for /summary."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.core.summary import Week, WeeklySummary
from bot.i18n import Translator
from handlers import callbacks
from handlers.render import buttons, grid
from handlers.summary.text import button_wards

EARLIER_WEEKS = 6


def ward_buttons(t: Translator, summary: WeeklySummary) -> InlineKeyboardMarkup | None:
    wards = button_wards(summary)
    if not wards:
        return None
    return buttons(grid([(w.name, callbacks.encode("sumw", summary.week.key, w.ward_id)) for w in wards], 2))


def week_choice(t: Translator, this_week: Week) -> InlineKeyboardMarkup:
    last = this_week.previous()
    return buttons(
        [
            [
                (
                    t.gettext("This week ({week})").format(week=this_week.key),
                    callbacks.encode("sumk", this_week.key),
                ),
                (t.gettext("Last week ({week})").format(week=last.key), callbacks.encode("sumk", last.key)),
            ],
            [(t.gettext("Earlier weeks…"), callbacks.encode("sume", last.key))],
        ]
    )


def earlier_weeks(t: Translator, before: Week) -> InlineKeyboardMarkup:
    weeks, week = [], before
    for _ in range(EARLIER_WEEKS):
        week = week.previous()
        weeks.append(
            (
                t.gettext("{week} (from {start})").format(week=week.key, start=t.date(week.monday)),
                callbacks.encode("sumk", week.key),
            )
        )
    return buttons(grid(weeks, 2) + [[(t.gettext("Earlier weeks…"), callbacks.encode("sume", week.key))]])
