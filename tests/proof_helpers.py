"""Helpers for the proof tests: a cast of people in every role, and forged button presses.

The cast lives around Phường 5 ("the ward"): a stranger, a pending applicant, a cadre of the
ward, a ward lead of Phường 6 (another ward), the ward's lead, an organiser and an admin.
"""

from __future__ import annotations

from bot.core.models import MemberStatus, Role
from tests.harness import TOKEN, BotUnderTest, Person, Reply

WARD = "Phường 5"
OTHER_WARD = "Phường 6"
CHAPTER = "Chi hội Khu phố 2"
ROLES = ("stranger", "pending", "cadre", "lead_other_ward", "ward_lead", "organiser", "admin")


async def cast(bot: BotUnderTest, base: int = 7000) -> dict[str, Person]:
    """One person per role; user ids base+0 … base+6 in ROLES order."""
    people = {
        "stranger": bot.person(base, "Khách"),
        "pending": await make_pending(bot, base + 1, "Đỗ Thị Chờ"),
        "cadre": await bot.member(base + 2, "Phạm Văn Cán", Role.CADRE, ward=WARD, chapter=CHAPTER),
        "lead_other_ward": await bot.member(base + 3, "Lê Thị Hoa", Role.WARD_LEAD, ward=OTHER_WARD),
        "ward_lead": await bot.member(base + 4, "Trần Văn Minh", Role.WARD_LEAD, ward=WARD),
        "organiser": await bot.member(base + 5, "Võ Thị Tổ", Role.ORGANISER),
        "admin": await bot.member(base + 6, "Hoàng Văn Quản", Role.ADMIN),
    }
    bot.emu.add_user(TOKEN, people["stranger"].user)
    return people


async def make_pending(
    bot: BotUnderTest, user_id: int, full_name: str, *, ward: str = WARD, phone: str | None = None
) -> Person:
    """Someone who asked to join a chapter of `ward` and waits for approval."""
    person = await bot.member(user_id, full_name, Role.CADRE, ward=ward, chapter=CHAPTER)
    member = await bot.services.member_store.find_by_account("telegram", str(user_id))
    assert member is not None
    await bot.services.member_store.update(
        member.id,
        now=bot.clock.now(),
        actor_id=None,
        action="test_setup",
        status=MemberStatus.PENDING,
        role=None,
        requested_at=bot.clock.now(),
        **({"phone": phone} if phone else {}),
    )
    return person


async def member_id(bot: BotUnderTest, person: Person) -> int:
    member = await bot.services.member_store.find_by_account("telegram", str(person.user.id))
    assert member is not None
    return member.id


async def forge_press(
    bot: BotUnderTest, person: Person, data: str, *, message_id: int | None = None
) -> list[Reply]:
    """Send a callback query with arbitrary data, as a modified client or a replayed old button could.

    The query points at the newest bot message in the person's chat (or a message id that does not exist).
    """
    state = bot.emu.bot_state(TOKEN)
    chat = bot.emu.ensure_chat(state, person.chat_id, person.user)
    if message_id is None:
        own = [m for m in chat.messages.values() if m.from_bot]
        message_id = own[-1].data["message_id"] if own else 999_999
    stored = chat.messages.get(message_id)
    message = (
        stored.data
        if stored
        else {
            "message_id": message_id,
            "date": bot.emu.now_ts(),
            "chat": chat.chat,
            "from": state.bot_user(),
            "text": "…",
        }
    )

    async def inject() -> None:
        from bot.emulator.state import CallbackRecord

        query_id = f"{state.bot_id}{state.next_callback_id:08d}"
        state.next_callback_id += 1
        state.callbacks[query_id] = CallbackRecord(chat_id=person.chat_id, created=bot.emu.monotonic())
        state.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": person.user.to_api(),
                "message": message,
                "chat_instance": "forged",
                "data": data,
            },
        )

    return await person._act(inject)


def apologies(bot: BotUnderTest) -> list[str]:
    """Texts of the generic 'something went wrong' apology the error handler sent (in any chat)."""
    t = bot.services.i18n.translator("vi")
    apology = t.gettext(
        "Sorry, something went wrong on my side and your last action may not have been "
        "completed. Please try again in a moment."
    )
    return [
        c.params.get("text") for c in bot.emu.calls(TOKEN, "sendMessage") if c.params.get("text") == apology
    ]
