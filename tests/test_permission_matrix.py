"""Who may do what: every action, command and button against every role.

The specification below is the association's intent, written by hand. It must name every Action
in bot/core/permissions.py, every command must name an action (or be listed as public here), and
every button prefix the bot registers must be listed here with the action that guards it — so a
new action, command or button cannot be added without saying who may use it.

Cells: Y = may do it for something in Phường 5 (the ward of the cast), o = only in their own
ward or chapter (not Phường 5), - = not at all.
"""

from __future__ import annotations

import pytest

import handlers
from bot.conversation.router import CommandSpec, Router
from bot.core.models import Member, MemberStatus, Role
from bot.core.permissions import RULES, Action, can
from tests.harness import BotUnderTest, texts
from tests.proof_helpers import ROLES, WARD, apologies, cast, forge_press, make_pending, member_id

SPECIFICATION = """
action              stranger pending cadre lead_other_ward ward_lead organiser admin
view_own_profile    Y        Y       Y     Y               Y         Y         Y
ask_faq             Y        Y       Y     Y               Y         Y         Y
approve_member      -        -       -     o               Y         Y         Y
create_invite       -        -       -     o               Y         Y         Y
change_role         -        -       -     -               -         -         Y
view_member_phone   -        -       -     o               Y         Y         Y
list_members        -        -       -     o               Y         Y         Y
manage_training     -        -       -     -               -         Y         Y
attend_training     -        -       Y     Y               Y         Y         Y
file_report         -        -       Y     o               Y         Y         Y
view_reports        -        -       -     o               Y         Y         Y
nudge_report        -        -       -     o               Y         Y         Y
excuse_report       -        -       -     -               -         Y         Y
export_reports      -        -       -     -               -         Y         Y
configure_reports   -        -       -     -               -         -         Y
manage_seminars     -        -       -     -               -         Y         Y
answer_seminars     -        -       Y     Y               Y         Y         Y
send_broadcast      -        -       -     o               Y         Y         Y
view_broadcasts     -        -       -     o               Y         Y         Y
answer_faq          -        -       -     -               -         Y         Y
reload_faq          -        -       -     -               -         -         Y
view_summary        -        -       -     o               Y         Y         Y
"""

PUBLIC_COMMANDS = {"start", "help", "language", "cancel", "link"}
"""Commands anyone may send (they check nothing, or they guard each step themselves)."""

COMMAND_REFUSALS: dict[str, str | None] = {
    "me": None,
    "pending": "Only ward leads and organisers can approve members.",
    "invite": "Only ward leads and organisers can create invitations.",
    "role": "Only district admins can change roles.",
    "trainings": None,
    "checkin": None,
    "training_new": None,
    "checkin_qr": None,
    "attendance": None,
    "report": None,
    "reports": None,
    "report_export": None,
    "report_settings": None,
    "seminars": None,
    "seminar_new": None,
    "seminar_reminders": None,
    "my_seminars": None,
    "broadcast": None,
    "broadcasts": "Only organisers, district admins and ward leads can see the list of broadcasts.",
    "faq": None,
    "questions": None,
    "faq_reload": None,
    "summary": None,
    "summary_subscribe": None,
}
"""For every command that names an action: the refusal a member without it gets (None: not checked by text;
every refusal is still checked to come without buttons and without any effect)."""

BUTTONS: dict[str, Action | None] = {
    "join": Action.APPROVE_MEMBER,
    "inv": Action.CREATE_INVITE,
    "role": Action.CHANGE_ROLE,
    "lang": None,
    "link": None,  # one's own profile: a code to link another app
    "notify": None,  # one's own profile: where notices arrive
    "ob": None,
    "tr": Action.ATTEND_TRAINING,
    "tn": Action.MANAGE_TRAINING,
    "tm": Action.MANAGE_TRAINING,
    "ti": Action.MANAGE_TRAINING,
    # the "when?" step of creating or moving a training or a seminar: pressed outside its dialog, stale
    "when": Action.MANAGE_TRAINING,
    "repf": Action.FILE_REPORT,
    "repc": Action.FILE_REPORT,
    "repv": Action.VIEW_REPORTS,
    "reps": Action.CONFIGURE_REPORTS,
    "semn": Action.MANAGE_SEMINARS,
    "semo": Action.MANAGE_SEMINARS,
    "semi": Action.MANAGE_SEMINARS,
    "semr": Action.ANSWER_SEMINARS,
    "semp": Action.ANSWER_SEMINARS,
    "semf": Action.ANSWER_SEMINARS,
    "bcc": Action.SEND_BROADCAST,
    "bcm": Action.SEND_BROADCAST,
    "bcx": Action.SEND_BROADCAST,
    # a ward lead's reach is the broadcasts they sent (tests/test_broadcasts_list.py)
    "bcl": Action.VIEW_BROADCASTS,
    "bca": None,  # "I have read it": only the recipient's own acknowledgement is recorded
    "faq": Action.ASK_FAQ,
    "sumk": Action.VIEW_SUMMARY,
    "sume": Action.VIEW_SUMMARY,
    "sumw": Action.VIEW_SUMMARY,
}
"""Every callback-data prefix the bot listens to, and the action that guards it (None: anyone)."""

