"""The permission matrix for seminars (tests/test_permission_matrix.py holds the specification and checks
every command and button prefix): the seminar commands as /help lists them, and well-formed seminar choices
(real ids, every kind) pressed by people without the action."""

from __future__ import annotations

from bot.conversation.tokens import Token
from bot.core.models import Role
from bot.core.permissions import Action
from tests.harness import BotUnderTest
from tests.proof_helpers import ROLES, apologies, cast, forge_press, member_id
from tests.test_permission_matrix import COMMAND_REFUSALS, effects, specification
from tests.test_seminars_dialog import create_seminar

SEMINAR_COMMANDS = ("seminars", "seminar_new", "seminar_reminders", "my_seminars")


async def test_every_seminar_command_is_listed_with_its_action(bot: BotUnderTest) -> None:
    assert bot.runtime is not None
    specs = {s.name: s for s in bot.runtime.router.specs if s.name in SEMINAR_COMMANDS}
    assert list(specs) == list(SEMINAR_COMMANDS)  # /help lists them in this order
    assert {name: spec.action for name, spec in specs.items()} == {
        "seminars": Action.MANAGE_SEMINARS,
        "seminar_new": Action.MANAGE_SEMINARS,
        "seminar_reminders": Action.MANAGE_SEMINARS,
        "my_seminars": Action.ANSWER_SEMINARS,
    }
    assert all(name in COMMAND_REFUSALS for name in specs)


async def test_well_formed_seminar_choices_pressed_by_anyone_without_the_action_change_nothing(
    bot: BotUnderTest,
) -> None:
    people = await cast(bot)
    organiser = people["organiser"]
    await bot.member(7400, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 1")
    await bot.member(7401, "Đinh Văn Một", Role.WARD_LEAD, ward="Phường 1")
    await bot.member(7402, "Đinh Văn Hai", Role.WARD_LEAD, ward="Phường 2")
    seminar_id = await create_seminar(bot, organiser)
    cadre = await member_id(bot, people["cadre"])
    forged = {
        Action.MANAGE_SEMINARS: [
            f"v1:semo:{action}:{seminar_id}" for action in ("n", "ci", "m", "mo", "mr", "x", "xx")
        ]
        + [f"v1:semi:{action}:{seminar_id}:all" for action in ("s", "a", "ok")]
        + ["v1:semn:h:1", "v1:semn:hd", "v1:semn:tr:cadre", "v1:semn:a:done", "v1:semn:c:ok"]
        + ["v1:when:d:20261127", "v1:when:t:0800", "v1:when:a:yes", "v1:when:a:skip"],
        Action.ANSWER_SEMINARS: [
            f"v1:semr:{seminar_id}:y",
            f"v1:semr:{seminar_id}:d",
            f"v1:semp:{seminar_id}:{cadre}",
            f"v1:semf:{seminar_id}:5",
        ],
    }
    rules = specification()
    problems = []
    for action, data in forged.items():
        assert all(Token.parse(d) is not None for d in data), data
        for role in ROLES:
            if rules[action][role] != "-":
                continue
            for raw in data:
                before = await effects(bot)
                await forge_press(bot, people[role], raw)
                if await effects(bot) != before or apologies(bot):
                    problems.append(f"{raw} pressed by {role}")
    invitees = await bot.services.seminars.invitees(seminar_id)
    assert len(invitees) == 3 and all(i.rsvp.value == "pending" for i in invitees)
    assert not problems, "\n".join(problems)
