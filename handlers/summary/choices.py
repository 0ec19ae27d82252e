"""Choices under the summary (a ward's details) and for /summary (which week), with their tokens.

The ward choices live on in people's chats under every Monday summary: their wire form stays
'v1:sumw:<week>:<ward id>' (as are 'v1:sumk:<week>' and 'v1:sume:<week>').
"""

from __future__ import annotations

from bot.conversation.replies import Choice, Choices, grid, rows
from bot.conversation.tokens import Token, token
from bot.core.summary import Week, WeeklySummary
from bot.i18n import Translator
from bot.views.summary.text import button_wards, week_label

EARLIER_WEEKS = 6


@token("sumk")
class SummaryWeek(Token):
    """A week to show (its ISO key, '2026-W48')."""

    week: str


@token("sume")
class EarlierWeeks(Token):
    """The weeks before this one."""

    before: str


@token("sumw")
class SummaryWard(Token):
    """A ward's details for the summary's week."""

    week: str
    ward_id: int


def ward_choices(t: Translator, summary: WeeklySummary) -> Choices:
    """Up to eight wards worth a look, two to a row (none under a ward's own summary)."""
    return grid([Choice(w.name, SummaryWard(summary.week.key, w.ward_id)) for w in button_wards(summary)], 2)


def week_choice(t: Translator, this_week: Week) -> Choices:
    last = this_week.previous()
    return rows(
        [
            Choice(
                t.gettext("This week ({week})").format(week=week_label(t, this_week)),
                SummaryWeek(this_week.key),
            ),
            Choice(t.gettext("Last week ({week})").format(week=week_label(t, last)), SummaryWeek(last.key)),
        ],
        [Choice(t.gettext("Earlier weeks…"), EarlierWeeks(last.key))],
    )


def earlier_weeks(t: Translator, before: Week) -> Choices:
    weeks, week = [], before
    for _ in range(EARLIER_WEEKS):
        week = week.previous()
        label = week_label(t, week)
        weeks.append(Choice(label, SummaryWeek(week.key)))
    return grid(weeks, 2) + rows([Choice(t.gettext("Earlier weeks…"), EarlierWeeks(week.key))])
