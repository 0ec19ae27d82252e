"""The broadcast part of the permission matrix (tests/test_permission_matrix.py), on the channel-neutral
router: who may send and list broadcasts, and that every broadcast choice forged by someone without its action
changes nothing."""

from __future__ import annotations

from datetime import timedelta

from bot.core.broadcasts.service import AudienceKind, Content, audience_of
from bot.core.models import Role
from tests.harness import BotUnderTest, active_member, texts
from tests.proof_helpers import ROLES, apologies, cast, forge_press
from tests.test_broadcasts_dialog import drain
from tests.test_permission_matrix import BUTTONS, COMMAND_REFUSALS, effects, specification

COMMANDS = ("broadcast", "broadcasts")
PREFIXES = ("bcc", "bcm", "bcx", "bcl", "bca")
SHAPES = (
    "v1:{p}:1",
    "v1:{p}:a:1",
    "v1:{p}:y:1:1",
    "v1:{p}:1:1:1",
)
REAL = (
    "v1:bcc:go",
    "v1:bcc:later",
    "v1:bcc:a:all",
    "v1:bcc:tr:cadre",
    "v1:bcc:e:1",
    "v1:bcx:1",
    "v1:bcm:w:2",
    "v1:bcm:r:2",
    "v1:bcl:p:0",
    "v1:bcl:r:2",
    "v1:bcl:x:1:0",
    "v1:bcl:y:1:0",
    "v1:bcl:y:1",
    "v1:bca:2",
)
"""Wire forms the bot really sends (a scheduled broadcast #1, a sent #2)."""


async def broadcasts_to_press(bot: BotUnderTest, people: dict) -> None:
    """#1 scheduled by the organiser; #2 sent to the ward lead of Phường 5."""
    organiser = await active_member(bot.services, people["organiser"].chat_id)
    await bot.services.broadcasts.create(
        organiser,
        Content("Nhắc nộp báo cáo"),
        audience_of(AudienceKind.ALL),
        scheduled_at=bot.clock.now() + timedelta(days=1),
    )
    await bot.services.broadcasts.create(
        organiser, Content("Họp ban chấp hành"), audience_of(AudienceKind.ROLES, roles=(Role.WARD_LEAD,))
    )
    await drain(bot)


def test_the_matrix_lists_every_broadcast_command_and_button() -> None:
    assert all(name in COMMAND_REFUSALS for name in COMMANDS)
    assert {p for p in BUTTONS if p.startswith("bc")} == set(PREFIXES)


async def test_the_broadcast_choices_are_exactly_the_listed_prefixes(bot: BotUnderTest) -> None:
    assert bot.runtime is not None
    kinds = {cls.token_kind.split(":")[0] for cls in bot.runtime.router.choices}
    assert {k for k in kinds if k.startswith("bc")} == set(PREFIXES)


async def test_the_broadcast_commands_are_refused_exactly_to_the_roles_without_their_action(
    bot: BotUnderTest,
) -> None:
    people = await cast(bot)
    assert bot.runtime is not None
    specs = [s for s in bot.runtime.router.specs if s.name in COMMANDS]
    assert [s.name for s in specs] == list(COMMANDS)
    t = bot.services.i18n.translator("vi")
    rules = specification()
    mismatches = []
    for spec in specs:
        assert spec.action is not None
        refusal = COMMAND_REFUSALS[spec.name]
        for role in ROLES:
            allowed = rules[spec.action][role] in "Yo"
            before = await effects(bot)
            replies = await people[role].send(f"/{spec.name}")
            said = texts(replies)
            if not replies or apologies(bot):
                mismatches.append(f"/{spec.name} as {role}: no answer or an error {said!r}")
            elif refusal is not None and (t.gettext(refusal) in said) == allowed:
                mismatches.append(f"/{spec.name} as {role}: {'refused' if allowed else 'served'} {said!r}")
            elif not allowed and (await effects(bot) != before or any(r.buttons for r in replies)):
                mismatches.append(f"/{spec.name} as {role}: refused, but with buttons or an effect {said!r}")
            await people[role].send("/cancel")
    assert not mismatches, "\n".join(mismatches)


async def test_help_lists_the_broadcast_commands_exactly_to_the_roles_that_may_use_them(
    bot: BotUnderTest,
) -> None:
    people = await cast(bot)
    rules = specification()
    assert bot.runtime is not None
    specs = [s for s in bot.runtime.router.specs if s.name in COMMANDS]
    for role in ROLES:
        listing = texts(await people[role].send("/help"))
        for spec in specs:
            assert spec.action is not None
            assert (f"/{spec.name} —" in listing) is (rules[spec.action][role] in "Yo"), (role, spec.name)


async def test_any_broadcast_choice_forged_by_someone_without_its_action_changes_nothing(
    bot: BotUnderTest,
) -> None:
    people = await cast(bot)
    await broadcasts_to_press(bot, people)
    rules = specification()
    problems = []
    for prefix in PREFIXES:
        action = BUTTONS[prefix]
        if action is None:
            continue
        forged = [shape.format(p=prefix) for shape in SHAPES] + [
            d for d in REAL if d.startswith(f"v1:{prefix}:")
        ]
        for role in ROLES:
            if rules[action][role] != "-":
                continue
            for data in forged:
                before = await effects(bot)
                await forge_press(bot, people[role], data)
                if await effects(bot) != before or apologies(bot):
                    problems.append(f"{data} pressed by {role}")
    assert not problems, "\n".join(problems)
    assert (await bot.services.broadcasts.get(1)).status.value == "scheduled"


async def test_only_a_recipients_own_acknowledgement_is_recorded(bot: BotUnderTest) -> None:
    people = await cast(bot)
    await broadcasts_to_press(bot, people)
    for role in ROLES:
        await forge_press(bot, people[role], "v1:bca:2")
    acked = await bot.services.db.fetch_value("SELECT COUNT(*) FROM broadcast_acks WHERE broadcast_id = 2")
    leads = [r for r in ROLES if r in ("ward_lead", "lead_other_ward")]
    assert acked == len(leads)
    for role in ROLES:
        expected = "Cảm ơn, đã ghi nhận anh/chị đã nhận thông báo." if role in leads else None
        toasts = people[role].toasts()
        assert (expected in toasts) if expected else all("Cảm ơn" not in x for x in toasts), role
