"""Seminar buttons already in people's chats keep working after the upgrade: invitations, reminders and the
organiser's summary were sent with these exact callback data, weeks before the seminar."""

from __future__ import annotations

import pytest

from bot.conversation.tokens import Token
from bot.core.seminars.models import Rsvp
from handlers.seminars.choices import (
    Answer,
    Cancel,
    CheckIn,
    Nudge,
    Rating,
    Replacement,
    Reschedule,
)
from handlers.seminars.invite_more import STEP
from tests.harness import BotUnderTest, texts
from tests.proof_helpers import forge_press
from tests.test_seminars_dialog import create_seminar, people

WIRE = [
    (Answer(12, "y"), "v1:semr:12:y"),
    (Answer(12, "n"), "v1:semr:12:n"),
    (Answer(12, "d"), "v1:semr:12:d"),
    (Replacement(12, 345), "v1:semp:12:345"),
    (Rating(12, 4), "v1:semf:12:4"),
    (Nudge(12), "v1:semo:n:12"),
    (CheckIn(12), "v1:semo:ci:12"),
    (Reschedule(12), "v1:semo:m:12"),
    (Cancel(12), "v1:semo:x:12"),
    (STEP.start_token(12), "v1:semi:s:12:-"),
]


@pytest.mark.parametrize(("choice", "wire"), WIRE, ids=[w for _c, w in WIRE])
def test_long_lived_buttons_keep_their_wire_form(choice: Token, wire: str) -> None:
    assert choice.encode() == wire
    assert Token.parse(wire) == choice


async def test_an_invitation_button_sent_before_the_upgrade_still_answers(bot: BotUnderTest) -> None:
    organiser, minh, _hoa, _chau, _lan = await people(bot)
    seminar_id = await create_seminar(bot, organiser)
    minh.inbox()
    replies = await forge_press(bot, minh, f"v1:semr:{seminar_id}:y")
    assert "Anh/chị sẽ tham dự «Xây dựng xã hội học tập ở khu phố»" in texts(replies)
    answers = {i.full_name: i.rsvp for i in await bot.services.seminars.invitees(seminar_id)}
    assert answers["Trần Văn Minh"] is Rsvp.YES
