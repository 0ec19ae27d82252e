"""Onboarding, approval, roles and invitations: the rules, independent of any chat channel."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum

from bot.core.audience import Audience
from bot.core.models import Chapter, Member, MemberStatus, Recipient, Role, Ward
from bot.core.parsing import ParseError, parse_person_name, parse_phone
from bot.core.permissions import Action, Reach, can, reach_of
from bot.core.ports import Clock, MemberStore, OrgStore
from bot.core.text import fold

INVITE_LIFETIME = timedelta(days=30)
LINK_CODE_LIFETIME = timedelta(minutes=15)
"""How long a code from /me links an account on another channel."""
LINK_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LINK_CODE_LENGTH = 6
MAX_NAME_LENGTH = 80
MAX_OPEN_REQUESTS = 20
LOCALES = ("vi", "en")


class Outcome(StrEnum):
    """Expected results of member actions (rendered by the channel adapters)."""

    OK = "ok"
    DENIED = "denied"
    NOT_FOUND = "not_found"
    ALREADY_DONE = "already_done"
    ALREADY_MEMBER = "already_member"
    INVALID = "invalid"
    EXPIRED = "expired"


@dataclass(frozen=True)
class JoinRequest:
    outcome: Outcome
    member: Member | None = None
    chapter: Chapter | None = None
    ward: Ward | None = None
    approvers: tuple[Recipient, ...] = ()


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    member: Member | None = None
    decided_by: Member | None = None


@dataclass(frozen=True)
class InviteResult:
    outcome: Outcome
    token: str | None = None
    chapter: Chapter | None = None
    ward: Ward | None = None


@dataclass(frozen=True)
class Profile:
    member: Member
    ward: Ward | None
    chapter: Chapter | None


class MemberService:
    """Everything a channel adapter may ask about members; permissions are checked here."""

    def __init__(
        self,
        store: MemberStore,
        org: OrgStore,
        clock: Clock,
        *,
        bootstrap_admins: frozenset[str] = frozenset(),
        channel: str = "telegram",
    ) -> None:
        self._store, self._org, self._clock = store, org, clock
        self._bootstrap_admins = bootstrap_admins
        self._channel = channel

    async def identify(
        self, channel: str, external_id: str, *, chat_id: str, display_name: str, username: str | None = None
    ) -> Member:
        """The member behind a channel account, creating a visitor on first contact.

        Accounts listed in ADMIN_IDS become active district admins on first contact.
        """
        found = await self._store.find_by_account(channel, external_id)
        return await self.welcome(
            found, channel, external_id, chat_id=chat_id, display_name=display_name, username=username
        )

    async def welcome(
        self,
        found: Member | None,
        channel: str,
        external_id: str,
        *,
        chat_id: str,
        display_name: str,
        username: str | None = None,
    ) -> Member:
        """`identify` for an account already looked up in this transaction: `found` is its member (None when
        nobody has the account yet). A turn looks the member up with their dialog state, in one query."""
        member = found
        if member is None:
            member = await self._store.create_visitor(
                channel=channel,
                external_id=external_id,
                chat_id=chat_id,
                display_name=display_name[:MAX_NAME_LENGTH],
                username=username,
                now=self._clock.now(),
            )
        else:
            await self._store.touch_account(channel, external_id, chat_id=chat_id, username=username)
            if member.full_name == f"#{external_id}" and display_name.strip():
                # Granted a role from the command line before ever writing: now we know the name.
                member = await self._store.update(
                    member.id,
                    now=self._clock.now(),
                    actor_id=member.id,
                    action="first_contact",
                    full_name=display_name.strip()[:MAX_NAME_LENGTH],
                )
            if member.channel != channel:
                await self._store.set_channel(member.id, channel)
                member = replace(member, channel=channel)
        if self._is_bootstrap_admin(channel, external_id) and not (
            member.is_active and member.role is Role.ADMIN
        ):
            member = await self._store.update(
                member.id,
                now=self._clock.now(),
                actor_id=None,
                action="bootstrap_admin",
                status=MemberStatus.ACTIVE,
                role=Role.ADMIN,
            )
        return member

    def _is_bootstrap_admin(self, channel: str, external_id: str) -> bool:
        """ADMIN_IDS: bare ids are Telegram accounts; other channels' ids are written 'channel:id'."""
        return f"{channel}:{external_id}" in self._bootstrap_admins or (
            channel == "telegram" and external_id in self._bootstrap_admins
        )

    async def wards(self) -> list[Ward]:
        return await self._org.wards()

    async def chapters(self, ward_id: int) -> list[Chapter]:
        return await self._org.chapters(ward_id)

    async def chapter(self, chapter_id: int) -> Chapter | None:
        """An active chapter people may ask to join, or None."""
        chapter = await self._org.chapter(chapter_id)
        return chapter if chapter is not None and chapter.active else None

    async def request_join(
        self, member: Member, *, chapter_id: int, full_name: str, phone: str | None = None
    ) -> JoinRequest:
        """A visitor (or a rejected person trying again) asks to join a chapter."""
        if member.is_active:
            return JoinRequest(Outcome.ALREADY_MEMBER, member)
        chapter = await self._org.chapter(chapter_id)
        if chapter is None or not chapter.active:
            return JoinRequest(Outcome.NOT_FOUND)
        ward = await self._org.ward(chapter.ward_id)
        updated = await self._store.update(
            member.id,
            now=self._clock.now(),
            actor_id=member.id,
            action="request_join",
            full_name=full_name,
            status=MemberStatus.PENDING,
            ward_id=chapter.ward_id,
            chapter_id=chapter.id,
            requested_at=self._clock.now(),
            **({"phone": phone} if phone else {}),
        )
        return JoinRequest(
            Outcome.OK, updated, chapter, ward, tuple(await self.approvers_for(chapter.ward_id))
        )

    async def approvers_for(self, ward_id: int) -> list[Recipient]:
        """Who decides on a join request in this ward: its ward leads, organisers and admins."""
        leads = await self._store.audience_members(Audience.of(roles=[Role.WARD_LEAD], ward_ids=[ward_id]))
        district = await self._store.audience_members(Audience.of(roles=[Role.ORGANISER, Role.ADMIN]))
        seen: dict[int, Recipient] = {}
        for person in leads + district:
            seen.setdefault(person.member_id, person.recipient)
        return list(seen.values())

    async def join_request(self, member: Member, *, with_approvers: bool = False) -> JoinRequest:
        """A member's join request as the approvers see it (its chapter and ward; who decides, if asked)."""
        profile = await self.profile(member)
        approvers: tuple[Recipient, ...] = ()
        if with_approvers and member.ward_id is not None:
            approvers = tuple(await self.approvers_for(member.ward_id))
        return JoinRequest(Outcome.OK, member, profile.chapter, profile.ward, approvers)

    async def open_requests(self, actor: Member | None) -> list[JoinRequest] | None:
        """Pending requests this approver may decide on (a ward lead: their ward's), by name, at most
        MAX_OPEN_REQUESTS; None when the actor may not approve members."""
        if actor is None or not can(actor, Action.APPROVE_MEMBER):
            return None
        ward_id = actor.ward_id if reach_of(actor, Action.APPROVE_MEMBER) is Reach.OWN_WARD else None
        pending = await self._store.list_members(ward_id=ward_id, statuses=[MemberStatus.PENDING])
        return [await self.join_request(m) for m in pending[:MAX_OPEN_REQUESTS]]

    async def waiting_requests(self) -> list[JoinRequest]:
        """Every pending request with a chapter, with its approvers (the bot re-announces them at start)."""
        pending = await self._store.list_members(statuses=[MemberStatus.PENDING])
        requests = [await self.join_request(m, with_approvers=True) for m in pending if m.ward_id is not None]
        return [r for r in requests if r.chapter is not None]

    async def decide(self, actor: Member | None, member_id: int, *, approve: bool) -> Decision:
        """Approve or reject a pending request; checked against the actor's reach, done once."""
        target = await self._store.get(member_id)
        if target is None:
            return Decision(Outcome.NOT_FOUND)
        if not can(actor, Action.APPROVE_MEMBER, ward_id=target.ward_id):
            return Decision(Outcome.DENIED, target)
        assert actor is not None
        if target.status is not MemberStatus.PENDING:
            return Decision(Outcome.ALREADY_DONE, target, await self._store.decided_by(member_id))
        if not await self._store.decide_pending(
            member_id, approve=approve, actor_id=actor.id, now=self._clock.now()
        ):
            return Decision(
                Outcome.ALREADY_DONE,
                await self._store.get(member_id),
                await self._store.decided_by(member_id),
            )
        return Decision(Outcome.OK, await self._store.get(member_id), actor)

    async def set_locale(self, member: Member, locale: str) -> Member:
        """Remember the member's language."""
        if locale not in LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        return await self._store.update(
            member.id, now=self._clock.now(), actor_id=member.id, action="set_locale", locale=locale
        )

    async def change_role(self, actor: Member | None, member_id: int, role: Role) -> Decision:
        """Admins give a member a role (activating them if needed)."""
        if not can(actor, Action.CHANGE_ROLE):
            return Decision(Outcome.DENIED)
        target = await self._store.get(member_id)
        if target is None:
            return Decision(Outcome.NOT_FOUND)
        if role is Role.WARD_LEAD and target.ward_id is None:
            return Decision(Outcome.INVALID, target)
        if target.is_active and target.role is role:
            return Decision(Outcome.ALREADY_DONE, target)
        updated = await self._store.update(
            member_id,
            now=self._clock.now(),
            actor_id=actor.id if actor else None,
            action="change_role",
            role=role,
            status=MemberStatus.ACTIVE,
        )
        return Decision(Outcome.OK, updated, actor)

    async def find_for_role_change(
        self, actor: Member | None, text: str, *, limit: int
    ) -> list[Member] | None:
        """Active members whose name contains `text` (accents ignored); None when the actor may not change
        roles."""
        if not can(actor, Action.CHANGE_ROLE):
            return None
        return await self._store.search(fold(text), limit=limit)

    async def link_code(self, member: Member, channel: str) -> str:
        """A one-time code that, typed on another channel, adds that account to this member."""
        code = "".join(secrets.choice(LINK_CODE_ALPHABET) for _ in range(LINK_CODE_LENGTH))
        await self._store.save_link_code(
            member.id, channel, code, expires_at=self._clock.now() + LINK_CODE_LIFETIME
        )
        return code

    async def link_account(self, member: Member, channel: str, code: str) -> Decision:
        """The account `member` wrote from (on `channel`) joins the member the code was shown to.

        Only a first-contact account (a visitor) can be linked, and only to a member without an account on
        this channel yet; the code is used up either way once it was right."""
        normalised = "".join(code.split()).upper()
        taken = await self._store.take_link_code(normalised, now=self._clock.now())
        if taken is None:
            return Decision(Outcome.EXPIRED)
        target_id, shown_on = taken
        if target_id == member.id:
            return Decision(Outcome.ALREADY_DONE, member)
        if shown_on == channel:
            return Decision(Outcome.INVALID)
        if member.status is not MemberStatus.VISITOR or channel in await self._store.channels_of(target_id):
            return Decision(Outcome.ALREADY_MEMBER)
        await self._store.move_account(
            member.id, target_id, channel, now=self._clock.now(), actor_id=target_id
        )
        return Decision(Outcome.OK, await self._store.get(target_id))

    async def channels(self, member: Member) -> list[str]:
        """The channels the member can be reached on."""
        return await self._store.channels_of(member.id)

    async def prefer_channel(self, member: Member, channel: str) -> Member:
        """Notices reach the member on this channel (one they have an account on)."""
        if channel not in await self._store.channels_of(member.id):
            raise ValueError(f"member {member.id} has no account on {channel!r}")
        await self._store.set_channel(member.id, channel)
        return replace(member, channel=channel)

    async def grant(self, external_id: str, role: Role, *, channel: str | None = None) -> Member:
        """Command-line grant: the account becomes an active member with this role."""
        channel = channel or self._channel
        member = await self._store.find_by_account(channel, external_id)
        if member is None:
            member = await self._store.create_visitor(
                channel=channel,
                external_id=external_id,
                chat_id=external_id,
                display_name=f"#{external_id}",
                username=None,
                now=self._clock.now(),
            )
        return await self._store.update(
            member.id,
            now=self._clock.now(),
            actor_id=None,
            action="grant",
            role=role,
            status=MemberStatus.ACTIVE,
        )

    async def create_invite(self, actor: Member | None, chapter_id: int) -> InviteResult:
        """A deep-link token that skips the ward and chapter choice for one chapter."""
        chapter = await self._org.chapter(chapter_id)
        if chapter is None or not chapter.active:
            return InviteResult(Outcome.NOT_FOUND)
        if not can(actor, Action.CREATE_INVITE, ward_id=chapter.ward_id):
            return InviteResult(Outcome.DENIED, chapter=chapter)
        assert actor is not None
        token = secrets.token_urlsafe(9)
        now = self._clock.now()
        await self._store.save_invite(
            token=token, chapter_id=chapter.id, created_by=actor.id, now=now, expires_at=now + INVITE_LIFETIME
        )
        return InviteResult(Outcome.OK, token, chapter, await self._org.ward(chapter.ward_id))

    async def resolve_invite(self, token: str) -> InviteResult:
        """The chapter an invitation token points at, if it is still valid."""
        invite = await self._store.invite(token) if 6 <= len(token) <= 32 else None
        if invite is None or invite.revoked:
            return InviteResult(Outcome.NOT_FOUND)
        chapter = await self._org.chapter(invite.chapter_id)
        if chapter is None or not chapter.active:
            return InviteResult(Outcome.NOT_FOUND)
        if invite.expires_at <= self._clock.now():
            return InviteResult(Outcome.EXPIRED, token, chapter)
        return InviteResult(Outcome.OK, token, chapter, await self._org.ward(chapter.ward_id))

    async def profile(self, member: Member) -> Profile:
        ward = await self._org.ward(member.ward_id) if member.ward_id else None
        chapter = await self._org.chapter(member.chapter_id) if member.chapter_id else None
        return Profile(member, ward, chapter)

    async def get(self, member_id: int) -> Member | None:
        return await self._store.get(member_id)

    async def recipient(self, member_id: int) -> Recipient | None:
        """How to reach a member, on their preferred channel."""
        return await self._store.recipient(member_id)

    async def mark_unreachable(self, member_id: int, channel: str | None = None) -> None:
        """The member blocked the bot on this channel."""
        await self._store.mark_blocked(member_id, channel or self._channel, now=self._clock.now())


def check_full_name(text: str) -> str | None:
    """A tidy full name, or None when the text cannot be a person's name."""
    name = parse_person_name(text)
    return None if isinstance(name, ParseError) else name


def check_phone(text: str) -> str | None:
    """A Vietnamese phone number as +84…, or None."""
    phone = parse_phone(text)
    return None if isinstance(phone, ParseError) else phone