WARD_ID, OTHER_WARD_ID, CHAPTER_ID = 5, 6, 51


def specification() -> dict[Action, dict[str, str]]:
    lines = [line.split() for line in SPECIFICATION.strip().splitlines()]
    header, rows = lines[0][1:], lines[1:]
    assert tuple(header) == ROLES
    return {Action(row[0]): dict(zip(header, row[1:], strict=True)) for row in rows}


def member_as(role: str) -> Member:
    """A core Member for each role of the cast (Phường 5 is ward 5, its chapter 51)."""
    return {
        "stranger": Member(1, "Khách", MemberStatus.VISITOR),
        "pending": Member(2, "Chờ", MemberStatus.PENDING, None, WARD_ID, CHAPTER_ID),
        "cadre": Member(3, "Cán", MemberStatus.ACTIVE, Role.CADRE, WARD_ID, CHAPTER_ID),
        "lead_other_ward": Member(4, "Hoa", MemberStatus.ACTIVE, Role.WARD_LEAD, OTHER_WARD_ID, 61),
        "ward_lead": Member(5, "Minh", MemberStatus.ACTIVE, Role.WARD_LEAD, WARD_ID, 52),
        "organiser": Member(6, "Tổ", MemberStatus.ACTIVE, Role.ORGANISER),
        "admin": Member(7, "Quản", MemberStatus.ACTIVE, Role.ADMIN),
    }[role]


def routes() -> Router:
    """Every feature's commands and buttons, registered as the bot registers them."""
    router = Router()
    handlers.register_all(router)
    return router


def command_specs() -> list[CommandSpec]:
    return routes().specs


def callback_prefixes(router: Router) -> set[str]:
    """The prefixes of every choice token the bot answers ('v1:<prefix>:…')."""
    return {token_class.token_kind.split(":")[0] for token_class in router.choices}


# --- the table itself -------------------------------------------------------------------------------


def test_every_action_has_a_rule() -> None:
    assert set(Action) == set(RULES), f"actions without a rule: {set(Action) - set(RULES)}"


def test_every_action_has_a_row_in_the_specification() -> None:
    missing = set(Action) - set(specification())
    assert not missing, f"say who may do {sorted(missing)} in SPECIFICATION"


def test_every_command_names_an_action_or_is_public() -> None:
    for spec in command_specs():
        assert spec.action in RULES or spec.name in PUBLIC_COMMANDS, (
            f"/{spec.name} names no action: give its CommandSpec an Action, or list it in PUBLIC_COMMANDS"
        )
        if spec.action is not None:
            assert spec.name in COMMAND_REFUSALS, f"write the refusal of /{spec.name} in COMMAND_REFUSALS"


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", ROLES)
def test_the_core_allows_exactly_what_the_specification_says(action: Action, role: str) -> None:
    cell = specification()[action][role]
    member = member_as(role)
    assert can(member, action, ward_id=WARD_ID, chapter_id=CHAPTER_ID) is (cell == "Y"), (
        action,
        role,
        "ward 5",
    )
    assert can(member, action) is (cell in "Yo"), (action, role, "anywhere")
    if cell != "Y" and not RULES[action].public:
        assert not can(member, action, ward_id=WARD_ID), (action, role)


@pytest.mark.parametrize("action", list(Action))
def test_people_who_are_not_active_members_only_get_public_actions(action: Action) -> None:
    for role in ("stranger", "pending"):
        assert can(member_as(role), action) is RULES[action].public
    assert can(None, action) is False


@pytest.mark.parametrize("action", list(Action))
def test_a_lead_of_another_ward_never_reaches_into_this_ward(action: Action) -> None:
    rule = RULES[action]
    if rule.public or rule.ward_lead.name == "ALL":
        return
    assert not can(member_as("lead_other_ward"), action, ward_id=WARD_ID, chapter_id=CHAPTER_ID)


# --- commands through the real bot --------------------------------------------------------------------


async def effects(bot: BotUnderTest) -> tuple[int, int]:
    """Audited changes and queued messages so far: a refused command adds neither."""
    db = bot.services.db
    return (
        await db.fetch_value("SELECT COUNT(*) FROM audit_log"),
        await db.fetch_value("SELECT COUNT(*) FROM outbox"),
    )


async def test_every_command_is_refused_exactly_to_the_roles_without_its_action(bot: BotUnderTest) -> None:
    people = await cast(bot)
    t = bot.services.i18n.translator("vi")
    rules = specification()
    mismatches = []
    for spec in command_specs():
        if spec.action is None:
            continue
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


async def test_help_lists_exactly_the_commands_each_role_may_use(bot: BotUnderTest) -> None:
    people = await cast(bot)
    rules = specification()
    for role in ROLES:
        listing = texts(await people[role].send("/help"))
        for spec in command_specs():
            expected = spec.action is None or rules[spec.action][role] in "Yo"
            assert (f"/{spec.name} —" in listing) is expected, (role, spec.name)


# --- buttons through the real bot ---------------------------------------------------------------------


async def test_every_button_prefix_is_guarded_by_a_listed_action(bot: BotUnderTest) -> None:
    prefixes = callback_prefixes(bot.runtime.router)
    assert prefixes == set(BUTTONS), (
        f"unlisted button prefixes {sorted(prefixes - set(BUTTONS))}; stale entries "
        f"{sorted(set(BUTTONS) - prefixes)}"
    )


async def test_approve_buttons_work_only_for_the_wards_leads_organisers_and_admins(bot: BotUnderTest) -> None:
    people = await cast(bot)
    expected = specification()[Action.APPROVE_MEMBER]
    for number, role in enumerate(ROLES):
        applicant = await make_pending(bot, 7100 + number, f"Người Xin Số {number}")
        target = await member_id(bot, applicant)
        await forge_press(bot, people[role], f"v1:join:a:{target}")
        status = (await bot.services.members.get(target)).status
        assert (status is MemberStatus.ACTIVE) is (expected[role] == "Y"), (role, status)


async def test_role_buttons_work_only_for_admins(bot: BotUnderTest) -> None:
    people = await cast(bot)
    expected = specification()[Action.CHANGE_ROLE]
    for number, role in enumerate(ROLES):
        target_person = await bot.member(7200 + number, f"Cán Bộ Số {number}", Role.CADRE, ward=WARD)
        target = await member_id(bot, target_person)
        await forge_press(bot, people[role], f"v1:role:s:{target}:organiser")
        changed = (await bot.services.members.get(target)).role is Role.ORGANISER
        assert changed is (expected[role] == "Y"), role


async def test_invitation_buttons_work_only_for_the_wards_leads_organisers_and_admins(
    bot: BotUnderTest,
) -> None:
    people = await cast(bot)
    expected = specification()[Action.CREATE_INVITE]
    ward = next(w for w in await bot.services.org.wards() if w.name == WARD)
    chapter = (await bot.services.org.chapters(ward.id))[0]
    for role in ROLES:
        before = await bot.services.db.fetch_value("SELECT COUNT(*) FROM invites")
        await forge_press(bot, people[role], f"v1:inv:c:{chapter.id}")
        created = await bot.services.db.fetch_value("SELECT COUNT(*) FROM invites") - before
        assert created == (1 if expected[role] == "Y" else 0), role


async def test_language_and_registration_buttons_do_nothing_harmful_for_anyone(bot: BotUnderTest) -> None:
    people = await cast(bot)
    for role in ROLES:
        await forge_press(bot, people[role], "v1:lang:en")
        member = await bot.services.member_store.find_by_account("telegram", str(people[role].user.id))
        assert member is not None and member.locale == "en", role
        status_before = member.status
        await forge_press(bot, people[role], "v1:ob:c:1")
        after = await bot.services.member_store.find_by_account("telegram", str(people[role].user.id))
        assert after.status is status_before and after.chapter_id == member.chapter_id, role


async def test_any_button_forged_by_someone_without_its_action_changes_nothing(bot: BotUnderTest) -> None:
    people = await cast(bot)
    rules = specification()
    shapes = ("v1:{p}:1", "v1:{p}:a:1", "v1:{p}:y:1:1", "v1:{p}:1:1:1")
    problems = []
    for prefix, action in BUTTONS.items():
        if action is None:
            continue
        for role in ROLES:
            if rules[action][role] != "-":
                continue
            for shape in shapes:
                before = await effects(bot)
                await forge_press(bot, people[role], shape.format(p=prefix))
                if await effects(bot) != before or apologies(bot):
                    problems.append(f"{shape.format(p=prefix)} pressed by {role}")
    assert not problems, "\n".join(problems)
